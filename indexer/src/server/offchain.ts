// GraphQL over the API's own off-chain data, next to the chain entities generated from
// schema.graphql: the quote board (quotes, requests-for-quote, best-price matching) and the
// threat-detection alerts. Not part of the subgraph (graph-node has no such data).
import type { Database } from "../database/adapter.ts";
import { QueryError } from "./sql.ts";
import { readSpec } from "./specs.ts";
import { QuoteBoard, quoteToGraphQL, wallClock } from "./quotes.ts";
import { entityObject, type MetaSource } from "./resolvers.ts";
import type { Model } from "../schema/model.ts";

export const OFFCHAIN_SDL = `
"A provider's signed offer on the quote board (EIP-712 Quote of the WorkMarket). id = its digest."
type Quote {
  id: ID!
  providerAgentId: BigInt!
  provider: Agent
  resourceKind: Bytes!
  units: BigInt!
  unitPrice: BigInt!
  totalPrice: BigInt!
  expiry: BigInt!
  nonce: BigInt!
  "Requester agent id allowed to fill it (0: anyone)."
  requester: BigInt!
  deliveryPeriod: BigInt!
  signature: Bytes!
  signer: Bytes!
  postedBy: Bytes!
  postedAt: BigInt!
  "\\"open\\", \\"filled\\", \\"cancelled\\" or \\"expired\\", derived from the indexed chain."
  status: String!
}

"A requester's request-for-quote, with the best open quotes that match it."
type RequestForQuote {
  id: ID!
  requesterAgentId: BigInt!
  resourceKind: Bytes!
  units: BigInt!
  maxUnitPrice: BigInt
  expiry: BigInt!
  specHash: Bytes
  postedBy: Bytes!
  postedAt: BigInt!
  bestQuotes(first: Int = 5): [Quote!]!
}

"A finding of the threat detectors."
type Alert {
  id: ID!
  "washTrading, validatorCollusion, burnSpike or volumeSpike."
  kind: String!
  severity: String!
  subject: String!
  detail: String!
  firstBlock: BigInt!
  lastBlock: BigInt!
  createdAt: BigInt!
}

input Quote_filter {
  resourceKind: Bytes
  providerAgentId: BigInt
  requester: BigInt
  status: String
  unitPrice_lte: BigInt
  unitPrice_gte: BigInt
  units_gte: BigInt
  "Only providers whose average rating is at least this (agents with no rating pass)."
  minReputation: Int
}

enum Quote_orderBy { unitPrice totalPrice expiry postedAt }

extend type Query {
  quotes(first: Int = 100, skip: Int = 0, orderBy: Quote_orderBy = unitPrice, orderDirection: OrderDirection = asc, where: Quote_filter): [Quote!]!
  "Open quotes for a resource kind that the requester may fill, cheapest first."
  bestQuotes(resourceKind: Bytes!, units: BigInt, requesterAgentId: BigInt, maxUnitPrice: BigInt, first: Int = 10): [Quote!]!
  requestForQuotes(first: Int = 100, skip: Int = 0, resourceKind: Bytes, open: Boolean): [RequestForQuote!]!
  alerts(first: Int = 100, skip: Int = 0, kind: String): [Alert!]!
  "The text of a job spec published on the spec store (POST /specs) under its hash, or null."
  spec(hash: Bytes!): String
}

extend type Subscription {
  quotes(first: Int = 100, skip: Int = 0, orderBy: Quote_orderBy = unitPrice, orderDirection: OrderDirection = asc, where: Quote_filter): [Quote!]!
  bestQuotes(resourceKind: Bytes!, units: BigInt, requesterAgentId: BigInt, maxUnitPrice: BigInt, first: Int = 10): [Quote!]!
  alerts(first: Int = 100, skip: Int = 0, kind: String): [Alert!]!
}
`;

function page(first: number | undefined, skip: number | undefined) {
  const f = first ?? 100;
  const s = skip ?? 0;
  if (!Number.isInteger(f) || f < 0 || f > 1000) throw new QueryError(`The \`first\` argument must be between 0 and 1000, but is ${f}`);
  if (!Number.isInteger(s) || s < 0 || s > 5000) throw new QueryError(`The \`skip\` argument must be between 0 and 5000, but is ${s}`);
  return { f, s };
}

const COLS: Record<string, string> = { unitPrice: "unit_price", totalPrice: "units * unit_price", expiry: "expiry", postedAt: "posted_at" };

