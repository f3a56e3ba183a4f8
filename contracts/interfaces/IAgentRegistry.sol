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

    // ------------------------------------------------------------------ added by AgentRegistry
    // (additive: the functions above are what the market relies on and do not change)

    error ZeroAddress();
    error UnknownAgent(uint256 agentId);
    error NotAgentOwner(uint256 agentId, address caller);
    error NotAgentOwnerOrWallet(uint256 agentId, address caller);
    error InvalidRoles(uint8 roles);
    error WalletAlreadyBound(address wallet, uint256 agentId);
    error NoWalletBound(uint256 agentId);
    error SignatureExpired(uint256 deadline);
    error InvalidWalletSignature(address wallet);

    /// @notice Registers a new agent owned by the caller, with the caller as its agent wallet
    ///         (unless the caller is already the wallet of another agent: then no wallet is bound
    ///         and `agentWallet` returns the owner). Ids start at 1.
    function register(string calldata cardURI, uint8 roles) external returns (uint256 agentId);

    /// @notice Registers a new agent owned by the caller with `wallet` as its agent wallet,
    ///         proven by `wallet`'s EIP-712 `AgentWallet` signature over agentId 0 (meaning "the
    ///         agent that `owner` registers"), owner = the caller, `wallet`, its current nonce and
    ///         `deadline`. ERC-1271 wallets are supported.
    function registerWithWallet(string calldata cardURI, uint8 roles, address wallet, uint256 deadline, bytes calldata signature)
        external
        returns (uint256 agentId);

    /// @notice Replaces the agent card URI. Only the agent's owner.
    function setAgentCardURI(uint256 agentId, string calldata cardURI) external;

    /// @notice Replaces the role bits (PROVIDER = 1, REQUESTER = 2, VALIDATOR = 4). Only the owner.
    function setAgentRoles(uint256 agentId, uint8 roles) external;

    /// @notice Binds `newWallet` as the agent wallet of `agentId`. Only the owner, and only with
    ///         `newWallet`'s EIP-712 `AgentWallet(agentId, owner, newWallet, nonce, deadline)`
    ///         signature (ERC-1271 for contract wallets); the nonce is consumed so a signature
    ///         works once. `newWallet` must not be the wallet of any agent (this one included).
    function setAgentWallet(uint256 agentId, address newWallet, uint256 deadline, bytes calldata signature) external;

    /// @notice Unbinds the agent wallet (a lost or compromised key): `agentWallet` then returns
    ///         the owner. The owner or the bound wallet itself may call it.
    function clearAgentWallet(uint256 agentId) external;

    /// @notice The agent card URI of `agentId` (reverts for an unknown agent).
    function agentCardURI(uint256 agentId) external view returns (string memory);

    /// @notice Whether `agentId` offers every role bit in `roles` (false for an unknown agent).
    function hasRoles(uint256 agentId, uint8 roles) external view returns (bool);

    /// @notice The number of agents ever registered (= the last agent id).
    function agentCount() external view returns (uint256);

    /// @notice The next nonce `wallet` must sign in an `AgentWallet` message.
    function walletNonce(address wallet) external view returns (uint256);

    /// @notice The EIP-712 digest that `wallet` signs to be bound to `agentId` of `owner`
    ///         (agentId 0 for a registration), with its current nonce.
    function agentWalletDigest(uint256 agentId, address owner, address wallet, uint256 deadline)
        external
        view
        returns (bytes32);

    // ------------------------------------------------------------------ relied on by the market

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

    /// @notice Everything the market checks about `agentId`, in one call: its owner, its agent
    ///         wallet (the owner when none is bound) and its role bits; all zero for an unknown
    ///         agent (no revert). `account` may act for the agent when it is `owner` or `wallet`.
    function agentRecord(uint256 agentId) external view returns (address owner, address wallet, uint8 roles);
}
