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
import { ethers } from "ethers";
import { startChain } from "../../../indexer/src/testing/chain.ts";
import { contractsByAddress } from "./contracts.ts";
import { runSwarm } from "../../../agents/src/swarm/swarm.ts";

const agents = Number(process.argv[2] ?? 100);
const jobs = Number(process.argv[3] ?? 300);
const chain = await startChain();
const pid = chain.node.child.pid!;
const edrTid = readdirSync(`/proc/${pid}/task`).find((t) => readFileSync(`/proc/${pid}/task/${t}/comm`, "utf8").trim() === "edr-provider");
if (edrTid === undefined) throw new Error("the node has no edr-provider thread");
/** EDR's thread's CPU time so far (ns). */
const edrNs = () => Number(readFileSync(`/proc/${pid}/task/${edrTid}/schedstat`, "utf8").split(" ")[0]);
const send = (method: string, params: unknown[]) => chain.provider.send(method, params);
try {
  const names = contractsByAddress(chain.deployments.contracts);
  const snapshot = await send("evm_snapshot", []);
  const from = (await chain.provider.getBlockNumber()) + 1;
  let tradingFrom = Infinity;
  await runSwarm({
    agents, jobs, rpcUrl: chain.url, deployments: chain.deployments, seed: 1, inFlight: 6, log: () => {},
    onReady: () => { void chain.provider.getBlockNumber().then((n) => { tradingFrom = n + 1; }); },
  });
  const to = await chain.provider.getBlockNumber();
  const blocks: { timestamp: number; hash: string; raw?: string; kind: string }[] = [];
  for (let b = from; b <= to; b++) {
    const block = (await chain.provider.getBlock(b, true))!;
    const txs = block.prefetchedTransactions;
    if (txs.length > 1) throw new Error(`block ${b} holds ${txs.length} transactions (the node does not automine one a block)`);
    let kind = "(no transaction)";
    let raw: string | undefined;
    if (txs.length === 1) {
      const tx = txs[0];
      const c = tx.to ? names.get(tx.to.toLowerCase()) : undefined;
      const fn = c ? (c.iface.getFunction(tx.data.slice(0, 10))?.name ?? tx.data.slice(0, 10)) : tx.data.length > 2 ? "call" : "transfer";
      kind = `${c?.name ?? (tx.to ? "(account)" : "(create)")}.${fn}`;
      raw = ethers.Transaction.from(tx).serialized;
    }
    blocks.push({ timestamp: block.timestamp, hash: block.hash!, raw, kind: (b >= tradingFrom ? "" : "setup: ") + kind });
  }
  if (!(await send("evm_revert", [snapshot]))) throw new Error("evm_revert refused the snapshot");
  process.stdout.write(`swarm: ${agents} agents, ${jobs} jobs, blocks ${from}..${to} (trading from ${tradingFrom}); replaying them one at a time\n`);
  const per = new Map<string, number[]>();
  let checked = 0;
  let differ = 0;
  for (let i = 0; i < blocks.length; i++) {
    const b = blocks[i];
    await send("evm_setNextBlockTimestamp", [b.timestamp]);
    if (b.raw === undefined) await send("evm_mine", []);
    else {
      const t0 = edrNs();
      await send("eth_sendRawTransaction", [b.raw]);
      const ms = (edrNs() - t0) / 1e6;
      const of = per.get(b.kind);
      if (of) of.push(ms);
      else per.set(b.kind, [ms]);
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
