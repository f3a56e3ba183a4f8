// A small host for subgraph WASM (AssemblyScript 0.19, stub runtime, graph-ts 0.38): the store,
// BigInt/BigDecimal arithmetic, type conversions, logging, data sources, and reading/writing
// AssemblyScript objects in the module's memory, as graph-node does. Not graph-node: only what the
// mappings and the matchstick-as tests import is implemented, and any other import throws
// UnimplementedHostFunction when called (and is listed by `missingImports`).
//
// Memory layout (AssemblyScript 0.19): a managed object is preceded by a 20-byte header whose last
// two words are rtId (ptr - 8) and rtSize (ptr - 4). String: UTF-16LE code units, rtSize bytes.
// ArrayBuffer: rtSize bytes. ArrayBufferView (Uint8Array, Bytes, BigInt, Address): buffer, dataStart,
// byteLength. Array<T>: buffer, dataStart, byteLength, length. Class fields in declaration order.
// Enums (store Value, ethereum.Value): kind i32 at 0, payload u64 at 8. Runtime type ids come from
// the module's own `id_of_type` export (graph-ts global.ts), objects from its `__new`.
import { readFileSync } from "node:fs";
import { keccak_256 } from "@noble/hashes/sha3.js";
import type { EntityModel, Model } from "../../indexer/src/schema/model.ts";
import {
  bigIntFromBytes,
  bigIntToBytes,
  decimalOps,
  EthKind,
  hex,
  normalizeDecimal,
  plainStoreValue,
  StoreKind,
  unhex,
  type Decimal,
  type EntityData,
  type EthValue,
  type StoreValue,
} from "./values.ts";

/** graph-ts global.ts TypeId (the ones this host allocates). */
export const TypeId = {
  String: 0,
  ArrayBuffer: 1,
  Uint8Array: 6,
  BigDecimal: 12,
  ArrayEthereumValue: 15,
  ArrayStoreValue: 16,
  ArrayString: 18,
  ArrayEventParam: 19,
  ArrayTypedMapEntryStringStoreValue: 21,
  EventParam: 23,
  EthereumTransaction: 24,
  EthereumBlock: 25,
  EthereumValue: 30,
  StoreValue: 31,
  EthereumEvent: 33,
  TypedMapEntryStringStoreValue: 34,
  TypedMapStringStoreValue: 36,
} as const;

export class UnimplementedHostFunction extends Error {
  constructor(module: string, name: string) {
    super(`host function ${module}.${name} is not implemented by subgraph/host`);
    this.name = "UnimplementedHostFunction";
  }
}

/** A trap raised by the mapping: abort(), a failed assertion, log.critical, a store error. */
export class MappingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MappingError";
  }
}

// ---------------------------------------------------------------- the store

const key = (entity: string, id: string) => `${entity}\u0000${id}`;

export class GraphStore {
  readonly entities = new Map<string, Map<string, EntityData>>();
  /** Keys written in the current block (store.get_in_block). */
  inBlock = new Set<string>();
  readonly model?: Model;

  constructor(model?: Model) {
    this.model = model;
  }

  get(entity: string, id: string): EntityData | undefined {
    const found = this.entities.get(entity)?.get(id);
    return found ? new Map(found) : undefined;
  }

  getInBlock(entity: string, id: string): EntityData | undefined {
    return this.inBlock.has(key(entity, id)) ? this.get(entity, id) : undefined;
  }

  set(entity: string, id: string, data: EntityData): void {
    const e = this.model?.byName.get(entity);
    if (this.model && !e) throw new MappingError(`store.set: unknown entity type ${entity}`);
    if (e) this.validate(e, id, data);
    let table = this.entities.get(entity);
    if (!table) this.entities.set(entity, (table = new Map()));
    const before = table.get(id);
    if (e?.immutable && before) throw new MappingError(`store.set: ${entity} ${id} is immutable and already exists`);
    // graph-node merges the new values into the existing entity.
    const merged = new Map(before ?? []);
    for (const [k, v] of data) merged.set(k, v);
    table.set(id, merged);
    this.inBlock.add(key(entity, id));
  }

