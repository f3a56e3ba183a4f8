// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IValidatorPool
/// @notice Validators stake UBC to join; each submitted job gets a committee drawn from the active
///         validators with a future block hash; committee members attest; a quorum decides, a
///         disagreement or a challenge goes to a larger escalation committee whose majority is
///         final, and validators on the losing side are slashed. See docs/market.md.
interface IValidatorPool {
    /// @notice A voting round of a job (one storage slot).
    struct Round {
        uint144 members; // up to 9 validator ids of 16 bits, member i at bits [16i, 16i+16)
        uint16 approvals; // bit i: member i approved
        uint16 rejections; // bit i: member i rejected
        uint32 seedBlock; // block whose hash seeds the draw
        uint8 size; // members drawn
        uint8 phase; // 0 none, 1 armed (draw pending), 2 voting, 3 decided
        uint8 kind; // 1 first committee, 2 escalation committee
    }

    /// @notice A validator (ids from 1).
    struct Validator {
        address account; // stakes, attests, receives fees and unbonded stake
        uint96 stake; // UBC
        uint40 agentId; // its agent (VALIDATOR role) in the AgentRegistry
        uint40 unbondAt; // 0 unless unbonding: time the stake can be withdrawn
        uint16 activeIndex; // position in the active list (valid while active)
        bool active;
    }

    event ValidatorJoined(uint256 indexed validatorId, address indexed account, uint256 indexed agentId);
    event Staked(uint256 indexed validatorId, uint256 amount, uint256 stake);
    event Activated(uint256 indexed validatorId);
    event Deactivated(uint256 indexed validatorId);
    event UnbondingStarted(uint256 indexed validatorId, uint256 unbondAt);
    event StakeWithdrawn(uint256 indexed validatorId, address indexed to, uint256 amount);
    event Slashed(uint256 indexed validatorId, uint256 indexed jobId, uint256 amount, uint256 stakeLeft);
    event CommitteeArmed(uint256 indexed jobId, uint8 kind, uint256 seedBlock);
    event CommitteeDrawn(uint256 indexed jobId, uint8 kind, uint16[] validatorIds);
    event Attested(uint256 indexed jobId, uint256 indexed validatorId, bool approve, uint8 kind);
    event RoundDecided(uint256 indexed jobId, uint8 kind, bool producerWins, bool noFault, uint16 winners);
    event FeesClaimed(uint256 indexed validatorId, uint256 indexed jobId, uint256 amount);
    event SlashedStakeSent(address indexed treasury, uint256 amount);
    event ParametersUpdated(uint96 minStake, uint32 unbondingDelay, uint8 committeeSize, uint8 escalationSize, uint16 slashBps);

    error ZeroAddress();
    error ZeroAmount();
    error NotAuthorized(uint256 agentId, address account);
    error MissingValidatorRole(uint256 agentId);
    error AgentIdTooLarge(uint256 agentId);
    error AgentAlreadyValidator(uint256 agentId, uint256 validatorId);
    error UnknownValidator(address account);
    error StakeTooLarge(uint256 stake);
    error TooManyValidators();
    error Unbonding(uint256 validatorId);
    error NotUnbonding(uint256 validatorId);
    error StillBonded(uint256 validatorId, uint256 unbondAt);
    error NotMarket(address caller);
    error WrongJobStatus(uint256 jobId, uint8 status);
    error WrongPhase(uint256 jobId, uint8 phase);
    error SeedNotReady(uint256 jobId, uint256 seedBlock);
    error NotCommitteeMember(uint256 jobId, address account);
    error AlreadyAttested(uint256 jobId, uint256 validatorId);
    error DeadlineNotReached(uint256 jobId, uint256 deadline);
    error BadParameters();
    error NothingToClaim();

    /// @notice Adds `amount` UBC to the caller's stake, registering the caller as the validator of
    ///         `agentId` (caller authorised for it, VALIDATOR role, one validator per agent) on
    ///         first use. The validator is
    ///         active (eligible for committees) while its stake is at least `minStake`.
    function stake(uint256 agentId, uint256 amount) external;

    /// @notice Leaves the active set and starts the unbonding delay; the stake stays slashable
    ///         for votes already cast until it is withdrawn.
    function requestUnbond() external;

    /// @notice Returns the whole stake after the unbonding delay. Never paused.
    function withdrawStake() external returns (uint256 amount);

    /// @notice Draws the committee of a submitted (or disputed) job from the hash of its seed
    ///         block. Permissionless; if the seed block is older than 256 blocks the draw is
    ///         re-armed on the next block instead.
    function drawCommittee(uint256 jobId) external;

    /// @notice A committee member's vote on a job's result.
    function attest(uint256 jobId, bool approve) external;

    /// @notice After the round's deadline, decides a job from the votes cast. Permissionless.
    function finalize(uint256 jobId) external;

    /// @notice Opens the escalation round of a challenged job. Only the WorkMarket.
    function escalate(uint256 jobId) external;

    /// @notice For each settled job of `jobIds` whose fee is still unpaid, pays every validator on
    ///         the winning side of its final round its share of the validation fee (`FeesClaimed`
    ///         for each), and clears the job's rounds. Jobs paid already, unsettled or whose
    ///         validators earned no fee are skipped; `NothingToClaim` when none pays. Only a
    ///         validator calls it; returns what the caller itself received.
    function claimFees(uint256[] calldata jobIds) external returns (uint256 amount);

    /// @notice The current (final) round of a job; all zero once its validation fee is paid (the
    ///         claim that pays it clears the job's rounds).
    function getRound(uint256 jobId) external view returns (Round memory);

    /// @notice The first round of a job that went to escalation.
    function getFirstRound(uint256 jobId) external view returns (Round memory);

    /// @notice The validator ids of a round's members.
    function committee(uint256 jobId) external view returns (uint16[] memory ids);

    /// @notice A validator's record.
    function getValidator(uint256 validatorId) external view returns (Validator memory);

    /// @notice The validator id of `account` (0 if none).
    function validatorIdOf(address account) external view returns (uint256);

    /// @notice The number of active validators.
    function activeCount() external view returns (uint256);
}
