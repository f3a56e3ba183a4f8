// The web app's end-to-end harness, reusable by any full-system test:
//   startStack()  a real Hardhat node on a free port with the protocol deployed (the deploy
//                 script npm start uses), seeded for the browser flows (seed.ts); the real
//                 indexer service in its own process on PGlite on a free port (CORS and SIWE
//                 opened to the web app's origin); the web app built into web/.next-e2e when that is
//                 older than its sources (`next build`) and served by `next start` on a free port.
//   openBrowser() headless Debian chromium through playwright-core with a fresh user-data-dir
//                 and the injected test wallet (wallet.ts); pages record console errors,
//                 page errors and failed requests, and save screenshots to web/e2e/artifacts/.
//   stop()        stops everything it started: every child runs in its own process group and
//                 the whole group is signalled (SIGTERM, then SIGKILL); an exit handler kills
//                 any group still alive if the test process dies first.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { basename, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type BrowserContext, type ConsoleMessage, type Page } from "playwright-core";
import { generatePrivateKey } from "viem/accounts";
import type { Hex } from "viem";
import { startChain, type TestChain } from "../../indexer/src/testing/chain.ts";
import { freePort, startProcess, stopProcess, type Managed } from "../../scripts/lib/processes.ts";
import { depositRevenue, seedChain, seedQuotes, settleJob, type Seed } from "./seed.ts";
import { installWallet, TestWallet } from "./wallet.ts";

export const WEB_DIR = resolve(fileURLToPath(new URL("..", import.meta.url)));
export const ROOT = resolve(WEB_DIR, "..");
export const ARTIFACTS_DIR = join(WEB_DIR, "e2e", "artifacts");
/**
 * The suite's own build folder (web/next.config.ts reads NEXT_DIST_DIR), beside a developer's
 * .next in the same work tree: their builds never swap the files under the suite's server.
 */
export const DIST_DIR = process.env.E2E_DIST_DIR ?? ".next-e2e";
export const DIST_PATH = join(WEB_DIR, DIST_DIR);
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const CHROMIUM_FLAGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
];

export type Log = (line: string) => void;
const t0 = performance.now();
const defaultLog: Log = (line) => process.stderr.write(`[e2e ${((performance.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${line}\n`);

// ---------------------------------------------------------------- process bookkeeping

/** Every process group this module started and has not yet seen exit. */
const live = new Set<Managed>();
function track(m: Managed): Managed {
  live.add(m);
  void m.exited.then(() => live.delete(m));
  return m;
}
function killAllNow() {
  for (const m of live) {
    try {
      if (m.child.pid !== undefined) process.kill(-m.child.pid, "SIGKILL");
    } catch {
      /* gone */
    }
  }
}
process.once("exit", killAllNow);
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.once(sig, () => {
    killAllNow();
    process.exit(130);
  });
}

/** Pids of live processes whose command line contains `needle` (e.g. a chromium's user-data-dir). */
export function processesWith(needle: string): number[] {
  const out: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, "utf8").includes(needle)) out.push(Number(entry));
    } catch {
      /* exited meanwhile */
    }
  }
  return out;
}

/** Whether any process of the group led by `pid` is still alive. */
export function processGroupAlive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------- prerequisites

/** Installs Debian's chromium when it is missing (scripts/ensure-chromium.sh). */
export function ensureChromium(log: Log = defaultLog): void {
  if (existsSync(CHROMIUM)) return;
  log(`${CHROMIUM} is missing: running scripts/ensure-chromium.sh`);
  const r = spawnSync("bash", [join(ROOT, "scripts", "ensure-chromium.sh")], { stdio: ["ignore", "inherit", "inherit"] });
  if (r.status !== 0 || !existsSync(CHROMIUM)) throw new Error(`could not install chromium (scripts/ensure-chromium.sh exited ${r.status})`);
}

