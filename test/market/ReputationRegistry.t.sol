// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Test} from "../lib/Test.sol";
import {AgentRegistry} from "../../contracts/market/AgentRegistry.sol";
import {ReputationRegistry} from "../../contracts/market/ReputationRegistry.sol";
import {IReputationRegistry} from "../../contracts/interfaces/IReputationRegistry.sol";
import {JobRegistryStub} from "../../contracts/test/JobRegistryStub.sol";

uint256 constant AGENTS = 5;
uint256 constant MAX_JOBS = 24;

/// @notice Settles random jobs between a few agents (in a stub job registry) and has random
///         callers rate random parties of random jobs, duplicates and outsiders included. Keeps
///         ghost sums of every feedback the registry accepted.
contract ReputationHandler is Test {
    AgentRegistry public immutable agents;
    ReputationRegistry public immutable reputation;
    JobRegistryStub public immutable jobs;
    address[] public owners; // owners[i] owns agent i + 1
    uint256 public jobCount;
    uint256 public calls;
    uint256 public accepted;
    uint256 public duplicatesAccepted; // must stay 0
    uint256 public violations; // accepted feedback that broke R3; must stay 0

    mapping(uint256 agentId => uint256) public ghostCountAsProvider;
    mapping(uint256 agentId => uint256) public ghostCountAsRequester;
    mapping(uint256 agentId => uint256) public ghostSumAsProvider;
    mapping(uint256 agentId => uint256) public ghostSumAsRequester;
    mapping(uint256 jobId => mapping(bool byRequester => uint256 count)) public ghostGiven;
    mapping(uint256 jobId => mapping(bool byRequester => uint256 score)) public ghostScore;

    constructor(AgentRegistry agents_, ReputationRegistry reputation_, JobRegistryStub jobs_, address[] memory owners_) {
        agents = agents_;
        reputation = reputation_;
        jobs = jobs_;
        owners = owners_;
    }

    /// A job between two agents (1 in 8 with itself), settled 3 times in 4.
    function settleJob(uint256 requesterSeed, uint256 providerSeed) external {
        calls++;
        if (jobCount >= MAX_JOBS) return; // keeps the per-job invariant loop cheap
        uint256 jobId = ++jobCount;
        uint256 requester = 1 + (requesterSeed % AGENTS);
        uint256 provider =
            providerSeed % 8 == 0 ? requester : 1 + ((requester + (providerSeed >> 8) % (AGENTS - 1)) % AGENTS);
        jobs.setJob(jobId, requester, provider, (requesterSeed >> 128) % 4 != 0);
    }

    /// A caller (any owner, so often not a party) rates a party (or a non-party) of a job.
    function giveFeedback(uint256 jobSeed, uint256 callerSeed, uint256 ratedSeed, uint8 score) external {
        calls++;
        if (jobCount == 0) return;
        uint256 jobId = 1 + (jobSeed % (jobCount + 1)); // sometimes an unknown job
        address caller = owners[callerSeed % AGENTS];
        uint256 rated = ratedSeed % (AGENTS + 1); // 0..AGENTS, 0 is never an agent
        score = uint8(bound(score, 0, 110)); // sometimes invalid
        (uint256 requester, uint256 provider,) = jobs.jobParties(jobId);
        bool byRequester = rated == provider;
        vm.prank(caller);
        try reputation.giveFeedback(jobId, rated, score, bytes32(0), "") {
            accepted++;
            if (ghostGiven[jobId][byRequester] != 0) duplicatesAccepted++;
            ghostGiven[jobId][byRequester] += 1;
            ghostScore[jobId][byRequester] = score;
            if (byRequester) {
                ghostCountAsProvider[rated] += 1;
                ghostSumAsProvider[rated] += score;
            } else {
                ghostCountAsRequester[rated] += 1;
                ghostSumAsRequester[rated] += score;
            }
            // Only the other party's owner, on a settled job between two agents, with a valid
            // score. (Counted, not asserted: a failed assertion here would be a revert, which
            // the invariant runner ignores; `invariant_onlyTheOtherPartyRates` reads the count.)
            uint256 from = byRequester ? requester : provider;
            (,, bool settled) = jobs.jobParties(jobId);
            if (agents.ownerOf(from) != caller || requester == provider || score > 100 || !settled) violations++;
        } catch {}
    }

    /// The most useful call for coverage: the right caller rates the right party of a job.
    function giveValidFeedback(uint256 jobSeed, bool asRequester, uint8 score) external {
        calls++;
        if (jobCount == 0) return;
        uint256 jobId = 1 + (jobSeed % jobCount);
        (uint256 requester, uint256 provider,) = jobs.jobParties(jobId);
        uint256 from = asRequester ? requester : provider;
        uint256 rated = asRequester ? provider : requester;
        this.giveFeedback(jobId - 1, from - 1, rated, score % 101);
    }
}

