// npm run agent -- --role provider[,requester,validator] [--jobs N] [--kinds sha256-iter[,llm-text]]
//                  [--cost COMPUTE] [--spend-per-hour COMPUTE] [--credit COMPUTE] [--withdraw] [--in-flight K] [--name NAME]
// One autonomous agent with your key (runtime/host.ts), trading on the market beside the others:
// on the `npm start` devnet, with the devnet's swarm. Environment: AGENT_KEY (its private key;
// required), RPC_URL (default http://127.0.0.1:8545), DEPLOYMENTS (a deployments file; default
// deployments/localhost.json), INDEXER_URL (default http://127.0.0.1:42069); OPENAI_API_KEY
// (OPENAI_BASE_URL, OPENAI_MODEL): the agent decides through the LLM policy, and a provider also
// sells llm-text work.
// A line every 10 s with its jobs; `ready` on stdout once it trades; SIGINT / SIGTERM: no new
// jobs, the actions in flight get 15 s, a provider withdraws its quotes, `--withdraw` moves the
// market credit left back to the wallet (otherwise the report says how much stays there), then its report; a
// second signal exits at once. Exit code 1 if it could not start (the reason is printed).
import { parseArgs } from "node:util";
import { runAgent, type RoleName } from "./host.ts";
import { E18, formatCompute } from "./limits.ts";
import { KINDS, type KindName } from "./jobs.ts";

const USAGE = "usage: AGENT_KEY=0x… npm run agent -- --role provider[,requester,validator] [--jobs N] [--kinds sha256-iter[,llm-text]] [--cost COMPUTE] [--spend-per-hour COMPUTE] [--credit COMPUTE] [--withdraw] [--in-flight K] [--name NAME]";

function usage(msg?: string): never {
  if (msg) process.stderr.write(`error: ${msg}\n`);
  process.stderr.write(`${USAGE}\n`);
  process.exit(2);
}

/** A whole or decimal amount of COMPUTE, as wei. */
function compute(name: string, v: string | undefined): bigint | undefined {
  if (v === undefined) return undefined;
  const m = /^(\d+)(?:\.(\d{1,18}))?$/.exec(v);
  if (!m) usage(`--${name} must be an amount of COMPUTE (e.g. 40 or 12.5), got "${v}"`);
  return BigInt(m[1]) * E18 + BigInt((m[2] ?? "").padEnd(18, "0"));
}

function int(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < 1) usage(`--${name} must be a positive integer, got "${v}"`);
  return Number(v);
}

let args;
try {
  args = parseArgs({
    options: {
      role: { type: "string", multiple: true }, jobs: { type: "string" }, kinds: { type: "string" }, cost: { type: "string" },
      "spend-per-hour": { type: "string" }, credit: { type: "string" }, "in-flight": { type: "string" }, name: { type: "string" },
      withdraw: { type: "boolean" }, help: { type: "boolean" },
    },
    strict: true,
  }).values;
} catch (err) {
  usage((err as Error).message);
}
if (args.help) usage();
const roles = (args.role ?? []).flatMap((r) => r.split(",")).map((r) => r.trim()).filter(Boolean);
if (roles.length === 0) usage("--role is required: provider, requester and/or validator");
for (const r of roles) if (!["provider", "requester", "validator"].includes(r)) usage(`unknown role "${r}": provider, requester or validator`);
const kinds = args.kinds?.split(",").map((k) => k.trim()) as KindName[] | undefined;
for (const k of kinds ?? []) if (!Object.values(KINDS).includes(k)) usage(`unknown job kind "${k}": ${Object.values(KINDS).join(", ")}`);
const key = process.env.AGENT_KEY;
if (!key) usage("set AGENT_KEY to the agent's private key (0x + 64 hex digits)");
const cost = compute("cost", args.cost);
const spendPerHour = compute("spend-per-hour", args["spend-per-hour"]);

const controller = new AbortController();
let signals = 0;
const onSignal = (sig: string) => {
  if (++signals > 1) {
    process.stderr.write(`${sig} again: exiting now\n`);
    process.exit(130);
  }
  process.stderr.write(`${sig}: stopping the agent…\n`);
  controller.abort();
};
process.on("SIGINT", () => onSignal("SIGINT"));
process.on("SIGTERM", () => onSignal("SIGTERM"));

const show = (t: { settled: number; failed: number; inFlight: number }) => `${t.settled} settled, ${t.failed} failed, ${t.inFlight} in flight`;
const fmt = (wei: bigint) => `${wei < 0n ? "−" : "+"}${formatCompute(wei < 0n ? -wei : wei)}`;
try {
  const r = await runAgent({
    key: key as `0x${string}`, roles: roles as RoleName[], name: args.name, kinds,
    costPerUnit: cost === undefined ? undefined : Object.fromEntries((kinds ?? [KINDS.SHA256]).map((k) => [k, cost])),
    limits: spendPerHour === undefined ? undefined : { spendPerHour },
    credit: compute("credit", args.credit), withdrawOnStop: args.withdraw === true, jobs: int("jobs", args.jobs), inFlight: int("in-flight", args["in-flight"]),
    rpcUrl: process.env.RPC_URL, deployments: process.env.DEPLOYMENTS, indexerUrl: process.env.INDEXER_URL ?? "http://127.0.0.1:42069",
    // OPENAI_API_KEY (with OPENAI_BASE_URL for any OpenAI-compatible server, OPENAI_MODEL): the LLM policy
    llm: process.env.OPENAI_API_KEY ? { apiKey: process.env.OPENAI_API_KEY, baseURL: process.env.OPENAI_BASE_URL || undefined, model: process.env.OPENAI_MODEL || undefined } : undefined,
    signal: controller.signal,
    onReady: (a) => {
      process.stderr.write(`agent ${a.agentId}${a.validatorId !== undefined ? ` (validator ${a.validatorId})` : ""} at ${a.address}\n`);
      process.stdout.write("ready\n");
    },
    onProgress: (p) => process.stderr.write(`jobs requested: ${show(p.requested)}; provided: ${show(p.provided)}; ${p.transactions} transactions${p.notBuying ? `; not buying: ${p.notBuying}` : ""}\n`),
  });
  const votes = r.validatorId !== undefined ? `; validator ${r.validatorId}: ${r.stats.attested} votes, ${r.stats.feeClaims} fee claims` : "";
  process.stdout.write(`agent ${r.agentId}: requested ${show(r.requested)}; provided ${show(r.provided)}${votes}; ${r.transactions} transactions; COMPUTE (wallet + market credit) ${fmt(r.computeChange)}\n`);
  if (r.credit > 0n) process.stdout.write(`agent ${r.agentId}: ${formatCompute(r.credit)} COMPUTE stay in its market credit (for its next run; --withdraw moves what is left to the wallet when the agent stops)\n`);
  process.exit(0);
} catch (err) {
  process.stderr.write(`agent: ${(err as Error).message}\n`);
  process.exit(1);
}
