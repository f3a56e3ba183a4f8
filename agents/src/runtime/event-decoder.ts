// Decoders of the protocol's events compiled once per event from its ABI, for the market view
// (market.ts), which decodes every log of the watched contracts: viem's decodeEventLog works
// through the ABI item for every log (parameter parsing, a cursor, hex conversions) and was most
// of the view's CPU in a swarm (357 of the 494 ms its polls took in a 1,000-job swarm's profile).
// The results are viem's exactly (event-decoder.test.ts compares every event of the contracts the
// view watches): uint of at most 48 bits as number, wider as bigint, checksummed addresses,
// lowercase bytes32, strings (UTF-8 through TextDecoder, as viem), uint arrays. An event with a
// type not handled here (none today) is left to viem.
import { checksumAddress, type AbiEvent, type AbiParameter, type Hex } from "viem";

export interface DecodedEvent {
  eventName: string;
  /** undefined for an event without parameters, as viem gives it */
  args: Record<string, unknown> | undefined;
}
export type EventDecoder = (topics: readonly Hex[], data: Hex) => DecodedEvent;

/** Reads one 32-byte word of an ABI value from its hex; throws past the end. */
type Word = (hex: string, at: number) => unknown;

const utf8 = new TextDecoder();
const HEX = /^0x[0-9a-fA-F]*$/;
const TOPIC = /^0x[0-9a-fA-F]{64}$/;

function wordAt(hex: string, at: number): string {
  const w = hex.slice(at, at + 64);
  if (w.length !== 64) throw new Error("event data shorter than its parameters");
  return w;
}

/** The decoder of one static type's word, or undefined for a type not handled here. */
function staticWord(type: string): Word | undefined {
  const m = /^uint(\d*)$/.exec(type);
  if (m) {
    const bits = m[1] === "" ? 256 : Number(m[1]);
    return bits > 48 ? (hex, at) => BigInt(`0x${wordAt(hex, at)}`) : (hex, at) => Number.parseInt(wordAt(hex, at), 16);
  }
  if (type === "address") return (hex, at) => checksumAddress(`0x${wordAt(hex, at).slice(24)}`);
  if (type === "bytes32") return (hex, at) => `0x${wordAt(hex, at).toLowerCase()}`;
  if (type === "bool") {
    return (hex, at) => {
      const w = wordAt(hex, at);
      if (!/^0{63}[01]$/.test(w)) throw new Error(`not a boolean: 0x${w}`);
      return w.endsWith("1");
    };
  }
  return undefined;
}

/** The decoder of a value in the data's head (static: its word; dynamic: the word is an offset). */
function headWord(p: AbiParameter): Word | undefined {
  const s = staticWord(p.type);
  if (s) return s;
  if (p.type === "string") {
    return (hex, at) => {
      const start = 2 * Number(BigInt(`0x${wordAt(hex, at)}`));
      const len = Number(BigInt(`0x${wordAt(hex, start)}`));
      if (len === 0) return "";
      const body = hex.slice(start + 64, start + 64 + 2 * len);
      if (body.length !== 2 * len) throw new Error("event string runs past the data");
      return utf8.decode(Buffer.from(body, "hex"));
    };
  }
  const arr = /^(uint\d*)\[\]$/.exec(p.type);
  if (arr) {
    const item = staticWord(arr[1])!;
    return (hex, at) => {
      const start = 2 * Number(BigInt(`0x${wordAt(hex, at)}`));
      const len = Number(BigInt(`0x${wordAt(hex, start)}`));
      const out: unknown[] = [];
      for (let k = 0; k < len; k++) out.push(item(hex, start + 64 + 64 * k));
      return out;
    };
  }
  return undefined;
}

/** A decoder for `event`, or undefined if one of its parameters is of a type not handled here. */
export function compileEventDecoder(event: AbiEvent): EventDecoder | undefined {
  // one step per parameter, in the ABI's order (as viem builds `args`): from its topic (indexed)
  // or from its head word in the data
  const steps: { name: string; read: Word; topic: number; at: number }[] = [];
  let topics = 0;
  let words = 0;
  for (const p of event.inputs) {
    if (!p.name) return undefined;
    const read = p.indexed ? staticWord(p.type) : headWord(p);
    if (!read) return undefined;
    steps.push(p.indexed ? { name: p.name, read, topic: ++topics, at: 0 } : { name: p.name, read, topic: 0, at: 64 * words++ });
  }
  const eventName = event.name;
  return (topicList, data) => {
    if (!HEX.test(data)) throw new Error(`${eventName}: data is not hex`);
    for (let k = 1; k < topicList.length; k++) if (!TOPIC.test(topicList[k])) throw new Error(`${eventName}: topic ${k} is not 32 bytes of hex`);
    if (topicList.length !== topics + 1) throw new Error(`${eventName}: ${topicList.length - 1} indexed topics, expected ${topics}`);
    if (steps.length === 0) return { eventName, args: undefined };
    const hex = data.slice(2);
    const args: Record<string, unknown> = {};
    for (const st of steps) args[st.name] = st.topic > 0 ? st.read(topicList[st.topic].slice(2), 0) : st.read(hex, st.at);
    return { eventName, args };
  };
}
