// Seeded market activity on the test chain: agents (requesters, providers, validators), quote
// fills and plain jobs, deliveries, committees and attestations, settlements, cancellations,
// expiries, declines, withdrawals, feedback and a quote cancellation.
import { ethers } from "ethers";
import type { TestChain } from "./chain.ts";
import { rng } from "./activity.ts";
import { QUOTE_TYPES } from "../server/quotes.ts";
import { WORK_MARKET_DOMAIN } from "../generated/eip712.ts";

const E18 = 10n ** 18n;
export const ROLE = { PROVIDER: 1, REQUESTER: 2, VALIDATOR: 4 } as const;
export { QUOTE_TYPES };

export interface MarketActors {
  requester: { signer: ethers.Signer; agentId: bigint };
  provider: { signer: ethers.Signer; agentId: bigint };
  validators: { signer: ethers.Signer; agentId: bigint }[];
}

const c = (x: ethers.Contract, s: ethers.Signer) => x.connect(s) as ethers.Contract;

async function register(chain: TestChain, signer: ethers.Signer, roles: number, uri: string): Promise<bigint> {
  const registry = c(chain.contract("AgentRegistry"), signer);
  await (await registry.register(uri, roles)).wait();
  return (await registry.agentCount()) as bigint;
}

/**
 * Registers a requester, a provider and `n` validators with stake. `slot` picks distinct signers
 * for each call on the same chain ("pglite" 10…, "postgres" 10 + 2 + n…), since a validator
 * account can hold one validator only.
 */
export async function setupMarket(chain: TestChain, n = 4, slot = "a"): Promise<MarketActors> {
  const base = 10 + (slot === "postgres" ? 2 + n : 0);
  const ubc = chain.contract("UBCToken");
  const compute = chain.contract("ComputeToken");
  const market = await chain.contract("WorkMarket").getAddress();
  const pool = chain.contract("ValidatorPool");
  const poolAddr = await pool.getAddress();
  const minStake = ((await pool.params()) as { minStake: bigint }).minStake ?? 10_000n * E18;
  const requester = { signer: chain.signers[base], agentId: await register(chain, chain.signers[base], ROLE.REQUESTER, "ipfs://requester") };
  const provider = { signer: chain.signers[base + 1], agentId: await register(chain, chain.signers[base + 1], ROLE.PROVIDER, "ipfs://provider") };
  for (const s of [requester.signer, provider.signer]) {
    await (await compute.transfer(await s.getAddress(), 200_000n * E18)).wait();
    await (await c(compute, s).approve(market, 2n ** 255n)).wait();
  }
  const validators: MarketActors["validators"] = [];
  for (let i = 0; i < n; i++) {
    const s = chain.signers[base + 2 + i];
    const agentId = await register(chain, s, ROLE.VALIDATOR, `ipfs://validator-${i}`);
    await (await ubc.transfer(await s.getAddress(), minStake * 2n)).wait();
    await (await c(ubc, s).approve(poolAddr, 2n ** 255n)).wait();
    await (await c(pool, s).stake(agentId, minStake)).wait();
    validators.push({ signer: s, agentId });
  }
  return { requester, provider, validators };
}

async function latest(chain: TestChain): Promise<bigint> {
  return BigInt((await chain.provider.getBlock("latest"))!.timestamp);
}

/** Signs a quote of the provider. */
export async function signQuote(chain: TestChain, signer: ethers.Signer, q: Record<string, bigint | string>): Promise<string> {
  const domain = { ...WORK_MARKET_DOMAIN, chainId: 31337, verifyingContract: await chain.contract("WorkMarket").getAddress() };
  return signer.signTypedData(domain, QUOTE_TYPES, q);
}

/**
 * A plain job of `value` accepted by the provider and declined by it at once; returns its id and
 * the refunds the JobDeclined event reports (whatever path the seeded activity draws, a test can
 * count on one declined job).
 */
export async function declinedJob(chain: TestChain, a: MarketActors, value = 100n * E18): Promise<{ jobId: bigint; requesterRefund: bigint; providerRefund: bigint }> {
  const market = chain.contract("WorkMarket");
  const now = await latest(chain);
  await (await c(market, a.requester.signer).createJob({
    requesterAgentId: a.requester.agentId, providerAgentId: 0n, value,
    specHash: ethers.id(`unfindable-spec-${now}`), acceptDeadline: now + 3_600n, deliveryPeriod: 86_400n,
  })).wait();
  const jobId = (await market.jobCount()) as bigint;
  await (await c(market, a.provider.signer).accept(jobId, a.provider.agentId)).wait();
  const receipt = await (await c(market, a.provider.signer).decline(jobId)).wait();
  const log = receipt.logs.map((l: ethers.Log) => market.interface.parseLog(l)).find((l: ethers.LogDescription | null) => l?.name === "JobDeclined")!;
  return { jobId, requesterRefund: log.args.requesterRefund as bigint, providerRefund: log.args.providerRefund as bigint };
}

