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

/** SHA-256 iterations in one unit of sha256-iter. */
export const ITERATIONS_PER_UNIT = 250;

export const KINDS = { SHA256: "sha256-iter", LLM: "llm-text" } as const;
export type KindName = (typeof KINDS)[keyof typeof KINDS];
export const KIND_HASH: Record<KindName, Hex> = { "sha256-iter": resourceKind("sha256-iter"), "llm-text": resourceKind("llm-text") };
export const kindOfHash = (h: Hex): KindName | undefined => (Object.keys(KIND_HASH) as KindName[]).find((k) => KIND_HASH[k].toLowerCase() === h.toLowerCase());

export interface ShaSpec {
  kind: "sha256-iter";
  input: Hex;
  iterations: number;
  /** Makes each spec unique. */
  salt: string;
}
export interface Rubric {
  minWords: number;
  maxWords: number;
  mustInclude: string[];
  mustNotInclude: string[];
}
export interface LlmSpec {
  kind: "llm-text";
  prompt: string;
  model: string;
  maxTokens: number;
  rubric: Rubric;
  salt: string;
}
export type Spec = ShaSpec | LlmSpec;

/** Canonical JSON (sorted keys), so that a spec hashes the same everywhere. */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v && typeof v === "object") {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(",")}}`;
  }
  return JSON.stringify(v);
}

export const specHash = (s: Spec): Hex => bytesToHex(keccak256Bytes(Buffer.from(canonical(s), "utf8")));
export const resultHash = (result: string): Hex => bytesToHex(keccak256Bytes(Buffer.from(result, "utf8")));

/** Units a spec is priced in. */
export function unitsOf(s: Spec): bigint {
  return s.kind === "sha256-iter" ? BigInt(Math.ceil(s.iterations / ITERATIONS_PER_UNIT)) : BigInt(Math.ceil(s.maxTokens / 100));
}

export { cachedDigest, sha256Iter, sha256IterShared };

/** Validates an untrusted spec (e.g. decoded from a result URI); throws on anything off. */
export function parseSpec(raw: unknown): Spec {
  if (!raw || typeof raw !== "object") throw new Error("spec must be an object");
  const s = raw as Record<string, unknown>;
  if (s.kind === KINDS.SHA256) {
    if (typeof s.input !== "string" || !/^0x([0-9a-f]{2}){0,256}$/i.test(s.input)) throw new Error("spec.input must be hex, at most 256 bytes");
    if (!Number.isSafeInteger(s.iterations) || (s.iterations as number) < 1 || (s.iterations as number) > 1_000_000) throw new Error("spec.iterations must be 1..1000000");
    if (typeof s.salt !== "string") throw new Error("spec.salt must be a string");
    return { kind: KINDS.SHA256, input: s.input as Hex, iterations: s.iterations as number, salt: s.salt };
  }
  if (s.kind === KINDS.LLM) {
    const r = s.rubric as Record<string, unknown> | undefined;
    if (typeof s.prompt !== "string" || s.prompt.length > 4_000) throw new Error("spec.prompt must be a string under 4000 characters");
    if (typeof s.model !== "string" || !Number.isSafeInteger(s.maxTokens) || (s.maxTokens as number) < 1 || (s.maxTokens as number) > 8_192) throw new Error("spec.model / spec.maxTokens invalid");
    if (!r || !Number.isSafeInteger(r.minWords) || !Number.isSafeInteger(r.maxWords) || !Array.isArray(r.mustInclude) || !Array.isArray(r.mustNotInclude)) throw new Error("spec.rubric invalid");
    if (typeof s.salt !== "string") throw new Error("spec.salt must be a string");
    return {
      kind: KINDS.LLM, prompt: s.prompt, model: s.model, maxTokens: s.maxTokens as number, salt: s.salt,
      rubric: { minWords: r.minWords as number, maxWords: r.maxWords as number, mustInclude: (r.mustInclude as unknown[]).map(String), mustNotInclude: (r.mustNotInclude as unknown[]).map(String) },
    };
  }
  throw new Error(`unknown job kind ${JSON.stringify(s.kind)}`);
}

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

/** Scores a text against a rubric: passes when every criterion holds. */
export function judgeText(text: string, r: Rubric): { pass: boolean; reasons: string[] } {
  const words = text.trim().split(/\s+/).filter(Boolean).length;
  const reasons: string[] = [];
  if (words < r.minWords) reasons.push(`${words} words, under ${r.minWords}`);
  if (words > r.maxWords) reasons.push(`${words} words, over ${r.maxWords}`);
  const lower = text.toLowerCase();
  for (const t of r.mustInclude) if (!lower.includes(t.toLowerCase())) reasons.push(`missing "${t}"`);
  for (const t of r.mustNotInclude) if (lower.includes(t.toLowerCase())) reasons.push(`contains "${t}"`);
  return { pass: reasons.length === 0, reasons };
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
