// Values of entity fields in memory, in the database and in COPY text.
// In memory: ID/String/Bytes/BigDecimal -> string; BigInt/Int8/Timestamp -> bigint;
// Int -> number; Boolean -> boolean; lists -> arrays of those; null for a missing value.
// Bytes are lowercase "0x…" hex in memory and bytea in the database (as graph-node stores them:
// half the size of their hex text, compared byte by byte): written as bytea input ("\x…", see
// bytesToDb), read back as "0x…" by the connections' type parsers (BYTEA_PARSERS).
import type { EntityModel, FieldModel, ScalarType } from "../schema/model.ts";

export type Value = string | bigint | number | boolean | null | Value[];
export type EntityRow = Record<string, Value>;

export function sqlType(f: FieldModel): string {
  const base: Record<ScalarType, string> = {
    ID: "text", String: "text", Bytes: "bytea", BigDecimal: "numeric", BigInt: "numeric",
    Int: "integer", Int8: "bigint", Timestamp: "bigint", Boolean: "boolean",
  };
  return base[f.scalar] + (f.list ? "[]" : "");
}

/** A Bytes value ("0x…", lowercase) as bytea input text ("\x…"), for parameters. */
export function bytesToDb(v: string): string {
  return "\\x" + v.slice(2);
}

/** A Bytes value or list (null items kept) as a parameter: bytesToDb of each. */
export function bytesParam(v: Value): string | (string | null)[] {
  return Array.isArray(v) ? v.map((x) => (x === null ? null : bytesToDb(String(x)))) : bytesToDb(String(v));
}

/** Bytes as lowercase hex, without a prefix. */
function hexOf(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("hex");
}

/** bytea output text ("\x…", PostgreSQL's hex format) as a Bytes value ("0x…"). */
function byteaFromText(text: string): string {
  return "0x" + text.slice(2);
}

/**
 * Type parsers for both drivers' connections (pg's `types`, PGlite's `parsers`): bytea (oid 17)
 * and bytea[] (1001) read as "0x…" strings, so every query returns Bytes as the API and the
 * handlers hold them.
 */
export const BYTEA_PARSERS: Record<number, (text: string) => unknown> = {
  17: byteaFromText,
  1001: (text: string) => parsePgArray(text).map((x) => (x === null ? null : byteaFromText(x))),
};

/**
 * PGlite's serializers for bytea parameters (it types each parameter from the statement and
 * accepts only bytes for bytea by default): bytea input text ("\x…", bytesToDb) passes as it
 * is, bytes as their hex; bytea[] as an array literal of those. A "0x…" string is refused: as
 * bytea input it would be read as the characters "0", "x", … (escape format), silently matching
 * nothing, so a missed bytesToDb fails loudly here instead.
 */
const byteaParam = (v: unknown): string => {
  if (v instanceof Uint8Array) return "\\x" + hexOf(v);
  if (typeof v === "string" && v.startsWith("\\x")) return v;
  throw new TypeError(`a bytea parameter must be bytes or bytea input text ("\\x…", bytesToDb), got ${JSON.stringify(String(v)).slice(0, 80)}`);
};
export const BYTEA_SERIALIZERS: Record<number, (value: unknown) => string> = {
  17: byteaParam,
  1001: (v: unknown) => "{" + (v as unknown[]).map((x) => (x === null || x === undefined ? "NULL" : arrayElement(byteaParam(x)))).join(",") + "}",
};

/** An entity's id as a query parameter (Bytes ids as bytea input). */
export function idToDb(e: EntityModel, id: string): string {
  return e.idType === "Bytes" ? bytesToDb(id) : id;
}

/** An entity's ids as one array parameter, and the SQL array type to cast it to. */
export function idsToDb(e: EntityModel, ids: string[]): { value: string[]; type: string } {
  return e.idType === "Bytes" ? { value: ids.map(bytesToDb), type: "bytea[]" } : { value: ids, type: "text[]" };
}

function scalarFromDb(s: ScalarType, v: unknown): Value {
  if (v === null || v === undefined) return null;
  switch (s) {
    case "Bytes":
      // "0x…" from the type parsers; bytes or bytea text from a connection without them
      if (v instanceof Uint8Array) return "0x" + hexOf(v);
      return typeof v === "string" && v.startsWith("\\x") ? byteaFromText(v) : String(v);
    case "BigInt": case "Int8": case "Timestamp":
      return typeof v === "bigint" ? v : BigInt(String(v));
    case "Int":
      return Number(v);
    case "Boolean":
      return v === true || v === "t" || v === "true";
    default:
      return String(v);
  }
}