  remove(entity: string, id: string): void {
    this.entities.get(entity)?.delete(id);
    this.inBlock.delete(key(entity, id));
  }

  count(entity: string): number {
    return this.entities.get(entity)?.size ?? 0;
  }

  clear(): void {
    this.entities.clear();
    this.inBlock.clear();
  }

  /** graph-node's checks of an entity against the schema. */
  private validate(e: EntityModel, id: string, data: EntityData): void {
    const idValue = data.get("id");
    const idText = idValue && (idValue.kind === "String" || idValue.kind === "Bytes") ? idValue.value : undefined;
    if (idText !== id) throw new MappingError(`store.set: ${e.name} id ${id} does not match its id field ${idText}`);
    for (const [name, v] of data) {
      const f = e.byName.get(name);
      if (!f) throw new MappingError(`store.set: ${e.name}[${id}] has no field \`${name}\``);
      if (f.derivedFrom) throw new MappingError(`store.set: ${e.name}[${id}]: derived field \`${name}\` cannot be set`);
      if (v.kind === "Null") {
        if (!f.nullable) throw new MappingError(`store.set: ${e.name}[${id}]: null for non-nullable field \`${name}\``);
        continue;
      }
      const check = (x: StoreValue) => {
        const want = { ID: "String", Bytes: "Bytes", String: "String", BigInt: "BigInt", BigDecimal: "BigDecimal", Int: "Int", Int8: "Int8", Boolean: "Bool", Timestamp: "Timestamp" }[f.scalar];
        if (x.kind !== want) throw new MappingError(`store.set: ${e.name}[${id}].${name}: ${x.kind} given, ${want} expected`);
      };
      if (f.list) {
        if (v.kind !== "Array") throw new MappingError(`store.set: ${e.name}[${id}].${name}: a list expected`);
        v.value.forEach(check);
      } else check(v);
    }
    for (const f of e.columns) {
      if (!f.nullable && !data.has(f.name)) {
        throw new MappingError(`store.set: ${e.name}[${id}]: missing value for non-nullable field \`${f.name}\``);
      }
    }
  }

  /** Every entity, as plain JSON-friendly rows (BigInt as decimal strings, Bytes as lowercase hex). */
  dump(): Record<string, Record<string, Record<string, unknown>>> {
    const out: Record<string, Record<string, Record<string, unknown>>> = {};
    for (const [entity, table] of this.entities) {
      out[entity] = {};
      for (const [id, data] of table) {
        const row: Record<string, unknown> = {};
        for (const [k, v] of data) row[k] = plainStoreValue(v);
        out[entity][id] = row;
      }
    }
    return out;
  }
}

// ---------------------------------------------------------------- events (host side)

export interface HostBlock {
  hash: string;
  number: bigint;
  timestamp: bigint;
  parentHash?: string;
}
export interface HostTransaction {
  hash: string;
  index?: bigint;
  from?: string;
  to?: string | null;
  value?: bigint;
}
export interface HostEvent {
  address: string;
  logIndex: bigint;
  transactionLogIndex?: bigint;
  block: HostBlock;
  transaction: HostTransaction;
  params: { name: string; value: EthValue }[];
}

export interface DataSourceInfo {
  name: string;
  address: string;
  network: string;
  context: EntityData;
}

export interface CreatedDataSource {
  template: string;
  params: string[];
  context: EntityData | null;
}

export type LogFn = (level: number, message: string) => void;
export const LOG_LEVELS = ["CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG", "SUCCESS"];

