// Fee arithmetic of the work market (FeeMath in the contracts). Pure and free of viem, so a page
// can show deposits and locks without loading the hashing code.

/** The requester's lock for a job of value v: price + 5% deposit + 1% protocol fee + 0.5% validation fee (each rounded down). */
export function requesterLock(value: bigint): bigint {
  return value + (value * 500n) / 10000n + (value * 100n) / 10000n + (value * 50n) / 10000n;
}

/** The bond a provider pays to challenge a validated verdict: 5% of the job's value (FeeMath.challengeBond). */
export function challengeBond(value: bigint): bigint {
  return (value * 500n) / 10000n;
}

/** The provider's 2% deposit. */
export function providerDeposit(value: bigint): bigint {
  return (value * 200n) / 10000n;
}
