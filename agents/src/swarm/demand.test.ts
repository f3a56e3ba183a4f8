import { test } from "node:test";
import assert from "node:assert/strict";
import { shareDemand, type DemandTaker } from "./demand.ts";

/** A requester with a cap and jobs in flight, as `Agent.demandRoom` counts them. */
function taker(cap: number, inFlight: number, demand = 0): DemandTaker & { inFlight: number } {
  return {
    demand,
    inFlight,
    demandRoom() {
      return Math.max(0, cap - this.inFlight - this.demand);
    },
  };
}

test("each requester gets what it has room to place, never more than the pool", () => {
  const ts = [taker(6, 0), taker(6, 4), taker(6, 6), taker(6, 1, 2)];
  const r = shareDemand(100, ts, 0);
  assert.deepEqual(r.given, [6, 2, 0, 3]);
  assert.equal(r.left, 89);
  assert.deepEqual(ts.map((t) => t.demand), [6, 2, 0, 5]);
  // a second look with nothing placed meanwhile gives nothing more
  assert.deepEqual(shareDemand(r.left, ts, 1).given, [0, 0, 0, 0]);
});

test("a requester that places faster is handed more over the looks", () => {
  const fast = taker(6, 0);
  const slow = taker(6, 0);
  let pool = 60;
  const got = [0, 0];
  for (let look = 0; pool > 0 && look < 100; look++) {
    const r = shareDemand(pool, [fast, slow], look);
    got[0] += r.given[0];
    got[1] += r.given[1];
    pool = r.left;
    // the fast one places all it holds and finishes it by the next look; the slow one places one
    // job a look and finishes one every other look
    fast.demand = 0;
    if (slow.demand > 0 && slow.inFlight < 6) {
      slow.demand--;
      slow.inFlight++;
    }
    if (look % 2 === 1 && slow.inFlight > 0) slow.inFlight--;
  }
  assert.equal(pool, 0);
  assert.equal(got[0] + got[1], 60);
  assert.ok(got[0] > 3 * got[1], `fast ${got[0]}, slow ${got[1]}`);
});

test("a short pool goes round: the first in turn moves with `from`", () => {
  const ts = [taker(6, 0), taker(6, 0), taker(6, 0)];
  assert.deepEqual(shareDemand(4, ts, 2).given, [0, 0, 4]);
  const us = [taker(6, 0), taker(6, 0), taker(6, 0)];
  assert.deepEqual(shareDemand(8, us, 2).given, [2, 0, 6]);
  assert.deepEqual(shareDemand(0, [taker(6, 0)], 0), { given: [0], left: 0 });
  assert.deepEqual(shareDemand(5, [], 0), { given: [], left: 5 });
});

test("a room that is not a positive whole number gives nothing", () => {
  const odd = (room: number): DemandTaker => ({ demand: 0, demandRoom: () => room });
  const r = shareDemand(10, [odd(-2), odd(Number.NaN), odd(2.5), odd(3)], 0);
  assert.deepEqual(r.given, [0, 0, 0, 3]);
  assert.equal(r.left, 7);
});
