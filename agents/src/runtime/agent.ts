// An autonomous agent: a key, a role set (provider / requester / validator), a policy and limits.
// `step()` looks at the market (a MarketView) and does everything the agent can do now, returning
// how many actions it took; a scheduler (the swarm, or a loop of your own) calls it whenever the
// view has new blocks. The flow follows the WorkMarket and ValidatorPool:
//   provider:  sign quotes → (a requester fills one) → fetch its spec (none to be found: decline
//              the job in its decline window, both sides refunded) → do the work → submit → draw the committee
//              → challenge a wrong rejection → settle its paid jobs in one batch → rate the requester
//   requester: pick the best acceptable quote → fill it → check the verdict (re-executing
//              deterministic work) and challenge a wrong approval → expire a job never delivered →
//              settle refunds → rate the provider
//   validator: when drawn, re-execute / judge the delivery → attest → claim fees in one batch
// A `behaviour` other than "honest" makes an adversary, for showing that the protocol protects
// honest agents: "lazy" providers never deliver, "cheater" providers deliver wrong results,
// "colluder" validators approve whatever their partners deliver, "ghost" requesters fill quotes
// with specs they never publish (before `WorkMarket.decline` such a job expired with the
// provider's deposit slashed, half of it to the ghost), "greedy" requesters fill quotes with specs
// asking ten times the work the quote priced (providers decline those too).
import { randomBytes } from "node:crypto";
import type { Address, Hex } from "viem";
import type OpenAI from "openai";
import { QUOTE_TYPES, ROLES, type Quote, type UbcClient } from "../sdk/client.ts";
import { WORK_MARKET_DOMAIN } from "../generated/eip712.ts";
import { ABIS } from "../generated/abis.ts";
import { UbcContractError } from "../sdk/errors.ts";
import { MarketView, Status, votingOpen, type JobView } from "./market.ts";
import { TxSender } from "./tx.ts";
import { challengeBond, E18, formatCompute, LimitError, MIN_JOB_VALUE, providerDeposit, requesterLock, SpendGuard } from "./limits.ts";
import type { Policy } from "./policy.ts";
import { quoteId, type BoardQuote, type QuoteBook } from "./quotebook.ts";
import { SpecUnavailableError, type SpecResolver, type SpecServer } from "./specs.ts";
import {
  canonical, encodeDelivery, execute, ITERATIONS_PER_UNIT, judgeText, KIND_HASH, kindOfHash, KINDS, resultHash, specHash, unitsOf, verifyDelivery,
  type KindName, type Spec,
} from "./jobs.ts";

export type Behaviour = "honest" | "lazy" | "cheater" | "colluder" | "ghost" | "greedy";

export interface AgentEvent {
  agent: string;
  kind: "refused" | "error" | "info";
  message: string;
}

export interface AgentOptions {
  name: string;
  roles: number;
  tx: TxSender;
  view: MarketView;
  book: QuoteBook;
  policy: Policy;
  guard: SpendGuard;
  agentId: bigint;
  behaviour?: Behaviour;
  /** Kinds this agent provides / buys (within its limits). */
  kinds?: KindName[];
  /** Cost of one unit per kind (providers), COMPUTE wei. */
  costPerUnit?: Partial<Record<KindName, bigint>>;
  /** An OpenAI-compatible client for model jobs (providers do the work with it). */
  llm?: OpenAI;
  /** Model name used in the specs of model jobs. */
  model?: string;
  /** For posting to the indexer's board (SIWE). */
  client?: UbcClient;
  /** Open quotes a provider keeps on the board. */
  openQuotes?: number;
  /** Agents whose deliveries a colluder approves. */
  partners?: Set<bigint>;
  /** Rate counterparties after settlement: the requester always, the provider too with "both". */
  feedback?: "both" | "requester" | "none";
  /** Seeded randomness for specs and choices. */
  random?: () => number;
  /**
   * Where specs go and come from: the requester publishes each spec it fills a quote with on
   * `specServer` (named in its agent card); a provider finds a job's spec with `specs` (this
   * process's specs, else the requester's endpoint, checked against the hash). `remoteSpecs`
   * makes providers always fetch over HTTP (as agents in separate processes do). Without them,
   * specs pass through the module's in-process map.
   */
  specs?: SpecResolver;
  /**
   * A public spec store's base URL (the indexer's `POST /specs`): the requester also publishes
   * each spec there, so that providers that cannot reach its own endpoint (another machine) find it.
   */
  specStore?: string;
  specServer?: SpecServer;
  remoteSpecs?: boolean;
  /** Chain time between staking-reward claims (default 1 day). */
  claimEvery?: bigint;
  /**
   * Requesters: how many times the demand of a job that failed this agent is placed again (default
   * 2; 0: never). A job fails its requester when it ends without the work paid for: expired
   * undelivered, declined by its provider, or settled with the work rejected. The new fill goes to
   * another provider (one that failed this agent is never chosen again).
   */
  retries?: number;
  /**
   * Requesters: the share (0..1) of jobs placed as open jobs (`createJob`: escrowed at the board's
   * best price for the kind, any provider may accept) instead of filling a quote. Default 0.
   */
  openJobs?: number;
  onEvent?: (e: AgentEvent) => void;
}

/** How long a winner other than the first (lowest id) waits for that one's claim before claiming a job's fee itself (ms). */
const FEE_CLAIM_GRACE_MS = 10_000;
/** How long a committee member beyond the quorum waits, with the round still open, before it votes (ms). */
const LATE_VOTE_MS = 300;
const errName = (e: unknown) => (e instanceof UbcContractError ? e.errorName : (e as Error).message);

export class Agent {
  readonly name: string;
  readonly roles: number;
  readonly tx: TxSender;
  readonly view: MarketView;
  readonly policy: Policy;
  readonly guard: SpendGuard;
  readonly agentId: bigint;
  readonly behaviour: Behaviour;
  validatorId: bigint | undefined;
  /** Jobs this requester still wants (the scheduler sets it). */
  demand = 0;
  /**
   * Why this requester's last look at the board bought nothing (no quote of its kind, or none its
   * policy and limits accept, with the cheapest price and its cap), until it buys again: what an
   * operator wants to see when an agent with demand sits still.
   */
  get buyNote(): string | undefined {
    const n = this.buySkip;
    if (n === undefined || typeof n === "string") return n;
    return `${n.reason} among ${n.quotes} ${n.kind} quotes (cheapest ${formatCompute(n.cheapest)} COMPUTE a unit${n.cap !== undefined ? `; this agent pays at most ${formatCompute(n.cap)}` : ""})`;
  }
  /**
   * What `buyNote` says, kept as data: a requester may skip at every look, and formatting amounts
   * (`toLocaleString`) at each skip cost a swarm's first look ~12 ms (a CPU profile of its start),
   * while the note is only read by an operator's progress line.
   */
  private buySkip: string | { reason: string; quotes: number; kind: KindName; cheapest: bigint; cap: bigint | undefined } | undefined;
  /** Most of this requester's jobs in flight at once (placed and not yet judged). */
  maxInFlight = 4;
  /**
   * The cap in use, at most maxInFlight: halved each time a draw of one of this requester's jobs
   * re-armed again (a draw more than 256 blocks after its seed block re-arms; a re-armed draw late
   * again means the chain is congested), grown by 1/cap for each job drawn otherwise
   * (nextInFlightCap). On an automining devnet a block is a transaction, and when
   * more jobs wait for a draw than fit in 256 blocks with the traffic around them, the re-arms
   * themselves push the next draws out of their windows: 100 agents with 12 jobs each in flight
   * sent ~100 transactions per job, mostly re-armed draws, until requesters backed off.
   */
  private cap: number | undefined;
  /** Per job of ours in flight: the re-arms and whether its draw was counted (for `cap`). */
  private drawsSeen = new Map<bigint, { rearms: number; drawn: boolean }>();
  readonly stats = { filled: 0, submitted: 0, attested: 0, challenges: 0, expired: 0, settledBatches: 0, feedback: 0, quotes: 0, refusals: 0, errors: 0, claims: 0, feeClaims: 0, lateVotes: 0, declined: 0, retries: 0, accepted: 0, openJobs: 0, rfqAnswers: 0 };
  /** Per spec this requester filled a quote with: which try of its demand it is (0: the first). */
  private attempts = new Map<string, number>();
  /** Tries of re-placed demand waiting for their fill (each the try number it will be). */
  private retryQueue: number[] = [];
  private o: AgentOptions;
  private book: QuoteBook;
  private rnd: () => number;
  private nextNonce = BigInt(Date.now()) * 1_000n; // unique across restarts of the same key
  private myQuotes = new Map<string, { q: Quote; reserved: bigint }>();
  private recent: { quotes: number; fills: number }[] = [];
  private specs = new Map<string, Spec>();
  private busy = new Set<string>();
  private done = new Set<string>();
  private failedMe = new Set<bigint>();
  private reputationCache = new Map<bigint, { count: number; average: number; at: bigint }>();
  private lastClaim = 0n;
  private failures = new Map<string, number>();
  private firstSeen = new Map<string, { step: number; at: number }>();
  /** Quote fills sent and not yet seen on chain: quote id → provider. */
  private settling = new Set<bigint>();
  /** Jobs settled in a provider's favour that this requester is done with, by provider (standingWith). */
  private provenWith = new Map<bigint, number>();
  private filling = new Map<string, { provider: bigint; nonce: bigint }>();

