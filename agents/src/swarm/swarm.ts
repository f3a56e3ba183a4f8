// A swarm: N agents with fresh keys trading M jobs end to end on a running chain.
//
// Setup. The funder (the deployer, which holds the genesis UBC and COMPUTE on the devnet: see
// deploy/modules/Foundation.ts) gives each agent gas money and *stakes UBC for it* in the
// 365-day lock pool (`StakingVault.stakeFor`), so every agent earns COMPUTE by staking and claims
// it as it goes; because 100,000 UBC earn only 100 COMPUTE a day, the funder also tops up COMPUTE
// from its genesis balance so that trading can start at once. Validators get the pool's minimum
// stake in UBC and stake it in the ValidatorPool. Each agent registers its identity itself;
// requesters and providers then deposit their COMPUTE into their credit in the WorkMarket (one
// EIP-3009 ReceiveWithAuthorization each, no allowance): fills, quote deposits and bonds are paid
// from the credit, and what they earn is credited there too, so the market's calls move no token
// while trading (a fill writes one contract's storage instead of two).
//
// Trading. A scheduler polls the chain (one MarketView for all: every agent reads the same
// events) and lets every agent `step()`; agents act on their own within their limits. When no
// agent can act and jobs wait only for a deadline (the challenge window before settlement, a
// delivery deadline that lapsed, a stalled committee), the *clock keeper* advances the chain's
// time to the earliest such deadline (`evm_increaseTime`: devnet only, `timeWarp`); it never
// jumps while any agent still has something to do, so no honest deadline is skipped. Without
// time warp (a real chain) the scheduler simply waits.
import type { Address, Hex } from "viem";
import { generatePrivateKey, type PrivateKeyAccount } from "viem/accounts";
import OpenAI from "openai";
import { ABIS } from "../generated/abis.ts";
import { ROLES, UbcClient, type Deployments } from "../sdk/client.ts";
import { Agent, type AgentEvent, type Behaviour } from "../runtime/agent.ts";
import { MarketView, Status, votingOpen, type JobView } from "../runtime/market.ts";
import { TxSender, type Addresses } from "../runtime/tx.ts";
import { connectMarket, depositCredit, loadDeployments } from "../runtime/connect.ts";
import { localAccount } from "../runtime/signer.ts";
import { DEFAULT_LIMITS, E18, SpendGuard, type Limits } from "../runtime/limits.ts";
import { messageKind, repeatFilter } from "./repeats.ts";
import { boundByForeign, OutsiderWatch, waveJump } from "./clock.ts";
import { shareDemand } from "./demand.ts";
import { RulePolicy, type Policy } from "../runtime/policy.ts";
import { LlmPolicy } from "../runtime/llm.ts";
import { IndexerQuoteBook, LocalQuoteBook, type QuoteBook } from "../runtime/quotebook.ts";
import { KINDS, type KindName } from "../runtime/jobs.ts";
import { agentCard, SpecResolver, SpecServer } from "../runtime/specs.ts";

/**
 * Shortest time between two looks at the chain (ms). A look is one request (the view's batched
 * poll); 30 ms, when it was two in a row, left a 10-agent swarm's node idle a third of the time.
 */
const POLL_MS = 15;
/** How long a swarm with demand left waits without any agent acting before it reports a stall. */
const STALL_MS = 10_000;
/** How long the clock keeper waits, with votes of a drawn committee missing, after the last action of any agent. */
const VOTE_GRACE_MS = 400;

/** How long the clock keeper waits, with an open job not yet accepted, after the last action of any agent (ms). */
const OPEN_GRACE_MS = 1_500;

/** How long a leaving swarm's validators may take to cast the votes they owe (ms). */
const DUTY_MS = 30_000;

/** How long after its end a continuous swarm's view may forget a job (blocks; see MarketView.dropEnded). */
const DROP_AFTER_BLOCKS = 256n;
/** How often a continuous swarm's view forgets the jobs it is done with (ms). */
const DROP_EVERY_MS = 10_000;

/** How often a continuous swarm with `topUp` looks at its requesters' credit (ms). */
const TOP_UP_MS = 15_000;

/** Hardhat's first development account (the devnet's deployer); public test key, devnet only. */
const HARDHAT_DEPLOYER_KEY: Hex = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

export interface SwarmOptions {
  /** Number of honest agents (validators, providers and requesters). */
  agents: number;
  /** Jobs to trade end to end (ignored with `continuous`). */
  jobs: number;
  /** Keep trading until `signal` aborts. */
  continuous?: boolean;
  /** Add adversaries: a lazy provider, a cheating provider, two validators colluding with it, a requester that never publishes its specs and one whose specs ask ten times the work they pay for. */
  adversarial?: boolean;
  rpcUrl?: string;
  /** The deployments object or file; default DEPLOYMENTS_DIR/<network>.json. */
  deployments?: Deployments | string;
  network?: string;
  /** Post and read quotes on the indexer's quote board (SIWE) instead of an in-process book. */
  indexerUrl?: string;
  /** Funds the agents; default FUNDER_KEY, or Hardhat's deployer key on chain 31337. */
  funderKey?: Hex;
  /** Seed of the swarm's choices (printed; the same seed replays the same decisions). */
  seed?: number;
  /** Agents that use the LLM policy (default: none; all need `llm`). */
  llmAgents?: number;
  /** An OpenAI-compatible endpoint: for the LLM policy and for model jobs. */
  llm?: { apiKey: string; baseURL?: string; model?: string };
  /** Share of requesters that buy model jobs ("llm-text") too; needs `llm` (default 0.3 with llm). */
  modelShare?: number;
  /** Requesters that buy model jobs buy nothing else (default false: they buy both kinds). */
  modelOnly?: boolean;
  /** Advance chain time when only deadlines remain (default: on for chain 31337 with automine). */
  timeWarp?: boolean;
  /**
   * Paces the time warp: the chain's clock moves on by at most one day per `dayMs` of trading
   * (after a jump of d seconds, the next waits d / 86,400 × dayMs), so that a devnet that trades
   * for an hour lives through weeks, not years. A continuous swarm then trades in waves: for
   * dayMs it places jobs, then lets those in flight finish (no new ones), jumps, settles, and
   * goes on. Default 0: a jump as soon as only deadlines remain (a continuous swarm whose agents
   * never pause then settles only when it stops). Not while a stopping swarm finishes its jobs.
   */
  dayMs?: number;
  /**
   * Where the requesters' spec endpoint listens (default 127.0.0.1, a free port; `specsPublicHost`
   * is the host other machines reach it at). Its URL goes into every requester's agent card.
   */
  specsHost?: string;
  specsPublicHost?: string;
  /** Providers fetch every spec over HTTP from the requester's endpoint, as separate processes do. */
  specsOverHttp?: boolean;
  /** Jobs one requester keeps in flight (an owner's limit; default 4). */
  inFlight?: number;
  /** The share (0..1) of each requester's jobs placed as open jobs (`createJob`) that providers accept, instead of filling quotes; default 0. */
  openJobs?: number;
  feedback?: "both" | "requester" | "none";
  limits?: Partial<Limits>;
  /**
   * (continuous) The owner keeps its requesters funded: every TOP_UP_MS (or `everyMs`) the swarm reads each
   * honest requester's market credit and gas, and when the credit is under a quarter of the
   * hourly limit the funder sends an hour's limit of COMPUTE, which the requester deposits (gas:
   * 10 ETH under 1). A continuous swarm without it trades until its requesters' first funding is
   * spent (a million COMPUTE each); with it, each starts with an hour's limit and trades for as
   * long as the funder holds COMPUTE.
   */
  topUp?: boolean | { everyMs: number };
  /**
   * Keys of validators already staked on this chain (the devnet seed's) that the swarm runs too:
   * they attest on the committees they are drawn for and claim their fees, like the swarm's own
   * validators, but are not funded, registered or staked by it and stay bonded when it leaves.
   * Without them, committees that draw such validators get no vote from them and wait out their
   * validation period.
   */
  validatorKeys?: Hex[];
  signal?: AbortSignal;
  /** Called after each scheduler step. */
  onProgress?: (p: SwarmProgress) => void;
  /** Called once, when the agents are set up and trading starts. */
  onReady?: (info: { agents: AgentInfo[] }) => void;
  log?: (line: string) => void;
  /** Hard stop for a finite run (ms, default 30 minutes). */
  timeoutMs?: number;
}

