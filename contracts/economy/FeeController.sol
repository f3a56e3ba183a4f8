// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IFeeController} from "../interfaces/IFeeController.sol";

/// @title FeeController
/// @notice Decides the burn share of the protocol fee, EIP-1559 style. Time is cut into epochs
///         of `epochLength` seconds from deployment. The WorkMarket reports the value of every
///         settled job (`recordVolume`); when an epoch ends, the burn share moves with that
///         epoch's volume V against the target T:
///
///             d        = clamp((V - T) / T, -1, +1)
///             newShare = clamp(share * (1 + d * maxChange), minBurnBps, maxBurnBps)
///
///         so the share changes by at most `maxChangeBps` (of itself) per epoch — 1250 bps =
///         1/8 is EIP-1559's quotient. Rounding is down, except that volume above target always
///         raises the share by at least 1 bps (otherwise a share of 0 could never rise again).
///         An epoch without any volume has V = 0, i.e. share *= (1 - maxChange). After n idle
///         epochs that is share * (1 - maxChange)^n, computed in closed form by exponentiation
///         by squaring in 27-decimal fixed point: O(log n), whatever the gap (it may differ from
///         n single steps by rounding only, and is then clamped to the bounds).
///         Within an epoch the share is constant, so every job of an epoch burns alike.
/// @dev GOVERNOR_ROLE (a timelock) sets the target, the bounds and the maximum change; the
///      epoch length is immutable (epoch numbers must keep their meaning). MARKET_ROLE (the
///      WorkMarket) records volume. The market is deployed after this contract, so the
///      `configurator` (the deployer) may grant MARKET_ROLE exactly once with `setMarket`; after
///      that only DEFAULT_ADMIN_ROLE (the timelock) grants or revokes it.
contract FeeController is IFeeController, AccessControl {
    bytes32 public constant GOVERNOR_ROLE = keccak256("GOVERNOR_ROLE");
    bytes32 public constant MARKET_ROLE = keccak256("MARKET_ROLE");

    uint256 public constant BPS = 10_000;
    uint256 public constant MIN_EPOCH_LENGTH = 1 hours;
    uint256 public constant MAX_EPOCH_LENGTH = 30 days;
    uint256 private constant RAY = 1e27;
    uint256 private constant BPS_TO_RAY = 1e23; // RAY / BPS

    /// @notice The epoch whose volume is accumulating, the burn share that applies in it, and
    ///         its volume so far; one slot, written by every `recordVolume`.
    struct State {
        uint64 epoch;
        uint16 burnShareBps;
        uint176 volume; // saturates (never reverts a settlement)
    }

    /// @notice Governed parameters, one slot.
    struct Params {
        uint128 target; // volume per epoch at which the share stays put
        uint16 minBurnBps;
        uint16 maxBurnBps;
        uint16 maxChangeBps; // largest relative change per epoch, bps of the share
    }

    /// @notice Epoch 0 starts at `genesis` with `initialBurnBps`.
    event Started(uint256 genesis, uint256 epochLength, uint16 initialBurnBps);
    /// @notice Epoch `epoch` closed with `volume`; the next epoch's share is `newBurnShareBps`.
    event EpochRolled(uint256 indexed epoch, uint256 volume, uint16 newBurnShareBps);
    /// @notice Epochs `firstEpoch`..`lastEpoch` had no volume; the share decayed to `newBurnShareBps`.
    event IdleEpochsApplied(uint256 firstEpoch, uint256 lastEpoch, uint16 newBurnShareBps);
    event VolumeRecorded(uint256 indexed epoch, uint256 value, uint256 epochVolume);
    event ParametersUpdated(uint256 target, uint16 minBurnBps, uint16 maxBurnBps, uint16 maxChangeBps);
    /// @notice The governed bounds moved the current share.
    event BurnShareClamped(uint16 newBurnShareBps);
    event MarketSet(address indexed market);

    error ZeroAddress();
    error InvalidEpochLength(uint256 epochLength);
    error InvalidParameters(uint256 target, uint256 minBurnBps, uint256 maxBurnBps, uint256 maxChangeBps);
    error InvalidBurnShare(uint256 burnShareBps);
    error NotConfigurator(address caller);

    /// @notice Seconds per epoch.
    uint256 public immutable epochLength;
    /// @notice Start of epoch 0 (the deployment time).
    uint256 public immutable genesis;
    /// @notice May call `setMarket` once (the deployer); zero once used.
    address public configurator;

    State private _state;
    Params private _params;

    /// @param governor Receives GOVERNOR_ROLE and DEFAULT_ADMIN_ROLE (a timelock).
    /// @param configurator_ May grant MARKET_ROLE once with `setMarket` (the deployer).
    /// @param epochLength_ Seconds per epoch, 1 hour to 30 days.
    /// @param target_ Volume per epoch at which the share stays put (> 0).
    /// @param initialBurnBps Burn share of epoch 0, within [minBurnBps, maxBurnBps].
    /// @param minBurnBps Lower bound of the share.
    /// @param maxBurnBps Upper bound of the share (<= 10,000).
    /// @param maxChangeBps_ Largest relative change per epoch (<= 10,000; 1,250 = EIP-1559's 1/8).
    constructor(
        address governor,
        address configurator_,
        uint256 epochLength_,
        uint256 target_,
        uint16 initialBurnBps,
        uint16 minBurnBps,
        uint16 maxBurnBps,
        uint16 maxChangeBps_
    ) {
        if (governor == address(0) || configurator_ == address(0)) revert ZeroAddress();
        if (epochLength_ < MIN_EPOCH_LENGTH || epochLength_ > MAX_EPOCH_LENGTH) {
            revert InvalidEpochLength(epochLength_);
        }
        epochLength = epochLength_;
        genesis = block.timestamp;
        configurator = configurator_;
        _grantRole(DEFAULT_ADMIN_ROLE, governor);
        _grantRole(GOVERNOR_ROLE, governor);
        _setParams(target_, minBurnBps, maxBurnBps, maxChangeBps_);
        if (initialBurnBps < minBurnBps || initialBurnBps > maxBurnBps) revert InvalidBurnShare(initialBurnBps);
        _state = State({epoch: 0, burnShareBps: initialBurnBps, volume: 0});
        emit Started(block.timestamp, epochLength_, initialBurnBps);
    }

    // ------------------------------------------------------------------ market

    /// @inheritdoc IFeeController
    function recordVolume(uint256 value) external onlyRole(MARKET_ROLE) returns (uint16) {
        State memory st = _rollover();
        uint256 volume = uint256(st.volume) + value;
        if (volume > type(uint176).max) volume = type(uint176).max;
        st.volume = uint176(volume);
        _state = st;
        emit VolumeRecorded(st.epoch, value, volume);
        return st.burnShareBps;
    }

    /// @notice Closes any ended epoch now (anyone may call; `recordVolume` does it anyway) and
    ///         returns the current burn share.
    function checkpoint() external returns (uint16) {
        State memory st = _rollover();
        _state = st;
        return st.burnShareBps;
    }

    // ------------------------------------------------------------------ governance

    /// @notice Sets the target and the bounds; the ended epochs are first closed with the old
    ///         parameters, then the current share is clamped into the new bounds. GOVERNOR_ROLE.
    function setParameters(uint256 target_, uint16 minBurnBps, uint16 maxBurnBps, uint16 maxChangeBps_)
        external
        onlyRole(GOVERNOR_ROLE)
    {
        State memory st = _rollover();
        _setParams(target_, minBurnBps, maxBurnBps, maxChangeBps_);
        uint16 clamped = _clamp(st.burnShareBps, minBurnBps, maxBurnBps);
        if (clamped != st.burnShareBps) {
            st.burnShareBps = clamped;
            emit BurnShareClamped(clamped);
        }
        _state = st;
    }

    /// @notice Grants MARKET_ROLE to `market`, once, by the configurator (the deployer), which
    ///         then loses that power. Later changes go through DEFAULT_ADMIN_ROLE (the timelock).
    function setMarket(address market) external {
        if (msg.sender != configurator) revert NotConfigurator(msg.sender);
        if (market == address(0)) revert ZeroAddress();
        delete configurator;
        _grantRole(MARKET_ROLE, market);
        emit MarketSet(market);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IFeeController
    /// @dev Includes the adjustment of epochs that ended but were not closed yet.
    function burnShareBps() external view returns (uint16) {
        (uint16 share,,) = _project(_state, _params, currentEpoch());
        return share;
    }

    /// @notice The current epoch number (0 at deployment).
    function currentEpoch() public view returns (uint256) {
        return (block.timestamp - genesis) / epochLength;
    }

    /// @notice Start time of `epoch`.
    function epochStart(uint256 epoch) external view returns (uint256) {
        return genesis + epoch * epochLength;
    }

    /// @notice Volume recorded in the current epoch so far.
    function epochVolume() external view returns (uint256) {
        State memory st = _state;
        return st.epoch == currentEpoch() ? st.volume : 0;
    }

    /// @notice The stored state: the last epoch that recorded volume (or was closed), its share
    ///         and volume. `burnShareBps()` projects it to now.
    function state() external view returns (State memory) {
        return _state;
    }

    /// @notice The volume target per epoch. (Not named `target`: ethers' Contract reserves it.)
    function targetVolume() external view returns (uint256) {
        return _params.target;
    }

    /// @notice The governed bounds of the burn share.
    function burnBounds() external view returns (uint16 minBurnBps, uint16 maxBurnBps) {
        Params memory p = _params;
        return (p.minBurnBps, p.maxBurnBps);
    }

    /// @notice Largest relative change of the share per epoch, in bps of the share.
    function maxChangeBps() external view returns (uint16) {
        return _params.maxChangeBps;
    }

    /// @notice The share after an epoch with `volume` and the current parameters, starting from
    ///         `share` (a pure preview of the adjustment rule).
    function previewAdjustment(uint16 share, uint256 volume) external view returns (uint16) {
        return _adjust(share, volume, _params);
    }

    // ------------------------------------------------------------------ internals

    /// @dev Closes the stored epoch and any idle ones if the current epoch is later, emitting
    ///      their events; returns the state of the current epoch (not yet written).
    function _rollover() private returns (State memory st) {
        st = _state;
        uint256 current = currentEpoch();
        if (st.epoch == current) return st;
        (uint16 share, uint16 afterClosed, uint256 idle) = _project(st, _params, current);
        emit EpochRolled(st.epoch, st.volume, afterClosed);
        if (idle != 0) emit IdleEpochsApplied(uint256(st.epoch) + 1, current - 1, share);
        st = State({epoch: uint64(current), burnShareBps: share, volume: 0});
    }

    /// @dev The share at `current` from the stored state: `afterClosed` once the stored epoch is
    ///      closed with its volume, `share` after the `idle` epochs between them decay it.
    function _project(State memory st, Params memory p, uint256 current)
        private
        pure
        returns (uint16 share, uint16 afterClosed, uint256 idle)
    {
        if (st.epoch == current) return (st.burnShareBps, st.burnShareBps, 0);
        afterClosed = _adjust(st.burnShareBps, st.volume, p);
        idle = current - st.epoch - 1;
        share = idle == 0 ? afterClosed : _decay(afterClosed, idle, p);
    }

    /// @dev One epoch of the rule: share * (1 + clamp((V - T)/T, -1, 1) * maxChange), clamped.
    function _adjust(uint16 share, uint256 volume, Params memory p) private pure returns (uint16) {
        uint256 t = p.target;
        uint256 s = share;
        if (volume >= t) {
            uint256 dev = volume - t;
            if (dev > t) dev = t;
            uint256 delta = (s * p.maxChangeBps * dev) / (BPS * t);
            if (delta == 0 && dev != 0 && p.maxChangeBps != 0) delta = 1;
            s += delta;
        } else {
            s -= (s * p.maxChangeBps * (t - volume)) / (BPS * t);
        }
        return _clamp(s, p.minBurnBps, p.maxBurnBps);
    }

    /// @dev `idle` epochs without volume: share * (1 - maxChange)^idle, clamped.
    function _decay(uint16 share, uint256 idle, Params memory p) private pure returns (uint16) {
        uint256 factor = (BPS - p.maxChangeBps) * BPS_TO_RAY; // <= RAY
        uint256 power = RAY;
        // Exponentiation by squaring, rounding down; stops early once the power is 0.
        while (idle != 0 && power != 0) {
            if (idle & 1 != 0) power = (power * factor) / RAY;
            factor = (factor * factor) / RAY;
            idle >>= 1;
        }
        return _clamp((uint256(share) * power) / RAY, p.minBurnBps, p.maxBurnBps);
    }

    function _clamp(uint256 s, uint16 lo, uint16 hi) private pure returns (uint16) {
        if (s < lo) return lo;
        if (s > hi) return hi;
        return uint16(s);
    }

    function _setParams(uint256 target_, uint16 minBurnBps, uint16 maxBurnBps, uint16 maxChangeBps_) private {
        if (
            target_ == 0 || target_ > type(uint128).max || minBurnBps > maxBurnBps || maxBurnBps > BPS
                || maxChangeBps_ > BPS
        ) revert InvalidParameters(target_, minBurnBps, maxBurnBps, maxChangeBps_);
        _params = Params({
            target: uint128(target_),
            minBurnBps: minBurnBps,
            maxBurnBps: maxBurnBps,
            maxChangeBps: maxChangeBps_
        });
        emit ParametersUpdated(target_, minBurnBps, maxBurnBps, maxChangeBps_);
    }
}