  /** Fills sent and not yet in the view (forgetting those the view has, or that failed). */
  private pendingFills(): { provider: bigint; nonce: bigint }[] {
    for (const [id, f] of this.filling) if (this.view.filledQuotes.has(`${f.provider}:${f.nonce}`)) this.filling.delete(id);
    return [...this.filling.values()];
  }
  private steps = 0;

  constructor(o: AgentOptions) {
    this.o = o;
    this.name = o.name;
    this.roles = o.roles;
    this.tx = o.tx;
    this.view = o.view;
    this.policy = o.policy;
    this.guard = o.guard;
    this.agentId = o.agentId;
    this.behaviour = o.behaviour ?? "honest";
    this.book = o.book;
    let s = Number(o.agentId) * 2_654_435_761;
    this.rnd = o.random ?? (() => ((s = (s * 1_103_515_245 + 12_345) >>> 0) / 2 ** 32));
  }

  get address(): Address {
    return this.tx.address;
  }
  is(role: number): boolean {
    return (this.roles & role) !== 0;
  }

  private emit(kind: AgentEvent["kind"], message: string) {
    if (kind === "refused") this.stats.refusals++;
    if (kind === "error") this.stats.errors++;
    this.o.onEvent?.({ agent: this.name, kind, message });
  }

  /** Runs `f` once per key at a time; `once` marks the key done after success. */
  private act(key: string, f: () => Promise<void>, once = true): Promise<void> | undefined {
    if (this.busy.has(key) || this.done.has(key)) return undefined;
    const wait = this.retryAt.get(key);
    if (wait !== undefined && Date.now() < wait) return undefined;
    this.busy.add(key);
    return f()
      .then(() => {
        if (once) this.done.add(key);
        else this.failures.delete(key);
      })
      .catch((e) => {
        this.emit("error", `${key}: ${errName(e)}`);
        // an action that keeps failing is given up after three tries; a recurring one (quoting,
        // buying) backs off instead (250 ms, doubling up to 8 s) and starts afresh after a success
        const n = (this.failures.get(key) ?? 0) + 1;
        this.failures.set(key, n);
        if (!once) this.retryAt.set(key, Date.now() + Math.min(8_000, 250 * 2 ** (n - 1)));
        else if (n >= 3) this.done.add(key);
      })
      .finally(() => this.busy.delete(key));
  }
  private retryAt = new Map<string, number>();

  /** Jobs this agent is done with whose action keys are still held (swept by `doneWith`). */
  private retired = new Set<bigint>();

  /**
   * Notes a job this agent is done with; every 500 of them, its actions' keys (`submit:<job>`,
   * `attest:<job>:<round>`, …) leave the maps `act` keeps, so a swarm trading for days holds keys of
   * the jobs in flight, not of every job it ever touched.
   */
  private doneWith(jobId: bigint): void {
    this.retired.add(jobId);
    if (this.retired.size < 500) return;
    const gone = (id: string | undefined) => id !== undefined && /^\d+$/.test(id) && this.retired.has(BigInt(id));
    for (const keys of [this.done, this.failures, this.retryAt]) {
      for (const key of keys.keys()) {
        const [kind, id] = key.split(":");
        if (JOB_ACTIONS.has(kind) && gone(id)) keys.delete(key);
      }
    }
    for (const key of this.firstSeen.keys()) {
      const [a, b] = key.split(":");
      if (gone(a === "accept" ? b : a)) this.firstSeen.delete(key);
    }
    this.retired.clear();
  }

  /** Actions started by `kick()` and not finished yet. */
  readonly running = new Set<Promise<void>>();

  /**
   * Starts everything the agent can do now without waiting for it (actions already running are
   * not started twice); returns how many started. `step()` is the same, awaited.
   */
  kick(): number {
    return this.track(this.collect());
  }

  /**
   * Starts only this validator's votes due now (its committee duties), as `kick()` does: for an
   * agent that has left the market (`retire()`) and must not quote or buy again.
   */
  kickVotes(): number {
    this.steps++;
    return this.track(this.votes().filter((a) => a !== undefined));
  }

  /** Adds started actions to `running` until they end; returns how many. */
  private track(started: Promise<void>[]): number {
    for (const p of started) {
      this.running.add(p);
      void p.finally(() => this.running.delete(p));
    }
    return started.length;
  }

  /** This validator's votes due now, one per round of a committee it sits on (see validatorOn). */
  private votes(): (Promise<void> | undefined)[] {
    const me = this.validatorId;
    if (!this.is(ROLES.VALIDATOR) || me === undefined) return [];
    const out: (Promise<void> | undefined)[] = [];
    for (const j of this.view.committeeJobs(me)) if (j.committee?.includes(me)) out.push(this.validatorOn(j));
    return out;
  }

  /** Everything the agent can do now; resolves when those actions are done. */
  async step(): Promise<number> {
    const before = this.tx.stats.sent + this.stats.quotes + this.stats.refusals;
    await Promise.all(this.collect());
    return this.tx.stats.sent + this.stats.quotes + this.stats.refusals - before;
  }

  /** A number that changes whenever the agent did something (sent, signed, refused). */
  get activity(): number {
    return this.tx.stats.sent + this.stats.quotes + this.stats.refusals;
  }

  private collect(): Promise<void>[] {
    const actions: (Promise<void> | undefined)[] = [];
    const v = this.view;
    this.steps++;
    for (const j of v.jobsOf(this.agentId)) {
      if (this.is(ROLES.PROVIDER) && j.provider === this.agentId) actions.push(...this.providerOn(j));
      if (this.is(ROLES.REQUESTER) && j.requester === this.agentId) actions.push(...this.requesterOn(j));
      // nothing left to do for a settled job once it is rated (or an expired one): the view drops
      // it from this agent's jobs (deleting the current entry does not disturb the iteration), and
      // the agent keeps of it only what standingWith counts
      if (j.status === Status.Expired || j.status === Status.Cancelled || j.status === Status.Declined || (j.status === Status.Settled && this.done.has(`rate:${j.id}`))) {
        if (j.requester === this.agentId && j.producerWins === true && j.status === Status.Settled) this.provenWith.set(j.provider, (this.provenWith.get(j.provider) ?? 0) + 1);
        v.forgetJobOf(this.agentId, j.id);
        this.checked.delete(j.id);
        this.specMisses.delete(j.id);
        this.doneWith(j.id);
      }
    }
    actions.push(...this.votes());
    actions.push(this.settleReady());
    if (this.is(ROLES.VALIDATOR)) actions.push(this.claimFees());
    if (this.is(ROLES.PROVIDER)) actions.push(this.act("quotes", () => this.refreshQuotes(), false));
    if (this.is(ROLES.PROVIDER) && this.book.openRfqs && Date.now() - this.rfqLookAt >= RFQ_LOOK_MS) actions.push(this.act("rfqs", () => this.answerRfqs(), false));
    if (this.is(ROLES.PROVIDER) && this.view.openJobs.size > 0) actions.push(...this.acceptOpenJobs());
    if (this.is(ROLES.REQUESTER)) actions.push(this.act("buy", () => this.buy(), false));
    actions.push(this.claimStakingRewards());
    return actions.filter((a) => a !== undefined);
  }

