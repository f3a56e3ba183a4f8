// What the migrations made in a database's current schema, to compare two databases.
import type { Queryable } from "../database/adapter.ts";

/** The schema's tables, columns, indexes, constraints and bookkeeping, to compare two databases. */
export async function catalog(db: Queryable) {
  return {
    relations: await db.query(`SELECT c.relname, c.relkind, c.reloptions FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() ORDER BY 1`),
    columns: await db.query(`SELECT table_name, column_name, ordinal_position, data_type, is_nullable, column_default, collation_name FROM information_schema.columns WHERE table_schema = current_schema() ORDER BY 1, 3`),
    indexes: await db.query(`SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() ORDER BY 1, 2`),
    constraints: await db.query(`SELECT conname, contype, pg_get_constraintdef(c.oid) AS def FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = current_schema() ORDER BY 1`),
    meta: await db.query(`SELECT key, value FROM _meta ORDER BY 1`),
  };
}
