// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Vm} from "../lib/Vm.sol";
import {VentureBase} from "./VentureBase.sol";
import {Venture} from "../../contracts/ventures/Venture.sol";
import {IVenture} from "../../contracts/interfaces/IVenture.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IVentureFactory} from "../../contracts/interfaces/IVentureFactory.sol";

/// @notice Drives one venture with random invest / deposit / transfer / claim / refund / time
///         sequences and keeps ghost totals for the invariants.
contract VentureHandler {
    Vm internal constant vm = Vm(0x7109709ECfa91a80626fF3989D68f67F5b1DD12D);

    Venture public immutable venture;
    IERC20[2] public tokens;
    address public immutable operator;
    address[] public actors;

    /// Ghosts, per revenue token.
    uint256[2] public distributed; // credited to holders by deposits
    uint256[2] public claimed; // paid out by claims
    /// Set when a transfer changed what the two parties are owed together by more than rounding.
    bool public transferChangedOwed;
    /// Set when shares bought after a deposit got something from it.
    bool public lateBuyerPaid;
    /// Set when a claim paid something else than what was claimable.
    bool public claimMismatch;
    uint256 public calls;

    constructor(Venture venture_, IERC20 compute, IERC20 ubc, address operator_, address[] memory actors_) {
        venture = venture_;
        tokens[0] = compute;
        tokens[1] = ubc;
        operator = operator_;
        actors = actors_;
    }

    function actorCount() external view returns (uint256) {
        return actors.length;
    }

    function _actor(uint256 seed) internal view returns (address) {
        return actors[seed % actors.length];
    }

    function _owed(address who) internal view returns (uint256[] memory) {
        return venture.claimable(who);
    }

    function invest(uint256 actorSeed, uint256 shares) external {
        if (venture.raiseState() != IVenture.RaiseState.Open) return;
        IVenture.RaiseConfig memory c = venture.raiseConfig();
        if (block.timestamp > c.deadline) return;
        uint256 room = c.maxShares - venture.totalSupply();
        if (room < 1e18) return;
        shares = 1e18 + (shares % (room < 1e24 ? room - 1e18 + 1 : 1e24));
        address who = _actor(actorSeed);
        uint256[] memory before = _owed(who);
        vm.prank(who);
        venture.invest(shares);
        uint256[] memory after_ = _owed(who);
        // A holder who buys after a deposit gets nothing from it: what is owed does not move.
        if (before[0] != after_[0] || before[1] != after_[1]) lateBuyerPaid = true;
        calls++;
    }

    function deposit(uint256 tokenSeed, uint256 amount) external {
        if (venture.totalSupply() == 0) return;
        uint256 t = tokenSeed % 2;
        amount = 1 + (amount % 1e22);
        vm.prank(operator);
        distributed[t] += venture.depositRevenue(address(tokens[t]), amount);
        calls++;
    }

    function transfer(uint256 fromSeed, uint256 toSeed, uint256 amount) external {
        address from = _actor(fromSeed);
        address to = _actor(toSeed);
        uint256 balance = venture.balanceOf(from);
        amount = balance == 0 ? 0 : amount % (balance + 1);
        uint256[] memory bf = _owed(from);
        uint256[] memory bt = _owed(to);
        vm.prank(from);
        venture.transfer(to, amount);
        uint256[] memory af = _owed(from);
        uint256[] memory at = _owed(to);
        for (uint256 t = 0; t < 2; ++t) {
            uint256 b = bf[t] + bt[t];
            uint256 a = af[t] + at[t];
            // Exact magnified totals are preserved; the two floors may differ by 1 wei.
            if ((a > b ? a - b : b - a) > 1) transferChangedOwed = true;
        }
        calls++;
    }

    function claim(uint256 actorSeed) external {
        address who = _actor(actorSeed);
        uint256[] memory owed = _owed(who);
        if (owed[0] == 0 && owed[1] == 0) return;
        uint256 c0 = tokens[0].balanceOf(who);
        uint256 u0 = tokens[1].balanceOf(who);
        vm.prank(who);
        uint256[] memory paid = venture.claim();
        if (paid[0] != owed[0] || paid[1] != owed[1]) claimMismatch = true;
        if (tokens[0].balanceOf(who) - c0 != owed[0] || tokens[1].balanceOf(who) - u0 != owed[1]) claimMismatch = true;
        claimed[0] += paid[0];
        claimed[1] += paid[1];
        calls++;
    }

    function warp(uint256 seconds_) external {
        vm.warp(block.timestamp + (seconds_ % 20 days));
    }

    function finalize() external {
        IVenture.RaiseConfig memory c = venture.raiseConfig();
        if (venture.raiseState() != IVenture.RaiseState.Open) return;
        if (block.timestamp <= c.deadline && venture.totalSupply() < c.maxShares) return;
        venture.finalize();
        calls++;
    }

    function refund(uint256 actorSeed) external {
        address who = _actor(actorSeed);
        IVenture.RaiseState s = venture.raiseState();
        if (venture.balanceOf(who) == 0) return;
        IVenture.RaiseConfig memory c = venture.raiseConfig();
        bool failedOpen = s == IVenture.RaiseState.Open && block.timestamp > c.deadline
            && venture.totalSupply() < c.minShares;
        if (s != IVenture.RaiseState.Failed && !failedOpen) return;
        vm.prank(who);
        venture.refund();
        calls++;
    }

    function withdrawOperatorRevenue() external {
        if (venture.operatorOwed(address(tokens[0])) == 0 && venture.operatorOwed(address(tokens[1])) == 0) return;
        venture.withdrawOperatorRevenue();
        calls++;
    }
}

