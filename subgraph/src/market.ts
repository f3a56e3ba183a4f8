// WorkMarket and ValidatorPool: jobs (WorkRequest) through their states with full history,
// funding and payouts credited to agents, burns, quote cancellations; validators, committees,
// attestations and slashing. Mirrors indexer/src/indexing/handlers/market.ts.
import { BigInt, ethereum, Value } from "@graphprotocol/graph-ts";
import { Attestation, Committee, JobEvent, MarketBurn, QuoteCancellation, Validator, ValidatorSlash, WorkRequest } from "../generated/schema";
import {
  Burned,
  Deposited,
  Funded,
  JobAccepted,
  JobCancelled,
  JobCreated,
  JobDeclined,
  JobDisputed,
  JobExpired,
  JobResolved,
  JobSettled,
  JobSubmitted,
  JobValidated,
  QuoteCancelled,
  QuoteFilled,
  QuotesCancelledBelow,
  TreasuryPaid,
  Withdrawn,
} from "../generated/WorkMarket/WorkMarket";
import {
  Activated,
  Attested,
  CommitteeArmed,
  CommitteeDrawn,
  Deactivated,
  FeesClaimed,
  RoundDecided,
  Slashed,
  StakeWithdrawn,
  Staked,
  UnbondingStarted,
  ValidatorJoined,
} from "../generated/ValidatorPool/ValidatorPool";
import { agent } from "./agents";
import { daily, eventId, protocol, syncDaily, touchProtocol } from "./entities";

/** IWorkMarket.Status.Accepted (JobExpired's fromStatus). */
const ACCEPTED = 2;

const BURN_REASONS = ["protocolFee", "providerDepositSlashed", "requesterBondSlashed", "providerBondSlashed"];

function job(jobId: BigInt): WorkRequest {
  let j = WorkRequest.load(jobId.toString());
  if (j == null) throw new Error("unknown job " + jobId.toString());
  return j;
}

/** A JobEvent (the job's history); `agent` and `amount` may be null. */
function history(event: ethereum.Event, jobId: BigInt, kind: string, agentId: string | null, amount: BigInt | null): void {
  let h = new JobEvent(eventId(event));
  h.job = jobId.toString();
  h.kind = kind;
  h.agent = agentId;
  h.amount = amount;
  h.blockNumber = event.block.number;
  h.timestamp = event.block.timestamp;
  h.transactionHash = event.transaction.hash;
  h.save();
}

function save(event: ethereum.Event, j: WorkRequest): void {
  j.updatedAt = event.block.timestamp;
  j.save();
}

function credit(agentId: string, amount: BigInt): void {
  if (amount.isZero()) return;
  let a = agent(BigInt.fromString(agentId));
  a.marketCredit = a.marketCredit.plus(amount);
  a.save();
}

function validator(id: BigInt): Validator {
  let v = Validator.load(id.toString());
  if (v == null) throw new Error("unknown validator " + id.toString());
  return v;
}

// ---------------------------------------------------------------- WorkMarket

export function handleJobCreated(event: JobCreated): void {
  let provider = event.params.providerAgentId;
  let requester = agent(event.params.requesterAgentId);
  requester.jobsRequested = requester.jobsRequested + 1;
  requester.save();
  let j = new WorkRequest(event.params.jobId.toString());
  j.jobId = event.params.jobId;
  j.requester = requester.id;
  if (provider.isZero()) j.provider = null;
  else j.provider = provider.toString();
  j.value = event.params.value;
  j.specHash = event.params.specHash;
  j.requesterLocked = BigInt.zero();
  j.providerLocked = BigInt.zero();
  j.status = "open";
  j.acceptDeadline = event.params.acceptDeadline;
  j.deliveryPeriod = event.params.deliveryPeriod;
  // deliveryDeadline … validationFee stay null
  j.burned = BigInt.zero();
  j.createdAt = event.block.timestamp;
  j.transactionHash = event.transaction.hash;
  save(event, j);
  history(event, event.params.jobId, "created", requester.id, event.params.value);
  let p = protocol();
  p.jobCount = p.jobCount + 1;
  touchProtocol(p, event);
  let d = daily(event, p);
  d.jobsCreated = d.jobsCreated + 1;
  p.save();
  d.save();
}

