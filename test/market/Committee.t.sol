// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Test} from "../lib/Test.sol";
import {Committee} from "../../contracts/libraries/Committee.sol";

/// @notice Committee's bit helpers against plain loops.
contract CommitteeTest is Test {
    function _slowPopcount(uint16 bits) private pure returns (uint256 n) {
        for (uint256 i; i < 16; ++i) {
            if (bits & (1 << i) != 0) ++n;
        }
    }

    function test_popcountEdges() public pure {
        assertEq(Committee.popcount(0), 0, "popcount(0)");
        assertEq(Committee.popcount(1), 1, "popcount(1)");
        assertEq(Committee.popcount(0x8000), 1, "popcount(0x8000)");
        assertEq(Committee.popcount(0x01ff), 9, "popcount(0x01ff)");
        assertEq(Committee.popcount(0xaaaa), 8, "popcount(0xaaaa)");
        assertEq(Committee.popcount(0xffff), 16, "popcount(0xffff)");
    }

    function testFuzz_popcountCountsSetBits(uint16 bits) public pure {
        assertEq(Committee.popcount(bits), _slowPopcount(bits), "popcount against a loop");
    }
}
