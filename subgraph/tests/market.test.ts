import { BigInt, ethereum } from "@graphprotocol/graph-ts";
import { afterEach, assert, beforeEach, clearStore, describe, test } from "matchstick-as/assembly/index";
import { AgentRegistered } from "../generated/AgentRegistry/AgentRegistry";
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
import { handleAgentRegistered } from "../src/agents";
import {
  handleActivated,
  handleAttested,
  handleBurned,
  handleCommitteeArmed,
  handleCommitteeDrawn,
  handleDeactivated,
  handleDeposited,
  handleFeesClaimed,
  handleFunded,
  handleJobAccepted,
  handleJobCancelled,
  handleJobCreated,
  handleJobDeclined,
  handleJobDisputed,
  handleJobExpired,
  handleJobResolved,
  handleJobSettled,
  handleJobSubmitted,
  handleJobValidated,
  handleQuoteCancelled,
  handleQuoteFilled,
  handleQuotesCancelledBelow,
  handleRoundDecided,
  handleSlashed,
  handleStakeWithdrawn,
  handleStaked,
  handleTreasuryPaid,
  handleUnbondingStarted,
  handleValidatorJoined,
  handleWithdrawn,
} from "../src/market";
import { address, AGENTS, ALICE, BOB, boolean, bytes32, CAROL, idOf, ints, MARKET, mockEvent, n, POOL, str, uint, units, ZERO } from "./utils";

const SPEC = "0x" + "55".repeat(32);

function m(params: ethereum.EventParam[]): ethereum.Event {
  return mockEvent(MARKET, params);
}
function v(params: ethereum.EventParam[]): ethereum.Event {
  return mockEvent(POOL, params);
}
function register(id: i32, owner: string): void {
  handleAgentRegistered(changetype<AgentRegistered>(mockEvent(AGENTS, [n("agentId", id), address("owner", owner), address("wallet", ZERO), n("roles", 7), str("cardURI", "")])));
}
/** Job `id` of agent 1, open to any provider (provider 0) or offered to `provider`. */
function create(id: i32, provider: i32): JobCreated {
  let e = changetype<JobCreated>(
    m([n("jobId", id), n("requesterAgentId", 1), n("providerAgentId", provider), uint("value", units(100)), bytes32("specHash", SPEC), n("acceptDeadline", 1700086400), n("deliveryPeriod", 86400)]),
  );
  handleJobCreated(e);
  return e;
}
function fund(job: i32, agentId: i32, amount: BigInt, fromCredit: bool): void {
  handleFunded(changetype<Funded>(m([n("jobId", job), n("agentId", agentId), address("payer", ALICE), uint("amount", amount), boolean("fromCredit", fromCredit)])));
}
function accept(job: i32, provider: i32): void {
  handleJobAccepted(changetype<JobAccepted>(m([n("jobId", job), n("providerAgentId", provider), n("deliveryDeadline", 1700172800)])));
}
function submit(job: i32, uri: string): void {
  handleJobSubmitted(changetype<JobSubmitted>(m([n("jobId", job), bytes32("resultHash", "0x" + "66".repeat(32)), str("resultURI", uri), n("validationDeadline", 1700259200), n("seedBlock", 200)])));
}
function join(validator: i32, agentId: i32): void {
  handleValidatorJoined(changetype<ValidatorJoined>(v([n("validatorId", validator), address("account", CAROL), n("agentId", agentId)])));
}

