// npm run bench:web — the web app's performance benchmark (web dApp issue):
//   1. Lighthouse (the npm package, pinned in this folder's own package.json) against Debian
//      chromium (/usr/bin/chromium through chrome-launcher, with the project's browser flags and
//      a fresh user-data-dir each run): performance and accessibility scores of the overview (/)
//      and the market (/market), with Lighthouse's default (mobile, simulated throttling) and
//      desktop settings; the median of BENCH_RUNS runs each.
//   2. First-load JS per route of the production build: the scripts each route's HTML loads
//      (what `next build` printed as "First Load JS" before Next.js 16 stopped printing sizes),
//      read from the build's static folder (web/.next-e2e, the e2e harness's own build) and
//      gzipped (level 9, as the old figure was).
// The pages are served by `next start` over the e2e harness's stack (web/e2e/harness.ts): a
// Hardhat node with the protocol deployed and seeded, the real indexer on PGlite, so that the
// pages show real data. Prints a table and writes the section "## Web app (Lighthouse,
// first-load JS)" of docs/benchmarks.md.
//
// Environment (all optional):
//   BENCH_RUNS=3       Lighthouse runs per page and setting (the median is reported)
//   BENCH_NO_DOCS=1    do not write docs/benchmarks.md
//   BENCH_JSON=path    also write every Lighthouse figure as JSON there
//   E2E_REBUILD=1      rebuild the web app even if web/.next-e2e is newer than its sources
//   BENCH_PAGES=market only these pages (comma-separated names: overview, market)
//   BENCH_PRESETS=mobile only these Lighthouse settings (comma-separated: mobile, desktop)
//   BENCH_LHR_DIR=dir  also write each run's full Lighthouse report (JSON) there, e.g. to read the
//                      trace-derived audits (bootup-time, long tasks, the LCP element's phases)
//
// lighthouse and chrome-launcher live in this folder's own package, installed here with
// `npm ci --prefix scripts/bench/web` when missing: they never enter the root lockfile.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { CHROMIUM, CHROMIUM_FLAGS, DIST_DIR, DIST_PATH, buildWebApp, ensureChromium, startStack, type Stack } from "../../../web/e2e/harness.ts";
import { median } from "./pair.ts";

const ROOT = resolve(fileURLToPath(new URL("../../..", import.meta.url)));
const BENCH_DIR = join(ROOT, "scripts", "bench", "web");
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));
const WRITE_DOCS = process.env.BENCH_NO_DOCS !== "1";
const TARGETS = { performance: 90, accessibility: 95, firstLoadKb: 300 };
const ALL_PAGES = [["overview", "/"], ["market", "/market"]] as const;
// BENCH_PAGES=overview (or market): measure one page only, e.g. while working on it
const PAGES = ALL_PAGES.filter(([name]) => !process.env.BENCH_PAGES || process.env.BENCH_PAGES.split(",").includes(name));
const ALL_PRESETS = ["mobile", "desktop"] as const;
type Preset = (typeof ALL_PRESETS)[number];
// BENCH_PRESETS=mobile: one setting only, e.g. while working on the mobile score
const PRESETS = ALL_PRESETS.filter((p) => !process.env.BENCH_PRESETS || process.env.BENCH_PRESETS.split(",").includes(p));

const t0 = performance.now();
const log = (line: string) => process.stdout.write(`[${((performance.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${line}\n`);
const load = () => loadavg().map((x) => x.toFixed(2)).join(" / ");

function ensureInstalled() {
  if (existsSync(join(BENCH_DIR, "node_modules", "lighthouse", "package.json")) && existsSync(join(BENCH_DIR, "node_modules", "chrome-launcher", "package.json"))) return;
  log("installing the benchmark's own package (lighthouse, chrome-launcher) with npm ci --prefix scripts/bench/web");
  const r = spawnSync("npm", ["ci", "--prefix", BENCH_DIR, "--no-audit", "--no-fund"], { stdio: "inherit", cwd: ROOT });
  if (r.status !== 0) throw new Error(`npm ci --prefix ${BENCH_DIR} failed (exit code ${r.status})`);
}

const versionOf = (pkg: string) => (JSON.parse(readFileSync(join(BENCH_DIR, "node_modules", pkg, "package.json"), "utf8")) as { version: string }).version;

