// npm run bench:devnet — how long `npm start` takes from launch to `ready`, by part, and how long
// Ctrl-C takes to stop everything. The target: ≤ 90 s from `npm ci` finished to everything
// ready on a 2-core machine.
//   --cold   start as right after `npm ci` on a clean clone: the compiled contracts (artifacts/,
//            cache/, types/), the generated ABI modules and the web app's build (web/.next) are
//            moved aside first, so the start compiles and builds them (they are put back if the
//            run fails, dropped otherwise since the run rebuilt them)
//   --runs N warm runs (default 1)
// Each run uses free random ports and a temporary DATA_DIR, so it never touches a running devnet.
// Prints a markdown table for docs/benchmarks.md.
import { existsSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, listProcesses, processTree, startProcess, stopProcess } from "../../lib/processes.ts";

const root = resolve(fileURLToPath(new URL("../../..", import.meta.url)));
const args = process.argv.slice(2);
const cold = args.includes("--cold");
const runs = Number(args[args.indexOf("--runs") + 1] ?? 1) || 1;

/**
 * CPU seconds (user + system) spent by `rootPid` and every process under it, including the
 * children they have already reaped (build, deploy): a figure the machine's load does not change,
 * unlike wall time. From /proc (Linux), in clock ticks of 1/100 s.
 */
function treeCpuSeconds(rootPid: number): number {
  const procs = listProcesses();
  return processTree(rootPid, procs).reduce((sum, pid) => sum + procs.get(pid)!.ticks, 0) / 100;
}

interface Run {
  kind: string;
  readyMs: number;
  parts: Record<string, number>;
  stopMs: number;
  cpuSeconds: number;
  load: [number, number];
}

async function once(kind: string): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), "ubc-bench-devnet-"));
  const [rpc, indexer, web] = [await freePort(), await freePort(), await freePort()];
  const lines: string[] = [];
  const load0 = loadavg()[0];
  const t0 = performance.now();
  let readyAt = 0;
  let onReady: () => void = () => {};
  const ready = new Promise<void>((r) => (onReady = r));
  const p = startProcess("start", process.execPath, [join(root, "scripts", "start.ts")], {
    cwd: root,
    env: { ENV_FILE: "", RPC_PORT: String(rpc), INDEXER_PORT: String(indexer), WEB_PORT: String(web), DATA_DIR: join(dir, "data"), DEPLOYMENTS_DIR: dir },
    onLine: (l) => {
      lines.push(l);
      if (l === "ready") {
        readyAt = performance.now();
        onReady();
      }
    },
  });
  try {
    await Promise.race([ready, p.exited.then((c) => { throw new Error(`npm start exited (${c}):\n${lines.slice(-30).join("\n")}`); })]);
    const load1 = loadavg()[0];
    const cpuSeconds = treeCpuSeconds(p.child.pid!);
    const startup = lines.find((l) => l.startsWith("startup: ")) ?? "";
    const parts: Record<string, number> = {};
    for (const m of startup.matchAll(/([a-z ]+?) (\d+\.\d) s/g)) parts[m[1].trim()] = Number(m[2]) * 1000;
    const s0 = performance.now();
    process.kill(p.child.pid!, "SIGINT");
    await p.exited;
    const stopMs = performance.now() - s0;
    return { kind, readyMs: readyAt - t0, parts, stopMs, cpuSeconds, load: [load0, load1] };
  } finally {
    await stopProcess(p);
    rmSync(dir, { recursive: true, force: true });
  }
}

const results: Run[] = [];
if (cold) {
  // everything a clean clone lacks after `npm ci`: compiled contracts, generated ABI modules, the web app's build
  const moved = ["artifacts", "cache", "types", "web/lib/generated", "agents/src/generated", join("web", process.env.NEXT_DIST_DIR || ".next")].filter((d) => existsSync(join(root, d)));
  for (const d of moved) renameSync(join(root, d), join(root, `${d}.bench-aside`));
  try {
    results.push(await once("cold (contracts compiled by the start)"));
    for (const d of moved) rmSync(join(root, `${d}.bench-aside`), { recursive: true, force: true });
  } catch (err) {
    for (const d of moved) {
      rmSync(join(root, d), { recursive: true, force: true });
      renameSync(join(root, `${d}.bench-aside`), join(root, d));
    }
    throw err;
  }
}
for (let i = 0; i < runs; i++) results.push(await once("warm (contracts already compiled)"));

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
console.log(`\ndate: ${new Date().toISOString()} · cores: ${cpus().length} · node ${process.version}`);
console.log("\n| run | metric | value | reference value | ratio |");
console.log("|---|---|---|---|---|");
for (const r of results) {
  console.log(`| ${r.kind} | launch → ready | ${s(r.readyMs)} | 90 s | ${(r.readyMs / 90_000).toFixed(2)} |`);
  for (const [k, v] of Object.entries(r.parts)) console.log(`| ${r.kind} | ${k} | ${s(v)} | | |`);
  console.log(`| ${r.kind} | CPU time to ready, all processes | ${r.cpuSeconds.toFixed(1)} s | 180 s (90 s × 2 cores) | ${(r.cpuSeconds / 180).toFixed(2)} |`);
  console.log(`| ${r.kind} | SIGINT → all stopped | ${s(r.stopMs)} | | |`);
  console.log(`| ${r.kind} | load average (1 min) before → at ready | ${r.load[0].toFixed(1)} → ${r.load[1].toFixed(1)} | | |`);
}
