// A validator's state as its owner reads it, and the jobs whose validation fees it may claim. Pure.
import { formatAmount, formatTime } from "./format.ts";

export interface ValidatorState {
  label: string;
  canUnbond: boolean;
  canWithdraw: boolean;
  canAddStake: boolean;
  /** UBC wei still missing to the pool's minimum stake (0 when it is met). */
  shortOfMinimum: bigint;
}

/**
 * What a validator may do now (chain clock `now`, unix seconds; 0 while unknown): add stake and
 * request unbonding while bonded (ValidatorPool.stake reverts `Unbonding` once it has asked),
 * withdraw once its unbonding time has come (`StillBonded` before).
 */
export function validatorState(v: { stake: bigint; active: boolean; unbondAt: bigint }, minStake: bigint, now: number): ValidatorState {
  const short = v.stake >= minStake ? 0n : minStake - v.stake;
  if (v.unbondAt > 0n) {
    const ready = now > 0 && BigInt(Math.floor(now)) >= v.unbondAt;
    return {
      label: ready ? "unbonded: the stake can be withdrawn" : `unbonding until ${formatTime(v.unbondAt)}`,
      canUnbond: false, canWithdraw: ready, canAddStake: false, shortOfMinimum: short,
    };
  }
  return {
    label: v.active ? "active: drawn into committees" : `inactive: ${formatAmount(short)} UBC short of the minimum stake`,
    canUnbond: true, canWithdraw: false, canAddStake: true, shortOfMinimum: short,
  };
}

/**
 * The jobs a validator voted on with the verdict, once settled: the candidates for
 * ValidatorPool.claimFees (which skips a job already paid — the first claim of a job pays every
 * winner of it — or a vote of a round that an escalation replaced). Distinct job ids, newest first
 * as given.
 */
export function feeClaimCandidates(votes: { approve: boolean; job: { jobId: string; status: string; producerWins: boolean | null } }[]): string[] {
  const out: string[] = [];
  for (const a of votes) {
    if (a.job.status !== "settled" || a.job.producerWins === null || a.approve !== a.job.producerWins) continue;
    if (!out.includes(a.job.jobId)) out.push(a.job.jobId);
  }
  return out;
}
