// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Vm} from "./Vm.sol";

/// @title Test
/// @notice A small base for Solidity tests run by Hardhat 3: the cheatcode handle, the
///         assertions this project uses, bounded input helpers for fuzzing, and the target
///         registration views that the invariant runner reads.
abstract contract Test {
    /// @dev The conventional cheatcode address: address(uint160(uint256(keccak256("hevm cheat code")))).
    Vm internal constant vm = Vm(0x7109709ECfa91a80626fF3989D68f67F5b1DD12D);

    struct FuzzSelector {
        address addr;
        bytes4[] selectors;
    }

    address[] private _targetedContracts;
    FuzzSelector[] private _targetedSelectors;
    address[] private _targetedSenders;

    error AssertionFailed(string reason);

    // ------------------------------------------------------------------ invariant targets

    function targetContract(address target) internal {
        _targetedContracts.push(target);
    }

    function targetSelector(FuzzSelector memory selector) internal {
        _targetedSelectors.push(selector);
    }

    function targetSender(address sender) internal {
        _targetedSenders.push(sender);
    }

    /// @notice Read by the invariant runner: the contracts whose functions it calls.
    function targetContracts() public view returns (address[] memory) {
        return _targetedContracts;
    }

    /// @notice Read by the invariant runner: the selectors it may call on each target.
    function targetSelectors() public view returns (FuzzSelector[] memory) {
        return _targetedSelectors;
    }

    /// @notice Read by the invariant runner: the senders it calls from.
    function targetSenders() public view returns (address[] memory) {
        return _targetedSenders;
    }

    // ------------------------------------------------------------------ helpers

    /// @dev Maps any x into [min, max] without rejecting inputs (keeps fuzzing efficient).
    function bound(uint256 x, uint256 min, uint256 max) internal pure returns (uint256) {
        require(min <= max, "bound: min > max");
        if (x >= min && x <= max) return x;
        uint256 size = max - min;
        if (size == type(uint256).max) return x;
        return min + (x % (size + 1));
    }

    function makeAddr(string memory name) internal returns (address a) {
        a = vm.addr(uint256(keccak256(bytes(name))));
        vm.label(a, name);
    }

    // ------------------------------------------------------------------ assertions

    function fail(string memory reason) internal pure {
        revert AssertionFailed(reason);
    }

    function assertTrue(bool condition, string memory reason) internal pure {
        if (!condition) fail(reason);
    }

    function assertFalse(bool condition, string memory reason) internal pure {
        if (condition) fail(reason);
    }

    function assertEq(uint256 a, uint256 b, string memory reason) internal pure {
        if (a != b) fail(string.concat(reason, ": ", _u(a), " != ", _u(b)));
    }

    function assertEq(address a, address b, string memory reason) internal pure {
        if (a != b) fail(reason);
    }

    function assertEq(bytes32 a, bytes32 b, string memory reason) internal pure {
        if (a != b) fail(reason);
    }

    function assertEq(bool a, bool b, string memory reason) internal pure {
        if (a != b) fail(reason);
    }

    function assertLe(uint256 a, uint256 b, string memory reason) internal pure {
        if (a > b) fail(string.concat(reason, ": ", _u(a), " > ", _u(b)));
    }

    function assertGe(uint256 a, uint256 b, string memory reason) internal pure {
        if (a < b) fail(string.concat(reason, ": ", _u(a), " < ", _u(b)));
    }

    function assertLt(uint256 a, uint256 b, string memory reason) internal pure {
        if (a >= b) fail(string.concat(reason, ": ", _u(a), " >= ", _u(b)));
    }

    function assertGt(uint256 a, uint256 b, string memory reason) internal pure {
        if (a <= b) fail(string.concat(reason, ": ", _u(a), " <= ", _u(b)));
    }

    /// @dev |a - b| <= maxDelta
    function assertApproxEqAbs(uint256 a, uint256 b, uint256 maxDelta, string memory reason) internal pure {
        uint256 d = a > b ? a - b : b - a;
        if (d > maxDelta) fail(string.concat(reason, ": |", _u(a), " - ", _u(b), "| > ", _u(maxDelta)));
    }

    function _u(uint256 v) private pure returns (string memory) {
        if (v == 0) return "0";
        uint256 len;
        for (uint256 t = v; t != 0; t /= 10) len++;
        bytes memory out = new bytes(len);
        while (v != 0) {
            out[--len] = bytes1(uint8(48 + (v % 10)));
            v /= 10;
        }
        return string(out);
    }
}
