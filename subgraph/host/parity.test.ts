// Parity: the same event fixtures through the subgraph's WASM mappings (in this host, routed like
// graph-node) and through the TypeScript indexer's handlers (its Store on an in-memory PGlite);
// every entity must be equal field by field. Then the indexer's GraphQL API answers a query per
// entity type, and each response must have graph-node's shape (BigInt and Bytes as strings,
// Int as numbers, lists, nulls, references as objects) and equal the subgraph's entities.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { openDatabase, type Database } from "../../indexer/src/database/adapter.ts";
import { migrate } from "../../indexer/src/database/migrations.ts";
import { Store } from "../../indexer/src/database/store.ts";
import { fromDb } from "../../indexer/src/database/codec.ts";
import { eventId } from "../../indexer/src/indexing/abi.ts";
import { HANDLERS, TEMPLATES } from "../../indexer/src/indexing/handlers/index.ts";
import type { HandlerContext, IndexedEvent } from "../../indexer/src/indexing/types.ts";
import { loadModel, type EntityModel, type FieldModel, type Model } from "../../indexer/src/schema/model.ts";
import { startApi, type ApiServer } from "../../indexer/src/server/http.ts";
import { queryNames } from "../../indexer/src/server/sdl.ts";
import { MAPPINGS } from "../scripts/manifest.ts";
import { DEPLOYMENTS, scenarios } from "./fixtures.ts";
import { GraphStore } from "./runtime.ts";
import { SubgraphRunner, type FixtureEvent } from "./subgraph.ts";

type Rows = Record<string, Record<string, Record<string, unknown>>>;

const model: Model = loadModel();

/** The indexer's projection of `events` (handlers and routing as in its runner, written to the database). */
async function runIndexer(events: FixtureEvent[]): Promise<{ db: Database; rows: Rows }> {
  const db = await openDatabase({});
  await migrate(db, model);
  const store = new Store(model, db);
  const deployed = new Map<string, string>();
  for (const [name, c] of Object.entries(DEPLOYMENTS.contracts)) deployed.set(c.address.toLowerCase(), name);
  const dynamic = new Map<string, string>();
  const ctx: HandlerContext = {
    store,
    deployments: DEPLOYMENTS,
    contractAt: (a) => dynamic.get(a.toLowerCase()) ?? deployed.get(a.toLowerCase()),
    createContract: async (contract, address) => {
      dynamic.set(address.toLowerCase(), contract);
    },
  };
  for (const e of events) {
    const a = e.address.toLowerCase();
    // The indexer follows the deployed contracts except templates, and the contracts created at run time.
    const indexed = dynamic.get(a) === e.contract || (deployed.get(a) === e.contract && !TEMPLATES.includes(e.contract));
    const handler = HANDLERS[e.contract]?.[e.event];
    if (!indexed || !handler) continue;
    const ie: IndexedEvent = {
      contract: e.contract,
      address: a,
      event: e.event,
      args: e.args,
      block: e.block,
      transactionHash: e.transactionHash,
      logIndex: e.logIndex,
      id: eventId(e.transactionHash, e.logIndex),
    };
    store.block = e.block.number;
    await handler.handle(ie, ctx);
  }
  await db.transaction((tx) => store.flush(tx));
  store.committed();
  const rows: Rows = {};
  for (const e of model.entities) {
    rows[e.name] = {};
    for (const r of await db.query(`SELECT * FROM "${e.table}"`)) {
      const row: Record<string, unknown> = {};
      for (const f of e.columns) row[f.name] = normalize(fromDb(f, r[f.column!]));
      rows[e.name][row.id as string] = row;
    }
  }
  return { db, rows };
}

function normalize(v: unknown): unknown {
  if (typeof v === "bigint") return v.toString();
  if (Array.isArray(v)) return v.map(normalize);
  if (v === undefined) return null;
  return v;
}

async function runSubgraph(events: FixtureEvent[]): Promise<{ rows: Rows; runner: SubgraphRunner }> {
  const runner = new SubgraphRunner(new GraphStore(model));
  for (const e of events) {
    const ran = await runner.process(e);
    assert.equal(ran, 1, `no subgraph handler ran for ${e.contract}.${e.event} at ${e.address}`);
  }
  const dump = runner.store.dump();
  const rows: Rows = {};
  for (const e of model.entities) {
    rows[e.name] = {};
    for (const [id, data] of Object.entries(dump[e.name] ?? {})) {
      const row: Record<string, unknown> = {};
      for (const f of e.columns) row[f.name] = data[f.name] ?? null;
      rows[e.name][id] = row;
    }
  }
  return { rows, runner };
}

