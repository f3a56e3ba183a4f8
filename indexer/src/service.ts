// The indexer service: one database, the single writer that indexes (a PostgreSQL advisory lock
// makes sure there is one), and the API. A process that cannot take the writer lock serves the
// API only, reading the writer's progress from the database (API replicas).
import { readFileSync } from "node:fs";
import { openDatabase, type Database } from "./database/adapter.ts";
import { API_MIGRATE_LOCK_TIMEOUT_MS, migrate, dropAll } from "./database/migrations.ts";
import { HANDLERS, TEMPLATES } from "./indexing/handlers/index.ts";
import { Indexer } from "./indexing/runner.ts";
import type { Deployments } from "./indexing/types.ts";
import { loadModel, type Model } from "./schema/model.ts";
import { startApi, type ApiServer } from "./server/http.ts";
import type { MetaSource } from "./server/resolvers.ts";
import { AuthService } from "./server/auth.ts";
import { SpecStore } from "./server/specs.ts";
import { QuoteBoard, wallClock } from "./server/quotes.ts";
import { OFFCHAIN_SDL, offchainResolvers } from "./server/offchain.ts";
import { ensureAlertTable, runDetectors } from "./detect/detectors.ts";

export type LogFn = (level: "info" | "warn" | "error", msg: string, fields?: Record<string, unknown>) => void;

export interface ServiceConfig {
  rpcUrl: string;
  deployments: Deployments | string;
  artifactsDir: string;
  databaseUrl?: string;
  dataDir?: string;
  databaseSchema?: string;
  port: number;
  host?: string;
  finalityDepth?: number;
  pollIntervalMs?: number;
  /** Largest getLogs range in blocks (tests use a small one to make many commits). */
  maxRange?: number;
  rpcTimeoutMs?: number;
  /** "auto": index if the writer lock is free, else serve only; "api": serve only. */
  role?: "auto" | "api";
  fresh?: boolean;
  /** SIWE domains and URI prefixes accepted besides the API's own address (e.g. the web app's). */
  siweDomains?: string[];
  siweUris?: string[];
  /** Browser origins allowed by CORS (the web app). */
  corsOrigins?: string[];
  /** Requests per second per IP and per signed-in address (burst: twice that). */
  rateLimit?: { perIp: number; perAddress: number };
  log?: LogFn;
  model?: Model;
}

export interface Service {
  db: Database;
  api: ApiServer;
  auth: AuthService;
  board: QuoteBoard | undefined;
  indexer: Indexer | undefined;
  role: "writer" | "api";
  /** Resolves once the writer first reaches the chain head (at once for an API replica). */
  caughtUp: Promise<void>;
  stop(): Promise<void>;
}

