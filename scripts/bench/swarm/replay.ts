// Diagnostic (not part of npm run bench:swarm): what each kind of swarm transaction costs EDR's
// thread, one transaction at a time, in the chain state the swarm itself built. On one node: a
// snapshot (evm_snapshot), one swarm (setup and trading), its blocks read back (each block's
// timestamp and its one raw transaction), then evm_revert to the snapshot and the same blocks
// replayed in order, one request at a time: evm_setNextBlockTimestamp to the block's own
// timestamp, then its raw transaction (or evm_mine for a block without one). With the same
// transactions at the same times the chain mines the same blocks (block hashes checked, so the
// committee draws, seeded by block hashes, come out the same). Around each eth_sendRawTransaction
// the node's EDR thread's CPU time is read from /proc/<pid>/task/<tid>/schedstat (ns): nothing
// else is on the way to the node then, so that time is the transaction's (its execution, the
// block's mining and state root, the answer). Printed per kind (contract.function; setup kinds
// apart): count, mean, median, total.
// The figures are higher than a swarm's per-transaction cost at full pace (EDR's thread wakes for
// each request, and each request is alone: ~0.68 ms for a plain transfer here against ~0.37 ms in
// the batched ceiling); compare kinds with each other, or the same kind between two versions.
// Usage: node scripts/bench/swarm/replay.ts [agents=100] [jobs=300]
import { readFileSync, readdirSync } from "node:fs";
import { startChain } from "../../../indexer/src/testing/chain.ts";
import { contractsByAddress } from "./contracts.ts";
import { recordSwarm, replayCalls } from "./recorded.ts";

const agents = Number(process.argv[2] ?? 100);
const jobs = Number(process.argv[3] ?? 300);
const chain = await startChain();
const pid = chain.node.child.pid!;
const edrTid = readdirSync(`/proc/${pid}/task`).find((t) => readFileSync(`/proc/${pid}/task/${t}/comm`, "utf8").trim() === "edr-provider");
if (edrTid === undefined) throw new Error("the node has no edr-provider thread");
/** EDR's thread's CPU time so far (ns). */
const edrNs = () => Number(readFileSync(`/proc/${pid}/task/${edrTid}/schedstat`, "utf8").split(" ")[0]);
try {
  const names = contractsByAddress(chain.deployments.contracts);
  const { blocks, tradingStart } = await recordSwarm(chain, agents, jobs);
  /** Contract.function of a block's transaction (setup kinds marked). */
  const kindOf = (i: number): string => {
    const tx = blocks[i].tx;
    let kind = "(no transaction)";
    if (tx) {
      const c = tx.to ? names.get(tx.to.toLowerCase()) : undefined;
      const fn = c ? (c.iface.getFunction(tx.data.slice(0, 10))?.name ?? tx.data.slice(0, 10)) : tx.data.length > 2 ? "call" : "transfer";
      kind = `${c?.name ?? (tx.to ? "(account)" : "(create)")}.${fn}`;
    }
    return (i >= tradingStart ? "" : "setup: ") + kind;
  };
  process.stdout.write(`swarm: ${agents} agents, ${jobs} jobs, blocks ${blocks[0].number}..${blocks[blocks.length - 1].number} (trading from ${blocks[tradingStart]?.number}); replaying them one at a time\n`);
  const per = new Map<string, number[]>();
  let checked = 0;
  let differ = 0;
  for (let i = 0; i < blocks.length; i++) {
    const b = blocks[i];
    const [time, mine] = replayCalls(b);
    await chain.provider.send(time.method, time.params);
    if (b.raw === undefined) await chain.provider.send(mine.method, mine.params);
    else {
      const t0 = edrNs();
      await chain.provider.send(mine.method, mine.params);
      const ms = (edrNs() - t0) / 1e6;
      const kind = kindOf(i);
      const of = per.get(kind);
      if (of) of.push(ms);
      else per.set(kind, [ms]);
    }
    if (i < 3 || i % 250 === 0 || i === blocks.length - 1) {
      checked++;
      if ((await chain.provider.getBlock("latest"))!.hash !== b.hash) differ++;
    }
    if (i % 1000 === 999) process.stdout.write(`  ${i + 1} / ${blocks.length} blocks\n`);
  }
  process.stdout.write(`replayed ${blocks.length} blocks; block hashes checked ${checked}, different ${differ}${differ > 0 ? " (the replay is not the swarm's chain: figures do not compare)" : ""}\n`);
  const total = (v: number[]) => v.reduce((s, x) => s + x, 0);
  const rows = [...per].sort((a, b) => total(b[1]) - total(a[1]));
  let tradingMs = 0;
  let tradingTxs = 0;
  for (const [kind, v] of rows) {
    const sorted = [...v].sort((a, b) => a - b);
    if (!kind.startsWith("setup: ")) {
      tradingMs += total(v);
      tradingTxs += v.length;
    }
    process.stdout.write(`  ${kind.padEnd(46)} ${String(v.length).padStart(5)} txs  mean ${(total(v) / v.length).toFixed(3)} ms  median ${sorted[v.length >> 1].toFixed(3)} ms  total ${total(v).toFixed(0)} ms\n`);
  }
  process.stdout.write(`trading: ${tradingTxs} transactions, EDR's thread ${(tradingMs / tradingTxs).toFixed(3)} ms each on average\n`);
} finally {
  await chain.stop();
}