/** Runs `jobs` jobs through random paths; returns the ids of the jobs created. */
export async function marketActivity(chain: TestChain, a: MarketActors, seed: number, jobs: number): Promise<bigint[]> {
  const r = rng(seed);
  const market = chain.contract("WorkMarket");
  const pool = chain.contract("ValidatorPool");
  const reputation = chain.contract("ReputationRegistry");
  const ids: bigint[] = [];
  const toSettle: bigint[] = [];
  // committees are drawn from every active validator on the chain (other tests' too)
  const byAccount = new Map<string, ethers.Signer>();
  for (const s of chain.signers) byAccount.set((await s.getAddress()).toLowerCase(), s);
  for (let i = 0; i < jobs; i++) {
    const now = await latest(chain);
    const path = r.int(7);
    let jobId: bigint;
    if (r.int(2) === 0) {
      const q = {
        providerAgentId: a.provider.agentId, resourceKind: ethers.id(r.pick(["gpu-hour", "sha256", "llm-tokens"])),
        units: BigInt(1 + r.int(10)), unitPrice: BigInt(100 + r.int(400)) * E18, expiry: now + 86_400n,
        nonce: BigInt(1_000 + seed * 100 + i), requester: 0n, deliveryPeriod: 86_400n,
      };
      const sig = await signQuote(chain, a.provider.signer, q);
      await (await c(market, a.requester.signer).fillQuote(q, sig, a.requester.agentId, ethers.id(`spec-${seed}-${i}`))).wait();
      jobId = (await market.jobCount()) as bigint;
    } else {
      await (await c(market, a.requester.signer).createJob({
        requesterAgentId: a.requester.agentId, providerAgentId: 0n, value: BigInt(100 + r.int(900)) * E18,
        specHash: ethers.id(`spec-${seed}-${i}`), acceptDeadline: now + 3_600n, deliveryPeriod: 86_400n,
      })).wait();
      jobId = (await market.jobCount()) as bigint;
      if (path === 0) {
        await (await c(market, a.requester.signer).cancel(jobId)).wait();
        ids.push(jobId);
        continue;
      }
      await (await c(market, a.provider.signer).accept(jobId, a.provider.agentId)).wait();
    }
    ids.push(jobId);
    if (path === 6) {
      // handed back by the provider at once, well inside its decline window: both sides refunded
      await (await c(market, a.provider.signer).decline(jobId)).wait();
      continue;
    }
    if (path === 1) {
      // never delivered: expires after the delivery deadline
      await chain.rpc("evm_increaseTime", [86_401]);
      await chain.rpc("evm_mine", []);
      await (await market.expire(jobId)).wait();
      continue;
    }
    await (await c(market, a.provider.signer).submit(jobId, ethers.id(`result-${jobId}`), `ipfs://result-${jobId}`)).wait();
    await chain.rpc("evm_mine", []);
    await (await pool.drawCommittee(jobId)).wait();
    const members = (await pool.committee(jobId)) as bigint[];
    const approve = path !== 2; // path 2: the committee rejects the work
    let votes = 0;
    for (const id of members) {
      const v = await pool.getValidator(id);
      const s = byAccount.get(String(v.account).toLowerCase())!;
      try {
        await (await c(pool, s).attest(jobId, approve)).wait();
        votes++;
      } catch {
        break; // decided already
      }
    }
    toSettle.push(jobId);
    void votes;
  }
  // after the challenge period everything validated can be settled in one call
  const periods = await market.periods();
  await chain.rpc("evm_increaseTime", [Number(periods.challengePeriod) + 1]);
  await chain.rpc("evm_mine", []);
  // only verdicts (Validated or Resolved) can be settled
  const settleable: bigint[] = [];
  for (const id of toSettle) {
    const status = Number((await market.getJob(id)).status);
    if (status === 4 || status === 6) settleable.push(id);
  }
  if (settleable.length > 0) await (await market.settle(settleable)).wait();
  // feedback both ways on the first settled job, a withdrawal, a quote cancellation
  for (const jobId of settleable.slice(0, 2)) {
    const parties = await market.jobParties(jobId);
    if (!parties.settled) continue;
    await (await c(reputation, a.requester.signer).giveFeedback(jobId, a.provider.agentId, 60 + r.int(40), ethers.id("quality"), "")).wait();
    await (await c(reputation, a.provider.signer).giveFeedback(jobId, a.requester.agentId, 50 + r.int(50), ethers.id("paid-on-time"), "ipfs://fb")).wait();
  }
  const credit = (await market.credits(a.provider.agentId)) as bigint;
  if (credit > 0n) await (await c(market, a.provider.signer).withdraw(a.provider.agentId, await a.provider.signer.getAddress(), credit / 2n)).wait();
  await (await c(market, a.provider.signer).cancelQuote(a.provider.agentId, BigInt(900_000 + seed))).wait();
  return ids;
}
