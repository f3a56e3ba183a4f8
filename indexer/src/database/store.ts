// The entity store the handlers write to. Rows are cached in memory; a batch of blocks is
// written in one database transaction together with the checkpoint (by the runner), so a crash
// at any point loses nothing and doubles nothing. Writes use COPY (into the table for new
// immutable rows, into a staging table + one INSERT … ON CONFLICT for mutable rows). For
// unfinalized blocks the previous version of every written row goes to the undo log, which a
// reorg replays backwards to the common ancestor.
// For the backfill pipeline, a batch can be sealed: it is then written (flush, committed) while
// the next batch is projected on top of it (reads see the sealed rows until they are committed).
// Two sealed batches at most: the older being committed, the newer writing its new immutable rows
// (flushNew) before it waits for that commit.
import type { EntityModel, Model } from "../schema/model.ts";
import type { Queryable } from "./adapter.ts";
import { CopyText, copyLineWriter, rowChecker, fromDb, idToDb, idsToDb, rowToJson, sqlType, toParam, type EntityRow, type Value } from "./codec.ts";
import { BLOCK_COLUMN } from "./migrations.ts";

export type { EntityRow, Value };

interface Pending {
  row: EntityRow | null; // null: removed
  block: bigint;
  /** The row before this batch (for the undo log); null: none. */
  prev: EntityRow | null;
  /** The check generation in which `row` was last handed out by draft() (unchecked until checkDrafts). */
  drafted?: number;
  /**
   * Whether the row was in the database before this batch, as far as the store knows: true (it
   * was loaded or written), false (known not to exist: looked up, removed, or a fresh database),
   * undefined (never looked up). It decides how the batch writes it (see flush).
   */
  existed?: boolean;
}

/** The writes of one batch. */
export interface Batch {
  /** entity -> id -> the write of this batch. */
  pending: Map<string, Map<string, Pending>>;
  /** Entities whose rows flushNew() already wrote (flush() skips them). */
  written?: Set<string>;
}

/** What `set` needs of an entity, found with one lookup. */
interface EntityOps {
  e: EntityModel;
  cache: Map<string, EntityRow | null>;
  check: (r: EntityRow, b: EntityRow | null | undefined) => void;
  copy: (row: EntityRow) => EntityRow;
}

export class Store {
  /** entity -> id -> row (null: known not to exist). Clean rows, kept across batches. */
  private cache = new Map<string, Map<string, EntityRow | null>>();
  /** The batch being projected. */
  private cur: Batch;
  /** A batch being written while the next one is projected (backfill pipeline). */
  private sealed: Batch[] = [];
  private cachedRows = 0;
  /**
   * Whether every row of the mutable entities' tables is in the cache (a database that was empty
   * when this store started, whose writes all went through it, with no cache cleared since):
   * then a mutable row that is not in memory does not exist, and is not looked for.
   */
  private complete = false;
  /** Block number stamped on rows written now (set by the runner per block). */
  block = 0n;
  stats = { loads: 0, writes: 0 };
  /** Rows of an entity up to which a flush writes them with parameters (SMALL_ROWS; tests lower it to reach the COPY paths). */
  smallRows = SMALL_ROWS;

  readonly model: Model;
  private db: Queryable;
  private maxCachedRows: number;

  constructor(model: Model, db: Queryable, maxCachedRows = 500_000) {
    this.model = model;
    this.db = db;
    this.maxCachedRows = maxCachedRows;
    for (const e of model.entities) this.cache.set(e.name, new Map());
    this.cur = this.newBatch();
  }

  /**
   * Tells the store that the entity tables are empty (the caller checked, on a database no one
   * else writes projection rows to): until the cache is cleared, rows of mutable entities that
   * are not in memory are known not to exist (immutable rows are not kept after their write,
   * and are still looked up).
   */
  startEmpty(): void {
    this.clearCache();
    this.complete = true;
  }

  private newBatch(): Batch {
    const b: Batch = { pending: new Map() };
    for (const e of this.model.entities) b.pending.set(e.name, new Map());
    return b;
  }