export function offchainResolvers(model: Model, db: Database, board: QuoteBoard | undefined, meta: MetaSource, onChange: (l: () => void) => () => void) {
  const noBoard = () => {
    if (!board) throw new QueryError("the quote board needs a deployed WorkMarket");
    return board;
  };
  async function quotes(_: unknown, a: { first?: number; skip?: number; orderBy?: string; orderDirection?: string; where?: Record<string, string | number | undefined> }) {
    noBoard();
    const { f, s } = page(a.first, a.skip);
    const w = a.where ?? {};
    const params: unknown[] = [];
    const conds: string[] = [];
    const add = (sql: string, v: unknown) => {
      params.push(v);
      conds.push(sql.replace("?", `$${params.length}`));
    };
    if (w.resourceKind !== undefined) add(`x.resource_kind = ?`, String(w.resourceKind).toLowerCase());
    if (w.providerAgentId !== undefined) add(`x.provider_agent_id = ?::numeric`, w.providerAgentId);
    if (w.requester !== undefined) add(`x.requester = ?::numeric`, w.requester);
    if (w.status !== undefined) add(`x.status = ?`, w.status);
    if (w.unitPrice_lte !== undefined) add(`x.unit_price <= ?::numeric`, w.unitPrice_lte);
    if (w.unitPrice_gte !== undefined) add(`x.unit_price >= ?::numeric`, w.unitPrice_gte);
    if (w.units_gte !== undefined) add(`x.units >= ?::numeric`, w.units_gte);
    if (w.minReputation !== undefined) {
      add(`NOT EXISTS (SELECT 1 FROM agent g WHERE g.id = x.provider_agent_id::text AND g.feedback_count > 0 AND g.feedback_score_sum < g.feedback_count * ?::integer)`, w.minReputation);
    }
    const order = COLS[a.orderBy ?? "unitPrice"] ?? "unit_price";
    const dir = a.orderDirection === "desc" ? "DESC" : "ASC";
    const now = board?.now() ?? wallClock();
    // open quotes are unexpired: filtered before the status of every quote ever posted is derived
    const unexpired = w.status === "open" ? ` WHERE q.expiry > ${BigInt(now)}` : "";
    const rows = await db.query(
      `SELECT * FROM (SELECT q.*, ${QuoteBoard.statusSql("q", now)} AS status FROM _quotes q${unexpired}) x
       WHERE ${conds.length ? conds.join(" AND ") : "TRUE"} ORDER BY ${order} ${dir}, x.id ${dir} LIMIT ${f} OFFSET ${s}`,
      params,
    );
    return rows.map(quoteToGraphQL);
  }
  async function bestQuotes(_: unknown, a: { resourceKind: string; units?: string; requesterAgentId?: string; maxUnitPrice?: string; first?: number }) {
    const { f } = page(a.first, 0);
    const rows = await noBoard().best(a.resourceKind, a.units ? BigInt(a.units) : null, a.requesterAgentId ? BigInt(a.requesterAgentId) : null, a.maxUnitPrice ? BigInt(a.maxUnitPrice) : null, f);
    return rows.map(quoteToGraphQL);
  }
  async function alerts(_: unknown, a: { first?: number; skip?: number; kind?: string }) {
    const { f, s } = page(a.first, a.skip);
    const rows = await db.query<Record<string, string>>(
      `SELECT * FROM _alerts WHERE ($1::text IS NULL OR kind = $1) ORDER BY updated_at DESC, id LIMIT ${f} OFFSET ${s}`,
      [a.kind ?? null],
    );
    return rows.map((r) => ({
      id: r.id, kind: r.kind, severity: r.severity, subject: r.subject, detail: r.detail,
      firstBlock: String(r.first_block), lastBlock: String(r.last_block), createdAt: String(r.created_at),
    }));
  }
  const ticks = () => changeTicks(meta, onChange);
  return {
    Query: {
      quotes,
      bestQuotes,
      alerts,
      async spec(_: unknown, a: { hash: string }) {
        if (!/^0x[0-9a-fA-F]{64}$/.test(a.hash)) throw new QueryError(`spec: the hash must be 32 bytes of hex, got ${JSON.stringify(a.hash.slice(0, 80))}`);
        return readSpec(db, a.hash);
      },
      async requestForQuotes(_: unknown, a: { first?: number; skip?: number; resourceKind?: string; open?: boolean }) {
        noBoard();
        const { f, s } = page(a.first, a.skip);
        const rows = await db.query<Record<string, string | null>>(
          `SELECT * FROM _rfqs WHERE ($1::text IS NULL OR resource_kind = $1)
             AND ($2::boolean IS NULL OR ($2 = (expiry > extract(epoch from now())::bigint)))
           ORDER BY posted_at DESC LIMIT ${f} OFFSET ${s}`,
          [a.resourceKind?.toLowerCase() ?? null, a.open ?? null],
        );
        return rows.map((r) => ({
          id: r.id, requesterAgentId: String(r.requester_agent_id), resourceKind: r.resource_kind, units: String(r.units),
          maxUnitPrice: r.max_unit_price === null ? null : String(r.max_unit_price), expiry: String(r.expiry), specHash: r.spec_hash,
          postedBy: r.posted_by, postedAt: String(r.posted_at),
        }));
      },
    },
    Subscription: {
      quotes: { subscribe: ticks, resolve: (_p: unknown, a: Parameters<typeof quotes>[1]) => quotes(null, a) },
      bestQuotes: { subscribe: ticks, resolve: (_p: unknown, a: Parameters<typeof bestQuotes>[1]) => bestQuotes(null, a) },
      alerts: { subscribe: ticks, resolve: (_p: unknown, a: Parameters<typeof alerts>[1]) => alerts(null, a) },
    },
    RequestForQuote: {
      bestQuotes: (r: { resourceKind: string; units: string; requesterAgentId: string; maxUnitPrice: string | null }, a: { first?: number }) =>
        bestQuotes(null, { resourceKind: r.resourceKind, units: r.units, requesterAgentId: r.requesterAgentId, maxUnitPrice: r.maxUnitPrice ?? undefined, first: a.first }),
    },
    Quote: {
      provider: async (q: { providerAgentId: string }) => {
        const rows = await db.query(`SELECT * FROM agent WHERE id = $1`, [q.providerAgentId]);
        return entityObject(model.byName.get("Agent")!, rows[0] ?? null);
      },
    },
  };
}

/** Yields at once, then on every indexed block or board change. */
async function* changeTicks(meta: MetaSource, onChange: (l: () => void) => () => void): AsyncGenerator<{ tick: number }> {
  let pending = 0;
  let wake: (() => void) | undefined;
  const bump = () => {
    pending++;
    wake?.();
  };
  const off1 = meta.onBlock(bump);
  const off2 = onChange(bump);
  try {
    let n = 0;
    yield { tick: n++ };
    for (;;) {
      if (pending === 0) await new Promise<void>((r) => (wake = r));
      pending = 0;
      yield { tick: n++ };
    }
  } finally {
    off1();
    off2();
  }
}
