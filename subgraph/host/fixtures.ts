// Event fixtures for the parity test: every event type the subgraph handles, and sequences that
// move the aggregates (balances and holder counts, supply/minted/burned, staking totals, daily
// stats across days, venture raises and revenue lists). Deterministic (a seeded generator).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { FixtureEvent } from "./subgraph.ts";

export const DEPLOYMENTS = JSON.parse(readFileSync(fileURLToPath(new URL("../tests/fixtures/deployments.json", import.meta.url)), "utf8")) as {
  chainId: number;
  contracts: Record<string, { address: string; blockNumber: number }>;
};
const C = (name: string) => DEPLOYMENTS.contracts[name].address;

export const ZERO = "0x0000000000000000000000000000000000000000";
const addr = (n: number) => "0x" + n.toString(16).padStart(40, "0");
export const USERS = [0xa11ce, 0xb0b, 0xca401, 0xd0e, 0xe1e, 0xf00].map(addr);
const [ALICE, BOB, CAROL, DAVE, ERIN, FRANK] = USERS;
const E18 = 10n ** 18n;
const DAY = 86_400n;

class FixtureChain {
  events: FixtureEvent[] = [];
  block = 100n;
  time = 1_700_000_000n;
  private logIndex = 0;
  private tx = 0;
  private txHash = "";

  /** Starts a new block `seconds` later. */
  mine(seconds = 12n): void {
    this.block += 1n;
    this.time += seconds;
    this.logIndex = 0;
  }
  /** The following emits share one transaction. */
  newTx(): void {
    this.tx += 1;
    this.txHash = "0x" + this.tx.toString(16).padStart(64, "0");
  }
  emit(contract: string, address: string, event: string, args: Record<string, unknown>, sameTx = false): void {
    if (!sameTx || this.txHash === "") this.newTx();
    this.events.push({
      contract,
      address,
      event,
      args,
      block: { number: this.block, hash: "0x" + this.block.toString(16).padStart(64, "f"), timestamp: this.time },
      transactionHash: this.txHash,
      logIndex: this.logIndex++,
    });
  }
}

/** A small deterministic generator (LCG) so that runs are reproducible. */
function rng(seed: number) {
  let s = BigInt(seed);
  return (n: number) => {
    s = (s * 6364136223846793005n + 1442695040888963407n) % 2n ** 64n;
    return Number((s >> 33n) % BigInt(n));
  };
}

export interface Scenario {
  name: string;
  events: FixtureEvent[];
}

export function scenarios(): Scenario[] {
  return [everyEvent(), randomTransfers(7, 400), ventureLifecycle(), agentsAndEconomy(), workMarket()];
}

