// WorkMarket and ValidatorPool: jobs (WorkRequest) through their states with full history,
// funding and payouts credited to agents, burns, quote cancellations; validators, committees,
// attestations and slashing.
import type { EntityRow } from "../../database/store.ts";
import type { HandlerContext, HandlerMap, IndexedEvent } from "../types.ts";
import { add, daily, dayId, PROTOCOL_ID, protocol, syncDaily, touchProtocol } from "../entities.ts";
import { agent } from "./agents.ts";

const BURN_REASONS = ["protocolFee", "providerDepositSlashed", "requesterBondSlashed", "providerBondSlashed"];

/** IWorkMarket.Status.Accepted (JobExpired's fromStatus). */
const ACCEPTED = 2;

const jobKey = (e: IndexedEvent): [string, string] => ["WorkRequest", (e.args.jobId as bigint).toString()];

async function job(ctx: HandlerContext, e: IndexedEvent): Promise<EntityRow> {
  const j = await ctx.store.get("WorkRequest", (e.args.jobId as bigint).toString());
  if (!j) throw new Error(`unknown job ${e.args.jobId}`);
  return j;
}

function history(ctx: HandlerContext, e: IndexedEvent, kind: string, agentId?: string | null, amount?: bigint | null) {
  ctx.store.set("JobEvent", {
    id: e.id,
    job: (e.args.jobId as bigint).toString(),
    kind,
    agent: agentId ?? null,
    amount: amount ?? null,
    blockNumber: e.block.number,
    timestamp: e.block.timestamp,
    transactionHash: e.transactionHash,
  });
}

function save(ctx: HandlerContext, e: IndexedEvent, j: EntityRow) {
  j.updatedAt = e.block.timestamp;
  ctx.store.set("WorkRequest", j);
}

async function credit(ctx: HandlerContext, agentId: string, amount: bigint) {
  if (amount === 0n) return;
  const a = await agent(ctx, BigInt(agentId));
  a.marketCredit = add(a.marketCredit, amount);
  ctx.store.set("Agent", a);
}

async function validator(ctx: HandlerContext, id: bigint): Promise<EntityRow> {
  const v = await ctx.store.get("Validator", id.toString());
  if (!v) throw new Error(`unknown validator ${id}`);
  return v;
}

