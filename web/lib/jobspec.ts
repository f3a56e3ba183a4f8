// Job specs and deliveries as people read them. A job holds its spec's hash on-chain; the spec's
// text comes from the indexer's spec store (GET /specs/<hash>) or from the provider's delivery,
// whose result URI the agent runtime writes as `data:application/json;base64,` of
// { spec, result } (agents/src/runtime/jobs.ts encodeDelivery). Pure, tested in jobspec.test.ts.

/** The largest inline delivery decoded (characters of base64). */
const MAX_INLINE = 200_000;

/** { spec, result } of an inline delivery URI, or null for any other URI or a malformed one. */
export function decodeDeliveryUri(uri: string | null | undefined): { spec: unknown; result: string } | null {
  const m = /^data:application\/json;base64,([A-Za-z0-9+/=]*)$/.exec(uri ?? "");
  if (!m || m[1].length > MAX_INLINE) return null;
  try {
    const bytes = Uint8Array.from(atob(m[1]), (c) => c.charCodeAt(0));
    const d = JSON.parse(new TextDecoder().decode(bytes)) as { spec?: unknown; result?: unknown };
    return typeof d.result === "string" ? { spec: d.spec, result: d.result } : null;
  } catch {
    return null;
  }
}

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** The text of a hex input, if it is printable UTF-8; else undefined. */
function printable(hex: string): string | undefined {
  if (!/^0x([0-9a-fA-F]{2})*$/.test(hex)) return undefined;
  const bytes = new Uint8Array((hex.length - 2) / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(2 + i * 2, 4 + i * 2), 16);
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return /^[^\u0000-\u0008\u000e-\u001f\u007f]*$/.test(text) ? text : undefined;
  } catch {
    return undefined;
  }
}

/** One line describing a spec (an object of the agents' kinds, or any other JSON or text). */
export function describeSpec(spec: unknown): string {
  if (typeof spec === "string") {
    try {
      return describeSpec(JSON.parse(spec));
    } catch {
      return clip(spec, 200);
    }
  }
  if (spec && typeof spec === "object" && !Array.isArray(spec)) {
    const s = spec as Record<string, unknown>;
    if (s.kind === "sha256-iter" && typeof s.input === "string" && typeof s.iterations === "number") {
      const text = printable(s.input);
      return `sha256-iter: SHA-256 applied ${s.iterations.toLocaleString("en-US")} times to ${text !== undefined ? `“${clip(text, 80)}”` : clip(s.input, 24)}`;
    }
    if (s.kind === "llm-text" && typeof s.prompt === "string") {
      const limits = typeof s.maxTokens === "number" ? `, up to ${s.maxTokens.toLocaleString("en-US")} tokens` : "";
      return `llm-text${typeof s.model === "string" ? ` (${s.model}${limits})` : ""}: “${clip(s.prompt, 160)}”`;
    }
  }
  return clip(JSON.stringify(spec) ?? String(spec), 200);
}
