// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Initializable} from "@openzeppelin/contracts/proxy/utils/Initializable.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IVenture} from "../interfaces/IVenture.sol";
import {VentureArgs} from "./VentureArgs.sol";

/// @title Venture
/// @notice An AI venture (an AI band, a trading swarm) whose shares are an ERC-20. Deployed only
///         as a minimal-proxy clone by the VentureFactory, with its parameters in the clone's
///         immutable arguments (see VentureArgs).
///
///         Raise: shares are minted on `invest` at `pricePerShare` COMPUTE per share (exact integer
///         arithmetic: no rounding) up to the cap and the deadline. `finalize` then either sends
///         the whole raise to the operator at once (minimum reached) or opens refunds (minimum not
///         reached; also when the operator cancels): `refund` burns the caller's shares and returns
///         their price. Shares are transferable at all times; a refund goes to whoever holds them.
///
///         Revenue: each revenue token has an accumulator `magnifiedRevenuePerShare` (revenue per
///         share wei × 2^128). A deposit raises it by distributed × 2^128 / totalSupply, carrying
///         the division's remainder to the next deposit, so nothing is lost for good. A holder is
///         owed (accumulator × balance + correction) / 2^128, where the correction, updated on every
///         mint, burn and transfer (one signed word per holder per token, at most 8 tokens), makes
///         shares count only for revenue deposited while they were held. O(1) in the number of holders.
///
///         Operator's share: `distributionBps` of every deposit goes to shareholders and the rest
///         to the operator; of the distributed part above the period's hurdle, `performanceFeeBps`
///         also goes to the operator (a performance fee that rewards the agents for results).
/// @dev No pause: claims, refunds and transfers move holders' own funds and are never blocked; the
///      operator can cancel an open raise (which refunds everyone) and the factory can be paused.
contract Venture is IVenture, ERC20, Initializable, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;

    /// @notice Revenue per share is kept multiplied by this (2^128): with at most 2^128 - 1 shares,
    ///         the carried remainder is always worth less than 1 wei in total.
    uint256 public constant MAGNITUDE = 2 ** 128;
    /// @notice At most this many revenue tokens per venture (bounds the cost of a share transfer).
    uint256 public constant MAX_REVENUE_TOKENS = 8; // = VentureArgs.MAX_REVENUE_TOKENS
    /// @notice At most this much revenue per token is ever distributed (2^120 - 1 wei, about
    ///         1.3e18 tokens of 18 decimals), so that every magnified entitlement (< 2^120 × 2^128)
    ///         fits an int256 and every holder's claimed total fits the 120 bits kept for it.
    uint256 public constant MAX_DISTRIBUTED = 2 ** 120 - 1;
    uint256 private constant BPS = 10_000;

    /// @notice The token raises are paid in (COMPUTE).
    IERC20 public immutable compute;
    /// @notice The factory allowed to initialise clones.
    address public immutable factory;

    /// @dev Mutable state read by `invest`, packed into one slot.
    struct Core {
        address operator;
        RaiseState state;
    }

    /// @dev Per revenue token, written on deposits only.
    struct Book {
        uint128 remainder; // magnified revenue not yet credited to the accumulator (< totalSupply)
        uint96 periodRevenue; // distributable revenue of period `periodIndex`, saturated at the hurdle
        uint32 periodIndex; // block.timestamp / performancePeriod of the last deposit
    }

    /// @dev Per revenue token totals.
    struct Totals {
        uint128 distributed;
        uint128 operatorOwed;
    }

    Core private _core;
    address private _pendingOperator;
    /// @dev Accumulators, indexed like the revenue token list.
    uint256[MAX_REVENUE_TOKENS] private _magnifiedPerShare;
    Book[MAX_REVENUE_TOKENS] private _books;
    Totals[MAX_REVENUE_TOKENS] private _totals;
    /// @dev Signed magnified corrections per holder, indexed like the revenue token list. Zero for a
    ///      holder whose shares were all bought before any revenue and never moved; such a holder's
    ///      corrections are not even read (see `_accounts`).
    mapping(address holder => int256[MAX_REVENUE_TOKENS]) private _corrections;
    /// @dev Per holder, what was claimed so far, two tokens per slot: token 2k in bits 0-119 and
    ///      token 2k+1 in bits 120-239 of slot k. Bits 240-247 of slot 0 flag the tokens whose
    ///      correction may be non-zero. A claim of two tokens thus reads and writes one slot.
    mapping(address holder => uint256[MAX_REVENUE_TOKENS / 2]) private _accounts;

    uint256 private constant CLAIMED_BITS = 120;
    uint256 private constant CLAIMED_MASK = (1 << CLAIMED_BITS) - 1;
    uint256 private constant FLAGS_SHIFT = 240;

    /// @param compute_ The raise token (COMPUTE).
    /// @param factory_ The VentureFactory deploying this implementation.
    constructor(IERC20 compute_, address factory_) ERC20("", "") {
        if (address(compute_) == address(0) || factory_ == address(0)) revert ZeroAddress();
        compute = compute_;
        factory = factory_;
        _disableInitializers();
    }

    modifier onlyOperator() {
        if (msg.sender != _core.operator) revert NotOperator(msg.sender);
        _;
    }

    /// @inheritdoc IVenture
    function initialize(address operator_) external initializer {
        if (msg.sender != factory) revert NotFactory();
        if (operator_ == address(0)) revert ZeroAddress();
        _core = Core({operator: operator_, state: RaiseState.Open});
        emit OperatorTransferred(address(0), operator_);
    }

    // ------------------------------------------------------------------ raise

    /// @inheritdoc IVenture
    function invest(uint256 shares) external nonReentrant returns (uint256 cost) {
        if (shares == 0) revert ZeroAmount();
        if (_core.state != RaiseState.Open) revert RaiseNotOpen();
        uint256 w1 = VentureArgs.word(32);
        uint256 deadline = VentureArgs.deadline(w1);
        if (block.timestamp > deadline) revert RaiseEnded(deadline);
        uint256 sold = totalSupply();
        uint256 cap = VentureArgs.maxShares(w1);
        if (shares > cap - sold) revert CapExceeded(cap - sold, shares);
        cost = shares * VentureArgs.pricePerShare(VentureArgs.word(0)); // < 2^256: both factors < 2^128

        _mint(msg.sender, shares);
        emit Invested(msg.sender, shares, cost);

        compute.safeTransferFrom(msg.sender, address(this), cost);
    }

    /// @inheritdoc IVenture
    function finalize() external nonReentrant {
        Core memory c = _core;
        if (c.state != RaiseState.Open) revert RaiseNotOpen();
        uint256 w1 = VentureArgs.word(32);
        uint256 sold = totalSupply();
        uint256 deadline = VentureArgs.deadline(w1);
        if (block.timestamp <= deadline && sold < VentureArgs.maxShares(w1)) revert RaiseStillOpen(deadline);
        uint256 w0 = VentureArgs.word(0);
        uint256 minShares = VentureArgs.minShares(w0);
        if (sold < minShares) {
            _core.state = RaiseState.Failed;
            emit RaiseFailed(sold, minShares);
            return;
        }
        _core.state = RaiseState.Succeeded;
        uint256 raised = sold * VentureArgs.pricePerShare(w0);
        emit RaiseSucceeded(c.operator, sold, raised);
        compute.safeTransfer(c.operator, raised);
    }

    /// @inheritdoc IVenture
    function cancelRaise() external onlyOperator {
        if (_core.state != RaiseState.Open) revert RaiseNotOpen();
        _core.state = RaiseState.Failed;
        emit RaiseCancelled(msg.sender, totalSupply());
    }

    /// @inheritdoc IVenture
    function refund() external nonReentrant returns (uint256 amount) {
        RaiseState state = _core.state;
        if (state == RaiseState.Open) {
            uint256 w1 = VentureArgs.word(32);
            uint256 sold = totalSupply();
            uint256 minShares = VentureArgs.minShares(VentureArgs.word(0));
            if (block.timestamp <= VentureArgs.deadline(w1) || sold >= minShares) revert RefundUnavailable();
            _core.state = state = RaiseState.Failed;
            emit RaiseFailed(sold, minShares);
        }
        if (state != RaiseState.Failed) revert RefundUnavailable();
        uint256 shares = balanceOf(msg.sender);
        if (shares == 0) revert NothingToRefund();
        amount = shares * VentureArgs.pricePerShare(VentureArgs.word(0));

        _burn(msg.sender, shares); // keeps the revenue already accrued to these shares claimable
        emit Refunded(msg.sender, shares, amount);

        compute.safeTransfer(msg.sender, amount);
    }

    // ------------------------------------------------------------------ revenue

    /// @inheritdoc IVenture
    function depositRevenue(address token, uint256 amount) external nonReentrant returns (uint256 distributed) {
        if (amount == 0) revert ZeroAmount();
        if (amount > type(uint128).max) revert AmountTooLarge(amount);
        uint256 supply = totalSupply();
        if (supply == 0) revert NoShareholders();
        uint256 w1 = VentureArgs.word(32);
        (uint256 i, uint256 hurdle) = _indexOf(token, VentureArgs.tokenCount(w1));

        // Every magnified entitlement (accumulator × shares) must fit an int256 for any holding
        // the shares can still reach: up to the cap while the raise is open, the supply after.
        uint256 maxHolding = _core.state == RaiseState.Open ? VentureArgs.maxShares(w1) : supply;
        uint256 fee;
        uint256 operatorShare;
        uint256 acc;
        (distributed, fee, operatorShare, acc) = _credit(i, hurdle, w1, amount, supply);
        if (acc > uint256(type(int256).max) / maxHolding) revert AccumulatorOverflow(acc);
        emit RevenueDeposited(msg.sender, token, amount, distributed, fee, operatorShare, acc);

        IERC20(token).safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @dev Splits a deposit of `amount` of revenue token `i` and books it.
    function _credit(uint256 i, uint256 hurdle, uint256 w1, uint256 amount, uint256 supply)
        private
        returns (uint256 distributed, uint256 fee, uint256 operatorShare, uint256 acc)
    {
        operatorShare = amount - (amount * VentureArgs.distributionBps(w1)) / BPS;
        distributed = amount - operatorShare;
        Book memory b = _books[i];
        uint256 feeBps = VentureArgs.performanceFeeBps(w1);
        if (feeBps != 0) {
            uint256 periodIndex = block.timestamp / VentureArgs.performancePeriod(w1);
            uint256 before = b.periodIndex == periodIndex ? b.periodRevenue : 0; // <= hurdle
            uint256 total = before + distributed;
            if (total > hurdle) {
                fee = ((total - hurdle) * feeBps) / BPS;
                total = hurdle;
            }
            b.periodRevenue = uint96(total); // <= hurdle < 2^96
            b.periodIndex = uint32(periodIndex);
            distributed -= fee;
            operatorShare += fee;
        }

        acc = _magnifiedPerShare[i];
        if (distributed != 0) {
            uint256 magnified = distributed * MAGNITUDE + b.remainder; // < 2^256: distributed < 2^128
            acc += magnified / supply;
            _magnifiedPerShare[i] = acc;
            b.remainder = uint128(magnified % supply); // < supply <= maxShares < 2^128
        }
        _books[i] = b;
        Totals memory t = _totals[i];
        // A holder's entitlement never exceeds the total distributed, so it fits CLAIMED_BITS.
        if (t.distributed + distributed > MAX_DISTRIBUTED) revert AmountTooLarge(amount);
        _totals[i] = Totals({
            distributed: uint128(t.distributed + distributed),
            operatorOwed: (t.operatorOwed + operatorShare).toUint128()
        });
    }

    /// @inheritdoc IVenture
    function claim() external nonReentrant returns (uint256[] memory amounts) {
        return _claim(msg.sender);
    }

    /// @inheritdoc IVenture
    function claimFor(address holder) external nonReentrant returns (uint256[] memory amounts) {
        return _claim(holder);
    }

    function _claim(address holder) private returns (uint256[] memory amounts) {
        uint256 n = VentureArgs.tokenCount(VentureArgs.word(32));
        uint256 shares = balanceOf(holder);
        uint256[MAX_REVENUE_TOKENS / 2] storage account = _accounts[holder];
        amounts = new uint256[](n);
        bool any;
        uint256 flags;
        uint256 slot;
        uint256 updated;
        // Effects for every token first (one slot per pair of tokens), then the transfers.
        for (uint256 i = 0; i < n; ++i) {
            uint256 shift;
            if (i & 1 == 0) {
                slot = account[i >> 1];
                updated = slot;
                if (i == 0) flags = slot >> FLAGS_SHIFT;
            } else {
                shift = CLAIMED_BITS;
            }
            uint256 total = _entitlement(holder, i, shares, flags);
            uint256 owed = total - ((slot >> shift) & CLAIMED_MASK);
            if (owed != 0) {
                updated = (updated & ~(CLAIMED_MASK << shift)) | (total << shift);
                amounts[i] = owed;
                any = true;
            }
            if ((i & 1 == 1 || i + 1 == n) && updated != slot) account[i >> 1] = updated;
        }
        if (!any) revert NothingToClaim();
        emit RevenueClaimed(holder, amounts);
        for (uint256 i = 0; i < n; ++i) {
            uint256 owed = amounts[i];
            if (owed != 0) _revenueToken(i).safeTransfer(holder, owed);
        }
    }

    /// @inheritdoc IVenture
    function withdrawOperatorRevenue() external nonReentrant returns (uint256[] memory amounts) {
        uint256 n = VentureArgs.tokenCount(VentureArgs.word(32));
        address op = _core.operator;
        amounts = new uint256[](n);
        bool any;
        for (uint256 i = 0; i < n; ++i) {
            uint256 owed = _totals[i].operatorOwed;
            if (owed != 0) {
                _totals[i].operatorOwed = 0;
                amounts[i] = owed;
                any = true;
            }
        }
        if (!any) revert NothingToWithdraw();
        emit OperatorRevenueWithdrawn(op, amounts);
        for (uint256 i = 0; i < n; ++i) {
            uint256 owed = amounts[i];
            if (owed != 0) _revenueToken(i).safeTransfer(op, owed);
        }
    }

    // ------------------------------------------------------------------ operator

    /// @inheritdoc IVenture
    function transferOperator(address newOperator) external onlyOperator {
        if (newOperator == address(0)) revert ZeroAddress();
        _pendingOperator = newOperator;
        emit OperatorTransferStarted(msg.sender, newOperator);
    }

    /// @inheritdoc IVenture
    function acceptOperator() external {
        if (msg.sender != _pendingOperator) revert NotPendingOperator(msg.sender);
        address previous = _core.operator;
        _core.operator = msg.sender;
        delete _pendingOperator;
        emit OperatorTransferred(previous, msg.sender);
    }

    // ------------------------------------------------------------------ share accounting

    /// @dev Moves revenue entitlement with the shares: the shares leaving `from` keep what they
    ///      earned for `from`, the shares arriving at `to` bring nothing already deposited.
    ///      Bounded: at most MAX_REVENUE_TOKENS iterations, none for tokens without revenue yet.
    function _update(address from, address to, uint256 value) internal override {
        super._update(from, to, value);
        if (from == to || value == 0) return;
        uint256 n = VentureArgs.tokenCount(VentureArgs.word(32));
        uint256 touched;
        for (uint256 i = 0; i < n; ++i) {
            uint256 acc = _magnifiedPerShare[i];
            if (acc == 0) continue;
            int256 delta = (acc * value).toInt256();
            if (from != address(0)) _corrections[from][i] += delta;
            if (to != address(0)) _corrections[to][i] -= delta;
            touched |= 1 << i;
        }
        if (touched != 0) {
            if (from != address(0)) _flag(from, touched);
            if (to != address(0)) _flag(to, touched);
        }
    }

    /// @dev Marks the corrections of `holder` in `tokens` (a bitmap) as possibly non-zero.
    function _flag(address holder, uint256 tokens) private {
        uint256 slot = _accounts[holder][0];
        uint256 flagged = slot | (tokens << FLAGS_SHIFT);
        if (flagged != slot) _accounts[holder][0] = flagged;
    }

    /// @dev Everything `holder` (with `shares`) earned in token `i` so far, claimed or not:
    ///      floor((accumulator × shares + correction) / 2^128). The magnified entitlement never
    ///      decreases and is never negative: it sums, over the time each share was held, the
    ///      accumulator's increase.
    function _entitlement(address holder, uint256 i, uint256 shares, uint256 flags) private view returns (uint256) {
        int256 correction = (flags >> i) & 1 == 0 ? int256(0) : _corrections[holder][i];
        return uint256((_magnifiedPerShare[i] * shares).toInt256() + correction) / MAGNITUDE;
    }

    /// @dev What `holder` can claim now in token `i`.
    function _claimable(address holder, uint256 i, uint256 shares) private view returns (uint256) {
        uint256 slot = _accounts[holder][i / 2];
        uint256 flags = _accounts[holder][0] >> FLAGS_SHIFT;
        return _entitlement(holder, i, shares, flags) - ((slot >> ((i % 2) * CLAIMED_BITS)) & CLAIMED_MASK);
    }

    function _revenueToken(uint256 i) private view returns (IERC20) {
        return IERC20(VentureArgs.token(VentureArgs.word(VentureArgs.TOKENS_OFFSET + 32 * i)));
    }

    function _indexOf(address token, uint256 n) private view returns (uint256 i, uint256 hurdle) {
        for (i = 0; i < n; ++i) {
            uint256 tw = VentureArgs.word(VentureArgs.TOKENS_OFFSET + 32 * i);
            if (VentureArgs.token(tw) == token) return (i, VentureArgs.hurdle(tw));
        }
        revert TokenNotAllowed(token);
    }

    function _indexOfView(address token) private view returns (uint256 i) {
        (i,) = _indexOf(token, VentureArgs.tokenCount(VentureArgs.word(32)));
    }

    // ------------------------------------------------------------------ views

    /// @notice The shares' ERC-20 name.
    function name() public view override returns (string memory s) {
        (s,) = VentureArgs.str(_stringsOffset());
    }

    /// @notice The shares' ERC-20 symbol.
    function symbol() public view override returns (string memory s) {
        (, uint256 next) = VentureArgs.str(_stringsOffset());
        (s,) = VentureArgs.str(next);
    }

    /// @inheritdoc IVenture
    function metadataURI() external view returns (string memory s) {
        (, uint256 next) = VentureArgs.str(_stringsOffset());
        (, next) = VentureArgs.str(next);
        (s,) = VentureArgs.str(next);
    }

    function _stringsOffset() private view returns (uint256) {
        return VentureArgs.TOKENS_OFFSET + 32 * (VentureArgs.tokenCount(VentureArgs.word(32)) + 1);
    }

    /// @inheritdoc IVenture
    function operator() external view returns (address) {
        return _core.operator;
    }

    /// @inheritdoc IVenture
    function pendingOperator() external view returns (address) {
        return _pendingOperator;
    }

    /// @inheritdoc IVenture
    function operatorAgentId() external view returns (uint256) {
        return VentureArgs.word(VentureArgs.TOKENS_OFFSET + 32 * VentureArgs.tokenCount(VentureArgs.word(32)));
    }

    /// @inheritdoc IVenture
    function raiseState() external view returns (RaiseState) {
        return _core.state;
    }

    /// @inheritdoc IVenture
    function raiseConfig() external view returns (RaiseConfig memory) {
        uint256 w0 = VentureArgs.word(0);
        uint256 w1 = VentureArgs.word(32);
        return RaiseConfig({
            pricePerShare: VentureArgs.pricePerShare(w0),
            minShares: VentureArgs.minShares(w0),
            maxShares: VentureArgs.maxShares(w1),
            deadline: VentureArgs.deadline(w1)
        });
    }

    /// @inheritdoc IVenture
    function revenueConfig() external view returns (RevenueConfig memory) {
        uint256 w1 = VentureArgs.word(32);
        return RevenueConfig({
            distributionBps: VentureArgs.distributionBps(w1),
            performanceFeeBps: VentureArgs.performanceFeeBps(w1),
            performancePeriod: VentureArgs.performancePeriod(w1)
        });
    }

    /// @inheritdoc IVenture
    function revenueTokens() external view returns (address[] memory tokens, uint256[] memory hurdles) {
        uint256 n = VentureArgs.tokenCount(VentureArgs.word(32));
        tokens = new address[](n);
        hurdles = new uint256[](n);
        for (uint256 i = 0; i < n; ++i) {
            uint256 tw = VentureArgs.word(VentureArgs.TOKENS_OFFSET + 32 * i);
            tokens[i] = VentureArgs.token(tw);
            hurdles[i] = VentureArgs.hurdle(tw);
        }
    }

    /// @inheritdoc IVenture
    function claimable(address holder) external view returns (uint256[] memory amounts) {
        uint256 n = VentureArgs.tokenCount(VentureArgs.word(32));
        uint256 shares = balanceOf(holder);
        amounts = new uint256[](n);
        for (uint256 i = 0; i < n; ++i) {
            amounts[i] = _claimable(holder, i, shares);
        }
    }

    /// @inheritdoc IVenture
    function claimableOf(address holder, address token) external view returns (uint256) {
        uint256 i = _indexOfView(token);
        return _claimable(holder, i, balanceOf(holder));
    }

    /// @inheritdoc IVenture
    function totalDistributed(address token) external view returns (uint256) {
        return _totals[_indexOfView(token)].distributed;
    }

    /// @inheritdoc IVenture
    function operatorOwed(address token) external view returns (uint256) {
        return _totals[_indexOfView(token)].operatorOwed;
    }

    /// @inheritdoc IVenture
    function magnifiedRevenuePerShare(address token) external view returns (uint256) {
        return _magnifiedPerShare[_indexOfView(token)];
    }
}