  // ------------------------------------------------------------------ provider

  private providerOn(j: JobView): (Promise<void> | undefined)[] {
    const out: (Promise<void> | undefined)[] = [];
    const v = this.view;
    if (j.status === Status.Accepted && v.time <= j.deadline && this.behaviour !== "lazy") {
      out.push(this.act(`submit:${j.id}`, () => this.deliver(j)));
    }
    // the draw needs a block after the seed block: a transaction sent now is mined after the newest
    // block the view has seen, so once the view has reached the seed block the draw can go
    if (j.status === Status.Submitted && j.committee === undefined && j.seedBlock !== undefined && v.block >= j.seedBlock) {
      // a draw more than 256 blocks after the seed block re-arms on a new seed (CommitteeArmed): draw again then
      const seed = j.armedSeed ?? j.seedBlock;
      if (v.block >= seed) out.push(this.act(`draw:${j.id}:1:${seed}`, () => this.tx.call("ValidatorPool", "drawCommittee", [j.id]).then(() => undefined)));
    }
    if (j.status === Status.Disputed && j.armedSeed !== undefined && v.block >= j.armedSeed) {
      out.push(this.act(`draw:${j.id}:2`, () => this.tx.call("ValidatorPool", "drawCommittee", [j.id]).then(() => undefined)));
    }
    // a rejection of work we did honestly: challenge it (the 5% bond comes back if we are right)
    if (j.status === Status.Validated && j.producerWins === false && this.behaviour === "honest" && !j.challenged && v.time <= j.deadline) {
      out.push(this.act(`challenge:${j.id}`, async () => {
        const bond = challengeBond(j.value);
        this.guard.checkSpend(bond, `challenge of job ${j.id}`);
        await this.tx.call("WorkMarket", "challenge", [j.id, this.agentId]);
        this.guard.commit(bond);
        this.stats.challenges++;
      }));
    }
    if (j.status === Status.Settled) out.push(this.rateOtherSide(j));
    return out;
  }

  private async deliver(j: JobView): Promise<void> {
    let spec: Spec;
    try {
      spec = await this.findSpec(j);
    } catch (err) {
      if (!(err instanceof SpecUnavailableError)) throw err;
      // a job that cannot be done as asked: after SPEC_TRIES looks, hand it back while the window
      // allows (both sides refunded in full) rather than let it expire with our deposit slashed
      const n = (this.specMisses.get(j.id) ?? 0) + 1;
      this.specMisses.set(j.id, n);
      if (n < SPEC_TRIES || !this.canDecline(j)) throw err;
      return this.decline(j, err.message);
    }
    // the spec must be the work the quote priced: its kind, at most its units (in the window; later
    // the job is ours to deliver as asked or to lose the deposit for)
    const misfit = specMisfit(j, spec);
    if (misfit && this.canDecline(j)) return this.decline(j, misfit);
    let result = await execute(spec, this.o.llm);
    if (this.behaviour === "cheater") result = spec.kind === KINDS.SHA256 ? `0x${randomBytes(32).toString("hex")}` : "lorem ipsum";
    await this.tx.call("WorkMarket", "submit", [j.id, resultHash(result), encodeDelivery(spec, result)]);
    this.stats.submitted++;
  }

  /** A job's spec: from the resolver (this process, the requester's endpoint, the stores) or the in-process map; SpecUnavailableError if none has it. */
  private async findSpec(j: JobView): Promise<Spec> {
    const found = this.o.specs
      ? await this.o.specs.get(j.specHash, j.requester, { remoteOnly: this.o.remoteSpecs })
      : (this.specs.get(j.specHash) ?? SPEC_STORE.get(j.specHash));
    if (!found) throw new SpecUnavailableError(j.specHash, `job ${j.id}: no spec for hash ${j.specHash}`);
    return found;
  }

  /** Signs a quote, reserves its deposit and posts it on the book; returns its id. */
  private async publishQuote(q: Quote, deposit: bigint): Promise<string> {
    const signature = await this.signQuote(q);
    this.guard.commit(deposit);
    const id = await this.book.post(q, signature, { client: this.o.client });
    this.myQuotes.set(id, { q, reserved: deposit });
    return id;
  }

  /** Whether an accepted job of ours is still in its decline window (by the view's chain time). */
  private canDecline(j: JobView): boolean {
    return j.declineBy !== undefined && this.view.time <= j.declineBy;
  }

  /** Hands the job back (`WorkMarket.decline`: the requester's lock and our deposit credited back in full). */
  private async decline(j: JobView, reason: string): Promise<void> {
    await this.tx.call("WorkMarket", "decline", [j.id]);
    this.stats.declined++;
    this.emit("info", `declined job ${j.id}: ${reason}`);
  }

  /** The jobs this provider holds now: accepted or submitted, not yet decided. */
  private jobsInHand(): number {
    let n = 0;
    for (const j of this.view.jobsOf(this.agentId)) if (j.provider === this.agentId && (j.status === Status.Accepted || j.status === Status.Submitted)) n++;
    return n;
  }

  /** The most jobs a provider holds when it looks at open jobs. */
  private openJobCap(): number {
    return 2 * (this.o.openQuotes ?? 2);
  }

  /**
   * Open jobs (`createJob`) this provider takes: open to it (anyone, or it by name), not its own,
   * before their accept deadline, while it has fewer than twice its open quotes' count of jobs in
   * hand. Providers look at a new open job in an order drawn from the job's id and their own, a
   * fifth of a second apart, so that usually the first one takes it and the others see it taken.
   */
  private acceptOpenJobs(): (Promise<void> | undefined)[] {
    const out: (Promise<void> | undefined)[] = [];
    let inHand = this.jobsInHand();
    const cap = this.openJobCap();
    for (const j of this.view.openJobs.values()) {
      if (inHand >= cap) break;
      if (j.status !== Status.Open || j.requester === this.agentId || (j.provider !== 0n && j.provider !== this.agentId) || this.view.time > j.deadline) continue;
      const key = `accept:${j.id}`;
      if (this.done.has(key) || this.busy.has(key)) continue;
      let seen = this.firstSeen.get(key);
      if (seen === undefined) this.firstSeen.set(key, (seen = { step: this.steps, at: Date.now() }));
      if (Date.now() - seen.at < openJobTurn(j.id, this.agentId) * 200) continue;
      out.push(this.act(key, () => this.acceptOpen(j)));
      inHand++;
    }
    return out;
  }

  /**
   * Takes an open job if its spec is work this provider does and its policy accepts it (the rules:
   * a value per unit covering its cost, from a requester whose reputation passes, while it has
   * room; a model's answer is checked against the same before it counts), within its limits; the
   * 2% deposit comes from its credit (else its wallet). A job another provider took meanwhile is
   * let go.
   */
  private async acceptOpen(j: JobView): Promise<void> {
    const found = await this.findSpec(j);
    const kinds = (this.o.kinds ?? [KINDS.SHA256]).filter((k) => this.guard.limits.allowedKinds.includes(k));
    if (!kinds.includes(found.kind)) return this.emit("info", `open job ${j.id}: ${found.kind} work, not ours`);
    const units = unitsOf(found);
    const unitPrice = j.value / units;
    const cost = this.o.costPerUnit?.[found.kind] ?? 40n * E18;
    const decision = await this.policy.accept({
      jobId: j.id.toString(), kind: found.kind, units: Number(units), unitPrice, value: j.value, costPerUnit: cost,
      deliveryPeriod: Number(j.deliveryPeriod ?? 0n), requester: j.requester, requesterReputation: await this.reputation(j.requester),
      jobsInHand: this.jobsInHand(), maxJobsInHand: this.openJobCap(),
    }, this.guard);
    if (decision.action === "skip") return this.emit("info", `open job ${j.id}: skipped (${decision.reason})`);
    const deposit = providerDeposit(j.value);
    try {
      this.guard.checkSellPrice(found.kind, unitPrice);
      this.guard.checkDeliveryPeriod(Number(j.deliveryPeriod ?? 0n));
      this.guard.checkSpend(deposit, `deposit for open job ${j.id}`);
    } catch (err) {
      return this.emit("refused", `accept: ${(err as Error).message}`);
    }
    this.guard.commit(deposit);
    try {
      await this.tx.call("WorkMarket", "accept", [j.id, this.agentId]);
      this.stats.accepted++;
    } catch (err) {
      this.guard.release(deposit);
      // another provider was first (or the deadline passed meanwhile): nothing lost but the gas
      if (err instanceof UbcContractError && (err.errorName === "WrongStatus" || err.errorName === "DeadlinePassed")) return;
      throw err;
    }
  }

