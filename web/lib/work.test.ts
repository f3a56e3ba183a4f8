import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { keccak256, toHex, type Hex } from "viem";
import { canonicalJson, inlineDelivery, parseShaSpec, sha256Iter, specMatches, type ShaSpec } from "./work.ts";
// the agent runtime's side: what its validators and requesters run on a delivery
import { sha256Iter as runtimeSha256Iter, specHash as runtimeSpecHash, verifyDelivery } from "../../agents/src/runtime/jobs.ts";

const spec: ShaSpec = { kind: "sha256-iter", input: toHex(new TextEncoder().encode("hello from the browser")), iterations: 1_250, salt: "web-test" };

test("the browser's sha256-iter (WebCrypto) gives the runtime's digest, with progress, and stops when asked", async () => {
  const seen: number[] = [];
  const got = await sha256Iter(spec.input, spec.iterations, { every: 500, onProgress: (p) => seen.push(p) });
  assert.equal(got, runtimeSha256Iter(spec.input, spec.iterations));
  assert.deepEqual(seen, [0.4, 0.8, 1]);
  // a 32-byte input, and a single iteration: SHA-256 of the bytes themselves
  const h32 = `0x${"ab".repeat(32)}` as Hex;
  assert.equal(await sha256Iter(h32, 3), runtimeSha256Iter(h32, 3));
  assert.equal(await sha256Iter("0x00ff", 1), `0x${createHash("sha256").update(Buffer.from([0, 255])).digest("hex")}`);
  const stop = new AbortController();
  stop.abort();
  await assert.rejects(sha256Iter(spec.input, 10_000, { signal: stop.signal, every: 100 }), /stopped/);
});

test("the delivery made in the browser passes the runtime's check; a wrong digest or another spec does not", async () => {
  const result = await sha256Iter(spec.input, spec.iterations);
  const d = inlineDelivery(spec, result);
  assert.equal(d.resultHash, keccak256(toHex(result)));
  const hash = runtimeSpecHash(spec);
  assert.ok(specMatches(spec, hash), "the spec's canonical JSON hashes as the runtime hashes it");
  assert.deepEqual(verifyDelivery(hash, d.resultHash, d.resultURI), { ok: true, reason: "re-executed: same digest", spec });
  const wrong = inlineDelivery(spec, `0x${"00".repeat(32)}`);
  assert.equal(verifyDelivery(hash, wrong.resultHash, wrong.resultURI).ok, false);
  const other = { ...spec, salt: "other" };
  assert.equal(specMatches(other, hash), false);
  assert.equal(verifyDelivery(hash, inlineDelivery(other, result).resultHash, inlineDelivery(other, result).resultURI).ok, false);
});

test("specs are read strictly: another kind, bad input, out-of-range iterations are refused in words", () => {
  const text = canonicalJson(spec);
  assert.equal(text, `{"input":"${spec.input}","iterations":1250,"kind":"sha256-iter","salt":"web-test"}`);
  assert.deepEqual(parseShaSpec(text), { ok: true, spec });
  assert.deepEqual(parseShaSpec({ ...spec, extra: 1 }), { ok: true, spec }, "unknown fields are dropped (the hash check then refuses a spec that needed them)");
  const bad: [unknown, RegExp][] = [
    ["not json", /not JSON/], [null, /not an object/], [{ ...spec, kind: "llm-text" }, /kind "llm-text"/],
    [{ ...spec, input: "0xzz" }, /input/], [{ ...spec, input: `0x${"00".repeat(257)}` }, /input/],
    [{ ...spec, iterations: 0 }, /iterations/], [{ ...spec, iterations: 1_000_001 }, /iterations/], [{ ...spec, iterations: 1.5 }, /iterations/],
    [{ ...spec, salt: undefined }, /salt/],
  ];
  for (const [s, re] of bad) {
    const r = parseShaSpec(s);
    assert.ok(!r.ok && re.test(r.error), `${JSON.stringify(s)}: ${JSON.stringify(r)}`);
  }
});
