// The quote board of the Resource Exchange Protocol: signed-in agent wallets post EIP-712
// quotes (providers) and requests-for-quote (requesters). A quote is checked against the
// provider agent's registered wallet, its expiry and minimum value, its nonce state on-chain and
// the agent's standing, then stored. Its status is derived from the indexed chain at read time
// (filled by a QuoteFilled, cancelled by a QuoteCancelled / QuotesCancelledBelow, expired by
// time), so the book follows reorgs like the rest of the projection.
import { ethers } from "ethers";
import { keccak_256 } from "@noble/hashes/sha3.js";
import type { Database } from "../database/adapter.ts";
import { HttpError, type RouteContext } from "./http.ts";
import type { AuthService } from "./auth.ts";
import { KnownKeys, nativeSecp256k1, recoverAddress, recoversTo } from "./secp256k1.ts";
import { ChainReads } from "./chainreads.ts";
import { Batcher, type Outcome } from "./batch.ts";
import { QUOTE_TYPES as GENERATED_QUOTE_TYPES, WORK_MARKET_DOMAIN } from "../generated/eip712.ts";

export const PROVIDER_ROLE = 1;
export const REQUESTER_ROLE = 2;
export const MIN_JOB_VALUE = 100n * 10n ** 18n;

/** ethers takes mutable field lists; the fields come from the contract (scripts/codegen-abis.ts). */
export const QUOTE_TYPES = { Quote: [...GENERATED_QUOTE_TYPES.Quote] };

export interface QuoteInput {
  providerAgentId: bigint;
  resourceKind: string;
  units: bigint;
  unitPrice: bigint;
  expiry: bigint;
  nonce: bigint;
  requester: bigint;
  deliveryPeriod: bigint;
}

export interface QuoteBoardConfig {
  chainId: number;
  workMarket: string;
  rpcUrl: string;
  artifactsDir: string;
  /** Feedback average (0–100) under which an agent with at least 3 ratings may not post. */
  minReputation?: number;
  /** A quote must stay valid at least this long after posting. */
  minLifetimeSeconds?: number;
  maxOpenPerAgent?: number;
  /**
   * The time (unix seconds) the board judges expiry by. The contract judges it by the block's
   * timestamp, so the service passes the later of the wall clock and the newest indexed block's
   * timestamp: a devnet whose clock was moved forward must not list (or count against an agent's
   * limit) quotes that are already expired on-chain. Default: the wall clock.
   */
  clock?: () => bigint;
}

/**
 * Width (seconds of expiry time) of the buckets of _quote_open, the stored count of each agent's
 * quotes: an agent's live-quote count reads its buckets after now's and counts the quotes of
 * now's bucket one by one (at most this many seconds of expiries).
 */
export const OPEN_BUCKET_SECONDS = 300;

/** The wall clock in unix seconds. */
export const wallClock = (): bigint => BigInt(Math.floor(Date.now() / 1000));

const UINT = /^\d{1,78}$/;
const BYTES32 = /^0x[0-9a-fA-F]{64}$/;

