// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Committee
/// @notice A committee of at most 9 validator ids of 16 bits packed into a uint144 (member i at
///         bits [16i, 16i + 16)), and bit-set helpers for votes.
library Committee {
    function at(uint144 members, uint256 i) internal pure returns (uint256) {
        return uint16(members >> (16 * i));
    }

    function set(uint144 members, uint256 i, uint256 id) internal pure returns (uint144) {
        return members | (uint144(uint16(id)) << uint144(16 * i));
    }

    /// @notice Whether `id` is among the first `size` members.
    function contains(uint144 members, uint256 size, uint256 id) internal pure returns (bool found) {
        (found,) = indexOf(members, size, id);
    }

    /// @notice The position of `id` among the first `size` members.
    function indexOf(uint144 members, uint256 size, uint256 id) internal pure returns (bool, uint256) {
        for (uint256 i; i < size; ++i) {
            if (uint16(members >> (16 * i)) == id) return (true, i);
        }
        return (false, 0);
    }

    function toArray(uint144 members, uint256 size) internal pure returns (uint16[] memory ids) {
        ids = new uint16[](size);
        for (uint256 i; i < size; ++i) {
            ids[i] = uint16(members >> (16 * i));
        }
    }

    /// @notice The number of set bits (summed pairwise, in a fixed number of steps).
    function popcount(uint16 bits) internal pure returns (uint256 n) {
        unchecked {
            n = bits;
            n -= (n >> 1) & 0x5555;
            n = (n & 0x3333) + ((n >> 2) & 0x3333);
            n = (n + (n >> 4)) & 0x0f0f;
            n = (n + (n >> 8)) & 0x1f;
        }
    }
}
