// Diagnostic (not part of npm run bench:swarm): does the node get slower as it works? On one fresh
// node, rounds of the plain-transfer ceiling (ceiling.ts, all three ways), each followed by a swarm
// (or, with swarms=0, by nothing: the control), printing the ceiling, the node's CPU per transfer
// and per swarm transaction, its resident memory and the chain's height after each step.
// Usage: node scripts/bench/swarm/degrade.ts [rounds=3] [agents=100] [jobs=1000] [swarms=1] [transfers=2000]
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { createPublicClient, http, type PublicClient } from "viem";
import { startChain } from "../../../indexer/src/testing/chain.ts";
import { runSwarm } from "../../../agents/src/swarm/swarm.ts";
import { TxEnv } from "../../../agents/src/runtime/tx.ts";
import { ceiling, nodeCpuMs, rpc } from "./ceiling.ts";

const rounds = Number(process.argv[2] ?? 3);
const agents = Number(process.argv[3] ?? 100);
const jobs = Number(process.argv[4] ?? 1000);
const swarms = process.argv[5] !== "0";
const transfers = Number(process.argv[6] ?? 2000);

const chain = await startChain();
const env = new TxEnv(chain.url, chain.deployments.chainId, createPublicClient({ transport: http(chain.url) }) as PublicClient);
await env.init();
const rssMb = () => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${chain.node.child.pid}/status`, "utf8"));
  return m ? Math.round(Number(m[1]) / 1024) : 0;
};
const height = async () => Number(await rpc(chain.url, "eth_blockNumber", []));
const line = async (what: string) => `${what} | rss ${rssMb()} MB height ${await height()} load ${loadavg()[0].toFixed(1)}\n`;
try {
  for (let r = 0; r <= rounds; r++) {
    const c = await ceiling(chain, env, transfers);
    process.stdout.write(await line(`round ${r} ceiling: one each ${c.presigned.toFixed(0)}, batched ${c.presignedBatched.toFixed(0)}, signed ${c.signedOnTheFly.toFixed(0)} tx/s; node ${c.nodeCpuPerTx.toFixed(2)} ms/transfer`));
    if (r === rounds || !swarms) continue;
    let node0 = 0;
    const { summary } = await runSwarm({ agents, jobs, rpcUrl: chain.url, deployments: chain.deployments, seed: 11 + r, inFlight: 6, log: () => {}, onReady: () => { node0 = nodeCpuMs(chain); } });
    process.stdout.write(await line(`round ${r} swarm: ${summary.producerWins}/${jobs} jobs, ${summary.txPerSecond.toFixed(0)} tx/s, node ${((nodeCpuMs(chain) - node0) / summary.txs).toFixed(2)} ms/tx`));
  }
} finally {
  await chain.stop();
}
