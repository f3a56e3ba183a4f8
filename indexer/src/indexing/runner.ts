// The indexing loop: backfill finalized history in large adaptive ranges, then follow the head
// one block at a time with reorg detection. Each range or block is projected into the store
// and written in one transaction with the checkpoint.
import { EventEmitter } from "node:events";
import { availableParallelism } from "node:os";
import type { Database } from "../database/adapter.ts";
import { migrate, createMissing, dropAll, entityDdl, keyBuild, keyError, primaryKeyName, restoreKeys } from "../database/migrations.ts";
import { Store, type Batch } from "../database/store.ts";
import type { Model } from "../schema/model.ts";
import { LogFetcher, type BlockHeader, type FetcherOptions, type Log } from "../sync/fetcher.ts";
import { RpcClient, type RpcOptions } from "../sync/rpc.ts";
import { buildDecoders, eventId, type EventDecoder } from "./abi.ts";
import type { Deployments, HandlerMap, IndexedEvent } from "./types.ts";

export interface IndexerOptions {
  rpcUrl: string;
  deployments: Deployments;
  artifactsDir: string;
  db: Database;
  model: Model;
  handlers: HandlerMap;
  /** Contracts created by factories at run time (their artifacts name their ABI). */
  templates?: string[];
  /** Blocks below head - finalityDepth are final: no undo log is kept for them. */
  finalityDepth?: number;
  pollIntervalMs?: number;
  rpc?: RpcOptions;
  fetcher?: FetcherOptions;
  log?: (level: "info" | "warn" | "error", msg: string, fields?: Record<string, unknown>) => void;
  /** Logs per backfill transaction: the first and the following ones (default 10,000 and 30,000). */
  backfillBatchLogs?: { first: number; full: number };
  /** Rows of one entity in a full backfill batch from which its table's secondary indexes are dropped until caught up (default HEAVY_TABLE_ROWS; tests lower it). */
  heavyTableRows?: number;
}

/**
 * Logs per backfill transaction (fetch ranges are smaller: they overlap the projection). The
 * first batch is smaller, so that writing starts early.
 */
const BACKFILL_BATCH_LOGS = 30_000;
const BACKFILL_FIRST_BATCH_LOGS = 10_000;

/** A backfill range of up to this many blocks asks for all its headers together with its logs. */
const EAGER_HEADER_BLOCKS = 256n;

/** The longest stretch of projection (ms) between two turns of the event loop. */
const YIELD_MS = 4;
/**
 * Most unfinalized blocks indexed in one transaction when the indexer is behind the head (after a
 * backfill, a restart or a pause). One block at a time costs ~4 round trips and a commit each
 * (~5 ms on a local node and database); the blocks of a range share them.
 */
const LIVE_RANGE_BLOCKS = 64n;

/** INDEXER_TRACE=1: one line per fetched, projected and committed range (stage timings) on stderr. */
const TRACE = process.env.INDEXER_TRACE === "1";
const traceStart = performance.now();

/** An index a long backfill drops from a table it fills, and how to build it again. */
interface DeferredIndex {
  name: string;
  table: string;
  drop: string;
  create: string;
}

/**
 * The indexes of the entity tables a long backfill writes without (the tables it fills): every
 * secondary index, as migrations create it, and the primary keys of immutable entities. Those
 * tables only get new rows during a backfill (inserts: no lookup, update or undo by id), each batch
 * committed with its checkpoint, so the key only stands guard against a handler writing an id
 * twice, which adding it back then reports (keyError). COPY of 100k token_transfer rows (random
 * 74-character ids) into a fresh PGlite: 3.7 / 2.7 s of CPU with the key, 2.1 / 1.5 s without it
 * plus 0.48 / 0.38 s to add it afterwards.
 */
function deferredIndexes(model: Model): DeferredIndex[] {
  const keys = model.entities
    .filter((e) => e.immutable)
    .map((e) => ({ name: primaryKeyName(e.table), table: e.table, drop: `ALTER TABLE "${e.table}" DROP CONSTRAINT IF EXISTS "${primaryKeyName(e.table)}"`, create: keyBuild(e.table).build }));
  const secondary = entityDdl(model)
    .filter((s) => s.startsWith("CREATE INDEX"))
    .map((create) => {
      const name = /^CREATE INDEX IF NOT EXISTS "([^"]+)"/.exec(create)![1];
      return { name, table: / ON "([^"]+)"/.exec(create)![1], drop: `DROP INDEX IF EXISTS "${name}"`, create };
    });
  return [...keys, ...secondary];
}

/**
 * Rows of one entity in a full backfill batch from which its table is written without its
 * secondary indexes until caught up (the other tables keep theirs: rebuilding the indexes of a
 * table the backfill barely writes costs more than maintaining them).
 */
const HEAVY_TABLE_ROWS = 1_000;

interface FetchedRange {
  from: bigint;
  to: bigint;
  logs: Log[];
  headers: Map<bigint, BlockHeader>;
  /** The fetcher's address-list generation the logs were fetched with. */
  generation: number;
}

export interface Checkpoint {
  number: bigint;
  hash: string;
  timestamp: bigint;
}

export interface IndexerStatus {
  checkpoint: Checkpoint;
  head: bigint;
  events: number;
  blocks: number;
  reorgs: number;
  hasIndexingErrors: boolean;
  lastError?: string;
  caughtUp: boolean;
}

export class Indexer extends EventEmitter {
  readonly rpc: RpcClient;
  readonly store: Store;
  private fetcher: LogFetcher;
  private decoders = new Map<string, Map<string, EventDecoder>>(); // address -> topic0 -> decoder
  private contractByAddress = new Map<string, string>();
  private templateDecoders = new Map<string, Map<string, EventDecoder>>();
  /** Addresses of factory-created contracts, by the block they were created in. */
  private dynamic = new Map<string, { contract: string; block: bigint }>();
  private finalityDepth: bigint;
  private pollIntervalMs: number;
  private log: NonNullable<IndexerOptions["log"]>;
  private stopped = false;
  private wake: (() => void) | undefined;
  status: IndexerStatus = {
    checkpoint: { number: -1n, hash: "", timestamp: 0n },
    head: 0n,
    events: 0,
    blocks: 0,
    reorgs: 0,
    hasIndexingErrors: false,
    caughtUp: false,
  };

