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
// The raises come from the indexer's GraphQL (the open ventures), and each is checked on chain
// before anything is sent: the indexer may lag a block behind, and a wallet user or another keeper
// may have finalized it first. A raise finalized by someone else between the check and the
// transaction is skipped (its revert, RaiseNotOpen, is expected), never an error.
import { getAddress, type Address } from "viem";
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
    if (Number(await client.read("Venture", "raiseState", [], venture)) !== RaiseState.Open) continue; // the indexer is behind
    let hash: `0x${string}`;
    try {
      hash = (await client.finalizeRaise(venture));
    } catch (err) {
      // finalized by someone else since the check: nothing left to do
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

export interface VentureKeeper {
  /** Stops the rounds; resolves once a round in progress has ended. */
  stop(): Promise<void>;
  /** Raises finalized so far. */
  readonly finalized: readonly FinalizedRaise[];
}

/**
 * Runs finalizeEndedRaises every `intervalMs` (default 5 s) until stopped. A round that fails (the
 * indexer or the node unreachable for a moment, say) is logged and the next one tries again.
 */
export function startVentureKeeper(client: UbcClient, source: RaiseSource, opts: { intervalMs?: number; log?: (line: string) => void } = {}): VentureKeeper {
  const intervalMs = opts.intervalMs ?? 5_000;
  if (!Number.isFinite(intervalMs) || intervalMs <= 0) throw new Error(`keeper: intervalMs must be a positive number of milliseconds (got ${intervalMs})`);
  const log = opts.log ?? (() => undefined);
  const finalized: FinalizedRaise[] = [];
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let round: Promise<void> = Promise.resolve();
  let lastError = "";
  const tick = () => {
    round = (async () => {
      try {
        finalized.push(...(await finalizeEndedRaises(client, source, log)));
        lastError = "";
      } catch (err) {
        const message = (err as Error).message.split("\n")[0];
        // the same failure once, not every round
        if (message !== lastError) log(`keeper: could not finalize ended raises this round (will try again): ${message}`);
        lastError = message;
      }
      if (!stopped) timer = setTimeout(tick, intervalMs);
    })();
  };
  timer = setTimeout(tick, intervalMs);
  return {
    finalized,
    async stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      await round;
    },
  };
}
