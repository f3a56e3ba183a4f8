// Translates The Graph's query arguments (where, orderBy, orderDirection, first, skip) into
// parameterised SQL over the projection's tables.
import type { EntityModel, FieldModel, Model } from "../schema/model.ts";
import { BLOCK_COLUMN } from "../database/migrations.ts";
import { bytesParam, type Value } from "../database/codec.ts";
import { filterOps } from "./sdl.ts";

export class QueryError extends Error {}

export const MAX_FIRST = 1000;
export const MAX_SKIP = 5000;

export class Params {
  values: unknown[] = [];
  add(v: unknown): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

const opsCache = new WeakMap<EntityModel, ReturnType<typeof filterOps>>();
function ops(e: EntityModel) {
  let o = opsCache.get(e);
  if (!o) opsCache.set(e, (o = filterOps(e)));
  return o;
}

function castFor(f: FieldModel): string {
  switch (f.scalar) {
    case "BigInt": case "BigDecimal": return "::numeric";
    case "Int": return "::integer";
    case "Int8": case "Timestamp": return "::bigint";
    case "Boolean": return "::boolean";
    case "Bytes": return "::bytea";
    default: return "::text";
  }
}

/** Normalises an input value: Bytes to lowercase hex, numbers checked. */
function normalize(f: FieldModel, v: unknown): unknown {
  if (v === null) return null;
  if (Array.isArray(v)) return v.map((x) => normalize(f, x));
  if (f.scalar === "Bytes") {
    const s = String(v);
    if (!/^(0x)?[0-9a-fA-F]*$/.test(s)) throw new QueryError(`Invalid value for ${f.name}: "${s}" is not hex bytes`);
    return (s.startsWith("0x") ? s : "0x" + s).toLowerCase();
  }
  if (f.scalar === "BigInt" || f.scalar === "Int8" || f.scalar === "Timestamp") {
    const s = String(v);
    if (!/^-?\d+$/.test(s)) throw new QueryError(`Invalid value for ${f.name}: "${s}" is not an integer`);
    return s;
  }
  if (f.scalar === "BigDecimal") {
    const s = String(v);
    if (!/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(s)) throw new QueryError(`Invalid value for ${f.name}: "${s}" is not a decimal`);
    return s;
  }
  return v;
}

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (m) => "\\" + m);

/** A normalised value as the parameter compared with the column (Bytes: bytea input). */
function dbValue(f: FieldModel, v: unknown): unknown {
  return f.scalar !== "Bytes" || v === null ? v : bytesParam(v as Value);
}

/** A column as the text the string filters match: Bytes (bytea) as their "0x…" hex. */
function asText(f: FieldModel, col: string): string {
  return f.scalar === "Bytes" ? `('0x' || encode(${col}, 'hex'))` : col;
}