/** Every event type once or more, in a plausible order over three days. */
function everyEvent(): Scenario {
  const c = new FixtureChain();
  const UBC = C("UBCToken");
  const COMPUTE = C("ComputeToken");
  const VAULT = C("StakingVault");
  const FACTORY = C("VentureFactory");
  const V1 = C("Venture");
  // tokens
  c.emit("UBCToken", UBC, "Transfer", { from: ZERO, to: ALICE, value: 1_000_000n * E18 });
  c.emit("UBCToken", UBC, "Transfer", { from: ALICE, to: BOB, value: 250_000n * E18 });
  c.emit("UBCToken", UBC, "DelegateChanged", { delegator: ALICE, fromDelegate: ZERO, toDelegate: ALICE });
  c.emit("UBCToken", UBC, "DelegateVotesChanged", { delegate: ALICE, previousVotes: 0n, newVotes: 750_000n * E18 }, true);
  c.emit("UBCToken", UBC, "DelegateChanged", { delegator: BOB, fromDelegate: ZERO, toDelegate: CAROL });
  c.emit("UBCToken", UBC, "DelegateVotesChanged", { delegate: CAROL, previousVotes: 0n, newVotes: 250_000n * E18 }, true);
  c.mine();
  c.emit("UBCToken", UBC, "DelegateChanged", { delegator: BOB, fromDelegate: CAROL, toDelegate: ZERO });
  c.emit("UBCToken", UBC, "DelegateVotesChanged", { delegate: CAROL, previousVotes: 250_000n * E18, newVotes: 0n }, true);
  c.emit("UBCToken", UBC, "Transfer", { from: BOB, to: BOB, value: 1n * E18 }); // to oneself
  c.emit("UBCToken", UBC, "Transfer", { from: CAROL, to: DAVE, value: 0n }); // zero value, new accounts
  // staking
  c.emit("StakingVault", VAULT, "PoolAdded", { poolId: 0n, duration: 90n * DAY, ratePerDay: 3n * E18 / 10n });
  c.emit("StakingVault", VAULT, "PoolAdded", { poolId: 1n, duration: 165n * DAY, ratePerDay: 5n * E18 / 10n });
  c.emit("StakingVault", VAULT, "PoolAdded", { poolId: 2n, duration: 365n * DAY, ratePerDay: E18 });
  c.emit("StakingVault", VAULT, "PoolStatusChanged", { poolId: 2n, open: false });
  c.mine();
  c.emit("UBCToken", UBC, "Transfer", { from: ALICE, to: VAULT, value: 10_000n * E18 });
  c.emit("StakingVault", VAULT, "Staked", { positionId: 1n, owner: ALICE, poolId: 0n, amount: 10_000n * E18, reward: 270n * E18, unlockTime: c.time + 90n * DAY }, true);
  c.emit("UBCToken", UBC, "Transfer", { from: BOB, to: VAULT, value: 5_000n * E18 });
  c.emit("StakingVault", VAULT, "Staked", { positionId: 2n, owner: BOB, poolId: 1n, amount: 5_000n * E18, reward: 412n * E18, unlockTime: c.time + 165n * DAY }, true);
  c.mine(DAY);
  c.emit("ComputeToken", COMPUTE, "Transfer", { from: ZERO, to: ALICE, value: 3n * E18 });
  c.emit("StakingVault", VAULT, "Claimed", { positionId: 1n, owner: ALICE, amount: 3n * E18 }, true);
  c.emit("ComputeToken", COMPUTE, "Transfer", { from: ALICE, to: BOB, value: 1n * E18 });
  c.emit("ComputeToken", COMPUTE, "AuthorizationUsed", { authorizer: ALICE, nonce: "0x" + "01".repeat(32) }, true);
  c.emit("ComputeToken", COMPUTE, "AuthorizationCanceled", { authorizer: BOB, nonce: "0x" + "02".repeat(32) });
  c.emit("ComputeToken", COMPUTE, "Transfer", { from: BOB, to: ZERO, value: E18 / 2n }); // burn by a holder
  c.emit("ComputeToken", COMPUTE, "Transfer", { from: ZERO, to: VAULT, value: 2n * E18 });
  c.emit("ComputeToken", COMPUTE, "Transfer", { from: VAULT, to: ZERO, value: 2n * E18 }); // burn by a deployed contract
  // ventures
  c.mine();
  c.emit("VentureFactory", FACTORY, "VentureCreated", {
    venture: V1,
    operator: CAROL,
    operatorAgentId: 3n,
    creator: CAROL,
    deadline: c.time + 7n * DAY,
    params: ventureParams(CAROL, "Swarm Band", [COMPUTE, UBC]),
  });
  c.emit("Venture", V1, "Transfer", { from: ZERO, to: ALICE, value: 100n * E18 });
  c.emit("Venture", V1, "Invested", { investor: ALICE, shares: 100n * E18, cost: 200n * E18 }, true);
  c.emit("Venture", V1, "RaiseSucceeded", { operator: CAROL, shares: 100n * E18, raised: 200n * E18 });
  c.emit("Venture", V1, "RevenueDeposited", { depositor: DAVE, token: UBC, amount: 50n * E18, distributed: 36n * E18, performanceFee: 4n * E18, operatorShare: 10n * E18, magnifiedRevenuePerShare: 123n });
  c.emit("Venture", V1, "RevenueClaimed", { holder: ALICE, amounts: [0n, 36n * E18] });
  c.emit("Venture", V1, "OperatorRevenueWithdrawn", { operator: CAROL, amounts: [0n, 14n * E18] });
  c.emit("Venture", V1, "OperatorTransferStarted", { operator: CAROL, pendingOperator: ERIN });
  c.emit("Venture", V1, "OperatorTransferred", { previousOperator: CAROL, newOperator: ERIN });
  c.emit("ComputeToken", COMPUTE, "Transfer", { from: ALICE, to: V1, value: E18 });
  c.emit("ComputeToken", COMPUTE, "Transfer", { from: V1, to: ZERO, value: E18 }); // burn by a venture
  c.mine(DAY);
  const V2 = addr(0x7e2);
  c.emit("VentureFactory", FACTORY, "VentureCreated", {
    venture: V2,
    operator: DAVE,
    operatorAgentId: 0n,
    creator: ERIN,
    deadline: c.time + DAY,
    params: ventureParams(DAVE, "Trading Swarm", [COMPUTE]),
  });
  c.emit("Venture", V2, "Transfer", { from: ZERO, to: BOB, value: 10n * E18 });
  c.emit("Venture", V2, "Invested", { investor: BOB, shares: 10n * E18, cost: 20n * E18 }, true);
  c.emit("Venture", V2, "RaiseFailed", { shares: 10n * E18, minShares: 100n * E18 });
  c.emit("Venture", V2, "Transfer", { from: BOB, to: ZERO, value: 10n * E18 });
  c.emit("Venture", V2, "Refunded", { holder: BOB, shares: 10n * E18, amount: 20n * E18 }, true);
  const V3 = addr(0x7e3);
  c.emit("VentureFactory", FACTORY, "VentureCreated", {
    venture: V3,
    operator: FRANK,
    operatorAgentId: 9n,
    creator: FRANK,
    deadline: c.time + DAY,
    params: ventureParams(FRANK, "Cancelled Co", [UBC]),
  });
  c.emit("Venture", V3, "RaiseCancelled", { operator: FRANK, shares: 0n });
  c.mine(90n * DAY);
  c.emit("StakingVault", VAULT, "Withdrawn", { positionId: 1n, owner: ALICE, amount: 10_000n * E18 });
  c.emit("UBCToken", UBC, "Transfer", { from: VAULT, to: ALICE, value: 10_000n * E18 }, true);
  return { name: "every event type", events: c.events };
}

