// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Test} from "../lib/Test.sol";
import {Vm} from "../lib/Vm.sol";
import {UBCToken} from "../../contracts/tokens/UBCToken.sol";
import {ComputeToken} from "../../contracts/tokens/ComputeToken.sol";
import {AgentRegistry} from "../../contracts/market/AgentRegistry.sol";
import {WorkMarket} from "../../contracts/market/WorkMarket.sol";
import {ValidatorPool} from "../../contracts/market/ValidatorPool.sol";
import {IWorkMarket} from "../../contracts/interfaces/IWorkMarket.sol";
import {IValidatorPool} from "../../contracts/interfaces/IValidatorPool.sol";
import {IComputeToken} from "../../contracts/interfaces/IComputeToken.sol";
import {IAgentRegistry} from "../../contracts/interfaces/IAgentRegistry.sol";
import {IFeeController} from "../../contracts/interfaces/IFeeController.sol";
import {MockFeeController} from "../../contracts/test/MockFeeController.sol";
import {FeeMath} from "../../contracts/libraries/FeeMath.sol";

/// @notice Drives the market and the validator pool through random sequences of every action
///         (create, fill, accept, cancel, decline, submit, draw, attest, finalize, challenge, expire, time,
///         settle, withdraw, sweep, claim) and keeps ghost totals from the events it sees.
contract MarketHandler is Test {
    WorkMarket public market;
    ValidatorPool public pool;
    ComputeToken public compute;
    UBCToken public ubc;

    uint256 internal constant RQ_KEY = 0xA11CE;
    uint256 internal constant PV_KEY = 0xB0B;
    address public rq;
    address public pv;
    uint256 public REQ;
    uint256 public PROV;
    uint256 public quoteNonce = 1;

    // Ghosts.
    uint256 public ghostBurned;
    uint256 public ghostFeesOwed; // validation fees earned by validators (settled jobs)
    uint256 public ghostFeesClaimed;
    mapping(uint256 jobId => uint256) public feeOfJob; // validation fee a settlement left to the validators
    mapping(uint256 jobId => uint256) public claimedOfJob; // paid out of it (FeesClaimed)
    uint256 public violations; // payouts below what the rules promise
    mapping(uint256 jobId => uint256) public payouts; // JobSettled / JobCancelled / JobExpired / JobDeclined seen
    mapping(bytes4 => uint256) public calls;

    bytes32 internal constant BURNED = keccak256("Burned(uint256,uint256,uint8)");
    bytes32 internal constant SETTLED = keccak256("JobSettled(uint256,uint256,uint256,uint256,uint256,bool)");
    bytes32 internal constant CANCELLED = keccak256("JobCancelled(uint256,uint256)");
    bytes32 internal constant EXPIRED = keccak256("JobExpired(uint256,uint8,uint256,uint256)");
    bytes32 internal constant DECLINED = keccak256("JobDeclined(uint256,uint256,uint256,uint256)");
    bytes32 internal constant FEES_CLAIMED = keccak256("FeesClaimed(uint256,uint256,uint256)");

    constructor(WorkMarket market_, ValidatorPool pool_, ComputeToken compute_, UBCToken ubc_, AgentRegistry registry) {
        market = market_;
        pool = pool_;
        compute = compute_;
        ubc = ubc_;
        rq = vm.addr(RQ_KEY);
        pv = vm.addr(PV_KEY);
        vm.prank(rq);
        REQ = registry.register("", 2);
        vm.prank(pv);
        PROV = registry.register("", 1);
    }

    // ------------------------------------------------------------------ actions

    function createJob(uint256 valueSeed) external {
        uint256 value = bound(valueSeed, 100e18, 5_000e18);
        IWorkMarket.JobRequest memory r = IWorkMarket.JobRequest({
            requesterAgentId: REQ,
            providerAgentId: 0,
            value: value,
            specHash: keccak256(abi.encode(valueSeed)),
            acceptDeadline: block.timestamp + 1 days,
            deliveryPeriod: 1 days
        });
        _begin();
        vm.prank(rq);
        try market.createJob(r) {} catch {}
        _end();
    }

    function fillQuote(uint256 unitsSeed, bool bound_) external {
        IWorkMarket.Quote memory q = IWorkMarket.Quote({
            providerAgentId: PROV,
            resourceKind: keccak256("gpu-hour"),
            units: bound(unitsSeed, 1, 50),
            unitPrice: 100e18,
            expiry: block.timestamp + 1 hours,
            nonce: quoteNonce++,
            requester: bound_ ? REQ : 0,
            deliveryPeriod: 1 days
        });
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(PV_KEY, market.quoteDigest(q));
        _begin();
        vm.prank(rq);
        try market.fillQuote(q, abi.encodePacked(r, s, v), REQ, keccak256(abi.encode(unitsSeed))) {} catch {}
        _end();
    }

    function accept(uint256 jobSeed) external {
        uint256 id = _pick(jobSeed);
        _begin();
        vm.prank(pv);
        try market.accept(id, PROV) {} catch {}
        _end();
    }

    function cancel(uint256 jobSeed) external {
        uint256 id = _pick(jobSeed);
        _begin();
        vm.prank(rq);
        try market.cancel(id) {} catch {}
        _end();
    }

    function decline(uint256 jobSeed) external {
        uint256 id = _pick(jobSeed);
        _begin();
        vm.prank(pv);
        try market.decline(id) {} catch {}
        _end();
    }

    function submit(uint256 jobSeed) external {
        uint256 id = _pick(jobSeed);
        _begin();
        vm.prank(pv);
        try market.submit(id, keccak256(abi.encode(id)), "ipfs://r") {} catch {}
        _end();
    }

    function draw(uint256 jobSeed) external {
        uint256 id = _pick(jobSeed);
        vm.roll(block.number + 2);
        _begin();
        try pool.drawCommittee(id) {} catch {}
        _end();
    }

    function attest(uint256 jobSeed, uint256 memberSeed, bool approve) external {
        uint256 id = _pick(jobSeed);
        uint16[] memory c = pool.committee(id);
        if (c.length == 0) return;
        address account = pool.getValidator(c[memberSeed % c.length]).account;
        _begin();
        vm.prank(account);
        try pool.attest(id, approve) {} catch {}
        _end();
    }

    function finalize(uint256 jobSeed) external {
        uint256 id = _pick(jobSeed);
        _begin();
        try pool.finalize(id) {} catch {}
        _end();
    }

    function challenge(uint256 jobSeed, bool asRequester) external {
        uint256 id = _pick(jobSeed);
        _begin();
        vm.prank(asRequester ? rq : pv);
        try market.challenge(id, asRequester ? REQ : PROV) {} catch {}
        _end();
    }

    function expire(uint256 jobSeed) external {
        uint256 id = _pick(jobSeed);
        _begin();
        try market.expire(id) {} catch {}
        _end();
    }

    function warp(uint256 secondsSeed) external {
        vm.warp(block.timestamp + bound(secondsSeed, 1 hours, 3 days));
        vm.roll(block.number + 1);
    }

    function settle(uint256 startSeed, uint256 countSeed) external {
        uint256 n = market.jobCount();
        if (n == 0) return;
        uint256 start = bound(startSeed, 1, n);
        uint256 count = bound(countSeed, 1, 8);
        if (start + count - 1 > n) count = n - start + 1;
        uint256[] memory ids = new uint256[](count);
        for (uint256 i; i < count; ++i) ids[i] = start + i;
        _begin();
        try market.settle(ids) {} catch {}
        _end();
    }

    function withdraw(bool requester, uint256 amountSeed) external {
        uint256 agent = requester ? REQ : PROV;
        uint256 credit = market.credits(agent);
        if (credit == 0) return;
        _begin();
        vm.prank(requester ? rq : pv);
        try market.withdraw(agent, requester ? rq : pv, bound(amountSeed, 1, credit)) {} catch {}
        _end();
    }

    function sweep() external {
        _begin();
        try market.sweep() {} catch {}
        _end();
    }

    function claim(uint256 validatorSeed, uint256 jobSeed) external {
        uint256 count = pool.validatorCount();
        if (count == 0) return;
        address account = pool.getValidator(bound(validatorSeed, 1, count)).account;
        uint256[] memory ids = new uint256[](1);
        ids[0] = _pick(jobSeed);
        _begin();
        vm.prank(account);
        try pool.claimFees(ids) {} catch {}
        _end();
    }

    /// @dev Pushes a job one step along its life, whatever its state, so that random sequences
    ///      reach the deep states (disputes, escalations, settlement after challenges) often.
    function advance(uint256 jobSeed, uint256 choice) external {
        uint256 id = _pick(jobSeed);
        uint256 steps = 1 + (choice >> 8) % 12;
        for (uint256 k; k < steps; ++k) {
            _step(id, uint256(keccak256(abi.encode(choice, k))));
        }
    }

    function _step(uint256 id, uint256 choice) internal {
        IWorkMarket.Job memory j = market.getJob(id);
        IWorkMarket.Status s = IWorkMarket.Status(j.status);
        _begin();
        if (s == IWorkMarket.Status.Open) {
            vm.prank(pv);
            try market.accept(id, PROV) {} catch {}
        } else if (s == IWorkMarket.Status.Accepted) {
            vm.prank(pv);
            if (choice % 5 == 0) {
                try market.decline(id) {} catch {}
            } else {
                try market.submit(id, keccak256(abi.encode(id)), "ipfs://r") {} catch {}
            }
        } else if (s == IWorkMarket.Status.Submitted || s == IWorkMarket.Status.Disputed) {
            IValidatorPool.Round memory r = pool.getRound(id);
            if (r.phase != 2) {
                vm.roll(block.number + 2);
                try pool.drawCommittee(id) {} catch {}
            } else {
                for (uint256 i; i < r.size; ++i) {
                    if ((r.approvals | r.rejections) & (1 << i) != 0) continue;
                    address account = pool.getValidator(uint16(r.members >> (16 * i))).account;
                    vm.prank(account);
                    try pool.attest(id, choice % 3 != 0) {} catch {}
                    break;
                }
            }
        } else if (s == IWorkMarket.Status.Validated) {
            if (choice % 3 == 0) {
                bool producerWon = j.flags & 1 != 0;
                vm.prank(producerWon ? rq : pv);
                try market.challenge(id, producerWon ? REQ : PROV) {} catch {}
            } else {
                vm.warp(block.timestamp + 1 days + 1);
                uint256[] memory ids = new uint256[](1);
                ids[0] = id;
                try market.settle(ids) {} catch {}
            }
        } else if (s == IWorkMarket.Status.Resolved) {
            uint256[] memory ids = new uint256[](1);
            ids[0] = id;
            try market.settle(ids) {} catch {}
        }
        _end();
    }

    // ------------------------------------------------------------------ ghosts

    /// @dev Half the time the newest job, else any job: keeps one job moving deep.
    function _pick(uint256 seed) internal view returns (uint256) {
        uint256 n = market.jobCount();
        if (n == 0) return 1;
        return seed % 2 == 0 ? n : bound(seed >> 1, 1, n);
    }

    function _begin() internal {
        vm.recordLogs();
    }

    /// @dev Reads the events of the last action: burns, payouts, and what each payout promised.
    function _end() internal {
        Vm.Log[] memory logs = vm.getRecordedLogs();
        for (uint256 i; i < logs.length; ++i) {
            Vm.Log memory l = logs[i];
            if (l.emitter == address(pool) && l.topics[0] == FEES_CLAIMED) {
                uint256 amount = abi.decode(l.data, (uint256));
                ghostFeesClaimed += amount;
                claimedOfJob[uint256(l.topics[2])] += amount;
                continue;
            }
            if (l.emitter != address(market)) continue;
            bytes32 t = l.topics[0];
            if (t == BURNED) {
                (uint256 amount,) = abi.decode(l.data, (uint256, uint8));
                ghostBurned += amount;
            } else if (t == SETTLED) {
                uint256 id = uint256(l.topics[1]);
                payouts[id]++;
                (uint256 toProvider, uint256 toRequester,, uint256 vf, bool paid) =
                    abi.decode(l.data, (uint256, uint256, uint256, uint256, bool));
                if (paid) {
                    ghostFeesOwed += vf;
                    feeOfJob[id] = vf;
                }
                _checkSettlement(id, toProvider, toRequester);
            } else if (t == CANCELLED) {
                uint256 id = uint256(l.topics[1]);
                payouts[id]++;
                uint256 refund = abi.decode(l.data, (uint256));
                if (refund != FeeMath.requesterLock(market.getJob(id).value)) violations++;
            } else if (t == EXPIRED) {
                uint256 id = uint256(l.topics[1]);
                payouts[id]++;
                (uint8 fromStatus, uint256 refund,) = abi.decode(l.data, (uint8, uint256, uint256));
                uint256 v = market.getJob(id).value;
                uint256 promised = FeeMath.requesterLock(v);
                if (fromStatus == uint8(IWorkMarket.Status.Accepted)) {
                    uint256 pd = FeeMath.providerDeposit(v);
                    promised += pd - pd / 2;
                }
                if (refund != promised) violations++;
            } else if (t == DECLINED) {
                uint256 id = uint256(l.topics[1]);
                payouts[id]++;
                (uint256 toRequester, uint256 toProvider) = abi.decode(l.data, (uint256, uint256));
                uint256 v = market.getJob(id).value;
                if (toRequester != FeeMath.requesterLock(v) || toProvider != FeeMath.providerDeposit(v)) violations++;
            }
        }
    }

    /// @dev The promises of docs/market.md, "Payouts": the winning producer gets at least its
    ///      price and deposit; a requester whose work was rejected gets at least the price, its
    ///      deposit and the protocol fee back; with no fault everybody gets back what it locked.
    function _checkSettlement(uint256 id, uint256 toProvider, uint256 toRequester) internal {
        IWorkMarket.Job memory j = market.getJob(id);
        uint256 v = j.value;
        uint256 pd = FeeMath.providerDeposit(v);
        uint256 bond = j.flags & 16 != 0 ? FeeMath.challengeBond(v) : 0;
        if (j.flags & 4 != 0) {
            if (toRequester != FeeMath.requesterLock(v) || toProvider != pd + bond) violations++;
        } else if (j.flags & 1 != 0) {
            if (toProvider < v + pd + bond) violations++;
            bool requesterLostChallenge = j.flags & 8 != 0 && bond == 0;
            if (!requesterLostChallenge && toRequester < FeeMath.requesterDeposit(v)) violations++;
        } else {
            if (toRequester < v + FeeMath.requesterDeposit(v) + FeeMath.protocolFee(v)) violations++;
        }
    }
}

