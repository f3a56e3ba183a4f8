// Policies: how an agent prices its quotes, chooses which quote to fill, judges model output and
// rates counterparties. The default is deterministic and rule-based; `LlmPolicy` (llm.ts) asks a
// model. Either way the agent checks every decision against its limits before signing.
import { parseUnits } from "viem";
import { E18, type SpendGuard } from "./limits.ts";
import type { KindName, LlmSpec } from "./jobs.ts";
import type { Schema } from "./schema.ts";

export interface QuoteContext {
  kind: KindName;
  /** The provider's own cost of one unit (COMPUTE wei). */
  costPerUnit: bigint;
  /** Quotes of this kind signed and filled in the recent window (demand). */
  recentQuotes: number;
  recentFills: number;
  /** This kind's quotes that lapsed unfilled since the last quote of it while none of it was filled (nobody paid the price). */
  lapsed?: number;
  /** The cheapest other open quote of this kind on the board, if any. */
  bestCompetitor?: bigint;
  /** How many quotes to publish now. */
  count: number;
}

export interface QuoteDecision {
  unitPrice: bigint;
  units: number;
  deliveryPeriod: number;
  lifetime: number;
}

export interface Candidate {
  id: string;
  provider: bigint;
  kind: KindName;
  unitPrice: bigint;
  units: bigint;
  reputation: { count: number; average: number };
  /** The provider failed this agent before (non-delivery or rejected work). */
  failedMe: boolean;
  /** This agent's jobs with the provider still in flight (approved ones waiting only for their challenge window not counted). */
  inFlightWithMe: number;
  /**
   * This agent's jobs in which the provider's work was approved and proven right by this agent
   * itself: a deterministic delivery it re-executed to the same result, or a job settled in the
   * provider's favour. Trust earned first-hand, before any rating exists on-chain.
   */
  provenWithMe: number;
}

export interface BidContext {
  kind: KindName;
  minUnits: number;
  maxUnits: number;
  candidates: Candidate[];
}

export type BidDecision = { action: "fill"; quoteId: string } | { action: "skip"; reason: string };

export interface JudgeContext {
  spec: LlmSpec;
  text: string;
  /** The deterministic rubric check, for reference. */
  rubric: { pass: boolean; reasons: string[] };
}
export interface JudgeDecision {
  approve: boolean;
  reason: string;
}

/** An open job (posted with `createJob`, no quote behind it) a provider may take. */
export interface AcceptContext {
  jobId: string;
  kind: KindName;
  units: number;
  /** The job's value ÷ its units (COMPUTE wei). */
  unitPrice: bigint;
  /** The job's value: escrowed by the requester, paid on approval (COMPUTE wei). */
  value: bigint;
  /** The provider's own cost of one unit (COMPUTE wei). */
  costPerUnit: bigint;
  /** Seconds from acceptance to the delivery deadline. */
  deliveryPeriod: number;
  requester: bigint;
  requesterReputation: { count: number; average: number };
  /** Jobs this provider holds now (accepted or submitted), and the most it takes at once. */
  jobsInHand: number;
  maxJobsInHand: number;
}

export type AcceptDecision = { action: "accept"; reason: string } | { action: "skip"; reason: string };

export interface Policy {
  readonly name: string;
  quote(ctx: QuoteContext, guard: SpendGuard): Promise<QuoteDecision[]>;
  bid(ctx: BidContext, guard: SpendGuard): Promise<BidDecision>;
  /** Whether a provider takes an open job; the agent checks its limits again before accepting. */
  accept(ctx: AcceptContext, guard: SpendGuard): Promise<AcceptDecision>;
  judge(ctx: JudgeContext): Promise<JudgeDecision>;
  /** Feedback score 0–100 for a counterparty after a settled job. */
  rate(outcome: { producerWins: boolean; asRequester: boolean }): number;
}

// ---------------------------------------------------------------- schemas of decisions