  /** The write of `id` in the batch being written, if any. */
  private sealedWrite(name: string, id: string): Pending | undefined {
    for (let k = this.sealed.length - 1; k >= 0; k--) {
      const p = this.sealed[k].pending.get(name)!.get(id);
      if (p !== undefined) return p;
    }
    return undefined;
  }

  /**
   * Seals the current batch for writing (flush(tx, undo, batch), then committed(batch)); a new
   * batch starts on top of it. Two sealed batches at a time at most; they are committed in order.
   */
  seal(): Batch {
    if (this.sealed.length >= 2) throw new Error("two sealed batches are still being written");
    const b = this.cur;
    this.sealed.push(b);
    this.cur = this.newBatch();
    return b;
  }

  /**
   * Per entity, a function that copies a row's columns (missing ones as null) into a new object
   * literal of a fixed shape: rows stay fast-mode objects, whose copies and reads are cheap.
   */
  private copiers = new Map<string, (row: EntityRow) => EntityRow>();
  private copier(e: EntityModel): (row: EntityRow) => EntityRow {
    let c = this.copiers.get(e.name);
    if (c === undefined) {
      const body = e.columns.map((f) => `${JSON.stringify(f.name)}: r[${JSON.stringify(f.name)}] ?? null`).join(", ");
      c = new Function("r", `return { ${body} };`) as (row: EntityRow) => EntityRow;
      this.copiers.set(e.name, c);
    }
    return c;
  }

  /**
   * Per entity, a function that checks each column of `r` whose value differs from `b` (the
   * version being replaced, already checked; lists are always checked), with named property
   * reads rather than a loop of keyed ones.
   */
  private checkers = new Map<string, (r: EntityRow, b: EntityRow | null | undefined) => void>();
  private checker(e: EntityModel): (r: EntityRow, b: EntityRow | null | undefined) => void {
    let c = this.checkers.get(e.name);
    if (c === undefined) this.checkers.set(e.name, (c = rowChecker(e.name, e.columns)));
    return c;
  }

  private lineWriters = new Map<string, (row: EntityRow, extra: string) => string>();
  private lineWriter(e: EntityModel): (row: EntityRow, extra: string) => string {
    let w = this.lineWriters.get(e.name);
    if (w === undefined) this.lineWriters.set(e.name, (w = copyLineWriter(e.columns)));
    return w;
  }

  private entity(name: string): EntityModel {
    const e = this.model.byName.get(name);
    if (!e) throw new Error(`unknown entity ${name}`);
    return e;
  }

  private rowFromDb(e: EntityModel, r: Record<string, unknown>): EntityRow {
    const row: EntityRow = {};
    for (const f of e.columns) row[f.name] = fromDb(f, r[f.column!]);
    return this.copier(e)(row);
  }

  /** Loads the given ids of each entity that are not in memory yet, in one query per entity. */
  async preload(wants: Map<string, Iterable<string>>): Promise<void> {
    for (const [name, ids] of wants) {
      const e = this.entity(name);
      const cache = this.cache.get(name)!;
      const pending = this.cur.pending.get(name)!;
      const sealed = this.sealed.map((b) => b.pending.get(name)!);
      const missing: string[] = [];
      const seen = ids instanceof Set ? undefined : new Set<string>();
      for (const id of ids) {
        if (cache.has(id) || pending.has(id) || sealed.some((m) => m.has(id))) continue;
        if (seen !== undefined) {
          if (seen.has(id)) continue;
          seen.add(id);
        }
        missing.push(id);
      }
      if (missing.length === 0) continue;
      if (this.complete && !e.immutable) {
        for (const id of missing) cache.set(id, null);
        this.cachedRows += missing.length;
        continue;
      }
      const keys = idsToDb(e, missing);
      const rows = await this.db.query(`SELECT * FROM "${e.table}" WHERE id = ANY($1::${keys.type})`, [keys.value]);
      this.stats.loads += rows.length;
      const found = new Set<string>();
      let blocks = this.committedBlock.get(name);
      if (!blocks) this.committedBlock.set(name, (blocks = new Map()));
      for (const r of rows) {
        const row = this.rowFromDb(e, r);
        cache.set(row.id as string, row);
        blocks.set(row.id as string, BigInt(String(r[BLOCK_COLUMN])));
        found.add(row.id as string);
      }
      for (const id of missing) if (!found.has(id)) cache.set(id, null);
      this.cachedRows += missing.length;
    }
  }

