import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ethers } from "ethers";
import { loadModel } from "../schema/model.ts";
import { startChain, ARTIFACTS, ROOT, type TestChain } from "../testing/chain.ts";
import { rng, seedAccounts, randomActivity } from "../testing/activity.ts";
import { verifyProjection, dumpProjection } from "../testing/verify.ts";
import { dbTargets } from "../testing/databases.ts";
import { startFaultyProxy } from "../testing/faulty-proxy.ts";
import { openDatabase } from "../database/adapter.ts";
import { Indexer } from "./runner.ts";
import { HANDLERS, TEMPLATES } from "./handlers/index.ts";
import { startProcess, stopProcess } from "../../../scripts/lib/processes.ts";

const model = loadModel();
const tables = model.entities.map((e) => e.table);
const targets = await dbTargets();
const seed = Number(process.env.TEST_SEED ?? Date.now() % 1_000_000);

async function catchUp(ix: Indexer) {
  while (await ix.step()) { /* until the head */ }
}

describe(`indexer resilience (seed ${seed}; TEST_SEED=${seed} to replay)`, () => {
  let chain: TestChain;
  let deploymentsFile: string;
  let dir: string;
  before(async () => {
    chain = await startChain();
    dir = mkdtempSync(join(tmpdir(), "ubc-resilience-"));
    deploymentsFile = join(dir, "deployments.json");
    writeFileSync(deploymentsFile, JSON.stringify(chain.deployments));
    // a backlog of a few hundred blocks to backfill
    const users = await seedAccounts(chain, 4);
    const compute = chain.contract("ComputeToken");
    for (let i = 0; i < 150; i++) {
      const u = users[i % users.length];
      await (await (compute.connect(u) as ethers.Contract).transfer(await users[(i + 1) % users.length].getAddress(), BigInt(i + 1))).wait();
    }
    await randomActivity(chain, users, seed, 30);
  });
  after(async () => {
    await chain?.stop();
    for (const t of targets) await t.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const target of targets) {
    test(`[${target.name}] SIGKILL at random moments during backfill, restarted many times: same state, nothing doubled`, { skip: target.unavailable }, async () => {
      // Kills fall at random moments after the start, up to `limit` ms. A backfill that is done before
      // the first kill (a fast machine, a fast database) proves nothing: then it starts again on a
      // fresh database with kills drawn before the moment it was ready.
      let limit = 1_800;
      let opts = target.options();
      let dataDir: string | undefined;
      let env: Record<string, string> = {};
      const r = rng(seed);
      let kills = 0;
      for (let attempt = 1; ; attempt++) {
        if (attempt > 1) opts = target.options();
        dataDir = target.name === "pglite" ? join(dir, `pglite-${Date.now()}-${attempt}`) : undefined;
        env = {
          RPC_URL: chain.url,
          DEPLOYMENTS: deploymentsFile,
          INDEXER_PORT: "0",
          FINALITY_DEPTH: "5",
          INDEXER_MAX_RANGE: "3",
          LOG_LEVEL: "error",
          ...(opts.url ? { DATABASE_URL: opts.url, DATABASE_SCHEMA: opts.schema! } : { DATA_DIR: dataDir! }),
        };
        let readyAfter = Infinity;
        for (let round = 0; round < 8; round++) {
          const lines: string[] = [];
          const t0 = Date.now();
          const p = startProcess("indexer", process.execPath, [join(ROOT, "indexer/cli.mjs")], {
            env,
            onLine: (l) => {
              lines.push(l);
              if (l === "ready" && kills === 0) readyAfter = Date.now() - t0;
            },
          });
          const wait = Math.floor(limit / 6) + r.int(limit - Math.floor(limit / 6));
          const exitedEarly = await Promise.race([p.exited.then(() => true), new Promise<false>((res) => setTimeout(() => res(false), wait))]);
          if (exitedEarly) assert.fail(`indexer exited early:\n${lines.join("\n")}`);
          if (lines.includes("ready")) {
            await stopProcess(p);
            break;
          }
          process.kill(-p.child.pid!, "SIGKILL");
          await p.exited;
          kills++;
        }
        if (kills > 0 || attempt >= 4) break;
        limit = Math.max(60, Math.floor(readyAfter * 0.8));
        console.log(`[${target.name}] ready after ${readyAfter} ms, before the first kill: again on a fresh database, kills within ${limit} ms`);
      }
      // finish the job
      const p = startProcess("indexer", process.execPath, [join(ROOT, "indexer/cli.mjs")], { env, onLine: (l) => { if (l === "ready") done(); } });
      let done: () => void = () => {};
      await new Promise<void>((res) => (done = res));
      await stopProcess(p);
      assert.ok(kills >= 1, "the indexer was killed at least once");

      const db = await openDatabase(opts.url ? { url: opts.url, schema: opts.schema } : { dataDir, schema: "ubc" });
      const fresh = await target.open();
      try {
        await verifyProjection(db, chain);
        const ix = new Indexer({ rpcUrl: chain.url, deployments: chain.deployments, artifactsDir: ARTIFACTS, db: fresh, model, handlers: HANDLERS, templates: TEMPLATES, finalityDepth: 5 });
        await ix.init();
        await catchUp(ix);
        assert.deepEqual(await dumpProjection(db, tables), await dumpProjection(fresh, tables), "killed-and-restarted == fresh");
        const [{ n }] = await db.query<{ n: string }>(`SELECT count(*)::text AS n FROM token_transfer`);
        const [{ m }] = await fresh.query<{ m: string }>(`SELECT count(*)::text AS m FROM token_transfer`);
        assert.equal(n, m, "no duplicated events");
      } finally {
        await db.close();
        await fresh.close();
      }
    });
  }

  test("RPC faults (timeouts, 429, 500, truncated JSON, dropped connections) do not change the result", async () => {
    const proxy = await startFaultyProxy(chain.url, { seed, rate: 0.25, hangMs: 2_000 });
    const db = await openDatabase({});
    try {
      const ix = new Indexer({
        rpcUrl: proxy.url, deployments: chain.deployments, artifactsDir: ARTIFACTS, db, model, handlers: HANDLERS, templates: TEMPLATES, finalityDepth: 5,
        rpc: { timeoutMs: 500, baseDelayMs: 5, maxDelayMs: 50, retries: 30 },
        fetcher: { initialRange: 10, maxRange: 10 }, // small ranges: enough requests for every kind of fault
      });
      await ix.init();
      for (;;) {
        try {
          if (!(await ix.step())) break;
        } catch (err) {
          // a step may fail as a whole (e.g. a block read mid-change); the loop retries it like run() does
          if ((err as { handlerError?: boolean }).handlerError) throw err;
        }
      }
      await verifyProjection(db, chain);
      const injected = Object.entries(proxy.faults).filter(([k]) => k !== "passed").reduce((s, [, v]) => s + v, 0);
      assert.ok(injected >= 10, `faults injected: ${JSON.stringify(proxy.faults)}`);
      for (const kind of ["timeout", "429", "500", "truncated", "dropped"]) assert.ok(proxy.faults[kind] > 0, `${kind} injected`);
      assert.ok(ix.rpc.stats.retries >= injected, `every fault was retried (${ix.rpc.stats.retries} retries)`);
    } finally {
      await db.close();
      await proxy.close();
    }
  });
});
