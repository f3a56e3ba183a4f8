// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title ITreasury
/// @notice Receives the treasury share of protocol fees (and any other protocol income) and pays
///         out only on its governance role.
interface ITreasury {
    event Withdrawn(address indexed token, address indexed to, uint256 amount, string reason);

    /// @notice Pays `amount` of `token` to `to`. Only GOVERNOR_ROLE.
    function withdraw(address token, address to, uint256 amount, string calldata reason) external;
}
