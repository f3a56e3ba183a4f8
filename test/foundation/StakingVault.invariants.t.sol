// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Test} from "../lib/Test.sol";
import {UBCToken} from "../../contracts/tokens/UBCToken.sol";
import {ComputeToken} from "../../contracts/tokens/ComputeToken.sol";
import {StakingVault} from "../../contracts/staking/StakingVault.sol";
import {IStakingVault} from "../../contracts/interfaces/IStakingVault.sol";

/// @notice Drives the vault with random stakes, claims, withdrawals, exits, time jumps and token
///         transfers between a few actors, and keeps ghost totals to check against.
contract VaultHandler is Test {
    UBCToken public immutable ubc;
    ComputeToken public immutable compute;
    StakingVault public immutable vault;
    address[] public actors;

    uint256 public ghostOpenPrincipal;
    uint256 public ghostClaimed;
    uint256 public ghostReserved;
    mapping(uint256 positionId => uint256) public ghostClaimedOf;
    uint256 public calls;
    /// @dev Checks made inside the handler are counted, not asserted: with failOnRevert off, a
    ///      revert in a handler would be ignored. An invariant requires this to stay zero.
    uint256 public violations;

    constructor(UBCToken ubc_, ComputeToken compute_, StakingVault vault_, address[] memory actors_) {
        ubc = ubc_;
        compute = compute_;
        vault = vault_;
        actors = actors_;
    }

    function _actor(uint256 seed) private view returns (address) {
        return actors[seed % actors.length];
    }

    function _position(uint256 seed) private view returns (uint256 id, address owner) {
        uint256 n = vault.positionCount();
        if (n == 0) return (0, address(0));
        id = 1 + (seed % n);
        owner = vault.getPosition(id).owner;
    }

    function stake(uint256 actorSeed, uint8 poolSeed, uint256 amount) external {
        calls++;
        address a = _actor(actorSeed);
        uint256 bal = ubc.balanceOf(a);
        if (bal < 1e18) return;
        amount = bound(amount, 1e18, bal);
        uint8 poolId = uint8(poolSeed % vault.poolCount());
        uint256 reward = vault.previewReward(poolId, amount);
        if (reward > vault.budgetLeft()) return;
        vm.prank(a);
        vault.stake(poolId, amount);
        ghostOpenPrincipal += amount;
        ghostReserved += reward;
    }

    function claim(uint256 positionSeed) external {
        calls++;
        (uint256 id, address owner) = _position(positionSeed);
        if (id == 0) return;
        uint256 pending = vault.pendingReward(id);
        if (pending == 0) return;
        uint256 before = compute.balanceOf(owner);
        vm.prank(owner);
        vault.claim(id);
        if (compute.balanceOf(owner) - before != pending) violations++; // claim pays the pending reward
        ghostClaimed += pending;
        ghostClaimedOf[id] += pending;
    }

    function withdraw(uint256 positionSeed) external {
        calls++;
        (uint256 id, address owner) = _position(positionSeed);
        if (id == 0) return;
        IStakingVault.Position memory p = vault.getPosition(id);
        if (p.withdrawn || block.timestamp < vault.unlockTime(id)) return;
        vm.prank(owner);
        vault.withdraw(id);
        ghostOpenPrincipal -= p.amount;
    }

    function exit(uint256 positionSeed) external {
        calls++;
        (uint256 id, address owner) = _position(positionSeed);
        if (id == 0) return;
        IStakingVault.Position memory p = vault.getPosition(id);
        if (p.withdrawn || block.timestamp < vault.unlockTime(id)) return;
        uint256 pending = vault.pendingReward(id);
        vm.prank(owner);
        vault.exit(id);
        ghostOpenPrincipal -= p.amount;
        ghostClaimed += pending;
        ghostClaimedOf[id] += pending;
    }

    function warp(uint256 secondsForward) external {
        calls++;
        vm.warp(block.timestamp + bound(secondsForward, 1, 120 days));
    }

    function transferUbc(uint256 fromSeed, uint256 toSeed, uint256 amount) external {
        calls++;
        address from = _actor(fromSeed);
        uint256 bal = ubc.balanceOf(from);
        if (bal == 0) return;
        vm.prank(from);
        ubc.transfer(_actor(toSeed), bound(amount, 1, bal));
    }

    function transferCompute(uint256 fromSeed, uint256 toSeed, uint256 amount) external {
        calls++;
        address from = _actor(fromSeed);
        uint256 bal = compute.balanceOf(from);
        if (bal == 0) return;
        vm.prank(from);
        compute.transfer(_actor(toSeed), bound(amount, 1, bal));
    }
}

