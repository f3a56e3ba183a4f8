// Diagnostic (not part of npm run bench:swarm): back-to-back swarms on one node, each run with
// some environment variables set (e.g. UBC_NATIVE_SECP256K1, read when signer.ts loads, so that
// one needs a process per setting), printing tx/s and the node's and the swarm's CPU per transaction.
// A variant's key "inFlight" is not an environment variable: it sets runSwarm's requester in-flight
// cap (default 6, as bench:swarm; "auto" leaves it to the swarm's default).
// Usage: [AB_FRESH=1] node scripts/bench/swarm/ab.ts [agents=10] [jobs=100] ['[{"VAR":"a"},{"VAR":"b"}]'] [rounds=2]
import { loadavg } from "node:os";
import { startChain } from "../../../indexer/src/testing/chain.ts";
import { nodeCpuMs as nodeCpuOf } from "./ceiling.ts";
import { runSwarm } from "../../../agents/src/swarm/swarm.ts";
const agents = Number(process.argv[2] ?? 10);
const jobs = Number(process.argv[3] ?? 100);
const variants = JSON.parse(process.argv[4] ?? "[{}]") as Record<string, string>[];
const rounds = Number(process.argv[5] ?? 2);
// AB_FRESH=1: a fresh node for every swarm (a node's CPU per transaction grows with what it holds:
// degrade.ts), so that a later swarm is not slower for coming later
const FRESH = process.env.AB_FRESH === "1";
let chain = await startChain();
const nodeCpuMs = () => nodeCpuOf(chain);
try {
  for (let r = 0; r < rounds; r++) for (const [k, v] of variants.entries()) {
    if (FRESH && (r > 0 || k > 0)) {
      await chain.stop();
      chain = await startChain();
    }
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
