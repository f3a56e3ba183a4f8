// A provider's work done in the browser — a sha256-iter digest (the platform's SHA-256, WebCrypto),
// or an llm-text answer written by a person and checked against the job's rubric — and the inline
// delivery that the agents' validators and requesters check
// (agents/src/runtime/jobs.ts: the result URI is `data:application/json;base64,` of the canonical
// JSON of { spec, result }, the result hash is keccak256 of the result's UTF-8). Tested in work.test.ts.
import { keccak256, toHex, type Hex } from "viem";
import { decodeDeliveryUri } from "./jobspec.ts";
// the runtime's own spec module (no Node.js imports): a spec is read, hashed and judged here as there
import { canonical, judgeText, parseSpec, type LlmSpec, type Rubric, type ShaSpec, type Spec } from "../../agents/src/runtime/spec.ts";

export type { LlmSpec, Rubric, ShaSpec };

/**
 * A spec (its JSON text, or the object) read as the runtime reads an untrusted spec (`parseSpec`:
 * the same bounds, unknown fields dropped), and of the given kind; else an error in words.
 */
function readSpec<K extends Spec["kind"]>(spec: unknown, kind: K): { ok: true; spec: Extract<Spec, { kind: K }> } | { ok: false; error: string } {
  let raw: unknown = spec;
  if (typeof raw === "string") {
    try {
      raw = JSON.parse(raw);
    } catch {
      return { ok: false, error: "the spec is not JSON" };
    }
  }
  let parsed: Spec;
  try {
    parsed = parseSpec(raw);
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
  if (parsed.kind !== kind) return { ok: false, error: `the spec is of kind ${JSON.stringify(parsed.kind)}, not ${kind}` };
  return { ok: true, spec: parsed as Extract<Spec, { kind: K }> };
}

/** An llm-text spec read from its text, or an error in words. */
export const parseLlmSpec = (spec: unknown) => readSpec(spec, "llm-text");

/** A sha256-iter spec read from its text (the spec store's or a delivery's), or an error in words. */
export const parseShaSpec = (spec: unknown) => readSpec(spec, "sha256-iter");

/**
 * A text against a rubric, as the agents' validators score it (`judgeText`): words (separated by
 * white space) within the bounds, every required term present and no forbidden one, case-insensitively.
 */
export const rubricCheck = judgeText;

/** JSON with every object's keys sorted (the runtime's `canonical`): what a spec's hash is taken of. */
export const canonicalJson = canonical;

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
