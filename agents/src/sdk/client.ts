// The agent SDK's on-chain client: typed reads and writes of every protocol contract (ABIs from
// the compiled artifacts, addresses from deployments/<network>.json), EIP-712 quote signing and
// EIP-3009 authorisations, with reverts turned into UbcContractError naming the custom error.
import { readFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import {
  createPublicClient, createWalletClient, defineChain, http, keccak256, parseEventLogs, toHex,
  type Account, type Address, type Hex, type Log, type PublicClient, type WalletClient, type Chain,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { ABIS, type ContractName } from "../generated/abis.ts";
import { toUbcError } from "./errors.ts";
import { COMPUTE_TOKEN_DOMAIN, QUOTE_TYPES, RECEIVE_WITH_AUTHORIZATION_TYPES, WORK_MARKET_DOMAIN } from "../generated/eip712.ts";

export interface Deployments {
  chainId: number;
  contracts: Record<string, { address: string; blockNumber: number }>;
}

export interface Quote {
  providerAgentId: bigint;
  resourceKind: Hex;
  units: bigint;
  unitPrice: bigint;
  expiry: bigint;
  nonce: bigint;
  requester: bigint;
  deliveryPeriod: bigint;
}

export { QUOTE_TYPES };

/** An open job: escrowed by its requester, accepted by any provider (or the one named). */
export interface JobRequest {
  requesterAgentId: bigint;
  /** 0n: any provider may accept. */
  providerAgentId: bigint;
  /** The price, COMPUTE wei (at least 100 COMPUTE). */
  value: bigint;
  /** keccak256 of the job's spec (publish the spec where providers find it: see runtime/specs.ts). */
  specHash: Hex;
  /** Unix seconds; at most a year ahead. */
  acceptDeadline: bigint;
  /** Seconds from acceptance to the delivery deadline. */
  deliveryPeriod: bigint;
}

export const ROLES = { PROVIDER: 1, REQUESTER: 2, VALIDATOR: 4 } as const;

export interface UbcClientOptions {
  rpcUrl: string;
  /** A 0x private key, or a viem Account. */
  account: Hex | Account;
  /** The deployments object, or the path of deployments/<network>.json. */
  deployments: Deployments | string;
}

/** WorkMarket.depositWithAuthorization's arguments after the agent id and the amount. */
export interface DepositAuthorization {
  /** The EIP-3009 nonce (random, 32 bytes). */
  nonce: Hex;
  auth: { from: Address; validAfter: bigint; validBefore: bigint; signature: Hex };
}

/**
 * Signs an EIP-3009 ReceiveWithAuthorization of `amount` COMPUTE from `account` to the WorkMarket,
 * the authorisation WorkMarket.depositWithAuthorization takes (only the market can redeem it, so a
 * signature seen in the mempool cannot be front-run into a plain transfer). Valid from now
 * (`validAfter` 0) until `validBefore`, a chain timestamp.
 */
export async function signDepositAuthorization(
  account: Account,
  o: { chainId: number; computeToken: Address; workMarket: Address; amount: bigint; validBefore: bigint; nonce?: Hex },
): Promise<DepositAuthorization> {
  if (account.signTypedData === undefined) throw new Error(`the account ${account.address} cannot sign typed data`);
  const nonce = o.nonce ?? (`0x${randomBytes(32).toString("hex")}` as Hex);
  const signature = await account.signTypedData({
    domain: { ...COMPUTE_TOKEN_DOMAIN, chainId: o.chainId, verifyingContract: o.computeToken },
    types: RECEIVE_WITH_AUTHORIZATION_TYPES,
    primaryType: "ReceiveWithAuthorization",
    message: { from: account.address, to: o.workMarket, value: o.amount, validAfter: 0n, validBefore: o.validBefore, nonce },
  });
  return { nonce, auth: { from: account.address, validAfter: 0n, validBefore: o.validBefore, signature } };
}

/** A resource kind as the market stores it: keccak256 of its name ("gpu-hour", "sha256", …). */
export const resourceKind = (name: string): Hex => keccak256(toHex(name));

export class UbcClient {
  readonly account: Account;
  readonly deployments: Deployments;
  readonly chain: Chain;
  readonly public: PublicClient;
  readonly wallet: WalletClient;

  constructor(opts: UbcClientOptions) {
    this.account = typeof opts.account === "string" ? privateKeyToAccount(opts.account) : opts.account;
    this.deployments = typeof opts.deployments === "string" ? JSON.parse(readFileSync(opts.deployments, "utf8")) : opts.deployments;
    this.chain = defineChain({
      id: this.deployments.chainId, name: `chain-${this.deployments.chainId}`,
      nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 }, rpcUrls: { default: { http: [opts.rpcUrl] } },
    });
    this.public = createPublicClient({ chain: this.chain, transport: http(opts.rpcUrl) }) as PublicClient;
    this.wallet = createWalletClient({ chain: this.chain, transport: http(opts.rpcUrl), account: this.account });
  }

  get address(): Address {
    return this.account.address;
  }

  addressOf(contract: ContractName | string): Address {
    const d = this.deployments.contracts[contract];
    if (!d) throw new Error(`${contract} is not in the deployments file (chain ${this.deployments.chainId})`);
    return d.address as Address;
  }

  /** A typed read. */
  async read(contract: ContractName, functionName: string, args: readonly unknown[] = [], address?: Address): Promise<any> {
    try {
      return await this.public.readContract({ address: address ?? this.addressOf(contract), abi: ABIS[contract] as never, functionName, args } as never);
    } catch (err) {
      throw toUbcError(err, contract, functionName);
    }
  }

  /**
   * A write: simulated first (a revert throws UbcContractError without spending gas), then sent and
   * awaited. `result` is the simulation's return value, computed against the pending block: for
   * amounts that depend on the block's time (a staking claim accrues by the second), read the
   * mined transaction's events instead (`logs`, with `eventsOf`).
   */
  async write(contract: ContractName, functionName: string, args: readonly unknown[] = [], address?: Address): Promise<{ hash: Hex; result: any; logs: readonly Log[] }> {
    const target = address ?? this.addressOf(contract);
    try {
      const { request, result } = await this.public.simulateContract({ address: target, abi: ABIS[contract] as never, functionName, args, account: this.account } as never);
      const hash = await this.wallet.writeContract(request as never);
      const receipt = await this.public.waitForTransactionReceipt({ hash });
      if (receipt.status !== "success") throw new Error(`${contract}.${functionName} failed in transaction ${hash}`);
      return { hash, result, logs: receipt.logs };
    } catch (err) {
      throw toUbcError(err, contract, functionName);
    }
  }

  /** The arguments of every `eventName` of `contract` (at `address`, default its deployment) among a transaction's logs. */
  eventsOf(logs: readonly Log[], contract: ContractName, eventName: string, address?: Address): Record<string, any>[] {
    const at = (address ?? this.addressOf(contract)).toLowerCase();
    return (parseEventLogs({ abi: ABIS[contract] as never, eventName, logs: logs.filter((l) => l.address.toLowerCase() === at) as Log[] }) as unknown as { args: Record<string, any> }[]).map((e) => e.args);
  }

  /** Approves `spender` (e.g. the WorkMarket, which pulls a provider's deposit when a quote is filled). */
  async approve(token: "UBCToken" | "ComputeToken", spender: Address, amount: bigint = 2n ** 256n - 1n): Promise<Hex> {
    return (await this.write(token, "approve", [spender, amount])).hash;
  }

  private async ensureAllowance(token: ContractName, spender: Address, amount: bigint) {
    const allowance = (await this.read(token, "allowance", [this.address, spender])) as bigint;
    if (allowance < amount) await this.write(token, "approve", [spender, 2n ** 256n - 1n]);
  }

  // ------------------------------------------------------------------ staking

  /** Stakes `amount` UBC in `poolId` (approving the vault if needed); returns the position id. */
  async stake(poolId: number, amount: bigint): Promise<bigint> {
    await this.ensureAllowance("UBCToken", this.addressOf("StakingVault"), amount);
    return (await this.write("StakingVault", "stake", [poolId, amount])).result as bigint;
  }

  /** Claims the position's reward accrued so far; returns the amount paid (from the mined transaction's Claimed event). */
  async claim(positionId: bigint): Promise<bigint> {
    return this.paid((await this.write("StakingVault", "claim", [positionId])).logs, "Claimed");
  }

  async withdraw(positionId: bigint): Promise<bigint> {
    return (await this.write("StakingVault", "withdraw", [positionId])).result as bigint;
  }

  /** Once unlocked: the principal and the reward still to claim in one transaction; returns both. */
  async exit(positionId: bigint): Promise<{ reward: bigint; principal: bigint }> {
    const { logs } = await this.write("StakingVault", "exit", [positionId]);
    return { reward: this.paid(logs, "Claimed"), principal: this.paid(logs, "Withdrawn") };
  }

  /** The amount a StakingVault transaction's `Claimed` / `Withdrawn` events paid. */
  private paid(logs: readonly Log[], event: "Claimed" | "Withdrawn"): bigint {
    return this.eventsOf(logs, "StakingVault", event).reduce((a, e) => a + (e.amount as bigint), 0n);
  }

  pendingReward(positionId: bigint): Promise<bigint> {
    return this.read("StakingVault", "pendingReward", [positionId]);
  }

  // ------------------------------------------------------------------ agents

  /** Registers an agent owned (and, as its wallet, operated) by this account; returns its id. */
  async registerAgent(cardURI: string, roles: number): Promise<bigint> {
    return (await this.write("AgentRegistry", "register", [cardURI, roles])).result as bigint;
  }

  async giveFeedback(jobId: bigint, agentId: bigint, score: number, tag: Hex, uri = ""): Promise<Hex> {
    return (await this.write("ReputationRegistry", "giveFeedback", [jobId, agentId, score, tag, uri])).hash;
  }

  // ------------------------------------------------------------------ work market

  /** Signs a quote (EIP-712, the WorkMarket's domain on this chain) as the provider's wallet. */
  signQuote(q: Quote): Promise<Hex> {
    return this.wallet.signTypedData({
      account: this.account,
      domain: { ...WORK_MARKET_DOMAIN, chainId: this.deployments.chainId, verifyingContract: this.addressOf("WorkMarket") },
      types: QUOTE_TYPES,
      primaryType: "Quote",
      message: q,
    });
  }

  /** Withdraws one signed quote of `providerAgentId` (its nonce, used on-chain: no fill can take it any more; the indexer's board drops it). */
  async cancelQuote(providerAgentId: bigint, nonce: bigint): Promise<Hex> {
    return (await this.write("WorkMarket", "cancelQuote", [providerAgentId, nonce])).hash;
  }

  /** Withdraws every quote of `providerAgentId` with a nonce below `minNonce` (it only rises: `NonceNotIncreasing`). */
  async cancelQuotesBelow(providerAgentId: bigint, minNonce: bigint): Promise<Hex> {
    return (await this.write("WorkMarket", "cancelQuotesBelow", [providerAgentId, minNonce])).hash;
  }

  /** Fills a provider's signed quote for `requesterAgentId` (creates and accepts a job); returns the job id. */
  async fillQuote(q: Quote, signature: Hex, requesterAgentId: bigint, specHash: Hex): Promise<bigint> {
    const value = q.units * q.unitPrice;
    await this.ensureAllowance("ComputeToken", this.addressOf("WorkMarket"), value * 2n);
    return (await this.write("WorkMarket", "fillQuote", [q, signature, requesterAgentId, specHash])).result as bigint;
  }

  /**
   * Pays `amount` for `agentId` into the market: from the agent's credit when it covers it (the
   * contract's rule), else from this wallet, for which the market's allowance is made first.
   */
  private async ensureFunding(agentId: bigint, amount: bigint) {
    if ((await this.credits(agentId)) < amount) await this.ensureAllowance("ComputeToken", this.addressOf("WorkMarket"), amount);
  }

  /**
   * Opens a job that any provider (or the one named) may accept until `acceptDeadline`, escrowing
   * the requester's lock (price + 5% deposit + 1.5% fees) from its credit or this wallet; returns
   * the job id.
   */
  async createJob(r: JobRequest): Promise<bigint> {
    await this.ensureFunding(r.requesterAgentId, (await this.read("WorkMarket", "requesterLock", [r.value])) as bigint);
    return (await this.write("WorkMarket", "createJob", [r])).result as bigint;
  }

  /** Accepts an open job as provider `providerAgentId`, locking its 2% deposit; the delivery deadline starts now. */
  async accept(jobId: bigint, providerAgentId: bigint): Promise<Hex> {
    const job = (await this.read("WorkMarket", "getJob", [jobId])) as { value: bigint };
    await this.ensureFunding(providerAgentId, (job.value * 200n) / 10_000n);
    return (await this.write("WorkMarket", "accept", [jobId, providerAgentId])).hash;
  }

  /** Cancels an open job nobody accepted yet (its requester only): the whole lock back to the requester's credit. */
  async cancel(jobId: bigint): Promise<Hex> {
    return (await this.write("WorkMarket", "cancel", [jobId])).hash;
  }

  /**
   * Expires a job past its deadline (anyone may): an open one past its accept deadline, or an
   * accepted one never delivered (the provider's deposit is slashed: half to the requester, half
   * burned). The refund goes to the requester's credit.
   */
  async expire(jobId: bigint): Promise<Hex> {
    return (await this.write("WorkMarket", "expire", [jobId])).hash;
  }

  /**
   * Challenges a validated verdict during the challenge period, as `agentId` (the side that lost):
   * an escalation committee decides. A requester's bond is its deposit already locked; a provider
   * pays a 5% bond (from its credit, else this wallet).
   */
  async challenge(jobId: bigint, agentId: bigint): Promise<Hex> {
    const job = (await this.read("WorkMarket", "getJob", [jobId])) as { value: bigint; providerAgentId: bigint };
    if (BigInt(job.providerAgentId) === agentId) await this.ensureFunding(agentId, (job.value * 500n) / 10_000n);
    return (await this.write("WorkMarket", "challenge", [jobId, agentId])).hash;
  }

  /** Draws a submitted (or disputed) job's committee once its seed block is mined; anyone may. */
  async drawCommittee(jobId: bigint): Promise<Hex> {
    return (await this.write("ValidatorPool", "drawCommittee", [jobId])).hash;
  }

  /** Records the verdict of a round whose committee missed its deadline, from the votes cast; anyone may. */
  async finalize(jobId: bigint): Promise<Hex> {
    return (await this.write("ValidatorPool", "finalize", [jobId])).hash;
  }

  async submit(jobId: bigint, resultHash: Hex, resultURI: string): Promise<Hex> {
    return (await this.write("WorkMarket", "submit", [jobId, resultHash, resultURI])).hash;
  }

  /**
   * Hands an accepted job back (its provider only), in the first quarter of its delivery period:
   * for a job that cannot be done as asked (its spec is nowhere to be found). Both sides' locks are
   * credited back in full; later, the contract reverts with `DeclineWindowOver`.
   */
  async decline(jobId: bigint): Promise<Hex> {
    return (await this.write("WorkMarket", "decline", [jobId])).hash;
  }

  // ------------------------------------------------------------------ validators

  /** Sets an agent's roles (its owner only): a bit set of ROLES (PROVIDER | REQUESTER | VALIDATOR). */
  async setAgentRoles(agentId: bigint, roles: number): Promise<Hex> {
    return (await this.write("AgentRegistry", "setAgentRoles", [agentId, roles])).hash;
  }

  /**
   * Stakes `amount` UBC in the ValidatorPool as this account's validator for `agentId` (an agent
   * with the VALIDATOR role that this account acts for; one validator per account), approving the
   * pool first if needed. From the pool's minimum stake on, the validator is drawn into committees.
   * Returns the validator id.
   */
  async stakeValidator(agentId: bigint, amount: bigint): Promise<bigint> {
    await this.ensureAllowance("UBCToken", this.addressOf("ValidatorPool"), amount);
    await this.write("ValidatorPool", "stake", [agentId, amount]);
    return this.validatorId();
  }

  /** This account's validator id (0n: none). */
  validatorId(account: Address = this.address): Promise<bigint> {
    return this.read("ValidatorPool", "validatorIdOf", [account]);
  }

  /** Leaves the committee draw; the stake can be withdrawn after the pool's unbonding delay. */
  async requestUnbond(): Promise<Hex> {
    return (await this.write("ValidatorPool", "requestUnbond")).hash;
  }

  /** Withdraws the whole stake once unbonded (`StillBonded` before); returns the amount. */
  async withdrawStake(): Promise<bigint> {
    return (await this.write("ValidatorPool", "withdrawStake")).result as bigint;
  }

  /**
   * Pays out the validation fee of each settled job of `jobIds` not paid yet, to every validator
   * that voted with its verdict (this one included), and returns this validator's part; jobs paid
   * already, or whose validators earned nothing, are skipped (`NothingToClaim` when none pays).
   */
  async claimFees(jobIds: bigint[]): Promise<bigint> {
    return (await this.write("ValidatorPool", "claimFees", [jobIds])).result as bigint;
  }

  async attest(jobId: bigint, approve: boolean): Promise<Hex> {
    return (await this.write("ValidatorPool", "attest", [jobId, approve])).hash;
  }

  async settle(jobIds: bigint[]): Promise<bigint> {
    return (await this.write("WorkMarket", "settle", [jobIds])).result as bigint;
  }

  /**
   * Deposits `amount` COMPUTE from this wallet into `agentId`'s credit in the WorkMarket, in one
   * transaction and without an allowance (an EIP-3009 ReceiveWithAuthorization signed here, valid
   * for `validForSeconds` of chain time). Fills, quote deposits and bonds are paid from the credit
   * while it covers them (no token transfer in those calls: cheaper), and from the wallet after.
   */
  async deposit(agentId: bigint, amount: bigint, validForSeconds = 3_600n): Promise<Hex> {
    const now = (await this.public.getBlock()).timestamp;
    const a = await signDepositAuthorization(this.account, {
      chainId: this.deployments.chainId, computeToken: this.addressOf("ComputeToken"), workMarket: this.addressOf("WorkMarket"),
      amount, validBefore: now + validForSeconds,
    });
    return (await this.write("WorkMarket", "depositWithAuthorization", [agentId, amount, a.nonce, a.auth])).hash;
  }

  async withdrawCredit(agentId: bigint, amount: bigint, to: Address = this.address): Promise<Hex> {
    return (await this.write("WorkMarket", "withdraw", [agentId, to, amount])).hash;
  }

  credits(agentId: bigint): Promise<bigint> {
    return this.read("WorkMarket", "credits", [agentId]);
  }

  // ------------------------------------------------------------------ ventures

  /**
   * Creates a venture (VentureFactory.createVenture) and opens its raise; returns its address (read
   * from the VentureCreated event of the transaction). `operator` defaults to this account;
   * `pricePerShare` is COMPUTE per whole share (COMPUTE wei per share wei), `minShares` / `maxShares`
   * are share wei (18 decimals), `raiseDuration` and `performancePeriod` seconds, the bps out of
   * 10,000; hurdles default to 0 per revenue token. The factory's checks revert with their named
   * errors (`InvalidRaise`, `InvalidRaiseDuration`, `InvalidBps`, …).
   */
  async createVenture(p: VentureInput): Promise<Address> {
    const revenueTokens = p.revenueTokens ?? [this.addressOf("ComputeToken")];
    const params = {
      operator: p.operator ?? this.address,
      operatorAgentId: p.operatorAgentId ?? 0n,
      name: p.name,
      symbol: p.symbol,
      metadataURI: p.metadataURI ?? "",
      pricePerShare: p.pricePerShare,
      minShares: p.minShares,
      maxShares: p.maxShares,
      raiseDuration: Number(p.raiseDuration),
      distributionBps: p.distributionBps,
      performanceFeeBps: p.performanceFeeBps ?? 0,
      performancePeriod: Number(p.performancePeriod ?? 0),
      revenueTokens,
      hurdles: p.hurdles ?? revenueTokens.map(() => 0n),
    };
    const { hash, logs } = await this.write("VentureFactory", "createVenture", [params]);
    const [created] = this.eventsOf(logs, "VentureFactory", "VentureCreated");
    if (!created) throw new Error(`VentureFactory.createVenture: no VentureCreated event in transaction ${hash}`);
    return created.venture as Address;
  }

  /** Buys `shares` (share wei) of an open raise, approving the venture for their cost first if needed; returns the cost. */
  async invest(venture: Address, shares: bigint): Promise<bigint> {
    const price = ((await this.read("Venture", "raiseConfig", [], venture)) as { pricePerShare: bigint }).pricePerShare;
    await this.ensureAllowance("ComputeToken", venture, shares * price);
    return (await this.write("Venture", "invest", [shares], venture)).result as bigint;
  }

  /** Claims this account's revenue of every revenue token (amounts in the venture's token order). */
  async claimRevenue(venture: Address): Promise<readonly bigint[]> {
    return (await this.write("Venture", "claim", [], venture)).result as readonly bigint[];
  }

  /** What this account (or `holder`) can claim, per revenue token in the venture's order. */
  claimableRevenue(venture: Address, holder: Address = this.address): Promise<readonly bigint[]> {
    return this.read("Venture", "claimable", [holder], venture);
  }

  /**
   * Deposits `amount` of `token` (one of the venture's revenue tokens) as revenue, approving the
   * venture first if needed: the distributed part is shared among the shareholders at once, the
   * rest (and any performance fee) is the operator's. Returns the amount distributed.
   */
  async depositRevenue(venture: Address, token: "ComputeToken" | "UBCToken", amount: bigint): Promise<bigint> {
    await this.ensureAllowance(token, venture, amount);
    return (await this.write("Venture", "depositRevenue", [this.addressOf(token), amount], venture)).result as bigint;
  }

  /** Ends the raise after its deadline or once the cap is sold (anyone): the raise goes to the operator, or refunds open. */
  async finalizeRaise(venture: Address): Promise<Hex> {
    return (await this.write("Venture", "finalize", [], venture)).hash;
  }

  /** In a failed or cancelled raise: burns this account's shares and returns their cost; returns the amount. */
  async refund(venture: Address): Promise<bigint> {
    return (await this.write("Venture", "refund", [], venture)).result as bigint;
  }

  /** Pays the operator its part of the revenue deposited so far, per revenue token (anyone may call it; `NothingToWithdraw` when none is owed). */
  async withdrawOperatorRevenue(venture: Address): Promise<readonly bigint[]> {
    return (await this.write("Venture", "withdrawOperatorRevenue", [], venture)).result as readonly bigint[];
  }

  // ------------------------------------------------------------------ tokens

  balanceOf(token: "UBCToken" | "ComputeToken", who: Address = this.address): Promise<bigint> {
    return this.read(token, "balanceOf", [who]);
  }
}

/** UbcClient.createVenture's parameters (IVentureFactory.VentureParams, with defaults). */
export interface VentureInput {
  name: string;
  symbol: string;
  metadataURI?: string;
  /** COMPUTE per whole share (COMPUTE wei per share wei), an integer >= 1. */
  pricePerShare: bigint;
  /** Share wei (18 decimals) that must be sold by the deadline, or every investor is refunded. */
  minShares: bigint;
  /** Share wei: the cap. */
  maxShares: bigint;
  /** Seconds from creation to the raise's deadline (at most 365 days). */
  raiseDuration: bigint | number;
  /** Part of each revenue deposit distributed to the shareholders, of 10,000. */
  distributionBps: number;
  performanceFeeBps?: number;
  /** Seconds of a hurdle period (needed with a performance fee). */
  performancePeriod?: bigint | number;
  /** Default: COMPUTE only. */
  revenueTokens?: Address[];
  /** Per revenue token; default 0 each. */
  hurdles?: bigint[];
  /** Default: this account. */
  operator?: Address;
  operatorAgentId?: bigint;
}