describe("WorkMarket", () => {
  beforeEach(() => {
    register(1, ALICE);
    register(2, BOB);
  });

  afterEach(() => {
    clearStore();
  });

  test("JobCreated opens a job, counts it for the requester, the protocol and the day", () => {
    let e = create(1, 0);
    assert.fieldEquals("WorkRequest", "1", "requester", "1");
    assert.fieldEquals("WorkRequest", "1", "provider", "null");
    assert.fieldEquals("WorkRequest", "1", "status", "open");
    assert.fieldEquals("WorkRequest", "1", "value", "100000000000000000000");
    assert.fieldEquals("WorkRequest", "1", "specHash", SPEC);
    assert.fieldEquals("WorkRequest", "1", "deliveryDeadline", "null");
    assert.fieldEquals("WorkRequest", "1", "burned", "0");
    assert.fieldEquals("Agent", "1", "jobsRequested", "1");
    assert.fieldEquals("Protocol", "protocol", "jobCount", "1");
    assert.fieldEquals("DailyStat", "19675", "jobsCreated", "1");
    assert.fieldEquals("JobEvent", idOf(e), "kind", "created");
    assert.fieldEquals("JobEvent", idOf(e), "agent", "1");
    create(2, 2);
    assert.fieldEquals("WorkRequest", "2", "provider", "2");
  });

  test("QuoteFilled records the quote", () => {
    create(1, 2);
    let e = changetype<QuoteFilled>(m([n("jobId", 1), n("providerAgentId", 2), n("nonce", 7), bytes32("resourceKind", SPEC), n("units", 20), uint("unitPrice", units(5))]));
    handleQuoteFilled(e);
    assert.fieldEquals("WorkRequest", "1", "units", "20");
    assert.fieldEquals("WorkRequest", "1", "unitPrice", "5000000000000000000");
    assert.fieldEquals("WorkRequest", "1", "quoteNonce", "7");
    assert.fieldEquals("WorkRequest", "1", "resourceKind", SPEC);
    assert.fieldEquals("JobEvent", idOf(e), "kind", "quoteFilled");
    assert.fieldEquals("JobEvent", idOf(e), "agent", "2");
  });

  test("JobAccepted and Funded lock both sides, from credit or not", () => {
    handleDeposited(changetype<Deposited>(m([n("agentId", 1), address("from", ALICE), uint("amount", units(300))])));
    create(1, 0);
    fund(1, 1, units(106), true);
    accept(1, 2);
    fund(1, 2, units(2), false);
    assert.fieldEquals("WorkRequest", "1", "status", "accepted");
    assert.fieldEquals("WorkRequest", "1", "provider", "2");
    assert.fieldEquals("WorkRequest", "1", "deliveryDeadline", "1700172800");
    assert.fieldEquals("WorkRequest", "1", "requesterLocked", "106000000000000000000");
    assert.fieldEquals("WorkRequest", "1", "providerLocked", "2000000000000000000");
    assert.fieldEquals("Agent", "1", "marketCredit", "194000000000000000000");
    assert.fieldEquals("Agent", "2", "jobsProvided", "1");
    assert.fieldEquals("Agent", "2", "marketCredit", "0");
  });

  test("Deposited and Withdrawn move an agent's credit", () => {
    handleDeposited(changetype<Deposited>(m([n("agentId", 2), address("from", BOB), uint("amount", units(10))])));
    handleWithdrawn(changetype<Withdrawn>(m([n("agentId", 2), address("to", BOB), uint("amount", units(4))])));
    assert.fieldEquals("Agent", "2", "marketCredit", "6000000000000000000");
  });

  test("JobCancelled refunds the requester's credit", () => {
    create(1, 0);
    fund(1, 1, units(106), false);
    let e = changetype<JobCancelled>(m([n("jobId", 1), uint("refund", units(106))]));
    handleJobCancelled(e);
    assert.fieldEquals("WorkRequest", "1", "status", "cancelled");
    assert.fieldEquals("Agent", "1", "marketCredit", "106000000000000000000");
    assert.fieldEquals("JobEvent", idOf(e), "amount", "106000000000000000000");
  });

  test("JobExpired refunds the requester and counts an undelivered accepted job against its provider", () => {
    create(1, 0);
    accept(1, 2);
    handleJobExpired(changetype<JobExpired>(m([n("jobId", 1), n("fromStatus", 2), uint("requesterRefund", units(108)), uint("providerSlashed", units(2))])));
    assert.fieldEquals("WorkRequest", "1", "status", "expired");
    assert.fieldEquals("Agent", "1", "marketCredit", "108000000000000000000");
    assert.fieldEquals("Agent", "2", "jobsUndelivered", "1");
    assert.fieldEquals("Agent", "2", "jobsDeclined", "0");
  });

  test("JobExpired of a job never accepted counts against nobody", () => {
    create(1, 0);
    handleJobExpired(changetype<JobExpired>(m([n("jobId", 1), n("fromStatus", 1), uint("requesterRefund", units(106)), uint("providerSlashed", BigInt.zero())])));
    assert.fieldEquals("WorkRequest", "1", "status", "expired");
    assert.fieldEquals("Agent", "2", "jobsUndelivered", "0");
  });

  test("JobDeclined refunds both sides' credit", () => {
    create(1, 0);
    fund(1, 1, units(106), false);
    accept(1, 2);
    fund(1, 2, units(2), false);
    let e = changetype<JobDeclined>(m([n("jobId", 1), n("providerAgentId", 2), uint("requesterRefund", units(106)), uint("providerRefund", units(2))]));
    handleJobDeclined(e);
    assert.fieldEquals("WorkRequest", "1", "status", "declined");
    assert.fieldEquals("Agent", "1", "marketCredit", "106000000000000000000");
    assert.fieldEquals("Agent", "2", "marketCredit", "2000000000000000000");
    assert.fieldEquals("Agent", "2", "jobsDeclined", "1");
    assert.fieldEquals("Agent", "2", "jobsUndelivered", "0");
    assert.fieldEquals("JobEvent", idOf(e), "kind", "declined");
    assert.fieldEquals("JobEvent", idOf(e), "agent", "1");
    assert.fieldEquals("JobEvent", idOf(e), "amount", "106000000000000000000");
  });

  test("JobSubmitted keeps an empty result URI as the empty string", () => {
    create(1, 0);
    accept(1, 2);
    submit(1, "");
    assert.fieldEquals("WorkRequest", "1", "status", "submitted");
    assert.fieldEquals("WorkRequest", "1", "resultURI", "");
    assert.fieldEquals("WorkRequest", "1", "validationDeadline", "1700259200");
    submit(1, "ipfs://result");
    assert.fieldEquals("WorkRequest", "1", "resultURI", "ipfs://result");
  });

  test("JobValidated: validated or rejected", () => {
    create(1, 0);
    let e = changetype<JobValidated>(m([n("jobId", 1), boolean("producerWins", false), boolean("validatorsPaid", false), n("challengeDeadline", 1700345600)]));
    handleJobValidated(e);
    assert.fieldEquals("WorkRequest", "1", "status", "validated");
    assert.fieldEquals("WorkRequest", "1", "producerWins", "false");
    assert.fieldEquals("JobEvent", idOf(e), "kind", "rejected");
    assert.fieldEquals("JobEvent", idOf(e), "agent", "null");
  });

  test("JobDisputed and JobResolved", () => {
    create(1, 2);
    let e = changetype<JobDisputed>(m([n("jobId", 1), n("challengerAgentId", 2), uint("bond", units(10)), n("disputeDeadline", 1700400000)]));
    handleJobDisputed(e);
    assert.fieldEquals("WorkRequest", "1", "status", "disputed");
    assert.fieldEquals("WorkRequest", "1", "challenger", "2");
    assert.fieldEquals("JobEvent", idOf(e), "amount", "10000000000000000000");
    handleJobDisputed(changetype<JobDisputed>(m([n("jobId", 1), n("challengerAgentId", 0), uint("bond", BigInt.zero()), n("disputeDeadline", 1700400000)])));
    assert.fieldEquals("WorkRequest", "1", "challenger", "null");
    handleJobResolved(changetype<JobResolved>(m([n("jobId", 1), boolean("producerWins", true), boolean("noFault", true), boolean("validatorsPaid", false)])));
    assert.fieldEquals("WorkRequest", "1", "status", "resolved");
    assert.fieldEquals("WorkRequest", "1", "noFault", "true");
  });

  test("JobSettled pays out to credits and adds to the market totals", () => {
    create(1, 0);
    fund(1, 1, units(106), false);
    accept(1, 2);
    handleJobSettled(
      changetype<JobSettled>(m([n("jobId", 1), uint("providerPayout", units(102)), uint("requesterPayout", units(5)), uint("protocolFee", units(1)), uint("validationFee", units(1)), boolean("validatorsPaid", true)])),
    );
    assert.fieldEquals("WorkRequest", "1", "status", "settled");
    assert.fieldEquals("WorkRequest", "1", "providerPayout", "102000000000000000000");
    assert.fieldEquals("Agent", "2", "marketCredit", "102000000000000000000");
    assert.fieldEquals("Agent", "2", "earned", "102000000000000000000");
    assert.fieldEquals("Agent", "2", "jobsSettled", "1");
    assert.fieldEquals("Agent", "1", "marketCredit", "5000000000000000000");
    assert.fieldEquals("Agent", "1", "spent", "101000000000000000000");
    assert.fieldEquals("Protocol", "protocol", "jobsSettled", "1");
    assert.fieldEquals("Protocol", "protocol", "marketVolume", "100000000000000000000");
    assert.fieldEquals("Protocol", "protocol", "protocolFees", "1000000000000000000");
    assert.fieldEquals("DailyStat", "19675", "marketVolume", "100000000000000000000");
  });

  test("Burned adds to the job and the protocol, naming the reason", () => {
    create(1, 0);
    let e = changetype<Burned>(m([n("jobId", 1), uint("amount", units(2)), n("reason", 1)]));
    handleBurned(e);
    let odd = changetype<Burned>(m([n("jobId", 1), uint("amount", BigInt.fromI32(1)), n("reason", 9)]));
    handleBurned(odd);
    assert.fieldEquals("MarketBurn", idOf(e), "reason", "providerDepositSlashed");
    assert.fieldEquals("MarketBurn", idOf(odd), "reason", "9");
    assert.fieldEquals("WorkRequest", "1", "burned", "2000000000000000001");
    assert.fieldEquals("Protocol", "protocol", "marketBurned", "2000000000000000001");
    assert.fieldEquals("DailyStat", "19675", "marketBurned", "2000000000000000001");
  });

  test("TreasuryPaid", () => {
    handleTreasuryPaid(changetype<TreasuryPaid>(m([uint("amount", units(3))])));
    assert.fieldEquals("Protocol", "protocol", "treasuryPaid", "3000000000000000000");
  });

  test("QuoteCancelled and QuotesCancelledBelow", () => {
    let one = changetype<QuoteCancelled>(m([n("providerAgentId", 2), n("nonce", 8)]));
    handleQuoteCancelled(one);
    let below = changetype<QuotesCancelledBelow>(m([n("providerAgentId", 2), n("minNonce", 20)]));
    handleQuotesCancelledBelow(below);
    assert.fieldEquals("QuoteCancellation", idOf(one), "below", "false");
    assert.fieldEquals("QuoteCancellation", idOf(one), "nonce", "8");
    assert.fieldEquals("QuoteCancellation", idOf(below), "below", "true");
    assert.fieldEquals("QuoteCancellation", idOf(below), "provider", "2");
  });

  test(
    "an event of an unknown job fails the mapping",
    () => {
      handleJobCancelled(changetype<JobCancelled>(m([n("jobId", 99), uint("refund", BigInt.zero())])));
    },
    true,
  );
});

