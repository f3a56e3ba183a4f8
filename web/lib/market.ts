// Market helpers: resource kinds as bytes32, quote typed data, best price per kind, the decline window, past-deadline actions. Pure.
import { keccak256, toHex, type Address, type Hex } from "viem";
import { rememberResourceKind } from "./format.ts";
import { passedDeadline, type ListedJob } from "./jobstatus.ts";
import { QUOTE_TYPES, WORK_MARKET_DOMAIN } from "./generated/eip712.ts";
// the runtime's spec module (no Node.js imports): the canonical JSON a spec's hash is taken of
import { canonical } from "../../agents/src/runtime/spec.ts";

export interface QuoteFields {
  providerAgentId: bigint;
  resourceKind: Hex;
  units: bigint;
  unitPrice: bigint;
  expiry: bigint;
  nonce: bigint;
  requester: bigint;
  deliveryPeriod: bigint;
}

export function quoteTypedData(q: QuoteFields, chainId: number, market: Address) {
  return {
    domain: { ...WORK_MARKET_DOMAIN, chainId, verifyingContract: market },
    types: QUOTE_TYPES,
    primaryType: "Quote" as const,
    message: q,
  };
}

/** The bytes32 of a resource kind's name (keccak256, as the SDK writes it); remembers the name for resourceKindLabel. */
export function resourceKindHash(name: string): Hex {
  const h = keccak256(toHex(name));
  rememberResourceKind(h, name);
  return h;
}

/** "gpu-hour" → keccak256("gpu-hour") (the SDK's convention); an 0x-prefixed 32-byte hex is taken as is. */
export function resourceKindToBytes32(kind: string): { ok: true; value: Hex } | { ok: false; error: string } {
  const k = kind.trim();
  if (k === "") return { ok: false, error: "Enter a resource kind, like gpu-hour." };
  if (/^0x[0-9a-fA-F]{64}$/.test(k)) return { ok: true, value: k.toLowerCase() as Hex };
  if (k.length > 64) return { ok: false, error: "A resource kind is a short name (at most 64 characters)." };
  return { ok: true, value: resourceKindHash(k) };
}

/** SHA-256 iterations per unit of sha256-iter, and model tokens per unit of llm-text (the agent runtime's pricing). */
export const SHA256_ITERATIONS_PER_UNIT = 250;
export const LLM_TOKENS_PER_UNIT = 100;
/** The model an llm-text spec names (the agent runtime's default). */
export const LLM_MODEL = "gpt-4o-mini";

/**
 * The spec of a job of a kind the agent runtime works (agents/src/runtime/jobs.ts), from what the
 * requester typed: for sha256-iter the text to hash (its UTF-8 bytes, at most 256) for the quote's
 * units × 250 iterations; for llm-text the prompt, answered in up to units × 100 tokens. The text
 * is canonical JSON (the runtime's `canonical`: keys sorted, no spaces): its keccak256 is the
 * job's spec hash. `kind: null` for other kinds (their spec is the text itself, hashed); an error
 * for a text or a size the runtime would refuse.
 */
export function jobSpecText(kindName: string | undefined, units: bigint, text: string, salt: string): { kind: null } | { kind: string; text: string } | { error: string } {
  if (kindName === "sha256-iter") {
    const bytes = new TextEncoder().encode(text);
    if (bytes.length > 256) return { error: "For sha256-iter the job spec is the text to hash: at most 256 bytes." };
    const iterations = Number(units) * SHA256_ITERATIONS_PER_UNIT;
    if (!Number.isSafeInteger(iterations) || iterations < 1 || iterations > 1_000_000) return { error: "sha256-iter jobs are 1 to 4,000 units." };
    return { kind: kindName, text: canonical({ input: toHex(bytes), iterations, kind: kindName, salt }) };
  }
  if (kindName === "llm-text") {
    if (text.trim() === "") return { error: "For llm-text the job spec is the prompt: enter it." };
    if (text.length > 4_000) return { error: "For llm-text the prompt is at most 4,000 characters." };
    const maxTokens = Number(units) * LLM_TOKENS_PER_UNIT;
    if (!Number.isSafeInteger(maxTokens) || maxTokens < 1 || maxTokens > 8_192) return { error: "llm-text jobs are 1 to 81 units." };
    const rubric = { maxWords: Math.max(1, Math.floor((maxTokens * 3) / 4)), minWords: 1, mustInclude: [] as string[], mustNotInclude: [] as string[] };
    return { kind: kindName, text: canonical({ kind: kindName, maxTokens, model: LLM_MODEL, prompt: text, rubric, salt }) };
  }
  return { kind: null };
}

