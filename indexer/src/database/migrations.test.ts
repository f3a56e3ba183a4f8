// `migrate` on a database that already holds the model's schema: nothing runs, except what a
// backfill killed without its secondary indexes left missing (on PGlite and PostgreSQL).
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { loadModel } from "../schema/model.ts";
import { dbTargets } from "../testing/databases.ts";
import type { Database, Queryable } from "./adapter.ts";
import { createdName, entityDdl, migrate, migrationDdl } from "./migrations.ts";
import { catalog } from "../testing/catalog.ts";

const model = loadModel();
const targets = await dbTargets();

/** `db` with every exec's SQL recorded. */
function recording(db: Database): { q: Queryable; execs: string[] } {
  const execs: string[] = [];
  return {
    execs,
    q: {
      query: (sql, params, opts) => db.query(sql, params, opts),
      exec: (sql) => (execs.push(sql), db.exec(sql)),
      copyFrom: (t, c, x) => db.copyFrom(t, c, x),
    },
  };
}

test("every statement of the migrations names what it creates", () => {
  const names = migrationDdl(model).map(createdName);
  assert.equal(new Set(names).size, names.length, "no name twice");
  assert.ok(names.includes("_meta") && names.includes("token_transfer") && names.includes("token_transfer_to_idx"));
  assert.throws(() => createdName(`CREATE UNIQUE INDEX x ON y (z)`), /cannot tell/);
});

describe("migrate on a database that holds the schema", () => {
  after(async () => {
    for (const t of targets) await t.cleanup();
  });
  for (const target of targets) {
    test(`[${target.name}] runs no DDL when everything is there, and creates only a missing secondary index`, { skip: target.unavailable }, async () => {
      const db = await target.open();
      try {
        await migrate(db, model);
        const before = await catalog(db);
        const again = recording(db);
        await migrate(again.q, model);
        assert.deepEqual(again.execs, [], "no DDL on an up-to-date database");
        assert.deepEqual(await catalog(db), before);

        // what a backfill killed between dropping the indexes and rebuilding them leaves
        const secondary = entityDdl(model).filter((s) => s.startsWith("CREATE INDEX") && s.includes(`ON "token_transfer"`)).map(createdName);
        assert.ok(secondary.length >= 2);
        await db.exec(secondary.map((n) => `DROP INDEX "${n}"`).join(";\n"));
        const restart = recording(db);
        await migrate(restart.q, model);
        assert.equal(restart.execs.length, 1);
        assert.deepEqual(restart.execs[0].split(";\n").map(createdName).sort(), [...secondary].sort(), "only the missing indexes are created");
        assert.deepEqual(await catalog(db), before, "the same schema as before the drop");
      } finally {
        await db.close();
      }
    });

    test(`[${target.name}] a changed model still re-creates the projection`, { skip: target.unavailable }, async () => {
      const db = await target.open();
      try {
        await migrate(db, model);
        await db.query(`INSERT INTO _meta (key, value) VALUES ('checkpoint_number', '7')`);
        const changed = { ...model, hash: `${model.hash}0` };
        const logs: string[] = [];
        await migrate(db, changed, (m) => logs.push(m));
        assert.match(logs.join("\n"), /schema changed/);
        assert.deepEqual(await db.query(`SELECT key, value FROM _meta ORDER BY 1`), [{ key: "schema_hash", value: changed.hash }]);
      } finally {
        await db.close();
      }
    });
  }
});
