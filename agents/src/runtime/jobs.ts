// Job kinds: what a job's specification says, how a provider does the work, and how a
// validator (or the requester) checks a result.
//
// - `sha256-iter` (deterministic compute): SHA-256 applied `iterations` times to `input`;
//   one unit = 250 iterations; checked by re-execution.
// - `llm-text` (model work): text from an OpenAI-compatible chat-completions endpoint for a
//   prompt, judged against the spec's rubric (length bounds, required terms, forbidden terms);
//   one unit = 100 tokens of `maxTokens`.
//
// Specs and results travel inline: the provider's result URI is a `data:` URI holding
// `{ spec, result }`, so a validator checks keccak256(spec) against the job's spec hash (from the
// JobCreated event) and keccak256(result) against the submitted result hash using nothing but
// the chain. (A deployment with large payloads would put them behind ipfs:// URIs instead.)
import { hash } from "node:crypto";
import { bytesToHex, type Hex } from "viem";
import type OpenAI from "openai";
import { resourceKind } from "../sdk/client.ts";
import { cachedDigest, sha256Iter, sha256IterShared } from "./sha256-iter.ts";
import { keccak256Bytes } from "./keccak.ts";
import { sha256IterAsync } from "./work-pool.ts";
import { canonical, ITERATIONS_PER_UNIT, judgeText, KINDS, parseSpec, unitsOf, type KindName, type LlmSpec, type Rubric, type ShaSpec, type Spec } from "./spec.ts";

export { canonical, ITERATIONS_PER_UNIT, judgeText, KINDS, parseSpec, unitsOf, type KindName, type LlmSpec, type Rubric, type ShaSpec, type Spec };

export const KIND_HASH: Record<KindName, Hex> = { "sha256-iter": resourceKind("sha256-iter"), "llm-text": resourceKind("llm-text") };
export const kindOfHash = (h: Hex): KindName | undefined => (Object.keys(KIND_HASH) as KindName[]).find((k) => KIND_HASH[k].toLowerCase() === h.toLowerCase());

export const specHash = (s: Spec): Hex => bytesToHex(keccak256Bytes(Buffer.from(canonical(s), "utf8")));
export const resultHash = (result: string): Hex => bytesToHex(keccak256Bytes(Buffer.from(result, "utf8")));

export { cachedDigest, sha256Iter, sha256IterShared };

/** The result URI of a delivery: data: URI of { spec, result }. */
export function encodeDelivery(spec: Spec, result: string): string {
  return `data:application/json;base64,${Buffer.from(canonical({ spec, result })).toString("base64")}`;
}

export function decodeDelivery(uri: string): { spec: Spec; result: string } {
  const m = /^data:application\/json;base64,([A-Za-z0-9+/=]*)$/.exec(uri ?? "");
  if (!m || m[1].length > 200_000) throw new Error("result URI is not an inline JSON delivery");
  const raw = JSON.parse(Buffer.from(m[1], "base64").toString("utf8")) as { spec?: unknown; result?: unknown };
  if (typeof raw.result !== "string") throw new Error("delivery has no result string");
  return { spec: parseSpec(raw.spec), result: raw.result };
}

/** Does the work of a spec (deterministic work on the work thread: work-pool.ts). `llm` is required for model jobs. */
export async function execute(spec: Spec, llm?: OpenAI): Promise<string> {
  if (spec.kind === KINDS.SHA256) return sha256IterAsync(spec.input, spec.iterations);
  if (!llm) throw new Error("model jobs need an OpenAI-compatible endpoint (OPENAI_API_KEY / OPENAI_BASE_URL)");
  const r = await llm.chat.completions.create({ model: spec.model, max_tokens: spec.maxTokens, messages: [{ role: "user", content: spec.prompt }] });
  const text = r.choices[0]?.message?.content;
  if (typeof text !== "string") throw new Error("the model returned no text");
  return text;
}

/**
 * Checks a delivery against the job's spec hash and result hash, then the work itself:
 * re-execution for deterministic kinds, the rubric for model text.
 */
export function verifyDelivery(specHashOnChain: Hex, resultHashOnChain: Hex | undefined, uri: string | undefined): { ok: boolean; reason: string; spec?: Spec } {
  // the same delivery is checked by the requester and each committee member: agents that share a
  // process (a swarm) check it once (the verdict depends on these three inputs only; the URI, up
  // to 200 KB, is kept as its SHA-256)
  const key = `${specHashOnChain}:${resultHashOnChain}:${uri === undefined ? "-" : hash("sha256", uri, "base64")}`;
  const known = VERDICTS.get(key);
  if (known !== undefined) return known;
  const v = checkDelivery(specHashOnChain, resultHashOnChain, uri);
  VERDICTS.set(key, v);
  if (VERDICTS.size > 4_096) VERDICTS.delete(VERDICTS.keys().next().value!);
  return v;
}
const VERDICTS = new Map<string, { ok: boolean; reason: string; spec?: Spec }>();

function checkDelivery(specHashOnChain: Hex, resultHashOnChain: Hex | undefined, uri: string | undefined): { ok: boolean; reason: string; spec?: Spec } {
  let d: { spec: Spec; result: string };
  try {
    d = decodeDelivery(uri ?? "");
  } catch (err) {
    return { ok: false, reason: (err as Error).message };
  }
  if (specHash(d.spec).toLowerCase() !== specHashOnChain.toLowerCase()) return { ok: false, reason: "the delivered spec is not the job's spec", spec: d.spec };
  if (!resultHashOnChain || resultHash(d.result).toLowerCase() !== resultHashOnChain.toLowerCase()) return { ok: false, reason: "the result does not match the submitted hash", spec: d.spec };
  if (d.spec.kind === KINDS.SHA256) {
    const expect = sha256IterShared(d.spec.input, d.spec.iterations);
    return expect === d.result ? { ok: true, reason: "re-executed: same digest", spec: d.spec } : { ok: false, reason: "re-executed: different digest", spec: d.spec };
  }
  const j = judgeText(d.result, d.spec.rubric);
  return { ok: j.pass, reason: j.pass ? "rubric passed" : `rubric failed: ${j.reasons.join("; ")}`, spec: d.spec };
}
