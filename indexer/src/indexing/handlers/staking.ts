// StakingVault: pools, positions, claims, withdrawals and the protocol's staking totals.
import type { HandlerMap, IndexedEvent } from "../types.ts";
import { account, add, daily, dayId, PROTOCOL_ID, protocol, STAKING_BUDGET, syncDaily, touchProtocol } from "../entities.ts";

const positionKeys = (e: IndexedEvent): [string, string][] => [
  ["StakePosition", (e.args.positionId as bigint).toString()],
  ["Account", e.args.owner as string],
  ["Protocol", PROTOCOL_ID],
  ["DailyStat", dayId(e.block.timestamp)],
];

export const stakingHandlers: HandlerMap = {
  StakingVault: {
    PoolAdded: {
      async handle(e, { store }) {
        const id = (e.args.poolId as bigint).toString();
        store.set("StakePool", {
          id,
          poolId: Number(e.args.poolId),
          duration: e.args.duration as bigint,
          ratePerDay: e.args.ratePerDay as bigint,
          open: true,
          totalStaked: 0n,
          rewardsReserved: 0n,
          positionCount: 0,
        });
      },
    },
    PoolStatusChanged: {
      async handle(e, { store }) {
        const pool = await store.get("StakePool", (e.args.poolId as bigint).toString());
        if (!pool) throw new Error(`PoolStatusChanged for unknown pool ${e.args.poolId}`);
        pool.open = e.args.open as boolean;
        store.set("StakePool", pool);
      },
    },
    Staked: {
      preload: (e) => [...positionKeys(e), ["StakePool", (e.args.poolId as bigint).toString()]],
      async handle(e, { store }) {
        const amount = e.args.amount as bigint;
        const reward = e.args.reward as bigint;
        const p = await protocol(store);
        const owner = await account(store, e.args.owner as string, e, p);
        const pool = await store.get("StakePool", (e.args.poolId as bigint).toString());
        if (!pool) throw new Error(`Staked into unknown pool ${e.args.poolId}`);
        store.set("StakePosition", {
          id: (e.args.positionId as bigint).toString(),
          positionId: e.args.positionId as bigint,
          owner: owner.id as string,
          pool: pool.id as string,
          amount,
          reward,
          claimed: 0n,
          startTime: e.block.timestamp,
          unlockTime: e.args.unlockTime as bigint,
          withdrawn: false,
          withdrawnAt: null,
          createdAtBlock: e.block.number,
          transactionHash: e.transactionHash,
        });
        owner.staked = add(owner.staked, amount);
        owner.positionCount = (owner.positionCount as number) + 1;
        pool.totalStaked = add(pool.totalStaked, amount);
        pool.rewardsReserved = add(pool.rewardsReserved, reward);
        pool.positionCount = (pool.positionCount as number) + 1;
        p.totalStaked = add(p.totalStaked, amount);
        p.rewardsReserved = add(p.rewardsReserved, reward);
        p.budgetLeft = STAKING_BUDGET - (p.rewardsReserved as bigint);
        p.positionCount = (p.positionCount as number) + 1;
        touchProtocol(p, e);
        const d = await daily(store, e, p);
        d.staked = add(d.staked, amount);
        d.stakeCount = (d.stakeCount as number) + 1;
        syncDaily(d, p);
        store.set("Account", owner);
        store.set("StakePool", pool);
        store.set("Protocol", p);
        store.set("DailyStat", d);
      },
    },
    Claimed: {
      preload: positionKeys,
      async handle(e, { store }) {
        const amount = e.args.amount as bigint;
        const pos = await store.get("StakePosition", (e.args.positionId as bigint).toString());
        if (!pos) throw new Error(`Claimed for unknown position ${e.args.positionId}`);
        const p = await protocol(store);
        const owner = await account(store, e.args.owner as string, e, p);
        pos.claimed = add(pos.claimed, amount);
        owner.rewardsClaimed = add(owner.rewardsClaimed, amount);
        p.rewardsClaimed = add(p.rewardsClaimed, amount);
        touchProtocol(p, e);
        const d = await daily(store, e, p);
        d.rewardsClaimed = add(d.rewardsClaimed, amount);
        syncDaily(d, p);
        store.set("RewardClaim", {
          id: e.id,
          position: pos.id as string,
          owner: owner.id as string,
          amount,
          blockNumber: e.block.number,
          timestamp: e.block.timestamp,
          transactionHash: e.transactionHash,
        });
        store.set("StakePosition", pos);
        store.set("Account", owner);
        store.set("Protocol", p);
        store.set("DailyStat", d);
      },
    },
    Withdrawn: {
      preload: positionKeys,
      async handle(e, { store }) {
        const amount = e.args.amount as bigint;
        const pos = await store.get("StakePosition", (e.args.positionId as bigint).toString());
        if (!pos) throw new Error(`Withdrawn for unknown position ${e.args.positionId}`);
        const pool = await store.get("StakePool", pos.pool as string);
        const p = await protocol(store);
        const owner = await account(store, e.args.owner as string, e, p);
        pos.withdrawn = true;
        pos.withdrawnAt = e.block.timestamp;
        owner.staked = add(owner.staked, -amount);
        pool!.totalStaked = add(pool!.totalStaked, -amount);
        p.totalStaked = add(p.totalStaked, -amount);
        touchProtocol(p, e);
        const d = await daily(store, e, p);
        d.withdrawn = add(d.withdrawn, amount);
        syncDaily(d, p);
        store.set("StakePosition", pos);
        store.set("StakePool", pool!);
        store.set("Account", owner);
        store.set("Protocol", p);
        store.set("DailyStat", d);
      },
    },
  },
};
