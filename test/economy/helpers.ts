// Fixtures and signing helpers for the agents / reputation / fees contracts, shared by their
// tests and by the gas scenario (scripts/gas/economy.ts).
import { Signature, TypedDataEncoder, type Signer } from "ethers";
import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import { AGENT_WALLET_TYPES as GENERATED_AGENT_WALLET_TYPES } from "../../agents/src/generated/eip712.ts";

export const ROLE = { PROVIDER: 1, REQUESTER: 2, VALIDATOR: 4 } as const;

export const AGENT_WALLET_TYPES = { AgentWallet: [...GENERATED_AGENT_WALLET_TYPES.AgentWallet] };

export interface AgentWalletMessage {
  agentId: bigint;
  owner: string;
  wallet: string;
  nonce: bigint;
  deadline: bigint;
}

/** The EIP-712 domain of an AgentRegistry. */
export async function agentRegistryDomain(ethers: HardhatEthers, registry: { getAddress(): Promise<string> }) {
  return {
    name: "UBC Agent Registry",
    version: "1",
    chainId: (await ethers.provider.getNetwork()).chainId,
    verifyingContract: await registry.getAddress(),
  };
}

/** `signer` signs the AgentWallet message (it is the wallet, or the key of a contract wallet). */
export async function signAgentWallet(
  ethers: HardhatEthers,
  registry: { getAddress(): Promise<string> },
  signer: Signer,
  msg: AgentWalletMessage,
): Promise<string> {
  const domain = await agentRegistryDomain(ethers, registry);
  return Signature.from(await signer.signTypedData(domain, AGENT_WALLET_TYPES, msg)).serialized;
}

/** The digest of an AgentWallet message, computed independently of the contract. */
export async function agentWalletDigest(
  ethers: HardhatEthers,
  registry: { getAddress(): Promise<string> },
  msg: AgentWalletMessage,
): Promise<string> {
  return TypedDataEncoder.hash(await agentRegistryDomain(ethers, registry), AGENT_WALLET_TYPES, msg);
}

/** Default FeeController parameters: 1-day epochs, EIP-1559's 1/8 maximum change. */
export const FEE_DEFAULTS = {
  epochLength: 24n * 60n * 60n,
  target: 1_000_000n * 10n ** 18n,
  initialBurnBps: 5_000,
  minBurnBps: 2_000,
  maxBurnBps: 8_000,
  maxChangeBps: 1_250,
};

export async function deployEconomy(ethers: HardhatEthers) {
  const [governor, guardian, configurator, market, alice, bob, carol, dave] = await ethers.getSigners();
  const agents = await ethers.deployContract("AgentRegistry");
  const reputation = await ethers.deployContract("ReputationRegistry", [
    await agents.getAddress(),
    governor.address,
    guardian.address,
    configurator.address,
  ]);
  const d = FEE_DEFAULTS;
  const fees = await ethers.deployContract("FeeController", [
    governor.address,
    configurator.address,
    d.epochLength,
    d.target,
    d.initialBurnBps,
    d.minBurnBps,
    d.maxBurnBps,
    d.maxChangeBps,
  ]);
  const treasury = await ethers.deployContract("Treasury", [governor.address]);
  const jobs = await ethers.deployContract("JobRegistryStub");
  return { agents, reputation, fees, treasury, jobs, governor, guardian, configurator, market, alice, bob, carol, dave };
}