export interface InstanceOptions {
  store: GraphStore;
  /** The data source that fired the event (dataSource.address/network/context). */
  dataSource?: DataSourceInfo;
  onCreateDataSource?: (ds: CreatedDataSource) => void;
  log?: LogFn;
  /** More host functions by import name (matchstick's), given the instance. */
  extraImports?: (inst: WasmInstance) => Record<string, (...args: number[]) => unknown>;
}

type Exports = {
  memory: WebAssembly.Memory;
  __new(size: number, id: number): number;
  id_of_type(typeId: number): number;
  _start?: () => void;
  table?: WebAssembly.Table;
  [name: string]: unknown;
};

const utf16 = new TextDecoder("utf-16le");
const utf8 = new TextDecoder("utf-8");
const utf8enc = new TextEncoder();

/** Functions that graph-node's host offers to every mapping, as implemented here (by import name). */
export const GRAPH_IMPORTS = [
  "abort",
  "store.get",
  "store.get_in_block",
  "store.set",
  "store.remove",
  "typeConversion.bytesToString",
  "typeConversion.bytesToHex",
  "typeConversion.bigIntToString",
  "typeConversion.bigIntToHex",
  "typeConversion.stringToH160",
  "typeConversion.bytesToBase58",
  "bigInt.plus",
  "bigInt.minus",
  "bigInt.times",
  "bigInt.dividedBy",
  "bigInt.dividedByDecimal",
  "bigInt.mod",
  "bigInt.pow",
  "bigInt.fromString",
  "bigInt.bitOr",
  "bigInt.bitAnd",
  "bigInt.leftShift",
  "bigInt.rightShift",
  "bigDecimal.plus",
  "bigDecimal.minus",
  "bigDecimal.times",
  "bigDecimal.dividedBy",
  "bigDecimal.equals",
  "bigDecimal.toString",
  "bigDecimal.fromString",
  "log.log",
  "dataSource.create",
  "dataSource.createWithContext",
  "dataSource.address",
  "dataSource.network",
  "dataSource.context",
  "crypto.keccak256",
];

export class WasmInstance {
  readonly exports: Exports;
  readonly module: WebAssembly.Module;
  readonly opts: InstanceOptions;
  private ids = new Map<number, number>();

  private constructor(module: WebAssembly.Module, instance: WebAssembly.Instance, opts: InstanceOptions) {
    this.module = module;
    this.exports = instance.exports as unknown as Exports;
    this.opts = opts;
  }

  /** Import names of `module` that this host (with `extra` names) does not implement. */
  static missingImports(module: WebAssembly.Module, extra: string[] = []): string[] {
    const known = new Set([...GRAPH_IMPORTS, ...extra]);
    return WebAssembly.Module.imports(module)
      .filter((i) => i.kind === "function" && !known.has(i.name))
      .map((i) => `${i.module}.${i.name}`);
  }

  static async load(wasm: string | Uint8Array<ArrayBuffer> | WebAssembly.Module, opts: InstanceOptions): Promise<WasmInstance> {
    const module =
      wasm instanceof WebAssembly.Module ? wasm : await WebAssembly.compile(typeof wasm === "string" ? new Uint8Array(readFileSync(wasm)) : wasm);
    let self: WasmInstance | undefined;
    const imports: Record<string, Record<string, unknown>> = {};
    for (const imp of WebAssembly.Module.imports(module)) {
      if (imp.kind !== "function") throw new Error(`unsupported import ${imp.module}.${imp.name} (${imp.kind})`);
      (imports[imp.module] ??= {})[imp.name] = (...args: number[]) => {
        const impl = self!.host[imp.name] ?? self!.extra[imp.name];
        if (!impl) throw new UnimplementedHostFunction(imp.module, imp.name);
        return impl(...args);
      };
    }
    const instance = await WebAssembly.instantiate(module, imports as WebAssembly.Imports);
    self = new WasmInstance(module, instance, opts);
    self.extra = opts.extraImports?.(self) ?? {};
    self.exports._start?.();
    return self;
  }

  extra: Record<string, (...args: number[]) => unknown> = {};

