// Deploys the whole protocol with Hardhat Ignition and writes deployments/<network>.json:
// { chainId, contracts: { <ContractName>: { address, blockNumber } } }, the file that the
// indexer, the subgraph manifest, the SDK and the web app read.
//   npx hardhat run scripts/deploy.ts --network localhost
// Parameters: deploy/parameters/<network>.json if present (Ignition's parameter format).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { network } from "hardhat";
import UBCExchange from "../deploy/modules/UBCExchange.ts";
import { CONTRACT_NAMES } from "../deploy/names.ts";

export interface DeploymentsFile {
  chainId: number;
  contracts: Record<string, { address: string; blockNumber: number }>;
}

const conn = await network.create();
const { ethers, ignition, networkName } = conn;
const chainId = Number((await ethers.provider.getNetwork()).chainId);
const paramsUrl = new URL(`../deploy/parameters/${networkName}.json`, import.meta.url);
const parameters = existsSync(paramsUrl) ? JSON.parse(readFileSync(paramsUrl, "utf8")) : {};

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

mkdirSync(new URL("../deployments/", import.meta.url), { recursive: true });
const file = new URL(`../deployments/${networkName}.json`, import.meta.url);
writeFileSync(file, JSON.stringify(out, null, 2) + "\n");
for (const [name, c] of Object.entries(out.contracts)) console.log(`${name.padEnd(16)} ${c.address} (block ${c.blockNumber})`);
console.log(`wrote deployments/${networkName}.json`);
await conn.close();
