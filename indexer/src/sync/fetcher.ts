// Fetches logs of the deployed contracts in adaptive block ranges, and block headers (hash,
// parent hash, timestamp) for the blocks that have logs and for the range ends.
import { RpcClient, RpcError } from "./rpc.ts";
import type { Log } from "./logs.ts";

export type { Log, RawLog } from "./logs.ts";

export interface BlockHeader {
  number: bigint;
  hash: string;
  parentHash: string;
  timestamp: bigint;
}

interface RawBlock {
  number: string;
  hash: string;
  parentHash: string;
  timestamp: string;
}

export function toHeader(b: RawBlock): BlockHeader {
  return { number: BigInt(b.number), hash: b.hash.toLowerCase(), parentHash: b.parentHash.toLowerCase(), timestamp: BigInt(b.timestamp) };
}

const hex = (n: bigint) => "0x" + n.toString(16);

export interface FetcherOptions {
  /** Starting range size in blocks (small: a dense chain must not start with one huge answer). */
  initialRange?: number;
  maxRange?: number;
  /** The number of logs a range aims at: the range grows below half of it, shrinks above twice. */
  targetLogs?: number;
  /**
   * Backfill ranges requested ahead of the one being projected (default 2: the node serves one
   * while the next waits in its queue, so it never idles between answers).
   */
  inFlight?: number;
}

export class LogFetcher {
  range: number;
  readonly maxRange: number;
  private targetLogs: number;
  readonly inFlight: number;

  private rpc: RpcClient;
  private addresses: string[];
  /** Changes whenever the address list does (logs fetched before then may miss some). */
  generation = 0;

  constructor(rpc: RpcClient, addresses: string[], opts: FetcherOptions = {}) {
    this.rpc = rpc;
    this.addresses = addresses;
    this.maxRange = opts.maxRange ?? 100_000;
    this.range = Math.min(this.maxRange, opts.initialRange ?? 20);
    this.targetLogs = opts.targetLogs ?? 10_000;
    this.inFlight = Math.max(1, opts.inFlight ?? 2);
  }

  async blockNumber(): Promise<bigint> {
    return BigInt(await this.rpc.call<string>("eth_blockNumber"));
  }

  async header(n: bigint): Promise<BlockHeader | null> {
    const b = await this.rpc.call<RawBlock | null>("eth_getBlockByNumber", [hex(n), false]);
    return b === null ? null : toHeader(b);
  }

  async headers(numbers: bigint[]): Promise<Map<bigint, BlockHeader>> {
    const out = new Map<bigint, BlockHeader>();
    const CHUNK = 500;
    for (let i = 0; i < numbers.length; i += CHUNK) {
      const part = numbers.slice(i, i + CHUNK);
      const blocks = await this.rpc.batch<RawBlock | null>(part.map((n) => ({ method: "eth_getBlockByNumber", params: [hex(n), false] })));
      blocks.forEach((b, k) => {
        if (b === null) throw new RpcError(`block ${part[k]} not found`, undefined);
        out.set(part[k], toHeader(b));
      });
    }
    return out;
  }

  /** The recent address-list changes, by the generation they produced (older ones are forgotten). */
  private changes: { generation: number; added: boolean; address: string }[] = [];
  /** Changes up to this generation are forgotten. */
  private forgotten = 0;

  private record(added: boolean, address: string): void {
    this.changes.push({ generation: this.generation, added, address });
    if (this.changes.length > 1_000) {
      const drop = this.changes.splice(0, 500);
      this.forgotten = drop[drop.length - 1].generation;
    }
  }

  addAddress(address: string): void {
    if (!this.addresses.includes(address)) {
      this.addresses.push(address);
      this.generation++;
      this.record(true, address);
    }
  }

  removeAddress(address: string): void {
    const i = this.addresses.indexOf(address);
    if (i >= 0) {
      this.addresses.splice(i, 1);
      this.generation++;
      this.record(false, address);
    }
  }

  /**
   * The addresses added since `generation`, if the list only grew since then (logs fetched then
   * lack only these addresses' logs); undefined if an address was removed (or if that is too
   * long ago to tell).
   */
  addedSince(generation: number): string[] | undefined {
    if (generation < this.forgotten) return undefined;
    const out: string[] = [];
    for (const c of this.changes) {
      if (c.generation <= generation) continue;
      if (!c.added) return undefined;
      out.push(c.address);
    }
    return out;
  }

  /** Logs of the given addresses in [from, to]. */
  async logsOf(addresses: string[], from: bigint, to: bigint): Promise<Log[]> {
    return this.rpc.getLogs({ address: addresses, fromBlock: hex(from), toBlock: hex(to) });
  }

  /** Logs in [from, to] (inclusive). */
  async logs(from: bigint, to: bigint): Promise<Log[]> {
    return this.rpc.getLogs({ address: this.addresses, fromBlock: hex(from), toBlock: hex(to) });
  }

  /**
   * The end of the range to fetch from `from` (at most `limit`) at the current range size.
   * Ranges are planned before earlier ones are answered (several requests in flight), so the
   * size adapts to the answers as they come: see `rangeLogs`.
   */
  planTo(from: bigint, limit: bigint): bigint {
    const to = from + BigInt(this.range) - 1n;
    return to > limit ? limit : to;
  }

  /**
   * All the logs of [from, to], the range kept as planned: a node error about the size (e.g.
   * "query returned more than 10000 results", "response size exceeded") splits it in halves,
   * fetched one after the other. Each answer adapts the size of the ranges planned next: shrunk
   * to the observed density above twice `targetLogs`; grown while answers are small (×8 when
   * empty; ×2 otherwise, as the density can jump, e.g. from deployment blocks to traffic).
   */
  async rangeLogs(from: bigint, to: bigint): Promise<Log[]> {
    let logs: Log[];
    try {
      logs = await this.logs(from, to);
    } catch (err) {
      if (err instanceof RpcError && err.code !== undefined && to > from) {
        const half = Math.max(1, Math.floor(Number(to - from + 1n) / 2));
        this.range = Math.max(1, Math.min(this.range, half));
        const mid = from + BigInt(half) - 1n;
        const a = await this.rangeLogs(from, mid);
        const b = await this.rangeLogs(mid + 1n, to);
        return a.length === 0 ? b : b.length === 0 ? a : a.concat(b);
      }
      throw err;
    }
    const n = logs.length;
    const span = Number(to - from + 1n);
    if (n > this.targetLogs * 2) {
      this.range = Math.max(1, Math.min(this.range, Math.floor(span / 2), Math.floor((span * this.targetLogs) / n)));
    } else if (n < this.targetLogs / 2 && span >= this.range) {
      this.range = Math.min(this.maxRange, span * (n === 0 ? 8 : 2));
    }
    return logs;
  }
}
