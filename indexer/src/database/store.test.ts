import { test } from "node:test";
import assert from "node:assert/strict";
import { openDatabase } from "./adapter.ts";
import { bytesToDb, checkValue, CopyText, copyLineWriter, rowChecker, toCopy, type EntityRow } from "./codec.ts";
import { migrate } from "./migrations.ts";
import { Store } from "./store.ts";
import { dbTargets } from "../testing/databases.ts";
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
    const [row] = await db.query<{ compute_balance: string }>(`SELECT compute_balance::text FROM account WHERE id = $1`, [bytesToDb(a)]);
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

test("compiled row checkers accept and reject exactly what checkValue does, with its message", () => {
  const samples: unknown[] = [null, undefined, 0, 7, 1.5, -3n, true, "", "0x", "0xab", "0xAB", "ab", "x", ["0xab"], [1n], [7], [true], ["x"], [null]];
  for (const e of model.entities) {
    const check = rowChecker(e.name, e.columns);
    for (const f of e.columns) {
      for (const v of samples) {
        let expected: string | undefined;
        try {
          checkValue(e.name, f, (v ?? null) as never);
        } catch (err) {
          expected = (err as Error).message;
        }
        let got: string | undefined;
        try {
          check({ [f.name]: v } as EntityRow, undefined);
        } catch (err) {
          got = (err as Error).message;
        }
        // the other (missing) columns may fail first: only compare when this column decides
        if (got !== undefined && !got.includes(`${e.name}.${f.name}`)) {
          const only: EntityRow = {};
          for (const g of e.columns) if (g !== f) only[g.name] = sampleFor(g);
          only[f.name] = v as never;
          got = undefined;
          try {
            check(only, undefined);
          } catch (err) {
            got = (err as Error).message;
          }
        }
        assert.equal(got, expected, `${e.name}.${f.name} = ${String(v)}`);
      }
    }
  }
});

function sampleFor(f: (typeof model.entities)[number]["columns"][number]): never {
  const v = f.scalar === "BigInt" || f.scalar === "Int8" || f.scalar === "Timestamp" ? 1n
    : f.scalar === "Int" ? 1 : f.scalar === "Boolean" ? true : f.scalar === "Bytes" ? "0x01" : "s";
  return (f.list ? [v] : v) as never;
}

test("CopyText: UTF-8 bytes of the lines, growing past its first buffer, reused after done()", () => {
  const t = new CopyText();
  const lines: string[] = [];
  for (let i = 0; i < 5000; i++) lines.push(`${i}\tnaïve ☃ 𝄞 ${"x".repeat(i % 50)}\n`);
  t.begin();
  for (const l of lines) t.add(l);
  assert.equal(t.bytes().toString("utf8"), lines.join(""));
  assert.equal(t.length, Buffer.byteLength(lines.join("")));
  assert.throws(() => t.begin(), /still in use/);
  t.done();
  t.begin();
  t.add("a\n");
  assert.equal(t.bytes().toString("utf8"), "a\n");
  t.done();
});

test("insert(): keeps the row, checks it, refuses mutable entities and a second write; startEmpty(): no lookups of mutable rows until the cache is cleared", async () => {
  const db = await openDatabase({ schema: "ubc" });
  try {
    await migrate(db, model);
    const a = "0x00000000000000000000000000000000000000a1";
    const b = "0x00000000000000000000000000000000000000b2";
    // a row the store did not write (as if the database were not empty)
    const seed = new Store(model, db);
    seed.block = 1n;
    seed.set("Account", account(b, 9n));
    await db.transaction((tx) => seed.flush(tx));

    const store = new Store(model, db);
    store.block = 2n;
    const tt: EntityRow = {
      id: "0x" + "11".repeat(36), token: a, from: a, to: b, value: 5n, blockNumber: 2n, timestamp: 100n, transactionHash: "0x" + "22".repeat(32),
    };
    store.insert("TokenTransfer", tt);
    assert.equal((await store.get("TokenTransfer", tt.id as string))!.value, 5n);
    assert.throws(() => store.insert("TokenTransfer", { ...tt }), /already written/);
    assert.throws(() => store.insert("Account", account(a, 1n)), /mutable/);
    assert.throws(() => store.insert("TokenTransfer", { ...tt, id: "0x" + "33".repeat(36), value: "5" as never }), /TokenTransfer.value/);
    await db.transaction((tx) => store.flush(tx));
    store.committed();
    const [row] = await db.query<{ value: string }>(`SELECT value::text FROM token_transfer WHERE id = $1`, [bytesToDb(tt.id as string)]);
    assert.equal(row.value, "5");

    // startEmpty: the store trusts its cache, so b (written by another store) is not looked up
    const fresh = new Store(model, db);
    fresh.startEmpty();
    await fresh.preload(new Map([["Account", [b]]]));
    assert.equal(fresh.draft("Account", b), null, "taken as not existing: no query was made");
    assert.equal(fresh.stats.loads, 0);
    // immutable rows are still looked up
    assert.equal((await fresh.get("TokenTransfer", tt.id as string))!.value, 5n);
    // once the cache is cleared, lookups are made again
    fresh.clearCache();
    assert.equal((await fresh.get("Account", b))!.computeBalance, 9n);
  } finally {
    await db.close();
  }
});

