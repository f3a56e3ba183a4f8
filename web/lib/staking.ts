// Linear reward accrual of a staking position, as the StakingVault computes it (rounded down).

export interface Accruing {
  reward: string | bigint;
  startTime: string | bigint | number;
  unlockTime: string | bigint | number;
}

/** COMPUTE wei accrued by `now` (unix seconds): reward × elapsed / duration, the full reward from unlock on. */
export function accrued(p: Accruing, now: number | bigint): bigint {
  const reward = BigInt(p.reward);
  const start = BigInt(p.startTime);
  const end = BigInt(p.unlockTime);
  const t = BigInt(now);
  if (t <= start || end <= start) return t >= end ? reward : 0n;
  if (t >= end) return reward;
  return (reward * (t - start)) / (end - start);
}