const DECIMAL = "^[0-9]{1,12}(\\.[0-9]{1,18})?$";
export const QUOTE_SCHEMA: Schema = {
  type: "object", additionalProperties: false, required: ["quotes"],
  properties: {
    quotes: {
      type: "array", maxItems: 8,
      items: {
        type: "object", additionalProperties: false, required: ["unitPrice", "units", "deliveryPeriod", "lifetime"],
        properties: {
          unitPrice: { type: "string", pattern: DECIMAL, description: "COMPUTE per unit, decimal string" },
          units: { type: "integer", minimum: 1, maximum: 1000 },
          deliveryPeriod: { type: "integer", minimum: 60, maximum: 30 * 86_400, description: "seconds" },
          lifetime: { type: "integer", minimum: 60, maximum: 30 * 86_400, description: "seconds until the quote expires" },
        },
      },
    },
  },
};
export const BID_SCHEMA: Schema = {
  type: "object", additionalProperties: false, required: ["action"],
  properties: {
    action: { type: "string", enum: ["fill", "skip"] },
    quoteId: { type: "string", pattern: "^0x[0-9a-fA-F]{1,64}$|^[A-Za-z0-9:_-]{1,80}$" },
    reason: { type: "string", maxLength: 500 },
  },
};
export const ACCEPT_SCHEMA: Schema = {
  type: "object", additionalProperties: false, required: ["action"],
  properties: {
    action: { type: "string", enum: ["accept", "skip"] },
    reason: { type: "string", maxLength: 500 },
  },
};
export const JUDGE_SCHEMA: Schema = {
  type: "object", additionalProperties: false, required: ["approve", "reason"],
  properties: { approve: { type: "boolean" }, reason: { type: "string", maxLength: 1000 } },
};

/** "12.5" COMPUTE → wei. */
export const computeWei = (decimal: string): bigint => parseUnits(decimal, 18);

// ---------------------------------------------------------------- the rule-based default

export interface RulePolicyOptions {
  /** Margin over cost, basis points (default 2,500 = 25%). */
  marginBps?: number;
  /** A deterministic source of choices in [0, 1) (default: a fixed sequence). */
  random?: () => number;
  deliveryPeriod?: number;
  quoteLifetime?: number;
}

/**
 * Pricing from cost and demand: unit price = cost × (1 + margin) × a demand multiplier that
 * rises 10% when most recent quotes were filled (≥ 80%), falls 5% when few were (< 30%) and 5%
 * for each quote that lapsed unfilled since the last one while none was filled, never
 * under cost nor under the agent's floor, and undercuts a cheaper competitor by 1% while that
 * stays above cost. Bidding: the cheapest quote in the unit range from a provider that has not
 * failed this agent, whose reputation passes, and that holds fewer than one (unproven) or two
 * (rated, or proven by a delivery this agent verified itself) of this agent's jobs in flight.
 * Acceptance of an open job: when it pays at least the provider's cost per unit, from a requester
 * whose reputation passes, while the provider has room for it. Judging (as a validator, of model
 * text): the rubric. Ratings: 90 for a job that went well, 10 for one that did not.
 */
export class RulePolicy implements Policy {
  readonly name = "rules";
  private multiplier = new Map<KindName, number>();
  private opts: Required<RulePolicyOptions>;

  constructor(opts: RulePolicyOptions = {}) {
    let x = 0x2545f491;
    this.opts = {
      marginBps: 2_500,
      random: () => ((x = (x * 1_103_515_245 + 12_345) >>> 0) / 2 ** 32),
      deliveryPeriod: 3_600,
      quoteLifetime: 6 * 3_600,
      ...opts,
    };
  }