function compareRows(indexer: Rows, subgraph: Rows): { entities: number; fields: number } {
  let entities = 0;
  let fields = 0;
  const problems: string[] = [];
  for (const e of model.entities) {
    const a = indexer[e.name];
    const b = subgraph[e.name];
    const ids = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const id of ids) {
      if (!a[id]) problems.push(`${e.name} ${id}: only in the subgraph`);
      else if (!b[id]) problems.push(`${e.name} ${id}: only in the indexer`);
      else {
        entities++;
        for (const f of e.columns) {
          fields++;
          const x = JSON.stringify(a[id][f.name]);
          const y = JSON.stringify(b[id][f.name]);
          if (x !== y) problems.push(`${e.name} ${id}.${f.name}: indexer ${x}, subgraph ${y}`);
        }
      }
    }
  }
  assert.deepEqual(problems.slice(0, 30), [], `${problems.length} differences`);
  return { entities, fields };
}

const SCENARIOS = scenarios();

describe("parity: subgraph mappings vs TypeScript indexer handlers", () => {
  test("the fixtures cover every handled event of every mapped contract", () => {
    const seen = new Set(SCENARIOS.flatMap((s) => s.events.map((e) => `${e.contract}.${e.event}`)));
    const want = Object.keys(MAPPINGS).flatMap((c) => Object.keys(HANDLERS[c] ?? {}).map((ev) => `${c}.${ev}`));
    assert.deepEqual(want.filter((w) => !seen.has(w)), []);
  });

  for (const s of SCENARIOS) {
    test(`${s.name}: ${s.events.length} events give equal entities`, async () => {
      const { db, rows: indexer } = await runIndexer(s.events);
      try {
        const { rows: subgraph } = await runSubgraph(s.events);
        const n = compareRows(indexer, subgraph);
        assert.ok(n.entities > 0);
        console.log(`# ${s.name}: ${s.events.length} events, ${n.entities} entities, ${n.fields} fields equal`);
      } finally {
        await db.close();
      }
    });
  }
});

// ---------------------------------------------------------------- GraphQL shape

/** What graph-node returns for a leaf of this field type (JSON), or a reason it does not match. */
function leafProblem(f: FieldModel, v: unknown): string | undefined {
  if (v === null) return f.nullable ? undefined : "null for a non-null field";
  const one = (x: unknown): string | undefined => {
    switch (f.scalar) {
      case "BigInt":
        return typeof x === "string" && /^-?\d+$/.test(x) ? undefined : `BigInt must be a decimal string, got ${JSON.stringify(x)}`;
      case "BigDecimal":
        return typeof x === "string" && /^-?\d+(\.\d+)?$/.test(x) ? undefined : `BigDecimal must be a string, got ${JSON.stringify(x)}`;
      case "Bytes":
        return typeof x === "string" && /^0x([0-9a-f]{2})*$/.test(x) ? undefined : `Bytes must be lowercase 0x-hex, got ${JSON.stringify(x)}`;
      case "Int":
        return Number.isInteger(x) && (x as number) >= -(2 ** 31) && (x as number) < 2 ** 31 ? undefined : `Int must be a 32-bit number, got ${JSON.stringify(x)}`;
      case "Int8":
      case "Timestamp":
        return typeof x === "string" || Number.isInteger(x) ? undefined : `${f.scalar} must be a number or string`;
      case "Boolean":
        return typeof x === "boolean" ? undefined : `Boolean must be a boolean, got ${JSON.stringify(x)}`;
      default:
        return typeof x === "string" ? undefined : `${f.scalar} must be a string, got ${JSON.stringify(x)}`;
    }
  };
  if (f.list) return Array.isArray(v) ? v.map(one).find((p) => p) : "a list expected";
  return one(v);
}

/**
 * The fields the GraphQL check selects: all but references into entity types that the fixtures
 * never create (Feedback.job points at a WorkRequest, and the WorkMarket contract does not exist
 * yet, so no fixture creates one: a dangling non-null reference is an error on graph-node too).
 */
function checkedFields(e: EntityModel, rows: Rows): FieldModel[] {
  return e.fields.filter((f) => !f.ref || f.derivedFrom || Object.keys(rows[f.ref] ?? {}).length > 0);
}

/** The query for all entities of a type: scalars, references as { id }, derived lists as { id }. */
function listQuery(e: EntityModel, rows: Rows): string {
  const sel = checkedFields(e, rows).map((f) => (f.ref ? `${f.name}${f.derivedFrom ? "(first: 100, orderBy: id)" : ""} { id }` : f.name)).join(" ");
  return `{ ${queryNames(e).plural}(first: 100, orderBy: id) { ${sel} } }`;
}

/** What graph-node answers to listQuery(e) from the subgraph's entities. */
function expectedList(e: EntityModel, rows: Rows): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const row of Object.values(rows[e.name])) {
    const o: Record<string, unknown> = {};
    for (const f of checkedFields(e, rows)) {
      if (f.derivedFrom) {
        const target = model.byName.get(f.ref!)!;
        const back = target.byName.get(f.derivedFrom)!;
        o[f.name] = Object.values(rows[target.name])
          .filter((r) => (back.list ? (r[back.name] as unknown[]).includes(row.id) : r[back.name] === row.id))
          .map((r) => ({ id: r.id }))
          .sort(byId);
      } else if (f.ref) {
        const v = row[f.name];
        o[f.name] = v === null ? null : f.list ? (v as unknown[]).map((id) => ({ id })) : { id: v };
      } else o[f.name] = row[f.name];
    }
    out.push(o);
  }
  return out.sort(byId);
}

