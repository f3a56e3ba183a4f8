// Test support: a real Hardhat node on a free port with the protocol deployed by the same
// deploy script `npm start` uses, plus ethers contracts bound to the deployed addresses.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ethers } from "ethers";
import { freePort, setNodeLogging, startHardhatNode, startProcess, stopProcess, waitForRpc, type Managed } from "../../../scripts/lib/processes.ts";
import { HARDHAT_CLI } from "../../../scripts/lib/hardhat-node.ts";
import { findArtifact } from "../indexing/abi.ts";
import type { Deployments } from "../indexing/types.ts";

export const ROOT = resolve(fileURLToPath(new URL("../../..", import.meta.url)));
export const ARTIFACTS = join(ROOT, "artifacts");

export interface TestChain {
  url: string;
  deployments: Deployments;
  provider: ethers.JsonRpcProvider;
  signers: ethers.Signer[];
  contract(name: string, signer?: ethers.Signer): ethers.Contract;
  rpc<T = unknown>(method: string, params?: unknown[]): Promise<T>;
  stop(): Promise<void>;
  node: Managed;
}

/**
 * Starts a node and deploys the protocol. The node's request log is turned off (nobody reads it
 * here, and it costs the node CPU on every transaction); CHAIN_LOG=1 leaves it on (and discarded),
 * as before, for comparing the two.
 */
export async function startChain(): Promise<TestChain> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const node = startHardhatNode(["--port", String(port)], { cwd: ROOT });
  const dir = mkdtempSync(join(tmpdir(), "ubc-idx-"));
  try {
    await waitForRpc(url, 120_000);
    if (!process.env.CHAIN_LOG) await setNodeLogging(url, false);
    const out: string[] = [];
    const deploy = startProcess("deploy", process.execPath, [HARDHAT_CLI, "run", "scripts/deploy.ts", "--network", "localhost"], {
      cwd: ROOT,
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
  const provider = new ethers.JsonRpcProvider(url, undefined, { staticNetwork: true, cacheTimeout: -1, pollingInterval: 50 });
  const accounts = (await provider.send("eth_accounts", [])) as string[];
  const signers = accounts.map((a) => new ethers.JsonRpcSigner(provider, a));
  return {
    url,
    deployments,
    provider,
    signers,
    node,
    contract(name, signer) {
      const { abi } = findArtifact(ARTIFACTS, name);
      return new ethers.Contract(deployments.contracts[name].address, abi as ethers.InterfaceAbi, signer ?? signers[0]);
    },
    rpc: (method, params = []) => provider.send(method, params),
    async stop() {
      provider.destroy();
      await stopProcess(node);
    },
  };
}