/// @notice The staking invariants of audits/invariants.md (S1–S4).
contract StakingVaultInvariantTest is Test {
    UBCToken internal ubc;
    ComputeToken internal compute;
    StakingVault internal vault;
    VaultHandler internal handler;
    uint256 internal constant GENESIS = 3_000_000_000e18;

    function setUp() public {
        address[] memory actors = new address[](4);
        actors[0] = makeAddr("alice");
        actors[1] = makeAddr("bob");
        actors[2] = makeAddr("carol");
        actors[3] = makeAddr("whale");
        ubc = new UBCToken(address(this));
        compute = new ComputeToken(address(this), address(this), GENESIS);
        vault = new StakingVault(ubc, compute, address(this), address(this));
        compute.grantRole(compute.MINTER_ROLE(), address(vault));
        // The reference pools cannot exhaust the 7B budget with the 1B UBC that exist (the 365-day
        // pool reserves 0.365 COMPUTE per UBC), so a governed pool at the maximum rate for four
        // years (14.6 COMPUTE per UBC) and a whale with 600M UBC make exhaustion reachable.
        vault.addPool(4 * 365 days, 10e18);
        ubc.transfer(actors[0], 1_000_000e18);
        ubc.transfer(actors[1], 1_000_000e18);
        ubc.transfer(actors[2], 1_000_000e18);
        ubc.transfer(actors[3], 600_000_000e18);
        compute.transfer(actors[0], 1_000e18);
        handler = new VaultHandler(ubc, compute, vault, actors);
        for (uint256 i = 0; i < actors.length; i++) {
            vm.prank(actors[i]);
            ubc.approve(address(vault), type(uint256).max);
        }
        targetContract(address(handler));
    }

    /// Sanity: the campaign reaches the states the invariants are about.
    function afterInvariant() public view {
        assertGt(handler.calls(), 0, "handler was called");
    }

    /// Checks made inside the handler (a claim pays exactly the pending reward).
    function invariant_handlerChecksHold() public view {
        assertEq(handler.violations(), 0, "handler checks");
    }

    /// S1: the vault's UBC balance equals the sum of open principal.
    function invariant_vaultBalanceEqualsOpenPrincipal() public view {
        assertEq(ubc.balanceOf(address(vault)), vault.totalStaked(), "UBC held == totalStaked");
        assertEq(vault.totalStaked(), handler.ghostOpenPrincipal(), "totalStaked == sum of open principal");
    }

    /// S2: reserved rewards never exceed the 7B budget.
    function invariant_reservedWithinBudget() public view {
        assertLe(vault.totalReserved(), vault.REWARD_BUDGET(), "reserved <= budget");
        assertEq(vault.totalReserved() + vault.budgetLeft(), vault.REWARD_BUDGET(), "reserved + left == budget");
        assertEq(vault.totalReserved(), handler.ghostReserved(), "reserved == sum of full rewards");
    }

    /// S3: COMPUTE minted by the vault equals the sum claimed.
    function invariant_mintedEqualsClaimed() public view {
        assertEq(compute.totalMinted() - GENESIS, vault.totalClaimed(), "minted by vault == totalClaimed");
        assertEq(vault.totalClaimed(), handler.ghostClaimed(), "totalClaimed == sum of claims");
        assertLe(vault.totalClaimed(), vault.totalReserved(), "claimed <= reserved");
    }

    /// S4: no position is ever paid more than its full reward, and every position can claim all
    ///     of it by its unlock time.
    function invariant_positionsPaidAtMostAndFullyByUnlock() public {
        uint256 n = vault.positionCount();
        uint256 nowTs = block.timestamp;
        for (uint256 id = 1; id <= n; id++) {
            IStakingVault.Position memory p = vault.getPosition(id);
            assertLe(p.claimed, p.reward, "claimed <= full reward");
            assertEq(p.claimed, handler.ghostClaimedOf(id), "position's claims tracked");
            uint256 unlock = vault.unlockTime(id);
            if (unlock >= nowTs) {
                vm.warp(unlock);
                assertEq(vault.pendingReward(id) + p.claimed, p.reward, "full reward claimable at unlock");
            } else {
                assertEq(vault.pendingReward(id) + p.claimed, p.reward, "full reward claimable after unlock");
            }
        }
        vm.warp(nowTs);
    }
}