export function fromDb(f: FieldModel, v: unknown): Value {
  if (v === null || v === undefined) return null;
  if (f.list) {
    const arr = Array.isArray(v) ? v : parsePgArray(String(v));
    return arr.map((x) => scalarFromDb(f.scalar, x));
  }
  return scalarFromDb(f.scalar, v);
}

/** Parses a PostgreSQL array literal ({a,"b c",NULL}); used when a driver returns text. */
export function parsePgArray(text: string): (string | null)[] {
  const out: (string | null)[] = [];
  let i = 1;
  while (i < text.length - 1) {
    if (text[i] === '"') {
      let s = "";
      i++;
      while (text[i] !== '"') {
        if (text[i] === "\\") i++;
        s += text[i++];
      }
      out.push(s);
      i += 2;
    } else {
      let j = i;
      while (j < text.length - 1 && text[j] !== ",") j++;
      const raw = text.slice(i, j);
      out.push(raw === "NULL" ? null : raw);
      i = j + 1;
    }
  }
  return out;
}

const NEEDS_ESCAPE = /[\\\t\n\r]/;

function escapeCopy(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return s; // the common case (hex, decimal digits): one scan, no copies
  return s.replace(/\\/g, "\\\\").replace(/\t/g, "\\t").replace(/\n/g, "\\n").replace(/\r/g, "\\r");
}

