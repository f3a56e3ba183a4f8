// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IVenture
/// @notice An AI venture: an operator (an agent or an address), a metadata URI and transferable
///         ERC-20 shares sold for COMPUTE in a raise (price, minimum, cap, deadline; refunds when
///         the minimum is not met). Anyone deposits revenue in one of the venture's revenue tokens;
///         every shareholder accrues its pro-rata part in O(1) gas, across share transfers, and
///         collects every revenue token with one claim.
interface IVenture {
    /// @notice The raise's life cycle. `None` only for the implementation (never initialised).
    enum RaiseState {
        None,
        Open,
        Succeeded,
        Failed
    }

    /// @notice The raise's immutable parameters.
    struct RaiseConfig {
        uint256 pricePerShare; // COMPUTE wei per share wei
        uint256 minShares;
        uint256 maxShares;
        uint256 deadline; // last second at which `invest` is accepted
    }

    /// @notice The revenue-sharing parameters (immutable).
    struct RevenueConfig {
        uint256 distributionBps;
        uint256 performanceFeeBps;
        uint256 performancePeriod;
    }

    event Invested(address indexed investor, uint256 shares, uint256 cost);
    event RaiseSucceeded(address indexed operator, uint256 shares, uint256 raised);
    event RaiseFailed(uint256 shares, uint256 minShares);
    event RaiseCancelled(address indexed operator, uint256 shares);
    event Refunded(address indexed holder, uint256 shares, uint256 amount);
    /// @param amount Deposited in total.
    /// @param distributed Part credited to shareholders.
    /// @param performanceFee Part of the operator's share that is a performance fee.
    /// @param operatorShare Part credited to the operator (retained share + performance fee).
    /// @param magnifiedRevenuePerShare The token's accumulator after the deposit (revenue per share × 2^128).
    event RevenueDeposited(
        address indexed depositor,
        address indexed token,
        uint256 amount,
        uint256 distributed,
        uint256 performanceFee,
        uint256 operatorShare,
        uint256 magnifiedRevenuePerShare
    );
    /// @param amounts Claimed per revenue token, in `revenueTokens` order (one event per claim keeps it cheap).
    event RevenueClaimed(address indexed holder, uint256[] amounts);
    /// @param amounts Withdrawn per revenue token, in `revenueTokens` order.
    event OperatorRevenueWithdrawn(address indexed operator, uint256[] amounts);
    event OperatorTransferStarted(address indexed operator, address indexed pendingOperator);
    event OperatorTransferred(address indexed previousOperator, address indexed newOperator);

    error NotFactory();
    error NotOperator(address caller);
    error NotPendingOperator(address caller);
    error ZeroAddress();
    error ZeroAmount();
    error AmountTooLarge(uint256 amount);
    error RaiseNotOpen();
    error RaiseEnded(uint256 deadline);
    error RaiseStillOpen(uint256 deadline);
    error CapExceeded(uint256 available, uint256 requested);
    error RefundUnavailable();
    error NothingToRefund();
    error TokenNotAllowed(address token);
    error NoShareholders();
    error NothingToClaim();
    error NothingToWithdraw();
    error AccumulatorOverflow(uint256 magnifiedRevenuePerShare);

    /// @notice Called once by the factory right after cloning: sets the operator and opens the raise.
    function initialize(address operator) external;

    /// @notice Buys `shares` (share wei) for `shares × pricePerShare` COMPUTE, approved beforehand.
    ///         Accepted while the raise is open, up to the deadline and the cap.
    function invest(uint256 shares) external returns (uint256 cost);

    /// @notice Closes the raise: after the deadline (or once the cap is sold). If the minimum was
    ///         sold, the whole raise goes to the operator at once; otherwise refunds open.
    function finalize() external;

    /// @notice Operator only: abandons an open raise; every investor can then be refunded.
    function cancelRaise() external;

    /// @notice Burns all the caller's shares of a failed raise and returns their price in COMPUTE.
    ///         A raise whose deadline passed below the minimum counts as failed without `finalize`.
    function refund() external returns (uint256 amount);

    /// @notice Deposits `amount` of revenue token `token` (approved beforehand). Anyone may deposit.
    ///         Shareholders at this moment accrue the distributed part pro rata.
    function depositRevenue(address token, uint256 amount) external returns (uint256 distributed);

    /// @notice Collects the caller's accrued revenue in every revenue token.
    function claim() external returns (uint256[] memory amounts);

    /// @notice Collects `holder`'s accrued revenue in every revenue token and sends it to `holder`.
    ///         Anyone (a keeper) may call it.
    function claimFor(address holder) external returns (uint256[] memory amounts);

    /// @notice Sends the operator everything owed to it (retained share and performance fees) in
    ///         every revenue token. Anyone may call it; the funds always go to the operator.
    function withdrawOperatorRevenue() external returns (uint256[] memory amounts);

    /// @notice Operator only: proposes `newOperator`, who takes over by calling `acceptOperator`.
    function transferOperator(address newOperator) external;

    /// @notice The proposed operator takes over.
    function acceptOperator() external;

    /// @notice The current operator.
    function operator() external view returns (address);

    /// @notice The operator proposed by `transferOperator`, if any.
    function pendingOperator() external view returns (address);

    /// @notice The operator's ERC-8004 agent id (0 when none).
    function operatorAgentId() external view returns (uint256);

    /// @notice The venture's metadata document.
    function metadataURI() external view returns (string memory);

    /// @notice The raise's state.
    function raiseState() external view returns (RaiseState);

    /// @notice The raise's parameters.
    function raiseConfig() external view returns (RaiseConfig memory);

    /// @notice The revenue-sharing parameters.
    function revenueConfig() external view returns (RevenueConfig memory);

    /// @notice The revenue tokens and their per-period hurdles.
    function revenueTokens() external view returns (address[] memory tokens, uint256[] memory hurdles);

    /// @notice What `holder` can claim now in each revenue token (in `revenueTokens` order).
    function claimable(address holder) external view returns (uint256[] memory amounts);

    /// @notice What `holder` can claim now in `token`.
    function claimableOf(address holder, address token) external view returns (uint256);

    /// @notice Revenue in `token` distributed to shareholders so far.
    function totalDistributed(address token) external view returns (uint256);

    /// @notice Revenue in `token` owed to the operator and not yet withdrawn.
    function operatorOwed(address token) external view returns (uint256);

    /// @notice The accumulator of `token`: revenue per share wei, × 2^128.
    function magnifiedRevenuePerShare(address token) external view returns (uint256);
}
