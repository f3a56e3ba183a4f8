// npm start: the whole system on embedded defaults.
// Today: a local Hardhat chain, the contracts deployed with Ignition (addresses printed), and the
// indexer (PGlite under .data/indexer, or PostgreSQL at DATABASE_URL) serving GraphQL.
// Every part prints `name: URL` lines, and `ready` once everything is up; Ctrl-C (SIGINT) or
// SIGTERM stops every child process and exits.
//
// Environment: RPC_PORT (default 8545), DEPLOYMENTS_DIR (default ./deployments), INDEXER_PORT
// (default 42069), DATA_DIR (default ./.data), DATABASE_URL (PostgreSQL instead of PGlite).
// Flags: --fresh (drop the indexed data; the local chain itself is always new today).
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { startProcess, stopProcess, waitForRpc, type Managed } from "./lib/processes.ts";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const hardhatBin = join(root, "node_modules", "hardhat", "dist", "src", "cli.js");
const port = Number(process.env.RPC_PORT ?? 8545);
const rpcUrl = `http://127.0.0.1:${port}`;
const deploymentsDir = resolve(process.env.DEPLOYMENTS_DIR ?? join(root, "deployments"));
const children: Managed[] = [];
let stopping = false;

function log(part: string, line: string) {
  process.stdout.write(`[${part}] ${line}\n`);
}

async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  log("start", "stopping…");
  await Promise.all(children.map((c) => stopProcess(c)));
  log("start", "stopped");
  process.exit(code);
}
process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));

async function main() {
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`RPC_PORT must be a TCP port, got "${process.env.RPC_PORT}"`);
  log("start", "building the contracts…");
  const buildOutput: string[] = [];
  const build = startProcess("build", process.execPath, [hardhatBin, "build"], { cwd: root, onLine: (l) => buildOutput.push(l) });
  children.push(build);
  const buildCode = await build.exited;
  if (buildCode !== 0) {
    for (const l of buildOutput) log("build", l);
    throw new Error(`the contracts do not compile (exit code ${buildCode})`);
  }
  const codegen = startProcess("codegen", process.execPath, [join(root, "scripts", "codegen-abis.ts")], { cwd: root, onLine: (l) => buildOutput.push(l) });
  children.push(codegen);
  if ((await codegen.exited) !== 0) {
    for (const l of buildOutput) log("build", l);
    throw new Error("generating the ABI modules failed");
  }
  log("start", "starting the local chain…");
  const chain = startProcess("chain", process.execPath, [hardhatBin, "node", "--port", String(port), "--hostname", "127.0.0.1"], {
    cwd: root,
    onLine: (l) => {
      // the node prints every account and every RPC call; keep the console readable
      if (/error|Error/.test(l) && !/eth_|net_|web3_/.test(l)) log("chain", l);
    },
  });
  children.push(chain);
  chain.exited.then((code) => {
    if (!stopping) {
      log("start", `the chain exited unexpectedly (code ${code})`);
      void shutdown(1);
    }
  });
  const chainId = await waitForRpc(rpcUrl, 120_000);
  console.log(`rpc: ${rpcUrl}`);
  log("chain", `chain id ${chainId} ready`);

  log("start", "deploying the contracts…");
  const deploy = startProcess("deploy", process.execPath, [hardhatBin, "run", "scripts/deploy.ts", "--network", "localhost"], {
    cwd: root,
    env: { RPC_URL: rpcUrl, DEPLOYMENTS_DIR: deploymentsDir, CI: "1" },
    onLine: (l) => log("deploy", l),
  });
  children.push(deploy);
  const code = await deploy.exited;
  if (code !== 0) throw new Error(`deployment failed (exit code ${code})`);
  const file = join(deploymentsDir, "localhost.json");
  const deployments = JSON.parse(readFileSync(file, "utf8")) as { contracts: Record<string, { address: string }> };
  for (const [name, c] of Object.entries(deployments.contracts)) console.log(`${name}: ${c.address}`);
  console.log(`deployments: ${file}`);

  log("start", "starting the indexer…");
  const dataDir = resolve(process.env.DATA_DIR ?? join(root, ".data"));
  let indexerReady: () => void = () => {};
  const indexerUp = new Promise<void>((r) => (indexerReady = r));
  const indexer = startProcess("indexer", process.execPath, [join(root, "indexer", "src", "cli.ts"), ...(process.argv.includes("--fresh") ? ["--fresh"] : [])], {
    cwd: root,
    env: {
      RPC_URL: rpcUrl,
      DEPLOYMENTS: file,
      INDEXER_PORT: process.env.INDEXER_PORT ?? "42069",
      DATA_DIR: join(dataDir, "indexer"),
      FINALITY_DEPTH: process.env.FINALITY_DEPTH ?? "2",
      LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
    },
    onLine: (l) => {
      if (/^(graphql|metrics|healthz): /.test(l)) console.log(l);
      else if (l === "ready") indexerReady();
      else if (!l.startsWith("sync: ") || process.env.VERBOSE) log("indexer", l);
    },
  });
  children.push(indexer);
  indexer.exited.then((code) => {
    if (!stopping) {
      log("start", `the indexer exited unexpectedly (code ${code})`);
      void shutdown(1);
    }
  });
  await indexerUp;
  log("indexer", "caught up with the chain");
  console.log("ready");
}

main().catch((err: Error) => {
  log("start", `failed: ${err.message}`);
  void shutdown(1);
});
