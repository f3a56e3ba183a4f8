// One small interface over the two databases the indexer runs on: PGlite (embedded, on disk
// under .data/, the default) and PostgreSQL (when DATABASE_URL is set). The same SQL serves
// both; bulk loads use COPY on both.
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { Worker } from "node:worker_threads";
import { existsSync, readdirSync } from "node:fs";
import { createHash } from "node:crypto";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import copyStreams from "pg-copy-streams";
import { openPglite, type PgliteLayer } from "./pglite-template.ts";
import { migrate, migrationDdl } from "./migrations.ts";
import { BYTEA_PARSERS } from "./codec.ts";
import type { Model } from "../schema/model.ts";
import { repoFile } from "../paths.ts";
import type { Reply, Request, SerializedError } from "./pglite-worker.ts";

export type Row = Record<string, unknown>;

/** A connection inside (or outside) a transaction. */
export interface Queryable {
  /**
   * `opts.prepared`: a name for the statement, for a hot query of fixed text: PostgreSQL then
   * parses it once per connection and may reuse its plan (PGlite ignores it). One name, one text.
   */
  query<T extends Row = Row>(sql: string, params?: unknown[], opts?: { prepared?: string }): Promise<T[]>;
  exec(sql: string): Promise<void>;
  /** COPY `table (columns)` FROM the given text (PostgreSQL text format). */
  /** COPY … FROM text (`text`: COPY text format, as a string or its UTF-8 bytes). */
  copyFrom(table: string, columns: string[], text: string | Uint8Array): Promise<void>;
}

export interface Database extends Queryable {
  kind: "pglite" | "postgres";
  /**
   * True when opening made the database (a fresh PGlite, on disk or in memory; on PostgreSQL, a
   * schema that did not exist): nothing can have been indexed in it yet. Only a hint (the indexer
   * then asks for its first ranges while the tables are made): two processes opening a new schema
   * at once may both see it.
   */
  readonly created: boolean;
  /** Runs `fn` in one transaction: all of it commits, or none of it. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Takes the single-writer lock (a PostgreSQL advisory lock); false if another writer holds it. */
  tryWriterLock(key: string): Promise<boolean>;
  /** The schema holding the tables (channel names of `listen` are qualified with it). */
  readonly schema: string;
  /**
   * Calls `onMessage` with the payload of every `pg_notify(channel, payload)` committed on this
   * database by any process (an API replica, the writer). PostgreSQL: a dedicated connection;
   * when it fails it is reopened and `onReset` is called, since notifications may have been
   * missed in between. PGlite: one process owns the database, so nothing else can notify (a
   * no-op). Returns the function that stops listening.
   */
  listen(channel: string, onMessage: (payload: string) => void, onReset: () => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

// Numeric and int8 values come back as strings from both drivers: the store converts them.
pg.types.setTypeParser(20, (v) => v); // int8
pg.types.setTypeParser(1700, (v) => v); // numeric
// Arrays of them too: the driver's default parses numeric[] elements as floats, which would
// silently round 256-bit values.
const TEXT_ARRAY = 1009 as Parameters<typeof pg.types.getTypeParser>[0];
const textArray = pg.types.getTypeParser(TEXT_ARRAY) as (v: string) => string[];
pg.types.setTypeParser(1016 as typeof TEXT_ARRAY, textArray); // int8[]
pg.types.setTypeParser(1231 as typeof TEXT_ARRAY, textArray); // numeric[]

function hashKey(key: string): number {
  let h = 0;
  for (let i = 0; i < key.length; i++) h = (Math.imul(h, 31) + key.charCodeAt(i)) | 0;
  return h;
}

class PgliteDatabase implements Database {
  kind = "pglite" as const;
  readonly schema: string;
  readonly created: boolean;
  private db: PGlite;
  private constructor(db: PGlite, schema: string, created: boolean) {
    this.db = db;
    this.schema = schema;
    this.created = created;
  }

  static async open(dataDir: string | undefined, schema: string, model?: Model): Promise<PgliteDatabase> {
    const created = freshPglite(dataDir);
    const db = await openPglite(dataDir, (m) => process.stderr.write(`${m}\n`), model === undefined ? undefined : pgliteSchemaLayer(model, schema));
    return new PgliteDatabase(db, schema, created);
  }

  static wrap(q: { query: PGlite["query"]; exec: PGlite["exec"] }): Queryable {
    return {
      async query<T extends Row>(sql: string, params: unknown[] = []) {
        const r = await q.query<T>(sql, params);
        return r.rows;
      },
      async exec(sql: string) {
        await q.exec(sql);
      },
      async copyFrom(table: string, columns: string[], text: string | Uint8Array) {
        if (text.length === 0) return;
        await q.query(`COPY ${table} (${columns.join(", ")}) FROM '/dev/blob'`, [], { blob: new Blob([text as BlobPart]) });
      },
    };
  }

  query<T extends Row = Row>(sql: string, params?: unknown[]) {
    return PgliteDatabase.wrap(this.db).query<T>(sql, params);
  }
  exec(sql: string) {
    return PgliteDatabase.wrap(this.db).exec(sql);
  }
  copyFrom(table: string, columns: string[], text: string | Uint8Array) {
    return PgliteDatabase.wrap(this.db).copyFrom(table, columns, text);
  }
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => fn(PgliteDatabase.wrap(tx as unknown as PGlite)));
  }
  async tryWriterLock(): Promise<boolean> {
    return true; // an embedded database has one process by construction
  }
  async listen(): Promise<() => Promise<void>> {
    return async () => undefined; // one process: its own changes are known without notifications
  }
  async close() {
    await this.db.close();
  }
}

