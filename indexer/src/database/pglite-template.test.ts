// The pre-initialised PGlite data directory: made once, copied for every fresh database, and
// each copy a database of its own.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openPglite, pgliteTemplate, pgliteTemplateDir, PGLITE_SHARED_BUFFERS } from "./pglite-template.ts";
import { schemaKey } from "./migrations.ts";

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
      // the indexer's buffer pool (PGLITE_SHARED_BUFFERS), not PGlite's 128MB, on disk and in memory
      for (const db of [dbA, dbM]) assert.deepEqual((await db.query("SHOW shared_buffers")).rows, [{ shared_buffers: PGLITE_SHARED_BUFFERS }]);
      assert.equal(PGLITE_SHARED_BUFFERS, process.env.INDEXER_PGLITE_SHARED_BUFFERS ?? "64MB");
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

test("a fresh PGlite database opened with the model starts with the schema as migrate leaves it; a changed model or schema makes a new template", async () => {
  const { openDatabase, pgliteSchemaLayer } = await import("./adapter.ts");
  const { migrate } = await import("./migrations.ts");
  const { catalog } = await import("../testing/catalog.ts");
  const { buildModel, loadModel } = await import("../schema/model.ts");
  const { readFileSync } = await import("node:fs");
  const model = loadModel();
  const base = mkdtempSync(join(tmpdir(), "ubc-template-test-"));
  const before = process.env.INDEXER_PGLITE_TEMPLATE;
  process.env.INDEXER_PGLITE_TEMPLATE = join(base, "template");
  const opened: { close(): Promise<void> }[] = [];
  try {
    const layer = pgliteSchemaLayer(model, "ubc");
    const fromTemplate = await openDatabase({ dataDir: join(base, "a"), schema: "ubc", model });
    const inMemory = await openDatabase({ schema: "ubc", model });
    const scratch = await openDatabase({ dataDir: join(base, "b"), schema: "ubc" }); // the plain template
    opened.push(fromTemplate, inMemory, scratch);
    assert.ok(existsSync(join(pgliteTemplateDir(layer)!, "ready")), "the schema's template was made");
    assert.deepEqual(readdirSync(join(base, "template")).filter((f) => f.startsWith("layer-")), [`layer-${layer.key}`]);
    assert.equal(fromTemplate.created, true);
    const tables = async (db: typeof scratch) => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'ubc'`))[0].n;
    assert.ok((await tables(fromTemplate)) > 20 && (await tables(inMemory)) > 20, "the tables are there before migrate runs");
    assert.equal(await tables(scratch), 0);
    await migrate(scratch, model);
    const expected = await catalog(scratch);
    assert.deepEqual(await catalog(fromTemplate), expected, "on disk: the same tables, columns, indexes, constraints and _meta as migrated from scratch");
    assert.deepEqual(await catalog(inMemory), expected, "in memory: the same");
    await migrate(fromTemplate, model);
    assert.deepEqual(await catalog(fromTemplate), expected);

    // each copy is a database of its own
    await fromTemplate.exec(`INSERT INTO _meta (key, value) VALUES ('checkpoint_number', '1')`);
    const other = await openDatabase({ dataDir: join(base, "c"), schema: "ubc", model });
    opened.push(other);
    assert.deepEqual(await catalog(other), expected);

    // another model (one more entity), or another schema name: another template
    const source = readFileSync(new URL("../../../subgraph/schema.graphql", import.meta.url), "utf8");
    const changed = buildModel(`${source}\ntype TemplateProbe @entity(immutable: true) { id: ID! n: Int! }\n`);
    const changedLayer = pgliteSchemaLayer(changed, "ubc");
    assert.notEqual(changedLayer.key, layer.key);
    assert.notEqual(pgliteSchemaLayer(model, "other").key, layer.key);
    const d = await openDatabase({ dataDir: join(base, "d"), schema: "ubc", model: changed });
    opened.push(d);
    assert.ok(existsSync(join(pgliteTemplateDir(changedLayer)!, "ready")));
    assert.deepEqual((await d.query(`SELECT value FROM _meta WHERE key = 'schema_hash'`)), [{ value: schemaKey(changed) }]);
    assert.equal((await d.query(`SELECT 1 FROM pg_tables WHERE schemaname = 'ubc' AND tablename = 'template_probe'`)).length, 1);
    assert.equal((await fromTemplate.query(`SELECT 1 FROM pg_tables WHERE schemaname = 'ubc' AND tablename = 'template_probe'`)).length, 0);
    assert.equal(readdirSync(join(base, "template")).filter((f) => f.startsWith("layer-")).length, 2);
    assert.equal(readdirSync(join(base, "template")).filter((f) => f.includes(".tmp-")).length, 0, "no work directory left behind");
  } finally {
    for (const db of opened) await db.close();
    if (before === undefined) delete process.env.INDEXER_PGLITE_TEMPLATE;
    else process.env.INDEXER_PGLITE_TEMPLATE = before;
    rmSync(base, { recursive: true, force: true });
  }
});

test("INDEXER_PGLITE_TEMPLATE=off: a database opened with the model runs initdb and starts empty", async () => {
  const { openDatabase } = await import("./adapter.ts");
  const { migrate } = await import("./migrations.ts");
  const { loadModel } = await import("../schema/model.ts");
  const model = loadModel();
  const before = process.env.INDEXER_PGLITE_TEMPLATE;
  process.env.INDEXER_PGLITE_TEMPLATE = "off";
  try {
    const db = await openDatabase({ schema: "ubc", model });
    try {
      assert.equal((await db.query(`SELECT 1 FROM pg_tables WHERE schemaname = 'ubc'`)).length, 0);
      await migrate(db, model);
      assert.deepEqual(await db.query(`SELECT value FROM _meta WHERE key = 'schema_hash'`), [{ value: schemaKey(model) }]);
    } finally {
      await db.close();
    }
  } finally {
    if (before === undefined) delete process.env.INDEXER_PGLITE_TEMPLATE;
    else process.env.INDEXER_PGLITE_TEMPLATE = before;
  }
});