  async quote(ctx: QuoteContext, guard: SpendGuard): Promise<QuoteDecision[]> {
    let m = this.multiplier.get(ctx.kind) ?? 1;
    // a quote that lapsed unfilled was priced over what any requester pays: 5% off for each (the
    // fill ratio alone reacts only once unfilled quotes outweigh the window's earlier fills, and a
    // provider priced over every requester's limit posts new quotes only as its old ones lapse:
    // the devnet's market once stood still for minutes that way)
    if (ctx.lapsed !== undefined && ctx.lapsed > 0) m *= 0.95 ** ctx.lapsed;
    else if (ctx.recentQuotes >= 3) {
      const utilisation = ctx.recentFills / ctx.recentQuotes;
      if (utilisation >= 0.8) m *= 1.1;
      else if (utilisation < 0.3) m *= 0.95;
    }
    m = Math.min(3, Math.max(1 / (1 + this.opts.marginBps / 10_000), m));
    this.multiplier.set(ctx.kind, m);
    let price = (ctx.costPerUnit * BigInt(10_000 + this.opts.marginBps) * BigInt(Math.round(m * 1_000))) / 10_000_000n;
    if (ctx.bestCompetitor !== undefined && ctx.bestCompetitor < price) {
      const under = (ctx.bestCompetitor * 99n) / 100n;
      if (under >= ctx.costPerUnit) price = under;
    }
    if (price < ctx.costPerUnit) price = ctx.costPerUnit;
    const floor = guard.limits.minUnitPrice[ctx.kind];
    if (floor !== undefined && price < floor) price = floor;
    price = (price / 10n ** 15n) * 10n ** 15n; // 0.001 COMPUTE ticks
    const out: QuoteDecision[] = [];
    for (let i = 0; i < ctx.count; i++) {
      // enough units for the 100 COMPUTE minimum job, plus a random size
      const minUnits = Number((100n * E18 + price - 1n) / price);
      out.push({ unitPrice: price, units: minUnits + Math.floor(this.opts.random() * 4), deliveryPeriod: this.opts.deliveryPeriod, lifetime: this.opts.quoteLifetime });
    }
    return out;
  }

  async bid(ctx: BidContext, guard: SpendGuard): Promise<BidDecision> {
    const ok = ctx.candidates
      // never trust one unproven provider with more than one job at a time, a proven one with two
      // (proven: rated by enough agents, or a delivery to this agent verified by this agent)
      .filter((c) => !c.failedMe && c.inFlightWithMe < (c.reputation.count >= guard.limits.minRatings || c.provenWithMe > 0 ? 2 : 1))
      .filter((c) => c.units >= BigInt(ctx.minUnits) && c.units <= BigInt(ctx.maxUnits))
      .filter((c) => {
        try {
          guard.checkReputation(c.provider, c.reputation);
          guard.checkBuyPrice(c.kind, c.unitPrice);
          return true;
        } catch {
          return false;
        }
      })
      .sort((a, b) => (a.unitPrice < b.unitPrice ? -1 : a.unitPrice > b.unitPrice ? 1 : 0));
    if (ok.length === 0) return { action: "skip", reason: "no acceptable quote" };
    // among the quotes at the best price, spread the load
    const best = ok.filter((c) => c.unitPrice === ok[0].unitPrice);
    return { action: "fill", quoteId: best[Math.floor(this.opts.random() * best.length)].id };
  }

  async accept(ctx: AcceptContext, guard: SpendGuard): Promise<AcceptDecision> {
    if (ctx.jobsInHand >= ctx.maxJobsInHand) return { action: "skip", reason: `${ctx.jobsInHand} jobs in hand already` };
    if (ctx.unitPrice < ctx.costPerUnit) return { action: "skip", reason: `pays ${ctx.unitPrice} a unit, under our cost of ${ctx.costPerUnit}` };
    try {
      guard.checkReputation(ctx.requester, ctx.requesterReputation);
    } catch (err) {
      return { action: "skip", reason: (err as Error).message };
    }
    return { action: "accept", reason: "pays at least our cost" };
  }

  async judge(ctx: JudgeContext): Promise<JudgeDecision> {
    return { approve: ctx.rubric.pass, reason: ctx.rubric.pass ? "rubric passed" : ctx.rubric.reasons.join("; ") };
  }

  rate(o: { producerWins: boolean; asRequester: boolean }): number {
    return o.producerWins ? 90 : 10;
  }
}