/** A request to the worker, without its id (distributes over the union). */
type Call = Request extends infer R ? (R extends { id: number } ? Omit<R, "id"> : never) : never;

/**
 * INDEXER_PGLITE_THREAD=worker (not the default: see openDatabase).
 * PGlite in a worker thread of its own (pglite-worker.ts): the same database and SQL as
 * PgliteDatabase, but PostgreSQL's work runs beside the calling thread's instead of taking turns
 * with it. A backfill's projection, fetching and COPY encoding then overlap the writes of the
 * batch before (the runner already pipelines them: in one thread they only interleaved). Rows and
 * parameters cross the boundary by structured clone, COPY text as transferred bytes. The worker
 * keeps the process alive only while a request is pending, as an in-thread PGlite would.
 *
 * `open` returns at once: the worker opens the database (a fresh one is a copy of the template,
 * then migrations) while the caller goes on (the indexer reads its ABIs and asks the node for the
 * first ranges meanwhile). Requests wait in the worker until the database is open; if it cannot
 * be opened, each of them fails with the reason.
 */
class PgliteThreadDatabase implements Database {
  kind = "pglite" as const;
  readonly schema: string;
  readonly created: boolean;
  private worker: Worker;
  private pending = new Map<number, { resolve(rows: unknown[] | undefined): void; reject(err: Error): void }>();
  private nextId = 0;
  private nextTx = 0;
  /** Why the worker is gone, once it is (every later call fails with it). */
  private dead: Error | undefined;

  private constructor(schema: string, created: boolean) {
    this.schema = schema;
    this.created = created;
    // its source file, also when this module runs from the indexer's bundle (the worker is not in it)
    this.worker = new Worker(repoFile("indexer/src/database/pglite-worker.ts", import.meta.url));
    this.worker.unref();
    this.worker.on("message", (r: Reply) => {
      if ("warn" in r) {
        process.stderr.write(`${r.warn}\n`);
        return;
      }
      const p = this.pending.get(r.id);
      if (p === undefined) return;
      this.pending.delete(r.id);
      if (this.pending.size === 0) this.worker.unref();
      if (r.ok) p.resolve(r.rows);
      else p.reject(toError(r.error));
    });
    this.worker.on("error", (err) => this.fail(new Error(`the PGlite worker failed: ${err.message}`)));
    this.worker.on("exit", (code) => this.fail(new Error(`the PGlite worker exited (code ${code})`)));
  }

  private fail(err: Error): void {
    this.dead ??= err;
    for (const p of this.pending.values()) p.reject(this.dead);
    this.pending.clear();
  }

  static open(dataDir: string | undefined, schema: string): PgliteThreadDatabase {
    const db = new PgliteThreadDatabase(schema, freshPglite(dataDir));
    // (its failure is every later request's: see the worker)
    db.call({ op: "open", dataDir }).catch(() => undefined);
    return db;
  }