function arrayElement(v: Value): string {
  if (v === null) return "NULL";
  const s = String(v);
  return '"' + s.replace(/\\/g, "\\\\").replace(/"/g, '\\"') + '"';
}

/** One COPY text field. */
export function toCopy(f: FieldModel, v: Value): string {
  if (v === null || v === undefined) return "\\N";
  if (f.list) {
    if (!Array.isArray(v)) throw new TypeError(`${f.name}: expected a list`);
    const items = f.scalar === "Bytes" ? (bytesParam(v) as (string | null)[]) : v;
    return escapeCopy("{" + items.map(arrayElement).join(",") + "}");
  }
  if (f.scalar === "Bytes") return escapeCopy(bytesToDb(String(v)));
  if (typeof v === "boolean") return v ? "t" : "f";
  if (typeof v === "bigint" || typeof v === "number") return String(v); // digits and "-": nothing to escape
  return escapeCopy(String(v));
}

/** A value as a query parameter (both drivers accept strings for numeric, bytea and arrays). */
export function toParam(f: FieldModel, v: Value): unknown {
  if (v === null || v === undefined) return null;
  if (f.scalar === "Bytes") return bytesParam(v);
  if (f.list) return (v as Value[]).map((x) => (typeof x === "bigint" ? x.toString() : x));
  if (typeof v === "bigint") return v.toString();
  return v;
}

/** JSON form (for the undo log): bigints as strings. */
export function rowToJson(row: EntityRow): string {
  return JSON.stringify(row, (_k, v) => (typeof v === "bigint" ? v.toString() : v));
}

const HEX_BYTES = /^0x[0-9a-f]*$/;

/** Checks a value against its field before it is written; names the problem. */
export function checkValue(entity: string, f: FieldModel, v: Value): void {
  if (v === null || v === undefined) {
    if (!f.nullable) throw new TypeError(`${entity}.${f.name} is non-null but was not set`);
    return;
  }
  const check = (x: Value) => {
    switch (f.scalar) {
      case "BigInt": case "Int8": case "Timestamp":
        if (typeof x !== "bigint") throw new TypeError(`${entity}.${f.name}: expected bigint, got ${typeof x}`);
        break;
      case "Int":
        if (typeof x !== "number" || !Number.isInteger(x)) throw new TypeError(`${entity}.${f.name}: expected an integer`);
        break;
      case "Boolean":
        if (typeof x !== "boolean") throw new TypeError(`${entity}.${f.name}: expected boolean`);
        break;
      case "Bytes":
        if (typeof x !== "string" || !HEX_BYTES.test(x)) throw new TypeError(`${entity}.${f.name}: expected lowercase hex bytes, got ${String(x)}`);
        break;
      default:
        if (typeof x !== "string") throw new TypeError(`${entity}.${f.name}: expected string`);
    }
  };
  if (f.list) {
    if (!Array.isArray(v)) throw new TypeError(`${entity}.${f.name}: expected a list`);
    v.forEach(check);
  } else check(v);
}

/**
 * A JS expression (over `v`, the value, and `HEX`, the Bytes pattern) that is true when `v` passes
 * checkValue for `f`; false means checkValue must be called (it then throws, naming the problem).
 * Lists always go to checkValue.
 */
function validExpression(f: FieldModel, i: number): string {
  if (f.list) return "false";
  let typed: string;
  switch (f.scalar) {
    case "BigInt": case "Int8": case "Timestamp": typed = `typeof v === "bigint"`; break;
    case "Int": typed = `typeof v === "number" && Number.isInteger(v)`; break;
    case "Boolean": typed = `typeof v === "boolean"`; break;
    // the last value of the column that passed is not tested again (a transaction hash, a token
    // address: the same string in many rows)
    case "Bytes": typed = `typeof v === "string" && (v === last[${i}] || (HEX.test(v) && (last[${i}] = v, true)))`; break;
    default: typed = `typeof v === "string"`;
  }
  return f.nullable ? `v === null || (${typed})` : typed;
}

/**
 * A function that checks each column of `r` whose value differs from `b` (the version being
 * replaced, already checked; lists are always checked) as checkValue does, compiled per entity:
 * the type test of each column is inlined, and checkValue only runs (and throws) for a bad value.
 */
export function rowChecker(entity: string, columns: FieldModel[]): (r: EntityRow, b: EntityRow | null | undefined) => void {
  const lines = columns.map((f, i) => {
    const k = JSON.stringify(f.name);
    return `v = r[${k}] ?? null; if ((b == null || v !== b[${k}] || (typeof v === "object" && v !== null)) && !(${validExpression(f, i)})) check(name, columns[${i}], v);`;
  });
  const make = new Function("check", "name", "columns", "HEX", "last", `return function (r, b) { let v; ${lines.join(" ")} };`);
  return make(checkValue, entity, columns, HEX_BYTES, new Array(columns.length).fill(undefined)) as (r: EntityRow, b: EntityRow | null | undefined) => void;
}

/**
 * COPY text built as UTF-8 bytes, line by line: each line is written into one growing buffer as
 * soon as it is made, so the (concatenated) line strings die young instead of being kept, tens
 * of thousands per batch, until a final join; and the driver gets bytes it sends as they are.
 * The buffer is reused from one batch to the next (fresh large buffers cost page faults).
 */
export class CopyText {
  private buf: Buffer = Buffer.allocUnsafeSlow(1 << 16);
  private len = 0;
  private inUse = false;

  /** Starts a new text; the bytes of the previous one must no longer be needed (see done()). */
  begin(): this {
    if (this.inUse) throw new Error("CopyText: the previous text is still in use");
    this.inUse = true;
    this.len = 0;
    return this;
  }

  add(line: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 code unit
    if (this.len + line.length * 3 > this.buf.length) {
      let size = this.buf.length * 2;
      while (size < this.len + line.length * 3) size *= 2;
      const bigger = Buffer.allocUnsafeSlow(size);
      this.buf.copy(bigger, 0, 0, this.len);
      this.buf = bigger;
    }
    this.len += this.buf.write(line, this.len, "utf8");
  }

  get length(): number {
    return this.len;
  }

  /** Between begin() and done(). */
  get busy(): boolean {
    return this.inUse;
  }

  /** The bytes written since begin() (a view of the shared buffer: valid until done()). */
  bytes(): Buffer {
    return this.buf.subarray(0, this.len);
  }

  done(): void {
    this.inUse = false;
  }
}

/**
 * A function that writes a row as one line of COPY text (the given columns, then `extra`),
 * compiled per entity: the type of each column is known, so numbers and bigints are written
 * without a check for escapes, and Bytes (validated hex) without one either.
 */
export function copyLineWriter(columns: FieldModel[]): (row: EntityRow, extra: string) => string {
  const parts = columns.map((f, i) => {
    const v = `r[${JSON.stringify(f.name)}]`;
    if (f.list) return `toCopy(columns[${i}], ${v} ?? null)`;
    switch (f.scalar) {
      case "BigInt": case "Int8": case "Timestamp": case "Int":
        return `((v = ${v}) == null ? "\\\\N" : "" + v)`;
      case "Boolean":
        return `((v = ${v}) == null ? "\\\\N" : v ? "t" : "f")`;
      case "Bytes":
        // bytea input "\x…", its backslash escaped for COPY text
        return `((v = ${v}) == null ? "\\\\N" : BYTEA + v.slice(2))`;
      default:
        return `((v = ${v}) == null ? "\\\\N" : escapeCopy(v))`;
    }
  });
  const body = `let v; return ${parts.join(' + "\\t" + ')} + "\\t" + extra + "\\n";`;
  const make = new Function("toCopy", "escapeCopy", "columns", "BYTEA", `return function (r, extra) { ${body} };`);
  return make(toCopy, escapeCopy, columns, "\\\\x") as (row: EntityRow, extra: string) => string;
}
