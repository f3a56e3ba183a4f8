// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Test} from "../lib/Test.sol";
import {ComputeToken} from "../../contracts/tokens/ComputeToken.sol";
import {AgentRegistry} from "../../contracts/market/AgentRegistry.sol";
import {WorkMarket} from "../../contracts/market/WorkMarket.sol";
import {IWorkMarket} from "../../contracts/interfaces/IWorkMarket.sol";
import {IComputeToken} from "../../contracts/interfaces/IComputeToken.sol";
import {IAgentRegistry} from "../../contracts/interfaces/IAgentRegistry.sol";
import {IFeeController} from "../../contracts/interfaces/IFeeController.sol";
import {MockFeeController} from "../../contracts/test/MockFeeController.sol";
import {FeeMath} from "../../contracts/libraries/FeeMath.sol";

/// @notice Fuzzed quote fills: any well-formed quote fills once for exactly its price, and its
///         signature is worthless after a replay, on another chain id, or on another deployment.
contract WorkMarketQuotesTest is Test {
    uint256 internal constant PV_KEY = 0xB0B;
    ComputeToken internal compute;
    AgentRegistry internal registry;
    WorkMarket internal market;
    WorkMarket internal other;
    address internal rq;
    address internal pv;
    uint256 internal req;
    uint256 internal prov;

    function setUp() public {
        compute = new ComputeToken(address(this), address(this), 3_000_000_000e18);
        registry = new AgentRegistry();
        MockFeeController fees = new MockFeeController(5_000);
        market = _deploy(fees);
        other = _deploy(fees);
        rq = makeAddr("requester");
        pv = vm.addr(PV_KEY);
        vm.prank(rq);
        req = registry.register("", 2);
        vm.prank(pv);
        prov = registry.register("", 1);
        compute.transfer(rq, 1_000_000_000e18);
        compute.transfer(pv, 1_000_000_000e18);
        vm.startPrank(rq);
        compute.approve(address(market), type(uint256).max);
        compute.approve(address(other), type(uint256).max);
        vm.stopPrank();
        vm.startPrank(pv);
        compute.approve(address(market), type(uint256).max);
        compute.approve(address(other), type(uint256).max);
        vm.stopPrank();
    }

    function _deploy(MockFeeController fees) internal returns (WorkMarket) {
        return new WorkMarket(
            IComputeToken(address(compute)),
            IAgentRegistry(address(registry)),
            IFeeController(address(fees)),
            makeAddr("treasury"),
            address(this),
            address(this)
        );
    }

    function _sign(WorkMarket m, IWorkMarket.Quote memory q) internal view returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(PV_KEY, m.quoteDigest(q));
        return abi.encodePacked(r, s, v);
    }

    function testFuzz_quoteFillsOnceForItsPriceOnlyHere(
        uint256 units,
        uint256 unitPrice,
        uint256 nonce,
        uint256 deliveryPeriod,
        bytes32 kind,
        uint64 newChainId
    ) public {
        units = bound(units, 1, 1_000);
        unitPrice = bound(unitPrice, 100e18 / units + 1, 100_000e18);
        deliveryPeriod = bound(deliveryPeriod, 1, 365 days);
        IWorkMarket.Quote memory q = IWorkMarket.Quote({
            providerAgentId: prov,
            resourceKind: kind,
            units: units,
            unitPrice: unitPrice,
            expiry: block.timestamp + 1 hours,
            nonce: nonce,
            requester: 0,
            deliveryPeriod: deliveryPeriod
        });
        bytes memory sig = _sign(market, q);
        uint256 value = units * unitPrice;

        // Another deployment rejects it.
        vm.prank(rq);
        vm.expectRevert(abi.encodeWithSelector(IWorkMarket.InvalidQuoteSignature.selector, prov));
        other.fillQuote(q, sig, req, keccak256("spec"));

        // Another chain rejects it (the domain separator follows the chain id).
        uint256 snapshot = vm.snapshotState();
        vm.assume(newChainId != block.chainid && newChainId != 0);
        vm.chainId(newChainId);
        vm.prank(rq);
        vm.expectRevert(abi.encodeWithSelector(IWorkMarket.InvalidQuoteSignature.selector, prov));
        market.fillQuote(q, sig, req, keccak256("spec"));
        vm.revertToState(snapshot);

        // Here it fills once, for exactly its price plus deposit and fees, and the producer deposit.
        uint256 r0 = compute.balanceOf(rq);
        uint256 p0 = compute.balanceOf(pv);
        vm.prank(rq);
        uint256 jobId = market.fillQuote(q, sig, req, keccak256("spec"));
        assertEq(r0 - compute.balanceOf(rq), FeeMath.requesterLock(value), "requester lock");
        assertEq(p0 - compute.balanceOf(pv), FeeMath.providerDeposit(value), "producer deposit");
        IWorkMarket.Job memory j = market.getJob(jobId);
        assertEq(j.value, value, "value");
        assertEq(j.deadline, block.timestamp + deliveryPeriod, "delivery deadline");
        assertEq(uint256(j.status), uint256(IWorkMarket.Status.Accepted), "accepted");

        vm.prank(rq);
        vm.expectRevert(abi.encodeWithSelector(IWorkMarket.QuoteNonceUsed.selector, prov, nonce));
        market.fillQuote(q, sig, req, keccak256("spec"));
    }
}
