// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IAgentRegistry} from "../interfaces/IAgentRegistry.sol";
import {IWorkMarket} from "../interfaces/IWorkMarket.sol";
import {IValidatorPool} from "../interfaces/IValidatorPool.sol";
import {AgentRoles} from "../libraries/AgentRoles.sol";
import {FeeMath} from "../libraries/FeeMath.sol";
import {Committee} from "../libraries/Committee.sol";

/// @title ValidatorPool
/// @notice Validators (agents with the VALIDATOR role) stake UBC; each submitted job of the
///         WorkMarket gets a committee of `committeeSize` active validators, drawn with the hash of
///         the block after the submission (which neither party knows when it acts); members
///         attest; a quorum (a majority of the committee) on one side with no dissent is the
///         verdict, which the losing party may challenge. A disagreement or a challenge goes to a
///         larger escalation committee drawn without the first committee; its majority is final
///         and every vote on the losing side, in either round, is slashed (UBC to the treasury).
///         The validation fee goes to the winners of the final round: after settlement, the first
///         claim naming the job pays every one of them.
/// @dev Every per-job record is one slot (`Round`). Loops are bounded by the committee size (at
///      most 9) and the caller-supplied arrays; the active set is at most MAX_VALIDATORS.
contract ValidatorPool is IValidatorPool, AccessControl, Pausable, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using Committee for uint144;

    bytes32 public constant GOVERNOR_ROLE = keccak256("GOVERNOR_ROLE");
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");
    /// @notice Most validators active at once (bounds the active list).
    uint256 public constant MAX_VALIDATORS = 256;
    /// @notice Largest committee (members are packed 16 bits each into 144 bits).
    uint256 public constant MAX_COMMITTEE = 9;
    /// @notice Positions probed for each member after its random index (see docs/market.md).
    uint256 public constant PROBES = 8;

    uint8 private constant PHASE_ARMED = 1;
    uint8 private constant PHASE_VOTING = 2;
    uint8 private constant PHASE_DECIDED = 3;
    uint8 private constant KIND_FIRST = 1;
    uint8 private constant KIND_ESCALATION = 2;
    /// @dev First transient slot of `claimFees`'s per-validator sums (ERC-7201-style namespace).
    uint256 private constant _OWED_BASE = uint256(keccak256("ubc.ValidatorPool.claimFees.owed"));
    /// @dev Bit offsets of `Round`'s fields in its storage word (members at 0).
    uint256 private constant _APPROVALS_SHIFT = 144;
    uint256 private constant _REJECTIONS_SHIFT = 160;
    uint256 private constant _PHASE_SHIFT = 216;
    uint256 private constant _KIND_SHIFT = 224;
    uint256 private constant _SEED_SHIFT = 176;
    uint256 private constant _SIZE_SHIFT = 208;
    // Settings' word: minStake 96 bits, unbondingDelay 32, committeeSize 8, escalationSize 8,
    // slashBps 16, activeCount 16.
    uint256 private constant _COMMITTEE_SIZE_SHIFT = 128;
    uint256 private constant _ESCALATION_SIZE_SHIFT = 136;
    uint256 private constant _ACTIVE_COUNT_SHIFT = 160;

    /// @notice The staked token (UBC).
    IERC20 public immutable ubc;
    /// @notice The fee token (COMPUTE), received from the market at settlement.
    IERC20 public immutable compute;
    /// @notice The market whose jobs this pool validates.
    IWorkMarket public immutable market;
    /// @notice Agent identities.
    IAgentRegistry public immutable registry;
    /// @notice Receives slashed UBC.
    address public immutable treasury;

    /// @notice Governed parameters, one slot.
    struct Params {
        uint96 minStake;
        uint32 unbondingDelay;
        uint8 committeeSize;
        uint8 escalationSize;
        uint16 slashBps;
    }

    /// @dev The governed parameters (`Params`) and the number of active validators, one slot: a
    ///      draw reads both (the committee size and how many to draw from) with one slot read.
    struct Settings {
        uint96 minStake;
        uint32 unbondingDelay;
        uint8 committeeSize;
        uint8 escalationSize;
        uint16 slashBps;
        uint16 activeCount;
    }

    Settings private _settings;
    /// @notice Validator ids ever assigned (ids run from 1).
    uint256 public validatorCount;
    mapping(uint256 validatorId => Validator) private _validators;
    mapping(address account => uint256) private _idOf;
    mapping(uint256 agentId => uint256) private _idOfAgent;
    /// @dev The active validator ids, 16 to a slot: position i in word i >> 4, bits 16 * (i & 15).
    ///      Its length is `_settings.activeCount`.
    mapping(uint256 word => uint256 ids) private _activeWords;
    mapping(uint256 jobId => Round) private _rounds;
    mapping(uint256 jobId => Round) private _firstRounds;

    /// @param ubc_ UBC.
    /// @param compute_ COMPUTE.
    /// @param market_ The WorkMarket.
    /// @param registry_ The AgentRegistry.
    /// @param treasury_ Receives slashed stake.
    /// @param governor Receives DEFAULT_ADMIN_ROLE, GOVERNOR_ROLE and PAUSER_ROLE.
    constructor(
        IERC20 ubc_,
        IERC20 compute_,
        IWorkMarket market_,
        IAgentRegistry registry_,
        address treasury_,
        address governor
    ) {
        if (
            address(ubc_) == address(0) || address(compute_) == address(0) || address(market_) == address(0)
                || address(registry_) == address(0) || treasury_ == address(0) || governor == address(0)
        ) revert ZeroAddress();
        ubc = ubc_;
        compute = compute_;
        market = market_;
        registry = registry_;
        treasury = treasury_;
        _grantRole(DEFAULT_ADMIN_ROLE, governor);
        _grantRole(GOVERNOR_ROLE, governor);
        _grantRole(PAUSER_ROLE, governor);
        _setParams(Params({minStake: 10_000e18, unbondingDelay: 7 days, committeeSize: 3, escalationSize: 5, slashBps: 1_000}));
    }

    // ------------------------------------------------------------------ staking

    /// @inheritdoc IValidatorPool
    function stake(uint256 agentId, uint256 amount) external nonReentrant whenNotPaused {
        if (amount == 0) revert ZeroAmount();
        uint256 id = _idOf[msg.sender];
        if (id == 0) {
            if (!registry.isAuthorized(agentId, msg.sender)) revert NotAuthorized(agentId, msg.sender);
            if (!registry.hasRoles(agentId, AgentRoles.VALIDATOR)) revert MissingValidatorRole(agentId);
            if (agentId > type(uint40).max) revert AgentIdTooLarge(agentId);
            if (_idOfAgent[agentId] != 0) revert AgentAlreadyValidator(agentId, _idOfAgent[agentId]);
            id = ++validatorCount;
            if (id > type(uint16).max) revert TooManyValidators();
            _idOf[msg.sender] = id;
            _idOfAgent[agentId] = id;
            _validators[id].account = msg.sender;
            _validators[id].agentId = uint40(agentId);
            emit ValidatorJoined(id, msg.sender, agentId);
        } else if (_validators[id].agentId != agentId) {
            revert NotAuthorized(agentId, msg.sender);
        }
        Validator storage v = _validators[id];
        if (v.unbondAt != 0) revert Unbonding(id);
        uint256 newStake = uint256(v.stake) + amount;
        if (newStake > type(uint96).max) revert StakeTooLarge(newStake);
        v.stake = uint96(newStake);
        emit Staked(id, amount, newStake);
        if (!v.active && newStake >= _settings.minStake) _activate(id, v);
        ubc.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @inheritdoc IValidatorPool
    function requestUnbond() external {
        uint256 id = _requireValidator(msg.sender);
        Validator storage v = _validators[id];
        if (v.unbondAt != 0) revert Unbonding(id);
        if (v.active) _deactivate(id, v);
        uint256 unbondAt = block.timestamp + _settings.unbondingDelay;
        v.unbondAt = uint40(unbondAt);
        emit UnbondingStarted(id, unbondAt);
    }

    /// @inheritdoc IValidatorPool
    function withdrawStake() external nonReentrant returns (uint256 amount) {
        uint256 id = _requireValidator(msg.sender);
        Validator storage v = _validators[id];
        if (v.unbondAt == 0) revert NotUnbonding(id);
        if (block.timestamp < v.unbondAt) revert StillBonded(id, v.unbondAt);
        amount = v.stake;
        v.stake = 0;
        v.unbondAt = 0;
        emit StakeWithdrawn(id, msg.sender, amount);
        if (amount != 0) ubc.safeTransfer(msg.sender, amount);
    }

    // ------------------------------------------------------------------ committees

    /// @inheritdoc IValidatorPool
    /// @dev Works on the round's and the settings' storage words (one read each, one write) and
    ///      reads the job into scratch memory: a draw is ~1 in 6 of a busy market's transactions.
    function drawCommittee(uint256 jobId) external {
        uint256 w = _load(_rounds[jobId]);
        (uint256 kind, uint256 seedBlock, uint256 requester, uint256 provider) = _drawTarget(jobId, w);
        if (block.number <= seedBlock) revert SeedNotReady(jobId, seedBlock);
        bytes32 hash = blockhash(seedBlock);
        // Every field but the ones set here is kept (as the round struct's fields were).
        w &= ~((uint256(0xff) << _KIND_SHIFT) | (uint256(0xff) << _PHASE_SHIFT) | (uint256(0xffffffff) << _SEED_SHIFT));
        if (hash == bytes32(0)) {
            // Older than 256 blocks: re-arm on the next block, whose hash nobody knows yet.
            _store(
                _rounds[jobId],
                w | (kind << _KIND_SHIFT) | (uint256(PHASE_ARMED) << _PHASE_SHIFT)
                    | (((block.number + 1) & 0xffffffff) << _SEED_SHIFT)
            );
            emit CommitteeArmed(jobId, uint8(kind), block.number + 1);
            return;
        }
        (uint144 members, uint256 drawn) = _drawFor(jobId, kind, hash, requester, provider);
        w &= ~(uint256(type(uint144).max) | (uint256(0xff) << _SIZE_SHIFT));
        _store(
            _rounds[jobId],
            w | members | (drawn << _SIZE_SHIFT) | (seedBlock << _SEED_SHIFT) | (uint256(PHASE_VOTING) << _PHASE_SHIFT)
                | (kind << _KIND_SHIFT)
        );
        emit CommitteeDrawn(jobId, uint8(kind), members.toArray(drawn));
    }

    /// @dev What round a draw for job `jobId` (round word `w`) is for: its kind and seed block, and
    ///      the job's parties. Reverts unless the round waits for its first draw with the job
    ///      submitted, or was armed with the job in the status its kind expects.
    function _drawTarget(uint256 jobId, uint256 w)
        private
        view
        returns (uint256 kind, uint256 seedBlock, uint256 requester, uint256 provider)
    {
        uint256 aux;
        uint256 status;
        (requester, provider, aux, status) = _jobForDraw(jobId);
        uint256 phase = (w >> _PHASE_SHIFT) & 0xff;
        if (phase == 0) {
            if (status != uint8(IWorkMarket.Status.Submitted)) revert WrongJobStatus(jobId, uint8(status));
            return (KIND_FIRST, aux, requester, provider);
        }
        if (phase != PHASE_ARMED) revert WrongPhase(jobId, uint8(phase));
        kind = (w >> _KIND_SHIFT) & 0xff;
        uint256 expected =
            kind == KIND_FIRST ? uint8(IWorkMarket.Status.Submitted) : uint8(IWorkMarket.Status.Disputed);
        if (status != expected) revert WrongJobStatus(jobId, uint8(status));
        seedBlock = (w >> _SEED_SHIFT) & 0xffffffff;
    }

    /// @dev The committee of a round of `kind` for job `jobId`, seeded by the seed block's `hash`:
    ///      the settings' size for that kind, without the parties' own validators and, for an
    ///      escalation, without the first round's members.
    function _drawFor(uint256 jobId, uint256 kind, bytes32 hash, uint256 requester, uint256 provider)
        private
        view
        returns (uint144 members, uint256 drawn)
    {
        uint256 settings = _settingsWord();
        // An escalation excludes the first round's committee; a first round has none to exclude
        // (its slot is not read: every slot read is a lookup in the pool's storage trie).
        uint256 first;
        if (kind != KIND_FIRST) first = _load(_firstRounds[jobId]);
        bytes32 seed;
        assembly ("memory-safe") {
            // keccak256(abi.encode(hash, jobId, kind)), in scratch memory past the free pointer
            let ptr := mload(0x40)
            mstore(ptr, hash)
            mstore(add(ptr, 32), jobId)
            mstore(add(ptr, 64), kind)
            seed := keccak256(ptr, 96)
        }
        return _draw(
            seed,
            (settings >> (kind == KIND_FIRST ? _COMMITTEE_SIZE_SHIFT : _ESCALATION_SIZE_SHIFT)) & 0xff,
            (settings >> _ACTIVE_COUNT_SHIFT) & 0xffff,
            _idOfAgent[requester],
            _idOfAgent[provider],
            uint144(first),
            (first >> _SIZE_SHIFT) & 0xff
        );
    }

    /// @dev Draws up to `size` distinct active validators: for each member a pseudo-random index
    ///      from `seed`, then at most PROBES positions forward to skip members already drawn,
    ///      the excluded round and the parties' own validators (`requesterId`, `providerId`: the
    ///      validator ids of the job's agents, 0 for an agent that never staked as a validator;
    ///      an agent keeps its one validator id for good, so comparing ids is comparing agents,
    ///      without reading each candidate's record). O(size * PROBES).
    function _draw(
        bytes32 seed,
        uint256 size,
        uint256 n,
        uint256 requesterId,
        uint256 providerId,
        uint144 excluded,
        uint256 excludedSize
    ) private view returns (uint144 members, uint256 count) {
        if (n == 0) return (0, 0);
        uint256 probes = n < PROBES ? n : PROBES;
        // Bit p: position p of the active list drawn already (n <= MAX_VALIDATORS = 256, and the
        // list holds each active id once, so a drawn position is a drawn id).
        uint256 taken;
        for (uint256 i; i < size; ++i) {
            uint256 start;
            assembly ("memory-safe") {
                // uint256(keccak256(abi.encode(seed, i))) % n, in the scratch space
                mstore(0, seed)
                mstore(32, i)
                start := mod(keccak256(0, 64), n)
            }
            for (uint256 k; k < probes; ++k) {
                uint256 pos;
                unchecked {
                    pos = (start + k) % n; // start < n <= 256, k < PROBES
                }
                if ((taken >> pos) & 1 != 0) continue;
                uint256 id = _activeAt(pos);
                if (id == requesterId || id == providerId) continue;
                if (excludedSize != 0 && excluded.contains(excludedSize, id)) continue;
                taken |= 1 << pos;
                members = members.set(count, id);
                ++count;
                break;
            }
        }
    }

    /// @inheritdoc IValidatorPool
    function attest(uint256 jobId, bool approve) external nonReentrant {
        uint256 w = _recordVote(jobId, approve);
        uint256 kind = (w >> _KIND_SHIFT) & 0xff;
        uint256 quorum = ((w >> _SIZE_SHIFT) & 0xff) / 2 + 1;
        uint256 ayes = Committee.popcount(uint16(w >> _APPROVALS_SHIFT));
        uint256 nays = Committee.popcount(uint16(w >> _REJECTIONS_SHIFT));
        uint256 decided = (w & ~(uint256(0xff) << _PHASE_SHIFT)) | (uint256(PHASE_DECIDED) << _PHASE_SHIFT);
        if (kind == KIND_FIRST) {
            if (ayes != 0 && nays != 0) {
                // Disagreement: the first round closes and an escalation committee decides.
                _store(_firstRounds[jobId], decided);
                _arm(jobId);
                market.recordOutcome(jobId, IWorkMarket.Outcome.Disagreement, false, false);
                return;
            }
            if (ayes >= quorum || nays >= quorum) {
                _store(_rounds[jobId], decided);
                emit RoundDecided(jobId, KIND_FIRST, ayes != 0, false, uint16(ayes + nays));
                market.recordOutcome(jobId, IWorkMarket.Outcome.Verdict, ayes != 0, true);
                return;
            }
        } else if (ayes >= quorum || nays >= quorum) {
            _store(_rounds[jobId], decided);
            _decideEscalation(jobId, _rounds[jobId], ayes >= quorum, ayes >= quorum ? ayes : nays);
            return;
        }
        _store(_rounds[jobId], w);
    }

    /// @dev Checks and adds the caller's vote on job `jobId`'s voting round, emits `Attested` and
    ///      returns the round's storage word with the vote in (not yet written). The round is
    ///      handled as its word, without a memory struct: two attestations per job make `attest`
    ///      the pool's most frequent transaction.
    function _recordVote(uint256 jobId, bool approve) private returns (uint256 w) {
        w = _load(_rounds[jobId]);
        uint256 phase = (w >> _PHASE_SHIFT) & 0xff;
        if (phase != PHASE_VOTING) revert WrongPhase(jobId, uint8(phase));
        uint256 id = _idOf[msg.sender];
        (bool found, uint256 i) = uint144(w).indexOf((w >> _SIZE_SHIFT) & 0xff, id);
        if (!found || id == 0) revert NotCommitteeMember(jobId, msg.sender);
        uint256 bit = 1 << i;
        if (((w >> _APPROVALS_SHIFT) | (w >> _REJECTIONS_SHIFT)) & bit != 0) revert AlreadyAttested(jobId, id);
        w |= bit << (approve ? _APPROVALS_SHIFT : _REJECTIONS_SHIFT);
        emit Attested(jobId, id, approve, uint8(w >> _KIND_SHIFT));
    }

    /// @inheritdoc IValidatorPool
    function finalize(uint256 jobId) external nonReentrant {
        IWorkMarket.Job memory j = market.getJob(jobId);
        IWorkMarket.Status s = IWorkMarket.Status(j.status);
        uint256 deadline = j.deadline;
        if (s != IWorkMarket.Status.Submitted && s != IWorkMarket.Status.Disputed) {
            revert WrongJobStatus(jobId, uint8(s));
        }
        if (block.timestamp <= deadline) revert DeadlineNotReached(jobId, deadline);
        Round memory r = _rounds[jobId];
        uint256 ayes;
        uint256 nays;
        if (r.phase == PHASE_VOTING) {
            ayes = Committee.popcount(r.approvals);
            nays = Committee.popcount(r.rejections);
        }
        r.phase = PHASE_DECIDED;
        if (s == IWorkMarket.Status.Submitted) {
            // No quorum in time. Votes so far are all on one side (a disagreement would have
            // escalated); with none, the result is accepted optimistically and the validation fee
            // returns to the requester, who can still challenge.
            r.kind = KIND_FIRST;
            _rounds[jobId] = r;
            bool producerWins = nays == 0;
            emit RoundDecided(jobId, KIND_FIRST, producerWins, false, uint16(ayes + nays));
            market.recordOutcome(jobId, IWorkMarket.Outcome.Verdict, producerWins, ayes + nays != 0);
        } else {
            _rounds[jobId] = r;
            if (ayes != nays) {
                _decideEscalation(jobId, r, ayes > nays, ayes > nays ? ayes : nays);
            } else if (j.flags & 8 != 0) {
                // FLAG_CHALLENGED: a challenge that won no majority leaves the verdict standing
                // (FLAG_PRODUCER_WINS still holds it); nobody is slashed, the fee is refunded.
                bool producerWins = j.flags & 1 != 0;
                emit RoundDecided(jobId, KIND_ESCALATION, producerWins, false, 0);
                market.recordOutcome(jobId, IWorkMarket.Outcome.Final, producerWins, false);
            } else {
                // A disagreement that no majority resolved: nobody is at fault.
                emit RoundDecided(jobId, KIND_ESCALATION, false, true, 0);
                market.recordOutcome(jobId, IWorkMarket.Outcome.NoFault, false, false);
            }
        }
    }

    /// @inheritdoc IValidatorPool
    function escalate(uint256 jobId) external {
        if (msg.sender != address(market)) revert NotMarket(msg.sender);
        Round memory r = _rounds[jobId];
        r.phase = PHASE_DECIDED;
        _firstRounds[jobId] = r;
        _arm(jobId);
    }

    function _arm(uint256 jobId) private {
        uint256 seedBlock = block.number + 1;
        _rounds[jobId] = Round({
            members: 0,
            approvals: 0,
            rejections: 0,
            seedBlock: uint32(seedBlock),
            size: 0,
            phase: PHASE_ARMED,
            kind: KIND_ESCALATION
        });
        emit CommitteeArmed(jobId, KIND_ESCALATION, seedBlock);
    }

    /// @dev Final verdict of a dispute: slashes the losing votes of both rounds, then tells the market.
    function _decideEscalation(uint256 jobId, Round memory r, bool producerWins, uint256 winners) private {
        emit RoundDecided(jobId, KIND_ESCALATION, producerWins, false, uint16(winners));
        Round memory first = _firstRounds[jobId];
        uint256 slashed = _slash(jobId, r.members, r.size, producerWins ? r.rejections : r.approvals);
        slashed += _slash(jobId, first.members, first.size, producerWins ? first.rejections : first.approvals);
        market.recordOutcome(jobId, IWorkMarket.Outcome.Final, producerWins, true);
        if (slashed != 0) {
            emit SlashedStakeSent(treasury, slashed);
            ubc.safeTransfer(treasury, slashed);
        }
    }

    function _slash(uint256 jobId, uint144 members, uint256 size, uint16 losers) private returns (uint256 total) {
        if (losers == 0) return 0;
        Settings memory p = _settings;
        for (uint256 i; i < size; ++i) {
            if (losers & (1 << i) == 0) continue;
            uint256 id = members.at(i);
            Validator storage v = _validators[id];
            uint256 amount = FeeMath.bps(v.stake, p.slashBps);
            uint256 left = v.stake - amount;
            v.stake = uint96(left);
            total += amount;
            emit Slashed(id, jobId, amount, left);
            if (v.active && left < p.minStake) _deactivate(id, v);
        }
    }

    // ------------------------------------------------------------------ fees

    /// @inheritdoc IValidatorPool
    /// @dev The first claim of a settled job pays every winner of its final round and clears the
    ///      job's rounds: the job and its round are read once per job, where a claim by each winner
    ///      read both and rewrote the round once per winner. A validator's shares of the batch are
    ///      summed and sent in one transfer: each payee's sum is kept in transient storage, one
    ///      slot per validator id (`_OWED_BASE + id`, holding the sum plus one so that a payee
    ///      whose shares round to zero is still listed once), and cleared before the transfers.
    ///      Bounded by the batch, the committee size and the number of validators.
    function claimFees(uint256[] calldata jobIds) external nonReentrant returns (uint256 amount) {
        _requireValidator(msg.sender);
        uint256[] memory payees;
        {
            uint256 cap = jobIds.length * MAX_COMMITTEE;
            if (cap > validatorCount) cap = validatorCount;
            payees = new uint256[](cap);
        }
        uint256 count;
        address m = address(market);
        for (uint256 k; k < jobIds.length; ++k) {
            uint256 jobId = jobIds[k];
            uint256 w = _load(_rounds[jobId]);
            // Undecided, or paid already (a paid job's rounds are cleared).
            if ((w >> _PHASE_SHIFT) & 0xff != PHASE_DECIDED) continue;
            (uint256 value, uint256 flags) = _settledJob(m, jobId);
            if (flags & 2 == 0) continue; // not settled, or FLAG_VALIDATORS_PAID unset
            // FLAG_PRODUCER_WINS: the approvals won, else the rejections
            uint256 winners = (w >> (flags & 1 != 0 ? _APPROVALS_SHIFT : _REJECTIONS_SHIFT)) & 0xffff;
            if (winners == 0) continue;
            delete _rounds[jobId];
            if ((w >> _KIND_SHIFT) & 0xff == KIND_ESCALATION) delete _firstRounds[jobId];
            count = _owe(jobId, w, winners, FeeMath.validationFee(value) / Committee.popcount(uint16(winners)), payees, count);
        }
        if (count == 0) revert NothingToClaim();
        (, uint256 pendingToPool) = market.pendingFees();
        if (pendingToPool != 0) market.sweep();
        for (uint256 p; p < count; ++p) {
            uint256 id = payees[p];
            uint256 slot;
            unchecked {
                slot = _OWED_BASE + id;
            }
            uint256 owed;
            assembly ("memory-safe") {
                owed := sub(tload(slot), 1)
                tstore(slot, 0)
            }
            address to = _validators[id].account;
            if (to == msg.sender) amount = owed;
            compute.safeTransfer(to, owed);
        }
    }

    /// @dev A round's storage word (see `Round`: members at bit 0, then approvals, rejections,
    ///      seedBlock, size, phase, kind; the `_*_SHIFT` constants).
    function _load(Round storage r) private view returns (uint256 w) {
        assembly ("memory-safe") {
            w := sload(r.slot)
        }
    }

    /// @dev Writes a round's storage word (layout: `_load`).
    function _store(Round storage r, uint256 w) private {
        assembly ("memory-safe") {
            sstore(r.slot, w)
        }
    }

    /// @dev The storage word of `_settings` (layout: the `_*_SHIFT` constants).
    function _settingsWord() private view returns (uint256 w) {
        assembly ("memory-safe") {
            w := sload(_settings.slot)
        }
    }

    /// @dev What a draw reads of job `jobId` (`_jobScratch`): its parties, its aux field (from
    ///      submission, the seed block) and its status.
    function _jobForDraw(uint256 jobId)
        private
        view
        returns (uint256 requester, uint256 provider, uint256 aux, uint256 status)
    {
        uint256 ptr = _jobScratch(address(market), jobId);
        assembly ("memory-safe") {
            requester := mload(ptr)
            provider := mload(add(ptr, 32))
            aux := mload(add(ptr, 128))
            status := mload(add(ptr, 160))
        }
    }

    /// @dev Adds `share` to the sum of each winner of job `jobId` (bit i of `winners`: member i of
    ///      the round word `w`), in transient storage, listing a payee when first seen. Returns the
    ///      new number of payees.
    function _owe(uint256 jobId, uint256 w, uint256 winners, uint256 share, uint256[] memory payees, uint256 count)
        private
        returns (uint256)
    {
        for (; winners != 0; w >>= 16) {
            if (winners & 1 != 0) {
                uint256 id = w & 0xffff;
                emit FeesClaimed(id, jobId, share);
                uint256 slot;
                unchecked {
                    slot = _OWED_BASE + id; // id < 2^16: no overflow
                }
                uint256 sum;
                assembly ("memory-safe") {
                    sum := tload(slot)
                }
                if (sum == 0) {
                    payees[count++] = id;
                    sum = 1;
                }
                assembly ("memory-safe") {
                    tstore(slot, add(sum, share))
                }
            }
            winners >>= 1;
        }
        return count;
    }

    /// @dev A job's value and flags, the flags 0 unless the job is settled (`_jobScratch`).
    function _settledJob(address m, uint256 jobId) private view returns (uint256 value, uint256 flags) {
        uint256 ptr = _jobScratch(m, jobId);
        uint256 settled = uint8(IWorkMarket.Status.Settled);
        assembly ("memory-safe") {
            value := mload(add(ptr, 64))
            if eq(mload(add(ptr, 160)), settled) { flags := mload(add(ptr, 192)) }
        }
    }

    /// @dev Job `jobId` as `getJob` of the market `m` returns it (7 words, in `IWorkMarket.Job`'s
    ///      field order), read into scratch memory at the free pointer, which stays where it is:
    ///      nothing is allocated, so a loop over a batch reads each job in the same place. Valid
    ///      until the next allocation.
    function _jobScratch(address m, uint256 jobId) private view returns (uint256 ptr) {
        bytes4 selector = IWorkMarket.getJob.selector;
        assembly ("memory-safe") {
            ptr := mload(0x40)
            mstore(ptr, selector)
            mstore(add(ptr, 4), jobId)
            if iszero(staticcall(gas(), m, ptr, 36, ptr, 224)) {
                returndatacopy(ptr, 0, returndatasize())
                revert(ptr, returndatasize())
            }
            if lt(returndatasize(), 224) { revert(0, 0) }
        }
    }

    // ------------------------------------------------------------------ governance

    /// @notice Sets the pool parameters: minimum stake (> 0), unbonding delay (1 to 90 days, and
    ///         longer than a job's validation, challenge and dispute periods together), committee
    ///         size (odd, 1 to 9), escalation size (committee size to 9), slash (at most 50%).
    ///         Only GOVERNOR_ROLE.
    function setParams(Params calldata p) external onlyRole(GOVERNOR_ROLE) {
        _setParams(p);
    }

    function _setParams(Params memory p) private {
        if (
            p.minStake == 0 || p.unbondingDelay < 1 days || p.unbondingDelay > 90 days || p.committeeSize == 0
                || p.committeeSize % 2 == 0 || p.escalationSize < p.committeeSize || p.escalationSize > MAX_COMMITTEE
                || p.slashBps > 5_000
        ) revert BadParameters();
        _settings = Settings({
            minStake: p.minStake,
            unbondingDelay: p.unbondingDelay,
            committeeSize: p.committeeSize,
            escalationSize: p.escalationSize,
            slashBps: p.slashBps,
            activeCount: _settings.activeCount
        });
        emit ParametersUpdated(p.minStake, p.unbondingDelay, p.committeeSize, p.escalationSize, p.slashBps);
    }

    /// @notice Stops new stakes (exits and validation continue). Only PAUSER_ROLE.
    function pause() external onlyRole(PAUSER_ROLE) {
        _pause();
    }

    /// @notice Lifts the pause. Only PAUSER_ROLE.
    function unpause() external onlyRole(PAUSER_ROLE) {
        _unpause();
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IValidatorPool
    function getRound(uint256 jobId) external view returns (Round memory) {
        return _rounds[jobId];
    }

    /// @inheritdoc IValidatorPool
    function getFirstRound(uint256 jobId) external view returns (Round memory) {
        return _firstRounds[jobId];
    }

    /// @inheritdoc IValidatorPool
    function committee(uint256 jobId) external view returns (uint16[] memory ids) {
        Round memory r = _rounds[jobId];
        return r.members.toArray(r.size);
    }

    /// @inheritdoc IValidatorPool
    function getValidator(uint256 validatorId) external view returns (Validator memory) {
        return _validators[validatorId];
    }

    /// @inheritdoc IValidatorPool
    function validatorIdOf(address account) external view returns (uint256) {
        return _idOf[account];
    }

    /// @notice The governed parameters (see `setParams`).
    function params()
        external
        view
        returns (uint96 minStake, uint32 unbondingDelay, uint8 committeeSize, uint8 escalationSize, uint16 slashBps)
    {
        Settings memory p = _settings;
        return (p.minStake, p.unbondingDelay, p.committeeSize, p.escalationSize, p.slashBps);
    }

    /// @inheritdoc IValidatorPool
    function activeCount() external view returns (uint256) {
        return _settings.activeCount;
    }

    /// @notice The active validator ids.
    function activeValidators() external view returns (uint16[] memory ids) {
        uint256 n = _settings.activeCount;
        ids = new uint16[](n);
        for (uint256 i; i < n; ++i) {
            ids[i] = uint16(_activeAt(i));
        }
    }

    // ------------------------------------------------------------------ internals

    function _requireValidator(address account) private view returns (uint256 id) {
        id = _idOf[account];
        if (id == 0) revert UnknownValidator(account);
    }

    /// @dev The id at position `i` of the active list.
    function _activeAt(uint256 i) private view returns (uint256) {
        return uint16(_activeWords[i >> 4] >> ((i & 15) << 4));
    }

    /// @dev Writes `id` at position `i` of the active list (0 clears it).
    function _setActiveAt(uint256 i, uint256 id) private {
        uint256 shift = (i & 15) << 4;
        uint256 word = _activeWords[i >> 4];
        _activeWords[i >> 4] = (word & ~(uint256(0xffff) << shift)) | (id << shift);
    }

    function _activate(uint256 id, Validator storage v) private {
        uint256 n = _settings.activeCount;
        if (n >= MAX_VALIDATORS) revert TooManyValidators();
        v.activeIndex = uint16(n);
        v.active = true;
        _setActiveAt(n, id);
        _settings.activeCount = uint16(n + 1);
        emit Activated(id);
    }

    function _deactivate(uint256 id, Validator storage v) private {
        uint256 index = v.activeIndex;
        uint256 last = _settings.activeCount - 1;
        if (index != last) {
            uint256 moved = _activeAt(last);
            _setActiveAt(index, moved);
            _validators[moved].activeIndex = uint16(index);
        }
        _setActiveAt(last, 0);
        _settings.activeCount = uint16(last);
        v.active = false;
        v.activeIndex = 0;
        emit Deactivated(id);
    }
}
