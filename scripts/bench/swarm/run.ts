// npm run bench:swarm — swarm throughput: jobs settled per second end to end on a local Hardhat
// node (the protocol deployed by scripts/deploy.ts) with 10 and with 100 agents, against the
// node's own ceiling in the same run: plain ETH transfers per second, measured before and after
// the swarms (the machine is shared, so the load average is recorded with every figure), on a node
// warmed up first by untimed rounds of the same transfers (a fresh node mines its first ones slower).
// The ceiling is measured three ways (scripts/bench/swarm/ceiling.ts): transactions signed in
// advance and sent from 64 senders at once, one request each; the same, one JSON-RPC batch per
// sender; and signed as they are sent by the swarm's own transaction layer (TxSender: the same
// client path as the agents, batched). The node's ceiling is the fastest of the three, before and
// after the swarms; the swarm's ratio is against their mean. (Until 2026-12-02's eighth round it
// was against the first way alone, which the batched ways beat by ~1.4× on a quiet machine: the
// node's HTTP layer works once per request, and the swarm sends batches.)
// The 100-agent swarm runs BENCH_REPEATS times, each run between two ceiling measurements and
// compared with their mean; the table shows the run with the median ratio and lists every run's
// (a single run's noise on a shared 2-core machine is larger than the margins the target is
// judged by). Prints a table and writes the section "## Swarm throughput" of docs/benchmarks.md.
//
// Environment: BENCH_SMALL_JOBS (100) jobs of the 10-agent swarm; BENCH_JOBS (1000) jobs of the
// 100-agent swarm; BENCH_TRANSFERS (2000) plain transfers per ceiling measurement;
// BENCH_WARMUP_ROUNDS (2) untimed ceiling measurements before the first; BENCH_REPEATS (3) runs of
// the 100-agent swarm; BENCH_NO_DOCS=1 does not write the docs; SWARM_SEED fixes the swarm's seed.
import { readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createPublicClient, http, type PublicClient } from "viem";
import { startChain, type TestChain } from "../../../indexer/src/testing/chain.ts";
import { runSwarm, formatSummary, type SwarmSummary } from "../../../agents/src/swarm/swarm.ts";
import { TxEnv } from "../../../agents/src/runtime/tx.ts";
import { best, ceiling, nodeCpuMs, rpc, type Ceiling } from "./ceiling.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const SMALL_JOBS = Number(process.env.BENCH_SMALL_JOBS ?? 100);
const JOBS = Number(process.env.BENCH_JOBS ?? 1_000);
const TRANSFERS = Number(process.env.BENCH_TRANSFERS ?? 2_000);
const WARMUP_ROUNDS = Number(process.env.BENCH_WARMUP_ROUNDS ?? 2);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
if (!Number.isInteger(REPEATS) || REPEATS < 1) {
  process.stderr.write(`bench:swarm: BENCH_REPEATS must be a positive integer, got "${process.env.BENCH_REPEATS}"\n`);
  process.exit(2);
}
const SEED = process.env.SWARM_SEED ? Number(process.env.SWARM_SEED) : Math.floor(Math.random() * 1e9);
const t0 = performance.now();
const log = (l: string) => process.stdout.write(`[bench ${((performance.now() - t0) / 1000).toFixed(1).padStart(6)}s] ${l}\n`);
const load = () => loadavg()[0].toFixed(1);
/** The CPU counters of /proc/stat's first line (user … steal), or undefined where there is none. */
function cpuTicks(): number[] | undefined {
  try {
    return readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1, 9).map(Number);
  } catch {
    return undefined;
  }
}
/** The share of CPU time the host took from this (virtual) machine between two readings (steal). */
const stealShare = (a: number[] | undefined, b: number[] | undefined) =>
  a && b ? `${((100 * (b[7] - a[7])) / Math.max(1, b.reduce((s, x, i) => s + x - a[i], 0))).toFixed(0)}%` : "unknown";

/** Transactions in the blocks [first, last], counted on the chain (the swarm's own count, checked). */
async function minedIn(url: string, first: bigint, last: bigint): Promise<number> {
  let n = 0;
  for (let b = first; b <= last; b += 50n) {
    const hi = b + 49n < last ? b + 49n : last;
    const counts = await Promise.all(Array.from({ length: Number(hi - b) + 1 }, (_, i) => rpc(url, "eth_getBlockTransactionCountByNumber", [`0x${(b + BigInt(i)).toString(16)}`])));
    n += counts.reduce((s: number, c: string) => s + Number(c), 0);
  }
  return n;
}

