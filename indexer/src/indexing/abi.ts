// Event decoding straight from the compiled artifacts' ABIs (never a hand-copied ABI). The
// decoders slice the hex of topics and data directly, which is several times faster than a
// general ABI library: decoding must keep up with tens of thousands of events a second.
import { readFileSync, readdirSync, statSync, type Dirent } from "node:fs";
import { join } from "node:path";
import { keccak_256 } from "@noble/hashes/sha3.js";

export interface AbiParam {
  name: string;
  type: string;
  indexed?: boolean;
  components?: AbiParam[];
}
export interface AbiEvent {
  type: "event";
  name: string;
  inputs: AbiParam[];
  anonymous?: boolean;
}
export type DecodedArgs = Record<string, unknown>;

export interface EventDecoder {
  contract: string;
  event: string;
  signature: string;
  topic0: string;
  decode(topics: string[], data: string): DecodedArgs;
}

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder();

export function keccakHex(text: string): string {
  const h = keccak_256(textEncoder.encode(text));
  let s = "0x";
  for (const b of h) s += b.toString(16).padStart(2, "0");
  return s;
}

function canonicalType(p: AbiParam): string {
  if (p.type.startsWith("tuple")) return `(${(p.components ?? []).map(canonicalType).join(",")})${p.type.slice(5)}`;
  return p.type;
}

export function eventSignature(e: AbiEvent): string {
  return `${e.name}(${e.inputs.map(canonicalType).join(",")})`;
}

/** Whether an ABI type is dynamic (encoded by offset). */
function isDynamicParam(p: AbiParam): boolean {
  const t = p.type;
  if (t === "string" || t === "bytes" || t.endsWith("[]")) return true;
  const fixed = /^(.*)\[(\d+)\]$/.exec(t);
  if (fixed) return isDynamicParam({ ...p, type: fixed[1] });
  if (t === "tuple") return (p.components ?? []).some(isDynamicParam);
  return false;
}

/** Number of 32-byte head words a static param takes. */
function staticWords(p: AbiParam): number {
  const fixed = /^(.*)\[(\d+)\]$/.exec(p.type);
  if (fixed) return Number(fixed[2]) * staticWords({ ...p, type: fixed[1] });
  if (p.type === "tuple") return (p.components ?? []).reduce((n, c) => n + staticWords(c), 0);
  return 1;
}

function decodeWord(type: string, word: string): unknown {
  if (type === "address") return "0x" + word.slice(24);
  if (type === "bool") return word.charCodeAt(63) === 49; // '1'
  if (type.startsWith("uint")) return BigInt("0x" + word);
  if (type.startsWith("int")) {
    const bits = Number(type.slice(3) || "256");
    let v = BigInt("0x" + word);
    if (v >> 255n) v -= 1n << 256n; // two's complement over the word
    return BigInt.asIntN(bits, v);
  }
  if (type.startsWith("bytes")) {
    const n = Number(type.slice(5));
    return "0x" + word.slice(0, n * 2);
  }
  throw new Error(`unsupported static type ${type}`);
}

function hexToUtf8(hex: string): string {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.substr(i * 2, 2), 16);
  return textDecoder.decode(bytes);
}

const wordAt = (hex: string, pos: number) => hex.substr(pos, 64);
const numAt = (hex: string, pos: number) => Number(BigInt("0x" + wordAt(hex, pos)));

/** Decodes a sequence of params whose encoding starts at hex position `base` (head then tails). */
function decodeSequence(params: AbiParam[], hex: string, base: number): unknown[] {
  const out: unknown[] = [];
  let head = base;
  for (const p of params) {
    if (isDynamicParam(p)) {
      out.push(decodeAt(p, hex, base + numAt(hex, head) * 2));
      head += 64;
    } else {
      out.push(decodeAt(p, hex, head));
      head += staticWords(p) * 64;
    }
  }
  return out;
}

function tupleObject(components: AbiParam[], values: unknown[]): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  components.forEach((c, i) => (o[c.name || String(i)] = values[i]));
  return o;
}

/** Decodes one param whose encoding (static value, or dynamic tail) starts at `pos`. */
function decodeAt(p: AbiParam, hex: string, pos: number): unknown {
  const t = p.type;
  if (t === "string" || t === "bytes") {
    const len = numAt(hex, pos);
    const body = hex.substr(pos + 64, len * 2);
    return t === "string" ? hexToUtf8(body) : "0x" + body;
  }
  const dyn = /^(.*)\[\]$/.exec(t);
  if (dyn) {
    const len = numAt(hex, pos);
    const inner = { ...p, type: dyn[1] };
    return decodeSequence(Array.from({ length: len }, () => inner), hex, pos + 64);
  }
  const fixed = /^(.*)\[(\d+)\]$/.exec(t);
  if (fixed) {
    const inner = { ...p, type: fixed[1] };
    return decodeSequence(Array.from({ length: Number(fixed[2]) }, () => inner), hex, pos);
  }
  if (t === "tuple") {
    const comps = p.components ?? [];
    return tupleObject(comps, decodeSequence(comps, hex, pos));
  }
  return decodeWord(t, wordAt(hex, pos));
}

