// The benchmark's chain: a Hardhat node on a free port, the protocol deployed by scripts/deploy.ts
// (as `npm start` and the indexer tests do), the BenchTransferBatcher fixture funded with COMPUTE,
// and N COMPUTE Transfer events made a few hundred per transaction.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ethers } from "ethers";
import { freePort, startHardhatNode, startProcess, stopProcess, waitForRpc, type Managed } from "../../lib/processes.ts";
import { HARDHAT_CLI } from "../../lib/hardhat-node.ts";

export interface Deployments {
  chainId: number;
  contracts: Record<string, { address: string; blockNumber: number }>;
}

export interface BenchChain {
  url: string;
  deployments: Deployments;
  provider: ethers.JsonRpcProvider;
  signer: ethers.JsonRpcSigner;
  accounts: string[];
  compute: ethers.Contract;
  batcher: string;
  /** Recipients of the generated transfers, by index. */
  recipient(k: number): string;
  rpc<T = unknown>(method: string, params?: unknown[]): Promise<T>;
  stop(): Promise<void>;
  node: Managed;
}

function artifact(root: string, file: string, name: string): { abi: ethers.InterfaceAbi; bytecode: string } {
  return JSON.parse(readFileSync(join(root, "artifacts", "contracts", file, `${name}.json`), "utf8"));
}

export async function startBenchChain(root: string, log: (line: string) => void): Promise<BenchChain> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  log(`starting a Hardhat node on ${url}`);
  const node = startHardhatNode(["--port", String(port), "--hostname", "127.0.0.1"], { cwd: root });
  const dir = mkdtempSync(join(tmpdir(), "ubc-bench-"));
  try {
    await waitForRpc(url, 120_000);
    log("deploying the protocol with scripts/deploy.ts");
    const out: string[] = [];
    const deploy = startProcess("deploy", process.execPath, [HARDHAT_CLI, "run", "scripts/deploy.ts", "--network", "localhost"], {
      cwd: root,
      env: { RPC_URL: url, DEPLOYMENTS_DIR: dir, CI: "1" },
      onLine: (l) => out.push(l),
    });
    const code = await deploy.exited;
    if (code !== 0) throw new Error(`deploy failed:\n${out.join("\n")}`);
  } catch (err) {
    await stopProcess(node);
    throw err;
  }
  const deployments = JSON.parse(readFileSync(join(dir, "localhost.json"), "utf8")) as Deployments;
  rmSync(dir, { recursive: true, force: true });
  const provider = new ethers.JsonRpcProvider(url, undefined, { staticNetwork: true, cacheTimeout: -1, pollingInterval: 20 });
  const accounts = (await provider.send("eth_accounts", [])) as string[];
  const signer = new ethers.JsonRpcSigner(provider, accounts[0]);
  const computeArtifact = artifact(root, "tokens/ComputeToken.sol", "ComputeToken");
  const compute = new ethers.Contract(deployments.contracts.ComputeToken.address, computeArtifact.abi, signer);
  const b = artifact(root, "test/BenchTransferBatcher.sol", "BenchTransferBatcher");
  const factory = new ethers.ContractFactory(b.abi, b.bytecode, signer);
  const batcher = await factory.deploy(deployments.contracts.ComputeToken.address);
  await batcher.waitForDeployment();
  const batcherAddress = (await batcher.getAddress()).toLowerCase();
  const recipients = new Map<number, string>();
  return {
    url,
    deployments,
    provider,
    signer,
    accounts,
    compute,
    batcher: batcherAddress,
    node,
    recipient(k: number) {
      let a = recipients.get(k);
      if (a === undefined) {
        a = "0x" + ethers.solidityPackedKeccak256(["uint256"], [k]).slice(26);
        recipients.set(k, a);
      }
      return a;
    },
    rpc: (method, params = []) => provider.send(method, params),
    async stop() {
      provider.destroy();
      await stopProcess(node);
    },
  };
}

/** Value of generated transfer number `i` (as BenchTransferBatcher computes it). */
export const transferValue = (i: number, unit: bigint) => BigInt((i % 997) + 1) * unit;

