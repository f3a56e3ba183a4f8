// Tables derived from the model, plus the indexer's own bookkeeping tables. The same DDL runs on
// PGlite and PostgreSQL. A changed schema (its hash differs from the stored one) means a
// re-index from the start: the tables are dropped and created anew.
import type { FieldModel, Model } from "../schema/model.ts";
import { sqlType } from "./codec.ts";
import type { Queryable } from "./adapter.ts";

/** Name of the column holding the block at which a row was last written (for _change_block). */
export const BLOCK_COLUMN = "_block";

/**
 * Text ids compare byte by byte (COLLATE "C", as graph-node requires of its whole database): their
 * keys and indexes are built and probed with memcmp instead of the database's locale (PostgreSQL
 * only takes that shortcut for "C"/"POSIX", not e.g. C.UTF-8 or en_US), and their order does not
 * depend on the server's locale. Bytes are bytea (codec.ts), which compares byte by byte anyway.
 */
function byteOrder(f: FieldModel): boolean {
  return !f.list && f.scalar === "ID";
}

/**
 * Pages of a mutable entity's table are filled to half (PostgreSQL's default: full), so that an
 * update finds room for the new version on the row's own page: with no indexed column changed (a
 * backfill writes the tables it fills without their secondary indexes) it is a HOT update, which
 * adds no primary-key entry and no page, and the old versions are pruned in place when the page
 * is next updated. The backfill rewrites the same accounts in every batch (synthetic, 10,000
 * accounts updated from a staging table: ~110 ms per batch at 100, ~30 ms at 50).
 */
const MUTABLE_FILLFACTOR = 50;

/**
 * Lookups by more than one column that the API makes on entity tables (by entity, field names in
 * index order). The quote board derives a quote's status from whether a job was filled from it
 * (server/quotes.ts statusSql: the job's provider and quote nonce); with the index on `provider`
 * alone, each quote's check read all of that provider's jobs (5,312 rows per check on a devnet
 * 7 minutes old), so the board's answers grew slower with every job.
 */
const LOOKUP_INDEXES: Record<string, string[][]> = { WorkRequest: [["provider", "quoteNonce"]] };

export function entityDdl(model: Model): string[] {
  const out: string[] = [];
  for (const e of model.entities) {
    const cols = e.columns.map((f) => `"${f.column}" ${sqlType(f)}${byteOrder(f) ? ' COLLATE "C"' : ""}${f.name !== "id" && f.nullable ? "" : " NOT NULL"}`);
    cols.push(`"${BLOCK_COLUMN}" bigint NOT NULL`);
    // named, so that a backfill can drop it and add it back by that name (keyBuilds)
    cols.push(`CONSTRAINT "${primaryKeyName(e.table)}" PRIMARY KEY ("id")`);
    out.push(`CREATE TABLE IF NOT EXISTS "${e.table}" (${cols.join(", ")})${e.immutable ? "" : ` WITH (fillfactor = ${MUTABLE_FILLFACTOR})`}`);
    for (const f of e.columns) {
      if (f.ref && !f.list) out.push(`CREATE INDEX IF NOT EXISTS "${e.table}_${f.column}_idx" ON "${e.table}" ("${f.column}")`);
    }
    for (const names of LOOKUP_INDEXES[e.name] ?? []) {
      const cols = names.map((n) => {
        const f = e.byName.get(n);
        if (f === undefined || f.list) throw new Error(`LOOKUP_INDEXES: ${e.name} has no stored field ${n}`);
        return f.column;
      });
      out.push(`CREATE INDEX IF NOT EXISTS "${e.table}_${cols.join("_")}_idx" ON "${e.table}" (${cols.map((c) => `"${c}"`).join(", ")})`);
    }
    // (`_change_block` filters.) An immutable table is only appended to, in block order: a BRIN
    // index (the block range of each 128 pages) finds the recent rows such a filter asks for, and
    // costs one pass over the table to build instead of a sort; mutable rows are updated in place.
    out.push(`CREATE INDEX IF NOT EXISTS "${e.table}_block_idx" ON "${e.table}" ${e.immutable ? "USING brin " : ""}("${BLOCK_COLUMN}")`);
    // The usual list order of a dApp, latest first (orderBy: blockNumber | timestamp): the index
    // matches the API's ORDER BY "<col>" ASC NULLS FIRST, id ASC and, scanned backwards,
    // "<col>" DESC NULLS LAST, id DESC, so `first: n` reads n rows instead of sorting the table.
    for (const f of e.columns) {
      if ((f.name === "blockNumber" || f.name === "timestamp") && !f.list && !f.ref) {
        out.push(`CREATE INDEX IF NOT EXISTS "${e.table}_${f.column}_id_idx" ON "${e.table}" ("${f.column}" NULLS FIRST, id)`);
      }
    }
  }
  return out;
}