export function handleQuoteFilled(event: QuoteFilled): void {
  let j = job(event.params.jobId);
  j.resourceKind = event.params.resourceKind;
  j.units = event.params.units;
  j.unitPrice = event.params.unitPrice;
  j.quoteNonce = event.params.nonce;
  save(event, j);
  history(event, event.params.jobId, "quoteFilled", event.params.providerAgentId.toString(), null);
}

export function handleJobAccepted(event: JobAccepted): void {
  let j = job(event.params.jobId);
  let prov = agent(event.params.providerAgentId);
  prov.jobsProvided = prov.jobsProvided + 1;
  prov.save();
  j.provider = prov.id;
  j.status = "accepted";
  j.deliveryDeadline = event.params.deliveryDeadline;
  save(event, j);
  history(event, event.params.jobId, "accepted", prov.id, null);
}

export function handleFunded(event: Funded): void {
  let j = job(event.params.jobId);
  let agentId = event.params.agentId.toString();
  let amount = event.params.amount;
  if (agentId == j.requester) j.requesterLocked = j.requesterLocked.plus(amount);
  else j.providerLocked = j.providerLocked.plus(amount);
  if (event.params.fromCredit) credit(agentId, amount.neg());
  save(event, j);
  history(event, event.params.jobId, "funded", agentId, amount);
}

export function handleJobCancelled(event: JobCancelled): void {
  let j = job(event.params.jobId);
  j.status = "cancelled";
  credit(j.requester, event.params.refund);
  save(event, j);
  history(event, event.params.jobId, "cancelled", j.requester, event.params.refund);
}

export function handleJobExpired(event: JobExpired): void {
  let j = job(event.params.jobId);
  j.status = "expired";
  credit(j.requester, event.params.requesterRefund);
  // accepted and never delivered: counted against its provider
  let providerId = j.provider;
  if (event.params.fromStatus == ACCEPTED && providerId != null) {
    let prov = agent(BigInt.fromString(<string>providerId));
    prov.jobsUndelivered = prov.jobsUndelivered + 1;
    prov.save();
  }
  save(event, j);
  history(event, event.params.jobId, "expired", j.requester, event.params.requesterRefund);
}

export function handleJobDeclined(event: JobDeclined): void {
  let j = job(event.params.jobId);
  j.status = "declined";
  // both locks come back whole (no fee, no burn): the requester's and the provider's deposit
  credit(j.requester, event.params.requesterRefund);
  let prov = agent(event.params.providerAgentId);
  prov.marketCredit = prov.marketCredit.plus(event.params.providerRefund);
  prov.jobsDeclined = prov.jobsDeclined + 1;
  prov.save();
  save(event, j);
  // as for a cancelled or expired job, the entry carries the requester's refund (the provider
  // who declined is the job's provider)
  history(event, event.params.jobId, "declined", j.requester, event.params.requesterRefund);
}

export function handleJobSubmitted(event: JobSubmitted): void {
  let j = job(event.params.jobId);
  j.status = "submitted";
  j.resultHash = event.params.resultHash;
  // Not the generated setter: for a nullable String it stores null for "" (`if (!value)`), where
  // the indexer (and the contract) keep the empty string.
  j.set("resultURI", Value.fromString(event.params.resultURI));
  j.validationDeadline = event.params.validationDeadline;
  save(event, j);
  history(event, event.params.jobId, "submitted", j.provider, null);
}

export function handleJobValidated(event: JobValidated): void {
  let j = job(event.params.jobId);
  j.status = "validated";
  j.producerWins = event.params.producerWins;
  j.challengeDeadline = event.params.challengeDeadline;
  save(event, j);
  history(event, event.params.jobId, event.params.producerWins ? "validated" : "rejected", null, null);
}

export function handleJobDisputed(event: JobDisputed): void {
  let j = job(event.params.jobId);
  let challenger = event.params.challengerAgentId;
  j.status = "disputed";
  if (challenger.isZero()) j.challenger = null;
  else j.challenger = challenger.toString();
  j.disputeDeadline = event.params.disputeDeadline;
  save(event, j);
  history(event, event.params.jobId, "disputed", j.challenger, event.params.bond);
}

