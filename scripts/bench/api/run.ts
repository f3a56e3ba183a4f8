// npm run bench:api — the load benchmark of the indexer's API (agent-API issue):
//   1. a GraphQL list query at 1,000 connections / 1,000 requests/s in total (open loop),
//   2. quote posts (POST /quotes, each a distinct signed quote) at 1,000 connections / 1,000 req/s,
//   3. the saturation throughput of the list query with 100 connections (closed loop, autocannon).
// It starts a Hardhat node with the protocol deployed (indexer/src/testing/chain.ts), makes
// ≥ 20,000 COMPUTE transfers with the BenchTransferBatcher fixture, registers provider agents,
// starts the indexer service in its own process on a fresh PostgreSQL schema, waits until it has
// indexed everything, then measures. Prints a table and writes the section
// "## API load (GraphQL list query, quote posts)" of docs/benchmarks.md.
//
// Environment (all optional):
//   BENCH_DATABASE_URL      PostgreSQL (default postgresql://postgres@127.0.0.1:5432/test; a fresh schema is made and dropped)
//   BENCH_TRANSFERS         COMPUTE transfers to make (default 20000)
//   BENCH_CONNECTIONS       connections of the open-loop runs (default 1000)
//   BENCH_RATE              requests/s in total of the open-loop runs (default 1000)
//   BENCH_WARMUP            warm-up seconds before each measured window (default 5)
//   BENCH_SECONDS           measured seconds of each open-loop run (default 20)
//   BENCH_SAT_CONNECTIONS   connections of the saturation run (default 100)
//   BENCH_SAT_SECONDS       measured seconds of the saturation run (default 15)
//   BENCH_QUOTE_LOW_RATE    a second quote-post run at this rate in total, to show the latency below saturation (default 300; 0: none)
//   BENCH_BLOCK_MS          mine a block with a COMPUTE transfer every so many ms during the runs (default 0: none)
//   BENCH_ONLY              comma list of list,quotes,saturation (default all; docs are not written then)
//   BENCH_NO_DOCS=1         do not write docs/benchmarks.md
//   BENCH_PROFILE=1         run the service with --cpu-prof (profiles in scripts/bench/api/profiles/;
//                           summary: node scripts/bench/api/profile-summary.ts <file>)
//   BENCH_RENDER=1          only rewrite the docs section from scripts/bench/api/last-run.json
//
// autocannon lives in this folder's own package (scripts/bench/api/package.json), installed here
// with `npm ci --prefix scripts/bench/api` when missing: it never enters the root lockfile.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, writeFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { cpus, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ethers } from "ethers";
import pg from "pg";
import { startChain, ARTIFACTS, type TestChain } from "../../../indexer/src/testing/chain.ts";
import { signIn } from "../../../indexer/src/testing/siwe.ts";
import { startProcess, stopProcess, type Managed } from "../../lib/processes.ts";
import { openLoop, type OpenLoopResult } from "./loadgen.ts";
import { quoteDigest, type QuoteInput } from "../../../indexer/src/server/quotes.ts";
import { loadLibsecp256k1 } from "../../../indexer/src/server/secp256k1.ts";

const ROOT = resolve(fileURLToPath(new URL("../../..", import.meta.url)));
const BENCH_DIR = join(ROOT, "scripts", "bench", "api");
const env = (k: string, d: number) => (process.env[k] === undefined || process.env[k] === "" ? d : Number(process.env[k]));
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/test";
const TRANSFERS = env("BENCH_TRANSFERS", 20_000);
const CONNECTIONS = env("BENCH_CONNECTIONS", 1_000);
const RATE = env("BENCH_RATE", 1_000);
const WARMUP = env("BENCH_WARMUP", 5);
const SECONDS = env("BENCH_SECONDS", 20);
const SAT_CONNECTIONS = env("BENCH_SAT_CONNECTIONS", 100);
const SAT_SECONDS = env("BENCH_SAT_SECONDS", 15);
const BLOCK_MS = env("BENCH_BLOCK_MS", 0);
const QUOTE_LOW_RATE = env("BENCH_QUOTE_LOW_RATE", 300);
const ONLY = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(",").map((s) => s.trim())) : null;
const WRITE_DOCS = ONLY === null && process.env.BENCH_NO_DOCS !== "1";
const PROFILE = process.env.BENCH_PROFILE === "1";
const E18 = 10n ** 18n;
const PROVIDER_ROLE = 1;
/** The quote board allows 1,000 live quotes per agent: the benchmark keeps each agent under this. */
const QUOTES_PER_AGENT = 900;

/** The list query: the latest COMPUTE/UBC transfers with a positive value, as a wallet or explorer shows them. */
export const LIST_QUERY = `{ tokenTransfers(first: 20, orderBy: blockNumber, orderDirection: desc, where: { value_gt: "0" }) { id from { id } to { id } value blockNumber timestamp transactionHash } }`;

/** CPU seconds used so far by a process (and its threads), from /proc; with `children`, also by its exited children. */
function cpuOf(pid: number | undefined, children = false): number {
  if (pid === undefined) return 0;
  try {
    const f = readFileSync(`/proc/${pid}/stat`, "utf8");
    const rest = f.slice(f.lastIndexOf(")") + 2).split(" ");
    // utime + stime (+ cutime + cstime), in clock ticks of 10 ms
    return (Number(rest[11]) + Number(rest[12]) + (children ? Number(rest[13]) + Number(rest[14]) : 0)) / 100;
  } catch {
    return 0;
  }
}
/**
 * CPU seconds of every PostgreSQL process on the machine (its backends serve this benchmark, but
 * not only), the exited backends included (the postmaster's children times).
 */
