// A JSON-RPC client for the sync stage: timeouts, retries with exponential backoff and jitter
// on transport faults (connection errors, timeouts, 429 with Retry-After, 5xx, truncated or
// invalid JSON), and batching. Errors the node itself returns (a JSON-RPC error object) are not
// retried here: the caller decides (for example, shrink a getLogs range).

import http from "node:http";
import https from "node:https";
import { normalizeLog, parseLogsAnswer, type Log, type RawLog } from "./logs.ts";

export class RpcError extends Error {
  readonly code: number | undefined;
  readonly data: unknown;
  constructor(message: string, code: number | undefined, data?: unknown) {
    super(message);
    this.code = code;
    this.data = data;
  }
}

export interface RpcOptions {
  timeoutMs?: number;
  retries?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  onRetry?: (info: { method: string; attempt: number; error: string; delayMs: number }) => void;
}

export interface RpcStats {
  requests: number;
  retries: number;
  failures: number;
}

type Req = { method: string; params: unknown[] };

export class RpcClient {
  private id = 0;
  readonly stats: RpcStats = { requests: 0, retries: 0, failures: 0 };
  private opts: Required<Omit<RpcOptions, "onRetry">> & Pick<RpcOptions, "onRetry">;

  readonly url: string;
  private target: URL;
  private transport: typeof http | typeof https;
  private agent: http.Agent;

  constructor(url: string, opts: RpcOptions = {}) {
    this.url = url;
    this.target = new URL(url);
    this.transport = this.target.protocol === "https:" ? https : http;
    // kept-alive connections (a few: the backfill overlaps log and header requests)
    this.agent = new this.transport.Agent({ keepAlive: true, maxSockets: 8 });
    this.opts = {
      timeoutMs: opts.timeoutMs ?? 20_000,
      retries: opts.retries ?? 8,
      baseDelayMs: opts.baseDelayMs ?? 100,
      maxDelayMs: opts.maxDelayMs ?? 5_000,
      onRetry: opts.onRetry,
    };
  }

  async call<T>(method: string, params: unknown[] = []): Promise<T> {
    const [r] = await this.batch<T>([{ method, params }]);
    return r;
  }

  /** Sends several calls in one HTTP request; results in order. Node errors reject the batch. */
  async batch<T>(reqs: Req[]): Promise<T[]> {
    if (reqs.length === 0) return [];
    const first = this.id + 1;
    const body = reqs.map((r) => ({ jsonrpc: "2.0", id: ++this.id, method: r.method, params: r.params }));
    const label = reqs.length === 1 ? reqs[0].method : `batch(${reqs.length}×${reqs[0].method})`;
    return this.send(JSON.stringify(reqs.length === 1 ? body[0] : body), label, (bytes) => this.results<T>(bytes, reqs, first, label));
  }

  /**
   * One eth_getLogs call, its answer read by the byte parser of logs.ts (JSON.parse when the
   * answer is not a plain list of logs: then node errors and invalid JSON are handled as usual).
   */
  async getLogs(filter: Record<string, unknown>): Promise<Log[]> {
    const id = ++this.id;
    const req = { method: "eth_getLogs", params: [filter] };
    return this.send(JSON.stringify({ jsonrpc: "2.0", id, ...req }), "eth_getLogs", (bytes) => {
      const fast = parseLogsAnswer(bytes);
      if (fast !== undefined && fast.id === id) return fast.logs;
      const r = this.results<RawLog[]>(bytes, [req], id, "eth_getLogs");
      if (typeof r === "string") return r;
      if (!Array.isArray(r[0])) return `malformed eth_getLogs result (${typeof r[0]})`;
      return r[0].map(normalizeLog);
    });
  }

  /**
   * Reads a JSON-RPC answer to `reqs` (ids from `first`): the results in order, or a string
   * describing a transport-level problem (retried); node errors throw.
   */
  private results<T>(bytes: Buffer, reqs: Req[], first: number, label: string): T[] | string {
    let parsed: unknown;
    try {
      parsed = JSON.parse(bytes.toString("utf8"));
    } catch {
      parsed = undefined;
    }
    if (parsed === undefined) return `invalid JSON from the node (${bytes.length} bytes)`;
    const items = (Array.isArray(parsed) ? parsed : [parsed]) as { id: number; result?: T; error?: { code: number; message: string; data?: unknown } }[];
    if (items.length !== reqs.length || items.some((x) => typeof x !== "object" || x === null)) {
      return `malformed JSON-RPC response (${items.length} items for ${reqs.length} requests)`;
    }
    const byId = new Map(items.map((x) => [x.id, x]));
    const out: T[] = [];
    for (let i = 0; i < reqs.length; i++) {
      const item = byId.get(first + i);
      if (item === undefined) throw new RpcError(`${label}: response is missing id ${first + i}`, undefined);
      if (item.error) throw new RpcError(`${reqs[i].method}: ${item.error.message}`, item.error.code, item.error.data);
      out.push(item.result as T);
    }
    return out;
  }

