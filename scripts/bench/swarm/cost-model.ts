// Diagnostic (not part of npm run bench:swarm): what the node's CPU per transaction depends on.
// Deploys BenchCostProbe (a TEST/BENCH fixture) a few times on a fresh devnet node and measures,
// per kind of transaction, the node's CPU per transaction and tx/s for `count` transactions
// pre-signed by 64 senders and sent as one JSON-RPC batch per sender (as the ceiling's batched
// way): plain transfers, a no-op call, slot writes (1, 8), one slot in 1/4 contracts, logs,
// EVM loop rounds, a slot write in a contract whose storage holds `big` slots, cold reads of 1 and
// 10 slots of that contract and of a small one (each read is a walk of the contract's storage trie
// at the node), and a call to code that stops at once, 1 byte long or followed by WorkMarket's
// 23 KB (the price of code size).
// Usage: node scripts/bench/swarm/cost-model.ts [count=2000] [rounds=2] [big=50000]
import { loadavg } from "node:os";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createPublicClient, createWalletClient, encodeFunctionData, http, type Abi, type Address, type Hex, type PublicClient } from "viem";
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";
import { ARTIFACTS, startChain } from "../../../indexer/src/testing/chain.ts";
import { DEPLOYER, nodeCpuMs, presign } from "./ceiling.ts";
import { ABIS } from "../../../agents/src/generated/abis.ts";
import { TxEnv, TxSender } from "../../../agents/src/runtime/tx.ts";
import { localAccount } from "../../../agents/src/runtime/signer.ts";

const count = Number(process.argv[2] ?? 2000);
const rounds = Number(process.argv[3] ?? 2);
const big = Number(process.argv[4] ?? 50_000);

const chain = await startChain();
// the node is stopped however the run ends (a failed kind throws)
process.on("exit", () => chain.node.child.kill());
const pub = createPublicClient({ transport: http(chain.url) }) as PublicClient;
const env = new TxEnv(chain.url, chain.deployments.chainId, pub);
await env.init();
const art = JSON.parse(readFileSync(join(ARTIFACTS, "contracts/test/BenchCostProbe.sol/BenchCostProbe.json"), "utf8")) as { abi: Abi; bytecode: Hex };
const deployer = privateKeyToAccount(DEPLOYER);
const wallet = createWalletClient({ account: deployer, transport: http(chain.url), chain: { id: chain.deployments.chainId, name: "devnet", nativeCurrency: { name: "ETH", symbol: "ETH", decimals: 18 }, rpcUrls: { default: { http: [chain.url] } } } });
async function deploy(): Promise<Address> {
  const hash = await wallet.deployContract({ abi: art.abi, bytecode: art.bytecode });
  return (await pub.waitForTransactionReceipt({ hash })).contractAddress!;
}
const probes: Address[] = [];
for (let i = 0; i < 5; i++) probes.push(await deploy());
const bigProbe = await deploy();
const data = (fn: string, args: unknown[]) => encodeFunctionData({ abi: art.abi, functionName: fn, args });
// fill the big probe: `big` slots, 500 per transaction
for (let first = 0; first < big; first += 500) {
  const hash = await wallet.sendTransaction({ to: bigProbe, data: data("fill", [BigInt(first), BigInt(Math.min(500, big - first))]), gas: 15_000_000n });
  if (first % 10_000 === 0 || first + 500 >= big) await pub.waitForTransactionReceipt({ hash });
}
console.log(`big probe: ${big} slots`);
// raw code that stops at its first byte: 1 byte, and the same STOP followed by WorkMarket's 23 KB of
// runtime code (never reached): does the node pay per byte of the code a transaction calls?
async function deployRaw(runtime: string): Promise<Address> {
  const len = runtime.length / 2;
  const init = `0x61${len.toString(16).padStart(4, "0")}80600c6000396000f3${runtime}` as Hex;
  const hash = await wallet.sendTransaction({ data: init, gas: 8_000_000n });
  const r = await pub.waitForTransactionReceipt({ hash });
  if (r.status !== "success" || !r.contractAddress) throw new Error("raw deploy failed");
  return r.contractAddress;
}
const wmCode = JSON.parse(readFileSync(join(ARTIFACTS, "contracts/market/WorkMarket.sol/WorkMarket.json"), "utf8")).deployedBytecode.slice(2) as string;
const tinyCode = await deployRaw("00");
const bigCode = await deployRaw("00" + wmCode);
console.log(`raw code: 1 byte, ${1 + wmCode.length / 2} bytes`);

const funder = new TxSender(localAccount(DEPLOYER), env, {});
const senders: PrivateKeyAccount[] = Array.from({ length: 64 }, () => localAccount(generatePrivateKey()));
await Promise.all(senders.map((s) => funder.transfer(s.address, 10n ** 20n)));
let sent = 0; // transactions per sender so far: every run uses each sender alike
const sink = privateKeyToAccount(generatePrivateKey()).address;

