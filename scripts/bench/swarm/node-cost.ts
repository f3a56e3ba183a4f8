// Diagnostic (not part of npm run bench:swarm): the node's CPU per transaction for plain transfers
// and for a swarm, with node settings alternated on one node (A B A B …). A variant is a JSON
// object: {"logging": false} turns the node's per-request log off with hardhat_setLoggingEnabled;
// other keys are environment variables set while that variant's swarm runs (read per run).
// Prints per run: transfers tx/s and node ms/tx, swarm tx/s and node ms/tx, the chain's height.
// Usage: [NODE_COST_THREADS=1] node scripts/bench/swarm/node-cost.ts [agents=10] [jobs=100] ['[{"logging":true},{"logging":false}]'] [rounds=2] [transfers=1000]
import { spawn, type ChildProcess } from "node:child_process";
import { loadavg } from "node:os";
import { createPublicClient, http, type Hex, type PublicClient } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { startChain } from "../../../indexer/src/testing/chain.ts";
import { nodeCpuMs as nodeCpuOf } from "./ceiling.ts";
import { cpuByThreadName, threadsCpu, type ThreadsCpu } from "../indexer/getlogs.ts";
import { runSwarm } from "../../../agents/src/swarm/swarm.ts";
import { TxEnv, TxSender } from "../../../agents/src/runtime/tx.ts";
import { localAccount } from "../../../agents/src/runtime/signer.ts";

const agents = Number(process.argv[2] ?? 10);
const jobs = Number(process.argv[3] ?? 100);
const variants = JSON.parse(process.argv[4] ?? '[{"logging":true},{"logging":false}]') as Record<string, unknown>[];
const rounds = Number(process.argv[5] ?? 2);
const transfers = Number(process.argv[6] ?? 1000);
// NODE_COST_PERF=<prefix>: record the node with `perf record` during each swarm's trading and each
// transfer run (<prefix>-<round>-<variant>-{swarm,transfers}.data), for `perf report`.
const PERF = process.env.NODE_COST_PERF;
function perfStart(name: string): ChildProcess | undefined {
  if (!PERF) return undefined;
  return spawn("perf", ["record", "-F", process.env.NODE_COST_PERF_HZ ?? "1999", ...(process.env.NODE_COST_PERF_CG ? ["--call-graph", process.env.NODE_COST_PERF_CG] : ["-g"]), "-p", String(chain.node.child.pid), "-o", `${PERF}-${name}.data`], { stdio: "ignore" });
}
async function perfStop(p: ChildProcess | undefined): Promise<void> {
  if (!p) return;
  const done = new Promise((r) => p.once("exit", r));
  p.kill("SIGINT");
  await done;
}
// NODE_COST_THREADS=1: the node's CPU by thread name (/proc/<pid>/task/*/stat) over each transfer
// run and each swarm: per transaction, and as a share of a core over the run's wall time.
const THREADS = process.env.NODE_COST_THREADS === "1";
/** The node's threads' CPU at a moment. */
type ThreadCpu = { at: number; threads: ThreadsCpu };
function threadCpu(): ThreadCpu {
  return { at: performance.now(), threads: threadsCpu(chain.node.child.pid!) };
}
function threadReport(a: ThreadCpu | undefined, txs: number): string {
  if (!a) return "";
  const b = threadCpu();
  const byName = cpuByThreadName(a.threads, b.threads);
  const wall = b.at - a.at;
  return ` [threads ${[...byName].filter(([, ms]) => ms > 0).sort((x, y) => y[1] - x[1]).map(([n, ms]) => `${n} ${(ms / txs).toFixed(2)} ms/tx ${((ms / wall) * 100).toFixed(0)}%`).join(", ")}]`;
}
const DEPLOYER: Hex = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"; // Hardhat's public dev key

