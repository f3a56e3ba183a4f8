// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ITreasury} from "../interfaces/ITreasury.sol";

/// @title TreasuryTokenFixture
/// @notice TEST FIXTURE, never deployed by the protocol: an ERC-20 that can misbehave on
///         `transfer`, to test the Treasury's defences. Mode 0: a normal token; mode 1: calls
///         back `ITreasury.withdraw` (reentrancy); mode 2: returns false instead of transferring.
contract TreasuryTokenFixture is ERC20 {
    uint8 public mode;

    constructor(address holder, uint256 amount) ERC20("Fixture", "FIX") {
        _mint(holder, amount);
    }

    /// @notice Sets the misbehaviour (see the contract notice).
    function setMode(uint8 mode_) external {
        mode = mode_;
    }

    /// @notice A transfer, or a misbehaviour when `mode` says so.
    function transfer(address to, uint256 value) public override returns (bool) {
        if (mode == 1) {
            ITreasury(msg.sender).withdraw(address(this), to, value, "reenter");
        } else if (mode == 2) {
            return false;
        }
        return super.transfer(to, value);
    }
}
