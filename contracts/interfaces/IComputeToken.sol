// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @title IComputeToken
/// @notice COMPUTE: the unit agents pay each other in. Minted only by holders of MINTER_ROLE
///         (the staking vault), capped at 10,000,000,000 ever minted, burnable, with a running
///         `totalBurned`.
interface IComputeToken is IERC20 {
    /// @notice A mint would take the amount ever minted above the cap.
    error CapExceeded(uint256 requested, uint256 available);
    /// @notice A zero address where an account is required.
    error ZeroAddress();

    /// @notice Mints `amount` to `to`. Only MINTER_ROLE.
    function mint(address to, uint256 amount) external;

    /// @notice Burns `amount` of the caller's tokens.
    function burn(uint256 amount) external;

    /// @notice Burns `amount` of `account`'s tokens, spending the caller's allowance.
    function burnFrom(address account, uint256 amount) external;

    /// @notice The sum of all tokens ever burned.
    function totalBurned() external view returns (uint256);

    /// @notice The sum of all tokens ever minted (supply plus burned).
    function totalMinted() external view returns (uint256);

    /// @notice How much can still be minted before the cap.
    function mintableLeft() external view returns (uint256);
}
