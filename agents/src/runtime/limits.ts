// An agent's limits, set by its owner, and the guard that enforces them before anything is
// signed. Every decision — from the rule-based policy or from a model — passes `check…` first; a
// refusal is an error naming the limit, and nothing is sent.
//
// Spend counts every COMPUTE amount the agent commits: a requester's whole lock for a job
// (price + 5% deposit + 1% protocol fee + 0.5% validation fee = 1.065 × value), a provider's 2%
// deposit for each quote it signs (reserved at signing, since anyone may fill the quote until it
// expires) and a challenge bond. Deposits that come back are not credited back to the limits:
// the caps bound what the owner can lose, conservatively.
import { formatUnits } from "viem";
import type { KindName } from "./jobs.ts";

export const E18 = 10n ** 18n;
export const MIN_JOB_VALUE = 100n * E18;
export const requesterLock = (value: bigint): bigint => value + (value * 500n) / 10_000n + (value * 100n) / 10_000n + (value * 50n) / 10_000n;
export const providerDeposit = (value: bigint): bigint => (value * 200n) / 10_000n;
export const challengeBond = (value: bigint): bigint => (value * 500n) / 10_000n;

export interface Limits {
  /** Most COMPUTE wei committed in any sliding hour. */
  spendPerHour: bigint;
  /** Most COMPUTE wei committed for one job. */
  spendPerJob: bigint;
  /** Most COMPUTE wei committed over the agent's life. */
  spendTotal: bigint;
  /** Resource kinds the agent may buy or sell. */
  allowedKinds: KindName[];
  /** Feedback average (0–100) a counterparty with at least `minRatings` ratings must have. */
  minCounterpartyReputation: number;
  minRatings: number;
  /** Highest unit price the agent pays, per kind (COMPUTE wei). */
  maxUnitPrice: Partial<Record<KindName, bigint>>;
  /** Lowest unit price the agent sells at, per kind (COMPUTE wei). */
  minUnitPrice: Partial<Record<KindName, bigint>>;
  /** Longest delivery period the agent promises (provider) or accepts (requester), seconds. */
  maxDeliveryPeriod: number;
  /**
   * Spread the hourly limit evenly instead of letting the agent commit it in one burst: commitments
   * draw on an allowance that grows by `spendPerHour` an hour (at a steady rate) and holds at most
   * PACE_BURST_SECONDS of it (or `spendPerJob`, if more: one job always fits). An agent running for days (npm start's swarm) then trades at a steady
   * pace, not a few minutes at full speed and the rest of each hour idle.
   */
  pace?: boolean;
}

/** With `pace`, the allowance holds at most this many seconds' share of the hourly limit (5 minutes). */
export const PACE_BURST_SECONDS = 300;

export const DEFAULT_LIMITS: Limits = {
  spendPerHour: 1_000_000n * E18,
  spendPerJob: 5_000n * E18,
  spendTotal: 10_000_000n * E18,
  allowedKinds: ["sha256-iter", "llm-text"],
  minCounterpartyReputation: 40,
  minRatings: 2,
  maxUnitPrice: { "sha256-iter": 200n * E18, "llm-text": 300n * E18 },
  minUnitPrice: { "sha256-iter": 20n * E18, "llm-text": 30n * E18 },
  maxDeliveryPeriod: 7 * 86_400,
};

export class LimitError extends Error {
  readonly limit: string;
  constructor(limit: string, message: string) {
    super(message);
    this.name = "LimitError";
    this.limit = limit;
  }
}

/** COMPUTE (or UBC) wei as whole units with up to 4 decimals and thousands separators: "5,684.653". */
export const formatCompute = (wei: bigint): string => (Number(wei / 10n ** 14n) / 1e4).toLocaleString("en-US");

const c = (v: bigint) => `${formatUnits(v, 18)} COMPUTE`;

/** Tracks commitments against the limits. `now` is wall-clock milliseconds (injectable). */
export class SpendGuard {
  readonly limits: Limits;
  private window: { at: number; amount: bigint }[] = [];
  total = 0n;
  private now: () => number;
  /** (pace) the allowance left, as of `allowanceAt` (ms); undefined: full, not drawn on yet. */
  private allowance: bigint | undefined;
  private allowanceAt = 0;

  constructor(limits: Limits, now: () => number = Date.now) {
    this.limits = limits;
    this.now = now;
  }

  /** (pace) The most the allowance holds: PACE_BURST_SECONDS' share of the hourly limit, and at least one job's cap. */
  private paceCap(): bigint {
    const share = (this.limits.spendPerHour * BigInt(PACE_BURST_SECONDS)) / 3_600n;
    return share > this.limits.spendPerJob ? share : this.limits.spendPerJob;
  }

