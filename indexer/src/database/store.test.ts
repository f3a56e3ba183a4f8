import { test } from "node:test";
import assert from "node:assert/strict";
import { openDatabase } from "./adapter.ts";
import { copyLineWriter, toCopy, type EntityRow } from "./codec.ts";
import { migrate } from "./migrations.ts";
import { Store } from "./store.ts";
import { loadModel } from "../schema/model.ts";

const model = loadModel();

test("compiled COPY line writers write what toCopy writes, for every entity", () => {
  for (const e of model.entities) {
    const row: EntityRow = {};
    for (const f of e.columns) {
      const v = f.scalar === "BigInt" || f.scalar === "Int8" || f.scalar === "Timestamp" ? -12n
        : f.scalar === "Int" ? 7 : f.scalar === "Boolean" ? false : f.scalar === "Bytes" ? "0xab" : "x\ty\\z\nw";
      row[f.name] = f.list ? [v, v] : v;
    }
    const nullable = e.columns.find((f) => f.nullable);
    if (nullable) row[nullable.name] = null;
    let expected = "";
    for (const f of e.columns) expected += toCopy(f, row[f.name]) + "\t";
    assert.equal(copyLineWriter(e.columns)(row, "5"), expected + "5\n", e.name);
  }
});

const account = (id: string, balance: bigint): EntityRow => ({
  id, ubcBalance: 0n, computeBalance: balance, staked: 0n, rewardsClaimed: 0n, computeBurned: 0n,
  delegate: null, votes: 0n, positionCount: 0, firstSeenBlock: 1n,
});

test("draft(): the batch's own copy, once per batch; the committed and sealed versions stay untouched", async () => {
  const db = await openDatabase({ schema: "ubc" });
  try {
    await migrate(db, model);
    const store = new Store(model, db);
    const a = "0x00000000000000000000000000000000000000a1";
    assert.equal(store.draft("Account", a), undefined, "not in memory yet");
    await store.preload(new Map([["Account", [a]]]));
    assert.equal(store.draft("Account", a), null, "known not to exist");
    store.block = 1n;
    store.set("Account", account(a, 5n));
    await db.transaction((tx) => store.flush(tx));
    store.committed();

    store.block = 2n;
    const d = store.draft("Account", a)!;
    d.computeBalance = (d.computeBalance as bigint) + 1n;
    store.set("Account", d);
    assert.equal(store.draft("Account", a), d, "the same object for the rest of the batch");
    d.computeBalance = (d.computeBalance as bigint) + 1n; // changed in place: part of the batch
    assert.equal((await store.get("Account", a))!.computeBalance, 7n);
    store.checkDrafts();

    // sealed: the next batch drafts its own copy and the sealed row keeps its value
    const sealed = store.seal();
    store.block = 3n;
    const d2 = store.draft("Account", a)!;
    assert.notEqual(d2, d);
    d2.computeBalance = 100n;
    assert.equal(d.computeBalance, 7n);
    await db.transaction((tx) => store.flush(tx, undefined, sealed));
    store.committed(sealed);
    const [row] = await db.query<{ compute_balance: string }>(`SELECT compute_balance::text FROM account WHERE id = $1`, [a]);
    assert.equal(row.compute_balance, "7");

    // a bad value written through a draft is caught by checkDrafts, not silently written
    (d2 as Record<string, unknown>).computeBalance = "lots";
    assert.throws(() => store.checkDrafts(), /computeBalance/);
    store.discard();
    assert.equal((await store.get("Account", a))!.computeBalance, 7n, "after discard: the database's row");
    assert.throws(() => store.draft("TokenTransfer", "0x01"), /immutable/);
  } finally {
    await db.close();
  }
});
