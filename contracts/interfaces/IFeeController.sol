// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IFeeController
/// @notice Decides which share of the protocol fee burns. The share adjusts once per epoch with
///         the epoch's settled volume against a target, within governed bounds, like EIP-1559's
///         base fee: volume above target raises the burn share, volume below lowers it.
interface IFeeController {
    /// @notice The burn share of the protocol fee now, in basis points of the fee.
    function burnShareBps() external view returns (uint16);

    /// @notice Called by the WorkMarket (MARKET_ROLE) with the value of each settled job; rolls
    ///         the epoch over when it has ended. Returns the burn share to apply to this job.
    function recordVolume(uint256 value) external returns (uint16 burnShareBps);
}
