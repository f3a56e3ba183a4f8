// Resolvers over the projection: root fields, references (batched per request), derived
// fields, `_meta`, and subscriptions that re-run the field after every indexed block.
import { GraphQLError, GraphQLScalarType, Kind } from "graphql";
import type { Database, Row } from "../database/adapter.ts";
import type { EntityModel, FieldModel, Model } from "../schema/model.ts";
import { listSql, Params, QueryError, type ListArgs } from "./sql.ts";
import { idToDb, idsToDb } from "../database/codec.ts";
import { queryNames } from "./sdl.ts";

export interface MetaSource {
  /** The latest indexed block. */
  block(): { number: bigint; hash: string; timestamp: bigint } | null;
  hasIndexingErrors(): boolean;
  deployment: string;
  /** Resolves on the next committed block (for subscriptions). */
  onBlock(listener: () => void): () => void;
}

export interface RequestContext {
  loaders: Map<string, Loader>;
  /** The signed-in address (SIWE session), if any. */
  address?: string | null;
}

/** Batches `id` lookups of one entity made in the same tick into one query. */
class Loader {
  private queue = new Map<string, { resolve: (r: Row | null) => void; reject: (e: unknown) => void }[]>();
  private scheduled = false;
  private db: Database;
  private entity: EntityModel;
  constructor(db: Database, entity: EntityModel) {
    this.db = db;
    this.entity = entity;
  }
  load(id: string): Promise<Row | null> {
    return new Promise((resolve, reject) => {
      const list = this.queue.get(id) ?? [];
      list.push({ resolve, reject });
      this.queue.set(id, list);
      if (!this.scheduled) {
        this.scheduled = true;
        queueMicrotask(() => void this.flush());
      }
    });
  }
  private async flush() {
    const batch = this.queue;
    this.queue = new Map();
    this.scheduled = false;
    try {
      const ids = idsToDb(this.entity, [...batch.keys()]);
      const rows = await this.db.query(`SELECT * FROM "${this.entity.table}" WHERE id = ANY($1::${ids.type})`, [ids.value]);
      const byId = new Map(rows.map((r) => [String(r.id), r]));
      for (const [id, waiters] of batch) for (const w of waiters) w.resolve(byId.get(id) ?? null);
    } catch (err) {
      for (const waiters of batch.values()) for (const w of waiters) w.reject(err);
    }
  }
}

function fieldValue(f: FieldModel, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  const one = (x: unknown) => {
    switch (f.scalar) {
      case "Int": return Number(x);
      case "Boolean": return x === true || x === "t";
      default: return String(x);
    }
  };
  return Array.isArray(v) ? v.map(one) : one(v);
}

const stringScalar = (name: string, check?: (s: string) => boolean) =>
  new GraphQLScalarType({
    name,
    serialize: (v) => String(v),
    parseValue: (v) => {
      const s = String(v);
      if (check && !check(s)) throw new GraphQLError(`Invalid ${name} value: ${s}`);
      return s;
    },
    parseLiteral: (ast) => {
      if (ast.kind !== Kind.STRING && ast.kind !== Kind.INT) throw new GraphQLError(`${name} must be a string`);
      if (check && !check(ast.value)) throw new GraphQLError(`Invalid ${name} value: ${ast.value}`);
      return ast.value;
    },
  });

/** A database row of entity `e` as its GraphQL object (nested references resolve from the ids). */
export function entityObject(e: EntityModel, row: Row | null): Record<string, unknown> | null {
  if (row === null) return null;
  const out: Record<string, unknown> = { __entity: e.name };
  for (const f of e.columns) out[f.name] = fieldValue(f, row[f.column!]);
  return out;
}