  /** The current row of `name` with `id` (a copy), or undefined. */
  async get(name: string, id: string): Promise<EntityRow | undefined> {
    const cache = this.cache.get(name);
    if (!cache) throw new Error(`unknown entity ${name}`);
    const p = this.cur.pending.get(name)!.get(id) ?? this.sealedWrite(name, id);
    if (p) return p.row === null ? undefined : this.copier(this.entity(name))(p.row);
    if (!cache.has(id)) await this.preload(new Map([[name, [id]]]));
    const row = cache.get(id);
    return row ? this.copier(this.entity(name))(row) : undefined;
  }

  private opsByName = new Map<string, EntityOps>();
  private ops(name: string): EntityOps {
    let o = this.opsByName.get(name);
    if (o === undefined) {
      const e = this.entity(name);
      o = { e, cache: this.cache.get(name)!, check: this.checker(e), copy: this.copier(e) };
      this.opsByName.set(name, o);
    }
    return o;
  }

  /** The current version of a row before a write of this batch (the sealed batch's, or the clean one). */
  private current(o: EntityOps, id: string): EntityRow | null | undefined {
    const sealed = this.sealedWrite(o.e.name, id);
    return sealed !== undefined ? sealed.row : o.cache.get(id);
  }

  /** Writes a whole row (every non-null field must be set). */
  set(name: string, row: EntityRow): void {
    const o = this.ops(name);
    const id = row.id;
    if (typeof id !== "string" || id === "") throw new TypeError(`${name}: id must be a non-empty string`);
    const pending = this.cur.pending.get(name)!;
    const known = pending.get(id);
    // The version this write replaces was checked when it was written or loaded: a scalar field
    // that still holds the same value needs no new check (handlers mostly change a few fields).
    let base: EntityRow | null | undefined;
    let prev: EntityRow | null;
    let existed: boolean | undefined;
    if (known !== undefined) {
      base = known.row;
      prev = known.prev;
      existed = known.existed;
    } else {
      base = this.current(o, id);
      prev = base === undefined ? null : base;
      existed = base === undefined ? undefined : base !== null;
    }
    if (known !== undefined && known.row === row) {
      // the batch's own row, handed out by draft(): changed in place, checked by checkDrafts()
      known.block = this.block;
      this.stats.writes++;
      return;
    }
    o.check(row, base);
    const clean = o.copy(row);
    if (o.e.immutable && known && known.row !== null) throw new Error(`${name} ${id} is immutable and was already written`);
    pending.set(id, { row: clean, block: this.block, prev, existed });
    this.stats.writes++;
  }

  /**
   * Writes a new row of an immutable entity, keeping `row` itself (no copy): for a handler that
   * builds the row for this call and never changes it afterwards (set() copies it instead).
   * Checked like set(); a row already written throws.
   */
  insert(name: string, row: EntityRow): void {
    const o = this.ops(name);
    if (!o.e.immutable) throw new Error(`${name} is mutable: insert() is for immutable entities (use set())`);
    const id = row.id;
    if (typeof id !== "string" || id === "") throw new TypeError(`${name}: id must be a non-empty string`);
    const pending = this.cur.pending.get(name)!;
    const known = pending.get(id);
    if (known !== undefined && known.row !== null) throw new Error(`${name} ${id} is immutable and was already written`);
    // Not looked up in the sealed batches or the cache: a valid insert has no previous version
    // (prev null: a rollback deletes the row), and an immutable row is always written as new
    // (existed is not consulted); a row that does exist fails the batch's write on its key, or,
    // written while a long backfill has dropped that key, the key's rebuild (runner.ts).
    const prev = known !== undefined ? known.prev : null;
    const existed = known !== undefined ? known.existed : undefined;
    o.check(row, undefined);
    pending.set(id, { row, block: this.block, prev, existed });
    this.stats.writes++;
  }