  // ------------------------------------------------------------ memory

  private get view(): DataView {
    return new DataView(this.exports.memory.buffer);
  }
  u32(ptr: number): number {
    return this.view.getUint32(ptr, true);
  }
  i32(ptr: number): number {
    return this.view.getInt32(ptr, true);
  }
  private setU32(ptr: number, v: number) {
    this.view.setUint32(ptr, v, true);
  }
  typeId(t: number): number {
    let id = this.ids.get(t);
    if (id === undefined) {
      id = this.exports.id_of_type(t);
      if (!id && t !== TypeId.ArrayBuffer) throw new Error(`the module has no runtime type for TypeId ${t}`); // ArrayBuffer's id is 0
      this.ids.set(t, id);
    }
    return id;
  }
  private alloc(size: number, t: number): number {
    return this.exports.__new(size, this.typeId(t));
  }

  readString(ptr: number): string {
    if (ptr === 0) throw new MappingError("null string");
    const len = this.u32(ptr - 4);
    return utf16.decode(new Uint8Array(this.exports.memory.buffer, ptr, len));
  }
  /** Any ArrayBufferView (Uint8Array, Bytes, Address, BigInt): a copy of its bytes. */
  readBytes(ptr: number): Uint8Array {
    if (ptr === 0) throw new MappingError("null bytes");
    const start = this.u32(ptr + 4);
    const len = this.u32(ptr + 8);
    return new Uint8Array(this.exports.memory.buffer.slice(start, start + len));
  }
  readBigInt(ptr: number): bigint {
    return bigIntFromBytes(this.readBytes(ptr));
  }
  /** Array<T> of managed references: the element pointers. */
  readArray(ptr: number): number[] {
    const start = this.u32(ptr + 4);
    const n = this.u32(ptr + 12);
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push(this.u32(start + 4 * i));
    return out;
  }
  readDecimal(ptr: number): Decimal {
    return { digits: this.readBigInt(this.u32(ptr)), exp: Number(this.readBigInt(this.u32(ptr + 4))) };
  }

  writeString(s: string): number {
    const ptr = this.alloc(s.length * 2, TypeId.String);
    const view = this.view;
    for (let i = 0; i < s.length; i++) view.setUint16(ptr + 2 * i, s.charCodeAt(i), true);
    return ptr;
  }
  writeBytes(bytes: Uint8Array): number {
    const buf = this.alloc(bytes.length, TypeId.ArrayBuffer);
    new Uint8Array(this.exports.memory.buffer, buf, bytes.length).set(bytes);
    const obj = this.alloc(12, TypeId.Uint8Array);
    this.setU32(obj, buf);
    this.setU32(obj + 4, buf);
    this.setU32(obj + 8, bytes.length);
    return obj;
  }
  writeBigInt(v: bigint): number {
    return this.writeBytes(bigIntToBytes(v));
  }
  writeArray(ptrs: number[], arrayType: number): number {
    const buf = this.alloc(ptrs.length * 4, TypeId.ArrayBuffer);
    for (let i = 0; i < ptrs.length; i++) this.setU32(buf + 4 * i, ptrs[i]);
    const obj = this.alloc(16, arrayType);
    this.setU32(obj, buf);
    this.setU32(obj + 4, buf);
    this.setU32(obj + 8, ptrs.length * 4);
    this.setU32(obj + 12, ptrs.length);
    return obj;
  }
  writeDecimal(d: Decimal): number {
    const n = normalizeDecimal(d);
    const digits = this.writeBigInt(n.digits);
    const exp = this.writeBigInt(BigInt(n.exp));
    const obj = this.alloc(8, TypeId.BigDecimal);
    this.setU32(obj, digits);
    this.setU32(obj + 4, exp);
    return obj;
  }
  private writeEnum(kind: number, payload: bigint, t: number): number {
    const obj = this.alloc(16, t);
    this.view.setInt32(obj, kind, true);
    this.view.setBigUint64(obj + 8, BigInt.asUintN(64, payload), true);
    return obj;
  }

