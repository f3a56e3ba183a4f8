// Sign-In with Ethereum (EIP-4361) for the API: single-use nonces, message checks (domain, URI,
// chain id, nonce, issued-at / expiration / not-before), the signature of the address (an EOA,
// or an EIP-1271 contract wallet checked through the chain), and sessions: an httpOnly cookie
// for browsers and the same token as a bearer for agents. Every sign-in and failure is audited.
import { createHash, randomBytes } from "node:crypto";
import { ethers } from "ethers";
import { SiweMessage } from "siwe";
import type { Database } from "../database/adapter.ts";
import { Batcher } from "./batch.ts";

export interface AuthConfig {
  /** The domain (host[:port]) the SIWE message must name: the web app's or the API's host. */
  domains: string[];
  /** Origins the message's URI must start with. */
  uriPrefixes: string[];
  chainId: number;
  rpcUrl: string;
  sessionTtlSeconds?: number;
  nonceTtlSeconds?: number;
  /** Allowed clock skew for issued-at, seconds. */
  skewSeconds?: number;
  /**
   * How long a session read from the database may be trusted from memory, ms (default 1000;
   * 0: read it on every request). A sign-out on this process takes effect at once; on another
   * API process sharing the database it takes effect when its notification arrives (PostgreSQL
   * LISTEN/NOTIFY, normally a few ms) and never later than this bound (a lost notification, or a
   * session revoked in the database by hand).
   */
  sessionCacheMs?: number;
}

export interface Session {
  token: string;
  address: string;
  expiresAt: number;
}

export class AuthError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(code: string, message: string, status = 401) {
    super(message);
    this.code = code;
    this.status = status;
  }
}

export const SESSION_COOKIE = "ubc_session";

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

interface AuditRow {
  at: string;
  kind: string;
  address: string | null;
  ip: string | null;
  detail: string | null;
}

/** At most this many sessions are kept in memory (the oldest are dropped first). */
const MAX_CACHED_SESSIONS = 50_000;

export class AuthService {
  private db: Database;
  private cfg: Required<AuthConfig>;
  private provider: ethers.JsonRpcProvider;
  /** Live sessions read from the database, by token hash, with the time they were read (ms). */
  private sessions = new Map<string, { address: string; expiresAt: number; readAt: number }>();
  /** Reads in progress, by token hash: concurrent requests with one token share one read. */
  private reading = new Map<string, Promise<{ address: string; expiresAt: number } | null>>();
  /** Bumped by every revocation seen: a read that started before one is not cached. */
  private revocations = 0;
  private unlisten: (() => Promise<void>) | undefined;
  private readonly channel: string;
  counters = { signins: 0, failures: 0, sessionReads: 0, sessionHits: 0 };
  private audits = new Batcher<AuditRow, true>((rows) => this.writeAudits(rows));

  constructor(db: Database, cfg: AuthConfig) {
    this.db = db;
    this.cfg = { sessionTtlSeconds: 24 * 3600, nonceTtlSeconds: 600, skewSeconds: 60, sessionCacheMs: 1_000, ...cfg };
    this.provider = new ethers.JsonRpcProvider(cfg.rpcUrl, cfg.chainId, { staticNetwork: true });
    this.channel = `${db.schema}.session_revoked`;
  }

  /** Drops a revoked session (by token hash) from memory, or all of them (null). */
  private forget(hash: string | null) {
    this.revocations++;
    // a read in flight may predate the revocation: later requests must not join it
    if (hash === null) {
      this.sessions.clear();
      this.reading.clear();
    } else {
      this.sessions.delete(hash);
      this.reading.delete(hash);
    }
  }

  async init(): Promise<void> {
    // sign-outs on other API processes sharing the database (see sessionCacheMs)
    if (this.cfg.sessionCacheMs > 0) this.unlisten = await this.db.listen(this.channel, (hash) => this.forget(hash), () => this.forget(null));
    await this.db.exec(`CREATE TABLE IF NOT EXISTS _siwe_nonces (nonce text PRIMARY KEY, expires_at bigint NOT NULL, used boolean NOT NULL DEFAULT false)`);
    await this.db.exec(`CREATE TABLE IF NOT EXISTS _sessions (token_hash text PRIMARY KEY, address text NOT NULL, expires_at bigint NOT NULL, revoked boolean NOT NULL DEFAULT false)`);
    await this.db.exec(`CREATE TABLE IF NOT EXISTS _audit (id bigserial PRIMARY KEY, at bigint NOT NULL, kind text NOT NULL, address text, ip text, detail text)`);
  }