// ------------------------------------------------------------------ Lighthouse

interface LhAudit { id: string; title: string; score: number | null; numericValue?: number; displayValue?: string; details?: { type?: string; overallSavingsMs?: number } }
interface LhResult {
  lhr: {
    categories: Record<string, { score: number | null; auditRefs: { id: string; weight: number }[] }>;
    audits: Record<string, LhAudit>;
    runtimeError?: { code: string; message: string };
    runWarnings: string[];
  };
}
type LighthouseFn = (url: string, flags: Record<string, unknown>, config?: unknown) => Promise<LhResult | undefined>;
interface Launched { port: number; pid: number; kill(): Promise<void> }

interface Run {
  performance: number;
  accessibility: number;
  fcp: number; lcp: number; tbt: number; cls: number; si: number;
  /** Main-thread work and script evaluation (Lighthouse's mainthread-work-breakdown and bootup-time, ms, throttled). */
  mainThread: number; bootup: number;
  /** The largest contentful paint's element, as Lighthouse labels it. */
  lcpElement: string;
  failedA11y: { id: string; title: string }[];
  opportunities: { id: string; title: string; savingsMs: number }[];
  warnings: string[];
}

async function lighthouseModules(): Promise<{ lighthouse: LighthouseFn; desktopConfig: unknown; launch: (o: Record<string, unknown>) => Promise<Launched> }> {
  const lh = (await import(pathToFileURL(join(BENCH_DIR, "node_modules", "lighthouse", "core", "index.js")).href)) as { default: LighthouseFn; desktopConfig: unknown };
  const cl = (await import(pathToFileURL(join(BENCH_DIR, "node_modules", "chrome-launcher", "dist", "index.js")).href)) as { launch: (o: Record<string, unknown>) => Promise<Launched> };
  return { lighthouse: lh.default, desktopConfig: lh.desktopConfig, launch: cl.launch };
}