  // ------------------------------------------------------------ store values and entities

  readStoreValue(ptr: number): StoreValue {
    const kind = this.i32(ptr);
    const payload = this.view.getBigUint64(ptr + 8, true);
    const p = Number(payload & 0xffffffffn);
    switch (kind) {
      case StoreKind.STRING:
        return { kind: "String", value: this.readString(p) };
      case StoreKind.INT:
        return { kind: "Int", value: this.i32(ptr + 8) };
      case StoreKind.BIGDECIMAL:
        return { kind: "BigDecimal", value: decimalOps.toString(this.readDecimal(p)) };
      case StoreKind.BOOL:
        return { kind: "Bool", value: payload !== 0n };
      case StoreKind.ARRAY:
        return { kind: "Array", value: this.readArray(p).map((x) => this.readStoreValue(x)) };
      case StoreKind.NULL:
        return { kind: "Null" };
      case StoreKind.BYTES:
        return { kind: "Bytes", value: hex(this.readBytes(p)) };
      case StoreKind.BIGINT:
        return { kind: "BigInt", value: this.readBigInt(p) };
      case StoreKind.INT8:
        return { kind: "Int8", value: BigInt.asIntN(64, payload) };
      case StoreKind.TIMESTAMP:
        return { kind: "Timestamp", value: BigInt.asIntN(64, payload) };
      default:
        throw new MappingError(`unknown store value kind ${kind}`);
    }
  }

  writeStoreValue(v: StoreValue): number {
    const T = TypeId.StoreValue;
    switch (v.kind) {
      case "String":
        return this.writeEnum(StoreKind.STRING, BigInt(this.writeString(v.value)), T);
      case "Int":
        return this.writeEnum(StoreKind.INT, BigInt(v.value), T);
      case "BigDecimal":
        return this.writeEnum(StoreKind.BIGDECIMAL, BigInt(this.writeDecimal(decimalOps.fromString(v.value))), T);
      case "Bool":
        return this.writeEnum(StoreKind.BOOL, v.value ? 1n : 0n, T);
      case "Array": {
        const items = v.value.map((x) => this.writeStoreValue(x));
        return this.writeEnum(StoreKind.ARRAY, BigInt(this.writeArray(items, TypeId.ArrayStoreValue)), T);
      }
      case "Null":
        return this.writeEnum(StoreKind.NULL, 0n, T);
      case "Bytes":
        return this.writeEnum(StoreKind.BYTES, BigInt(this.writeBytes(unhex(v.value))), T);
      case "BigInt":
        return this.writeEnum(StoreKind.BIGINT, BigInt(this.writeBigInt(v.value)), T);
      case "Int8":
        return this.writeEnum(StoreKind.INT8, v.value, T);
      case "Timestamp":
        return this.writeEnum(StoreKind.TIMESTAMP, v.value, T);
    }
  }

  readEntity(ptr: number): EntityData {
    const data: EntityData = new Map();
    for (const entry of this.readArray(this.u32(ptr))) {
      data.set(this.readString(this.u32(entry)), this.readStoreValue(this.u32(entry + 4)));
    }
    return data;
  }

  writeEntity(data: EntityData): number {
    const entries: number[] = [];
    for (const [k, v] of data) {
      const keyPtr = this.writeString(k);
      const valuePtr = this.writeStoreValue(v);
      const entry = this.alloc(8, TypeId.TypedMapEntryStringStoreValue);
      this.setU32(entry, keyPtr);
      this.setU32(entry + 4, valuePtr);
      entries.push(entry);
    }
    const arr = this.writeArray(entries, TypeId.ArrayTypedMapEntryStringStoreValue);
    const map = this.alloc(4, TypeId.TypedMapStringStoreValue);
    this.setU32(map, arr);
    return map;
  }

