// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {IERC4906} from "@openzeppelin/contracts/interfaces/IERC4906.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {IAgentRegistry} from "../interfaces/IAgentRegistry.sol";
import {AgentRoles} from "../libraries/AgentRoles.sol";

/// @title AgentRegistry
/// @notice ERC-8004-style identity registry of AI agents. Every agent is an ERC-721 token whose id
///         is the agent id and whose holder is the agent's owner; it carries an agent card URI
///         (also its `tokenURI`), role bits (PROVIDER = 1, REQUESTER = 2, VALIDATOR = 4) and an
///         agent wallet, the key the agent signs and gets paid with.
/// @dev Agent wallet rules:
///      - A wallet is bound to at most one agent (`agentOfWallet`).
///      - A wallet is bound only with its own consent: the caller itself at `register`, otherwise
///        the wallet's EIP-712 `AgentWallet(agentId, owner, wallet, nonce, deadline)` signature
///        (ERC-1271 for contract wallets). The nonce is per wallet and consumed on use, so a
///        signature works once; it also names the owner, so it cannot serve another owner.
///      - An agent may have no bound wallet (its owner's key is already another agent's wallet,
///        or the wallet was cleared); `agentWallet` then returns the owner, so it never returns
///        the zero address for an existing agent. Events carry the bound wallet (zero for none).
///      - On an ERC-721 transfer the old wallet is unbound (it served the previous owner) and the
///        new owner becomes the agent wallet if it is not bound to another agent. A new owner
///        therefore never inherits a key it does not control.
///      There is no admin and no pause: identities do not depend on anyone's goodwill.
contract AgentRegistry is IAgentRegistry, IERC4906, ERC721, EIP712, Nonces {
    using AgentRoles for uint8;

    /// @notice EIP-712 type of the message a wallet signs to be bound to an agent.
    bytes32 public constant AGENT_WALLET_TYPEHASH =
        keccak256("AgentWallet(uint256 agentId,address owner,address wallet,uint256 nonce,uint256 deadline)");

    /// @dev Bound wallet and roles of an agent, packed into one slot.
    struct Agent {
        address wallet; // zero: none bound, the owner acts as wallet
        uint8 roles;
    }

    mapping(uint256 agentId => Agent) private _agents;
    mapping(uint256 agentId => string) private _cardURIs;
    mapping(address wallet => uint256 agentId) private _agentOfWallet;
    uint256 private _agentCount;

    constructor() ERC721("UBC Agent", "AGENT") EIP712("UBC Agent Registry", "1") {}

    // ------------------------------------------------------------------ registration

    /// @inheritdoc IAgentRegistry
    function register(string calldata cardURI, uint8 roles) external returns (uint256 agentId) {
        address wallet = _agentOfWallet[msg.sender] == 0 ? msg.sender : address(0);
        agentId = _register(cardURI, roles, wallet);
    }

    /// @inheritdoc IAgentRegistry
    function registerWithWallet(
        string calldata cardURI,
        uint8 roles,
        address wallet,
        uint256 deadline,
        bytes calldata signature
    ) external returns (uint256 agentId) {
        _checkNewWallet(0, msg.sender, wallet, deadline, signature);
        agentId = _register(cardURI, roles, wallet);
    }

    function _register(string calldata cardURI, uint8 roles, address wallet) private returns (uint256 agentId) {
        if (!roles.isValid()) revert InvalidRoles(roles);
        agentId = ++_agentCount;
        _agents[agentId] = Agent({wallet: wallet, roles: roles});
        if (wallet != address(0)) _agentOfWallet[wallet] = agentId;
        if (bytes(cardURI).length != 0) _cardURIs[agentId] = cardURI;
        // _mint (not _safeMint): the caller asked for the token, no receiver callback is needed.
        _mint(msg.sender, agentId);
        emit AgentRegistered(agentId, msg.sender, wallet, roles, cardURI);
    }

    // ------------------------------------------------------------------ owner updates

    /// @inheritdoc IAgentRegistry
    function setAgentCardURI(uint256 agentId, string calldata cardURI) external {
        _checkOwner(agentId);
        _cardURIs[agentId] = cardURI;
        emit AgentCardUpdated(agentId, cardURI);
        emit MetadataUpdate(agentId);
    }

    /// @inheritdoc IAgentRegistry
    function setAgentRoles(uint256 agentId, uint8 roles) external {
        _checkOwner(agentId);
        if (!roles.isValid()) revert InvalidRoles(roles);
        _agents[agentId].roles = roles;
        emit AgentRolesUpdated(agentId, roles);
    }

    /// @inheritdoc IAgentRegistry
    function setAgentWallet(uint256 agentId, address newWallet, uint256 deadline, bytes calldata signature) external {
        _checkOwner(agentId);
        _checkNewWallet(agentId, msg.sender, newWallet, deadline, signature);
        _bindWallet(agentId, newWallet);
    }

    /// @inheritdoc IAgentRegistry
    function clearAgentWallet(uint256 agentId) external {
        address owner = _requireAgent(agentId);
        address wallet = _agents[agentId].wallet;
        // msg.sender is never the zero address, so an unbound wallet (zero) matches nobody.
        if (msg.sender != owner && msg.sender != wallet) revert NotAgentOwnerOrWallet(agentId, msg.sender);
        if (wallet == address(0)) revert NoWalletBound(agentId);
        _bindWallet(agentId, address(0));
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IAgentRegistry
    function agentWallet(uint256 agentId) external view returns (address) {
        address owner = _requireAgent(agentId);
        address wallet = _agents[agentId].wallet;
        return wallet == address(0) ? owner : wallet;
    }

    /// @inheritdoc IAgentRegistry
    function agentRoles(uint256 agentId) external view returns (uint8) {
        _requireAgent(agentId);
        return _agents[agentId].roles;
    }

    /// @inheritdoc IAgentRegistry
    function hasRoles(uint256 agentId, uint8 roles) external view returns (bool) {
        return _ownerOf(agentId) != address(0) && _agents[agentId].roles.has(roles);
    }

    /// @inheritdoc IAgentRegistry
    function agentOfWallet(address wallet) external view returns (uint256) {
        return _agentOfWallet[wallet];
    }

    /// @inheritdoc IAgentRegistry
    /// @dev False for an unknown agent (never reverts), so callers can use it as a plain check.
    function isAuthorized(uint256 agentId, address account) external view returns (bool) {
        address owner = _ownerOf(agentId);
        if (owner == address(0) || account == address(0)) return false;
        return account == owner || account == _agents[agentId].wallet;
    }

    /// @inheritdoc IAgentRegistry
    function exists(uint256 agentId) external view returns (bool) {
        return _ownerOf(agentId) != address(0);
    }

    /// @inheritdoc IAgentRegistry
    function agentRecord(uint256 agentId) external view returns (address owner, address wallet, uint8 roles) {
        owner = _ownerOf(agentId);
        if (owner == address(0)) return (address(0), address(0), 0);
        Agent memory a = _agents[agentId];
        wallet = a.wallet == address(0) ? owner : a.wallet;
        roles = a.roles;
    }

    /// @inheritdoc IAgentRegistry
    function agentCardURI(uint256 agentId) external view returns (string memory) {
        _requireAgent(agentId);
        return _cardURIs[agentId];
    }

    /// @inheritdoc IAgentRegistry
    function agentCount() external view returns (uint256) {
        return _agentCount;
    }

    /// @inheritdoc IAgentRegistry
    function walletNonce(address wallet) external view returns (uint256) {
        return nonces(wallet);
    }

    /// @inheritdoc IAgentRegistry
    function agentWalletDigest(uint256 agentId, address owner, address wallet, uint256 deadline)
        public
        view
        returns (bytes32)
    {
        return _hashTypedDataV4(
            keccak256(abi.encode(AGENT_WALLET_TYPEHASH, agentId, owner, wallet, nonces(wallet), deadline))
        );
    }

    /// @notice The agent card URI (ERC-721 metadata).
    function tokenURI(uint256 agentId) public view override returns (string memory) {
        _requireAgent(agentId);
        return _cardURIs[agentId];
    }

    /// @notice ERC-165: ERC-721, ERC-721 metadata, ERC-4906 and IAgentRegistry.
    function supportsInterface(bytes4 interfaceId) public view override(ERC721, IERC165) returns (bool) {
        return interfaceId == type(IAgentRegistry).interfaceId || interfaceId == bytes4(0x49064906)
            || super.supportsInterface(interfaceId);
    }

    // ------------------------------------------------------------------ internals

    /// @dev Checks that `wallet` may be bound for `owner` and consumes its nonce.
    function _checkNewWallet(uint256 agentId, address owner, address wallet, uint256 deadline, bytes calldata signature)
        private
    {
        if (wallet == address(0)) revert ZeroAddress();
        if (block.timestamp > deadline) revert SignatureExpired(deadline);
        uint256 boundTo = _agentOfWallet[wallet];
        if (boundTo != 0) revert WalletAlreadyBound(wallet, boundTo);
        bytes32 digest = agentWalletDigest(agentId, owner, wallet, deadline);
        if (!SignatureChecker.isValidSignatureNow(wallet, digest, signature)) revert InvalidWalletSignature(wallet);
        _useNonce(wallet);
    }

    /// @dev Replaces the bound wallet of `agentId` with `wallet` (zero: none) and emits the change.
    function _bindWallet(uint256 agentId, address wallet) private {
        address previous = _agents[agentId].wallet;
        if (previous != address(0)) delete _agentOfWallet[previous];
        if (wallet != address(0)) _agentOfWallet[wallet] = agentId;
        _agents[agentId].wallet = wallet;
        emit AgentWalletChanged(agentId, previous, wallet);
    }

    /// @dev On a transfer between two owners, resets the agent wallet to the new owner (or to none
    ///      when the new owner is already another agent's wallet). Mints bind in `_register`; there
    ///      is no burn.
    function _update(address to, uint256 tokenId, address auth) internal override returns (address from) {
        from = super._update(to, tokenId, auth);
        if (from != address(0) && to != address(0) && from != to) {
            address previous = _agents[tokenId].wallet;
            uint256 boundTo = _agentOfWallet[to];
            address next = boundTo == 0 || boundTo == tokenId ? to : address(0);
            if (previous != next) _bindWallet(tokenId, next);
        }
    }

    function _requireAgent(uint256 agentId) private view returns (address owner) {
        owner = _ownerOf(agentId);
        if (owner == address(0)) revert UnknownAgent(agentId);
    }

    function _checkOwner(uint256 agentId) private view {
        if (_requireAgent(agentId) != msg.sender) revert NotAgentOwner(agentId, msg.sender);
    }
}