export interface AgentInfo {
  name: string;
  address: Address;
  agentId: bigint;
  roles: string[];
  behaviour: Behaviour;
  policy: string;
}

export interface SwarmProgress {
  target: number;
  settled: number;
  failed: number;
  inFlight: number;
  txs: number;
  elapsedMs: number;
  chainTime: bigint;
}

export interface AgentPnl extends AgentInfo {
  /** COMPUTE (balance + market credit) change over the run, wei. */
  compute: bigint;
  /** Of which staking rewards claimed. */
  stakingRewards: bigint;
  /** Trading P&L: `compute − stakingRewards`. */
  trading: bigint;
  /** UBC slashed from its validator stake. */
  slashedUbc: bigint;
  txs: number;
  reverted: number;
  refusals: number;
  /** Requesters: the jobs it was given to buy, and those it got done with the provider paid (its retries included). */
  jobsWanted?: number;
  jobsPaid?: number;
}

export interface SwarmSummary {
  seed: number;
  agents: number;
  jobsCreated: number;
  jobsSettled: number;
  producerWins: number;
  rejected: number;
  expired: number;
  /** Jobs their providers handed back in the decline window (no spec to be found), both sides refunded. */
  declined: number;
  disputes: number;
  /** Jobs between honest parties that did not settle with the provider paid. */
  failedHonest: number;
  /** Jobs whose demand was placed again after they failed their (honest) requester. */
  retried: number;
  /** Jobs placed as open jobs (`createJob`, no quote), and of those, accepted by a provider. */
  openJobs: number;
  openAccepted: number;
  /** Jobs that did not end paid for any reason (adversaries' included). */
  failed: number;
  unplaced: number;
  computePaid: bigint;
  burned: bigint;
  protocolFees: bigint;
  validatorFees: bigint;
  slashedUbc: bigint;
  txs: number;
  reverted: number;
  /** The blocks mined while trading (on an automining devnet: one per transaction, plus empty ones the keeper mined). */
  tradingBlocks: { first: bigint; last: bigint };
  tradingMs: number;
  setupMs: number;
  jobsPerSecond: number;
  txPerSecond: number;
  timeWarps: number;
  /** Top-ups of requesters' credit by their owner (`topUp`). */
  topUps: number;
  /** Specs providers fetched over HTTP from requesters' endpoints. */
  specsFetched: number;
  refusals: number;
  perAgent: AgentPnl[];
  errors: string[];
}

export interface SwarmRun {
  summary: SwarmSummary;
  /**
   * The swarm's jobs as the chain recorded them; of a continuous swarm, those its view still holds
   * (the jobs that ended more than DROP_AFTER_BLOCKS blocks before it stopped, and that its agents
   * were done with, are in the summary's counts only).
   */
  jobs: JobView[];
  /** The agents (for inspection in tests: stats, policies, guards). */
  agents: Agent[];
}

/** Counts of a swarm's jobs by outcome (the summary's), kept for jobs the view has forgotten. */
interface JobTally {
  created: number; settled: number; wins: number; rejected: number; expired: number; declined: number; disputes: number;
  openJobs: number; openAccepted: number; failed: number; failedHonest: number;
  /** Jobs paid to their provider, by requester. */
  paidTo: Map<bigint, number>;
}

const emptyTally = (): JobTally => ({ created: 0, settled: 0, wins: 0, rejected: 0, expired: 0, declined: 0, disputes: 0, openJobs: 0, openAccepted: 0, failed: 0, failedHonest: 0, paidTo: new Map() });

/** Adds one of the swarm's jobs to a tally. */
function countJob(t: JobTally, j: JobView, honestIds: ReadonlySet<bigint>): void {
  t.created++;
  if (j.status === Status.Settled) t.settled++;
  if (j.status === Status.Settled && j.producerWins) t.wins++;
  else if (j.status === Status.Settled) t.rejected++;
  if (j.status === Status.Expired) t.expired++;
  if (j.status === Status.Declined) t.declined++;
  if (j.challenged || j.committeeKind === 2) t.disputes++;
  if (j.resourceKind === undefined) {
    t.openJobs++;
    if (j.provider !== 0n) t.openAccepted++;
  }
  const ok = j.status === Status.Settled && j.producerWins === true;
  if (ok) t.paidTo.set(j.requester, (t.paidTo.get(j.requester) ?? 0) + 1);
  if (!ok) t.failed++;
  if (!ok && honestIds.has(j.requester) && honestIds.has(j.provider)) t.failedHonest++;
}

const fmt = (v: bigint) => {
  const neg = v < 0n;
  const a = neg ? -v : v;
  return `${neg ? "-" : ""}${a / E18}.${((a % E18) / 10n ** 14n).toString().padStart(4, "0")}`;
};
export { fmt as formatCompute };

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32;
  };
}

