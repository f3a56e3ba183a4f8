// Ponder on the same data: a generated Ponder 0.16 project in a temporary folder (config, schema,
// indexing functions, API file) that decodes COMPUTE's Transfer events and keeps balances plus
// one row per transfer, the classic ERC-20 example. Run with `ponder start` from this package.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, startProcess, stopProcess } from "../../lib/processes.ts";

export interface PonderRun {
  /** From spawning `ponder start` until /ready answers 200. */
  seconds: number;
  /** From Ponder's first indexing progress report (after its build and setup) until ready, when seen in its log. */
  indexingSeconds: number | undefined;
  balances: Map<string, bigint>;
  transfers: number;
}

export function writePonderProject(benchDir: string, opts: { rpcUrl: string; address: string; startBlock: number; abi: unknown[] }): string {
  const dir = mkdtempSync(join(tmpdir(), "ubc-bench-ponder-"));
  // The generated files import "ponder", "viem" and "hono" from this package's node_modules.
  symlinkSync(join(benchDir, "node_modules"), join(dir, "node_modules"), "dir");
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "ubc-bench-ponder-app", private: true, type: "module" }, null, 2));
  const transferAbi = opts.abi.filter((x) => (x as { type: string; name?: string }).type === "event" && (x as { name: string }).name === "Transfer");
  writeFileSync(join(dir, "abi.ts"), `export const ComputeTokenAbi = ${JSON.stringify(transferAbi)} as const;\n`);
  writeFileSync(
    join(dir, "ponder.config.ts"),
    `import { createConfig } from "ponder";
import { ComputeTokenAbi } from "./abi";

export default createConfig({
  database:
    process.env.BENCH_PONDER_PG_URL !== undefined && process.env.BENCH_PONDER_PG_URL !== ""
      ? { kind: "postgres", connectionString: process.env.BENCH_PONDER_PG_URL }
      : { kind: "pglite", directory: "./.ponder/pglite" },
  chains: {
    hardhat: { id: 31337, rpc: ${JSON.stringify(opts.rpcUrl)}, disableCache: true, pollingInterval: 1_000 },
  },
  contracts: {
    ComputeToken: {
      chain: "hardhat",
      abi: ComputeTokenAbi,
      address: ${JSON.stringify(opts.address)},
      startBlock: ${opts.startBlock},
    },
  },
});
`,
  );
  writeFileSync(
    join(dir, "ponder.schema.ts"),
    `import { onchainTable } from "ponder";

export const account = onchainTable("account", (t) => ({
  address: t.hex().primaryKey(),
  balance: t.bigint().notNull(),
}));

export const transferEvent = onchainTable("transfer_event", (t) => ({
  id: t.text().primaryKey(),
  amount: t.bigint().notNull(),
  timestamp: t.integer().notNull(),
  from: t.hex().notNull(),
  to: t.hex().notNull(),
}));
`,
  );
  mkdirSync(join(dir, "src", "api"), { recursive: true });
  writeFileSync(
    join(dir, "src", "index.ts"),
    `import { ponder } from "ponder:registry";
import { account, transferEvent } from "ponder:schema";

ponder.on("ComputeToken:Transfer", async ({ event, context }) => {
  await context.db
    .insert(account)
    .values({ address: event.args.from, balance: 0n })
    .onConflictDoUpdate((row) => ({ balance: row.balance - event.args.value }));
  await context.db
    .insert(account)
    .values({ address: event.args.to, balance: event.args.value })
    .onConflictDoUpdate((row) => ({ balance: row.balance + event.args.value }));
  await context.db.insert(transferEvent).values({
    id: event.id,
    amount: event.args.value,
    timestamp: Number(event.block.timestamp),
    from: event.args.from,
    to: event.args.to,
  });
});
`,
  );
  writeFileSync(
    join(dir, "src", "api", "index.ts"),
    `import { db } from "ponder:api";
import schema from "ponder:schema";
import { Hono } from "hono";
import { graphql } from "ponder";

const app = new Hono();
app.use("/graphql", graphql({ db, schema }));
export default app;
`,
  );
  return dir;
}

