// What the browser flows need on the chain and on the quote board, made with the same helpers
// the indexer's tests use (real transactions on the Hardhat node, real SIWE sign-ins and
// POST /quotes on the indexer):
//  - the test wallet: ETH for gas, UBC to stake, COMPUTE to invest and to pay for jobs, and its
//    own agent (provider + requester) so that it can post and fill quotes;
//  - a market: a requester agent, a provider agent (approved COMPUTE for its deposits) and
//    validators with stake (indexer/src/testing/market.ts), and one job filled from a quote;
//  - a venture with an open raise ("E2E Compute Collective"), whose operator can deposit
//    revenue later (depositRevenue);
//  - someone else's stake, so that the overview has figures before the wallet acts.
import { ethers } from "ethers";
import type { TestChain } from "../../indexer/src/testing/chain.ts";
import { setupMarket, signQuote, ROLE, type MarketActors } from "../../indexer/src/testing/market.ts";
import { signIn } from "../../indexer/src/testing/siwe.ts";

export const E18 = 10n ** 18n;
export const RESOURCE_KINDS = ["gpu-hour", "llm-tokens", "sha256-iter"] as const;

export interface SeededQuote {
  id?: string;
  quote: Record<string, string>;
  signature: string;
  resourceKind: string;
  resourceKindHash: string;
}

export interface Seed {
  wallet: { address: string; agentId: bigint; ubc: bigint; compute: bigint };
  market: MarketActors;
  /** Quotes of the market's provider on the board (cheapest first per kind). */
  quotes: SeededQuote[];
  /** The job the seeding filled from a quote. */
  seededJobId: bigint;
  venture: { address: string; name: string; symbol: string; operator: ethers.Signer; pricePerShare: bigint; minShares: bigint; maxShares: bigint };
  /** Someone else's stake (position id). */
  otherStake: { account: string; positionId: bigint; amount: bigint };
}

const c = (x: ethers.Contract, s: ethers.Signer) => x.connect(s) as ethers.Contract;

async function chainNow(chain: TestChain): Promise<bigint> {
  return BigInt((await chain.provider.getBlock("latest"))!.timestamp);
}

/** The on-chain part; run before the indexer starts (it then backfills it). */
export async function seedChain(chain: TestChain, walletKey: string): Promise<Omit<Seed, "quotes">> {
  const deployer = chain.signers[0];
  const ubc = chain.contract("UBCToken");
  const compute = chain.contract("ComputeToken");
  const vault = chain.contract("StakingVault");
  const registry = chain.contract("AgentRegistry");

  // the test wallet: a fresh key, funded like a user who bought tokens
  const wallet = new ethers.Wallet(walletKey, chain.provider);
  await chain.rpc("hardhat_setBalance", [wallet.address, "0x" + (1_000n * E18).toString(16)]);
  const walletUbc = 1_000_000n * E18;
  const walletCompute = 200_000n * E18;
  await (await ubc.transfer(wallet.address, walletUbc)).wait();
  await (await compute.transfer(wallet.address, walletCompute)).wait();
  await (await c(registry, wallet).register("ipfs://e2e-wallet-agent", ROLE.PROVIDER | ROLE.REQUESTER)).wait();
  const walletAgentId = (await registry.agentCount()) as bigint;

  // the market: requester, provider, validators (the same helper as the indexer's tests)
  const market = await setupMarket(chain, 3, "a");

  // a venture with an open raise (10 COMPUTE per share; the minimum is reachable by the wallet)
  const operator = chain.signers[7];
  await (await compute.transfer(await operator.getAddress(), 100_000n * E18)).wait();
  const factory = c(chain.contract("VentureFactory"), operator);
  const venture = {
    name: "E2E Compute Collective", symbol: "E2EC", pricePerShare: 10n, minShares: 10n * E18, maxShares: 1_000_000n * E18,
  };
  const tx = await factory.createVenture({
    operator: await operator.getAddress(), operatorAgentId: 0n, name: venture.name, symbol: venture.symbol,
    metadataURI: "ipfs://e2e-venture", pricePerShare: venture.pricePerShare, minShares: venture.minShares, maxShares: venture.maxShares,
    raiseDuration: 30n * 86_400n, distributionBps: 9_000n, performanceFeeBps: 0n, performancePeriod: 0n,
    revenueTokens: [await compute.getAddress(), await ubc.getAddress()], hurdles: [0n, 0n],
  });
  const receipt = (await tx.wait())!;
  const created = receipt.logs.map((l: ethers.Log) => { try { return factory.interface.parseLog(l); } catch { return null; } }).find((p: ethers.LogDescription | null) => p?.name === "VentureCreated");
  if (!created) throw new Error("VentureCreated not found in the createVenture receipt");
  const ventureAddress = created.args.venture as string;

  // someone else's stake in the 90-day pool
  const staker = chain.signers[8];
  const stakeAmount = 50_000n * E18;
  await (await ubc.transfer(await staker.getAddress(), stakeAmount)).wait();
  await (await c(ubc, staker).approve(await vault.getAddress(), stakeAmount)).wait();
  await (await c(vault, staker).stake(0, stakeAmount)).wait();
  const positionId = (await vault.positionCount()) as bigint;

  // one job filled from a quote, so that the market has history
  const marketContract = chain.contract("WorkMarket");
  const q = await quoteOf(chain, market, "gpu-hour", 2n, 150n * E18, 900n);
  await (await c(marketContract, market.requester.signer).fillQuote(q.quote, q.signature, market.requester.agentId, ethers.id("e2e-seeded-job"))).wait();
  const seededJobId = (await marketContract.jobCount()) as bigint;
  void deployer;

  return {
    wallet: { address: wallet.address, agentId: walletAgentId, ubc: walletUbc, compute: walletCompute },
    market,
    seededJobId,
    venture: { address: ventureAddress, operator, ...venture },
    otherStake: { account: await staker.getAddress(), positionId, amount: stakeAmount },
  };
}