function ventureParams(operator: string, name: string, revenueTokens: string[]) {
  return {
    operator,
    operatorAgentId: 0n,
    name,
    symbol: name.slice(0, 4).toUpperCase(),
    metadataURI: `ipfs://${name.replace(/\s/g, "-").toLowerCase()}`,
    pricePerShare: 2n,
    minShares: 100n * E18,
    maxShares: 10_000n * E18,
    raiseDuration: 7n * DAY,
    distributionBps: 7200n,
    performanceFeeBps: 800n,
    performancePeriod: 30n * DAY,
    revenueTokens,
    hurdles: revenueTokens.map((_, i) => BigInt(i) * E18),
  };
}

/** Seeded random mints, transfers (to oneself too) and burns of both tokens, staking in between, over several days. */
function randomTransfers(seed: number, n: number): Scenario {
  const c = new FixtureChain();
  const next = rng(seed);
  const UBC = C("UBCToken");
  const COMPUTE = C("ComputeToken");
  const VAULT = C("StakingVault");
  const balances = new Map<string, bigint>();
  const bal = (t: string, a: string) => balances.get(t + a) ?? 0n;
  const move = (t: string, from: string, to: string, v: bigint) => {
    if (from !== ZERO) balances.set(t + from, bal(t, from) - v);
    if (to !== ZERO) balances.set(t + to, bal(t, to) + v);
  };
  c.emit("StakingVault", VAULT, "PoolAdded", { poolId: 0n, duration: 90n * DAY, ratePerDay: 3n * E18 / 10n });
  let position = 0n;
  for (let i = 0; i < n; i++) {
    if (next(10) === 0) c.mine(BigInt(1 + next(3)) * 20_000n); // days go by
    const token = next(2) === 0 ? UBC : COMPUTE;
    const contract = token === UBC ? "UBCToken" : "ComputeToken";
    const from = next(5) === 0 ? ZERO : USERS[next(USERS.length)];
    const to = next(7) === 0 && from !== ZERO ? ZERO : USERS[next(USERS.length)];
    const have = from === ZERO ? 1_000n * E18 : bal(token, from);
    const pick = next(4);
    const v = pick === 0 ? have : pick === 1 ? 0n : have / BigInt(1 + next(5));
    move(token, from, to, v);
    c.emit(contract, token, "Transfer", { from, to, value: v });
    if (token === UBC && from !== ZERO && to !== ZERO && next(6) === 0 && bal(UBC, to) > 0n) {
      const amount = bal(UBC, to);
      position += 1n;
      move(UBC, to, VAULT, amount);
      c.emit("UBCToken", UBC, "Transfer", { from: to, to: VAULT, value: amount });
      c.emit("StakingVault", VAULT, "Staked", { positionId: position, owner: to, poolId: 0n, amount, reward: amount / 37n, unlockTime: c.time + 90n * DAY }, true);
    }
  }
  return { name: `random transfers (seed ${seed}, ${n} steps)`, events: c.events };
}

