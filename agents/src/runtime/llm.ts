// The LLM policy: asks a model, through the `openai` client, for each decision as JSON. Any
// OpenAI-compatible server works (OPENAI_BASE_URL). Every answer is parsed and validated against
// the decision's schema (schema.ts), then against the agent's limits (the agent does that for
// every policy); a malformed or out-of-limits answer is refused, logged, and not executed — the
// decision becomes "do nothing" (no quote, no fill), or for judging, the rubric's verdict.
import OpenAI from "openai";
import { formatUnits } from "viem";
import { ACCEPT_SCHEMA, BID_SCHEMA, computeWei, JUDGE_SCHEMA, QUOTE_SCHEMA, type AcceptContext, type AcceptDecision, type BidContext, type BidDecision, type JudgeContext, type JudgeDecision, type Policy, type QuoteContext, type QuoteDecision } from "./policy.ts";
import { validate, type Schema } from "./schema.ts";
import { LimitError, type SpendGuard } from "./limits.ts";

export interface Refusal {
  at: number;
  decision: "quote" | "bid" | "accept" | "judge";
  reason: string;
  answer: string;
}

export interface LlmPolicyOptions {
  apiKey?: string;
  baseURL?: string;
  model?: string;
  /** Per request, ms (default 30 s). */
  timeout?: number;
  /** Where refusals are reported (default: stderr). */
  log?: (line: string) => void;
}

/** An LLM policy from the environment (OPENAI_API_KEY, OPENAI_BASE_URL, OPENAI_MODEL), or undefined. */
export function llmPolicyFromEnv(env: NodeJS.ProcessEnv = process.env): LlmPolicy | undefined {
  if (!env.OPENAI_API_KEY) return undefined;
  return new LlmPolicy({ apiKey: env.OPENAI_API_KEY, baseURL: env.OPENAI_BASE_URL, model: env.OPENAI_MODEL });
}

const fmt = (v: bigint) => formatUnits(v, 18);

export class LlmPolicy implements Policy {
  readonly name = "llm";
  readonly client: OpenAI;
  readonly model: string;
  readonly refusals: Refusal[] = [];
  accepted = 0;
  private log: (line: string) => void;

  constructor(opts: LlmPolicyOptions = {}) {
    this.client = new OpenAI({ apiKey: opts.apiKey ?? process.env.OPENAI_API_KEY, baseURL: opts.baseURL ?? process.env.OPENAI_BASE_URL ?? undefined, timeout: opts.timeout ?? 30_000, maxRetries: 1 });
    this.model = opts.model ?? process.env.OPENAI_MODEL ?? "gpt-4o-mini";
    this.log = opts.log ?? ((l) => process.stderr.write(`${l}\n`));
  }

  /** Asks for a JSON answer; returns the validated object, or undefined after logging a refusal. */
  private async ask<T>(decision: Refusal["decision"], schema: Schema, instructions: string, context: unknown): Promise<T | undefined> {
    let answer = "";
    try {
      const r = await this.client.chat.completions.create({
        model: this.model,
        response_format: { type: "json_object" },
        temperature: 0,
        messages: [
          { role: "system", content: `You are the ${decision} policy of an autonomous agent in a compute market paid in COMPUTE. ${instructions} Answer with one JSON object only, matching this JSON Schema: ${JSON.stringify(schema)}` },
          { role: "user", content: JSON.stringify(context, (_k, v) => (typeof v === "bigint" ? fmt(v) : v)) },
        ],
      });
      answer = r.choices[0]?.message?.content ?? "";
    } catch (err) {
      this.refuse(decision, `the model call failed: ${(err as Error).message}`, "");
      return undefined;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(answer.trim().replace(/^```(?:json)?\s*|\s*```$/g, ""));
    } catch {
      this.refuse(decision, "the answer is not JSON", answer);
      return undefined;
    }
    const problems = validate(schema, parsed);
    if (problems.length > 0) {
      this.refuse(decision, `the answer does not match the schema: ${problems.join("; ")}`, answer);
      return undefined;
    }
    return parsed as T;
  }

  refuse(decision: Refusal["decision"], reason: string, answer: string): void {
    this.refusals.push({ at: Date.now(), decision, reason, answer: answer.slice(0, 2_000) });
    this.log(`llm policy: refused a ${decision} decision: ${reason}`);
  }

