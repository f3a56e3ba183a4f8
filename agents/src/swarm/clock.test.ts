// The clock keeper's bounds (clock.ts) on their own: a jump never lands closer than FOREIGN_MARGIN
// to another active swarm's pending deadline, never steps further than FOREIGN_STEP while that
// swarm is active, and otherwise passes the whole wave's deadlines. Randomised: the seed is
// printed (CLOCK_SEED=<seed> replays it).
import { test } from "node:test";
import assert from "node:assert/strict";
import { FOREIGN_MARGIN, FOREIGN_STEP, boundByForeign, waveJump } from "./clock.ts";

const DAY = 86_400n;

test("alone on the chain, a wave's jump passes every deadline, up to a day beyond the earliest", () => {
  const now = 1_000_000n;
  assert.deepEqual(waveJump({ now, nextDeadline: now + 100n, lastDeadline: now + 500n, foreignActive: false }), { wait: false, seconds: 501n });
  assert.deepEqual(waveJump({ now, nextDeadline: now + 100n, lastDeadline: now + 5n * DAY, foreignActive: false }), { wait: false, seconds: 100n + DAY + 1n });
  // deadlines already passed (waiting for someone to finalize): a block only
  const past = waveJump({ now, nextDeadline: now - 50n, lastDeadline: now - 10n, foreignActive: false });
  assert.equal(past.wait, false);
  assert.ok(!past.wait && past.seconds <= 0n);
});

test("another swarm's pending deadline: the jump lands FOREIGN_MARGIN before it, not on it", () => {
  const now = 1_000_000n;
  // the failure this guards against: the other swarm's delivery deadline between two of ours; the
  // old bound landed on it, and that swarm's provider's delivery reverted with DeadlinePassed
  const foreignLimit = now + 2_000n;
  const j = waveJump({ now, nextDeadline: now + 100n, lastDeadline: now + 3_000n, foreignLimit, foreignActive: true });
  assert.equal(j.wait, false);
  assert.ok(!j.wait && now + j.seconds === foreignLimit - FOREIGN_MARGIN, `landed at ${!j.wait && now + j.seconds}`);
  // one of ours right before the other's deadline, within the margin: wait for the other swarm
  assert.deepEqual(waveJump({ now, nextDeadline: foreignLimit - FOREIGN_MARGIN, lastDeadline: now + 3_000n, foreignLimit, foreignActive: true }), { wait: true });
  // the holding day's jump is bounded the same way
  assert.equal(boundByForeign({ now, foreignLimit, foreignActive: true }, now + DAY), foreignLimit - FOREIGN_MARGIN);
});

test("another active swarm without pending deadlines: steps of at most FOREIGN_STEP", () => {
  const now = 1_000_000n;
  assert.deepEqual(waveJump({ now, nextDeadline: now + 100n, lastDeadline: now + DAY, foreignActive: true }), { wait: false, seconds: FOREIGN_STEP });
  assert.equal(boundByForeign({ now, foreignActive: true }, now + DAY), now + FOREIGN_STEP);
  assert.equal(boundByForeign({ now, foreignActive: false }, now + DAY), now + DAY);
});

test("random looks: every jump respects both bounds and never goes backwards past what it must", () => {
  const seed = process.env.CLOCK_SEED ? Number(process.env.CLOCK_SEED) : Math.floor(Math.random() * 1e9);
  let x = seed >>> 0 || 1;
  const rnd = (n: number) => {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    return BigInt(x % n);
  };
  for (let i = 0; i < 20_000; i++) {
    const now = 1_700_000_000n + rnd(1_000_000);
    const nextDeadline = now - 1_000n + rnd(10_000);
    const lastDeadline = nextDeadline + rnd(3 * 86_400);
    const foreignLimit = rnd(2) === 0n ? undefined : now + 1n + rnd(20_000);
    const foreignActive = foreignLimit !== undefined || rnd(2) === 0n;
    const look = { now, nextDeadline, lastDeadline, foreignLimit, foreignActive };
    const j = waveJump(look);
    const where = `seed ${seed} (CLOCK_SEED=${seed} replays), look ${i}: ${JSON.stringify(look, (_, v) => (typeof v === "bigint" ? v.toString() : v))}`;
    if (j.wait) {
      assert.ok(foreignLimit !== undefined && foreignLimit - FOREIGN_MARGIN <= nextDeadline, where);
      continue;
    }
    const landing = now + j.seconds;
    if (foreignLimit !== undefined) assert.ok(landing <= foreignLimit - FOREIGN_MARGIN, `landed ${landing}: ${where}`);
    if (foreignActive) assert.ok(j.seconds <= FOREIGN_STEP, where);
    assert.ok(landing <= nextDeadline + DAY + 1n, where);
    // unbounded, it passes every deadline of the wave (or a day past the earliest)
    if (!foreignActive) assert.equal(landing, (lastDeadline < nextDeadline + DAY ? lastDeadline : nextDeadline + DAY) + 1n, where);
  }
});
