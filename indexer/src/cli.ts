#!/usr/bin/env node
// npm run indexer: index the deployed contracts into PGlite (.data/indexer) or PostgreSQL
// (DATABASE_URL) and serve GraphQL. Prints `graphql: URL`, `metrics: URL`, `healthz: URL`,
// periodic progress lines, and `ready` once it has caught up with the chain head.
//
// Environment: RPC_URL (http://127.0.0.1:8545), DEPLOYMENTS (deployments/localhost.json),
// DATABASE_URL (unset: PGlite), DATA_DIR (.data/indexer), DATABASE_SCHEMA (ubc),
// INDEXER_PORT (42069), INDEXER_HOST (127.0.0.1), FINALITY_DEPTH (12), INDEXER_ROLE (auto|api),
// INDEXER_MAX_RANGE (largest getLogs range), LOG_LEVEL (info|warn|error), SIWE_DOMAINS and
// SIWE_URIS (accepted besides the API's own address), CORS_ORIGINS (default the web app on
// localhost:3000), RATE_LIMIT_PER_IP / RATE_LIMIT_PER_ADDRESS (requests/s; 200 / 50). Flags: --fresh (drop the indexed data first).
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { startService, type LogFn } from "./service.ts";

const root = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const env = process.env;
const levels = { info: 0, warn: 1, error: 2 } as const;
const minLevel = levels[(env.LOG_LEVEL as keyof typeof levels) ?? "info"] ?? 0;
const log: LogFn = (level, msg, fields) => {
  if (levels[level] < minLevel) return;
  process.stderr.write(JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields }) + "\n");
};

function fail(message: string): never {
  process.stderr.write(`indexer: ${message}\n`);
  process.exit(2);
}

const deploymentsPath = resolve(env.DEPLOYMENTS ?? join(root, "deployments", "localhost.json"));
if (!existsSync(deploymentsPath)) fail(`no deployments file at ${deploymentsPath}: deploy first (npm start, or npm run deploy) or set DEPLOYMENTS`);
const port = Number(env.INDEXER_PORT ?? 42069);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`INDEXER_PORT must be a TCP port, got "${env.INDEXER_PORT}"`);
const finalityDepth = Number(env.FINALITY_DEPTH ?? 12);
if (!Number.isInteger(finalityDepth) || finalityDepth < 0) fail(`FINALITY_DEPTH must be a non-negative integer`);
const maxRange = env.INDEXER_MAX_RANGE === undefined ? undefined : Number(env.INDEXER_MAX_RANGE);
if (maxRange !== undefined && (!Number.isInteger(maxRange) || maxRange < 1)) fail(`INDEXER_MAX_RANGE must be a positive integer`);
const role = (env.INDEXER_ROLE ?? "auto") as "auto" | "api";
if (role !== "auto" && role !== "api") fail(`INDEXER_ROLE must be auto or api`);

const service = await startService({
  rpcUrl: env.RPC_URL ?? "http://127.0.0.1:8545",
  deployments: deploymentsPath,
  artifactsDir: join(root, "artifacts"),
  databaseUrl: env.DATABASE_URL,
  dataDir: env.DATABASE_URL ? undefined : resolve(env.DATA_DIR ?? join(root, ".data", "indexer")),
  databaseSchema: env.DATABASE_SCHEMA,
  port,
  host: env.INDEXER_HOST,
  finalityDepth,
  maxRange,
  role,
  fresh: process.argv.includes("--fresh"),
  siweDomains: env.SIWE_DOMAINS?.split(",").map((x) => x.trim()).filter(Boolean),
  siweUris: env.SIWE_URIS?.split(",").map((x) => x.trim()).filter(Boolean),
  corsOrigins: env.CORS_ORIGINS?.split(",").map((x) => x.trim()).filter(Boolean),
  rateLimit: env.RATE_LIMIT_PER_IP
    ? { perIp: Number(env.RATE_LIMIT_PER_IP), perAddress: Number(env.RATE_LIMIT_PER_ADDRESS ?? env.RATE_LIMIT_PER_IP) }
    : undefined,
  log,
}).catch((err: Error) => fail(err.message));

console.log(`graphql: ${service.api.url}/graphql`);
console.log(`metrics: ${service.api.url}/metrics`);
console.log(`healthz: ${service.api.url}/healthz`);
console.log(`role: ${service.role} (${service.db.kind})`);

let lastEvents = 0;
let lastTime = Date.now();
const progress = setInterval(() => {
  const ix = service.indexer;
  if (!ix) return;
  const s = ix.status;
  const now = Date.now();
  const rate = ((s.events - lastEvents) * 1000) / Math.max(1, now - lastTime);
  lastEvents = s.events;
  lastTime = now;
  if (!s.caughtUp || rate > 0) {
    const pct = s.head > 0n ? Number((s.checkpoint.number * 1000n) / s.head) / 10 : 0;
    console.log(`sync: block ${s.checkpoint.number}/${s.head} (${pct.toFixed(1)}%) · ${rate.toFixed(0)} events/s · lag ${s.head - s.checkpoint.number} blocks · ${s.events} events`);
  }
}, 2000);

service.caughtUp.then(() => console.log("ready"));

let stopping = false;
async function shutdown() {
  if (stopping) return;
  stopping = true;
  clearInterval(progress);
  await service.stop();
  process.exit(0);
}
process.on("SIGINT", () => void shutdown());
process.on("SIGTERM", () => void shutdown());
