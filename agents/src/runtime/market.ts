// What an agent knows about the market: a projection of the WorkMarket's, ValidatorPool's and
// StakingVault's events, polled with eth_getLogs from the last block seen. Every agent could run
// its own; a swarm shares one (the same data, fetched once). The projection also keeps the chain
// time of the latest block, which is the clock every deadline is measured against.
import { decodeEventLog, toEventSelector, type Abi, type Address, type Hex, type Log, type PublicClient } from "viem";
import { ABIS } from "../generated/abis.ts";
import { compileEventDecoder, type DecodedEvent, type EventDecoder } from "./event-decoder.ts";

export const Status = {
  None: 0, Open: 1, Accepted: 2, Submitted: 3, Validated: 4, Disputed: 5, Resolved: 6, Cancelled: 7, Expired: 8, Settled: 9, Declined: 10,
} as const;

/** The share of an accepted job's delivery period in which its provider may decline it (WorkMarket.DECLINE_SHARE). */
export const DECLINE_SHARE = 4n;

/** Whether the job's current committee round takes votes: a first round while submitted, an escalation while disputed. */
export function votingOpen(j: Pick<JobView, "status" | "committeeKind">): boolean {
  const kind = j.committeeKind ?? 1;
  return (kind === 1 && j.status === Status.Submitted) || (kind === 2 && j.status === Status.Disputed);
}

export interface JobView {
  id: bigint;
  requester: bigint;
  provider: bigint;
  value: bigint;
  specHash: Hex;
  resourceKind?: Hex;
  quoteNonce?: bigint;
  unitPrice?: bigint;
  status: number;
  /** Deadline of the current phase (chain time, seconds). */
  deadline: bigint;
  /** Seconds from acceptance to the delivery deadline (JobCreated). */
  deliveryPeriod?: bigint;
  /** While accepted: the last second its provider may decline it (`WorkMarket.decline`). */
  declineBy?: bigint;
  resultHash?: Hex;
  resultURI?: string;
  seedBlock?: bigint;
  /** Validator ids of the current round's committee, and its kind (1 first, 2 escalation). */
  committee?: bigint[];
  committeeKind?: number;
  drawnBlock?: bigint;
  /** Escalation armed and not yet drawn: its seed block. */
  armedSeed?: bigint;
  /** Draws that came too late for their seed block and re-armed (CommitteeArmed). */
  rearms?: number;
  votes: Map<bigint, boolean>;
  /** Validator ids of every committee drawn for it (both rounds): the lists it is indexed in. */
  members?: bigint[];
  /** The block in which it reached its end (settled, expired, cancelled or declined). */
  endedBlock?: bigint;
  producerWins?: boolean;
  challenged: boolean;
  settled?: { toProvider: bigint; toRequester: bigint; protocolFee: bigint; validationFee: bigint; validatorsPaid: boolean };
  expired?: { refund: bigint; slashed: bigint };
  declined?: { requesterRefund: bigint; providerRefund: bigint };
  burned: bigint;
  /** Its validation fee was paid out to the winning validators (`FeesClaimed`). */
  feesPaid?: boolean;
}

export interface MarketTotals {
  burned: bigint;
  paidToProviders: bigint;
  protocolFees: bigint;
  validatorFees: bigint;
  validatorFeesClaimed: bigint;
  slashedUbc: bigint;
  disputes: number;
}

const ABI: Abi = [...(ABIS.WorkMarket as Abi), ...(ABIS.ValidatorPool as Abi), ...(ABIS.StakingVault as Abi), ...(ABIS.ReputationRegistry as Abi)];
/**
 * Each event of ABI by its topic0, as a decoder compiled from its ABI item (event-decoder.ts:
 * viem's results at a fraction of decodeEventLog's CPU), or decodeEventLog given that one event
 * for one the compiler does not handle (given the whole ABI it hashes every event's signature for
 * every log until one matches).
 */
const BY_TOPIC = new Map<string, EventDecoder>();
for (const item of ABI) {
  if (item.type !== "event") continue;
  const decode = compileEventDecoder(item) ?? ((topics, data) => decodeEventLog({ abi: [item], data, topics: topics as [Hex, ...Hex[]] }) as DecodedEvent);
  BY_TOPIC.set(toEventSelector(item).toLowerCase(), decode);
}