/** A venture's shares changing hands during and after the raise, revenue in two tokens, claims. */
function ventureLifecycle(): Scenario {
  const c = new FixtureChain();
  const FACTORY = C("VentureFactory");
  const COMPUTE = C("ComputeToken");
  const UBC = C("UBCToken");
  const V = addr(0xbee);
  c.emit("VentureFactory", FACTORY, "VentureCreated", {
    venture: V,
    operator: ALICE,
    operatorAgentId: 1n,
    creator: ALICE,
    deadline: c.time + 7n * DAY,
    params: ventureParams(ALICE, "Lifecycle", [COMPUTE, UBC]),
  });
  const invest = (who: string, shares: bigint) => {
    c.emit("Venture", V, "Transfer", { from: ZERO, to: who, value: shares });
    c.emit("Venture", V, "Invested", { investor: who, shares, cost: shares * 2n }, true);
  };
  invest(BOB, 60n * E18);
  invest(CAROL, 30n * E18);
  c.mine(DAY);
  invest(BOB, 20n * E18);
  invest(DAVE, 10n * E18);
  c.emit("Venture", V, "RaiseSucceeded", { operator: ALICE, shares: 120n * E18, raised: 240n * E18 });
  c.emit("Venture", V, "Transfer", { from: BOB, to: ERIN, value: 80n * E18 }); // whole holding
  c.emit("Venture", V, "Transfer", { from: CAROL, to: CAROL, value: 5n * E18 }); // to oneself
  c.emit("Venture", V, "Transfer", { from: DAVE, to: ERIN, value: 0n }); // zero value
  for (const [token, amount] of [[COMPUTE, 100n], [UBC, 40n], [COMPUTE, 7n]] as [string, bigint][]) {
    c.mine();
    c.emit("Venture", V, "RevenueDeposited", {
      depositor: FRANK,
      token,
      amount: amount * E18,
      distributed: (amount * E18 * 72n) / 100n,
      performanceFee: (amount * E18 * 8n) / 100n,
      operatorShare: (amount * E18 * 20n) / 100n,
      magnifiedRevenuePerShare: amount,
    });
  }
  c.emit("Venture", V, "RevenueClaimed", { holder: ERIN, amounts: [50n * E18, 20n * E18] });
  c.emit("Venture", V, "RevenueClaimed", { holder: CAROL, amounts: [20n * E18, 8n * E18] });
  c.emit("Venture", V, "RevenueClaimed", { holder: ERIN, amounts: [1n, 0n] });
  c.emit("Venture", V, "OperatorRevenueWithdrawn", { operator: ALICE, amounts: [21n * E18, 8n * E18] });
  c.emit("Venture", V, "Transfer", { from: ERIN, to: ZERO, value: 10n * E18 }); // shares burned
  c.emit("Venture", V, "OperatorTransferStarted", { operator: ALICE, pendingOperator: BOB });
  c.emit("Venture", V, "OperatorTransferStarted", { operator: ALICE, pendingOperator: DAVE });
  c.emit("Venture", V, "OperatorTransferred", { previousOperator: ALICE, newOperator: DAVE });
  return { name: "venture lifecycle", events: c.events };
}

