// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {IAgentRegistry} from "../interfaces/IAgentRegistry.sol";
import {IJobRegistry} from "../interfaces/IJobRegistry.sol";
import {IReputationRegistry} from "../interfaces/IReputationRegistry.sol";

/// @title ReputationRegistry
/// @notice ERC-8004-style reputation of agents. Only the two parties of a job that the WorkMarket
///         reports as settled may leave feedback, each once and about the other party, so a
///         rating always costs a real, fee-paying job. Aggregates (count, sum, average) are kept
///         on-chain per agent and per role played; the details (tag, URI) live in events.
/// @dev The WorkMarket is deployed after this registry, so its address (`jobRegistry`) is set
///      once, after deployment, by the `configurator` (the deployer, in the same deployment) or
///      by DEFAULT_ADMIN_ROLE (the timelock), and can never change afterwards. PAUSER_ROLE (a
///      guardian) can pause new feedback.
contract ReputationRegistry is IReputationRegistry, AccessControl, Pausable {
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");
    /// @notice Highest score.
    uint8 public constant MAX_SCORE = 100;

    /// @dev Per job, one byte per side: bit 7 = given, bits 0..6 = score. 16 jobs share a slot
    ///      (two bytes each: requester side low, provider side high), so consecutive jobs pay for
    ///      a fresh slot only once in sixteen.
    uint256 private constant GIVEN = 0x80;

    /// @notice The identity registry that authorises callers for agents.
    IAgentRegistry public immutable agentRegistry;
    /// @notice May set the job registry once (the deployer); holds no other power.
    address public immutable configurator;

    IJobRegistry private _jobRegistry;
    mapping(uint256 agentId => Summary) private _summaries;
    mapping(uint256 bucket => uint256) private _jobFeedback;

    /// @param agents The AgentRegistry.
    /// @param admin Receives DEFAULT_ADMIN_ROLE (a timelock).
    /// @param pauser Receives PAUSER_ROLE (a guardian).
    /// @param configurator_ May call `setJobRegistry` once (the deployer).
    constructor(IAgentRegistry agents, address admin, address pauser, address configurator_) {
        if (address(agents) == address(0) || admin == address(0) || pauser == address(0)) revert ZeroAddress();
        if (configurator_ == address(0)) revert ZeroAddress();
        agentRegistry = agents;
        configurator = configurator_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(PAUSER_ROLE, pauser);
    }

    // ------------------------------------------------------------------ feedback

    /// @inheritdoc IReputationRegistry
    function giveFeedback(uint256 jobId, uint256 agentId, uint8 score, bytes32 tag, string calldata feedbackURI)
        external
        whenNotPaused
    {
        if (score > MAX_SCORE) revert InvalidScore(score);
        (uint256 fromAgentId, bool byRequester) = _rater(jobId, agentId);
        if (!agentRegistry.isAuthorized(fromAgentId, msg.sender)) revert NotAuthorized(fromAgentId, msg.sender);

        // Once per side per job.
        uint256 bucket = jobId >> 4;
        uint256 shift = ((jobId & 15) << 4) + (byRequester ? 0 : 8);
        uint256 word = _jobFeedback[bucket];
        if ((word >> shift) & GIVEN != 0) revert FeedbackAlreadyGiven(jobId, fromAgentId);
        _jobFeedback[bucket] = word | ((GIVEN | score) << shift);

        Summary storage s = _summaries[agentId];
        if (byRequester) {
            s.asProviderCount += 1;
            s.asProviderSum += score;
        } else {
            s.asRequesterCount += 1;
            s.asRequesterSum += score;
        }
        emit NewFeedback(agentId, jobId, fromAgentId, msg.sender, score, tag, feedbackURI);
    }

    /// @dev The agent that rates `agentId` on the settled job `jobId` (the other party), and
    ///      whether it was the requester.
    function _rater(uint256 jobId, uint256 agentId) private view returns (uint256 fromAgentId, bool byRequester) {
        IJobRegistry jobs = _jobRegistry;
        if (address(jobs) == address(0)) revert JobRegistryNotSet();
        (uint256 requester, uint256 provider, bool settled) = jobs.jobParties(jobId);
        if (!settled) revert JobNotSettled(jobId);
        if (agentId == 0) revert NotJobParty(jobId, agentId);
        if (requester == provider) revert SelfFeedback(jobId, agentId);
        if (agentId == provider) return (requester, true);
        if (agentId == requester) return (provider, false);
        revert NotJobParty(jobId, agentId);
    }

    // ------------------------------------------------------------------ administration

    /// @inheritdoc IReputationRegistry
    function setJobRegistry(IJobRegistry jobRegistry_) external {
        if (msg.sender != configurator && !hasRole(DEFAULT_ADMIN_ROLE, msg.sender)) revert NotConfigurator(msg.sender);
        if (address(jobRegistry_) == address(0)) revert ZeroAddress();
        if (address(_jobRegistry) != address(0)) revert JobRegistryAlreadySet(address(_jobRegistry));
        _jobRegistry = jobRegistry_;
        emit JobRegistrySet(address(jobRegistry_));
    }

    /// @notice Stops new feedback. Only PAUSER_ROLE.
    function pause() external onlyRole(PAUSER_ROLE) {
        _pause();
    }

    /// @notice Accepts feedback again. Only PAUSER_ROLE.
    function unpause() external onlyRole(PAUSER_ROLE) {
        _unpause();
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IReputationRegistry
    function getSummary(uint256 agentId) external view returns (uint256 count, uint256 sum, uint256 average) {
        Summary memory s = _summaries[agentId];
        count = uint256(s.asProviderCount) + s.asRequesterCount;
        sum = uint256(s.asProviderSum) + s.asRequesterSum;
        average = count == 0 ? 0 : sum / count;
    }

    /// @inheritdoc IReputationRegistry
    function getSideSummary(uint256 agentId) external view returns (Summary memory) {
        return _summaries[agentId];
    }

    /// @inheritdoc IReputationRegistry
    function jobFeedback(uint256 jobId)
        external
        view
        returns (bool requesterGave, uint8 requesterScore, bool providerGave, uint8 providerScore)
    {
        uint256 pair = (_jobFeedback[jobId >> 4] >> ((jobId & 15) << 4)) & 0xffff;
        requesterGave = pair & GIVEN != 0;
        requesterScore = uint8(pair & 0x7f);
        providerGave = (pair >> 8) & GIVEN != 0;
        providerScore = uint8((pair >> 8) & 0x7f);
    }

    /// @inheritdoc IReputationRegistry
    function jobRegistry() external view returns (IJobRegistry) {
        return _jobRegistry;
    }
}