  /** Rows handed out by draft() since the last checkDrafts(), with their entity's checks. */
  private drafts: { p: Pending; o: EntityOps }[] = [];
  private draftGeneration = 1;

  /**
   * The current row of a mutable entity, for changing in place: the batch's own copy of it
   * (made on the first call in a batch), so that a handler that reads and rewrites a row for
   * every event copies it once per batch rather than twice per event. Returns null if the row
   * does not exist, undefined if it is not in memory (load it with get() or preload first).
   * Changes to a drafted row are part of the batch even without a set() (handlers still call
   * set(), which stamps the block); they are checked against the schema by checkDrafts(), which
   * the runner calls after every projected range.
   */
  draft(name: string, id: string): EntityRow | null | undefined {
    const o = this.ops(name);
    if (o.e.immutable) throw new Error(`${name} is immutable: draft() is for mutable entities`);
    const pending = this.cur.pending.get(name)!;
    let p = pending.get(id);
    if (p === undefined) {
      const base = this.current(o, id);
      if (base === undefined || base === null) return base;
      p = { row: o.copy(base), block: this.block, prev: base, existed: true };
      pending.set(id, p);
    } else if (p.row === null) return null;
    p.block = this.block;
    if (p.drafted !== this.draftGeneration) {
      p.drafted = this.draftGeneration;
      this.drafts.push({ p, o });
    }
    return p.row;
  }

  /** Checks the rows drafted since the last call (throws like set() on a bad value). */
  checkDrafts(): void {
    const list = this.drafts;
    this.drafts = [];
    this.draftGeneration++;
    for (const { p, o } of list) if (p.row !== null) o.check(p.row, undefined);
  }

  remove(name: string, id: string): void {
    const o = this.ops(name);
    const pending = this.cur.pending.get(name)!;
    const known = pending.get(id);
    let prev: EntityRow | null;
    let existed: boolean | undefined;
    if (known !== undefined) {
      prev = known.prev;
      existed = known.existed;
    } else {
      const b = this.current(o, id);
      prev = b === undefined ? null : b;
      existed = b === undefined ? undefined : b !== null;
    }
    pending.set(id, { row: null, block: this.block, prev, existed });
  }

  /** Whether anything is waiting to be written. */
  get dirty(): boolean {
    for (const p of this.cur.pending.values()) if (p.size > 0) return true;
    return false;
  }

