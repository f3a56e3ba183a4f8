import { test } from "node:test";
import assert from "node:assert/strict";
import { feeClaimCandidates, validatorState } from "./validators.ts";

const E = 10n ** 18n;
const MIN = 10_000n * E;

test("a validator's state: bonded (active or short of the minimum), unbonding, then withdrawable", () => {
  const active = validatorState({ stake: MIN, active: true, unbondAt: 0n }, MIN, 1_000);
  assert.deepEqual({ ...active, label: undefined }, { label: undefined, canUnbond: true, canWithdraw: false, canAddStake: true, shortOfMinimum: 0n });
  assert.match(active.label, /^active/);
  const short = validatorState({ stake: 9_000n * E, active: false, unbondAt: 0n }, MIN, 1_000);
  assert.equal(short.shortOfMinimum, 1_000n * E);
  assert.match(short.label, /1,000 UBC short of the minimum/);
  const unbonding = validatorState({ stake: MIN, active: false, unbondAt: 2_000n }, MIN, 1_999);
  assert.equal(unbonding.canWithdraw, false);
  assert.equal(unbonding.canAddStake, false, "the pool refuses stake while unbonding");
  assert.equal(unbonding.canUnbond, false);
  assert.match(unbonding.label, /^unbonding until /);
  assert.equal(validatorState({ stake: MIN, active: false, unbondAt: 2_000n }, MIN, 2_000).canWithdraw, true, "from the unbonding time on");
  assert.equal(validatorState({ stake: MIN, active: false, unbondAt: 2_000n }, MIN, 0).canWithdraw, false, "not before the chain clock is read");
});

test("fee claim candidates: settled jobs voted with the verdict, once each", () => {
  const job = (jobId: string, status: string, producerWins: boolean | null) => ({ jobId, status, producerWins });
  assert.deepEqual(feeClaimCandidates([
    { approve: true, job: job("7", "settled", true) },
    { approve: false, job: job("6", "settled", true) }, // against the verdict: no fee
    { approve: false, job: job("5", "settled", false) },
    { approve: true, job: job("4", "validated", true) }, // not settled yet
    { approve: true, job: job("3", "settled", null) },
    { approve: true, job: job("7", "settled", true) }, // a second round's vote on the same job
  ]), ["7", "5"]);
  assert.deepEqual(feeClaimCandidates([]), []);
});
