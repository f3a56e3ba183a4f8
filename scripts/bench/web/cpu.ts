// node scripts/bench/web/cpu.ts (Node 22: node_modules/.bin/node) — CPU time a page load costs Chromium, for comparing two builds of the
// web app back to back on a shared machine. Lighthouse's simulated TBT scales the main-thread
// time it observes, which a loaded machine inflates several times; CPU time (utime + stime of
// Chromium's renderer processes, from /proc/<pid>/stat) is what the page's work costs, whatever
// else runs. Both builds are served at once by two `next start`s over one stack (the e2e
// harness's Hardhat node, seeded protocol and indexer), and the loads alternate between them.
//
// Each sample: a fresh chromium (the project's flags, a fresh user-data-dir), one navigation,
// then CPU_SETTLE_MS of idle (the page's polling and subscriptions included), then the CPU time
// of every renderer process (--type=renderer) and of the whole browser, and the requests made.
//
// Environment: CPU_BASE_DIST (default .next-base: the other build, e.g. of main, in web/),
// CPU_RUNS (default 5 per page and build), CPU_SETTLE_MS (default 5000), BENCH_PAGES as bench:web.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { CHROMIUM, CHROMIUM_FLAGS } from "../../../web/e2e/harness.ts";
import { alternate, median } from "./pair.ts";
import { processCpu } from "../indexer/getlogs.ts";

const BASE_DIST = process.env.CPU_BASE_DIST ?? ".next-base";
const RUNS = Math.max(1, Number(process.env.CPU_RUNS ?? 5));
const SETTLE_MS = Number(process.env.CPU_SETTLE_MS ?? 5000);
const PAGES = ([["overview", "/"], ["market", "/market"]] as const).filter(([n]) => !process.env.BENCH_PAGES || process.env.BENCH_PAGES.split(",").includes(n));
const log = (l: string) => process.stdout.write(`${l}\n`);

/** utime + stime (ms) of a process (or one of its threads), or 0 when it is gone. */
function cpuMs(pid: number, tid?: number): number {
  const s = processCpu(pid, tid === undefined ? undefined : String(tid));
  return Number.isNaN(s) ? 0 : s * 1000;
}
/** The descendants of `root` with their command lines. */
function tree(root: number): { pid: number; cmd: string }[] {
  const parent = new Map<number, number>();
  const cmd = new Map<number, string>();
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      parent.set(Number(d), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
      cmd.set(Number(d), readFileSync(`/proc/${d}/cmdline`, "utf8").replace(/\0/g, " "));
    } catch {
      /* gone */
    }
  }
  const out: { pid: number; cmd: string }[] = [];
  const walk = (p: number) => {
    for (const [c, pp] of parent) if (pp === p) {
      out.push({ pid: c, cmd: cmd.get(c) ?? "" });
      walk(c);
    }
  };
  walk(root);
  return out;
}

/** CPU time (ms): the renderers' main threads (JavaScript, style, layout), the renderer processes, all of Chromium. */
interface Sample { main: number; renderer: number; browser: number; requests: number }

async function sample(url: string): Promise<Sample> {
  const { chromium } = await import("playwright-core");
  const userDataDir = mkdtempSync(join(tmpdir(), "ubc-bench-cpu-"));
  const ctx = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, args: CHROMIUM_FLAGS, headless: true, viewport: { width: 412, height: 823 } });
  try {
    const page = ctx.pages()[0] ?? (await ctx.newPage());
    let requests = 0;
    page.on("request", () => requests++);
    // the browser's main process: the one whose command line names this sample's user-data-dir
    const browserPid = tree(1).find((p) => p.cmd.includes(userDataDir) && !p.cmd.includes("--type="))?.pid;
    if (!browserPid) throw new Error("cannot find the chromium process");
    const before = new Map<number, number>();
    const beforeMain = new Map<number, number>();
    const procs = () => [{ pid: browserPid, cmd: "browser" }, ...tree(browserPid)];
    for (const p of procs()) {
      before.set(p.pid, cpuMs(p.pid));
      beforeMain.set(p.pid, cpuMs(p.pid, p.pid));
    }
    await page.goto(url, { waitUntil: "load" });
    await page.waitForTimeout(SETTLE_MS);
    let main = 0;
    let renderer = 0;
    let browser = 0;
    for (const p of procs()) {
      const d = cpuMs(p.pid) - (before.get(p.pid) ?? 0);
      browser += d;
      if (p.cmd.includes("--type=renderer")) {
        renderer += d;
        // a renderer's main thread has the process's own id
        main += cpuMs(p.pid, p.pid) - (beforeMain.get(p.pid) ?? 0);
      }
    }
    return { main, renderer, browser, requests };
  } finally {
    await ctx.close();
    rmSync(userDataDir, { recursive: true, force: true });
  }
}

async function main() {
  const results = await alternate<Sample>({ log, baseDist: BASE_DIST, pages: PAGES, rounds: RUNS, measure: async ({ build, url, name, path, round: i }) => {
    const s = await sample(url);
    log(`${name} (${path}) ${build} #${i + 1}: renderer main thread ${s.main.toFixed(0)} ms CPU, renderer ${s.renderer.toFixed(0)} ms CPU, browser total ${s.browser.toFixed(0)} ms, ${s.requests} requests (load ${loadavg()[0].toFixed(2)})`);
    return s;
  } });
  log("\n| page, build | renderer main thread CPU (median) | renderer CPU (median) | all Chromium CPU (median) | requests |\n|---|---|---|---|---|");
  for (const [k, xs] of Object.entries(results)) {
    log(`| ${k} | ${median(xs.map((x) => x.main)).toFixed(0)} ms (${xs.map((x) => x.main.toFixed(0)).join(", ")}) | ${median(xs.map((x) => x.renderer)).toFixed(0)} ms | ${median(xs.map((x) => x.browser)).toFixed(0)} ms | ${median(xs.map((x) => x.requests))} |`);
  }
}

main().then(() => process.exit(0), (err: Error) => {
  console.error(err.stack ?? err.message);
  process.exit(1);
});
