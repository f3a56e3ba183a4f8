// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IJobRegistry} from "./IJobRegistry.sol";

/// @title IWorkMarket
/// @notice Jobs between agents, paid in COMPUTE: Open → Accepted → Submitted → Validated |
///         Disputed → Resolved → Settled; also Cancelled, Expired and Declined. See docs/market.md.
interface IWorkMarket is IJobRegistry {
    /// @notice Job states. `Validated` is a committee verdict still open to challenge;
    ///         `Resolved` is a final verdict after a dispute; `Settled` means paid out;
    ///         `Declined` means the provider handed an accepted job back in its decline window.
    enum Status {
        None,
        Open,
        Accepted,
        Submitted,
        Validated,
        Disputed,
        Resolved,
        Cancelled,
        Expired,
        Settled,
        Declined
    }

    /// @notice What the validator pool reports to the market.
    enum Outcome {
        Verdict,
        Disagreement,
        Final,
        NoFault
    }

    /// @notice Why COMPUTE was burned.
    enum BurnReason {
        ProtocolFee,
        ProviderDepositSlashed,
        RequesterBondSlashed,
        ProviderBondSlashed
    }

    /// @notice A job as stored (one slot) plus its spec or result hash (a second slot).
    struct Job {
        uint40 requesterAgentId;
        uint40 providerAgentId; // 0 while open to any provider
        uint88 value; // price of the work, COMPUTE wei
        uint40 deadline; // of the current phase (accept, deliver, validate, challenge, dispute)
        uint32 aux; // Open and Accepted: delivery period (s); from Submitted: seed block of the committee draw
        uint8 status;
        uint8 flags; // FLAG_* bits
    }

    /// @notice Parameters of a new open job.
    struct JobRequest {
        uint256 requesterAgentId;
        uint256 providerAgentId; // 0 = any provider may accept
        uint256 value;
        bytes32 specHash; // hash of the job specification (non-zero)
        uint256 acceptDeadline; // absolute time
        uint256 deliveryPeriod; // seconds from acceptance to the delivery deadline
    }

    /// @notice A provider's EIP-712 signed offer (the Resource Exchange Protocol).
    /// @dev `requester` is a requester agent id (0 = anyone). `deliveryPeriod` (seconds from the
    ///      fill) is the provider's delivery promise: signed by the provider so that a requester
    ///      cannot impose an impossible deadline and collect the slashed deposit.
    struct Quote {
        uint256 providerAgentId;
        bytes32 resourceKind;
        uint256 units;
        uint256 unitPrice;
        uint256 expiry;
        uint256 nonce;
        uint256 requester;
        uint256 deliveryPeriod;
    }

    /// @notice An EIP-3009 ReceiveWithAuthorization signed by `from`, paying the market. For a
    ///         quote fill its nonce must be `fillIntent(...)`, so a relayer can neither change the
    ///         job nor reuse the payment.
    struct Authorization {
        address from;
        uint256 validAfter;
        uint256 validBefore;
        bytes signature;
    }

    event JobCreated(
        uint256 indexed jobId,
        uint256 indexed requesterAgentId,
        uint256 indexed providerAgentId,
        uint256 value,
        bytes32 specHash,
        uint256 acceptDeadline,
        uint256 deliveryPeriod
    );
    event JobAccepted(uint256 indexed jobId, uint256 indexed providerAgentId, uint256 deliveryDeadline);
    event QuoteFilled(
        uint256 indexed jobId,
        uint256 indexed providerAgentId,
        uint256 indexed nonce,
        bytes32 resourceKind,
        uint256 units,
        uint256 unitPrice
    );
    event Funded(uint256 indexed jobId, uint256 indexed agentId, address indexed payer, uint256 amount, bool fromCredit);
    event JobCancelled(uint256 indexed jobId, uint256 refund);
    event JobExpired(uint256 indexed jobId, uint8 fromStatus, uint256 requesterRefund, uint256 providerSlashed);
    event JobDeclined(
        uint256 indexed jobId, uint256 indexed providerAgentId, uint256 requesterRefund, uint256 providerRefund
    );
    event JobSubmitted(
        uint256 indexed jobId, bytes32 resultHash, string resultURI, uint256 validationDeadline, uint256 seedBlock
    );
    event JobValidated(uint256 indexed jobId, bool producerWins, bool validatorsPaid, uint256 challengeDeadline);
    event JobDisputed(uint256 indexed jobId, uint256 indexed challengerAgentId, uint256 bond, uint256 disputeDeadline);
    event JobResolved(uint256 indexed jobId, bool producerWins, bool noFault, bool validatorsPaid);
    event JobSettled(
        uint256 indexed jobId,
        uint256 providerPayout,
        uint256 requesterPayout,
        uint256 protocolFee,
        uint256 validationFee,
        bool validatorsPaid
    );
    event Withdrawn(uint256 indexed agentId, address indexed to, uint256 amount);
    event Deposited(uint256 indexed agentId, address indexed from, uint256 amount);
    event Burned(uint256 indexed jobId, uint256 amount, BurnReason reason);
    event TreasuryPaid(uint256 amount);
    /// @notice The FeeController refused the batch's volume; half of the protocol fee burned.
    event VolumeNotRecorded(uint256 volume);
    event ValidationFeesPaid(uint256 amount);
    event QuoteCancelled(uint256 indexed providerAgentId, uint256 indexed nonce);
    event QuotesCancelledBelow(uint256 indexed providerAgentId, uint256 minNonce);
    event ValidatorPoolSet(address pool);
    event PeriodsUpdated(uint32 validationPeriod, uint32 challengePeriod, uint32 disputePeriod);
    /// @notice The market was paused / unpaused by `account` (as OpenZeppelin's Pausable).
    event Paused(address account);
    event Unpaused(address account);