/**
 * A reader of one static one-word value at hex position `pos` of `hex` (a "0x…" topic or data
 * string), chosen once per event parameter rather than per log.
 */
function wordReader(type: string): ((hex: string, pos: number) => unknown) | undefined {
  if (type === "address") return (h, p) => "0x" + h.substr(p + 24, 40);
  if (type === "bool") return (h, p) => h.charCodeAt(p + 63) === 49; // '1'
  if (/^uint\d*$/.test(type)) return (h, p) => (p === 2 && h.length === 66 ? BigInt(h) : BigInt("0x" + h.substr(p, 64)));
  const int = /^int(\d*)$/.exec(type);
  if (int) {
    const bits = Number(int[1] || "256");
    return (h, p) => BigInt.asIntN(bits, BigInt("0x" + h.substr(p, 64))); // two's complement over the low bits
  }
  const bytes = /^bytes(\d+)$/.exec(type);
  if (bytes) {
    const n = Number(bytes[1]) * 2;
    return (h, p) => "0x" + h.substr(p, n);
  }
  return undefined;
}

/**
 * Addresses decoded from topics, by topic: the same address comes back as the same flat string
 * (its hash computed once), not as a new "0x" + slice to flatten and hash in every map it is
 * looked up in (a backfill's accounts recur across many logs). Bounded: cleared when full.
 */
const addressByTopic = new Map<string, string>();
const ADDRESS_CACHE = 1 << 16;

function addressOfTopic(topic: string, pos: number): string {
  let a = addressByTopic.get(topic);
  if (a === undefined) {
    // one flat string (a slice of the topic would keep the topic alive and be flattened later)
    a = ("0x" + topic.substr(pos + 24, 40)).toLowerCase();
    if (addressByTopic.size >= ADDRESS_CACHE) addressByTopic.clear();
    addressByTopic.set(topic, a);
  }
  return a;
}

export function makeDecoder(contract: string, e: AbiEvent): EventDecoder {
  const signature = eventSignature(e);
  const topic0 = keccakHex(signature);
  const indexed = e.inputs.filter((p) => p.indexed);
  const plain = e.inputs.filter((p) => !p.indexed);
  const names = e.inputs.map((p, i) => p.name || `arg${i}`);
  // The plan, per parameter: indexed ones are a topic (a static value, or the hash of a dynamic
  // one, as "0x…"); plain ones come from the data, by a fixed head position when every plain
  // parameter is a one-word static value (the common case), else by the general decoder.
  const simpleData = plain.every((p) => !isDynamicParam(p) && staticWords(p) === 1 && wordReader(p.type) !== undefined);
  // lastTopic/lastValue: the topic decoded last and its value (a log's indexed parameter often
  // repeats from one log to the next, e.g. the sender of a batch of transfers, and the log parser
  // then hands out the same string: no new value is made for it).
  type Step = { name: string; topic: number; read: ((hex: string, pos: number) => unknown) | undefined; dataIndex: number; lastTopic: string | undefined; lastValue: unknown };
  const steps: Step[] = [];
  let ti = 1;
  let di = 0;
  e.inputs.forEach((p, i) => {
    if (p.indexed) {
      const hashed = isDynamicParam(p) || p.type.startsWith("tuple") || p.type.endsWith("]");
      const read = hashed ? undefined : p.type === "address" ? addressOfTopic : wordReader(p.type) ?? ((h, q) => decodeWord(p.type, h.substr(q, 64)));
      steps.push({ name: names[i], topic: ti++, read, dataIndex: -1, lastTopic: undefined, lastValue: undefined });
    } else {
      steps.push({ name: names[i], topic: -1, read: simpleData ? wordReader(p.type) : undefined, dataIndex: di++, lastTopic: undefined, lastValue: undefined });
    }
  });
  const topicCount = indexed.length + 1;
  return {
    contract,
    event: e.name,
    signature,
    topic0,
    decode(topics: string[], data: string): DecodedArgs {
      if (topics.length !== topicCount) {
        throw new Error(`${contract}.${e.name}: expected ${topicCount} topics, got ${topics.length}`);
      }
      const values = plain.length > 0 && !simpleData ? decodeSequence(plain, data.slice(2), 0) : undefined;
      if (simpleData && data.length < 2 + plain.length * 64) throw new Error(`${contract}.${e.name}: data too short (${data.length} hex characters)`);
      const args: DecodedArgs = {};
      for (let k = 0; k < steps.length; k++) {
        const st = steps[k];
        if (st.topic >= 0) {
          const t = topics[st.topic];
          if (st.read === undefined) args[st.name] = t;
          else if (t === st.lastTopic) args[st.name] = st.lastValue;
          else {
            const v = st.read(t, 2);
            st.lastTopic = t;
            st.lastValue = v;
            args[st.name] = v;
          }
        } else {
          args[st.name] = values !== undefined ? values[st.dataIndex] : st.read!(data, 2 + st.dataIndex * 64);
        }
      }
      return args;
    },
  };
}