/** Roles of the swarm's honest agents: about 30% validators (at least 3), the rest half providers, half requesters. */
export function planRoles(n: number): ("validator" | "provider" | "requester")[] {
  if (!Number.isInteger(n) || n < 3) throw new Error(`a swarm needs at least 3 agents (one of each role), got ${n}`);
  const validators = Math.max(n >= 6 ? 3 : 1, Math.floor(n * 0.3));
  const rest = n - validators;
  const providers = Math.ceil(rest / 2);
  return [...Array(validators).fill("validator"), ...Array(providers).fill("provider"), ...Array(rest - providers).fill("requester")];
}

export async function runSwarm(opts: SwarmOptions): Promise<SwarmRun> {
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  if (!opts.continuous && (!Number.isInteger(opts.jobs) || opts.jobs < 1)) throw new Error(`--jobs must be a positive integer, got ${opts.jobs}`);
  if (opts.openJobs !== undefined && !(opts.openJobs >= 0 && opts.openJobs <= 1)) throw new Error(`openJobs must be a share between 0 and 1, got ${opts.openJobs}`);
  if (opts.inFlight !== undefined && (!Number.isInteger(opts.inFlight) || opts.inFlight < 1)) throw new Error(`inFlight must be a positive integer, got ${opts.inFlight}`);
  const dayMs = opts.dayMs ?? 0;
  if (!Number.isFinite(dayMs) || dayMs < 0) throw new Error(`dayMs must be a non-negative number of milliseconds, got ${opts.dayMs}`);
  const seed = opts.seed ?? Math.floor(Math.random() * 2 ** 31);
  const random = rng(seed);
  const rpcUrl = opts.rpcUrl ?? process.env.RPC_URL ?? "http://127.0.0.1:8545";
  const deployments = loadDeployments(opts);
  const addr = (n: string) => deployments.contracts[n].address as Address;
  const { env, client, chainId } = await connectMarket(rpcUrl, deployments);
  const timeWarp = opts.timeWarp ?? (chainId === 31337 && env.automine);
  const addresses: Addresses = Object.fromEntries(Object.entries(deployments.contracts).map(([k, v]) => [k, v.address as Address]));
  const funderKey = opts.funderKey ?? (process.env.FUNDER_KEY as Hex | undefined) ?? (chainId === 31337 ? HARDHAT_DEPLOYER_KEY : undefined);
  if (!funderKey) throw new Error("no funder: set FUNDER_KEY (an account holding UBC, COMPUTE and gas)");
  const funder = new TxSender(localAccount(funderKey), env, addresses);
  log(`swarm: seed ${seed} (SWARM_SEED=${seed} replays the agents' choices), chain ${chainId} at ${rpcUrl}, time warp ${timeWarp ? (dayMs > 0 ? `on (a day per ${dayMs / 1000} s at most)` : "on") : "off"}`);

  // ---------------------------------------------------------------- plan
  /** `validatorId`: a standing validator (validatorKeys), already staked, that the swarm only runs. */
  type Plan = { role: "validator" | "provider" | "requester"; behaviour: Behaviour; validatorId?: bigint };
  const plan: Plan[] = planRoles(opts.agents).map((role) => ({ role, behaviour: "honest" }));
  if (opts.adversarial) {
    plan.push(
      { role: "provider", behaviour: "lazy" }, { role: "provider", behaviour: "cheater" }, { role: "validator", behaviour: "colluder" }, { role: "validator", behaviour: "colluder" },
      { role: "requester", behaviour: "ghost" }, { role: "requester", behaviour: "greedy" },
    );
  }
  const honestValidators = plan.filter((p) => p.role === "validator" && p.behaviour === "honest").length;
  if (opts.adversarial && honestValidators < 6) log(`swarm: warning: ${honestValidators} honest validators; with fewer than 6 a colluding pair can win an escalation (use --agents ≥ 20)`);
  const minStake = ((await client.readContract({ address: addr("ValidatorPool"), abi: ABIS.ValidatorPool, functionName: "params" })) as readonly [bigint, ...unknown[]])[0];
  const requesters = plan.filter((p) => p.role === "requester").length;
  const jobsPer = opts.continuous ? 0 : Math.ceil(opts.jobs / requesters);
  // COMPUTE top-up: a requester gets ~1,000 per job it will buy (a continuous swarm: 1M, which
  // lasts thousands of jobs; with topUp: an hour's limit, topped up as it runs low), a provider
  // 10,000 for its deposits
  const limits: Limits = { ...DEFAULT_LIMITS, ...opts.limits };
  const computeFor = (p: Plan) => (p.role === "requester" ? (opts.continuous ? (opts.topUp ? limits.spendPerHour : 1_000_000n * E18) : BigInt(jobsPer + 8) * 1_000n * E18) : p.role === "provider" ? 10_000n * E18 : 0n);
  const STAKE = 100_000n * E18;
  const needUbc = plan.reduce((s, p) => s + STAKE + (p.role === "validator" ? minStake : 0n), 0n);
  const needCompute = plan.reduce((s, p) => s + computeFor(p), 0n);
  const [ubcBal, computeBal] = await Promise.all([
    client.readContract({ address: addr("UBCToken"), abi: ABIS.UBCToken, functionName: "balanceOf", args: [funder.address] }) as Promise<bigint>,
    client.readContract({ address: addr("ComputeToken"), abi: ABIS.ComputeToken, functionName: "balanceOf", args: [funder.address] }) as Promise<bigint>,
  ]);
  if (ubcBal < needUbc) throw new Error(`the funder ${funder.address} holds ${fmt(ubcBal)} UBC, the swarm needs ${fmt(needUbc)}`);
  if (computeBal < needCompute) throw new Error(`the funder ${funder.address} holds ${fmt(computeBal)} COMPUTE, the swarm needs ${fmt(needCompute)}`);

  // standing validators (validatorKeys): staked already; the swarm only runs them (checked before
  // anything is spent on the setup)
  const standingValidators: { account: PrivateKeyAccount; validatorId: bigint; agentId: bigint }[] = [];
  for (const key of opts.validatorKeys ?? []) {
    const account = localAccount(key);
    const validatorId = (await client.readContract({ address: addr("ValidatorPool"), abi: ABIS.ValidatorPool, functionName: "validatorIdOf", args: [account.address] })) as bigint;
    if (validatorId === 0n) throw new Error(`validatorKeys: ${account.address} is not a validator in the ValidatorPool at ${addr("ValidatorPool")}`);
    const v = (await client.readContract({ address: addr("ValidatorPool"), abi: ABIS.ValidatorPool, functionName: "getValidator", args: [validatorId] })) as { agentId: number; active: boolean };
    if (!v.active) log(`swarm: validator ${validatorId} (${account.address}) is not active (unbonding, or under the minimum stake): not run`);
    else standingValidators.push({ account, validatorId, agentId: BigInt(v.agentId) });
  }

  // ---------------------------------------------------------------- setup
  const t0 = Date.now();
  const startBlock = await client.getBlockNumber();
  const accounts: PrivateKeyAccount[] = plan.map(() => localAccount(generatePrivateKey()));
  await funder.call("UBCToken", "approve", [addr("StakingVault"), needUbc]);
  const funding: Promise<unknown>[] = [];
  plan.forEach((p, i) => {
    const a = accounts[i].address;
    funding.push(funder.transfer(a, 10n * E18));
    funding.push(funder.call("StakingVault", "stakeFor", [a, 2, STAKE]));
    if (computeFor(p) > 0n) funding.push(funder.call("ComputeToken", "transfer", [a, computeFor(p)]));
    if (p.role === "validator") funding.push(funder.call("UBCToken", "transfer", [a, minStake]));
  });
  await Promise.all(funding);
  const senders = accounts.map((acc) => new TxSender(acc, env, addresses));
  // specs: the requesters' endpoint (named in their agent cards) and the providers' resolver
  const specServer = new SpecServer();
  const specsUrl = await specServer.listen(opts.specsHost ?? "127.0.0.1", 0, opts.specsPublicHost);
  // (with the indexer: also its public spec store, where requesters outside the swarm — the web
  // app's fills — publish their specs)
  const specs = new SpecResolver(client, addr("AgentRegistry"), undefined, opts.indexerUrl ? [`${opts.indexerUrl.replace(/\/+$/, "")}/specs/`] : []);
  const roleBits = { validator: ROLES.VALIDATOR, provider: ROLES.PROVIDER, requester: ROLES.REQUESTER };
  const depositsValidBefore = (await client.getBlock({ blockTag: "latest" })).timestamp + 3_600n;
  const ids = await Promise.all(plan.map(async (p, i) => {
    const s = senders[i];
    const card = agentCard({ name: `swarm-${p.role}-${i}`, behaviour: p.behaviour, ...(p.role === "requester" ? { specs: specsUrl } : {}) });
    await s.call("AgentRegistry", "register", [card, roleBits[p.role]]);
    const agentId = (await client.readContract({ address: addr("AgentRegistry"), abi: ABIS.AgentRegistry, functionName: "agentOfWallet", args: [s.address] })) as bigint;
    if (p.role === "validator") {
      await s.call("UBCToken", "approve", [addr("ValidatorPool"), minStake]);
      await s.call("ValidatorPool", "stake", [agentId, minStake]);
    } else await depositCredit(s, agentId, computeFor(p), depositsValidBefore);
    return agentId;
  }));

  for (const v of standingValidators) {
    plan.push({ role: "validator", behaviour: "honest", validatorId: v.validatorId });
    accounts.push(v.account);
    senders.push(new TxSender(v.account, env, addresses));
    ids.push(v.agentId);
  }
  // the view follows the ReputationRegistry from the swarm's first block: the swarm's agents are
  // new, so every rating they have is in that range
  // each poll of the view is one batch request (the newest block and the logs since the last poll)
  const view = new MarketView(client, { market: addr("WorkMarket"), pool: addr("ValidatorPool"), vault: addr("StakingVault"), reputation: addr("ReputationRegistry") }, startBlock, {
    batch: (calls) => env.rpcBatch(calls),
  });
  const claimed = new Map<string, bigint>();
  // jobs of other swarms or agents on the same chain (e.g. npm start's own swarm): when one of
  // their events was seen last (wall clock), see the clock keeper below
  const ourRequesterIds = new Set<bigint>();
  let foreignActivityAt = 0;
  view.onEvent((name, a, l) => {
    if (a.jobId !== undefined && !ourRequesterIds.has(view.jobs.get(a.jobId as bigint)?.requester ?? 0n)) foreignActivityAt = Date.now();
    if (name === "Claimed" && l.address.toLowerCase() === addr("StakingVault").toLowerCase()) {
      const k = (a.owner as string).toLowerCase();
      claimed.set(k, (claimed.get(k) ?? 0n) + (a.amount as bigint));
    }
  });
  await view.poll();
  const book: QuoteBook = opts.indexerUrl ? new IndexerQuoteBook(opts.indexerUrl) : new LocalQuoteBook(chainId, addr("WorkMarket"));
  const llmClient = opts.llm ? new OpenAI({ apiKey: opts.llm.apiKey, baseURL: opts.llm.baseURL, timeout: 60_000, maxRetries: 1 }) : undefined;
  const errors: string[] = [];
  // the same refusal (or error) of one agent is shown once a minute at most, with the count left out
  const repeats = repeatFilter(60_000);
  const onEvent = (e: AgentEvent) => {
    if (e.kind === "info") return;
    const line = `${e.agent}: ${e.kind === "refused" ? "refused " : ""}${e.message}`;
    if (errors.length < 200) errors.push(line);
    if (e.kind !== "refused" && !process.env.SWARM_VERBOSE) return;
    const left = repeats(`${e.agent}:${e.kind}:${messageKind(e.message)}`);
    if (left !== undefined) log(`swarm: ${line}${left > 0 ? ` (${left} more like it in the last minute, not shown)` : ""}`);
  };
  const cheaters = new Set<bigint>();
  plan.forEach((p, i) => p.behaviour === "cheater" && cheaters.add(ids[i]));
  const modelShare = opts.llm ? (opts.modelShare ?? 0.3) : 0;
  let llmLeft = opts.llm ? (opts.llmAgents ?? 0) : 0;
  let txCount = 0;
  let reverted = 0;
  // after kicking the agents the scheduler looks at the chain again once their actions are done,
  // after 15 ms, or as soon as one of their transactions is answered (a new block, on automine);
  // at most every POLL_MS
  let wake: (() => void) | undefined;
  const txDone = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  let tradingStart = 0;
  let counting = false;
  const agents = plan.map((p, i) => {
    const name = p.validatorId !== undefined ? `standing-validator-${p.validatorId}` : `${p.behaviour === "honest" ? "" : `${p.behaviour}-`}${p.role}-${i}`;
    let policy: Policy = new RulePolicy({ random: rng(seed + i + 1) });
    if (llmLeft > 0 && p.role !== "validator" && p.behaviour === "honest") {
      llmLeft--;
      policy = new LlmPolicy({ apiKey: opts.llm!.apiKey, baseURL: opts.llm!.baseURL, model: opts.llm!.model, log: (l) => log(`swarm: ${name}: ${l}`) });
    }
    const kinds: KindName[] = p.role === "requester" ? (random() < modelShare ? (opts.modelOnly ? [KINDS.LLM] : [KINDS.SHA256, KINDS.LLM]) : [KINDS.SHA256]) : p.role === "provider" && llmClient ? [KINDS.SHA256, KINDS.LLM] : [KINDS.SHA256];
    const s = senders[i];
    s.onSent = (ok) => {
      if (counting) {
        txCount++;
        if (!ok) reverted++;
      }
      txDone();
    };
    const agent = new Agent({
      name, roles: roleBits[p.role], tx: s, view, book, policy, guard: new SpendGuard(limits), agentId: ids[i], behaviour: p.behaviour,
      kinds, llm: llmClient, model: opts.llm?.model, openQuotes: 3, partners: cheaters, feedback: opts.feedback ?? "both",
      random: rng(seed * 31 + i), onEvent,
      // adversaries undercut the market to get filled; honest providers price from a cost of 40–60 COMPUTE a unit
      costPerUnit: p.behaviour === "honest" ? { "sha256-iter": BigInt(40 + Math.floor(random() * 20)) * E18, "llm-text": 60n * E18 } : { "sha256-iter": 25n * E18, "llm-text": 35n * E18 },
      client: opts.indexerUrl ? new UbcClient({ rpcUrl, account: accounts[i], deployments }) : undefined,
      specs, specServer, remoteSpecs: opts.specsOverHttp,
      // honest requesters place a failed job's demand again with another provider (twice at most)
      retries: p.behaviour === "honest" ? 2 : 0,
      openJobs: opts.openJobs,
    });
    agent.maxInFlight = opts.inFlight ?? 4;
    agent.validatorId = p.validatorId ?? view.validatorOfAgent.get(ids[i]);
    return agent;
  });
  const requesterAgents = agents.filter((a) => a.is(ROLES.REQUESTER));
  for (const a of requesterAgents) ourRequesterIds.add(a.agentId);
  // (topUp) the owner's top-ups of its honest requesters: credit under a quarter of the hourly
  // limit gets an hour's limit more (the funder's COMPUTE, deposited by the requester itself)
  let topUps = 0;
  const topUpEvery = typeof opts.topUp === "object" ? opts.topUp.everyMs : TOP_UP_MS;
  let nextTopUpAt = Date.now() + topUpEvery;
  let toppingUp: Promise<void> | undefined;
  const topUp = async (): Promise<void> => {
    const amount = limits.spendPerHour;
    for (const a of requesterAgents) {
      if (a.behaviour !== "honest" || opts.signal?.aborted) continue;
      const [credit, gas] = await Promise.all([
        client.readContract({ address: addr("WorkMarket"), abi: ABIS.WorkMarket, functionName: "credits", args: [a.agentId] }) as Promise<bigint>,
        client.getBalance({ address: a.address }),
      ]);
      if (gas < E18) await funder.transfer(a.address, 10n * E18);
      if (credit >= amount / 4n) continue;
      await funder.call("ComputeToken", "transfer", [a.address, amount]);
      await depositCredit(a.tx, a.agentId, amount, (await client.getBlock({ blockTag: "latest" })).timestamp + 3_600n);
      topUps++;
      log(`swarm: ${a.name}'s market credit was ${fmt(credit)} COMPUTE: its owner topped it up with ${fmt(amount)} (the hourly limit)`);
    }
  };
  // (a swarm of M jobs) the jobs not yet handed to a requester: each look gives every requester as
  // many as it has room to place (`shareDemand`, demand.ts), so the requesters that get through their jobs
  // faster buy more, and all of them run out of demand near the same time. With M / requesters
  // each, fixed up front, a 100-agent swarm's requesters ran out over 1.6 s (the first at 3.2 s of
  // trading, the last at 4.8 s), and in the end the few left placed their last jobs six at a time
  // while the node waited between their steps (docs/benchmarks.md, thirty-third round).
  // An adversarial requester (ghost, greedy) still gets its even share up front: what it does
  // with it is what the adversarial swarm shows.
  let demandPool = opts.continuous ? 0 : opts.jobs;
  /** Per requester: the jobs it was handed (its retries of failed ones not counted). */
  const wanted = new Map(requesterAgents.map((a) => [a.agentId, 0]));
  const honestRequesters = requesterAgents.filter((a) => a.behaviour === "honest");
  const pooled = honestRequesters.length > 0 ? honestRequesters : requesterAgents;
  if (!opts.continuous) {
    for (const a of requesterAgents) {
      if (pooled.includes(a)) continue;
      a.demand = Math.min(demandPool, Math.floor(opts.jobs / requesterAgents.length));
      demandPool -= a.demand;
      wanted.set(a.agentId, a.demand);
    }
  }
  /** Jobs not yet placed: the pool's and those the requesters hold. */
  const demandLeft = () => demandPool + requesterAgents.reduce((s, a) => s + a.demand, 0);
  let shareFrom = 0;
  const handOut = () => {
    const { given, left } = shareDemand(demandPool, pooled, shareFrom);
    given.forEach((g, i) => {
      if (g > 0) wanted.set(pooled[i].agentId, wanted.get(pooled[i].agentId)! + g);
    });
    demandPool = left;
    shareFrom = (shareFrom + 1) % Math.max(1, pooled.length);
  };
  const infos: AgentInfo[] = agents.map((a, i) => ({
    name: a.name, address: a.address, agentId: a.agentId, behaviour: a.behaviour, policy: a.policy.name,
    roles: [a.is(ROLES.PROVIDER) && "provider", a.is(ROLES.REQUESTER) && "requester", a.is(ROLES.VALIDATOR) && "validator"].filter(Boolean) as string[],
  }));
  void ids;
  const readCompute = async (a: Agent) => {
    const [bal, credit] = await Promise.all([
      client.readContract({ address: addr("ComputeToken"), abi: ABIS.ComputeToken, functionName: "balanceOf", args: [a.address] }) as Promise<bigint>,
      client.readContract({ address: addr("WorkMarket"), abi: ABIS.WorkMarket, functionName: "credits", args: [a.agentId] }) as Promise<bigint>,
    ]);
    return bal + credit;
  };
  const startCompute = await Promise.all(agents.map(readCompute));
  const setupMs = Date.now() - t0;
  log(`swarm: ${agents.length} agents set up in ${(setupMs / 1000).toFixed(1)} s (${plan.filter((p) => p.role === "validator").length} validators${standingValidators.length ? `, ${standingValidators.length} of them standing` : ""}, ${plan.filter((p) => p.role === "provider").length} providers, ${requesters} requesters${opts.adversarial ? "; adversaries: lazy provider, cheating provider, 2 colluding validators, ghost and greedy requesters" : ""})`);

  // ---------------------------------------------------------------- trading
  const firstBlock = (await client.getBlockNumber({ cacheTime: 0 })) + 1n;
  tradingStart = Date.now();
  counting = true;
  opts.onReady?.({ agents: infos });
  const ours = (requester: bigint) => requesterAgents.some((a) => a.agentId === requester);
  const honestIds = new Set(agents.filter((a) => a.behaviour === "honest").map((a) => a.agentId));
  let warps = 0;
  // (dayMs) the wall-clock time before which the clock keeper may not jump again; a continuous
  // swarm trades for dayMs before its first
  let nextWarpAt = opts.continuous && dayMs > 0 ? Date.now() + dayMs : 0;
  let holding = false;
  let idle = 0;
  let lastActivity = -1;
  let lastActiveAt = Date.now();
  let lastProgress = 0;
  let lastPoll = 0;
  let stopping = false;
  let drainUntil = 0;
  const timeout = Date.now() + (opts.timeoutMs ?? 30 * 60_000);
  // (continuous) jobs the view forgot once ended and done with (dropEnded), counted here
  const dropped = emptyTally();
  const ourAgentIds = new Set(agents.map((a) => a.agentId));
  const ourValidatorIds = new Set(agents.flatMap((a) => (a.validatorId === undefined ? [] : [a.validatorId])));
  let nextDropAt = 0;
  // jobs of ours waiting on an agent outside the swarm (clock.ts; see the clock keeper below)
  const outsiderWatch = new OutsiderWatch(ourAgentIds, ourValidatorIds);
  view.onEvent((name, a) => {
    if (name === "Attested") outsiderWatch.acted(`v:${a.validatorId}`);
    else if (name === "JobSubmitted") outsiderWatch.acted(`p:${view.jobs.get(a.jobId as bigint)?.provider}`);
  });
  const progress = (): SwarmProgress => {
    let settled = dropped.wins;
    let failed = dropped.failed;
    let inFlight = 0;
    for (const j of view.jobs.values()) {
      if (!ours(j.requester)) continue;
      if (j.status === Status.Settled && j.producerWins) settled++;
      else if (j.status === Status.Settled || j.status === Status.Expired || j.status === Status.Cancelled || j.status === Status.Declined) failed++;
      else inFlight++;
    }
    return { target: opts.continuous ? 0 : opts.jobs, settled, failed, inFlight, txs: txCount, elapsedMs: Date.now() - tradingStart, chainTime: view.time };
  };
  while (true) {
    if (opts.signal?.aborted && !stopping) {
      stopping = true;
      drainUntil = Date.now() + 15_000;
      demandPool = 0;
      for (const a of requesterAgents) a.demand = 0;
      log("swarm: stopping: no new jobs; finishing the jobs in flight (15 s at most)");
    }
    if (stopping && Date.now() > drainUntil) break;
    if (Date.now() > timeout) {
      errors.push("swarm: timed out");
      for (const j of view.jobs.values()) {
        if (ours(j.requester) && j.status !== Status.Settled && j.status !== Status.Expired && j.status !== Status.Declined) {
          errors.push(`  job ${j.id}: status ${j.status}, deadline ${j.deadline} (now ${view.time}), committee ${j.committee?.join(",") ?? "-"} kind ${j.committeeKind ?? "-"}, votes ${[...j.votes].map(([k, v]) => `${k}:${v}`).join(",")}, block ${view.block} seed ${j.seedBlock} drawn ${j.drawnBlock}`);
        }
      }
      break;
    }
    // (paced, continuous) a jump is due: no new jobs until the clock has moved
    if (opts.continuous && dayMs > 0 && !holding && Date.now() >= nextWarpAt) {
      holding = true;
      for (const a of requesterAgents) a.demand = 0;
    }
    if (opts.continuous && !stopping && !holding) for (const a of requesterAgents) a.demand = Math.max(a.demand, 1);
    // (continuous) the view forgets jobs that ended DROP_AFTER_BLOCKS ago and that no agent of
    // ours still lists, counted in `dropped` first: memory and every walk over the view's jobs stay
    // bounded by the jobs in flight, however long the swarm runs
    if (opts.continuous && Date.now() >= nextDropAt) {
      nextDropAt = Date.now() + DROP_EVERY_MS;
      view.dropEnded(DROP_AFTER_BLOCKS, (j) => view.listedFor(j, ourAgentIds, ourValidatorIds), (j) => {
        if (ours(j.requester)) countJob(dropped, j, honestIds);
      });
    }
    if (opts.continuous && opts.topUp && !stopping && !toppingUp && Date.now() >= nextTopUpAt) {
      toppingUp = topUp()
        .catch((err) => log(`swarm: topping up the requesters failed (tried again in ${topUpEvery / 1000} s): ${(err as Error).message.split("\n")[0]}`))
        .finally(() => {
          toppingUp = undefined;
          nextTopUpAt = Date.now() + topUpEvery;
        });
    }
    const since = Date.now() - lastPoll;
    if (since < POLL_MS) await new Promise((r) => setTimeout(r, POLL_MS - since));
    lastPoll = Date.now();
    await view.poll();
    if (demandPool > 0 && !stopping) handOut();
    for (const a of agents) a.kick();
    // let the actions run: until all are done, a short tick or a transaction's answer, then look at the chain again
    const running = agents.flatMap((a) => [...a.running]);
    if (running.length > 0) await Promise.race([Promise.all(running), new Promise((r) => setTimeout(r, 15)), new Promise<void>((r) => (wake = r))]);
    const busy = agents.some((a) => a.running.size > 0);
    const activity = agents.reduce((s, a) => s + a.activity, 0);
    if (Date.now() - lastProgress > 250) {
      lastProgress = Date.now();
      opts.onProgress?.(progress());
    }
    if (busy || activity !== lastActivity) {
      lastActivity = activity;
      lastActiveAt = Date.now();
      idle = 0;
      continue;
    }
    idle++;
    await view.poll();
    // nobody could act: what are the jobs waiting for?
    let blockGated = false;
    let nextDeadline: bigint | undefined;
    let lastDeadline: bigint | undefined;
    let open = 0;
    // Another swarm's jobs that wait on an action before their deadline (acceptance, delivery, votes): the
    // clock must not jump past that deadline while that swarm is active (it cannot know that we
    // are idle, nor we that it is), or its honest jobs expire or finalize without their votes.
    // Its jobs only waiting for a challenge window to end may be passed, as ours; a swarm whose
    // jobs saw no event for 10 s is taken to be gone (its jobs are then the expiry path's).
    // Jobs of ours that wait on an agent outside the swarm (a provider that took our requester's
    // job through its quote, a validator of another swarm in the committee; say `npm run agent`
    // beside npm start's swarm) bound the clock the same way, for OUTSIDER_GRACE_MS after they
    // started to wait on it: our agents being idle says nothing about that agent. One that has not
    // acted by then is taken to be gone.
    let foreignLimit: bigint | undefined;
    const foreignActive = Date.now() - foreignActivityAt < 10_000;
    outsiderWatch.begin();
    for (const j of view.jobs.values()) {
      if (!ours(j.requester)) {
        if (foreignActive && (j.status === Status.Open || j.status === Status.Accepted || j.status === Status.Submitted || j.status === Status.Disputed) && j.deadline > view.time) {
          if (foreignLimit === undefined || j.deadline < foreignLimit) foreignLimit = j.deadline;
        }
        continue;
      }
      if (j.deadline > view.time && outsiderWatch.holds(j, Date.now())) {
        if (foreignLimit === undefined || j.deadline < foreignLimit) foreignLimit = j.deadline;
      }
      if (j.status === Status.Submitted && j.committee === undefined) blockGated = true;
      if (j.status === Status.Disputed && j.armedSeed !== undefined) blockGated = true;
      // votes still expected from late members: a few more steps, and VOTE_GRACE_MS since any agent
      // last acted, before the clock may move (a member backing off after a failed try, or slowed
      // by a loaded machine, still gets its vote in: a count of fast steps alone is too short)
      if ((j.status === Status.Submitted || j.status === Status.Disputed) && j.committee && j.votes.size < j.committee.length && (idle < 5 || Date.now() - lastActiveAt < VOTE_GRACE_MS)) blockGated = true;
      // an open job: providers take their turns to look at it (up to a second apart), so the clock
      // waits OPEN_GRACE_MS after any agent's last action before it may pass the accept deadline
      if (j.status === Status.Open && j.deadline >= view.time && Date.now() - lastActiveAt < OPEN_GRACE_MS) blockGated = true;
      if (j.status >= Status.Open && j.status <= Status.Disputed) {
        open++;
        if (nextDeadline === undefined || j.deadline < nextDeadline) nextDeadline = j.deadline;
        if (lastDeadline === undefined || j.deadline > lastDeadline) lastDeadline = j.deadline;
      }
    }
    outsiderWatch.end();
    if (blockGated && idle < 50) {
      if (env.automine) await env.rpc("evm_mine", []);
      else await new Promise((r) => setTimeout(r, 1_000));
      continue;
    }
    if (open > 0 && nextDeadline !== undefined) {
      if (timeWarp) {
        // Past every deadline the waiting jobs have, up to a day beyond the earliest: nobody can
        // act (all honest actions are done), so no honest window is skipped, and one jump lets a
        // whole wave settle instead of the few jobs at the earliest deadline.
        const jump = waveJump({ now: view.time, nextDeadline, lastDeadline: lastDeadline!, foreignLimit, foreignActive });
        if (jump.wait) {
          // none of ours can move before another swarm's pending deadline: let that swarm act first
          await new Promise((r) => setTimeout(r, 100));
          continue;
        }
        const delta = Number(jump.seconds);
        if (delta > 0 && !stopping && Date.now() < nextWarpAt) {
          // paced (dayMs): the agents go on trading meanwhile (new jobs, votes), then one jump
          // settles everything waiting by then
          await new Promise((r) => setTimeout(r, Math.min(100, nextWarpAt - Date.now())));
          continue;
        }
        if (delta > 0) {
          await env.rpc("evm_increaseTime", [delta]);
          warps++;
          if (dayMs > 0) nextWarpAt = Date.now() + (delta / 86_400) * dayMs;
        }
        await env.rpc("evm_mine", []);
        if (holding) {
          holding = false;
          if (nextWarpAt <= Date.now()) nextWarpAt = Date.now() + dayMs;
        }
      } else await new Promise((r) => setTimeout(r, 2_000));
      continue;
    }
    if (holding) {
      // a wave's jump was due and nothing of ours waits for a deadline: the clock moves on by a
      // day anyway (the devnet's pace; no job of ours is in flight to skip), which also lets
      // quotes lapse that nobody fills (priced over every requester's limit, they would otherwise
      // hold their providers' places on the board for good); another active swarm's pending
      // deadlines bound it as above (a stopping swarm leaves the clock where it is)
      const target = boundByForeign({ now: view.time, foreignLimit, foreignActive }, view.time + 86_400n);
      if (timeWarp && !stopping && target > view.time) {
        await env.rpc("evm_increaseTime", [Number(target - view.time)]);
        await env.rpc("evm_mine", []);
        warps++;
      }
      holding = false;
      nextWarpAt = Date.now() + dayMs;
      continue;
    }
    const left = demandLeft();
    if (left === 0 && !opts.continuous) break;
    if (stopping) break;
    // demand left but nobody could place it: give the providers a few more rounds, then stop;
    // not before STALL_MS without any action, longer than an agent's longest back-off (8 s), so
    // that a provider waiting to ask again (say, after a refused model answer) gets its turn
    if (env.automine && idle <= 20) await env.rpc("evm_mine", []);
    else await new Promise((r) => setTimeout(r, env.automine ? 250 : 1_000));
    if (idle > 20 && Date.now() - lastActiveAt > STALL_MS && !opts.continuous) {
      errors.push(`swarm: stalled with ${left} jobs unplaced (no acceptable quote)`);
      break;
    }
  }
  // the actions still running belong to trading (their transactions are counted): let them end,
  // then stop counting, so that the count and the trading blocks cover the same transactions (the
  // providers' and validators' leaving transactions in retire() below are not trading)
  await Promise.race([Promise.all([toppingUp, ...agents.flatMap((a) => [...a.running])]), new Promise((r) => setTimeout(r, 30_000))]);
  counting = false;
  const tradingMs = Date.now() - tradingStart;
  const lastBlock = await client.getBlockNumber({ cacheTime: 0 });
  const sendMs = agents.reduce((s, a) => s + a.tx.stats.ms, 0);
  const sends = agents.reduce((s, a) => s + a.tx.stats.sent, 0);
  log(`swarm: ${sends} transactions, ${(sendMs / Math.max(1, sends)).toFixed(1)} ms each from signing to the node's answer (mean)`);
  await view.poll();
  // leave cleanly: validators stop being drawn for committees of later runs (standing ones stay)
  const leaving = agents.filter((_, i) => plan[i].validatorId === undefined);
  await Promise.all(leaving.map((a) => a.retire()));
  // then cast the votes they owe: a committee drawn before they left may hold them for
  // another swarm's job, which would otherwise wait out its validation window and be accepted
  // without its committee's votes
  const owedAtExit = await finishDuties(view, leaving, log);
  if (owedAtExit > 0) errors.push(`swarm: left with ${owedAtExit} committee votes not cast (after ${DUTY_MS / 1000} s)`);
  const endCompute = await Promise.all(agents.map(readCompute));
  await specServer.close();

  // ---------------------------------------------------------------- summary
  const t: JobTally = { ...dropped, paidTo: new Map(dropped.paidTo) };
  for (const j of view.jobs.values()) if (ours(j.requester)) countJob(t, j, honestIds);
  const { paidTo, openJobs, openAccepted, created, settled, wins, rejected, expired, declined, failedHonest, failed, disputes } = t;
  const perAgent: AgentPnl[] = agents.map((a, i) => {
    const compute = endCompute[i] - startCompute[i];
    const rewards = claimed.get(a.address.toLowerCase()) ?? 0n;
    return {
      ...infos[i], compute, stakingRewards: rewards, trading: compute - rewards,
      slashedUbc: a.validatorId !== undefined ? (view.slashed.get(a.validatorId) ?? 0n) : 0n,
      txs: a.tx.stats.sent, reverted: a.tx.stats.reverted, refusals: a.stats.refusals + ((a.policy as Partial<LlmPolicy>).refusals?.length ?? 0),
      ...(a.is(ROLES.REQUESTER) && !opts.continuous ? { jobsWanted: wanted.get(a.agentId) ?? 0, jobsPaid: paidTo.get(a.agentId) ?? 0 } : {}),
    };
  });
  const summary: SwarmSummary = {
    seed, agents: agents.length, jobsCreated: created, jobsSettled: settled, producerWins: wins, rejected, expired, declined, disputes,
    failedHonest, retried: agents.reduce((s, a) => s + a.stats.retries, 0), openJobs, openAccepted, failed, unplaced: opts.continuous ? 0 : demandLeft(),
    computePaid: view.totals.paidToProviders, burned: view.totals.burned, protocolFees: view.totals.protocolFees,
    validatorFees: view.totals.validatorFees, slashedUbc: view.totals.slashedUbc,
    txs: txCount, reverted, tradingBlocks: { first: firstBlock, last: lastBlock }, tradingMs, setupMs, jobsPerSecond: wins / (tradingMs / 1000), txPerSecond: txCount / (tradingMs / 1000),
    timeWarps: warps, topUps, specsFetched: specs.fetched, refusals: agents.reduce((s, a) => s + a.stats.refusals + ((a.policy as Partial<LlmPolicy>).refusals?.length ?? 0), 0), perAgent, errors,
  };
  return { summary, jobs: [...view.jobs.values()].filter((j) => ours(j.requester)), agents };
}

