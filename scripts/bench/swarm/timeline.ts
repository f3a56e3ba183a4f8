// Diagnostic (not part of npm run bench:swarm): when the node works during a swarm. A recording
// HTTP proxy in front of the node (in the swarm's process, as rpc-count.ts) notes every request's
// start, end and calls; printed: the share of the trading time in which the node had a request
// in hand (any; transactions), the transactions per request, and a timeline in buckets of the
// transactions answered, the jobs in flight (placed, not yet settled: from the swarm's progress)
// and how busy the node was.
// TIMELINE_EVENTS=<ms> also lists every request of the first <ms> of trading (TIMELINE_FROM=<ms>:
// only those still on the way at that point). The proxy shares the swarm's event loop: while the
// swarm signs, a request it has written waits in the proxy, so gaps in the list can be the proxy's.
// TIMELINE_METHODS=1 also names, per bucket, the calls the transactions answered in it made (by
// function selector) and the other requests (evm_mine, evm_increaseTime, reads).
// TIMELINE_THREADS=1 also samples the node's threads every 25 ms (a worker thread reading /proc, so
// the swarm's event loop cannot delay it): per bucket, how busy the busiest thread (EDR's) and the
// node's whole process were, and the swarm's own process (all its threads, the proxy included).
// Usage: node scripts/bench/swarm/timeline.ts [agents=10] [jobs=100] [bucketMs=250]
import { parseTransaction, toEventSelector, toFunctionSelector, type AbiItem, type Hex } from "viem";
import { ABIS } from "../../../agents/src/generated/abis.ts";
import { Worker } from "node:worker_threads";
import { startChain } from "../../../indexer/src/testing/chain.ts";
import { runSwarm } from "../../../agents/src/swarm/swarm.ts";
import { processCpu } from "../indexer/getlogs.ts";
import { startRpcProxy } from "./proxy.ts";

const agents = Number(process.argv[2] ?? 10);
const jobs = Number(process.argv[3] ?? 100);
const bucketMs = Number(process.argv[4] ?? 250);
const chain = await startChain();
const nodeCpuMs = () => processCpu(chain.node.child.pid) * 1000;
interface Req { start: number; end: number; txs: number; reads: number; calls?: string[]; body?: unknown[] }
const REPLAY = process.env.TIMELINE_REPLAY === "1";
const METHODS = process.env.TIMELINE_METHODS === "1";
// selector -> Contract.function, for every contract the swarm calls
const selectors = new Map<string, string>();
for (const [name, abi] of Object.entries(ABIS)) {
  for (const item of abi as readonly AbiItem[]) if (item.type === "function") selectors.set(toFunctionSelector(item), `${name}.${item.name}`);
}
const callName = (c: { method: string; params?: unknown[] }): string => {
  if (c.method !== "eth_sendRawTransaction") return c.method;
  try {
    const data = parseTransaction((c.params as Hex[])[0]).data;
    return data && data.length >= 10 ? (selectors.get(data.slice(0, 10)) ?? data.slice(0, 10)) : "transfer";
  } catch {
    return "?";
  }
};
const reqs: Req[] = [];
let recording = false;
const proxy = await startRpcProxy(chain.url, (calls) => {
  if (!recording) return;
  const txs = calls.filter((c) => c.method === "eth_sendRawTransaction").length;
  const rec: Req = { start: performance.now(), end: 0, txs, reads: calls.length - txs, calls: METHODS ? calls.map(callName) : undefined, body: REPLAY && txs === 0 ? calls : undefined };
  reqs.push(rec);
  return () => {
    rec.end = performance.now();
  };
});
// the node's threads' CPU ticks (1/100 s) sampled every 25 ms by a worker: [time (performance.now of this thread), ticks per thread id]
const THREADS = process.env.TIMELINE_THREADS === "1";
const samples: { t: number; ticks: Map<string, number>; swarm: number }[] = [];
const sampler = THREADS
  ? new Worker(
      `const { parentPort, workerData } = require("node:worker_threads");
       const fs = require("node:fs");
       const base = performance.timeOrigin;
       setInterval(() => {
         const ticks = {};
         for (const tid of fs.readdirSync("/proc/" + workerData.node + "/task")) {
           try {
             const f = fs.readFileSync("/proc/" + workerData.node + "/task/" + tid + "/stat", "utf8").split(") ")[1].split(" ");
             ticks[tid] = Number(f[11]) + Number(f[12]);
           } catch {}
         }
         const own = fs.readFileSync("/proc/" + workerData.self + "/stat", "utf8").split(") ")[1].split(" ");
         parentPort.postMessage({ at: base + performance.now(), ticks, swarm: Number(own[11]) + Number(own[12]) });
       }, 25);`,
      { eval: true, workerData: { node: chain.node.child.pid, self: process.pid } },
    )
  : undefined;