async function gql<T>(url: string, query: string): Promise<T> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query }) });
  const body = (await res.json()) as { data?: T; errors?: unknown };
  if (body.errors !== undefined || body.data === undefined) throw new Error(`Ponder GraphQL: ${JSON.stringify(body.errors)}`);
  return body.data;
}

export async function runPonder(
  benchDir: string,
  project: string,
  opts: { databaseUrl?: string; schema: string; sample: string[]; lastBlock: number; log: (line: string) => void },
): Promise<PonderRun> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const bin = join(benchDir, "node_modules", "ponder", "dist", "esm", "bin", "ponder.js");
  const lines: string[] = [];
  let firstProgress: number | undefined;
  const env: NodeJS.ProcessEnv = { DATABASE_SCHEMA: opts.schema, PONDER_TELEMETRY_DISABLED: "true", NODE_ENV: "production", CI: "1" };
  env.BENCH_PONDER_PG_URL = opts.databaseUrl ?? "";
  const started = performance.now();
  const p = startProcess("ponder", process.execPath, [bin, "--log-format", "json", "start", "--port", String(port), "--hostname", "127.0.0.1", "--schema", opts.schema], {
    cwd: project,
    env,
    onLine: (l) => {
      lines.push(l);
      if (firstProgress === undefined && /indexed|Indexed|historical/i.test(l)) firstProgress = performance.now();
    },
  });
  let exited = false;
  void p.exited.then(() => (exited = true));
  try {
    let lastPrint = performance.now();
    for (;;) {
      if (exited) throw new Error(`ponder exited early:\n${lines.slice(-30).join("\n")}`);
      const ready = await fetch(`${base}/ready`).then((r) => r.status === 200, () => false);
      if (ready) break;
      if (performance.now() - lastPrint > 5_000) {
        lastPrint = performance.now();
        const status = await fetch(`${base}/status`).then((r) => (r.ok ? r.json() : undefined), () => undefined) as { hardhat?: { block: { number: number } } } | undefined;
        const at = status?.hardhat?.block.number;
        opts.log(`  ponder: ${((performance.now() - started) / 1000).toFixed(0)} s, ${at === undefined ? "starting" : `at block ${at} of ${opts.lastBlock}`}`);
      }
      if (performance.now() - started > 30 * 60_000) throw new Error("ponder did not become ready within 30 minutes");
      await new Promise((r) => setTimeout(r, 100));
    }
    const end = performance.now();
    const seconds = (end - started) / 1000;
    const url = `${base}/graphql`;
    const balances = new Map<string, bigint>();
    const ids = JSON.stringify(opts.sample);
    const data = await gql<{ accounts: { items: { address: string; balance: string }[] } }>(
      url,
      `{ accounts(where: { address_in: ${ids} }, limit: 1000) { items { address balance } } }`,
    );
    for (const a of data.accounts.items) balances.set(a.address.toLowerCase(), BigInt(a.balance));
    const count = await gql<{ transferEvents: { totalCount: number } }>(url, `{ transferEvents(limit: 1) { totalCount } }`);
    return {
      seconds,
      indexingSeconds: firstProgress === undefined ? undefined : (end - firstProgress) / 1000,
      balances,
      transfers: count.transferEvents.totalCount,
    };
  } catch (err) {
    (err as Error).message += `\n--- ponder log (last lines) ---\n${lines.slice(-20).join("\n")}`;
    throw err;
  } finally {
    await stopProcess(p);
    writeFileSync(join(project, `ponder-${opts.schema}.log`), lines.join("\n") + "\n");
  }
}

export function removeProject(project: string): void {
  rmSync(project, { recursive: true, force: true });
}

export function readLog(project: string, schema: string): string {
  return readFileSync(join(project, `ponder-${schema}.log`), "utf8");
}