/** The summary as text (what the CLI prints). */
export function formatSummary(s: SwarmSummary): string {
  const lines = [
    `swarm summary (seed ${s.seed})`,
    `  agents ${s.agents}; jobs created ${s.jobsCreated}, settled ${s.jobsSettled} (provider paid ${s.producerWins}, work rejected ${s.rejected}), expired ${s.expired}, declined ${s.declined}, unplaced ${s.unplaced}`,
    `  failed ${s.failed} (between honest agents: ${s.failedHonest}; placed again with another provider: ${s.retried}); disputes ${s.disputes}${s.openJobs ? `; open jobs ${s.openJobs} (accepted ${s.openAccepted})` : ""}`,
    `  COMPUTE paid to providers ${fmt(s.computePaid)}, burned ${fmt(s.burned)}, protocol fees ${fmt(s.protocolFees)}, validator fees ${fmt(s.validatorFees)}; UBC slashed ${fmt(s.slashedUbc)}`,
    `  transactions ${s.txs} (${s.reverted} reverted), ${(s.tradingMs / 1000).toFixed(1)} s trading (setup ${(s.setupMs / 1000).toFixed(1)} s): ${s.jobsPerSecond.toFixed(2)} jobs/s, ${s.txPerSecond.toFixed(1)} tx/s; clock advanced ${s.timeWarps}×; policy refusals ${s.refusals}${s.topUps ? `; credit topped up ${s.topUps}×` : ""}`,
    `  per-agent P&L (COMPUTE; trading = change − staking rewards):`,
    ...s.perAgent.map((a) => `    ${a.name.padEnd(24)} agent ${String(a.agentId).padStart(4)} ${a.policy.padEnd(5)} trading ${fmt(a.trading).padStart(12)}  rewards ${fmt(a.stakingRewards).padStart(10)}${a.slashedUbc > 0n ? `  slashed ${fmt(a.slashedUbc)} UBC` : ""}  txs ${a.txs}${a.reverted ? ` (${a.reverted} reverted)` : ""}${a.jobsWanted !== undefined ? `  jobs paid ${a.jobsPaid}/${a.jobsWanted}` : ""}`),
  ];
  if (s.errors.length) lines.push(`  notes (${s.errors.length}):`, ...s.errors.slice(0, 20).map((e) => `    ${e}`));
  return lines.join("\n");
}

