/**
 * How a swarm of M jobs hands its demand to its requesters (see `runSwarm`): not M / requesters
 * each up front, but at each look as many as each has room to place (its in-flight cap less the
 * jobs it has in flight and the demand it holds), so that the requesters that get through their
 * jobs faster buy more and all of them run out near the same time.
 */

/** A requester as the swarm's demand sees it (`Agent`). */
export interface DemandTaker {
  /** Jobs it holds and has not placed yet. */
  demand: number;
  /** How many more it could place now beyond `demand` (0 or more). */
  demandRoom(): number;
}

/**
 * Hands out up to `pool` jobs, each taker getting at most its room, in turn from `from` (mod the
 * takers' count; the caller moves `from` on at each look so that no taker is always first when
 * the pool runs short). Adds to each taker's `demand`; returns what was given to each (by index)
 * and what is left in the pool.
 */
export function shareDemand(pool: number, takers: readonly DemandTaker[], from: number): { given: number[]; left: number } {
  const given = takers.map(() => 0);
  const n = takers.length;
  for (let k = 0; k < n && pool > 0; k++) {
    const i = (from + k) % n;
    const room = takers[i].demandRoom();
    const give = Math.min(pool, Number.isInteger(room) && room > 0 ? room : 0);
    if (give === 0) continue;
    takers[i].demand += give;
    given[i] = give;
    pool -= give;
  }
  return { given, left: pool };
}
