// The swarm as `npm start` runs it (scripts/devnet/swarm-host.ts imports `runSwarm` from here):
// adapts the devnet's options to the agent runtime's `runSwarm` (./swarm.ts) and returns a handle
// once the agents trade, whose `stop()` waits for the swarm to wind down and logs its summary.
import { runSwarm as runAgentSwarm, formatSummary, type SwarmRun } from "./swarm.ts";
import type { Address, Hex } from "viem";
import { UbcClient } from "../sdk/client.ts";
import { ApiClient } from "../sdk/api.ts";
import { startVentureKeeper, type VentureIncome, type VentureKeeper } from "../runtime/keeper.ts";
import { E18, type Limits } from "../runtime/limits.ts";
import { repeatFilter } from "./repeats.ts";

export { formatSummary } from "./swarm.ts";
export type { SwarmOptions, SwarmSummary, SwarmRun, SwarmProgress, AgentInfo } from "./swarm.ts";

/**
 * The devnet swarm's agents' limits: an hourly limit spent at an even pace (the agents' default,
 * 1,000,000 COMPUTE: ~45 jobs a minute for its requester; npm start passes SWARM_SPEND_PER_HOUR,
 * default 250,000, as `spendPerHour`), and a lifetime limit of a billion COMPUTE (weeks at either
 * pace) instead of the default ten million (10 hours at the default hourly limit).
 */
export const DEVNET_LIMITS: Partial<Limits> = { pace: true, spendTotal: 1_000_000_000n * E18 };

/** What the devnet passes (see scripts/devnet/swarm-host.ts). */
export interface DevnetSwarmOptions {
  rpcUrl: string;
  chainId: number;
  /** Path of deployments/<network>.json. */
  deployments: string;
  /** The indexer's API (its quote board). */
  apiUrl: string;
  graphqlUrl: string;
  agents: number;
  /** Stop after this many jobs; undefined: trade continuously until the signal aborts. */
  jobs?: number;
  /** The chain's time moves on by at most a day per this many ms of trading (0 or unset: unpaced). */
  dayMs?: number;
  /** Whole COMPUTE the requesters spend an hour at most, at an even pace (default: the agents' default hourly limit). */
  spendPerHour?: string;
  /** Development keys the seed left untouched; the runtime makes fresh agent keys and funds them from `funderKey`. */
  keys: string[];
  /**
   * The devnet's keeper (runtime/keeper.ts): finalizes venture raises that have ended, which the
   * paced clock brings about within minutes, and pays `ventureIncomePerDay` into the example venture.
   */
  keeperKey?: string;
  /** Whole COMPUTE a chain day the keeper pays into the deployments' example venture (`Venture`) as revenue. */
  ventureIncomePerDay?: string;
  funderKey?: string;
  /** Keys of the validators the seed staked: the swarm runs them (they vote), see SwarmOptions.validatorKeys. */
  validatorKeys: string[];
  openai?: { apiKey: string; baseUrl?: string };
  signal: AbortSignal;
  log: (line: string) => void;
  onReady: () => void;
}

export interface DevnetSwarmHandle {
  /** Resolves once the swarm has stopped (after the signal aborted), with its summary logged. */
  stop(): Promise<void>;
  /** The run's result (summary, jobs, agents), once it has ended. */
  done: Promise<SwarmRun>;
}

/** Starts the swarm and resolves when it trades (or fails to start, which rejects). */
export async function runSwarm(o: DevnetSwarmOptions): Promise<DevnetSwarmHandle> {
  if (!Number.isInteger(o.agents) || o.agents < 1) throw new Error(`swarm: agents must be a positive integer (got ${o.agents})`);
  if (o.spendPerHour !== undefined && !/^[1-9][0-9]*$/.test(o.spendPerHour)) throw new Error(`swarm: the hourly spend must be a whole number of COMPUTE (got "${o.spendPerHour}")`);
  // the devnet's keeper: a venture raise stays open past its deadline until someone finalizes it
  // (anyone may); on the devnet the swarm's paced clock ends a 30-day raise in ~15 minutes
  let keeper: VentureKeeper | undefined;
  if (o.keeperKey) {
    const client = new UbcClient({ rpcUrl: o.rpcUrl, account: o.keeperKey as Hex, deployments: o.deployments });
    let income: VentureIncome | undefined;
    if (o.ventureIncomePerDay !== undefined) {
      if (!/^[1-9][0-9]*$/.test(o.ventureIncomePerDay)) throw new Error(`swarm: the venture income must be a whole number of COMPUTE a day (got "${o.ventureIncomePerDay}")`);
      const example = client.deployments.contracts.Venture?.address;
      if (example !== undefined) income = { venture: example as Address, token: "ComputeToken", perDay: BigInt(o.ventureIncomePerDay) * 10n ** 18n };
    }
    // the income is paid every chain day (every SWARM_DAY_SECONDS, 30 s by default): its line is
    // shown once every 10 minutes, with the count of those left out, not 120 times an hour
    const deposits = repeatFilter(600_000);
    const keeperLog = (line: string) => {
      if (!line.startsWith("keeper: deposited")) return o.log(line);
      const left = deposits("deposit");
      if (left !== undefined) o.log(left > 0 ? `${line} (after ${left} more deposits in the last 10 minutes, not shown)` : line);
    };
    keeper = startVentureKeeper(client, new ApiClient(o.apiUrl, { graphqlUrl: o.graphqlUrl }), { income, log: keeperLog });
  }
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((r) => (markReady = r));
  const continuous = o.jobs === undefined;
  const done = runAgentSwarm({
    agents: o.agents,
    jobs: o.jobs ?? 0,
    continuous,
    dayMs: o.dayMs,
    // the devnet seed's validators: without votes from them, a committee that draws them waits
    // out its validation period
    validatorKeys: o.validatorKeys as Hex[],
    rpcUrl: o.rpcUrl,
    deployments: o.deployments,
    // providers publish on the indexer's quote board (SIWE), where the web app and other
    // processes' agents see and fill them, as they would on a real network
    indexerUrl: o.apiUrl,
    funderKey: o.funderKey as Hex | undefined,
    // a devnet runs for hours or days: its requesters spend their hourly limit at an even pace
    // (not in one burst a minute long and the rest of the hour idle), their owner tops up their
    // credit as it runs low, and their lifetime limit outlasts any devnet (DEVNET_LIMITS)
    limits: o.spendPerHour === undefined ? DEVNET_LIMITS : { ...DEVNET_LIMITS, spendPerHour: BigInt(o.spendPerHour) * E18 },
    topUp: continuous,
    llm: o.openai ? { apiKey: o.openai.apiKey, baseURL: o.openai.baseUrl } : undefined,
    signal: o.signal,
    log: o.log,
    onReady: () => {
      o.onReady();
      markReady();
    },
  });
  let summaryLogged = false;
  const logSummary = (run: SwarmRun) => {
    if (summaryLogged) return;
    summaryLogged = true;
    for (const line of formatSummary(run.summary).split("\n")) o.log(line);
  };
  // a finite run that ends logs its summary at once
  void done.then(logSummary, () => undefined);
  void done.finally(() => keeper?.stop()).catch(() => undefined);
  await Promise.race([ready, done]);
  return {
    done,
    async stop() {
      await keeper?.stop();
      logSummary(await done);
    },
  };
}