  /**
   * Writes the batch (the current one, or the given sealed one) in `tx`. With `undoBlock`, the
   * batch is one unfinalized block and the previous versions of its rows go to the undo log
   * under that block number. `prelude` (statements without parameters, e.g. a SET LOCAL) is sent
   * with the flush's first statement rather than on a round trip of its own.
   *
   * Round trips, which cost most when the process is busy projecting the next batch (each answer
   * waits for a turn of the event loop): the small writes of every entity (up to SMALL_ROWS rows
   * each), their deletes and the undo log go in one statement; only an entity with many rows gets
   * statements of its own: a COPY straight into its table of the rows known to be new (every
   * immutable row, and mutable rows known not to exist), and for the other mutable rows a COPY
   * into a staging table and one UPDATE (all known to exist; the count is checked, so a stale
   * cache fails the batch instead of losing a write) or one INSERT … ON CONFLICT.
   */
  async flush(tx: Queryable, undoBlock?: bigint, batch: Batch = this.cur, prelude?: string): Promise<void> {
    const first: string[] = prelude === undefined ? [] : [prelude];
    const small = new SmallWrites();
    const large: { e: EntityModel; fresh: Pending[]; staged: Pending[]; allExisted: boolean }[] = [];
    for (const e of this.model.entities) {
      const pending = batch.pending.get(e.name)!;
      if (pending.size === 0 || batch.written?.has(e.name)) continue;
      const deletes: string[] = [];
      let rows = 0;
      for (const [id, p] of pending) {
        if (p.row === null) deletes.push(id);
        else rows++;
      }
      if (deletes.length > 0) small.delete(e, deletes);
      if (rows > 0 && rows <= this.smallRows) {
        const list: Pending[] = [];
        for (const p of pending.values()) if (p.row !== null) list.push(p);
        small.write(e, list);
      } else if (rows > 0) {
        const fresh: Pending[] = [];
        const staged: Pending[] = [];
        let allExisted = true;
        for (const p of pending.values()) {
          if (p.row === null) continue;
          if (e.immutable || p.existed === false) fresh.push(p);
          else {
            staged.push(p);
            if (p.existed !== true) allExisted = false;
          }
        }
        if (staged.length > 0) first.push(`CREATE TEMP TABLE IF NOT EXISTS "_stage_${e.table}" (LIKE "${e.table}") ON COMMIT DELETE ROWS`);
        large.push({ e, fresh, staged, allExisted });
      }
      if (undoBlock !== undefined) {
        const ids: string[] = [];
        const prevs: (string | null)[] = [];
        for (const [id, p] of pending) {
          ids.push(id);
          const prev = p.prev;
          prevs.push(prev === null ? null : rowToJson({ ...prev, [BLOCK_COLUMN]: this.blockOf(e.name, id) }));
        }
        small.undo(undoBlock, e.name, ids, prevs);
      }
    }
    if (first.length > 0) await tx.exec(first.join(";\n"));
    await small.send(tx);
    for (const { e, fresh, staged, allExisted } of large) {
      const columns = [...e.columns.map((f) => `"${f.column}"`), `"${BLOCK_COLUMN}"`];
      if (fresh.length > 0) await this.copyRows(tx, e, `"${e.table}"`, columns, fresh);
      if (staged.length === 0) continue;
      const stage = `"_stage_${e.table}"`;
      await this.copyRows(tx, e, stage, columns, staged);
      const others = columns.filter((c) => c !== `"id"`);
      if (allExisted) {
        const [r] = await tx.query<{ n: number }>(
          `WITH u AS (UPDATE "${e.table}" AS t SET ${others.map((c) => `${c} = s.${c}`).join(", ")} FROM ${stage} AS s WHERE t.id = s.id RETURNING 1) SELECT count(*)::int AS n FROM u`,
        );
        if (Number(r.n) !== staged.length) throw new Error(`${e.name}: ${r.n} of ${staged.length} rows to update are in the database (stale cache): batch not written`);
      } else {
        await tx.exec(`INSERT INTO "${e.table}" (${columns.join(", ")}) SELECT ${columns.join(", ")} FROM ${stage} ON CONFLICT (id) DO UPDATE SET ${others.map((c) => `${c} = EXCLUDED.${c}`).join(", ")}`);
      }
    }
  }

  /**
   * The first part of a sealed batch's write, which does not depend on the batch before it: the
   * rows of immutable entities with many rows (all new: COPY into their tables), and `prelude`.
   * A backfill sends it while the previous batch is still being committed (on another
   * connection: distinct new rows, no lock waits), then waits for that commit, then flush()
   * writes the rest. Undo-logged (live) writes do not use it.
   */
  async flushNew(tx: Queryable, batch: Batch, prelude?: string): Promise<void> {
    if (prelude !== undefined) await tx.exec(prelude);
    const written = (batch.written ??= new Set());
    for (const e of this.model.entities) {
      if (!e.immutable || written.has(e.name)) continue;
      const pending = batch.pending.get(e.name)!;
      if (pending.size <= this.smallRows) continue;
      const rows: Pending[] = [];
      for (const p of pending.values()) {
        if (p.row === null) break;
        rows.push(p);
      }
      if (rows.length !== pending.size) continue; // (a removal: written by flush())
      sortBlockRunsById(rows);
      await this.copyRows(tx, e, `"${e.table}"`, [...e.columns.map((f) => `"${f.column}"`), `"${BLOCK_COLUMN}"`], rows);
      written.add(e.name);
    }
  }

