// Seeded random activity on the test chain: UBC and COMPUTE transfers, stakes in every pool,
// claims, withdrawals after unlock, burns, delegation and time jumps.
import { ethers } from "ethers";
import type { TestChain } from "./chain.ts";
import { findArtifact } from "../indexing/abi.ts";
import { ARTIFACTS } from "./chain.ts";

/** A small deterministic PRNG (mulberry32). */
export function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(xs: T[]) => xs[Math.floor(next() * xs.length)] };
}

const E18 = 10n ** 18n;

export async function seedAccounts(chain: TestChain, count = 5): Promise<ethers.Signer[]> {
  const ubc = chain.contract("UBCToken");
  const compute = chain.contract("ComputeToken");
  const vault = await chain.contract("StakingVault").getAddress();
  const users = chain.signers.slice(1, 1 + count);
  for (const u of users) {
    const a = await u.getAddress();
    await (await ubc.transfer(a, 1_000_000n * E18)).wait();
    await (await compute.transfer(a, 10_000n * E18)).wait();
    await (await (ubc.connect(u) as ethers.Contract).approve(vault, 2n ** 255n)).wait();
  }
  return users;
}

/** Runs `steps` random actions; returns a log of what was done. */
export async function randomActivity(chain: TestChain, users: ethers.Signer[], seed: number, steps: number): Promise<string[]> {
  const r = rng(seed);
  const done: string[] = [];
  const ubc = chain.contract("UBCToken");
  const compute = chain.contract("ComputeToken");
  const vault = chain.contract("StakingVault");
  const positions: { id: bigint; owner: ethers.Signer }[] = [];
  const factory = chain.contract("VentureFactory");
  const ventureAbi = findArtifact(ARTIFACTS, "Venture").abi as ethers.InterfaceAbi;
  const ventures: ethers.Contract[] = [];
  const ventureAt = (address: string, signer: ethers.Signer) => new ethers.Contract(address, ventureAbi, signer);
  const ubcAddr = await ubc.getAddress();
  const computeAddr = await compute.getAddress();
  for (let i = 0; i < steps; i++) {
    const u = r.pick(users);
    const other = await r.pick(users).getAddress();
    const action = i === 0 ? 9 : r.int(15); // always one new venture for the venture actions to use
    try {
      switch (action) {
        case 0: {
          const amt = BigInt(1 + r.int(5000)) * E18;
          await (await (ubc.connect(u) as ethers.Contract).transfer(other, amt)).wait();
          done.push(`ubc transfer ${amt}`);
          break;
        }
        case 1: {
          const amt = BigInt(1 + r.int(100)) * E18;
          await (await (compute.connect(u) as ethers.Contract).transfer(other, amt)).wait();
          done.push(`compute transfer ${amt}`);
          break;
        }
        case 2: case 3: {
          const pool = r.int(3);
          const amt = BigInt(100 + r.int(50_000)) * E18;
          const tx = await (vault.connect(u) as ethers.Contract).stake(pool, amt);
          const receipt = await tx.wait();
          const ev = receipt.logs.map((l: ethers.Log) => { try { return vault.interface.parseLog(l); } catch { return null; } }).find((x: ethers.LogDescription | null) => x?.name === "Staked");
          positions.push({ id: ev.args.positionId as bigint, owner: u });
          done.push(`stake pool ${pool} ${amt}`);
          break;
        }
        case 4: {
          if (positions.length === 0) break;
          const p = r.pick(positions);
          if ((await vault.pendingReward(p.id)) === 0n) break;
          await (await (vault.connect(p.owner) as ethers.Contract).claim(p.id)).wait();
          done.push(`claim ${p.id}`);
          break;
        }
        case 5: {
          if (positions.length === 0) break;
          const p = r.pick(positions);
          const pos = await vault.getPosition(p.id);
          if (pos.withdrawn || BigInt((await chain.provider.getBlock("latest"))!.timestamp) < (await vault.unlockTime(p.id))) break;
          await (await (vault.connect(p.owner) as ethers.Contract).exit(p.id)).wait();
          done.push(`exit ${p.id}`);
          break;
        }
        case 6: {
          const amt = BigInt(1 + r.int(20)) * E18;
          await (await (compute.connect(u) as ethers.Contract).burn(amt)).wait();
          done.push(`burn ${amt}`);
          break;
        }
        case 7: {
          await (await (ubc.connect(u) as ethers.Contract).delegate(other)).wait();
          done.push(`delegate`);
          break;
        }
        case 9: {
          const tx = await (factory.connect(u) as ethers.Contract).createVenture({
            operator: await u.getAddress(), operatorAgentId: 0n, name: `Venture ${i}`, symbol: `V${i}`,
            metadataURI: `ipfs://venture-${i}`, pricePerShare: 1n + BigInt(r.int(3)), minShares: 10n * E18,
            maxShares: 1_000n * E18, raiseDuration: BigInt(3600 + r.int(86400)), distributionBps: BigInt(5_000 + r.int(5_001)),
            performanceFeeBps: 0n, performancePeriod: 86400n, revenueTokens: [computeAddr, ubcAddr], hurdles: [0n, 0n],
          });
          const receipt = await tx.wait();
          const ev = receipt.logs.map((l: ethers.Log) => { try { return factory.interface.parseLog(l); } catch { return null; } }).find((x: ethers.LogDescription | null) => x?.name === "VentureCreated");
          ventures.push(ventureAt(ev.args.venture as string, u));
          done.push(`create venture`);
          break;
        }
        case 10: {
          if (ventures.length === 0) break;
          const v = ventureAt(await r.pick(ventures).getAddress(), u);
          const shares = BigInt(1 + r.int(200)) * E18;
          await (await (compute.connect(u) as ethers.Contract).approve(await v.getAddress(), 2n ** 255n)).wait();
          await (await v.invest(shares)).wait();
          done.push(`invest ${shares}`);
          break;
        }
        case 11: {
          if (ventures.length === 0) break;
          const v = ventureAt(await r.pick(ventures).getAddress(), u);
          const useCompute = r.int(2) === 0;
          const token = useCompute ? compute : ubc;
          const amount = BigInt(1 + r.int(1000)) * 10n ** 15n + BigInt(r.int(1000));
          await (await (token.connect(u) as ethers.Contract).approve(await v.getAddress(), amount)).wait();
          await (await v.depositRevenue(useCompute ? computeAddr : ubcAddr, amount)).wait();
          done.push(`deposit revenue ${amount}`);
          break;
        }
        case 12: {
          if (ventures.length === 0) break;
          const v = ventureAt(await r.pick(ventures).getAddress(), u);
          await (await v.claim()).wait();
          done.push(`venture claim`);
          break;
        }
        case 13: {
          if (ventures.length === 0) break;
          const v = ventureAt(await r.pick(ventures).getAddress(), u);
          const bal = (await v.balanceOf(await u.getAddress())) as bigint;
          if (bal === 0n) break;
          await (await v.transfer(other, bal / 2n + 1n)).wait();
          done.push(`share transfer`);
          break;
        }
        case 14: {
          if (ventures.length === 0) break;
          const v = ventureAt(await r.pick(ventures).getAddress(), u);
          const state = Number(await v.raiseState());
          if (state === 1) await (await v.finalize()).wait();
          else await (await v.refund()).wait();
          done.push(`finalize/refund`);
          break;
        }
        case 8: {
          const secs = 1 + r.int(40 * 86400);
          await chain.rpc("evm_increaseTime", [secs]);
          await chain.rpc("evm_mine", []);
          done.push(`time +${secs}`);
          break;
        }
      }
    } catch (err) {
      done.push(`action ${action} reverted: ${(err as Error).message.slice(0, 80)}`);
    }
  }
  return done;
}
