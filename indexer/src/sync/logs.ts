// Logs as the indexer uses them, and a parser for eth_getLogs answers that reads them straight
// from the response bytes.
//
// A backfill reads hundreds of megabytes of eth_getLogs answers (about 630 bytes per ERC-20
// Transfer log). Decoding them to a JS string and running JSON.parse builds ten strings and two
// objects per log, most of which the indexer never looks at or converts again (hex numbers,
// lower-casing). This parser scans the bytes for the fields instead: hex numbers become numbers
// without an intermediate string, and the strings that repeat from one log to the next (block
// hash, transaction hash, address, topic0) are compared in place and shared. Anything it does not
// expect (escapes, non-ASCII bytes, an error object, a value of an unexpected type, a truncated
// body) makes it give up, and the caller falls back to JSON.parse, which handles (or rejects)
// every valid and invalid answer as before.

/** A log as eth_getLogs returns it (JSON). */
export interface RawLog {
  address: string;
  topics: string[];
  data: string;
  blockNumber: string;
  blockHash: string;
  transactionHash: string;
  transactionIndex?: string;
  logIndex: string;
  /** The block's timestamp: in the answers of newer nodes (EDR, geth ≥ 1.16, reth), not all. */
  blockTimestamp?: string;
  removed?: boolean;
}

/** A log with its hashes and addresses in lowercase and its numbers parsed. */
export interface Log {
  address: string;
  topics: string[];
  data: string;
  blockNumber: bigint;
  blockHash: string;
  transactionHash: string;
  logIndex: number;
  /** The block's timestamp, when the node's answer carries it (see RawLog). */
  blockTimestamp?: bigint;
  removed: boolean;
}

