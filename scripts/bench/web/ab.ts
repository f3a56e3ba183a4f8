// node scripts/bench/web/ab.ts (Node 22: node_modules/.bin/node) — Lighthouse on two builds of the
// web app back to back, for comparing a change on a shared machine: both builds are served at
// once by two `next start`s over one stack (the e2e harness's Hardhat node, seeded protocol and
// indexer, as cpu.ts does), and the runs alternate between them (A B, then B A, …), so that both
// see the same load. Each run: a fresh chromium (the project's flags, a fresh user-data-dir) and
// Lighthouse's mobile setting (the default: simulated slow 4G, 4× CPU slowdown), as `npm run
// bench:web` runs it. Prints every run and the medians per page and build. Besides Lighthouse's
// figures, which scale wall-clock task times that a loaded machine inflates, each run's trace gives
// the renderer main thread's CPU time (the tasks' thread time, `tdur`) and a blocking time
// recomputed from it (sum over tasks of 4 × CPU − 50 ms, as Lighthouse's 4× slowdown would count
// them without the other processes' load): steadier figures for a before/after on a busy machine.
//
// Environment: CPU_BASE_DIST (default .next-base: the other build, in web/), AB_RUNS (default 3
// pairs per page), BENCH_PAGES as bench:web, BENCH_LHR_DIR=dir to keep each report and trace.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { CHROMIUM, CHROMIUM_FLAGS } from "../../../web/e2e/harness.ts";
import { alternate, median } from "./pair.ts";

const BENCH_DIR = resolve(fileURLToPath(new URL(".", import.meta.url)));
const BASE_DIST = process.env.CPU_BASE_DIST ?? ".next-base";
const RUNS = Math.max(1, Number(process.env.AB_RUNS ?? 3));
const PAGES = ([["overview", "/"], ["market", "/market"]] as const).filter(([n]) => !process.env.BENCH_PAGES || process.env.BENCH_PAGES.split(",").includes(n));
const log = (l: string) => process.stdout.write(`${l}\n`);

interface Run { score: number; fcp: number; lcp: number; tbt: number; si: number; cls: number; load: number; cpu: number; cpuTbt: number; longest: number; observedLcp: number; scripts: number; scriptKb: number }
interface NetworkItem { url: string; resourceType?: string; networkEndTime?: number; transferSize?: number }

/**
 * The scripts that finished loading before the observed LCP (the first frame's presentation): the
 * ones Lantern charges to its simulated LCP (count and transferred kB; times from the first request).
 */
function scriptsBeforeLcp(audits: Record<string, { numericValue?: number; details?: { items?: unknown[] } }>): { observedLcp: number; scripts: number; scriptKb: number } {
  const observedLcp = (audits.metrics?.details?.items?.[0] as { observedLargestContentfulPaint?: number } | undefined)?.observedLargestContentfulPaint ?? NaN;
  const items = (audits["network-requests"]?.details?.items ?? []) as NetworkItem[];
  const before = items.filter((r) => r.resourceType === "Script" && r.networkEndTime !== undefined && r.networkEndTime <= observedLcp);
  return { observedLcp, scripts: before.length, scriptKb: before.reduce((a, r) => a + (r.transferSize ?? 0), 0) / 1000 };
}
interface TraceEvent { name: string; ph?: string; pid: number; tid: number; ts: number; dur?: number; tdur?: number; args?: { name?: string; data?: { documentLoaderURL?: string } } }

/** The page's renderer main thread: CPU time of its tasks (ms), blocking time from CPU × 4, the longest task's CPU. */
function mainThreadCpu(trace: unknown): { cpu: number; cpuTbt: number; longest: number } {
  const events = ((trace as { traceEvents?: TraceEvent[] }).traceEvents ?? (trace as TraceEvent[]));
  const nav = events.find((e) => e.name === "navigationStart" && e.args?.data?.documentLoaderURL?.startsWith("http"));
  const main = nav && events.find((e) => e.name === "thread_name" && e.args?.name === "CrRendererMain" && e.pid === nav.pid);
  if (!nav || !main) return { cpu: NaN, cpuTbt: NaN, longest: NaN };
  const tasks = events.filter((e) => e.pid === nav.pid && e.tid === main.tid && e.ph === "X" && e.name === "RunTask" && e.ts >= nav.ts && e.tdur !== undefined);
  const ms = tasks.map((e) => e.tdur! / 1000);
  return { cpu: ms.reduce((a, x) => a + x, 0), cpuTbt: ms.reduce((a, x) => a + Math.max(0, 4 * x - 50), 0), longest: Math.max(0, ...ms) };
}
type LighthouseFn = (url: string, flags: Record<string, unknown>) => Promise<{ lhr: { categories: Record<string, { score: number | null }>; audits: Record<string, { numericValue?: number; details?: { items?: unknown[] } }>; runtimeError?: { code: string; message: string } }; artifacts?: { Trace?: unknown } } | undefined>;