function cpuOfPostgres(): number {
  let total = 0;
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const f = readFileSync(`/proc/${d}/stat`, "utf8");
      if (!f.includes("(postgres)")) continue;
      total += cpuOf(Number(d), true);
    } catch {
      /* gone */
    }
  }
  return total;
}
/**
 * CPU seconds so far of the PostgreSQL backends serving the service's own connections (other
 * engineers' jobs use the same server): the service's TCP connections to port 5432 are found
 * through its socket inodes in /proc/net/tcp, and a backend names its client's port in its
 * command line ("postgres: … 127.0.0.1(port) …"). Keyed by backend pid.
 */
function serviceBackends(pid: number | undefined): Map<number, number> {
  const out = new Map<number, number>();
  if (pid === undefined) return out;
  try {
    const inodes = new Set<string>();
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m) inodes.add(m[1]);
      } catch {
        /* closed meanwhile */
      }
    }
    const ports = new Set<number>();
    for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
      let text = "";
      try {
        text = readFileSync(file, "utf8");
      } catch {
        continue;
      }
      for (const line of text.split("\n").slice(1)) {
        const f = line.trim().split(/\s+/);
        if (f.length < 10 || !inodes.has(f[9])) continue;
        if (parseInt(f[2].split(":")[1], 16) === 5432) ports.add(parseInt(f[1].split(":")[1], 16));
      }
    }
    for (const d of readdirSync("/proc")) {
      if (!/^\d+$/.test(d)) continue;
      try {
        const cmd = readFileSync(`/proc/${d}/cmdline`, "utf8");
        const m = /^postgres: .*\((\d+)\)/.exec(cmd);
        if (m && ports.has(Number(m[1]))) out.set(Number(d), cpuOf(Number(d)));
      } catch {
        /* gone */
      }
    }
  } catch {
    /* no /proc */
  }
  return out;
}
type Cpu = { service: number; chain: number; postgres: number; generator: number; wall: number; backends: Map<number, number>; ownPostgres: number };
let servicePid: number | undefined;
let chainPid: number | undefined;
const cpuNow = (): Cpu => ({ service: cpuOf(servicePid), chain: cpuOf(chainPid), postgres: cpuOfPostgres(), generator: cpuOf(process.pid), wall: performance.now() / 1000, backends: serviceBackends(servicePid), ownPostgres: 0 });
const cpuSince = (a: Cpu): Cpu => {
  const b = cpuNow();
  // the service's backends: what each used since the start (a backend opened meanwhile: all of it; one closed meanwhile is missed)
  let own = 0;
  for (const [pid, t] of b.backends) own += t - (a.backends.get(pid) ?? 0);
  return { service: b.service - a.service, chain: b.chain - a.chain, postgres: b.postgres - a.postgres, generator: b.generator - a.generator, wall: b.wall - a.wall, backends: b.backends, ownPostgres: own };
};
const cpuText = (c: Cpu) => `CPU over ${c.wall.toFixed(0)} s: service ${(c.service / c.wall).toFixed(2)} cores, Hardhat node ${(c.chain / c.wall).toFixed(2)}, PostgreSQL ${(c.postgres / c.wall).toFixed(2)} (the service's backends ${(c.ownPostgres / c.wall).toFixed(2)}), generator ${(c.generator / c.wall).toFixed(2)}`;
/** CPU ms per stored post: service, its PostgreSQL backends, Hardhat node. */
const perPost = (c: Cpu | undefined, posts: number | undefined) =>
  c && posts ? `service ${((1000 * c.service) / posts).toFixed(2)} / PostgreSQL ${((1000 * c.ownPostgres) / posts).toFixed(2)} / Hardhat ${((1000 * c.chain) / posts).toFixed(2)} ms (${posts.toLocaleString("en-US")} posts stored)` : "-";
/** Quotes the service has stored so far (its /metrics). */
async function postsStored(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(/^quote_posts_total (\d+)/m.exec(text)?.[1] ?? 0);
}

const t0 = performance.now();
const log = (line: string) => process.stdout.write(`[${((performance.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${line}\n`);
const load = () => loadavg().map((x) => x.toFixed(2)).join(" / ");

function ensureInstalled() {
  if (existsSync(join(BENCH_DIR, "node_modules", "autocannon", "package.json"))) return;
  log("installing the benchmark's own package (autocannon) with npm ci --prefix scripts/bench/api");
  const r = spawnSync("npm", ["ci", "--prefix", BENCH_DIR, "--no-audit", "--no-fund"], { stdio: "inherit", cwd: ROOT });
  if (r.status !== 0) throw new Error(`npm ci --prefix ${BENCH_DIR} failed (exit code ${r.status})`);
}

function ensureArtifacts() {
  const a = join(ARTIFACTS, "contracts", "test", "BenchTransferBatcher.sol", "BenchTransferBatcher.json");
  if (existsSync(a) && existsSync(join(ARTIFACTS, "contracts", "market", "WorkMarket.sol"))) return;
  log("compiling the contracts (npx hardhat build)");
  const r = spawnSync("npx", ["hardhat", "build"], { stdio: "inherit", cwd: ROOT });
  if (r.status !== 0) throw new Error("hardhat build failed");
}

function artifact(file: string, name: string): { abi: ethers.InterfaceAbi; bytecode: string } {
  return JSON.parse(readFileSync(join(ARTIFACTS, "contracts", file, `${name}.json`), "utf8"));
}