export function normalizeLog(l: RawLog): Log {
  return {
    address: l.address.toLowerCase(),
    topics: l.topics.map((t) => t.toLowerCase()),
    data: l.data.toLowerCase(),
    blockNumber: BigInt(l.blockNumber),
    blockHash: l.blockHash.toLowerCase(),
    transactionHash: l.transactionHash.toLowerCase(),
    logIndex: Number(l.logIndex),
    ...(typeof l.blockTimestamp === "string" ? { blockTimestamp: BigInt(l.blockTimestamp) } : {}),
    removed: l.removed === true,
  };
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

const KEYS = ["address", "blockHash", "transactionHash", "blockNumber", "logIndex", "data", "removed", "topics", "jsonrpc", "id", "result", "blockTimestamp"].map((k) => Buffer.from(k, "latin1"));
const [K_ADDRESS, K_BLOCK_HASH, K_TX_HASH, K_BLOCK_NUMBER, K_LOG_INDEX, K_DATA, K_REMOVED, K_TOPICS, K_JSONRPC, K_ID, K_RESULT, K_BLOCK_TIMESTAMP] = KEYS.map((_, k) => k);

/** The keys of each length (a log's keys differ in length but for a few). */
const KEYS_BY_LENGTH: number[][] = [];
KEYS.forEach((key, k) => (KEYS_BY_LENGTH[key.length] ??= []).push(k));

function sameIn(buf: Uint8Array, at: number, key: Uint8Array): boolean {
  for (let k = 1; k < key.length; k++) if (buf[at + k] !== key[k]) return false;
  return true;
}

class GiveUp extends Error {}
const giveUp = new GiveUp("unexpected eth_getLogs answer");

/** Whether bytes [a, a+n) and [b, b+n) of `buf` are equal. */
function sameBytes(buf: Uint8Array, a: number, b: number, n: number): boolean {
  for (let k = 0; k < n; k++) if (buf[a + k] !== buf[b + k]) return false;
  return true;
}

/** Whether bytes [at, at + s.length) of `buf` are the characters of `s` (one-byte). */
function sameText(buf: Uint8Array, at: number, s: string): boolean {
  for (let k = 0; k < s.length; k++) if (buf[at + k] !== s.charCodeAt(k)) return false;
  return true;
}

/** Topics (1-3, of 32 bytes) read before, by a hash of their bytes: one string per slot. */
const TOPIC_CACHE_BITS = 16;
const topicCache: (string | undefined)[] = new Array(1 << TOPIC_CACHE_BITS).fill(undefined);

/**
 * Parses `{"jsonrpc":"2.0","id":<id>,"result":[<log>, …]}` from the bytes of an answer. Returns
 * the logs and the id, or undefined if the answer is anything else (the caller then parses it
 * with JSON.parse).
 */
export function parseLogsAnswer(buf: Buffer): { id: unknown; logs: Log[] } | undefined {
  try {
    return new LogsParser(buf).answer();
  } catch (err) {
    if (err instanceof GiveUp) return undefined;
    throw err;
  }
}

class LogsParser {
  private buf: Buffer;
  private n: number;
  private i = 0;
  // The previous log's repeated strings and where their bytes are (for sharing).
  private prev = {
    blockHash: { at: -1, len: 0, s: "" },
    txHash: { at: -1, len: 0, s: "" },
    address: { at: -1, len: 0, s: "" },
    topic0: { at: -1, len: 0, s: "" },
    // topics 1-3 (e.g. a Transfer's sender, the same across a batch of transfers)
    topics: [{ at: -1, len: 0, s: "" }, { at: -1, len: 0, s: "" }, { at: -1, len: 0, s: "" }],
    blockNumber: { at: -1, len: 0, v: 0n },
    blockTimestamp: { at: -1, len: 0, v: 0n },
  };
  /** Where a log's topics are read before they are copied (see K_TOPICS). */
  private readonly scratchTopics: string[] = [];

  constructor(buf: Buffer) {
    this.buf = buf;
    this.n = buf.length;
    // No escapes: then a string ends at the next quote. (UTF-8 never has a quote byte inside a
    // character; the fields read here are hex, which `quantity` checks and the decoders parse.)
    if (buf.indexOf(BACKSLASH) >= 0) throw giveUp;
  }

  private ws(): void {
    const b = this.buf;
    let i = this.i;
    for (;;) {
      const c = b[i];
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else break;
    }
    this.i = i;
  }

  private expect(c: number): void {
    this.ws();
    if (this.buf[this.i] !== c) throw giveUp;
    this.i++;
  }

  /** Consumes `c` if it is next (after whitespace). */
  private take(c: number): boolean {
    this.ws();
    if (this.buf[this.i] === c) {
      this.i++;
      return true;
    }
    return false;
  }

  /** A string's byte range [start, end) (the quotes excluded). */
  private str(): number {
    this.ws();
    if (this.buf[this.i] !== QUOTE) throw giveUp;
    const start = this.i + 1;
    const end = this.buf.indexOf(QUOTE, start);
    if (end < 0) throw giveUp;
    this.i = end + 1;
    return start;
  }

  /** The next key, as its index in KEYS (-1: another key), without making a string of it. */
  private key(): number {
    const start = this.str();
    const len = this.i - 1 - start;
    this.expect(0x3a); // ':'
    const b = this.buf;
    const candidates = KEYS_BY_LENGTH[len];
    if (candidates !== undefined) {
      for (let c = 0; c < candidates.length; c++) {
        const k = candidates[c];
        const key = KEYS[k];
        if (b[start] === key[0] && sameIn(b, start, key)) return k;
      }
    }
    return -1;
  }

  private text(): string {
    const start = this.str();
    return this.buf.toString("latin1", start, this.i - 1);
  }

  /**
   * Topics 1-3: as `shared`, and else from the topic cache when these bytes were read before
   * (the accounts of a token's transfers recur across a backfill: the same string comes back,
   * its hash already computed for the maps it is looked up in, and none is kept per log).
   */
  private topic(slot: { at: number; len: number; s: string }): string {
    const start = this.str();
    const len = this.i - 1 - start;
    const b = this.buf;
    if (len === slot.len && sameBytes(b, start, slot.at, len)) return slot.s;
    let s: string | undefined;
    let k = -1;
    if (len === 66) {
      // the cache slot: a hash of the topic's last 12 characters (an address's, or a number's)
      let h = 0x811c9dc5;
      for (let j = start + 54; j < start + 66; j++) h = Math.imul(h ^ b[j], 0x01000193);
      k = h >>> (32 - TOPIC_CACHE_BITS);
      const c = topicCache[k];
      if (c !== undefined && sameText(b, start, c)) s = c;
    }
    if (s === undefined) {
      s = b.toString("latin1", start, start + len).toLowerCase();
      // only a topic already in lowercase is cached (a hit compares the bytes exactly)
      if (k >= 0 && sameText(b, start, s)) topicCache[k] = s;
    }
    slot.at = start;
    slot.len = len;
    slot.s = s;
    return s;
  }

  /** A lowercase string, shared with the previous log's when the bytes are the same. */
  private shared(slot: { at: number; len: number; s: string }): string {
    const start = this.str();
    const len = this.i - 1 - start;
    if (len === slot.len && sameBytes(this.buf, start, slot.at, len)) return slot.s;
    slot.at = start;
    slot.len = len;
    slot.s = this.buf.toString("latin1", start, start + len).toLowerCase();
    return slot.s;
  }

  /** A hex quantity ("0x1f") as a number. */
  private quantity(): number {
    const start = this.str();
    const end = this.i - 1;
    const b = this.buf;
    if (end - start < 3 || end - start > 15 || b[start] !== 0x30 || (b[start + 1] | 0x20) !== 0x78) throw giveUp;
    let v = 0;
    for (let k = start + 2; k < end; k++) {
      const c = b[k] | 0x20;
      const d = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x61 + 10 : -1;
      if (d < 0) throw giveUp;
      v = v * 16 + d;
    }
    return v;
  }

  /** A block's number or timestamp, shared with the previous log's when the bytes are the same. */
  private blockQuantity(slot: { at: number; len: number; v: bigint }): bigint {
    this.ws();
    const at = this.i;
    const v = this.quantity();
    const len = this.i - at;
    if (len === slot.len && sameBytes(this.buf, at, slot.at, len)) return slot.v;
    slot.at = at;
    slot.len = len;
    slot.v = BigInt(v);
    return slot.v;
  }

  /** A JSON value we do not need: a string, number, true, false or null. */
  private skipScalar(): void {
    this.ws();
    const c = this.buf[this.i];
    if (c === QUOTE) {
      this.str();
      return;
    }
    if (c === 0x7b || c === 0x5b || c === undefined) throw giveUp; // objects and arrays: not in a log
    while (this.i < this.n) {
      const d = this.buf[this.i];
      if (d === 0x2c || d === 0x7d || d === 0x5d || d === 0x20 || d === 0x0a || d === 0x0d || d === 0x09) break;
      this.i++;
    }
  }

  private bool(): boolean {
    this.ws();
    const b = this.buf;
    const i = this.i;
    if (b[i] === 0x74 && b[i + 1] === 0x72 && b[i + 2] === 0x75 && b[i + 3] === 0x65) {
      this.i += 4;
      return true;
    }
    if (b[i] === 0x66 && b[i + 1] === 0x61 && b[i + 2] === 0x6c && b[i + 3] === 0x73 && b[i + 4] === 0x65) {
      this.i += 5;
      return false;
    }
    throw giveUp;
  }

  private log(): Log {
    this.expect(0x7b); // '{'
    let address: string | undefined;
    let topics: string[] | undefined;
    let data: string | undefined;
    let blockNumber: bigint | undefined;
    let blockHash: string | undefined;
    let transactionHash: string | undefined;
    let logIndex: number | undefined;
    let blockTimestamp: bigint | undefined;
    let removed = false;
    if (!this.take(0x7d)) {
      do {
        switch (this.key()) {
          case K_ADDRESS: address = this.shared(this.prev.address); break;
          case K_BLOCK_HASH: blockHash = this.shared(this.prev.blockHash); break;
          case K_TX_HASH: transactionHash = this.shared(this.prev.txHash); break;
          case K_BLOCK_NUMBER: blockNumber = this.blockQuantity(this.prev.blockNumber); break;
          case K_BLOCK_TIMESTAMP: blockTimestamp = this.blockQuantity(this.prev.blockTimestamp); break;
          case K_LOG_INDEX: logIndex = this.quantity(); break;
          case K_DATA: data = this.text().toLowerCase(); break;
          case K_REMOVED: removed = this.bool(); break;
          case K_TOPICS: {
            // read into a reused scratch array, kept as a copy of the exact length (pushing onto
            // [] would give every log's topics a backing store of 17 slots, kept with the log
            // until it is projected)
            this.expect(0x5b); // '['
            const t = this.scratchTopics;
            let n = 0;
            if (!this.take(0x5d)) {
              t[n++] = this.shared(this.prev.topic0);
              const slots = this.prev.topics;
              while (this.take(0x2c)) {
                t[n] = n <= slots.length ? this.topic(slots[n - 1]) : this.text().toLowerCase();
                n++;
              }
              this.expect(0x5d);
            }
            topics = t.slice(0, n);
            break;
          }
          default: this.skipScalar();
        }
      } while (this.take(0x2c));
      this.expect(0x7d);
    }
    if (address === undefined || topics === undefined || data === undefined || blockNumber === undefined ||
      blockHash === undefined || transactionHash === undefined || logIndex === undefined) throw giveUp;
    return blockTimestamp === undefined
      ? { address, topics, data, blockNumber, blockHash, transactionHash, logIndex, removed }
      : { address, topics, data, blockNumber, blockHash, transactionHash, logIndex, blockTimestamp, removed };
  }

  answer(): { id: unknown; logs: Log[] } {
    this.expect(0x7b);
    let id: unknown;
    let logs: Log[] | undefined;
    let version = false;
    do {
      switch (this.key()) {
        case K_JSONRPC: version = this.text() === "2.0"; break;
        case K_ID: {
          this.ws();
          const start = this.i;
          this.skipScalar();
          id = JSON.parse(this.buf.toString("latin1", start, this.i));
          break;
        }
        case K_RESULT: {
          logs = [];
          this.expect(0x5b);
          if (!this.take(0x5d)) {
            do logs.push(this.log());
            while (this.take(0x2c));
            this.expect(0x5d);
          }
          break;
        }
        default: throw giveUp; // "error", or anything unexpected
      }
    } while (this.take(0x2c));
    this.expect(0x7d);
    this.ws();
    if (this.i !== this.n || !version || logs === undefined) throw giveUp;
    return { id, logs };
  }
}