/// @notice Invariants of the work market under random action sequences.
contract WorkMarketInvariantsTest is Test {
    MarketHandler internal handler;
    WorkMarket internal market;
    ValidatorPool internal pool;
    ComputeToken internal compute;
    UBCToken internal ubc;
    uint256 internal initialSupply;
    uint256 internal initialBurned;

    function setUp() public {
        ubc = new UBCToken(address(this));
        compute = new ComputeToken(address(this), address(this), 3_000_000_000e18);
        AgentRegistry registry = new AgentRegistry();
        MockFeeController fees = new MockFeeController(5_000);
        market = new WorkMarket(
            IComputeToken(address(compute)),
            IAgentRegistry(address(registry)),
            IFeeController(address(fees)),
            makeAddr("treasury"),
            address(this),
            address(this)
        );
        pool = new ValidatorPool(ubc, compute, market, registry, makeAddr("treasury"), address(this));
        market.setValidatorPool(address(pool));
        handler = new MarketHandler(market, pool, compute, ubc, registry);

        address rq = handler.rq();
        address pv = handler.pv();
        compute.transfer(rq, 10_000_000e18);
        compute.transfer(pv, 10_000_000e18);
        vm.prank(rq);
        compute.approve(address(market), type(uint256).max);
        vm.prank(pv);
        compute.approve(address(market), type(uint256).max);

        // Nine validators: a committee of 3 and an escalation committee of 5 without the first.
        for (uint256 i = 1; i <= 9; ++i) {
            address v = vm.addr(0x1000 + i);
            vm.prank(v);
            uint256 agentId = registry.register("", 4);
            ubc.transfer(v, 20_000e18);
            vm.prank(v);
            ubc.approve(address(pool), type(uint256).max);
            vm.prank(v);
            pool.stake(agentId, 10_000e18 + i * 1_000e18);
        }
        initialSupply = compute.totalSupply();
        initialBurned = compute.totalBurned();
        targetContract(address(handler));
    }

    /// @notice COMPUTE held by the market equals what unsettled jobs lock (price, deposits,
    ///         fees, bonds), plus the agents' credits, plus fee shares not yet swept.
    function invariant_marketHoldsExactlyWhatItOwes() public view {
        uint256 locked;
        uint256 n = market.jobCount();
        for (uint256 id = 1; id <= n; ++id) {
            locked += _locked(market.getJob(id));
        }
        (uint256 toTreasury, uint256 toValidators) = market.pendingFees();
        uint256 owed = locked + market.credits(handler.REQ()) + market.credits(handler.PROV()) + toTreasury + toValidators;
        assertEq(compute.balanceOf(address(market)), owed, "market balance != locked + credits + pending fees");
    }

    /// @notice Each job pays out exactly once: a job in a final state (Cancelled, Expired,
    ///         Settled, Declined) was paid once, any other job never.
    function invariant_eachJobPaysOutOnce() public view {
        uint256 n = market.jobCount();
        for (uint256 id = 1; id <= n; ++id) {
            uint8 s = market.getJob(id).status;
            bool closed = s == uint8(IWorkMarket.Status.Cancelled) || s == uint8(IWorkMarket.Status.Expired)
                || s == uint8(IWorkMarket.Status.Settled) || s == uint8(IWorkMarket.Status.Declined);
            assertEq(handler.payouts(id), closed ? 1 : 0, "job paid out a wrong number of times");
        }
    }

    /// @notice The sum of the market's `Burned` events equals the drop in COMPUTE supply (nothing
    ///         else burns or mints here) and the rise of COMPUTE.totalBurned; honest parties get at
    ///         least what the rules promise; validators' unclaimed fees are covered.
    function invariant_burnsPromisesAndFees() public view {
        assertEq(initialSupply - compute.totalSupply(), handler.ghostBurned(), "burn events != supply drop");
        assertEq(compute.totalBurned() - initialBurned, handler.ghostBurned(), "burn events != totalBurned rise");
        assertEq(handler.violations(), 0, "a party got less than the rules promise");
        (, uint256 toValidators) = market.pendingFees();
        assertGe(
            compute.balanceOf(address(pool)) + toValidators,
            handler.ghostFeesOwed() - handler.ghostFeesClaimed(),
            "validator fees not covered"
        );
        uint256 stakes;
        uint256 count = pool.validatorCount();
        for (uint256 id = 1; id <= count; ++id) {
            stakes += pool.getValidator(id).stake;
        }
        assertEq(ubc.balanceOf(address(pool)), stakes, "pool UBC != sum of stakes");
    }

    /// @notice M8: a job's validation fee is paid out at most once and never beyond the fee: a
    ///         job whose fee was paid has its whole fee, less the remainder of dividing it among
    ///         its winners (under 9 wei), paid, and its rounds cleared; a job whose validators
    ///         earned nothing pays nothing.
    function invariant_validationFeePaidOnceInFull() public view {
        uint256 n = market.jobCount();
        for (uint256 id = 1; id <= n; ++id) {
            uint256 fee = handler.feeOfJob(id);
            uint256 claimed = handler.claimedOfJob(id);
            if (claimed == 0) continue;
            assertLe(claimed, fee, "paid more than the job's validation fee");
            assertLt(fee - claimed, pool.MAX_COMMITTEE(), "a job's fee paid only in part");
            assertEq(pool.getRound(id).phase, 0, "a paid job's round not cleared");
        }
    }

    function _locked(IWorkMarket.Job memory j) internal pure returns (uint256) {
        uint8 s = j.status;
        if (s == uint8(IWorkMarket.Status.Open)) return FeeMath.requesterLock(j.value);
        if (s >= uint8(IWorkMarket.Status.Accepted) && s <= uint8(IWorkMarket.Status.Resolved)) {
            uint256 l = FeeMath.requesterLock(j.value) + FeeMath.providerDeposit(j.value);
            if (j.flags & 16 != 0) l += FeeMath.challengeBond(j.value);
            return l;
        }
        return 0;
    }
}