const byId = (a: Record<string, unknown>, b: Record<string, unknown>) => (String(a.id) < String(b.id) ? -1 : String(a.id) > String(b.id) ? 1 : 0);

function shapeProblems(e: EntityModel, items: Record<string, unknown>[], rows: Rows): string[] {
  const problems: string[] = [];
  for (const item of items) {
    for (const f of checkedFields(e, rows)) {
      const v = item[f.name];
      if (f.ref) {
        if (v === null && f.nullable && !f.list) continue;
        const objs = f.list || f.derivedFrom ? v : [v];
        if (!Array.isArray(objs) || objs.some((o) => typeof o !== "object" || o === null || typeof (o as { id: unknown }).id !== "string")) {
          problems.push(`${e.name}.${f.name}: references must be objects with an id, got ${JSON.stringify(v)}`);
        }
        continue;
      }
      const p = leafProblem(f, v);
      if (p) problems.push(`${e.name}.${f.name}: ${p}`);
    }
  }
  return problems;
}

for (const scenario of [SCENARIOS[0], SCENARIOS[3], SCENARIOS[4]]) describe(`parity: the indexer's GraphQL answers as graph-node would (${scenario.name})`, () => {
  let db: Database;
  let api: ApiServer;
  let subgraph: Rows;
  const last = scenario.events[scenario.events.length - 1].block;

  before(async () => {
    ({ db } = await runIndexer(scenario.events));
    ({ rows: subgraph } = await runSubgraph(scenario.events));
    api = await startApi({
      model,
      db,
      port: 0,
      meta: { block: () => last, hasIndexingErrors: () => false, deployment: "parity", onBlock: () => () => undefined },
    });
  });
  after(async () => {
    await api?.close();
    await db?.close();
  });

  async function gql(query: string) {
    const res = await fetch(`${api.url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query }) });
    const body = (await res.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
    assert.equal(res.status, 200, JSON.stringify(body));
    assert.equal(body.errors, undefined, JSON.stringify(body.errors));
    return body.data!;
  }

  for (const e of model.entities) {
    test(`${queryNames(e).plural}: graph-node's shape, the subgraph's values`, async () => {
      const data = await gql(listQuery(e, subgraph));
      const items = data[queryNames(e).plural] as Record<string, unknown>[];
      assert.ok(Array.isArray(items), "a list");
      assert.ok(items.length < 100, "the scenario fits one page");
      assert.deepEqual(shapeProblems(e, items, subgraph), []);
      const got = items.map((i) => {
        const o = { ...i };
        for (const f of e.fields) if (f.derivedFrom) o[f.name] = [...(o[f.name] as Record<string, unknown>[])].sort(byId);
        return o;
      });
      assert.deepEqual(got.sort(byId), expectedList(e, subgraph));
    });
  }

  test("single entity by id, a missing id, filters, ordering and _meta", async () => {
    const data = await gql(`{
      protocol(id: "protocol") { id ventureCount computeTotalBurned budgetLeft }
      missing: account(id: "0x00000000000000000000000000000000000000ff") { id }
      stakePositions(where: { withdrawn: true }, orderBy: positionId, orderDirection: desc) { id positionId withdrawnAt owner { id staked } }
      tokenTransfers(first: 2, orderBy: timestamp, orderDirection: desc, where: { value_gt: "0" }) { id value token { symbol } }
      _meta { block { number hash timestamp } deployment hasIndexingErrors }
    }`);
    const p = subgraph.Protocol.protocol;
    assert.deepEqual(data.protocol, { id: "protocol", ventureCount: p.ventureCount, computeTotalBurned: p.computeTotalBurned, budgetLeft: p.budgetLeft });
    assert.equal(data.missing, null);
    const withdrawn = Object.values(subgraph.StakePosition).filter((r) => r.withdrawn === true);
    assert.deepEqual(
      data.stakePositions,
      withdrawn.map((r) => ({ id: r.id, positionId: r.positionId, withdrawnAt: r.withdrawnAt, owner: { id: r.owner, staked: subgraph.Account[r.owner as string].staked } })),
    );
    const transfers = data.tokenTransfers as { id: string; value: string; token: { symbol: string } }[];
    assert.equal(transfers.length, Math.min(2, Object.values(subgraph.TokenTransfer).filter((t) => t.value !== "0").length));
    for (const t of transfers) {
      assert.equal(typeof t.value, "string");
      assert.equal(t.token.symbol, subgraph.Token[subgraph.TokenTransfer[t.id].token as string].symbol);
    }
    const meta = data._meta as { block: { number: unknown; hash: unknown; timestamp: unknown }; deployment: unknown; hasIndexingErrors: unknown };
    // graph-node: number and timestamp are Int (numbers), hash is Bytes.
    assert.equal(meta.block.number, Number(last.number));
    assert.equal(meta.block.timestamp, Number(last.timestamp));
    assert.equal(meta.block.hash, last.hash);
    assert.equal(meta.hasIndexingErrors, false);
  });
});
