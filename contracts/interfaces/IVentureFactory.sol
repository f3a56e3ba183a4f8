// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IVentureFactory
/// @notice Creates AI ventures as minimal-proxy clones of one Venture implementation. Every
///         venture raises COMPUTE by selling transferable ERC-20 shares and shares the revenue it
///         receives pro rata with its shareholders.
interface IVentureFactory {
    /// @notice Everything a venture is created with. All of it except the operator is immutable.
    /// @param operator Runs the venture and receives the raise and the operator's revenue share.
    /// @param operatorAgentId The operator's ERC-8004 agent id (0 when the operator is a plain address).
    /// @param name ERC-20 name of the shares (at most 255 bytes).
    /// @param symbol ERC-20 symbol of the shares (at most 255 bytes).
    /// @param metadataURI The venture's metadata document (at most 1,024 bytes).
    /// @param pricePerShare COMPUTE wei per share wei, i.e. COMPUTE per whole share (an integer >= 1).
    /// @param minShares Shares that must be sold by the deadline, or every investor is refunded.
    /// @param maxShares The cap: no more shares than this are ever sold.
    /// @param raiseDuration Seconds from creation to the raise deadline.
    /// @param distributionBps Part of every revenue deposit distributed to shareholders (10,000 = 100%);
    ///        the rest is retained by the operator.
    /// @param performanceFeeBps Part of the distributed revenue above the period's hurdle that goes to
    ///        the operator as a performance fee.
    /// @param performancePeriod Length in seconds of a hurdle period (required when a fee is set).
    /// @param revenueTokens The ERC-20s revenue may be deposited in (1 to 8, no duplicates).
    /// @param hurdles Per revenue token, distributable revenue per period exempt from the performance fee.
    struct VentureParams {
        address operator;
        uint256 operatorAgentId;
        string name;
        string symbol;
        string metadataURI;
        uint128 pricePerShare;
        uint128 minShares;
        uint128 maxShares;
        uint40 raiseDuration;
        uint16 distributionBps;
        uint16 performanceFeeBps;
        uint32 performancePeriod;
        address[] revenueTokens;
        uint96[] hurdles;
    }

    /// @notice A venture was created (with the absolute raise `deadline`).
    event VentureCreated(
        address indexed venture,
        address indexed operator,
        uint256 indexed operatorAgentId,
        address creator,
        uint256 deadline,
        VentureParams params
    );

    error ZeroAddress();
    error InvalidPrice();
    error InvalidRaise(uint256 minShares, uint256 maxShares);
    error InvalidRaiseDuration(uint256 raiseDuration);
    error InvalidBps(uint256 bps);
    error InvalidPerformancePeriod();
    error InvalidRevenueTokenCount(uint256 count);
    error DuplicateRevenueToken(address token);
    error LengthMismatch();
    error StringTooLong(uint256 length, uint256 maxLength);

    /// @notice Creates a venture (a clone of `implementation`) and opens its raise; returns its address.
    function createVenture(VentureParams calldata params) external returns (address venture);

    /// @notice Stops new ventures from being created (existing ventures are unaffected). Only PAUSER_ROLE.
    function pause() external;

    /// @notice Lifts the pause. Only PAUSER_ROLE.
    function unpause() external;

    /// @notice The Venture implementation every clone delegates to.
    function implementation() external view returns (address);

    /// @notice The token raises are paid in (COMPUTE).
    function compute() external view returns (address);

    /// @notice Whether `venture` was created by this factory.
    function isVenture(address venture) external view returns (bool);
}
