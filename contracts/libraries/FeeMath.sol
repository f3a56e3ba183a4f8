// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title FeeMath
/// @notice Fee, deposit and bond arithmetic of the WorkMarket. Every amount is a fixed share of a
///         job's value, in basis points, rounded down; the same function computes an amount when
///         it is locked and when it is paid out, so escrow always balances to the wei.
library FeeMath {
    uint256 internal constant BPS = 10_000;
    /// @notice Protocol fee: 1% of the value, split between a burn share and the treasury.
    uint256 internal constant PROTOCOL_FEE_BPS = 100;
    /// @notice Validation fee: 0.5% of the value, to the validators on the winning side.
    uint256 internal constant VALIDATION_FEE_BPS = 50;
    /// @notice Requester deposit: 5% of the value (also the requester's challenge bond).
    uint256 internal constant REQUESTER_DEPOSIT_BPS = 500;
    /// @notice Producer deposit: 2% of the value, locked on acceptance.
    uint256 internal constant PROVIDER_DEPOSIT_BPS = 200;
    /// @notice Bond a producer posts to challenge a verdict: 5% of the value.
    uint256 internal constant CHALLENGE_BOND_BPS = 500;

    function bps(uint256 value, uint256 shareBps) internal pure returns (uint256) {
        return (value * shareBps) / BPS;
    }

    function protocolFee(uint256 value) internal pure returns (uint256) {
        return bps(value, PROTOCOL_FEE_BPS);
    }

    function validationFee(uint256 value) internal pure returns (uint256) {
        return bps(value, VALIDATION_FEE_BPS);
    }

    function requesterDeposit(uint256 value) internal pure returns (uint256) {
        return bps(value, REQUESTER_DEPOSIT_BPS);
    }

    function providerDeposit(uint256 value) internal pure returns (uint256) {
        return bps(value, PROVIDER_DEPOSIT_BPS);
    }

    function challengeBond(uint256 value) internal pure returns (uint256) {
        return bps(value, CHALLENGE_BOND_BPS);
    }

    /// @notice What a requester locks for a job of `value`: value + deposit + protocol fee +
    ///         validation fee.
    function requesterLock(uint256 value) internal pure returns (uint256) {
        return value + requesterDeposit(value) + protocolFee(value) + validationFee(value);
    }

    /// @notice Splits a slashed amount: `burned` = half (rounded down), `compensation` = the rest.
    function splitSlash(uint256 amount) internal pure returns (uint256 compensation, uint256 burned) {
        burned = amount / 2;
        compensation = amount - burned;
    }
}