/** Makes `total` COMPUTE transfers through BenchTransferBatcher, 250 per transaction. */
async function makeTransfers(chain: TestChain, total: number) {
  const deployer = chain.signers[0];
  const b = artifact("test/BenchTransferBatcher.sol", "BenchTransferBatcher");
  const compute = chain.contract("ComputeToken", deployer);
  const batcher = await new ethers.ContractFactory(b.abi, b.bytecode, deployer).deploy(await compute.getAddress());
  await batcher.waitForDeployment();
  const unit = 10n ** 12n;
  let need = 0n;
  for (let i = 0; i < total; i++) need += BigInt((i % 997) + 1) * unit;
  await (await compute.transfer(await batcher.getAddress(), need)).wait();
  const iface = new ethers.Interface(b.abi);
  const from = await deployer.getAddress();
  const to = await batcher.getAddress();
  const perTx = 250;
  let last = performance.now();
  let hash = "";
  for (let first = 0; first < total; first += perTx) {
    const count = Math.min(perTx, total - first);
    const data = iface.encodeFunctionData("spray", [first, count, 2_000, unit]);
    hash = await chain.rpc<string>("eth_sendTransaction", [{ from, to, data, gas: "0xE4E1C0" }]);
    if (performance.now() - last > 3_000) {
      last = performance.now();
      log(`  ${(first + count).toLocaleString("en-US")} / ${total.toLocaleString("en-US")} transfers`);
    }
  }
  const receipt = await chain.provider.getTransactionReceipt(hash);
  if (receipt?.status !== 1) throw new Error("the last transfer batch failed");
}

interface Agent {
  wallet: ethers.Wallet;
  agentId: bigint;
  token: string;
}

/** Registers `n` provider agents with fresh wallets (funded with ETH for gas). */
async function registerProviders(chain: TestChain, n: number): Promise<Agent[]> {
  const registry = chain.contract("AgentRegistry");
  const funder = chain.signers[1];
  const agents: Agent[] = [];
  for (let i = 0; i < n; i++) {
    const wallet = new ethers.Wallet(ethers.id(`ubc api bench provider ${i}`), chain.provider);
    await (await funder.sendTransaction({ to: wallet.address, value: E18 })).wait();
    await (await (registry.connect(wallet) as ethers.Contract).register(`ipfs://bench-provider-${i}`, PROVIDER_ROLE)).wait();
    const agentId = (await registry.agentCount()) as bigint;
    agents.push({ wallet, agentId, token: "" });
  }
  return agents;
}

