// Deploys the whole protocol with Hardhat Ignition and writes deployments/<network>.json:
// { chainId, contracts: { <ContractName>: { address, blockNumber } } }, the file that the
// indexer, the subgraph manifest, the SDK and the web app read.
//   npx hardhat run scripts/deploy.ts --network localhost
// Parameters: deploy/parameters/<network>.json if present (Ignition's parameter format, with
// "123n" strings for big integers and `$global` for parameters every module shares). Keys that
// start with "_" are this script's: `_chainId` (the network must have it) and `_required` (global
// parameters that must come from the environment). The environment overrides the roles:
// DEPLOY_TREASURY, DEPLOY_GUARDIAN, DEPLOY_VENTURE_OPERATOR (addresses).
// DEPLOYMENTS_DIR overrides where the file is written (tests use a temporary folder).
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { network } from "hardhat";
import UBCExchange from "../deploy/modules/UBCExchange.ts";
import { CONTRACT_NAMES } from "../deploy/names.ts";
import { loadParameters } from "../deploy/parameters.ts";
import { writeFileAtomic } from "./lib/files.ts";

export interface DeploymentsFile {
  chainId: number;
  contracts: Record<string, { address: string; blockNumber: number }>;
}

const conn = await network.create();
const { ethers, ignition, networkName } = conn;
const chainId = Number((await ethers.provider.getNetwork()).chainId);
const paramsUrl = new URL(`../deploy/parameters/${networkName}.json`, import.meta.url);
const parameters = loadParameters(existsSync(paramsUrl) ? readFileSync(paramsUrl, "utf8") : "{}", chainId, process.env);

// A local Hardhat chain starts empty every time: forget Ignition's journal of an earlier chain.
if (chainId === 31337 && networkName !== "default") {
  rmSync(new URL(`../deploy/deployments/chain-${chainId}`, import.meta.url), { recursive: true, force: true });
}
const deployed = await ignition.deploy(UBCExchange, { parameters, displayUi: process.env.CI === undefined });

/** The first block at which `address` has code (binary search; fine on any archive-capable RPC). */
async function creationBlock(address: string, latest: number): Promise<number> {
  let lo = 0;
  let hi = latest;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    const code = await ethers.provider.getCode(address, mid);
    if (code !== "0x") hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

const latest = await ethers.provider.getBlockNumber();
const out: DeploymentsFile = { chainId, contracts: {} };
for (const [key, contract] of Object.entries(deployed)) {
  const name = CONTRACT_NAMES[key];
  if (name === undefined) throw new Error(`deploy/names.ts has no contract name for module result "${key}"`);
  const address = await (contract as { getAddress(): Promise<string> }).getAddress();
  out.contracts[name] = { address: address.toLowerCase(), blockNumber: await creationBlock(address, latest) };
}

const dir = resolve(process.env.DEPLOYMENTS_DIR ?? new URL("../deployments/", import.meta.url).pathname);
mkdirSync(dir, { recursive: true });
const file = join(dir, `${networkName}.json`);
writeFileAtomic(file, JSON.stringify(out, null, 2) + "\n");
for (const [name, c] of Object.entries(out.contracts)) console.log(`${name.padEnd(16)} ${c.address} (block ${c.blockNumber})`);
console.log(`wrote ${file}`);
await conn.close();