  private opts: IndexerOptions;
  /**
   * The indexes a long backfill dropped (deferredIndexes) and has not built again yet, or
   * undefined. Built again after its last commit, when it fails, before a reorg's rollback, and
   * before any later step if that failed too (and by `migrate` at start-up after a crash).
   */
  private dropped: DeferredIndex[] | undefined;

  constructor(opts: IndexerOptions) {
    super();
    this.opts = opts;
    this.log = opts.log ?? (() => undefined);
    this.rpc = new RpcClient(opts.rpcUrl, {
      ...opts.rpc,
      onRetry: (i) => this.log("warn", "rpc retry", i),
    });
    // Templates are indexed from their factory's creation events only (a deployments entry for
    // one, such as the example venture, is found that way too).
    const contracts = Object.keys(opts.deployments.contracts).filter(
      (c) => opts.handlers[c] !== undefined && !(opts.templates ?? []).includes(c),
    );
    // decoders for the events with a handler only (decode() skips the others anyway)
    const byContract = buildDecoders(opts.artifactsDir, [...new Set([...contracts, ...(opts.templates ?? [])])], (c, event) => opts.handlers[c]?.[event] !== undefined);
    this.templateDecoders = byContract;
    for (const c of contracts) {
      const address = opts.deployments.contracts[c].address.toLowerCase();
      this.contractByAddress.set(address, c);
      this.decoders.set(address, byContract.get(c)!);
    }
    for (const [c, d] of Object.entries(opts.deployments.contracts)) this.contractByAddress.set(d.address.toLowerCase(), c);
    this.fetcher = new LogFetcher(this.rpc, contracts.map((c) => opts.deployments.contracts[c].address.toLowerCase()), opts.fetcher);
    this.store = new Store(opts.model, opts.db);
    this.finalityDepth = BigInt(opts.finalityDepth ?? 12);
    this.pollIntervalMs = opts.pollIntervalMs ?? 100;
  }

  private deploymentsKey(): string {
    const d = this.opts.deployments;
    return JSON.stringify([d.chainId, Object.entries(d.contracts).sort().map(([n, c]) => [n, c.address.toLowerCase(), c.blockNumber])]);
  }

  private startBlock(): bigint {
    const blocks = Object.keys(this.opts.handlers)
      .filter((c) => !(this.opts.templates ?? []).includes(c))
      .map((c) => this.opts.deployments.contracts[c]?.blockNumber)
      .filter((b): b is number => b !== undefined);
    return BigInt(blocks.length === 0 ? 0 : Math.min(...blocks));
  }

  /**
   * The first backfill ranges, asked of the node while init() waits for a database that opening
   * just made (a fresh PGlite: its migrations take half a second or more; in its worker thread,
   * INDEXER_PGLITE_THREAD=worker, its opening too; a new PostgreSQL schema: its ~119 DDL statements
   * take ~0.2 s, PostgreSQL's work while this thread waits): such a database holds no checkpoint,
   * so the backfill starts at startBlock().
   * Used by backfill() if it starts there, with a limit no lower than theirs; else dropped.
   */
  private early: { from: bigint; limit: Promise<bigint>; first: Promise<FetchedRange | undefined>; second?: { to: bigint; range: Promise<FetchedRange> } } | undefined;

  /**
   * Whether the node's eth_getLogs answers carry each log's blockTimestamp (see fetchRange), as
   * seen in the last answer with logs; "wrong" (for good) once one differed from its block's header.
   */
  private logTimestamps: "unknown" | "carried" | "absent" | "wrong" = "unknown";

  /** Asks for the first range from startBlock() and, once it is answered (it sizes the next), the second. */
  private prefetch(): void {
    const quiet = <T>(p: Promise<T>): Promise<T> => {
      p.catch(() => undefined); // used by backfill(), or dropped
      return p;
    };
    const from = this.startBlock();
    const limit = quiet(this.fetcher.blockNumber().then((head) => head - this.finalityDepth));
    const early: NonNullable<Indexer["early"]> = { from, limit, first: Promise.resolve(undefined) };
    early.first = quiet(
      limit.then(async (lim) => {
        if (from > lim) return undefined;
        const first = await this.fetchRange(from, this.fetcher.planTo(from, lim));
        if (first.to < lim && !this.stopped) {
          const to = this.fetcher.planTo(first.to + 1n, lim);
          early.second = { to, range: quiet(this.fetchRange(first.to + 1n, to)) };
        }
        return first;
      }),
    );
    this.early = early;
    if (TRACE) this.trace(`prefetching from ${from} while the database opens`);
  }

  /** Creates the tables, checks that the stored data belongs to this chain, loads the checkpoint. */
  async init(): Promise<void> {
    const { db, model } = this.opts;
    if (db.created && this.early === undefined) this.prefetch();
    await migrate(db, model, (m) => this.log("warn", m));
    await db.exec(`CREATE TABLE IF NOT EXISTS _contracts (address text PRIMARY KEY, contract text NOT NULL, block bigint NOT NULL)`);
    await this.loadDynamic();
    const meta = await this.readMeta();
    const key = this.deploymentsKey();
    if (meta.deployments !== undefined && meta.deployments !== key) {
      this.log("warn", "the deployments changed: re-indexing from the start");
      await this.reset();
      return;
    }
    if (meta.checkpoint_number !== undefined) {
      this.status.checkpoint = {
        number: BigInt(meta.checkpoint_number),
        hash: meta.checkpoint_hash,
        timestamp: BigInt(meta.checkpoint_timestamp ?? "0"),
      };
      // The chain must still contain our checkpoint (a restarted local chain does not).
      const h = await this.fetcher.header(this.status.checkpoint.number);
      if (h === null || h.hash !== this.status.checkpoint.hash) {
        const ancestor = await this.findAncestor();
        if (ancestor === null) {
          this.log("warn", "the chain no longer contains the indexed history: re-indexing from the start");
          await this.reset();
          return;
        }
        await this.rollbackTo(ancestor);
      }
    } else {
      await db.query(`INSERT INTO _meta (key, value) VALUES ('deployments', $1) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`, [key]);
      this.status.checkpoint = { number: this.startBlock() - 1n, hash: "", timestamp: 0n };
      await this.startEmptyIfSo();
    }
    this.log("info", "indexer initialised", { checkpoint: this.status.checkpoint.number.toString(), database: db.kind });
  }