async function startServer(chain: TestChain, schema: string): Promise<{ proc: Managed; url: string; lines: string[] }> {
  const deployFile = join(tmpdir(), `ubc-apibench-${process.pid}.json`);
  writeFileSync(deployFile, JSON.stringify(chain.deployments));
  const cfg = {
    rpcUrl: chain.url, deployments: deployFile, artifactsDir: ARTIFACTS, databaseUrl: DATABASE_URL, databaseSchema: schema,
    // raised for the benchmark: every connection comes from 127.0.0.1, and each agent posts ~1,000 quotes
    rateLimit: { perIp: 1_000_000, perAddress: 1_000_000 },
  };
  const profDir = join(BENCH_DIR, "profiles");
  if (PROFILE) mkdirSync(profDir, { recursive: true });
  const lines: string[] = [];
  let ready: (url: string) => void;
  const readyP = new Promise<string>((r) => (ready = r));
  const args = [...(PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${profDir}`] : []), join(BENCH_DIR, "server.ts"), JSON.stringify(cfg)];
  const proc = startProcess("indexer", process.execPath, args, {
    cwd: ROOT,
    onLine: (l) => {
      if (l.startsWith("READY ")) ready(l.slice(6).trim());
      else {
        lines.push(l);
        if (lines.length > 200) lines.shift();
        if (/error|warn/i.test(l)) log(`  indexer: ${l}`);
      }
    },
  });
  const url = await Promise.race([readyP, proc.exited.then((c) => { throw new Error(`the indexer exited (${c}):\n${lines.join("\n")}`); })]);
  return { proc, url, lines };
}

async function waitIndexed(chain: TestChain, url: string) {
  const head = await chain.provider.getBlockNumber();
  let last = 0;
  for (;;) {
    const h = (await (await fetch(`${url}/healthz`)).json()) as { block: string; caughtUp: boolean; error: string | null };
    if (Number(h.block) >= head && h.caughtUp) return;
    if (performance.now() - last > 3_000) {
      last = performance.now();
      log(`  indexed block ${h.block} of ${head}${h.error ? ` (last error: ${h.error})` : ""}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Waits until the service has finished what earlier runs left queued (its request counters stop moving). */
async function waitIdle(url: string) {
  const counters = async () => {
    const text = await (await fetch(`${url}/metrics`)).text();
    return (text.match(/^(graphql_requests_total|quote_posts_total|quote_refusals_total) \d+/gm) ?? []).join(",");
  };
  let last = await counters();
  const started = performance.now();
  for (;;) {
    await new Promise((r) => setTimeout(r, 1_500));
    const now = await counters();
    if (now === last || performance.now() - started > 120_000) break;
    last = now;
  }
  log(`  the service is idle again (waited ${((performance.now() - started) / 1000).toFixed(1)} s)`);
}

/** Waits until the service's CPU use stays under 10% of a core for two seconds (at most 60 s). */
async function waitCpuIdle() {
  const started = performance.now();
  let quiet = 0;
  let last = cpuOf(servicePid);
  while (quiet < 4 && performance.now() - started < 60_000) {
    await new Promise((r) => setTimeout(r, 500));
    const now = cpuOf(servicePid);
    quiet = now - last < 0.05 ? quiet + 1 : 0;
    last = now;
  }
  log(`  the service's CPU is idle (waited ${((performance.now() - started) / 1000).toFixed(1)} s)`);
}

function rawRequest(host: string, method: string, path: string, body: string, headers: Record<string, string> = {}): Buffer {
  const extra = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join("");
  return Buffer.from(
    `${method} ${path} HTTP/1.1\r\nhost: ${host}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`,
  );
}

const progress = (name: string) => (p: { elapsed: number; phase: string; sent: number; done: number; errors: number; inFlight: number; p95: number | null }) =>
  log(`  ${name} ${p.elapsed.toFixed(0).padStart(3)} s ${p.phase.padEnd(7)} sent ${p.sent} answered ${p.done} errors ${p.errors} in flight ${p.inFlight} p95(last 2 s) ${p.p95 === null ? "-" : p.p95.toFixed(1) + " ms"} load ${load()}`);

interface Saturation {
  connections: number;
  seconds: number;
  requestsPerSecond: number;
  total: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  errors: number;
  non2xx: number;
  mismatches: number;
  timeouts: number;
}

async function saturation(url: string, body: string, expected: string): Promise<Saturation> {
  const require = createRequire(join(BENCH_DIR, "package.json"));
  const autocannon = require("autocannon") as (opts: Record<string, unknown>, cb?: unknown) => Promise<Record<string, any>> & { on: (ev: string, f: (...a: any[]) => void) => void };
  const opts = {
    url: `${url}/graphql`, method: "POST", headers: { "content-type": "application/json" }, body,
    connections: SAT_CONNECTIONS, pipelining: 1, expectBody: expected,
  };
  log(`  saturation warm-up: 5 s, ${SAT_CONNECTIONS} connections`);
  await autocannon({ ...opts, duration: 5 });
  log(`  saturation: ${SAT_SECONDS} s, ${SAT_CONNECTIONS} connections, closed loop (each connection sends its next request when the answer arrives)`);
  let seconds = 0;
  const inst = autocannon({ ...opts, duration: SAT_SECONDS });
  let count = 0;
  inst.on("response", () => count++);
  const timer = setInterval(() => {
    seconds += 2;
    log(`  saturation ${seconds} s: ${(count / 2).toFixed(0)} req/s, load ${load()}`);
    count = 0;
  }, 2_000);
  const r = await inst;
  clearInterval(timer);
  return {
    connections: SAT_CONNECTIONS,
    seconds: SAT_SECONDS,
    requestsPerSecond: r.requests.total / SAT_SECONDS,
    total: r.requests.total,
    latencyMs: { p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, max: r.latency.max },
    errors: r.errors + r.non2xx + r.mismatches,
    non2xx: r.non2xx,
    mismatches: r.mismatches,
    timeouts: r.timeouts,
  };
}

// ---------------------------------------------------------------------------------------------

interface Report {
  date: string;
  cores: number;
  cpuModel: string;
  node: string;
  /** Whether the service checked signatures with libsecp256k1 (absent in older reports). */
  nativeSecp256k1?: boolean;
  load: { before: string; list?: string; quotes?: string; quotesLow?: string; saturation?: string; listEnd?: string; quotesEnd?: string; quotesLowEnd?: string; saturationEnd?: string };
  /** Posts stored by the service during each quote run (warm-up and draining included). */
  posts: { quotes?: number; quotesLow?: number };
  postgres: string;
  schema: string;
  rows: number;
  agents: number;
  list?: OpenLoopResult;
  quotes?: OpenLoopResult;
  quotesLow?: OpenLoopResult;
  sat?: Saturation;
  cpu: { list?: Cpu; quotes?: Cpu; quotesLow?: Cpu; saturation?: Cpu };
}

const fmt = (x: number | undefined | null, d = 1) => (x === undefined || x === null || Number.isNaN(x) ? "-" : x.toFixed(d));
const ratio = (v: number | undefined | null, ref: number) => (v === undefined || v === null || Number.isNaN(v) ? "-" : `${(v / ref).toFixed(2)}×`);
const errs = (r: OpenLoopResult) => `${r.errors} of ${r.scheduled}${r.errors ? ` (${Object.entries(r.errorKinds).map(([k, n]) => `${k}: ${n}`).join(", ")})` : ""}`;

function table(rep: Report): string[] {
  const rows: string[][] = [];
  if (rep.list) {
    const l = rep.list.latencyMs;
    rows.push(
      ["list query p50", `${fmt(l.p50)} ms`, "", ""],
      ["list query p95", `${fmt(l.p95)} ms`, "< 50 ms (target)", ratio(l.p95, 50)],
      ["list query p99", `${fmt(l.p99)} ms`, "< 150 ms (target)", ratio(l.p99, 150)],
      ["list query errors", errs(rep.list), "0 (target)", ""],
      ["list query answered / s", fmt(rep.list.throughput, 0), `${RATE} offered`, ratio(rep.list.throughput, RATE)],
      ["load average (1 min) at the start / end of the list run", `${rep.load.list?.split(" / ")[0] ?? "-"} / ${rep.load.listEnd?.split(" / ")[0] ?? "-"}`, `${rep.cores} cores`, ""],
    );
  }
  if (rep.quotes) {
    const l = rep.quotes.latencyMs;
    rows.push(
      ["quote post p50", `${fmt(l.p50)} ms`, "", ""],
      ["quote post p95", `${fmt(l.p95)} ms`, "< 100 ms (target)", ratio(l.p95, 100)],
      ["quote post p99", `${fmt(l.p99)} ms`, "", ""],
      ["quote post errors", errs(rep.quotes), "0 (target)", ""],
      ["quote posts answered / s", fmt(rep.quotes.throughput, 0), `${RATE} offered`, ratio(rep.quotes.throughput, RATE)],
      ["quote post CPU per post: service / PostgreSQL / Hardhat", perPost(rep.cpu.quotes, rep.posts.quotes), "", ""],
      ["load average (1 min) at the start / end of the quote run", `${rep.load.quotes?.split(" / ")[0] ?? "-"} / ${rep.load.quotesEnd?.split(" / ")[0] ?? "-"}`, `${rep.cores} cores`, ""],
    );
  }
  if (rep.quotesLow) {
    const l = rep.quotesLow.latencyMs;
    rows.push(
      [`quote post at ${rep.quotesLow.rate} req/s: p50 / p95 / p99`, `${fmt(l.p50)} / ${fmt(l.p95)} / ${fmt(l.p99)} ms`, "(not a target: below saturation)", ""],
      [`quote post at ${rep.quotesLow.rate} req/s: errors`, errs(rep.quotesLow), "", ""],
      [`quote posts at ${rep.quotesLow.rate} req/s: answered / s`, fmt(rep.quotesLow.throughput, 0), `${rep.quotesLow.rate} offered`, ratio(rep.quotesLow.throughput, rep.quotesLow.rate)],
      [`quote post at ${rep.quotesLow.rate} req/s: CPU per post: service / PostgreSQL / Hardhat`, perPost(rep.cpu.quotesLow, rep.posts.quotesLow), "", ""],
      [`load average (1 min) at the start / end of the ${rep.quotesLow.rate} req/s run`, `${rep.load.quotesLow?.split(" / ")[0] ?? "-"} / ${rep.load.quotesLowEnd?.split(" / ")[0] ?? "-"}`, `${rep.cores} cores`, ""],
    );
  }
  if (rep.sat) {
    const s = rep.sat;
    rows.push(
      [`list query saturation, ${s.connections} connections`, `${fmt(s.requestsPerSecond, 0)} req/s`, "≥ 5,000 req/s (target)", ratio(s.requestsPerSecond, 5_000)],
      ["", "", "Ponder, no index: ~150 req/s", ratio(s.requestsPerSecond, 150)],
      ["", "", "Ponder, index added by hand: ~1,000 req/s", ratio(s.requestsPerSecond, 1_000)],
      ["", "", "bare Node HTTP server, 1 KB: ~57,000 req/s", ratio(s.requestsPerSecond, 57_000)],
      ["saturation latency p50 / p99", `${fmt(s.latencyMs.p50)} / ${fmt(s.latencyMs.p99)} ms`, "", ""],
      ["saturation errors", `${s.errors} of ${s.total} (non-2xx ${s.non2xx}, wrong body ${s.mismatches}, timeouts ${s.timeouts})`, "0", ""],
      ["load average (1 min) at the start / end of the saturation run", `${rep.load.saturation?.split(" / ")[0] ?? "-"} / ${rep.load.saturationEnd?.split(" / ")[0] ?? "-"}`, `${rep.cores} cores`, ""],
    );
  }
  return ["| metric | value | reference value | ratio |", "|---|---|---|---|", ...rows.map((r) => `| ${r.join(" | ")} |`)];
}

function targetLines(rep: Report): string {
  const out: string[] = [];
  const met = (ok: boolean) => (ok ? "met" : "**missed**");
  if (rep.list) out.push(`list p95 < 50 ms ${met(rep.list.latencyMs.p95 < 50)}, list p99 < 150 ms ${met(rep.list.latencyMs.p99 < 150)}, list errors 0 ${met(rep.list.errors === 0)}`);
  if (rep.quotes) out.push(`quote post p95 < 100 ms ${met(rep.quotes.latencyMs.p95 < 100)}, quote errors 0 ${met(rep.quotes.errors === 0)}${rep.quotes.errors && !Object.keys(rep.quotes.errorKinds).some((k) => k.startsWith("HTTP")) ? " (no 4xx/5xx: the errors are posts still unanswered 10 s after the run)" : ""}`);
  if (rep.sat) out.push(`saturation ≥ 5,000 req/s ${met(rep.sat.requestsPerSecond >= 5_000)}`);
  return out.join("; ");
}

function section(rep: Report): string {
  const gen = (r: OpenLoopResult | undefined) =>
    r ? `the generator's own lag (requests due on an idle connection) p50 ${fmt(r.sendLagMs.p50, 2)} ms, p99 ${fmt(r.sendLagMs.p99, 2)} ms; ${r.connections} connections opened in ${fmt(r.connectMs / 1000, 1)} s` : "-";
  return [
    "## API load (GraphQL list query, quote posts)",
    "",
    `- command: \`npm run bench:api\` (scripts/bench/api, its own npm package with autocannon ${JSON.parse(readFileSync(join(BENCH_DIR, "package.json"), "utf8")).dependencies.autocannon})`,
    `- date: ${rep.date}`,
    `- machine: ${rep.cores} cores (${rep.cpuModel}), Node ${rep.node}; the load generator, the indexer service, PostgreSQL and the Hardhat node share it (and so did other engineers' jobs: see the load average). Load average (1 / 5 / 15 min) before the runs ${rep.load.before}; at the start / end of the list run ${rep.load.list ?? "-"} / ${rep.load.listEnd ?? "-"}, of the quote run ${rep.load.quotes ?? "-"} / ${rep.load.quotesEnd ?? "-"}, of the ${QUOTE_LOW_RATE} req/s quote run ${rep.load.quotesLow ?? "-"} / ${rep.load.quotesLowEnd ?? "-"}, of the saturation run ${rep.load.saturation ?? "-"} / ${rep.load.saturationEnd ?? "-"}`,
    `- CPU (cores used on average over each run, connection set-up and draining included): ${(["list", "quotes", "quotesLow", "saturation"] as const).filter((k) => rep.cpu[k]).map((k) => `${k === "quotesLow" ? `quotes at ${QUOTE_LOW_RATE}/s` : k}: service ${(rep.cpu[k]!.service / rep.cpu[k]!.wall).toFixed(2)}, Hardhat ${(rep.cpu[k]!.chain / rep.cpu[k]!.wall).toFixed(2)}, PostgreSQL ${(rep.cpu[k]!.postgres / rep.cpu[k]!.wall).toFixed(2)} (all backends on the machine; the service's own ${(rep.cpu[k]!.ownPostgres / rep.cpu[k]!.wall).toFixed(2)}), generator ${(rep.cpu[k]!.generator / rep.cpu[k]!.wall).toFixed(2)}`).join("; ")}`,
    `- database: ${rep.postgres}, a fresh schema \`${rep.schema}\` (dropped afterwards); ${rep.rows.toLocaleString("en-US")} rows in \`token_transfer\``,
    `- list query (POST /graphql): \`${LIST_QUERY}\``,
    `- quote posts: POST /quotes, each a distinct EIP-712 quote pre-signed by one of ${rep.agents} provider agents (fresh nonce each, so none is a duplicate), with the agent's SIWE bearer token; the service checks signature, nonce on-chain, standing, open-quote count, stores it and audits it. Any 4xx/5xx counts as an error. The signature check is libsecp256k1's recovery (the \`secp256k1\` package's prebuilt binding; ${rep.nativeSecp256k1 === false ? "**not loaded in this run: the JavaScript fallback**" : "loaded"}). Before the quote runs each agent posts one quote (so the service has seen every wallet once, as in steady operation; without the binding it builds each key's tables then) and the service is left until its CPU is idle. CPU per post: the service's, its own PostgreSQL backends' and the Hardhat node's CPU time over the run (warm-up and draining included) divided by the quotes the service stored meanwhile (its quote_posts_total)`,
    `- open-loop runs: ${CONNECTIONS} keep-alive connections are opened first; then each sends one request every ${(CONNECTIONS / RATE).toFixed(2)} s at its own random phase (${RATE} req/s in total), whatever the answers; ${WARMUP} s of warm-up are not recorded, then ${SECONDS} s are measured. Latency runs from a request's scheduled time to its full answer (a request waiting for a busy connection is charged for the wait; no sample is invented). Generator (own raw-socket generator, scripts/bench/api/loadgen.ts): list ${gen(rep.list)}; quotes ${gen(rep.quotes)}`,
    `- saturation: autocannon, ${SAT_CONNECTIONS} connections, closed loop (no rate), ${SAT_SECONDS} s after a 5 s warm-up; every answer is compared with the expected body`,
    `- targets: ${targetLines(rep)}`,
    BLOCK_MS > 0 ? `- during the runs a block with a COMPUTE transfer was mined every ${BLOCK_MS} ms (the indexer indexes it, cached list answers are dropped)` : `- no new blocks during the runs (the chain is idle once indexed)`,
    "",
    ...table(rep),
    "",
  ].join("\n");
}

function writeDocs(rep: Report) {
  const file = join(ROOT, "docs", "benchmarks.md");
  const text = existsSync(file) ? readFileSync(file, "utf8") : "# Benchmarks\n\nMeasured figures of the protocol's off-chain components, each section written by its benchmark script.\n";
  const heading = "## API load (GraphQL list query, quote posts)";
  const body = section(rep);
  let out: string;
  const at = text.indexOf(heading);
  if (at >= 0) {
    const next = text.indexOf("\n## ", at + heading.length);
    out = text.slice(0, at) + body + (next >= 0 ? text.slice(next + 1) : "");
  } else out = text.replace(/\s*$/, "\n\n") + body;
  writeFileSync(file, out);
  log(`wrote ${file}`);
}

// ---------------------------------------------------------------------------------------------

async function main() {
  ensureInstalled();
  ensureArtifacts();
  const report: Report = {
    // the service runs with this process's environment and node_modules
    nativeSecp256k1: process.env.UBC_NATIVE_SECP256K1 !== "0" && loadLibsecp256k1() !== null,
    date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    cores: cpus().length,
    cpuModel: cpus()[0]?.model ?? "?",
    node: process.version,
    load: { before: load() },
    postgres: "",
    schema: `apibench_${process.pid}_${Date.now().toString(36)}`,
    rows: 0,
    agents: 0,
    cpu: {},
    posts: {},
  };
  log(`load average ${report.load.before} on ${report.cores} cores`);
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  await admin.connect();
  const v = await admin.query<{ server_version: string }>("SHOW server_version");
  report.postgres = `PostgreSQL ${v.rows[0].server_version} at ${DATABASE_URL.replace(/\/\/[^@]*@/, "//")}`;

  log("starting a Hardhat node and deploying the protocol");
  const chain = await startChain();
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  let blockTimer: NodeJS.Timeout | undefined;
  try {
    log(`making ${TRANSFERS.toLocaleString("en-US")} COMPUTE transfers (BenchTransferBatcher, 250 per transaction)`);
    await makeTransfers(chain, TRANSFERS);
    const quoteTotal = Math.ceil((WARMUP + SECONDS) * (RATE + QUOTE_LOW_RATE) * 1.02) + 2 * CONNECTIONS;
    const wanted = ONLY === null || ONLY.has("quotes") ? Math.ceil(quoteTotal / QUOTES_PER_AGENT) : 0;
    log(`registering ${wanted} provider agents`);
    const agents = await registerProviders(chain, wanted);
    report.agents = agents.length;

    log(`starting the indexer service (PostgreSQL schema ${report.schema})`);
    server = await startServer(chain, report.schema);
    servicePid = server.proc.child.pid;
    chainPid = chain.node.child.pid;
    const url = server.url;
    const host = new URL(url).host;
    const port = Number(new URL(url).port);
    await waitIndexed(chain, url);
    const c = await admin.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${report.schema}.token_transfer`);
    report.rows = Number(c.rows[0].n);
    log(`indexed: ${report.rows.toLocaleString("en-US")} token transfers`);

    // what the list query answers (checked on every answer)
    const listBody = JSON.stringify({ query: LIST_QUERY });
    const first = await (await fetch(`${url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: listBody })).text();
    const parsed = JSON.parse(first) as { data?: { tokenTransfers: unknown[] }; errors?: unknown };
    if (parsed.errors || parsed.data?.tokenTransfers.length !== 20) throw new Error(`unexpected answer to the list query: ${first.slice(0, 500)}`);

    if (process.env.BENCH_HOLD === "1") {
      writeFileSync(join(BENCH_DIR, "hold.json"), JSON.stringify({ url, agents: agents.map((a) => ({ key: a.wallet.privateKey, agentId: a.agentId.toString() })), rpc: chain.url, deployments: chain.deployments }));
      log(`holding (pid ${process.pid}): API at ${url}, chain at ${chain.url} (scripts/bench/api/hold.json); Ctrl-C or SIGTERM to stop`);
      await new Promise<void>((r) => { process.once("SIGINT", () => r()); process.once("SIGTERM", () => r()); });
      return;
    }

    if (BLOCK_MS > 0) {
      const compute = chain.contract("ComputeToken", chain.signers[2]);
      let busy = false;
      blockTimer = setInterval(() => {
        if (busy) return;
        busy = true;
        compute.transfer(chain.signers[3], 1n).then((tx) => tx.wait()).catch(() => undefined).finally(() => (busy = false));
      }, BLOCK_MS);
    }

    if (ONLY === null || ONLY.has("list")) {
      report.load.list = load();
      log(`list query: ${CONNECTIONS} connections, ${RATE} req/s open loop, ${WARMUP} s warm-up + ${SECONDS} s measured (load ${report.load.list})`);
      const req = rawRequest(host, "POST", "/graphql", listBody);
      const cpu = cpuNow();
      report.list = await openLoop({
        host: "127.0.0.1", port, connections: CONNECTIONS, rate: RATE, warmupSeconds: WARMUP, seconds: SECONDS, seed: 1,
        request: () => req,
        check: (_s, body) => {
          const b = body.toString("utf8");
          if (b.includes('"errors"')) return "GraphQL errors";
          const d = JSON.parse(b) as { data?: { tokenTransfers?: unknown[] } };
          return d.data?.tokenTransfers?.length === 20 ? null : "wrong answer";
        },
        onProgress: progress("list"),
      });
      report.cpu.list = cpuSince(cpu);
      report.load.listEnd = load();
      log(`  ${cpuText(report.cpu.list)}`);
      log(`  list: p50 ${fmt(report.list.latencyMs.p50)} ms, p95 ${fmt(report.list.latencyMs.p95)} ms, p99 ${fmt(report.list.latencyMs.p99)} ms, errors ${report.list.errors}`);
      await waitIdle(url);
    }

    if (ONLY === null || ONLY.has("quotes")) {
      log(`signing in ${agents.length} provider agents (SIWE)`);
      for (const a of agents) a.token = await signIn(url, a.wallet);
      const total = quoteTotal;
      log(`pre-signing ${total.toLocaleString("en-US")} quotes`);
      const domain = { name: "UBC WorkMarket", version: "1", chainId: chain.deployments.chainId, verifyingContract: chain.deployments.contracts.WorkMarket.address };
      const kinds = ["gpu-hour", "sha256", "llm-tokens"].map((k) => ethers.id(k));
      const expiry = BigInt(Math.floor(Date.now() / 1000) + 3 * 3600);
      const requests: Buffer[] = [];
      let lastLog = performance.now();
      // libsecp256k1 where it loads (RFC 6979 like ethers: the same signatures, checked on the
      // first few), ~50× faster than ethers' signing of ~20,000 quotes
      const separator = ethers.TypedDataEncoder.hashDomain(domain);
      const native = loadLibsecp256k1();
      const sign = (a: Agent, q: QuoteInput, check: boolean) => {
        const digest = quoteDigest(separator, q);
        if (native === null) return a.wallet.signingKey.sign(digest).serialized;
        const s = native.ecdsaSign(Buffer.from(digest.slice(2), "hex"), Buffer.from(a.wallet.privateKey.slice(2), "hex"));
        const hex = "0x" + Buffer.from(s.signature).toString("hex") + (27 + s.recid).toString(16);
        if (check && hex !== a.wallet.signingKey.sign(digest).serialized) throw new Error("libsecp256k1 and ethers sign differently");
        return hex;
      };
      for (let i = 0; i < total; i++) {
        const a = agents[i % agents.length];
        const q = {
          providerAgentId: a.agentId, resourceKind: kinds[i % 3], units: BigInt(1 + (i % 10)), unitPrice: BigInt(100 + (i % 400)) * E18,
          expiry, nonce: BigInt(1 + Math.floor(i / agents.length)), requester: 0n, deliveryPeriod: 86_400n,
        };
        const signature = sign(a, q, i < 100);
        const quote = Object.fromEntries(Object.entries(q).map(([k, v]) => [k, typeof v === "bigint" ? v.toString() : v]));
        requests.push(rawRequest(host, "POST", "/quotes", JSON.stringify({ quote, signature }), { authorization: `Bearer ${a.token}` }));
        if (performance.now() - lastLog > 3_000) {
          lastLog = performance.now();
          log(`  ${i.toLocaleString("en-US")} / ${total.toLocaleString("en-US")} quotes signed`);
        }
      }
      // Each agent posts one quote first (nonces far above the run's), so that the service has
      // seen every wallet once before the load starts, as it has in steady operation: the first
      // post of a wallet takes ethers' full recovery and, without libsecp256k1, starts building its key's tables
      // (secp256k1.ts); then the service is left to finish them (its CPU use falls back to idle).
      log(`one post per agent before the runs (the service learns each wallet's public key), then waiting until the service is idle`);
      for (const a of agents) {
        const q = { providerAgentId: a.agentId, resourceKind: kinds[0], units: 1n, unitPrice: 100n * E18, expiry, nonce: 1_000_000_000n, requester: 0n, deliveryPeriod: 86_400n };
        const signature = sign(a, q, true);
        const quote = Object.fromEntries(Object.entries(q).map(([k, v]) => [k, v.toString()]));
        const body = JSON.stringify({ quote, signature });
        let status = 0;
        let text = "";
        for (let attempt = 0; attempt < 3 && status !== 201; attempt++) {
          try {
            // a fresh connection each time (no keep-alive race with the server's idle timeout)
            const r = await fetch(`${url}/quotes`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${a.token}`, connection: "close" }, body });
            [status, text] = [r.status, await r.text()];
            if (attempt > 0 && status === 409 && text.includes("DUPLICATE")) status = 201; // the first attempt got through
          } catch (err) {
            text = (err as Error).message;
          }
        }
        if (status !== 201) throw new Error(`the warm-up post of agent ${a.agentId} failed: ${status} ${text}`);
      }
      await waitCpuIdle();
      report.load.quotes = load();
      log(`quote posts: ${CONNECTIONS} connections, ${RATE} req/s open loop, ${WARMUP} s warm-up + ${SECONDS} s measured (load ${report.load.quotes})`);
      const cpu = cpuNow();
      const stored0 = await postsStored(url);
      report.quotes = await openLoop({
        host: "127.0.0.1", port, connections: CONNECTIONS, rate: RATE, warmupSeconds: WARMUP, seconds: SECONDS, seed: 2,
        request: (i) => {
          if (i >= requests.length) throw new Error("ran out of pre-signed quotes");
          return requests[i];
        },
        check: (status, body) => (status === 201 && body.includes('"id"') ? null : "wrong answer"),
        onProgress: progress("quotes"),
      });
      report.cpu.quotes = cpuSince(cpu);
      report.load.quotesEnd = load();
      report.posts.quotes = (await postsStored(url)) - stored0;
      log(`  ${cpuText(report.cpu.quotes)}`);
      log(`  CPU per post: ${perPost(report.cpu.quotes, report.posts.quotes)}`);
      log(`  quotes: p50 ${fmt(report.quotes.latencyMs.p50)} ms, p95 ${fmt(report.quotes.latencyMs.p95)} ms, p99 ${fmt(report.quotes.latencyMs.p99)} ms, errors ${report.quotes.errors}`);
      await waitIdle(url);
      if (QUOTE_LOW_RATE > 0) {
        // the next unused pre-signed quotes: the first run used at most `scheduled + warm-up` of them
        const offset = report.quotes.scheduled + report.quotes.warmup.scheduled;
        report.load.quotesLow = load();
        log(`quote posts at ${QUOTE_LOW_RATE} req/s: ${CONNECTIONS} connections, open loop, ${WARMUP} s warm-up + ${SECONDS} s measured (load ${report.load.quotesLow})`);
        const cpu2 = cpuNow();
        const storedLow0 = await postsStored(url);
        report.quotesLow = await openLoop({
          host: "127.0.0.1", port, connections: CONNECTIONS, rate: QUOTE_LOW_RATE, warmupSeconds: WARMUP, seconds: SECONDS, seed: 3,
          request: (i) => {
            if (offset + i >= requests.length) throw new Error("ran out of pre-signed quotes");
            return requests[offset + i];
          },
          check: (status, body) => (status === 201 && body.includes('"id"') ? null : "wrong answer"),
          onProgress: progress("quotes@" + QUOTE_LOW_RATE),
        });
        report.cpu.quotesLow = cpuSince(cpu2);
        report.load.quotesLowEnd = load();
        report.posts.quotesLow = (await postsStored(url)) - storedLow0;
        log(`  ${cpuText(report.cpu.quotesLow)}`);
        log(`  CPU per post: ${perPost(report.cpu.quotesLow, report.posts.quotesLow)}`);
        log(`  quotes at ${QUOTE_LOW_RATE}/s: p50 ${fmt(report.quotesLow.latencyMs.p50)} ms, p95 ${fmt(report.quotesLow.latencyMs.p95)} ms, p99 ${fmt(report.quotesLow.latencyMs.p99)} ms, errors ${report.quotesLow.errors}`);
        await waitIdle(url);
      }
    }

    if (ONLY === null || ONLY.has("saturation")) {
      report.load.saturation = load();
      log(`saturation of the list query (load ${report.load.saturation})`);
      const expected = await (await fetch(`${url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: listBody })).text();
      const cpu = cpuNow();
      report.sat = await saturation(url, listBody, expected);
      report.cpu.saturation = cpuSince(cpu);
      report.load.saturationEnd = load();
      log(`  ${cpuText(report.cpu.saturation)}`);
      log(`  saturation: ${fmt(report.sat.requestsPerSecond, 0)} req/s, errors ${report.sat.errors}`);
    }
  } finally {
    if (blockTimer) clearInterval(blockTimer);
    if (server) await stopProcess(server.proc, 15_000);
    await chain.stop();
    await admin.query(`DROP SCHEMA IF EXISTS ${report.schema} CASCADE`).catch(() => undefined);
    await admin.end();
    rmSync(join(tmpdir(), `ubc-apibench-${process.pid}.json`), { force: true });
  }

  process.stdout.write("\n" + table(report).join("\n") + "\n\n");
  writeFileSync(join(BENCH_DIR, "last-run.json"), JSON.stringify(report, null, 2));
  if (WRITE_DOCS) writeDocs(report);
  else log("docs/benchmarks.md not written (BENCH_ONLY or BENCH_NO_DOCS set)");
}

if (process.env.BENCH_RENDER === "1") {
  // rewrite the section of docs/benchmarks.md from the last run's figures (no measurement)
  const rep = JSON.parse(readFileSync(join(BENCH_DIR, "last-run.json"), "utf8")) as Report;
  process.stdout.write(table(rep).join("\n") + "\n");
  writeDocs(rep);
} else await main();
