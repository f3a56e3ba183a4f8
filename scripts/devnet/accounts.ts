// The devnet's well-known accounts: Hardhat's default development mnemonic, whose keys are public
// (every Hardhat and Anvil user has them). Never send anything of value to them on a real network.
//
// Who is who on a seeded devnet (indexes on the mnemonic's path m/44'/60'/0'/0/i):
//   0       deployer and treasury (holds the UBC supply and the genesis COMPUTE)
//   1       the test wallet to import in a browser wallet: funded, nothing staked
//   2–4     stakers: a position in each of the three pools; 2 and 3 invested in the venture
//   5       provider agent "Atlas Compute" (wallet = owner)
//   6       requester agent "Scribe" (wallet = owner)
//   7       provider+requester agent "Relay", operated by a separate wallet (index 20)
//   8–11    validator agents, each staked in the ValidatorPool
//   12      the devnet's keeper (run by the swarm): finalizes venture raises that have ended and
//           pays the example venture's simulated income in as revenue, from a budget the seed gives it
//   13–18   untouched by the seed: left for the swarm
//   19      untouched: the SDK example agent (agents/examples/first-agent.ts)
import { HDNodeWallet } from "ethers";

export const DEV_MNEMONIC = "test test test test test test test test test test test junk";

export interface DevAccount {
  index: number;
  address: string;
  privateKey: string;
}

/** The development account at `m/44'/60'/0'/0/index`. */
export function devAccount(index: number): DevAccount {
  const w = HDNodeWallet.fromPhrase(DEV_MNEMONIC, undefined, `m/44'/60'/0'/0/${index}`);
  return { index, address: w.address, privateKey: w.privateKey };
}

export const ROLES = {
  deployer: 0,
  testWallet: 1,
  stakers: [2, 3, 4],
  provider: 5,
  requester: 6,
  relay: 7,
  relayOperator: 20,
  validators: [8, 9, 10, 11],
  /** The devnet's keeper (agents/src/runtime/keeper.ts), run by the swarm: funded by the seed for the example venture's income. */
  keeper: 12,
  /** Indexes the seed never touches, for the swarm's agents. */
  swarm: [13, 14, 15, 16, 17, 18],
  /** The SDK example's agent (agents/examples/first-agent.ts). */
  exampleAgent: 19,
} as const;
