// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {ERC20Votes} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Votes.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";

/// @title UBCToken
/// @notice The UBC governance and staking token. The whole capped supply of 1,000,000,000 UBC is
///         minted once, at deployment, to the distribution address; there is no mint function,
///         so the cap holds by construction. EIP-2612 permit and ERC20Votes (timestamp clock,
///         which behaves the same on L1 and on L2s whose block numbers do not track time).
contract UBCToken is ERC20, ERC20Permit, ERC20Votes {
    /// @notice The capped, fixed supply: 1,000,000,000 UBC.
    uint256 public constant MAX_SUPPLY = 1_000_000_000e18;

    /// @notice The distribution address is the zero address.
    error ZeroAddress();

    /// @param distributor Receives the whole supply, to distribute (treasury, vesting, sale).
    constructor(address distributor) ERC20("UBC", "UBC") ERC20Permit("UBC") {
        if (distributor == address(0)) revert ZeroAddress();
        _mint(distributor, MAX_SUPPLY);
    }

    /// @notice The supply cap (equal to the fixed supply).
    function cap() external pure returns (uint256) {
        return MAX_SUPPLY;
    }

    /// @notice Votes are checkpointed by timestamp.
    function clock() public view override returns (uint48) {
        return uint48(block.timestamp);
    }

    /// @notice Machine-readable description of the clock (ERC-6372).
    // solhint-disable-next-line func-name-mixedcase
    function CLOCK_MODE() public pure override returns (string memory) {
        return "mode=timestamp";
    }

    /// @inheritdoc ERC20Permit
    function nonces(address owner) public view override(ERC20Permit, Nonces) returns (uint256) {
        return super.nonces(owner);
    }

    function _update(address from, address to, uint256 value) internal override(ERC20, ERC20Votes) {
        super._update(from, to, value);
    }
}