  // ------------------------------------------------------------ ethereum values and events

  readEthValue(ptr: number): EthValue {
    const kind = this.i32(ptr);
    const payload = this.view.getBigUint64(ptr + 8, true);
    const p = Number(payload & 0xffffffffn);
    const list = () => this.readArray(p).map((x) => this.readEthValue(x));
    switch (kind) {
      case EthKind.ADDRESS:
        return { kind: "address", value: hex(this.readBytes(p)) };
      case EthKind.FIXED_BYTES:
        return { kind: "fixedBytes", value: hex(this.readBytes(p)) };
      case EthKind.BYTES:
        return { kind: "bytes", value: hex(this.readBytes(p)) };
      case EthKind.INT:
        return { kind: "int", value: this.readBigInt(p) };
      case EthKind.UINT:
        return { kind: "uint", value: this.readBigInt(p) };
      case EthKind.BOOL:
        return { kind: "bool", value: payload !== 0n };
      case EthKind.STRING:
        return { kind: "string", value: this.readString(p) };
      case EthKind.FIXED_ARRAY:
        return { kind: "fixedArray", value: list() };
      case EthKind.ARRAY:
        return { kind: "array", value: list() };
      case EthKind.TUPLE:
        return { kind: "tuple", value: list() };
      default:
        throw new MappingError(`unknown ethereum value kind ${kind}`);
    }
  }

  writeEthValue(v: EthValue): number {
    const T = TypeId.EthereumValue;
    const list = (xs: EthValue[]) => BigInt(this.writeArray(xs.map((x) => this.writeEthValue(x)), TypeId.ArrayEthereumValue));
    switch (v.kind) {
      case "address":
        return this.writeEnum(EthKind.ADDRESS, BigInt(this.writeBytes(unhex(v.value))), T);
      case "fixedBytes":
        return this.writeEnum(EthKind.FIXED_BYTES, BigInt(this.writeBytes(unhex(v.value))), T);
      case "bytes":
        return this.writeEnum(EthKind.BYTES, BigInt(this.writeBytes(unhex(v.value))), T);
      case "int":
        return this.writeEnum(EthKind.INT, BigInt(this.writeBigInt(v.value)), T);
      case "uint":
        return this.writeEnum(EthKind.UINT, BigInt(this.writeBigInt(v.value)), T);
      case "bool":
        return this.writeEnum(EthKind.BOOL, v.value ? 1n : 0n, T);
      case "string":
        return this.writeEnum(EthKind.STRING, BigInt(this.writeString(v.value)), T);
      case "fixedArray":
        return this.writeEnum(EthKind.FIXED_ARRAY, list(v.value), T);
      case "array":
        return this.writeEnum(EthKind.ARRAY, list(v.value), T);
      case "tuple":
        return this.writeEnum(EthKind.TUPLE, list(v.value), T);
    }
  }

  private writeObject(fields: number[], t: number): number {
    const obj = this.alloc(fields.length * 4, t);
    fields.forEach((f, i) => this.setU32(obj + 4 * i, f));
    return obj;
  }