/** The name of an entity table's primary key (and of its index). */
export function primaryKeyName(table: string): string {
  return `${table}_pkey`;
}

/**
 * Adding back the primary key of an immutable entity's table, which a long backfill writes
 * without it (runner.ts): `build` makes its unique index (the work: a scan and a sort of the ids;
 * it takes the same lock as CREATE INDEX, so other tables' and this table's secondary index
 * builds go on beside it), `attach` then makes that index the primary key (catalog only: id is
 * NOT NULL already). `build` is a no-op where the index exists (a process that died between
 * the two); `attach` is for a table without its key (restoreKeys checks).
 */
export function keyBuild(table: string): { build: string; attach: string } {
  const k = primaryKeyName(table);
  return {
    build: `CREATE UNIQUE INDEX IF NOT EXISTS "${k}" ON "${table}" ("id")`,
    attach: `ALTER TABLE "${table}" ADD CONSTRAINT "${k}" PRIMARY KEY USING INDEX "${k}"`,
  };
}

/**
 * The error of a key build that found a duplicate id (unique_violation): an immutable row written
 * twice while its table had no key, which the key would have refused at the write. Loud and
 * final (`handlerError`: the run loop stops indexing, as for a failing handler) rather than
 * retried: the rows are in the database and the projection is wrong until a re-index.
 */
export function keyError(table: string, err: unknown): unknown {
  const e = err as { code?: string; constraint?: string; detail?: string; message?: string };
  // (not another unique violation, e.g. two sessions creating the same index name at once)
  if (e?.code !== "23505" || e.constraint !== primaryKeyName(table)) return err;
  return Object.assign(
    new Error(
      `${table}: its primary key cannot be added back: ${e.detail ?? e.message} An immutable entity's row was written twice while a backfill wrote the table without its key (a handler inserting an id that already exists); the projection is wrong: fix the handler and re-index from the start`,
      { cause: err },
    ),
    { handlerError: true },
  );
}

/**
 * Adds back the missing primary keys of immutable entities' tables (one catalog query when none
 * is missing): a process that died during a long backfill left them out (the rows it committed
 * are whole batches with their checkpoint, so they hold no duplicate unless a handler wrote one:
 * then this fails with keyError's message, and start-up with it). Also the last step of the
 * backfill's own rebuild (runner.ts), after the keys' indexes are built.
 */
export async function restoreKeys(db: Queryable, model: Model, opts: MigrateOptions = {}): Promise<void> {
  checkLockTimeout(opts);
  const immutable = model.entities.filter((e) => e.immutable).map((e) => e.table);
  if (immutable.length === 0) return;
  const keyless = (tables: string[]) =>
    db.query<{ t: string }>(
      `SELECT t FROM unnest($1::text[]) AS t WHERE NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass(quote_ident(t)) AND contype = 'p')`,
      [tables],
    );
  for (const { t } of await keyless(immutable)) {
    const k = keyBuild(t);
    try {
      await createMissing(db, k.build, withLockTimeout(k.build, opts)).catch((err) => Promise.reject(keyError(t, err)));
      // another session (a backfill's rebuild, another process's migrate) may have attached it meanwhile
      await db.exec(withLockTimeout(k.attach, opts)).catch(async (err) => {
        if ((await keyless([t])).length > 0) throw err;
      });
    } catch (err) {
      if (!leftToWriter(err, opts, `${t}'s primary key`)) throw err;
    }
  }
}

