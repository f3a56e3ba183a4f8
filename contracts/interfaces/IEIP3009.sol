// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IEIP3009
/// @notice Transfers authorised by an off-chain signature (EIP-3009), with random 32-byte nonces
///         so that many authorisations can be outstanding at once. This is how an agent pays in
///         COMPUTE with a signature alone (the x402 "exact" payment scheme).
interface IEIP3009 {
    /// @notice State of an authorisation nonce.
    enum AuthorizationState {
        Unused,
        Used,
        Canceled
    }

    /// @notice Emitted when an authorisation is executed.
    event AuthorizationUsed(address indexed authorizer, bytes32 indexed nonce);
    /// @notice Emitted when an authorisation is cancelled before use.
    event AuthorizationCanceled(address indexed authorizer, bytes32 indexed nonce);

    /// @notice The authorisation may not be used before `validAfter`.
    error AuthorizationNotYetValid(uint256 validAfter);
    /// @notice The authorisation could only be used before `validBefore`.
    error AuthorizationExpired(uint256 validBefore);
    /// @notice The nonce was already used by `authorizer`.
    error AuthorizationAlreadyUsed(address authorizer, bytes32 nonce);
    /// @notice The nonce was cancelled by `authorizer`.
    error AuthorizationAlreadyCanceled(address authorizer, bytes32 nonce);
    /// @notice The signature is not `authorizer`'s (EOA or ERC-1271 contract wallet).
    error InvalidAuthorizationSignature(address authorizer);
    /// @notice `receiveWithAuthorization` must be called by the payee.
    error CallerNotPayee(address caller, address payee);

    /// @notice Whether `nonce` of `authorizer` was used or cancelled (true) or is still free (false).
    function authorizationState(address authorizer, bytes32 nonce) external view returns (bool);

    /// @notice The detailed state of `nonce` of `authorizer`.
    function authorizationStatus(address authorizer, bytes32 nonce) external view returns (AuthorizationState);

    /// @notice Executes a transfer signed by `from` (v, r, s form).
    function transferWithAuthorization(
        address from,
        address to,
        uint256 value,
        uint256 validAfter,
        uint256 validBefore,
        bytes32 nonce,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external;

    /// @notice Executes a transfer signed by `from`; `signature` may be an ERC-1271 wallet's.
    function transferWithAuthorization(
        address from,
        address to,
        uint256 value,
        uint256 validAfter,
        uint256 validBefore,
        bytes32 nonce,
        bytes calldata signature
    ) external;

    /// @notice Like `transferWithAuthorization`, but only the payee `to` may submit it, which
    ///         stops a front-runner from executing a payment meant to be pulled by a contract.
    function receiveWithAuthorization(
        address from,
        address to,
        uint256 value,
        uint256 validAfter,
        uint256 validBefore,
        bytes32 nonce,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external;

    /// @notice `receiveWithAuthorization` with a bytes signature (EOA or ERC-1271).
    function receiveWithAuthorization(
        address from,
        address to,
        uint256 value,
        uint256 validAfter,
        uint256 validBefore,
        bytes32 nonce,
        bytes calldata signature
    ) external;

    /// @notice Cancels an unused authorisation of `authorizer` (v, r, s form).
    function cancelAuthorization(address authorizer, bytes32 nonce, uint8 v, bytes32 r, bytes32 s) external;

    /// @notice Cancels an unused authorisation of `authorizer`; `signature` may be ERC-1271.
    function cancelAuthorization(address authorizer, bytes32 nonce, bytes calldata signature) external;
}