/** Several read calls in one JSON-RPC batch request; the results in order (throws on an error). */
export type RpcBatch = (calls: { method: string; params: unknown[] }[]) => Promise<unknown[]>;

/** A log as the node sends it (quantities in hex). */
interface RawLog {
  address: Address;
  topics: [Hex, ...Hex[]];
  data: Hex;
  blockNumber: Hex;
  blockHash: Hex;
  transactionHash: Hex;
  transactionIndex: Hex;
  logIndex: Hex;
}

export class MarketView {
  readonly client: PublicClient;
  readonly addresses: { market: Address; pool: Address; vault: Address; reputation?: Address };
  /** Feedback received by agent id since the view's first block (count, sum of scores). */
  readonly feedback = new Map<bigint, { count: number; sum: number }>();
  readonly jobs = new Map<bigint, JobView>();
  /** Validator id → { account, agentId } (from ValidatorJoined). */
  readonly validators = new Map<bigint, { account: Address; agentId: bigint }>();
  readonly validatorOfAgent = new Map<bigint, bigint>();
  /** Staking positions by owner (lowercase address). */
  readonly positions = new Map<string, bigint[]>();
  readonly slashed = new Map<bigint, bigint>();
  /** Jobs by party (requester or provider agent id), and by committee member (validator id). */
  // an agent's jobs, and a validator's committee jobs, by job id: each agent iterates its own at
  // every step, so a job it is done with is dropped from them (forgetJobOf, forgetCommitteeJob)
  // and a swarm running for days steps over the jobs in flight only
  private byParty = new Map<bigint, Map<bigint, JobView>>();
  private byMember = new Map<bigint, Map<bigint, JobView>>();
  /** Jobs open for providers to accept (`createJob`), until accepted, cancelled or expired. */
  readonly openJobs = new Map<bigint, JobView>();
  /** `${providerAgentId}:${nonce}` of every quote filled. */
  readonly filledQuotes = new Set<string>();
  readonly feesClaimed = new Map<bigint, bigint>();
  readonly totals: MarketTotals = { burned: 0n, paidToProviders: 0n, protocolFees: 0n, validatorFees: 0n, validatorFeesClaimed: 0n, slashedUbc: 0n, disputes: 0 };
  block = 0n;
  time = 0n;
  private from: bigint;
  private listeners: ((name: string, args: Record<string, any>, log: Log) => void)[] = [];
  private polling: Promise<number> | undefined;
  private batch: RpcBatch | undefined;
  /** The newest block of the last completed poll (-1: none yet). */
  private seenHead = -1n;

  /**
   * `batch` (optional): sends several read calls in one JSON-RPC batch request; with it a poll is
   * one request to the node instead of two in a row (see `pollBatched`).
   */
  constructor(client: PublicClient, addresses: { market: Address; pool: Address; vault: Address; reputation?: Address }, fromBlock: bigint, opts: { batch?: RpcBatch } = {}) {
    this.client = client;
    this.addresses = addresses;
    this.from = fromBlock;
    this.batch = opts.batch;
  }

  onEvent(l: (name: string, args: Record<string, any>, log: Log) => void): void {
    this.listeners.push(l);
  }

  /** Fetches and applies the events of the blocks mined since the last poll; returns how many. */
  poll(): Promise<number> {
    // one poll at a time; callers arriving meanwhile share it
    this.polling ??= this.pollNow().finally(() => (this.polling = undefined));
    return this.polling;
  }

  private async pollNow(): Promise<number> {
    if (this.batch) return this.pollBatched(this.batch);
    const head = await this.client.getBlock({ blockTag: "latest" });
    const to = head.number!;
    let n = 0;
    if (to >= this.from) {
      const logs = await this.client.getLogs({ address: this.watched(), fromBlock: this.from, toBlock: to });
      for (const log of logs) if (this.ingest(log)) n++;
      this.from = to + 1n;
    }
    this.block = to;
    this.time = head.timestamp;
    return n;
  }

