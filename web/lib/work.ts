// A provider's work done in the browser — a sha256-iter digest (the platform's SHA-256, WebCrypto),
// or an llm-text answer written by a person and checked against the job's rubric — and the inline
// delivery that the agents' validators and requesters check
// (agents/src/runtime/jobs.ts: the result URI is `data:application/json;base64,` of the canonical
// JSON of { spec, result }, the result hash is keccak256 of the result's UTF-8). Tested in work.test.ts.
import { keccak256, toHex, type Hex } from "viem";
import { decodeDeliveryUri } from "./jobspec.ts";

/** A sha256-iter spec as the agent runtime writes it. */
export interface ShaSpec {
  kind: "sha256-iter";
  input: Hex;
  iterations: number;
  salt: string;
}

/** An llm-text spec as the agent runtime writes it: a prompt answered in at most maxTokens, judged by its rubric. */
export interface LlmSpec {
  kind: "llm-text";
  prompt: string;
  model: string;
  maxTokens: number;
  rubric: Rubric;
  salt: string;
}
export interface Rubric {
  minWords: number;
  maxWords: number;
  mustInclude: string[];
  mustNotInclude: string[];
}

/** A spec (its JSON text, or the object) as an object of the given kind, or an error in words. */
function specOfKind(spec: unknown, kind: string): { ok: true; o: Record<string, unknown> } | { ok: false; error: string } {
  let s: unknown = spec;
  if (typeof s === "string") {
    try {
      s = JSON.parse(s);
    } catch {
      return { ok: false, error: "the spec is not JSON" };
    }
  }
  if (!s || typeof s !== "object") return { ok: false, error: "the spec is not an object" };
  const o = s as Record<string, unknown>;
  if (o.kind !== kind) return { ok: false, error: `the spec is of kind ${JSON.stringify(o.kind)}, not ${kind}` };
  return { ok: true, o };
}

/** An llm-text spec read from its text, strictly as the runtime's parseSpec reads it, or an error in words. */
export function parseLlmSpec(spec: unknown): { ok: true; spec: LlmSpec } | { ok: false; error: string } {
  const read = specOfKind(spec, "llm-text");
  if (!read.ok) return read;
  const o = read.o;
  const r = o.rubric as Record<string, unknown> | undefined;
  const int = (v: unknown) => typeof v === "number" && Number.isSafeInteger(v);
  if (typeof o.prompt !== "string" || o.prompt.length > 4_000) return { ok: false, error: "the spec's prompt must be text of at most 4,000 characters" };
  if (typeof o.model !== "string" || !int(o.maxTokens) || (o.maxTokens as number) < 1 || (o.maxTokens as number) > 8_192) return { ok: false, error: "the spec's model or token limit is not valid" };
  if (!r || !int(r.minWords) || !int(r.maxWords) || !Array.isArray(r.mustInclude) || !Array.isArray(r.mustNotInclude)) return { ok: false, error: "the spec's rubric is not valid" };
  if (typeof o.salt !== "string") return { ok: false, error: "the spec has no salt" };
  return {
    ok: true,
    spec: {
      kind: "llm-text", prompt: o.prompt, model: o.model, maxTokens: o.maxTokens as number, salt: o.salt,
      rubric: { minWords: r.minWords as number, maxWords: r.maxWords as number, mustInclude: (r.mustInclude as unknown[]).map(String), mustNotInclude: (r.mustNotInclude as unknown[]).map(String) },
    },
  };
}

/**
 * A text against a rubric, as the agents' validators score it: words (separated by white space)
 * within the bounds, every required term present and no forbidden one, case-insensitively.
 */
export function rubricCheck(text: string, r: Rubric): { pass: boolean; words: number; reasons: string[] } {
  const trimmed = text.trim();
  const words = trimmed === "" ? 0 : trimmed.split(/\s+/).length;
  const reasons: string[] = [];
  if (words < r.minWords) reasons.push(`${words} words, at least ${r.minWords} asked`);
  if (words > r.maxWords) reasons.push(`${words} words, at most ${r.maxWords} asked`);
  const lower = text.toLowerCase();
  for (const t of r.mustInclude) if (!lower.includes(t.toLowerCase())) reasons.push(`"${t}" is missing`);
  for (const t of r.mustNotInclude) if (lower.includes(t.toLowerCase())) reasons.push(`"${t}" must not appear`);
  return { pass: reasons.length === 0, words, reasons };
}

/** The most iterations a spec may ask (the runtime's bound: 4,000 units of 250). */
export const MAX_ITERATIONS = 1_000_000;

/** A sha256-iter spec read from its text (the spec store's or a delivery's), or an error in words. */
export function parseShaSpec(spec: unknown): { ok: true; spec: ShaSpec } | { ok: false; error: string } {
  const read = specOfKind(spec, "sha256-iter");
  if (!read.ok) return read;
  const o = read.o;
  if (typeof o.input !== "string" || !/^0x([0-9a-fA-F]{2}){0,256}$/.test(o.input)) return { ok: false, error: "the spec's input is not hex of at most 256 bytes" };
  if (typeof o.iterations !== "number" || !Number.isSafeInteger(o.iterations) || o.iterations < 1 || o.iterations > MAX_ITERATIONS) {
    return { ok: false, error: `the spec's iterations must be 1 to ${MAX_ITERATIONS.toLocaleString("en-US")}` };
  }
  if (typeof o.salt !== "string") return { ok: false, error: "the spec has no salt" };
  return { ok: true, spec: { kind: "sha256-iter", input: o.input as Hex, iterations: o.iterations, salt: o.salt } };
}

