// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Test} from "../lib/Test.sol";
import {AgentRegistry} from "../../contracts/market/AgentRegistry.sol";

uint256 constant KEYS = 6;

/// @notice Registers, transfers, rebinds and clears agents among a few keys (each key can be an
///         owner and a wallet), with real EIP-712 signatures made with `vm.sign`.
contract AgentHandler is Test {
    AgentRegistry public immutable agents;
    uint256[] internal _keys;
    address[] public keys;
    uint256 public calls;
    uint256 public staleAccess; // a previous owner or wallet still authorised after a transfer

    constructor(AgentRegistry agents_) {
        agents = agents_;
        for (uint256 i = 1; i <= KEYS; i++) {
            _keys.push(0xA11CE + i);
            keys.push(vm.addr(0xA11CE + i));
        }
    }

    function register(uint256 ownerSeed, uint8 roles) external {
        calls++;
        vm.prank(keys[ownerSeed % KEYS]);
        agents.register("", roles & 7);
    }

    function registerWithWallet(uint256 ownerSeed, uint256 walletSeed) external {
        calls++;
        address owner = keys[ownerSeed % KEYS];
        uint256 w = walletSeed % KEYS;
        bytes memory sig = _sign(w, 0, owner);
        vm.prank(owner);
        try agents.registerWithWallet("", 1, keys[w], block.timestamp, sig) {} catch {}
    }

    function setAgentWallet(uint256 agentSeed, uint256 walletSeed) external {
        calls++;
        uint256 n = agents.agentCount();
        if (n == 0) return;
        uint256 id = 1 + (agentSeed % n);
        address owner = agents.ownerOf(id);
        uint256 w = walletSeed % KEYS;
        bytes memory sig = _sign(w, id, owner);
        vm.prank(owner);
        try agents.setAgentWallet(id, keys[w], block.timestamp, sig) {} catch {}
    }

    function transfer(uint256 agentSeed, uint256 toSeed) external {
        calls++;
        uint256 n = agents.agentCount();
        if (n == 0) return;
        uint256 id = 1 + (agentSeed % n);
        address owner = agents.ownerOf(id);
        address wallet = agents.agentWallet(id);
        address to = keys[toSeed % KEYS];
        vm.prank(owner);
        agents.transferFrom(owner, to, id);
        // On a change of hands the previous owner and its wallet lose access, unless the old
        // wallet is where the agent went. A transfer to oneself changes nothing.
        // (Counted, not asserted: the invariant runner ignores handler reverts.)
        if (owner != to) {
            if (agents.isAuthorized(id, owner)) staleAccess++;
            if (wallet != to && agents.isAuthorized(id, wallet)) staleAccess++;
        }
    }

    function clear(uint256 agentSeed, bool byWallet) external {
        calls++;
        uint256 n = agents.agentCount();
        if (n == 0) return;
        uint256 id = 1 + (agentSeed % n);
        vm.prank(byWallet ? agents.agentWallet(id) : agents.ownerOf(id));
        try agents.clearAgentWallet(id) {} catch {}
    }

    function _sign(uint256 w, uint256 agentId, address owner) private view returns (bytes memory) {
        bytes32 digest = agents.agentWalletDigest(agentId, owner, keys[w], block.timestamp);
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(_keys[w], digest);
        return abi.encodePacked(r, s, v);
    }
}

/// @notice A1–A2 of audits/invariants.md ("Agents, reputation and fees").
contract AgentRegistryInvariantTest is Test {
    AgentRegistry internal agents;
    AgentHandler internal handler;

    function setUp() public {
        agents = new AgentRegistry();
        handler = new AgentHandler(agents);
        targetContract(address(handler));
    }

    function afterInvariant() public view {
        assertGt(handler.calls(), 0, "handler was called");
    }

    /// A1: a wallet is bound to at most one agent, and the binding is mutual: agentOfWallet(w)
    ///     = id ≠ 0 exactly when w is id's bound wallet; an agent without one acts through its owner.
    function invariant_walletBindingIsOneToOne() public view {
        for (uint256 i = 0; i < KEYS; i++) {
            address w = handler.keys(i);
            uint256 id = agents.agentOfWallet(w);
            if (id != 0) assertEq(agents.agentWallet(id), w, "agentOfWallet(w) has w as wallet");
        }
        uint256 n = agents.agentCount();
        for (uint256 id = 1; id <= n; id++) {
            address w = agents.agentWallet(id);
            address owner = agents.ownerOf(id);
            if (agents.agentOfWallet(w) != id) assertEq(w, owner, "an unbound agent is paid at its owner");
            assertTrue(agents.isAuthorized(id, owner), "the owner acts for its agent");
            assertTrue(agents.isAuthorized(id, w), "the wallet acts for its agent");
            // the market's one-call view agrees with the separate ones
            (address recOwner, address recWallet, uint8 recRoles) = agents.agentRecord(id);
            assertEq(recOwner, owner, "agentRecord: owner");
            assertEq(recWallet, w, "agentRecord: wallet");
            assertEq(recRoles, agents.agentRoles(id), "agentRecord: roles");
        }
        (address o, address wa, uint8 r) = agents.agentRecord(n + 1);
        assertTrue(o == address(0) && wa == address(0) && r == 0, "agentRecord of an unknown agent is all zero");
    }

    /// A2: only the owner and the bound wallet act for an agent; after a transfer the previous
    ///     owner and its wallet do not.
    function invariant_onlyOwnerAndWalletAuthorized() public view {
        assertEq(handler.staleAccess(), 0, "no access survives a transfer");
        uint256 n = agents.agentCount();
        for (uint256 id = 1; id <= n; id++) {
            address owner = agents.ownerOf(id);
            address w = agents.agentWallet(id);
            for (uint256 i = 0; i < KEYS; i++) {
                address k = handler.keys(i);
                assertEq(agents.isAuthorized(id, k), k == owner || k == w, "authorised iff owner or wallet");
            }
        }
    }
}