/// @notice R1–R3 of audits/invariants.md ("Agents, reputation and fees").
contract ReputationRegistryInvariantTest is Test {
    AgentRegistry internal agents;
    ReputationRegistry internal reputation;
    JobRegistryStub internal jobs;
    ReputationHandler internal handler;

    function setUp() public {
        agents = new AgentRegistry();
        reputation = new ReputationRegistry(agents, address(this), address(this), address(this));
        jobs = new JobRegistryStub();
        reputation.setJobRegistry(jobs);
        address[] memory owners = new address[](AGENTS);
        for (uint256 i = 0; i < AGENTS; i++) {
            owners[i] = makeAddr(string.concat("owner", _digit(i)));
            vm.prank(owners[i]);
            agents.register("", 3);
        }
        handler = new ReputationHandler(agents, reputation, jobs, owners);
        // The handler's helper `giveValidFeedback` calls `giveFeedback` through `this`, so the
        // jobSeed / callerSeed arithmetic there lines up with `giveFeedback`'s.
        targetContract(address(handler));
    }

    function afterInvariant() public view {
        assertGt(handler.calls(), 0, "handler was called");
    }

    /// R1: every agent's on-chain aggregates equal the sums of the feedback accepted about it.
    function invariant_aggregatesEqualAcceptedFeedback() public view {
        uint256 total;
        for (uint256 id = 1; id <= AGENTS; id++) {
            IReputationRegistry.Summary memory s = reputation.getSideSummary(id);
            assertEq(s.asProviderCount, handler.ghostCountAsProvider(id), "count as provider");
            assertEq(s.asRequesterCount, handler.ghostCountAsRequester(id), "count as requester");
            assertEq(s.asProviderSum, handler.ghostSumAsProvider(id), "sum as provider");
            assertEq(s.asRequesterSum, handler.ghostSumAsRequester(id), "sum as requester");
            (uint256 count, uint256 sum, uint256 average) = reputation.getSummary(id);
            assertEq(count, uint256(s.asProviderCount) + s.asRequesterCount, "count = both sides");
            assertEq(sum, uint256(s.asProviderSum) + s.asRequesterSum, "sum = both sides");
            assertEq(average, count == 0 ? 0 : sum / count, "average = sum / count");
            assertLe(average, 100, "average <= 100");
            total += count;
        }
        assertEq(total, handler.accepted(), "every accepted feedback counted once");
    }

    /// R2: at most one feedback per side per job; the recorded score is the accepted one.
    function invariant_oneFeedbackPerSidePerJob() public view {
        assertEq(handler.duplicatesAccepted(), 0, "no second feedback on a side");
        uint256 n = handler.jobCount();
        for (uint256 jobId = 1; jobId <= n; jobId++) {
            (bool rGave, uint8 rScore, bool pGave, uint8 pScore) = reputation.jobFeedback(jobId);
            assertEq(rGave, handler.ghostGiven(jobId, true) == 1, "requester side recorded");
            assertEq(pGave, handler.ghostGiven(jobId, false) == 1, "provider side recorded");
            assertEq(rScore, handler.ghostScore(jobId, true), "requester score");
            assertEq(pScore, handler.ghostScore(jobId, false), "provider score");
        }
    }

    /// R3: only an account authorised for the other party of a settled job between two
    ///     different agents rates, with a score <= 100.
    function invariant_onlyTheOtherPartyRates() public view {
        assertEq(handler.violations(), 0, "no feedback accepted from a non-party, a self-job, an unsettled job");
    }

    function _digit(uint256 i) private pure returns (string memory) {
        return string(abi.encodePacked(bytes1(uint8(48 + i))));
    }
}

/// @notice R2 as a direct fuzz test: the same side can never rate the same job twice, whatever
///         the scores, while the other side still can, once.
contract ReputationRegistryFuzzTest is Test {
    ReputationRegistry internal reputation;
    JobRegistryStub internal jobs;
    address internal req;
    address internal prov;
    uint256 internal r;
    uint256 internal p;

    function setUp() public {
        AgentRegistry agents = new AgentRegistry();
        reputation = new ReputationRegistry(agents, address(this), address(this), address(this));
        jobs = new JobRegistryStub();
        reputation.setJobRegistry(jobs);
        req = makeAddr("requester");
        prov = makeAddr("provider");
        vm.prank(req);
        r = agents.register("", 2);
        vm.prank(prov);
        p = agents.register("", 1);
    }

    function testFuzz_secondFeedbackOnASideReverts(uint256 jobId, uint8 first, uint8 second, bool requesterFirst)
        public
    {
        first = uint8(bound(first, 0, 100));
        second = uint8(bound(second, 0, 100));
        jobs.setJob(jobId, r, p, true);

        (address caller, uint256 rated, uint256 from) = requesterFirst ? (req, p, r) : (prov, r, p);
        vm.prank(caller);
        reputation.giveFeedback(jobId, rated, first, "a", "");
        vm.prank(caller);
        vm.expectRevert(abi.encodeWithSelector(IReputationRegistry.FeedbackAlreadyGiven.selector, jobId, from));
        reputation.giveFeedback(jobId, rated, second, "b", "");

        vm.prank(requesterFirst ? prov : req);
        reputation.giveFeedback(jobId, from, second, "c", "");
        (uint256 count, uint256 sum,) = reputation.getSummary(rated);
        assertEq(count, 1, "one rating of the rated party");
        assertEq(sum, first, "the first score stands");
        (bool rGave,, bool pGave,) = reputation.jobFeedback(jobId);
        assertTrue(rGave && pGave, "both sides recorded");
    }
}
