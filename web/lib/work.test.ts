import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { keccak256, toHex, type Hex } from "viem";
import { canonicalJson, checkDelivery, inlineDelivery, parseLlmSpec, parseShaSpec, rubricCheck, sha256Iter, specMatches, type ShaSpec } from "./work.ts";
// the agent runtime's side: what its validators and requesters run on a delivery
import { encodeDelivery, resultHash as runtimeResultHash, sha256Iter as runtimeSha256Iter, specHash as runtimeSpecHash, verifyDelivery } from "../../agents/src/runtime/jobs.ts";

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

test("specs are read strictly, by the runtime's own reader: another kind, bad input, out-of-range iterations are refused in words", () => {
  const text = canonicalJson(spec);
  assert.equal(text, `{"input":"${spec.input}","iterations":1250,"kind":"sha256-iter","salt":"web-test"}`);
  assert.deepEqual(parseShaSpec(text), { ok: true, spec });
  assert.deepEqual(parseShaSpec({ ...spec, extra: 1 }), { ok: true, spec }, "unknown fields are dropped (the hash check then refuses a spec that needed them)");
  const bad: [unknown, RegExp][] = [
    ["not json", /not JSON/], [null, /object/], [{ ...spec, kind: "llm-text" }, /prompt/],
    [{ kind: "llm-text", prompt: "p", model: "m", maxTokens: 10, rubric: { minWords: 1, maxWords: 5, mustInclude: [], mustNotInclude: [] }, salt: "s" }, /of kind "llm-text", not sha256-iter/],
    [{ ...spec, input: "0xzz" }, /input/], [{ ...spec, input: `0x${"00".repeat(257)}` }, /input/],
    [{ ...spec, iterations: 0 }, /iterations/], [{ ...spec, iterations: 1_000_001 }, /iterations/], [{ ...spec, iterations: 1.5 }, /iterations/],
    [{ ...spec, salt: undefined }, /salt/],
  ];
  for (const [s, re] of bad) {
    const r = parseShaSpec(s);
    assert.ok(!r.ok && re.test(r.error), `${JSON.stringify(s)}: ${JSON.stringify(r)}`);
  }
});

test("a validator's check in the browser agrees with the runtime's on right, wrong and foreign deliveries", async () => {
  const hash = runtimeSpecHash(spec);
  const right = runtimeSha256Iter(spec.input, spec.iterations);
  const cases: [string, string | null, string | null, boolean | null][] = [
    ["right", runtimeResultHash(right), encodeDelivery(spec, right), true],
    ["a wrong digest", runtimeResultHash("0x" + "11".repeat(32)), encodeDelivery(spec, "0x" + "11".repeat(32)), false],
    ["a result hash that is not the result's", runtimeResultHash("0xdead"), encodeDelivery(spec, right), false],
    ["another spec", runtimeResultHash(right), encodeDelivery({ ...spec, salt: "x" }, right), false],
  ];
  for (const [name, rh, uri, want] of cases) {
    const got = await checkDelivery(hash, rh, uri);
    assert.equal(got.ok, want, `${name}: ${got.reason}`);
    assert.equal(verifyDelivery(hash, rh as `0x${string}`, uri ?? undefined).ok, want, `${name}: the runtime agrees`);
  }
  // not checkable here: an ipfs:// result
  assert.equal((await checkDelivery(hash, runtimeResultHash(right), "ipfs://result")).ok, null);
  // a model's text: the rubric, as the runtime judges it
  const llm = { kind: "llm-text" as const, prompt: "p", model: "m", maxTokens: 100, rubric: { minWords: 2, maxWords: 10, mustInclude: ["escrow"], mustNotInclude: ["lorem"] }, salt: "s" };
  const lh = runtimeSpecHash(llm);
  for (const [text, want] of [["Escrow holds the price.", true], ["escrow", false], ["lorem ipsum escrow", false], ["no such word here", false]] as const) {
    const got = await checkDelivery(lh, runtimeResultHash(text), encodeDelivery(llm, text));
    assert.equal(got.ok, want, `${text}: ${got.reason}`);
    assert.equal(verifyDelivery(lh, runtimeResultHash(text), encodeDelivery(llm, text)).ok, want, `${text}: the runtime agrees`);
  }
  assert.ok(specMatches(llm, lh));
  const typed = inlineDelivery(llm, "Escrow holds the price.");
  assert.equal(verifyDelivery(lh, typed.resultHash, typed.resultURI).ok, true, "an answer delivered from the browser passes the runtime's check");
  assert.equal((await checkDelivery(hash, null, "data:application/json;base64,bm90IGpzb24=")).ok, false, "an inline delivery that is not JSON");
});

test("the rubric check (the runtime's judgeText, run in the browser): bounds, required and forbidden terms; llm-text specs are read strictly", () => {
  const rubric = { minWords: 3, maxWords: 8, mustInclude: ["Stake", "burn"], mustNotInclude: ["TODO"] };
  const texts: [string, boolean][] = [
    ["", false], ["stake and burn", true], ["  Stake\tthen\nBURN  ", true], ["stake burn", false], ["stake burn todo later", false],
    ["one two three four five six seven eight nine stake burn", false], ["Staked tokens burnt", true],
  ];
  for (const [t, pass] of texts) assert.equal(rubricCheck(t, rubric).pass, pass, JSON.stringify(t));
  assert.deepEqual(rubricCheck("stake burn", rubric), { pass: false, words: 2, reasons: ["2 words, under 3"] });
  const spec = { kind: "llm-text", prompt: "Explain staking.", model: "gpt-4o-mini", maxTokens: 200, rubric, salt: "s" };
  assert.deepEqual(parseLlmSpec(canonicalJson(spec)), { ok: true, spec });
  for (const bad of [{ ...spec, kind: "sha256-iter" }, { ...spec, maxTokens: 0 }, { ...spec, prompt: "x".repeat(4_001) }, { ...spec, rubric: { minWords: 1 } }, { ...spec, salt: 1 }]) {
    assert.equal(parseLlmSpec(bad).ok, false, JSON.stringify(bad).slice(0, 60));
  }
});