const chain = await startChain();
const nodeCpuMs = () => nodeCpuOf(chain);
async function post(body: unknown): Promise<any> {
  const r = await fetch(chain.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return r.json();
}
const env = new TxEnv(chain.url, chain.deployments.chainId, createPublicClient({ transport: http(chain.url) }) as PublicClient);
await env.init();

/** Pre-signed plain transfers from 64 fresh senders, as bench:swarm's ceiling. */
async function transferRun(name: string): Promise<{ tps: number; ms: number; threads: string }> {
  const funder = new TxSender(localAccount(DEPLOYER), env, {}); // afresh: the swarm's funder used the same key
  const senders = Array.from({ length: 64 }, () => localAccount(generatePrivateKey()));
  await Promise.all(senders.map((s) => funder.transfer(s.address, 10n ** 18n)));
  await env.refreshFees();
  const per = Math.ceil(transfers / senders.length);
  const sink = privateKeyToAccount(generatePrivateKey()).address;
  const raws = await Promise.all(senders.map(async (s) => {
    const out: string[] = [];
    for (let n = 0; n < per; n++) out.push(await s.signTransaction({ chainId: env.chainId, type: "eip1559", nonce: n, to: sink, value: 1n, gas: 21_000n, maxFeePerGas: env.maxFeePerGas, maxPriorityFeePerGas: 1n }));
    return out;
  }));
  const perf = perfStart(`${name}-transfers`);
  const n0 = nodeCpuMs();
  const th = THREADS ? threadCpu() : undefined;
  const t = performance.now();
  await Promise.all(raws.map(async (list) => {
    for (const raw of list) {
      const b = await post({ jsonrpc: "2.0", id: 1, method: "eth_sendRawTransaction", params: [raw] });
      if (b.error) throw new Error(b.error.message);
    }
  }));
  const n = per * senders.length;
  await perfStop(perf);
  return { tps: n / ((performance.now() - t) / 1000), ms: (nodeCpuMs() - n0) / n, threads: threadReport(th, n) };
}

try {
  for (let r = 0; r < rounds; r++) for (const [i, v] of variants.entries()) {
    const { logging, ...vars } = v;
    if (logging !== undefined) await post({ jsonrpc: "2.0", id: 1, method: "hardhat_setLoggingEnabled", params: [Boolean(logging)] });
    const saved = { ...process.env };
    Object.assign(process.env, vars);
    const tr = await transferRun(`${r}-${i}`);
    let perf: ChildProcess | undefined;
    let node0 = 0;
    let cpu0: NodeJS.CpuUsage | undefined;
    let th: ThreadCpu | undefined;
    // the node's CPU per transaction over the run, in windows of NODE_COST_WINDOWS transactions,
    // with the mean gas used per transaction of each window's blocks (one transaction a block)
    const every = Number(process.env.NODE_COST_WINDOWS ?? 0);
    const marks: { txs: number; cpu: number; block: Promise<number> }[] = [];
    let wperf: ChildProcess | undefined;
    const blockNow = async () => Number((await post({ jsonrpc: "2.0", id: 1, method: "eth_blockNumber", params: [] })).result);
    const onProgress = every > 0 ? (p: { txs: number }) => {
      if (p.txs - (marks.at(-1)?.txs ?? 0) < every) return;
      if (wperf) wperf.kill("SIGINT");
      wperf = perfStart(`${r}-${i}-w${marks.length}`);
      marks.push({ txs: p.txs, cpu: nodeCpuMs(), block: blockNow() });
    } : undefined;
    const { summary } = await runSwarm({ agents, jobs, rpcUrl: chain.url, deployments: chain.deployments, seed: 7 + r, inFlight: 6, log: () => {}, onProgress, onReady: () => { if (!every) perf = perfStart(`${r}-${i}-swarm`); node0 = nodeCpuMs(); cpu0 = process.cpuUsage(); if (THREADS) th = threadCpu(); marks.push({ txs: 0, cpu: nodeCpuMs(), block: blockNow() }); } });
    await perfStop(perf);
    await perfStop(wperf);
    const swarmThreads = threadReport(th, summary.txs);
    const c = process.cpuUsage(cpu0);
    const node = (nodeCpuMs() - node0) / summary.txs;
    process.env = saved;
    const height = await blockNow();
    const windows: string[] = [];
    for (let k = 1; every > 0 && k < marks.length; k++) {
      const [b0, b1] = [await marks[k - 1].block, await marks[k].block];
      let gas = 0;
      let n = 0;
      for (let b = b0 + 1; b <= b1; b++) {
        const blk = (await post({ jsonrpc: "2.0", id: 1, method: "eth_getBlockByNumber", params: [`0x${b.toString(16)}`, false] })).result;
        gas += Number(blk.gasUsed);
        n += blk.transactions.length;
      }
      windows.push(`${((marks[k].cpu - marks[k - 1].cpu) / (marks[k].txs - marks[k - 1].txs)).toFixed(2)} ms/${Math.round(gas / Math.max(1, n) / 1000)}k gas`);
    }
    process.stdout.write(`${JSON.stringify(v)}: transfers ${tr.tps.toFixed(1)} tx/s node ${tr.ms.toFixed(2)} ms/tx${tr.threads} | swarm ${summary.producerWins}/${jobs} jobs ${summary.txs} txs ${summary.txPerSecond.toFixed(1)} tx/s node ${node.toFixed(2)} ms/tx swarm ${((c.user + c.system) / 1000 / summary.txs).toFixed(2)} ms/tx${swarmThreads} | height ${height} load ${loadavg()[0].toFixed(1)}${windows.length ? ` | windows ${windows.join(" ")}` : ""}\n`);
  }
} finally {
  await chain.stop();
}
