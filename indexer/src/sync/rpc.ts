// A JSON-RPC client for the sync stage: timeouts, retries with exponential backoff and jitter
// on transport faults (connection errors, timeouts, 429 with Retry-After, 5xx, truncated or
// invalid JSON), and batching. Errors the node itself returns (a JSON-RPC error object) are not
// retried here: the caller decides (for example, shrink a getLogs range).

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

  constructor(url: string, opts: RpcOptions = {}) {
    this.url = url;
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
    let attempt = 0;
    for (;;) {
      attempt++;
      this.stats.requests++;
      let retryAfterMs: number | undefined;
      let transportError: string;
      try {
        const res = await fetch(this.url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(reqs.length === 1 ? body[0] : body),
          signal: AbortSignal.timeout(this.opts.timeoutMs),
        });
        const text = await res.text();
        if (res.status === 429 || res.status >= 500) {
          const ra = res.headers.get("retry-after");
          if (ra !== null && /^\d+(\.\d+)?$/.test(ra)) retryAfterMs = Number(ra) * 1000;
          transportError = `HTTP ${res.status}`;
        } else {
          let parsed: unknown;
          try {
            parsed = JSON.parse(text);
          } catch {
            parsed = undefined;
          }
          if (parsed === undefined) {
            transportError = `invalid JSON from the node (HTTP ${res.status}, ${text.length} bytes)`;
          } else {
            const items = (Array.isArray(parsed) ? parsed : [parsed]) as { id: number; result?: T; error?: { code: number; message: string; data?: unknown } }[];
            if (items.length !== reqs.length || items.some((x) => typeof x !== "object" || x === null)) {
              transportError = `malformed JSON-RPC response (${items.length} items for ${reqs.length} requests)`;
            } else {
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
          }
        }
      } catch (err) {
        if (err instanceof RpcError) throw err;
        transportError = (err as Error).name === "TimeoutError" ? `timeout after ${this.opts.timeoutMs} ms` : (err as Error).message;
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
}
