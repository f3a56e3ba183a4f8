// The node's plain-transfer ceiling for bench:swarm (run.ts) and its diagnostics: ETH transfers
// per second from 64 fresh senders, measured three ways: pre-signed and sent one request each,
// pre-signed and sent as one JSON-RPC batch per sender (the node's HTTP layer then works once per
// batch, as it does for the swarm's shared batches), and signed as they are sent by the agents'
// transaction layer (TxSender). The node's ceiling is the highest of the three.
import { loadavg } from "node:os";
import type { Address, Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";
import type { TestChain } from "../../../indexer/src/testing/chain.ts";
import { TxEnv, TxSender } from "../../../agents/src/runtime/tx.ts";
import { localAccount } from "../../../agents/src/runtime/signer.ts";
import { processCpu } from "../indexer/getlogs.ts";

export const DEPLOYER: Hex = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"; // Hardhat's public dev key

export async function rpc(url: string, method: string, params: unknown[]): Promise<any> {
  for (let attempt = 1; ; attempt++) {
    let b: { result?: unknown; error?: { message: string } };
    try {
      const r = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
      b = (await r.json()) as typeof b;
    } catch (err) {
      if (attempt >= 3) throw err; // a keep-alive socket closed by the server: send again
      continue;
    }
    if (b.error && attempt > 1 && /nonce too low|already known/i.test(b.error.message)) return undefined;
    if (b.error) throw new Error(`${method}: ${b.error.message}`);
    return b.result;
  }
}

export interface Ceiling {
  presigned: number;
  /** Pre-signed, one JSON-RPC batch per sender (tx/s). */
  presignedBatched: number;
  /** Node CPU per pre-signed transfer (ms). */
  nodeCpuPerTx: number;
  signedOnTheFly: number;
  load: string;
}

/** Plain ETH transfers per second: 64 fresh senders, `transfers` transfers in all. */
export async function ceiling(chain: TestChain, env: TxEnv, transfers: number): Promise<Ceiling> {
  const funder = new TxSender(localAccount(DEPLOYER), env, {});
  const senders = Array.from({ length: 64 }, () => localAccount(generatePrivateKey()));
  await Promise.all(senders.map((s) => funder.transfer(s.address, 10n ** 18n)));
  const per = Math.ceil(transfers / senders.length);
  const sink = privateKeyToAccount(generatePrivateKey()).address;
  // pre-signed: the node's ceiling
  await env.refreshFees();
  const sign = (first: number) => presign(env, senders, sink, first, per);
  const raws = await sign(0);
  const node0 = nodeCpuMs(chain);
  let t = performance.now();
  await Promise.all(raws.map(async (list) => {
    for (const raw of list) await rpc(chain.url, "eth_sendRawTransaction", [raw]);
  }));
  const presigned = (per * senders.length) / ((performance.now() - t) / 1000);
  const nodeCpuPerTx = (nodeCpuMs(chain) - node0) / (per * senders.length);
  // pre-signed, one batch per sender (the next nonces)
  const batches = await sign(per);
  t = performance.now();
  await Promise.all(batches.map(async (list) => {
    const bad = (await env.sendRawBatch(list)).find((a) => typeof a !== "string");
    if (bad !== undefined) throw bad;
  }));
  const presignedBatched = (per * senders.length) / ((performance.now() - t) / 1000);
  // signed as sent, through the agents' transaction layer
  const txSenders = senders.map((s) => new TxSender(s, env, {}));
  t = performance.now();
  await Promise.all(txSenders.map(async (s) => {
    for (let n = 0; n < per; n++) await s.transfer(sink, 1n);
  }));
  const signedOnTheFly = (per * senders.length) / ((performance.now() - t) / 1000);
  return { presigned, presignedBatched, signedOnTheFly, nodeCpuPerTx, load: loadavg()[0].toFixed(1) };
}

/** What a pre-signed transaction does: a plain transfer of 1 wei to `to` unless `data` is given. */
export interface PresignedCall { to: Address; data?: Hex; gas?: bigint }

/**
 * Transactions signed ahead: per sender (in `senders`' order), nonces first … first + per − 1. A
 * plain transfer of 1 wei to `sink`, or what `call(k)` says for the k-th transaction overall.
 */
export function presign(env: TxEnv, senders: PrivateKeyAccount[], sink: Address, first: number, per: number, call?: (k: number) => PresignedCall): Promise<Hex[][]> {
  let k = 0;
  return Promise.all(senders.map(async (s) => {
    const out: Hex[] = [];
    for (let n = first; n < first + per; n++) {
      const c = call?.(k++);
      out.push(await s.signTransaction({
        chainId: env.chainId, type: "eip1559", nonce: n, to: c?.to ?? sink, data: c?.data, value: c?.data === undefined ? 1n : 0n,
        gas: c?.gas ?? 21_000n, maxFeePerGas: env.maxFeePerGas, maxPriorityFeePerGas: 1n,
      }));
    }
    return out;
  }));
}

/** The node's ceiling in one measurement: the fastest of the three ways of sending (tx/s). */
export function best(c: Ceiling): number {
  return Math.max(c.presigned, c.presignedBatched, c.signedOnTheFly);
}

/** Node CPU (ms) from /proc: the node's own cost, which the load of other processes does not inflate much. */
export function nodeCpuMs(chain: TestChain): number {
  return processCpu(chain.node.child.pid) * 1000;
}