  private watched(): Address[] {
    return [this.addresses.market, this.addresses.pool, this.addresses.vault, ...(this.addresses.reputation ? [this.addresses.reputation] : [])];
  }

  /** Decodes and applies one log; false for a log of no event the view knows. */
  private ingest(log: Log): boolean {
    let ev: { eventName: string; args: Record<string, any> };
    try {
      const decode = BY_TOPIC.get(log.topics[0]?.toLowerCase() ?? "");
      if (!decode) return false;
      ev = decode(log.topics, log.data) as never;
    } catch {
      return false; // an event of another contract version
    }
    this.apply(ev.eventName, ev.args, log);
    for (const l of this.listeners) l(ev.eventName, ev.args, log);
    return true;
  }

  /**
   * The newest block and the logs since the last poll in one request: `eth_getBlockByNumber
   * ("latest")` and `eth_getLogs` up to "latest" (the number is not known before the answer).
   * Every log returned is applied; the next poll starts after the newest block whose logs were
   * certainly complete in this answer: the newest block holding a returned log, or the head an
   * earlier poll saw (mined before this request was sent), whichever is later. So no log is
   * missed or applied twice whatever order the node takes the two calls in, and the range stays
   * the blocks of one poll interval or so. The view's block and time are the block read.
   */
  private async pollBatched(batch: RpcBatch): Promise<number> {
    const [head, raw] = (await batch([
      { method: "eth_getBlockByNumber", params: ["latest", false] },
      { method: "eth_getLogs", params: [{ address: this.watched(), fromBlock: `0x${this.from.toString(16)}`, toBlock: "latest" }] },
    ])) as [{ number: Hex; timestamp: Hex } | null, RawLog[]];
    if (!head || !Array.isArray(raw)) throw new Error("the node answered a poll without the latest block or the logs");
    let n = 0;
    let complete = this.seenHead;
    for (const r of raw) {
      const blockNumber = BigInt(r.blockNumber);
      if (blockNumber > complete) complete = blockNumber;
      const log = { ...r, blockNumber, logIndex: Number(r.logIndex), transactionIndex: Number(r.transactionIndex) } as unknown as Log;
      if (this.ingest(log)) n++;
    }
    if (complete + 1n > this.from) this.from = complete + 1n;
    this.block = BigInt(head.number);
    this.time = BigInt(head.timestamp);
    if (this.block > this.seenHead) this.seenHead = this.block;
    return n;
  }

  /** The jobs an agent is a party of (requester or provider), but those it said it is done with. */
  jobsOf(agentId: bigint): Iterable<JobView> {
    return this.byParty.get(agentId)?.values() ?? [];
  }

  /** The jobs whose committee (either round) includes a validator, but those it said it is done with. */
  committeeJobs(validatorId: bigint): Iterable<JobView> {
    return this.byMember.get(validatorId)?.values() ?? [];
  }

  /** Drops a job from `jobsOf(agentId)`: that agent has nothing left to do with it (the job stays in `jobs`). */
  forgetJobOf(agentId: bigint, jobId: bigint): void {
    this.byParty.get(agentId)?.delete(jobId);
  }

  /** Drops a job from `committeeJobs(validatorId)`: that validator has nothing left to do with it. */
  forgetCommitteeJob(validatorId: bigint, jobId: bigint): void {
    this.byMember.get(validatorId)?.delete(jobId);
  }

  /**
   * Whether one of these agents (as requester or provider) or validators (as a committee member)
   * still lists the job: has not yet said it is done with it (forgetJobOf, forgetCommitteeJob).
   */
  listedFor(j: JobView, agentIds: ReadonlySet<bigint>, validatorIds: ReadonlySet<bigint>): boolean {
    if (agentIds.has(j.requester) && this.byParty.get(j.requester)?.has(j.id)) return true;
    if (agentIds.has(j.provider) && this.byParty.get(j.provider)?.has(j.id)) return true;
    for (const m of j.members ?? []) if (validatorIds.has(m) && this.byMember.get(m)?.has(j.id)) return true;
    return false;
  }