sampler?.on("message", (m: { at: number; ticks: Record<string, number>; swarm: number }) => samples.push({ t: m.at - performance.timeOrigin, ticks: new Map(Object.entries(m.ticks)), swarm: m.swarm }));
sampler?.unref();
const progress: { t: number; inFlight: number; settled: number; cpu: number }[] = [];
try {
  let t0 = 0;
  let node0 = 0;
  let cpu0: NodeJS.CpuUsage | undefined;
  const { summary } = await runSwarm({
    agents, jobs, rpcUrl: proxy.url, deployments: chain.deployments, seed: 1, inFlight: 6, log: () => {},
    onReady: () => {
      recording = true;
      t0 = performance.now();
      node0 = nodeCpuMs();
      cpu0 = process.cpuUsage();
    },
    onProgress: (p) => progress.push({ t: performance.now(), inFlight: p.inFlight, settled: p.settled, cpu: nodeCpuMs() }),
  });
  recording = false;
  const t1 = t0 + summary.tradingMs;
  const c = process.cpuUsage(cpu0);
  // union of the intervals in which a request was in the node's hands
  const covered = (list: Req[]) => {
    const iv = list.filter((r) => r.end > 0 && r.start < t1).map((r) => [r.start, Math.min(r.end, t1)] as const).sort((a, b) => a[0] - b[0]);
    let sum = 0;
    let cur: [number, number] | undefined;
    for (const [s, e] of iv) {
      if (!cur || s > cur[1]) {
        if (cur) sum += cur[1] - cur[0];
        cur = [s, e];
      } else cur[1] = Math.max(cur[1], e);
    }
    if (cur) sum += cur[1] - cur[0];
    return sum;
  };
  const trading = reqs.filter((r) => r.start < t1);
  const txReqs = trading.filter((r) => r.txs > 0);
  const txs = txReqs.reduce((s, r) => s + r.txs, 0);
  const ms = t1 - t0;
  process.stdout.write(`${agents} agents, ${summary.producerWins}/${jobs} jobs, ${summary.txs} txs, ${summary.txPerSecond.toFixed(1)} tx/s, ${(ms / 1000).toFixed(2)} s trading\n`);
  process.stdout.write(`node CPU ${((nodeCpuMs() - node0) / summary.txs).toFixed(2)} ms/tx (${(((nodeCpuMs() - node0) / ms) * 100).toFixed(0)}% of a core), swarm process (with the proxy) ${((c.user + c.system) / 1000 / summary.txs).toFixed(2)} ms/tx\n`);
  process.stdout.write(`a request in the node's hands ${((covered(trading) / ms) * 100).toFixed(0)}% of the trading time, a transaction batch ${((covered(txReqs) / ms) * 100).toFixed(0)}%; ${txReqs.length} transaction requests, ${(txs / Math.max(1, txReqs.length)).toFixed(1)} txs each, ${(txReqs.reduce((s, r) => s + r.end - r.start, 0) / Math.max(1, txReqs.length)).toFixed(1)} ms each (mean); ${trading.length - txReqs.length} read requests\n`);
  if (REPLAY) {
    // the trading's read requests sent again, one at a time, to the idle node: what they cost it
    let wall = 0;
    let bytes = 0;
    const events = new Map<string, string>();
    for (const [name, abi] of Object.entries(ABIS)) for (const item of abi as readonly AbiItem[]) if (item.type === "event") events.set(toEventSelector(item), `${name}.${item.name}`);
    const byEvent = new Map<string, { n: number; bytes: number }>();
    const cpuStart = nodeCpuMs();
    // the view asks up to "latest": each request's range ends where the next one starts
    type Call = { method: string; params?: { fromBlock?: string; toBlock?: string }[] };
    const reads = trading.filter((x) => x.body).map((x) => x.body as Call[]);
    const fromOf = (b: Call[]) => b.find((c) => c.method === "eth_getLogs")?.params?.[0]?.fromBlock;
    for (let i = 0; i < reads.length; i++) {
      const next = reads.slice(i + 1).map(fromOf).find((f) => f !== undefined);
      if (next === undefined) continue;
      const body = reads[i].map((c, k) => {
        const p = c.params?.[0];
        const fixed = c.method === "eth_getLogs" && p ? { ...c, params: [{ ...p, toBlock: `0x${(BigInt(next) - 1n).toString(16)}` }] } : c;
        return { jsonrpc: "2.0", id: k, ...fixed };
      });
      const t = performance.now();
      const res = await fetch(chain.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      const text = await res.text();
      bytes += text.length;
      for (const a of JSON.parse(text) as { result?: { topics?: string[]; data?: string }[] }[]) {
        if (!Array.isArray(a.result)) continue;
        for (const l of a.result) {
          const name = events.get(l.topics?.[0] ?? "") ?? l.topics?.[0] ?? "?";
          const e = byEvent.get(name) ?? { n: 0, bytes: 0 };
          e.n++;
          e.bytes += JSON.stringify(l).length;
          byEvent.set(name, e);
        }
      }
      wall += performance.now() - t;
    }
    process.stdout.write(`read requests replayed on the idle node: ${trading.filter((x) => x.body).length}, ${wall.toFixed(0)} ms wall, ${(nodeCpuMs() - cpuStart).toFixed(0)} ms node CPU, ${(bytes / 1e6).toFixed(1)} MB answered\n`);
    for (const [name, e] of [...byEvent].sort((x, y) => y[1].bytes - x[1].bytes)) process.stdout.write(`  ${name}: ${e.n} logs, ${(e.bytes / 1e6).toFixed(2)} MB\n`);
  }
  if (process.env.TIMELINE_EVENTS) {
    // every request of the first TIMELINE_EVENTS ms of trading, in order of its start
    const until = t0 + Number(process.env.TIMELINE_EVENTS);
    const from = t0 + Number(process.env.TIMELINE_FROM ?? 0);
    for (const r of trading.filter((x) => x.start < until && x.end >= from).sort((a, b) => a.start - b.start)) {
      process.stdout.write(`  ${(r.start - t0).toFixed(1).padStart(8)} → ${(r.end - t0).toFixed(1).padStart(8)} ms  ${r.txs > 0 ? `${r.txs} txs` : `${r.reads} reads`}\n`);
    }
  }
  process.stdout.write(`bucket (${bucketMs} ms): txs answered, jobs in flight, settled, node busy (% of a core), tx batches sent\n`);
  for (let b = t0; b < t1; b += bucketMs) {
    const inB = txReqs.filter((r) => r.end >= b && r.end < b + bucketMs);
    const p = progress.filter((x) => x.t >= b && x.t < b + bucketMs).at(-1);
    const before = progress.filter((x) => x.t < b).at(-1);
    const cpu = p && before ? (((p.cpu - before.cpu) / (p.t - before.t)) * 100).toFixed(0) : "-";
    process.stdout.write(`  ${((b - t0) / 1000).toFixed(2).padStart(6)} s ${String(inB.reduce((s, r) => s + r.txs, 0)).padStart(5)} ${String(p?.inFlight ?? "").padStart(4)} ${String(p?.settled ?? "").padStart(5)} ${cpu.padStart(4)}% ${String(txReqs.filter((r) => r.start >= b && r.start < b + bucketMs).length).padStart(4)}\n`);
    if (THREADS) {
      const a = samples.filter((x) => x.t < b).at(-1);
      const z = samples.filter((x) => x.t < b + bucketMs).at(-1);
      if (a && z && z.t > a.t) {
        let max = 0;
        let all = 0;
        for (const [tid, v] of z.ticks) {
          const d = v - (a.ticks.get(tid) ?? v);
          all += d;
          if (d > max) max = d;
        }
        const span = (z.t - a.t) / 10; // ticks of 10 ms
        process.stdout.write(`           node threads: busiest ${((max / span) * 100).toFixed(0)}%, all ${((all / span) * 100).toFixed(0)}% of a core; the swarm's process ${(((z.swarm - a.swarm) / span) * 100).toFixed(0)}%\n`);
      }
    }
    if (METHODS) {
      const counts = new Map<string, number>();
      for (const r of trading.filter((x) => x.end >= b && x.end < b + bucketMs)) for (const n of r.calls ?? []) counts.set(n, (counts.get(n) ?? 0) + 1);
      process.stdout.write(`           ${[...counts].sort((x, y) => y[1] - x[1]).map(([n, k]) => `${n.replace(/^[A-Za-z]+\./, "")} ${k}`).join(", ")}\n`);
    }
  }
} finally {
  await sampler?.terminate();
  proxy.close();
  await chain.stop();
}
