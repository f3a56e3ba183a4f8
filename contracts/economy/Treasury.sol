// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {ITreasury} from "../interfaces/ITreasury.sol";

/// @title Treasury
/// @notice Holds the protocol's income (the treasury share of protocol fees, the genesis
///         allocation, any other token sent to it). Tokens arrive by plain transfers; they leave
///         only through `withdraw`, by GOVERNOR_ROLE (a timelock, so every payment is announced
///         in advance), with a stated reason.
contract Treasury is ITreasury, AccessControl, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    bytes32 public constant GOVERNOR_ROLE = keccak256("GOVERNOR_ROLE");

    error ZeroAddress();
    error ZeroAmount();

    /// @param governor Receives GOVERNOR_ROLE and DEFAULT_ADMIN_ROLE (a timelock).
    constructor(address governor) {
        if (governor == address(0)) revert ZeroAddress();
        _grantRole(DEFAULT_ADMIN_ROLE, governor);
        _grantRole(GOVERNOR_ROLE, governor);
    }

    /// @inheritdoc ITreasury
    function withdraw(address token, address to, uint256 amount, string calldata reason)
        external
        onlyRole(GOVERNOR_ROLE)
        nonReentrant
    {
        if (token == address(0) || to == address(0)) revert ZeroAddress();
        if (amount == 0) revert ZeroAmount();
        emit Withdrawn(token, to, amount, reason);
        IERC20(token).safeTransfer(to, amount);
    }

    /// @notice The treasury's balance of `token`.
    function balanceOf(IERC20 token) external view returns (uint256) {
        return token.balanceOf(address(this));
    }
}