  async quote(ctx: QuoteContext, guard: SpendGuard): Promise<QuoteDecision[]> {
    const a = await this.ask<{ quotes: { unitPrice: string; units: number; deliveryPeriod: number; lifetime: number }[] }>(
      "quote", QUOTE_SCHEMA,
      `Price up to ${ctx.count} quotes for the resource kind "${ctx.kind}". Never price under cost; a job's value (units × unitPrice) must be at least 100 COMPUTE. Prices are decimal strings in COMPUTE.`,
      { ...ctx, floorUnitPrice: guard.limits.minUnitPrice[ctx.kind], maxDeliveryPeriod: guard.limits.maxDeliveryPeriod },
    );
    if (!a) return [];
    const out: QuoteDecision[] = [];
    for (const q of a.quotes.slice(0, ctx.count)) {
      const d = { unitPrice: computeWei(q.unitPrice), units: q.units, deliveryPeriod: q.deliveryPeriod, lifetime: q.lifetime };
      try {
        guard.checkSellPrice(ctx.kind, d.unitPrice);
        guard.checkDeliveryPeriod(d.deliveryPeriod);
        if (d.unitPrice < ctx.costPerUnit) throw new LimitError("cost", `unit price ${q.unitPrice} is under cost ${fmt(ctx.costPerUnit)}`);
      } catch (err) {
        this.refuse("quote", `out of limits: ${(err as Error).message}`, JSON.stringify(q));
        continue;
      }
      out.push(d);
    }
    this.accepted += out.length;
    return out;
  }

  async bid(ctx: BidContext, guard: SpendGuard): Promise<BidDecision> {
    const a = await this.ask<{ action: "fill" | "skip"; quoteId?: string; reason?: string }>(
      "bid", BID_SCHEMA,
      `Choose which quote to fill for a ${ctx.kind} job of ${ctx.minUnits}–${ctx.maxUnits} units, or skip. Prefer cheap quotes from reputable providers that never failed you.`,
      { ...ctx, maxUnitPrice: guard.limits.maxUnitPrice[ctx.kind], minCounterpartyReputation: guard.limits.minCounterpartyReputation },
    );
    if (!a) return { action: "skip", reason: "refused answer" };
    if (a.action === "skip") {
      this.accepted++;
      return { action: "skip", reason: a.reason ?? "model skipped" };
    }
    const c = ctx.candidates.find((x) => x.id === a.quoteId);
    if (!c) {
      this.refuse("bid", `quote ${a.quoteId} is not among the candidates`, JSON.stringify(a));
      return { action: "skip", reason: "refused answer" };
    }
    try {
      guard.checkBuyPrice(c.kind, c.unitPrice);
      guard.checkReputation(c.provider, c.reputation);
      if (c.units < BigInt(ctx.minUnits) || c.units > BigInt(ctx.maxUnits)) throw new LimitError("units", `${c.units} units are outside ${ctx.minUnits}..${ctx.maxUnits}`);
    } catch (err) {
      this.refuse("bid", `out of limits: ${(err as Error).message}`, JSON.stringify(a));
      return { action: "skip", reason: "refused answer" };
    }
    this.accepted++;
    return { action: "fill", quoteId: c.id };
  }

  async accept(ctx: AcceptContext, guard: SpendGuard): Promise<AcceptDecision> {
    const a = await this.ask<{ action: "accept" | "skip"; reason?: string }>(
      "accept", ACCEPT_SCHEMA,
      `Decide whether to take open job ${ctx.jobId}: ${ctx.units} units of "${ctx.kind}" work for ${fmt(ctx.value)} COMPUTE, paid on approval. Never take a job that pays under your cost per unit, or more jobs than you can hold.`,
      { ...ctx, minUnitPrice: guard.limits.minUnitPrice[ctx.kind], maxDeliveryPeriod: guard.limits.maxDeliveryPeriod, minCounterpartyReputation: guard.limits.minCounterpartyReputation },
    );
    // a refused answer takes nothing
    if (!a) return { action: "skip", reason: "refused answer" };
    if (a.action === "skip") {
      this.accepted++;
      return { action: "skip", reason: a.reason ?? "model skipped" };
    }
    try {
      if (ctx.unitPrice < ctx.costPerUnit) throw new LimitError("cost", `the job pays ${fmt(ctx.unitPrice)} a unit, under cost ${fmt(ctx.costPerUnit)}`);
      if (ctx.jobsInHand >= ctx.maxJobsInHand) throw new LimitError("jobsInHand", `${ctx.jobsInHand} jobs in hand, at most ${ctx.maxJobsInHand}`);
      guard.checkSellPrice(ctx.kind, ctx.unitPrice);
      guard.checkDeliveryPeriod(ctx.deliveryPeriod);
      guard.checkReputation(ctx.requester, ctx.requesterReputation);
    } catch (err) {
      this.refuse("accept", `out of limits: ${(err as Error).message}`, JSON.stringify(a));
      return { action: "skip", reason: "refused answer" };
    }
    this.accepted++;
    return { action: "accept", reason: a.reason ?? "model accepted" };
  }

  async judge(ctx: JudgeContext): Promise<JudgeDecision> {
    const a = await this.ask<JudgeDecision>(
      "judge", JUDGE_SCHEMA,
      "Judge whether the text answers the prompt and satisfies every rubric criterion. Approve only if it does.",
      { prompt: ctx.spec.prompt, rubric: ctx.spec.rubric, text: ctx.text },
    );
    if (!a) return { approve: ctx.rubric.pass, reason: `rubric (model answer refused): ${ctx.rubric.reasons.join("; ") || "passed"}` };
    this.accepted++;
    return a;
  }

  rate(o: { producerWins: boolean; asRequester: boolean }): number {
    return o.producerWins ? 90 : 10;
  }
}
