// The entity model, derived from subgraph/schema.graphql: the one source of the data model.
// Every @entity type becomes a table; its scalar and reference fields become columns; list
// fields become array columns; @derivedFrom fields are resolved by reverse lookup, not stored.
import { readFileSync } from "node:fs";
import { repoFile } from "../paths.ts";
import {
  Kind,
  parse,
  type DocumentNode,
  type FieldDefinitionNode,
  type ObjectTypeDefinitionNode,
  type TypeNode,
} from "graphql";

export type ScalarType = "ID" | "Bytes" | "String" | "BigInt" | "BigDecimal" | "Int" | "Int8" | "Boolean" | "Timestamp";
export const SCALARS: ReadonlySet<string> = new Set([
  "ID", "Bytes", "String", "BigInt", "BigDecimal", "Int", "Int8", "Boolean", "Timestamp",
]);

export interface FieldModel {
  name: string;
  /** Column name (snake_case), undefined for derived fields. */
  column?: string;
  /** The scalar type, or for a reference the referenced entity's id type. */
  scalar: ScalarType;
  /** The referenced entity, for a reference (or derived) field. */
  ref?: string;
  list: boolean;
  nullable: boolean;
  /** For @derivedFrom(field: ...): the field of `ref` that points back here. */
  derivedFrom?: string;
  description?: string;
}

export interface EntityModel {
  name: string;
  table: string;
  immutable: boolean;
  idType: ScalarType;
  fields: FieldModel[];
  /** Stored fields, in column order (id first). */
  columns: FieldModel[];
  byName: Map<string, FieldModel>;
  description?: string;
}

export interface Model {
  entities: EntityModel[];
  byName: Map<string, EntityModel>;
  /** A stable hash of the schema text, stored with the data so a changed schema forces a re-index. */
  hash: string;
  source: string;
}

export class SchemaError extends Error {}

export function snakeCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").replace(/([A-Z])([A-Z][a-z])/g, "$1_$2").toLowerCase();
}

function unwrap(t: TypeNode): { named: string; list: boolean; nullable: boolean } {
  let nullable = true;
  let list = false;
  let cur = t;
  if (cur.kind === Kind.NON_NULL_TYPE) {
    nullable = false;
    cur = cur.type;
  }
  if (cur.kind === Kind.LIST_TYPE) {
    list = true;
    cur = cur.type;
    if (cur.kind === Kind.NON_NULL_TYPE) cur = cur.type;
    if (cur.kind === Kind.LIST_TYPE) throw new SchemaError("nested lists are not supported");
  }
  if (cur.kind !== Kind.NAMED_TYPE) throw new SchemaError("unexpected type node");
  return { named: cur.name.value, list, nullable };
}

function directiveArg(field: FieldDefinitionNode | ObjectTypeDefinitionNode, directive: string, arg: string) {
  const d = field.directives?.find((x) => x.name.value === directive);
  if (!d) return undefined;
  const a = d.arguments?.find((x) => x.name.value === arg);
  if (!a) return null;
  const v = a.value;
  if (v.kind === Kind.STRING || v.kind === Kind.ENUM) return v.value;
  if (v.kind === Kind.BOOLEAN) return v.value;
  return null;
}

function hashText(text: string): string {
  // FNV-1a 64-bit, enough to notice a changed schema.
  let h = 0xcbf29ce484222325n;
  for (let i = 0; i < text.length; i++) {
    h ^= BigInt(text.charCodeAt(i));
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h.toString(16).padStart(16, "0");
}

export function buildModel(source: string): Model {
  let doc: DocumentNode;
  try {
    doc = parse(source);
  } catch (err) {
    throw new SchemaError(`schema.graphql does not parse: ${(err as Error).message}`);
  }
  const types = doc.definitions.filter(
    (d): d is ObjectTypeDefinitionNode =>
      d.kind === Kind.OBJECT_TYPE_DEFINITION && (d.directives ?? []).some((x) => x.name.value === "entity"),
  );
  const names = new Set(types.map((t) => t.name.value));
  const entities: EntityModel[] = [];
  for (const t of types) {
    const immutable = directiveArg(t, "entity", "immutable");
    if (typeof immutable !== "boolean") {
      throw new SchemaError(`${t.name.value}: every @entity must state immutable: true or false`);
    }
    const fields: FieldModel[] = [];
    for (const f of t.fields ?? []) {
      const { named, list, nullable } = unwrap(f.type);
      const derived = directiveArg(f, "derivedFrom", "field");
      const description = f.description?.value;
      if (SCALARS.has(named)) {
        if (derived !== undefined) throw new SchemaError(`${t.name.value}.${f.name.value}: @derivedFrom on a scalar`);
        fields.push({ name: f.name.value, column: snakeCase(f.name.value), scalar: named as ScalarType, list, nullable, description });
      } else if (names.has(named)) {
        if (derived !== undefined) {
          if (typeof derived !== "string") throw new SchemaError(`${t.name.value}.${f.name.value}: @derivedFrom needs field`);
          fields.push({ name: f.name.value, scalar: "ID", ref: named, list, nullable, derivedFrom: derived, description });
        } else {
          fields.push({ name: f.name.value, column: snakeCase(f.name.value), scalar: "ID", ref: named, list, nullable, description });
        }
      } else {
        throw new SchemaError(`${t.name.value}.${f.name.value}: unknown type ${named}`);
      }
    }
    const id = fields.find((f) => f.name === "id");
    if (!id || id.list || id.nullable || !["ID", "Bytes", "String", "Int8"].includes(id.scalar) || id.ref) {
      throw new SchemaError(`${t.name.value}: needs a non-null id of type ID, Bytes, String or Int8`);
    }
    const columns = [id, ...fields.filter((f) => f.column !== undefined && f.name !== "id")];
    entities.push({
      name: t.name.value,
      table: snakeCase(t.name.value),
      immutable,
      idType: id.scalar,
      fields,
      columns,
      byName: new Map(fields.map((f) => [f.name, f])),
      description: t.description?.value,
    });
  }
  const byName = new Map(entities.map((e) => [e.name, e]));
  // resolve reference id types and check derived fields
  for (const e of entities) {
    for (const f of e.fields) {
      if (!f.ref) continue;
      const target = byName.get(f.ref)!;
      if (f.derivedFrom !== undefined) {
        const back = target.byName.get(f.derivedFrom);
        if (!back || back.ref !== e.name) {
          throw new SchemaError(`${e.name}.${f.name}: @derivedFrom(field: "${f.derivedFrom}") is not a reference to ${e.name} in ${f.ref}`);
        }
      } else {
        f.scalar = target.idType;
      }
    }
  }
  return { entities, byName, hash: hashText(source), source };
}

/** The schema of this repository (subgraph/schema.graphql). */
export function loadModel(path: URL | string = repoFile("subgraph/schema.graphql", import.meta.url)): Model {
  return buildModel(readFileSync(path, "utf8"));
}
