// Get-or-create helpers with the defaults of each mutable entity, shared by the mappings.
// Mirrors indexer/src/indexing/entities.ts field by field (the parity test holds them equal).
import { Address, BigInt, Bytes, ethereum } from "@graphprotocol/graph-ts";
import { Account, DailyStat, Protocol } from "../generated/schema";

export const PROTOCOL_ID = "protocol";
export const DAY: i64 = 86400;

/** 7,000,000,000 COMPUTE (18 decimals): the staking rewards budget. */
export function stakingBudget(): BigInt {
  return BigInt.fromString("7000000000000000000000000000");
}

export function protocol(): Protocol {
  let p = Protocol.load(PROTOCOL_ID);
  if (p != null) return p;
  p = new Protocol(PROTOCOL_ID);
  p.ubcTotalSupply = BigInt.zero();
  p.computeTotalSupply = BigInt.zero();
  p.computeTotalMinted = BigInt.zero();
  p.computeTotalBurned = BigInt.zero();
  p.totalStaked = BigInt.zero();
  p.rewardsReserved = BigInt.zero();
  p.rewardsClaimed = BigInt.zero();
  p.budgetLeft = stakingBudget();
  p.positionCount = 0;
  p.accountCount = 0;
  p.transferCount = BigInt.zero();
  p.ventureCount = 0;
  p.ventureInvested = BigInt.zero();
  p.agentCount = 0;
  p.jobCount = 0;
  p.jobsSettled = 0;
  p.marketVolume = BigInt.zero();
  p.marketBurned = BigInt.zero();
  p.protocolFees = BigInt.zero();
  p.validationFees = BigInt.zero();
  p.treasuryPaid = BigInt.zero();
  p.burnShareBps = 0;
  p.validatorCount = 0;
  p.activeValidatorCount = 0;
  p.validatorStake = BigInt.zero();
  p.lastBlock = BigInt.zero();
  p.lastTimestamp = BigInt.zero();
  return p;
}

export function touchProtocol(p: Protocol, event: ethereum.Event): void {
  p.lastBlock = event.block.number;
  p.lastTimestamp = event.block.timestamp;
}

/** The account, created (and counted in Protocol.accountCount) on first sight; not saved. */
export function account(address: Bytes, event: ethereum.Event, p: Protocol): Account {
  let a = Account.load(address);
  if (a != null) return a;
  if (!address.equals(Address.zero())) p.accountCount = p.accountCount + 1;
  a = new Account(address);
  a.ubcBalance = BigInt.zero();
  a.computeBalance = BigInt.zero();
  a.staked = BigInt.zero();
  a.rewardsClaimed = BigInt.zero();
  a.computeBurned = BigInt.zero();
  a.delegate = null;
  a.votes = BigInt.zero();
  a.positionCount = 0;
  a.firstSeenBlock = event.block.number;
  return a;
}

export function dayId(timestamp: BigInt): string {
  return (timestamp.toI64() / DAY).toString();
}

/** Today's DailyStat; a new day starts from the current protocol totals. Not saved. */
export function daily(event: ethereum.Event, p: Protocol): DailyStat {
  let id = dayId(event.block.timestamp);
  let d = DailyStat.load(id);
  if (d != null) return d;
  d = new DailyStat(id);
  d.date = ((event.block.timestamp.toI64() / DAY) * DAY) as i32;
  d.computeMinted = BigInt.zero();
  d.computeBurned = BigInt.zero();
  d.computeTotalSupply = p.computeTotalSupply;
  d.computeTotalBurned = p.computeTotalBurned;
  d.totalStaked = p.totalStaked;
  d.staked = BigInt.zero();
  d.withdrawn = BigInt.zero();
  d.rewardsClaimed = BigInt.zero();
  d.transferCount = 0;
  d.computeTransferVolume = BigInt.zero();
  d.ubcTransferVolume = BigInt.zero();
  d.stakeCount = 0;
  d.ventureInvested = BigInt.zero();
  d.jobsCreated = 0;
  d.jobsSettled = 0;
  d.marketVolume = BigInt.zero();
  d.marketBurned = BigInt.zero();
  return d;
}

/** Copies the running protocol totals into the day. */
export function syncDaily(d: DailyStat, p: Protocol): void {
  d.computeTotalSupply = p.computeTotalSupply;
  d.computeTotalBurned = p.computeTotalBurned;
  d.totalStaked = p.totalStaked;
}

/** graph-ts event id: transaction hash ++ log index (i32, little-endian), as the indexer's eventId. */
export function eventId(event: ethereum.Event): Bytes {
  return event.transaction.hash.concatI32(event.logIndex.toI32());
}