  /**
   * Forgets jobs that ended at least `afterBlocks` blocks ago and that `keep` does not hold on to:
   * from `jobs`, from every party's and member's list, and their quote from `filledQuotes`; each
   * is handed to `onDrop` first. A view following a market for days (a continuous swarm) keeps the
   * jobs in flight and the recent ones only, instead of every job since it started. A job ends with
   * the transaction that settles, expires, cancels or declines it; later events name it no more
   * (what they would add to a forgotten job is lost: none do). Returns how many were forgotten.
   */
  dropEnded(afterBlocks: bigint, keep: (j: JobView) => boolean, onDrop: (j: JobView) => void): number {
    let n = 0;
    for (const j of this.jobs.values()) {
      if (j.endedBlock === undefined || j.endedBlock + afterBlocks > this.block || keep(j)) continue;
      onDrop(j);
      this.jobs.delete(j.id);
      this.openJobs.delete(j.id);
      this.byParty.get(j.requester)?.delete(j.id);
      this.byParty.get(j.provider)?.delete(j.id);
      for (const m of j.members ?? []) this.byMember.get(m)?.delete(j.id);
      if (j.quoteNonce !== undefined) this.filledQuotes.delete(`${j.provider}:${j.quoteNonce}`);
      n++;
    }
    return n;
  }

  private index(map: Map<bigint, Map<bigint, JobView>>, key: bigint, j: JobView) {
    let jobs = map.get(key);
    if (!jobs) map.set(key, (jobs = new Map()));
    jobs.set(j.id, j);
  }

  private job(id: bigint): JobView {
    let j = this.jobs.get(id);
    if (!j) {
      j = { id, requester: 0n, provider: 0n, value: 0n, specHash: "0x", status: Status.None, deadline: 0n, votes: new Map(), challenged: false, burned: 0n };
      this.jobs.set(id, j);
    }
    return j;
  }