interface SwarmRunFigures extends SwarmSummary {
  load: string;
  /** Transactions the chain holds in the trading blocks. */
  mined: number;
  nodeCpuPerTx: number;
  swarmCpuPerTx: number;
}

async function swarm(chain: TestChain, agents: number, jobs: number, seed: number): Promise<SwarmRunFigures> {
  let lastLine = 0;
  let cpu0: NodeJS.CpuUsage | undefined;
  let node0 = 0;
  const { summary } = await runSwarm({
    agents, jobs, rpcUrl: chain.url, deployments: chain.deployments, seed, inFlight: 6, timeoutMs: 40 * 60_000,
    log: (l) => log(l),
    onReady: () => {
      cpu0 = process.cpuUsage();
      node0 = nodeCpuMs(chain);
    },
    onProgress: (p) => {
      if (Date.now() - lastLine > 5_000) {
        lastLine = Date.now();
        log(`  ${p.settled + p.failed}/${p.target} jobs, ${p.txs} txs, load ${load()}`);
      }
    },
  });
  // CPU from trading start to the end of the run (the summary's reads and the validators' unbonding
  // included: a slight overestimate per transaction)
  const c = process.cpuUsage(cpu0);
  const nodeMs = nodeCpuMs(chain) - node0;
  log(formatSummary({ ...summary, perAgent: summary.perAgent.slice(0, 0) }));
  const mined = await minedIn(chain.url, summary.tradingBlocks.first, summary.tradingBlocks.last);
  log(`  the chain holds ${mined} transactions in the trading blocks ${summary.tradingBlocks.first}–${summary.tradingBlocks.last}; the swarm counted ${summary.txs}`);
  return { ...summary, load: load(), mined, nodeCpuPerTx: nodeMs / summary.txs, swarmCpuPerTx: (c.user + c.system) / 1000 / summary.txs };
}

/** One ceiling measurement's three ways, on one line of the log. */
function logCeiling(c: Ceiling): void {
  log(`  pre-signed ${f1(c.presigned)} tx/s (${f2(c.nodeCpuPerTx)} ms of node CPU each), pre-signed in batches ${f1(c.presignedBatched)} tx/s, signed as sent ${f1(c.signedOnTheFly)} tx/s (load ${c.load})`);
}

const f0 = (n: number) => Math.round(n).toLocaleString("en-US");
const f1 = (n: number) => n.toFixed(1);
const f2 = (n: number) => n.toFixed(2);