  /**
   * Answers requests for quotes on a shared board: for each open request of a kind this provider
   * works, from another agent, not answered yet, a quote reserved for that requester for the units
   * asked, priced by the policy as any quote — at most the request's price cap, and only if that
   * cap still covers this provider's cost (else the request is passed over, said in an info event).
   */
  private async answerRfqs(): Promise<void> {
    this.rfqLookAt = Date.now();
    const kinds = (this.o.kinds ?? [KINDS.SHA256]).filter((k) => this.guard.limits.allowedKinds.includes(k));
    for (const kind of kinds) {
      const open = await this.book.openRfqs!(KIND_HASH[kind]);
      for (const r of open) {
        if (this.rfqsAnswered.has(r.id) || r.requesterAgentId === this.agentId || r.units < 1n || r.units > 4_000n) continue;
        this.rfqsAnswered.add(r.id);
        const cost = this.o.costPerUnit?.[kind] ?? 40n * E18;
        if (r.maxUnitPrice !== undefined && r.maxUnitPrice < cost) {
          this.emit("info", `request for quotes ${r.id}: ${r.maxUnitPrice} a unit is under our cost of ${cost}`);
          continue;
        }
        const [d] = await this.policy.quote({ kind, costPerUnit: cost, recentQuotes: 0, recentFills: 0, count: 1 }, this.guard);
        if (!d) continue;
        const unitPrice = r.maxUnitPrice !== undefined && d.unitPrice > r.maxUnitPrice ? r.maxUnitPrice : d.unitPrice;
        const value = unitPrice * r.units;
        const deposit = providerDeposit(value);
        try {
          if (value < MIN_JOB_VALUE) throw new LimitError("minJobValue", `${r.units} units at ${unitPrice} make ${value} wei, under the 100 COMPUTE minimum job`);
          this.guard.checkSellPrice(kind, unitPrice);
          this.guard.checkDeliveryPeriod(d.deliveryPeriod);
          this.guard.checkSpend(deposit, "quote deposit");
        } catch (err) {
          this.emit("refused", `request for quotes ${r.id}: ${(err as Error).message}`);
          continue;
        }
        const now = this.view.time > BigInt(Math.floor(Date.now() / 1000)) ? this.view.time : BigInt(Math.floor(Date.now() / 1000));
        const q: Quote = {
          providerAgentId: this.agentId, resourceKind: KIND_HASH[kind], units: r.units, unitPrice,
          expiry: now + BigInt(d.lifetime), nonce: this.nextNonce++, requester: r.requesterAgentId, deliveryPeriod: BigInt(d.deliveryPeriod),
        };
        await this.publishQuote(q, deposit);
        this.stats.rfqAnswers++;
      }
    }
  }
  private rfqLookAt = 0;
  private rfqsAnswered = new Set<string>();

  /** Quotes that lapsed unfilled by resource kind hash, and the kinds with a quote filled, since that kind was last quoted (see RulePolicy.quote). */
  private lapsedOf = new Map<string, number>();
  private filledKinds = new Set<string>();

  private async refreshQuotes(): Promise<void> {
    const now = this.view.time;
    let open = 0;
    let lapsed = 0;
    const openOf = new Map<string, number>(); // open quotes by resource kind hash
    for (const [id, m] of this.myQuotes) {
      const filled = this.view.filledQuotes.has(`${this.agentId}:${m.q.nonce}`);
      if (filled || m.q.expiry <= now + 60n) {
        if (!filled) {
          this.guard.release(m.reserved);
          lapsed++;
          this.lapsedOf.set(m.q.resourceKind, (this.lapsedOf.get(m.q.resourceKind) ?? 0) + 1);
        }
        else {
          if (this.recent.length > 0) this.recent[this.recent.length - 1].fills++;
          this.filledKinds.add(m.q.resourceKind);
        }
        this.myQuotes.delete(id);
        this.book.drop(id);
      } else {
        open++;
        openOf.set(m.q.resourceKind, (openOf.get(m.q.resourceKind) ?? 0) + 1);
      }
    }
    // quotes that lapsed by chain time while a shared board still lists them (it measures expiry
    // by the wall clock, which a devnet's advanced clock runs behind): withdraw them on-chain in
    // one call, so that they do not crowd the board's best-price page
    if (lapsed > 0 && open === 0 && this.book.shared) {
      await this.tx.call("WorkMarket", "cancelQuotesBelow", [this.agentId, this.nextNonce]);
    }
    const target = this.o.openQuotes ?? 2;
    if (target - open <= 0) return;
    const kinds = (this.o.kinds ?? [KINDS.SHA256]).filter((k) => this.guard.limits.allowedKinds.includes(k));
    if (kinds.length === 0) return;
    const next = nextQuoteKind(kinds, (k) => openOf.get(KIND_HASH[k]) ?? 0, target, this.rnd);
    const kind = next.kind;
    const want = Math.min(next.want, target - open); // open: of every kind, allowed now or not
    if (want <= 0) return;
    if (this.recent.length === 0 || this.recent[this.recent.length - 1].quotes >= 8) this.recent.push({ quotes: 0, fills: 0 });
    if (this.recent.length > 4) this.recent.shift();
    const recentQuotes = this.recent.reduce((s, r) => s + r.quotes, 0);
    const recentFills = this.recent.reduce((s, r) => s + r.fills, 0);
    const competitors = await this.book.best(KIND_HASH[kind], 0n, now);
    const bestCompetitor = competitors.find((b) => b.quote.providerAgentId !== this.agentId)?.quote.unitPrice;
    const cost = this.o.costPerUnit?.[kind] ?? 40n * 10n ** 18n;
    // quotes that lapsed while not one of this kind was filled: the price is over what any
    // requester pays (lapses beside fills are the clock's doing, a devnet's day jump say)
    const lapsedNow = this.filledKinds.has(KIND_HASH[kind]) ? 0 : (this.lapsedOf.get(KIND_HASH[kind]) ?? 0);
    this.lapsedOf.delete(KIND_HASH[kind]);
    this.filledKinds.delete(KIND_HASH[kind]);
    const decisions = await this.policy.quote({ kind, costPerUnit: cost, recentQuotes, recentFills, lapsed: lapsedNow, bestCompetitor, count: want }, this.guard);
    // a shared board measures expiry against the newest block it indexed: on a devnet whose clock
    // another swarm advances, the view's time may be a clock jump behind it (the board then refuses
    // the quote as expiring too soon), so the expiry counts from the chain's time as of now
    const signedAt = this.book.shared && decisions.length > 0 ? (await this.tx.env.client.getBlock({ blockTag: "latest" })).timestamp : now;
    for (const d of decisions) {
      const value = d.unitPrice * BigInt(d.units);
      const deposit = providerDeposit(value);
      try {
        this.guard.checkKind(kind);
        this.guard.checkSellPrice(kind, d.unitPrice);
        this.guard.checkDeliveryPeriod(d.deliveryPeriod);
        if (value < 100n * 10n ** 18n) throw new LimitError("minJobValue", `a quote of ${value} wei is under the 100 COMPUTE minimum job`);
        this.guard.checkSpend(deposit, "quote deposit");
      } catch (err) {
        this.emit("refused", `quote: ${(err as Error).message}`);
        continue;
      }
      const chainNow = signedAt > now ? signedAt : now;
      const expiryBase = chainNow > BigInt(Math.floor(Date.now() / 1000)) ? chainNow : BigInt(Math.floor(Date.now() / 1000));
      const q: Quote = {
        providerAgentId: this.agentId, resourceKind: KIND_HASH[kind], units: BigInt(d.units), unitPrice: d.unitPrice,
        expiry: expiryBase + BigInt(d.lifetime), nonce: this.nextNonce++, requester: 0n, deliveryPeriod: BigInt(d.deliveryPeriod),
      };
      await this.publishQuote(q, deposit);
      this.recent[this.recent.length - 1].quotes++;
      this.stats.quotes++;
    }
  }