  /** An ethereum.Event as graph-node passes it to a handler (receipt null, as without `receipt: true`). */
  writeEvent(e: HostEvent): number {
    const b = (h: string) => this.writeBytes(unhex(h));
    const zero32 = "0x" + "00".repeat(32);
    const zero20 = "0x" + "00".repeat(20);
    const block = this.writeObject(
      [
        b(e.block.hash),
        b(e.block.parentHash ?? zero32),
        b(zero32), // unclesHash
        b(zero20), // author
        b(zero32), // stateRoot
        b(zero32), // transactionsRoot
        b(zero32), // receiptsRoot
        this.writeBigInt(e.block.number),
        this.writeBigInt(0n), // gasUsed
        this.writeBigInt(30_000_000n), // gasLimit
        this.writeBigInt(e.block.timestamp),
        this.writeBigInt(0n), // difficulty
        this.writeBigInt(0n), // totalDifficulty
        0, // size
        0, // baseFeePerGas
      ],
      TypeId.EthereumBlock,
    );
    const t = e.transaction;
    const tx = this.writeObject(
      [
        b(t.hash),
        this.writeBigInt(t.index ?? 0n),
        b(t.from ?? zero20),
        t.to ? b(t.to) : 0,
        this.writeBigInt(t.value ?? 0n),
        this.writeBigInt(0n), // gasLimit
        this.writeBigInt(0n), // gasPrice
        b("0x"), // input
        this.writeBigInt(0n), // nonce
      ],
      TypeId.EthereumTransaction,
    );
    const params = e.params.map((p) => this.writeObject([this.writeString(p.name), this.writeEthValue(p.value)], TypeId.EventParam));
    return this.writeObject(
      [
        b(e.address),
        this.writeBigInt(e.logIndex),
        this.writeBigInt(e.transactionLogIndex ?? e.logIndex),
        0, // logType
        block,
        tx,
        this.writeArray(params, TypeId.ArrayEventParam),
        0, // receipt
      ],
      TypeId.EthereumEvent,
    );
  }

  /** Calls an exported handler with an event. */
  handle(handler: string, event: HostEvent): void {
    const fn = this.exports[handler];
    if (typeof fn !== "function") throw new Error(`the module exports no handler ${handler}`);
    (fn as (ptr: number) => void)(this.writeEvent(event));
  }

  // ------------------------------------------------------------ host functions

  private log(level: number, message: string) {
    if (this.opts.log) this.opts.log(level, message);
    if (level === 0) throw new MappingError(`log.critical: ${message}`);
  }

