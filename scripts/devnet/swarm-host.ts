// The swarm part of `npm start`, run as its own process (its own process group, stopped with it):
// imports the agent runtime's swarm (agents/src/swarm) and runs it continuously against the devnet.
//
// The hook: agents/src/swarm/index.ts (or agents/src/swarm.ts) exports
//
//   runSwarm(options: SwarmOptions): Promise<{ stop(): Promise<void> } | void>
//
// resolving once the agents are running (or calling options.onReady() earlier), and stopping when
// options.signal aborts or stop() is called. `startSwarm` is accepted as the name too.
// The host prints `swarm: <n> agents` and `ready`, and exits 0 on SIGINT/SIGTERM once stopped.
//
// Input: the environment set by scripts/start.ts — SWARM_MODULE (optional), RPC_URL, CHAIN_ID, DEPLOYMENTS, INDEXER_URL,
// SWARM_AGENTS, SWARM_JOBS, SWARM_DAY_SECONDS, SWARM_SPEND_PER_HOUR, OPENAI_API_KEY, OPENAI_BASE_URL, SWARM_KEYS (comma-separated
// development keys the seed left untouched), SWARM_FUNDER_KEY, SWARM_VALIDATOR_KEYS, SWARM_KEEPER_KEY
// (the devnet's keeper) and SWARM_VENTURE_INCOME (whole COMPUTE a chain day the keeper pays into the
// example venture, the deployments' `Venture`).
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { DevnetSwarmOptions } from "../../agents/src/swarm/index.ts";

/** The options the host passes (defined beside the swarm's entry point). */
export type SwarmOptions = DevnetSwarmOptions;

type RunSwarm = (opts: SwarmOptions) => Promise<{ stop(): Promise<void> } | void>;

const root = resolve(fileURLToPath(new URL("../..", import.meta.url)));

/** Where the swarm's entry point lives, if the agent runtime has one. */
export function swarmEntry(base = root): string | undefined {
  return [join(base, "agents", "src", "swarm", "index.ts"), join(base, "agents", "src", "swarm.ts")].find((p) => existsSync(p));
}

async function main() {
  // SWARM_MODULE: another module exporting runSwarm (an external agent runtime; the tests' fixture)
  const entry = process.env.SWARM_MODULE ? resolve(root, process.env.SWARM_MODULE) : swarmEntry();
  if (!entry || !existsSync(entry)) {
    process.stderr.write(`swarm: ${entry ?? "agents/src/swarm"} does not exist\n`);
    process.exit(3);
  }
  const mod = (await import(pathToFileURL(entry).href)) as { runSwarm?: RunSwarm; startSwarm?: RunSwarm };
  const run = mod.runSwarm ?? mod.startSwarm;
  if (typeof run !== "function") {
    process.stderr.write(`swarm: ${entry} exports no runSwarm function\n`);
    process.exit(3);
  }
  const env = process.env;
  const list = (v: string | undefined) => (v ?? "").split(",").map((x) => x.trim()).filter(Boolean);
  const controller = new AbortController();
  const agents = Number(env.SWARM_AGENTS ?? 6);
  let readyPrinted = false;
  const onReady = () => {
    if (readyPrinted) return;
    readyPrinted = true;
    console.log(`swarm: ${agents} agents${env.SWARM_JOBS ? `, ${env.SWARM_JOBS} jobs` : ", continuous"}${env.OPENAI_API_KEY ? " (LLM policy)" : " (rule-based policy)"}`);
    console.log("ready");
  };
  const apiUrl = env.INDEXER_URL ?? "http://127.0.0.1:42069";
  let handle: { stop(): Promise<void> } | void = undefined;
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    controller.abort();
    try {
      await handle?.stop();
    } finally {
      process.exit(0);
    }
  };
  process.on("SIGINT", () => void shutdown());
  process.on("SIGTERM", () => void shutdown());
  const running = run({
    rpcUrl: env.RPC_URL ?? "http://127.0.0.1:8545",
    chainId: Number(env.CHAIN_ID ?? 31337),
    deployments: env.DEPLOYMENTS ?? join(root, "deployments", "localhost.json"),
    apiUrl,
    graphqlUrl: `${apiUrl}/graphql`,
    agents,
    jobs: env.SWARM_JOBS ? Number(env.SWARM_JOBS) : undefined,
    dayMs: env.SWARM_DAY_SECONDS ? Number(env.SWARM_DAY_SECONDS) * 1000 : undefined,
    spendPerHour: env.SWARM_SPEND_PER_HOUR ? env.SWARM_SPEND_PER_HOUR : undefined,
    keys: list(env.SWARM_KEYS),
    funderKey: env.SWARM_FUNDER_KEY || undefined,
    validatorKeys: list(env.SWARM_VALIDATOR_KEYS),
    keeperKey: env.SWARM_KEEPER_KEY || undefined,
    ventureIncomePerDay: env.SWARM_VENTURE_INCOME || undefined,
    openai: env.OPENAI_API_KEY ? { apiKey: env.OPENAI_API_KEY, baseUrl: env.OPENAI_BASE_URL || undefined } : undefined,
    signal: controller.signal,
    log: (line) => console.log(line),
    onReady,
  });
  handle = await running;
  onReady();
  // a returned handle means "running until stop()": stay up even if the swarm holds no timer
  if (handle !== undefined && !stopping) setInterval(() => undefined, 2 ** 30);
  if (handle === undefined && !stopping) {
    // runSwarm returned without a handle: a bounded run (SWARM_JOBS) has finished. The host exits
    // with 0, which `npm start` reports as finished rather than as a crash.
    console.log("swarm: finished");
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: Error) => {
    process.stderr.write(`swarm: ${err.stack ?? err.message}\n`);
    process.exit(1);
  });
}