test("flush: new rows copied into the table, known rows updated, unknown ones upserted, small writes, deletes and the undo log in one statement; a stale cache fails the batch", async () => {
  for (const target of await dbTargets()) {
    if (target.unavailable) continue;
    const db = await target.open();
    try {
      await migrate(db, model);
      const id = (k: number) => "0x" + k.toString(16).padStart(40, "0");
      const count = async () => Number((await db.query<{ n: string }>(`SELECT count(*)::text AS n FROM account`))[0].n);
      const balance = async (k: number) => (await db.query<{ b: string }>(`SELECT compute_balance::text AS b FROM account WHERE id = $1`, [bytesToDb(id(k))]))[0]?.b;
      const store = new Store(model, db);
      store.startEmpty();
      // 200 new accounts (a large write: COPY into the table) and one Protocol row (a small one)
      const all = Array.from({ length: 200 }, (_, k) => k);
      await store.preload(new Map([["Account", all.map(id)]]));
      store.block = 1n;
      for (const k of all) store.set("Account", account(id(k), BigInt(k)));
      await db.transaction((tx) => store.flush(tx, undefined, undefined, "SET LOCAL synchronous_commit = off"));
      store.committed();
      assert.equal(await count(), 200);
      assert.equal(await balance(199), "199");

      // all known to exist: one UPDATE; plus a removal and a small write with its undo log
      store.block = 2n;
      for (const k of all.slice(0, 150)) {
        const d = store.draft("Account", id(k))!;
        d.computeBalance = (d.computeBalance as bigint) + 1000n;
        store.set("Account", d);
      }
      store.remove("Account", id(199));
      store.checkDrafts();
      await db.transaction((tx) => store.flush(tx, 2n));
      store.committed();
      assert.equal(await count(), 199);
      assert.equal(await balance(0), "1000");
      assert.equal(await balance(149), "1149");
      assert.equal(await balance(150), "150");
      const undo = await db.query<{ n: string }>(`SELECT count(*)::text AS n FROM _undo WHERE block = 2 AND entity = 'Account'`);
      assert.equal(undo[0].n, "151", "the previous version of every row the block wrote");

      // unknown rows (never looked up): upserted, whether they exist or not
      const blind = new Store(model, db);
      blind.block = 3n;
      for (const k of [...all.slice(100, 199), 500]) blind.set("Account", account(id(k), 7n));
      await db.transaction((tx) => blind.flush(tx));
      assert.equal(await count(), 200);
      assert.equal(await balance(120), "7");
      assert.equal(await balance(500), "7");

      // a row the cache says exists but another writer removed: the batch fails, nothing is written
      await db.query(`DELETE FROM account WHERE id = $1`, [bytesToDb(id(0))]);
      store.block = 4n;
      for (const k of all.slice(0, 100)) {
        const d = store.draft("Account", id(k))!;
        d.computeBalance = 1n;
        store.set("Account", d);
      }
      await assert.rejects(db.transaction((tx) => store.flush(tx)), /stale cache/);
      assert.equal(await balance(1), "1001", "rolled back");
      // a row the cache says is new but exists: the COPY fails on its key
      const stale = new Store(model, db);
      stale.startEmpty();
      await stale.preload(new Map([["Account", all.map(id)]]));
      stale.block = 5n;
      for (const k of all) stale.set("Account", account(id(k), 1n));
      await assert.rejects(db.transaction((tx) => stale.flush(tx)), /duplicate key|unique/);
      assert.equal(await count(), 199);
    } finally {
      await db.close();
      await target.cleanup();
    }
  }
});