/** JSON with every object's keys sorted (the runtime's `canonical`), so a spec hashes the same everywhere. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(",")}}`;
  }
  return JSON.stringify(v);
}

/** A SHA-256 of bytes (WebCrypto's by default; tests may pass another). */
export type Digest = (data: Uint8Array) => Promise<ArrayBuffer>;
const webDigest: Digest = (data) => globalThis.crypto.subtle.digest("SHA-256", data as Uint8Array<ArrayBuffer>);

/**
 * SHA-256 applied `iterations` times to the input's bytes (each time to the previous digest), as
 * the runtime's sha256Iter. Reports progress (0..1) every `every` iterations and lets the page
 * breathe meanwhile; `signal` stops it (AbortError).
 */
export async function sha256Iter(
  input: Hex, iterations: number,
  opts: { onProgress?: (done: number) => void; signal?: AbortSignal; every?: number; digest?: Digest } = {},
): Promise<Hex> {
  const digest = opts.digest ?? webDigest;
  const every = opts.every ?? 2_000;
  let buf = new Uint8Array((input.length - 2) / 2);
  for (let i = 0; i < buf.length; i++) buf[i] = parseInt(input.slice(2 + 2 * i, 4 + 2 * i), 16);
  for (let i = 0; i < iterations; i++) {
    buf = new Uint8Array(await digest(buf));
    if ((i + 1) % every === 0) {
      if (opts.signal?.aborted) throw new DOMException("the work was stopped", "AbortError");
      opts.onProgress?.((i + 1) / iterations);
    }
  }
  opts.onProgress?.(1);
  return toHex(buf);
}

/** What a provider submits for a result: keccak256 of the result's UTF-8, and the inline delivery URI. */
export function inlineDelivery(spec: ShaSpec | LlmSpec, result: string): { resultHash: Hex; resultURI: string } {
  const json = canonicalJson({ spec, result });
  const bytes = new TextEncoder().encode(json);
  let bin = "";
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return { resultHash: keccak256(toHex(result)), resultURI: `data:application/json;base64,${btoa(bin)}` };
}

/** Whether a spec text hashes to the job's spec hash (the runtime hashes the canonical JSON). */
export function specMatches(spec: ShaSpec | LlmSpec, specHashOnChain: string): boolean {
  return keccak256(toHex(canonicalJson(spec))).toLowerCase() === specHashOnChain.toLowerCase();
}

/**
 * A sha256-iter delivery checked in the browser as the agents' validators check it: the inline
 * delivery's spec must hash to the job's spec hash, its result to the submitted result hash, and
 * the spec re-executed must give the result. `ok: null` when it cannot be checked here (not an
 * inline delivery, or another kind: a model's text is judged by a person or an agent).
 */
export async function checkDelivery(
  specHashOnChain: string, resultHashOnChain: string | null, resultURI: string | null,
  opts: { onProgress?: (done: number) => void; digest?: Digest } = {},
): Promise<{ ok: boolean | null; reason: string }> {
  if (!(resultURI ?? "").startsWith("data:application/json;base64,")) return { ok: null, reason: "the result is not an inline delivery: check it by other means" };
  const d = decodeDeliveryUri(resultURI);
  if (!d) return { ok: false, reason: "the delivery does not decode" };
  const kind = (d.spec as { kind?: unknown } | null)?.kind;
  if (kind === "llm-text") {
    // model text: the rubric, as the validators' agents judge it first (their policy may judge further)
    const llm = parseLlmSpec(d.spec);
    if (!llm.ok) return { ok: false, reason: llm.error };
    if (!specMatches(llm.spec, specHashOnChain)) return { ok: false, reason: "the delivered spec is not the job's spec" };
    if (!resultHashOnChain || keccak256(toHex(d.result)).toLowerCase() !== resultHashOnChain.toLowerCase()) return { ok: false, reason: "the result does not match the submitted hash" };
    const r = rubricCheck(d.result, llm.spec.rubric);
    return r.pass ? { ok: true, reason: `the text meets the rubric (${r.words} words): read it before approving` } : { ok: false, reason: `the text fails the rubric: ${r.reasons.join("; ")}` };
  }
  const parsed = parseShaSpec(d.spec);
  if (!parsed.ok) return typeof kind === "string" && kind !== "sha256-iter" ? { ok: null, reason: `${parsed.error}: judge it by reading` } : { ok: false, reason: parsed.error };
  if (!specMatches(parsed.spec, specHashOnChain)) return { ok: false, reason: "the delivered spec is not the job's spec" };
  if (!resultHashOnChain || keccak256(toHex(d.result)).toLowerCase() !== resultHashOnChain.toLowerCase()) return { ok: false, reason: "the result does not match the submitted hash" };
  const digest = await sha256Iter(parsed.spec.input, parsed.spec.iterations, { onProgress: opts.onProgress, digest: opts.digest });
  return digest === d.result ? { ok: true, reason: "re-executed here: the same digest" } : { ok: false, reason: "re-executed here: a different digest" };
}
