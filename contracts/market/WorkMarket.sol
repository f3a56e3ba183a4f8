// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IComputeToken} from "../interfaces/IComputeToken.sol";
import {IEIP3009} from "../interfaces/IEIP3009.sol";
import {IAgentRegistry} from "../interfaces/IAgentRegistry.sol";
import {IFeeController} from "../interfaces/IFeeController.sol";
import {IJobRegistry} from "../interfaces/IJobRegistry.sol";
import {IWorkMarket} from "../interfaces/IWorkMarket.sol";
import {IValidatorPool} from "../interfaces/IValidatorPool.sol";
import {AgentRoles} from "../libraries/AgentRoles.sol";
import {FeeMath} from "../libraries/FeeMath.sol";
import {Settlement} from "../libraries/Settlement.sol";

/// @title WorkMarket
/// @notice Escrowed jobs between agents, paid in COMPUTE. A requester agent opens a job (or fills
///         a provider's signed quote, which opens and accepts it at once) and locks the value,
///         a 5% deposit, the 1% protocol fee and the 0.5% validation fee; the producer locks a 2%
///         deposit on acceptance and submits a result hash and URI; a committee of the
///         ValidatorPool decides; after the challenge window (or a dispute) anyone settles many
///         jobs in one call, crediting the agents, who withdraw. Deadlines are enforced by anyone:
///         see `expire` and docs/market.md for every rule on refunds, slashing and burns.
/// @dev Storage: a job is one slot (`Job`); its spec and result hashes live only in its events.
///      Fees are constants of the value (FeeMath), so nothing else is stored per job. Payouts are
///      credited to agent ids (pull-based), which keeps settlement cheap and immune to receivers
///      that revert. GOVERNOR_ROLE tunes the validation, challenge and dispute periods (bounded);
///      PAUSER_ROLE pauses new jobs, acceptances and quote fills only — submit, challenge, expire,
///      settle and withdraw are never paused.
contract WorkMarket is IWorkMarket, AccessControl, ReentrancyGuardTransient, EIP712 {
    using SafeERC20 for IERC20;
    using AgentRoles for uint8;

    bytes32 public constant GOVERNOR_ROLE = keccak256("GOVERNOR_ROLE");
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");
    /// @notice EIP-712 type of a provider quote.
    bytes32 public constant QUOTE_TYPEHASH = keccak256(
        "Quote(uint256 providerAgentId,bytes32 resourceKind,uint256 units,uint256 unitPrice,uint256 expiry,uint256 nonce,uint256 requester,uint256 deliveryPeriod)"
    );
    /// @dev Tag of the EIP-3009 intent hash of a quote fill.
    bytes32 private constant FILL_INTENT_TAG = keccak256("UBC.WorkMarket.FillIntent");

    /// @notice Smallest job value: 100 COMPUTE.
    uint256 public constant MIN_JOB_VALUE = 100e18;
    /// @notice Longest deadline or period accepted anywhere.
    uint256 public constant MAX_PERIOD = 365 days;
    /// @notice Bounds of the governed periods.
    uint256 internal constant MIN_GOVERNED_PERIOD = 1 hours;
    uint256 internal constant MAX_GOVERNED_PERIOD = 30 days;
    /// @dev An accepted job may be declined during its delivery period's first 1/DECLINE_SHARE.
    uint256 internal constant DECLINE_SHARE = 4;

    /// @dev Bit offsets and masks of `Job`'s fields in its storage word.
    uint256 private constant _MASK40 = (1 << 40) - 1; // the 40-bit fields: agent ids, deadline
    uint256 private constant _PROVIDER_SHIFT = 40;
    uint256 private constant _VALUE_SHIFT = 80;
    uint256 private constant _VALUE_MASK = (1 << 88) - 1;
    uint256 private constant _DEADLINE_SHIFT = 168;
    uint256 private constant _AUX_SHIFT = 208;
    uint256 private constant _STATUS_SHIFT = 240;
    uint256 private constant _FLAGS_SHIFT = 248;

    /// @dev Job flags (documented in docs/market.md).
    uint8 internal constant FLAG_PRODUCER_WINS = 1;
    uint8 internal constant FLAG_VALIDATORS_PAID = 2;
    uint8 internal constant FLAG_NO_FAULT = 4;
    uint8 internal constant FLAG_CHALLENGED = 8;
    uint8 internal constant FLAG_BOND_BY_PROVIDER = 16;
    uint8 internal constant FLAG_DISAGREEMENT = 32;

    /// @notice The currency (COMPUTE).
    IComputeToken public immutable compute;
    /// @notice Agent identities and authorisation.
    IAgentRegistry public immutable registry;
    /// @notice Decides the burn share of the protocol fee; this market holds its MARKET_ROLE.
    IFeeController public immutable feeController;
    /// @notice Receives the treasury share of the protocol fee.
    address public immutable treasury;

    /// @dev Read together on every job creation and submission: one slot.
    struct Config {
        uint64 jobCount;
        uint32 validationPeriod;
        uint32 challengePeriod;
        uint32 disputePeriod;
        bool paused; // beside the job count, which a fill or a new job reads anyway (`whenNotPaused`)
    }

    Config private _config;
    /// @notice The validator pool (set once).
    address public validatorPool;
    /// @dev Fee shares settled and not yet pushed by `sweep`, one slot.
    struct Pending {
        uint128 treasury;
        uint128 validators;
    }

    Pending private _pending;

    mapping(uint256 jobId => Job) private _jobs;
    // A job's spec and result hashes are not stored: `JobCreated` and `JobSubmitted` carry them
    // (logs, which each block commits to in its receipts root). No contract reads them, and a
    // slot of its own would cost every job a storage insertion (~22k gas) and a lookup at submission.
    /// @dev An agent's credit and, as a provider, the nonce below which its quotes are cancelled:
    ///      one slot, which a fill reads anyway for the provider's deposit (so the cancellation
    ///      check costs no slot of its own). Both fit 128 bits: credits are bounded by COMPUTE's
    ///      supply, and a nonce cut above 2^128 - 1 is refused (SafeCast).
    struct Account {
        uint128 credit;
        uint128 minQuoteNonce;
    }

    mapping(uint256 agentId => Account) private _accounts;
    mapping(uint256 providerAgentId => mapping(uint256 word => uint256 bits)) private _nonceBits;

    /// @dev Sums carried through a settlement batch.
    struct Totals {
        uint256 burned;
        uint256 toTreasury;
        uint256 toValidators;
    }

    /// @param compute_ COMPUTE.
    /// @param registry_ The AgentRegistry.
    /// @param feeController_ The FeeController (grant this market its MARKET_ROLE).
    /// @param treasury_ Receives the treasury share of protocol fees.
    /// @param governor Receives DEFAULT_ADMIN_ROLE and GOVERNOR_ROLE (a timelock).
    /// @param pauser Receives PAUSER_ROLE (a guardian).
    constructor(
        IComputeToken compute_,
        IAgentRegistry registry_,
        IFeeController feeController_,
        address treasury_,
        address governor,
        address pauser
    ) EIP712("UBC WorkMarket", "1") {
        if (
            address(compute_) == address(0) || address(registry_) == address(0)
                || address(feeController_) == address(0) || treasury_ == address(0) || governor == address(0)
                || pauser == address(0)
        ) revert ZeroAddress();
        compute = compute_;
        registry = registry_;
        feeController = feeController_;
        treasury = treasury_;
        _grantRole(DEFAULT_ADMIN_ROLE, governor);
        _grantRole(GOVERNOR_ROLE, governor);
        _grantRole(PAUSER_ROLE, pauser);
        _config = Config({jobCount: 0, validationPeriod: 1 days, challengePeriod: 1 days, disputePeriod: 2 days, paused: false});
    }

    // ------------------------------------------------------------------ open jobs

    /// @inheritdoc IWorkMarket
    function createJob(JobRequest calldata r) external nonReentrant whenNotPaused returns (uint256 jobId) {
        _requireAuthorized(r.requesterAgentId, msg.sender);
        jobId = _openJob(r);
        _fund(jobId, r.requesterAgentId, msg.sender, FeeMath.requesterLock(r.value));
    }

    /// @inheritdoc IWorkMarket
    function depositWithAuthorization(uint256 agentId, uint256 amount, bytes32 nonce, Authorization calldata auth)
        external
        nonReentrant
    {
        if (amount == 0) revert ZeroAmount();
        if (!registry.isAuthorized(agentId, auth.from)) revert PayerNotAuthorized(auth.from);
        _addCredit(agentId, amount);
        emit Deposited(agentId, auth.from, amount);
        _receive(auth, amount, nonce);
    }

    function _openJob(JobRequest calldata r) private returns (uint256 jobId) {
        uint256 value = r.value;
        if (value < MIN_JOB_VALUE) revert ValueTooSmall(value, MIN_JOB_VALUE);
        if (value > type(uint88).max) revert ValueTooLarge(value);
        if (r.specHash == bytes32(0)) revert ZeroSpec();
        if (r.acceptDeadline <= block.timestamp || r.acceptDeadline > block.timestamp + MAX_PERIOD) {
            revert BadDeadline(r.acceptDeadline);
        }
        if (r.deliveryPeriod == 0 || r.deliveryPeriod > MAX_PERIOD) revert BadPeriod(r.deliveryPeriod);
        _requireRole(r.requesterAgentId, AgentRoles.REQUESTER);
        _checkId(r.requesterAgentId);
        if (r.providerAgentId != 0) {
            _checkId(r.providerAgentId);
            if (r.providerAgentId == r.requesterAgentId) revert SameAgent(r.providerAgentId);
        }
        jobId = ++_config.jobCount;
        _jobs[jobId] = Job({
            requesterAgentId: uint40(r.requesterAgentId),
            providerAgentId: uint40(r.providerAgentId),
            value: uint88(value),
            deadline: uint40(r.acceptDeadline),
            aux: uint32(r.deliveryPeriod),
            status: uint8(Status.Open),
            flags: 0
        });
        emit JobCreated(
            jobId, r.requesterAgentId, r.providerAgentId, value, r.specHash, r.acceptDeadline, r.deliveryPeriod
        );
    }

    /// @inheritdoc IWorkMarket
    function accept(uint256 jobId, uint256 providerAgentId) external nonReentrant whenNotPaused {
        Job memory j = _jobs[jobId];
        _requireStatus(jobId, j, Status.Open);
        if (block.timestamp > j.deadline) revert DeadlinePassed(jobId, j.deadline);
        if (j.providerAgentId != 0 && j.providerAgentId != providerAgentId) {
            revert NotDesignatedProvider(jobId, providerAgentId);
        }
        if (providerAgentId == j.requesterAgentId) revert SameAgent(providerAgentId);
        _checkId(providerAgentId);
        (bool actsFor, uint8 roles) = _access(providerAgentId, msg.sender);
        if (!actsFor) revert NotAuthorized(providerAgentId, msg.sender);
        if (!roles.has(AgentRoles.PROVIDER)) revert MissingRole(providerAgentId, AgentRoles.PROVIDER);
        uint256 deliveryDeadline = block.timestamp + j.aux;
        j.providerAgentId = uint40(providerAgentId);
        j.status = uint8(Status.Accepted);
        j.deadline = uint40(deliveryDeadline);
        // aux keeps the delivery period: it sets the decline window (`_declineBy`)
        _jobs[jobId] = j;
        emit JobAccepted(jobId, providerAgentId, deliveryDeadline);
        _fund(jobId, providerAgentId, msg.sender, FeeMath.providerDeposit(j.value));
    }

    /// @inheritdoc IWorkMarket
    function cancel(uint256 jobId) external nonReentrant {
        Job memory j = _jobs[jobId];
        _requireStatus(jobId, j, Status.Open);
        _requireAuthorized(j.requesterAgentId, msg.sender);
        uint256 refund = FeeMath.requesterLock(j.value);
        _jobs[jobId].status = uint8(Status.Cancelled);
        _addCredit(j.requesterAgentId, refund);
        emit JobCancelled(jobId, refund);
    }

    // ------------------------------------------------------------------ quotes

    /// @inheritdoc IWorkMarket
    function fillQuote(Quote calldata q, bytes calldata signature, uint256 requesterAgentId, bytes32 specHash)
        external
        nonReentrant
        whenNotPaused
        returns (uint256 jobId)
    {
        (bool actsFor, uint8 requesterRoles) = _access(requesterAgentId, msg.sender);
        if (!actsFor) revert NotAuthorized(requesterAgentId, msg.sender);
        (uint256 value, address providerWallet) = _checkQuote(q, signature, requesterAgentId, requesterRoles);
        jobId = _createFilled(q, requesterAgentId, specHash, value);
        _fund(jobId, requesterAgentId, msg.sender, FeeMath.requesterLock(value));
        _fund(jobId, q.providerAgentId, providerWallet, FeeMath.providerDeposit(value));
    }

    /// @inheritdoc IWorkMarket
    function fillQuoteWithAuthorization(
        Quote calldata q,
        bytes calldata signature,
        uint256 requesterAgentId,
        bytes32 specHash,
        Authorization calldata auth
    ) external nonReentrant whenNotPaused returns (uint256 jobId) {
        (bool actsFor, uint8 requesterRoles) = _access(requesterAgentId, auth.from);
        if (!actsFor) revert PayerNotAuthorized(auth.from);
        (uint256 value, address providerWallet) = _checkQuote(q, signature, requesterAgentId, requesterRoles);
        jobId = _createFilled(q, requesterAgentId, specHash, value);
        uint256 lock = FeeMath.requesterLock(value);
        emit Funded(jobId, requesterAgentId, auth.from, lock, false);
        _receive(auth, lock, _fillIntent(q, requesterAgentId, specHash));
        _fund(jobId, q.providerAgentId, providerWallet, FeeMath.providerDeposit(value));
    }

    /// @dev Validates a quote and consumes its nonce; returns the job value and the signer.
    ///      `requesterRoles`: the requester's role bits, read by the caller with its authorisation.
    function _checkQuote(Quote calldata q, bytes calldata signature, uint256 requesterAgentId, uint8 requesterRoles)
        private
        returns (uint256 value, address wallet)
    {
        if (block.timestamp > q.expiry) revert QuoteExpired(q.expiry);
        if (q.requester != 0 && q.requester != requesterAgentId) {
            revert QuoteRequesterMismatch(q.requester, requesterAgentId);
        }
        uint256 provider = q.providerAgentId;
        if (provider == requesterAgentId) revert SameAgent(provider);
        if (q.deliveryPeriod == 0 || q.deliveryPeriod > MAX_PERIOD) revert BadPeriod(q.deliveryPeriod);
        value = q.units * q.unitPrice;
        if (value < MIN_JOB_VALUE) revert ValueTooSmall(value, MIN_JOB_VALUE);
        if (value > type(uint88).max) revert ValueTooLarge(value);
        _checkId(provider);
        _checkId(requesterAgentId);
        // Nonce: below the provider's minimum, or its bit set, means used or cancelled.
        uint256 nonce = q.nonce;
        uint256 bit = 1 << (nonce & 0xff);
        uint256 bits = _nonceBits[provider][nonce >> 8];
        if (nonce < _accounts[provider].minQuoteNonce || bits & bit != 0) revert QuoteNonceUsed(provider, nonce);
        _nonceBits[provider][nonce >> 8] = bits | bit;
        wallet = _providerWallet(provider);
        if (!requesterRoles.has(AgentRoles.REQUESTER)) revert MissingRole(requesterAgentId, AgentRoles.REQUESTER);
        if (!SignatureChecker.isValidSignatureNow(wallet, _quoteDigest(q), signature)) {
            revert InvalidQuoteSignature(provider);
        }
    }

    function _createFilled(Quote calldata q, uint256 requesterAgentId, bytes32 specHash, uint256 value)
        private
        returns (uint256 jobId)
    {
        if (specHash == bytes32(0)) revert ZeroSpec();
        jobId = ++_config.jobCount;
        uint256 provider = q.providerAgentId;
        uint256 period = q.deliveryPeriod;
        uint256 deliveryDeadline = block.timestamp + period;
        // One word (`Job`'s layout, `_jobWord`); every field is in range: the ids passed `_checkId`,
        // the value is below 2^88 and the period at most MAX_PERIOD (`_checkQuote`), so the
        // deadline fits 40 bits. `aux` holds the delivery period, which sets the decline window
        // (`_declineBy`); flags are 0.
        _setJobWord(
            jobId,
            requesterAgentId | (provider << _PROVIDER_SHIFT) | (value << _VALUE_SHIFT)
                | (deliveryDeadline << _DEADLINE_SHIFT) | (period << _AUX_SHIFT)
                | (uint256(Status.Accepted) << _STATUS_SHIFT)
        );
        emit JobCreated(jobId, requesterAgentId, provider, value, specHash, block.timestamp, period);
        emit QuoteFilled(jobId, provider, q.nonce, q.resourceKind, q.units, q.unitPrice);
        emit JobAccepted(jobId, provider, deliveryDeadline);
    }

    /// @inheritdoc IWorkMarket
    function cancelQuote(uint256 providerAgentId, uint256 nonce) external {
        _requireAuthorized(providerAgentId, msg.sender);
        _nonceBits[providerAgentId][nonce >> 8] |= 1 << (nonce & 0xff);
        emit QuoteCancelled(providerAgentId, nonce);
    }

    /// @inheritdoc IWorkMarket
    function cancelQuotesBelow(uint256 providerAgentId, uint256 minNonce) external {
        _requireAuthorized(providerAgentId, msg.sender);
        uint256 current = _accounts[providerAgentId].minQuoteNonce;
        if (minNonce <= current) revert NonceNotIncreasing(current, minNonce);
        _accounts[providerAgentId].minQuoteNonce = SafeCast.toUint128(minNonce);
        emit QuotesCancelledBelow(providerAgentId, minNonce);
    }

    // ------------------------------------------------------------------ delivery and deadlines

    /// @inheritdoc IWorkMarket
    function submit(uint256 jobId, bytes32 resultHash, string calldata resultURI) external {
        // The job as its storage word: one read, one write, no memory struct.
        uint256 w = _jobWord(jobId);
        _requireStatusWord(jobId, w, Status.Accepted);
        uint256 deadline = (w >> _DEADLINE_SHIFT) & _MASK40;
        if (block.timestamp > deadline) revert DeadlinePassed(jobId, deadline);
        if (resultHash == bytes32(0)) revert ZeroSpec();
        _requireAuthorized((w >> _PROVIDER_SHIFT) & _MASK40, msg.sender);
        uint256 validationDeadline = block.timestamp + _config.validationPeriod;
        uint256 seedBlock = block.number + 1;
        w = _withStatus(w, Status.Submitted, validationDeadline);
        w = (w & ~(uint256(0xffffffff) << _AUX_SHIFT)) | ((seedBlock & 0xffffffff) << _AUX_SHIFT);
        _setJobWord(jobId, w);
        emit JobSubmitted(jobId, resultHash, resultURI, validationDeadline, seedBlock);
    }

    /// @inheritdoc IWorkMarket
    function decline(uint256 jobId) external nonReentrant {
        Job memory j = _jobs[jobId];
        _requireStatus(jobId, j, Status.Accepted);
        uint256 provider = j.providerAgentId;
        _requireAuthorized(provider, msg.sender);
        uint256 declineBy = _declineBy(j);
        if (block.timestamp > declineBy) revert DeclineWindowOver(jobId, declineBy);
        uint256 requesterRefund = FeeMath.requesterLock(j.value);
        uint256 providerRefund = FeeMath.providerDeposit(j.value);
        _jobs[jobId].status = uint8(Status.Declined);
        _addCredit(j.requesterAgentId, requesterRefund);
        _addCredit(provider, providerRefund);
        emit JobDeclined(jobId, provider, requesterRefund, providerRefund);
    }

    /// @inheritdoc IWorkMarket
    function expire(uint256 jobId) external nonReentrant {
        Job memory j = _jobs[jobId];
        Status s = Status(j.status);
        if (s != Status.Open && s != Status.Accepted) revert WrongStatus(jobId, s);
        if (block.timestamp <= j.deadline) revert DeadlineNotReached(jobId, j.deadline);
        uint256 refund = FeeMath.requesterLock(j.value);
        uint256 slashed;
        uint256 burned;
        if (s == Status.Accepted) {
            // The producer never delivered: its deposit is slashed, half to the requester.
            slashed = FeeMath.providerDeposit(j.value);
            uint256 compensation;
            (compensation, burned) = FeeMath.splitSlash(slashed);
            refund += compensation;
        }
        _jobs[jobId].status = uint8(Status.Expired);
        _addCredit(j.requesterAgentId, refund);
        emit JobExpired(jobId, uint8(s), refund, slashed);
        if (burned != 0) _burn(jobId, burned, BurnReason.ProviderDepositSlashed);
    }

    /// @inheritdoc IWorkMarket
    function challenge(uint256 jobId, uint256 agentId) external nonReentrant {
        Job memory j = _jobs[jobId];
        _requireStatus(jobId, j, Status.Validated);
        if (block.timestamp > j.deadline) revert DeadlinePassed(jobId, j.deadline);
        bool byProvider = j.flags & FLAG_PRODUCER_WINS == 0;
        if (agentId != (byProvider ? j.providerAgentId : j.requesterAgentId)) revert NotAParty(jobId, agentId);
        _requireAuthorized(agentId, msg.sender);
        uint256 bond;
        uint8 flags = j.flags | FLAG_CHALLENGED;
        if (byProvider) {
            bond = FeeMath.challengeBond(j.value);
            flags |= FLAG_BOND_BY_PROVIDER;
        } // the requester's deposit is its bond
        uint256 disputeDeadline = block.timestamp + _config.disputePeriod;
        j.status = uint8(Status.Disputed);
        j.flags = flags;
        j.deadline = uint40(disputeDeadline);
        _jobs[jobId] = j;
        emit JobDisputed(jobId, agentId, bond, disputeDeadline);
        if (bond != 0) _fund(jobId, agentId, msg.sender, bond);
        IValidatorPool(_pool()).escalate(jobId);
    }

    // ------------------------------------------------------------------ validator pool hooks

    /// @inheritdoc IWorkMarket
    function recordOutcome(uint256 jobId, Outcome outcome, bool producerWins, bool validatorsPaid) external {
        if (msg.sender != validatorPool || msg.sender == address(0)) revert NotValidatorPool(msg.sender);
        // The job as its storage word: one read, one write, no memory struct.
        uint256 w = _jobWord(jobId);
        _requireStatusWord(
            jobId, w, outcome == Outcome.Verdict || outcome == Outcome.Disagreement ? Status.Submitted : Status.Disputed
        );
        uint8 flags = uint8(w >> _FLAGS_SHIFT) & ~(FLAG_PRODUCER_WINS | FLAG_VALIDATORS_PAID);
        if (producerWins) flags |= FLAG_PRODUCER_WINS;
        if (validatorsPaid) flags |= FLAG_VALIDATORS_PAID;
        if (outcome == Outcome.Verdict) {
            uint256 challengeDeadline = block.timestamp + _config.challengePeriod;
            w = _withStatus(w, Status.Validated, challengeDeadline);
            emit JobValidated(jobId, producerWins, validatorsPaid, challengeDeadline);
        } else if (outcome == Outcome.Disagreement) {
            uint256 disputeDeadline = block.timestamp + _config.disputePeriod;
            w = _withStatus(w, Status.Disputed, disputeDeadline);
            flags |= FLAG_DISAGREEMENT;
            emit JobDisputed(jobId, 0, 0, disputeDeadline);
        } else {
            bool noFault = outcome == Outcome.NoFault;
            if (noFault) flags = (flags | FLAG_NO_FAULT) & ~(FLAG_PRODUCER_WINS | FLAG_VALIDATORS_PAID);
            w = _withStatus(w, Status.Resolved, (w >> _DEADLINE_SHIFT) & _MASK40);
            emit JobResolved(jobId, producerWins && !noFault, noFault, validatorsPaid && !noFault);
        }
        _setJobWord(jobId, (w & ~(uint256(0xff) << _FLAGS_SHIFT)) | (uint256(flags) << _FLAGS_SHIFT));
    }

    // ------------------------------------------------------------------ settlement

    /// @inheritdoc IWorkMarket
    function settle(uint256[] calldata jobIds) external nonReentrant returns (uint256 settled) {
        // Pass 1: the volume paid to producers, recorded once for the batch. Ids must increase
        // strictly, so that no job is counted twice. Each ready job's storage word is kept for
        // pass 2 (nothing changes a job in between), the others' stay 0 (a job's status is never 0).
        uint256 n = jobIds.length;
        uint256[] memory words = new uint256[](n);
        uint256 volume;
        uint256 prev;
        for (uint256 i; i < n; ++i) {
            uint256 id = jobIds[i];
            if (id <= prev) revert UnsortedJobIds(prev, id);
            prev = id;
            uint256 w = _jobWord(id);
            uint256 status = (w >> _STATUS_SHIFT) & 0xff;
            if (
                status != uint8(Status.Resolved)
                    && (status != uint8(Status.Validated) || block.timestamp <= (w >> _DEADLINE_SHIFT) & _MASK40)
            ) continue;
            words[i] = w;
            if ((w >> _FLAGS_SHIFT) & (FLAG_PRODUCER_WINS | FLAG_NO_FAULT) == FLAG_PRODUCER_WINS) {
                volume += (w >> _VALUE_SHIFT) & _VALUE_MASK;
            }
        }
        uint256 burnBps;
        if (volume != 0) burnBps = _recordVolume(volume);
        // Pass 2: pay out.
        Totals memory t;
        for (uint256 i; i < n; ++i) {
            uint256 w = words[i];
            if (w == 0) continue;
            uint256 id = jobIds[i];
            _setJobWord(id, (w & ~(uint256(0xff) << _STATUS_SHIFT)) | (uint256(Status.Settled) << _STATUS_SHIFT));
            _settleOne(id, w, burnBps, t);
            ++settled;
        }
        if (settled == 0) revert NothingToSettle();
        if (t.burned != 0) compute.burn(t.burned); // each part was emitted as `Burned`
        if (t.toTreasury != 0 || t.toValidators != 0) {
            // Fee shares accrue here and are pushed by `sweep` (one slot write per batch).
            Pending memory p = _pending;
            p.treasury += uint128(t.toTreasury);
            p.validators += uint128(t.toValidators);
            _pending = p;
        }
    }

    /// @inheritdoc IWorkMarket
    /// @dev Leaves 1 wei of the treasury share pending, so that the packed slot stays non-zero
    ///      and the next settlement updates it (5,000 gas) instead of re-creating it (20,000 gas).
    ///      That wei stays accounted and is paid by a later sweep. Validation fees are pushed in
    ///      full: the pool owes them to validators.
    function sweep() external nonReentrant {
        Pending memory p = _pending;
        uint256 toTreasury = p.treasury > 1 ? p.treasury - 1 : 0;
        uint256 toValidators = p.validators;
        _pending = Pending({treasury: p.treasury - uint128(toTreasury), validators: 0});
        if (toTreasury != 0) {
            emit TreasuryPaid(toTreasury);
            IERC20(address(compute)).safeTransfer(treasury, toTreasury);
        }
        if (toValidators != 0) {
            emit ValidationFeesPaid(toValidators);
            IERC20(address(compute)).safeTransfer(validatorPool, toValidators);
        }
    }

    /// @inheritdoc IWorkMarket
    function pendingFees() external view returns (uint256 toTreasury, uint256 toValidators) {
        Pending memory p = _pending;
        return (p.treasury, p.validators);
    }

    /// @dev Asks the FeeController for the burn share, which never blocks a payout: if it reverts
    ///      (paused, misconfigured) half the fee burns; an out-of-range answer is capped at 100%.
    function _recordVolume(uint256 volume) private returns (uint256 burnBps) {
        try feeController.recordVolume(volume) returns (uint16 bps) {
            burnBps = bps > FeeMath.BPS ? FeeMath.BPS : bps;
        } catch {
            burnBps = FeeMath.BPS / 2;
            emit VolumeNotRecorded(volume);
        }
    }

    /// @dev The last second an accepted job may be declined: the first 1/DECLINE_SHARE of its
    ///      delivery period (kept in `aux` while Accepted), counted from the acceptance.
    function _declineBy(Job memory j) private pure returns (uint256) {
        return uint256(j.deadline) - j.aux + j.aux / DECLINE_SHARE;
    }

    /// @dev A job's storage word (see `Job`: requesterAgentId at bit 0, then providerAgentId,
    ///      value, deadline, aux, status, flags).
    function _jobWord(uint256 jobId) private view returns (uint256 w) {
        Job storage j = _jobs[jobId];
        assembly ("memory-safe") {
            w := sload(j.slot)
        }
    }

    /// @dev Writes a job's storage word (layout: `_jobWord`).
    function _setJobWord(uint256 jobId, uint256 w) private {
        Job storage j = _jobs[jobId];
        assembly ("memory-safe") {
            sstore(j.slot, w)
        }
    }

    /// @dev The job word `w` with its status set to `status` and its deadline to `deadline`
    ///      (kept to 40 bits, as the struct's field).
    function _withStatus(uint256 w, Status status, uint256 deadline) private pure returns (uint256) {
        return (w & ~((_MASK40 << _DEADLINE_SHIFT) | (uint256(0xff) << _STATUS_SHIFT)))
            | ((deadline & _MASK40) << _DEADLINE_SHIFT) | (uint256(status) << _STATUS_SHIFT);
    }

    /// @dev Credits one job's payouts (computed by the Settlement library) and adds its burns and
    ///      fees to the batch totals. `w` is the job's storage word.
    function _settleOne(uint256 jobId, uint256 w, uint256 burnBps, Totals memory t) private {
        Settlement.Payout memory p =
            Settlement.payout((w >> _VALUE_SHIFT) & _VALUE_MASK, uint8(w >> _FLAGS_SHIFT), burnBps);
        // Each part is at most a few times the job's value (< 2^88): the sums cannot overflow.
        unchecked {
            t.toTreasury += p.toTreasury;
            t.toValidators += p.toValidators;
        }
        if (p.feeBurn != 0) _addBurn(t, jobId, p.feeBurn, BurnReason.ProtocolFee);
        if (p.requesterBondBurn != 0) _addBurn(t, jobId, p.requesterBondBurn, BurnReason.RequesterBondSlashed);
        if (p.providerDepositBurn != 0) _addBurn(t, jobId, p.providerDepositBurn, BurnReason.ProviderDepositSlashed);
        if (p.providerBondBurn != 0) _addBurn(t, jobId, p.providerBondBurn, BurnReason.ProviderBondSlashed);
        if (p.toProvider != 0) _addCredit((w >> _PROVIDER_SHIFT) & _MASK40, p.toProvider);
        if (p.toRequester != 0) _addCredit(w & _MASK40, p.toRequester);
        emit JobSettled(jobId, p.toProvider, p.toRequester, p.protocolFee, p.toValidators, p.toValidators != 0);
    }

    /// @dev Adds a non-zero burn to the batch total and records it.
    function _addBurn(Totals memory t, uint256 jobId, uint256 amount, BurnReason reason) private {
        unchecked {
            t.burned += amount; // bounded as above
        }
        emit Burned(jobId, amount, reason);
    }

    /// @inheritdoc IWorkMarket
    function withdraw(uint256 agentId, address to, uint256 amount) external nonReentrant {
        if (to == address(0)) revert ZeroAddress();
        if (amount == 0) revert ZeroAmount();
        _requireAuthorized(agentId, msg.sender);
        uint256 credit = _accounts[agentId].credit;
        if (amount > credit) revert InsufficientCredit(agentId, credit, amount);
        _accounts[agentId].credit = uint128(credit - amount);
        emit Withdrawn(agentId, to, amount);
        IERC20(address(compute)).safeTransfer(to, amount);
    }

    // ------------------------------------------------------------------ governance

    /// @notice Sets the validator pool, once. Only DEFAULT_ADMIN_ROLE.
    function setValidatorPool(address pool) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (pool == address(0)) revert ZeroAddress();
        if (validatorPool != address(0)) revert PoolAlreadySet();
        validatorPool = pool;
        emit ValidatorPoolSet(pool);
    }

    /// @notice Sets the validation, challenge and dispute periods (each 1 hour to 30 days); jobs
    ///         already in a phase keep their deadline. Only GOVERNOR_ROLE.
    function setPeriods(uint32 validationPeriod, uint32 challengePeriod, uint32 disputePeriod)
        external
        onlyRole(GOVERNOR_ROLE)
    {
        _checkGoverned(validationPeriod);
        _checkGoverned(challengePeriod);
        _checkGoverned(disputePeriod);
        Config memory c = _config;
        c.validationPeriod = validationPeriod;
        c.challengePeriod = challengePeriod;
        c.disputePeriod = disputePeriod;
        _config = c;
        emit PeriodsUpdated(validationPeriod, challengePeriod, disputePeriod);
    }

    /// @notice Stops new jobs, acceptances and quote fills. Only PAUSER_ROLE.
    function pause() external onlyRole(PAUSER_ROLE) {
        if (_config.paused) revert EnforcedPause();
        _config.paused = true;
        emit Paused(msg.sender);
    }

    /// @notice Lifts the pause. Only PAUSER_ROLE.
    function unpause() external onlyRole(PAUSER_ROLE) {
        if (!_config.paused) revert ExpectedPause();
        _config.paused = false;
        emit Unpaused(msg.sender);
    }

    /// @notice Whether new jobs, acceptances and quote fills are stopped.
    function paused() external view returns (bool) {
        return _config.paused;
    }

    /// @dev As OpenZeppelin's Pausable (same errors and events), with the flag kept in `_config`:
    ///      a fill reads that slot for the job count, so the pause check costs no slot of its own.
    modifier whenNotPaused() {
        if (_config.paused) revert EnforcedPause();
        _;
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IJobRegistry
    function jobParties(uint256 jobId)
        external
        view
        returns (uint256 requesterAgentId, uint256 providerAgentId, bool settled)
    {
        // the job's word, not a memory struct: each rating calls this (two per job)
        uint256 w = _jobWord(jobId);
        return (w & _MASK40, (w >> _PROVIDER_SHIFT) & _MASK40, (w >> _STATUS_SHIFT) & 0xff == uint8(Status.Settled));
    }

    /// @inheritdoc IWorkMarket
    function getJob(uint256 jobId) external view returns (Job memory) {
        return _jobs[jobId];
    }

    /// @inheritdoc IWorkMarket
    function quoteDigest(Quote calldata q) external view returns (bytes32) {
        return _quoteDigest(q);
    }

    /// @inheritdoc IWorkMarket
    function credits(uint256 agentId) external view returns (uint256) {
        return _accounts[agentId].credit;
    }

    /// @inheritdoc IWorkMarket
    function minQuoteNonce(uint256 providerAgentId) external view returns (uint256) {
        return _accounts[providerAgentId].minQuoteNonce;
    }

    /// @inheritdoc IWorkMarket
    function isQuoteNonceUsed(uint256 providerAgentId, uint256 nonce) external view returns (bool) {
        return nonce < _accounts[providerAgentId].minQuoteNonce
            || _nonceBits[providerAgentId][nonce >> 8] & (1 << (nonce & 0xff)) != 0;
    }

    /// @inheritdoc IWorkMarket
    function fillIntent(Quote calldata q, uint256 requesterAgentId, bytes32 specHash) external view returns (bytes32) {
        return _fillIntent(q, requesterAgentId, specHash);
    }

    /// @inheritdoc IWorkMarket
    function requesterLock(uint256 value) external pure returns (uint256) {
        return FeeMath.requesterLock(value);
    }

    /// @inheritdoc IWorkMarket
    function jobCount() external view returns (uint256) {
        return _config.jobCount;
    }

    /// @inheritdoc IWorkMarket
    function periods() external view returns (uint32 validationPeriod, uint32 challengePeriod, uint32 disputePeriod) {
        Config memory c = _config;
        return (c.validationPeriod, c.challengePeriod, c.disputePeriod);
    }

    // ------------------------------------------------------------------ internals

    function _quoteDigest(Quote calldata q) private view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(QUOTE_TYPEHASH, q)));
    }

    function _fillIntent(Quote calldata q, uint256 requesterAgentId, bytes32 specHash) private view returns (bytes32) {
        return keccak256(abi.encode(FILL_INTENT_TAG, _quoteDigest(q), requesterAgentId, specHash));
    }

    /// @dev Adds `amount` to an agent's credit; reverts (SafeCast) past 2^128 - 1.
    function _addCredit(uint256 agentId, uint256 amount) private {
        Account storage a = _accounts[agentId];
        a.credit = SafeCast.toUint128(a.credit + amount);
    }

    /// @dev Locks `amount` for `agentId`: from its credit if that covers it, else from `payer`.
    function _fund(uint256 jobId, uint256 agentId, address payer, uint256 amount) private {
        uint256 credit = _accounts[agentId].credit;
        if (credit >= amount) {
            _accounts[agentId].credit = uint128(credit - amount);
            emit Funded(jobId, agentId, address(this), amount, true);
        } else {
            emit Funded(jobId, agentId, payer, amount, false);
            IERC20(address(compute)).safeTransferFrom(payer, address(this), amount);
        }
    }

    /// @dev Pulls `amount` with an EIP-3009 ReceiveWithAuthorization whose nonce is `intent`.
    function _receive(Authorization calldata auth, uint256 amount, bytes32 intent) private {
        IEIP3009(address(compute)).receiveWithAuthorization(
            auth.from, address(this), amount, auth.validAfter, auth.validBefore, intent, auth.signature
        );
    }

    /// @dev Burns through COMPUTE.burn, so the token's `totalBurned` counts it; the `Burned` event
    ///      names the job and the reason.
    function _burn(uint256 jobId, uint256 amount, BurnReason reason) private {
        emit Burned(jobId, amount, reason);
        compute.burn(amount);
    }

    function _requireAuthorized(uint256 agentId, address account) private view {
        if (!registry.isAuthorized(agentId, account)) revert NotAuthorized(agentId, account);
    }

    /// @dev One registry call for an authorisation and a role check: whether `account` acts for
    ///      `agentId` (its owner or agent wallet; never for an unknown agent, whose record is all
    ///      zero), and the agent's role bits. The caller reverts with its own error.
    function _access(uint256 agentId, address account) private view returns (bool actsFor, uint8 roles) {
        address owner;
        address wallet;
        (owner, wallet, roles) = registry.agentRecord(agentId);
        actsFor = owner != address(0) && (account == owner || account == wallet);
    }

    /// @dev The agent wallet of a provider, in one registry call; reverts `MissingRole` unless the
    ///      agent exists and offers the PROVIDER role.
    function _providerWallet(uint256 agentId) private view returns (address wallet) {
        uint8 roles;
        (, wallet, roles) = registry.agentRecord(agentId); // all zero for an unknown agent
        if (!roles.has(AgentRoles.PROVIDER)) revert MissingRole(agentId, AgentRoles.PROVIDER);
    }

    function _requireRole(uint256 agentId, uint8 role) private view {
        if (!registry.hasRoles(agentId, role)) revert MissingRole(agentId, role);
    }

    function _requireStatus(uint256 jobId, Job memory j, Status expected) private pure {
        if (j.status != uint8(expected)) revert WrongStatus(jobId, Status(j.status));
    }

    /// @dev `_requireStatus` for a job's storage word.
    function _requireStatusWord(uint256 jobId, uint256 w, Status expected) private pure {
        uint256 status = (w >> _STATUS_SHIFT) & 0xff;
        if (status != uint8(expected)) revert WrongStatus(jobId, Status(status));
    }

    function _checkId(uint256 agentId) private pure {
        if (agentId > type(uint40).max) revert AgentIdTooLarge(agentId);
    }

    function _checkGoverned(uint256 period) private pure {
        if (period < MIN_GOVERNED_PERIOD || period > MAX_GOVERNED_PERIOD) revert BadPeriod(period);
    }

    function _pool() private view returns (address pool) {
        pool = validatorPool;
        if (pool == address(0)) revert PoolNotSet();
    }

}
