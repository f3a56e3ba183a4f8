/**
 * The swarm's clock keeper's arithmetic (devnet only): how far the chain's clock may jump when
 * every action of the swarm's agents is done and only deadlines remain, given another swarm's
 * jobs on the same chain, and which of its own jobs wait on agents outside it (OutsiderWatch).
 * Functions of the chain time, the deadlines and the wall clock given to them, so that they are
 * tested on their own (clock.test.ts); the swarm's main loop decides when to call them.
 */

import { Status, type JobView } from "../runtime/market.ts";

/** The clock keeper's longest jump while another swarm trades on the same chain (seconds). */
export const FOREIGN_STEP = 3_000n;

/**
 * How far before another active swarm's pending deadline a jump lands at the latest (seconds).
 * Landing on the deadline itself left that swarm's provider no time: the next block is later (the
 * chain's clock also runs with the wall clock between the keeper's look and the jump), and its
 * delivery reverted with DeadlinePassed.
 */
export const FOREIGN_MARGIN = 600n;

/** What the keeper knows at one look at the chain. */
export interface ClockLook {
  /** The newest block's timestamp. */
  now: bigint;
  /** The earliest pending deadline (accept, delivery, votes, challenge window) among the swarm's own jobs in flight. */
  nextDeadline: bigint;
  /** The latest of them. */
  lastDeadline: bigint;
  /** The earliest deadline of another swarm's job that waits for an action (acceptance, delivery, votes), if that swarm is active. */
  foreignLimit?: bigint;
  /** Whether another swarm acted lately (its jobs saw an event in the last seconds). */
  foreignActive: boolean;
}

/**
 * The latest time a jump may land on, `target` wanted: at least FOREIGN_MARGIN before another
 * active swarm's pending deadline, and at most FOREIGN_STEP ahead while that swarm is active (a
 * job it places between the keeper's look and the jump, which the look cannot hold, has the
 * swarms' hour of delivery; a 50-minute step cannot skip it, and the next look sees it).
 */
export function boundByForeign(look: Pick<ClockLook, "now" | "foreignLimit" | "foreignActive">, target: bigint): bigint {
  let t = target;
  if (look.foreignLimit !== undefined && t > look.foreignLimit - FOREIGN_MARGIN) t = look.foreignLimit - FOREIGN_MARGIN;
  if (look.foreignActive && t > look.now + FOREIGN_STEP) t = look.now + FOREIGN_STEP;
  return t;
}

/**
 * A wave's jump: past every deadline the swarm's jobs have, up to a day beyond the earliest (one
 * jump lets a whole wave settle), bounded by `boundByForeign`. `wait` when not one of the swarm's
 * deadlines can be passed before another swarm's pending deadline (that swarm acts first);
 * otherwise the seconds to add to the clock (`evm_increaseTime`; 0 or less: mine a block only).
 */
export function waveJump(look: ClockLook): { wait: true } | { wait: false; seconds: bigint } {
  if (look.foreignLimit !== undefined && look.foreignLimit - FOREIGN_MARGIN <= look.nextDeadline) return { wait: true };
  const cap = look.nextDeadline + 86_400n;
  const past = (look.lastDeadline < cap ? look.lastDeadline : cap) + 1n;
  return { wait: false, seconds: boundByForeign(look, past) - look.now };
}

/**
 * How long the keeper holds a job of the swarm whose next action is an outside agent's, short of
 * its deadline (ms): a provider not in the swarm, long enough for an agent on a language model to
 * answer; a committee member not in the swarm, long enough to re-execute and vote.
 */
export const OUTSIDER_GRACE_MS = 120_000;
export const OUTSIDER_VOTE_GRACE_MS = 15_000;

/** What the watch needs of a job of the swarm. */
export type OutsiderJob = Pick<JobView, "id" | "status" | "provider" | "committee" | "votes">;

/**
 * The swarm's own jobs that wait on an agent outside it (a provider that sold our requester a job
 * through its quote, a validator of another swarm or of `npm run agent` in the committee). Our
 * agents being idle says nothing about that agent, so the clock keeper holds such a job (bounds
 * its jumps by the job's deadline) for the grace above, counted from when the job started to wait
 * in its current status. An outsider that has not acted by then is taken to be gone ("silent"),
 * and no job waits on it again until it acts (`acted`: a delivery or a vote): a validator whose
 * owner stopped `npm run agent` stays staked and keeps being drawn, and without this each of its
 * committees would hold the clock for the whole grace.
 *
 * One look at the chain: `begin()`, `holds(job, now)` for each of our jobs before its deadline, `end()`.
 */
export class OutsiderWatch {
  private waits = new Map<bigint, { status: number; since: number }>();
  private next = new Map<bigint, { status: number; since: number }>();
  /** Outsiders ("p:<agent id>", "v:<validator id>") that let their grace lapse, until they act. */
  readonly silent = new Set<string>();

  private readonly ourAgents: ReadonlySet<bigint>;
  private readonly ourValidators: ReadonlySet<bigint>;

  constructor(ourAgents: ReadonlySet<bigint>, ourValidators: ReadonlySet<bigint>) {
    this.ourAgents = ourAgents;
    this.ourValidators = ourValidators;
  }

  /** The outsiders job j waits on now. */
  outsiders(j: OutsiderJob): string[] {
    if (j.status === Status.Accepted) return this.ourAgents.has(j.provider) ? [] : [`p:${j.provider}`];
    if ((j.status === Status.Submitted || j.status === Status.Disputed) && j.committee !== undefined) {
      return j.committee.filter((v) => !this.ourValidators.has(v) && !j.votes.has(v)).map((v) => `v:${v}`);
    }
    return [];
  }

  begin(): void {
    this.next = new Map();
  }

  /**
   * Whether the keeper holds job j (one of ours, before its deadline) at `now` (ms) for an outside
   * agent; when its grace has lapsed, the outsiders it waited on go silent and it is not held.
   */
  holds(j: OutsiderJob, now: number): boolean {
    const awaited = this.outsiders(j).filter((o) => !this.silent.has(o));
    if (awaited.length === 0) return false;
    const w = this.waits.get(j.id);
    const since = w !== undefined && w.status === j.status ? w.since : now;
    if (now - since < (j.status === Status.Accepted ? OUTSIDER_GRACE_MS : OUTSIDER_VOTE_GRACE_MS)) {
      this.next.set(j.id, { status: j.status, since });
      return true;
    }
    for (const o of awaited) this.silent.add(o);
    return false;
  }

  /** Ends a look: jobs not held in it start their wait afresh if they wait again. */
  end(): void {
    this.waits = this.next;
  }

  /** An outsider acted (`p:<agent id>` delivered, `v:<validator id>` voted): it is waited for again. */
  acted(who: string): void {
    this.silent.delete(who);
  }
}
