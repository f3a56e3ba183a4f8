// Diagnostic (not part of npm run bench:swarm): does the shape of the requests change how much
// of the machine the node uses? The same pre-signed plain transfers (64 senders × 32) sent five
// ways — one JSON-RPC batch per sender (64 concurrent requests), one batch of all, 8 batches of
// 256 one after the other, 4 and 2 concurrent batches — each round on fresh nonces, printing tx/s,
// the node's CPU per transfer and the cores it used (its CPU time ÷ wall time).
// Usage: node scripts/bench/swarm/shapes.ts [rounds=3]
import { createPublicClient, http, type Hex, type PublicClient } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { startChain } from "../../../indexer/src/testing/chain.ts";
import { TxEnv, TxSender } from "../../../agents/src/runtime/tx.ts";
import { localAccount } from "../../../agents/src/runtime/signer.ts";
import { DEPLOYER, nodeCpuMs, presign } from "./ceiling.ts";

const rounds = Number(process.argv[2] ?? 3);
const SENDERS = 64;
const PER = 32;
const chain = await startChain();
try {
  const env = new TxEnv(chain.url, chain.deployments.chainId, createPublicClient({ transport: http(chain.url) }) as PublicClient);
  await env.init();
  const funder = new TxSender(localAccount(DEPLOYER), env, {});
  const senders = Array.from({ length: SENDERS }, () => localAccount(generatePrivateKey()));
  await Promise.all(senders.map((s) => funder.transfer(s.address, 10n ** 18n)));
  const sink = privateKeyToAccount(generatePrivateKey()).address;
  await env.refreshFees();
  let nonce = 0;
  /** The next PER transfers of every sender, signed: by sender, in nonce order. */
  const sign = async (): Promise<Hex[][]> => {
    const out = await presign(env, senders, sink, nonce, PER);
    nonce += PER;
    return out;
  };
  /** The transfers of `of` senders interleaved so that each sender's stay in nonce order. */
  const interleave = (of: Hex[][]) => Array.from({ length: PER }, (_, n) => of.map((l) => l[n])).flat();
  const concurrent = (k: number) => async (r: Hex[][]) => {
    const size = SENDERS / k;
    await Promise.all(Array.from({ length: k }, (_, i) => env.sendRawBatch(interleave(r.slice(i * size, (i + 1) * size)))));
  };
  const shapes: [string, (r: Hex[][]) => Promise<void>][] = [
    ["64 concurrent batches, one per sender", async (r) => void (await Promise.all(r.map((l) => env.sendRawBatch(l))))],
    ["1 batch of all", async (r) => void (await env.sendRawBatch(interleave(r)))],
    ["8 batches of 256, one after the other", async (r) => {
      const all = interleave(r);
      for (let i = 0; i < all.length; i += 256) await env.sendRawBatch(all.slice(i, i + 256));
    }],
    ["4 concurrent batches of 16 senders", concurrent(4)],
    ["2 concurrent batches of 32 senders", concurrent(2)],
  ];
  for (let round = 1; round <= rounds; round++) {
    for (const [name, send] of shapes) {
      const r = await sign();
      const c0 = nodeCpuMs(chain);
      const t = performance.now();
      await send(r);
      const s = (performance.now() - t) / 1000;
      const cpu = nodeCpuMs(chain) - c0;
      const n = SENDERS * PER;
      process.stdout.write(`round ${round}: ${name.padEnd(40)} ${(n / s).toFixed(0).padStart(6)} tx/s  node ${(cpu / n).toFixed(3)} ms/tx  node cores ${(cpu / 1000 / s).toFixed(2)}\n`);
    }
  }
} finally {
  await chain.stop();
}