    error ZeroAddress();
    error ZeroSpec();
    error ValueTooSmall(uint256 value, uint256 minimum);
    error ValueTooLarge(uint256 value);
    error AgentIdTooLarge(uint256 agentId);
    error NotAuthorized(uint256 agentId, address account);
    error MissingRole(uint256 agentId, uint8 role);
    error SameAgent(uint256 agentId);
    error BadDeadline(uint256 deadline);
    error BadPeriod(uint256 period);
    error WrongStatus(uint256 jobId, Status status);
    error NotDesignatedProvider(uint256 jobId, uint256 providerAgentId);
    error DeadlinePassed(uint256 jobId, uint256 deadline);
    error DeadlineNotReached(uint256 jobId, uint256 deadline);
    error QuoteExpired(uint256 expiry);
    error QuoteNonceUsed(uint256 providerAgentId, uint256 nonce);
    error QuoteRequesterMismatch(uint256 requester, uint256 requesterAgentId);
    error InvalidQuoteSignature(uint256 providerAgentId);
    error NonceNotIncreasing(uint256 current, uint256 requested);
    error PayerNotAuthorized(address payer);
    error NotValidatorPool(address caller);
    error PoolAlreadySet();
    error PoolNotSet();
    error NothingToSettle();
    error InsufficientCredit(uint256 agentId, uint256 credit, uint256 amount);
    error ZeroAmount();
    error NotAParty(uint256 jobId, uint256 agentId);
    error UnsortedJobIds(uint256 previous, uint256 jobId);
    error DeclineWindowOver(uint256 jobId, uint256 declineBy);
    /// @notice The market is paused (pause: it already is).
    error EnforcedPause();
    /// @notice unpause: the market is not paused.
    error ExpectedPause();

    // ------------------------------------------------------------------ jobs

    /// @notice Opens a job for `r.requesterAgentId` (caller authorised for it), locking
    ///         value + 5% deposit + 1% protocol fee + 0.5% validation fee from the agent's
    ///         credit if it covers the lock, else from the caller. Pausable.
    function createJob(JobRequest calldata r) external returns (uint256 jobId);

    /// @notice Credits `amount` to `agentId`, paid by an EIP-3009 ReceiveWithAuthorization of
    ///         `auth.from` (an address authorised for the agent) with nonce `nonce`; anyone may
    ///         relay it. Jobs, acceptances and bonds of the agent are then funded from its credit.
    function depositWithAuthorization(uint256 agentId, uint256 amount, bytes32 nonce, Authorization calldata auth)
        external;

    /// @notice Accepts an open job for `providerAgentId` (caller authorised, PROVIDER role), locking
    ///         the 2% producer deposit (from the agent's credit if it covers it, else the caller).
    function accept(uint256 jobId, uint256 providerAgentId) external;

    /// @notice Cancels an open job (requester only) and credits the whole lock back.
    function cancel(uint256 jobId) external;

    /// @notice Delivers the result of an accepted job before its delivery deadline (provider only).
    ///         Never paused, so a pause cannot make a producer miss its deadline.
    function submit(uint256 jobId, bytes32 resultHash, string calldata resultURI) external;

    /// @notice Hands an accepted job back (provider only), within the first quarter of its delivery
    ///         period: the requester's lock and the provider's deposit are credited back in full.
    ///         For a job the provider cannot do — its spec cannot be found or does not parse — which
    ///         would otherwise expire with the provider's deposit slashed, half of it to the
    ///         requester. Never paused.
    function decline(uint256 jobId) external;

