import { test } from "node:test";
import assert from "node:assert/strict";
import { decodeDeliveryUri, describeSpec } from "./jobspec.ts";

const inline = (v: unknown) => `data:application/json;base64,${Buffer.from(JSON.stringify(v)).toString("base64")}`;

test("an inline delivery decodes to its spec and result; anything else is null", () => {
  const spec = { input: "0x68656c6c6f", iterations: 1000, kind: "sha256-iter", salt: "s" };
  assert.deepEqual(decodeDeliveryUri(inline({ result: "0xabc", spec })), { spec, result: "0xabc" });
  assert.deepEqual(decodeDeliveryUri(inline({ result: "Grüße aus 東京", spec: null })), { spec: null, result: "Grüße aus 東京" }, "UTF-8 text");
  for (const bad of [null, undefined, "", "ipfs://x", "data:application/json;base64,!!!", inline({ spec }), inline([1]), "data:application/json;base64,bm90IGpzb24=", `data:application/json;base64,${"A".repeat(200_004)}`]) {
    assert.equal(decodeDeliveryUri(bad), null, String(bad).slice(0, 60));
  }
});

test("specs of the agents' kinds read as sentences; other specs as their JSON or text, clipped", () => {
  assert.equal(describeSpec({ input: "0x68656c6c6f", iterations: 1250, kind: "sha256-iter", salt: "s" }), "sha256-iter: SHA-256 applied 1,250 times to “hello”");
  assert.equal(describeSpec('{"input":"0x00ff","iterations":250,"kind":"sha256-iter","salt":"s"}'), "sha256-iter: SHA-256 applied 250 times to 0x00ff", "binary input shown as hex, from JSON text");
  assert.equal(describeSpec({ kind: "llm-text", maxTokens: 200, model: "gpt-4o-mini", prompt: "Explain escrow.", rubric: {}, salt: "s" }), "llm-text (gpt-4o-mini, up to 200 tokens): “Explain escrow.”");
  assert.equal(describeSpec("render 5 frames"), "render 5 frames");
  assert.equal(describeSpec({ a: 1 }), '{"a":1}');
  assert.equal(describeSpec("x".repeat(500)).length, 200);
});
