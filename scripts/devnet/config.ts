// `npm start` configuration: environment variables (documented in .env.example at the root),
// optionally loaded from a .env file (ENV_FILE, default <root>/.env; ENV_FILE= disables it).
// Variables already set in the environment win over the file.
import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";

export interface DevnetConfig {
  root: string;
  /** An existing chain to use instead of starting a local Hardhat node. */
  externalRpcUrl: string | undefined;
  /** The chain id the external chain must have (checked against eth_chainId). */
  expectedChainId: number | undefined;
  rpcPort: number;
  rpcUrl: string;
  indexerPort: number;
  webPort: number;
  dataDir: string;
  deploymentsDir: string;
  databaseUrl: string | undefined;
  finalityDepth: string;
  logLevel: string;
  swarmAgents: number;
  swarmJobs: number | undefined;
  /** The swarm's clock keeper moves the chain's time on by at most a day per this many seconds (0: unpaced). */
  swarmDaySeconds: number;
  /** Whole COMPUTE the swarm's requester spends an hour at most, at an even pace (SWARM_SPEND_PER_HOUR). */
  swarmSpendPerHour: number;
  /** A module exporting runSwarm other than agents/src/swarm (SWARM_MODULE). */
  swarmModule: string | undefined;
  openaiApiKey: string | undefined;
  openaiBaseUrl: string | undefined;
  /** Parts to leave out: WEB=0, SWARM=0 (or SWARM_AGENTS=0), SEED=0. */
  web: boolean;
  swarm: boolean;
  seed: boolean;
  fresh: boolean;
  verbose: boolean;
  /** Which .env file was loaded, if any. */
  envFile: string | undefined;
}

/** Parses KEY=value lines (comments, blank lines, optional quotes); no expansion. */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!m) continue;
    let value = m[2];
    if (/^(["']).*\1$/.test(value)) value = value.slice(1, -1);
    else value = value.replace(/(^|\s+)#.*$/, "");
    out[m[1]] = value;
  }
  return out;
}

function port(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  const n = raw === undefined || raw === "" ? fallback : Number(raw);
  if (!Number.isInteger(n) || n <= 0 || n > 65535) throw new Error(`${name} must be a TCP port (1–65535), got "${raw}"`);
  return n;
}

/**
 * The devnet swarm's default hourly spend (whole COMPUTE): ~11 jobs a minute at the swarm's prices
 * (~370 COMPUTE locked a job). Hardhat's node keeps every block in memory, ~15 KB for each block
 * with a transaction (automine mines one a transaction, ~8 a job): this pace grows the node by
 * ~0.2 GB an hour, the agents' default hourly limit (1,000,000: ~45 jobs a minute) by ~0.8 GB.
 */
export const DEVNET_SPEND_PER_HOUR = 250_000;

function count(env: NodeJS.ProcessEnv, name: string, fallback: number | undefined): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return n;
}

function positive(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const n = count(env, name, fallback)!;
  if (n === 0) throw new Error(`${name} must be at least 1 (SWARM=0 turns the swarm off)`);
  return n;
}

const off = (v: string | undefined) => v !== undefined && /^(0|false|no|off)$/i.test(v);

export function loadConfig(root: string, argv: string[], baseEnv: NodeJS.ProcessEnv = process.env): DevnetConfig {
  const env: NodeJS.ProcessEnv = { ...baseEnv };
  const envFileSetting = env.ENV_FILE;
  let envFile: string | undefined;
  if (envFileSetting !== "") {
    const f = resolve(root, envFileSetting ?? ".env");
    if (existsSync(f)) {
      envFile = f;
      for (const [k, v] of Object.entries(parseEnvFile(readFileSync(f, "utf8")))) if (env[k] === undefined) env[k] = v;
    } else if (envFileSetting !== undefined) {
      throw new Error(`ENV_FILE=${envFileSetting}: no such file`);
    }
  }
  const rel = (p: string) => (isAbsolute(p) ? p : resolve(root, p));
  const rpcPort = port(env, "RPC_PORT", 8545);
  const externalRpcUrl = env.RPC_URL || undefined;
  const expectedChainId = count(env, "CHAIN_ID", undefined);
  const swarmAgents = count(env, "SWARM_AGENTS", 6)!;
  return {
    root,
    externalRpcUrl,
    expectedChainId,
    rpcPort,
    rpcUrl: externalRpcUrl ?? `http://127.0.0.1:${rpcPort}`,
    indexerPort: port(env, "INDEXER_PORT", 42069),
    webPort: port(env, "WEB_PORT", 3000),
    dataDir: rel(env.DATA_DIR || ".data"),
    deploymentsDir: rel(env.DEPLOYMENTS_DIR || "deployments"),
    databaseUrl: env.DATABASE_URL || undefined,
    finalityDepth: env.FINALITY_DEPTH || (externalRpcUrl ? "12" : "2"),
    logLevel: env.LOG_LEVEL || "warn",
    swarmAgents,
    swarmJobs: count(env, "SWARM_JOBS", undefined),
    swarmDaySeconds: count(env, "SWARM_DAY_SECONDS", 30)!,
    swarmSpendPerHour: positive(env, "SWARM_SPEND_PER_HOUR", DEVNET_SPEND_PER_HOUR),
    swarmModule: env.SWARM_MODULE ? rel(env.SWARM_MODULE) : undefined,
    openaiApiKey: env.OPENAI_API_KEY || undefined,
    openaiBaseUrl: env.OPENAI_BASE_URL || undefined,
    web: !off(env.WEB),
    swarm: !off(env.SWARM) && swarmAgents > 0,
    seed: !off(env.SEED),
    fresh: argv.includes("--fresh"),
    verbose: !!env.VERBOSE && !off(env.VERBOSE),
    envFile,
  };
}

/** The environment to hand to child processes: the base one plus the .env file's values. */
export function childEnv(cfg: DevnetConfig, baseEnv: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...baseEnv };
  // empty values in the file mean "unset" (as in .env.example), so they are not passed on
  if (cfg.envFile) for (const [k, v] of Object.entries(parseEnvFile(readFileSync(cfg.envFile, "utf8")))) if (env[k] === undefined && v !== "") env[k] = v;
  return env;
}

export const stateFile = (cfg: DevnetConfig) => join(cfg.dataDir, "devnet.json");
