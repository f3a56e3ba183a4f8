// Where providers publish signed quotes and requesters find them: the indexer's quote board
// (SIWE-authenticated, through the SDK's ApiClient), or an in-process book with the same
// semantics for a swarm without an indexer. Both hold EIP-712 quotes that anyone can fill
// on-chain; the chain alone decides whether a fill is valid.
import { domainSeparator, keccak256, toHex, type Hex } from "viem";
import { ApiClient, ApiError, type RequestForQuote } from "../sdk/api.ts";
import { QUOTE_TYPES, type Quote, type UbcClient } from "../sdk/client.ts";
import { WORK_MARKET_DOMAIN } from "../generated/eip712.ts";
import { keccak256Hex } from "./keccak.ts";

export interface BoardQuote {
  id: string;
  quote: Quote;
  signature: Hex;
}

export interface QuoteBook {
  /** A board other processes read too (its quotes leave it only when filled, cancelled on-chain or expired). */
  readonly shared?: boolean;
  post(q: Quote, signature: Hex, poster: { client?: UbcClient }): Promise<string>;
  /** Open quotes of a kind that `requesterAgentId` may fill, cheapest first. */
  best(resourceKind: Hex, requesterAgentId: bigint, chainTime: bigint): Promise<BoardQuote[]>;
  /** Forget a quote (filled, or found unusable). */
  drop(id: string): void;
  /**
   * Claims a quote before filling it: false if another agent of this process claimed it already
   * (agents in other processes can still race for it; the chain lets one fill win).
   */
  take(id: string): boolean;
  /** Open requests for quotes of a kind (a shared board's; an in-process book has none). */
  openRfqs?(resourceKind: Hex): Promise<(RequestForQuote & { id: string })[]>;
}

const QUOTE_TYPEHASH = keccak256(toHex(`Quote(${QUOTE_TYPES.Quote.map((f) => `${f.type} ${f.name}`).join(",")})`)).slice(2);
const domains = new Map<string, string>();
const word = (v: bigint) => v.toString(16).padStart(64, "0");

/**
 * The quote's EIP-712 digest (what the provider signs; the board's quote id): the same as viem's
 * hashTypedData over QUOTE_TYPES, computed directly from the eight 32-byte words with the domain
 * separator cached per market — a twentieth of the CPU, which counts when a swarm signs
 * thousands of quotes.
 */
export function quoteId(q: Quote, chainId: number, market: Hex): Hex {
  const dk = `${chainId}:${market}`;
  // a provider signs the quote, then posts the same object (whose id the board computes again)
  const seen = ids.get(q);
  if (seen !== undefined && seen.dk === dk && seen.fields === fieldsOf(q)) return seen.id;
  const id = computeQuoteId(q, dk, chainId, market);
  ids.set(q, { dk, fields: fieldsOf(q), id });
  return id;
}
/** Ids of quote objects already hashed, with what they were computed from. */
const ids = new WeakMap<Quote, { dk: string; fields: string; id: Hex }>();
const fieldsOf = (q: Quote) => `${q.providerAgentId}:${q.resourceKind}:${q.units}:${q.unitPrice}:${q.expiry}:${q.nonce}:${q.requester}:${q.deliveryPeriod}`;

function computeQuoteId(q: Quote, dk: string, chainId: number, market: Hex): Hex {
  let ds = domains.get(dk);
  if (ds === undefined) {
    ds = domainSeparator({ domain: { ...WORK_MARKET_DOMAIN, chainId, verifyingContract: market } }).slice(2);
    domains.set(dk, ds);
  }
  if (!/^0x[0-9a-fA-F]{64}$/.test(q.resourceKind)) throw new Error(`quote.resourceKind must be 32 bytes of hex, got ${q.resourceKind}`);
  const struct = keccak256Hex(`0x${QUOTE_TYPEHASH}${word(q.providerAgentId)}${q.resourceKind.slice(2)}${word(q.units)}${word(q.unitPrice)}${word(q.expiry)}${word(q.nonce)}${word(q.requester)}${word(q.deliveryPeriod)}`).slice(2);
  return keccak256Hex(`0x1901${ds}${struct}`);
}