/** Compiles the contracts (and the generated ABI modules) when the artifacts are missing. */
export function ensureContracts(log: Log = defaultLog): void {
  if (existsSync(join(ROOT, "artifacts", "contracts", "market", "WorkMarket.sol", "WorkMarket.json")) && existsSync(join(WEB_DIR, "lib", "generated", "abis.ts"))) return;
  log("compiling the contracts (npm run build)");
  const r = spawnSync("npm", ["run", "build"], { cwd: ROOT, stdio: ["ignore", "inherit", "inherit"] });
  if (r.status !== 0) throw new Error(`npm run build failed (exit code ${r.status})`);
}

const requireFromWeb = createRequire(join(WEB_DIR, "package.json"));
/** next's CLI, resolved from the web package (hoisted or not). */
export function nextBin(): string {
  return join(dirname(requireFromWeb.resolve("next/package.json")), "dist", "bin", "next");
}

/** The newest modification time of the files that decide the build: everything under web/ but dependencies, outputs and tests. */
function newestSource(): { mtimeMs: number; file: string } {
  // next-env.d.ts is rewritten by every build (any dist folder's): generated, not a source
  const skip = new Set(["node_modules", "e2e", "out", ".turbo", "next-env.d.ts"]);
  let newest = { mtimeMs: 0, file: "" };
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      if (skip.has(name) || name.startsWith(".next") || name.endsWith(".test.ts") || name.endsWith(".tsbuildinfo") || name.endsWith(".md")) continue;
      const p = join(dir, name);
      const s = statSync(p);
      if (s.isDirectory()) walk(p);
      else if (s.mtimeMs > newest.mtimeMs) newest = { mtimeMs: s.mtimeMs, file: relative(WEB_DIR, p) };
    }
  };
  walk(WEB_DIR);
  // and the modules outside web/ that the app imports (the agents' browser-safe spec module)
  for (const f of WEB_SOURCES_OUTSIDE) {
    const p = join(WEB_DIR, f);
    const s = statSync(p);
    if (s.mtimeMs > newest.mtimeMs) newest = { mtimeMs: s.mtimeMs, file: f };
  }
  return newest;
}

/** Files outside web/ that the web app imports (relative to web/); scripts/devnet/web.ts lists the same. */
export const WEB_SOURCES_OUTSIDE = ["../agents/src/runtime/spec.ts"];

/** Build-time environment of the web app (nothing that changes from run to run: ports are runtime settings). */
export function buildEnv(): Record<string, string> {
  return { NEXT_TELEMETRY_DISABLED: "1", NEXT_DIST_DIR: DIST_DIR };
}

/**
 * `next build` into web/.next-e2e unless it holds a build newer than every source file
 * (E2E_REBUILD=1 forces one). The configuration is read at runtime (web/TESTHOOKS.md), so one build serves every run.
 */
export async function buildWebApp(log: Log = defaultLog, force = process.env.E2E_REBUILD === "1"): Promise<{ built: boolean; lines: string[]; ms: number }> {
  const buildId = join(DIST_PATH, "BUILD_ID");
  const started = performance.now();
  // another `next build` of the same folder (a colleague's, in a shared work tree) holds Next's
  // build lock: wait for it, then look again (its build may be current)
  for (let attempt = 0; ; attempt++) {
    const newest = newestSource();
    if (!force && existsSync(buildId) && statSync(buildId).mtimeMs > newest.mtimeMs) {
      log(`web app: the build in web/${DIST_DIR} is newer than its sources`);
      return { built: false, lines: [], ms: 0 };
    }
    log(`web app: next build (${existsSync(buildId) ? `${newest.file} changed since the last build` : "no build yet"})…`);
    const lines: string[] = [];
    const p = track(startProcess("next-build", process.execPath, [nextBin(), "build"], { cwd: WEB_DIR, env: buildEnv(), onLine: (l) => lines.push(l) }));
    const code = await p.exited;
    const ms = performance.now() - started;
    if (code === 0) {
      log(`web app: built in ${(ms / 1000).toFixed(1)} s`);
      return { built: true, lines, ms };
    }
    if (lines.some((l) => l.includes("Another next build process is already running")) && attempt < 40) {
      log(`web app: another next build is running in web/${DIST_DIR}: waiting for it`);
      await new Promise((r) => setTimeout(r, 15_000));
      force = false;
      continue;
    }
    throw new Error(`next build failed (exit code ${code}):\n${lines.slice(-60).join("\n")}`);
  }
}

