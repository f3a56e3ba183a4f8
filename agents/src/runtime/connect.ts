// Connecting an agent process to the protocol: the deployments (addresses) checked for the
// contracts agents use, the transaction layer's environment on a chain checked against them, and
// an agent's deposit of COMPUTE into its market credit. Shared by the swarm and a single agent (host.ts).
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { createPublicClient, custom, defineChain, type Address, type PublicClient } from "viem";
import { signDepositAuthorization, type Deployments } from "../sdk/client.ts";
import { TxEnv, type TxSender } from "./tx.ts";

export function loadDeployments(opts: { deployments?: Deployments | string; network?: string }): Deployments {
  let d: Deployments;
  let file = "the deployments object";
  if (opts.deployments && typeof opts.deployments === "object") d = opts.deployments;
  else {
    file = typeof opts.deployments === "string"
      ? opts.deployments
      : join(resolve(process.env.DEPLOYMENTS_DIR ?? "deployments"), `${opts.network ?? "localhost"}.json`);
    if (!existsSync(file)) throw new Error(`no deployments file at ${file}: deploy first (npm start, or npm run node + npm run deploy), or set DEPLOYMENTS_DIR`);
    d = JSON.parse(readFileSync(file, "utf8")) as Deployments;
  }
  for (const name of ["WorkMarket", "ValidatorPool", "StakingVault", "AgentRegistry", "ReputationRegistry", "ComputeToken", "UBCToken"]) {
    if (!d.contracts?.[name]) throw new Error(`${file} has no ${name}`);
  }
  return d;
}

/**
 * The transaction layer's environment on the chain at `rpcUrl`, checked against the deployments:
 * the chain answers, its id is the deployments', and the WorkMarket has code there. Reads (a
 * view's polls among them) go over the transaction layer's keep-alive node:http connections, as
 * the transactions do: a third of fetch's CPU per request.
 */
export async function connectMarket(rpcUrl: string, deployments: Deployments): Promise<{ env: TxEnv; client: PublicClient; chainId: number }> {
  const chain = defineChain({ id: deployments.chainId, name: `chain-${deployments.chainId}`, nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 }, rpcUrls: { default: { http: [rpcUrl] } } });
  const env: TxEnv = new TxEnv(rpcUrl, deployments.chainId, createPublicClient({
    chain, transport: custom({ request: ({ method, params }) => env.rpc(method, (params ?? []) as unknown[]) }, { retryCount: 2 }),
  }) as PublicClient);
  const client = env.client;
  let chainId: number;
  try {
    chainId = await client.getChainId();
  } catch (err) {
    throw new Error(`cannot reach the chain at ${rpcUrl}: ${(err as Error).message}`);
  }
  if (chainId !== deployments.chainId) throw new Error(`the chain at ${rpcUrl} has id ${chainId}, the deployments file says ${deployments.chainId}`);
  const market = deployments.contracts.WorkMarket.address as Address;
  if (((await client.getCode({ address: market })) ?? "0x") === "0x") throw new Error(`no WorkMarket at ${market} on ${rpcUrl}: is the deployments file from this chain?`);
  await env.init();
  return { env, client, chainId };
}

/**
 * An agent deposits COMPUTE from its wallet into its market credit through its own sender: one
 * EIP-3009 ReceiveWithAuthorization signed by the agent's key, no allowance.
 */
export async function depositCredit(s: TxSender, agentId: bigint, amount: bigint, validBefore: bigint): Promise<void> {
  const d = await signDepositAuthorization(s.account, { chainId: s.env.chainId, computeToken: s.addresses.ComputeToken, workMarket: s.addresses.WorkMarket, amount, validBefore });
  await s.call("WorkMarket", "depositWithAuthorization", [agentId, amount, d.nonce, d.auth]);
}
