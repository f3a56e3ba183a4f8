// A tool for profiling the backfill without regenerating the chain each time.
//
//   node scripts/bench/indexer/profile.ts chain <state.json>
//       starts the benchmark's chain (Hardhat node, deployment, BENCH_TRANSFERS transfers,
//       BENCH_PER_TX a transaction, BENCH_PER_BLOCK transactions a block),
//       writes its URL and deployments to <state.json> and keeps it running until SIGINT/SIGTERM.
//   node [--cpu-prof] scripts/bench/indexer/profile.ts run <state.json> [pg|pglite]
//       backfills it once with the indexer alone (no API), on a fresh PostgreSQL schema (at
//       BENCH_DATABASE_URL) or a fresh on-disk PGlite, and prints wall time, the time to the first
//       commit, this process's CPU time (user + system), the Hardhat node's CPU time over the run,
//       on PostgreSQL the CPU time of the run's own backends (found by application_name, still
//       open when caught up) and the load average.
//   node [--cpu-prof] scripts/bench/indexer/profile.ts service <state.json> [pg|pglite]
//       the same backfill through startService, as `npm run bench:indexer` runs it (the API starts
//       while the indexer backfills, in the same process): when startService returned, when the
//       indexer caught up, and this process's CPU time.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { generateTransfers, startBenchChain } from "./chain.ts";
import { nodePid, processCpu } from "./getlogs.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const [mode, stateFile, dbKind = "pg"] = process.argv.slice(2);
const PG_URL = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/test";
const log = (l: string) => process.stdout.write(l + "\n");

