// Test fixture for the work market: the foundation tokens, the AgentRegistry, a fee controller
// (a fixed-share test double until the economy's FeeController is wired in), the WorkMarket and
// the ValidatorPool, with agents registered and funded. Shared by the market tests and the gas
// scenario. Not a test file itself (it declares no tests).
import type { HardhatEthers, HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { Signature, ZeroAddress, hexlify, randomBytes, id as keccakId } from "ethers";
import { deployFoundation, E18, DAY } from "../helpers/foundation.ts";
import { QUOTE_TYPES as GENERATED_QUOTE_TYPES, RECEIVE_WITH_AUTHORIZATION_TYPES } from "../../agents/src/generated/eip712.ts";

export { E18, DAY };
export const ROLE = { PROVIDER: 1, REQUESTER: 2, VALIDATOR: 4 } as const;
export const STATUS = {
  None: 0n, Open: 1n, Accepted: 2n, Submitted: 3n, Validated: 4n, Disputed: 5n, Resolved: 6n,
  Cancelled: 7n, Expired: 8n, Settled: 9n, Declined: 10n,
} as const;
export const FLAG = { PRODUCER_WINS: 1, VALIDATORS_PAID: 2, NO_FAULT: 4, CHALLENGED: 8, BOND_BY_PROVIDER: 16, DISAGREEMENT: 32 } as const;
export const BURN_SHARE_BPS = 5_000n;
export const MIN_STAKE = 10_000n * E18;
export const VALUE = 1_000n * E18;

export const bps = (v: bigint, b: bigint) => (v * b) / 10_000n;
export const lockOf = (v: bigint) => v + bps(v, 500n) + bps(v, 100n) + bps(v, 50n);
export const providerDepositOf = (v: bigint) => bps(v, 200n);
export const bondOf = (v: bigint) => bps(v, 500n);

export interface QuoteData {
  providerAgentId: bigint;
  resourceKind: string;
  units: bigint;
  unitPrice: bigint;
  expiry: bigint;
  nonce: bigint;
  requester: bigint;
  deliveryPeriod: bigint;
}

// ethers takes mutable field lists; the fields themselves come from the contracts (codegen)
export const QUOTE_TYPES = { Quote: [...GENERATED_QUOTE_TYPES.Quote] };
export const RECEIVE_TYPES = { ReceiveWithAuthorization: [...RECEIVE_WITH_AUTHORIZATION_TYPES.ReceiveWithAuthorization] };

/** Deploys everything; `validators` signers (from index 6) register, get UBC and stake MIN_STAKE. */
export async function deployMarket(ethers: HardhatEthers, validators = 10, opts: { realFeeController?: boolean } = {}) {
  const f = await deployFoundation(ethers);
  const signers = await ethers.getSigners();
  const { admin, treasury, guardian, alice, bob, carol, ubc, compute } = f;
  const registry = await ethers.deployContract("AgentRegistry");
  // Unit tests use a fixed burn share so that every amount is exact; the gas scenario uses the
  // economy's FeeController (1-day epochs, 50% initial burn share, 20–80%).
  const feeController: any = opts.realFeeController
    ? await ethers.deployContract("FeeController", [admin.address, admin.address, DAY, 1_000_000n * E18, 5_000, 2_000, 8_000, 1_250])
    : await ethers.deployContract("MockFeeController", [BURN_SHARE_BPS]);
  const market = await ethers.deployContract("WorkMarket", [
    await compute.getAddress(), await registry.getAddress(), await feeController.getAddress(),
    treasury.address, admin.address, guardian.address,
  ]);
  const pool = await ethers.deployContract("ValidatorPool", [
    await ubc.getAddress(), await compute.getAddress(), await market.getAddress(), await registry.getAddress(),
    treasury.address, admin.address,
  ]);
  await (await market.connect(admin).setValidatorPool(await pool.getAddress())).wait();
  if (opts.realFeeController) await (await feeController.connect(admin).setMarket(await market.getAddress())).wait();
  const marketAddr = await market.getAddress();
  const poolAddr = await pool.getAddress();

  // Agents: alice requests (1), bob provides (2), carol does both (3).
  await (await registry.connect(alice).register("ipfs://alice", ROLE.REQUESTER)).wait();
  await (await registry.connect(bob).register("ipfs://bob", ROLE.PROVIDER)).wait();
  await (await registry.connect(carol).register("ipfs://carol", ROLE.PROVIDER | ROLE.REQUESTER)).wait();
  const REQ = 1n, PROV = 2n, CAROL = 3n;
  for (const s of [alice, bob, carol]) {
    await (await compute.connect(treasury).transfer(s.address, 1_000_000n * E18)).wait();
    await (await compute.connect(s).approve(marketAddr, 2n ** 255n)).wait();
  }

  const vals: HardhatEthersSigner[] = signers.slice(6, 6 + validators);
  const valAgent: Map<string, bigint> = new Map();
  for (const v of vals) {
    await (await registry.connect(v).register("ipfs://validator", ROLE.VALIDATOR)).wait();
    const agentId = await registry.agentCount();
    valAgent.set(v.address, agentId);
    await (await ubc.connect(treasury).transfer(v.address, 100_000n * E18)).wait();
    await (await ubc.connect(v).approve(poolAddr, 2n ** 255n)).wait();
    await (await pool.connect(v).stake(agentId, MIN_STAKE)).wait();
  }
  return { ...f, signers, registry, feeController, market, pool, marketAddr, poolAddr, vals, valAgent, REQ, PROV, CAROL };
}

export type MarketFixture = Awaited<ReturnType<typeof deployMarket>>;

export async function now(ethers: HardhatEthers): Promise<bigint> {
  const b = await ethers.provider.getBlock("latest");
  return BigInt(b!.timestamp);
}

export function specHash(tag = "spec"): string {
  return keccakId(tag);
}

/** Opens a job of `value` for the requester agent (alice) open to any provider unless given. */
export async function openJob(fx: MarketFixture, ethers: HardhatEthers, value = VALUE, provider = 0n) {
  const t = await now(ethers);
  const r = { requesterAgentId: fx.REQ, providerAgentId: provider, value, specHash: specHash(), acceptDeadline: t + DAY, deliveryPeriod: DAY };
  await (await fx.market.connect(fx.alice).createJob(r)).wait();
  return { jobId: await fx.market.jobCount(), request: r };
}

export async function makeQuote(fx: MarketFixture, ethers: HardhatEthers, over: Partial<QuoteData> = {}): Promise<QuoteData> {
  const t = await now(ethers);
  return {
    providerAgentId: fx.PROV, resourceKind: keccakId("gpu-hour"), units: 10n, unitPrice: 100n * E18,
    expiry: t + DAY, nonce: BigInt(hexlify(randomBytes(6))), requester: 0n, deliveryPeriod: DAY, ...over,
  };
}

export async function quoteDomain(ethers: HardhatEthers, marketAddr: string, chainId?: bigint) {
  return { name: "UBC WorkMarket", version: "1", chainId: chainId ?? (await ethers.provider.getNetwork()).chainId, verifyingContract: marketAddr };
}

export async function signQuote(fx: MarketFixture, ethers: HardhatEthers, q: QuoteData, signer = fx.bob, marketAddr = fx.marketAddr, chainId?: bigint) {
  return signer.signTypedData(await quoteDomain(ethers, marketAddr, chainId), QUOTE_TYPES, q);
}

/** Fills a fresh quote of bob for alice; returns the job id. */
export async function fillJob(fx: MarketFixture, ethers: HardhatEthers, over: Partial<QuoteData> = {}, spec = specHash()) {
  const q = await makeQuote(fx, ethers, over);
  const sig = await signQuote(fx, ethers, q);
  await (await fx.market.connect(fx.alice).fillQuote(q, sig, fx.REQ, spec)).wait();
  return await fx.market.jobCount();
}

/** EIP-3009 ReceiveWithAuthorization of `from` paying the market `value` with `nonce`. */
export async function receiveAuth(fx: MarketFixture, ethers: HardhatEthers, from: HardhatEthersSigner, value: bigint, nonce: string) {
  const domain = { name: "COMPUTE", version: "1", chainId: (await ethers.provider.getNetwork()).chainId, verifyingContract: await fx.compute.getAddress() };
  const validBefore = (await now(ethers)) + DAY;
  const signature = await from.signTypedData(domain, RECEIVE_TYPES, { from: from.address, to: fx.marketAddr, value, validAfter: 0n, validBefore, nonce });
  return { from: from.address, validAfter: 0n, validBefore, signature };
}

export async function submitJob(fx: MarketFixture, jobId: bigint, result = keccakId("result")) {
  await (await fx.market.connect(fx.bob).submit(jobId, result, "ipfs://result")).wait();
}

/** Mines past the seed block and draws the committee; returns the member signers in order. */
export async function draw(fx: MarketFixture, networkHelpers: { mine(n?: number): Promise<void> }, jobId: bigint) {
  await networkHelpers.mine(1);
  await (await fx.pool.drawCommittee(jobId)).wait();
  return committeeSigners(fx, jobId);
}

export async function committeeSigners(fx: MarketFixture, jobId: bigint): Promise<HardhatEthersSigner[]> {
  const ids: bigint[] = await fx.pool.committee(jobId);
  const out: HardhatEthersSigner[] = [];
  for (const vid of ids) {
    const v = await fx.pool.getValidator(vid);
    const s = fx.vals.find((x) => x.address === v.account);
    if (s === undefined) throw new Error(`no signer for validator ${vid}`);
    out.push(s);
  }
  return out;
}

/** Submits, draws and has the first committee approve unanimously (quorum), then waits out the challenge window. */
export async function validate(fx: MarketFixture, networkHelpers: any, jobId: bigint, approve = true) {
  await submitJob(fx, jobId);
  const c = await draw(fx, networkHelpers, jobId);
  await (await fx.pool.connect(c[0]).attest(jobId, approve)).wait();
  await (await fx.pool.connect(c[1]).attest(jobId, approve)).wait();
  return c;
}

export { ZeroAddress, Signature, keccakId };
