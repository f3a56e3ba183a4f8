// npm start: the whole economy on one machine, in five parts —
//   chain    a local Hardhat node (or the existing chain at RPC_URL)
//   deploy   the contracts deployed with Ignition and the devnet seeded (fresh chains only)
//   indexer  chain → PGlite under DATA_DIR (PostgreSQL at DATABASE_URL), GraphQL API
//   web      the Next.js app in web/ (built if its sources changed), when web/ holds one
//   swarm    agents trading continuously (agents/src/swarm's runSwarm), when it exists
// Every part prints its `name: URL` lines and a readiness line; `ready` follows once all parts
// are up, with the test wallet to import and the start-up time. Ctrl-C (SIGINT), SIGTERM, a closed
// terminal (SIGHUP) or the end of the process that started it (npm killed) stops every part (each
// child is its own process group) and exits 0.
//
// Flags: --fresh drops the devnet's data under DATA_DIR (indexer database, devnet state) and
// redeploys. Without it, a second `npm start` resumes: on a chain that kept its state (RPC_URL)
// the deployment and the indexed data are reused; a local Hardhat node keeps its state in memory
// only, so there the contracts are redeployed and reseeded (to the same addresses) and the
// indexer reindexes from scratch. See docs/getting-started.md.
//
// Configuration: environment variables, or a .env file at the root (see .env.example).
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { onParentExit, setNodeLogging, startHardhatNode, startProcess, stopProcess, waitForRpc, type Managed } from "./lib/processes.ts";
import { HARDHAT_CLI } from "./lib/hardhat-node.ts";
import { writeFileAtomic } from "./lib/files.ts";
import { childEnv, loadConfig, stateFile, type DevnetConfig } from "./devnet/config.ts";
import { checkPortsFree } from "./devnet/ports.ts";
import { SEED, seedDevnet, type SeedResult } from "./devnet/seed.ts";
import { devAccount, ROLES } from "./devnet/accounts.ts";
import { detectWebApp, distDir, needsBuild, waitForHttp, webEnv, type WebApp } from "./devnet/web.ts";
import { swarmEntry } from "./devnet/swarm-host.ts";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const t0 = performance.now();
const children: Managed[] = [];
let stopping = false;

type PartName = "chain" | "deploy" | "indexer" | "web" | "swarm";
interface Part {
  state: "pending" | "starting" | "ready" | "absent" | "off" | "failed";
  detail: string;
  ms?: number;
}
const parts: Record<PartName, Part> = {
  chain: { state: "pending", detail: "" },
  deploy: { state: "pending", detail: "" },
  indexer: { state: "pending", detail: "" },
  web: { state: "pending", detail: "" },
  swarm: { state: "pending", detail: "" },
};
const timings: [string, number][] = [];

function log(part: string, line: string) {
  process.stdout.write(`[${part}] ${line}\n`);
}
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function step<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const t = performance.now();
  const out = await fn();
  timings.push([name, performance.now() - t]);
  return out;
}

async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  log("start", "stopping…");
  // the reverse of the start order: the swarm and the web app first, the chain last
  for (const c of [...children].reverse()) await stopProcess(c);
  log("start", "stopped");
  process.exit(code);
}
process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));
// the terminal closed: its hang-up reaches this process, not the parts (each runs in a process
// group of its own), so they are stopped here. (Node resets every signal to its default when it
// starts, so `nohup` never kept a Node program running past a hang-up anyway.)
process.on("SIGHUP", () => void shutdown(0));
// the parent went away without passing a signal on (npm killed with SIGKILL; a shell that died
// of SIGTERM before the script's `exec`): stop the parts rather than leave them running
onParentExit(() => {
  log("start", "the process that started npm start has ended");
  void shutdown(0);
});