  private call(req: Call, transfer?: ArrayBuffer[]): Promise<unknown[] | undefined> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...req, id }, transfer);
    });
  }

  private queryable(tx: number | undefined): Queryable {
    return {
      query: async <T extends Row>(sql: string, params: unknown[] = []) => (await this.call({ op: "query", tx, sql, params })) as T[],
      exec: async (sql: string) => {
        await this.call({ op: "exec", tx, sql });
      },
      copyFrom: async (table: string, columns: string[], text: string | Uint8Array) => {
        if (text.length === 0) return;
        // a copy of the bytes (the caller's may be a view of a buffer it reuses, and a Buffer's
        // slice() is a view too), handed over
        const bytes = typeof text === "string" ? new TextEncoder().encode(text) : new Uint8Array(text);
        await this.call({ op: "copy", tx, sql: `COPY ${table} (${columns.join(", ")}) FROM '/dev/blob'`, bytes }, [bytes.buffer as ArrayBuffer]);
      },
    };
  }

  query<T extends Row = Row>(sql: string, params?: unknown[]) {
    return this.queryable(undefined).query<T>(sql, params);
  }
  exec(sql: string) {
    return this.queryable(undefined).exec(sql);
  }
  copyFrom(table: string, columns: string[], text: string | Uint8Array) {
    return this.queryable(undefined).copyFrom(table, columns, text);
  }
  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    const tx = ++this.nextTx;
    // not awaited before `fn`: its first statement follows BEGIN without a round trip between
    const began = this.call({ op: "begin", tx });
    began.catch(() => undefined); // (awaited below)
    let out: T;
    try {
      out = await fn(this.queryable(tx));
      await began;
    } catch (err) {
      await this.call({ op: "end", tx, commit: false }).catch(() => undefined);
      throw err;
    }
    await this.call({ op: "end", tx, commit: true }); // a failed COMMIT rolls back (and throws)
    return out;
  }
  async tryWriterLock(): Promise<boolean> {
    return true; // an embedded database has one process by construction
  }
  async listen(): Promise<() => Promise<void>> {
    return async () => undefined; // one process: its own changes are known without notifications
  }
  async close() {
    if (this.dead === undefined) await this.call({ op: "close" });
    await this.worker.terminate();
  }
}

/** Whether a PGlite database opened at `dataDir` will be a new one (in memory, or no data yet). */
function freshPglite(dataDir: string | undefined): boolean {
  return dataDir === undefined || !existsSync(dataDir) || readdirSync(dataDir).length === 0;
}

/** An error of the worker, as an Error of this thread with PostgreSQL's fields (code, …). */
function toError(e: SerializedError): Error {
  const err = new Error(e.message);
  err.name = e.name;
  Object.assign(err, e.fields);
  return err;
}

class PostgresDatabase implements Database {
  kind = "postgres" as const;
  readonly created: boolean;
  private lockClient: pg.PoolClient | undefined;
  private pool: pg.Pool;
  private searchPath: string | undefined;
  private url: string;
  readonly schema: string;
  constructor(pool: pg.Pool, searchPath: string, url: string, created: boolean) {
    this.pool = pool;
    this.searchPath = searchPath;
    this.schema = searchPath;
    this.url = url;
    this.created = created;
  }

  private static wrap(client: pg.Pool | pg.PoolClient): Queryable {
    return {
      async query<T extends Row>(sql: string, params: unknown[] = [], opts?: { prepared?: string }) {
        const r = opts?.prepared ? await client.query({ name: opts.prepared, text: sql, values: params }) : await client.query(sql, params);
        return r.rows as T[];
      },
      async exec(sql: string) {
        await client.query(sql);
      },
      async copyFrom(table: string, columns: string[], text: string | Uint8Array) {
        if (text.length === 0) return;
        if (!("release" in client)) throw new Error("COPY needs a dedicated connection (use a transaction)");
        const stream = client.query(copyStreams.from(`COPY ${table} (${columns.join(", ")}) FROM STDIN`));
        await pipeline(Readable.from([text]), stream);
      },
    };
  }

  query<T extends Row = Row>(sql: string, params?: unknown[], opts?: { prepared?: string }) {
    return PostgresDatabase.wrap(this.pool).query<T>(sql, params, opts);
  }
  exec(sql: string) {
    return PostgresDatabase.wrap(this.pool).exec(sql);
  }
  async copyFrom(table: string, columns: string[], text: string) {
    await this.transaction((tx) => tx.copyFrom(table, columns, text));
  }
  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query("BEGIN");
      const out = await fn(PostgresDatabase.wrap(client));
      await client.query("COMMIT");
      return out;
    } catch (err) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }
  async tryWriterLock(key: string): Promise<boolean> {
    if (this.lockClient) return true;
    const client = await this.pool.connect();
    const r = await client.query("SELECT pg_try_advisory_lock($1) AS ok", [hashKey(`${this.searchPath}:${key}`)]);
    if (r.rows[0].ok === true) {
      this.lockClient = client; // the lock lives as long as this session
      return true;
    }
    client.release();
    return false;
  }
  async listen(channel: string, onMessage: (payload: string) => void, onReset: () => void): Promise<() => Promise<void>> {
    let client: pg.Client | undefined;
    let stopped = false;
    let retry: NodeJS.Timeout | undefined;
    const open = async () => {
      const c = new pg.Client({ connectionString: this.url });
      c.on("error", () => undefined); // followed by "end"
      c.on("notification", (n) => {
        if (n.channel === channel) onMessage(n.payload ?? "");
      });
      try {
        await c.connect();
        await c.query(`LISTEN ${c.escapeIdentifier(channel)}`);
      } catch (err) {
        await c.end().catch(() => undefined);
        throw err;
      }
      c.on("end", () => {
        if (client === c) client = undefined;
        if (stopped) return;
        onReset();
        reopen();
      });
      client = c;
      if (stopped) await c.end();
    };
    const reopen = () => {
      retry = setTimeout(() => {
        retry = undefined;
        if (stopped) return;
        open().then(() => onReset(), () => reopen());
      }, 500);
    };
    await open();
    return async () => {
      stopped = true;
      if (retry) clearTimeout(retry);
      await client?.end().catch(() => undefined);
    };
  }
  async close() {
    this.lockClient?.release();
    this.lockClient = undefined;
    await this.pool.end();
  }
}