describe("ValidatorPool", () => {
  beforeEach(() => {
    register(1, ALICE);
    register(3, CAROL);
    join(1, 3);
  });

  afterEach(() => {
    clearStore();
  });

  test("ValidatorJoined, Staked, Activated", () => {
    assert.fieldEquals("Validator", "1", "agent", "3");
    assert.fieldEquals("Validator", "1", "account", CAROL);
    assert.fieldEquals("Validator", "1", "active", "false");
    assert.fieldEquals("Protocol", "protocol", "validatorCount", "1");
    handleStaked(changetype<Staked>(v([n("validatorId", 1), uint("amount", units(1000)), uint("stake", units(1000))])));
    handleActivated(changetype<Activated>(v([n("validatorId", 1)])));
    assert.fieldEquals("Validator", "1", "stake", "1000000000000000000000");
    assert.fieldEquals("Validator", "1", "active", "true");
    assert.fieldEquals("Protocol", "protocol", "validatorStake", "1000000000000000000000");
    assert.fieldEquals("Protocol", "protocol", "activeValidatorCount", "1");
  });

  test("Deactivated, UnbondingStarted, StakeWithdrawn", () => {
    handleStaked(changetype<Staked>(v([n("validatorId", 1), uint("amount", units(1000)), uint("stake", units(1000))])));
    handleActivated(changetype<Activated>(v([n("validatorId", 1)])));
    handleDeactivated(changetype<Deactivated>(v([n("validatorId", 1)])));
    handleUnbondingStarted(changetype<UnbondingStarted>(v([n("validatorId", 1), n("unbondAt", 1700604800)])));
    assert.fieldEquals("Validator", "1", "active", "false");
    assert.fieldEquals("Validator", "1", "unbondAt", "1700604800");
    assert.fieldEquals("Protocol", "protocol", "activeValidatorCount", "0");
    handleStakeWithdrawn(changetype<StakeWithdrawn>(v([n("validatorId", 1), address("to", CAROL), uint("amount", units(1000))])));
    assert.fieldEquals("Validator", "1", "stake", "0");
    assert.fieldEquals("Validator", "1", "unbondAt", "null");
    assert.fieldEquals("Protocol", "protocol", "validatorStake", "0");
  });

  test("CommitteeArmed, CommitteeDrawn, Attested, RoundDecided write the job's history", () => {
    create(1, 0);
    let armed = changetype<CommitteeArmed>(v([n("jobId", 1), n("kind", 2), n("seedBlock", 300)]));
    handleCommitteeArmed(armed);
    let drawn = changetype<CommitteeDrawn>(v([n("jobId", 1), n("kind", 1), ints("validatorIds", [1, 4])]));
    handleCommitteeDrawn(drawn);
    let att = changetype<Attested>(v([n("jobId", 1), n("validatorId", 1), boolean("approve", true), n("kind", 1)]));
    handleAttested(att);
    let decided = changetype<RoundDecided>(v([n("jobId", 1), n("kind", 1), boolean("producerWins", false), boolean("noFault", false), n("winners", 2)]));
    handleRoundDecided(decided);
    assert.fieldEquals("JobEvent", idOf(armed), "kind", "escalationArmed");
    assert.fieldEquals("Committee", idOf(drawn), "members", "[1, 4]");
    assert.fieldEquals("Committee", idOf(drawn), "round", "1");
    assert.fieldEquals("JobEvent", idOf(drawn), "kind", "committeeDrawn");
    assert.fieldEquals("Attestation", idOf(att), "validator", "1");
    assert.fieldEquals("Attestation", idOf(att), "approve", "true");
    assert.fieldEquals("Validator", "1", "attestationCount", "1");
    assert.fieldEquals("JobEvent", idOf(decided), "kind", "roundDecidedAgainstProducer");
  });

  test("Slashed and FeesClaimed", () => {
    handleStaked(changetype<Staked>(v([n("validatorId", 1), uint("amount", units(1000)), uint("stake", units(1000))])));
    let e = changetype<Slashed>(v([n("validatorId", 1), n("jobId", 5), uint("amount", units(100)), uint("stakeLeft", units(900))]));
    handleSlashed(e);
    handleFeesClaimed(changetype<FeesClaimed>(v([n("validatorId", 1), n("jobId", 5), uint("amount", units(1))])));
    assert.fieldEquals("Validator", "1", "stake", "900000000000000000000");
    assert.fieldEquals("Validator", "1", "slashed", "100000000000000000000");
    assert.fieldEquals("Validator", "1", "feesClaimed", "1000000000000000000");
    assert.fieldEquals("ValidatorSlash", idOf(e), "job", "5");
    assert.fieldEquals("Protocol", "protocol", "validatorStake", "900000000000000000000");
  });
});
