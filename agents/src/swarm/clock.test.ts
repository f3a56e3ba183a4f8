// The clock keeper's bounds (clock.ts) on their own: a jump never lands closer than FOREIGN_MARGIN
// to another active swarm's pending deadline, never steps further than FOREIGN_STEP while that
// swarm is active, and otherwise passes the whole wave's deadlines. Randomised: the seed is
// printed (CLOCK_SEED=<seed> replays it). Also the watch over jobs that wait on agents outside the
// swarm (OutsiderWatch): how long each is held, and outsiders that let their grace lapse.
import { test } from "node:test";
import assert from "node:assert/strict";
import { FOREIGN_MARGIN, FOREIGN_STEP, OUTSIDER_GRACE_MS, OUTSIDER_VOTE_GRACE_MS, OutsiderWatch, boundByForeign, waveJump, type OutsiderJob } from "./clock.ts";

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

// ---------------------------------------------------------------- jobs waiting on outside agents

const ours = { agents: new Set([1n, 2n]), validators: new Set([10n, 11n]) };
const job = (id: bigint, status: number, extra: Partial<OutsiderJob> = {}): OutsiderJob => ({ id, status, provider: 1n, votes: new Map(), ...extra });
/** One look of the keeper over these jobs at `now`: the ids it holds. */
function look(w: OutsiderWatch, jobs: OutsiderJob[], now: number): bigint[] {
  w.begin();
  const held = jobs.filter((j) => w.holds(j, now)).map((j) => j.id);
  w.end();
  return held;
}

test("a job waiting on one of the swarm's own agents is never held", () => {
  const w = new OutsiderWatch(ours.agents, ours.validators);
  assert.deepEqual(look(w, [job(1n, 2), job(2n, 3, { committee: [10n, 11n] }), job(3n, 4, { provider: 99n })], 0), []);
});

test("an outside provider is waited for OUTSIDER_GRACE_MS, then taken to be gone until it delivers", () => {
  const w = new OutsiderWatch(ours.agents, ours.validators);
  const a = job(1n, 2, { provider: 7n });
  assert.deepEqual(look(w, [a], 0), [1n]);
  assert.deepEqual(look(w, [a], OUTSIDER_GRACE_MS - 1), [1n], "still within its grace");
  assert.deepEqual(look(w, [a], OUTSIDER_GRACE_MS), [], "the grace lapsed");
  assert.ok(w.silent.has("p:7"));
  // a second job it took later is not held at all: it is gone
  const b = job(2n, 2, { provider: 7n });
  assert.deepEqual(look(w, [a, b], OUTSIDER_GRACE_MS + 10), []);
  // it delivers: waited for again, its next job with a fresh grace
  w.acted("p:7");
  assert.deepEqual(look(w, [b], OUTSIDER_GRACE_MS + 20), [2n]);
  assert.deepEqual(look(w, [b], 2 * OUTSIDER_GRACE_MS + 19), [2n]);
  assert.deepEqual(look(w, [b], 2 * OUTSIDER_GRACE_MS + 20), []);
});

test("an outside committee member that stopped voting holds each of its committees once, for OUTSIDER_VOTE_GRACE_MS in all", () => {
  const w = new OutsiderWatch(ours.agents, ours.validators);
  // validator 50 (say a stopped `npm run agent`) is drawn beside ours, job after job
  const committee = [10n, 50n, 11n];
  const first = job(1n, 3, { committee, votes: new Map([[10n, true], [11n, true]]) });
  assert.deepEqual(look(w, [first], 1_000), [1n]);
  assert.deepEqual(look(w, [first], 1_000 + OUTSIDER_VOTE_GRACE_MS - 1), [1n]);
  assert.deepEqual(look(w, [first], 1_000 + OUTSIDER_VOTE_GRACE_MS), [], "its grace lapsed");
  assert.deepEqual([...w.silent], ["v:50"]);
  // the next ten jobs drawing it are not held at all
  const later = Array.from({ length: 10 }, (_, i) => job(BigInt(i + 2), 3, { committee }));
  assert.deepEqual(look(w, later, 20_000), []);
  // a member that already voted is not waited on; one that votes again is waited for again
  w.acted("v:50");
  assert.deepEqual(look(w, later, 21_000), later.map((j) => j.id));
  const voted = job(20n, 3, { committee, votes: new Map([[50n, true]]) });
  assert.deepEqual(look(w, [voted], 21_000), []);
});

test("a job's wait restarts when its status changes (delivered by an outside provider, then voted on by outside members)", () => {
  const w = new OutsiderWatch(ours.agents, ours.validators);
  const accepted = job(1n, 2, { provider: 7n });
  assert.deepEqual(look(w, [accepted], 0), [1n]);
  const submitted = job(1n, 3, { provider: 7n, committee: [60n] });
  assert.deepEqual(look(w, [submitted], OUTSIDER_GRACE_MS - 5), [1n], "the vote's grace counts from the delivery's look");
  assert.deepEqual(look(w, [submitted], OUTSIDER_GRACE_MS - 5 + OUTSIDER_VOTE_GRACE_MS), []);
  assert.deepEqual([...w.silent], ["v:60"], "the provider delivered in time: only the member is silent");
  // a job not looked at in one look (its deadline passed, say) starts afresh when held again
  const again = job(3n, 2, { provider: 8n });
  look(w, [again], 0);
  look(w, [], 1);
  assert.deepEqual(look(w, [again], OUTSIDER_GRACE_MS + 1), [3n]);
});
