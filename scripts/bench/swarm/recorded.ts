// Shared by the swarm diagnostics that replay a swarm's own blocks (replay.ts, presigned.ts): one
// swarm run after an evm_snapshot, its blocks read back (each block's timestamp, hash and one raw
// transaction), and the snapshot restored. Replaying a block as evm_setNextBlockTimestamp to its
// own timestamp and then its raw transaction (or evm_mine for a block without one) mines the same
// block again: same transactions at the same times, so the same hashes and the same committee
// draws (seeded by block hashes).
import { ethers } from "ethers";
import type { TestChain } from "../../../indexer/src/testing/chain.ts";
import { runSwarm, type SwarmSummary } from "../../../agents/src/swarm/swarm.ts";

export interface RecordedBlock {
  number: number;
  timestamp: number;
  hash: string;
  /** The block's one transaction, signed (none for a block mined without one). */
  raw?: string;
  /** The transaction as read back, for naming its call. */
  tx?: ethers.TransactionResponse;
}

export interface RecordedSwarm {
  summary: SwarmSummary;
  /** Every block the swarm mined, setup first. */
  blocks: RecordedBlock[];
  /** Index in `blocks` of the first block mined after the swarm's setup (the trading). */
  tradingStart: number;
}

/**
 * Runs one swarm between an evm_snapshot and an evm_revert and returns its blocks. `on.ready` is
 * called when trading starts (after the setup), as runSwarm's own; `on.done` as soon as the swarm
 * has ended, before its blocks are read back.
 */
export async function recordSwarm(chain: TestChain, agents: number, jobs: number, on: { ready?: () => void; done?: () => void } = {}): Promise<RecordedSwarm> {
  const send = (method: string, params: unknown[]) => chain.provider.send(method, params);
  const snapshot = await send("evm_snapshot", []);
  const from = (await chain.provider.getBlockNumber()) + 1;
  let tradingFrom: Promise<number> | undefined;
  const { summary } = await runSwarm({
    agents, jobs, rpcUrl: chain.url, deployments: chain.deployments, seed: 1, inFlight: 6, log: () => {},
    onReady: () => {
      tradingFrom = chain.provider.getBlockNumber().then((n) => n + 1);
      on.ready?.();
    },
  });
  on.done?.();
  const to = await chain.provider.getBlockNumber();
  const blocks: RecordedBlock[] = [];
  for (let b = from; b <= to; b++) {
    const block = (await chain.provider.getBlock(b, true))!;
    const txs = block.prefetchedTransactions;
    if (txs.length > 1) throw new Error(`block ${b} holds ${txs.length} transactions (the node does not automine one a block)`);
    const tx = txs[0];
    blocks.push({ number: b, timestamp: block.timestamp, hash: block.hash!, raw: tx ? ethers.Transaction.from(tx).serialized : undefined, tx });
  }
  if (!(await send("evm_revert", [snapshot]))) throw new Error("evm_revert refused the snapshot");
  if (tradingFrom === undefined) throw new Error("the swarm never started trading");
  return { summary, blocks, tradingStart: (await tradingFrom) - from };
}

/** The two JSON-RPC calls that mine a recorded block again: its timestamp, then its transaction (or an empty block). */
export function replayCalls(b: RecordedBlock): [{ method: string; params: unknown[] }, { method: string; params: unknown[] }] {
  return [
    { method: "evm_setNextBlockTimestamp", params: [b.timestamp] },
    b.raw === undefined ? { method: "evm_mine", params: [] } : { method: "eth_sendRawTransaction", params: [b.raw] },
  ];
}
