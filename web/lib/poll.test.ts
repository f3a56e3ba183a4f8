import { test } from "node:test";
import assert from "node:assert/strict";
import { PENDING, pollState, resetPolls, subscribePoll } from "./poll.ts";
import { notifyWritten } from "./written.ts";

const tick = () => new Promise((r) => setImmediate(r));

test("a key read by several subscribers is read once, shared, and stops with its last subscriber", async (t) => {
  t.mock.timers.enable({ apis: ["setInterval", "setTimeout"] });
  t.after(resetPolls);
  let reads = 0;
  const fn = async () => ++reads;
  let notified = 0;
  const offA = subscribePoll("k", fn, 5000, () => notified++);
  const offB = subscribePoll("k", fn, 5000, () => notified++);
  await tick();
  assert.equal(reads, 1, "one read for two subscribers");
  assert.deepEqual(pollState("k"), { data: 1, error: null, isPending: false });
  assert.equal(notified, 2, "both subscribers told");
  t.mock.timers.tick(5000);
  await tick();
  assert.equal(reads, 2, "polled after pollMs");
  offA();
  t.mock.timers.tick(5000);
  await tick();
  assert.equal(reads, 3, "still polled for the other subscriber");
  offB();
  t.mock.timers.tick(20_000);
  await tick();
  assert.equal(reads, 3, "no reads without subscribers");
  assert.equal(pollState<number>("k").data, 3, "the data stays for the next subscriber");
  assert.equal(pollState("unknown"), PENDING);
  assert.equal(pollState(null), PENDING);
});

test("a confirmed write reads again at once and as the indexer catches up", async (t) => {
  t.mock.timers.enable({ apis: ["setInterval", "setTimeout"] });
  t.after(resetPolls);
  let reads = 0;
  const off = subscribePoll("w", async () => ++reads, 60_000, () => undefined);
  await tick();
  assert.equal(reads, 1);
  notifyWritten();
  await tick();
  assert.equal(reads, 2, "read right after the write");
  for (const ms of [1200, 1800, 3000]) {
    t.mock.timers.tick(ms);
    await tick();
  }
  assert.equal(reads, 5, "and after 1.2, 3 and 6 s");
  off();
  notifyWritten();
  await tick();
  assert.equal(reads, 5, "not once unsubscribed");
});

test("a failed read keeps the previous data and reports the error; a stale read is dropped", async (t) => {
  t.mock.timers.enable({ apis: ["setInterval", "setTimeout"] });
  t.after(resetPolls);
  let fail = false;
  let n = 0;
  const off = subscribePoll("e", async () => {
    n++;
    if (fail) throw new Error("indexer down");
    return n;
  }, 1000, () => undefined);
  await tick();
  fail = true;
  t.mock.timers.tick(1000);
  await tick();
  const s = pollState<number>("e");
  assert.equal(s.data, 1);
  assert.equal(s.error?.message, "indexer down");
  assert.equal(s.isPending, false);
  off();

  // a read superseded by a newer one does not overwrite it
  const resolvers: ((v: string) => void)[] = [];
  const off2 = subscribePoll("slow", () => new Promise<string>((r) => resolvers.push(r)), 1000, () => undefined);
  t.mock.timers.tick(1000);
  assert.equal(resolvers.length, 2);
  resolvers[1]("new");
  await tick();
  resolvers[0]("old");
  await tick();
  assert.equal(pollState<string>("slow").data, "new");
  off2();
});