/** A child whose unexpected exit brings the devnet down. */
function watch(p: Managed, part: PartName) {
  p.exited.then((code) => {
    if (stopping) return;
    if (part === "swarm" && code === 0) {
      log("swarm", "finished");
      return;
    }
    parts[part].state = "failed";
    log("start", `the ${part} exited unexpectedly (code ${code})`);
    void shutdown(1);
  });
}

async function rpc<T>(url: string, method: string, params: unknown[] = []): Promise<T> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = (await res.json()) as { result?: T; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result as T;
}

interface DeploymentsFile {
  chainId: number;
  contracts: Record<string, { address: string; blockNumber: number }>;
}

/** What `npm start` remembers under DATA_DIR between runs. */
interface DevnetState {
  chainId: number;
  rpcUrl: string;
  genesisHash: string;
  deployments: string;
  deployedAt: string;
  seed: SeedResult | null;
}

async function runChild(name: string, args: string[], env: NodeJS.ProcessEnv, show: boolean): Promise<void> {
  const output: string[] = [];
  const p = startProcess(name, process.execPath, args, { cwd: root, env, onLine: (l) => (show ? log(name, l) : output.push(l)) });
  children.push(p);
  const code = await p.exited;
  children.splice(children.indexOf(p), 1);
  if (code !== 0 && !stopping) {
    for (const l of output) log(name, l);
    throw new Error(`${name} failed (exit code ${code})`);
  }
}

async function build(env: NodeJS.ProcessEnv) {
  log("start", "building the contracts…");
  await runChild("build", [HARDHAT_CLI, "build"], env, false);
  await runChild("codegen", [join(root, "scripts", "codegen-abis.ts")], env, false);
}

async function startChain(cfg: DevnetConfig, env: NodeJS.ProcessEnv): Promise<{ chainId: number; genesisHash: string; local: boolean }> {
  const t = performance.now();
  parts.chain.state = "starting";
  if (cfg.externalRpcUrl) {
    log("chain", `using the existing chain at ${cfg.externalRpcUrl}`);
  } else {
    log("chain", "starting a local Hardhat node…");
    const chain = startHardhatNode(["--port", String(cfg.rpcPort), "--hostname", "127.0.0.1"], {
      cwd: root,
      env,
      onLine: (l) => {
        // the node prints its accounts, and every RPC call while its request log is on (VERBOSE
        // only, see below); keep the console readable
        if (cfg.verbose || (/error|Error/.test(l) && !/eth_|net_|web3_/.test(l))) log("chain", l);
      },
    });
    children.push(chain);
    watch(chain, "chain");
  }
  const chainId = await waitForRpc(cfg.rpcUrl, 120_000);
  // the local node's request log is shown with VERBOSE only: otherwise it is turned off, which
  // saves the node CPU on every transaction (the swarm's and the web app's)
  if (!cfg.externalRpcUrl && !cfg.verbose) await setNodeLogging(cfg.rpcUrl, false);
  if (cfg.expectedChainId !== undefined && cfg.expectedChainId !== chainId) {
    throw new Error(`CHAIN_ID=${cfg.expectedChainId} but the chain at ${cfg.rpcUrl} has chain id ${chainId}`);
  }
  const genesis = await rpc<{ hash: string }>(cfg.rpcUrl, "eth_getBlockByNumber", ["0x0", false]);
  console.log(`rpc: ${cfg.rpcUrl}`);
  parts.chain = { state: "ready", detail: `chain ${chainId}, ${cfg.externalRpcUrl ? "existing chain" : "local Hardhat node"}`, ms: performance.now() - t };
  log("chain", `ready: chain id ${chainId} (${secs(parts.chain.ms!)})`);
  return { chainId, genesisHash: genesis.hash, local: !cfg.externalRpcUrl };
}

/** A path as the user reads it: relative to the repository when inside it. */
const shown = (p: string) => (relative(root, p).startsWith("..") ? p : relative(root, p) || ".");

