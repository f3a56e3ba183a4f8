// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {VentureBase} from "./VentureBase.sol";
import {Venture} from "../../contracts/ventures/Venture.sol";
import {IVenture} from "../../contracts/interfaces/IVenture.sol";

/// @notice Fuzz tests of the venture's revenue and raise arithmetic.
contract VentureFuzzTest is VentureBase {
    Venture internal venture;
    address internal alice = address(0xA11CE);
    address internal bob = address(0xB0B);
    address internal carol = address(0xCA801);

    function setUp() public {
        _deployBase();
        venture = _create(_params(10_000, 0, 0));
        _fund(alice, address(venture), 200_000_000e18);
        _fund(bob, address(venture), 200_000_000e18);
        _fund(carol, address(venture), 200_000_000e18);
        _fund(operator, address(venture), 200_000_000e18);
    }

    function _invest(address who, uint256 shares) internal {
        vm.prank(who);
        venture.invest(shares);
    }

    function _deposit(uint256 amount) internal returns (uint256 distributed) {
        vm.prank(operator);
        distributed = venture.depositRevenue(address(compute), amount);
    }

    /// @dev Ends the raise successfully: the supply is fixed from then on.
    function _close() internal {
        vm.warp(block.timestamp + 366 days);
        venture.finalize();
    }

    function _owed(address who) internal view returns (uint256) {
        return venture.claimableOf(who, address(compute));
    }

    /// Pro-rata split: each holder within 1 wei below its exact share; the total never above the deposit.
    function testFuzz_depositSplitsProRata(uint256 a, uint256 b, uint256 amount) public {
        a = bound(a, 1, 1e26);
        b = bound(b, 1, 1e26);
        amount = bound(amount, 1, 1e26);
        _invest(alice, a);
        _invest(bob, b);
        _close();
        _deposit(amount);
        uint256 oa = _owed(alice);
        uint256 ob = _owed(bob);
        uint256 ea = (amount * a) / (a + b);
        uint256 eb = (amount * b) / (a + b);
        assertLe(oa, ea, "alice above her share");
        assertLe(ob, eb, "bob above his share");
        assertLe(ea - oa, 1, "alice dust");
        assertLe(eb - ob, 1, "bob dust");
        assertLe(oa + ob, amount, "value created");
        assertLe(amount - (oa + ob), 2, "dust above 1 wei per holder");
    }

    /// A transfer never changes what the two parties are owed together (beyond 1 wei of flooring),
    /// and afterwards the receiver earns on the shares received.
    function testFuzz_transferPreservesTotalOwed(uint256 a, uint256 b, uint256 d1, uint256 t, uint256 d2) public {
        a = bound(a, 1, 1e26);
        b = bound(b, 1, 1e26);
        d1 = bound(d1, 1, 1e26);
        d2 = bound(d2, 1, 1e26);
        t = bound(t, 0, a);
        _invest(alice, a);
        _invest(bob, b);
        _close();
        _deposit(d1);
        uint256 before = _owed(alice) + _owed(bob);
        uint256 aliceBefore = _owed(alice);
        vm.prank(alice);
        venture.transfer(bob, t);
        uint256 after_ = _owed(alice) + _owed(bob);
        assertApproxEqAbs(after_, before, 1, "transfer changed the total owed");
        assertLe(after_, d1, "value created by a transfer");
        assertApproxEqAbs(_owed(alice), aliceBefore, 1, "seller lost what was earned");
        _deposit(d2);
        assertLe(_owed(alice) + _owed(bob), d1 + d2, "value created");
        assertLe(d1 + d2 - (_owed(alice) + _owed(bob)), 2, "dust above 1 wei per holder");
    }

    /// Shares bought after a deposit get nothing from it.
    function testFuzz_buyAfterDepositGetsNothing(uint256 a, uint256 b, uint256 amount) public {
        a = bound(a, 1e18, 1e26); // at least one whole share: see AccumulatorOverflow
        b = bound(b, 1, 1e26);
        amount = bound(amount, 1, 1e26);
        _invest(alice, a);
        _deposit(amount);
        uint256 aliceOwed = _owed(alice);
        _invest(carol, b);
        assertEq(_owed(carol), 0, "late buyer got revenue");
        assertEq(_owed(alice), aliceOwed, "early holder diluted");
        // Buying more after a deposit does not add to an existing holder's share of it either.
        _invest(alice, b);
        assertEq(_owed(alice), aliceOwed, "top-up got revenue");
    }

    /// Claiming pays exactly what is claimable and leaves nothing claimable.
    function testFuzz_claimPaysClaimable(uint256 a, uint256 b, uint256 d1, uint256 d2) public {
        a = bound(a, 1, 1e26);
        b = bound(b, 1, 1e26);
        d1 = bound(d1, 1, 1e26);
        d2 = bound(d2, 1, 1e26);
        _invest(alice, a);
        _invest(bob, b);
        _close();
        _deposit(d1);
        vm.prank(operator);
        venture.depositRevenue(address(ubc), d2);
        uint256[] memory owed = venture.claimable(alice);
        vm.assume(owed[0] != 0 || owed[1] != 0);
        uint256 c0 = compute.balanceOf(alice);
        uint256 u0 = ubc.balanceOf(alice);
        vm.prank(alice);
        uint256[] memory paid = venture.claim();
        assertEq(paid[0], owed[0], "compute paid");
        assertEq(paid[1], owed[1], "ubc paid");
        assertEq(compute.balanceOf(alice) - c0, owed[0], "compute received");
        assertEq(ubc.balanceOf(alice) - u0, owed[1], "ubc received");
        assertEq(venture.claimableOf(alice, address(compute)), 0, "compute left");
        assertEq(venture.claimableOf(alice, address(ubc)), 0, "ubc left");
    }

    /// Refunds return exactly the price paid, whoever holds the shares.
    function testFuzz_refundReturnsPrice(uint256 a, uint256 t) public {
        a = bound(a, 1, 1e26);
        t = bound(t, 0, a);
        _invest(alice, a);
        vm.prank(alice);
        venture.transfer(bob, t);
        vm.prank(operator);
        venture.cancelRaise();
        uint256 c0 = compute.balanceOf(alice);
        if (a - t != 0) {
            vm.prank(alice);
            assertEq(venture.refund(), a - t, "alice refund");
        }
        if (t != 0) {
            vm.prank(bob);
            assertEq(venture.refund(), t, "bob refund");
        }
        assertEq(compute.balanceOf(alice) - c0, a - t, "alice received");
        assertEq(compute.balanceOf(address(venture)), 0, "raise left behind");
    }

    /// The operator's share and the performance fee: distributed + operator share = deposit;
    /// the fee is feeBps of the distributable part above what is left of the hurdle.
    function testFuzz_performanceFeeSplit(uint16 distBps, uint16 feeBps, uint96 hurdle, uint256 d1, uint256 d2)
        public
    {
        distBps = uint16(bound(distBps, 0, 10_000));
        feeBps = uint16(bound(feeBps, 1, 10_000));
        hurdle = uint96(bound(hurdle, 0, 1e26));
        d1 = bound(d1, 1, 1e26);
        d2 = bound(d2, 1, 1e26);
        Venture v = _create(_params(distBps, feeBps, hurdle));
        _fund(alice, address(v), 1);
        _fund(operator, address(v), 0);
        vm.prank(alice);
        v.invest(1e18);
        vm.warp(30 days * 100); // start of a period
        uint256 used;
        uint256[2] memory ds = [d1, d2];
        uint256 distributedTotal;
        for (uint256 k = 0; k < 2; ++k) {
            uint256 d = ds[k];
            uint256 distributable = d - (d - (d * distBps) / 10_000);
            uint256 room = hurdle - used;
            uint256 fee = distributable > room ? ((distributable - room) * feeBps) / 10_000 : 0;
            used = distributable > room ? hurdle : used + distributable;
            vm.prank(operator);
            uint256 distributed = v.depositRevenue(address(compute), d);
            assertEq(distributed, distributable - fee, "distributed");
            distributedTotal += distributed;
        }
        assertEq(v.totalDistributed(address(compute)) + v.operatorOwed(address(compute)), d1 + d2, "split");
        assertEq(v.totalDistributed(address(compute)), distributedTotal, "total distributed");
        assertLe(v.claimableOf(alice, address(compute)), distributedTotal, "value created");
        assertLe(distributedTotal - v.claimableOf(alice, address(compute)), 1, "dust");
    }

    function test_stateAfterRaiseSucceeds() public {
        _invest(alice, 5);
        vm.warp(block.timestamp + 366 days);
        venture.finalize();
        assertEq(uint256(venture.raiseState()), uint256(IVenture.RaiseState.Succeeded), "state");
        assertEq(compute.balanceOf(operator), 200_000_000e18 + 5, "operator paid");
    }
}
