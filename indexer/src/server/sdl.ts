// The GraphQL schema, generated from the entity model with The Graph's conventions, so that a
// query written for graph-node runs here unchanged: `entity(id)`, `entities(skip, first,
// orderBy, orderDirection, where, block)`, `<Entity>_filter` with the operator suffixes,
// nested `field_` filters, `and` / `or`, `_change_block`, `_meta`, and a Subscription type
// that mirrors Query.
import type { EntityModel, FieldModel, Model } from "../schema/model.ts";

export function lowerFirst(s: string): string {
  return s[0].toLowerCase() + s.slice(1);
}

export function pluralize(word: string): string {
  if (/(s|x|z|ch|sh)$/.test(word)) return word + "es";
  if (/[^aeiou]y$/.test(word)) return word.slice(0, -1) + "ies";
  return word + "s";
}

export function queryNames(e: EntityModel): { single: string; plural: string } {
  const single = lowerFirst(e.name);
  let plural = pluralize(single);
  if (plural === single) plural = `${single}_collection`;
  return { single, plural };
}

const ORDERED = new Set(["ID", "String", "Bytes", "BigInt", "BigDecimal", "Int", "Int8", "Timestamp"]);
const STRING_OPS = [
  "contains", "contains_nocase", "not_contains", "not_contains_nocase",
  "starts_with", "starts_with_nocase", "not_starts_with", "not_starts_with_nocase",
  "ends_with", "ends_with_nocase", "not_ends_with", "not_ends_with_nocase",
];

export interface FilterOp {
  field: FieldModel;
  op: string; // "" for equality
}

/** Every filter argument of an entity: name -> (field, operator). */
export function filterOps(e: EntityModel): Map<string, FilterOp> {
  const ops = new Map<string, FilterOp>();
  for (const f of e.fields) {
    if (f.derivedFrom !== undefined) continue;
    const add = (op: string) => ops.set(op === "" ? f.name : `${f.name}_${op}`, { field: f, op });
    if (f.list) {
      for (const op of ["", "not", "contains", "contains_nocase", "not_contains", "not_contains_nocase"]) add(op);
      continue;
    }
    for (const op of ["", "not", "in", "not_in"]) add(op);
    if (ORDERED.has(f.scalar)) for (const op of ["gt", "lt", "gte", "lte"]) add(op);
    if (f.scalar === "String" || f.scalar === "ID" || f.ref) for (const op of STRING_OPS) add(op);
    if (f.scalar === "Bytes" && !f.ref) for (const op of ["contains", "not_contains"]) add(op);
  }
  return ops;
}

function gqlType(f: FieldModel): string {
  const base = f.ref ?? f.scalar;
  if (f.list) return `[${base}!]${f.nullable ? "" : "!"}`;
  return `${base}${f.nullable ? "" : "!"}`;
}

function filterArgType(f: FieldModel, op: string): string {
  const base = f.scalar === "ID" && f.ref ? "String" : f.scalar;
  if (f.list || op === "in" || op === "not_in") return `[${base}!]`;
  return base;
}

function describe(text: string | undefined, indent = ""): string {
  return text ? `${indent}"""${text.replace(/"""/g, "'''")}"""\n` : "";
}

export function buildSdl(model: Model): string {
  const out: string[] = [];
  out.push(`scalar BigInt
scalar BigDecimal
scalar Bytes
scalar Int8
scalar Timestamp

enum OrderDirection { asc desc }
enum _SubgraphErrorPolicy_ { allow deny }

"The block at which the query should be executed. Only the latest indexed block is served."
input Block_height { hash: Bytes number: Int number_gte: Int }
input BlockChangedFilter { number_gte: Int! }

type _Block_ { hash: Bytes number: Int! timestamp: Int parentHash: Bytes }
type _Meta_ { block: _Block_! deployment: String! hasIndexingErrors: Boolean! }
`);
  const listArgs = (e: EntityModel) =>
    `skip: Int = 0, first: Int = 100, orderBy: ${e.name}_orderBy, orderDirection: OrderDirection, where: ${e.name}_filter`;

  for (const e of model.entities) {
    const fields = e.fields.map((f) => {
      const args = f.ref && f.list ? `(${listArgs(model.byName.get(f.ref)!)})` : "";
      return `${describe(f.description, "  ")}  ${f.name}${args}: ${gqlType(f)}`;
    });
    out.push(`${describe(e.description)}type ${e.name} {\n${fields.join("\n")}\n}`);

    const filters: string[] = [];
    for (const [name, { field, op }] of filterOps(e)) filters.push(`  ${name}: ${filterArgType(field, op)}`);
    for (const f of e.fields) if (f.ref) filters.push(`  ${f.name}_: ${f.ref}_filter`);
    filters.push(`  _change_block: BlockChangedFilter`, `  and: [${e.name}_filter]`, `  or: [${e.name}_filter]`);
    out.push(`input ${e.name}_filter {\n${filters.join("\n")}\n}`);

    const orderable = e.fields.filter((f) => !f.list).map((f) => `  ${f.name}`);
    out.push(`enum ${e.name}_orderBy {\n${orderable.join("\n")}\n}`);
  }

  const rootFields = model.entities.flatMap((e) => {
    const { single, plural } = queryNames(e);
    return [
      `  ${single}(id: ID!, block: Block_height, subgraphError: _SubgraphErrorPolicy_! = deny): ${e.name}`,
      `  ${plural}(${listArgs(e)}, block: Block_height, subgraphError: _SubgraphErrorPolicy_! = deny): [${e.name}!]!`,
    ];
  });
  rootFields.push(`  "Access to indexing metadata"\n  _meta(block: Block_height): _Meta_`);
  out.push(`type Query {\n${rootFields.join("\n")}\n}`);
  out.push(`type Subscription {\n${rootFields.join("\n")}\n}`);
  return out.join("\n\n") + "\n";
}
