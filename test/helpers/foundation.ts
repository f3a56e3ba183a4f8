// Deploys the foundation (UBC, COMPUTE, StakingVault) for tests and gas scenarios, with plain
// accounts in the governance roles so that tests can exercise them directly.
import type { HardhatEthers, HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";

export const E18 = 10n ** 18n;
export const DAY = 24n * 60n * 60n;
export const UBC_CAP = 1_000_000_000n * E18;
export const COMPUTE_CAP = 10_000_000_000n * E18;
export const STAKING_BUDGET = 7_000_000_000n * E18;
export const COMPUTE_GENESIS = 3_000_000_000n * E18;

export const POOLS = [
  { id: 0, days: 90n, ratePerDay: 3n * 10n ** 17n },
  { id: 1, days: 165n, ratePerDay: 5n * 10n ** 17n },
  { id: 2, days: 365n, ratePerDay: 10n ** 18n },
] as const;

/** The full reward of a stake, computed independently of the contract. */
export function fullReward(amount: bigint, poolId: number): bigint {
  const pool = POOLS[poolId];
  return (amount * pool.ratePerDay * pool.days * DAY) / (1000n * E18 * DAY);
}

export async function deployFoundation(ethers: HardhatEthers) {
  const [admin, treasury, guardian, alice, bob, carol] = await ethers.getSigners();
  const ubc = await ethers.deployContract("UBCToken", [treasury.address]);
  const compute = await ethers.deployContract("ComputeToken", [admin.address, treasury.address, COMPUTE_GENESIS]);
  const vault = await ethers.deployContract("StakingVault", [
    await ubc.getAddress(),
    await compute.getAddress(),
    admin.address,
    guardian.address,
  ]);
  await (await compute.connect(admin).grantRole(await compute.MINTER_ROLE(), await vault.getAddress())).wait();
  return { ubc, compute, vault, admin, treasury, guardian, alice, bob, carol };
}

/** Gives each of `to` `amount` UBC from the treasury. */
export async function fundUbc(
  f: Awaited<ReturnType<typeof deployFoundation>>,
  to: HardhatEthersSigner[],
  amount: bigint,
) {
  for (const s of to) await (await f.ubc.connect(f.treasury).transfer(s.address, amount)).wait();
}
