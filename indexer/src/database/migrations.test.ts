// `migrate` on a database that already holds the model's schema: nothing runs, except what a
// backfill killed without its secondary indexes left missing (on PGlite and PostgreSQL).
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { loadModel } from "../schema/model.ts";
import { dbTargets } from "../testing/databases.ts";
import { openDatabase, type Database, type Queryable } from "./adapter.ts";
import { createdName, entityDdl, migrate, migrationDdl, schemaKey } from "./migrations.ts";
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
  assert.equal(createdName(`CREATE UNIQUE INDEX IF NOT EXISTS "t_pkey" ON "t" ("id")`), "t_pkey");
  assert.throws(() => createdName(`CREATE UNIQUE INDEX x ON y (z)`), /cannot tell/);
});

/** Resolves once a session of `db`'s database waits for a lock in a statement containing `statement`. */
async function waitsForLock(db: Queryable, statement: string): Promise<void> {
  for (let i = 0; ; i++) {
    const [w] = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE $1`,
      [`%${statement}%`],
    );
    if (w.n > 0) return;
    if (i > 500) throw new Error(`nothing came to wait for a lock: ${statement}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

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
        assert.deepEqual(restart.execs.map(createdName).sort(), [...secondary].sort(), "only the missing indexes are created, one statement each");
        assert.deepEqual(await catalog(db), before, "the same schema as before the drop");
      } finally {
        await db.close();
      }
    });

    // (PostgreSQL only: PGlite is one connection, in one process; nothing runs beside a migrate)
    if (target.name === "postgres") test(`[${target.name}] a migrate creating indexes on two tables beside a writer holding both does not deadlock; nor do two migrates at once`, { skip: target.unavailable }, async () => {
      // two processes on one database (two pools on the same schema)
      const opts = target.options();
      const db = await openDatabase(opts);
      const other = await openDatabase(opts);
      try {
        await migrate(db, model);
        const before = await catalog(db);
        // two tables' block indexes, as a backfill in another process drops them; migrate
        // creates them in this order
        const [first, last] = [model.entities[0].table, model.entities[model.entities.length - 1].table];
        await db.exec(`DROP INDEX "${first}_block_idx"; DROP INDEX "${last}_block_idx"`);
        let migrating: Promise<void> | undefined;
        // a writer's batch: it holds the last table, the migrate comes to wait for it, then the
        // batch writes to the first table. One transaction creating both indexes would hold the
        // first table's SHARE lock while it waits: a deadlock, and PostgreSQL fails one of the two.
        await db.transaction(async (tx) => {
          await tx.exec(`LOCK TABLE "${last}" IN ROW EXCLUSIVE MODE`);
          migrating = migrate(db, model);
          await waitsForLock(other, "CREATE INDEX");
          await tx.exec(`LOCK TABLE "${first}" IN ROW EXCLUSIVE MODE`);
        });
        await migrating;
        assert.deepEqual(await catalog(db), before, "both indexes are there");

        // two processes starting at once, both finding the same indexes missing
        const keyless = model.entities.find((e) => e.immutable)!.table;
        await db.exec(`DROP INDEX "${first}_block_idx"; DROP INDEX "${last}_block_idx"; ALTER TABLE "${keyless}" DROP CONSTRAINT "${keyless}_pkey"`);
        await Promise.all([migrate(db, model), migrate(other, model)]);
        assert.deepEqual(await catalog(db), before, "and again, with the key");
      } finally {
        await other.close();
        await db.close();
      }
    });

    // (PostgreSQL only, as above)
    if (target.name === "postgres") test(`[${target.name}] an API-role migrate beside a writer's two batches in flight leaves a locked table's index to the writer instead of hanging them`, { skip: target.unavailable }, async () => {
      const opts = target.options();
      const writer = await openDatabase(opts);
      const api = await openDatabase(opts);
      try {
        await migrate(writer, model);
        const before = await catalog(writer);
        const table = model.entities.find((e) => !e.immutable)!.table;
        await writer.exec(`DROP INDEX "${table}_block_idx"`); // as a long backfill drops it
        const lines: string[] = [];
        let migrating: Promise<void> | undefined;
        // the later batch (in flight) holds the table, and commits only after the earlier one
        let earlierDone!: () => void;
        const earlier = new Promise<void>((r) => (earlierDone = r));
        let queued!: () => void;
        const migrateWaits = new Promise<void>((r) => (queued = r));
        const later = writer.transaction(async (tx) => {
          await tx.exec(`LOCK TABLE "${table}" IN ROW EXCLUSIVE MODE`);
          migrating = migrate(api, model, (m) => lines.push(m), { lockTimeoutMs: 300 });
          await waitsForLock(api, "CREATE INDEX");
          queued();
          await earlier; // (the writer's own wait: PostgreSQL cannot see it)
        });
        // the earlier batch comes to write the same table: queued behind the CREATE INDEX, which
        // waits for the later batch, which waits for the earlier one. Unbounded, none of them ever ends.
        await migrateWaits;
        await writer.transaction(async (tx) => {
          await tx.exec(`LOCK TABLE "${table}" IN ROW EXCLUSIVE MODE`);
        });
        earlierDone();
        await later;
        await migrating;
        assert.ok(lines.some((l) => l.includes(`${table}_block_idx is missing and its table is locked by the writer`)), lines.join("\n"));
        assert.notDeepEqual(await catalog(writer), before, "the index is left to the writer");
        await migrate(writer, model); // the writer's own (unbounded) builds it
        assert.deepEqual(await catalog(writer), before);
        await assert.rejects(migrate(api, model, undefined, { lockTimeoutMs: 0 }), /lockTimeoutMs must be a positive integer/);
      } finally {
        await api.close();
        await writer.close();
      }
    });

    test(`[${target.name}] a database in the earlier storage layout (Bytes as text) is re-created with Bytes as bytea`, { skip: target.unavailable }, async () => {
      const db = await target.open();
      try {
        await migrate(db, model);
        // as the layout before it: the model's hash alone, a Bytes column of text holding a row
        await db.exec(`UPDATE _meta SET value = '${model.hash}' WHERE key = 'schema_hash'; ALTER TABLE token ALTER COLUMN id TYPE text USING '0x' || encode(id, 'hex')`);
        await db.query(`INSERT INTO _meta (key, value) VALUES ('checkpoint_number', '7')`);
        const logs: string[] = [];
        await migrate(db, model, (m) => logs.push(m));
        assert.match(logs.join("\n"), /schema changed/);
        assert.deepEqual(await db.query(`SELECT key, value FROM _meta ORDER BY 1`), [{ key: "schema_hash", value: schemaKey(model) }], "re-indexed from the start");
        const types = await db.query<{ column_name: string; data_type: string }>(
          `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'token_transfer' AND column_name IN ('id', 'from', 'value') ORDER BY 1`,
        );
        assert.deepEqual(types, [{ column_name: "from", data_type: "bytea" }, { column_name: "id", data_type: "bytea" }, { column_name: "value", data_type: "numeric" }]);
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
        assert.deepEqual(await db.query(`SELECT key, value FROM _meta ORDER BY 1`), [{ key: "schema_hash", value: schemaKey(changed) }]);
      } finally {
        await db.close();
      }
    });
  }
});