    /// @notice Permissionless after a deadline: an open job past its acceptance deadline is
    ///         refunded; an accepted job past its delivery deadline is refunded and the producer
    ///         deposit slashed (half compensates the requester, half burns).
    function expire(uint256 jobId) external;

    /// @notice The losing party of a `Validated` verdict challenges it before the challenge
    ///         deadline: the requester's 5% deposit is its bond; a producer posts a 5% bond. The
    ///         job goes to an escalation committee of the validator pool.
    function challenge(uint256 jobId, uint256 agentId) external;

    /// @notice Pays out every job of `jobIds` that is ready (a `Validated` job past its challenge
    ///         deadline, or a `Resolved` job); others are skipped. Payouts go to the agents' credit
    ///         (pull with `withdraw`). Permissionless and never paused. Returns the number settled.
    function settle(uint256[] calldata jobIds) external returns (uint256 settled);

    /// @notice Pushes the settled fee shares not yet paid: the treasury share of protocol fees to
    ///         the treasury, validation fees to the validator pool. Permissionless, never paused.
    function sweep() external;

    /// @notice Fee shares settled and not yet pushed by `sweep`.
    function pendingFees() external view returns (uint256 toTreasury, uint256 toValidators);

    /// @notice Pays `amount` of `agentId`'s credit to `to` (caller authorised for the agent).
    ///         Never paused.
    function withdraw(uint256 agentId, address to, uint256 amount) external;

    // ------------------------------------------------------------------ quotes

    /// @notice Creates and accepts a job from a provider's signed quote in one transaction; the
    ///         caller is authorised for `requesterAgentId`. The producer deposit is taken from the
    ///         provider agent's credit if it covers it, else from its agent wallet (which signed).
    function fillQuote(Quote calldata q, bytes calldata signature, uint256 requesterAgentId, bytes32 specHash)
        external
        returns (uint256 jobId);

    /// @notice `fillQuote` paid by an EIP-3009 authorisation (nonce = `fillIntent(...)`).
    function fillQuoteWithAuthorization(
        Quote calldata q,
        bytes calldata signature,
        uint256 requesterAgentId,
        bytes32 specHash,
        Authorization calldata auth
    ) external returns (uint256 jobId);

    /// @notice Cancels quote `nonce` of `providerAgentId` (caller authorised for it).
    function cancelQuote(uint256 providerAgentId, uint256 nonce) external;

    /// @notice Cancels every quote of `providerAgentId` with a nonce below `minNonce`.
    function cancelQuotesBelow(uint256 providerAgentId, uint256 minNonce) external;

    // ------------------------------------------------------------------ validator pool hooks

    /// @notice Records what the validator pool decided (only the pool): a first-round `Verdict`
    ///         (Submitted → Validated, open to challenge), a `Disagreement` in the first committee
    ///         (Submitted → Disputed), a `Final` verdict of a dispute or a `NoFault` dispute without
    ///         majority (Disputed → Resolved).
    function recordOutcome(uint256 jobId, Outcome outcome, bool producerWins, bool validatorsPaid) external;

    // ------------------------------------------------------------------ views

    /// @notice A job's stored fields. Its spec and result hashes are not stored: `JobCreated` and
    ///         `JobSubmitted` carry them.
    function getJob(uint256 jobId) external view returns (Job memory);

    /// @notice The EIP-712 digest a provider's agent wallet signs for `q`.
    function quoteDigest(Quote calldata q) external view returns (bytes32);

    /// @notice Whether quote `nonce` of `providerAgentId` can no longer be filled.
    function isQuoteNonceUsed(uint256 providerAgentId, uint256 nonce) external view returns (bool);

    /// @notice The EIP-3009 nonce that pays for `fillQuoteWithAuthorization(q, ...)`.
    function fillIntent(Quote calldata q, uint256 requesterAgentId, bytes32 specHash) external view returns (bytes32);

    /// @notice What a requester locks for a job of `value`.
    function requesterLock(uint256 value) external pure returns (uint256);

    /// @notice COMPUTE credited to `agentId` and not yet withdrawn.
    function credits(uint256 agentId) external view returns (uint256);

    /// @notice Quotes of `providerAgentId` with a nonce below this are cancelled (`cancelQuotesBelow`).
    function minQuoteNonce(uint256 providerAgentId) external view returns (uint256);

    /// @notice The number of jobs ever created (ids run from 1).
    function jobCount() external view returns (uint256);

    /// @notice The governed periods, in seconds.
    function periods() external view returns (uint32 validationPeriod, uint32 challengePeriod, uint32 disputePeriod);
}
