// The agent SDK's off-chain client for the indexer's API: Sign-In with Ethereum, GraphQL, and
// the quote board (quotes and requests for quotes).
import { SiweMessage } from "siwe";
import type { Hex } from "viem";
import type { Quote, UbcClient } from "./client.ts";

export class ApiError extends Error {
  readonly status: number;
  readonly code: string | undefined;
  constructor(status: number, code: string | undefined, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export class ApiClient {
  readonly url: string;
  /** Where GraphQL queries go: the indexer's /graphql by default, or a subgraph's URL on graph-node. */
  readonly graphqlUrl: string;
  private token: string | undefined;

  constructor(url: string, opts: { graphqlUrl?: string } = {}) {
    this.url = url.replace(/\/$/, "");
    this.graphqlUrl = opts.graphqlUrl ?? `${this.url}/graphql`;
  }

  /** Signs in with the client's account (EIP-4361); later calls carry the session as a bearer token. */
  async login(client: UbcClient): Promise<{ address: string; expiresAt: number }> {
    const { nonce } = (await (await fetch(`${this.url}/auth/nonce`)).json()) as { nonce: string };
    const message = new SiweMessage({
      domain: new URL(this.url).host, address: client.address, statement: "Sign in to UBC Compute Exchange",
      uri: this.url, version: "1", chainId: client.deployments.chainId, nonce, issuedAt: new Date().toISOString(),
    }).prepareMessage();
    const signature = await client.wallet.signMessage({ account: client.account, message });
    const res = await fetch(`${this.url}/auth/verify`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ message, signature }) });
    const body = (await res.json()) as { token?: string; address?: string; expiresAt?: number; code?: string; error?: string };
    if (!res.ok || !body.token) throw new ApiError(res.status, body.code, `sign-in refused: ${body.error}`);
    this.token = body.token;
    return { address: body.address!, expiresAt: body.expiresAt! };
  }

  private headers(): Record<string, string> {
    return { "content-type": "application/json", ...(this.token ? { authorization: `Bearer ${this.token}` } : {}) };
  }

  async graphql<T = any>(query: string, variables?: Record<string, unknown>): Promise<T> {
    const res = await fetch(this.graphqlUrl, { method: "POST", headers: this.headers(), body: JSON.stringify({ query, variables }) });
    const body = (await res.json()) as { data?: T; errors?: { message: string; extensions?: { code?: string } }[] };
    if (body.errors?.length) throw new ApiError(res.status, body.errors[0].extensions?.code, body.errors.map((e) => e.message).join("; "));
    return body.data as T;
  }

  /** Posts a signed quote to the board; returns its id (the EIP-712 digest). */
  async postQuote(q: Quote, signature: Hex): Promise<string> {
    const quote = Object.fromEntries(Object.entries(q).map(([k, v]) => [k, typeof v === "bigint" ? v.toString() : v]));
    const res = await fetch(`${this.url}/quotes`, { method: "POST", headers: this.headers(), body: JSON.stringify({ quote, signature }) });
    const body = (await res.json()) as { id?: string; code?: string; error?: string };
    if (!res.ok) throw new ApiError(res.status, body.code, `quote refused: ${body.error}`);
    return body.id!;
  }

  /** The cheapest open quotes for a resource kind that `requesterAgentId` may fill. */
  async bestQuotes(resourceKind: Hex, units?: bigint, requesterAgentId?: bigint, first = 10): Promise<(Quote & { id: string; signature: Hex })[]> {
    const d = await this.graphql<{ bestQuotes: Record<string, string>[] }>(
      `query($k: Bytes!, $u: BigInt, $r: BigInt, $f: Int) { bestQuotes(resourceKind: $k, units: $u, requesterAgentId: $r, first: $f) { id providerAgentId resourceKind units unitPrice expiry nonce requester deliveryPeriod signature } }`,
      { k: resourceKind, u: units?.toString(), r: requesterAgentId?.toString(), f: first },
    );
    return d.bestQuotes.map((q) => ({
      id: q.id, signature: q.signature as Hex, providerAgentId: BigInt(q.providerAgentId), resourceKind: q.resourceKind as Hex,
      units: BigInt(q.units), unitPrice: BigInt(q.unitPrice), expiry: BigInt(q.expiry), nonce: BigInt(q.nonce),
      requester: BigInt(q.requester), deliveryPeriod: BigInt(q.deliveryPeriod),
    }));
  }

  /**
   * Posts a request for quotes (signed in as the requester agent's owner or wallet): providers see
   * it on the board and may answer with quotes reserved for that agent. Returns its id.
   */
  async postRfq(r: RequestForQuote): Promise<string> {
    const body = { requesterAgentId: r.requesterAgentId.toString(), resourceKind: r.resourceKind, units: r.units.toString(), maxUnitPrice: r.maxUnitPrice?.toString() ?? null, expiry: r.expiry.toString() };
    const res = await fetch(`${this.url}/rfqs`, { method: "POST", headers: this.headers(), body: JSON.stringify(body) });
    const out = (await res.json()) as { id?: string; code?: string; error?: string };
    if (!res.ok) throw new ApiError(res.status, out.code, `request for quotes refused: ${out.error}`);
    return out.id!;
  }

  /** Open requests for quotes of a resource kind (newest first). */
  async openRfqs(resourceKind: Hex, first = 50): Promise<(RequestForQuote & { id: string })[]> {
    const d = await this.graphql<{ requestForQuotes: Record<string, string | null>[] }>(
      `query($k: Bytes, $f: Int) { requestForQuotes(resourceKind: $k, open: true, first: $f) { id requesterAgentId resourceKind units maxUnitPrice expiry } }`,
      { k: resourceKind, f: first },
    );
    return d.requestForQuotes.map((r) => ({
      id: r.id!, requesterAgentId: BigInt(r.requesterAgentId!), resourceKind: r.resourceKind as Hex, units: BigInt(r.units!),
      maxUnitPrice: r.maxUnitPrice === null ? undefined : BigInt(r.maxUnitPrice), expiry: BigInt(r.expiry!),
    }));
  }
}

/** What a requester asks providers for: `units` of a resource kind, at most `maxUnitPrice` a unit (optional), until `expiry` (unix s). */
export interface RequestForQuote {
  requesterAgentId: bigint;
  resourceKind: Hex;
  units: bigint;
  maxUnitPrice?: bigint;
  expiry: bigint;
}