async function chain() {
  const c = await startBenchChain(ROOT, log);
  await generateTransfers(ROOT, c, { total: Number(process.env.BENCH_TRANSFERS ?? 100_000), perTx: Number(process.env.BENCH_PER_TX ?? 1), perBlock: Number(process.env.BENCH_PER_BLOCK ?? 100), recipients: 10_000, unit: 10n ** 15n, extraBlocks: 40 }, log);
  writeFileSync(stateFile, JSON.stringify({ url: c.url, deployments: c.deployments }));
  log(`ready: ${stateFile}`);
  const stop = async () => {
    await c.stop();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

/** Removes a run's PGlite folder or PostgreSQL schema. */
async function cleanUp(schema: string, dataDir: string | undefined) {
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  if (dbKind === "pg") {
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await c.end();
  }
}

/** The PGlite template of the indexer's schema (as bench:indexer does: made once, not timed). */
async function makeTemplate(model: import("../../../indexer/src/schema/model.ts").Model, schema: string) {
  if (dbKind !== "pglite") return;
  const { pgliteTemplate } = await import("../../../indexer/src/database/pglite-template.ts");
  const { pgliteSchemaLayer } = await import("../../../indexer/src/database/adapter.ts");
  await pgliteTemplate(pgliteSchemaLayer(model, schema));
}

async function run() {
  const state = JSON.parse(readFileSync(stateFile, "utf8"));
  const { openDatabase } = await import("../../../indexer/src/database/adapter.ts");
  const { Indexer } = await import("../../../indexer/src/indexing/runner.ts");
  const { HANDLERS, TEMPLATES } = await import("../../../indexer/src/indexing/handlers/index.ts");
  const { loadModel } = await import("../../../indexer/src/schema/model.ts");
  const schema = `prof_${process.pid}`;
  const dataDir = dbKind === "pglite" ? mkdtempSync(join(tmpdir(), "ubc-prof-")) : undefined;
  // our PostgreSQL backends are found by their application_name (the pg driver reads PGAPPNAME)
  const appName = `ubc_prof_${process.pid}`;
  process.env.PGAPPNAME = appName;
  const model = loadModel();
  await makeTemplate(model, "ubc");
  const node = nodePid(new URL(state.url));
  const nodeCpu0 = processCpu(node);
  const load0 = loadavg();
  const cpu0 = process.cpuUsage();
  const faults0 = process.resourceUsage().minorPageFault;
  const t0 = performance.now();
  const db = await openDatabase(dbKind === "pg" ? { url: PG_URL, schema } : { dataDir, schema: "ubc", model });
  const tOpen = performance.now();
  const ix = new Indexer({ rpcUrl: state.url, deployments: state.deployments, artifactsDir: join(ROOT, "artifacts"), db, model, handlers: HANDLERS, templates: TEMPLATES });
  await ix.init();
  const tInit = performance.now();
  let tFirst = 0;
  ix.once("block", () => (tFirst = performance.now()));
  await new Promise<void>((res, rej) => {
    ix.once("caughtUp", () => res());
    ix.once("failed", rej);
    void ix.run();
  });
  const t1 = performance.now();
  const cpu = process.cpuUsage(cpu0);
  const faults = process.resourceUsage().minorPageFault - faults0;
  const nodeCpu = processCpu(node) - nodeCpu0;
  let pgCpu = NaN;
  let pgBackends = 0;
  if (dbKind === "pg") {
    const c = new pg.Client({ connectionString: PG_URL, application_name: "ubc_prof_probe" });
    await c.connect();
    const r = await c.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE application_name = $1`, [appName]);
    await c.end();
    pgBackends = r.rows.length;
    pgCpu = r.rows.reduce((s, x) => s + processCpu(x.pid), 0);
  }
  ix.stop();
  const [row] = await db.query<{ n: string }>(`SELECT count(*)::text AS n FROM token_transfer`);
  const ev = ix.status.events;
  log(
    `${dbKind}: ${ev} events in ${((t1 - t0) / 1000).toFixed(2)} s = ${Math.round(ev / ((t1 - t0) / 1000))} ev/s; ` +
      `open ${(tOpen - t0).toFixed(0)} ms, init ${(tInit - tOpen).toFixed(0)} ms, first commit at ${(tFirst - t0).toFixed(0)} ms; ` +
      `CPU user ${(cpu.user / 1e6).toFixed(2)} s + sys ${(cpu.system / 1e6).toFixed(2)} s = ${((cpu.user + cpu.system) / 1e6 / (ev / 1e5)).toFixed(2)} s per 100k events; ` +
      `minor page faults ${faults}; node CPU ${nodeCpu.toFixed(2)} s; PostgreSQL backends ${pgBackends}, CPU ${pgCpu.toFixed(2)} s; rows ${row.n}; load ${load0.map((x) => x.toFixed(2)).join("/")} -> ${loadavg().map((x) => x.toFixed(2)).join("/")}`,
  );
  await db.close();
  await cleanUp(schema, dataDir);
}

async function service() {
  const state = JSON.parse(readFileSync(stateFile, "utf8"));
  const { startService } = await import("../../../indexer/src/service.ts");
  const { loadModel } = await import("../../../indexer/src/schema/model.ts");
  await makeTemplate(loadModel(), "ubc");
  const schema = `prof_${process.pid}`;
  const dataDir = dbKind === "pglite" ? mkdtempSync(join(tmpdir(), "ubc-prof-")) : undefined;
  const cpu0 = process.cpuUsage();
  const load0 = loadavg()[0];
  const t0 = performance.now();
  const svc = await startService({
    rpcUrl: state.url, deployments: state.deployments, artifactsDir: join(ROOT, "artifacts"),
    databaseUrl: dbKind === "pg" ? PG_URL : undefined, dataDir, databaseSchema: dbKind === "pg" ? schema : "ubc", port: 0, host: "127.0.0.1",
  });
  const tStarted = performance.now();
  await svc.caughtUp;
  const t1 = performance.now();
  const cpu = process.cpuUsage(cpu0);
  const ev = svc.indexer!.status.events;
  log(
    `${dbKind} (service): ${ev} events in ${((t1 - t0) / 1000).toFixed(2)} s = ${Math.round(ev / ((t1 - t0) / 1000))} ev/s; ` +
      `startService returned at ${(tStarted - t0).toFixed(0)} ms; CPU ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s; load ${load0.toFixed(2)} -> ${loadavg()[0].toFixed(2)}`,
  );
  await svc.stop();
  await cleanUp(schema, dataDir);
}

if (mode === "chain") await chain();
else if (mode === "service") await service();
else if (mode === "run") await run();
else throw new Error("usage: profile.ts chain <state.json> | run|service <state.json> [pg|pglite]");