  /** Signs a quote's EIP-712 digest (computed directly: `quoteId`, the same as hashTypedData). */
  private signQuote(q: Quote): Promise<Hex> {
    const digest = quoteId(q, this.tx.env.chainId, this.tx.addresses.WorkMarket);
    if (this.tx.account.sign) return this.tx.account.sign({ hash: digest });
    return this.tx.account.signTypedData!({
      domain: { ...WORK_MARKET_DOMAIN, chainId: this.tx.env.chainId, verifyingContract: this.tx.addresses.WorkMarket },
      types: QUOTE_TYPES, primaryType: "Quote", message: q,
    });
  }

  // ------------------------------------------------------------------ requester

  /**
   * Jobs of this requester still being worked on: a job whose verdict is in (Validated: only its
   * challenge window remains, and the re-execution check runs when the verdict arrives) no longer
   * counts, so new jobs overlap the windows of earlier ones instead of the market moving in waves.
   */
  private inFlight(): number {
    let n = 0;
    for (const j of this.view.jobsOf(this.agentId)) if (j.requester === this.agentId && j.status >= Status.Open && j.status <= Status.Disputed && j.status !== Status.Validated) n++;
    return n + this.pendingFills().length + this.pendingOpen();
  }

  /** Open jobs sent and not yet in the view (by spec hash; forgetting those the view has). */
  private pendingOpen(): number {
    if (this.openPending.size === 0) return 0;
    for (const j of this.view.jobsOf(this.agentId)) this.openPending.delete(j.specHash.toLowerCase());
    return this.openPending.size;
  }
  private openPending = new Set<string>();
  /** What the last job bought locked (0 before the first): the yardstick for `guard.headroom()`. */
  private lastLock = 0n;

  /**
   * Whether a spend check failed only for being ahead of the even pace (Limits.pace): not a
   * refusal of the quote or job; the agent waits until its allowance covers one of this size (the
   * headroom check at the top of `buyEach`).
   */
  private aheadOfPace(err: unknown, lock: bigint): boolean {
    if (!(err instanceof LimitError && err.limit === "pace")) return false;
    this.lastLock = lock;
    return true;
  }

  /**
   * How many more jobs this requester could place now beyond the demand it holds: its in-flight cap
   * (as last computed) less the jobs in flight and the demand not yet placed, at least 0. A swarm
   * that hands its demand out as room opens (`runSwarm`) asks this at each look, before its agents act.
   */
  demandRoom(): number {
    return Math.max(0, Math.floor(this.cap ?? this.maxInFlight) - this.inFlight() - this.demand);
  }

  /** The in-flight cap after the draws seen since the last look (see `cap`). */
  private inFlightCap(): number {
    this.cap = nextInFlightCap(this.cap ?? this.maxInFlight, this.maxInFlight, [...this.view.jobsOf(this.agentId)].filter((j) => j.requester === this.agentId), this.drawsSeen);
    return Math.floor(this.cap);
  }

  /**
   * This requester's standing with a provider, in one pass over its jobs: the jobs still in flight
   * with it (fills on the way included; an approved job whose delivery checks out only waits for
   * its challenge window and no longer counts), and those in which its work was proven right
   * first-hand (a deterministic delivery re-executed to its result, or a job settled in its favour).
   */
  private standingWith(provider: bigint): { inFlight: number; proven: number } {
    let inFlight = 0;
    let proven = 0;
    for (const j of this.view.jobsOf(this.agentId)) {
      if (j.requester !== this.agentId || j.provider !== provider) continue;
      if (j.status >= Status.Open && j.status <= Status.Disputed && !this.approvedAndChecked(j)) inFlight++;
      if (j.producerWins === true && (j.status === Status.Settled || (j.status === Status.Validated && this.reExecutable(j) && this.deliveryChecks(j)))) proven++;
    }
    for (const p of this.pendingFills()) if (p.provider === provider) inFlight++;
    return { inFlight, proven: proven + (this.provenWith.get(provider) ?? 0) };
  }

  /**
   * A counterparty's feedback summary: from the view's NewFeedback events when the view follows
   * the ReputationRegistry (no call per candidate), else ReputationRegistry.getSummary, cached 2 s.
   */
  private async reputation(agentId: bigint): Promise<{ count: number; average: number }> {
    if (this.view.addresses.reputation) {
      const f = this.view.feedback.get(agentId);
      return f ? { count: f.count, average: Math.floor(f.sum / f.count) } : { count: 0, average: 0 };
    }
    const c = this.reputationCache.get(agentId);
    if (c && Number(c.at) > Date.now() - 2_000) return c;
    const [count, , average] = (await this.tx.env.client.readContract({
      address: this.tx.addresses.ReputationRegistry, abi: ABIS.ReputationRegistry, functionName: "getSummary", args: [agentId],
    })) as readonly [bigint, bigint, bigint];
    const r = { count: Number(count), average: Number(average), at: BigInt(Date.now()) };
    this.reputationCache.set(agentId, r);
    return r;
  }

  /** Fills quotes while demand and the in-flight cap allow; resolves when those fills are mined (or failed). */
  private async buy(): Promise<void> {
    const fills: Promise<void>[] = [];
    try {
      await this.buyEach(fills);
    } finally {
      await Promise.all(fills);
    }
  }

  private async buyEach(fills: Promise<void>[]): Promise<void> {
    const cap = this.inFlightCap();
    while (this.demand > 0 && this.inFlight() < cap) {
      // a job like the last one would break a spending limit (the hour's, the total or the pace):
      // wait for the limits to allow it instead of asking the board and refusing what it offers
      if (this.guard.headroom() < this.lastLock) return;
      const kinds = (this.o.kinds ?? [KINDS.SHA256]).filter((k) => this.guard.limits.allowedKinds.includes(k));
      if (kinds.length === 0) return;
      const kind = kinds[Math.floor(this.rnd() * kinds.length)];
      const board = await this.book.best(KIND_HASH[kind], this.agentId, this.view.time);
      if (this.o.openJobs && this.rnd() < this.o.openJobs) {
        if (!this.placeOpen(kind, board, fills)) return;
        continue;
      }
      const candidates = [];
      for (const b of board.slice(0, 12)) {
        const standing = this.standingWith(b.quote.providerAgentId);
        candidates.push({ id: b.id, provider: b.quote.providerAgentId, kind, unitPrice: b.quote.unitPrice, units: b.quote.units, reputation: await this.reputation(b.quote.providerAgentId), failedMe: this.failedMe.has(b.quote.providerAgentId), inFlightWithMe: standing.inFlight, provenWithMe: standing.proven });
      }
      if (candidates.length === 0) {
        this.buySkip = `no ${kind} quote on the board`;
        return;
      }
      const d = await this.policy.bid({ kind, minUnits: 1, maxUnits: 64, candidates }, this.guard);
      if (d.action === "skip") {
        const cheapest = candidates.reduce((a, c) => (c.unitPrice < a ? c.unitPrice : a), candidates[0].unitPrice);
        this.buySkip = { reason: d.reason, quotes: candidates.length, kind, cheapest, cap: this.guard.limits.maxUnitPrice[kind] };
        return;
      }
      this.buySkip = undefined;
      const chosen = board.find((b) => b.id === d.quoteId);
      if (!chosen) {
        this.emit("refused", `bid: quote ${d.quoteId} is not on the board`);
        return;
      }
      const value = chosen.quote.units * chosen.quote.unitPrice;
      const lock = requesterLock(value);
      try {
        this.guard.checkKind(kind);
        this.guard.checkBuyPrice(kind, chosen.quote.unitPrice);
        this.guard.checkDeliveryPeriod(Number(chosen.quote.deliveryPeriod));
        this.guard.checkReputation(chosen.quote.providerAgentId, await this.reputation(chosen.quote.providerAgentId));
        this.guard.checkSpend(lock, `fill of ${chosen.id.slice(0, 10)}`);
      } catch (err) {
        if (this.aheadOfPace(err, lock)) return;
        this.emit("refused", `fill: ${(err as Error).message}`);
        this.book.drop(chosen.id);
        return;
      }
      if (!this.book.take(chosen.id)) continue; // another agent took it meanwhile: choose again
      this.guard.commit(lock);
      this.lastLock = lock;
      this.demand--;
      const attempt = this.retryQueue.shift() ?? 0;
      // the fills go out together (the transaction layer batches them), each counted in flight at once
      const f = this.act(`fill:${chosen.id}`, () => this.fill(chosen, kind, attempt));
      if (f) fills.push(f);
    }
  }

