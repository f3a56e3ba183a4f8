import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { openDatabase, type Database } from "../database/adapter.ts";
import { loadModel } from "../schema/model.ts";
import { startChain, ARTIFACTS, type TestChain } from "../testing/chain.ts";
import { randomActivity, seedAccounts } from "../testing/activity.ts";
import { verifyProjection } from "../testing/verify.ts";
import { Indexer } from "./runner.ts";
import { HANDLERS } from "./handlers/index.ts";

async function catchUp(ix: Indexer) {
  while (await ix.step()) { /* until the head */ }
}

describe("indexer on a real Hardhat node (PGlite)", () => {
  let chain: TestChain;
  let db: Database;
  const seed = Number(process.env.TEST_SEED ?? Date.now() % 1_000_000);

  before(async () => {
    chain = await startChain();
    db = await openDatabase({});
  });
  after(async () => {
    await db?.close();
    await chain?.stop();
  });

  test(`the projection equals the chain after random activity (seed ${seed})`, async () => {
    const model = loadModel();
    const users = await seedAccounts(chain, 4);
    await randomActivity(chain, users, seed, 40);
    const ix = new Indexer({ rpcUrl: chain.url, deployments: chain.deployments, artifactsDir: ARTIFACTS, db, model, handlers: HANDLERS, finalityDepth: 5 });
    await ix.init();
    await catchUp(ix);
    const head = await chain.provider.getBlockNumber();
    assert.equal(ix.status.checkpoint.number, BigInt(head));
    const r = await verifyProjection(db, chain);
    assert.ok(r.accounts >= 5, `accounts indexed: ${r.accounts}`);
    // more activity while following the head
    await randomActivity(chain, users, seed + 1, 30);
    await catchUp(ix);
    await verifyProjection(db, chain);
  });
});
