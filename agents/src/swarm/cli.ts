// npm run swarm -- --agents N --jobs M [--adversarial] [--continuous] [--seed S] [--in-flight K] [--open-jobs SHARE]
//                  [--llm-agents K] [--feedback both|requester|none] [--no-time-warp] [--day-seconds S]
//                  [--specs-over-http] [--specs-host H] [--specs-public-host H]
// Environment: RPC_URL (default http://127.0.0.1:8545), DEPLOYMENTS_DIR (default deployments/),
// NETWORK (default localhost), INDEXER_URL (post quotes on the indexer's board), FUNDER_KEY,
// OPENAI_API_KEY / OPENAI_BASE_URL / OPENAI_MODEL (LLM policy and model jobs), SWARM_SEED.
// Progress goes to stderr (a bar on a terminal, a line every 2 s otherwise); the summary to
// stdout. `ready` is printed when trading starts. SIGINT / SIGTERM stop new jobs, let the ones in
// flight finish (15 s at most), retire the validators and print the summary; a second signal
// exits at once.
import { parseArgs } from "node:util";
import { formatSummary, runSwarm, type SwarmProgress } from "./swarm.ts";

function usage(msg?: string): never {
  if (msg) process.stderr.write(`error: ${msg}\n`);
  process.stderr.write("usage: npm run swarm -- --agents N --jobs M [--adversarial] [--continuous] [--seed S] [--in-flight K] [--open-jobs SHARE] [--llm-agents K] [--feedback both|requester|none] [--no-time-warp] [--day-seconds S] [--specs-over-http] [--specs-host H] [--specs-public-host H]\n");
  process.exit(2);
}

function int(name: string, v: string | undefined, min: number, def?: number): number {
  if (v === undefined) {
    if (def === undefined) usage(`--${name} is required`);
    return def;
  }
  if (!/^\d+$/.test(v) || Number(v) < min) usage(`--${name} must be an integer ≥ ${min}, got "${v}"`);
  return Number(v);
}

let args;
try {
  args = parseArgs({
    options: {
      agents: { type: "string" }, jobs: { type: "string" }, adversarial: { type: "boolean" }, continuous: { type: "boolean" },
      seed: { type: "string" }, "in-flight": { type: "string" }, "llm-agents": { type: "string" }, feedback: { type: "string" },
      "no-time-warp": { type: "boolean" }, "day-seconds": { type: "string" }, help: { type: "boolean" }, "open-jobs": { type: "string" },
      "specs-over-http": { type: "boolean" }, "specs-host": { type: "string" }, "specs-public-host": { type: "string" },
    },
    strict: true,
  }).values;
} catch (err) {
  usage((err as Error).message);
}
if (args.help) usage();
const continuous = args.continuous === true;
const agents = int("agents", args.agents, 3, continuous ? 8 : undefined);
const jobs = continuous ? 0 : int("jobs", args.jobs, 1);
const openJobs = args["open-jobs"] !== undefined ? Number(args["open-jobs"]) : undefined;
if (openJobs !== undefined && !(openJobs >= 0 && openJobs <= 1)) usage(`--open-jobs must be a share between 0 and 1, got ${args["open-jobs"]}`);
const feedback = (args.feedback ?? "both") as "both" | "requester" | "none";
if (!["both", "requester", "none"].includes(feedback)) usage(`--feedback must be both, requester or none`);
const llm = process.env.OPENAI_API_KEY ? { apiKey: process.env.OPENAI_API_KEY, baseURL: process.env.OPENAI_BASE_URL, model: process.env.OPENAI_MODEL } : undefined;

const controller = new AbortController();
let signals = 0;
const onSignal = (sig: string) => {
  signals++;
  if (signals > 1) {
    process.stderr.write(`\n${sig} again: exiting now\n`);
    process.exit(130);
  }
  process.stderr.write(`\n${sig}: stopping the swarm…\n`);
  controller.abort();
};
process.on("SIGINT", () => onSignal("SIGINT"));
process.on("SIGTERM", () => onSignal("SIGTERM"));

const tty = process.stderr.isTTY === true;
let lastLine = 0;
function render(p: SwarmProgress) {
  const done = p.settled + p.failed;
  const rate = p.elapsedMs > 0 ? (p.settled / (p.elapsedMs / 1000)).toFixed(1) : "0";
  const text = p.target > 0
    ? `${done}/${p.target} jobs (${p.settled} settled, ${p.failed} failed, ${p.inFlight} in flight) ${p.txs} txs ${rate} jobs/s`
    : `${p.settled} settled, ${p.failed} failed, ${p.inFlight} in flight, ${p.txs} txs, ${rate} jobs/s`;
  if (tty) {
    const width = 30;
    const filled = p.target > 0 ? Math.min(width, Math.round((done / p.target) * width)) : 0;
    process.stderr.write(`\r[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${text}   `);
  } else if (Date.now() - lastLine >= 2_000) {
    lastLine = Date.now();
    process.stderr.write(`swarm: ${text}\n`);
  }
}

try {
  const { summary } = await runSwarm({
    agents, jobs, continuous, adversarial: args.adversarial === true,
    seed: args.seed !== undefined ? int("seed", args.seed, 0) : process.env.SWARM_SEED ? Number(process.env.SWARM_SEED) : undefined,
    inFlight: args["in-flight"] !== undefined ? int("in-flight", args["in-flight"], 1) : undefined, openJobs,
    llmAgents: args["llm-agents"] !== undefined ? int("llm-agents", args["llm-agents"], 0) : llm ? agents : 0,
    llm, feedback, timeWarp: args["no-time-warp"] ? false : undefined,
    // --day-seconds S: the clock keeper moves the chain's time on by at most a day per S seconds
    dayMs: args["day-seconds"] !== undefined ? int("day-seconds", args["day-seconds"], 0) * 1000 : undefined,
    specsOverHttp: args["specs-over-http"] === true, specsHost: args["specs-host"], specsPublicHost: args["specs-public-host"],
    rpcUrl: process.env.RPC_URL, network: process.env.NETWORK, indexerUrl: process.env.INDEXER_URL,
    signal: controller.signal,
    onReady: () => process.stdout.write("ready\n"),
    onProgress: render,
    log: (l) => process.stderr.write(`${tty ? "\r\x1b[K" : ""}${l}\n`),
  });
  if (tty) process.stderr.write("\n");
  process.stdout.write(`${formatSummary(summary)}\n`);
  process.exit(summary.failedHonest > 0 ? 1 : 0);
} catch (err) {
  process.stderr.write(`${tty ? "\n" : ""}swarm: ${(err as Error).message}\n`);
  process.exit(1);
}
