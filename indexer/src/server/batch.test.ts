// The group-commit batcher (batch.ts): concurrent items leave together, each caller gets its own
// item's outcome, and one bad item never fails the others.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Batcher, type Outcome } from "./batch.ts";

const settle = <T>(p: Promise<T>) => p.then((value) => ({ ok: true as const, value }), (error: Error) => ({ ok: false as const, error }));

describe("Batcher (group commit)", () => {
  test("items submitted together run as one batch, answered in order", async () => {
    const calls: number[][] = [];
    const b = new Batcher<number, number>(async (xs) => {
      calls.push(xs);
      return xs.map((x) => x * 10);
    });
    const out = await Promise.all([1, 2, 3, 4].map((x) => b.submit(x)));
    assert.deepEqual(out, [10, 20, 30, 40]);
    assert.deepEqual(calls, [[1, 2, 3, 4]]);
  });

  test("an Error outcome fails its own caller only", async () => {
    const b = new Batcher<number, number>(async (xs) => xs.map((x): Outcome<number> => (x === 2 ? new Error("two is refused") : x)));
    const out = await Promise.all([1, 2, 3].map((x) => settle(b.submit(x))));
    assert.deepEqual(out.map((o) => o.ok), [true, false, true]);
    assert.match((out[1] as { error: Error }).error.message, /two is refused/);
  });

  test("a batch whose run throws is retried one item at a time: only the bad item fails", async () => {
    const calls: number[][] = [];
    const b = new Batcher<number, number>(async (xs) => {
      calls.push(xs);
      if (xs.includes(13)) throw new Error("the statement failed because of 13");
      return xs;
    });
    const out = await Promise.all([11, 12, 13, 14].map((x) => settle(b.submit(x))));
    assert.deepEqual(out.map((o) => o.ok), [true, true, false, true]);
    assert.match((out[2] as { error: Error }).error.message, /because of 13/);
    assert.deepEqual(calls[0], [11, 12, 13, 14]);
    assert.deepEqual(calls.slice(1).sort((x, y) => x[0] - y[0]), [[11], [12], [13], [14]]);
    assert.equal(b.stats.retriedAlone, 4);
  });

  test("while maxInFlight batches run, later items wait and leave together", async () => {
    const calls: number[][] = [];
    const gates: (() => void)[] = [];
    const b = new Batcher<number, number>(
      async (xs) => {
        calls.push(xs);
        await new Promise<void>((r) => gates.push(r));
        return xs;
      },
      { maxInFlight: 1 },
    );
    const first = b.submit(0);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(calls, [[0]]); // a lone item leaves at once
    const later = [1, 2, 3].map((x) => b.submit(x));
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(calls.length, 1, "nothing else leaves while one batch runs");
    gates.shift()!();
    assert.equal(await first, 0);
    while (calls.length < 2) await new Promise((r) => setImmediate(r));
    assert.deepEqual(calls[1], [1, 2, 3]);
    gates.shift()!();
    assert.deepEqual(await Promise.all(later), [1, 2, 3]);
  });

  test("maxBatch caps a batch's size", async () => {
    const sizes: number[] = [];
    const b = new Batcher<number, number>(async (xs) => {
      sizes.push(xs.length);
      return xs;
    }, { maxBatch: 3, maxInFlight: 10 });
    await Promise.all(Array.from({ length: 8 }, (_, i) => b.submit(i)));
    assert.deepEqual(sizes, [3, 3, 2]);
  });
});