async function lighthouseOnce(mods: Awaited<ReturnType<typeof lighthouseModules>>, url: string, preset: Preset): Promise<Run> {
  const userDataDir = mkdtempSync(join(tmpdir(), "ubc-bench-web-chromium-"));
  const chrome = await mods.launch({ chromePath: CHROMIUM, chromeFlags: CHROMIUM_FLAGS, userDataDir, logLevel: "silent" });
  try {
    const result = await mods.lighthouse(url, { port: chrome.port, output: "json", logLevel: "error", onlyCategories: ["performance", "accessibility"] }, preset === "desktop" ? mods.desktopConfig : undefined);
    if (!result) throw new Error(`Lighthouse returned nothing for ${url}`);
    const { lhr } = result;
    if (process.env.BENCH_LHR_DIR) {
      const name = `${new URL(url).pathname.replace(/\W+/g, "_") || "_"}-${preset}-${Date.now()}.json`;
      writeFileSync(join(process.env.BENCH_LHR_DIR, name), JSON.stringify(lhr));
      const trace = (result as { artifacts?: { Trace?: unknown } }).artifacts?.Trace;
      if (trace) writeFileSync(join(process.env.BENCH_LHR_DIR, name.replace(/\.json$/, ".trace.json")), JSON.stringify(trace));
    }
    if (lhr.runtimeError) throw new Error(`Lighthouse failed on ${url}: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
    const score = (c: string) => Math.round((lhr.categories[c]?.score ?? 0) * 100);
    const num = (id: string) => lhr.audits[id]?.numericValue ?? NaN;
    const failedA11y = lhr.categories.accessibility.auditRefs
      .filter((r) => r.weight > 0 && lhr.audits[r.id]?.score !== null && (lhr.audits[r.id]?.score ?? 1) < 1)
      .map((r) => ({ id: r.id, title: lhr.audits[r.id].title }));
    const opportunities = Object.values(lhr.audits)
      .filter((a) => (a.details?.overallSavingsMs ?? 0) >= 100)
      .map((a) => ({ id: a.id, title: a.title, savingsMs: Math.round(a.details!.overallSavingsMs!) }))
      .sort((a, b) => b.savingsMs - a.savingsMs)
      .slice(0, 5);
    return {
      performance: score("performance"), accessibility: score("accessibility"),
      fcp: num("first-contentful-paint"), lcp: num("largest-contentful-paint"), tbt: num("total-blocking-time"),
      cls: num("cumulative-layout-shift"), si: num("speed-index"), failedA11y, opportunities, warnings: lhr.runWarnings,
      mainThread: num("mainthread-work-breakdown"), bootup: num("bootup-time"),
      lcpElement: (() => {
        // the element is in the LCP audit's or (Lighthouse 13) the LCP insight's details
        for (const a of Object.values(lhr.audits)) {
          if (!/lcp|largest-contentful-paint/.test(a.id) || !a.details) continue;
          const m = JSON.stringify(a.details).match(/"nodeLabel":"((?:[^"\\]|\\.)*)"/);
          if (m) return m[1].replace(/\s+/g, " ").slice(0, 60);
        }
        return "?";
      })(),
    };
  } finally {
    await chrome.kill();
    rmSync(userDataDir, { recursive: true, force: true });
  }
}


// ------------------------------------------------------------------ first-load JS

interface FirstLoad { route: string; path: string; status: number; scripts: number; raw: number; gzip: number }

/** Every page route of the build (app-path-routes-manifest), with the seed's ids in dynamic segments. */
function pageRoutes(stack: Stack): { route: string; path: string }[] {
  const manifest = JSON.parse(readFileSync(join(DIST_PATH, "app-path-routes-manifest.json"), "utf8")) as Record<string, string>;
  const sample: Record<string, string> = {
    "[id]": String(stack.seed.seededJobId), "[address]": stack.seed.venture.address.toLowerCase(),
  };
  const routes = Object.entries(manifest)
    .filter(([k]) => k.endsWith("/page") && !k.startsWith("/_"))
    .map(([, route]) => route)
    .sort();
  return routes.map((route) => ({
    route,
    path: route
      .replace("/agents/[id]", `/agents/${stack.seed.market.provider.agentId}`)
      .replace(/\[[^\]]+\]/g, (seg) => sample[seg] ?? "1"),
  }));
}

async function firstLoadJs(stack: Stack): Promise<FirstLoad[]> {
  const out: FirstLoad[] = [];
  for (const { route, path } of pageRoutes(stack)) {
    const res = await fetch(stack.webUrl + path);
    const html = await res.text();
    // every script the HTML loads, less the legacy polyfills (<script noModule>, skipped by modern browsers)
    const legacy = new Set([...html.matchAll(/<script[^>]*\bnoModule\b[^>]*>/gi)].map((m) => (m[0].match(/\/_next\/static\/[^"'\s>]+?\.js/) ?? [""])[0]));
    const files = [...new Set([...html.matchAll(/\/_next\/static\/[^"'\s>\\]+?\.js/g)].map((m) => m[0]))].filter((f) => !legacy.has(f));
    let raw = 0;
    let gzip = 0;
    for (const f of files) {
      const buf = readFileSync(join(DIST_PATH, f.replace(/^\/_next\//, "")));
      raw += buf.length;
      gzip += gzipSync(buf, { level: 9 }).length;
    }
    out.push({ route, path, status: res.status, scripts: files.length, raw, gzip });
  }
  return out;
}

// ------------------------------------------------------------------ docs

function writeDocs(body: string) {
  const file = join(ROOT, "docs", "benchmarks.md");
  const text = existsSync(file) ? readFileSync(file, "utf8") : "# Benchmarks\n";
  const heading = "## Web app (Lighthouse, first-load JS)";
  const at = text.indexOf(heading);
  let out: string;
  if (at >= 0) {
    const next = text.indexOf("\n## ", at + heading.length);
    out = text.slice(0, at) + body + (next >= 0 ? text.slice(next) : "\n");
  } else out = text.replace(/\s*$/, "\n\n") + body;
  writeFileSync(file, out);
}

const kb = (bytes: number) => bytes / 1024;
const fmt = (x: number, d = 1) => x.toLocaleString("en-US", { minimumFractionDigits: d, maximumFractionDigits: d });

// ------------------------------------------------------------------ main

async function main() {
  ensureInstalled();
  ensureChromium(log);
  const loadBefore = load();
  log(`load average before: ${loadBefore}`);
  const build = await buildWebApp(log);
  const stack = await startStack({ log });
  try {
    log(`web app at ${stack.webUrl}; load average ${load()}`);
    // first-load JS first: it reads the build's files, which nothing may change meanwhile
    const js = await firstLoadJs(stack);
    for (const r of js) log(`first-load JS ${r.route} (${r.path}, HTTP ${r.status}): ${r.scripts} scripts, ${fmt(kb(r.raw))} kB raw, ${fmt(kb(r.gzip))} kB gzipped`);
    const mods = await lighthouseModules();
    // one untimed visit per page, so that the server's first-render work is not measured
    for (const [, path] of PAGES) {
      // a keep-alive connection the server closes as it is reused fails with "other side closed":
      // one retry (on a new connection)
      const visit = () => fetch(stack.webUrl + path).then((r) => r.text());
      await visit().catch(() => visit()).catch((err: Error) => {
        throw new Error(`GET ${path}: ${err.message} (${(err.cause as Error | undefined)?.message ?? ""}); next start exited: ${stack.processes.web.child.exitCode ?? stack.processes.web.child.signalCode ?? "no"}\n${stack.output.web.slice(-20).join("\n")}`);
      });
    }
    const results: Record<string, Record<Preset, Run[]>> = {};
    const loads: string[] = [];
    for (const [name, path] of PAGES) {
      results[name] = { mobile: [], desktop: [] };
      for (const preset of PRESETS) {
        for (let i = 0; i < RUNS; i++) {
          loads.push(load());
          const r = await lighthouseOnce(mods, stack.webUrl + path, preset);
          results[name][preset].push(r);
          log(`lighthouse ${name} (${path}) ${preset} #${i + 1}: performance ${r.performance}, accessibility ${r.accessibility}, FCP ${fmt(r.fcp, 0)} ms, LCP ${fmt(r.lcp, 0)} ms, TBT ${fmt(r.tbt, 0)} ms, CLS ${r.cls.toFixed(3)}, main-thread work ${fmt(r.mainThread, 0)} ms (scripts ${fmt(r.bootup, 0)} ms), LCP element "${r.lcpElement}" (load ${loads.at(-1)})`);
        }
      }
    }
    const loadAfter = load();
    if (process.env.BENCH_JSON) writeFileSync(process.env.BENCH_JSON, JSON.stringify({ results, js }, null, 2));

    // the table
    const rows: string[] = [];
    const verdicts: string[] = [];
    const check = (what: string, ok: boolean) => verdicts.push(`${what} ${ok ? "met" : "**missed**"}`);
    for (const [name, path] of PAGES) {
      for (const preset of PRESETS) {
        const runs = results[name][preset];
        const perf = median(runs.map((r) => r.performance));
        const a11y = median(runs.map((r) => r.accessibility));
        const tag = `${name} (\`${path}\`), ${preset}`;
        rows.push(`| Lighthouse performance, ${tag} (median of ${runs.length}: ${runs.map((r) => r.performance).join(", ")}) | ${perf} | ≥ ${TARGETS.performance} | ${(perf / TARGETS.performance).toFixed(2)} |`);
        rows.push(`| Lighthouse accessibility, ${tag} | ${a11y} | ≥ ${TARGETS.accessibility} | ${(a11y / TARGETS.accessibility).toFixed(2)} |`);
        check(`performance ${name} ${preset} ≥ ${TARGETS.performance}`, perf >= TARGETS.performance);
        check(`accessibility ${name} ${preset} ≥ ${TARGETS.accessibility}`, a11y >= TARGETS.accessibility);
        for (const [metric, key, unit] of [["LCP", "lcp", "ms"], ["TBT", "tbt", "ms"], ["FCP", "fcp", "ms"]] as const) {
          rows.push(`| ${metric}, ${tag} (median) | ${fmt(median(runs.map((r) => r[key])), 0)} ${unit} | – | – |`);
        }
        rows.push(`| CLS, ${tag} (median) | ${median(runs.map((r) => r.cls)).toFixed(3)} | – | – |`);
      }
    }
    for (const r of js) {
      rows.push(`| first-load JS \`${r.route}\` (${r.scripts} scripts, ${fmt(kb(r.raw))} kB raw) | ${fmt(kb(r.gzip))} kB gzipped | ≤ ${TARGETS.firstLoadKb} kB | ${(kb(r.gzip) / TARGETS.firstLoadKb).toFixed(2)} |`);
    }
    const maxJs = Math.max(...js.map((r) => r.gzip));
    check(`first-load JS ≤ ${TARGETS.firstLoadKb} kB gzipped on every route (largest ${fmt(kb(maxJs))} kB)`, kb(maxJs) <= TARGETS.firstLoadKb && js.length > 0);

    const failing = new Map<string, string>();
    const opportunities = new Map<string, string>();
    for (const name of Object.keys(results)) {
      for (const preset of PRESETS) {
        for (const run of results[name][preset]) {
          for (const a of run.failedA11y) failing.set(`${name}: ${a.id}`, a.title);
          for (const o of run.opportunities) opportunities.set(`${name} ${preset}: ${o.id}`, `${o.title} (~${o.savingsMs} ms)`);
        }
      }
    }

    const table = ["| metric | value | reference value | ratio |", "|---|---|---|---|", ...rows].join("\n");
    console.log("\n" + table + "\n");
    console.log(verdicts.join("\n"));
    if (failing.size) console.log(`\naccessibility audits failing:\n${[...failing].map(([k, v]) => `- ${k}: ${v}`).join("\n")}`);
    if (opportunities.size) console.log(`\nperformance opportunities:\n${[...opportunities].map(([k, v]) => `- ${k}: ${v}`).join("\n")}`);

    if (WRITE_DOCS) {
      const nodeVersion = process.version;
      const body = [
        "## Web app (Lighthouse, first-load JS)",
        "",
        `- command: \`npm run bench:web\` (scripts/bench/web, its own npm package with lighthouse ${versionOf("lighthouse")} and chrome-launcher ${versionOf("chrome-launcher")})`,
        `- date: ${new Date().toISOString().replace(/\.\d+Z$/, "Z")}`,
        `- machine: ${cpus().length} cores (${cpus()[0]?.model.trim() ?? "unknown"}), Node ${nodeVersion}, ${spawnSync(CHROMIUM, ["--version"], { encoding: "utf8" }).stdout.trim()} at ${CHROMIUM}; shared with the Hardhat node, the indexer, \`next start\` and other engineers' jobs. Load average (1 / 5 / 15 min) before ${loadBefore}, during the Lighthouse runs ${loads[0]} … ${loads.at(-1)}, after ${loadAfter}`,
        `- what is served: the production build (\`next build\` into web/${DIST_DIR}${build.built ? `, built by this run in ${fmt(build.ms / 1000)} s` : `, newer than its sources`}) served by \`next start\` on 127.0.0.1, with a Hardhat node (protocol deployed and seeded: stakes, a market with a filled job and 6 quotes on the board, two ventures) and the indexer on PGlite behind it, so the pages render real data`,
        `- Lighthouse: categories performance and accessibility; "mobile" is Lighthouse's default (Moto G Power emulation, simulated slow 4G and 4× CPU slowdown), "desktop" its desktop preset; a fresh chromium (flags ${CHROMIUM_FLAGS.map((f) => `\`${f}\``).join(" ")}, fresh user-data-dir) per run; the median of ${RUNS} runs; one untimed visit of each page first. No wallet is injected (a first-time visitor)`,
        `- first-load JS: the scripts each route's server-rendered HTML loads (the old \`next build\` "First Load JS"; Next.js 16 prints no sizes), read from web/${DIST_DIR}/static and gzipped at level 9; legacy \`noModule\` polyfills excluded; dynamic routes measured with the seeded job, agent and venture`,
        `- targets: ${verdicts.join("; ")}`,
        ...(failing.size ? [`- accessibility audits failing in at least one run: ${[...failing].map(([k, v]) => `${k} (${v})`).join("; ")}`] : []),
        ...(opportunities.size ? [`- largest performance opportunities: ${[...opportunities].slice(0, 6).map(([k, v]) => `${k} — ${v}`).join("; ")}`] : []),
        "",
        table,
        "",
      ].join("\n");
      writeDocs(body);
      log("wrote docs/benchmarks.md");
    }
  } finally {
    await stack.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    console.error(err.stack ?? err.message);
    process.exit(1);
  },
);