export function handleJobResolved(event: JobResolved): void {
  let j = job(event.params.jobId);
  j.status = "resolved";
  j.producerWins = event.params.producerWins;
  j.noFault = event.params.noFault;
  save(event, j);
  history(event, event.params.jobId, "resolved", null, null);
}

export function handleJobSettled(event: JobSettled): void {
  let j = job(event.params.jobId);
  let toProvider = event.params.providerPayout;
  let toRequester = event.params.requesterPayout;
  j.status = "settled";
  j.providerPayout = toProvider;
  j.requesterPayout = toRequester;
  j.protocolFee = event.params.protocolFee;
  j.validationFee = event.params.validationFee;
  let providerId = j.provider;
  if (providerId != null) {
    let prov = agent(BigInt.fromString(<string>providerId));
    prov.marketCredit = prov.marketCredit.plus(toProvider);
    prov.earned = prov.earned.plus(toProvider);
    prov.jobsSettled = prov.jobsSettled + 1;
    prov.save();
  }
  let req = agent(BigInt.fromString(j.requester));
  req.marketCredit = req.marketCredit.plus(toRequester);
  req.spent = req.spent.plus(j.requesterLocked.minus(toRequester));
  req.jobsSettled = req.jobsSettled + 1;
  req.save();
  save(event, j);
  history(event, event.params.jobId, "settled", j.provider, toProvider);
  let p = protocol();
  p.jobsSettled = p.jobsSettled + 1;
  p.marketVolume = p.marketVolume.plus(j.value);
  p.protocolFees = p.protocolFees.plus(event.params.protocolFee);
  p.validationFees = p.validationFees.plus(event.params.validationFee);
  touchProtocol(p, event);
  let d = daily(event, p);
  d.jobsSettled = d.jobsSettled + 1;
  d.marketVolume = d.marketVolume.plus(j.value);
  syncDaily(d, p);
  p.save();
  d.save();
}

export function handleBurned(event: Burned): void {
  let amount = event.params.amount;
  let j = job(event.params.jobId);
  j.burned = j.burned.plus(amount);
  save(event, j);
  let reason = event.params.reason;
  let b = new MarketBurn(eventId(event));
  b.job = j.id;
  b.amount = amount;
  b.reason = reason >= 0 && reason < BURN_REASONS.length ? BURN_REASONS[reason] : reason.toString();
  b.blockNumber = event.block.number;
  b.timestamp = event.block.timestamp;
  b.transactionHash = event.transaction.hash;
  b.save();
  let p = protocol();
  p.marketBurned = p.marketBurned.plus(amount);
  touchProtocol(p, event);
  let d = daily(event, p);
  d.marketBurned = d.marketBurned.plus(amount);
  p.save();
  d.save();
}

export function handleDeposited(event: Deposited): void {
  credit(event.params.agentId.toString(), event.params.amount);
}

export function handleWithdrawn(event: Withdrawn): void {
  credit(event.params.agentId.toString(), event.params.amount.neg());
}

export function handleTreasuryPaid(event: TreasuryPaid): void {
  let p = protocol();
  p.treasuryPaid = p.treasuryPaid.plus(event.params.amount);
  p.save();
}

function quoteCancellation(event: ethereum.Event, provider: BigInt, nonce: BigInt, below: bool): void {
  let q = new QuoteCancellation(eventId(event));
  q.provider = provider.toString();
  q.nonce = nonce;
  q.below = below;
  q.blockNumber = event.block.number;
  q.timestamp = event.block.timestamp;
  q.transactionHash = event.transaction.hash;
  q.save();
}

export function handleQuoteCancelled(event: QuoteCancelled): void {
  quoteCancellation(event, event.params.providerAgentId, event.params.nonce, false);
}

export function handleQuotesCancelledBelow(event: QuotesCancelledBelow): void {
  quoteCancellation(event, event.params.providerAgentId, event.params.minNonce, true);
}

// ---------------------------------------------------------------- ValidatorPool