async function main() {
  if (!existsSync(join(BENCH_DIR, "node_modules", "lighthouse"))) throw new Error("run npm ci --prefix scripts/bench/web first");
  const lighthouse = ((await import(pathToFileURL(join(BENCH_DIR, "node_modules", "lighthouse", "core", "index.js")).href)) as { default: LighthouseFn }).default;
  const { launch } = (await import(pathToFileURL(join(BENCH_DIR, "node_modules", "chrome-launcher", "dist", "index.js")).href)) as { launch: (o: Record<string, unknown>) => Promise<{ port: number; kill(): Promise<void> }> };
  const results = await alternate<Run>({ log, baseDist: BASE_DIST, pages: PAGES, rounds: RUNS, measure: async ({ build, url, name, path, round: i }) => {
    const userDataDir = mkdtempSync(join(tmpdir(), "ubc-bench-ab-"));
    const chrome = await launch({ chromePath: CHROMIUM, chromeFlags: CHROMIUM_FLAGS, userDataDir, logLevel: "silent" });
    try {
      const load = loadavg()[0];
      const result = await lighthouse(url, { port: chrome.port, output: "json", logLevel: "error", onlyCategories: ["performance"] });
      if (!result) throw new Error(`Lighthouse returned nothing for ${url}`);
      const { lhr } = result;
      if (lhr.runtimeError) throw new Error(`Lighthouse failed on ${url}: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
      if (process.env.BENCH_LHR_DIR) {
        const file = join(process.env.BENCH_LHR_DIR, `${name}-${build.replace(/\W+/g, "")}-${i + 1}`);
        writeFileSync(`${file}.json`, JSON.stringify(lhr));
        if (result.artifacts?.Trace) writeFileSync(`${file}.trace.json`, JSON.stringify(result.artifacts.Trace));
      }
      const num = (id: string) => lhr.audits[id]?.numericValue ?? NaN;
      const r: Run = {
        score: Math.round((lhr.categories.performance.score ?? 0) * 100), fcp: num("first-contentful-paint"), lcp: num("largest-contentful-paint"),
        tbt: num("total-blocking-time"), si: num("speed-index"), cls: num("cumulative-layout-shift"), load,
        ...mainThreadCpu(result.artifacts?.Trace ?? { traceEvents: [] }), ...scriptsBeforeLcp(lhr.audits),
      };
      log(`${name} (${path}) ${build} #${i + 1}: performance ${r.score}, FCP ${r.fcp.toFixed(0)} ms, LCP ${r.lcp.toFixed(0)} ms, TBT ${r.tbt.toFixed(0)} ms, SI ${r.si.toFixed(0)} ms, CLS ${r.cls.toFixed(3)}; main thread CPU ${r.cpu.toFixed(0)} ms, blocking time from CPU ${r.cpuTbt.toFixed(0)} ms, longest task ${r.longest.toFixed(0)} ms CPU; observed LCP ${r.observedLcp.toFixed(0)} ms, ${r.scripts} scripts (${r.scriptKb.toFixed(1)} kB) loaded before it (load ${load.toFixed(2)})`);
      return r;
    } finally {
      await chrome.kill();
      rmSync(userDataDir, { recursive: true, force: true });
    }
  } });
  log("\n| page, build | performance (median; runs) | LCP | TBT | FCP | main-thread CPU | blocking time from CPU | longest task CPU | scripts before observed LCP (median; runs) | kB | load average |\n|---|---|---|---|---|---|---|---|---|---|---|");
  for (const [k, xs] of Object.entries(results)) {
    log(`| ${k} | ${median(xs.map((x) => x.score))} (${xs.map((x) => x.score).join(", ")}) | ${median(xs.map((x) => x.lcp)).toFixed(0)} ms | ${median(xs.map((x) => x.tbt)).toFixed(0)} ms (${xs.map((x) => x.tbt.toFixed(0)).join(", ")}) | ${median(xs.map((x) => x.fcp)).toFixed(0)} ms | ${median(xs.map((x) => x.cpu)).toFixed(0)} ms | ${median(xs.map((x) => x.cpuTbt)).toFixed(0)} ms (${xs.map((x) => x.cpuTbt.toFixed(0)).join(", ")}) | ${median(xs.map((x) => x.longest)).toFixed(0)} ms | ${median(xs.map((x) => x.scripts))} (${xs.map((x) => x.scripts).join(", ")}) | ${median(xs.map((x) => x.scriptKb)).toFixed(1)} | ${Math.min(...xs.map((x) => x.load)).toFixed(1)}–${Math.max(...xs.map((x) => x.load)).toFixed(1)} |`);
  }
}

main().then(() => process.exit(0), (err: Error) => {
  console.error(err.stack ?? err.message);
  process.exit(1);
});
