// AgentRegistry and ReputationRegistry: agent identities (ERC-721), roles, wallets, feedback.
import type { EntityRow } from "../../database/store.ts";
import type { HandlerContext, HandlerMap, IndexedEvent } from "../types.ts";
import { account, PROTOCOL_ID, protocol, touchProtocol, ZERO_ADDRESS } from "../entities.ts";

export async function agent(ctx: HandlerContext, agentId: bigint): Promise<EntityRow> {
  const a = await ctx.store.get("Agent", agentId.toString());
  if (!a) throw new Error(`unknown agent ${agentId}`);
  return a;
}

const agentKey = (e: IndexedEvent): [string, string][] => [["Agent", (e.args.agentId as bigint).toString()]];

export const agentHandlers: HandlerMap = {
  AgentRegistry: {
    AgentRegistered: {
      preload: (e) => [["Account", e.args.owner as string], ["Protocol", PROTOCOL_ID]],
      async handle(e, ctx) {
        const { store } = ctx;
        const p = await protocol(store);
        const owner = await account(store, e.args.owner as string, e, p);
        const wallet = e.args.wallet as string;
        store.set("Agent", {
          id: (e.args.agentId as bigint).toString(),
          agentId: e.args.agentId as bigint,
          owner: owner.id as string,
          wallet: wallet === ZERO_ADDRESS ? null : wallet,
          roles: Number(e.args.roles),
          cardURI: e.args.cardURI as string,
          registeredAt: e.block.timestamp,
          marketCredit: 0n,
          jobsRequested: 0,
          jobsProvided: 0,
          jobsSettled: 0,
          jobsDeclined: 0,
          jobsUndelivered: 0,
          earned: 0n,
          spent: 0n,
          feedbackCount: 0,
          feedbackScoreSum: 0,
        });
        p.agentCount = (p.agentCount as number) + 1;
        touchProtocol(p, e);
        store.set("Account", owner);
        store.set("Protocol", p);
      },
    },
    AgentCardUpdated: {
      preload: agentKey,
      async handle(e, ctx) {
        const a = await agent(ctx, e.args.agentId as bigint);
        a.cardURI = e.args.cardURI as string;
        ctx.store.set("Agent", a);
      },
    },
    AgentRolesUpdated: {
      preload: agentKey,
      async handle(e, ctx) {
        const a = await agent(ctx, e.args.agentId as bigint);
        a.roles = Number(e.args.roles);
        ctx.store.set("Agent", a);
      },
    },
    AgentWalletChanged: {
      preload: agentKey,
      async handle(e, ctx) {
        const a = await ctx.store.get("Agent", (e.args.agentId as bigint).toString());
        if (!a) return; // emitted while minting, before AgentRegistered: the registration carries the wallet
        const w = e.args.newWallet as string;
        a.wallet = w === ZERO_ADDRESS ? null : w;
        ctx.store.set("Agent", a);
      },
    },
    Transfer: {
      preload: (e) => [["Agent", (e.args.tokenId as bigint).toString()], ["Account", e.args.to as string], ["Protocol", PROTOCOL_ID]],
      async handle(e, ctx) {
        if (e.args.from === ZERO_ADDRESS) return; // the mint: AgentRegistered follows
        const { store } = ctx;
        const a = await agent(ctx, e.args.tokenId as bigint);
        const p = await protocol(store);
        const owner = await account(store, e.args.to as string, e, p);
        a.owner = owner.id as string;
        store.set("Agent", a);
        store.set("Account", owner);
        store.set("Protocol", p);
      },
    },
  },
  ReputationRegistry: {
    NewFeedback: {
      preload: (e) => [["Agent", (e.args.agentId as bigint).toString()]],
      async handle(e, ctx) {
        const a = await agent(ctx, e.args.agentId as bigint);
        const score = Number(e.args.score);
        a.feedbackCount = (a.feedbackCount as number) + 1;
        a.feedbackScoreSum = (a.feedbackScoreSum as number) + score;
        ctx.store.set("Agent", a);
        ctx.store.set("Feedback", {
          id: e.id,
          agent: a.id as string,
          from: (e.args.fromAgentId as bigint).toString(),
          job: (e.args.jobId as bigint).toString(),
          client: (e.args.client as string).toLowerCase(),
          score,
          tag: e.args.tag as string,
          uri: e.args.feedbackURI as string,
          blockNumber: e.block.number,
          timestamp: e.block.timestamp,
          transactionHash: e.transactionHash,
        });
      },
    },
  },
};
