// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IAgentRegistry
/// @notice ERC-8004-style identity registry: every agent is an ERC-721 token (its agent id) with
///         an owner (the token holder), an agent wallet (the key the agent signs and pays with),
///         an agent card URI and the roles it offers. The market reads it to authorise actions.
interface IAgentRegistry {
    /// @notice Role bits an agent may offer.
    /// PROVIDER = 1, REQUESTER = 2, VALIDATOR = 4.

    event AgentRegistered(uint256 indexed agentId, address indexed owner, address indexed wallet, uint8 roles, string cardURI);
    event AgentCardUpdated(uint256 indexed agentId, string cardURI);
    event AgentRolesUpdated(uint256 indexed agentId, uint8 roles);
    event AgentWalletChanged(uint256 indexed agentId, address indexed previousWallet, address indexed newWallet);

    /// @notice The agent wallet of `agentId` (reverts for an unknown agent).
    function agentWallet(uint256 agentId) external view returns (address);

    /// @notice The role bits of `agentId` (reverts for an unknown agent).
    function agentRoles(uint256 agentId) external view returns (uint8);

    /// @notice The agent id whose agent wallet is `wallet`, or 0 if none.
    function agentOfWallet(address wallet) external view returns (uint256);

    /// @notice Whether `account` may act for `agentId`: its owner or its agent wallet.
    function isAuthorized(uint256 agentId, address account) external view returns (bool);

    /// @notice Whether `agentId` exists.
    function exists(uint256 agentId) external view returns (bool);
}
