// Job specs as data: the kinds, what a spec says, its canonical JSON (what its hash is taken of),
// the strict reading of an untrusted spec, its units, and the rubric a model's text is scored by.
// No Node.js or network imports: the web app uses this module in the browser (web/lib/work.ts)
// as the runtime does (jobs.ts re-exports it), so a delivery made or checked in either is read
// the same way.
import type { Hex } from "viem";

/** SHA-256 iterations in one unit of sha256-iter. */
export const ITERATIONS_PER_UNIT = 250;

export const KINDS = { SHA256: "sha256-iter", LLM: "llm-text" } as const;
export type KindName = (typeof KINDS)[keyof typeof KINDS];

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

/** Units a spec is priced in. */
export function unitsOf(s: Spec): bigint {
  return s.kind === "sha256-iter" ? BigInt(Math.ceil(s.iterations / ITERATIONS_PER_UNIT)) : BigInt(Math.ceil(s.maxTokens / 100));
}

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

/** Scores a text against a rubric: passes when every criterion holds. */
export function judgeText(text: string, r: Rubric): { pass: boolean; words: number; reasons: string[] } {
  const words = text.trim().split(/\s+/).filter(Boolean).length;
  const reasons: string[] = [];
  if (words < r.minWords) reasons.push(`${words} words, under ${r.minWords}`);
  if (words > r.maxWords) reasons.push(`${words} words, over ${r.maxWords}`);
  const lower = text.toLowerCase();
  for (const t of r.mustInclude) if (!lower.includes(t.toLowerCase())) reasons.push(`missing "${t}"`);
  for (const t of r.mustNotInclude) if (lower.includes(t.toLowerCase())) reasons.push(`contains "${t}"`);
  return { pass: reasons.length === 0, words, reasons };
}