/** Agent identities (mint order as the registry emits it), feedback, fee epochs, treasury payments. */
function agentsAndEconomy(): Scenario {
  const c = new FixtureChain();
  const AGENTS = C("AgentRegistry");
  const REPUTATION = C("ReputationRegistry");
  const FEES = C("FeeController");
  const TREASURY = C("Treasury");
  const COMPUTE = C("ComputeToken");
  const register = (id: bigint, owner: string, wallet: string, roles: bigint) => {
    c.emit("AgentRegistry", AGENTS, "Transfer", { from: ZERO, to: owner, tokenId: id });
    if (wallet !== ZERO) c.emit("AgentRegistry", AGENTS, "AgentWalletChanged", { agentId: id, previousWallet: ZERO, newWallet: wallet }, true);
    c.emit("AgentRegistry", AGENTS, "AgentRegistered", { agentId: id, owner, wallet, roles, cardURI: `ipfs://agent-${id}` }, true);
  };
  register(1n, ALICE, BOB, 1n);
  register(2n, CAROL, ZERO, 2n);
  register(3n, DAVE, DAVE, 7n);
  c.mine();
  c.emit("AgentRegistry", AGENTS, "AgentCardUpdated", { agentId: 1n, cardURI: "https://alice.example/agent.json" });
  c.emit("AgentRegistry", AGENTS, "AgentRolesUpdated", { agentId: 2n, roles: 6n });
  c.emit("AgentRegistry", AGENTS, "AgentWalletChanged", { agentId: 2n, previousWallet: ZERO, newWallet: ERIN });
  c.emit("AgentRegistry", AGENTS, "AgentWalletChanged", { agentId: 1n, previousWallet: BOB, newWallet: ZERO });
  c.emit("AgentRegistry", AGENTS, "Transfer", { from: DAVE, to: FRANK, tokenId: 3n }); // FRANK: a new account
  c.mine(DAY);
  for (const [agentId, from, score] of [[1n, 2n, 90n], [2n, 1n, 75n], [1n, 3n, 10n]] as bigint[][]) {
    c.emit("ReputationRegistry", REPUTATION, "NewFeedback", {
      agentId, jobId: agentId * 100n + from, fromAgentId: from, client: USERS[Number(from)], score, tag: "0x" + score.toString(16).padStart(64, "0"), feedbackURI: score > 50n ? "ipfs://good" : "",
    });
  }
  c.emit("FeeController", FEES, "VolumeRecorded", { epoch: 0n, value: 500n * E18, epochVolume: 500n * E18 });
  c.emit("FeeController", FEES, "VolumeRecorded", { epoch: 0n, value: 250n * E18, epochVolume: 750n * E18 });
  c.mine(DAY);
  c.emit("FeeController", FEES, "EpochRolled", { epoch: 0n, volume: 750n * E18, newBurnShareBps: 5250n });
  c.emit("FeeController", FEES, "VolumeRecorded", { epoch: 1n, value: 10n * E18, epochVolume: 10n * E18 }, true);
  c.mine(3n * DAY);
  c.emit("FeeController", FEES, "EpochRolled", { epoch: 1n, volume: 10n * E18, newBurnShareBps: 5000n });
  c.emit("FeeController", FEES, "IdleEpochsApplied", { firstEpoch: 2n, lastEpoch: 3n, newBurnShareBps: 4500n }, true);
  c.emit("FeeController", FEES, "BurnShareClamped", { newBurnShareBps: 4000n });
  c.emit("ComputeToken", COMPUTE, "Transfer", { from: ZERO, to: TREASURY, value: 100n * E18 });
  c.emit("Treasury", TREASURY, "Withdrawn", { token: COMPUTE, to: ERIN, amount: 40n * E18, reason: "grant: swarm tooling" });
  c.emit("ComputeToken", COMPUTE, "Transfer", { from: TREASURY, to: ERIN, value: 40n * E18 }, true);
  c.emit("ComputeToken", COMPUTE, "Transfer", { from: TREASURY, to: ZERO, value: 10n * E18 }); // burn by the Treasury
  return { name: "agents and economy", events: c.events };
}