  /**
   * Places one unit of demand as an open job: the units and price of the board's best quote for the
   * kind (the market's going rate; with an empty board, 4 units at the middle of this agent's price
   * limits), at least the market's minimum job; accept within an hour, deliver within an hour.
   * Returns false when its limits refuse it.
   */
  private placeOpen(kind: KindName, board: BoardQuote[], fills: Promise<void>[]): boolean {
    const lim = this.guard.limits;
    const best = board[0]?.quote;
    const units = best?.units ?? 4n;
    let unitPrice = best?.unitPrice ?? (((lim.minUnitPrice[kind] ?? 0n) + (lim.maxUnitPrice[kind] ?? 0n)) / 2n);
    if (units * unitPrice < MIN_JOB_VALUE) unitPrice = (MIN_JOB_VALUE + units - 1n) / units;
    const value = units * unitPrice;
    const lock = requesterLock(value);
    try {
      this.guard.checkKind(kind);
      this.guard.checkBuyPrice(kind, unitPrice);
      this.guard.checkSpend(lock, "open job");
    } catch (err) {
      if (this.aheadOfPace(err, lock)) return false;
      this.emit("refused", `open job: ${(err as Error).message}`);
      return false;
    }
    this.guard.commit(lock);
    this.lastLock = lock;
    this.demand--;
    const attempt = this.retryQueue.shift() ?? 0;
    const spec = this.makeSpec(kind, units);
    const h = specHash(spec);
    this.openPending.add(h.toLowerCase());
    const f = this.act(`open:${this.stats.openJobs++}`, async () => {
      this.publishSpec(h, spec);
      this.attempts.set(h.toLowerCase(), attempt);
      try {
        await this.tx.call("WorkMarket", "createJob", [{ requesterAgentId: this.agentId, providerAgentId: 0n, value, specHash: h, acceptDeadline: this.view.time + 3_600n, deliveryPeriod: 3_600n }]);
      } catch (err) {
        this.demand++;
        if (attempt > 0) this.retryQueue.unshift(attempt);
        this.attempts.delete(h.toLowerCase());
        this.openPending.delete(h.toLowerCase());
        this.guard.release(lock);
        throw err;
      }
    });
    if (f) fills.push(f);
    return true;
  }

  /** Where the spec goes: this agent's endpoint and the process's providers (a ghost keeps it to itself). */
  private publishSpec(h: Hex, spec: Spec): void {
    this.specs.set(h, spec);
    if (this.behaviour === "ghost") return;
    this.o.specServer?.put(spec);
    // (not awaited: the fill goes out meanwhile; a provider looks for the spec a few times)
    if (this.o.specStore) {
      fetch(`${this.o.specStore.replace(/\/+$/, "")}/specs`, { method: "POST", headers: { "content-type": "application/json" }, body: canonical(spec) })
        .then((r) => (r.ok ? undefined : this.emit("error", `publishing spec ${h.slice(0, 10)} on the spec store: HTTP ${r.status}`)))
        .catch((e: Error) => this.emit("error", `publishing spec ${h.slice(0, 10)} on the spec store: ${e.message}`));
    }
    if (this.o.specs) this.o.specs.local.set(h.toLowerCase(), spec);
    else SPEC_STORE.set(h, spec);
  }

  private makeSpec(kind: KindName, quoted: bigint): Spec {
    const units = this.behaviour === "greedy" ? quoted * 10n : quoted;
    const salt = `${this.agentId}-${randomBytes(6).toString("hex")}`;
    if (kind === KINDS.SHA256) return { kind, input: `0x${randomBytes(32).toString("hex")}`, iterations: Number(units) * ITERATIONS_PER_UNIT, salt };
    const topics = ["staking", "validators", "burn", "quotes", "escrow"];
    const topic = topics[Math.floor(this.rnd() * topics.length)];
    return {
      kind, model: this.o.model ?? "gpt-4o-mini", maxTokens: Number(units) * 100, salt,
      prompt: `In two or three sentences, explain ${topic} in a compute market paid in COMPUTE.`,
      rubric: { minWords: 5, maxWords: Number(units) * 75, mustInclude: [topic], mustNotInclude: ["lorem ipsum"] },
    };
  }

  private async fill(b: BoardQuote, kind: KindName, attempt: number): Promise<void> {
    const spec = this.makeSpec(kind, b.quote.units);
    const h = specHash(spec);
    this.attempts.set(h.toLowerCase(), attempt);
    // the spec reaches the provider off-chain: published on our endpoint (and handed over in
    // memory to providers of this process); a ghost keeps it to itself
    this.publishSpec(h, spec);
    this.filling.set(b.id, { provider: b.quote.providerAgentId, nonce: b.quote.nonce });
    try {
      await this.tx.call("WorkMarket", "fillQuote", [b.quote, b.signature, this.agentId, h]);
      this.stats.filled++;
    } catch (err) {
      this.demand++; // try another quote
      if (attempt > 0) this.retryQueue.unshift(attempt);
      this.attempts.delete(h.toLowerCase());
      this.guard.release(requesterLock(b.quote.units * b.quote.unitPrice));
      this.filling.delete(b.id);
      throw err;
    }
  }

  private requesterOn(j: JobView): (Promise<void> | undefined)[] {
    const out: (Promise<void> | undefined)[] = [];
    const v = this.view;
    // an approval of work that re-execution shows wrong: challenge (our deposit is the bond)
    if (j.status === Status.Validated && j.producerWins === true && !j.challenged && v.time <= j.deadline && this.behaviour === "honest") {
      if (this.reExecutable(j) && !this.deliveryChecks(j)) {
        out.push(this.act(`challenge:${j.id}`, async () => {
          await this.tx.call("WorkMarket", "challenge", [j.id, this.agentId]);
          this.stats.challenges++;
          this.failedMe.add(j.provider);
        }));
      }
    }
    if ((j.status === Status.Accepted || j.status === Status.Open) && v.time > j.deadline) {
      out.push(this.act(`expire:${j.id}`, async () => {
        await this.tx.call("WorkMarket", "expire", [j.id]);
        this.stats.expired++;
        this.failedMe.add(j.provider);
      }));
    }
    if ((j.status === Status.Submitted || j.status === Status.Disputed) && v.time > j.deadline) {
      out.push(this.act(`finalize:${j.id}:${j.status}`, () => this.tx.call("ValidatorPool", "finalize", [j.id]).then(() => undefined)));
    }
    if ((j.status === Status.Validated || j.status === Status.Resolved || j.status === Status.Settled) && j.producerWins === false) this.failedMe.add(j.provider);
    if (j.status === Status.Declined) this.failedMe.add(j.provider);
    if (j.status === Status.Expired || j.status === Status.Declined || (j.status === Status.Settled && j.producerWins === false)) this.retryFailed(j);
    if (j.status === Status.Settled) out.push(this.rateOtherSide(j));
    return out;
  }

