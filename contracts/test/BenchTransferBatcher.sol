// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @title BenchTransferBatcher
/// @notice TEST/BENCH FIXTURE, never deployed by the protocol: used only by the indexer benchmark
///         (`npm run bench:indexer`) to make ERC-20 `Transfer` events quickly. It holds a token and
///         sends many small transfers per transaction to a fixed set of pseudo-random recipients.
///         Recipient `k` is `address(uint160(uint256(keccak256(abi.encodePacked(k)))))`; transfer
///         number `i` goes to recipient `i % recipients` with value `(i % 997 + 1) * unit`.
contract BenchTransferBatcher {
    IERC20 public immutable token;

    constructor(IERC20 token_) {
        token = token_;
    }

    /// @notice The address of recipient `k`.
    function recipient(uint256 k) public pure returns (address) {
        return address(uint160(uint256(keccak256(abi.encodePacked(k)))));
    }

    /// @notice Makes transfers number `first` .. `first + count - 1`.
    function spray(uint256 first, uint256 count, uint256 recipients, uint256 unit) external {
        IERC20 t = token;
        for (uint256 i = first; i < first + count; ++i) {
            t.transfer(recipient(i % recipients), (i % 997 + 1) * unit);
        }
    }
}
