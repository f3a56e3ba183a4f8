// One autonomous agent, run on its own: the runtime's Agent (agent.ts) with the key, roles, policy
// and limits its owner gives, trading on a shared market (the indexer's quote board and spec
// store) beside whoever else trades there — on the `npm start` devnet, the devnet's swarm. The
// swarm (swarm/swarm.ts) makes and funds its agents; this host takes an existing key and what its
// wallet holds: it registers the agent (or reuses the one the wallet operates, adding missing
// roles), stakes a validator's minimum, and tops the agent's market credit up from its wallet,
// then looks at the chain every `pollMs` and lets the agent act. It never moves the chain's clock.
// Stopping (the signal): no new purchases, the actions in flight get `drainMs` to finish, a
// provider withdraws its open quotes on chain; a validator stays staked unless `unbondOnStop`.
import type { Address, Hex } from "viem";
import { ABIS } from "../generated/abis.ts";
import { ROLES, UbcClient, type Deployments } from "../sdk/client.ts";
import { Agent, type AgentEvent } from "./agent.ts";
import { MarketView, Status, type JobView } from "./market.ts";
import { TxSender, type Addresses } from "./tx.ts";
import { localAccount } from "./signer.ts";
import { DEFAULT_LIMITS, E18, formatCompute, SpendGuard, type Limits } from "./limits.ts";
import OpenAI from "openai";
import { RulePolicy, type Policy } from "./policy.ts";
import { LlmPolicy } from "./llm.ts";
import { IndexerQuoteBook } from "./quotebook.ts";
import { KINDS, type KindName } from "./jobs.ts";
import { agentCard, SpecResolver, SpecServer } from "./specs.ts";
import { connectMarket, depositCredit, loadDeployments } from "./connect.ts";

export type RoleName = "provider" | "requester" | "validator";
const ROLE_BITS: Record<RoleName, number> = { provider: ROLES.PROVIDER, requester: ROLES.REQUESTER, validator: ROLES.VALIDATOR };

export interface RunAgentOptions {
  /** The agent's private key: its wallet, which pays gas and holds what it trades with. */
  key: Hex;
  roles: RoleName[];
  /** The indexer's base URL: its quote board (SIWE) and spec store. */
  indexerUrl: string;
  rpcUrl?: string;
  /** A deployments object or file (default: DEPLOYMENTS_DIR/localhost.json). */
  deployments?: Deployments | string;
  /** Shown in its log lines and in the agent card of a new registration. */
  name?: string;
  /** Job kinds it buys and sells (default: sha256-iter). */
  kinds?: KindName[];
  /** A provider's cost per unit by kind, in COMPUTE wei: its policy prices above it. */
  costPerUnit?: Partial<Record<KindName, bigint>>;
  /** Its owner's limits (DEFAULT_LIMITS for what is not given). */
  limits?: Partial<Limits>;
  /** Default: the rule-based policy, or with `llm` the LLM policy. */
  policy?: Policy;
  /**
   * An OpenAI-compatible endpoint: the agent decides through the LLM policy (every answer checked
   * against its schema and the limits before anything is signed), and a provider also sells
   * llm-text work done with it.
   */
  llm?: { apiKey: string; baseURL?: string; model?: string };
  /** A requester buys this many jobs and then stops buying (default: it keeps buying within its limits). */
  jobs?: number;
  /** A requester's jobs in flight at once (default 2). */
  inFlight?: number;
  /**
   * Market credit to hold at the start (COMPUTE wei): what is missing is deposited from the
   * wallet (default: a requester an hour's spend limit, or, given `jobs`, at most that many jobs'
   * per-job cap; a provider 1,000 COMPUTE for its quotes' deposits; at most what the wallet holds).
   */
  credit?: bigint;
  /** When it stops, move the market credit left (not locked in a job) back to the wallet. */
  withdrawOnStop?: boolean;
  /** The first block the agent's view of the market reads (default: 5,000 blocks back: jobs of an earlier run of this key). */
  fromBlock?: bigint;
  /** Where a requester serves its specs (default 127.0.0.1 on a free port: providers on this machine). */
  specsHost?: string;
  specsPublicHost?: string;
  pollMs?: number;
  drainMs?: number;
  unbondOnStop?: boolean;
  signal?: AbortSignal;
  log?: (line: string) => void;
  /** Every refusal and error of the agent (also logged), and its info events. */
  onEvent?: (e: AgentEvent) => void;
  /** Every `progressMs` (default 10 s) while it runs: its jobs so far and its transactions. */
  onProgress?: (p: Pick<AgentReport, "requested" | "provided" | "transactions"> & { notBuying?: string }) => void;
  progressMs?: number;
  /** Once set up: the agent's id (and validator id). */
  onReady?: (r: { agentId: bigint; validatorId?: bigint; address: Address }) => void;
}