/** SQL condition for one `where` object on table alias `t`. */
export function whereSql(model: Model, e: EntityModel, where: Record<string, unknown> | undefined, t: string, p: Params, depth = 0): string {
  if (where === undefined || where === null) return "TRUE";
  if (depth > 8) throw new QueryError("Filter nesting is too deep");
  const conds: string[] = [];
  for (const [key, value] of Object.entries(where)) {
    if (value === undefined) continue;
    if (key === "and" || key === "or") {
      const parts = (value as Record<string, unknown>[]).map((w) => `(${whereSql(model, e, w, t, p, depth + 1)})`);
      if (parts.length > 0) conds.push(`(${parts.join(key === "and" ? " AND " : " OR ")})`);
      continue;
    }
    if (key === "_change_block") {
      conds.push(`${t}."${BLOCK_COLUMN}" >= ${p.add((value as { number_gte: number }).number_gte)}`);
      continue;
    }
    if (key.endsWith("_")) {
      const f = e.byName.get(key.slice(0, -1));
      if (!f?.ref) throw new QueryError(`Unknown nested filter ${key} on ${e.name}`);
      const target = model.byName.get(f.ref)!;
      const c = `n${depth}_${f.name}`;
      const inner = whereSql(model, target, value as Record<string, unknown>, c, p, depth + 1);
      if (f.derivedFrom !== undefined) {
        const back = target.byName.get(f.derivedFrom)!;
        const link = back.list ? `${t}.id = ANY(${c}."${back.column}")` : `${c}."${back.column}" = ${t}.id`;
        conds.push(`EXISTS (SELECT 1 FROM "${target.table}" ${c} WHERE ${link} AND ${inner})`);
      } else if (f.list) {
        conds.push(`EXISTS (SELECT 1 FROM "${target.table}" ${c} WHERE ${c}.id = ANY(${t}."${f.column}") AND ${inner})`);
      } else {
        conds.push(`EXISTS (SELECT 1 FROM "${target.table}" ${c} WHERE ${c}.id = ${t}."${f.column}" AND ${inner})`);
      }
      continue;
    }
    const op = ops(e).get(key);
    if (!op) throw new QueryError(`Unknown filter ${key} on ${e.name}`);
    const f = op.field;
    const col = `${t}."${f.column}"`;
    const v = normalize(f, value);
    const cast = castFor(f);
    if (f.list) {
      const nocase = op.op === "contains_nocase" || op.op === "not_contains_nocase";
      const arr = nocase ? `${p.add(v)}::text[]` : `${p.add(dbValue(f, v))}${cast}[]`;
      const item = f.scalar === "Bytes" ? asText(f, "x") : "x::text"; // an element, as the nocase filters compare it
      switch (op.op) {
        case "": conds.push(`${col} = ${arr}`); break;
        case "not": conds.push(`${col} <> ${arr}`); break;
        case "contains": conds.push(`${col} @> ${arr}`); break;
        case "not_contains": conds.push(`NOT (${col} @> ${arr})`); break;
        case "contains_nocase": conds.push(`EXISTS (SELECT 1 FROM unnest(${col}) x WHERE lower(${item}) = ANY(SELECT lower(y) FROM unnest(${arr}) y))`); break;
        case "not_contains_nocase": conds.push(`NOT EXISTS (SELECT 1 FROM unnest(${col}) x WHERE lower(${item}) = ANY(SELECT lower(y) FROM unnest(${arr}) y))`); break;
      }
      continue;
    }
    const d = dbValue(f, v);
    switch (op.op) {
      case "": conds.push(v === null ? `${col} IS NULL` : `${col} = ${p.add(d)}${cast}`); break;
      case "not": conds.push(v === null ? `${col} IS NOT NULL` : `${col} IS DISTINCT FROM ${p.add(d)}${cast}`); break;
      case "gt": conds.push(`${col} > ${p.add(d)}${cast}`); break;
      case "lt": conds.push(`${col} < ${p.add(d)}${cast}`); break;
      case "gte": conds.push(`${col} >= ${p.add(d)}${cast}`); break;
      case "lte": conds.push(`${col} <= ${p.add(d)}${cast}`); break;
      case "in": conds.push(`${col} = ANY(${p.add(d)}${cast}[])`); break;
      case "not_in": conds.push(`NOT (${col} = ANY(${p.add(d)}${cast}[]))`); break;
      default: {
        const s = String(v);
        const nocase = op.op.endsWith("_nocase");
        const base = op.op.replace(/_nocase$/, "");
        const negate = base.startsWith("not_");
        const kind = base.replace(/^not_/, "");
        const pattern = kind === "contains" ? `%${likeEscape(s)}%` : kind === "starts_with" ? `${likeEscape(s)}%` : `%${likeEscape(s)}`;
        const expr = `${asText(f, col)} ${nocase ? "ILIKE" : "LIKE"} ${p.add(pattern)}`;
        conds.push(negate ? `NOT (${expr})` : expr);
      }
    }
  }
  return conds.length === 0 ? "TRUE" : conds.join(" AND ");
}

export interface ListArgs {
  skip?: number;
  first?: number;
  orderBy?: string;
  orderDirection?: "asc" | "desc";
  where?: Record<string, unknown>;
}

export function checkPaging(args: ListArgs): { first: number; skip: number } {
  const first = args.first ?? 100;
  const skip = args.skip ?? 0;
  if (!Number.isInteger(first) || first < 0 || first > MAX_FIRST) {
    throw new QueryError(`The \`first\` argument must be between 0 and ${MAX_FIRST}, but is ${first}`);
  }
  if (!Number.isInteger(skip) || skip < 0 || skip > MAX_SKIP) {
    throw new QueryError(`The \`skip\` argument must be between 0 and ${MAX_SKIP}, but is ${skip}`);
  }
  return { first, skip };
}

/** SELECT for a list of `e`, with an extra condition (for derived fields). */
export function listSql(model: Model, e: EntityModel, args: ListArgs, extra?: (t: string, p: Params) => string): { sql: string; params: unknown[] } {
  const { first, skip } = checkPaging(args);
  const p = new Params();
  const t = "t";
  let cond = whereSql(model, e, args.where, t, p);
  if (extra) cond = `(${extra(t, p)}) AND ${cond}`;
  const dir = args.orderDirection === "desc" ? "DESC" : "ASC";
  let order = `${t}.id ${dir}`;
  if (args.orderBy !== undefined && args.orderBy !== "id") {
    const f = e.byName.get(args.orderBy);
    if (!f || f.list || f.column === undefined) throw new QueryError(`Cannot order ${e.name} by ${args.orderBy}`);
    order = `${t}."${f.column}" ${dir} NULLS ${dir === "ASC" ? "FIRST" : "LAST"}, ${t}.id ${dir}`;
  }
  return { sql: `SELECT ${t}.* FROM "${e.table}" ${t} WHERE ${cond} ORDER BY ${order} LIMIT ${first} OFFSET ${skip}`, params: p.values };
}