export async function startService(cfg: ServiceConfig): Promise<Service> {
  const log: LogFn = cfg.log ?? (() => undefined);
  const model = cfg.model ?? loadModel();
  const deployments: Deployments =
    typeof cfg.deployments === "string" ? JSON.parse(readFileSync(cfg.deployments, "utf8")) : cfg.deployments;
  const db = await openDatabase({ url: cfg.databaseUrl, dataDir: cfg.dataDir, schema: cfg.databaseSchema ?? "ubc", model });
  const isWriter = cfg.role !== "api" && (await db.tryWriterLock("indexer"));
  if (isWriter && cfg.fresh) await dropAll(db, model);

  let indexer: Indexer | undefined;
  let running: Promise<void> = Promise.resolve();
  let caughtUp: Promise<void> = Promise.resolve();
  const listeners = new Set<() => void>();
  let meta: MetaSource;
  let replicaTimer: NodeJS.Timeout | undefined;

  if (isWriter) {
    const ix = new Indexer({
      rpcUrl: cfg.rpcUrl, deployments, artifactsDir: cfg.artifactsDir, db, model, handlers: HANDLERS, templates: TEMPLATES,
      finalityDepth: cfg.finalityDepth, pollIntervalMs: cfg.pollIntervalMs, log,
      fetcher: cfg.maxRange === undefined ? undefined : { initialRange: cfg.maxRange, maxRange: cfg.maxRange },
      rpc: cfg.rpcTimeoutMs === undefined ? undefined : { timeoutMs: cfg.rpcTimeoutMs },
    });
    indexer = ix;
    await ix.init();
    // Indexing starts now: the API's start-up below overlaps the backfill.
    running = ix.run();
    ix.on("block", () => { for (const l of listeners) l(); });
    ix.on("reorg", () => { for (const l of listeners) l(); });
    caughtUp = new Promise((resolve) => ix.once("caughtUp", () => resolve()));
    meta = {
      block: () => (ix.status.checkpoint.number < 0n ? null : ix.status.checkpoint),
      hasIndexingErrors: () => ix.status.hasIndexingErrors,
      deployment: model.hash,
      onBlock: (l) => { listeners.add(l); return () => listeners.delete(l); },
    };
  } else {
    // not the writer: a missing index whose table a writer holds is left to it (MigrateOptions)
    await migrate(db, model, (m) => log("warn", m), { lockTimeoutMs: API_MIGRATE_LOCK_TIMEOUT_MS });
    let latest: { number: bigint; hash: string; timestamp: bigint } | null = null;
    const poll = async () => {
      const rows = await db.query<{ key: string; value: string }>(`SELECT key, value FROM _meta WHERE key LIKE 'checkpoint_%'`).catch(() => []);
      const m = Object.fromEntries(rows.map((r) => [r.key, r.value]));
      if (m.checkpoint_number !== undefined && (latest === null || latest.hash !== m.checkpoint_hash)) {
        latest = { number: BigInt(m.checkpoint_number), hash: m.checkpoint_hash, timestamp: BigInt(m.checkpoint_timestamp ?? "0") };
        for (const l of listeners) l();
      }
    };
    await poll();
    replicaTimer = setInterval(() => void poll(), 500);
    meta = {
      block: () => latest,
      hasIndexingErrors: () => false,
      deployment: model.hash,
      onBlock: (l) => { listeners.add(l); return () => listeners.delete(l); },
    };
  }

  const started = Date.now();
  const siweDomains = [...(cfg.siweDomains ?? [])];
  const siweUris = [...(cfg.siweUris ?? [])];
  const auth = new AuthService(db, { domains: siweDomains, uriPrefixes: siweUris, chainId: deployments.chainId, rpcUrl: cfg.rpcUrl });
  // Threat detection's run in progress (below), awaited before the database closes: it would
  // otherwise fail on a closed pool, and say so.
  let detecting: Promise<void> | undefined;
  let stopping = false;
  // The indexer already runs: a failure from here on stops it before the error surfaces.
  const abortStart = async (err: unknown): Promise<never> => {
    stopping = true;
    indexer?.stop();
    await running.catch(() => undefined);
    await detecting;
    await db.close().catch(() => undefined);
    throw err;
  };
  await auth.init().catch(abortStart);
  const market = deployments.contracts.WorkMarket;
  const board = market
    ? new QuoteBoard(db, auth, {
        chainId: deployments.chainId, workMarket: market.address, rpcUrl: cfg.rpcUrl, artifactsDir: cfg.artifactsDir,
        // expiry by the chain's time: a devnet's clock may run ahead of the wall clock
        clock: () => {
          const wall = wallClock();
          const head = meta.block()?.timestamp ?? 0n;
          return head > wall ? head : wall;
        },
      })
    : undefined;
  await board?.init().catch(abortStart);
  const specs = new SpecStore(db);
  await specs.init().catch(abortStart);
  await ensureAlertTable(db).catch(abortStart);

  // Threat detection: once caught up, then after indexed blocks, at most every two seconds (writer
  // only). Not during the backfill: each run queries whole tables of a projection that is still
  // history (its findings are the catch-up run's too), on the connections and cores the backfill
  // writes with.
  const alertCounts = new Map<string, number>();
  let lastDetect = 0;
  const detect = () => {
    if (!indexer || !indexer.status.caughtUp || stopping || detecting || Date.now() - lastDetect < 2_000) return;
    lastDetect = Date.now();
    detecting = detectOnce().finally(() => (detecting = undefined));
  };
  const detectOnce = async () => {
    try {
      await runDetectors(db, indexer!.status.checkpoint.number);
      const rows = await db.query<{ kind: string; n: string }>(`SELECT kind, count(*)::text AS n FROM _alerts GROUP BY kind`);
      alertCounts.clear();
      for (const r of rows) alertCounts.set(r.kind, Number(r.n));
    } catch (err) {
      log("warn", "threat detection failed", { error: (err as Error).message });
    }
  };
  indexer?.on("block", detect);
  void caughtUp.then(detect);
  const boardListeners = new Set<() => void>();
  const api = await startApi({
    model, db, meta, port: cfg.port, host: cfg.host, log, auth,
    extra: { typeDefs: OFFCHAIN_SDL, resolvers: offchainResolvers(model, db, board, meta, (l) => (board ? board.onChange(l) : (boardListeners.add(l), () => boardListeners.delete(l)))) },
    routes: async (ctx) => (await specs.route(ctx)) || (board !== undefined && (await board.route(ctx))),
    corsOrigins: cfg.corsOrigins ?? ["http://localhost:3000", "http://127.0.0.1:3000"],
    rateLimit: cfg.rateLimit ?? { perIp: 200, perAddress: 50 },
    health: () => {
      if (!indexer) return { ok: true, role: "api", block: meta.block()?.number.toString() ?? null };
      const s = indexer.status;
      return {
        ok: !s.hasIndexingErrors,
        role: "writer",
        block: s.checkpoint.number.toString(),
        head: s.head.toString(),
        lag: (s.head - s.checkpoint.number).toString(),
        caughtUp: s.caughtUp,
        error: s.lastError ?? null,
      };
    },
    metrics: () => {
      const alertLines = ["# TYPE threat_alerts gauge", ...[...alertCounts].map(([k, n]) => `threat_alerts{kind="${k}"} ${n}`)];
      const boardLines = board ? ["# TYPE quote_posts_total counter", `quote_posts_total ${board.counters.posted}`, "# TYPE quote_refusals_total counter", `quote_refusals_total ${board.counters.refused}`] : [];
      boardLines.push("# TYPE spec_posts_total counter", `spec_posts_total ${specs.counters.posted}`, "# TYPE spec_reads_total counter", `spec_reads_total ${specs.counters.served}`);
      if (!indexer) return [...alertLines, ...boardLines].join("\n");
      const s = indexer.status;
      const r = indexer.rpc.stats;
      const secs = Math.max(1, (Date.now() - started) / 1000);
      return [
        "# TYPE indexer_checkpoint_block gauge", `indexer_checkpoint_block ${s.checkpoint.number}`,
        "# TYPE indexer_head_block gauge", `indexer_head_block ${s.head}`,
        "# TYPE indexer_lag_blocks gauge", `indexer_lag_blocks ${s.head - s.checkpoint.number}`,
        "# TYPE indexer_events_total counter", `indexer_events_total ${s.events}`,
        "# TYPE indexer_blocks_total counter", `indexer_blocks_total ${s.blocks}`,
        "# TYPE indexer_events_per_second gauge", `indexer_events_per_second ${(s.events / secs).toFixed(1)}`,
        "# TYPE indexer_reorgs_total counter", `indexer_reorgs_total ${s.reorgs}`,
        "# TYPE indexer_indexing_errors gauge", `indexer_indexing_errors ${s.hasIndexingErrors ? 1 : 0}`,
        "# TYPE indexer_rpc_requests_total counter", `indexer_rpc_requests_total ${r.requests}`,
        "# TYPE indexer_rpc_retries_total counter", `indexer_rpc_retries_total ${r.retries}`,
        "# TYPE indexer_rpc_failures_total counter", `indexer_rpc_failures_total ${r.failures}`,
        ...alertLines,
        ...boardLines,
      ].join("\n");
    },
  }).catch(abortStart);

  // the API's own address is always a valid SIWE domain and URI (agents sign in against it)
  const own = new URL(api.url);
  siweDomains.push(own.host);
  siweUris.push(api.url);
  return {
    db, api, auth, board, indexer, role: isWriter ? "writer" : "api", caughtUp,
    async stop() {
      stopping = true;
      if (replicaTimer) clearInterval(replicaTimer);
      indexer?.stop();
      await running;
      await detecting;
      await api.close();
      auth.close();
      board?.close();
      await db.close();
    },
  };
}