/** The state an earlier run recorded; a string says why there is none to use (missing, or not a state file). */
function readState(cfg: DevnetConfig): DevnetState | undefined | string {
  if (!existsSync(stateFile(cfg))) return undefined;
  try {
    const state = JSON.parse(readFileSync(stateFile(cfg), "utf8")) as DevnetState;
    if (typeof state?.deployments !== "string" || typeof state.chainId !== "number") throw new Error("not a devnet state");
    return state;
  } catch (err) {
    return `${shown(stateFile(cfg))} is unreadable (${(err as Error).message})`;
  }
}

/** Why the recorded deployment cannot be reused on this chain, or undefined if it can. */
async function cannotResume(cfg: DevnetConfig, state: DevnetState | undefined, chainId: number, genesisHash: string): Promise<string | undefined> {
  if (!state) return "no earlier run under DATA_DIR";
  if (state.chainId !== chainId || state.genesisHash !== genesisHash) {
    return cfg.externalRpcUrl ? "the chain is not the one of the earlier run" : "a local Hardhat node keeps its state in memory only";
  }
  if (!existsSync(state.deployments)) return `${state.deployments} is gone`;
  let d: DeploymentsFile;
  try {
    d = JSON.parse(readFileSync(state.deployments, "utf8")) as DeploymentsFile;
  } catch (err) {
    return `${state.deployments} is unreadable (${(err as Error).message})`;
  }
  if (d.chainId !== chainId || typeof d.contracts !== "object" || d.contracts === null) return "the deployments file is for another chain";
  for (const [name, c] of Object.entries(d.contracts)) {
    if ((await rpc<string>(cfg.rpcUrl, "eth_getCode", [c.address, "latest"])) === "0x") return `${name} has no code at ${c.address}`;
  }
  return undefined;
}

/** Deploys unless the recorded deployment can be resumed on this chain. */
async function deploy(cfg: DevnetConfig, env: NodeJS.ProcessEnv, chain: { chainId: number; genesisHash: string; local: boolean }) {
  const t = performance.now();
  parts.deploy.state = "starting";
  const file = join(cfg.deploymentsDir, "localhost.json");
  const recorded = readState(cfg);
  const state = typeof recorded === "string" ? undefined : recorded;
  const why = cfg.fresh ? "--fresh" : typeof recorded === "string" ? recorded : await cannotResume(cfg, state, chain.chainId, chain.genesisHash);
  if (why === undefined && state) {
    log("deploy", `resuming: the deployment of ${state.deployedAt} is on this chain (indexed data kept)`);
  } else {
    log("deploy", `deploying the contracts (${why})…`);
    // compiled by the build step above: `hardhat run` need not check the sources again
    await step("deploy", () => runChild("deploy", [HARDHAT_CLI, "run", "--no-compile", "scripts/deploy.ts", "--network", "localhost"], { ...env, RPC_URL: cfg.rpcUrl, DEPLOYMENTS_DIR: cfg.deploymentsDir, CI: "1" }, cfg.verbose));
  }
  const deployments = JSON.parse(readFileSync(file, "utf8")) as DeploymentsFile;
  for (const [name, c] of Object.entries(deployments.contracts)) console.log(`${name}: ${c.address}`);
  console.log(`deployments: ${file}`);
  return { file, deployments, resumed: why === undefined && state !== undefined, state, t };
}