async function main() {
  log(`swarm benchmark: seed ${SEED}, load average ${load()} on ${cpus().length} cores`);
  const loadStart = load();
  const ticksStart = cpuTicks();
  const chain = await startChain();
  chainRef = chain;
  try {
    const client = createPublicClient({ transport: http(chain.url) }) as PublicClient;
    const env = new TxEnv(chain.url, chain.deployments.chainId, client);
    await env.init();
    // a fresh node runs its JS layers cold: its first transfers cost it more CPU and it mines them
    // slower (2026-12-02: 814–1035 tx/s cold against 1304–1433 after the swarms, same run), so a
    // ceiling measured first would understate the node; untimed rounds of the same transfers warm
    // it, so that the ceilings before and after the swarms measure the same warm node
    const warm: Ceiling[] = [];
    for (let r = 1; r <= WARMUP_ROUNDS; r++) {
      log(`warm-up ${r}/${WARMUP_ROUNDS}: plain transfers, untimed…`);
      warm.push(await ceiling(chain, env, TRANSFERS));
      log(`  (pre-signed ${f1(warm[r - 1].presigned)} tx/s, ${f2(warm[r - 1].nodeCpuPerTx)} ms of node CPU each; not the reference)`);
    }
    log("ceiling (before): plain transfers…");
    const before = await ceiling(chain, env, TRANSFERS);
    logCeiling(before);
    log(`swarm of 10 agents, ${SMALL_JOBS} jobs…`);
    const small = await swarm(chain, 10, SMALL_JOBS, SEED + 10);
    // the 100-agent swarm REPEATS times, each followed by a ceiling: run i is compared with the
    // mean of the ceilings just before and just after it
    const ceilings: Ceiling[] = [before];
    const runs: { fig: SwarmRunFigures; ref: number; ratio: number }[] = [];
    for (let i = 1; i <= REPEATS; i++) {
      log(`swarm of 100 agents, ${JOBS} jobs${REPEATS > 1 ? ` (run ${i}/${REPEATS})` : ""}…`);
      const fig = await swarm(chain, 100, JOBS, SEED + 100 + (i - 1) * 1_000);
      log(`ceiling (after${REPEATS > 1 ? ` run ${i}` : ""}): plain transfers…`);
      const c = await ceiling(chain, env, TRANSFERS);
      logCeiling(c);
      const ref = (best(ceilings[i - 1]) + best(c)) / 2;
      ceilings.push(c);
      const ratio = fig.txPerSecond / ref;
      runs.push({ fig, ref, ratio });
      log(`  run ${i}: ${f1(fig.txPerSecond)} tx/s against ${f1(ref)}: ${f2(ratio)}`);
    }
    // the run with the median ratio (the lower middle one of an even count)
    const median = [...runs].sort((a, b) => a.ratio - b.ratio)[Math.floor((runs.length - 1) / 2)];
    const big = median.fig;
    const after = ceilings[ceilings.length - 1];
    const smallRef = (best(before) + best(ceilings[1])) / 2;
    const ref = median.ref;
    const mean = (k: "presigned" | "presignedBatched" | "signedOnTheFly") => (before[k] + after[k]) / 2;
    const allRef = (best(before) + best(after)) / 2;
    const rows: [string, string, string, string][] = [
      ["plain-transfer ceiling: the fastest way below (tx/s; first / after each 100-agent run; a swarm's reference is the mean of the ceilings before and after it)", ceilings.map((c) => f1(best(c))).join(" / "), "the node's own ceiling", "—"],
      ["plain transfers, pre-signed, 64 senders, one request each (tx/s; first / last)", `${f1(before.presigned)} / ${f1(after.presigned)}`, f1(allRef), f2(mean("presigned") / allRef)],
      ["plain transfers, pre-signed, 64 senders, one JSON-RPC batch each (tx/s; first / last)", `${f1(before.presignedBatched)} / ${f1(after.presignedBatched)}`, f1(allRef), f2(mean("presignedBatched") / allRef)],
      ["plain transfers signed as sent by the agents' TxSender (tx/s; first / last)", `${f1(before.signedOnTheFly)} / ${f1(after.signedOnTheFly)}`, f1(allRef), f2(mean("signedOnTheFly") / allRef)],
      ["10 agents: jobs settled end to end (provider paid)", `${small.producerWins} of ${small.jobsCreated}`, String(SMALL_JOBS), f2(small.producerWins / SMALL_JOBS)],
      ["10 agents: jobs settled per second", f2(small.jobsPerSecond), "—", "—"],
      ["10 agents: swarm transactions per second", f1(small.txPerSecond), `${f1(smallRef)} (ceiling)`, f2(small.txPerSecond / smallRef)],
      ["10 agents: failed settlements among honest agents", String(small.failedHonest), "0 (target)", small.failedHonest === 0 ? "met" : "missed"],
      ["100 agents: jobs settled end to end (provider paid)" + (REPEATS > 1 ? "; every run" : ""), `${big.producerWins} of ${big.jobsCreated}` + (REPEATS > 1 ? `; ${runs.map((r) => r.fig.producerWins).join(", ")}` : ""), `${JOBS} (target)`, f2(big.producerWins / JOBS)],
      ["100 agents: jobs settled per second", f2(big.jobsPerSecond), "—", "—"],
      ["100 agents: swarm transactions per second" + (REPEATS > 1 ? ` (the run with the median ratio of ${REPEATS})` : ""), f1(big.txPerSecond), `${f1(ref)} (ceiling; target ≥ 50%)`, f2(big.txPerSecond / ref)],
      ...(REPEATS > 1 ? [["100 agents: every run, swarm tx/s against its ceiling (ratio)", runs.map((r) => `${f1(r.fig.txPerSecond)} / ${f1(r.ref)} (${f2(r.ratio)})`).join("; "), "—", `${f2(Math.min(...runs.map((r) => r.ratio)))}–${f2(Math.max(...runs.map((r) => r.ratio)))}`] as [string, string, string, string]] : []),
      ["100 agents: failed settlements among honest agents (every run)", runs.map((r) => String(r.fig.failedHonest)).join(", "), "0 (target)", runs.every((r) => r.fig.failedHonest === 0) ? "met" : "missed"],
      ["100 agents: transactions per settled job", f2(big.txs / Math.max(1, big.producerWins)), "—", "—"],
      ["100 agents: trading time / setup time (s)", `${f1(big.tradingMs / 1000)} / ${f1(big.setupMs / 1000)}`, "—", "—"],
      ["100 agents: reverted transactions", String(big.reverted), "0", "—"],
      ["transactions the chain holds in the trading blocks / counted by the swarm (10 agents; each 100-agent run)", `${small.mined} / ${small.txs}; ${runs.map((r) => `${r.fig.mined} / ${r.fig.txs}`).join("; ")}`, "equal", small.mined === small.txs && runs.every((r) => r.fig.mined === r.fig.txs) ? "equal" : "differ"],
      ["node CPU per transaction (ms): plain transfer before / after; 10-agent swarm; 100-agent swarm", `${f2(before.nodeCpuPerTx)} / ${f2(after.nodeCpuPerTx)}; ${f2(small.nodeCpuPerTx)}; ${f2(big.nodeCpuPerTx)}`, "—", f2(big.nodeCpuPerTx / ((before.nodeCpuPerTx + after.nodeCpuPerTx) / 2))],
      ["swarm process CPU per transaction (ms; 10 agents; 100 agents)", `${f2(small.swarmCpuPerTx)}; ${f2(big.swarmCpuPerTx)}`, "—", "—"],
    ];
    const table = ["| metric | value | reference value | ratio |", "|---|---|---|---|", ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n");
    process.stdout.write(`\n${table}\n\n`);
    if (process.env.BENCH_NO_DOCS) return;
    const date = new Date().toISOString().slice(0, 10);
    const section = `## Swarm throughput

Jobs traded end to end by the agent runtime (\`agents/src/runtime\`, rule-based policies) on a local Hardhat node with the protocol deployed by \`scripts/deploy.ts\`: quote signed → filled → work done (sha256-iter) → submitted → committee drawn → attested → clock advanced past the challenge window (devnet time warp) → settled in batches → both parties rate each other → validators claim fees in batches; agents also claim their staking rewards. Requesters and providers pay from their credit in the WorkMarket, deposited in setup (EIP-3009; until 2026-12-03's thirteenth round, fills pulled both sides' COMPUTE with transferFrom). Requesters keep up to 6 jobs each being worked on (fewer while their jobs' committee draws re-arm twice: \`nextInFlightCap\`); a job whose verdict is in (only its challenge window left) no longer counts, so new jobs overlap the windows of earlier ones and the clock keeper advances the clock once the demand is placed. The swarm hands its jobs to the requesters as they have room to place them (since 2026-12-06's thirty-third round; before, each had its even share from the start, and the last requesters placed their rest while the others were done), and a party rates the other as soon as its own settlement is mined (since the same round; before, at its next look at the chain). Jobs/s counts jobs settled with the provider paid over the trading time (setup — funding, registration, staking — excluded and listed). Swarm tx/s counts every transaction the agents sent while trading (reverted ones included: automine mines them too), checked against the chain: the transactions the node holds in the blocks mined while trading. Counting stops when the last trading action has ended, before the agents leave (providers withdrawing their quotes, validators unbonding: not trading; until 2026-12-01's third round those were counted though mined after the last trading block, which is why the two counts differed by exactly one per provider and validator). CPU per transaction is read from /proc for the node and from process.cpuUsage for the swarm (which runs every agent in one process: signing — with libsecp256k1, \`agents/src/runtime/signer.ts\`, the transactions encoded from Buffers and hashed with the \`keccak\` package's binding (\`keccak.ts\`) since 2026-12-03's sixteenth round — job work, whose sha256-iter is one compression per iteration since that round (\`sha256-iter.ts\`, ~4.5× faster than a node:crypto call per iteration), polling). The reference is the same node's plain-transfer ceiling, measured before and after the swarms in the same run (the mean of both is the reference; since 2026-12-06's thirty-second round the 100-agent swarm runs ${REPEATS} times, each followed by a ceiling and compared with the mean of the ceilings just before and after it, and the table shows the run with the median ratio and lists every run's, because one run's noise on this shared machine is larger than the margin the target is judged by), each time the fastest of three ways of sending ETH transfers from 64 senders: pre-signed, one request each; pre-signed, one JSON-RPC batch per sender; signed as sent by the agents' TxSender (batched, as the swarm sends). Until 2026-12-02's eighth round the reference was the first way alone, which the batched ways beat by ~1.4× on a quiet machine (the node's HTTP layer works once per request): the swarm, which sends batches, was compared with a ceiling below the node's own, and its ratios were ~1.4× too high. The node is warmed up first by an untimed round of the same transfers: a cold node mines its first transfers at 60–75 % of its warm rate, and until 2026-12-02's eighth round the "before" ceiling was measured cold, which lowered the reference and raised the ratios. The node runs with its request log off (\`hardhat_setLoggingEnabled\`, as the devnet's node without VERBOSE), for the ceiling and the swarms alike; until 2026-12-02's sixth round it was on, which cost the node ~0.25 ms of CPU per transaction. The node runs as every node the project starts (\`scripts/lib/hardhat-node.ts\`): its allocator keeps the memory it frees, in transparent huge pages (MIMALLOC_PURGE_DELAY=-1, MIMALLOC_ALLOW_THP=1), for the ceiling and the swarms alike. Until 2026-12-03's twelfth round it ran as Hardhat ships it (huge pages, freed memory given back), which cost the node ~15% more CPU per swarm transaction (2 MB pages faulted in again and zeroed) and less per transfer; from then until the fifteenth round with 4 KB pages (MIMALLOC_ALLOW_THP=0), which cost 17–19 page faults per swarm transaction and 10–37% more of EDR's CPU per swarm transaction (less per transfer). Both sides run on the same 2 cores as the node (and as the other engineers' work).

- command: \`npm run bench:swarm\` (BENCH_JOBS=${JOBS}, BENCH_SMALL_JOBS=${SMALL_JOBS}, BENCH_TRANSFERS=${TRANSFERS}; seed ${SEED})
- date: ${date}
- machine: ${cpus().length} cores (${cpus()[0]?.model.trim() ?? "unknown"}), Node ${process.version}; 1-minute load average ${loadStart} at the start, ${before.load} after the first ceiling, ${small.load} after the 10-agent swarm, ${runs.map((r) => r.fig.load).join(", ")} after the 100-agent swarm${REPEATS > 1 ? "'s runs" : ""}, ${after.load} at the end; the host took ${stealShare(ticksStart, cpuTicks())} of the CPU time over the run (steal time, /proc/stat: a virtual machine's cores shared with other guests)
- notes: every figure moves with the machine's load; the ceiling is re-measured after the swarms for that reason. The untimed warm-up rounds (pre-signed tx/s, node CPU per transfer): ${warm.map((w) => `${f1(w.presigned)}, ${f2(w.nodeCpuPerTx)} ms`).join("; ") || "none"}.

${table}
`;
    const file = join(ROOT, "docs", "benchmarks.md");
    let doc = readFileSync(file, "utf8");
    const start = doc.indexOf("## Swarm throughput");
    if (start >= 0) {
      const next = doc.indexOf("\n## ", start + 5);
      doc = doc.slice(0, start) + section + (next >= 0 ? doc.slice(next + 1) : "");
    } else doc = `${doc.trimEnd()}\n\n${section}`;
    writeFileSync(file, doc);
    log("wrote the section \"Swarm throughput\" of docs/benchmarks.md");
  } finally {
    await chain.stop();
  }
}

let chainRef: TestChain | undefined;
let stopping = false;
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.on(sig, () => {
    if (stopping) process.exit(130);
    stopping = true;
    log(`${sig}: stopping the node`);
    void (chainRef?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
  });
}
main().catch((err) => {
  process.stderr.write(`bench:swarm failed: ${(err as Error).stack}\n`);
  process.exit(1);
});