  /** COPY of the given rows into `table` (the entity's table or its staging table). */
  private async copyRows(tx: Queryable, e: EntityModel, table: string, columns: string[], rows: Pending[]): Promise<void> {
    const write = this.lineWriter(e);
    // (one flush at a time in practice; a concurrent one gets a buffer of its own)
    const text = this.copyText.busy ? new CopyText().begin() : this.copyText.begin();
    try {
      // the block column's text once per run of rows of the same block (rows come mostly in block order)
      let block = -1n;
      let blockText = "";
      for (const p of rows) {
        if (p.block !== block) {
          block = p.block;
          blockText = block.toString();
        }
        text.add(write(p.row!, blockText));
      }
      await tx.copyFrom(table, columns, text.bytes());
    } catch (err) {
      // a failed COPY may leave a write of these bytes queued on its connection: not reused
      if (text === this.copyText) this.copyText = new CopyText();
      throw err;
    } finally {
      text.done();
    }
  }

  /** The COPY text of a flush (one entity at a time), reused across flushes. */
  private copyText = new CopyText();

  private committedBlock = new Map<string, Map<string, bigint>>();
  private blockOf(entity: string, id: string): string {
    return (this.committedBlock.get(entity)?.get(id) ?? 0n).toString();
  }

  /** After the transaction committed: the batch's writes become the clean cache. */
  committed(batch: Batch = this.cur): void {
    if (this.sealed.includes(batch)) {
      if (this.sealed[0] !== batch) throw new Error("sealed batches are committed in order");
      this.sealed.shift();
    }
    else if (batch === this.cur) this.cur = this.newBatch();
    for (const e of this.model.entities) {
      const pending = batch.pending.get(e.name)!;
      const cache = this.cache.get(e.name)!;
      if (!e.immutable) {
        let blocks = this.committedBlock.get(e.name);
        if (!blocks) this.committedBlock.set(e.name, (blocks = new Map()));
        for (const [id, p] of pending) {
          if (!cache.has(id)) this.cachedRows++;
          cache.set(id, p.row);
          if (p.row === null) blocks.delete(id);
          else blocks.set(id, p.block);
        }
      }
    }
    if (this.cachedRows > this.maxCachedRows) this.clearCache();
  }

  /** After a failed transaction: forget the batch (the database is unchanged). */
  discard(): void {
    // new objects, not cleared ones: a sealed batch may still be read by a flush in progress
    this.drafts = [];
    this.draftGeneration++;
    this.cur = this.newBatch();
    this.sealed = [];
    this.clearCache();
  }

  clearCache(): void {
    this.complete = false;
    for (const c of this.cache.values()) c.clear();
    for (const c of this.committedBlock.values()) c.clear();
    this.cachedRows = 0;
  }

  /**
   * Rolls the projection back to `ancestor` using the undo log (newest first), in `tx`.
   * Returns the number of row versions restored.
   */
  async rollback(tx: Queryable, ancestor: bigint): Promise<number> {
    const undo = await tx.query<{ entity: string; id: string; prev: string | null }>(
      `SELECT entity, id, prev FROM _undo WHERE block > $1 ORDER BY seq DESC`,
      [ancestor.toString()],
    );
    for (const u of undo) {
      const e = this.entity(u.entity);
      if (u.prev === null) {
        await tx.query(`DELETE FROM "${e.table}" WHERE id = $1`, [idToDb(e, u.id)]);
        continue;
      }
      const prev = JSON.parse(u.prev) as Record<string, unknown>;
      const columns = [...e.columns.map((f) => `"${f.column}"`), `"${BLOCK_COLUMN}"`];
      const values = [...e.columns.map((f) => toParam(f, fromDb(f, prev[f.name]))), String(prev[BLOCK_COLUMN] ?? "0")];
      const ph = columns.map((_, i) => `$${i + 1}`).join(", ");
      const updates = columns.filter((c) => c !== `"id"`).map((c) => `${c} = EXCLUDED.${c}`).join(", ");
      await tx.query(`INSERT INTO "${e.table}" (${columns.join(", ")}) VALUES (${ph}) ON CONFLICT (id) DO UPDATE SET ${updates}`, values);
    }
    await tx.query(`DELETE FROM _undo WHERE block > $1`, [ancestor.toString()]);
    this.discard();
    return undo.length;
  }
}