export interface DatabaseOptions {
  /** postgresql://… to use PostgreSQL; otherwise PGlite. */
  url?: string;
  /** PGlite data directory; undefined for in-memory. */
  dataDir?: string;
  /** PostgreSQL schema holding the tables (created if missing). */
  schema?: string;
  /**
   * PGlite: the model whose tables a database that opening makes should already hold. Such a
   * database starts as a copy of a template holding `schema` as `migrate` leaves it (made once
   * per machine: pgliteSchemaLayer), instead of running the migrations' DDL.
   */
  model?: Model;
  /** Largest number of PostgreSQL connections (default 32). */
  poolSize?: number;
}

/**
 * The template layer of a PGlite database holding `schema` as `migrate` leaves it for `model`:
 * its key covers the schema's name, the model's hash and the text of every statement `migrate`
 * runs, so a changed model, schema or DDL makes a new one. The layer is a copy of the plain
 * template on which `migrate` ran, so a database made from it is in the state `migrate` would
 * leave a fresh one in (pglite-template.test.ts compares the catalogs); `migrate` then finds
 * everything present and runs nothing. On PGlite, 119 statements: ~1 s of CPU at every fresh start.
 */
export function pgliteSchemaLayer(model: Model, schema: string): PgliteLayer {
  const key = createHash("sha256").update(JSON.stringify({ v: 1, schema, hash: model.hash, ddl: migrationDdl(model) })).digest("hex").slice(0, 20);
  return {
    key: `schema-${key}`,
    async make(db) {
      await db.exec(`CREATE SCHEMA IF NOT EXISTS ${schema}; SET search_path TO ${schema}`);
      await migrate(PgliteDatabase.wrap(db), model);
    },
  };
}

export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  const schema = opts.schema ?? "public";
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`invalid database schema name "${schema}"`);
  if (opts.url !== undefined && opts.url !== "") {
    // Up to 32 connections (opened only as concurrency needs them): a query of the API waits for
    // a free connection, and a write (a quote post) holds one for its commit's WAL flush, which
    // concurrent commits share (group commit) only if they run on different connections.
    const pool = new pg.Pool({
      connectionString: opts.url, max: opts.poolSize ?? 32, options: `-c search_path=${schema}`,
      // Bytes (bytea) read as "0x…" (codec.ts), every other type as pg parses it
      types: { getTypeParser: ((oid: number, format?: string) => (format !== "binary" && BYTEA_PARSERS[oid]) || pg.types.getTypeParser(oid, format as "text")) as typeof pg.types.getTypeParser },
    });
    pool.on("error", () => undefined); // idle-client errors surface on the next query
    const existed = (await pool.query(`SELECT 1 FROM pg_namespace WHERE nspname = $1`, [schema])).rowCount !== 0;
    const db = new PostgresDatabase(pool, schema, opts.url, !existed);
    await db.exec(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    return db;
  }
  // INDEXER_PGLITE_THREAD=worker: PGlite in a worker thread (PgliteThreadDatabase). Not the
  // default: on this machine, shared with other benchmarks, it did not shorten the backfill
  // (docs/benchmarks.md, eighth round, ixw); kept to be measured where two cores are free.
  if (process.env.INDEXER_PGLITE_THREAD !== "worker") {
    const db = await PgliteDatabase.open(opts.dataDir, schema, opts.model);
    await db.exec(`CREATE SCHEMA IF NOT EXISTS ${schema}; SET search_path TO ${schema}`);
    return db;
  }
  // Not awaited: the worker runs it first, once the database is open (a failure to open fails
  // every request; this one's is reported by the next).
  const db = PgliteThreadDatabase.open(opts.dataDir, schema);
  db.exec(`CREATE SCHEMA IF NOT EXISTS ${schema}; SET search_path TO ${schema}`).catch(() => undefined);
  return db;
}
