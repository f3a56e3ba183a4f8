// Deploys the ventures area on top of the foundation for tests and gas scenarios.
import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import { deployFoundation, E18, DAY } from "../helpers/foundation.ts";

export { E18, DAY };
export const MAGNITUDE = 2n ** 128n;
export const BPS = 10_000n;

export interface VentureParams {
  operator: string;
  operatorAgentId: bigint;
  name: string;
  symbol: string;
  metadataURI: string;
  pricePerShare: bigint;
  minShares: bigint;
  maxShares: bigint;
  raiseDuration: bigint;
  distributionBps: bigint;
  performanceFeeBps: bigint;
  performancePeriod: bigint;
  revenueTokens: string[];
  hurdles: bigint[];
}

/** A venture like the reference one: 10 COMPUTE per share, 100% of revenue distributed. */
export function ventureParams(operator: string, revenueTokens: string[], over: Partial<VentureParams> = {}): VentureParams {
  return {
    operator,
    operatorAgentId: 7n,
    name: "Synthetic Souls",
    symbol: "SOULS",
    metadataURI: "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi/synthetic-souls.json",
    pricePerShare: 10n,
    minShares: 10_000n * E18,
    maxShares: 100_000n * E18,
    raiseDuration: 30n * DAY,
    distributionBps: 10_000n,
    performanceFeeBps: 0n,
    performancePeriod: 0n,
    revenueTokens,
    hurdles: revenueTokens.map(() => 0n),
    ...over,
  };
}

export async function deployVentures(ethers: HardhatEthers) {
  const f = await deployFoundation(ethers);
  const signers = await ethers.getSigners();
  const [, , guardian, , , , operator, dave, erin] = signers;
  const factory = await ethers.deployContract("VentureFactory", [await f.compute.getAddress(), f.admin.address, guardian.address]);
  return { ...f, factory, operator, dave, erin, signers };
}

export type VenturesFixture = Awaited<ReturnType<typeof deployVentures>>;

/** Creates a venture through the factory and returns it as a Venture contract. */
export async function createVenture(v: VenturesFixture, params: VentureParams, ethers: HardhatEthers) {
  const tx = await v.factory.createVenture(params);
  const receipt = await tx.wait();
  const log = receipt!.logs
    .map((l) => { try { return v.factory.interface.parseLog(l); } catch { return null; } })
    .find((l) => l?.name === "VentureCreated");
  const address: string = log!.args.venture;
  return { venture: await ethers.getContractAt("Venture", address), receipt: receipt! };
}