export class LocalQuoteBook implements QuoteBook {
  private quotes = new Map<string, BoardQuote>();
  private chainId: number;
  private market: Hex;

  constructor(chainId: number, market: Hex) {
    this.chainId = chainId;
    this.market = market;
  }

  async post(q: Quote, signature: Hex): Promise<string> {
    const id = quoteId(q, this.chainId, this.market);
    this.quotes.set(id, { id, quote: q, signature });
    return id;
  }

  async best(kind: Hex, requesterAgentId: bigint, chainTime: bigint): Promise<BoardQuote[]> {
    const out: BoardQuote[] = [];
    for (const [id, b] of this.quotes) {
      if (b.quote.expiry <= chainTime + 60n) {
        this.quotes.delete(id);
        continue;
      }
      if (b.quote.resourceKind.toLowerCase() !== kind.toLowerCase()) continue;
      if (b.quote.requester !== 0n && b.quote.requester !== requesterAgentId) continue;
      if (b.quote.providerAgentId === requesterAgentId) continue;
      out.push(b);
    }
    return out.sort((a, b) => (a.quote.unitPrice < b.quote.unitPrice ? -1 : a.quote.unitPrice > b.quote.unitPrice ? 1 : 0));
  }

  drop(id: string): void {
    this.quotes.delete(id);
  }

  take(id: string): boolean {
    return this.quotes.delete(id);
  }

  get size(): number {
    return this.quotes.size;
  }
}

/**
 * The indexer's quote board. Each poster signs in once (SIWE) with its own client. The board
 * checks quotes against wall-clock time and chain state as indexed; requesters still filter by
 * chain time (on a devnet whose clock was advanced, chain time runs ahead of the wall clock).
 */
export class IndexerQuoteBook implements QuoteBook {
  readonly shared = true;
  readonly url: string;
  private sessions = new Map<string, ApiClient>();
  private reader: ApiClient;
  private dropped = new Set<string>();

  constructor(url: string) {
    this.url = url;
    this.reader = new ApiClient(url);
  }

  async post(q: Quote, signature: Hex, poster: { client?: UbcClient }): Promise<string> {
    if (!poster.client) throw new Error("posting to the indexer's quote board needs the provider's UbcClient (for SIWE)");
    const key = poster.client.address.toLowerCase();
    let api = this.sessions.get(key);
    if (!api) {
      api = new ApiClient(this.url);
      await api.login(poster.client);
      this.sessions.set(key, api);
    }
    // a provider that registered a moment ago may not be indexed yet (404 UNKNOWN_AGENT), and a
    // busy board may ask us to slow down (429): wait a little and post again, for up to ~10 s
    for (let attempt = 1; ; attempt++) {
      try {
        return await api.postQuote(q, signature);
      } catch (err) {
        const retry = err instanceof ApiError && ((err.status === 404 && err.code === "UNKNOWN_AGENT") || (err.status === 429 && err.code !== "TOO_MANY_QUOTES"));
        if (!retry || attempt >= 40) throw err;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  }

  async best(kind: Hex, requesterAgentId: bigint, chainTime: bigint): Promise<BoardQuote[]> {
    // the board ranks by price and measures expiry by the wall clock; on a devnet whose clock was
    // advanced, quotes still open by the wall clock can be expired by chain time: ask for the
    // board's longest page so that they do not crowd out the usable ones
    const list = await this.reader.bestQuotes(kind, undefined, requesterAgentId, 100);
    return list
      .filter((q) => q.expiry > chainTime + 60n && !this.dropped.has(q.id) && q.providerAgentId !== requesterAgentId)
      .map((q) => ({ id: q.id, signature: q.signature, quote: { providerAgentId: q.providerAgentId, resourceKind: q.resourceKind, units: q.units, unitPrice: q.unitPrice, expiry: q.expiry, nonce: q.nonce, requester: q.requester, deliveryPeriod: q.deliveryPeriod } }));
  }

  drop(id: string): void {
    this.dropped.add(id);
  }

  take(id: string): boolean {
    if (this.dropped.has(id)) return false;
    this.dropped.add(id);
    return true;
  }

  openRfqs(resourceKind: Hex): Promise<(RequestForQuote & { id: string })[]> {
    return this.reader.openRfqs(resourceKind);
  }
}