  /** (Re)loads the factory-created contracts from the database. */
  private async loadDynamic(): Promise<void> {
    for (const [address] of this.dynamic) {
      this.fetcher.removeAddress(address);
      this.decoders.delete(address);
    }
    this.dynamic.clear();
    const rows = await this.opts.db.query<{ address: string; contract: string; block: string }>(`SELECT address, contract, block::text AS block FROM _contracts`);
    for (const r of rows) this.registerDynamic(r.contract, r.address, BigInt(r.block));
  }

  private registerDynamic(contract: string, address: string, block: bigint): boolean {
    const a = address.toLowerCase();
    if (this.decoders.has(a)) return false; // already indexed (deployed, or created before)
    const decoders = this.templateDecoders.get(contract);
    if (!decoders) throw new Error(`createContract: "${contract}" is not a template of this indexer`);
    this.decoders.set(a, decoders);
    this.contractByAddress.set(a, contract);
    this.dynamic.set(a, { contract, block });
    this.fetcher.addAddress(a);
    return true;
  }

  private async readMeta(): Promise<Record<string, string>> {
    const rows = await this.opts.db.query<{ key: string; value: string }>(`SELECT key, value FROM _meta`);
    return Object.fromEntries(rows.map((r) => [r.key, r.value]));
  }

  private async reset(): Promise<void> {
    await dropAll(this.opts.db, this.opts.model);
    this.dropped = undefined; // (tables made anew, with their indexes)
    await this.opts.db.exec(`DROP TABLE IF EXISTS _contracts`);
    this.store.clearCache();
    await migrate(this.opts.db, this.opts.model);
    await this.opts.db.exec(`CREATE TABLE IF NOT EXISTS _contracts (address text PRIMARY KEY, contract text NOT NULL, block bigint NOT NULL)`);
    await this.loadDynamic();
    await this.opts.db.query(`INSERT INTO _meta (key, value) VALUES ('deployments', $1)`, [this.deploymentsKey()]);
    this.status.checkpoint = { number: this.startBlock() - 1n, hash: "", timestamp: 0n };
    await this.startEmptyIfSo();
  }

  /**
   * Starting from nothing (no checkpoint): if the entity tables are indeed empty (one query), the
   * store need not look up rows it has not written (a fresh database's backfill skips those
   * queries: the first blocks' handlers ask for many rows one at a time).
   */
  private async startEmptyIfSo(): Promise<void> {
    const probes = this.opts.model.entities.map((e) => `(SELECT 1 AS x FROM "${e.table}" LIMIT 1)`);
    if (probes.length === 0) return;
    const rows = await this.opts.db.query(`${probes.join(" UNION ALL ")} LIMIT 1`);
    if (rows.length === 0) this.store.startEmpty();
  }

  stop(): void {
    this.stopped = true;
    this.wake?.();
  }