/** Seeds a fresh deployment (while the indexer starts), then records the devnet's state. */
async function seedAndRecord(cfg: DevnetConfig, chain: { chainId: number; genesisHash: string; local: boolean }, d: Awaited<ReturnType<typeof deploy>>): Promise<SeedResult | null> {
  let seed: SeedResult | null = null;
  if (d.resumed) {
    seed = d.state?.seed ?? null;
  } else {
    if (cfg.seed) {
      log("seed", "seeding accounts, stakes, agents, validators, the venture's raise and jobs…");
      seed = await step("seed", () => seedDevnet({ rpcUrl: cfg.rpcUrl, deployments: d.deployments, root, timeTravel: chain.local, log: (l) => log("seed", l) }));
      log("seed", `done: ${seed.transactions} transactions`);
    }
    mkdirSync(cfg.dataDir, { recursive: true });
    const next: DevnetState = { chainId: chain.chainId, rpcUrl: cfg.rpcUrl, genesisHash: chain.genesisHash, deployments: d.file, deployedAt: new Date().toISOString(), seed };
    writeFileAtomic(stateFile(cfg), JSON.stringify(next, null, 2) + "\n");
  }
  const n = Object.keys(d.deployments.contracts).length;
  parts.deploy = {
    state: "ready",
    detail: d.resumed ? `${n} contracts, resumed` : `${n} contracts deployed${seed ? `, seeded (${seed.agents.length} agents, ${seed.positions.length} positions, ${seed.jobs.settled.length} settled jobs)` : ", not seeded"}`,
    ms: performance.now() - d.t,
  };
  log("deploy", `ready (${secs(parts.deploy.ms!)})`);
  return seed;
}

/** Waits until the indexer (healthz) has indexed the chain's current head. */
/**
 * Posts the specs of the seed's open jobs on the indexer's spec store (the seed ran before it
 * answered), where the swarm's providers (and anyone's) find them; posting one again is a no-op,
 * so a resumed devnet posts them again in case the indexer's database was made anew.
 */
async function publishSeedSpecs(indexerUrl: string, seed: SeedResult | null) {
  for (const text of seed?.specs ?? []) {
    const res = await fetch(`${indexerUrl}/specs`, { method: "POST", headers: { "content-type": "application/json" }, body: text });
    if (res.status >= 300) throw new Error(`the indexer's spec store refused the seed's spec (HTTP ${res.status}: ${(await res.text()).slice(0, 200)})`);
  }
}