  /** Writes an audit record; concurrent records share one statement (batch.ts), in order. */
  async audit(kind: string, address: string | null, ip: string | null, detail: string | null): Promise<void> {
    await this.audits.submit({ at: String(Date.now()), kind, address, ip, detail });
  }

  private async writeAudits(rows: AuditRow[]): Promise<true[]> {
    const col = <K extends keyof AuditRow>(k: K) => rows.map((r) => r[k]);
    await this.db.query(
      `INSERT INTO _audit (at, kind, address, ip, detail)
       SELECT at, kind, address, ip, detail FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS v(at, kind, address, ip, detail, ord) ORDER BY ord`,
      [col("at"), col("kind"), col("address"), col("ip"), col("detail")],
      { prepared: "auth_audit_batch" },
    );
    return rows.map(() => true as const);
  }

  /** A fresh single-use nonce (alphanumeric, as EIP-4361 requires). */
  async nonce(): Promise<string> {
    const nonce = randomBytes(16).toString("hex");
    const now = Math.floor(Date.now() / 1000);
    await this.db.query(`DELETE FROM _siwe_nonces WHERE expires_at < $1`, [now]);
    await this.db.query(`INSERT INTO _siwe_nonces (nonce, expires_at) VALUES ($1, $2)`, [nonce, now + this.cfg.nonceTtlSeconds]);
    return nonce;
  }

  /** Checks a signed SIWE message and opens a session, or throws an AuthError naming the problem. */
  async verify(message: string, signature: string, ip: string | null): Promise<Session> {
    try {
      const session = await this.check(message, signature);
      this.counters.signins++;
      await this.audit("signin", session.address, ip, null);
      return session;
    } catch (err) {
      this.counters.failures++;
      const e = err instanceof AuthError ? err : new AuthError("INVALID_MESSAGE", (err as Error).message);
      let address: string | null = null;
      try {
        address = new SiweMessage(message).address.toLowerCase();
      } catch {
        /* unparseable */
      }
      await this.audit("signin_failed", address, ip, `${e.code}: ${e.message}`);
      throw e;
    }
  }

  private async check(message: string, signature: string): Promise<Session> {
    if (typeof message !== "string" || typeof signature !== "string" || message.length > 4096 || !/^0x[0-9a-fA-F]+$/.test(signature)) {
      throw new AuthError("BAD_REQUEST", "expected { message: string, signature: 0x-hex }", 400);
    }
    let m: SiweMessage;
    try {
      m = new SiweMessage(message);
    } catch (err) {
      throw new AuthError("INVALID_MESSAGE", `not an EIP-4361 message: ${(err as Error).message}`, 400);
    }
    if (!this.cfg.domains.includes(m.domain)) throw new AuthError("WRONG_DOMAIN", `the message is for ${m.domain}, not this service`);
    if (!this.cfg.uriPrefixes.some((p) => m.uri.startsWith(p))) throw new AuthError("WRONG_URI", `the message's URI ${m.uri} is not this service's`);
    if (m.chainId !== this.cfg.chainId) throw new AuthError("WRONG_CHAIN", `the message is for chain ${m.chainId}, this service is on chain ${this.cfg.chainId}`);
    const now = Date.now();
    if (m.issuedAt && Date.parse(m.issuedAt) > now + this.cfg.skewSeconds * 1000) throw new AuthError("NOT_YET_VALID", "the message is issued in the future");
    if (m.notBefore && Date.parse(m.notBefore) > now) throw new AuthError("NOT_YET_VALID", "the message is not valid yet");
    if (m.expirationTime && Date.parse(m.expirationTime) <= now) throw new AuthError("EXPIRED", "the message has expired");
    // single use: the nonce is consumed whatever the outcome of the signature check
    const nowSec = Math.floor(now / 1000);
    const used = await this.db.query<{ nonce: string }>(
      `UPDATE _siwe_nonces SET used = true WHERE nonce = $1 AND used = false AND expires_at >= $2 RETURNING nonce`,
      [m.nonce, nowSec],
    );
    if (used.length === 0) throw new AuthError("BAD_NONCE", "the nonce is unknown, expired or already used");
    const r = await m.verify({ signature, domain: m.domain, nonce: m.nonce }, { provider: this.provider as never, suppressExceptions: true });
    if (!r.success) throw new AuthError("BAD_SIGNATURE", `the signature is not ${m.address}'s (${r.error?.type ?? "invalid"})`);
    const token = randomBytes(32).toString("base64url");
    let expiresAt = nowSec + this.cfg.sessionTtlSeconds;
    if (m.expirationTime) expiresAt = Math.min(expiresAt, Math.floor(Date.parse(m.expirationTime) / 1000));
    await this.db.query(`INSERT INTO _sessions (token_hash, address, expires_at) VALUES ($1, $2, $3)`, [sha256(token), m.address.toLowerCase(), expiresAt]);
    return { token, address: m.address.toLowerCase(), expiresAt };
  }

