// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title RewardMath
/// @notice Staking reward arithmetic. Rates are quoted as in the UBC tokenomics: COMPUTE (in wei)
///         per day per 1,000 UBC staked. All divisions round down, so no position is ever owed
///         more than its reserved full reward.
library RewardMath {
    /// @dev 1,000 UBC in wei: the unit the rates are quoted against.
    uint256 internal constant RATE_BASE = 1_000e18;

    /// @notice The full reward of `amount` UBC locked `duration` seconds at `ratePerDay`.
    /// @dev amount * ratePerDay * duration / (1,000 UBC * 1 day), rounded down.
    function fullReward(uint256 amount, uint256 ratePerDay, uint256 duration) internal pure returns (uint256) {
        return (amount * ratePerDay * duration) / (RATE_BASE * 1 days);
    }

    /// @notice The part of `reward` accrued after `elapsed` of `duration` seconds (linear,
    ///         rounded down, and exactly `reward` from the unlock time on).
    function accrued(uint256 reward, uint256 elapsed, uint256 duration) internal pure returns (uint256) {
        if (elapsed >= duration) return reward;
        return (reward * elapsed) / duration;
    }
}