  /**
   * A job of ours ended without the work we paid for: place its demand again (another provider
   * will be chosen: this one is in failedMe), unless it was already the last try. Once per job.
   */
  private retryFailed(j: JobView): void {
    const key = j.specHash.toLowerCase();
    const attempt = this.attempts.get(key);
    if (attempt === undefined) return; // not filled by this agent's runtime (or already handled)
    this.attempts.delete(key);
    const how = j.status === Status.Expired ? "expired undelivered" : j.status === Status.Declined ? "declined by its provider" : "its work rejected";
    if (attempt >= (this.o.retries ?? 2)) {
      this.emit("info", `job ${j.id} failed (${how}); its demand was tried ${attempt + 1} times, not placed again`);
      return;
    }
    this.demand++;
    this.retryQueue.push(attempt + 1);
    this.stats.retries++;
    this.emit("info", `job ${j.id} failed (${how}, provider ${j.provider}); placing its demand again (try ${attempt + 2})`);
  }

  /**
   * A job whose verdict approved the work, and whose delivery re-executes to its result where the
   * kind can be re-executed: it only waits for its challenge window, so it is no longer a risk
   * taken on the provider (`standingWith`).
   */
  private approvedAndChecked(j: JobView): boolean {
    if (j.status !== Status.Validated || j.producerWins !== true) return false;
    return !this.reExecutable(j) || this.deliveryChecks(j);
  }

  /** A job of a deterministic kind, whose delivery the requester can re-execute. */
  private reExecutable(j: JobView): boolean {
    return !!j.resourceKind && kindOfHash(j.resourceKind) === KINDS.SHA256;
  }

  /**
   * Whether a job's delivery re-executes to its result, worked out once per delivery: the job stays
   * Validated for its whole challenge window and the agent looks at it at every step meanwhile.
   */
  private deliveryChecks(j: JobView): boolean {
    const c = this.checked.get(j.id);
    if (c && c.result === j.resultHash) return c.ok;
    const ok = verifyDelivery(j.specHash, j.resultHash, j.resultURI).ok;
    this.checked.set(j.id, { result: j.resultHash, ok });
    return ok;
  }
  private checked = new Map<bigint, { result: Hex | undefined; ok: boolean }>();
  /** Per accepted job: the looks for its spec that found none (`deliver`). */
  private specMisses = new Map<bigint, number>();

  /**
   * The rating this agent gives the other side of a settled job it was a party to, as its
   * `feedback` option says: a requester rates its provider (unless "none"), a provider its
   * requester (with "both").
   */
  private rateOtherSide(j: JobView): Promise<void> | undefined {
    if (j.provider === this.agentId) return this.o.feedback === "both" ? this.rateCounterparty(j, j.requester) : undefined;
    if (j.requester === this.agentId && this.o.feedback !== "none") return this.rateCounterparty(j, j.provider);
    return undefined;
  }

  private rateCounterparty(j: JobView, other: bigint): Promise<void> | undefined {
    return this.act(`rate:${j.id}`, async () => {
      const asRequester = j.requester === this.agentId;
      const score = this.policy.rate({ producerWins: j.producerWins === true, asRequester });
      if (!Number.isInteger(score) || score < 0 || score > 100) throw new LimitError("score", `score ${score} is outside 0..100`);
      await this.tx.call("ReputationRegistry", "giveFeedback", [j.id, other, score, KIND_HASH["sha256-iter"], ""]);
      this.stats.feedback++;
    });
  }

  // ------------------------------------------------------------------ both parties: settlement

  /** Settles, in one transaction, the ready jobs this agent is owed money from. */
  private settleReady(): Promise<void> | undefined {
    const v = this.view;
    const ids: bigint[] = [];
    for (const j of v.jobsOf(this.agentId)) {
      const ready = j.status === Status.Resolved || (j.status === Status.Validated && v.time > j.deadline);
      if (!ready || this.settling.has(j.id)) continue;
      const mine = j.producerWins ? j.provider === this.agentId && this.is(ROLES.PROVIDER) : j.requester === this.agentId && this.is(ROLES.REQUESTER);
      if (mine) ids.push(j.id);
    }
    if (ids.length === 0) return undefined;
    ids.sort((a, b) => (a < b ? -1 : 1));
    const batch = ids.slice(0, 100);
    // kept until the view shows them settled (a second batch before that would find nothing)
    for (const id of batch) this.settling.add(id);
    return this.act(`settlebatch:${batch.join(",")}`, async () => {
      try {
        await this.tx.call("WorkMarket", "settle", [batch]);
        this.stats.settledBatches++;
      } catch (err) {
        for (const id of batch) this.settling.delete(id);
        throw err;
      }
      // Our settlement is mined, and settled every job of the batch: each was ready by a deadline
      // already past (or resolved), and a ready job only ever becomes Settled. So the other side
      // is rated now rather than at the next look at the chain, which would come back only after
      // every transaction sent meanwhile (the swarm's staking claims after a jump, say). The
      // ratings the view's next look would start are the same actions (`rate:<job>`), done once.
      await Promise.all(batch.map((id) => {
        const j = this.view.jobs.get(id);
        return j && this.rateOtherSide(j);
      }));
    }, false);
  }

  // ------------------------------------------------------------------ validator

  private validatorOn(j: JobView): Promise<void> | undefined {
    const me = this.validatorId!;
    const kind = j.committeeKind ?? 1;
    if (!votingOpen(j) || j.votes.has(me) || !j.committee) return undefined;
    const index = j.committee.indexOf(me);
    const quorum = Math.floor(j.committee.length / 2) + 1;
    // the first `quorum` members vote at once, the others only if the round is still open a few
    // steps and LATE_VOTE_MS later (a member that is down or slow), which saves the late votes
    // that would revert: steps alone came faster than the quorum's votes were mined when the node
    // had several batches queued (a 100-agent swarm: 13-23 reverted votes per 1,000 jobs)
    const seenKey = `${j.id}:${kind}`;
    let seen = this.firstSeen.get(seenKey);
    if (seen === undefined) this.firstSeen.set(seenKey, (seen = { step: this.steps, at: Date.now() }));
    if (index >= quorum && (this.steps - seen.step < 3 || Date.now() - seen.at < LATE_VOTE_MS)) return undefined;
    return this.act(`attest:${j.id}:${kind}`, async () => {
      const approve = await this.verdict(j);
      try {
        await this.tx.call("ValidatorPool", "attest", [j.id, approve]);
        this.stats.attested++;
      } catch (err) {
        // the round was decided by the other members' votes meanwhile: nothing lost
        if (!(err instanceof UbcContractError && (err.errorName === "WrongPhase" || err.errorName === "AlreadyAttested"))) throw err;
        this.stats.lateVotes++;
      }
    });
  }

  private async verdict(j: JobView): Promise<boolean> {
    if (this.behaviour === "colluder" && this.o.partners?.has(j.provider)) return true;
    const v = verifyDelivery(j.specHash, j.resultHash, j.resultURI);
    if (!v.ok || v.spec?.kind !== KINDS.LLM) return v.ok;
    // model text passed the rubric: the policy judges it too (a model, or the rubric itself)
    const text = JSON.parse(Buffer.from(j.resultURI!.split(",")[1], "base64").toString("utf8")).result as string;
    const d = await this.policy.judge({ spec: v.spec, text, rubric: judgeText(text, v.spec.rubric) });
    return d.approve;
  }

