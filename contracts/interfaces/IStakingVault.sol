// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IStakingVault
/// @notice Lock UBC in a pool for a fixed term and earn COMPUTE. A position's full reward is
///         reserved from the staking budget when it opens; it accrues linearly until the unlock
///         time and can be claimed at any moment; the principal is returned only after unlock.
interface IStakingVault {
    /// @notice A lock pool. Its duration and rate never change once added.
    struct Pool {
        uint32 duration; // lock term, seconds
        uint64 ratePerDay; // COMPUTE wei per day per 1,000 UBC
        bool open; // accepts new stakes
    }

    /// @notice A staking position.
    struct Position {
        address owner;
        uint96 amount; // UBC principal
        uint96 reward; // full reward, reserved at open
        uint96 claimed; // reward claimed so far
        uint40 start; // open time
        uint8 poolId;
        bool withdrawn; // principal returned
    }

    event PoolAdded(uint8 indexed poolId, uint32 duration, uint64 ratePerDay);
    event PoolStatusChanged(uint8 indexed poolId, bool open);
    event Staked(
        uint256 indexed positionId,
        address indexed owner,
        uint8 indexed poolId,
        uint256 amount,
        uint256 reward,
        uint256 unlockTime
    );
    event Claimed(uint256 indexed positionId, address indexed owner, uint256 amount);
    event Withdrawn(uint256 indexed positionId, address indexed owner, uint256 amount);

    error ZeroAddress();
    error ZeroAmount();
    error UnknownPool(uint256 poolId);
    error PoolClosed(uint256 poolId);
    error InvalidPoolParameters(uint256 duration, uint256 ratePerDay);
    error TooManyPools();
    error RewardTooSmall(uint256 amount);
    error BudgetExceeded(uint256 reward, uint256 budgetLeft);
    error UnknownPosition(uint256 positionId);
    error NotPositionOwner(uint256 positionId, address caller);
    error StillLocked(uint256 positionId, uint256 unlockTime);
    error AlreadyWithdrawn(uint256 positionId);
    error NothingToClaim();
    error AmountTooLarge(uint256 amount);

    /// @notice Locks `amount` UBC in pool `poolId` for the caller; returns the position id.
    function stake(uint8 poolId, uint256 amount) external returns (uint256 positionId);

    /// @notice Locks the caller's `amount` UBC in pool `poolId` for `beneficiary`.
    function stakeFor(address beneficiary, uint8 poolId, uint256 amount) external returns (uint256 positionId);

    /// @notice `stake` after an EIP-2612 permit, in one transaction.
    function stakeWithPermit(uint8 poolId, uint256 amount, uint256 deadline, uint8 v, bytes32 r, bytes32 s)
        external
        returns (uint256 positionId);

    /// @notice Mints the accrued, unclaimed reward of `positionId` to its owner (the caller).
    function claim(uint256 positionId) external returns (uint256 amount);

    /// @notice Claims several positions of the caller in one transaction.
    function claimMany(uint256[] calldata positionIds) external returns (uint256 amount);

    /// @notice Returns the principal of `positionId` to its owner (the caller), after unlock.
    function withdraw(uint256 positionId) external returns (uint256 amount);

    /// @notice Claims what is left and withdraws the principal of `positionId`, after unlock.
    function exit(uint256 positionId) external returns (uint256 reward, uint256 principal);

    /// @notice Adds a pool. Only GOVERNOR_ROLE (a timelock).
    function addPool(uint32 duration, uint64 ratePerDay) external returns (uint8 poolId);

    /// @notice Opens or closes a pool to new stakes; open positions are unaffected. Only GOVERNOR_ROLE.
    function setPoolOpen(uint8 poolId, bool open) external;

    /// @notice Stops new stakes and claims (withdrawals of principal are never paused). Only PAUSER_ROLE.
    function pause() external;

    /// @notice Lifts the pause. Only PAUSER_ROLE.
    function unpause() external;

    /// @notice The reward of `positionId` accrued and not yet claimed.
    function pendingReward(uint256 positionId) external view returns (uint256);

    /// @notice A position's details.
    function getPosition(uint256 positionId) external view returns (Position memory);

    /// @notice The unlock time of `positionId`.
    function unlockTime(uint256 positionId) external view returns (uint256);

    /// @notice A pool's parameters.
    function getPool(uint8 poolId) external view returns (Pool memory);

    /// @notice The number of pools.
    function poolCount() external view returns (uint256);

    /// @notice The full reward a stake of `amount` in pool `poolId` would reserve.
    function previewReward(uint8 poolId, uint256 amount) external view returns (uint256);

    /// @notice What is left of the staking budget to reserve for new positions.
    function budgetLeft() external view returns (uint256);

    /// @notice The number of positions ever opened (ids run from 1 to this).
    function positionCount() external view returns (uint256);

    /// @notice UBC principal in open (not withdrawn) positions.
    function totalStaked() external view returns (uint256);

    /// @notice Rewards reserved for all positions ever opened.
    function totalReserved() external view returns (uint256);

    /// @notice Rewards claimed (minted) so far.
    function totalClaimed() external view returns (uint256);
}
