// Diagnostic (not part of npm run bench:swarm): when the node works during a swarm. A recording
// HTTP proxy in front of the node (in the swarm's process, as rpc-count.ts) notes every request's
// start, end and calls; printed: the share of the trading time in which the node had a request
// in hand (any; transactions), the transactions per request, and a timeline in buckets of the
// transactions answered, the jobs in flight (placed, not yet settled: from the swarm's progress)
// and how busy the node was.
// TIMELINE_EVENTS=<ms> also lists every request of the first <ms> of trading (TIMELINE_FROM=<ms>:
// only those still on the way at that point). The proxy shares the swarm's event loop: while the
// swarm signs, a request it has written waits in the proxy, so gaps in the list can be the proxy's.
// Usage: node scripts/bench/swarm/timeline.ts [agents=10] [jobs=100] [bucketMs=250]
import { startChain } from "../../../indexer/src/testing/chain.ts";
import { runSwarm } from "../../../agents/src/swarm/swarm.ts";
import { processCpu } from "../indexer/getlogs.ts";
import { startRpcProxy } from "./proxy.ts";

const agents = Number(process.argv[2] ?? 10);
const jobs = Number(process.argv[3] ?? 100);
const bucketMs = Number(process.argv[4] ?? 250);
const chain = await startChain();
const nodeCpuMs = () => processCpu(chain.node.child.pid) * 1000;
interface Req { start: number; end: number; txs: number; reads: number }
const reqs: Req[] = [];
let recording = false;
const proxy = await startRpcProxy(chain.url, (calls) => {
  if (!recording) return;
  const txs = calls.filter((c) => c.method === "eth_sendRawTransaction").length;
  const rec: Req = { start: performance.now(), end: 0, txs, reads: calls.length - txs };
  reqs.push(rec);
  return () => {
    rec.end = performance.now();
  };
});
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
  }
} finally {
  proxy.close();
  await chain.stop();
}