  private claimFees(): Promise<void> | undefined {
    const me = this.validatorId;
    if (me === undefined) return undefined;
    const ids: bigint[] = [];
    for (const j of this.view.committeeJobs(me)) {
      const over = j.status === Status.Settled || j.status === Status.Expired || j.status === Status.Cancelled || j.status === Status.Declined;
      if (!over) continue;
      const myVote = j.votes.get(me);
      // owed until some winner's claim (ours or another's) has paid the job's fee to every winner
      const owed = j.status === Status.Settled && j.settled?.validatorsPaid === true && j.feesPaid !== true && j.committee?.includes(me) === true && myVote !== undefined && myVote === (j.producerWins === true);
      if (!owed || this.done.has(`fees:${j.id}`)) {
        // nothing left for this validator to do with the job: out of the lists it steps over
        this.view.forgetCommitteeJob(me, j.id);
        this.done.delete(`fees:${j.id}`);
        this.feeWaitSince.delete(j.id);
        this.doneWith(j.id);
        continue;
      }
      if (this.busy.has(`fees:${j.id}`)) continue;
      // the first claim of a job pays all its winners: the winner with the lowest validator id
      // claims it, the others only if it is still unpaid FEE_CLAIM_GRACE_MS after they saw it
      // settled (that one gone): no two claims race for one job (the later would pay nothing, or revert)
      if (!this.claimsFirst(j, me)) {
        const seen = this.feeWaitSince.get(j.id) ?? Date.now();
        this.feeWaitSince.set(j.id, seen);
        if (Date.now() - seen < FEE_CLAIM_GRACE_MS) continue;
      }
      ids.push(j.id);
    }
    if (ids.length === 0) return undefined;
    for (const id of ids) this.busy.add(`fees:${id}`);
    return this.act(`feebatch:${ids[0]}:${ids.length}`, async () => {
      try {
        await this.tx.call("ValidatorPool", "claimFees", [ids]);
        this.stats.feeClaims++;
        for (const id of ids) this.done.add(`fees:${id}`);
      } catch (err) {
        if (err instanceof UbcContractError && err.errorName === "NothingToClaim") for (const id of ids) this.done.add(`fees:${id}`);
        else throw err;
      } finally {
        for (const id of ids) this.busy.delete(`fees:${id}`);
      }
    }, false);
  }

  /** When this validator first saw each job it won settled and unpaid, with another winner to claim it first (ms). */
  private feeWaitSince = new Map<bigint, number>();

  /** Whether `me` has the lowest validator id among the winners of job `j`'s final round. */
  private claimsFirst(j: JobView, me: bigint): boolean {
    for (const [id, approve] of j.votes) if (id < me && approve === (j.producerWins === true)) return false;
    return true;
  }

  // ------------------------------------------------------------------ staking

  /** Claims the COMPUTE its staking positions accrued, once per `claimEvery` of chain time. */
  private claimStakingRewards(): Promise<void> | undefined {
    const positions = this.view.positions.get(this.address.toLowerCase());
    if (!positions?.length) return undefined;
    if (this.lastClaim === 0n) this.lastClaim = this.view.time;
    if (this.view.time < this.lastClaim + (this.o.claimEvery ?? 86_400n)) return undefined;
    this.lastClaim = this.view.time;
    return this.act(`claim:${this.view.time}`, async () => {
      await this.tx.call("StakingVault", "claimMany", [positions]);
      this.stats.claims++;
    });
  }

  /** Withdraws a provider's open quotes and leaves the validator set (unbonding starts), so that later jobs and committees do not count on a stopped agent. */
  async retire(): Promise<void> {
    // a provider withdraws its unfilled quotes (on-chain, so that every board drops them): nobody
    // would deliver the jobs filled from them
    if (this.is(ROLES.PROVIDER) && this.myQuotes.size > 0) {
      await this.tx.call("WorkMarket", "cancelQuotesBelow", [this.agentId, this.nextNonce]).catch((e) => this.emit("error", `cancelQuotesBelow: ${errName(e)}`));
      for (const id of this.myQuotes.keys()) this.book.drop(id);
      this.myQuotes.clear();
    }
    if (this.validatorId === undefined) return;
    await this.tx.call("ValidatorPool", "requestUnbond", []).catch((e) => this.emit("error", `requestUnbond: ${errName(e)}`));
  }
}

/**
 * A requester's in-flight cap after looking at its jobs' draws (Agent's `cap`): halved (to 1 at
 * least) for each re-arm since the last look of a job that had re-armed before (its re-armed draw
 * was late too: the collapse), grown by 1/cap for each job drawn with at most one re-arm, never
 * above `max`. `seen` holds, per job still in flight, what was counted
 * (updated here; a job that has ended is dropped).
 */
export function nextInFlightCap(
  cap: number,
  max: number,
  jobs: readonly Pick<JobView, "id" | "status" | "committee" | "rearms">[],
  seen: Map<bigint, { rearms: number; drawn: boolean }>,
): number {
  cap = Math.min(cap, max);
  for (const j of jobs) {
    const s = seen.get(j.id) ?? { rearms: 0, drawn: false };
    // (a first re-arm is common near the window's end; its re-armed draw then goes through)
    for (; s.rearms < (j.rearms ?? 0); s.rearms++) if (s.rearms >= 1) cap = Math.max(1, cap / 2);
    if (j.committee !== undefined && !s.drawn) {
      if ((j.rearms ?? 0) <= 1) cap = Math.min(max, cap + 1 / cap);
      s.drawn = true;
    }
    if (j.status >= Status.Resolved) seen.delete(j.id);
    else seen.set(j.id, s);
  }
  return cap;
}

/**
 * Specs by hash, handed over in memory between agents of one process that have no SpecResolver
 * (across processes: `SpecServer` / `SpecResolver`, specs.ts). Validators never need it: the
 * delivery carries the spec, checked against its hash.
 */
export const SPEC_STORE = new Map<string, Spec>();

/** The kinds of `act` keys that name a job (`<kind>:<job id>…`): dropped once the agent is done with the job. */
const JOB_ACTIONS = new Set(["submit", "draw", "challenge", "expire", "finalize", "rate", "attest", "accept"]);

/**
 * Why a job's spec is not the work its quote priced, or undefined when it is: a spec of another kind
 * than the quote's resource kind, or asking more units than the quote's (the job's value divided by
 * its unit price). Jobs not filled from a quote (no unit price known) are not checked here.
 */
export function specMisfit(j: Pick<JobView, "id" | "value" | "resourceKind" | "unitPrice">, spec: Spec): string | undefined {
  const kind = j.resourceKind ? kindOfHash(j.resourceKind) : undefined;
  if (j.resourceKind && kind !== spec.kind) return `job ${j.id}: a ${spec.kind} spec on a quote for ${kind ?? j.resourceKind}`;
  if (j.unitPrice && j.unitPrice > 0n) {
    const units = j.value / j.unitPrice;
    if (unitsOf(spec) > units) return `job ${j.id}: the spec asks ${unitsOf(spec)} units, the quote priced ${units}`;
  }
  return undefined;
}

/** How often a provider looks at a shared board's requests for quotes (ms). */
const RFQ_LOOK_MS = 2_000;

/** A provider's turn (0..5) to look at an open job: drawn from the job's id and the provider's, the same in every process. */
export function openJobTurn(jobId: bigint, agentId: bigint): number {
  return Number((jobId * 7_919n + agentId * 104_729n) % 6n);
}

/** Looks for a job's spec (one per step of the agent) before its provider declines the job. */
const SPEC_TRIES = 3;

/**
 * Which kind a provider quotes next, and how many quotes: a provider of several kinds keeps each on
 * offer, so it quotes the kind it has fewest open quotes of (ties drawn with `rnd`), at most its
 * share of `target` open quotes for that kind and never beyond `target` in all. One answer for one
 * kind thus cannot take every slot and leave the other kinds' buyers without a quote. With one
 * kind: `target` minus the open quotes, as before.
 */
export function nextQuoteKind(kinds: readonly KindName[], openOf: (k: KindName) => number, target: number, rnd: () => number): { kind: KindName; want: number } {
  const counts = kinds.map(openOf);
  const open = counts.reduce((s, n) => s + n, 0);
  const fewest = Math.min(...counts);
  const least = kinds.filter((_, i) => counts[i] === fewest);
  const kind = least[Math.floor(rnd() * least.length)];
  return { kind, want: Math.min(target - open, Math.ceil(target / kinds.length) - fewest) };
}