/** The spec hash of a job specification text (never zero). */
export function specHash(spec: string): Hex {
  return keccak256(toHex(spec.trim() === "" ? "unspecified" : spec));
}

import { providerDeposit, requesterLock } from "./fees.ts";
export { challengeBond, providerDeposit, requesterLock } from "./fees.ts";

/** An accepted job may be declined during the first 1/DECLINE_SHARE of its delivery period (WorkMarket.DECLINE_SHARE). */
export const DECLINE_SHARE = 4n;

/**
 * The last second (unix) the provider may decline an accepted job, as WorkMarket's `_declineBy`:
 * the delivery period's first quarter counted from the acceptance (deliveryDeadline − deliveryPeriod),
 * rounded down. For a job filled from a quote the period is the quote's (the indexer reports it).
 * Null when it cannot be known: no delivery deadline (not accepted yet) or numbers that do not fit.
 */
export function declineBy(deliveryDeadline: bigint | string | null | undefined, deliveryPeriod: bigint | string | null | undefined): bigint | null {
  if (deliveryDeadline === null || deliveryDeadline === undefined || deliveryPeriod === null || deliveryPeriod === undefined) return null;
  try {
    const deadline = BigInt(deliveryDeadline);
    const period = BigInt(deliveryPeriod);
    if (period <= 0n || period > deadline) return null;
    return deadline - period + period / DECLINE_SHARE;
  } catch {
    return null;
  }
}

/**
 * Whether the Decline action is offered: the job is accepted and, by the chain clock `now` (unix
 * seconds; 0 while unknown), still inside its decline window. A window that cannot be computed
 * does not hide the action: the contract then answers, with DeclineWindowOver when too late.
 */
export function canDecline(job: { status: string; deliveryDeadline: string | null; deliveryPeriod: string | null }, now: number): boolean {
  if (job.status !== "accepted") return false;
  const by = declineBy(job.deliveryDeadline, job.deliveryPeriod);
  return by === null || now === 0 || BigInt(Math.floor(now)) <= by;
}

/** The job fields the deadline actions depend on (as the indexer reports them). */
export interface DeadlineJob extends ListedJob {
  value: string;
  deliveryDeadline: string | null;
  validationDeadline: string | null;
  disputeDeadline: string | null;
}

/**
 * What anyone may do with a job whose deadline has passed by the chain clock `now` (unix seconds;
 * 0 while unknown, when nothing is offered; which deadline and when it has passed: jobstatus.ts
 * passedDeadline):
 * - `expire` (WorkMarket.expire): an open job nobody accepted by its accept deadline, or an accepted
 *   job not delivered by its delivery deadline. The requester's whole lock goes back to its market
 *   credit; for an accepted job the provider's deposit is slashed, half of it to the requester as
 *   compensation and half burned (FeeMath.splitSlash).
 * - `finalize` (ValidatorPool.finalize): a submitted job whose committee reached no quorum by the
 *   validation deadline (accepted optimistically when no validator rejected it), or a disputed job
 *   whose escalation was not decided by the dispute deadline.
 * Null when neither applies yet (or any more).
 */
export function pastDeadline(job: DeadlineJob, now: number):
  | { action: "expire"; deadline: bigint; refund: bigint; slashed: bigint; compensation: bigint; burned: bigint }
  | { action: "finalize"; deadline: bigint }
  | null {
  const deadline = passedDeadline(job, now);
  if (deadline === null) return null;
  if (job.status === "submitted" || job.status === "disputed") return { action: "finalize", deadline };
  let value: bigint;
  try {
    value = BigInt(job.value);
  } catch {
    return null;
  }
  const slashed = job.status === "accepted" ? providerDeposit(value) : 0n;
  const burned = slashed / 2n;
  const compensation = slashed - burned;
  return { action: "expire", deadline, refund: requesterLock(value) + compensation, slashed, compensation, burned };
}

export interface PricedQuote {
  resourceKind: string;
  unitPrice: string;
  units: string;
}

/** The cheapest quote per resource kind (ties: the first seen), sorted by kind. */
export function bestPerKind<Q extends PricedQuote>(quotes: Q[]): { kind: string; best: Q; count: number }[] {
  const map = new Map<string, { best: Q; count: number }>();
  for (const q of quotes) {
    const cur = map.get(q.resourceKind);
    if (!cur) map.set(q.resourceKind, { best: q, count: 1 });
    else {
      cur.count++;
      if (BigInt(q.unitPrice) < BigInt(cur.best.unitPrice)) cur.best = q;
    }
  }
  return [...map.entries()].map(([kind, v]) => ({ kind, ...v })).sort((a, b) => (a.kind < b.kind ? -1 : 1));
}