/// @notice Invariants of revenue sharing under random sequences of actions.
contract VentureInvariantTest is VentureBase {
    VentureHandler internal handler;
    Venture internal venture;
    Venture internal feeVenture;

    function setUp() public {
        _deployBase();
        // A venture with a 90% distribution and a 20% performance fee above a hurdle, a minimum
        // that random investing may or may not reach, so both success and refunds happen.
        IVentureFactory.VentureParams memory p = _params(9_000, 2_000, 5e21);
        p.minShares = 200_000e18;
        p.maxShares = 1e28;
        p.raiseDuration = 40 days;
        venture = _create(p);
        address[] memory actors = new address[](5);
        for (uint256 i = 0; i < actors.length; ++i) {
            actors[i] = address(uint160(0xA000 + i));
            _fund(actors[i], address(venture), 100_000_000e18);
        }
        _fund(operator, address(venture), 400_000_000e18);
        handler = new VentureHandler(venture, compute, ubc, operator, actors);
        targetContract(address(handler));
    }

    /// claimed + claimable = distributed − dust, with dust ≤ 1 wei per holder per token.
    function invariant_claimedPlusClaimableIsDistributedMinusDust() public view {
        uint256 n = handler.actorCount();
        for (uint256 t = 0; t < 2; ++t) {
            uint256 owed = handler.claimed(t);
            for (uint256 i = 0; i < n; ++i) {
                owed += venture.claimable(handler.actors(i))[t];
            }
            uint256 d = handler.distributed(t);
            assertLe(owed, d, "rounding created value");
            assertLe(d - owed, n, "dust above 1 wei per holder");
            address token = address(handler.tokens(t));
            assertEq(venture.totalDistributed(token), d, "totalDistributed");
        }
    }

    /// Transfers never change the total owed (beyond the 1 wei of each party's rounding).
    function invariant_transfersNeverChangeTotalOwed() public view {
        assertFalse(handler.transferChangedOwed(), "a transfer changed the total owed");
    }

    /// A holder who bought after a deposit gets nothing from it.
    function invariant_lateBuyerGetsNothing() public view {
        assertFalse(handler.lateBuyerPaid(), "shares bought after a deposit were paid from it");
    }

    /// A claim pays exactly what was claimable, in every token.
    function invariant_claimPaysClaimable() public view {
        assertFalse(handler.claimMismatch(), "a claim paid something else than claimable");
    }

    /// The venture always holds what it owes: claimable revenue, the operator's share, the raise.
    function invariant_solvent() public view {
        uint256 n = handler.actorCount();
        for (uint256 t = 0; t < 2; ++t) {
            address token = address(handler.tokens(t));
            uint256 owed = venture.operatorOwed(token);
            for (uint256 i = 0; i < n; ++i) {
                owed += venture.claimable(handler.actors(i))[t];
            }
            if (t == 0 && venture.raiseState() != IVenture.RaiseState.Succeeded) {
                owed += venture.totalSupply() * venture.raiseConfig().pricePerShare;
            }
            assertLe(owed, IERC20(token).balanceOf(address(venture)), "insolvent");
        }
    }
}
