// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title VentureArgs
/// @notice Layout of the immutable arguments appended to each venture clone's code (OpenZeppelin
///         `Clones.cloneWithImmutableArgs`). Code costs 200 gas per byte once, at creation, and is
///         read back for ~100 gas per word (EXTCODECOPY of the clone itself), against 22,100 gas to
///         write and 2,100 to read a storage slot: the raise and revenue parameters and the revenue
///         token list are read on every invest, deposit, transfer and claim, so they live here.
/// @dev Layout (byte offsets into the arguments):
///      word 0          pricePerShare (uint128) | minShares (uint128)
///      word 1          maxShares (uint128) | deadline (uint40) | distributionBps (uint16)
///                      | performanceFeeBps (uint16) | performancePeriod (uint32) | tokenCount (uint8) | 0 (uint16)
///      word 2 + i      revenue token i (address) | hurdle i (uint96), for i < tokenCount
///      word 2 + n      operatorAgentId (uint256)
///      then            name, symbol, metadataURI, each as uint16 length followed by the bytes.
library VentureArgs {
    /// @dev Where the arguments start in a clone's code (after the 45-byte ERC-1167 proxy).
    uint256 internal constant CLONE_ARGS_OFFSET = 0x2d;
    uint256 internal constant TOKENS_OFFSET = 64;
    /// @dev At most this many revenue tokens per venture (bounds the cost of a share transfer).
    uint256 internal constant MAX_REVENUE_TOKENS = 8;

    function packWord0(uint256 pricePerShare_, uint256 minShares_) internal pure returns (uint256) {
        return (pricePerShare_ << 128) | minShares_;
    }

    function packWord1(
        uint256 maxShares_,
        uint256 deadline_,
        uint256 distributionBps_,
        uint256 performanceFeeBps_,
        uint256 performancePeriod_,
        uint256 tokenCount_
    ) internal pure returns (uint256) {
        return (maxShares_ << 128) | (deadline_ << 88) | (distributionBps_ << 72) | (performanceFeeBps_ << 56)
            | (performancePeriod_ << 24) | (tokenCount_ << 16);
    }

    function packToken(address token_, uint256 hurdle_) internal pure returns (uint256) {
        return (uint256(uint160(token_)) << 96) | hurdle_;
    }

    /// @dev The 32 bytes at `offset` of this clone's arguments (zero-padded past the end).
    function word(uint256 offset) internal view returns (uint256 w) {
        assembly ("memory-safe") {
            extcodecopy(address(), 0x00, add(CLONE_ARGS_OFFSET, offset), 0x20)
            w := mload(0x00)
        }
    }

    /// @dev The length-prefixed string at `offset`; returns it and the offset just after it.
    function str(uint256 offset) internal view returns (string memory s, uint256 next) {
        uint256 len = word(offset) >> 240;
        s = new string(len);
        assembly ("memory-safe") {
            extcodecopy(address(), add(s, 0x20), add(CLONE_ARGS_OFFSET, add(offset, 2)), len)
        }
        next = offset + 2 + len;
    }

    function pricePerShare(uint256 w0) internal pure returns (uint256) {
        return w0 >> 128;
    }

    function minShares(uint256 w0) internal pure returns (uint256) {
        return uint128(w0);
    }

    function maxShares(uint256 w1) internal pure returns (uint256) {
        return w1 >> 128;
    }

    function deadline(uint256 w1) internal pure returns (uint256) {
        return uint40(w1 >> 88);
    }

    function distributionBps(uint256 w1) internal pure returns (uint256) {
        return uint16(w1 >> 72);
    }

    function performanceFeeBps(uint256 w1) internal pure returns (uint256) {
        return uint16(w1 >> 56);
    }

    function performancePeriod(uint256 w1) internal pure returns (uint256) {
        return uint32(w1 >> 24);
    }

    function tokenCount(uint256 w1) internal pure returns (uint256) {
        return uint8(w1 >> 16);
    }

    function token(uint256 tw) internal pure returns (address) {
        return address(uint160(tw >> 96));
    }

    function hurdle(uint256 tw) internal pure returns (uint256) {
        return uint96(tw);
    }
}