export function handleValidatorJoined(event: ValidatorJoined): void {
  let id = event.params.validatorId;
  let v = new Validator(id.toString());
  v.validatorId = id;
  v.account = event.params.account;
  v.agent = event.params.agentId.toString();
  v.stake = BigInt.zero();
  v.active = false;
  v.unbondAt = null;
  v.slashed = BigInt.zero();
  v.feesClaimed = BigInt.zero();
  v.attestationCount = 0;
  v.save();
  let p = protocol();
  p.validatorCount = p.validatorCount + 1;
  p.save();
}

export function handleStaked(event: Staked): void {
  let v = validator(event.params.validatorId);
  v.stake = event.params.stake;
  v.save();
  let p = protocol();
  p.validatorStake = p.validatorStake.plus(event.params.amount);
  p.save();
}

export function handleActivated(event: Activated): void {
  let v = validator(event.params.validatorId);
  v.active = true;
  v.unbondAt = null;
  v.save();
  let p = protocol();
  p.activeValidatorCount = p.activeValidatorCount + 1;
  p.save();
}

export function handleDeactivated(event: Deactivated): void {
  let v = validator(event.params.validatorId);
  v.active = false;
  v.save();
  let p = protocol();
  p.activeValidatorCount = p.activeValidatorCount - 1;
  p.save();
}

export function handleUnbondingStarted(event: UnbondingStarted): void {
  let v = validator(event.params.validatorId);
  v.unbondAt = event.params.unbondAt;
  v.save();
}

export function handleStakeWithdrawn(event: StakeWithdrawn): void {
  let v = validator(event.params.validatorId);
  v.stake = v.stake.minus(event.params.amount);
  v.unbondAt = null;
  v.save();
  let p = protocol();
  p.validatorStake = p.validatorStake.minus(event.params.amount);
  p.save();
}

export function handleSlashed(event: Slashed): void {
  let v = validator(event.params.validatorId);
  v.stake = event.params.stakeLeft;
  v.slashed = v.slashed.plus(event.params.amount);
  v.save();
  let p = protocol();
  p.validatorStake = p.validatorStake.minus(event.params.amount);
  p.save();
  let s = new ValidatorSlash(eventId(event));
  s.validator = v.id;
  s.job = event.params.jobId.toString();
  s.amount = event.params.amount;
  s.blockNumber = event.block.number;
  s.timestamp = event.block.timestamp;
  s.transactionHash = event.transaction.hash;
  s.save();
}

export function handleCommitteeArmed(event: CommitteeArmed): void {
  history(event, event.params.jobId, event.params.kind == 2 ? "escalationArmed" : "committeeArmed", null, null);
}

export function handleCommitteeDrawn(event: CommitteeDrawn): void {
  let ids = event.params.validatorIds;
  let members = new Array<string>(ids.length);
  for (let i = 0; i < ids.length; i++) members[i] = ids[i].toString();
  let c = new Committee(eventId(event));
  c.job = event.params.jobId.toString();
  c.round = event.params.kind;
  c.members = members;
  c.blockNumber = event.block.number;
  c.timestamp = event.block.timestamp;
  c.transactionHash = event.transaction.hash;
  c.save();
  history(event, event.params.jobId, event.params.kind == 2 ? "escalationDrawn" : "committeeDrawn", null, null);
}

export function handleAttested(event: Attested): void {
  let v = validator(event.params.validatorId);
  v.attestationCount = v.attestationCount + 1;
  v.save();
  let a = new Attestation(eventId(event));
  a.job = event.params.jobId.toString();
  a.validator = v.id;
  a.approve = event.params.approve;
  a.round = event.params.kind;
  a.blockNumber = event.block.number;
  a.timestamp = event.block.timestamp;
  a.transactionHash = event.transaction.hash;
  a.save();
}

export function handleRoundDecided(event: RoundDecided): void {
  history(event, event.params.jobId, event.params.producerWins ? "roundDecidedForProducer" : "roundDecidedAgainstProducer", null, null);
}

export function handleFeesClaimed(event: FeesClaimed): void {
  let v = validator(event.params.validatorId);
  v.feesClaimed = v.feesClaimed.plus(event.params.amount);
  v.save();
}