/**
 * The work market: jobs through every path (open to any provider, by quote, validated, rejected
 * and disputed with an escalation, cancelled, expired, declined, a job whose provider is its
 * requester), agent credits, burns (a reason the indexer does not name too), validators joining,
 * staking, attesting, slashed, unbonding and withdrawing, quote cancellations, feedback on a
 * settled job.
 */
function workMarket(): Scenario {
  const c = new FixtureChain();
  const AGENTS = C("AgentRegistry");
  const REPUTATION = C("ReputationRegistry");
  const MARKET = C("WorkMarket");
  const POOL = C("ValidatorPool");
  const m = (event: string, args: Record<string, unknown>, sameTx = false) => c.emit("WorkMarket", MARKET, event, args, sameTx);
  const v = (event: string, args: Record<string, unknown>, sameTx = false) => c.emit("ValidatorPool", POOL, event, args, sameTx);
  const owners = [ALICE, BOB, CAROL, DAVE, ERIN];
  owners.forEach((owner, i) => {
    const id = BigInt(i + 1);
    c.emit("AgentRegistry", AGENTS, "Transfer", { from: ZERO, to: owner, tokenId: id });
    c.emit("AgentRegistry", AGENTS, "AgentRegistered", { agentId: id, owner, wallet: ZERO, roles: i < 2 ? 3n : 4n, cardURI: `ipfs://agent-${id}` }, true);
  });
  m("Deposited", { agentId: 1n, from: ALICE, amount: 500n * E18 });
  m("Withdrawn", { agentId: 1n, to: ALICE, amount: 50n * E18 });
  m("Deposited", { agentId: 2n, from: BOB, amount: 0n }); // nothing credited
  for (const [id, account, agentId] of [[1n, CAROL, 3n], [2n, DAVE, 4n], [3n, ERIN, 5n]] as [bigint, string, bigint][]) {
    v("ValidatorJoined", { validatorId: id, account, agentId });
    v("Staked", { validatorId: id, amount: 1_000n * E18, stake: 1_000n * E18 }, true);
    v("Activated", { validatorId: id }, true);
  }
  v("Staked", { validatorId: 1n, amount: 500n * E18, stake: 1_500n * E18 });
  const spec = (n: number) => "0x" + n.toString(16).padStart(64, "5");
  // job 1: open to any provider, accepted, validated by a committee, settled
  c.mine();
  m("JobCreated", { jobId: 1n, requesterAgentId: 1n, providerAgentId: 0n, value: 100n * E18, specHash: spec(1), acceptDeadline: c.time + DAY, deliveryPeriod: DAY });
  m("Funded", { jobId: 1n, agentId: 1n, payer: ALICE, amount: 106n * E18, fromCredit: true }, true);
  m("JobAccepted", { jobId: 1n, providerAgentId: 2n, deliveryDeadline: c.time + DAY });
  m("Funded", { jobId: 1n, agentId: 2n, payer: BOB, amount: 2n * E18, fromCredit: false }, true);
  c.mine(3600n);
  m("JobSubmitted", { jobId: 1n, resultHash: spec(11), resultURI: "ipfs://result-1", validationDeadline: c.time + DAY, seedBlock: c.block + 2n });
  v("CommitteeArmed", { jobId: 1n, kind: 1n, seedBlock: c.block + 2n }, true);
  c.mine();
  v("CommitteeDrawn", { jobId: 1n, kind: 1n, validatorIds: [1n, 2n, 3n] });
  v("Attested", { jobId: 1n, validatorId: 1n, approve: true, kind: 1n });
  v("Attested", { jobId: 1n, validatorId: 2n, approve: false, kind: 1n });
  v("Attested", { jobId: 1n, validatorId: 3n, approve: true, kind: 1n });
  v("RoundDecided", { jobId: 1n, kind: 1n, producerWins: true, noFault: false, winners: 2n }, true);
  m("JobValidated", { jobId: 1n, producerWins: true, validatorsPaid: false, challengeDeadline: c.time + DAY }, true);
  c.mine(DAY);
  m("JobSettled", { jobId: 1n, providerPayout: 102n * E18, requesterPayout: 5n * E18, protocolFee: E18, validationFee: E18 / 2n, validatorsPaid: true });
  m("Burned", { jobId: 1n, amount: E18 / 2n, reason: 0n }, true);
  m("TreasuryPaid", { amount: E18 / 2n }, true);
  v("FeesClaimed", { validatorId: 1n, jobId: 1n, amount: E18 / 4n });
  c.emit("ReputationRegistry", REPUTATION, "NewFeedback", { agentId: 2n, jobId: 1n, fromAgentId: 1n, client: ALICE, score: 95n, tag: spec(99), feedbackURI: "" });
  // job 2: by quote, rejected, disputed, escalated, resolved against the producer
  m("JobCreated", { jobId: 2n, requesterAgentId: 1n, providerAgentId: 2n, value: 200n * E18, specHash: spec(2), acceptDeadline: c.time + DAY, deliveryPeriod: 2n * DAY });
  m("QuoteFilled", { jobId: 2n, providerAgentId: 2n, nonce: 7n, resourceKind: spec(77), units: 20n, unitPrice: 10n * E18 }, true);
  m("JobAccepted", { jobId: 2n, providerAgentId: 2n, deliveryDeadline: c.time + 2n * DAY }, true);
  m("Funded", { jobId: 2n, agentId: 1n, payer: ALICE, amount: 213n * E18, fromCredit: false }, true);
  m("Funded", { jobId: 2n, agentId: 2n, payer: BOB, amount: 4n * E18, fromCredit: false }, true);
  m("JobSubmitted", { jobId: 2n, resultHash: spec(22), resultURI: "ipfs://result-2", validationDeadline: c.time + DAY, seedBlock: c.block + 2n });
  v("CommitteeDrawn", { jobId: 2n, kind: 1n, validatorIds: [2n, 3n] });
  v("Attested", { jobId: 2n, validatorId: 2n, approve: false, kind: 1n });
  v("Attested", { jobId: 2n, validatorId: 3n, approve: false, kind: 1n });
  v("RoundDecided", { jobId: 2n, kind: 1n, producerWins: false, noFault: false, winners: 2n }, true);
  m("JobValidated", { jobId: 2n, producerWins: false, validatorsPaid: false, challengeDeadline: c.time + DAY }, true);
  m("JobDisputed", { jobId: 2n, challengerAgentId: 2n, bond: 10n * E18, disputeDeadline: c.time + DAY });
  v("CommitteeArmed", { jobId: 2n, kind: 2n, seedBlock: c.block + 2n }, true);
  c.mine();
  v("CommitteeDrawn", { jobId: 2n, kind: 2n, validatorIds: [1n, 2n, 3n] });
  v("Attested", { jobId: 2n, validatorId: 1n, approve: false, kind: 2n });
  v("RoundDecided", { jobId: 2n, kind: 2n, producerWins: false, noFault: false, winners: 3n }, true);
  m("JobResolved", { jobId: 2n, producerWins: false, noFault: false, validatorsPaid: true }, true);
  v("Slashed", { validatorId: 2n, jobId: 2n, amount: 100n * E18, stakeLeft: 900n * E18 }, true);
  m("Burned", { jobId: 2n, amount: 2n * E18, reason: 1n }, true);
  m("Burned", { jobId: 2n, amount: 5n * E18, reason: 3n }, true);
  m("Burned", { jobId: 2n, amount: 1n, reason: 9n }, true); // a reason the indexer does not name
  m("JobSettled", { jobId: 2n, providerPayout: 0n, requesterPayout: 210n * E18, protocolFee: 2n * E18, validationFee: E18, validatorsPaid: true }, true);
  // job 3: cancelled before acceptance; job 4: the requester is its own provider, disputed by nobody
  c.mine(DAY);
  m("JobCreated", { jobId: 3n, requesterAgentId: 1n, providerAgentId: 0n, value: 100n * E18, specHash: spec(3), acceptDeadline: c.time + DAY, deliveryPeriod: DAY });
  m("Funded", { jobId: 3n, agentId: 1n, payer: ALICE, amount: 106n * E18, fromCredit: true }, true);
  m("JobCancelled", { jobId: 3n, refund: 106n * E18 });
  m("JobCreated", { jobId: 4n, requesterAgentId: 2n, providerAgentId: 2n, value: 150n * E18, specHash: spec(4), acceptDeadline: c.time + DAY, deliveryPeriod: DAY });
  m("Funded", { jobId: 4n, agentId: 2n, payer: BOB, amount: 160n * E18, fromCredit: false }, true);
  m("JobAccepted", { jobId: 4n, providerAgentId: 2n, deliveryDeadline: c.time + DAY }, true);
  m("JobSubmitted", { jobId: 4n, resultHash: spec(44), resultURI: "", validationDeadline: c.time + DAY, seedBlock: c.block + 2n });
  m("JobDisputed", { jobId: 4n, challengerAgentId: 0n, bond: 0n, disputeDeadline: c.time + DAY });
  m("JobResolved", { jobId: 4n, producerWins: true, noFault: true, validatorsPaid: false });
  m("JobSettled", { jobId: 4n, providerPayout: 150n * E18, requesterPayout: 8n * E18, protocolFee: 15n * E18 / 10n, validationFee: 0n, validatorsPaid: false }, true);
  // job 5: accepted, never delivered, expired
  m("JobCreated", { jobId: 5n, requesterAgentId: 1n, providerAgentId: 0n, value: 100n * E18, specHash: spec(5), acceptDeadline: c.time + DAY, deliveryPeriod: DAY });
  m("JobAccepted", { jobId: 5n, providerAgentId: 2n, deliveryDeadline: c.time + DAY });
  c.mine(2n * DAY);
  m("JobExpired", { jobId: 5n, fromStatus: 1n, requesterRefund: 108n * E18, providerSlashed: 2n * E18 });
  // job 6: by quote, both sides funded from credit, handed back by the provider in its decline
  // window (its spec nowhere to be found): both locks credited back
  c.mine();
  m("JobCreated", { jobId: 6n, requesterAgentId: 1n, providerAgentId: 2n, value: 100n * E18, specHash: spec(6), acceptDeadline: c.time + DAY, deliveryPeriod: DAY });
  m("QuoteFilled", { jobId: 6n, providerAgentId: 2n, nonce: 9n, resourceKind: spec(77), units: 10n, unitPrice: 10n * E18 }, true);
  m("JobAccepted", { jobId: 6n, providerAgentId: 2n, deliveryDeadline: c.time + DAY }, true);
  m("Funded", { jobId: 6n, agentId: 1n, payer: MARKET, amount: 106n * E18, fromCredit: true }, true);
  m("Funded", { jobId: 6n, agentId: 2n, payer: MARKET, amount: 2n * E18, fromCredit: true }, true);
  c.mine(3600n);
  m("JobDeclined", { jobId: 6n, providerAgentId: 2n, requesterRefund: 106n * E18, providerRefund: 2n * E18 });
  m("QuoteCancelled", { providerAgentId: 2n, nonce: 8n });
  m("QuotesCancelledBelow", { providerAgentId: 2n, minNonce: 20n });
  v("Deactivated", { validatorId: 2n });
  v("UnbondingStarted", { validatorId: 2n, unbondAt: c.time + 7n * DAY }, true);
  c.mine(7n * DAY);
  v("StakeWithdrawn", { validatorId: 2n, to: DAVE, amount: 900n * E18 });
  m("Withdrawn", { agentId: 2n, to: BOB, amount: 100n * E18 });
  return { name: "work market and validators", events: c.events };
}