/**
 * Votes the given validators owe: open rounds (a job submitted and awaiting its first committee,
 * or disputed and awaiting its escalation committee) whose committee holds one of them without
 * its vote, with the validation window not yet over. Any swarm's jobs count, ours or not.
 */
export function owedVotes(view: Pick<MarketView, "committeeJobs" | "time">, validatorIds: readonly bigint[]): number {
  let owed = 0;
  for (const id of validatorIds) {
    for (const j of view.committeeJobs(id)) {
      if (votingOpen(j) && j.committee?.includes(id) && !j.votes.has(id) && j.deadline > view.time) owed++;
    }
  }
  return owed;
}

/**
 * Lets the swarm's validators vote (nothing else: they have left the market) until they owe no
 * vote (see owedVotes), for DUTY_MS at most; returns the votes still owed then.
 */
async function finishDuties(view: MarketView, agents: readonly Agent[], log: (line: string) => void): Promise<number> {
  const ids = agents.flatMap((a) => (a.validatorId === undefined ? [] : [a.validatorId]));
  const until = Date.now() + DUTY_MS;
  let owed = owedVotes(view, ids);
  if (owed > 0) log(`swarm: our validators owe ${owed} votes on open rounds; casting them before leaving`);
  while (owed > 0 && Date.now() < until) {
    for (const a of agents) a.kickVotes();
    const running = agents.flatMap((a) => [...a.running]);
    await Promise.race([Promise.all(running), new Promise((r) => setTimeout(r, POLL_MS))]);
    await view.poll();
    owed = owedVotes(view, ids);
  }
  return owed;
}
