// A public store of job specifications, addressed by their hash. On-chain a job holds only the
// hash of its spec (`fillQuote(…, specHash)`); the provider needs the body. An agent requester
// serves its specs itself (the endpoint in its agent card, agents/src/runtime/specs.ts); a
// requester without one — a person filling a quote in the web app — publishes the spec here
// before filling, and providers fetch it by the job's hash.
//
//   POST /specs        body: the spec as JSON text (an object, at most 16 KB) → 201 { hash }
//   GET  /specs/<hash> → 200 the text exactly as posted, or 404
//   GraphQL `spec(hash)` → the text, or null (no error where a spec was never published)
//
// The hash is keccak256 of the text's UTF-8 bytes, as the job's spec hash is computed (for agent
// job kinds the text is canonical JSON: sorted keys, no spaces). A store cannot substitute work: a
// provider checks the body against the hash on-chain. Posting needs no sign-in (a requester may
// not have signed in to fill on-chain); the API's per-IP rate limit and the size bound apply.
import { keccak_256 } from "@noble/hashes/sha3.js";
import type { Database } from "../database/adapter.ts";
import { HttpError, type RouteContext } from "./http.ts";

/** The largest spec body accepted (bytes of UTF-8). */
export const MAX_SPEC_BYTES = 16 * 1024;
const HASH = /^0x[0-9a-f]{64}$/;

/** keccak256 of a text's UTF-8 bytes, as lowercase hex. */
export function specTextHash(text: string): string {
  return "0x" + Buffer.from(keccak_256(Buffer.from(text, "utf8"))).toString("hex");
}

/** The spec text stored under `hash` (any case), or null (also for a malformed hash). */
export async function readSpec(db: Database, hash: string): Promise<string | null> {
  const h = hash.toLowerCase();
  if (!HASH.test(h)) return null;
  const rows = await db.query<{ body: string }>(`SELECT body FROM _specs WHERE hash = $1`, [h]);
  return rows.length === 0 ? null : rows[0].body;
}

export class SpecStore {
  private db: Database;
  readonly counters = { posted: 0, served: 0 };

  constructor(db: Database) {
    this.db = db;
  }

  async init(): Promise<void> {
    await this.db.exec(`CREATE TABLE IF NOT EXISTS _specs (hash text PRIMARY KEY, body text NOT NULL, posted_at bigint NOT NULL)`);
  }

  /** Stores a spec text (idempotent); returns its hash. Throws HttpError(400/413) for a bad body. */
  async put(text: string): Promise<string> {
    if (Buffer.byteLength(text, "utf8") > MAX_SPEC_BYTES) throw new HttpError(413, "SPEC_TOO_LARGE", `a spec is at most ${MAX_SPEC_BYTES} bytes`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new HttpError(400, "BAD_SPEC", "a spec must be JSON text");
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw new HttpError(400, "BAD_SPEC", "a spec must be a JSON object");
    const hash = specTextHash(text);
    await this.db.query(`INSERT INTO _specs (hash, body, posted_at) VALUES ($1, $2, $3) ON CONFLICT (hash) DO NOTHING`, [hash, text, Math.floor(Date.now() / 1000)]);
    this.counters.posted++;
    return hash;
  }

  /** The text stored under `hash`, or null. */
  get(hash: string): Promise<string | null> {
    return readSpec(this.db, hash);
  }

  async route(ctx: RouteContext): Promise<boolean> {
    const { url, req, res } = ctx;
    if (url.pathname === "/specs") {
      if (req.method !== "POST") throw new HttpError(405, "METHOD", "POST /specs with the spec as JSON text, or GET /specs/<hash>");
      const text = await readText(req);
      ctx.send(201, { hash: await this.put(text) });
      return true;
    }
    const m = /^\/specs\/([^/]*)$/.exec(url.pathname);
    if (!m) return false;
    if (req.method !== "GET") throw new HttpError(405, "METHOD", "GET /specs/<hash>");
    const hash = m[1].toLowerCase();
    if (!HASH.test(hash)) throw new HttpError(400, "BAD_HASH", `bad spec hash ${JSON.stringify(m[1].slice(0, 80))}: 32 bytes of hex expected`);
    const body = await this.get(hash);
    if (body === null) throw new HttpError(404, "UNKNOWN_SPEC", `no spec ${hash} here`);
    this.counters.served++;
    // the body exactly as posted (its hash is the job's spec hash)
    res.writeHead(200, { "content-type": "application/json; charset=utf-8", "cache-control": "public, max-age=31536000, immutable" });
    res.end(body);
    return true;
  }
}

/** The request body as text, at most MAX_SPEC_BYTES (a larger one is refused while it arrives). */
async function readText(req: RouteContext["req"]): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const b = typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer);
    size += b.length;
    if (size > MAX_SPEC_BYTES) throw new HttpError(413, "SPEC_TOO_LARGE", `a spec is at most ${MAX_SPEC_BYTES} bytes`);
    chunks.push(b);
  }
  return Buffer.concat(chunks).toString("utf8");
}