  /**
   * The live session of a token, or null. A session read from the database is trusted from
   * memory for `sessionCacheMs` (and never past its expiry); unknown tokens are always read.
   */
  async session(token: string | undefined): Promise<Session | null> {
    if (!token || token.length > 200) return null;
    const hash = sha256(token);
    const now = Date.now();
    const cached = this.sessions.get(hash);
    if (cached !== undefined) {
      if (now - cached.readAt < this.cfg.sessionCacheMs && cached.expiresAt > Math.floor(now / 1000)) {
        this.counters.sessionHits++;
        return { token, address: cached.address, expiresAt: cached.expiresAt };
      }
      this.sessions.delete(hash);
    }
    let read = this.reading.get(hash);
    if (read === undefined) {
      const mine = (read = this.readSession(hash));
      this.reading.set(hash, mine);
      void mine.finally(() => {
        if (this.reading.get(hash) === mine) this.reading.delete(hash);
      }).catch(() => undefined);
    }
    const s = await read;
    return s === null ? null : { token, address: s.address, expiresAt: s.expiresAt };
  }

  private async readSession(hash: string): Promise<{ address: string; expiresAt: number } | null> {
    const seen = this.revocations;
    const readAt = Date.now();
    this.counters.sessionReads++;
    const rows = await this.db.query<{ address: string; expires_at: string }>(
      `SELECT address, expires_at::text AS expires_at FROM _sessions WHERE token_hash = $1 AND revoked = false AND expires_at > $2`,
      [hash, Math.floor(readAt / 1000)],
      { prepared: "auth_session" },
    );
    if (rows.length === 0) return null;
    const s = { address: rows[0].address, expiresAt: Number(rows[0].expires_at) };
    // not if a sign-out was seen meanwhile: this read may predate it
    if (this.cfg.sessionCacheMs > 0 && seen === this.revocations) {
      if (this.sessions.size >= MAX_CACHED_SESSIONS) this.sessions.delete(this.sessions.keys().next().value!);
      this.sessions.set(hash, { ...s, readAt });
    }
    return s;
  }

  /** Revokes a session, here at once and on the other API processes by a notification. */
  async logout(token: string | undefined): Promise<boolean> {
    if (!token) return false;
    const hash = sha256(token);
    this.forget(hash);
    const rows = await this.db.query(
      `WITH r AS (UPDATE _sessions SET revoked = true WHERE token_hash = $1 AND revoked = false RETURNING address)
       SELECT address, pg_notify($2, $1) FROM r`,
      [hash, this.channel],
    );
    this.forget(hash);
    return rows.length > 0;
  }

  close(): void {
    this.provider.destroy();
    void this.unlisten?.();
  }
}

/** The session token of a request: `Authorization: Bearer …` or the session cookie. */
export function tokenOf(headers: Record<string, string | string[] | undefined>): string | undefined {
  const auth = headers.authorization;
  if (typeof auth === "string" && auth.startsWith("Bearer ")) return auth.slice(7).trim();
  const cookie = headers.cookie;
  if (typeof cookie === "string") {
    for (const part of cookie.split(";")) {
      const [k, ...v] = part.trim().split("=");
      if (k === SESSION_COOKIE) return v.join("=");
    }
  }
  return undefined;
}
