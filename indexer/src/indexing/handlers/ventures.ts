// VentureFactory and Venture: ventures (created by the factory and then indexed as a template),
// raises, share holdings, revenue deposits and claims.
import type { EntityRow } from "../../database/store.ts";
import type { HandlerContext, HandlerMap, IndexedEvent } from "../types.ts";
import { account, add, daily, dayId, PROTOCOL_ID, protocol, touchProtocol, ZERO_ADDRESS } from "../entities.ts";

const holdingId = (venture: string, holder: string) => venture + holder.slice(2);

async function venture(e: IndexedEvent, ctx: HandlerContext): Promise<EntityRow> {
  const v = await ctx.store.get("Venture", e.address);
  if (!v) throw new Error(`event of venture ${e.address} before its VentureCreated`);
  return v;
}

async function holding(e: IndexedEvent, ctx: HandlerContext, v: EntityRow, holder: string): Promise<EntityRow> {
  const id = holdingId(e.address, holder);
  return (
    (await ctx.store.get("VentureHolding", id)) ?? {
      id,
      venture: e.address,
      holder,
      shares: 0n,
      invested: 0n,
      refunded: 0n,
      claimed: (v.revenueTokens as string[]).map(() => 0n),
    }
  );
}

const addAt = (list: unknown, i: number, x: bigint) => (list as bigint[]).map((v, k) => (k === i ? v + x : v));
const addAll = (list: unknown, xs: bigint[]) => (list as bigint[]).map((v, k) => v + (xs[k] ?? 0n));