/** `migrate`'s and `restoreKeys`' options. */
export interface MigrateOptions {
  /**
   * For a process that is not the writer (an API-role process, service.ts): how long each statement
   * creating a missing relation may wait for its table's lock before it leaves that relation to
   * the writer. A writer's long backfill drops the indexes (and keys) of the tables it fills and
   * builds them when caught up; it commits its batches two in flight, the later one holding its
   * tables while it waits, in the writer's own code, for the earlier one's commit. A CREATE INDEX
   * queued for such a table makes the earlier batch's next lock on it queue behind it: a wait
   * cycle that passes through the writer's process, which PostgreSQL cannot see (it found no
   * deadlock: the writer waited for ever). Bounded, the statement fails instead (55P03) and the
   * relation is left to the writer, which builds every index it dropped once caught up (a writer
   * that died leaves them to the next writer's start, whose migrate waits as long as it takes).
   */
  lockTimeoutMs?: number;
  log?: (msg: string) => void;
}

/** How long an API-role process's `migrate` waits for a table's lock (MigrateOptions.lockTimeoutMs). */
export const API_MIGRATE_LOCK_TIMEOUT_MS = 1_000;

/** Refuses a lock timeout that is not a positive whole number of milliseconds. */
function checkLockTimeout(opts: MigrateOptions): void {
  const ms = opts.lockTimeoutMs;
  if (ms !== undefined && (!Number.isInteger(ms) || ms <= 0)) throw new Error(`migrate: lockTimeoutMs must be a positive integer (got ${ms})`);
}

/** `sql` with the wait for a lock bounded (one implicit transaction: the setting ends with it, or with its failure). */
function withLockTimeout(sql: string, opts: MigrateOptions): string {
  return opts.lockTimeoutMs === undefined ? sql : `SET lock_timeout = ${opts.lockTimeoutMs}; ${sql}; RESET lock_timeout`;
}

/** True (and logged) when `err` is a bounded wait for a lock that ran out: the relation is left to the writer. */
function leftToWriter(err: unknown, opts: MigrateOptions, what: string): boolean {
  if (opts.lockTimeoutMs === undefined || (err as { code?: string })?.code !== "55P03") return false;
  opts.log?.(`migrate: ${what} is missing and its table is locked by the writer (a backfill writes it without it and builds it when caught up): left to the writer`);
  return true;
}

export const SYSTEM_DDL = [
  `CREATE TABLE IF NOT EXISTS _meta (key text PRIMARY KEY, value text NOT NULL)`,
  // Unfinalized blocks we indexed, by number, to detect reorgs and find the common ancestor.
  `CREATE TABLE IF NOT EXISTS _blocks (number bigint PRIMARY KEY, hash text NOT NULL, parent_hash text NOT NULL, timestamp bigint NOT NULL)`,
  // Undo log of unfinalized blocks: the previous version of every row a block wrote.
  `CREATE TABLE IF NOT EXISTS _undo (seq bigserial PRIMARY KEY, block bigint NOT NULL, entity text NOT NULL, id text NOT NULL, prev text)`,
  `CREATE INDEX IF NOT EXISTS _undo_block_idx ON _undo (block)`,
];

/**
 * How the tables store the model, part of the stored schema hash: a database written in another
 * layout is re-indexed from the start, as for a changed schema. "b": Bytes as bytea (was text).
 */
const STORAGE_LAYOUT = "b";

/** The value `migrate` stores as `schema_hash`: the model's hash and the storage layout. */
export function schemaKey(model: Model): string {
  return model.hash + STORAGE_LAYOUT;
}

/** The statements `migrate` runs to create the tables and indexes (each `IF NOT EXISTS`). */
export function migrationDdl(model: Model): string[] {
  return [...SYSTEM_DDL, ...entityDdl(model)];
}