  /** Runs until stop(): catch up, then poll for new blocks. */
  async run(): Promise<void> {
    while (!this.stopped) {
      try {
        const progressed = await this.step();
        if (!progressed) {
          if (!this.status.caughtUp) {
            this.status.caughtUp = true;
            this.emit("caughtUp", this.status);
          }
          await new Promise<void>((r) => {
            this.wake = r;
            setTimeout(r, this.pollIntervalMs);
          });
        }
      } catch (err) {
        if (this.stopped) break;
        this.status.lastError = (err as Error).message;
        if ((err as { handlerError?: boolean }).handlerError) {
          this.status.hasIndexingErrors = true;
          this.log("error", "indexing error: indexing stops until the handler is fixed", { error: (err as Error).message });
          this.emit("failed", err);
          return;
        }
        this.log("warn", "sync step failed, retrying", { error: (err as Error).message });
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    this.rpc.close(); // the kept-alive connections (a later call opens new ones)
  }

  /** One unit of progress: a backfill range or one live block. False when at the head. */
  async step(): Promise<boolean> {
    await this.restoreIndexes(); // (left dropped only by a backfill whose failure failed to rebuild them)
    const head = await this.fetcher.blockNumber();
    this.status.head = head;
    const cp = this.status.checkpoint;
    if (head < cp.number) {
      await this.handleReorg();
      return true;
    }
    if (head === cp.number) {
      // same height: make sure it is still the same block
      const h = await this.fetcher.header(head);
      if (h !== null && cp.hash !== "" && h.hash !== cp.hash) {
        await this.handleReorg();
        return true;
      }
      return false;
    }
    const finalized = head - this.finalityDepth;
    if (cp.number + 1n <= finalized) {
      await this.backfill(cp.number + 1n, finalized);
    } else {
      this.early = undefined; // (ranges asked for early serve a backfill only)
      const to = head - cp.number > LIVE_RANGE_BLOCKS ? cp.number + LIVE_RANGE_BLOCKS : head;
      if (to === cp.number + 1n) await this.liveBlock(to);
      else await this.liveRange(cp.number + 1n, to);
    }
    return true;
  }

  /**
   * The logs of [from, to] and the headers they need: `from`'s (its parent continues the indexed
   * chain), `to`'s (the checkpoint), and a header for each block with logs (its hash and timestamp).
   * Where the node's logs carry their block's timestamp (EDR, geth ≥ 1.16 and reth add
   * `blockTimestamp`), a block's header is made from its logs instead, and the last block with
   * logs must have a fetched header (`to`'s, or its own fetched after the logs): a header fetched
   * from the chain with the hash the logs give for that block shows that the logs are of that
   * chain, up to that block (each block's hash covers its parent's). One header per block with
   * logs was most of what the node did besides eth_getLogs (a block of 100 transfers answers
   * eth_getBlockByNumber with 100 transaction hashes).
   */
  private async fetchRange(from: bigint, to: bigint): Promise<FetchedRange> {
    const generation = this.fetcher.generation;
    const fetchStart = performance.now();
    // The headers of a short range are asked for with its logs (every block of it: in a dense
    // range nearly all have logs), not after them: behind the next range's eth_getLogs in the
    // node's queue, they would hold this range back for that whole answer. A long (sparse)
    // range, or any range once the logs are known to carry timestamps, asks for its ends now
    // and for the blocks with logs once they are known.
    const eager: bigint[] = [];
    if (this.logTimestamps !== "carried" && to - from < EAGER_HEADER_BLOCKS) for (let b = from; b <= to; b++) eager.push(b);
    else eager.push(...(to > from ? [from, to] : [from]));
    const [logs, headers] = await Promise.all([this.fetcher.rangeLogs(from, to), this.fetcher.headers(eager)]);
    const logsDone = performance.now();
    if (logs.length > 0 && this.logTimestamps !== "wrong") {
      this.logTimestamps = logs[0].blockTimestamp !== undefined && logs[logs.length - 1].blockTimestamp !== undefined ? "carried" : "absent";
    }
    const missing: bigint[] = [];
    // headers made from the logs, and the last block they were made for
    const made = new Map<bigint, BlockHeader>();
    let lastMade: bigint | undefined;
    // whether a log's timestamp differs from its block's fetched header
    let wrong = false;
    let prev: bigint | undefined;
    for (const l of logs) {
      const n = l.blockNumber;
      if (n === prev) continue; // (logs come in block order)
      prev = n;
      const fetched = headers.get(n);
      if (fetched !== undefined) {
        if (l.blockTimestamp !== undefined && l.blockTimestamp !== fetched.timestamp) wrong = true;
      } else if (l.blockTimestamp === undefined || this.logTimestamps === "wrong") missing.push(n);
      else {
        made.set(n, { number: n, hash: l.blockHash, parentHash: "", timestamp: l.blockTimestamp });
        lastMade = n;
      }
    }
    // the last block with logs needs a fetched header (not needed when that is `to`, fetched
    // already: the check of its logs covers the blocks before it)
    if (lastMade !== undefined && logs[logs.length - 1].blockNumber === lastMade) missing.push(lastMade);
    if (missing.length > 0) for (const [b, h] of await this.fetcher.headers(missing)) headers.set(b, h);
    const checked = lastMade === undefined ? undefined : headers.get(lastMade);
    if (checked !== undefined && checked.timestamp !== made.get(lastMade!)!.timestamp) wrong = true;
    if (wrong && this.logTimestamps !== "wrong") {
      // A node whose logs' timestamps are not its blocks': from now on every block with logs
      // gets its fetched header, and so do this range's (the ones made from logs are dropped).
      this.logTimestamps = "wrong";
      this.log("warn", "the node's logs carry block timestamps that differ from its block headers: fetching every header", { block: String(lastMade ?? from) });
    }
    if (this.logTimestamps === "wrong") {
      const refetch = [...made.keys()].filter((b) => !headers.has(b));
      if (refetch.length > 0) for (const [b, h] of await this.fetcher.headers(refetch)) headers.set(b, h);
    } else for (const [b, h] of made) if (!headers.has(b)) headers.set(b, h);
    if (TRACE) this.trace(`fetched ${from}..${to}: ${logs.length} logs and headers in ${(logsDone - fetchStart).toFixed(0)} ms, ${missing.length} more headers ${(performance.now() - logsDone).toFixed(0)} ms`);
    return { from, to, logs, headers, generation };
  }

  /**
   * A range fetched before contracts joined the address list: adds those contracts' logs (merged
   * in chain order) and the headers they need, or fetches the range again if the list also lost
   * an address.
   */
  private async completeRange(cur: FetchedRange): Promise<FetchedRange> {
    const generation = this.fetcher.generation;
    const added = this.fetcher.addedSince(cur.generation);
    if (added === undefined) return this.fetchRange(cur.from, cur.to);
    const more = added.length === 0 ? [] : await this.fetcher.logsOf(added, cur.from, cur.to);
    const missing = [...new Set(more.map((l) => l.blockNumber))].filter((b) => !cur.headers.has(b));
    const headers = new Map(cur.headers);
    for (const [b, h] of await this.fetcher.headers(missing)) headers.set(b, h);
    return { from: cur.from, to: cur.to, logs: mergeLogs(cur.logs, more), headers, generation };
  }

  /**
   * Indexes the finalized blocks [from, limit] as a pipeline: ranges are requested `inFlight`
   * ahead of their projection (one until the first range is projected: it may create contracts,
   * whose logs the node should not serve behind big answers), and projected ranges are gathered
   * into batches of about BACKFILL_BATCH_LOGS logs (at most `maxRange` blocks), each written in
   * one transaction with its checkpoint while the next batch is projected on top of it. Any failure waits for the write in progress,
   * forgets what was projected after the last committed batch and rethrows: the run loop resumes
   * from the last committed checkpoint.
   */
  private async backfill(from: bigint, limit: bigint): Promise<void> {
    const quiet = <T>(p: Promise<T>): Promise<T> => {
      p.catch(() => undefined); // awaited later, or abandoned: never an unhandled rejection
      return p;
    };
    // the ranges requested ahead, in chain order, and the first block not requested yet
    const ahead: Promise<FetchedRange>[] = [];
    let planned = from;
    let depth = 0; // ranges requested ahead: none until the first range is projected
    const fill = () => {
      while (ahead.length < Math.max(1, depth) && planned <= limit && !this.stopped) {
        const to = this.fetcher.planTo(planned, limit);
        ahead.push(quiet(this.fetchRange(planned, to)));
        planned = to + 1n;
      }
    };
    // the ranges asked for while the database opened, if the backfill starts where they do
    const early = this.early;
    this.early = undefined;
    if (early !== undefined && early.from === from && (await early.limit.catch(() => limit + 1n)) <= limit) {
      const first = await early.first.catch(() => undefined);
      if (first !== undefined) {
        ahead.push(Promise.resolve(first));
        planned = first.to + 1n;
        if (early.second !== undefined) {
          ahead.push(early.second.range);
          planned = early.second.to + 1n;
        }
        if (TRACE) this.trace(`backfill starts with the ranges asked for early, up to ${planned - 1n}`);
      }
    }
    fill();
    // The batch being written, and the one before it if that is still committing: on PostgreSQL a
    // batch's transaction starts while the previous one commits (on another connection), writes
    // its new immutable rows (the bulk: Store.flushNew), then waits for that commit before the
    // rest (mutable rows, checkpoint). If the previous batch fails, so does this one (rolled
    // back), so a checkpoint is never committed without every batch before it. PGlite runs one
    // transaction at a time: there the batches are written one after the other.
    let writing: Promise<void> | undefined;
    let older: Promise<void> | undefined;
    const overlap = this.opts.db.kind === "postgres";
    let prevHash = this.status.checkpoint.hash;
    // the batch being projected
    let batchFrom: bigint | undefined;
    let batchLogs = 0;
    let batchEvents = 0;
    let batchCreated: { contract: string; address: string; block: bigint }[] = [];
    let batches = 0;
    const forgetProjected = async () => {
      this.store.discard();
      this.pendingContracts = [];
      await this.loadDynamic();
    };
    // A long backfill (a full batch with more to come) writes the tables it fills (those with
    // HEAVY_TABLE_ROWS rows in that batch) without their secondary indexes, and immutable ones
    // without their primary key, and builds them once at the end (restoreIndexes), which is several
    // times cheaper than maintaining them row by row.
    try {
      while (ahead.length > 0) {
        let cur: FetchedRange = await ahead.shift()!;
        // The first range is projected before anything else is asked of the node: it may create
        // contracts, whose logs (createContract) would otherwise wait behind a big answer.
        if (depth > 0) fill();
        // A contract created in an earlier range joined the address list after this range was
        // fetched: add that contract's logs to it.
        if (cur.generation !== this.fetcher.generation) cur = await this.completeRange(cur);
        const last = ahead.length === 0 && (planned > limit || this.stopped); // no range after this one
        const { to, logs, headers } = cur;
        // The range must continue the indexed chain (a restarted or rewound chain does not).
        if (prevHash !== "" && headers.get(cur.from)!.parentHash !== prevHash) {
          await writing;
          writing = undefined;
          if (batchFrom !== undefined) await forgetProjected();
          await this.restoreIndexes(); // the rollback deletes and restores rows by id
          await this.handleReorg();
          return;
        }
        let checked: bigint | undefined;
        let checkedHash = "";
        for (const l of logs) {
          if (l.blockNumber === checked && l.blockHash === checkedHash) continue; // as the log before
          const h = headers.get(l.blockNumber)!;
          if (l.blockHash !== h.hash) throw new Error(`log of block ${l.blockNumber} has hash ${l.blockHash}, header says ${h.hash}: chain moving, retrying`);
          checked = l.blockNumber;
          checkedHash = l.blockHash;
        }
        const projectStart = performance.now();
        batchEvents += await this.project(logs, headers, to);
        if (TRACE) this.trace(`projected ${cur.from}..${to}: ${logs.length} logs in ${(performance.now() - projectStart).toFixed(0)} ms`);
        depth = this.fetcher.inFlight;
        fill();
        batchCreated.push(...this.pendingContracts);
        this.pendingContracts = [];
        batchFrom ??= cur.from;
        batchLogs += logs.length;
        const end = headers.get(to)!;
        prevHash = end.hash;
        const full = batchLogs >= (batches === 0 ? this.opts.backfillBatchLogs?.first ?? BACKFILL_FIRST_BATCH_LOGS : this.opts.backfillBatchLogs?.full ?? BACKFILL_BATCH_LOGS);
        if (last || full || to - batchFrom + 1n >= BigInt(this.fetcher.maxRange)) {
          const drop = this.dropped === undefined && !last && full;
          if (!overlap || drop) {
            await writing; // the previous batch is in the database
            writing = undefined;
          } else await older; // at most two batches in flight
          older = undefined;
          const batch = this.store.seal();
          if (drop) {
            const heavy = new Set(this.opts.model.entities.filter((e) => batch.pending.get(e.name)!.size >= (this.opts.heavyTableRows ?? HEAVY_TABLE_ROWS)).map((e) => e.table));
            const dropped = deferredIndexes(this.opts.model).filter((ix) => heavy.has(ix.table));
            this.dropped = dropped; // before the drop: a failure in it rebuilds them (IF NOT EXISTS)
            if (dropped.length > 0) await this.opts.db.exec(dropped.map((ix) => ix.drop).join(";\n"));
            this.log("info", "backfill: writing without secondary indexes (and immutable tables without their primary key) until caught up", { tables: [...heavy] });
          }
          this.pendingContracts = batchCreated;
          older = writing;
          writing = quiet(this.commit(end, batchEvents, undefined, to - batchFrom + 1n, batch, older));
          batchFrom = undefined;
          batchLogs = 0;
          batchEvents = 0;
          batchCreated = [];
          batches++;
        }
      }
      await writing;
      writing = undefined;
      await this.restoreIndexes();
    } catch (err) {
      await writing?.catch(() => undefined);
      await forgetProjected(); // not in the database
      try {
        await this.restoreIndexes();
      } catch (e) {
        if ((e as { handlerError?: boolean }).handlerError) throw e; // a duplicate id: final
        this.log("warn", "backfill: rebuilding the dropped indexes failed (the next step tries again, and start-up migrations)", { error: (e as Error).message });
      }
      throw err;
    } finally {
      for (const p of ahead) await p.catch(() => undefined);
    }
  }

  /**
   * Builds the indexes a long backfill dropped (this.dropped), once its last batch has committed.
   * Started earlier (it used to start once every remaining range was requested), a CREATE INDEX
   * waits for the write in progress and the last batches then wait for it and write into the
   * rebuilt indexes row by row, and the account updates lose their HOT path (see
   * MUTABLE_FILLFACTOR): PostgreSQL backends 2.87 -> 2.27 s of CPU per backfill of 100k transfers
   * when the rebuild waits (4 alternating pairs). PGlite runs in this thread, one statement at a
   * time: there an early rebuild also stalled the projection. A primary key that finds a
   * duplicate id fails with keyError (final); `this.dropped` is cleared only once all are built.
   */
  private async restoreIndexes(): Promise<void> {
    const dropped = this.dropped;
    if (dropped === undefined) return;
    const started = performance.now();
    // On PostgreSQL as many at a time as there are cores (each its own transaction: a lane never
    // holds one table's lock while waiting for another's), without parallel maintenance
    // workers. Each index's table scan is paid by a backend that maps the shared buffers page by
    // page, so a fresh connection per index, and worker processes, cost more than they gain on
    // a few cores (6 indexes of 100k rows on 2 cores: 1.6 s of backend CPU on 6 connections,
    // 1.2 s on 2; 1.8 s instead of 1.1 s of wall time with 2 workers each). The pool hands a
    // lane back the connection it just released. PGlite runs statements one at a time anyway.
    const pg = this.opts.db.kind === "postgres";
    const lanes = pg ? Math.max(1, Math.min(availableParallelism(), dropped.length)) : 1;
    // Committed asynchronously (no wait for the WAL flush of the index's pages): an index lost
    // with a crash of PostgreSQL is created again by `migrate` at start-up (a primary key too).
    const create = (sql: string) => (pg ? `BEGIN; SET LOCAL max_parallel_maintenance_workers = 0; SET LOCAL synchronous_commit = off; ${sql}; COMMIT` : sql);
    // every build runs to its end before a failure is reported (no build left running behind it)
    const results = await Promise.allSettled(
      Array.from({ length: lanes }, async (_, lane) => {
        for (let k = lane; k < dropped.length; k += lanes) {
          const t = performance.now();
          // (an API-role process starting meanwhile may be creating the same index: createMissing)
          await createMissing(this.opts.db, dropped[k].create, create(dropped[k].create)).catch((err) => Promise.reject(keyError(dropped[k].table, err)));
          if (TRACE) this.trace(`index ${dropped[k].name} built in ${(performance.now() - t).toFixed(0)} ms (lane ${lane})`);
        }
      }),
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed !== undefined) throw failed.reason;
    // The keys' indexes become the keys (ACCESS EXCLUSIVE locks, after the builds: no lane waits),
    // where a key is missing: an API-role process starting meanwhile (its `migrate`) may have
    // added one back already.
    if (dropped.some((ix) => ix.name === primaryKeyName(ix.table))) await restoreKeys(this.opts.db, this.opts.model);
    if (TRACE) this.trace(`${dropped.length} dropped indexes rebuilt in ${(performance.now() - started).toFixed(0)} ms`);
    this.dropped = undefined;
    this.log("info", "backfill: dropped indexes rebuilt");
  }

  private async liveBlock(n: bigint): Promise<void> {
    const h = await this.fetcher.header(n);
    if (h === null) return; // not there yet
    if (this.status.checkpoint.hash !== "" && h.parentHash !== this.status.checkpoint.hash) {
      await this.handleReorg();
      return;
    }
    const logs = await this.fetcher.logs(n, n);
    for (const l of logs) {
      if (l.blockHash !== h.hash) throw new Error(`block ${n} changed while reading it: retrying`);
    }
    const events = await this.project(logs, new Map([[n, h]]), n);
    await this.commit(h, events, n, 1n);
  }

  /**
   * Indexes the unfinalized blocks [from, to] (all mined: `to` is at most the head just read) in
   * one transaction, as liveBlock does one block. Their headers must link to the checkpoint and to
   * each other, and every log must belong to its block's header: otherwise the chain changed while
   * they were read (a reorg at the checkpoint is handled here; inside the range, the step is
   * retried). Only `to` joins the tracked blocks and the range's undo entries carry `from`: a reorg
   * inside the range finds the block before it as the ancestor and rolls the whole range back,
   * which a range committed together needs anyway.
   */
  private async liveRange(from: bigint, to: bigint): Promise<void> {
    const numbers: bigint[] = [];
    for (let b = from; b <= to; b++) numbers.push(b);
    const [headers, logs] = await Promise.all([this.fetcher.headers(numbers), this.fetcher.logs(from, to)]);
    const first = headers.get(from)!;
    if (this.status.checkpoint.hash !== "" && first.parentHash !== this.status.checkpoint.hash) {
      await this.handleReorg();
      return;
    }
    for (let b = from + 1n; b <= to; b++) {
      if (headers.get(b)!.parentHash !== headers.get(b - 1n)!.hash) throw new Error(`block ${b} changed while reading blocks ${from}..${to}: retrying`);
    }
    for (const l of logs) {
      if (l.blockHash !== headers.get(l.blockNumber)?.hash) throw new Error(`block ${l.blockNumber} changed while reading blocks ${from}..${to}: retrying`);
    }
    const events = await this.project(logs, headers, to);
    await this.commit(headers.get(to)!, events, from, to - from + 1n);
  }

  /** The `block` of the events of a block: one object per block, shared by its events. */
  private eventBlock(headers: Map<bigint, BlockHeader>, blocks: Map<bigint, IndexedEvent["block"]>, n: bigint): IndexedEvent["block"] {
    let b = blocks.get(n);
    if (b === undefined) {
      const h = headers.get(n)!;
      b = { number: n, hash: h.hash, timestamp: h.timestamp };
      blocks.set(n, b);
    }
    return b;
  }

  private decode(l: Log, headers: Map<bigint, BlockHeader>, blocks: Map<bigint, IndexedEvent["block"]>) {
    if (l.removed) return undefined;
    const address = l.address;
    const decoder = this.decoders.get(address)?.get(l.topics[0]);
    if (!decoder) return undefined;
    const handler = this.opts.handlers[decoder.contract]?.[decoder.event];
    if (!handler) return undefined;
    const logIndex = l.logIndex;
    const ev: IndexedEvent = {
      contract: decoder.contract,
      address,
      event: decoder.event,
      args: decoder.decode(l.topics, l.data),
      block: this.eventBlock(headers, blocks, l.blockNumber),
      transactionHash: l.transactionHash,
      logIndex,
      id: eventId(l.transactionHash, logIndex),
    };
    return { ev, handler };
  }

  /** Decodes the logs and runs the handlers into the store (not yet written); `to` ends the range. */
  private async project(logs: Log[], headers: Map<bigint, BlockHeader>, to: bigint): Promise<number> {
    type Item = { ev: IndexedEvent; handler: NonNullable<HandlerMap[string][string]> };
    const events: Item[] = [];
    const blocks = new Map<bigint, IndexedEvent["block"]>();
    for (const l of logs) {
      const item = this.decode(l, headers, blocks);
      if (item) events.push(item);
    }
    const wants = new Map<string, Set<string>>();
    const want = (entity: string, id: string) => {
      let ids = wants.get(entity);
      if (!ids) wants.set(entity, (ids = new Set()));
      ids.add(id);
    };
    for (const { ev, handler } of events) {
      if (handler.preloadInto !== undefined) handler.preloadInto(ev, want);
      else if (handler.preload !== undefined) for (const [entity, id] of handler.preload(ev)) want(entity, id);
    }
    await this.store.preload(wants);
    let current: IndexedEvent | undefined;
    const created: { contract: string; address: string; block: bigint }[] = [];
    const ctx = {
      store: this.store,
      deployments: this.opts.deployments,
      contractAt: (a: string) => this.contractByAddress.get(a.toLowerCase()),
      createContract: async (contract: string, address: string) => {
        const at = current!;
        if (!this.registerDynamic(contract, address, at.block.number)) return;
        created.push({ contract, address: address.toLowerCase(), block: at.block.number });
        // The new contract's events later in this range join the stream in chain order.
        const more = await this.fetcher.logsOf([address.toLowerCase()], at.block.number, to);
        const missing = [...new Set(more.map((l) => l.blockNumber))].filter((b) => !headers.has(b));
        for (const [b, h] of await this.fetcher.headers(missing)) headers.set(b, h);
        const after = more
          .filter((l) => l.blockNumber > at.block.number || l.logIndex > at.logIndex)
          .map((l) => this.decode(l, headers, blocks))
          .filter((x): x is Item => x !== undefined);
        for (const item of after) {
          // insert by (block, logIndex)
          let k = events.length;
          while (k > 0 && (events[k - 1].ev.block.number > item.ev.block.number ||
            (events[k - 1].ev.block.number === item.ev.block.number && events[k - 1].ev.logIndex > item.ev.logIndex))) k--;
          events.splice(k, 0, item);
        }
      },
    };
    try {
      let slice = performance.now();
      for (let i = 0; i < events.length; i++) {
        // A long projection gives the event loop a turn every few milliseconds: the batch being
        // committed meanwhile sends its next statement as soon as the database answers the last
        // one (its ~20 round trips would otherwise wait for the whole range), and answers of the
        // ranges fetched ahead are read, so the database and the node work while we project.
        if ((i & 255) === 255 && performance.now() - slice >= YIELD_MS) {
          await new Promise<void>((r) => setImmediate(r));
          slice = performance.now();
        }
        const { ev, handler } = events[i];
        current = ev;
        this.store.block = ev.block.number;
        try {
          await handler.handle(ev, ctx);
        } catch (err) {
          const e = new Error(`${ev.contract}.${ev.event} handler failed at block ${ev.block.number} (tx ${ev.transactionHash}): ${(err as Error).message}`);
          (e as { handlerError?: boolean }).handlerError = true;
          throw e;
        }
      }
      try {
        this.store.checkDrafts();
      } catch (err) {
        const e = new Error(`a handler wrote an invalid value in blocks ${logs[0]?.blockNumber ?? to}..${to}: ${(err as Error).message}`);
        (e as { handlerError?: boolean }).handlerError = true;
        throw e;
      }
    } catch (err) {
      this.store.discard();
      // forget contracts discovered in a batch that will not be written
      for (const c of created) {
        this.dynamic.delete(c.address);
        this.decoders.delete(c.address);
        this.fetcher.removeAddress(c.address);
      }
      throw err;
    }
    this.pendingContracts = created;
    return events.length;
  }

  private pendingContracts: { contract: string; address: string; block: bigint }[] = [];

  /**
   * Writes a batch (or the current one) with its checkpoint in one transaction. `after`: the
   * previous batch's commit, still in progress: this batch's new immutable rows are written
   * meanwhile, the rest once it has committed (if it fails, this transaction is rolled back).
   */
  private async commit(last: BlockHeader, events: number, undoBlock: bigint | undefined, blockCount: bigint, batch?: Batch, after?: Promise<void>): Promise<void> {
    const finalized = this.status.head - this.finalityDepth;
    const commitStart = performance.now();
    try {
      const created = this.pendingContracts;
      this.pendingContracts = [];
      await this.opts.db.transaction(async (tx) => {
        // A backfill batch commits asynchronously (PostgreSQL acknowledges it before its WAL is
        // flushed to disk): a crash of PostgreSQL or of the machine can lose the last batches
        // committed so, but never part of one, and the checkpoint is written in the same
        // transaction as the rows — the database comes back at an earlier checkpoint with exactly
        // the rows up to it, and the backfill resumes from there. (A crash of the indexer loses
        // nothing PostgreSQL has acknowledged.) Live blocks keep the server's setting.
        const prelude = batch !== undefined && undoBlock === undefined ? "SET LOCAL synchronous_commit = off" : undefined;
        if (after !== undefined && batch !== undefined) {
          await this.store.flushNew(tx, batch, prelude);
          await after;
          await this.store.flush(tx, undoBlock, batch);
        } else await this.store.flush(tx, undoBlock, batch, prelude);
        // the bookkeeping in one statement (one round trip): the contracts created, the
        // checkpoint, the tracked block, and what finality lets go of
        await tx.query(
          `WITH m AS (INSERT INTO _meta (key, value) VALUES ('checkpoint_number', $1::text), ('checkpoint_hash', $2::text), ('checkpoint_timestamp', $3::text)
             ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value),
           b AS (INSERT INTO _blocks (number, hash, parent_hash, timestamp) VALUES ($1::bigint, $2::text, $4::text, $3::bigint)
             ON CONFLICT (number) DO UPDATE SET hash = EXCLUDED.hash, parent_hash = EXCLUDED.parent_hash, timestamp = EXCLUDED.timestamp),
           db AS (DELETE FROM _blocks WHERE number < $5::bigint AND number < $1::bigint),
           du AS (DELETE FROM _undo WHERE block < $5::bigint),
           c AS (INSERT INTO _contracts (address, contract, block) SELECT * FROM unnest($6::text[], $7::text[], $8::bigint[]) ON CONFLICT (address) DO NOTHING)
           SELECT 1`,
          [
            last.number.toString(), last.hash, last.timestamp.toString(), last.parentHash, finalized.toString(),
            created.map((c) => c.address), created.map((c) => c.contract), created.map((c) => c.block.toString()),
          ],
        );
      });
    } catch (err) {
      this.store.discard();
      await this.loadDynamic();
      throw err;
    }
    this.store.committed(batch);
    if (TRACE) this.trace(`committed ..${last.number}: ${events} events in ${(performance.now() - commitStart).toFixed(0)} ms`);
    this.status.checkpoint = { number: last.number, hash: last.hash, timestamp: last.timestamp };
    this.status.events += events;
    this.status.blocks += Number(blockCount);
    this.emit("block", this.status.checkpoint, events);
  }

  private trace(msg: string): void {
    process.stderr.write(`[indexer ${((performance.now() - traceStart) / 1000).toFixed(3)}s] ${msg}\n`);
  }

  /** The newest indexed block that is still on the chain, or null if none we track is. */
  private async findAncestor(): Promise<bigint | null> {
    const tracked = await this.opts.db.query<{ number: string; hash: string }>(`SELECT number::text AS number, hash FROM _blocks ORDER BY number DESC`);
    for (const b of tracked) {
      const n = BigInt(b.number);
      const h = await this.fetcher.header(n);
      if (h !== null && h.hash === b.hash) return n;
    }
    return null;
  }

  private async handleReorg(): Promise<void> {
    const ancestor = await this.findAncestor();
    this.status.reorgs++;
    if (ancestor === null) {
      this.log("warn", "reorg deeper than the tracked blocks: re-indexing from the start");
      await this.reset();
      this.emit("reorg", -1n);
      return;
    }
    await this.rollbackTo(ancestor);
  }

  private async rollbackTo(ancestor: bigint): Promise<void> {
    const rows = await this.opts.db.query<{ hash: string; timestamp: string }>(`SELECT hash, timestamp::text AS timestamp FROM _blocks WHERE number = $1`, [ancestor.toString()]);
    const from = this.status.checkpoint.number;
    let restored = 0;
    await this.opts.db.transaction(async (tx) => {
      restored = await this.store.rollback(tx, ancestor);
      await tx.query(`DELETE FROM _blocks WHERE number > $1`, [ancestor.toString()]);
      await tx.query(`DELETE FROM _contracts WHERE block > $1`, [ancestor.toString()]);
      await tx.query(
        `INSERT INTO _meta (key, value) VALUES ('checkpoint_number', $1), ('checkpoint_hash', $2), ('checkpoint_timestamp', $3)
         ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`,
        [ancestor.toString(), rows[0].hash, rows[0].timestamp],
      );
    });
    this.status.checkpoint = { number: ancestor, hash: rows[0].hash, timestamp: BigInt(rows[0].timestamp) };
    await this.loadDynamic();
    this.log("warn", "reorg: rolled back", { from: from.toString(), to: ancestor.toString(), restored });
    this.emit("reorg", ancestor);
  }
}

/** Merges two lists of logs, each in chain order (block number, log index), into one. */
export function mergeLogs(a: Log[], b: Log[]): Log[] {
  if (b.length === 0) return a;
  const out: Log[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const ab = a[i].blockNumber;
    const al = a[i].logIndex;
    const bb = b[j].blockNumber;
    const bl = b[j].logIndex;
    if (ab < bb || (ab === bb && al < bl)) out.push(a[i++]);
    else if (ab === bb && al === bl) {
      out.push(a[i++]); // the same log in both: once
      j++;
    } else out.push(b[j++]);
  }
  while (i < a.length) out.push(a[i++]);
  while (j < b.length) out.push(b[j++]);
  return out;
}