/** Rows of an entity up to which a flush writes them with parameters, with the batch's other small writes. */
const SMALL_ROWS = 64;
/** Parameters per statement of small writes (PostgreSQL's limit is 65,535). */
const MAX_PARAMS = 30_000;

/**
 * The small writes of a flush, as data-modifying parts of as few statements as possible
 * (`WITH w0 AS (INSERT …), w1 AS (DELETE …), … SELECT 1`): one round trip instead of several per
 * entity. The parts touch distinct rows (one write per row and batch), so their order within a
 * statement does not matter.
 */
class SmallWrites {
  private parts: string[] = [];
  private params: unknown[] = [];
  private statements: { sql: string; params: unknown[] }[] = [];

  private p(v: unknown, type: string): string {
    this.params.push(v);
    return `$${this.params.length}::${type}`;
  }

  private room(n: number): void {
    if (this.params.length + n > MAX_PARAMS && this.parts.length > 0) this.cut();
  }

  private cut(): void {
    this.statements.push({ sql: `WITH ${this.parts.map((x, i) => `w${i} AS (${x})`).join(", ")} SELECT 1`, params: this.params });
    this.parts = [];
    this.params = [];
  }

  delete(e: EntityModel, ids: string[]): void {
    this.room(1);
    const { value, type } = idsToDb(e, ids);
    this.parts.push(`DELETE FROM "${e.table}" WHERE id = ANY(${this.p(value, type)})`);
  }

  write(e: EntityModel, rows: Pending[]): void {
    this.room(rows.length * (e.columns.length + 1));
    const columns = [...e.columns.map((f) => `"${f.column}"`), `"${BLOCK_COLUMN}"`];
    const types = e.columns.map((f) => sqlType(f));
    const values = rows.map((p) => {
      const r = p.row!;
      return `(${e.columns.map((f, i) => this.p(toParam(f, r[f.name] ?? null), types[i])).join(", ")}, ${this.p(p.block.toString(), "bigint")})`;
    });
    const update = columns.filter((c) => c !== `"id"`).map((c) => `${c} = EXCLUDED.${c}`).join(", ");
    this.parts.push(`INSERT INTO "${e.table}" (${columns.join(", ")}) VALUES ${values.join(", ")}${e.immutable ? "" : ` ON CONFLICT (id) DO UPDATE SET ${update}`}`);
  }

  undo(block: bigint, entity: string, ids: string[], prevs: (string | null)[]): void {
    this.room(4);
    this.parts.push(`INSERT INTO _undo (block, entity, id, prev) SELECT ${this.p(block.toString(), "bigint")}, ${this.p(entity, "text")}, * FROM unnest(${this.p(ids, "text[]")}, ${this.p(prevs, "text[]")})`);
  }

  async send(tx: Queryable): Promise<void> {
    if (this.parts.length > 0) this.cut();
    for (const s of this.statements) await tx.query(s.sql, s.params);
  }
}

/**
 * Orders each run of rows of the same block by id (the rows come in block order, within a block
 * in event order). The table's heap is then in (block, id) order: the indexes a long backfill
 * builds after its last commit on (blockNumber, id), (timestamp, id) and the block column find
 * their input already sorted (PostgreSQL's sort checks for that first), which halves those builds.
 */
export function sortBlockRunsById(rows: { block: bigint; row: EntityRow | null }[]): void {
  const byId = (a: { row: EntityRow | null }, b: { row: EntityRow | null }) => {
    const x = a.row!.id as string;
    const y = b.row!.id as string;
    return x < y ? -1 : x > y ? 1 : 0;
  };
  let start = 0;
  for (let i = 1; i <= rows.length; i++) {
    if (i < rows.length && rows[i].block === rows[start].block) continue;
    if (i - start > 1) {
      const run = rows.slice(start, i).sort(byId);
      for (let k = 0; k < run.length; k++) rows[start + k] = run[k];
    }
    start = i;
  }
}