export const ventureHandlers: HandlerMap = {
  VentureFactory: {
    VentureCreated: {
      async handle(e, ctx) {
        const { store } = ctx;
        const params = e.args.params as Record<string, unknown>;
        const p = await protocol(store);
        const op = await account(store, e.args.operator as string, e, p);
        const tokens = (params.revenueTokens as string[]).map((t) => t.toLowerCase());
        const zeros = tokens.map(() => 0n);
        store.set("Venture", {
          id: (e.args.venture as string).toLowerCase(),
          name: params.name as string,
          symbol: params.symbol as string,
          metadataURI: params.metadataURI as string,
          operator: op.id as string,
          operatorAgentId: e.args.operatorAgentId as bigint,
          pendingOperator: null,
          creator: (e.args.creator as string).toLowerCase(),
          pricePerShare: params.pricePerShare as bigint,
          minShares: params.minShares as bigint,
          maxShares: params.maxShares as bigint,
          deadline: e.args.deadline as bigint,
          distributionBps: Number(params.distributionBps),
          performanceFeeBps: Number(params.performanceFeeBps),
          performancePeriod: params.performancePeriod as bigint,
          revenueTokens: tokens,
          hurdles: params.hurdles as bigint[],
          status: "open",
          sharesSold: 0n,
          raised: 0n,
          refunded: 0n,
          totalShares: 0n,
          investorCount: 0,
          holderCount: 0,
          revenueDeposited: zeros,
          revenueDistributed: zeros,
          performanceFees: zeros,
          operatorRevenue: zeros,
          revenueClaimed: zeros,
          operatorWithdrawn: zeros,
          depositCount: 0,
          createdAtBlock: e.block.number,
          createdAtTimestamp: e.block.timestamp,
          transactionHash: e.transactionHash,
        });
        p.ventureCount = (p.ventureCount as number) + 1;
        touchProtocol(p, e);
        store.set("Account", op);
        store.set("Protocol", p);
        await ctx.createContract("Venture", e.args.venture as string);
      },
    },
  },
  Venture: {
    Transfer: {
      preload: (e) => [
        ["Venture", e.address],
        ["VentureHolding", holdingId(e.address, e.args.from as string)],
        ["VentureHolding", holdingId(e.address, e.args.to as string)],
        ["Account", e.args.from as string],
        ["Account", e.args.to as string],
        ["Protocol", PROTOCOL_ID],
      ],
      async handle(e, ctx) {
        const { store } = ctx;
        const from = e.args.from as string;
        const to = e.args.to as string;
        const value = e.args.value as bigint;
        const v = await venture(e, ctx);
        const p = await protocol(store);
        if (from === ZERO_ADDRESS) v.totalShares = add(v.totalShares, value);
        else {
          const h = await holding(e, ctx, v, from);
          if (h.shares === value && value > 0n) v.holderCount = (v.holderCount as number) - 1;
          h.shares = add(h.shares, -value);
          store.set("VentureHolding", h);
        }
        if (to === ZERO_ADDRESS) v.totalShares = add(v.totalShares, -value);
        else {
          const acc = await account(store, to, e, p);
          store.set("Account", acc);
          const h = await holding(e, ctx, v, to);
          if (h.shares === 0n && value > 0n) v.holderCount = (v.holderCount as number) + 1;
          h.shares = add(h.shares, value);
          store.set("VentureHolding", h);
        }
        store.set("Venture", v);
        store.set("Protocol", p);
      },
    },
    Invested: {
      preload: (e) => [["Venture", e.address], ["VentureHolding", holdingId(e.address, e.args.investor as string)], ["Protocol", PROTOCOL_ID], ["DailyStat", dayId(e.block.timestamp)]],
      async handle(e, ctx) {
        const { store } = ctx;
        const investor = e.args.investor as string;
        const cost = e.args.cost as bigint;
        const v = await venture(e, ctx);
        const p = await protocol(store);
        const acc = await account(store, investor, e, p);
        const h = await holding(e, ctx, v, investor);
        if (h.invested === 0n) v.investorCount = (v.investorCount as number) + 1;
        h.invested = add(h.invested, cost);
        v.sharesSold = add(v.sharesSold, e.args.shares as bigint);
        v.raised = add(v.raised, cost);
        p.ventureInvested = add(p.ventureInvested, cost);
        touchProtocol(p, e);
        const d = await daily(store, e, p);
        d.ventureInvested = add(d.ventureInvested, cost);
        store.set("VentureInvestment", {
          id: e.id, venture: e.address, investor, shares: e.args.shares as bigint, cost,
          blockNumber: e.block.number, timestamp: e.block.timestamp, transactionHash: e.transactionHash,
        });
        store.set("VentureHolding", h);
        store.set("Venture", v);
        store.set("Account", acc);
        store.set("Protocol", p);
        store.set("DailyStat", d);
      },
    },
    RaiseSucceeded: {
      async handle(e, ctx) {
        const v = await venture(e, ctx);
        v.status = "succeeded";
        ctx.store.set("Venture", v);
      },
    },
    RaiseFailed: {
      async handle(e, ctx) {
        const v = await venture(e, ctx);
        v.status = "failed";
        ctx.store.set("Venture", v);
      },
    },
    RaiseCancelled: {
      async handle(e, ctx) {
        const v = await venture(e, ctx);
        v.status = "cancelled";
        ctx.store.set("Venture", v);
      },
    },
    Refunded: {
      async handle(e, ctx) {
        const { store } = ctx;
        const amount = e.args.amount as bigint;
        const v = await venture(e, ctx);
        if (v.status === "open") v.status = "failed"; // a raise past its deadline below the minimum
        const h = await holding(e, ctx, v, e.args.holder as string);
        h.refunded = add(h.refunded, amount);
        v.refunded = add(v.refunded, amount);
        const p = await protocol(store);
        p.ventureInvested = add(p.ventureInvested, -amount);
        touchProtocol(p, e);
        store.set("VentureHolding", h);
        store.set("Venture", v);
        store.set("Protocol", p);
      },
    },
    RevenueDeposited: {
      async handle(e, ctx) {
        const v = await venture(e, ctx);
        const token = (e.args.token as string).toLowerCase();
        const i = (v.revenueTokens as string[]).indexOf(token);
        if (i < 0) throw new Error(`revenue in ${token}, not a revenue token of venture ${e.address}`);
        v.revenueDeposited = addAt(v.revenueDeposited, i, e.args.amount as bigint);
        v.revenueDistributed = addAt(v.revenueDistributed, i, e.args.distributed as bigint);
        v.performanceFees = addAt(v.performanceFees, i, e.args.performanceFee as bigint);
        v.operatorRevenue = addAt(v.operatorRevenue, i, e.args.operatorShare as bigint);
        v.depositCount = (v.depositCount as number) + 1;
        ctx.store.set("Venture", v);
        ctx.store.set("RevenueDeposit", {
          id: e.id, venture: e.address, depositor: (e.args.depositor as string).toLowerCase(), token,
          amount: e.args.amount as bigint, distributed: e.args.distributed as bigint,
          performanceFee: e.args.performanceFee as bigint, operatorShare: e.args.operatorShare as bigint,
          blockNumber: e.block.number, timestamp: e.block.timestamp, transactionHash: e.transactionHash,
        });
      },
    },
    RevenueClaimed: {
      async handle(e, ctx) {
        const { store } = ctx;
        const holder = e.args.holder as string;
        const amounts = e.args.amounts as bigint[];
        const v = await venture(e, ctx);
        const h = await holding(e, ctx, v, holder);
        const p = await protocol(store);
        const acc = await account(store, holder, e, p);
        h.claimed = addAll(h.claimed, amounts);
        v.revenueClaimed = addAll(v.revenueClaimed, amounts);
        store.set("VentureHolding", h);
        store.set("Venture", v);
        store.set("Account", acc);
        store.set("Protocol", p);
        store.set("RevenueClaim", {
          id: e.id, venture: e.address, holder, amounts,
          blockNumber: e.block.number, timestamp: e.block.timestamp, transactionHash: e.transactionHash,
        });
      },
    },
    OperatorRevenueWithdrawn: {
      async handle(e, ctx) {
        const v = await venture(e, ctx);
        v.operatorWithdrawn = addAll(v.operatorWithdrawn, e.args.amounts as bigint[]);
        ctx.store.set("Venture", v);
      },
    },
    OperatorTransferStarted: {
      async handle(e, ctx) {
        const v = await venture(e, ctx);
        v.pendingOperator = (e.args.pendingOperator as string).toLowerCase();
        ctx.store.set("Venture", v);
      },
    },
    OperatorTransferred: {
      async handle(e, ctx) {
        const { store } = ctx;
        const v = await venture(e, ctx);
        const p = await protocol(store);
        const op = await account(store, e.args.newOperator as string, e, p);
        v.operator = op.id as string;
        v.pendingOperator = null;
        store.set("Account", op);
        store.set("Venture", v);
        store.set("Protocol", p);
      },
    },
  },
};
