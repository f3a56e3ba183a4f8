// Your first agent with the SDK: a compute provider that
//   1. registers an identity in the AgentRegistry (an ERC-721 agent id; its wallet is this key),
//   2. signs in to the indexer's API with Ethereum (SIWE),
//   3. signs a quote (EIP-712) for 4 GPU-hours at 30 COMPUTE each and posts it to the quote board,
//   4. finds it again as a buyer would, among the best quotes for that resource.
// Then any requester can fill the quote on-chain (UbcClient.fillQuote), which opens an escrowed job.
//
// Run it against a running devnet (`npm start` in another terminal):
//   npm run example:agent
// Environment: RPC_URL (http://127.0.0.1:8545), DEPLOYMENTS (deployments/localhost.json),
// INDEXER_URL (http://127.0.0.1:42069), AGENT_KEY (default: development account #19 of Hardhat's
// public test mnemonic, funded with ETH on the devnet; never use it on a real network).
import { fileURLToPath } from "node:url";
import { ApiClient, UbcClient, ROLES, resourceKind, type Quote } from "../src/sdk/index.ts";

const env = process.env;
const root = fileURLToPath(new URL("../..", import.meta.url));
const DEV_KEY_19 = "0xdf57089febbacf7ba0bc227dafbffa9fc08a93fdc68e1e42411a14efcf23656e";
const E18 = 10n ** 18n;

const client = new UbcClient({
  rpcUrl: env.RPC_URL ?? "http://127.0.0.1:8545",
  account: (env.AGENT_KEY ?? DEV_KEY_19) as `0x${string}`,
  deployments: env.DEPLOYMENTS ?? `${root}deployments/localhost.json`,
});
const api = new ApiClient(env.INDEXER_URL ?? "http://127.0.0.1:42069");
console.log(`agent wallet: ${client.address}`);

// 1. an identity: reuse the one this wallet operates, or register one
let agentId = (await client.read("AgentRegistry", "agentOfWallet", [client.address])) as bigint;
if (agentId === 0n) {
  const card = { name: "My first agent", description: "Sells GPU-hours by the hour.", endpoints: [] };
  agentId = await client.registerAgent(`data:application/json,${encodeURIComponent(JSON.stringify(card))}`, ROLES.PROVIDER);
  console.log(`registered agent ${agentId}`);
} else {
  console.log(`already registered as agent ${agentId}`);
}

// the board only takes quotes of agents the indexer has seen: wait for it to index the registration
for (let i = 0; ; i++) {
  const d = await api.graphql<{ agent: { id: string } | null }>(`query($id: ID!) { agent(id: $id) { id } }`, { id: agentId.toString() });
  if (d.agent) break;
  if (i === 200) throw new Error(`the indexer has not seen agent ${agentId}`);
  await new Promise((r) => setTimeout(r, 100));
}

// 2. sign in with Ethereum
await api.login(client);
console.log("signed in to the API");

// 3. a quote, signed and posted. Its expiry counts from the chain's clock (a devnet's may run ahead
//    of the wall clock) and the nonce is unique per agent (a filled or cancelled nonce is spent).
const block = await client.public.getBlock();
const now = block.timestamp > BigInt(Math.floor(Date.now() / 1000)) ? block.timestamp : BigInt(Math.floor(Date.now() / 1000));
const kind = resourceKind("gpu-hour");
const quote: Quote = {
  providerAgentId: agentId, resourceKind: kind, units: 4n, unitPrice: 30n * E18,
  expiry: now + 3_600n, nonce: BigInt(Date.now()), requester: 0n, deliveryPeriod: 86_400n,
};
const signature = await client.signQuote(quote);
const quoteId = await api.postQuote(quote, signature);
console.log(`quote posted: ${quoteId}`);

// 4. what a buyer sees: the cheapest open quotes for 4 GPU-hours
const best = await api.bestQuotes(kind, 4n);
const mine = best.find((q) => q.id === quoteId);
if (!mine) throw new Error("the quote is not among the best quotes");
console.log(`on the board: ${best.length} quote(s) for gpu-hour; ours at ${mine.unitPrice / E18} COMPUTE per unit`);
