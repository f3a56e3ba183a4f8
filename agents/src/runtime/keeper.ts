// A keeper's duty that any account may perform: finalizing venture raises that have ended.
//
// `Venture.finalize` is permissionless. Once a raise's deadline has passed by the chain's clock (or
// its cap is sold out), anyone may call it: with the minimum sold, the raised COMPUTE goes to the
// operator and the shares start earning revenue; short of it, the raise fails and its investors
// take refunds. Until somebody calls it (or an investor's `refund` fails it), the raise stays open
// on chain past its deadline. On a real network the operator or an investor does this; on the
// devnet, where the swarm moves the chain's clock a day every half minute, the devnet's keeper does
// (agents/src/swarm/index.ts).
//
// The raises come from the indexer's GraphQL (the open ventures), and each finalize is simulated
// on chain before it is sent (UbcClient.write): the indexer may lag a block behind, and a wallet
// user or another keeper may have finalized the raise first. Such a raise is skipped (its revert,
// RaiseNotOpen, is expected), never an error.
//
// A keeper may also pay a venture's income in as revenue, a day's worth per day of chain time
// (payVentureIncome): on the devnet, the example venture's simulated income, from a budget the seed
// gives the keeper's account.
import { formatUnits, getAddress, type Address } from "viem";
import type { UbcClient } from "../sdk/client.ts";
import { UbcContractError } from "../sdk/errors.ts";

/** Venture.RaiseState (contracts/interfaces/IVenture.sol). */
const RaiseState = { None: 0, Open: 1, Succeeded: 2, Failed: 3 } as const;

/** A raise this keeper finalized. */
export interface FinalizedRaise {
  venture: Address;
  name: string;
  /** succeeded: the minimum was sold (the COMPUTE went to the operator); failed: refunds are open. */
  outcome: "succeeded" | "failed";
  /** Share wei sold. */
  sharesSold: bigint;
  hash: `0x${string}`;
}

/** What the keeper reads the open raises from: the indexer's GraphQL (ApiClient has this method). */
export interface RaiseSource {
  graphql<T = unknown>(query: string, variables?: Record<string, unknown>): Promise<T>;
}

interface OpenVenture {
  id: string;
  name: string;
  deadline: string;
  sharesSold: string;
  maxShares: string;
}

/** The most open raises one round looks at (the soonest deadlines first); the next round sees the rest. */
export const RAISES_PER_ROUND = 100;

const OPEN_VENTURES = `query OpenRaises($first: Int!) {
  ventures(first: $first, where: { status: "open" }, orderBy: deadline, orderDirection: asc) { id name deadline sharesSold maxShares }
}`;

/**
 * Finalizes every open raise that has ended (deadline before the newest block's time, or cap sold),
 * from `client`'s account (it pays the gas). Returns the raises it finalized, with their outcome.
 */
export async function finalizeEndedRaises(client: UbcClient, source: RaiseSource, log: (line: string) => void = () => undefined): Promise<FinalizedRaise[]> {
  const { ventures } = await source.graphql<{ ventures: OpenVenture[] }>(OPEN_VENTURES, { first: RAISES_PER_ROUND });
  const now = (await client.public.getBlock({ blockTag: "latest" })).timestamp;
  const done: FinalizedRaise[] = [];
  for (const v of ventures) {
    const sold = BigInt(v.sharesSold);
    // finalize() accepts the transaction in the next block, whose time is after the newest one's
    if (BigInt(v.deadline) >= now && sold < BigInt(v.maxShares)) continue;
    const venture = getAddress(v.id);
    let hash: `0x${string}`;
    try {
      hash = await client.finalizeRaise(venture);
    } catch (err) {
      // finalized already (the indexer is behind): the simulation refused it, nothing was sent
      if (err instanceof UbcContractError && err.errorName === "RaiseNotOpen") continue;
      throw err;
    }
    const state = Number(await client.read("Venture", "raiseState", [], venture));
    const outcome = state === RaiseState.Succeeded ? "succeeded" : "failed";
    const sharesSold = (await client.read("Venture", "totalSupply", [], venture)) as bigint;
    done.push({ venture, name: v.name, outcome, sharesSold, hash });
    log(`keeper: the raise of ${v.name} (${venture}) ended and is finalized: ${outcome === "succeeded" ? "succeeded, the raised COMPUTE went to its operator" : "failed short of its minimum, its investors may take refunds"}`);
  }
  return done;
}

/**
 * Income a keeper pays into a venture as revenue: `perDay` of `token` for every whole day of chain
 * time since the keeper started (at most INCOME_DAYS_AT_ONCE days in one deposit), from the keeper's
 * own balance. The devnet uses it to give its example venture a steady income (simulated: the seed
 * funds the keeper's account for it), so that its holders' claims grow as the chain's days pass.
 */
export interface VentureIncome {
  venture: Address;
  token: "ComputeToken" | "UBCToken";
  perDay: bigint;
}

