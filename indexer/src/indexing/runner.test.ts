import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { loadModel } from "../schema/model.ts";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { startChain, ARTIFACTS, ROOT, type TestChain } from "../testing/chain.ts";
import { randomActivity, seedAccounts } from "../testing/activity.ts";
import { verifyProjection, dumpProjection } from "../testing/verify.ts";
import { declinedJob, marketActivity, setupMarket } from "../testing/market.ts";
import { dbTargets } from "../testing/databases.ts";
import { Indexer } from "./runner.ts";
import { API_MIGRATE_LOCK_TIMEOUT_MS, entityDdl, migrate } from "../database/migrations.ts";
import { HANDLERS, TEMPLATES } from "./handlers/index.ts";
import { openDatabase, type Database } from "../database/adapter.ts";
import type { HandlerMap } from "./types.ts";
import type { EntityRow } from "../database/codec.ts";
import { startProcess } from "../../../scripts/lib/processes.ts";

const model = loadModel();
const tables = model.entities.map((e) => e.table);
const targets = await dbTargets();
const seed = Number(process.env.TEST_SEED ?? Date.now() % 1_000_000);

async function catchUp(ix: Indexer) {
  while (await ix.step()) { /* until the head */ }
}

/** Whether `table` has its primary key. */
async function hasKey(db: Database, table: string): Promise<boolean> {
  return (await db.query(`SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass($1) AND contype = 'p'`, [table])).length > 0;
}

function indexer(chain: TestChain, db: Database, finalityDepth: number) {
  return new Indexer({ rpcUrl: chain.url, deployments: chain.deployments, artifactsDir: ARTIFACTS, db, model, handlers: HANDLERS, templates: TEMPLATES, finalityDepth });
}

/** Indexes the chain afresh into `fresh` (finality `depth`) and asserts its projection equals `db`'s. */
async function assertSameAsFreshIndex(chain: TestChain, db: Database, fresh: Database, depth: number, what: string) {
  const ix = indexer(chain, fresh, depth);
  await ix.init();
  await catchUp(ix);
  assert.deepEqual(await dumpProjection(db, tables), await dumpProjection(fresh, tables), what);
}

/**
 * A JSON-RPC proxy that counts the eth_getBlockByNumber calls it passes on (batches included) and
 * changes blockTimestamp in every log of eth_getLogs answers: "strip" takes it out, as older nodes
 * answer; "skew" adds a second, as a faulty node might.
 */
