// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title AgentRoles
/// @notice The role bits an agent may offer in the AgentRegistry, and helpers to test them.
library AgentRoles {
    /// @notice Sells compute and work (accepts jobs, signs quotes).
    uint8 internal constant PROVIDER = 1;
    /// @notice Buys compute and work (posts jobs, fills quotes).
    uint8 internal constant REQUESTER = 2;
    /// @notice Attests to other agents' results in validator committees.
    uint8 internal constant VALIDATOR = 4;
    /// @notice Every defined bit; any other bit is invalid.
    uint8 internal constant ALL = PROVIDER | REQUESTER | VALIDATOR;

    /// @notice Whether `roles` contains every bit of `required`.
    function has(uint8 roles, uint8 required) internal pure returns (bool) {
        return roles & required == required;
    }

    /// @notice Whether `roles` uses only defined bits.
    function isValid(uint8 roles) internal pure returns (bool) {
        return roles & ~ALL == 0;
    }
}
