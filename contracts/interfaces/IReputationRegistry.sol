// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IJobRegistry} from "./IJobRegistry.sol";

/// @title IReputationRegistry
/// @notice ERC-8004-style reputation: after a job is settled, each of its two parties (requester
///         and provider) may rate the other once, with a score from 0 to 100, a tag and an
///         optional URI to a detailed report. Because only the parties of a settled job can
///         rate, feedback cannot be faked without paying the market's fees.
interface IReputationRegistry {
    /// @notice Aggregates of the feedback an agent received, split by the role it played.
    struct Summary {
        uint32 asProviderCount; // ratings received as the provider of a job (given by requesters)
        uint32 asRequesterCount; // ratings received as the requester of a job (given by providers)
        uint64 asProviderSum; // sum of those scores
        uint64 asRequesterSum;
    }

    /// @notice `fromAgentId` (acting through `client`) rated `agentId` for job `jobId`.
    event NewFeedback(
        uint256 indexed agentId,
        uint256 indexed jobId,
        uint256 indexed fromAgentId,
        address client,
        uint8 score,
        bytes32 tag,
        string feedbackURI
    );
    /// @notice The job registry (the WorkMarket) was set; it can never change.
    event JobRegistrySet(address indexed jobRegistry);

    error ZeroAddress();
    error NotConfigurator(address caller);
    error JobRegistryAlreadySet(address jobRegistry);
    error JobRegistryNotSet();
    error InvalidScore(uint8 score);
    error JobNotSettled(uint256 jobId);
    error NotJobParty(uint256 jobId, uint256 agentId);
    error SelfFeedback(uint256 jobId, uint256 agentId);
    error NotAuthorized(uint256 agentId, address caller);
    error FeedbackAlreadyGiven(uint256 jobId, uint256 fromAgentId);

    /// @notice Rates `agentId`, one party of the settled job `jobId`, on behalf of the other
    ///         party; the caller must be authorised for that other party's agent (its owner or
    ///         agent wallet). Once per side per job. `score` is 0..100.
    function giveFeedback(uint256 jobId, uint256 agentId, uint8 score, bytes32 tag, string calldata feedbackURI)
        external;

    /// @notice Sets the job registry (the WorkMarket) once; by the configurator (the deployer)
    ///         or DEFAULT_ADMIN_ROLE (governance).
    function setJobRegistry(IJobRegistry jobRegistry) external;

    /// @notice All feedback `agentId` received: count, sum of scores and their average
    ///         (0..100, rounded down; 0 with no feedback).
    function getSummary(uint256 agentId) external view returns (uint256 count, uint256 sum, uint256 average);

    /// @notice The feedback `agentId` received, split by the role it played in the job.
    function getSideSummary(uint256 agentId) external view returns (Summary memory);

    /// @notice The feedback given on job `jobId` by each side (score meaningful only if given).
    function jobFeedback(uint256 jobId)
        external
        view
        returns (bool requesterGave, uint8 requesterScore, bool providerGave, uint8 providerScore);

    /// @notice The job registry, or the zero address before it is set.
    function jobRegistry() external view returns (IJobRegistry);
}