/// @notice Fuzz tests of the reward arithmetic and of a single position over random times.
contract StakingVaultFuzzTest is Test {
    UBCToken internal ubc;
    ComputeToken internal compute;
    StakingVault internal vault;
    address internal alice;

    function setUp() public {
        alice = makeAddr("alice");
        ubc = new UBCToken(address(this));
        compute = new ComputeToken(address(this), address(this), 0);
        vault = new StakingVault(ubc, compute, address(this), address(this));
        compute.grantRole(compute.MINTER_ROLE(), address(vault));
        ubc.transfer(alice, 500_000_000e18);
        vm.prank(alice);
        ubc.approve(address(vault), type(uint256).max);
    }

    /// The full reward matches the tokenomics formula and accrual is monotonic and capped.
    function testFuzz_rewardFormula(uint256 amount, uint8 poolSeed) public view {
        amount = bound(amount, 1, 500_000_000e18);
        uint8 poolId = uint8(poolSeed % 3);
        uint256[3] memory rates = [uint256(0.3e18), 0.5e18, 1e18];
        uint256[3] memory daysOf = [uint256(90), 165, 365];
        uint256 expected = (amount * rates[poolId] * daysOf[poolId]) / 1000e18;
        assertEq(vault.previewReward(poolId, amount), expected, "reward formula");
    }

    /// Claiming at random times pays exactly the full reward in total, never more, and the
    /// principal comes back exactly once after unlock.
    function testFuzz_claimsAtRandomTimesSumToFullReward(uint256 amount, uint8 poolSeed, uint256[6] memory gaps)
        public
    {
        amount = bound(amount, 1e18, 500_000_000e18);
        uint8 poolId = uint8(poolSeed % 3);
        vm.prank(alice);
        uint256 id = vault.stake(poolId, amount);
        uint256 reward = vault.getPosition(id).reward;
        uint256 unlock = vault.unlockTime(id);
        uint256 paid;
        uint256 last;
        for (uint256 i = 0; i < gaps.length; i++) {
            vm.warp(block.timestamp + bound(gaps[i], 1, 80 days));
            uint256 pending = vault.pendingReward(id);
            assertGe(pending + paid, last, "accrual is monotonic");
            last = pending + paid;
            if (pending != 0) {
                vm.prank(alice);
                paid += vault.claim(id);
            }
            assertLe(paid, reward, "never more than the full reward");
            if (block.timestamp >= unlock) assertEq(paid, reward, "full reward by unlock");
        }
        vm.warp(unlock);
        uint256 rest = vault.pendingReward(id);
        assertEq(paid + rest, reward, "everything claimable at unlock");
        uint256 ubcBefore = ubc.balanceOf(alice);
        vm.prank(alice);
        vault.exit(id);
        assertEq(ubc.balanceOf(alice) - ubcBefore, amount, "principal returned");
        assertEq(compute.balanceOf(alice), reward, "reward minted in full");
        vm.expectRevert(abi.encodeWithSelector(IStakingVault.AlreadyWithdrawn.selector, id));
        vm.prank(alice);
        vault.withdraw(id);
    }

    /// A withdrawal before unlock always reverts with StillLocked.
    function testFuzz_noEarlyExit(uint256 amount, uint256 wait) public {
        amount = bound(amount, 1e18, 1_000_000e18);
        vm.prank(alice);
        uint256 id = vault.stake(2, amount);
        uint256 unlock = vault.unlockTime(id);
        vm.warp(block.timestamp + bound(wait, 0, 365 days - 1));
        vm.expectRevert(abi.encodeWithSelector(IStakingVault.StillLocked.selector, id, unlock));
        vm.prank(alice);
        vault.withdraw(id);
    }
}