async function waitIndexed(cfg: DevnetConfig, indexerUrl: string) {
  const head = BigInt(await rpc<string>(cfg.rpcUrl, "eth_blockNumber"));
  let failing: { error: string; since: number } | undefined;
  for (;;) {
    if (stopping) return;
    const h = (await (await fetch(`${indexerUrl}/healthz`)).json()) as { block?: string | null; error?: string | null };
    if (h.block != null && BigInt(h.block) >= head) return;
    // an indexing error the indexer does not get past (it retries) ends the start with its reason
    if (h.error) {
      if (failing?.error !== h.error) {
        failing = { error: h.error, since: performance.now() };
        log("indexer", `indexing error (retrying): ${h.error}`);
      } else if (performance.now() - failing.since > 30_000) {
        throw new Error(`the indexer is stuck at block ${h.block ?? 0} of ${head}: ${h.error}`);
      }
    } else failing = undefined;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function startIndexer(cfg: DevnetConfig, env: NodeJS.ProcessEnv, deploymentsFile: string, reindex: boolean): Promise<{ url: string; ready: () => void }> {
  const t = performance.now();
  parts.indexer.state = "starting";
  log("indexer", reindex ? "indexing from the deployment block…" : "resuming from its checkpoint…");
  let onReady: () => void = () => {};
  const up = new Promise<void>((r) => (onReady = r));
  const webOrigins = [`http://127.0.0.1:${cfg.webPort}`, `http://localhost:${cfg.webPort}`];
  let graphql = "";
  const indexer = startProcess("indexer", process.execPath, [join(root, "indexer", "cli.mjs"), ...(reindex ? ["--fresh"] : [])], {
    cwd: root,
    env: {
      ...env,
      RPC_URL: cfg.rpcUrl,
      DEPLOYMENTS: deploymentsFile,
      INDEXER_PORT: String(cfg.indexerPort),
      DATA_DIR: join(cfg.dataDir, "indexer"),
      FINALITY_DEPTH: cfg.finalityDepth,
      LOG_LEVEL: cfg.logLevel,
      CORS_ORIGINS: env.CORS_ORIGINS ?? webOrigins.join(","),
      SIWE_DOMAINS: env.SIWE_DOMAINS ?? webOrigins.map((o) => new URL(o).host).join(","),
      SIWE_URIS: env.SIWE_URIS ?? webOrigins.join(","),
    },
    onLine: (l) => {
      if (/^(graphql|metrics|healthz): /.test(l)) {
        console.log(l);
        if (l.startsWith("graphql: ")) graphql = l.slice("graphql: ".length);
      } else if (l === "ready") onReady();
      else if (!l.startsWith("sync: ") || cfg.verbose) log("indexer", l);
    },
  });
  children.push(indexer);
  watch(indexer, "indexer");
  await Promise.race([up, indexer.exited.then((code) => { throw new Error(`the indexer exited (code ${code})`); })]);
  const url = graphql.replace(/\/graphql$/, "");
  return { url, ready: () => {
    parts.indexer = { state: "ready", detail: graphql, ms: performance.now() - t };
    log("indexer", `ready: caught up with the chain (${secs(parts.indexer.ms!)})`);
    timings.push(["indexer", parts.indexer.ms!]);
  } };
}

interface PreparedWeb {
  app: WebApp;
  t: number;
}

/**
 * Detects the web app and builds it if its sources changed. It starts as soon as the contracts'
 * ABIs are generated (the app imports them) and runs while the chain is deployed, seeded and
 * indexed: the build needs no chain, ports or indexer (the app reads its configuration at request
 * time), so its environment is the plain one, and NEXT_DIST_DIR chooses the build folder.
 */
async function buildWeb(cfg: DevnetConfig, env: NodeJS.ProcessEnv): Promise<PreparedWeb | undefined> {
  if (!cfg.web) {
    parts.web = { state: "off", detail: "WEB=0" };
    return undefined;
  }
  const app = detectWebApp(root);
  if ("absent" in app) {
    parts.web = { state: "absent", detail: app.absent };
    log("web", `not started: ${app.absent}`);
    return undefined;
  }
  const t = performance.now();
  parts.web.state = "starting";
  if (needsBuild(app, env)) {
    log("web", `building the web app into ${relative(root, distDir(app, env))} (no build yet, or its sources changed since the last one)…`);
    const output: string[] = [];
    const b = startProcess("web-build", process.execPath, [app.nextBin, "build"], { cwd: app.dir, env: { ...env, NEXT_TELEMETRY_DISABLED: "1" }, onLine: (l) => output.push(l) });
    children.push(b);
    const code = await b.exited;
    children.splice(children.indexOf(b), 1);
    if (code !== 0 && !stopping) {
      for (const l of output.slice(-40)) log("web", l);
      throw new Error(`the web app does not build (exit code ${code})`);
    }
    timings.push(["web build", performance.now() - t]);
    log("web", `built (${secs(performance.now() - t)})`);
  }
  return { app, t };
}

/** Serves the built web app with `next start` and waits until it answers. */
async function serveWeb(cfg: DevnetConfig, env: NodeJS.ProcessEnv, w: PreparedWeb | undefined, p: { chainId: number; indexerUrl: string; deployments: string }) {
  if (!w) return;
  const t = performance.now();
  const url = `http://127.0.0.1:${cfg.webPort}`;
  const web = startProcess("web", process.execPath, [w.app.nextBin, "start", "-p", String(cfg.webPort), "-H", "127.0.0.1"], {
    cwd: w.app.dir,
    env: { ...env, ...webEnv({ ...p, rpcUrl: cfg.rpcUrl, webPort: cfg.webPort }) },
    onLine: (l) => {
      if (cfg.verbose || /error/i.test(l)) log("web", l);
    },
  });
  children.push(web);
  watch(web, "web");
  await waitForHttp(url, 120_000, () => stopping);
  console.log(`web: ${url}`);
  parts.web = { state: "ready", detail: url, ms: performance.now() - w.t };
  log("web", `ready (${secs(parts.web.ms!)})`);
  timings.push(["web", performance.now() - t]);
}

async function startSwarm(cfg: DevnetConfig, env: NodeJS.ProcessEnv, p: { chainId: number; indexerUrl: string; deployments: string; seed: SeedResult | null }) {
  if (!cfg.swarm) {
    parts.swarm = { state: "off", detail: "SWARM=0 or SWARM_AGENTS=0" };
    return;
  }
  const entry = cfg.swarmModule ?? swarmEntry(root);
  if (!entry || !existsSync(entry)) {
    const why = cfg.swarmModule ? `SWARM_MODULE ${cfg.swarmModule} does not exist` : "agents/src/swarm does not exist yet";
    parts.swarm = { state: "absent", detail: why };
    log("swarm", `not started: ${why}`);
    return;
  }
  const t = performance.now();
  parts.swarm.state = "starting";
  let onReady: () => void = () => {};
  const up = new Promise<void>((r) => (onReady = r));
  const local = !cfg.externalRpcUrl || p.seed !== null;
  const swarm = startProcess("swarm", process.execPath, [join(root, "scripts", "devnet", "swarm-host.ts")], {
    cwd: root,
    env: {
      ...env,
      RPC_URL: cfg.rpcUrl,
      CHAIN_ID: String(p.chainId),
      DEPLOYMENTS: p.deployments,
      INDEXER_URL: p.indexerUrl,
      SWARM_AGENTS: String(cfg.swarmAgents),
      SWARM_MODULE: entry,
      ...(cfg.swarmJobs !== undefined ? { SWARM_JOBS: String(cfg.swarmJobs) } : {}),
      SWARM_DAY_SECONDS: String(cfg.swarmDaySeconds),
      SWARM_SPEND_PER_HOUR: String(cfg.swarmSpendPerHour),
      // development keys only, and only on a devnet funded from the development mnemonic
      ...(local
        ? {
            SWARM_KEYS: ROLES.swarm.map((i) => devAccount(i).privateKey).join(","),
            // the keeper: finalizes ended raises, and pays the example venture's income (COMPUTE a day)
            // from the budget the seed gave it (on a resumed devnet, what is left of it)
            SWARM_KEEPER_KEY: devAccount(ROLES.keeper).privateKey,
            SWARM_VENTURE_INCOME: String(SEED.ventureIncome.perDay / 10n ** 18n),
            SWARM_FUNDER_KEY: devAccount(ROLES.deployer).privateKey,
            SWARM_VALIDATOR_KEYS: ROLES.validators.map((i) => devAccount(i).privateKey).join(","),
          }
        : {}),
    },
    onLine: (l) => {
      if (l === "ready") onReady();
      else if (l.startsWith("swarm: ") || l.startsWith("keeper: ")) console.log(l);
      else if (cfg.verbose || /error|fail/i.test(l)) log("swarm", l);
    },
  });
  children.push(swarm);
  watch(swarm, "swarm");
  await Promise.race([up, swarm.exited.then((code) => { if (code !== 0) throw new Error(`the swarm failed to start (exit code ${code})`); })]);
  parts.swarm = { state: "ready", detail: `${cfg.swarmAgents} agents`, ms: performance.now() - t };
  log("swarm", `ready (${secs(parts.swarm.ms!)})`);
  timings.push(["swarm", parts.swarm.ms!]);
}

async function main() {
  const cfg = loadConfig(root, process.argv.slice(2));
  const env = childEnv(cfg);
  log("start", `UBC Compute Exchange devnet · data ${shown(cfg.dataDir)}${cfg.envFile ? ` · config ${shown(cfg.envFile)}` : ""}${cfg.fresh ? " · --fresh" : ""}`);
  // fail at once, before building, if a port a part will listen on is taken
  await checkPortsFree([
    ...(cfg.externalRpcUrl ? [] : [{ part: "chain", port: cfg.rpcPort, setting: "RPC_PORT" }]),
    { part: "indexer", port: cfg.indexerPort, setting: "INDEXER_PORT" },
    ...(cfg.web ? [{ part: "web", port: cfg.webPort, setting: "WEB_PORT" }] : []),
  ]);
  if (cfg.fresh) {
    // only what the devnet itself writes under DATA_DIR: never the folder itself
    for (const sub of ["indexer", "devnet.json", "swarm", "web"]) rmSync(join(cfg.dataDir, sub), { recursive: true, force: true });
    log("start", "--fresh: dropped the devnet's data");
  }
  // the contracts compile while the chain starts; the web app builds (if needed) as soon as the
  // contracts' ABIs are generated, while the contracts compile, deploy, are seeded and indexed;
  // the indexer boots while the seed runs
  const built = step("build", () => build(env));
  // on a fresh clone (no web build yet) the ABIs come first from an ABI-only compile of the
  // sources (a few CPU-seconds), so the web app builds on one core while solc-js compiles the
  // contracts on the other; the full build's codegen then finds the same modules and leaves them be
  const app = cfg.web ? detectWebApp(root) : undefined;
  const early = app !== undefined && !("absent" in app) && (needsBuild(app, env) || !existsSync(join(root, "web", "lib", "generated", "abis.ts")));
  const abis = early ? step("abis", () => runChild("abis", [join(root, "scripts", "codegen-abis.ts"), "--from-sources"], env, false)) : built;
  const webBuilt = abis.then(() => buildWeb(cfg, env));
  webBuilt.catch(() => undefined); // awaited below
  const [, chain] = await Promise.all([built, step("chain", () => startChain(cfg, env))]);
  const file = join(cfg.deploymentsDir, "localhost.json");
  const d = await deploy(cfg, env, chain);
  // a new deployment: the indexer's PGlite database belongs to the old chain (its projection, and
  // also the quotes and sessions posted to it) and goes; on PostgreSQL the indexer's --fresh drops
  // the projection
  if (!d.resumed && !cfg.databaseUrl) rmSync(join(cfg.dataDir, "indexer"), { recursive: true, force: true });
  const indexerStarted = startIndexer(cfg, env, d.file, !d.resumed);
  indexerStarted.catch(() => undefined); // awaited below; a failure while seeding must not go unhandled
  const seed = await seedAndRecord(cfg, chain, d);
  const indexer = await indexerStarted;
  const indexerUrl = indexer.url;
  await waitIndexed(cfg, indexerUrl);
  await publishSeedSpecs(indexerUrl, seed);
  indexer.ready();
  // the swarm starts once the web app is built: trading while `next build` runs would take the
  // CPU the build needs (on two cores, the build is the start-up's longest part on a fresh clone)
  const web = await webBuilt;
  await Promise.all([
    serveWeb(cfg, env, web, { chainId: chain.chainId, indexerUrl, deployments: file }),
    startSwarm(cfg, env, { chainId: chain.chainId, indexerUrl, deployments: file, seed }),
  ]);

  const tw = seed?.testWallet ?? (chain.local ? devAccount(ROLES.testWallet) : undefined);
  if (tw) {
    console.log(`test wallet: ${tw.address}`);
    console.log(`test wallet private key: ${tw.privateKey}`);
    log("start", `import it in a browser wallet (network: RPC ${cfg.rpcUrl}, chain id ${chain.chainId}); a public development key, never use it on a real network`);
  }
  log("start", "parts:");
  for (const [name, p] of Object.entries(parts)) {
    log("start", `  ${name.padEnd(8)} ${p.state.padEnd(7)} ${p.detail}${p.ms !== undefined ? ` (${secs(p.ms)})` : ""}`);
  }
  const total = performance.now() - t0;
  console.log(`startup: ${secs(total)} to ready (${timings.map(([n, ms]) => `${n} ${secs(ms)}`).join(", ")})`);
  console.log("ready");
}

main().catch((err: Error) => {
  log("start", `failed: ${err.message}`);
  void shutdown(1);
});
