// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IComputeToken} from "../interfaces/IComputeToken.sol";
import {IStakingVault} from "../interfaces/IStakingVault.sol";
import {RewardMath} from "../libraries/RewardMath.sol";

/// @title StakingVault
/// @notice Turns staked UBC into COMPUTE. Three reference pools are created at deployment:
///         90 days at 0.3 COMPUTE/day per 1,000 UBC, 165 days at 0.5 and 365 days at 1.0.
///         A position reserves its full reward from the 7,000,000,000 COMPUTE budget when it
///         opens (a stake the budget cannot cover is refused), accrues it linearly to the unlock
///         time, and can claim at any time; the principal is locked until unlock (no early exit).
/// @dev Governance: a pool's duration and rate are immutable once added, so a promise made to a
///      position can never be changed. GOVERNOR_ROLE (meant for a TimelockController, so every
///      change is announced a delay in advance) can add pools and close or reopen a pool to new
///      stakes. PAUSER_ROLE (a guardian) can pause new stakes and claims; withdrawing principal
///      after unlock is never paused.
contract StakingVault is IStakingVault, AccessControl, Pausable, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;

    /// @notice Rewards available to all positions together: 7,000,000,000 COMPUTE.
    uint256 public constant REWARD_BUDGET = 7_000_000_000e18;
    /// @notice At most this many pools exist (bounds every loop over pools).
    uint256 public constant MAX_POOLS = 16;
    /// @notice Longest lock a pool may have.
    uint256 public constant MAX_DURATION = 4 * 365 days;
    /// @notice Highest rate a pool may have: 10 COMPUTE per day per 1,000 UBC (fits the uint64 field).
    uint256 public constant MAX_RATE = 10e18;

    bytes32 public constant GOVERNOR_ROLE = keccak256("GOVERNOR_ROLE");
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");

    /// @notice The staked token (UBC).
    IERC20 public immutable stakingToken;
    /// @notice The reward token (COMPUTE); this vault must hold its MINTER_ROLE.
    IComputeToken public immutable rewardToken;

    /// @dev Totals that `stake` updates together, packed into one slot.
    struct Totals {
        uint96 staked; // UBC in open positions
        uint96 reserved; // rewards reserved, all positions ever
        uint64 positions; // positions ever opened (= last id)
    }

    Totals private _totals;
    /// @inheritdoc IStakingVault
    uint256 public totalClaimed;

    /// @dev Pools by id; ids run from 0 to `_poolCount - 1`. A mapping (not an array) saves the
    ///      bounds-check read on every stake, claim and withdrawal.
    mapping(uint256 poolId => Pool) private _pools;
    uint256 private _poolCount;
    mapping(uint256 positionId => Position) private _positions;

    /// @param ubc The UBC token.
    /// @param compute The COMPUTE token.
    /// @param governor Receives GOVERNOR_ROLE and DEFAULT_ADMIN_ROLE (a timelock).
    /// @param pauser Receives PAUSER_ROLE (a guardian).
    constructor(IERC20 ubc, IComputeToken compute, address governor, address pauser) {
        if (address(ubc) == address(0) || address(compute) == address(0)) revert ZeroAddress();
        if (governor == address(0) || pauser == address(0)) revert ZeroAddress();
        stakingToken = ubc;
        rewardToken = compute;
        _grantRole(DEFAULT_ADMIN_ROLE, governor);
        _grantRole(GOVERNOR_ROLE, governor);
        _grantRole(PAUSER_ROLE, pauser);
        _addPool(90 days, 0.3e18);
        _addPool(165 days, 0.5e18);
        _addPool(365 days, 1e18);
    }

    // ------------------------------------------------------------------ staking

    /// @inheritdoc IStakingVault
    function stake(uint8 poolId, uint256 amount) external nonReentrant whenNotPaused returns (uint256) {
        return _stake(msg.sender, msg.sender, poolId, amount);
    }

    /// @inheritdoc IStakingVault
    function stakeFor(address beneficiary, uint8 poolId, uint256 amount)
        external
        nonReentrant
        whenNotPaused
        returns (uint256)
    {
        if (beneficiary == address(0)) revert ZeroAddress();
        return _stake(msg.sender, beneficiary, poolId, amount);
    }

    /// @inheritdoc IStakingVault
    function stakeWithPermit(uint8 poolId, uint256 amount, uint256 deadline, uint8 v, bytes32 r, bytes32 s)
        external
        nonReentrant
        whenNotPaused
        returns (uint256)
    {
        // A front-runner may submit the permit first; the allowance is then already in place,
        // so a failed permit is ignored and transferFrom decides.
        try IERC20Permit(address(stakingToken)).permit(msg.sender, address(this), amount, deadline, v, r, s) {}
            catch {}
        return _stake(msg.sender, msg.sender, poolId, amount);
    }

    function _stake(address payer, address owner, uint8 poolId, uint256 amount) private returns (uint256 positionId) {
        if (amount == 0) revert ZeroAmount();
        Pool memory pool = _pools[poolId];
        if (pool.duration == 0) revert UnknownPool(poolId);
        if (!pool.open) revert PoolClosed(poolId);
        if (amount > type(uint96).max) revert AmountTooLarge(amount);

        uint256 reward = RewardMath.fullReward(amount, pool.ratePerDay, pool.duration);
        if (reward == 0) revert RewardTooSmall(amount);
        Totals memory t = _totals;
        uint256 left = REWARD_BUDGET - t.reserved;
        if (reward > left) revert BudgetExceeded(reward, left);

        // Effects
        positionId = uint256(t.positions) + 1;
        _totals = Totals({
            staked: uint256(t.staked + amount).toUint96(),
            reserved: uint96(t.reserved + reward), // <= REWARD_BUDGET < 2^96
            positions: uint64(positionId)
        });
        _positions[positionId] = Position({
            owner: owner,
            amount: uint96(amount),
            reward: uint96(reward),
            claimed: 0,
            start: uint40(block.timestamp),
            poolId: poolId,
            withdrawn: false
        });
        emit Staked(positionId, owner, poolId, amount, reward, block.timestamp + pool.duration);

        // Interaction
        stakingToken.safeTransferFrom(payer, address(this), amount);
    }

    /// @inheritdoc IStakingVault
    function claim(uint256 positionId) external nonReentrant whenNotPaused returns (uint256 amount) {
        amount = _claim(positionId);
        if (amount == 0) revert NothingToClaim();
        totalClaimed += amount;
        rewardToken.mint(msg.sender, amount);
    }

    /// @inheritdoc IStakingVault
    function claimMany(uint256[] calldata positionIds) external nonReentrant whenNotPaused returns (uint256 amount) {
        for (uint256 i = 0; i < positionIds.length; ++i) {
            amount += _claim(positionIds[i]);
        }
        if (amount == 0) revert NothingToClaim();
        totalClaimed += amount;
        rewardToken.mint(msg.sender, amount);
    }

    /// @dev Records the claim of `positionId` by the caller and returns its amount (may be 0).
    function _claim(uint256 positionId) private returns (uint256 amount) {
        Position storage p = _ownedPosition(positionId);
        uint256 reward = p.reward;
        uint256 claimed = p.claimed;
        uint256 accrued = RewardMath.accrued(reward, block.timestamp - p.start, _pools[p.poolId].duration);
        amount = accrued - claimed;
        if (amount != 0) {
            p.claimed = uint96(accrued);
            emit Claimed(positionId, msg.sender, amount);
        }
    }

    /// @inheritdoc IStakingVault
    function withdraw(uint256 positionId) external nonReentrant returns (uint256 amount) {
        amount = _withdraw(positionId);
        stakingToken.safeTransfer(msg.sender, amount);
    }

    /// @inheritdoc IStakingVault
    function exit(uint256 positionId) external nonReentrant whenNotPaused returns (uint256 reward, uint256 principal) {
        principal = _withdraw(positionId); // checks ownership and unlock
        reward = _claim(positionId);
        if (reward != 0) {
            totalClaimed += reward;
            rewardToken.mint(msg.sender, reward);
        }
        stakingToken.safeTransfer(msg.sender, principal);
    }

    function _withdraw(uint256 positionId) private returns (uint256 amount) {
        Position storage p = _ownedPosition(positionId);
        if (p.withdrawn) revert AlreadyWithdrawn(positionId);
        uint256 unlock = uint256(p.start) + _pools[p.poolId].duration;
        if (block.timestamp < unlock) revert StillLocked(positionId, unlock);
        amount = p.amount;
        p.withdrawn = true;
        _totals.staked -= uint96(amount);
        emit Withdrawn(positionId, msg.sender, amount);
    }

    function _ownedPosition(uint256 positionId) private view returns (Position storage p) {
        p = _positions[positionId];
        address owner = p.owner;
        if (owner == address(0)) revert UnknownPosition(positionId);
        if (owner != msg.sender) revert NotPositionOwner(positionId, msg.sender);
    }

    // ------------------------------------------------------------------ governance

    /// @inheritdoc IStakingVault
    function addPool(uint32 duration, uint64 ratePerDay) external onlyRole(GOVERNOR_ROLE) returns (uint8) {
        return _addPool(duration, ratePerDay);
    }

    function _addPool(uint32 duration, uint64 ratePerDay) private returns (uint8 poolId) {
        if (duration == 0 || duration > MAX_DURATION || ratePerDay == 0 || ratePerDay > MAX_RATE) {
            revert InvalidPoolParameters(duration, ratePerDay);
        }
        uint256 count = _poolCount;
        if (count >= MAX_POOLS) revert TooManyPools();
        poolId = uint8(count);
        _poolCount = count + 1;
        _pools[poolId] = Pool({duration: duration, ratePerDay: ratePerDay, open: true});
        emit PoolAdded(poolId, duration, ratePerDay);
    }

    /// @inheritdoc IStakingVault
    function setPoolOpen(uint8 poolId, bool open) external onlyRole(GOVERNOR_ROLE) {
        if (poolId >= _poolCount) revert UnknownPool(poolId);
        _pools[poolId].open = open;
        emit PoolStatusChanged(poolId, open);
    }

    /// @inheritdoc IStakingVault
    function pause() external onlyRole(PAUSER_ROLE) {
        _pause();
    }

    /// @inheritdoc IStakingVault
    function unpause() external onlyRole(PAUSER_ROLE) {
        _unpause();
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IStakingVault
    function pendingReward(uint256 positionId) external view returns (uint256) {
        Position memory p = _positions[positionId];
        if (p.owner == address(0)) revert UnknownPosition(positionId);
        return RewardMath.accrued(p.reward, block.timestamp - p.start, _pools[p.poolId].duration) - p.claimed;
    }

    /// @inheritdoc IStakingVault
    function getPosition(uint256 positionId) external view returns (Position memory p) {
        p = _positions[positionId];
        if (p.owner == address(0)) revert UnknownPosition(positionId);
    }

    /// @inheritdoc IStakingVault
    function unlockTime(uint256 positionId) external view returns (uint256) {
        Position memory p = _positions[positionId];
        if (p.owner == address(0)) revert UnknownPosition(positionId);
        return uint256(p.start) + _pools[p.poolId].duration;
    }

    /// @inheritdoc IStakingVault
    function getPool(uint8 poolId) external view returns (Pool memory) {
        if (poolId >= _poolCount) revert UnknownPool(poolId);
        return _pools[poolId];
    }

    /// @inheritdoc IStakingVault
    function poolCount() external view returns (uint256) {
        return _poolCount;
    }

    /// @inheritdoc IStakingVault
    function previewReward(uint8 poolId, uint256 amount) external view returns (uint256) {
        if (poolId >= _poolCount) revert UnknownPool(poolId);
        Pool memory pool = _pools[poolId];
        return RewardMath.fullReward(amount, pool.ratePerDay, pool.duration);
    }

    /// @inheritdoc IStakingVault
    function budgetLeft() external view returns (uint256) {
        return REWARD_BUDGET - _totals.reserved;
    }

    /// @inheritdoc IStakingVault
    function positionCount() external view returns (uint256) {
        return _totals.positions;
    }

    /// @inheritdoc IStakingVault
    function totalStaked() external view returns (uint256) {
        return _totals.staked;
    }

    /// @inheritdoc IStakingVault
    function totalReserved() external view returns (uint256) {
        return _totals.reserved;
    }
}
