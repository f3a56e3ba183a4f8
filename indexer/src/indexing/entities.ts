// Get-or-create helpers with the defaults of each mutable entity, shared by the handlers.
import type { Store, EntityRow } from "../database/store.ts";
import type { IndexedEvent } from "./types.ts";

export const PROTOCOL_ID = "protocol";
export const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";
export const STAKING_BUDGET = 7_000_000_000n * 10n ** 18n;
export const DAY = 86_400n;

export async function protocol(store: Store): Promise<EntityRow> {
  return (
    (await store.get("Protocol", PROTOCOL_ID)) ?? {
      id: PROTOCOL_ID,
      ubcTotalSupply: 0n,
      computeTotalSupply: 0n,
      computeTotalMinted: 0n,
      computeTotalBurned: 0n,
      totalStaked: 0n,
      rewardsReserved: 0n,
      rewardsClaimed: 0n,
      budgetLeft: STAKING_BUDGET,
      positionCount: 0,
      accountCount: 0,
      transferCount: 0n,
      ventureCount: 0,
      ventureInvested: 0n,
      agentCount: 0,
      jobCount: 0,
      jobsSettled: 0,
      marketVolume: 0n,
      marketBurned: 0n,
      protocolFees: 0n,
      validationFees: 0n,
      treasuryPaid: 0n,
      burnShareBps: 0,
      validatorCount: 0,
      activeValidatorCount: 0,
      validatorStake: 0n,
      lastBlock: 0n,
      lastTimestamp: 0n,
    }
  );
}

export function touchProtocol(p: EntityRow, e: IndexedEvent) {
  p.lastBlock = e.block.number;
  p.lastTimestamp = e.block.timestamp;
}

/** The account, created (and counted in Protocol.accountCount) on first sight. */
export async function account(store: Store, address: string, e: IndexedEvent, p: EntityRow): Promise<EntityRow> {
  const found = await store.get("Account", address);
  if (found) return found;
  if (address !== ZERO_ADDRESS) p.accountCount = (p.accountCount as number) + 1;
  return {
    id: address,
    ubcBalance: 0n,
    computeBalance: 0n,
    staked: 0n,
    rewardsClaimed: 0n,
    computeBurned: 0n,
    delegate: null,
    votes: 0n,
    positionCount: 0,
    firstSeenBlock: e.block.number,
  };
}

// the last day asked for: events come in chain order, so most calls ask for the same day
let lastTimestamp = -1n;
let lastDayId = "";

export function dayId(timestamp: bigint): string {
  if (timestamp !== lastTimestamp) {
    lastDayId = (timestamp / DAY).toString();
    lastTimestamp = timestamp;
  }
  return lastDayId;
}

/** Today's DailyStat; a new day starts from the current protocol totals. */
export async function daily(store: Store, e: IndexedEvent, p: EntityRow): Promise<EntityRow> {
  const id = dayId(e.block.timestamp);
  const found = await store.get("DailyStat", id);
  if (found) return found;
  return {
    id,
    date: Number((e.block.timestamp / DAY) * DAY),
    computeMinted: 0n,
    computeBurned: 0n,
    computeTotalSupply: p.computeTotalSupply,
    computeTotalBurned: p.computeTotalBurned,
    totalStaked: p.totalStaked,
    staked: 0n,
    withdrawn: 0n,
    rewardsClaimed: 0n,
    transferCount: 0,
    computeTransferVolume: 0n,
    ubcTransferVolume: 0n,
    stakeCount: 0,
    ventureInvested: 0n,
    jobsCreated: 0,
    jobsSettled: 0,
    marketVolume: 0n,
    marketBurned: 0n,
  };
}

/** Copies the running protocol totals into the day. */
export function syncDaily(d: EntityRow, p: EntityRow) {
  d.computeTotalSupply = p.computeTotalSupply;
  d.computeTotalBurned = p.computeTotalBurned;
  d.totalStaked = p.totalStaked;
}

export const add = (a: unknown, b: bigint) => (a as bigint) + b;
