// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Test} from "../lib/Test.sol";
import {FeeController} from "../../contracts/economy/FeeController.sol";

uint256 constant EPOCH = 1 days;
uint256 constant TARGET = 1_000_000e18;

/// @notice Drives a FeeController (as its market and its governor) with random volumes, time
///         jumps of up to ~40 epochs, checkpoints and parameter changes.
contract FeeHandler is Test {
    FeeController public immutable fees;
    uint256 public calls;
    uint256 public rollovers;
    uint256 public mismatches; // recordVolume returned another share than burnShareBps() announced

    constructor() {
        fees = new FeeController(address(this), address(this), EPOCH, TARGET, 5_000, 2_000, 8_000, 1_250);
        fees.setMarket(address(this));
    }

    function recordVolume(uint256 value, uint256 jump) external {
        calls++;
        _jump(jump);
        value = bound(value, 0, 10 * TARGET);
        uint256 epochBefore = fees.state().epoch;
        uint16 preview = fees.burnShareBps();
        uint16 share = fees.recordVolume(value);
        // Counted, not asserted (the invariant runner ignores handler reverts).
        if (share != preview) mismatches++;
        if (fees.state().epoch != epochBefore) rollovers++;
    }

    function checkpoint(uint256 jump) external {
        calls++;
        _jump(jump);
        fees.checkpoint();
    }

    function setParameters(uint256 target, uint16 a, uint16 b, uint16 change) external {
        calls++;
        target = bound(target, 1, 100 * TARGET);
        a = uint16(bound(a, 0, 10_000));
        b = uint16(bound(b, 0, 10_000));
        (uint16 lo, uint16 hi) = a <= b ? (a, b) : (b, a);
        change = uint16(bound(change, 0, 10_000));
        fees.setParameters(target, lo, hi, change);
    }

    function _jump(uint256 jump) private {
        // Mostly within the epoch or to the next one; sometimes across many idle epochs.
        jump = bound(jump, 0, 40 * EPOCH);
        vm.warp(block.timestamp + jump);
    }
}

/// @notice F1–F3 of audits/invariants.md ("Agents, reputation and fees").
contract FeeControllerInvariantTest is Test {
    FeeHandler internal handler;

    function setUp() public {
        handler = new FeeHandler();
        targetContract(address(handler));
    }

    function afterInvariant() public view {
        assertGt(handler.calls(), 0, "handler was called");
    }

    /// F1: the burn share, stored or projected to now, is always within the governed bounds.
    function invariant_burnShareWithinBounds() public view {
        FeeController fees = handler.fees();
        (uint16 lo, uint16 hi) = fees.burnBounds();
        uint256 projected = fees.burnShareBps();
        uint256 stored = fees.state().burnShareBps;
        assertGe(projected, lo, "projected share >= min");
        assertLe(projected, hi, "projected share <= max");
        assertGe(stored, lo, "stored share >= min");
        assertLe(stored, hi, "stored share <= max");
    }

    /// F1: recordVolume applies exactly the share that burnShareBps() announced before the call.
    function invariant_recordVolumeAppliesAnnouncedShare() public view {
        assertEq(handler.mismatches(), 0, "recordVolume == burnShareBps()");
    }

    /// F2: the stored epoch is never ahead of the clock, and its volume counts only in it.
    function invariant_epochNotAhead() public view {
        FeeController fees = handler.fees();
        uint256 current = fees.currentEpoch();
        assertLe(fees.state().epoch, current, "stored epoch <= current epoch");
        if (fees.state().epoch < current) assertEq(fees.epochVolume(), 0, "no volume in an epoch not yet recorded");
    }
}

/// @notice Fuzz tests of the adjustment rule (F1 under arbitrary parameters, F3).
contract FeeControllerFuzzTest is Test {
    /// F1: for any parameters and any sequence of volumes and time jumps, every share the
    ///     controller applies lies within [min, max], and a single epoch moves it by at most
    ///     maxChange of itself (plus the 1 bps floor step), before clamping.
    function testFuzz_shareWithinBoundsUnderRandomVolumesAndJumps(
        uint256 seed,
        uint16 a,
        uint16 b,
        uint16 change,
        uint16 init,
        uint256 target
    ) public {
        a = uint16(bound(a, 0, 10_000));
        b = uint16(bound(b, 0, 10_000));
        (uint16 lo, uint16 hi) = a <= b ? (a, b) : (b, a);
        change = uint16(bound(change, 0, 10_000));
        init = uint16(bound(init, lo, hi));
        target = bound(target, 1, type(uint128).max);
        FeeController fees = new FeeController(address(this), address(this), EPOCH, target, init, lo, hi, change);
        fees.setMarket(address(this));

        uint256 share = init;
        for (uint256 i = 0; i < 24; i++) {
            uint256 r = uint256(keccak256(abi.encode(seed, i)));
            uint256 volume = r % 4 == 0 ? 0 : bound(r >> 8, 0, target > type(uint128).max / 4 ? target : 4 * target);
            uint256 jump = (r >> 200) % 3 == 0 ? bound(r >> 128, 0, 50 * EPOCH) : bound(r >> 128, 0, EPOCH);
            uint256 epochBefore = fees.currentEpoch();
            vm.warp(block.timestamp + jump);
            uint256 applied = fees.recordVolume(volume);
            assertGe(applied, lo, "share >= min");
            assertLe(applied, hi, "share <= max");
            if (fees.currentEpoch() == epochBefore + 1) {
                // Exactly one epoch closed: the step is bounded by maxChange (+1 bps floor).
                uint256 maxStep = (share * change) / 10_000 + 1;
                uint256 d = applied > share ? applied - share : share - applied;
                assertLe(d, maxStep, "one epoch moves the share by at most maxChange");
            } else if (fees.currentEpoch() == epochBefore) {
                assertEq(applied, share, "the share is constant within an epoch");
            }
            share = applied;
        }
    }

    /// F3: n idle epochs in closed form equal n single idle steps up to rounding: the stepwise
    ///     path rounds each step's decrease down, so it may end higher by at most
    ///     sum (1 - c)^k <= 10,000 / c bps; never lower by more than 1 bps.
    function testFuzz_idleDecayMatchesStepwise(uint16 init, uint16 change, uint8 idle) public {
        change = uint16(bound(change, 500, 10_000));
        init = uint16(bound(init, 0, 10_000));
        uint256 n = bound(idle, 1, 120);
        FeeController jump = new FeeController(address(this), address(this), EPOCH, TARGET, init, 0, 10_000, change);
        FeeController step = new FeeController(address(this), address(this), EPOCH, TARGET, init, 0, 10_000, change);
        uint256 start = block.timestamp;
        for (uint256 i = 1; i <= n; i++) {
            vm.warp(start + i * EPOCH);
            step.checkpoint();
        }
        // `jump` closes epoch 0 (no volume) and applies n - 1 idle epochs in closed form.
        uint256 closed = jump.checkpoint();
        uint256 stepwise = step.state().burnShareBps;
        assertLe(closed, stepwise + 1, "closed form is not above the stepwise path");
        assertLe(stepwise - (closed > stepwise ? stepwise : closed), 10_000 / change + 1, "within rounding");
        vm.warp(start);
    }
}