function uint(body: Record<string, unknown>, key: string): bigint {
  const v = body[key];
  if (typeof v === "number" && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
  if (typeof v !== "string" || !UINT.test(v)) throw new HttpError(400, "BAD_FIELD", `${key} must be a non-negative integer (decimal string)`);
  const b = BigInt(v);
  if (b >= 2n ** 256n) throw new HttpError(400, "BAD_FIELD", `${key} does not fit uint256`);
  return b;
}

function bytes32(body: Record<string, unknown>, key: string): string {
  const v = body[key];
  if (typeof v !== "string" || !BYTES32.test(v)) throw new HttpError(400, "BAD_FIELD", `${key} must be 32 bytes of hex`);
  return v.toLowerCase();
}

export function parseQuote(raw: unknown): QuoteInput {
  if (typeof raw !== "object" || raw === null) throw new HttpError(400, "BAD_FIELD", "quote must be an object");
  const q = raw as Record<string, unknown>;
  return {
    providerAgentId: uint(q, "providerAgentId"),
    resourceKind: bytes32(q, "resourceKind"),
    units: uint(q, "units"),
    unitPrice: uint(q, "unitPrice"),
    expiry: uint(q, "expiry"),
    nonce: uint(q, "nonce"),
    requester: uint(q, "requester"),
    deliveryPeriod: uint(q, "deliveryPeriod"),
  };
}

const QUOTE_TYPEHASH = ethers.id("Quote(uint256 providerAgentId,bytes32 resourceKind,uint256 units,uint256 unitPrice,uint256 expiry,uint256 nonce,uint256 requester,uint256 deliveryPeriod)").slice(2);
const word = (v: bigint) => v.toString(16).padStart(64, "0");
const HEX = /^0x[0-9a-fA-F]{64}$/;

/**
 * The EIP-712 digest of a parsed quote under `domainSeparator`: the same value as
 * ethers.TypedDataEncoder.hash(domain, QUOTE_TYPES, q), written out because every field is a
 * static 32-byte word (parseQuote has checked the ranges), which makes it much cheaper; keccak
 * straight on bytes (@noble/hashes, the implementation under ethers' keccak256, without its
 * hex-string checks and copies).
 */
export function quoteDigest(domainSeparator: string, q: QuoteInput): string {
  const words = [q.providerAgentId, q.units, q.unitPrice, q.expiry, q.nonce, q.requester, q.deliveryPeriod];
  if (!HEX.test(domainSeparator) || !HEX.test(q.resourceKind) || words.some((w) => w < 0n || w >= 2n ** 256n)) throw new Error("quoteDigest: a field is not a 32-byte word");
  const struct = keccak_256(Buffer.from(
    QUOTE_TYPEHASH + word(q.providerAgentId) + q.resourceKind.slice(2) + word(q.units) + word(q.unitPrice) + word(q.expiry) + word(q.nonce) + word(q.requester) + word(q.deliveryPeriod),
    "hex",
  ));
  const message = Buffer.allocUnsafe(66);
  message[0] = 0x19;
  message[1] = 0x01;
  message.write(domainSeparator.slice(2), 2, "hex");
  message.set(struct, 34);
  return "0x" + Buffer.from(keccak_256(message)).toString("hex");
}

interface ProviderRow {
  signer: string;
  owner: string;
  roles: number;
  count: number;
  sum: number;
  /** Live quotes of the agent on the board. */
  open: number;
}

/** A checked quote post, as stored (every value as SQL text). */
interface QuoteRow {
  id: string;
  providerAgentId: string;
  resourceKind: string;
  units: string;
  unitPrice: string;
  expiry: string;
  nonce: string;
  requester: string;
  deliveryPeriod: string;
  signature: string;
  signer: string;
  postedBy: string;
  postedAt: string;
  ip: string;
}

export class QuoteBoard {
  private db: Database;
  private cfg: Required<QuoteBoardConfig>;
  private provider: ethers.JsonRpcProvider;
  private domain: ethers.TypedDataDomain;
  private domainSeparator: string;
  private auth: AuthService;
  private listeners = new Set<() => void>();
  private keys = new KnownKeys();
  private reads: ChainReads;
  /** Each agent's signer at its last lookup (the chain reads of its next post start with it). */
  private lastSigner = new Map<bigint, string>();
  /** Concurrent posts' agent lookups, one query per batch (batch.ts). */
  private agentLookups: Batcher<bigint, ProviderRow>;
  /** Concurrent posts' inserts (quote + audit record), one statement per batch (batch.ts). */
  private inserts: Batcher<QuoteRow, boolean>;
  counters = { posted: 0, refused: 0 };

  constructor(db: Database, auth: AuthService, cfg: QuoteBoardConfig) {
    this.db = db;
    this.auth = auth;
    this.cfg = { minReputation: 20, minLifetimeSeconds: 30, maxOpenPerAgent: 1_000, clock: wallClock, ...cfg };
    this.provider = new ethers.JsonRpcProvider(cfg.rpcUrl, cfg.chainId, { staticNetwork: true });
    // its own JSON-RPC client (ChainReads gathers the posts itself)
    this.reads = new ChainReads(cfg.rpcUrl, cfg.workMarket);
    this.domain = { ...WORK_MARKET_DOMAIN, chainId: cfg.chainId, verifyingContract: cfg.workMarket };
    this.domainSeparator = ethers.TypedDataEncoder.hashDomain(this.domain);
    this.agentLookups = new Batcher((ids) => this.lookupProviders(ids));
    this.inserts = new Batcher((rows) => this.insertQuotes(rows));
  }

  /** Batcher statistics (group commit), for /metrics and tests. */
  get batchStats() {
    return { lookups: this.agentLookups.stats, inserts: this.inserts.stats };
  }

  async init(): Promise<void> {
    await this.db.exec(`CREATE TABLE IF NOT EXISTS _quotes (
      id text PRIMARY KEY, provider_agent_id numeric NOT NULL, resource_kind text NOT NULL, units numeric NOT NULL,
      unit_price numeric NOT NULL, expiry bigint NOT NULL, nonce numeric NOT NULL, requester numeric NOT NULL,
      delivery_period numeric NOT NULL, signature text NOT NULL, signer text NOT NULL, posted_by text NOT NULL, posted_at bigint NOT NULL)`);
    await this.db.exec(`CREATE INDEX IF NOT EXISTS _quotes_kind_price ON _quotes (resource_kind, unit_price)`);
    await this.db.exec(`CREATE INDEX IF NOT EXISTS _quotes_provider ON _quotes (provider_agent_id, nonce)`);
    // the live-quote count of each post (provider, expiry > now) as an index-only scan: ~0.1 ms for
    // 900 live quotes instead of ~1 ms of heap visits, one page per quote
    await this.db.exec(`CREATE INDEX IF NOT EXISTS _quotes_provider_expiry ON _quotes (provider_agent_id, expiry)`);
    // the live-quote count of each agent, kept by the insert statement in buckets of expiry time
    // (lookupProviders: the buckets after the current one are summed, only the current bucket's
    // quotes are counted one by one), built from _quotes when the table is new
    await this.db.transaction(async (tx) => {
      await tx.query(`CREATE TABLE IF NOT EXISTS _quote_open (provider_agent_id numeric NOT NULL, bucket bigint NOT NULL, n bigint NOT NULL, PRIMARY KEY (provider_agent_id, bucket))`);
      await tx.query(`LOCK TABLE _quote_open IN EXCLUSIVE MODE`);
      const any = await tx.query(`SELECT 1 FROM _quote_open LIMIT 1`);
      if (any.length === 0) {
        await tx.query(`INSERT INTO _quote_open (provider_agent_id, bucket, n) SELECT provider_agent_id, expiry / ${OPEN_BUCKET_SECONDS}, count(*) FROM _quotes GROUP BY 1, 2`);
      }
    });
    await this.db.exec(`CREATE TABLE IF NOT EXISTS _rfqs (
      id text PRIMARY KEY, requester_agent_id numeric NOT NULL, resource_kind text NOT NULL, units numeric NOT NULL,
      max_unit_price numeric, expiry bigint NOT NULL, spec_hash text, posted_by text NOT NULL, posted_at bigint NOT NULL)`);
  }

  onChange(l: () => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  /** The address allowed to sign for an agent: its wallet, or its owner when none is bound. */
  private async agent(agentId: bigint): Promise<{ signer: string; owner: string; roles: number; count: number; sum: number }> {
    const rows = await this.db.query<{ wallet: string | null; owner: string; roles: number; feedback_count: number; feedback_score_sum: number }>(
      `SELECT wallet, owner, roles, feedback_count, feedback_score_sum FROM agent WHERE id = $1`,
      [agentId.toString()],
    );
    if (rows.length === 0) throw new HttpError(404, "UNKNOWN_AGENT", `agent ${agentId} is not registered (or not indexed yet)`);
    const r = rows[0];
    return { signer: r.wallet ?? r.owner, owner: r.owner, roles: Number(r.roles), count: Number(r.feedback_count), sum: Number(r.feedback_score_sum) };
  }

  /**
   * The agents of concurrent posts with the number of their live quotes on the board, in one
   * query (a missing agent is that post's 404 only). The live count is read when the query runs.
   */
  private async lookupProviders(ids: bigint[]): Promise<Outcome<ProviderRow>[]> {
    const distinct = [...new Set(ids.map(String))];
    const now = this.now();
    // live = expiry > now: every quote of a later bucket than now's (summed from _quote_open) and
    // those of now's bucket that expire after now (counted; the index on (provider, expiry))
    const bucket = now / BigInt(OPEN_BUCKET_SECONDS);
    const rows = await this.db.query<{ id: string; wallet: string | null; owner: string; roles: number; feedback_count: number; feedback_score_sum: number; open: string }>(
      `SELECT a.id, a.wallet, a.owner, a.roles, a.feedback_count, a.feedback_score_sum,
         (COALESCE((SELECT sum(c.n) FROM _quote_open c WHERE c.provider_agent_id = w.id::numeric AND c.bucket > $3::bigint), 0)
          + (SELECT count(*) FROM _quotes q WHERE q.provider_agent_id = w.id::numeric AND q.expiry > $2::bigint AND q.expiry < $4::bigint))::text AS open
       FROM unnest($1::text[]) AS w(id) JOIN agent a ON a.id = w.id`,
      [distinct, String(now), String(bucket), String((bucket + 1n) * BigInt(OPEN_BUCKET_SECONDS))],
      { prepared: "quote_board_provider_agents_bucketed" },
    );
    const byId = new Map(rows.map((r) => [String(r.id), r]));
    return ids.map((id) => {
      const r = byId.get(String(id));
      if (r === undefined) return new HttpError(404, "UNKNOWN_AGENT", `agent ${id} is not registered (or not indexed yet)`);
      return { signer: r.wallet ?? r.owner, owner: r.owner, roles: Number(r.roles), count: Number(r.feedback_count), sum: Number(r.feedback_score_sum), open: Number(r.open) };
    });
  }

  /**
   * Concurrent posts' quotes and their audit records in one statement, one transaction (group
   * commit): true for each quote stored, false for one already on the board (the first of two
   * identical posts in a batch wins; the audit record is written only for a stored quote).
   */
  private async insertQuotes(rows: QuoteRow[]): Promise<Outcome<boolean>[]> {
    const first = new Map<string, number>();
    const keep: QuoteRow[] = [];
    rows.forEach((r, i) => {
      if (!first.has(r.id)) {
        first.set(r.id, i);
        keep.push(r);
      }
    });
    const col = <K extends keyof QuoteRow>(k: K) => keep.map((r) => r[k]);
    const inserted = await this.db.query<{ id: string }>(
      `WITH v AS (
         SELECT * FROM unnest($1::text[], $2::numeric[], $3::text[], $4::numeric[], $5::numeric[], $6::bigint[], $7::numeric[], $8::numeric[], $9::numeric[],
           $10::text[], $11::text[], $12::text[], $13::bigint[], $14::text[]) WITH ORDINALITY
           AS v(id, provider_agent_id, resource_kind, units, unit_price, expiry, nonce, requester, delivery_period, signature, signer, posted_by, posted_at, ip, ord)
       ), ins AS (
         INSERT INTO _quotes (id, provider_agent_id, resource_kind, units, unit_price, expiry, nonce, requester, delivery_period, signature, signer, posted_by, posted_at)
         SELECT id, provider_agent_id, resource_kind, units, unit_price, expiry, nonce, requester, delivery_period, signature, signer, posted_by, posted_at FROM v ORDER BY ord
         ON CONFLICT (id) DO NOTHING RETURNING id, provider_agent_id, expiry
       ), counts AS (
         INSERT INTO _quote_open AS c (provider_agent_id, bucket, n)
         SELECT provider_agent_id, expiry / ${OPEN_BUCKET_SECONDS}, count(*) FROM ins GROUP BY 1, 2 ORDER BY 1, 2
         ON CONFLICT (provider_agent_id, bucket) DO UPDATE SET n = c.n + EXCLUDED.n
       ), audit AS (
         INSERT INTO _audit (at, kind, address, ip, detail) SELECT v.posted_at, 'quote_post', v.posted_by, v.ip, v.id FROM v JOIN ins ON ins.id = v.id ORDER BY v.ord
       )
       SELECT id FROM ins`,
      [col("id"), col("providerAgentId"), col("resourceKind"), col("units"), col("unitPrice"), col("expiry"), col("nonce"), col("requester"), col("deliveryPeriod"),
        col("signature"), col("signer"), col("postedBy"), col("postedAt"), col("ip")],
      { prepared: "quote_board_insert_batch_counted" },
    );
    const stored = new Set(inserted.map((r) => r.id));
    return rows.map((r, i) => first.get(r.id) === i && stored.has(r.id));
  }

  private standing(a: { count: number; sum: number }, agentId: bigint) {
    if (a.count >= 3 && a.sum / a.count < this.cfg.minReputation) {
      throw new HttpError(403, "POOR_STANDING", `agent ${agentId} has an average rating of ${(a.sum / a.count).toFixed(1)}, under ${this.cfg.minReputation}`);
    }
  }

  /** `hasCode`: whether `expected` has code (a contract wallet), if already asked; else eth_getCode. */
  private async checkSignature(expected: string, digest: string, signature: string, hasCode?: Promise<boolean>): Promise<void> {
    if (!/^0x[0-9a-fA-F]+$/.test(signature) || signature.length > 2 + 2 * 1024) throw new HttpError(400, "BAD_FIELD", "signature must be hex");
    hasCode ??= this.provider.getCode(expected).then((code) => code !== "0x");
    if (!(await hasCode)) {
      if (nativeSecp256k1 !== null) {
        // libsecp256k1 (secp256k1.ts): the same answers as ethers' recovery below, ~30× cheaper (~5× than the tables)
        let recovered: string | null = null;
        try {
          recovered = recoverAddress(nativeSecp256k1, digest, ethers.Signature.from(signature));
        } catch {
          /* refused by ethers' parse: malformed, as below */
        }
        if (recovered === null) throw new HttpError(400, "BAD_SIGNATURE", "the signature is malformed");
        if (recovered !== expected) throw new HttpError(401, "BAD_SIGNATURE", `the quote is signed by ${recovered}, not by the agent's wallet ${expected}`);
        return;
      }
      // without it: a wallet seen before: check against its known public key (see secp256k1.ts), which
      // answers only "it recovers to that key"; anything else takes ethers' recovery as before
      const key = this.keys.get(expected);
      if (key !== undefined) {
        let ok = false;
        try {
          const sig = ethers.Signature.from(signature); // the parse the recovery below makes (its getters throw on what it refuses)
          ok = recoversTo(key, digest, BigInt(sig.r), BigInt(sig.s), sig.yParity);
        } catch {
          /* malformed or refused: reported by the recovery below */
        }
        if (ok) return;
      }
      let recovered: string;
      let publicKey: string;
      try {
        publicKey = ethers.SigningKey.recoverPublicKey(digest, signature);
        recovered = ethers.computeAddress(publicKey).toLowerCase();
      } catch {
        throw new HttpError(400, "BAD_SIGNATURE", "the signature is malformed");
      }
      if (recovered === expected) this.keys.learn(expected, publicKey);
      if (recovered !== expected) throw new HttpError(401, "BAD_SIGNATURE", `the quote is signed by ${recovered}, not by the agent's wallet ${expected}`);
      return;
    }
    const wallet = new ethers.Contract(expected, ["function isValidSignature(bytes32,bytes) view returns (bytes4)"], this.provider);
    const magic = await wallet.isValidSignature(digest, signature).catch(() => "0x");
    if (magic !== "0x1626ba7e") throw new HttpError(401, "BAD_SIGNATURE", `the agent's contract wallet ${expected} does not accept the signature`);
  }

  /** POST /quotes { quote, signature } by a signed-in address that may act for the provider agent. */
  async post(body: unknown, sender: string | null, ip: string): Promise<{ id: string }> {
    try {
      if (sender === null) throw new HttpError(401, "NOT_SIGNED_IN", "sign in with Ethereum first (/auth/nonce, /auth/verify)");
      if (typeof body !== "object" || body === null) throw new HttpError(400, "BAD_FIELD", "the body must be { quote, signature }");
      const q = parseQuote((body as Record<string, unknown>).quote);
      const signature = (body as Record<string, unknown>).signature;
      if (typeof signature !== "string") throw new HttpError(400, "BAD_FIELD", "signature must be a hex string");
      const now = this.now();
      // the chain reads (signer's code, nonce) start at once for the signer this agent had at its
      // last lookup, so that the round trips to PostgreSQL and to the RPC node overlap; asked
      // again below for the signer the lookup gives, if it differs (a wallet changed meanwhile)
      const guess = this.lastSigner.get(q.providerAgentId);
      const early = guess === undefined ? undefined : this.reads.ask(guess, q.providerAgentId, q.nonce);
      early?.catch(() => undefined); // awaited below, unless an earlier check refuses the quote
      // the agent and its live-quote count in one query (the count is checked at the same step as before)
      const a = await this.agentLookups.submit(q.providerAgentId);
      if (guess !== a.signer) {
        if (this.lastSigner.size >= 10_000) this.lastSigner.clear();
        this.lastSigner.set(q.providerAgentId, a.signer);
      }
      if (sender !== a.signer && sender !== a.owner) throw new HttpError(403, "NOT_YOUR_AGENT", `${sender} may not post for agent ${q.providerAgentId}`);
      if ((a.roles & PROVIDER_ROLE) === 0) throw new HttpError(403, "NOT_A_PROVIDER", `agent ${q.providerAgentId} does not offer the provider role`);
      this.standing(a, q.providerAgentId);
      if (q.expiry <= now + BigInt(this.cfg.minLifetimeSeconds)) throw new HttpError(400, "EXPIRED", `the quote expires at ${q.expiry}, too soon`);
      if (q.units === 0n || q.unitPrice === 0n) throw new HttpError(400, "BAD_FIELD", "units and unitPrice must be positive");
      if (q.units * q.unitPrice < MIN_JOB_VALUE) throw new HttpError(400, "VALUE_TOO_SMALL", `the quote is worth ${q.units * q.unitPrice} COMPUTE wei, under the 100 COMPUTE minimum`);
      const digest = quoteDigest(this.domainSeparator, q);
      // both chain reads at once, in one eth_call with other posts' (chainreads.ts); their
      // results are still checked in the same order: signature, then nonce
      const chain = guess === a.signer && early !== undefined ? early : this.reads.ask(a.signer, q.providerAgentId, q.nonce);
      const hasCode = chain.then((c) => c.hasCode);
      chain.catch(() => undefined); // awaited below, unless an earlier check refuses the quote
      hasCode.catch(() => undefined);
      await this.checkSignature(a.signer, digest, signature, hasCode);
      if ((await chain).nonceUsed) {
        throw new HttpError(409, "NONCE_USED", `nonce ${q.nonce} of agent ${q.providerAgentId} is already used or cancelled on-chain`);
      }
      if (a.open >= this.cfg.maxOpenPerAgent) throw new HttpError(429, "TOO_MANY_QUOTES", `agent ${q.providerAgentId} has ${a.open} live quotes`);
      // the quote and its audit record, in one statement with concurrent posts' (group commit);
      // answered once that statement has committed
      const inserted = await this.inserts.submit({
        id: digest, providerAgentId: q.providerAgentId.toString(), resourceKind: q.resourceKind, units: q.units.toString(), unitPrice: q.unitPrice.toString(),
        expiry: q.expiry.toString(), nonce: q.nonce.toString(), requester: q.requester.toString(), deliveryPeriod: q.deliveryPeriod.toString(),
        signature: signature.toLowerCase(), signer: a.signer, postedBy: sender, postedAt: String(Date.now()), ip,
      });
      if (!inserted) throw new HttpError(409, "DUPLICATE", "this quote is already on the board");
      this.counters.posted++;
      for (const l of this.listeners) l();
      return { id: digest };
    } catch (err) {
      this.counters.refused++;
      if (err instanceof HttpError) await this.auth.audit("quote_refused", sender, ip, `${err.code}: ${err.message}`);
      throw err;
    }
  }

  /** POST /rfqs { requesterAgentId, resourceKind, units, maxUnitPrice?, expiry, specHash? }. */
  async postRfq(body: unknown, sender: string | null, ip: string): Promise<{ id: string; bestQuotes: Record<string, unknown>[] }> {
    if (sender === null) throw new HttpError(401, "NOT_SIGNED_IN", "sign in with Ethereum first (/auth/nonce, /auth/verify)");
    if (typeof body !== "object" || body === null) throw new HttpError(400, "BAD_FIELD", "the body must be an object");
    const b = body as Record<string, unknown>;
    const requesterAgentId = uint(b, "requesterAgentId");
    const resourceKind = bytes32(b, "resourceKind");
    const units = uint(b, "units");
    const expiry = uint(b, "expiry");
    const maxUnitPrice = b.maxUnitPrice === undefined || b.maxUnitPrice === null ? null : uint(b, "maxUnitPrice");
    const specHash = b.specHash === undefined || b.specHash === null ? null : bytes32(b, "specHash");
    if (units === 0n) throw new HttpError(400, "BAD_FIELD", "units must be positive");
    const a = await this.agent(requesterAgentId);
    if (sender !== a.signer && sender !== a.owner) throw new HttpError(403, "NOT_YOUR_AGENT", `${sender} may not post for agent ${requesterAgentId}`);
    if ((a.roles & REQUESTER_ROLE) === 0) throw new HttpError(403, "NOT_A_REQUESTER", `agent ${requesterAgentId} does not offer the requester role`);
    const now = this.now();
    if (expiry <= now) throw new HttpError(400, "EXPIRED", "the request has already expired");
    const id = ethers.keccak256(ethers.AbiCoder.defaultAbiCoder().encode(["uint256", "bytes32", "uint256", "uint256", "address", "uint256"], [requesterAgentId, resourceKind, units, expiry, sender, BigInt(Date.now())]));
    await this.db.query(
      `INSERT INTO _rfqs (id, requester_agent_id, resource_kind, units, max_unit_price, expiry, spec_hash, posted_by, posted_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`,
      [id, requesterAgentId.toString(), resourceKind, units.toString(), maxUnitPrice?.toString() ?? null, expiry.toString(), specHash, sender, Date.now()],
    );
    await this.auth.audit("rfq_post", sender, ip, id);
    for (const l of this.listeners) l();
    return { id, bestQuotes: await this.best(resourceKind, units, requesterAgentId, maxUnitPrice, 5) };
  }

  /** The board's time in unix seconds (see QuoteBoardConfig.clock). */
  now(): bigint {
    return this.cfg.clock();
  }

  /** SQL of the derived status of quote alias q at time `now` (unix seconds). */
  static statusSql(q: string, now: bigint): string {
    return `CASE
      WHEN EXISTS (SELECT 1 FROM work_request w WHERE w.provider = ${q}.provider_agent_id::text AND w.quote_nonce = ${q}.nonce) THEN 'filled'
      WHEN EXISTS (SELECT 1 FROM quote_cancellation c WHERE c.provider = ${q}.provider_agent_id::text AND ((NOT c.below AND c.nonce = ${q}.nonce) OR (c.below AND ${q}.nonce < c.nonce))) THEN 'cancelled'
      WHEN ${q}.expiry <= ${BigInt(now)} THEN 'expired'
      ELSE 'open' END`;
  }

  /** Open quotes for a resource kind that a requester may fill, cheapest first (best-price matching). */
  async best(resourceKind: string, units: bigint | null, requesterAgentId: bigint | null, maxUnitPrice: bigint | null, first: number) {
    const now = this.now();
    // unexpired quotes only, before their status is derived: the board keeps every quote ever
    // posted, and deriving the status of all of them (two lookups each) made every call cost
    // O(quotes posted since the start)
    const rows = await this.db.query(
      `SELECT * FROM (SELECT q.*, ${QuoteBoard.statusSql("q", now)} AS status FROM _quotes q
         WHERE q.resource_kind = $1 AND q.expiry > ${BigInt(now)} AND ($2::numeric IS NULL OR q.units >= $2::numeric)
           AND ($3::numeric IS NULL OR q.requester = 0 OR q.requester = $3::numeric)
           AND ($4::numeric IS NULL OR q.unit_price <= $4::numeric)) x
       WHERE x.status = 'open' ORDER BY x.unit_price ASC, x.posted_at ASC LIMIT ${Math.min(Math.max(1, first), 100)}`,
      [resourceKind.toLowerCase(), units?.toString() ?? null, requesterAgentId?.toString() ?? null, maxUnitPrice?.toString() ?? null],
    );
    return rows;
  }

  /** Routes: POST /quotes, POST /rfqs. */
  async route(ctx: RouteContext): Promise<boolean> {
    const { url, req } = ctx;
    if (url.pathname === "/quotes" && req.method === "POST") {
      ctx.send(201, await this.post(await ctx.readJson(), ctx.address, ctx.ip));
      return true;
    }
    if (url.pathname === "/rfqs" && req.method === "POST") {
      const r = await this.postRfq(await ctx.readJson(), ctx.address, ctx.ip);
      ctx.send(201, { id: r.id, bestQuotes: r.bestQuotes.map(quoteToGraphQL) });
      return true;
    }
    return false;
  }

  close(): void {
    this.reads.close();
    this.provider.destroy();
  }
}

/** A _quotes row as the GraphQL Quote type. */
export function quoteToGraphQL(r: Record<string, unknown>) {
  const s = (k: string) => String(r[k]);
  return {
    id: s("id"),
    providerAgentId: s("provider_agent_id"),
    provider: s("provider_agent_id"),
    resourceKind: s("resource_kind"),
    units: s("units"),
    unitPrice: s("unit_price"),
    totalPrice: (BigInt(s("units")) * BigInt(s("unit_price"))).toString(),
    expiry: s("expiry"),
    nonce: s("nonce"),
    requester: s("requester"),
    deliveryPeriod: s("delivery_period"),
    signature: s("signature"),
    signer: s("signer"),
    postedBy: s("posted_by"),
    postedAt: s("posted_at"),
    status: s("status"),
  };
}
