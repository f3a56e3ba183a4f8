// The databases every indexer test runs on: PGlite (always) and PostgreSQL at TEST_DATABASE_URL
// (default: the local server). Where PostgreSQL cannot be reached the suite says so loudly and
// is skipped, except under CI=true, where it is required and the run fails.
import pg from "pg";
import { openDatabase, type Database, type DatabaseOptions } from "../database/adapter.ts";
import { loadModel } from "../schema/model.ts";

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/test";

export interface DbTarget {
  name: "pglite" | "postgres";
  /** Why the target is unavailable, or undefined when it can run. */
  unavailable?: string;
  /** Options for a fresh, isolated database (a new PostgreSQL schema, or in-memory PGlite). */
  options(): DatabaseOptions;
  open(): Promise<Database>;
  /** Drops what `options()` created. */
  cleanup(): Promise<void>;
}

async function postgresReachable(): Promise<string | undefined> {
  const c = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    await c.query("SELECT 1");
    return undefined;
  } catch (err) {
    return `PostgreSQL at ${TEST_DATABASE_URL} is not reachable (${(err as Error).message})`;
  } finally {
    await c.end().catch(() => undefined);
  }
}

export async function dbTargets(): Promise<DbTarget[]> {
  const pgProblem = await postgresReachable();
  if (pgProblem !== undefined) {
    if (process.env.CI === "true") throw new Error(`${pgProblem}; PostgreSQL is required under CI=true`);
    process.stderr.write(`\n!!! ${pgProblem}: the PostgreSQL suite is SKIPPED (set TEST_DATABASE_URL)\n\n`);
  }
  const schemas: string[] = [];
  return [
    {
      name: "pglite",
      options: () => ({}),
      // in memory, from the template of this repository's model (the one the tests index)
      open: () => openDatabase({ model: loadModel() }),
      cleanup: async () => undefined,
    },
    {
      name: "postgres",
      unavailable: pgProblem,
      options() {
        const schema = `t_${process.pid}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6).toString(36)}`;
        schemas.push(schema);
        return { url: TEST_DATABASE_URL, schema };
      },
      open() {
        return openDatabase(this.options());
      },
      async cleanup() {
        const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
        await c.connect();
        for (const s of schemas.splice(0)) await c.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
        await c.end();
      },
    },
  ];
}
