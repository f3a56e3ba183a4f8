import { test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { threadId } from "node:worker_threads";
import type { Hex } from "viem";
import { cachedDigest, execute, sha256Iter, KINDS } from "./jobs.ts";
import { sha256IterAsync, stopWorkThread } from "./work-pool.ts";

const input = (): Hex => `0x${randomBytes(32).toString("hex")}`;

test("sha256-iter work runs on the work thread and gives the event loop's digest", async () => {
  const specs = Array.from({ length: 8 }, () => ({ kind: KINDS.SHA256, input: input(), iterations: 300 + Math.floor(Math.random() * 500), salt: "t" }));
  // the event loop keeps turning while the thread works: a timer set now fires before all are done
  let ticks = 0;
  const timer = setInterval(() => ticks++, 0);
  const results = await Promise.all(specs.map((s) => execute(s)));
  clearInterval(timer);
  for (const [i, s] of specs.entries()) {
    assert.equal(results[i], sha256Iter(s.input, s.iterations), `spec ${i}`);
    assert.equal(cachedDigest(s.input, s.iterations), results[i], "the digest is in the process's cache for re-executions");
  }
  assert.equal(threadId, 0, "the test itself runs on the main thread");
  assert.ok(ticks > 0, "timers ran while the work was computed");
});

test("two agents asking for the same spec at once share one computation; answers are per input", async () => {
  const a = input();
  const b = input();
  const [x, y, z] = await Promise.all([sha256IterAsync(a, 400), sha256IterAsync(a, 400), sha256IterAsync(b, 400)]);
  assert.equal(x, y);
  assert.notEqual(x, z);
  assert.equal(x, sha256Iter(a, 400));
  assert.equal(z, sha256Iter(b, 400));
  assert.equal(await sha256IterAsync(a, 401), sha256Iter(a, 401), "another iteration count is another result");
});

test("UBC_WORK_THREAD=0 computes on the event loop, with the same result", async () => {
  const saved = process.env.UBC_WORK_THREAD;
  process.env.UBC_WORK_THREAD = "0";
  try {
    const a = input();
    assert.equal(await sha256IterAsync(a, 250), sha256Iter(a, 250));
  } finally {
    if (saved === undefined) delete process.env.UBC_WORK_THREAD;
    else process.env.UBC_WORK_THREAD = saved;
  }
});

test("a work thread that stops fails what it was asked, and the next request gets a new thread", async () => {
  const a = input();
  const asked = sha256IterAsync(a, 200_000); // long enough to be running when the thread stops
  await new Promise((r) => setTimeout(r, 20));
  await stopWorkThread();
  await assert.rejects(asked, /work thread exited/);
  assert.equal(await sha256IterAsync(a, 300), sha256Iter(a, 300));
  assert.equal(await sha256IterAsync(a, 200_000), sha256Iter(a, 200_000), "the same spec asked again is computed");
});