interface Kind { name: string; to: (k: number) => Address; data: (k: number) => Hex; gas: bigint }
const kinds: Kind[] = [
  { name: "transfer", to: () => sink, data: () => "0x", gas: 21_000n },
  { name: "noop", to: () => probes[0], data: () => data("noop", []), gas: 60_000n },
  { name: "1 slot (changed)", to: () => probes[0], data: (i) => data("set", [0n, 1n, BigInt(i + 1)]), gas: 60_000n },
  { name: "1 slot (new each tx)", to: () => probes[1], data: (i) => data("set", [BigInt(1e9 + i + Math.floor(Math.random() * 1e9)), 1n, 1n]), gas: 60_000n },
  { name: "8 slots (changed)", to: () => probes[0], data: (i) => data("set", [0n, 8n, BigInt(i + 1)]), gas: 300_000n },
  { name: "1 slot, big trie", to: () => bigProbe, data: (i) => data("set", [BigInt(i % big), 1n, BigInt(i + 7)]), gas: 60_000n },
  { name: "1 slot in 4 contracts", to: () => probes[0], data: (i) => data("hop", [probes.slice(1, 5), 3n, BigInt(i + 1)]), gas: 300_000n },
  { name: "noop + 484 B calldata", to: () => probes[0], data: () => (data("noop", []) + "ab".repeat(484)) as Hex, gas: 80_000n },
  { name: "view call on WorkMarket (24 KB code)", to: () => chain.deployments.contracts.WorkMarket.address as Address, data: () => encodeFunctionData({ abi: ABIS.WorkMarket, functionName: "credits", args: [1n] }), gas: 60_000n },
  { name: "call to 1 byte of code (STOP)", to: () => tinyCode, data: () => "0x", gas: 60_000n },
  { name: "call to 23 KB of code (STOP first)", to: () => bigCode, data: () => "0x", gas: 60_000n },
  { name: "read 1 slot, big trie (+1 log)", to: () => bigProbe, data: (i) => data("sum", [BigInt((i * 7919) % big), 1n]), gas: 80_000n },
  { name: "read 10 slots, big trie (+1 log)", to: () => bigProbe, data: (i) => data("sum", [BigInt((i * 7919) % (big - 10)), 10n]), gas: 80_000n },
  { name: "read 10 slots, small trie (+1 log)", to: () => probes[0], data: () => data("sum", [0n, 10n]), gas: 80_000n },
  { name: "7 logs", to: () => probes[0], data: () => data("logs", [7n]), gas: 60_000n },
  { name: "300 loop rounds", to: () => probes[0], data: () => data("spin", [300n]), gas: 400_000n },
];

async function run(kind: Kind): Promise<{ tps: number; ms: number }> {
  await env.refreshFees();
  const per = Math.ceil(count / senders.length);
  const raws = await presign(env, senders, sink, sent, per, (k) => ({ to: kind.to(k), data: kind.data(k), gas: kind.gas }));
  sent += per;
  const n0 = nodeCpuMs(chain);
  const t = performance.now();
  await Promise.all(raws.map(async (list) => {
    const bad = (await env.sendRawBatch(list)).find((a) => typeof a !== "string");
    if (bad !== undefined) throw new Error(`${kind.name}: ${JSON.stringify(bad)}`);
  }));
  const n = per * senders.length;
  return { tps: n / ((performance.now() - t) / 1000), ms: (nodeCpuMs(chain) - n0) / n };
}

await run(kinds[0]); // warm-up
for (const k of kinds.slice(1)) {
  // the EVM steps of one transaction of each kind
  const hash = await wallet.sendTransaction({ to: k.to(0), data: k.data(0), gas: k.gas });
  await pub.waitForTransactionReceipt({ hash });
  const t = await env.rpc<{ structLogs: unknown[] }>("debug_traceTransaction", [hash, { disableMemory: true, disableStack: true, disableStorage: true }]);
  console.log(`${k.name}: ${t.structLogs.length} EVM steps`);
}
const results = new Map<string, { tps: number[]; ms: number[] }>();
for (let r = 0; r < rounds; r++) {
  for (const k of kinds) {
    const x = await run(k);
    const e = results.get(k.name) ?? { tps: [], ms: [] };
    e.tps.push(x.tps); e.ms.push(x.ms);
    results.set(k.name, e);
  }
}
const base = results.get("transfer")!.ms;
const mean = (a: number[]) => a.reduce((s, x) => s + x, 0) / a.length;
console.log(`load ${loadavg()[0].toFixed(1)}; ${count} txs per kind and round, ${rounds} rounds`);
console.log("kind | tx/s | node ms/tx | × transfer");
for (const [name, e] of results) console.log(`${name} | ${e.tps.map((x) => x.toFixed(0)).join(" / ")} | ${e.ms.map((x) => x.toFixed(3)).join(" / ")} | ${(mean(e.ms) / mean(base)).toFixed(2)}`);
await chain.stop();
process.exit(0);