// ---------------------------------------------------------------- the stack

export interface Stack {
  chain: TestChain;
  rpcUrl: string;
  deploymentsFile: string;
  indexerUrl: string;
  graphqlUrl: string;
  webUrl: string;
  /** The test wallet's private key (a fresh one per stack). */
  walletKey: Hex;
  seed: Seed;
  processes: { chain: Managed; indexer: Managed; web: Managed };
  /** Lines the indexer and the web server printed (for failure messages). */
  output: { indexer: string[]; web: string[] };
  /** A GraphQL query against the indexer; throws on errors. */
  gql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<T>;
  /** Resolves once the indexer has indexed `block` (default: the chain's current head). */
  waitForIndexed(block?: number, timeoutMs?: number): Promise<number>;
  /** The venture's operator deposits revenue; resolves once the indexer has it. */
  depositRevenue(amount: bigint, token?: "ComputeToken" | "UBCToken"): Promise<void>;
  /** Delivers, validates and settles an accepted job of the seeded provider (moves the chain's clock a day ahead); resolves once indexed. */
  settleJob(jobId: bigint, opts?: { settle?: boolean }): Promise<void>;
  log: Log;
  stop(): Promise<void>;
}

export interface StackOptions {
  log?: Log;
  /** The test wallet's key (default: a fresh random key). */
  walletKey?: Hex;
  /** Extra environment for `next start`. */
  webEnv?: Record<string, string>;
  /** Skip the web app (a harness for other full-system tests). */
  web?: boolean;
}

