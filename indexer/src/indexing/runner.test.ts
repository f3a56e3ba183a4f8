import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { loadModel } from "../schema/model.ts";
import { startChain, ARTIFACTS, type TestChain } from "../testing/chain.ts";
import { randomActivity, seedAccounts } from "../testing/activity.ts";
import { verifyProjection, dumpProjection } from "../testing/verify.ts";
import { marketActivity, setupMarket } from "../testing/market.ts";
import { dbTargets } from "../testing/databases.ts";
import { Indexer } from "./runner.ts";
import { entityDdl } from "../database/migrations.ts";
import { HANDLERS, TEMPLATES } from "./handlers/index.ts";
import type { Database } from "../database/adapter.ts";

const model = loadModel();
const tables = model.entities.map((e) => e.table);
const targets = await dbTargets();
const seed = Number(process.env.TEST_SEED ?? Date.now() % 1_000_000);

async function catchUp(ix: Indexer) {
  while (await ix.step()) { /* until the head */ }
}

function indexer(chain: TestChain, db: Database, finalityDepth: number) {
  return new Indexer({ rpcUrl: chain.url, deployments: chain.deployments, artifactsDir: ARTIFACTS, db, model, handlers: HANDLERS, templates: TEMPLATES, finalityDepth });
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
        const ix2 = indexer(chain, whole, 0);
        await ix2.init();
        await catchUp(ix2);
        assert.deepEqual(await dumpProjection(small, tables), await dumpProjection(whole, tables), "small batches == default batches");
      } finally {
        await small.close();
        await whole.close();
      }
    });

    test(`[${target.name}] a long backfill writes the tables it fills without their secondary indexes and builds them after its last commit`, { skip: target.unavailable }, async () => {
      const users = await seedAccounts(chain, 3);
      await randomActivity(chain, users, seed + 400, 30);
      const db = await target.open();
      try {
        const ix = new Indexer({
          rpcUrl: chain.url, deployments: chain.deployments, artifactsDir: ARTIFACTS, db, model, handlers: HANDLERS, templates: TEMPLATES, finalityDepth: 0,
          backfillBatchLogs: { first: 8, full: 20 },
          fetcher: { initialRange: 4, maxRange: 16, targetLogs: 10 },
          heavyTableRows: 2, // a table with 2 rows in a full batch is written without its secondary indexes
        });
        ix.store.smallRows = 2;
        const expected = entityDdl(model).filter((s) => s.startsWith("CREATE INDEX")).map((s) => /"([^"]+)"/.exec(s)![1]).sort();
        const present = async () => (await db.query<{ n: string }>(`SELECT indexname AS n FROM pg_indexes WHERE schemaname = current_schema()`)).map((r) => r.n);
        // the indexes as each committed batch left them (queried from the commit's event)
        const seen: Promise<string[]>[] = [];
        ix.on("block", () => seen.push(present()));
        await ix.init();
        await catchUp(ix);
        const missing = (await Promise.all(seen)).map((names) => expected.filter((n) => !names.includes(n)));
        assert.ok(missing.some((m) => m.includes("token_transfer_to_idx")), `some batch was written without token_transfer's indexes (missing after each commit: ${JSON.stringify(missing)})`);
        const now = await present();
        assert.deepEqual(expected.filter((n) => !now.includes(n)), [], "every secondary index is back once caught up");
        await verifyProjection(db, chain);
        // mutable entities' tables leave room on their pages for updated rows (HOT updates)
        const [acc] = await db.query<{ o: string[] | null }>(`SELECT reloptions AS o FROM pg_class WHERE oid = to_regclass('account')`);
        const [tt] = await db.query<{ o: string[] | null }>(`SELECT reloptions AS o FROM pg_class WHERE oid = to_regclass('token_transfer')`);
        assert.deepEqual([acc.o, tt.o], [["fillfactor=50"], null]);
        // a process killed between the drop and the rebuild leaves them missing: the next start
        // (init -> migrate, which skips what is there) creates them again
        const heavy = expected.filter((n) => n.startsWith("token_transfer_"));
        await db.exec(heavy.map((n) => `DROP INDEX "${n}"`).join(";\n"));
        assert.ok(heavy.length >= 2);
        await new Indexer({ rpcUrl: chain.url, deployments: chain.deployments, artifactsDir: ARTIFACTS, db, model, handlers: HANDLERS, templates: TEMPLATES, finalityDepth: 0 }).init();
        const restarted = await present();
        assert.deepEqual(expected.filter((n) => !restarted.includes(n)), [], "the restart rebuilt the missing indexes");
        await verifyProjection(db, chain);
      } finally {
        await db.close();
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
        const ix2 = indexer(chain, fresh, 12);
        await ix2.init();
        await catchUp(ix2);
        assert.deepEqual(await dumpProjection(db, tables), await dumpProjection(fresh, tables), "reorged projection == fresh re-index");
      } finally {
        await db.close();
        await fresh.close();
      }
    });
  }
});
