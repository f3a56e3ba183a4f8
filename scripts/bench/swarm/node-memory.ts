// Diagnostic (not part of npm run bench:swarm): what a local Hardhat node keeps in memory as a
// devnet runs. On a fresh node (started as every node the project starts), the node's resident
// memory before and after: empty blocks (hardhat_mine, and evm_mine one at a time), transfers
// automined (a block each, as the devnet mines), and transfers mined many to a block (automine off,
// evm_mine after each 100). The devnet's swarm pace (SWARM_SPEND_PER_HOUR) is sized from this.
// Usage: node scripts/bench/swarm/node-memory.ts [transfers=10000]
import { readFileSync } from "node:fs";
import { freePort, startHardhatNode, waitForRpc } from "../../lib/processes.ts";

const transfers = Number(process.argv[2] ?? 10_000);
const port = await freePort();
const url = `http://127.0.0.1:${port}`;
const node = startHardhatNode(["--port", String(port)], { cwd: process.cwd() });
let id = 0;
const post = async (body: unknown) => (await (await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })).json()) as { result?: unknown; error?: unknown } | { result?: unknown; error?: unknown }[];
const rpc = async (method: string, params: unknown[]) => {
  const r = (await post({ jsonrpc: "2.0", id: ++id, method, params })) as { result?: unknown; error?: unknown };
  if (r.error) throw new Error(`${method}: ${JSON.stringify(r.error)}`);
  return r.result;
};
const batch = async (calls: [string, unknown[]][]) => {
  const r = (await post(calls.map(([method, params]) => ({ jsonrpc: "2.0", id: ++id, method, params })))) as { error?: unknown }[];
  const bad = r.find((x) => x.error);
  if (bad) throw new Error(JSON.stringify(bad.error));
};
const rssMb = () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${node.child.pid}/status`, "utf8"))![1]) / 1024;
try {
  await waitForRpc(url, 120_000);
  await rpc("hardhat_setLoggingEnabled", [false]);
  const accounts = (await rpc("eth_accounts", [])) as string[];
  // n transfers from 10 unlocked development accounts to 10 others, 100 to a batch request
  const send = async (n: number) => {
    for (let i = 0; i < n; i += 100) {
      await batch(Array.from({ length: Math.min(100, n - i) }, (_, k) => ["eth_sendTransaction", [{ from: accounts[(i + k) % 10], to: accounts[10 + ((i + k) % 10)], value: "0x1" }]] as [string, unknown[]]));
    }
  };
  const step = async (what: string, units: number, f: () => Promise<void>) => {
    const before = rssMb();
    const t = performance.now();
    await f();
    await new Promise((r) => setTimeout(r, 500));
    const grown = rssMb() - before;
    console.log(`${what}: +${grown.toFixed(1)} MB (${((grown * 1024) / units).toFixed(2)} KB each), resident ${rssMb().toFixed(0)} MB, ${((performance.now() - t) / 1000).toFixed(1)} s`);
  };
  await step(`warm-up: ${transfers / 5} transfers automined`, transfers / 5, () => send(transfers / 5));
  await step(`${transfers * 2} empty blocks (hardhat_mine)`, transfers * 2, async () => void (await rpc("hardhat_mine", [`0x${(transfers * 2).toString(16)}`])));
  await step(`${transfers * 2} empty blocks (evm_mine, one each)`, transfers * 2, async () => {
    for (let i = 0; i < transfers * 2; i += 100) await batch(Array.from({ length: 100 }, () => ["evm_mine", []] as [string, unknown[]]));
  });
  await step(`${transfers} transfers automined (a block each)`, transfers, () => send(transfers));
  await rpc("evm_setAutomine", [false]);
  await step(`${transfers} transfers mined 100 to a block`, transfers, async () => {
    for (let i = 0; i < transfers; i += 100) {
      await send(100);
      await rpc("evm_mine", []);
    }
  });
  await rpc("evm_setAutomine", [true]);
  await step(`${transfers} transfers automined again`, transfers, () => send(transfers));
} finally {
  node.child.kill("SIGTERM");
}