  readonly host: Record<string, (...args: number[]) => unknown> = {
    abort: (msg, file, line, col) => {
      const m = msg ? this.readString(msg) : "abort";
      const f = file ? this.readString(file) : "?";
      throw new MappingError(`${m} (${f}:${line}:${col})`);
    },
    "store.get": (entity, id) => {
      const data = this.opts.store.get(this.readString(entity), this.readString(id));
      return data ? this.writeEntity(data) : 0;
    },
    "store.get_in_block": (entity, id) => {
      const data = this.opts.store.getInBlock(this.readString(entity), this.readString(id));
      return data ? this.writeEntity(data) : 0;
    },
    "store.set": (entity, id, data) => {
      this.opts.store.set(this.readString(entity), this.readString(id), this.readEntity(data));
    },
    "store.remove": (entity, id) => {
      this.opts.store.remove(this.readString(entity), this.readString(id));
    },
    "typeConversion.bytesToString": (p) => this.writeString(utf8.decode(this.readBytes(p)).replace(/\u0000+$/, "")),
    "typeConversion.bytesToHex": (p) => this.writeString(hex(this.readBytes(p))),
    "typeConversion.bigIntToString": (p) => this.writeString(this.readBigInt(p).toString()),
    "typeConversion.bigIntToHex": (p) => {
      const v = this.readBigInt(p);
      return this.writeString((v < 0n ? "-0x" : "0x") + (v < 0n ? -v : v).toString(16));
    },
    "typeConversion.stringToH160": (p) => {
      const s = this.readString(p);
      const bytes = unhex(s);
      if (bytes.length !== 20) throw new MappingError(`Failed to convert string to Address/H160: '${s}'`);
      return this.writeBytes(bytes);
    },
    "typeConversion.bytesToBase58": (p) => this.writeString(base58(this.readBytes(p))),
    "bigInt.plus": (x, y) => this.writeBigInt(this.readBigInt(x) + this.readBigInt(y)),
    "bigInt.minus": (x, y) => this.writeBigInt(this.readBigInt(x) - this.readBigInt(y)),
    "bigInt.times": (x, y) => this.writeBigInt(this.readBigInt(x) * this.readBigInt(y)),
    "bigInt.dividedBy": (x, y) => {
      const d = this.readBigInt(y);
      if (d === 0n) throw new MappingError("attempted to divide BigInt by zero");
      return this.writeBigInt(this.readBigInt(x) / d);
    },
    "bigInt.dividedByDecimal": (x, y) =>
      this.writeDecimal(decimalOps.dividedBy({ digits: this.readBigInt(x), exp: 0 }, this.readDecimal(y))),
    "bigInt.mod": (x, y) => {
      const d = this.readBigInt(y);
      if (d === 0n) throw new MappingError("attempted to calculate the remainder of BigInt with a divisor of zero");
      return this.writeBigInt(this.readBigInt(x) % d);
    },
    "bigInt.pow": (x, e) => this.writeBigInt(this.readBigInt(x) ** BigInt(e & 0xff)),
    "bigInt.fromString": (s) => {
      const text = this.readString(s);
      if (!/^[+-]?\d+$/.test(text)) throw new MappingError(`failed to parse BigInt from '${text}'`);
      return this.writeBigInt(BigInt(text));
    },
    "bigInt.bitOr": (x, y) => this.writeBigInt(this.readBigInt(x) | this.readBigInt(y)),
    "bigInt.bitAnd": (x, y) => this.writeBigInt(this.readBigInt(x) & this.readBigInt(y)),
    "bigInt.leftShift": (x, bits) => this.writeBigInt(this.readBigInt(x) << BigInt(bits & 0xff)),
    "bigInt.rightShift": (x, bits) => this.writeBigInt(this.readBigInt(x) >> BigInt(bits & 0xff)),
    "bigDecimal.plus": (x, y) => this.writeDecimal(decimalOps.plus(this.readDecimal(x), this.readDecimal(y))),
    "bigDecimal.minus": (x, y) => this.writeDecimal(decimalOps.minus(this.readDecimal(x), this.readDecimal(y))),
    "bigDecimal.times": (x, y) => this.writeDecimal(decimalOps.times(this.readDecimal(x), this.readDecimal(y))),
    "bigDecimal.dividedBy": (x, y) => this.writeDecimal(decimalOps.dividedBy(this.readDecimal(x), this.readDecimal(y))),
    "bigDecimal.equals": (x, y) => (decimalOps.equals(this.readDecimal(x), this.readDecimal(y)) ? 1 : 0),
    "bigDecimal.toString": (x) => this.writeString(decimalOps.toString(this.readDecimal(x))),
    "bigDecimal.fromString": (s) => this.writeDecimal(decimalOps.fromString(this.readString(s))),
    "log.log": (level, msg) => this.log(level, this.readString(msg)),
    "dataSource.create": (name, params) => {
      this.opts.onCreateDataSource?.({
        template: this.readString(name),
        params: this.readArray(params).map((p) => this.readString(p)),
        context: null,
      });
    },
    "dataSource.createWithContext": (name, params, context) => {
      this.opts.onCreateDataSource?.({
        template: this.readString(name),
        params: this.readArray(params).map((p) => this.readString(p)),
        context: this.readEntity(context),
      });
    },
    "dataSource.address": () => this.writeBytes(unhex(this.opts.dataSource?.address ?? "0x" + "00".repeat(20))),
    "dataSource.network": () => this.writeString(this.opts.dataSource?.network ?? "mainnet"),
    "dataSource.context": () => this.writeEntity(this.opts.dataSource?.context ?? new Map()),
    "crypto.keccak256": (p) => this.writeBytes(keccak_256(this.readBytes(p))),
  };
}

export function utf8Bytes(s: string): Uint8Array {
  return utf8enc.encode(s);
}

const B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
function base58(bytes: Uint8Array): string {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  let s = "";
  while (n > 0n) {
    s = B58[Number(n % 58n)] + s;
    n /= 58n;
  }
  for (const b of bytes) {
    if (b !== 0) break;
    s = "1" + s;
  }
  return s;
}
