// The pre-initialised PGlite data directory: made once, copied for every fresh database, and
// each copy a database of its own.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openPglite, pgliteTemplate, pgliteTemplateDir } from "./pglite-template.ts";

test("fresh PGlite databases start as copies of one template, each independent, on disk and in memory", async () => {
  const base = mkdtempSync(join(tmpdir(), "ubc-template-test-"));
  const before = process.env.INDEXER_PGLITE_TEMPLATE;
  process.env.INDEXER_PGLITE_TEMPLATE = join(base, "template"); // a template of this test's own
  try {
    assert.equal(pgliteTemplateDir(), join(base, "template"));
    const dir = await pgliteTemplate();
    assert.equal(dir, join(base, "template"));
    for (const f of ["ready", "pgdata", "pgdata.tar"]) assert.ok(existsSync(join(base, "template", f)), `template lacks ${f}`);
    assert.equal(await pgliteTemplate(), dir, "made once per process");
    assert.deepEqual(readdirSync(base), ["template"], "no work directory left behind");

    // two on-disk databases (one in a missing directory, one in an empty one), and one in memory
    const a = join(base, "a", "data");
    const b = join(base, "b");
    mkdirSync(b);
    const dbA = await openPglite(a);
    const dbB = await openPglite(b);
    const dbM = await openPglite(undefined);
    try {
      assert.ok(existsSync(join(a, "PG_VERSION")) && existsSync(join(b, "PG_VERSION")));
      await dbA.exec("CREATE TABLE t (v int); INSERT INTO t VALUES (1)");
      await dbM.exec("CREATE TABLE t (v int); INSERT INTO t VALUES (3)");
      // only the database PGlite serves (initdb's template databases are not copied)
      assert.deepEqual((await dbB.query<{ datname: string }>("SELECT datname FROM pg_database ORDER BY 1")).rows, [{ datname: "postgres" }]);
      assert.deepEqual(readdirSync(join(b, "base")).length, 1);
      const inB = await dbB.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 't'");
      assert.equal(inB.rows[0].n, 0, "a table made in one copy is not in another");
      assert.deepEqual((await dbM.query<{ v: number }>("SELECT v FROM t")).rows, [{ v: 3 }]);
    } finally {
      await dbA.close();
      await dbB.close();
      await dbM.close();
    }
    assert.deepEqual(readdirSync(join(base, "a")), ["data"], "no partial copy left behind");
    // an existing database is opened as it is, not replaced by the template
    const again = await openPglite(a);
    try {
      assert.deepEqual((await again.query<{ v: number }>("SELECT v FROM t")).rows, [{ v: 1 }]);
    } finally {
      await again.close();
    }
  } finally {
    if (before === undefined) delete process.env.INDEXER_PGLITE_TEMPLATE;
    else process.env.INDEXER_PGLITE_TEMPLATE = before;
    rmSync(base, { recursive: true, force: true });
  }
});
