// Sign-In with Ethereum (EIP-4361) for the API: single-use nonces, message checks (domain, URI,
// chain id, nonce, issued-at / expiration / not-before), the signature of the address (an EOA,
// or an EIP-1271 contract wallet checked through the chain), and sessions: an httpOnly cookie
// for browsers and the same token as a bearer for agents. Every sign-in and failure is audited.
import { createHash, randomBytes } from "node:crypto";
import { ethers } from "ethers";
import { SiweMessage } from "siwe";
import type { Database } from "../database/adapter.ts";

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

export class AuthService {
  private db: Database;
  private cfg: Required<AuthConfig>;
  private provider: ethers.JsonRpcProvider;
  counters = { signins: 0, failures: 0 };

  constructor(db: Database, cfg: AuthConfig) {
    this.db = db;
    this.cfg = { sessionTtlSeconds: 24 * 3600, nonceTtlSeconds: 600, skewSeconds: 60, ...cfg };
    this.provider = new ethers.JsonRpcProvider(cfg.rpcUrl, cfg.chainId, { staticNetwork: true });
  }

  async init(): Promise<void> {
    await this.db.exec(`CREATE TABLE IF NOT EXISTS _siwe_nonces (nonce text PRIMARY KEY, expires_at bigint NOT NULL, used boolean NOT NULL DEFAULT false)`);
    await this.db.exec(`CREATE TABLE IF NOT EXISTS _sessions (token_hash text PRIMARY KEY, address text NOT NULL, expires_at bigint NOT NULL, revoked boolean NOT NULL DEFAULT false)`);
    await this.db.exec(`CREATE TABLE IF NOT EXISTS _audit (id bigserial PRIMARY KEY, at bigint NOT NULL, kind text NOT NULL, address text, ip text, detail text)`);
  }

  async audit(kind: string, address: string | null, ip: string | null, detail: string | null): Promise<void> {
    await this.db.query(`INSERT INTO _audit (at, kind, address, ip, detail) VALUES ($1, $2, $3, $4, $5)`, [Date.now(), kind, address, ip, detail]);
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

  /** The live session of a token, or null. */
  async session(token: string | undefined): Promise<Session | null> {
    if (!token || token.length > 200) return null;
    const rows = await this.db.query<{ address: string; expires_at: string }>(
      `SELECT address, expires_at::text AS expires_at FROM _sessions WHERE token_hash = $1 AND revoked = false AND expires_at > $2`,
      [sha256(token), Math.floor(Date.now() / 1000)],
    );
    return rows.length === 0 ? null : { token, address: rows[0].address, expiresAt: Number(rows[0].expires_at) };
  }

  async logout(token: string | undefined): Promise<boolean> {
    if (!token) return false;
    const rows = await this.db.query(`UPDATE _sessions SET revoked = true WHERE token_hash = $1 AND revoked = false RETURNING address`, [sha256(token)]);
    return rows.length > 0;
  }

  close(): void {
    this.provider.destroy();
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
