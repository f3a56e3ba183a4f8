// PGlite behind the Database interface, in the calling thread (the default) and in its worker
// thread (INDEXER_PGLITE_THREAD=worker): what crosses the thread boundary (values, COPY bytes,
// PostgreSQL's errors) and transactions as messages (a failure rolls back, nothing of it is kept,
// and the database goes on); `created` for a new and a reopened database, and for a new and an
// existing PostgreSQL schema.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase as open, type DatabaseOptions } from "./adapter.ts";
import { bytesToDb, CopyText } from "./codec.ts";
import { dbTargets } from "../testing/databases.ts";

for (const thread of ["main", "worker"]) {
  /** Opens with INDEXER_PGLITE_THREAD set to this run's thread (read by openDatabase). */
  async function openDatabase(opts: DatabaseOptions) {
    const before = process.env.INDEXER_PGLITE_THREAD;
    process.env.INDEXER_PGLITE_THREAD = thread;
    try {
      return await open(opts);
    } finally {
      if (before === undefined) delete process.env.INDEXER_PGLITE_THREAD;
      else process.env.INDEXER_PGLITE_THREAD = before;
    }
  }

  test(`PGlite (${thread} thread): values, COPY from a reused buffer, errors with their code, transactions that roll back`, async () => {
    const dir = mkdtempSync(join(tmpdir(), "ubc-adapter-test-"));
    const db = await openDatabase({ dataDir: join(dir, "data"), schema: "ubc" });
    try {
      assert.equal(db.kind, "pglite");
      assert.equal(db.created, true, "a database in a missing directory is made by opening it");
      const [row] = await db.query(`SELECT 12345678901234567890::numeric AS n, '\\x00ff'::bytea AS b, '{1,2}'::numeric[] AS a, $1::text AS t, NULL AS z`, ["é\t"]);
      assert.deepEqual(row, { n: "12345678901234567890", b: "0x00ff", a: ["1", "2"], t: "é\t", z: null });
      // Bytes are bytea, read back as 0x-hex; parameters go in as bytea input text (codec.ts)
      const [bytes] = await db.query(`SELECT $1::bytea AS b, $2::bytea[] AS l, $3::bytea AS e`, [bytesToDb("0x0a0b"), ["0x01", "0x", "0xff"].map(bytesToDb), bytesToDb("0x")]);
      assert.deepEqual(bytes, { b: "0x0a0b", l: ["0x01", "0x", "0xff"], e: "0x" });
      // a "0x…" string would be bytea input in escape format (the characters): refused, loudly
      await assert.rejects(db.query(`SELECT $1::bytea AS b`, ["0x0a0b"]), /bytea parameter must be bytes or bytea input text/);

      await db.exec(`CREATE TABLE t (id int PRIMARY KEY, v text NOT NULL)`);
      // COPY bytes that are a view of a buffer the writer reuses: copied across, the buffer stays usable
      const text = new CopyText().begin();
      text.add("1\tone\n");
      text.add("2\ttwo\n");
      await db.copyFrom("t", ["id", "v"], text.bytes());
      text.done();
      text.begin().add("3\tthree\n");
      await db.transaction((tx) => tx.copyFrom("t", ["id", "v"], text.bytes()));
      text.done();
      assert.deepEqual(await db.query(`SELECT id, v FROM t ORDER BY id`), [{ id: 1, v: "one" }, { id: 2, v: "two" }, { id: 3, v: "three" }]);

      // a statement fails inside a transaction: the error comes back with PostgreSQL's fields,
      // the transaction rolls back (its first insert is not kept)
      await assert.rejects(
        db.transaction(async (tx) => {
          await tx.query(`INSERT INTO t VALUES (4, 'four')`);
          await tx.query(`INSERT INTO t VALUES (1, 'again')`);
        }),
        (err: Error & { code?: string; constraint?: string }) => {
          assert.equal(err.code, "23505");
          assert.equal(err.constraint, "t_pkey");
          assert.match(err.message, /duplicate key/);
          return true;
        },
      );
      // the caller's own failure rolls back too, and its value is returned otherwise
      await assert.rejects(
        db.transaction(async (tx) => {
          await tx.exec(`DELETE FROM t`);
          throw new Error("changed my mind");
        }),
        /changed my mind/,
      );
      assert.equal(await db.transaction(async (tx) => (await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM t`))[0].n), 3);
      // a failed COPY (bad text) is an error too, and leaves the table as it was
      await assert.rejects(db.copyFrom("t", ["id", "v"], "x\ty\n"), (err: Error & { code?: string }) => err.code === "22P02");
      // concurrent callers: each transaction is whole, the plain queries wait for them
      await Promise.all([
        db.transaction(async (tx) => {
          await tx.query(`INSERT INTO t VALUES (10, 'a')`);
          await new Promise((r) => setTimeout(r, 20));
          await tx.query(`INSERT INTO t VALUES (11, 'b')`);
        }),
        db.query(`SELECT count(*)::int AS n FROM t`).then(([r]) => assert.ok(r.n === 3 || r.n === 5, `saw half a transaction: ${r.n}`)),
      ]);
      assert.deepEqual((await db.query<{ id: number }>(`SELECT id FROM t ORDER BY id`)).map((r) => r.id), [1, 2, 3, 10, 11]);
    } finally {
      await db.close();
    }
    // reopened: the data is on disk, and the database is not a new one
    const again = await openDatabase({ dataDir: join(dir, "data"), schema: "ubc" });
    try {
      assert.equal(again.created, false);
      assert.equal((await again.query<{ n: number }>(`SELECT count(*)::int AS n FROM t`))[0].n, 5);
    } finally {
      await again.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test(`PGlite (${thread} thread): a data directory that cannot be opened fails with the reason`, async () => {
    const dir = mkdtempSync(join(tmpdir(), "ubc-adapter-test-"));
    try {
      writeFileSync(join(dir, "PG_VERSION"), "not a database\n"); // not empty: opened as it is
      // in the calling thread opening fails; in the worker, the open is not waited for and the
      // requests fail
      await assert.rejects(
        (async () => {
          const db = await openDatabase({ dataDir: dir, schema: "ubc" });
          assert.equal(db.created, false);
          try {
            await db.query(`SELECT 1`);
          } finally {
            await db.close();
          }
        })(),
        /PGlite failed to initialize/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test("PostgreSQL: `created` for a schema that opening makes, not for one that exists; Bytes in and out", async (t) => {
  const target = (await dbTargets()).find((d) => d.name === "postgres")!;
  if (target.unavailable !== undefined) {
    t.skip(target.unavailable);
    return;
  }
  const options = target.options(); // a schema of this test's own (new)
  try {
    const first = await open(options);
    try {
      assert.equal(first.created, true, "a new schema");
      await first.exec(`CREATE TABLE t (v int)`);
    } finally {
      await first.close();
    }
    const again = await open(options);
    try {
      assert.equal(again.created, false, "the schema exists now");
      assert.deepEqual(await again.query(`SELECT count(*)::int AS n FROM t`), [{ n: 0 }]);
      // Bytes as on PGlite: bytea read back as 0x-hex, parameters as bytea input text
      const [bytes] = await again.query(`SELECT '\\x00ff'::bytea AS c, $1::bytea AS b, $2::bytea[] AS l, $3::bytea AS e`, [bytesToDb("0x0a0b"), ["0x01", "0x", "0xff"].map(bytesToDb), bytesToDb("0x")]);
      assert.deepEqual(bytes, { c: "0x00ff", b: "0x0a0b", l: ["0x01", "0x", "0xff"], e: "0x" });
    } finally {
      await again.close();
    }
  } finally {
    await target.cleanup();
  }
});
