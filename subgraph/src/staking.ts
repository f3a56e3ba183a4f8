// StakingVault: pools, positions, claims, withdrawals and the protocol's staking totals.
// Mirrors indexer/src/indexing/handlers/staking.ts.
import { BigInt } from "@graphprotocol/graph-ts";
import { RewardClaim, StakePool, StakePosition } from "../generated/schema";
import { Claimed, PoolAdded, PoolStatusChanged, Staked, Withdrawn } from "../generated/StakingVault/StakingVault";
import { account, daily, eventId, protocol, stakingBudget, syncDaily, touchProtocol } from "./entities";

export function handlePoolAdded(event: PoolAdded): void {
  let pool = new StakePool(event.params.poolId.toString());
  pool.poolId = event.params.poolId;
  pool.duration = event.params.duration;
  pool.ratePerDay = event.params.ratePerDay;
  pool.open = true;
  pool.totalStaked = BigInt.zero();
  pool.rewardsReserved = BigInt.zero();
  pool.positionCount = 0;
  pool.save();
}

export function handlePoolStatusChanged(event: PoolStatusChanged): void {
  let pool = StakePool.load(event.params.poolId.toString());
  if (pool == null) throw new Error("PoolStatusChanged for unknown pool " + event.params.poolId.toString());
  pool.open = event.params.open;
  pool.save();
}

export function handleStaked(event: Staked): void {
  let amount = event.params.amount;
  let reward = event.params.reward;
  let p = protocol();
  let owner = account(event.params.owner, event, p);
  let pool = StakePool.load(event.params.poolId.toString());
  if (pool == null) throw new Error("Staked into unknown pool " + event.params.poolId.toString());
  let pos = new StakePosition(event.params.positionId.toString());
  pos.positionId = event.params.positionId;
  pos.owner = owner.id;
  pos.pool = pool.id;
  pos.amount = amount;
  pos.reward = reward;
  pos.claimed = BigInt.zero();
  pos.startTime = event.block.timestamp;
  pos.unlockTime = event.params.unlockTime;
  pos.withdrawn = false;
  pos.withdrawnAt = null;
  pos.createdAtBlock = event.block.number;
  pos.transactionHash = event.transaction.hash;
  pos.save();
  owner.staked = owner.staked.plus(amount);
  owner.positionCount = owner.positionCount + 1;
  pool.totalStaked = pool.totalStaked.plus(amount);
  pool.rewardsReserved = pool.rewardsReserved.plus(reward);
  pool.positionCount = pool.positionCount + 1;
  p.totalStaked = p.totalStaked.plus(amount);
  p.rewardsReserved = p.rewardsReserved.plus(reward);
  p.budgetLeft = stakingBudget().minus(p.rewardsReserved);
  p.positionCount = p.positionCount + 1;
  touchProtocol(p, event);
  let d = daily(event, p);
  d.staked = d.staked.plus(amount);
  d.stakeCount = d.stakeCount + 1;
  syncDaily(d, p);
  owner.save();
  pool.save();
  p.save();
  d.save();
}

export function handleClaimed(event: Claimed): void {
  let amount = event.params.amount;
  let pos = StakePosition.load(event.params.positionId.toString());
  if (pos == null) throw new Error("Claimed for unknown position " + event.params.positionId.toString());
  let p = protocol();
  let owner = account(event.params.owner, event, p);
  pos.claimed = pos.claimed.plus(amount);
  owner.rewardsClaimed = owner.rewardsClaimed.plus(amount);
  p.rewardsClaimed = p.rewardsClaimed.plus(amount);
  touchProtocol(p, event);
  let d = daily(event, p);
  d.rewardsClaimed = d.rewardsClaimed.plus(amount);
  syncDaily(d, p);
  let claim = new RewardClaim(eventId(event));
  claim.position = pos.id;
  claim.owner = owner.id;
  claim.amount = amount;
  claim.blockNumber = event.block.number;
  claim.timestamp = event.block.timestamp;
  claim.transactionHash = event.transaction.hash;
  claim.save();
  pos.save();
  owner.save();
  p.save();
  d.save();
}

export function handleWithdrawn(event: Withdrawn): void {
  let amount = event.params.amount;
  let pos = StakePosition.load(event.params.positionId.toString());
  if (pos == null) throw new Error("Withdrawn for unknown position " + event.params.positionId.toString());
  let pool = StakePool.load(pos.pool);
  if (pool == null) throw new Error("Withdrawn from unknown pool " + pos.pool);
  let p = protocol();
  let owner = account(event.params.owner, event, p);
  pos.withdrawn = true;
  pos.withdrawnAt = event.block.timestamp;
  owner.staked = owner.staked.minus(amount);
  pool.totalStaked = pool.totalStaked.minus(amount);
  p.totalStaked = p.totalStaked.minus(amount);
  touchProtocol(p, event);
  let d = daily(event, p);
  d.withdrawn = d.withdrawn.plus(amount);
  syncDaily(d, p);
  pos.save();
  pool.save();
  owner.save();
  p.save();
  d.save();
}