  /** (pace) The allowance now: what it held, plus the hourly limit's share of the time since, up to the cap. */
  private paceAllowance(): bigint {
    const cap = this.paceCap();
    const now = this.now();
    if (this.allowance === undefined) {
      this.allowance = cap;
      this.allowanceAt = now;
    }
    const grown = (this.limits.spendPerHour * BigInt(Math.max(0, Math.floor(now - this.allowanceAt)))) / 3_600_000n;
    if (grown > 0n) {
      this.allowance = this.allowance + grown > cap ? cap : this.allowance + grown;
      this.allowanceAt = now;
    }
    return this.allowance;
  }

  /** (pace) Draws on the allowance (a negative amount gives back), never filling it over its cap. */
  private drawAllowance(amount: bigint): void {
    const cap = this.paceCap();
    const a = this.paceAllowance() - amount;
    this.allowance = a > cap ? cap : a;
  }

  /**
   * What the agent may commit now without breaking the hourly, total or pace limit (the per-job
   * cap aside): an agent checks it before looking for work to buy, and waits while it is short.
   */
  headroom(): bigint {
    const l = this.limits;
    let room = l.spendPerHour - this.spentLastHour();
    if (l.spendTotal - this.total < room) room = l.spendTotal - this.total;
    if (l.pace) {
      const a = this.paceAllowance();
      if (a < room) room = a;
    }
    return room < 0n ? 0n : room;
  }

  spentLastHour(): bigint {
    const cutoff = this.now() - 3_600_000;
    this.window = this.window.filter((w) => w.at > cutoff);
    return this.window.reduce((s, w) => s + w.amount, 0n);
  }

  /** Throws LimitError if committing `amount` would break a cap. */
  checkSpend(amount: bigint, what: string): void {
    const l = this.limits;
    if (amount > l.spendPerJob) throw new LimitError("spendPerJob", `${what}: ${c(amount)} is over the per-job cap of ${c(l.spendPerJob)}`);
    const hour = this.spentLastHour();
    if (hour + amount > l.spendPerHour) throw new LimitError("spendPerHour", `${what}: ${c(amount)} would make ${c(hour + amount)} this hour, over ${c(l.spendPerHour)}`);
    if (this.total + amount > l.spendTotal) throw new LimitError("spendTotal", `${what}: ${c(amount)} would make ${c(this.total + amount)} in total, over ${c(l.spendTotal)}`);
    if (l.pace) {
      const a = this.paceAllowance();
      if (amount > a) throw new LimitError("pace", `${what}: ${c(amount)} is over the ${c(a)} the even pace of ${c(l.spendPerHour)} an hour allows now`);
    }
  }

  /** Records a commitment (after checkSpend). */
  commit(amount: bigint): void {
    this.window.push({ at: this.now(), amount });
    this.total += amount;
    if (this.limits.pace) this.drawAllowance(amount);
  }

  /** Gives back a reservation that was never used (a quote that expired unfilled). */
  release(amount: bigint): void {
    this.total -= amount;
    if (this.limits.pace) this.drawAllowance(-amount);
    const i = this.window.findIndex((w) => w.amount === amount);
    if (i >= 0) this.window.splice(i, 1);
  }

  checkKind(kind: string): asserts kind is KindName {
    if (!(this.limits.allowedKinds as string[]).includes(kind)) throw new LimitError("allowedKinds", `kind ${kind} is not allowed (allowed: ${this.limits.allowedKinds.join(", ")})`);
  }

  checkReputation(agentId: bigint, rep: { count: number; average: number }): void {
    if (rep.count >= this.limits.minRatings && rep.average < this.limits.minCounterpartyReputation) {
      throw new LimitError("minCounterpartyReputation", `agent ${agentId} averages ${rep.average} over ${rep.count} ratings, under ${this.limits.minCounterpartyReputation}`);
    }
  }

  checkBuyPrice(kind: KindName, unitPrice: bigint): void {
    const max = this.limits.maxUnitPrice[kind];
    if (max !== undefined && unitPrice > max) throw new LimitError("maxUnitPrice", `unit price ${c(unitPrice)} for ${kind} is over the cap of ${c(max)}`);
  }

  checkSellPrice(kind: KindName, unitPrice: bigint): void {
    const min = this.limits.minUnitPrice[kind];
    if (min !== undefined && unitPrice < min) throw new LimitError("minUnitPrice", `unit price ${c(unitPrice)} for ${kind} is under the floor of ${c(min)}`);
  }

  checkDeliveryPeriod(seconds: number): void {
    if (seconds < 60 || seconds > this.limits.maxDeliveryPeriod) throw new LimitError("maxDeliveryPeriod", `delivery period ${seconds}s is outside 60..${this.limits.maxDeliveryPeriod}s`);
  }
}