export const marketHandlers: HandlerMap = {
  WorkMarket: {
    JobCreated: {
      preload: (e) => [jobKey(e), ["Agent", (e.args.requesterAgentId as bigint).toString()], ["Protocol", PROTOCOL_ID], ["DailyStat", dayId(e.block.timestamp)]],
      async handle(e, ctx) {
        const { store } = ctx;
        const provider = e.args.providerAgentId as bigint;
        const requester = await agent(ctx, e.args.requesterAgentId as bigint);
        requester.jobsRequested = (requester.jobsRequested as number) + 1;
        store.set("Agent", requester);
        save(ctx, e, {
          id: (e.args.jobId as bigint).toString(),
          jobId: e.args.jobId as bigint,
          requester: requester.id as string,
          provider: provider === 0n ? null : provider.toString(),
          value: e.args.value as bigint,
          specHash: e.args.specHash as string,
          requesterLocked: 0n,
          providerLocked: 0n,
          status: "open",
          acceptDeadline: e.args.acceptDeadline as bigint,
          deliveryPeriod: e.args.deliveryPeriod as bigint,
          deliveryDeadline: null, resourceKind: null, units: null, unitPrice: null, quoteNonce: null,
          resultHash: null, resultURI: null, validationDeadline: null, challengeDeadline: null, disputeDeadline: null,
          challenger: null, producerWins: null, noFault: null, providerPayout: null, requesterPayout: null,
          protocolFee: null, validationFee: null,
          burned: 0n,
          createdAt: e.block.timestamp,
          updatedAt: e.block.timestamp,
          transactionHash: e.transactionHash,
        });
        history(ctx, e, "created", requester.id as string, e.args.value as bigint);
        const p = await protocol(store);
        p.jobCount = (p.jobCount as number) + 1;
        touchProtocol(p, e);
        const d = await daily(store, e, p);
        d.jobsCreated = (d.jobsCreated as number) + 1;
        store.set("Protocol", p);
        store.set("DailyStat", d);
      },
    },
    QuoteFilled: {
      preload: (e) => [jobKey(e)],
      async handle(e, ctx) {
        const j = await job(ctx, e);
        j.resourceKind = e.args.resourceKind as string;
        j.units = e.args.units as bigint;
        j.unitPrice = e.args.unitPrice as bigint;
        j.quoteNonce = e.args.nonce as bigint;
        save(ctx, e, j);
        history(ctx, e, "quoteFilled", (e.args.providerAgentId as bigint).toString(), null);
      },
    },
    JobAccepted: {
      preload: (e) => [jobKey(e), ["Agent", (e.args.providerAgentId as bigint).toString()]],
      async handle(e, ctx) {
        const j = await job(ctx, e);
        const prov = await agent(ctx, e.args.providerAgentId as bigint);
        prov.jobsProvided = (prov.jobsProvided as number) + 1;
        ctx.store.set("Agent", prov);
        j.provider = prov.id as string;
        j.status = "accepted";
        j.deliveryDeadline = e.args.deliveryDeadline as bigint;
        save(ctx, e, j);
        history(ctx, e, "accepted", prov.id as string, null);
      },
    },
    Funded: {
      preload: (e) => [jobKey(e), ["Agent", (e.args.agentId as bigint).toString()]],
      async handle(e, ctx) {
        const j = await job(ctx, e);
        const agentId = (e.args.agentId as bigint).toString();
        const amount = e.args.amount as bigint;
        if (agentId === j.requester) j.requesterLocked = add(j.requesterLocked, amount);
        else j.providerLocked = add(j.providerLocked, amount);
        if (e.args.fromCredit as boolean) await credit(ctx, agentId, -amount);
        save(ctx, e, j);
        history(ctx, e, "funded", agentId, amount);
      },
    },
    JobCancelled: {
      preload: (e) => [jobKey(e)],
      async handle(e, ctx) {
        const j = await job(ctx, e);
        j.status = "cancelled";
        await credit(ctx, j.requester as string, e.args.refund as bigint);
        save(ctx, e, j);
        history(ctx, e, "cancelled", j.requester as string, e.args.refund as bigint);
      },
    },
    JobExpired: {
      preload: (e) => [jobKey(e)],
      async handle(e, ctx) {
        const j = await job(ctx, e);
        j.status = "expired";
        await credit(ctx, j.requester as string, e.args.requesterRefund as bigint);
        // accepted and never delivered: counted against its provider
        if (Number(e.args.fromStatus) === ACCEPTED && j.provider !== null) {
          const prov = await agent(ctx, BigInt(j.provider as string));
          prov.jobsUndelivered = (prov.jobsUndelivered as number) + 1;
          ctx.store.set("Agent", prov);
        }
        save(ctx, e, j);
        history(ctx, e, "expired", j.requester as string, e.args.requesterRefund as bigint);
      },
    },
    JobDeclined: {
      preload: (e) => [jobKey(e), ["Agent", (e.args.providerAgentId as bigint).toString()]],
      async handle(e, ctx) {
        const j = await job(ctx, e);
        j.status = "declined";
        // both locks come back whole (no fee, no burn): the requester's and the provider's deposit
        await credit(ctx, j.requester as string, e.args.requesterRefund as bigint);
        const prov = await agent(ctx, e.args.providerAgentId as bigint);
        prov.marketCredit = add(prov.marketCredit, e.args.providerRefund as bigint);
        prov.jobsDeclined = (prov.jobsDeclined as number) + 1;
        ctx.store.set("Agent", prov);
        save(ctx, e, j);
        // as for a cancelled or expired job, the entry carries the requester's refund (the
        // provider who declined is the job's provider)
        history(ctx, e, "declined", j.requester as string, e.args.requesterRefund as bigint);
      },
    },
    JobSubmitted: {
      preload: (e) => [jobKey(e)],
      async handle(e, ctx) {
        const j = await job(ctx, e);
        j.status = "submitted";
        j.resultHash = e.args.resultHash as string;
        j.resultURI = e.args.resultURI as string;
        j.validationDeadline = e.args.validationDeadline as bigint;
        save(ctx, e, j);
        history(ctx, e, "submitted", j.provider as string | null, null);
      },
    },
    JobValidated: {
      preload: (e) => [jobKey(e)],
      async handle(e, ctx) {
        const j = await job(ctx, e);
        j.status = "validated";
        j.producerWins = e.args.producerWins as boolean;
        j.challengeDeadline = e.args.challengeDeadline as bigint;
        save(ctx, e, j);
        history(ctx, e, e.args.producerWins ? "validated" : "rejected", null, null);
      },
    },
    JobDisputed: {
      preload: (e) => [jobKey(e)],
      async handle(e, ctx) {
        const j = await job(ctx, e);
        const challenger = e.args.challengerAgentId as bigint;
        j.status = "disputed";
        j.challenger = challenger === 0n ? null : challenger.toString();
        j.disputeDeadline = e.args.disputeDeadline as bigint;
        save(ctx, e, j);
        history(ctx, e, "disputed", j.challenger as string | null, e.args.bond as bigint);
      },
    },
    JobResolved: {
      preload: (e) => [jobKey(e)],
      async handle(e, ctx) {
        const j = await job(ctx, e);
        j.status = "resolved";
        j.producerWins = e.args.producerWins as boolean;
        j.noFault = e.args.noFault as boolean;
        save(ctx, e, j);
        history(ctx, e, "resolved", null, null);
      },
    },
    JobSettled: {
      preload: (e) => [jobKey(e), ["Protocol", PROTOCOL_ID], ["DailyStat", dayId(e.block.timestamp)]],
      async handle(e, ctx) {
        const { store } = ctx;
        const j = await job(ctx, e);
        const toProvider = e.args.providerPayout as bigint;
        const toRequester = e.args.requesterPayout as bigint;
        j.status = "settled";
        j.providerPayout = toProvider;
        j.requesterPayout = toRequester;
        j.protocolFee = e.args.protocolFee as bigint;
        j.validationFee = e.args.validationFee as bigint;
        if (j.provider !== null) {
          const prov = await agent(ctx, BigInt(j.provider as string));
          prov.marketCredit = add(prov.marketCredit, toProvider);
          prov.earned = add(prov.earned, toProvider);
          prov.jobsSettled = (prov.jobsSettled as number) + 1;
          store.set("Agent", prov);
        }
        const req = await agent(ctx, BigInt(j.requester as string));
        req.marketCredit = add(req.marketCredit, toRequester);
        req.spent = add(req.spent, (j.requesterLocked as bigint) - toRequester);
        req.jobsSettled = (req.jobsSettled as number) + 1;
        store.set("Agent", req);
        save(ctx, e, j);
        history(ctx, e, "settled", j.provider as string | null, toProvider);
        const p = await protocol(store);
        p.jobsSettled = (p.jobsSettled as number) + 1;
        p.marketVolume = add(p.marketVolume, j.value as bigint);
        p.protocolFees = add(p.protocolFees, e.args.protocolFee as bigint);
        p.validationFees = add(p.validationFees, e.args.validationFee as bigint);
        touchProtocol(p, e);
        const d = await daily(store, e, p);
        d.jobsSettled = (d.jobsSettled as number) + 1;
        d.marketVolume = add(d.marketVolume, j.value as bigint);
        syncDaily(d, p);
        store.set("Protocol", p);
        store.set("DailyStat", d);
      },
    },
    Burned: {
      preload: (e) => [jobKey(e), ["Protocol", PROTOCOL_ID], ["DailyStat", dayId(e.block.timestamp)]],
      async handle(e, ctx) {
        const { store } = ctx;
        const amount = e.args.amount as bigint;
        const j = await job(ctx, e);
        j.burned = add(j.burned, amount);
        save(ctx, e, j);
        store.set("MarketBurn", {
          id: e.id,
          job: j.id as string,
          amount,
          reason: BURN_REASONS[Number(e.args.reason)] ?? String(e.args.reason),
          blockNumber: e.block.number,
          timestamp: e.block.timestamp,
          transactionHash: e.transactionHash,
        });
        const p = await protocol(store);
        p.marketBurned = add(p.marketBurned, amount);
        touchProtocol(p, e);
        const d = await daily(store, e, p);
        d.marketBurned = add(d.marketBurned, amount);
        store.set("Protocol", p);
        store.set("DailyStat", d);
      },
    },
    Deposited: {
      preload: (e) => [["Agent", (e.args.agentId as bigint).toString()]],
      async handle(e, ctx) {
        await credit(ctx, (e.args.agentId as bigint).toString(), e.args.amount as bigint);
      },
    },
    Withdrawn: {
      preload: (e) => [["Agent", (e.args.agentId as bigint).toString()]],
      async handle(e, ctx) {
        await credit(ctx, (e.args.agentId as bigint).toString(), -(e.args.amount as bigint));
      },
    },
    TreasuryPaid: {
      async handle(e, { store }) {
        const p = await protocol(store);
        p.treasuryPaid = add(p.treasuryPaid, e.args.amount as bigint);
        store.set("Protocol", p);
      },
    },
    QuoteCancelled: {
      async handle(e, { store }) {
        store.set("QuoteCancellation", {
          id: e.id, provider: (e.args.providerAgentId as bigint).toString(), nonce: e.args.nonce as bigint, below: false,
          blockNumber: e.block.number, timestamp: e.block.timestamp, transactionHash: e.transactionHash,
        });
      },
    },
    QuotesCancelledBelow: {
      async handle(e, { store }) {
        store.set("QuoteCancellation", {
          id: e.id, provider: (e.args.providerAgentId as bigint).toString(), nonce: e.args.minNonce as bigint, below: true,
          blockNumber: e.block.number, timestamp: e.block.timestamp, transactionHash: e.transactionHash,
        });
      },
    },
  },
  ValidatorPool: {
    ValidatorJoined: {
      async handle(e, { store }) {
        const id = e.args.validatorId as bigint;
        store.set("Validator", {
          id: id.toString(), validatorId: id, account: (e.args.account as string).toLowerCase(),
          agent: (e.args.agentId as bigint).toString(), stake: 0n, active: false, unbondAt: null,
          slashed: 0n, feesClaimed: 0n, attestationCount: 0,
        });
        const p = await protocol(store);
        p.validatorCount = (p.validatorCount as number) + 1;
        store.set("Protocol", p);
      },
    },
    Staked: {
      async handle(e, ctx) {
        const v = await validator(ctx, e.args.validatorId as bigint);
        v.stake = e.args.stake as bigint;
        ctx.store.set("Validator", v);
        const p = await protocol(ctx.store);
        p.validatorStake = add(p.validatorStake, e.args.amount as bigint);
        ctx.store.set("Protocol", p);
      },
    },
    Activated: {
      async handle(e, ctx) {
        const v = await validator(ctx, e.args.validatorId as bigint);
        v.active = true;
        v.unbondAt = null;
        ctx.store.set("Validator", v);
        const p = await protocol(ctx.store);
        p.activeValidatorCount = (p.activeValidatorCount as number) + 1;
        ctx.store.set("Protocol", p);
      },
    },
    Deactivated: {
      async handle(e, ctx) {
        const v = await validator(ctx, e.args.validatorId as bigint);
        v.active = false;
        ctx.store.set("Validator", v);
        const p = await protocol(ctx.store);
        p.activeValidatorCount = (p.activeValidatorCount as number) - 1;
        ctx.store.set("Protocol", p);
      },
    },
    UnbondingStarted: {
      async handle(e, ctx) {
        const v = await validator(ctx, e.args.validatorId as bigint);
        v.unbondAt = e.args.unbondAt as bigint;
        ctx.store.set("Validator", v);
      },
    },
    StakeWithdrawn: {
      async handle(e, ctx) {
        const v = await validator(ctx, e.args.validatorId as bigint);
        v.stake = add(v.stake, -(e.args.amount as bigint));
        v.unbondAt = null;
        ctx.store.set("Validator", v);
        const p = await protocol(ctx.store);
        p.validatorStake = add(p.validatorStake, -(e.args.amount as bigint));
        ctx.store.set("Protocol", p);
      },
    },
    Slashed: {
      async handle(e, ctx) {
        const v = await validator(ctx, e.args.validatorId as bigint);
        v.stake = e.args.stakeLeft as bigint;
        v.slashed = add(v.slashed, e.args.amount as bigint);
        ctx.store.set("Validator", v);
        const p = await protocol(ctx.store);
        p.validatorStake = add(p.validatorStake, -(e.args.amount as bigint));
        ctx.store.set("Protocol", p);
        ctx.store.set("ValidatorSlash", {
          id: e.id, validator: v.id as string, job: (e.args.jobId as bigint).toString(), amount: e.args.amount as bigint,
          blockNumber: e.block.number, timestamp: e.block.timestamp, transactionHash: e.transactionHash,
        });
      },
    },
    CommitteeArmed: {
      async handle(e, ctx) {
        history(ctx, e, Number(e.args.kind) === 2 ? "escalationArmed" : "committeeArmed", null, null);
      },
    },
    CommitteeDrawn: {
      async handle(e, ctx) {
        ctx.store.set("Committee", {
          id: e.id, job: (e.args.jobId as bigint).toString(), round: Number(e.args.kind),
          members: (e.args.validatorIds as bigint[]).map((x) => x.toString()),
          blockNumber: e.block.number, timestamp: e.block.timestamp, transactionHash: e.transactionHash,
        });
        history(ctx, e, Number(e.args.kind) === 2 ? "escalationDrawn" : "committeeDrawn", null, null);
      },
    },
    Attested: {
      async handle(e, ctx) {
        const v = await validator(ctx, e.args.validatorId as bigint);
        v.attestationCount = (v.attestationCount as number) + 1;
        ctx.store.set("Validator", v);
        ctx.store.set("Attestation", {
          id: e.id, job: (e.args.jobId as bigint).toString(), validator: v.id as string, approve: e.args.approve as boolean,
          round: Number(e.args.kind), blockNumber: e.block.number, timestamp: e.block.timestamp, transactionHash: e.transactionHash,
        });
      },
    },
    RoundDecided: {
      async handle(e, ctx) {
        history(ctx, e, e.args.producerWins ? "roundDecidedForProducer" : "roundDecidedAgainstProducer", null, null);
      },
    },
    FeesClaimed: {
      async handle(e, ctx) {
        const v = await validator(ctx, e.args.validatorId as bigint);
        v.feesClaimed = add(v.feesClaimed, e.args.amount as bigint);
        ctx.store.set("Validator", v);
      },
    },
  },
};
