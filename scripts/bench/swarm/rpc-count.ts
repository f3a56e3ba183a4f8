// Diagnostic (not part of npm run bench:swarm): the JSON-RPC calls the node receives per swarm
// transaction, by method, and the node's and the swarm process's CPU per transaction. Starts a
// node with the protocol deployed, puts a counting HTTP proxy in front of it and runs one swarm
// through the proxy (the proxy runs in the swarm's process: its CPU is in the swarm's figure).
// Usage: node scripts/bench/swarm/rpc-count.ts [agents=10] [jobs=100]
import { startChain } from "../../../indexer/src/testing/chain.ts";
import { runSwarm } from "../../../agents/src/swarm/swarm.ts";
import { processCpu } from "../indexer/getlogs.ts";
import { startRpcProxy } from "./proxy.ts";

const agents = Number(process.argv[2] ?? 10);
const jobs = Number(process.argv[3] ?? 100);
const chain = await startChain();
const nodeCpuMs = () => processCpu(chain.node.child.pid) * 1000;
const counts = new Map<string, number>();
let counting = false;
let requests = 0;
const proxy = await startRpcProxy(chain.url, (calls) => {
  if (!counting) return;
  requests++;
  for (const m of calls) counts.set(m.method, (counts.get(m.method) ?? 0) + 1);
});
try {
  let node0 = 0;
  let cpu0: NodeJS.CpuUsage | undefined;
  const { summary } = await runSwarm({
    agents, jobs, rpcUrl: proxy.url, deployments: chain.deployments, seed: 1, inFlight: 6, log: () => {},
    onReady: () => {
      counting = true;
      node0 = nodeCpuMs();
      cpu0 = process.cpuUsage();
    },
  });
  counting = false; // the summary's reads and the agents' leaving transactions included
  const c = process.cpuUsage(cpu0);
  const txs = summary.txs;
  process.stdout.write(`${agents} agents, ${summary.producerWins}/${jobs} jobs, ${txs} trading txs (${summary.reverted} reverted), ${summary.txPerSecond.toFixed(1)} tx/s, ${requests} HTTP requests\n`);
  process.stdout.write(`node CPU ${((nodeCpuMs() - node0) / txs).toFixed(2)} ms/tx, swarm process (with the proxy) ${((c.user + c.system) / 1000 / txs).toFixed(2)} ms/tx\n`);
  for (const [m, n] of [...counts].sort((a, b) => b[1] - a[1])) process.stdout.write(`  ${m.padEnd(34)} ${String(n).padStart(7)}  ${(n / txs).toFixed(3)} per tx\n`);
} finally {
  proxy.close();
  await chain.stop();
}
