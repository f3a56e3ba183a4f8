// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {Clones} from "@openzeppelin/contracts/proxy/Clones.sol";
import {IVentureFactory} from "../interfaces/IVentureFactory.sol";
import {Venture} from "./Venture.sol";
import {VentureArgs} from "./VentureArgs.sol";

/// @title VentureFactory
/// @notice Creates AI ventures: ERC-1167 minimal-proxy clones of one Venture implementation
///         (deployed by this factory's constructor), each carrying its parameters as immutable
///         clone arguments. Anyone may create a venture; PAUSER_ROLE (a guardian) can stop new
///         creations, never touching existing ventures.
contract VentureFactory is IVentureFactory, AccessControl, Pausable {
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");
    /// @notice Longest raise.
    uint256 public constant MAX_RAISE_DURATION = 365 days;
    uint256 public constant MAX_NAME_LENGTH = 255;
    uint256 public constant MAX_URI_LENGTH = 1024;
    uint256 private constant BPS = 10_000;

    /// @inheritdoc IVentureFactory
    address public immutable implementation;
    /// @inheritdoc IVentureFactory
    address public immutable compute;

    /// @inheritdoc IVentureFactory
    mapping(address venture => bool) public isVenture;

    /// @param compute_ The raise token (COMPUTE).
    /// @param admin Receives DEFAULT_ADMIN_ROLE (governance, a timelock).
    /// @param pauser Receives PAUSER_ROLE (a guardian).
    constructor(IERC20 compute_, address admin, address pauser) {
        if (address(compute_) == address(0) || admin == address(0) || pauser == address(0)) revert ZeroAddress();
        compute = address(compute_);
        implementation = address(new Venture(compute_, address(this)));
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(PAUSER_ROLE, pauser);
    }

    /// @inheritdoc IVentureFactory
    function createVenture(VentureParams calldata p) external whenNotPaused returns (address venture) {
        uint256 deadline = block.timestamp + p.raiseDuration;
        bytes memory args = _encodeArgs(p, deadline);
        venture = Clones.cloneWithImmutableArgs(implementation, args);
        isVenture[venture] = true;
        Venture(venture).initialize(p.operator);
        emit VentureCreated(venture, p.operator, p.operatorAgentId, msg.sender, deadline, p);
    }

    /// @dev Validates `p` and packs it into the clone's immutable arguments (layout: VentureArgs).
    function _encodeArgs(VentureParams calldata p, uint256 deadline) private pure returns (bytes memory) {
        if (p.operator == address(0)) revert ZeroAddress();
        if (p.pricePerShare == 0) revert InvalidPrice();
        if (p.minShares == 0 || p.minShares > p.maxShares) revert InvalidRaise(p.minShares, p.maxShares);
        if (p.raiseDuration == 0 || p.raiseDuration > MAX_RAISE_DURATION) revert InvalidRaiseDuration(p.raiseDuration);
        if (p.distributionBps > BPS) revert InvalidBps(p.distributionBps);
        if (p.performanceFeeBps > BPS) revert InvalidBps(p.performanceFeeBps);
        if (p.performanceFeeBps != 0 && p.performancePeriod == 0) revert InvalidPerformancePeriod();
        uint256 n = p.revenueTokens.length;
        if (n == 0 || n > VentureArgs.MAX_REVENUE_TOKENS) revert InvalidRevenueTokenCount(n);
        if (p.hurdles.length != n) revert LengthMismatch();
        _checkLength(bytes(p.name).length, MAX_NAME_LENGTH);
        _checkLength(bytes(p.symbol).length, MAX_NAME_LENGTH);
        _checkLength(bytes(p.metadataURI).length, MAX_URI_LENGTH);

        bytes memory tokenWords = new bytes(32 * n);
        for (uint256 i = 0; i < n; ++i) {
            address token = p.revenueTokens[i];
            if (token == address(0)) revert ZeroAddress();
            for (uint256 j = 0; j < i; ++j) {
                if (p.revenueTokens[j] == token) revert DuplicateRevenueToken(token);
            }
            uint256 tw = VentureArgs.packToken(token, p.hurdles[i]);
            assembly ("memory-safe") {
                mstore(add(add(tokenWords, 0x20), mul(i, 0x20)), tw)
            }
        }
        return abi.encodePacked(
            VentureArgs.packWord0(p.pricePerShare, p.minShares),
            VentureArgs.packWord1(
                p.maxShares, deadline, p.distributionBps, p.performanceFeeBps, p.performancePeriod, n
            ),
            tokenWords,
            p.operatorAgentId,
            uint16(bytes(p.name).length),
            p.name,
            uint16(bytes(p.symbol).length),
            p.symbol,
            uint16(bytes(p.metadataURI).length),
            p.metadataURI
        );
    }

    function _checkLength(uint256 length, uint256 maxLength) private pure {
        if (length > maxLength) revert StringTooLong(length, maxLength);
    }

    /// @inheritdoc IVentureFactory
    function pause() external onlyRole(PAUSER_ROLE) {
        _pause();
    }

    /// @inheritdoc IVentureFactory
    function unpause() external onlyRole(PAUSER_ROLE) {
        _unpause();
    }
}