  /**
   * POSTs `body` until an answer is read: `read` turns a 2xx-4xx answer's bytes into the result,
   * or a string naming a transport problem (retried, like connection errors, timeouts, 429 and
   * 5xx, with exponential backoff and jitter; Retry-After is honoured).
   */
  private async send<R>(body: string, label: string, read: (bytes: Buffer) => R | string): Promise<R> {
    let attempt = 0;
    for (;;) {
      attempt++;
      this.stats.requests++;
      let retryAfterMs: number | undefined;
      let transportError: string;
      try {
        const res = await this.post(body);
        try {
          if (res.status === 429 || res.status >= 500) {
            const ra = res.retryAfter;
            if (ra !== undefined && /^\d+(\.\d+)?$/.test(ra)) retryAfterMs = Number(ra) * 1000;
            transportError = `HTTP ${res.status}`;
          } else {
            const r = read(res.body);
            if (typeof r !== "string") return r;
            transportError = `${r} (HTTP ${res.status})`;
          }
        } finally {
          res.release();
        }
      } catch (err) {
        if (err instanceof RpcError) throw err;
        transportError = (err as Error).message;
      }
      if (attempt > this.opts.retries) {
        this.stats.failures++;
        throw new RpcError(`${label}: giving up after ${attempt} attempts: ${transportError}`, undefined);
      }
      const backoff = Math.min(this.opts.maxDelayMs, this.opts.baseDelayMs * 2 ** (attempt - 1));
      const delayMs = Math.max(retryAfterMs ?? 0, backoff / 2 + Math.random() * (backoff / 2));
      this.stats.retries++;
      this.opts.onRetry?.({ method: label, attempt, error: transportError, delayMs });
      await new Promise((r) => setTimeout(r, delayMs));
    }
  }

  /**
   * One POST over a kept-alive connection; the answer's bytes in one buffer (no text decoding:
   * the readers decide). Rejects on connection errors, a body cut short and the timeout.
   */
  /**
   * Receive buffers for answers of a known length, reused: a backfill receives hundreds of
   * megabytes, and fresh large buffers cost page faults (kernel time) and external-memory GCs.
   * The readers copy out what they keep (strings), so a buffer is free again once read.
   */
  private spare: Buffer[] = [];
  private static readonly SPARE_MAX_BYTES = 64 << 20;
  /** Spare buffers kept: one per request in flight and one being read. */
  private static readonly SPARE_COUNT = 4;

  private takeBuffer(length: number): Buffer {
    // the smallest spare that fits (a big one stays for a big answer)
    let best = -1;
    for (let k = 0; k < this.spare.length; k++) {
      if (this.spare[k].length >= length && (best < 0 || this.spare[k].length < this.spare[best].length)) best = k;
    }
    if (best >= 0) return this.spare.splice(best, 1)[0];
    // A new buffer's pages are faulted in on first write (costly in a VM): sizes are rounded up
    // to a power of two, so that answers of similar sizes reuse the same few buffers; a spare
    // too small for this answer is given up (one that fits is kept instead when released).
    if (this.spare.length > 0) this.spare.shift();
    let size = 1 << 20;
    while (size < length) size *= 2;
    return Buffer.allocUnsafeSlow(size);
  }

  private async post(body: string): Promise<{ status: number; retryAfter: string | undefined; body: Buffer; release: () => void }> {
    try {
      return await this.postOnce(body);
    } catch (err) {
      // A kept-alive connection the server closed while it was idle (its keep-alive timeout):
      // the request never reached it, so it is sent again at once on a new connection.
      // (Counted as a retry, as the node may also have dropped it: it just waits for nothing.)
      if ((err as { staleSocket?: boolean }).staleSocket) {
        this.stats.requests++;
        this.stats.retries++;
        return this.postOnce(body);
      }
      throw err;
    }
  }

  private postOnce(body: string): Promise<{ status: number; retryAfter: string | undefined; body: Buffer; release: () => void }> {
    return new Promise((resolve, reject) => {
      const payload = Buffer.from(body);
      const req = this.transport.request(this.target, {
        method: "POST",
        agent: this.agent,
        headers: { "content-type": "application/json", "content-length": payload.length },
      });
      const timer = setTimeout(() => req.destroy(new Error(`timeout after ${this.opts.timeoutMs} ms`)), this.opts.timeoutMs);
      const fail = (err: Error) => {
        clearTimeout(timer);
        reject(err);
      };
      let answered = false;
      req.on("error", (err: Error & { code?: string; staleSocket?: boolean }) => {
        if (!answered && req.reusedSocket && err.code === "ECONNRESET") err.staleSocket = true;
        fail(err);
      });
      req.on("response", (res) => {
        answered = true;
        const length = Number(res.headers["content-length"]);
        // a known length up to the cap: straight into a reused buffer; otherwise chunks
        const into = Number.isSafeInteger(length) && length > 0 && length <= RpcClient.SPARE_MAX_BYTES ? this.takeBuffer(length) : undefined;
        let released = false;
        const release = () => {
          if (into === undefined || released) return;
          released = true;
          if (this.spare.length < RpcClient.SPARE_COUNT) this.spare.push(into);
        };
        const chunks: Buffer[] = [];
        let got = 0;
        res.on("data", (c: Buffer) => {
          if (into !== undefined) {
            if (got + c.length <= length) c.copy(into, got);
          } else chunks.push(c);
          got += c.length;
        });
        const failed = (err: Error) => {
          release();
          fail(err);
        };
        res.on("error", failed);
        res.on("aborted", () => failed(new Error("connection closed before the answer was complete")));
        res.on("end", () => {
          clearTimeout(timer);
          if (!res.complete || (Number.isFinite(length) && got !== length)) {
            release();
            reject(new Error(`answer cut short (${got} of ${res.headers["content-length"] ?? "?"} bytes)`));
            return;
          }
          const ra = res.headers["retry-after"];
          const bytes = into !== undefined ? into.subarray(0, got) : chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, got);
          resolve({ status: res.statusCode ?? 0, retryAfter: Array.isArray(ra) ? ra[0] : ra, body: bytes, release });
        });
      });
      req.end(payload);
    });
  }

  /** Closes the kept-alive connections. */
  close(): void {
    this.agent.destroy();
  }
}
