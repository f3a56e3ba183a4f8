// Diagnostic (not part of npm run bench:indexer): `npm run indexer` in a fresh process, spawn →
// `ready`, with variants of the Node/V8 options it runs with, alternating (A B A B …) on one chain
// made beforehand by `profile.ts chain <state.json>`. A variant is a JSON list of node options
// ([] = as `npm run indexer` runs); an entry `NAME=value` (no leading dashes) is set in the
// indexer's environment instead (e.g. `INDEXER_PGLITE_THREAD=worker`). Prints each run's wall and CPU time, then each variant's median.
// Usage: node scripts/bench/indexer/flags.ts <state.json> [pg|pglite] [rounds=4] ['[[],["--maglev"]]']
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { startProcess, stopProcess } from "../../lib/processes.ts";
import { processCpu } from "./getlogs.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const [stateFile, dbKind = "pg", roundsArg = "4", variantsArg = '[[],["--maglev"]]'] = process.argv.slice(2);
const PG_URL = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/test";
const state = JSON.parse(readFileSync(stateFile, "utf8")) as { url: string; deployments: unknown };
const variants = JSON.parse(variantsArg) as string[][];
const rounds = Number(roundsArg);

async function once(variant: string[], n: number): Promise<{ wall: number; cpu: number }> {
  const dir = mkdtempSync(join(tmpdir(), "ubc-flags-"));
  const deploymentsFile = join(dir, "deployments.json");
  writeFileSync(deploymentsFile, JSON.stringify(state.deployments));
  const schema = `flags_${process.pid}_${n}`;
  const env: NodeJS.ProcessEnv = { RPC_URL: state.url, DEPLOYMENTS: deploymentsFile, INDEXER_PORT: String(43_000 + (n % 1000)), INDEXER_HOST: "127.0.0.1", LOG_LEVEL: "warn" };
  if (dbKind === "pg") Object.assign(env, { DATABASE_URL: PG_URL, DATABASE_SCHEMA: schema });
  else Object.assign(env, { DATABASE_URL: "", DATA_DIR: join(dir, "data") });
  const isEnv = (f: string) => /^[A-Z_][A-Z0-9_]*=/.test(f);
  for (const f of variant.filter(isEnv)) env[f.slice(0, f.indexOf("="))] = f.slice(f.indexOf("=") + 1);
  const flags = variant.filter((f) => !isEnv(f));
  let onReady!: () => void;
  const ready = new Promise<void>((r) => (onReady = r));
  const t0 = performance.now();
  const child = startProcess(`run ${n}`, process.execPath, [...flags, join(ROOT, "indexer", "cli.mjs")], {
    cwd: ROOT,
    env,
    onLine: (line) => {
      if (line === "ready") onReady();
    },
  });
  try {
    await Promise.race([ready, child.exited.then((c) => { throw new Error(`exited ${c} before ready`); })]);
    const wall = (performance.now() - t0) / 1000;
    return { wall, cpu: processCpu(child.child.pid) };
  } finally {
    await stopProcess(child);
    rmSync(dir, { recursive: true, force: true });
    if (dbKind === "pg") {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.end();
    }
  }
}

const results: { wall: number; cpu: number }[][] = variants.map(() => []);
let n = 0;
for (let r = 0; r < rounds; r++) {
  for (const [i, flags] of variants.entries()) {
    const res = await once(flags, n++);
    results[i].push(res);
    console.log(`round ${r + 1} ${JSON.stringify(flags)}: ${res.wall.toFixed(2)} s wall, ${res.cpu.toFixed(2)} s CPU, load ${loadavg()[0].toFixed(1)}`);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const [i, flags] of variants.entries()) {
  console.log(`${JSON.stringify(flags)}: median ${median(results[i].map((x) => x.wall)).toFixed(2)} s wall, ${median(results[i].map((x) => x.cpu)).toFixed(2)} s CPU (${results[i].map((x) => x.wall.toFixed(2)).join(" / ")})`);
}