async function waitForHttp(url: string, exited: Promise<number | null>, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let dead = false;
  void exited.then(() => (dead = true));
  let last = "";
  while (Date.now() < deadline) {
    if (dead) throw new Error(`${what} exited before answering ${url}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
      if (res.status < 500) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = String(err);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what} did not answer ${url} within ${timeoutMs} ms (${last})`);
}

export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const log = opts.log ?? defaultLog;
  const withWeb = opts.web !== false;
  ensureContracts(log);
  const dir = mkdtempSync(join(tmpdir(), "ubc-e2e-"));
  const walletKey = opts.walletKey ?? generatePrivateKey();
  const [indexerPort, webPort] = [await freePort(), await freePort()];
  const indexerUrl = `http://127.0.0.1:${indexerPort}`;
  const webUrl = `http://127.0.0.1:${webPort}`;
  const webOrigins = [webUrl, `http://localhost:${webPort}`];

  let chain: TestChain | undefined;
  let indexer: Managed | undefined;
  let web: Managed | undefined;
  const output = { indexer: [] as string[], web: [] as string[] };
  const stopAll = async () => {
    await Promise.all([web, indexer].filter((m): m is Managed => m !== undefined).map((m) => stopProcess(m)));
    await chain?.stop();
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    // the build runs while the chain starts, deploys and is seeded (both are mostly CPU: on two
    // cores they overlap well enough)
    const build = withWeb ? buildWebApp(log) : Promise.resolve(null);
    build.catch(() => undefined);
    log("chain: starting a Hardhat node and deploying…");
    chain = await startChain();
    track(chain.node);
    log(`chain: ${chain.url}, deployed`);
    const deploymentsFile = join(dir, "localhost.json");
    writeFileSync(deploymentsFile, JSON.stringify(chain.deployments, null, 2));
    log("indexer: starting…");
    let ready: () => void = () => undefined;
    const readyP = new Promise<void>((r) => (ready = r));
    indexer = track(startProcess("indexer", process.execPath, [join(ROOT, "indexer", "src", "cli.ts"), "--fresh"], {
      cwd: ROOT,
      env: {
        RPC_URL: chain.url, DEPLOYMENTS: deploymentsFile, INDEXER_PORT: String(indexerPort), INDEXER_HOST: "127.0.0.1",
        DATA_DIR: join(dir, "indexer"), DATABASE_URL: "", FINALITY_DEPTH: "2", LOG_LEVEL: "warn",
        CORS_ORIGINS: webOrigins.join(","), SIWE_DOMAINS: webOrigins.map((o) => new URL(o).host).join(","), SIWE_URIS: webOrigins.join(","),
        RATE_LIMIT_PER_IP: "2000", RATE_LIMIT_PER_ADDRESS: "1000",
      },
      onLine: (l) => {
        output.indexer.push(l);
        if (l.startsWith("graphql: ")) log(`indexer: database open and API up (${l})`);
        if (l === "ready") ready();
      },
    }));
    // the chain is seeded while the indexer opens its database (it indexes the seed as it comes)
    const seed0 = await seedChain(chain, walletKey);
    log(`chain: seeded (wallet ${seed0.wallet.address}, venture ${seed0.venture.address}, head ${await chain.provider.getBlockNumber()})`);

    const ix = indexer;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        readyP,
        ix.exited.then((code) => { throw new Error(`the indexer exited (${code}):\n${output.indexer.slice(-30).join("\n")}`); }),
        new Promise((_, rej) => (timer = setTimeout(() => rej(new Error(`the indexer was not ready within 120 s:\n${output.indexer.slice(-30).join("\n")}`)), 120_000))),
      ]);
    } finally {
      clearTimeout(timer);
    }
    const c = chain;
    const gql = async <T,>(query: string, variables?: Record<string, unknown>): Promise<T> => {
      const res = await fetch(`${indexerUrl}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query, variables }) });
      const body = (await res.json()) as { data?: T; errors?: { message: string }[] };
      if (body.errors?.length || !body.data) throw new Error(`GraphQL error: ${JSON.stringify(body.errors ?? body)}`);
      return body.data;
    };
    const waitForIndexed = async (block?: number, timeoutMs = 60_000): Promise<number> => {
      const target = block ?? (await c.provider.getBlockNumber());
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const d = await gql<{ _meta: { block: { number: number } | null } }>("{ _meta { block { number } } }").catch(() => null);
        const n = d?._meta.block?.number ?? -1;
        if (n >= target) return n;
        if (Date.now() > deadline) throw new Error(`the indexer is at block ${n}, not ${target}, after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    await waitForIndexed();
    const quotes = await seedQuotes(chain, indexerUrl, seed0.market);
    const seed: Seed = { ...seed0, quotes };
    log(`indexer: ${indexerUrl} caught up; ${quotes.length} quotes on the board`);

    if (withWeb) {
      await build;
      log("web app: next start…");
      web = track(startProcess("web", process.execPath, [nextBin(), "start", "-p", String(webPort), "-H", "127.0.0.1"], {
        cwd: WEB_DIR,
        env: { ...webRuntimeEnv({ rpcUrl: chain.url, indexerUrl, deploymentsFile, chainId: chain.deployments.chainId }), NEXT_DIST_DIR: DIST_DIR, PORT: String(webPort), HOSTNAME: "127.0.0.1", ...opts.webEnv },
        onLine: (l) => output.web.push(l),
      }));
      await waitForHttp(webUrl, web.exited, "next start", 60_000).catch((err: Error) => {
        throw new Error(`${err.message}\n${output.web.slice(-40).join("\n")}`);
      });
      log(`web app: ${webUrl}`);
    }

    return {
      chain, rpcUrl: chain.url, deploymentsFile, indexerUrl, graphqlUrl: `${indexerUrl}/graphql`, webUrl, walletKey, seed,
      processes: { chain: chain.node, indexer, web: web! }, output, gql, waitForIndexed, log,
      async depositRevenue(amount, token = "ComputeToken") {
        await depositRevenue(c, seed, amount, token);
        await waitForIndexed();
      },
      async settleJob(jobId, opts) {
        await settleJob(c, seed, jobId, opts);
        await waitForIndexed();
      },
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/**
 * The web app's runtime configuration (web/TESTHOOKS.md, "Configuration"): its server reads these
 * at request time and hands them to the browser through /api/config, so one build serves any
 * ports. The deployments file is <DEPLOYMENTS_DIR>/<NETWORK>.json.
 */
export function webRuntimeEnv(c: { rpcUrl: string; indexerUrl: string; deploymentsFile: string; chainId: number }): Record<string, string> {
  const env: Record<string, string> = {
    NEXT_TELEMETRY_DISABLED: "1",
    DEPLOYMENTS_DIR: dirname(c.deploymentsFile),
    NETWORK: basename(c.deploymentsFile, ".json"),
    GRAPHQL_URL: `${c.indexerUrl}/graphql`,
    API_URL: c.indexerUrl,
    RPC_URL: c.rpcUrl,
    CHAIN_ID: String(c.chainId),
  };
  // the NEXT_PUBLIC_ twins too, in case a client module reads one of them
  for (const k of ["GRAPHQL_URL", "API_URL", "RPC_URL", "CHAIN_ID"]) env[`NEXT_PUBLIC_${k}`] = env[k];
  return env;
}

// ---------------------------------------------------------------- the browser

export interface PageProblems {
  /** Every console message of the page (all levels), for failure reports. */
  log: string[];
  consoleErrors: string[];
  pageErrors: string[];
  failedRequests: string[];
}

export interface BrowserSession {
  context: BrowserContext;
  /** The fresh user-data-dir of this chromium (its processes carry it on their command line). */
  userDataDir: string;
  wallet: TestWallet;
  /** A new tab that records its problems (console errors, uncaught errors, failed requests). */
  newPage(): Promise<{ page: Page; problems: PageProblems }>;
  /** Full-page screenshot to web/e2e/artifacts/<name>.png; returns the path. */
  screenshot(page: Page, name: string): Promise<string>;
  close(): Promise<void>;
}

export async function openBrowser(stack: Pick<Stack, "rpcUrl" | "walletKey" | "chain">, opts: { log?: Log; viewport?: { width: number; height: number } } = {}): Promise<BrowserSession> {
  const log = opts.log ?? defaultLog;
  ensureChromium(log);
  const userDataDir = mkdtempSync(join(tmpdir(), "ubc-e2e-chromium-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: opts.viewport ?? { width: 1280, height: 900 },
    locale: "en-US",
    timezoneId: "UTC",
  });
  const wallet = new TestWallet(stack.walletKey, stack.rpcUrl, stack.chain.deployments.chainId);
  await installWallet(context, wallet);
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  for (const f of readdirSync(ARTIFACTS_DIR)) if (f.endsWith(".png")) rmSync(join(ARTIFACTS_DIR, f), { force: true });
  return {
    context,
    userDataDir,
    wallet,
    async newPage() {
      const page = await context.newPage();
      const problems: PageProblems = { log: [], consoleErrors: [], pageErrors: [], failedRequests: [] };
      page.on("console", (m: ConsoleMessage) => {
        problems.log.push(`${m.type()}: ${m.text()}`);
        if (problems.log.length > 500) problems.log.splice(0, 100);
        if (m.type() === "error") problems.consoleErrors.push(`${m.text()} (${m.location().url}:${m.location().lineNumber})`);
      });
      page.on("pageerror", (e) => problems.pageErrors.push(e.stack ?? e.message));
      page.on("requestfailed", (r) => {
        // navigations away abort pending requests: those are not failures of the app
        const reason = r.failure()?.errorText ?? "";
        if (reason !== "net::ERR_ABORTED") problems.failedRequests.push(`${r.method()} ${r.url()}: ${reason}`);
      });
      page.on("response", (r) => {
        if (r.status() >= 500) problems.failedRequests.push(`${r.request().method()} ${r.url()}: HTTP ${r.status()}`);
      });
      return { page, problems };
    },
    async screenshot(page, name) {
      const path = join(ARTIFACTS_DIR, `${name}.png`);
      await page.screenshot({ path, fullPage: true });
      return path;
    },
    async close() {
      await context.close().catch(() => undefined);
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