/**
 * Funds the batcher and makes `total` transfers, `perTx` per transaction, to `recipients`
 * distinct addresses, `perBlock` transactions to a block (1: automine, a block each); then mines
 * `extraBlocks` empty blocks. Returns the block range used.
 */
export async function generateTransfers(
  root: string,
  chain: BenchChain,
  opts: { total: number; perTx: number; perBlock?: number; recipients: number; unit: bigint; extraBlocks: number },
  log: (line: string) => void,
): Promise<{ firstBlock: number; lastBlock: number; seconds: number }> {
  const started = performance.now();
  const { total, perTx, recipients, unit } = opts;
  let need = 0n;
  for (let i = 0; i < total; i++) need += transferValue(i, unit);
  const have = (await chain.compute.balanceOf(chain.accounts[0])) as bigint;
  if (have < need) throw new Error(`account 0 holds ${ethers.formatEther(have)} COMPUTE, the benchmark needs ${ethers.formatEther(need)}`);
  await (await chain.compute.transfer(chain.batcher, need)).wait();
  const b = artifact(root, "test/BenchTransferBatcher.sol", "BenchTransferBatcher");
  const iface = new ethers.Interface(b.abi);
  const firstBlock = await chain.provider.getBlockNumber();
  let lastPrint = performance.now();
  let hash = "";
  const perBlock = Math.max(1, opts.perBlock ?? 1);
  // a transfer costs ~35k gas in spray: a limit near the need lets many share a block
  const gas = "0x" + Math.min(15_000_000, 80_000 + 40_000 * perTx).toString(16);
  // Each block's transactions go in one JSON-RPC batch: with automine (perBlock 1) the node mines
  // the transaction before it answers; otherwise they wait in the mempool for one evm_mine.
  if (perBlock > 1) await chain.rpc("evm_setAutomine", [false]);
  try {
    for (let first = 0; first < total; ) {
      const batch: object[] = [];
      for (let t = 0; t < perBlock && first < total; t++) {
        const count = Math.min(perTx, total - first);
        const data = iface.encodeFunctionData("spray", [first, count, recipients, unit]);
        batch.push({ jsonrpc: "2.0", id: t, method: "eth_sendTransaction", params: [{ from: chain.accounts[0], to: chain.batcher, data, gas }] });
        first += count;
      }
      const res = await fetch(chain.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(batch) });
      const answers = (await res.json()) as { result?: string; error?: { message: string } }[];
      if (!Array.isArray(answers)) throw new Error(`the node did not answer a batch of eth_sendTransaction with a list: ${JSON.stringify(answers).slice(0, 200)}`);
      const bad = answers.find((a) => a.error !== undefined);
      if (bad !== undefined) throw new Error(`eth_sendTransaction failed: ${bad.error!.message}`);
      hash = answers[answers.length - 1].result!;
      if (perBlock > 1) {
        await chain.rpc("evm_mine", []);
        const pending = await chain.rpc<string[]>("eth_pendingTransactions", []);
        if (pending.length > 0) throw new Error(`${pending.length} transactions did not fit in the block: lower BENCH_PER_BLOCK`);
      }
      if (performance.now() - lastPrint > 2_000) {
        lastPrint = performance.now();
        log(`  ${first.toLocaleString("en-US")} / ${total.toLocaleString("en-US")} transfers sent`);
      }
    }
  } finally {
    if (perBlock > 1) await chain.rpc("evm_setAutomine", [true]);
  }
  const receipt = await chain.provider.getTransactionReceipt(hash);
  if (receipt === null || receipt.status !== 1) throw new Error("the last transfer batch failed");
  const lastBlock = receipt.blockNumber;
  // One evm_mine per block: the blocks that hardhat_mine reserves in bulk have a zero parent
  // hash, which an indexer checking the parent-hash chain takes for a reorg.
  for (let i = 0; i < opts.extraBlocks; i++) await chain.rpc("evm_mine", []);
  const seconds = (performance.now() - started) / 1000;
  log(`  ${total.toLocaleString("en-US")} transfers in blocks ${firstBlock + 1}..${lastBlock}, then ${opts.extraBlocks} empty blocks (${seconds.toFixed(1)} s)`);
  return { firstBlock: firstBlock + 1, lastBlock, seconds };
}
