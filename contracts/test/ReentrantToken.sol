// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title ReentrantToken (TEST FIXTURE — malicious, never deploy)
/// @notice An ERC-20 with `burn` that calls back into a hook contract on every balance change, so
///         that the hook can try to re-enter whatever contract moved the tokens.
contract ReentrantToken is ERC20 {
    address public hook;

    constructor() ERC20("Evil", "EVIL") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function burn(uint256 amount) external {
        _burn(msg.sender, amount);
    }

    function setHook(address hook_) external {
        hook = hook_;
    }

    function _update(address from, address to, uint256 value) internal override {
        super._update(from, to, value);
        if (hook != address(0)) ReentrancyAttacker(hook).onTokenMove();
    }
}

/// @title ReentrancyAttacker (TEST FIXTURE — malicious, never deploy)
/// @notice An account (agent owner, validator) that, when the token moves, calls `payload` on
///         `reentryTarget` once and records whether it succeeded and its revert data.
contract ReentrancyAttacker {
    address public reentryTarget;
    bytes public payload;
    bool public attempted;
    bool public reentered;
    bytes public lastError;

    /// @notice Makes any call as this contract (to act as an agent owner or validator).
    function exec(address to, bytes calldata data) external returns (bytes memory result) {
        bool ok;
        (ok, result) = to.call(data);
        if (!ok) {
            assembly {
                revert(add(result, 32), mload(result))
            }
        }
    }

    function arm(address target_, bytes calldata payload_) external {
        reentryTarget = target_;
        payload = payload_;
        attempted = false;
    }

    function onTokenMove() external {
        if (reentryTarget == address(0) || attempted) return;
        attempted = true;
        (bool ok, bytes memory err) = reentryTarget.call(payload);
        reentered = ok;
        lastError = err;
    }
}
