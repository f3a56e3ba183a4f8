// Diagnostic (not part of npm run bench:swarm): on one fresh node, the three-way plain-transfer
// ceiling (after an untimed warm-up round) and then one swarm; per transaction of each, the CPU
// of the node's two busy threads (`node`: Hardhat's JavaScript; `edr-provider`: EDR) with their
// share of a core over the run, and the node's page faults (minflt; EDR's thread's own apart);
// the swarm's tx/s as a share of the batched ceiling. Settings of the node's environment
// (MIMALLOC_*) are compared by running it once per setting, alternating: the node reads them when
// it starts.
// Also the bound that EDR's thread sets: its CPU per transfer ÷ its CPU per swarm transaction is
// the ratio a swarm would reach if it kept that thread as busy as the ceiling does (EDR runs the
// transactions one at a time on that one thread).
// Usage: [MIMALLOC_...=...] node scripts/bench/swarm/threads.ts [agents=100] [jobs=1000] [transfers=4000]
import { readFileSync } from "node:fs";
import { createPublicClient, http, type PublicClient } from "viem";
import { startChain } from "../../../indexer/src/testing/chain.ts";
import { runSwarm } from "../../../agents/src/swarm/swarm.ts";
import { TxEnv } from "../../../agents/src/runtime/tx.ts";
import { cpuByThreadName, procStat, threadsCpu, type ThreadsCpu } from "../indexer/getlogs.ts";
import { ceiling } from "./ceiling.ts";
import { setNodeLogging } from "../../lib/processes.ts";
const agents = Number(process.argv[2] ?? 100);
const jobs = Number(process.argv[3] ?? 1000);
const transfers = Number(process.argv[4] ?? 4000);
const chain = await startChain();
const pid = chain.node.child.pid!;
/**
 * Minor page faults so far of the node (no thread id) or of one of its threads (/proc stat); 0 once
 * the thread ended.
 */
const pageFaults = (tid?: string): number => Number(procStat(pid, tid)?.[7] ?? 0);
/**
 * The node's page faults (EDR's thread's own apart: its heap growing, 2 MB each with huge pages)
 * and its threads' CPU now; EDR's thread found among the threads `threadsCpu` has just read.
 */
function snap(): { t: number; faults: number; edrFaults: number; threads: ThreadsCpu } {
  const threads = threadsCpu(pid);
  const edr = [...threads].find(([, v]) => v.comm === "edr-provider")?.[0];
  return { t: performance.now(), faults: pageFaults(), edrFaults: edr === undefined ? 0 : pageFaults(edr), threads };
}
/** Since `a`, per transaction of `n`: page faults, and each busy thread's CPU (ms) with its share of a core. */
function report(a: ReturnType<typeof snap>, n: number): { text: string; edrMs: number } {
  const b = snap();
  const wall = b.t - a.t;
  const byName = cpuByThreadName(a.threads, b.threads);
  const parts = [`faults ${((b.faults - a.faults) / n).toFixed(1)} (EDR's thread ${((b.edrFaults - a.edrFaults) / n).toFixed(3)})`];
  for (const k of ["node", "edr-provider"]) {
    const ms = byName.get(k) ?? 0;
    parts.push(`${k} ${(ms / n).toFixed(3)} ms ${((100 * ms) / wall).toFixed(0)}%`);
  }
  return { text: parts.join(", "), edrMs: (byName.get("edr-provider") ?? 0) / n };
}
try {
  await setNodeLogging(chain.url, false);
  const env = new TxEnv(chain.url, chain.deployments.chainId, createPublicClient({ transport: http(chain.url) }) as PublicClient);
  await env.init();
  await ceiling(chain, env, 2000);
  const s0 = snap();
  const c = await ceiling(chain, env, transfers);
  const cr = report(s0, 3 * Math.ceil(transfers / 64) * 64);
  const cl = `ceiling ${c.presignedBatched.toFixed(0)}: ${cr.text}`;
  let s1: ReturnType<typeof snap> | undefined;
  const { summary } = await runSwarm({ agents, jobs, rpcUrl: chain.url, deployments: chain.deployments, seed: 7, inFlight: 6, log: () => {}, onReady: () => { s1 = snap(); } });
  const sr = report(s1!, summary.txs);
  const sl = sr.text;
  // EDR's thread busy (cores): at the batched ceiling, and during the swarm
  const edrCores = `EDR busy ${((c.presignedBatched * cr.edrMs) / 1000).toFixed(2)} / ${((summary.txPerSecond * sr.edrMs) / 1000).toFixed(2)} cores`;
  const rss = readFileSync(`/proc/${pid}/status`, "utf8").match(/VmRSS:\s+(\d+)/)![1];
  process.stdout.write(`ratio ${(summary.txPerSecond / c.presignedBatched).toFixed(3)} (EDR's bound ${(cr.edrMs / sr.edrMs).toFixed(3)}; ${edrCores}) | ${cl} | swarm ${summary.txPerSecond.toFixed(0)}: ${sl} | rss ${(Number(rss) / 1024).toFixed(0)} MB\n`);
} finally {
  await chain.stop();
}
