// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IJobRegistry} from "../interfaces/IJobRegistry.sol";

/// @title JobRegistryStub
/// @notice TEST FIXTURE, never deployed by the protocol: an IJobRegistry whose job parties and
///         settlement flag a test sets directly, so that the ReputationRegistry can be tested
///         before (and independently of) the WorkMarket. Integration tests use the real
///         WorkMarket instead.
contract JobRegistryStub is IJobRegistry {
    struct Job {
        uint256 requester;
        uint256 provider;
        bool settled;
    }

    mapping(uint256 jobId => Job) public jobs;

    /// @notice Sets the parties and settlement of `jobId`.
    function setJob(uint256 jobId, uint256 requester, uint256 provider, bool settled) external {
        jobs[jobId] = Job(requester, provider, settled);
    }

    /// @inheritdoc IJobRegistry
    function jobParties(uint256 jobId) external view returns (uint256, uint256, bool) {
        Job memory j = jobs[jobId];
        return (j.requester, j.provider, j.settled);
    }
}
