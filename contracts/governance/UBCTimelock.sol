// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";

/// @title UBCTimelock
/// @notice The delayed governance of the protocol: holds GOVERNOR_ROLE and the role admin of the
///         other contracts, so every parameter change is announced `minDelay` seconds in advance.
contract UBCTimelock is TimelockController {
    /// @param minDelay Seconds between scheduling and executing an operation.
    /// @param proposers Accounts that may schedule (and cancel) operations.
    /// @param executors Accounts that may execute; the zero address lets anyone execute.
    /// @param admin Optional bootstrap admin (the zero address for none).
    constructor(uint256 minDelay, address[] memory proposers, address[] memory executors, address admin)
        TimelockController(minDelay, proposers, executors, admin)
    {}
}
