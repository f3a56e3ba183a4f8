// Diagnostic (not part of npm run bench:swarm): how a fresh node warms up. Measures the
// plain-transfer ceiling (ceiling.ts: pre-signed, then signed as sent) `rounds` times in a row on one
// node, optionally with a swarm between two rounds, printing each round's tx/s, the node's CPU per
// transfer and the load.
// Usage: node scripts/bench/swarm/warmup.ts [rounds=5] [transfers=2000] [swarmAfterRound=0 (none)] [agents=100] [jobs=1000]
import { createPublicClient, http, type PublicClient } from "viem";
import { startChain } from "../../../indexer/src/testing/chain.ts";
import { runSwarm } from "../../../agents/src/swarm/swarm.ts";
import { TxEnv } from "../../../agents/src/runtime/tx.ts";
import { ceiling } from "./ceiling.ts";

const rounds = Number(process.argv[2] ?? 5);
const transfers = Number(process.argv[3] ?? 2000);
const swarmAfter = Number(process.argv[4] ?? 0);
const agents = Number(process.argv[5] ?? 100);
const jobs = Number(process.argv[6] ?? 1000);
const chain = await startChain();
try {
  const env = new TxEnv(chain.url, chain.deployments.chainId, createPublicClient({ transport: http(chain.url) }) as PublicClient);
  await env.init();
  for (let r = 1; r <= rounds; r++) {
    const c = await ceiling(chain, env, transfers);
    process.stdout.write(`round ${r}: pre-signed ${c.presigned.toFixed(1)} tx/s, ${c.nodeCpuPerTx.toFixed(2)} ms node CPU per transfer; pre-signed in batches ${c.presignedBatched.toFixed(1)} tx/s; signed as sent ${c.signedOnTheFly.toFixed(1)} tx/s; load ${c.load}\n`);
    if (r === swarmAfter) {
      const { summary } = await runSwarm({ agents, jobs, rpcUrl: chain.url, deployments: chain.deployments, seed: 7, inFlight: 6, log: () => {} });
      process.stdout.write(`  swarm of ${agents} agents: ${summary.txs} txs, ${summary.txPerSecond.toFixed(1)} tx/s\n`);
    }
  }
} finally {
  await chain.stop();
}