/** A quote of the market's provider, signed (EIP-712) and not posted anywhere. */
export async function quoteOf(chain: TestChain, market: MarketActors, kind: string, units: bigint, unitPrice: bigint, nonce: bigint): Promise<SeededQuote> {
  const now = BigInt(Math.max(Math.floor(Date.now() / 1000), Number(await chainNow(chain))));
  const q = {
    providerAgentId: market.provider.agentId, resourceKind: ethers.id(kind), units, unitPrice,
    expiry: now + 7n * 86_400n, nonce, requester: 0n, deliveryPeriod: 86_400n,
  };
  const signature = await signQuote(chain, market.provider.signer, q);
  const quote = Object.fromEntries(Object.entries(q).map(([k, v]) => [k, typeof v === "bigint" ? v.toString() : v])) as Record<string, string>;
  return { quote, signature, resourceKind: kind, resourceKindHash: ethers.id(kind) };
}

/** The off-chain part: the provider signs in to the indexer with SIWE and posts quotes to the board. */
export async function seedQuotes(chain: TestChain, apiUrl: string, market: MarketActors): Promise<SeededQuote[]> {
  const token = await signIn(apiUrl, market.provider.signer);
  const out: SeededQuote[] = [];
  let nonce = 1n;
  for (const [i, kind] of RESOURCE_KINDS.entries()) {
    for (const price of [120n + BigInt(i) * 10n, 180n + BigInt(i) * 10n]) {
      const q = await quoteOf(chain, market, kind, 5n, price * E18, nonce++);
      const res = await fetch(`${apiUrl}/quotes`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ quote: q.quote, signature: q.signature }),
      });
      const body = (await res.json()) as { id?: string; error?: string; message?: string };
      if (res.status !== 201 || !body.id) throw new Error(`posting a seed quote failed (${res.status}): ${JSON.stringify(body)}`);
      out.push({ ...q, id: body.id });
    }
  }
  return out;
}

/** The venture's operator deposits revenue (COMPUTE by default), as its agent would. */
export async function depositRevenue(chain: TestChain, seed: Pick<Seed, "venture">, amount: bigint, token: "ComputeToken" | "UBCToken" = "ComputeToken"): Promise<void> {
  const t = c(chain.contract(token), seed.venture.operator);
  if (token === "UBCToken") await (await c(chain.contract("UBCToken"), chain.signers[0]).transfer(await seed.venture.operator.getAddress(), amount)).wait();
  await (await t.approve(seed.venture.address, amount)).wait();
  const venture = new ethers.Contract(seed.venture.address, ["function depositRevenue(address token, uint256 amount) returns (uint256)"], seed.venture.operator);
  await (await venture.depositRevenue(await t.getAddress(), amount)).wait();
}

/**
 * Runs an accepted job of the market's provider to its settlement: the provider delivers, a
 * validator committee is drawn and approves, the challenge period passes (the chain's clock jumps
 * ahead by it) and the job is settled, which pays the provider and burns the fee's burn share;
 * then the pending fees are swept to the treasury and the validator pool.
 */
/** Delivers, validates and settles a job; with `{ settle: false }` it stops once the challenge period is over (validated, ready to settle). */
export async function settleJob(chain: TestChain, seed: Pick<Seed, "market">, jobId: bigint, opts: { settle?: boolean } = {}): Promise<void> {
  const market = chain.contract("WorkMarket");
  const pool = chain.contract("ValidatorPool");
  await (await c(market, seed.market.provider.signer).submit(jobId, ethers.id(`e2e-result-${jobId}`), `ipfs://e2e-result-${jobId}`)).wait();
  await chain.rpc("evm_mine", []);
  await (await pool.drawCommittee(jobId)).wait();
  const byAccount = new Map<string, ethers.Signer>();
  for (const s of chain.signers) byAccount.set((await s.getAddress()).toLowerCase(), s);
  for (const id of (await pool.committee(jobId)) as bigint[]) {
    const v = await pool.getValidator(id);
    const s = byAccount.get(String(v.account).toLowerCase());
    if (!s) throw new Error(`no signer for validator ${id} (${v.account})`);
    try {
      await (await c(pool, s).attest(jobId, true)).wait();
    } catch {
      break; // the quorum has decided already
    }
  }
  const periods = await market.periods();
  await chain.rpc("evm_increaseTime", [Number(periods.challengePeriod) + 1]);
  await chain.rpc("evm_mine", []);
  if (opts.settle === false) return;
  await (await market.settle([jobId])).wait();
  // a keeper sweeps the pending fees: the treasury's share of the protocol fee, the validators' fee
  await (await market.sweep()).wait();
}
