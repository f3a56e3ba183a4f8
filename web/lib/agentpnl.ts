// An agent's COMPUTE over time in the market, for its page's chart: what it earned as a provider
// and spent as a requester, summed at each settlement of its jobs, as the indexer sums the
// Agent's `earned` and `spent` (a provider's payout; a requester's lock less what came back).
import { toNumber } from "./format.ts";

/** A settled job as the agent page reads it. */
export interface SettledJob {
  /** When the job last changed: its settlement (a settled job changes no more). */
  updatedAt: string;
  providerPayout: string | null;
  requesterLocked: string;
  requesterPayout: string | null;
}

export interface Point { x: number; y: number }

/**
 * Running totals, in COMPUTE, of `provided` (jobs the agent delivered) and `requested` (jobs it
 * bought), both in any order: earned, spent and their difference, as steps (a settlement moves a
 * total at one instant: two points at its time). They start at zero at `from` (the agent's
 * registration; else just before the first settlement) and hold their last value until `to`
 * (the newest block's time) when that is later. No settlement: no points.
 */
export function marketTotals(
  provided: readonly SettledJob[], requested: readonly SettledJob[], span: { from?: number; to?: number } = {},
): { earned: Point[]; spent: Point[]; net: Point[] } {
  const events = [
    ...provided.map((j) => ({ t: Number(j.updatedAt), earned: BigInt(j.providerPayout ?? "0"), spent: 0n })),
    ...requested.map((j) => ({ t: Number(j.updatedAt), earned: 0n, spent: BigInt(j.requesterLocked) - BigInt(j.requesterPayout ?? "0") })),
  ].sort((a, b) => a.t - b.t);
  const earned: Point[] = [];
  const spent: Point[] = [];
  const net: Point[] = [];
  if (events.length === 0) return { earned, spent, net };
  let e = 0n;
  let s = 0n;
  const push = (t: number) => {
    earned.push({ x: t, y: toNumber(e) });
    spent.push({ x: t, y: toNumber(s) });
    net.push({ x: t, y: toNumber(e - s) });
  };
  const first = events[0].t;
  push(span.from !== undefined && span.from < first ? span.from : first - 1);
  for (const [i, ev] of events.entries()) {
    if (i === 0 || events[i - 1].t !== ev.t) push(ev.t); // the level just before
    e += ev.earned;
    s += ev.spent;
    // settlements in the same block add up: one step
    if (i + 1 < events.length && events[i + 1].t === ev.t) continue;
    push(ev.t);
  }
  if (span.to !== undefined && span.to > events[events.length - 1].t) push(span.to);
  return { earned, spent, net };
}