/**
 * The paths of `<Name>.json` for each of `names` under the Hardhat artifacts folder, in one walk
 * of it (a name found in several folders: the first in this walk's order, as findArtifact).
 */
function artifactPaths(artifactsDir: string, names: Iterable<string>): Map<string, string> {
  const wanted = new Set([...names].map((n) => `${n}.json`));
  const found = new Map<string, string>();
  const stack = [join(artifactsDir, "contracts")];
  while (stack.length > 0 && found.size < wanted.size) {
    const dir = stack.pop()!;
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      const full = join(dir, entry.name);
      // a symbolic link is followed, as statSync does
      const kind = entry.isSymbolicLink() ? statSync(full, { throwIfNoEntry: false }) : entry;
      if (kind === undefined) continue;
      if (kind.isFile() && wanted.has(entry.name)) {
        const name = entry.name.slice(0, -".json".length);
        if (!found.has(name)) found.set(name, full);
      } else if (kind.isDirectory()) stack.push(full);
    }
  }
  return found;
}

function readArtifact(artifactsDir: string, contractName: string, path: string | undefined): { abi: unknown[] } {
  if (path === undefined) throw new Error(`no artifact for ${contractName} under ${artifactsDir} (run \`npm run build\` at the repository root)`);
  return JSON.parse(readFileSync(path, "utf8"));
}

/** Finds `<Name>.json` under the Hardhat artifacts folder. */
export function findArtifact(artifactsDir: string, contractName: string): { abi: unknown[] } {
  return readArtifact(artifactsDir, contractName, artifactPaths(artifactsDir, [contractName]).get(contractName));
}

/**
 * topic0 -> decoders, for the given contracts' artifacts; with `handled`, only for the events it
 * accepts (each decoder costs a keccak of its signature, ~0.3 ms while that code is not yet
 * compiled: the indexer builds them before its first request to the node).
 */
export function buildDecoders(artifactsDir: string, contracts: string[], handled?: (contract: string, event: string) => boolean): Map<string, Map<string, EventDecoder>> {
  const paths = artifactPaths(artifactsDir, contracts);
  const byContract = new Map<string, Map<string, EventDecoder>>();
  for (const c of contracts) {
    const abi = readArtifact(artifactsDir, c, paths.get(c)).abi as AbiEvent[];
    const m = new Map<string, EventDecoder>();
    for (const item of abi) if (item.type === "event" && !item.anonymous && (handled === undefined || handled(c, item.name))) {
      const d = makeDecoder(c, item);
      m.set(d.topic0, d);
    }
    byContract.set(c, m);
  }
  return byContract;
}

const HEX_BYTE = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, "0"));

/** The 8-character suffix of an event id, by log index (made once per index below SUFFIXES). */
const SUFFIXES = 1 << 16;
const suffixes: (string | undefined)[] = new Array(SUFFIXES); // filled on use

function indexSuffix(logIndex: number): string {
  const cacheable = logIndex >= 0 && logIndex < SUFFIXES;
  const cached = cacheable ? suffixes[logIndex] : undefined;
  if (cached !== undefined) return cached;
  const s = HEX_BYTE[logIndex & 0xff] + HEX_BYTE[(logIndex >>> 8) & 0xff] + HEX_BYTE[(logIndex >>> 16) & 0xff] + HEX_BYTE[(logIndex >>> 24) & 0xff];
  if (cacheable) suffixes[logIndex] = s;
  return s;
}

/**
 * graph-ts `txHash.concatI32(logIndex)`: the hash bytes followed by the index as 4 little-endian
 * bytes. One concatenation of two kept strings (the id is kept with its row until the batch is
 * written: one cons string rather than a chain of four).
 */
export function eventId(transactionHash: string, logIndex: number): string {
  return transactionHash.toLowerCase() + indexSuffix(logIndex);
}
