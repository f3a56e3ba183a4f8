// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IJobRegistry
/// @notice What the WorkMarket tells other contracts about a job: its two parties and whether it
///         is settled (Validated, Resolved, or otherwise closed with a payout). The
///         ReputationRegistry accepts feedback only from the parties of a settled job.
interface IJobRegistry {
    /// @return requesterAgentId The agent that requested (and paid for) the job.
    /// @return providerAgentId The agent that produced it (0 while nobody has accepted).
    /// @return settled Whether the job reached a final state in which feedback is allowed.
    function jobParties(uint256 jobId)
        external
        view
        returns (uint256 requesterAgentId, uint256 providerAgentId, bool settled);
}