export interface AgentReport {
  agentId: bigint;
  address: Address;
  validatorId?: bigint;
  /** Jobs it requested / provided since it started (jobs of an earlier run it finishes are not counted), by outcome. */
  requested: { settled: number; failed: number; inFlight: number };
  provided: { settled: number; failed: number; inFlight: number };
  /** Change of wallet + market credit in COMPUTE wei over the run (trading, fees, deposits back). */
  computeChange: bigint;
  /** Its market credit at the end (COMPUTE wei), after `withdrawOnStop` moved it to the wallet. */
  credit: bigint;
  /** What `withdrawOnStop` moved from the market credit to the wallet (COMPUTE wei). */
  withdrawn: bigint;
  stats: Agent["stats"];
  transactions: number;
}

export { formatCompute };

/** Runs one agent until `signal` aborts (or, given `jobs`, until those jobs have ended); resolves with its report. */
export async function runAgent(opts: RunAgentOptions): Promise<AgentReport> {
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  if (!/^0x[0-9a-fA-F]{64}$/.test(opts.key ?? "")) throw new Error("the agent's key must be a 32-byte hex private key (0x + 64 hex digits)");
  if (!Array.isArray(opts.roles) || opts.roles.length === 0) throw new Error("give the agent at least one role: provider, requester or validator");
  for (const r of opts.roles) if (!(r in ROLE_BITS)) throw new Error(`unknown role "${r}": provider, requester or validator`);
  if (!opts.indexerUrl) throw new Error("an agent on its own needs the indexer's URL (its quote board and spec store): set indexerUrl / INDEXER_URL");
  if (opts.jobs !== undefined && (!Number.isInteger(opts.jobs) || opts.jobs < 1)) throw new Error(`jobs must be a positive integer, got ${opts.jobs}`);
  if (opts.inFlight !== undefined && (!Number.isInteger(opts.inFlight) || opts.inFlight < 1)) throw new Error(`inFlight must be a positive integer, got ${opts.inFlight}`);
  for (const k of opts.kinds ?? []) if (!Object.values(KINDS).includes(k)) throw new Error(`unknown job kind "${k}": ${Object.values(KINDS).join(", ")}`);
  const roles = opts.roles.reduce((bits, r) => bits | ROLE_BITS[r], 0);
  const name = opts.name ?? `agent-${opts.roles.join("-")}`;
  const rpcUrl = opts.rpcUrl ?? process.env.RPC_URL ?? "http://127.0.0.1:8545";
  const deployments = loadDeployments({ deployments: opts.deployments });
  const addr = (n: string) => deployments.contracts[n].address as Address;
  const addresses: Addresses = Object.fromEntries(Object.entries(deployments.contracts).map(([k, v]) => [k, v.address as Address]));
  const { env, client } = await connectMarket(rpcUrl, deployments);
  const account = localAccount(opts.key);
  const tx = new TxSender(account, env, addresses);
  const sdk = new UbcClient({ rpcUrl, account: opts.key, deployments });
  const read = <T>(contract: keyof typeof ABIS, functionName: string, args: unknown[] = []) =>
    client.readContract({ address: addr(contract), abi: ABIS[contract], functionName, args } as never) as Promise<T>;
  if ((await client.getBalance({ address: account.address })) === 0n) throw new Error(`the agent's wallet ${account.address} holds no ETH for gas`);

  // ---------------------------------------------------------------- identity, stake, credit
  const specServer = opts.roles.includes("requester") ? new SpecServer() : undefined;
  const specsUrl = specServer ? await specServer.listen(opts.specsHost ?? "127.0.0.1", 0, opts.specsPublicHost) : undefined;
  try {
    let agentId = await read<bigint>("AgentRegistry", "agentOfWallet", [account.address]);
    if (agentId === 0n) {
      await tx.call("AgentRegistry", "register", [agentCard({ name, ...(specsUrl ? { specs: specsUrl } : {}) }), roles]);
      agentId = await read<bigint>("AgentRegistry", "agentOfWallet", [account.address]);
      log(`${name}: registered as agent ${agentId}`);
    } else {
      // (roles and card are the agent owner's to change: a key that only operates the agent gets NotAgentOwner)
      const has = Number(await read<number | bigint>("AgentRegistry", "agentRoles", [agentId]));
      if ((has & roles) !== roles) {
        await tx.call("AgentRegistry", "setAgentRoles", [agentId, has | roles]);
        log(`${name}: agent ${agentId}: roles added`);
      }
      // a requester serves its specs at a new endpoint each run: its card names it
      if (specsUrl) await tx.call("AgentRegistry", "setAgentCardURI", [agentId, agentCard({ name, specs: specsUrl })]);
      log(`${name}: running as agent ${agentId}, the wallet's`);
    }
    let validatorId: bigint | undefined;
    if (opts.roles.includes("validator")) {
      validatorId = await read<bigint>("ValidatorPool", "validatorIdOf", [account.address]);
      if (validatorId === 0n) {
        const minStake = (await read<readonly [bigint, ...unknown[]]>("ValidatorPool", "params"))[0];
        const ubc = await read<bigint>("UBCToken", "balanceOf", [account.address]);
        if (ubc < minStake) throw new Error(`a validator stakes at least ${formatCompute(minStake)} UBC; the wallet ${account.address} holds ${formatCompute(ubc)}`);
        await tx.call("UBCToken", "approve", [addr("ValidatorPool"), minStake]);
        await tx.call("ValidatorPool", "stake", [agentId, minStake]);
        validatorId = await read<bigint>("ValidatorPool", "validatorIdOf", [account.address]);
        log(`${name}: staked ${formatCompute(minStake)} UBC as validator ${validatorId}`);
      } else {
        const v = await read<{ active: boolean }>("ValidatorPool", "getValidator", [validatorId]);
        if (!v.active) throw new Error(`validator ${validatorId} (${account.address}) is not active (unbonding, or under the minimum stake)`);
      }
    }
    const limits: Limits = { ...DEFAULT_LIMITS, ...opts.limits };
    const trades = opts.roles.includes("provider") || opts.roles.includes("requester");
    if (trades) {
      // a requester: an hour's spend, or, buying `jobs` jobs, no more than that many per-job caps;
      // a provider: its quotes' deposits
      const jobsCap = opts.jobs === undefined ? undefined : BigInt(opts.jobs) * limits.spendPerJob;
      const forRequester = !opts.roles.includes("requester") ? 0n : jobsCap !== undefined && jobsCap < limits.spendPerHour ? jobsCap : limits.spendPerHour;
      const forProvider = opts.roles.includes("provider") ? 1_000n * E18 : 0n;
      const want = opts.credit ?? (forRequester > forProvider ? forRequester : forProvider);
      const [credit, wallet] = await Promise.all([read<bigint>("WorkMarket", "credits", [agentId]), read<bigint>("ComputeToken", "balanceOf", [account.address])]);
      const missing = want > credit ? want - credit : 0n;
      const amount = missing < wallet ? missing : wallet;
      if (amount > 0n) {
        await depositCredit(tx, agentId, amount, (await client.getBlock({ blockTag: "latest" })).timestamp + 3_600n);
        log(`${name}: deposited ${formatCompute(amount)} COMPUTE from its wallet into its market credit (now ${formatCompute(credit + amount)})`);
      }
      if (credit + amount === 0n) throw new Error(`agent ${agentId} has no market credit and its wallet ${account.address} no COMPUTE to deposit: it cannot lock a deposit or a payment`);
    }

    // ---------------------------------------------------------------- the agent
    const head = await client.getBlockNumber();
    // the report counts the jobs created from here on
    const firstJob = (await read<bigint>("WorkMarket", "jobCount")) + 1n;
    const fromBlock = opts.fromBlock ?? (head > 5_000n ? head - 5_000n : 0n);
    const view = new MarketView(client, { market: addr("WorkMarket"), pool: addr("ValidatorPool"), vault: addr("StakingVault"), reputation: addr("ReputationRegistry") }, fromBlock, {
      batch: (calls) => env.rpcBatch(calls),
    });
    await view.poll();
    const onEvent = (e: AgentEvent) => {
      opts.onEvent?.(e);
      if (e.kind !== "info" || process.env.AGENT_VERBOSE) log(`${name}: ${e.kind === "refused" ? "refused " : ""}${e.message}`);
    };
    const llm = opts.llm ? new OpenAI({ apiKey: opts.llm.apiKey, baseURL: opts.llm.baseURL, timeout: 60_000, maxRetries: 1 }) : undefined;
    const policy = opts.policy ?? (opts.llm ? new LlmPolicy({ ...opts.llm, log: (l) => log(`${name}: ${l}`) }) : new RulePolicy());
    const kinds = opts.kinds ?? (llm && opts.roles.includes("provider") ? [KINDS.SHA256, KINDS.LLM] : [KINDS.SHA256]);
    const specs = new SpecResolver(client, addr("AgentRegistry"), undefined, [`${opts.indexerUrl.replace(/\/+$/, "")}/specs/`]);
    const agent = new Agent({
      name, roles, tx, view, book: new IndexerQuoteBook(opts.indexerUrl), policy, guard: new SpendGuard(limits), agentId,
      kinds, llm, model: opts.llm?.model, costPerUnit: opts.costPerUnit, client: sdk, specs, specServer, specStore: opts.indexerUrl, remoteSpecs: true, retries: 2, feedback: "both", onEvent,
    });
    agent.maxInFlight = opts.inFlight ?? 2;
    if (opts.jobs !== undefined) agent.demand = opts.jobs;
    agent.validatorId = validatorId;
    const startCompute = await Promise.all([read<bigint>("ComputeToken", "balanceOf", [account.address]), read<bigint>("WorkMarket", "credits", [agentId])]);
    opts.onReady?.({ agentId, validatorId, address: account.address });
    log(`${name}: trading as ${opts.roles.join(", ")} (${kinds.join(", ")}; ${policy.name} policy); the market read from block ${fromBlock}`);

    // ---------------------------------------------------------------- the loop
    const pollMs = opts.pollMs ?? 250;
    const mine = () => [...view.jobs.values()].filter((j) => j.requester === agentId || j.provider === agentId);
    // (a job has ended, settled or not, once the view has seen its end)
    const ended = (j: JobView) => j.endedBlock !== undefined;
    const count = (t: { settled: number; failed: number; inFlight: number }, j: JobView) => {
      if (j.status === Status.Settled && j.producerWins) t.settled++;
      else if (ended(j)) t.failed++;
      else t.inFlight++;
    };
    const dropped = { requester: { settled: 0, failed: 0, inFlight: 0 }, provider: { settled: 0, failed: 0, inFlight: 0 } };
    const tally = (side: "requester" | "provider") => {
      const t = { ...dropped[side] };
      for (const j of mine()) if (j[side] === agentId && j.id >= firstJob) count(t, j);
      return t;
    };
    let nextProgressAt = Date.now() + (opts.progressMs ?? 10_000);
    let stopAt: number | undefined;
    let nextDropAt = Date.now() + 10_000;
    while (true) {
      if (opts.signal?.aborted && stopAt === undefined) {
        stopAt = Date.now() + (opts.drainMs ?? 15_000);
        log(`${name}: stopping: no new jobs; the actions in flight get ${(opts.drainMs ?? 15_000) / 1000} s`);
      }
      if (stopAt !== undefined && (Date.now() > stopAt || agent.running.size === 0)) break;
      // a requester's demand (the agent counts it down as it places jobs, and up again for a failed
      // job it places again): `jobs` set once at the start; otherwise one more whenever it has room
      if (agent.is(ROLES.REQUESTER)) {
        if (stopAt !== undefined) agent.demand = 0;
        else if (opts.jobs === undefined) agent.demand = Math.max(agent.demand, 1);
        // done: every job placed has ended and the agent is done with it (rated: it left jobsOf);
        // looked at again after a fresh poll, as a fill mined since the last poll is not in the
        // view yet (the agent stopped once with its two jobs just placed, in flight)
        const done = () => agent.demand === 0 && agent.running.size === 0
          && mine().every((j) => j.requester !== agentId || ended(j))
          && [...view.jobsOf(agentId)].every((j) => j.requester !== agentId);
        if (opts.jobs !== undefined && done()) {
          await view.poll();
          if (done()) break;
        }
      }
      if (Date.now() >= nextDropAt) {
        nextDropAt = Date.now() + 10_000;
        // the view forgets jobs that ended 256 blocks ago and the agent is done with (counted first):
        // its memory stays bounded by the jobs in flight however long the agent runs
        view.dropEnded(256n, (j) => view.listedFor(j, new Set([agentId]), new Set(validatorId === undefined ? [] : [validatorId])), (j) => {
          for (const side of ["requester", "provider"] as const) if (j[side] === agentId && j.id >= firstJob) count(dropped[side], j);
        });
      }
      if (opts.onProgress && Date.now() >= nextProgressAt) {
        nextProgressAt = Date.now() + (opts.progressMs ?? 10_000);
        // (a requester with demand left that bought nothing at its last look: why)
        const notBuying = agent.demand > 0 && stopAt === undefined ? agent.buyNote : undefined;
        opts.onProgress({ requested: tally("requester"), provided: tally("provider"), transactions: tx.stats.sent, ...(notBuying ? { notBuying } : {}) });
      }
      await new Promise((r) => setTimeout(r, pollMs));
      await view.poll();
      agent.kick();
      // let the actions run (until they are done, or another poll interval) before looking again
      await Promise.race([Promise.all([...agent.running]), new Promise((r) => setTimeout(r, pollMs))]);
    }
    await Promise.race([Promise.all([...agent.running]), new Promise((r) => setTimeout(r, 5_000).unref())]);
    if (agent.is(ROLES.PROVIDER)) await agent.retire();
    if (validatorId !== undefined && opts.unbondOnStop) await tx.call("ValidatorPool", "requestUnbond", []);
    let withdrawn = 0n;
    if (opts.withdrawOnStop) {
      // what is left in the credit is free: locked payments and deposits are the jobs', not the credit's
      const left = await read<bigint>("WorkMarket", "credits", [agentId]);
      if (left > 0n) {
        await tx.call("WorkMarket", "withdraw", [agentId, account.address, left]);
        withdrawn = left;
        log(`${name}: withdrew ${formatCompute(left)} COMPUTE of market credit to its wallet ${account.address}`);
      }
    }
    await view.poll();
    const endCompute = await Promise.all([read<bigint>("ComputeToken", "balanceOf", [account.address]), read<bigint>("WorkMarket", "credits", [agentId])]);
    return {
      agentId, address: account.address, validatorId,
      requested: tally("requester"), provided: tally("provider"),
      computeChange: endCompute[0] + endCompute[1] - startCompute[0] - startCompute[1],
      credit: endCompute[1], withdrawn,
      stats: agent.stats, transactions: tx.stats.sent,
    };
  } finally {
    await specServer?.close();
  }
}