  private apply(name: string, a: Record<string, any>, log: Log): void {
    const isPool = log.address.toLowerCase() === this.addresses.pool.toLowerCase();
    const isVault = log.address.toLowerCase() === this.addresses.vault.toLowerCase();
    if (name === "NewFeedback" && log.address.toLowerCase() === this.addresses.reputation?.toLowerCase()) {
      const f = this.feedback.get(a.agentId) ?? { count: 0, sum: 0 };
      f.count++;
      f.sum += Number(a.score);
      this.feedback.set(a.agentId, f);
      return;
    }
    if (isVault) {
      if (name === "Staked") {
        const k = (a.owner as string).toLowerCase();
        this.positions.set(k, [...(this.positions.get(k) ?? []), a.positionId as bigint]);
      }
      return;
    }
    if (isPool) {
      switch (name) {
        case "ValidatorJoined":
          this.validators.set(a.validatorId, { account: a.account, agentId: a.agentId });
          this.validatorOfAgent.set(a.agentId, a.validatorId);
          return;
        case "CommitteeArmed": {
          const j = this.job(a.jobId);
          j.armedSeed = a.seedBlock;
          j.rearms = (j.rearms ?? 0) + 1;
          return;
        }
        case "CommitteeDrawn": {
          const j = this.job(a.jobId);
          j.committee = (a.validatorIds as readonly number[]).map((x) => BigInt(x));
          for (const m of j.committee) this.index(this.byMember, m, j);
          j.members = j.members ? [...j.members, ...j.committee] : j.committee;
          j.committeeKind = Number(a.kind);
          j.drawnBlock = log.blockNumber ?? undefined;
          j.armedSeed = undefined;
          j.votes = new Map();
          return;
        }
        case "Attested":
          this.job(a.jobId).votes.set(a.validatorId, a.approve);
          return;
        case "Slashed":
          this.slashed.set(a.validatorId, (this.slashed.get(a.validatorId) ?? 0n) + a.amount);
          this.totals.slashedUbc += a.amount;
          return;
        case "FeesClaimed":
          // the claim that pays a job's fee pays every winner of it at once
          this.job(a.jobId).feesPaid = true;
          this.feesClaimed.set(a.validatorId, (this.feesClaimed.get(a.validatorId) ?? 0n) + a.amount);
          this.totals.validatorFeesClaimed += a.amount;
          return;
      }
      return;
    }
    switch (name) {
      case "JobCreated": {
        const j = this.job(a.jobId);
        j.requester = a.requesterAgentId;
        j.provider = a.providerAgentId;
        j.value = a.value;
        j.specHash = a.specHash;
        j.status = Status.Open;
        j.deadline = a.acceptDeadline;
        j.deliveryPeriod = a.deliveryPeriod;
        this.index(this.byParty, j.requester, j);
        if (j.provider !== 0n) this.index(this.byParty, j.provider, j);
        this.openJobs.set(j.id, j);
        return;
      }
      case "QuoteFilled": {
        const j = this.job(a.jobId);
        this.openJobs.delete(j.id);
        j.status = Status.Accepted;
        j.resourceKind = a.resourceKind;
        j.quoteNonce = a.nonce;
        j.unitPrice = a.unitPrice;
        this.filledQuotes.add(`${a.providerAgentId}:${a.nonce}`);
        j.deadline = j.deadline + (j.deliveryPeriod ?? 0n);
        return;
      }
      case "JobAccepted": {
        const j = this.job(a.jobId);
        this.openJobs.delete(j.id);
        j.status = Status.Accepted;
        j.provider = a.providerAgentId;
        this.index(this.byParty, j.provider, j);
        j.deadline = a.deliveryDeadline;
        if (j.deliveryPeriod !== undefined) j.declineBy = a.deliveryDeadline - j.deliveryPeriod + j.deliveryPeriod / DECLINE_SHARE;
        return;
      }
      case "JobSubmitted": {
        const j = this.job(a.jobId);
        j.status = Status.Submitted;
        j.resultHash = a.resultHash;
        j.resultURI = a.resultURI;
        j.deadline = a.validationDeadline;
        j.seedBlock = a.seedBlock;
        return;
      }
      case "JobValidated": {
        const j = this.job(a.jobId);
        j.status = Status.Validated;
        j.producerWins = a.producerWins;
        j.deadline = a.challengeDeadline;
        return;
      }
      case "JobDisputed": {
        const j = this.job(a.jobId);
        j.status = Status.Disputed;
        j.deadline = a.disputeDeadline;
        if (a.challengerAgentId !== 0n) j.challenged = true;
        this.totals.disputes++;
        return;
      }
      case "JobResolved": {
        const j = this.job(a.jobId);
        j.status = Status.Resolved;
        j.producerWins = a.producerWins && !a.noFault;
        return;
      }
      case "JobSettled": {
        const j = this.job(a.jobId);
        j.status = Status.Settled;
        j.endedBlock = log.blockNumber ?? this.block;
        j.settled = { toProvider: a.providerPayout, toRequester: a.requesterPayout, protocolFee: a.protocolFee, validationFee: a.validationFee, validatorsPaid: a.validatorsPaid };
        if (j.producerWins) this.totals.paidToProviders += j.value;
        this.totals.protocolFees += a.protocolFee;
        this.totals.validatorFees += a.validationFee;
        return;
      }
      case "JobExpired": {
        const j = this.job(a.jobId);
        this.openJobs.delete(j.id);
        j.status = Status.Expired;
        j.endedBlock = log.blockNumber ?? this.block;
        j.expired = { refund: a.requesterRefund, slashed: a.providerSlashed };
        return;
      }
      case "JobCancelled": {
        const j = this.job(a.jobId);
        j.status = Status.Cancelled;
        j.endedBlock = log.blockNumber ?? this.block;
        this.openJobs.delete(a.jobId);
        return;
      }
      case "JobDeclined": {
        const j = this.job(a.jobId);
        j.status = Status.Declined;
        j.endedBlock = log.blockNumber ?? this.block;
        j.declined = { requesterRefund: a.requesterRefund, providerRefund: a.providerRefund };
        return;
      }
      case "Burned":
        this.job(a.jobId).burned += a.amount;
        this.totals.burned += a.amount;
        return;
    }
  }
}
