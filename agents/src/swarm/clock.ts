/**
 * The swarm's clock keeper's arithmetic (devnet only): how far the chain's clock may jump when
 * every action of the swarm's agents is done and only deadlines remain, given another swarm's
 * jobs on the same chain. Pure functions of the chain time and the deadlines, so that the bounds
 * are tested on their own (clock.test.ts); the swarm's main loop decides when to call them.
 */

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