export function buildResolvers(model: Model, db: Database, meta: MetaSource) {
  const toObject = entityObject;
  const loader = (ctx: RequestContext, e: EntityModel) => {
    let l = ctx.loaders.get(e.name);
    if (!l) ctx.loaders.set(e.name, (l = new Loader(db, e)));
    return l;
  };
  const normalizeId = (e: EntityModel, id: string) => (e.idType === "Bytes" ? id.toLowerCase() : id);

  function checkBlock(block: { number?: number; hash?: string; number_gte?: number } | undefined) {
    if (!block) return;
    const b = meta.block();
    const latest = b === null ? -1 : Number(b.number);
    if (block.number_gte !== undefined && latest < block.number_gte) {
      throw new QueryError(`Indexing has only reached block ${latest}, the query asks for block ${block.number_gte} or later`);
    }
    if (block.number !== undefined && block.number !== latest) {
      throw new QueryError(`Time-travel queries are not supported by this indexer: the latest indexed block is ${latest}, the query asks for block ${block.number}`);
    }
    if (block.hash !== undefined && (b === null || block.hash.toLowerCase() !== b.hash)) {
      throw new QueryError(`Time-travel queries are not supported by this indexer: block ${block.hash} is not the latest indexed block`);
    }
  }

  const Query: Record<string, unknown> = {};
  const Subscription: Record<string, unknown> = {};
  const types: Record<string, Record<string, unknown>> = {};

  for (const e of model.entities) {
    const { single, plural } = queryNames(e);
    const one = async (_: unknown, args: { id: string; block?: never }) => {
      checkBlock(args.block);
      const rows = await db.query(`SELECT * FROM "${e.table}" WHERE id = $1`, [idToDb(e, normalizeId(e, args.id))]);
      return toObject(e, rows[0] ?? null);
    };
    const many = async (_: unknown, args: ListArgs & { block?: never }) => {
      checkBlock(args.block);
      const q = listSql(model, e, args);
      return (await db.query(q.sql, q.params)).map((r) => toObject(e, r));
    };
    Query[single] = one;
    Query[plural] = many;
    Subscription[single] = { subscribe: (_: unknown) => blockTicks(meta), resolve: (_p: unknown, args: { id: string }) => one(null, args) };
    Subscription[plural] = { subscribe: (_: unknown) => blockTicks(meta), resolve: (_p: unknown, args: ListArgs) => many(null, args) };

    const fieldResolvers: Record<string, unknown> = {};
    for (const f of e.fields) {
      if (!f.ref) continue;
      const target = model.byName.get(f.ref)!;
      if (f.derivedFrom !== undefined) {
        const back = target.byName.get(f.derivedFrom)!;
        fieldResolvers[f.name] = async (parent: Record<string, unknown>, args: ListArgs) => {
          const id = idToDb(e, parent.id as string);
          const q = listSql(model, target, args, (t: string, p: Params) =>
            back.list ? `${p.add(id)} = ANY(${t}."${back.column}")` : `${t}."${back.column}" = ${p.add(id)}`);
          return (await db.query(q.sql, q.params)).map((r) => toObject(target, r));
        };
      } else if (f.list) {
        fieldResolvers[f.name] = async (parent: Record<string, unknown>, args: ListArgs) => {
          const ids = idsToDb(target, (parent[f.name] as string[] | null) ?? []);
          const q = listSql(model, target, args, (t: string, p: Params) => `${t}.id = ANY(${p.add(ids.value)}::${ids.type})`);
          return (await db.query(q.sql, q.params)).map((r) => toObject(target, r));
        };
      } else {
        fieldResolvers[f.name] = async (parent: Record<string, unknown>, _args: unknown, ctx: RequestContext) => {
          const id = parent[f.name] as string | null;
          if (id === null || id === undefined) return null;
          return toObject(target, await loader(ctx, target).load(id));
        };
      }
    }
    types[e.name] = fieldResolvers;
  }

  const metaField = (_: unknown, args: { block?: never }) => {
    checkBlock(args.block);
    const b = meta.block();
    return {
      block: b === null ? { number: 0, hash: null, timestamp: null } : { number: Number(b.number), hash: b.hash, timestamp: Number(b.timestamp) },
      deployment: meta.deployment,
      hasIndexingErrors: meta.hasIndexingErrors(),
    };
  };
  Query._meta = metaField;
  Subscription._meta = { subscribe: () => blockTicks(meta), resolve: metaField };

  const hex = (s: string) => /^0x[0-9a-fA-F]*$/.test(s);
  const integer = (s: string) => /^-?\d+$/.test(s);
  return {
    BigInt: stringScalar("BigInt", integer),
    BigDecimal: stringScalar("BigDecimal", (s) => /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(s)),
    Bytes: stringScalar("Bytes", hex),
    Int8: stringScalar("Int8", integer),
    Timestamp: stringScalar("Timestamp", integer),
    Query,
    Subscription,
    ...types,
  };
}

/** An async iterator that yields once at once and then after every committed block. */
async function* blockTicks(meta: MetaSource): AsyncGenerator<{ tick: number }> {
  let pending = 0;
  let wake: (() => void) | undefined;
  const off = meta.onBlock(() => {
    pending++;
    wake?.();
  });
  try {
    let n = 0;
    yield { tick: n++ };
    for (;;) {
      if (pending === 0) await new Promise<void>((r) => (wake = r));
      pending = 0;
      yield { tick: n++ };
    }
  } finally {
    off();
  }
}

export { QueryError };