/** The most days of income one deposit pays (after a long pause, say); the days beyond are skipped. */
export const INCOME_DAYS_AT_ONCE = 30n;
const DAY = 86_400n;
const amountText = (wei: bigint, token: VentureIncome["token"]) => `${formatUnits(wei, 18)} ${token === "ComputeToken" ? "COMPUTE" : "UBC"}`;

/** Where a keeper's income payments stand: the chain time they are paid up to. */
export interface IncomeState {
  paidUntil?: bigint;
  /** The last shortfall or refusal reported (reported once, not every round). */
  reported?: string;
}

/** Refuses an income that pays nothing (or less). */
function checkIncome(income: VentureIncome): void {
  if (income.perDay <= 0n) throw new Error(`keeper: a venture's income per day must be positive (got ${income.perDay})`);
}

/**
 * Pays the days of `income` due since `state.paidUntil` (the first call only starts the count).
 * Returns the amount deposited (0 when nothing was due, or when it could not be paid: the keeper's
 * balance short of it, or a venture with no shares left to share it; logged once, tried again later).
 */
export async function payVentureIncome(client: UbcClient, income: VentureIncome, state: IncomeState, log: (line: string) => void = () => undefined): Promise<bigint> {
  checkIncome(income);
  const now = (await client.public.getBlock({ blockTag: "latest" })).timestamp;
  if (state.paidUntil === undefined) {
    state.paidUntil = now;
    return 0n;
  }
  const due = (now - state.paidUntil) / DAY;
  if (due <= 0n) return 0n;
  const days = due < INCOME_DAYS_AT_ONCE ? due : INCOME_DAYS_AT_ONCE;
  const amount = income.perDay * days;
  const report = (why: string) => {
    if (state.reported !== why) log(`keeper: ${why}; the income waits`);
    state.reported = why;
  };
  const balance = await client.balanceOf(income.token);
  if (balance < amount) {
    report(`${client.address} holds ${amountText(balance, income.token)}, short of the ${amountText(amount, income.token)} of income due to ${income.venture}`);
    return 0n;
  }
  try {
    await client.depositRevenue(income.venture, income.token, amount);
  } catch (err) {
    if (err instanceof UbcContractError && err.errorName === "NoShareholders") {
      report(`${income.venture} has no shareholders to share its income`);
      return 0n;
    }
    throw err;
  }
  state.paidUntil += due * DAY; // days beyond INCOME_DAYS_AT_ONCE are skipped, not owed
  state.reported = undefined;
  log(`keeper: deposited ${amountText(amount, income.token)} of income (${days} day${days === 1n ? "" : "s"}) as revenue of ${income.venture}`);
  return amount;
}

export interface VentureKeeper {
  /** Stops the rounds; resolves once a round in progress has ended. */
  stop(): Promise<void>;
  /** Raises finalized so far. */
  readonly finalized: readonly FinalizedRaise[];
  /** Income deposited so far (wei of the income's token). */
  readonly incomePaid: bigint;
  /** Rounds completed so far (failed ones included). */
  readonly rounds: number;
}

/**
 * Runs finalizeEndedRaises every `intervalMs` (default 5 s) until stopped, and with `income`,
 * payVentureIncome too. A round that fails (the indexer or the node unreachable for a moment, say)
 * is logged and the next one tries again.
 */
export function startVentureKeeper(client: UbcClient, source: RaiseSource, opts: { intervalMs?: number; income?: VentureIncome; log?: (line: string) => void } = {}): VentureKeeper {
  const intervalMs = opts.intervalMs ?? 5_000;
  if (!Number.isFinite(intervalMs) || intervalMs <= 0) throw new Error(`keeper: intervalMs must be a positive number of milliseconds (got ${intervalMs})`);
  const income = opts.income;
  if (income !== undefined) checkIncome(income);
  const incomeState: IncomeState = {};
  const log = opts.log ?? (() => undefined);
  const finalized: FinalizedRaise[] = [];
  let incomePaid = 0n;
  let rounds = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let round: Promise<void> = Promise.resolve();
  let lastError = "";
  const tick = () => {
    round = (async () => {
      try {
        finalized.push(...(await finalizeEndedRaises(client, source, log)));
        if (income !== undefined) {
          const paid = await payVentureIncome(client, income, incomeState, log);
          if (paid > 0n) incomePaid += paid;
        }
        lastError = "";
      } catch (err) {
        const message = (err as Error).message.split("\n")[0];
        // the same failure once, not every round
        if (message !== lastError) log(`keeper: could not finalize ended raises this round (will try again): ${message}`);
        lastError = message;
      }
      rounds++;
      if (!stopped) timer = setTimeout(tick, intervalMs);
    })();
  };
  timer = setTimeout(tick, intervalMs);
  return {
    finalized,
    get incomePaid() {
      return incomePaid;
    },
    get rounds() {
      return rounds;
    },
    async stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      await round;
    },
  };
}
