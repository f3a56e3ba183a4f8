// Diagnostic (not part of npm run bench:swarm): back-to-back swarms on one node, each run with
// some environment variables set (e.g. UBC_NATIVE_SECP256K1, read when signer.ts loads, so that
// one needs a process per setting), printing tx/s and the node's and the swarm's CPU per transaction.
// A variant's key "inFlight" is not an environment variable: it sets runSwarm's requester in-flight
// cap (default 6, as bench:swarm; "auto" leaves it to the swarm's default).
// Usage: node scripts/bench/swarm/ab.ts [agents=10] [jobs=100] ['[{"VAR":"a"},{"VAR":"b"}]'] [rounds=2]
import { loadavg } from "node:os";
import { startChain } from "../../../indexer/src/testing/chain.ts";
import { nodeCpuMs as nodeCpuOf } from "./ceiling.ts";
import { runSwarm } from "../../../agents/src/swarm/swarm.ts";
const agents = Number(process.argv[2] ?? 10);
const jobs = Number(process.argv[3] ?? 100);
const variants = JSON.parse(process.argv[4] ?? "[{}]") as Record<string, string>[];
const rounds = Number(process.argv[5] ?? 2);
const chain = await startChain();
const nodeCpuMs = () => nodeCpuOf(chain);
try {
  for (let r = 0; r < rounds; r++) for (const v of variants) {
    const saved = { ...process.env };
    const { inFlight: cap, ...env } = v;
    Object.assign(process.env, env);
    let node0 = 0; let cpu0: NodeJS.CpuUsage | undefined;
    const { summary } = await runSwarm({ agents, jobs, rpcUrl: chain.url, deployments: chain.deployments, seed: 7 + r, inFlight: cap === "auto" ? undefined : Number(cap ?? 6), log: () => {}, onReady: () => { node0 = nodeCpuMs(); cpu0 = process.cpuUsage(); } });
    const c = process.cpuUsage(cpu0);
    process.env = saved;
    process.stdout.write(`${JSON.stringify(v)}: ${summary.producerWins}/${jobs} jobs, ${summary.txs} txs (${summary.reverted} reverted), ${summary.txPerSecond.toFixed(1)} tx/s, ${summary.jobsPerSecond.toFixed(1)} jobs/s, node ${((nodeCpuMs() - node0) / summary.txs).toFixed(2)} ms/tx, swarm ${((c.user + c.system) / 1000 / summary.txs).toFixed(2)} ms/tx, load ${loadavg()[0].toFixed(1)}\n`);
  }
} finally { await chain.stop(); }
