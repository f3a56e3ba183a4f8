// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IFeeController} from "../interfaces/IFeeController.sol";

/// @title MockFeeController (TEST FIXTURE — never deploy)
/// @notice A fee controller with a fixed burn share that records the volume it is told.
contract MockFeeController is IFeeController {
    uint16 public burnShareBps;
    uint256 public recordedVolume;
    uint256 public calls;
    bool public reverts;

    error Refused();

    constructor(uint16 burnShareBps_) {
        burnShareBps = burnShareBps_;
    }

    function setBurnShareBps(uint16 bps) external {
        burnShareBps = bps;
    }

    function setReverts(bool reverts_) external {
        reverts = reverts_;
    }

    function recordVolume(uint256 value) external returns (uint16) {
        if (reverts) revert Refused();
        recordedVolume += value;
        ++calls;
        return burnShareBps;
    }
}