const CREATED = /^CREATE (?:TABLE|(?:UNIQUE )?INDEX) IF NOT EXISTS "?([a-z_][a-z0-9_]*)"?[ (]/;

/** The table or index a statement of migrationDdl creates. */
export function createdName(statement: string): string {
  const m = CREATED.exec(statement);
  if (m === null) throw new Error(`migrations: cannot tell what this statement creates: ${statement}`);
  return m[1];
}

/**
 * Creates what is missing. On a fresh database (or a changed schema) the statements go in one
 * multi-statement string (one round trip, and one implicit transaction: one commit instead of one
 * per statement, which a fresh database otherwise pays a hundred times at start-up).
 *
 * When the stored schema hash is the model's, only the statements whose table or index is missing
 * from the schema's catalog run (none, usually): an `IF NOT EXISTS` statement does nothing more
 * than that check when its relation exists, and on PGlite each costs ~5-9 ms of CPU in
 * WebAssembly (119 of them: ~1 s at every start). A relation counts as present by its name, as
 * `IF NOT EXISTS` counts it. A secondary index that a backfill dropped (runner.ts) and did not
 * rebuild, because the process died, is missing from the catalog and is created here as before.
 */
export async function migrate(db: Queryable, model: Model, log: (msg: string) => void = () => undefined, opts: Omit<MigrateOptions, "log"> = {}): Promise<void> {
  const bounded: MigrateOptions = { ...opts, log };
  checkLockTimeout(bounded); // before anything runs
  const ddl = migrationDdl(model);
  const key = schemaKey(model);
  // the hash is a hex digest: safe to inline
  if (!/^[0-9a-zA-Z]+$/.test(key)) throw new Error(`unexpected schema hash ${key}`);
  const present = new Set(
    (await db.query<{ relname: string }>(`SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema()`)).map((r) => r.relname),
  );
  const stored = present.has("_meta") ? (await db.query<{ value: string }>(`SELECT value FROM _meta WHERE key = 'schema_hash'`))[0]?.value : undefined;
  if (stored === key) {
    // Each in its own transaction: the relations missing here are, but for a crash, the indexes
    // a backfill dropped while it is running in another process (an API-role process starting),
    // and one transaction creating indexes on several tables holds each table's SHARE lock while
    // it waits for the next, which the writer's batch holds (ROW EXCLUSIVE) while it waits for
    // one of the first: a deadlock, which PostgreSQL breaks by failing one of the two. Alone,
    // a statement holds no lock while it waits.
    // (bounded for an API-role process: MigrateOptions.lockTimeoutMs)
    for (const statement of ddl.filter((s) => !present.has(createdName(s)))) {
      await createMissing(db, statement, withLockTimeout(statement, bounded)).catch((err) => {
        if (!leftToWriter(err, bounded, createdName(statement))) throw err;
      });
    }
  } else {
    await db.exec(SYSTEM_DDL.join(";\n"));
    if (stored !== undefined) {
      log(`schema changed (${stored} -> ${key}): dropping the projection to re-index from the start`);
      await db.exec([...model.entities.map((e) => `DROP TABLE IF EXISTS "${e.table}" CASCADE`), `DELETE FROM _meta; DELETE FROM _blocks; DELETE FROM _undo`].join(";\n"));
    }
    await db.exec(
      [...entityDdl(model), `INSERT INTO _meta (key, value) VALUES ('schema_hash', '${key}') ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`].join(";\n"),
    );
  }
  // (a primary key a keyless backfill left out is not a relation of its own: restoreKeys checks
  // pg_constraint, one query when none is missing)
  await restoreKeys(db, model, bounded);
}

/**
 * Runs one `CREATE ... IF NOT EXISTS` of migrationDdl (or keyBuild), as is or as `sql` (the
 * statement inside a transaction with its settings). Another session creating the same relation
 * at the same time (the backfill's rebuild, another process's migrate) makes the one that waited
 * for the other's commit fail on the catalog's unique name (23505 on pg_class; 42P07 where the
 * relation was committed before the check), not skip it: then the relation is there, as asked.
 */
export async function createMissing(db: Queryable, statement: string, sql: string = statement): Promise<void> {
  try {
    await db.exec(sql);
  } catch (err) {
    const e = err as { code?: string; constraint?: string };
    const raced = e?.code === "42P07" || (e?.code === "23505" && e.constraint === "pg_class_relname_nsp_index");
    if (!raced) throw err;
    const [r] = await db.query<{ ok: boolean }>(`SELECT to_regclass(quote_ident($1)) IS NOT NULL AS ok`, [createdName(statement)]);
    if (!r?.ok) throw err;
  }
}

/** Drops every table of the projection and the bookkeeping (a fresh start). */
export async function dropAll(db: Queryable, model: Model): Promise<void> {
  await db.exec([...model.entities.map((e) => `DROP TABLE IF EXISTS "${e.table}" CASCADE`), ...["_meta", "_blocks", "_undo", "_contracts"].map((t) => `DROP TABLE IF EXISTS ${t} CASCADE`)].join(";\n"));
}
