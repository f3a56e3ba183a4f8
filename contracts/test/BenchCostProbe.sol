// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title BenchCostProbe
/// @notice TEST/BENCH FIXTURE, never deployed by the protocol: used only by the swarm benchmark's
///         node-cost model (`scripts/bench/swarm/cost-model.ts`) to measure what the node's CPU per
///         transaction depends on: storage slots written, storage tries touched, their size, logs,
///         EVM steps.
contract BenchCostProbe {
    mapping(uint256 => uint256) public slots;

    event Probed(uint256 indexed a, uint256 b);

    /// @notice Does nothing (a call's fixed cost).
    function noop() external {}

    /// @notice Writes `count` slots from `first` (grows the storage trie when they are new).
    function fill(uint256 first, uint256 count) external {
        for (uint256 i = first; i < first + count; ++i) slots[i] = i + 1;
    }

    /// @notice Writes `count` slots from `first` with `value`.
    function set(uint256 first, uint256 count, uint256 value) external {
        for (uint256 i = first; i < first + count; ++i) slots[i] = value;
    }

    /// @notice Writes slot `slot` of each of `targets` (one storage trie each).
    function hop(BenchCostProbe[] calldata targets, uint256 slot, uint256 value) external {
        for (uint256 i = 0; i < targets.length; ++i) targets[i].set(slot, 1, value);
    }

    /// @notice Reads `count` slots from `first` (cold reads: the storage trie looked up).
    function sum(uint256 first, uint256 count) external returns (uint256 acc) {
        for (uint256 i = first; i < first + count; ++i) acc += slots[i];
        emit Probed(0, acc);
    }

    /// @notice Emits `count` logs.
    function logs(uint256 count) external {
        for (uint256 i = 0; i < count; ++i) emit Probed(i, count);
    }

    /// @notice Runs `rounds` loop rounds without storage (EVM steps only).
    function spin(uint256 rounds) external returns (uint256 acc) {
        unchecked {
            for (uint256 i = 0; i < rounds; ++i) acc = acc * 31 + i;
        }
    }
}