async function headerCountingProxy(target: string, change: "none" | "strip" | "skew") {
  const counts = { headers: 0, stripped: 0 };
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    const parsed = JSON.parse(body) as { method: string } | { method: string }[];
    for (const r of Array.isArray(parsed) ? parsed : [parsed]) if (r.method === "eth_getBlockByNumber") counts.headers++;
    const upstream = await fetch(target, { method: "POST", headers: { "content-type": "application/json" }, body });
    let text = await upstream.text();
    if (change !== "none" && !Array.isArray(parsed) && parsed.method === "eth_getLogs") {
      const answer = JSON.parse(text) as { result?: Record<string, unknown>[] };
      for (const l of answer.result ?? []) {
        if (typeof l.blockTimestamp !== "string") continue;
        if (change === "strip") delete l.blockTimestamp;
        else l.blockTimestamp = "0x" + (BigInt(l.blockTimestamp) + 1n).toString(16);
        counts.stripped++;
      }
      text = JSON.stringify(answer);
    }
    res.writeHead(upstream.status, { "content-type": "application/json" });
    res.end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const addr = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${addr.port}`,
    get headers() { return counts.headers; },
    get stripped() { return counts.stripped; },
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

describe(`indexer on a real Hardhat node (seed ${seed}; TEST_SEED=${seed} to replay)`, () => {
  let chain: TestChain;
  before(async () => {
    chain = await startChain();
  });
  after(async () => {
    await chain?.stop();
    for (const t of targets) await t.cleanup();
  });

  /**
   * An indexer whose backfill is "long" on the small test chain: small batches, and a table with 2
   * rows in a full batch is written without its secondary indexes (and, if immutable, its key).
   */
  const longBackfill = (db: Database, handlers = HANDLERS) => {
    const ix = new Indexer({
      rpcUrl: chain.url, deployments: chain.deployments, artifactsDir: ARTIFACTS, db, model, handlers, templates: TEMPLATES, finalityDepth: 0,
      backfillBatchLogs: { first: 8, full: 20 },
      fetcher: { initialRange: 4, maxRange: 16, targetLogs: 10 },
      heavyTableRows: 2,
    });
    ix.store.smallRows = 2;
    return ix;
  };

  for (const target of targets) {
    test(`[${target.name}] the projection equals the chain after random activity, in backfill and while following`, { skip: target.unavailable }, async () => {
      const db = await target.open();
      try {
        const users = await seedAccounts(chain, 4);
        await randomActivity(chain, users, seed, 40);
        const ix = indexer(chain, db, 5);
        await ix.init();
        await catchUp(ix);
        assert.equal(ix.status.checkpoint.number, BigInt(await chain.provider.getBlockNumber()));
        const r = await verifyProjection(db, chain);
        assert.ok(r.accounts >= 5, `accounts indexed: ${r.accounts}`);
        assert.ok(r.ventures >= 2, `ventures indexed: ${r.ventures}`);
        await randomActivity(chain, users, seed + 1, 30);
        await catchUp(ix);
        await verifyProjection(db, chain);
        // the work market: agents, quote fills and jobs through their paths, committees, settlement
        const actors = await setupMarket(chain, 3, target.name);
        const jobs = await marketActivity(chain, actors, seed, 6);
        await catchUp(ix);
        const m = await verifyProjection(db, chain);
        assert.ok(m.jobs >= jobs.length, `jobs indexed: ${m.jobs}`);
        // a declined job, whether or not the seed drew one: its status, both agents' credits (the
        // refunds), and the history entry with the requester's refund
        const declined = await declinedJob(chain, actors);
        await catchUp(ix);
        await verifyProjection(db, chain);
        const id = declined.jobId.toString();
        assert.deepEqual(await db.query(`SELECT status FROM work_request WHERE id = $1`, [id]), [{ status: "declined" }]);
        const entries = await db.query<{ agent: string; amount: string }>(`SELECT agent, amount::text AS amount FROM job_event WHERE job = $1 AND kind = 'declined'`, [id]);
        assert.deepEqual(entries, [{ agent: actors.requester.agentId.toString(), amount: declined.requesterRefund.toString() }]);
        assert.ok(declined.providerRefund > 0n);
      } finally {
        await db.close();
      }
    });

    test(`[${target.name}] a backfill in many small batches (on PostgreSQL two in flight, the next one's new rows written while the previous commits) equals a default one`, { skip: target.unavailable }, async () => {
      const users = await seedAccounts(chain, 3);
      await randomActivity(chain, users, seed + 300, 30);
      const small = await target.open();
      const whole = await target.open();
      try {
        const ix = new Indexer({
          rpcUrl: chain.url, deployments: chain.deployments, artifactsDir: ARTIFACTS, db: small, model, handlers: HANDLERS, templates: TEMPLATES, finalityDepth: 0,
          backfillBatchLogs: { first: 8, full: 20 },
          fetcher: { initialRange: 4, maxRange: 16, targetLogs: 10 },
        });
        ix.store.smallRows = 2; // entities with more rows in a batch take the COPY paths (flushNew, UPDATE from staging)
        let commits = 0;
        ix.on("block", () => commits++);
        await ix.init();
        await catchUp(ix);
        const [{ t }] = await small.query<{ t: string }>(`SELECT count(*)::text AS t FROM token_transfer`);
        assert.ok(commits >= 4, `batches committed: ${commits}, transfers ${t}, head ${ix.status.head}`);
        await verifyProjection(small, chain);
        await assertSameAsFreshIndex(chain, small, whole, 0, "small batches == default batches");
      } finally {
        await small.close();
        await whole.close();
      }
    });

    test(`[${target.name}] block timestamps from the logs: one header per range end and one more per range, not one per block with logs; a node without them gets every header, same rows`, { skip: target.unavailable }, async () => {
      const users = await seedAccounts(chain, 3);
      await randomActivity(chain, users, seed + 350, 30);
      // 100 blocks of two transfers each, as a token's traffic fills blocks
      const compute = chain.contract("ComputeToken");
      const from = await chain.signers[0].getAddress();
      const to = await compute.getAddress();
      await chain.rpc("evm_setAutomine", [false]);
      try {
        for (let b = 0; b < 100; b++) {
          for (let k = 0; k < 2; k++) {
            const data = compute.interface.encodeFunctionData("transfer", [await users[(b + k) % users.length].getAddress(), BigInt(1 + b * 2 + k)]);
            await chain.rpc("eth_sendTransaction", [{ from, to, data, gas: "0x30000" }]);
          }
          await chain.rpc("evm_mine", []);
        }
      } finally {
        await chain.rpc("evm_setAutomine", [true]);
      }
      const withTs = await headerCountingProxy(chain.url, "none");
      const without = await headerCountingProxy(chain.url, "strip");
      const skewed = await headerCountingProxy(chain.url, "skew");
      const a = await target.open();
      const b = await target.open();
      const c = await target.open();
      try {
        const run = async (db: Database, url: string) => {
          const ix = new Indexer({ rpcUrl: url, deployments: chain.deployments, artifactsDir: ARTIFACTS, db, model, handlers: HANDLERS, templates: TEMPLATES, finalityDepth: 0, fetcher: { initialRange: 4, maxRange: 32, targetLogs: 1_000 } });
          await ix.init();
          await catchUp(ix);
          return ix;
        };
        const ixA = await run(a, withTs.url);
        await run(b, without.url);
        await run(c, skewed.url);
        const blocksWithLogs = Number((await a.query<{ n: string }>(`SELECT count(DISTINCT block_number)::text AS n FROM token_transfer`))[0].n);
        // ranges of 4, 8 and 16 blocks, then of 32; the first two ask for all their headers (the
        // logs' shape is not known yet), the others for their ends and their last block with logs
        const ranges = 3 + Math.ceil(Math.max(0, Number(ixA.status.checkpoint.number) - 28) / 32);
        assert.ok(blocksWithLogs >= 100, `blocks with transfers: ${blocksWithLogs}`);
        assert.ok(withTs.headers <= 12 + 3 * ranges + 10, `headers asked for with timestamps in the logs: ${withTs.headers} (${ranges} ranges, ${blocksWithLogs} blocks with transfers)`);
        assert.ok(without.headers >= blocksWithLogs, `headers asked for without: ${without.headers} (${blocksWithLogs} blocks with transfers)`);
        assert.ok(withTs.headers * 2 < without.headers, `headers with timestamps ${withTs.headers}, without ${without.headers}`);
        assert.ok(without.stripped > 0, "the proxy took the timestamps out");
        assert.deepEqual(await dumpProjection(a, tables), await dumpProjection(b, tables), "headers made from logs == headers fetched");
        // logs whose timestamps are not their blocks': found at the first range that has them, then
        // every header is fetched, and the rows carry the blocks' own timestamps
        assert.ok(skewed.stripped > 0 && skewed.headers >= blocksWithLogs, `headers asked for with skewed timestamps: ${skewed.headers}`);
        assert.deepEqual(await dumpProjection(a, tables), await dumpProjection(c, tables), "skewed log timestamps are not used");
        await verifyProjection(a, chain);
      } finally {
        await a.close();
        await b.close();
        await c.close();
        await withTs.close();
        await without.close();
        await skewed.close();
      }
    });

    test(`[${target.name}] a long backfill writes the tables it fills without their secondary indexes and builds them after its last commit`, { skip: target.unavailable }, async () => {
      const users = await seedAccounts(chain, 3);
      await randomActivity(chain, users, seed + 400, 30);
      const db = await target.open();
      try {
        const ix = longBackfill(db);
        const keys = model.entities.filter((e) => e.immutable).map((e) => `${e.table}_pkey`);
        const expected = [...keys, ...entityDdl(model).filter((s) => s.startsWith("CREATE INDEX")).map((s) => /"([^"]+)"/.exec(s)![1])].sort();
        const present = async () => (await db.query<{ n: string }>(`SELECT indexname AS n FROM pg_indexes WHERE schemaname = current_schema()`)).map((r) => r.n);
        // the indexes as each committed batch left them (queried from the commit's event)
        const seen: Promise<string[]>[] = [];
        ix.on("block", () => seen.push(present()));
        await ix.init();
        await catchUp(ix);
        const missing = (await Promise.all(seen)).map((names) => expected.filter((n) => !names.includes(n)));
        assert.ok(missing.some((m) => m.includes("token_transfer_to_idx")), `some batch was written without token_transfer's indexes (missing after each commit: ${JSON.stringify(missing)})`);
        assert.ok(missing.some((m) => m.includes("token_transfer_pkey")), "some batch was written without token_transfer's primary key");
        assert.ok(!missing.some((m) => m.includes("account_pkey")), "a mutable table keeps its primary key");
        const now = await present();
        assert.deepEqual(expected.filter((n) => !now.includes(n)), [], "every secondary index and key is back once caught up");
        for (const t of keys.map((k) => k.replace(/_pkey$/, ""))) assert.ok(await hasKey(db, t), `${t} has its primary key again`);
        await verifyProjection(db, chain);
        // mutable entities' tables leave room on their pages for updated rows (HOT updates)
        const [acc] = await db.query<{ o: string[] | null }>(`SELECT reloptions AS o FROM pg_class WHERE oid = to_regclass('account')`);
        const [tt] = await db.query<{ o: string[] | null }>(`SELECT reloptions AS o FROM pg_class WHERE oid = to_regclass('token_transfer')`);
        assert.deepEqual([acc.o, tt.o], [["fillfactor=50"], null]);
        // a process killed between the drop and the rebuild leaves them (and the key) missing: the
        // next start (init -> migrate, which skips what is there) creates them again
        const heavy = expected.filter((n) => n.startsWith("token_transfer_"));
        await db.exec(heavy.map((n) => (n.endsWith("_pkey") ? `ALTER TABLE "token_transfer" DROP CONSTRAINT "${n}"` : `DROP INDEX "${n}"`)).join(";\n"));
        assert.ok(heavy.length >= 2);
        await new Indexer({ rpcUrl: chain.url, deployments: chain.deployments, artifactsDir: ARTIFACTS, db, model, handlers: HANDLERS, templates: TEMPLATES, finalityDepth: 0 }).init();
        const restarted = await present();
        assert.deepEqual(expected.filter((n) => !restarted.includes(n)), [], "the restart rebuilt the missing indexes");
        assert.ok(await hasKey(db, "token_transfer"), "and the primary key");
        await verifyProjection(db, chain);
      } finally {
        await db.close();
      }
    });

    test(`[${target.name}] a migrate (an API-role process starting) during a backfill without the keys: the backfill ends with them`, { skip: target.unavailable }, async () => {
      const db = await target.open();
      try {
        const ix = longBackfill(db);
        let migrated: Promise<boolean> | undefined;
        ix.on("block", () => {
          // (on PostgreSQL its statements run one per transaction, so that it never holds one
          // table's lock while it waits for the batch's: no deadlock with the writer; a race with
          // the rebuild on an index's name finds the index there. migrations.test.ts checks both)
          if (migrated !== undefined) return;
          migrated = hasKey(db, "token_transfer").then(async (had) => {
            // as an API-role process migrates (service.ts): a table the writer holds waits at most
            // this long, then its index is left to the writer (unbounded, the writer could hang:
            // migrations.test.ts, "an API-role migrate beside a writer's two batches in flight")
            await migrate(db, model, undefined, { lockTimeoutMs: API_MIGRATE_LOCK_TIMEOUT_MS });
            return had;
          });
          migrated.catch(() => undefined); // (awaited below, after the backfill)
        });
        await ix.init();
        await catchUp(ix);
        assert.equal(await migrated, false, "the migrate ran while token_transfer had no key");
        for (const e of model.entities.filter((x) => x.immutable)) assert.ok(await hasKey(db, e.table), `${e.table} has its primary key`);
        await verifyProjection(db, chain);
      } finally {
        await db.close();
      }
    });

    test(`[${target.name}] an immutable row written twice while its table has no key fails the backfill loudly, and start-up too`, { skip: target.unavailable }, async () => {
      const users = await seedAccounts(chain, 3);
      await randomActivity(chain, users, seed + 500, 30);
      const db = await target.open();
      try {
        // a faulty Transfer handler: once a few batches are committed, it writes the first transfer's row again
        let first: EntityRow | undefined;
        let commits = 0;
        let doubled = false;
        const handlers: HandlerMap = { ...HANDLERS };
        for (const c of ["ComputeToken", "UBCToken"]) {
          const h = HANDLERS[c].Transfer;
          handlers[c] = {
            ...HANDLERS[c],
            Transfer: {
              ...h,
              async handle(e, ctx) {
                await h.handle(e, ctx);
                if (first === undefined) first = { ...(await ctx.store.get("TokenTransfer", e.id)), id: e.id };
                else if (commits >= 3 && !doubled) {
                  ctx.store.insert("TokenTransfer", { ...first });
                  doubled = true;
                }
              },
            },
          };
        }
        const ix = longBackfill(db, handlers);
        ix.on("block", () => commits++);
        await ix.init();
        await assert.rejects(catchUp(ix), (err: Error & { handlerError?: boolean }) => {
          assert.match(err.message, /^token_transfer: its primary key cannot be added back: .*is duplicated/);
          assert.equal(err.handlerError, true, "final: the run loop stops indexing");
          return true;
        });
        assert.ok(doubled, "the faulty handler wrote a row twice");
        assert.equal(await hasKey(db, "token_transfer"), false);
        // a restart's migrations fail the same way, rather than go on without the key
        await assert.rejects(migrate(db, model), /token_transfer: its primary key cannot be added back/);
      } finally {
        await db.close();
      }
    });

    test(`[${target.name}] SIGKILL during a backfill without the immutable tables' primary keys: the restart adds them back, rows equal a clean run`, { skip: target.unavailable }, async () => {
      const users = await seedAccounts(chain, 3);
      await randomActivity(chain, users, seed + 600, 30);
      const opts = target.options();
      const dir = mkdtempSync(join(tmpdir(), "ubc-keyless-"));
      const dbOpts = opts.url ? { url: opts.url, schema: opts.schema } : { dataDir: join(dir, "pglite"), schema: "ubc" };
      try {
        const lines: string[] = [];
        const p = startProcess("keyless", process.execPath, [join(ROOT, "indexer/src/testing/keyless-backfill.ts")], {
          env: { RPC_URL: chain.url, DEPLOYMENTS_JSON: JSON.stringify(chain.deployments), ...(opts.url ? { DATABASE_URL: opts.url, DATABASE_SCHEMA: opts.schema! } : { DATA_DIR: dbOpts.dataDir! }) },
          onLine: (l) => lines.push(l),
        });
        await p.exited;
        assert.equal(p.child.signalCode, "SIGKILL", `killed during the backfill:
${lines.join("\n")}`);
        assert.ok(lines.some((l) => l.startsWith("keyless ")), lines.join("\n"));
        const db = await openDatabase(dbOpts);
        const fresh = await target.open();
        try {
          assert.equal(await hasKey(db, "token_transfer"), false, "the process died with token_transfer's key dropped");
          const ix = indexer(chain, db, 0);
          await ix.init();
          assert.ok(await hasKey(db, "token_transfer"), "start-up added the key back");
          await catchUp(ix);
          for (const e of model.entities.filter((x) => x.immutable)) assert.ok(await hasKey(db, e.table), `${e.table} has its primary key`);
          await verifyProjection(db, chain);
          await assertSameAsFreshIndex(chain, db, fresh, 0, "killed-and-restarted == clean run");
          const [{ n, d }] = await db.query<{ n: string; d: string }>(`SELECT count(*)::text AS n, count(DISTINCT id)::text AS d FROM token_transfer`);
          assert.equal(n, d, "no duplicated rows");
        } finally {
          await db.close();
          await fresh.close();
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    test(`[${target.name}] unfinalized blocks behind the head are indexed in one commit; a reorg inside such a range rolls the range back`, { skip: target.unavailable }, async () => {
      const db = await target.open();
      const fresh = await target.open();
      try {
        const users = await seedAccounts(chain, 3);
        const ix = indexer(chain, db, 40);
        await ix.init();
        await catchUp(ix);
        const commits: bigint[] = [];
        ix.on("block", (cp: { number: bigint }) => commits.push(cp.number));
        // several blocks, with a snapshot in their middle: all unfinalized, indexed together
        await randomActivity(chain, users, seed + 300, 4);
        const mid = await chain.rpc<string>("evm_snapshot");
        const midBlock = BigInt(await chain.provider.getBlockNumber());
        await randomActivity(chain, users, seed + 301, 4);
        const head = BigInt(await chain.provider.getBlockNumber());
        const from = ix.status.checkpoint.number;
        assert.ok(head - from >= 3n && head - from <= 40n, `blocks behind: ${head - from}`);
        await catchUp(ix);
        assert.deepEqual(commits, [head], "one commit for the blocks behind the head");
        await verifyProjection(db, chain);
        // a different history from inside that range: the range is rolled back and replayed
        await chain.rpc("evm_revert", [mid]);
        await randomActivity(chain, users, seed + 302, 5);
        assert.ok(midBlock > from && midBlock < head, "the fork point lies inside the range");
        const reorgs = ix.status.reorgs;
        await catchUp(ix);
        assert.equal(ix.status.reorgs, reorgs + 1, "the reorg was detected");
        assert.equal(ix.status.checkpoint.number, BigInt(await chain.provider.getBlockNumber()));
        await verifyProjection(db, chain);
        await assertSameAsFreshIndex(chain, db, fresh, 40, "reorged projection == fresh re-index");
      } finally {
        await db.close();
        await fresh.close();
      }
    });

    test(`[${target.name}] reorgs at random depths roll back to the common ancestor and equal a fresh re-index`, { skip: target.unavailable }, async () => {
      const db = await target.open();
      const fresh = await target.open();
      try {
        const users = await seedAccounts(chain, 3);
        const ix = indexer(chain, db, 12);
        await ix.init();
        await catchUp(ix);
        let reorgs = 0;
        for (let round = 0; round < 4; round++) {
          const snap = await chain.rpc<string>("evm_snapshot");
          await randomActivity(chain, users, seed + 100 + round, 6 + ((seed + round) % 5));
          await catchUp(ix);
          await verifyProjection(db, chain);
          // rewind to the snapshot and build a different history of another length
          await chain.rpc("evm_revert", [snap]);
          await randomActivity(chain, users, seed + 200 + round, 3 + ((seed + round) % 7));
          const before = ix.status.reorgs;
          await catchUp(ix);
          reorgs += ix.status.reorgs - before;
          await verifyProjection(db, chain);
        }
        assert.ok(reorgs >= 1, "reorgs were detected");
        await assertSameAsFreshIndex(chain, db, fresh, 12, "reorged projection == fresh re-index");
      } finally {
        await db.close();
        await fresh.close();
      }
    });
  }
});
