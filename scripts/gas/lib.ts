// Shared plumbing for the gas snapshot: every area of the protocol contributes a module
// (scripts/gas/<area>.ts) that runs a fixed scenario on a fresh in-process Hardhat chain and
// records the gas used by each external function under a stable key
// "<Contract>.<function>[ <scenario>]". `npm run gas` writes them all to gas-snapshot.json;
// `npm test` (test/gas-snapshot.test.ts) runs them again and fails on a regression over 1%.
import type { ContractTransactionResponse } from "ethers";

export type GasEntries = Record<string, number>;

export interface GasRecorder {
  entries: GasEntries;
  /** Waits for `tx` and records its gasUsed under `key` (a key may be recorded only once). */
  record(key: string, tx: Promise<ContractTransactionResponse> | ContractTransactionResponse): Promise<number>;
  /** Records a value derived from other measurements (e.g. a batch total divided per item). */
  derive(key: string, gas: number): number;
}

export function createRecorder(): GasRecorder {
  const entries: GasEntries = {};
  return {
    entries,
    async record(key, tx) {
      if (key in entries) throw new Error(`gas key recorded twice: ${key}`);
      const receipt = await (await tx).wait();
      if (receipt === null) throw new Error(`no receipt for ${key}`);
      entries[key] = Number(receipt.gasUsed);
      return entries[key];
    },
    derive(key, gas) {
      if (key in entries) throw new Error(`gas key recorded twice: ${key}`);
      entries[key] = gas;
      return gas;
    },
  };
}

/** Allowed relative increase over the committed snapshot before `npm test` fails. */
export const GAS_TOLERANCE = 0.01;

export interface GasComparison {
  key: string;
  expected: number | undefined;
  actual: number | undefined;
  ok: boolean;
  reason?: string;
}

/** Compares a fresh measurement with the committed snapshot. */
export function compareSnapshots(expected: GasEntries, actual: GasEntries): GasComparison[] {
  const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort();
  return keys.map((key) => {
    const e = expected[key];
    const a = actual[key];
    if (e === undefined) return { key, expected: e, actual: a, ok: false, reason: "not in gas-snapshot.json (run npm run gas)" };
    if (a === undefined) return { key, expected: e, actual: a, ok: false, reason: "no longer measured (run npm run gas)" };
    if (a > e * (1 + GAS_TOLERANCE)) {
      return { key, expected: e, actual: a, ok: false, reason: `+${(((a - e) / e) * 100).toFixed(2)}% over the snapshot` };
    }
    return { key, expected: e, actual: a, ok: true };
  });
}
