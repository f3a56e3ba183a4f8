// The runtime's transaction layer: one TxSender per agent key. Transactions are signed locally
// (viem), numbered from a local nonce counter and sent raw, with a fixed gas limit per call so
// that no estimate round-trip is needed. A revert comes back as a UbcContractError naming the
// protocol's custom error. On a chain that mines every transaction when it arrives (Hardhat's
// automine) the send answer already tells success or revert, and the transactions an agent queues
// in one turn of the event loop, or while its previous send is on the way, go together, in nonce
// order, in one JSON-RPC batch (the node takes a batch's calls in order, and an automining node
// refuses a nonce it cannot mine yet, so separate concurrent requests could arrive out of order);
// elsewhere one transaction at a time per key, its receipt awaited (a nonce gap would hold later
// transactions back).
import {
  decodeErrorResult, encodeFunctionData, keccak256, type Abi, type Account, type Address, type Hex, type PublicClient,
} from "viem";
import { Agent as HttpAgent, request as httpRequest } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { ABIS, type ContractName } from "../generated/abis.ts";
import { UbcContractError } from "../sdk/errors.ts";

const ALL_ERRORS: Abi = Object.values(ABIS).flatMap((abi) => (abi as Abi).filter((x) => x.type === "error"));

/** Gas limits by function (generous: the measured costs are in docs/market.md). */
const GAS: Record<string, bigint> = {
  fillQuote: 320_000n, submit: 120_000n, drawCommittee: 400_000n, attest: 450_000n, challenge: 250_000n,
  expire: 150_000n, finalize: 450_000n, claimFees: 120_000n, giveFeedback: 120_000n, register: 250_000n,
  approve: 80_000n, transfer: 80_000n, stake: 300_000n, stakeFor: 300_000n, claim: 150_000n, claimMany: 400_000n,
  withdraw: 120_000n, requestUnbond: 120_000n, cancelQuotesBelow: 80_000n, cancel: 120_000n,
  createJob: 250_000n, accept: 200_000n,
};
const gasFor = (fn: string, args: readonly unknown[]): bigint => {
  if (fn === "settle" || fn === "claimFees") return 150_000n + 45_000n * BigInt((args[0] as unknown[]).length);
  return GAS[fn] ?? 500_000n;
};

export interface TxStats {
  sent: number;
  /** Milliseconds spent signing and in eth_sendRawTransaction, summed. */
  ms: number;
  reverted: number;
  gasUsed: bigint;
}

/** One sender's raw transactions (in nonce order) waiting for a shared batch, and where its answers go. */
interface OutboxGroup {
  raws: Hex[];
  done: (a: (Hex | RpcError)[]) => void;
  fail: (e: unknown) => void;
}

/** One call's answer in a JSON-RPC batch. */
interface BatchAnswer {
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
}

/** Shared by every sender of a process: the RPC, fees and whether the chain automines. */
export class TxEnv {
  readonly rpcUrl: string;
  readonly chainId: number;
  readonly client: PublicClient;
  automine = false;
  maxFeePerGas = 0n;
  maxPriorityFeePerGas = 1n;
  private feesAt = 0;
  private rpcId = 0;
  private url: URL;
  private agent: HttpAgent;

  constructor(rpcUrl: string, chainId: number, client: PublicClient) {
    this.rpcUrl = rpcUrl;
    this.chainId = chainId;
    this.client = client;
    this.url = new URL(rpcUrl);
    this.agent = new (this.url.protocol === "https:" ? HttpsAgent : HttpAgent)({ keepAlive: true, maxSockets: 256 });
  }

  /** Closes the keep-alive connections (a process exits without waiting for them anyway). */
  close(): void {
    this.agent.destroy();
  }

  async init(): Promise<void> {
    try {
      this.automine = (await this.rpc<boolean>("hardhat_getAutomine", [])) === true;
    } catch {
      this.automine = false;
    }
    await this.refreshFees();
  }

  /**
   * Raw JSON-RPC over keep-alive HTTP (node:http: a third of fetch's CPU per request, which counts
   * at hundreds of transactions a second); throws RpcError with the node's error object. A request
   * that fails on the connection (a keep-alive socket the server closed meanwhile, or no answer in
   * 30 s) is sent again, up to three times: resending the same signed transaction is harmless
   * (same hash).
   */
  async rpc<T>(method: string, params: unknown[]): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      let body: { result?: T; error?: { code: number; message: string; data?: unknown } };
      try {
        body = JSON.parse(await this.post(JSON.stringify({ jsonrpc: "2.0", id: ++this.rpcId, method, params })));
      } catch (err) {
        if (attempt >= 3 || err instanceof SyntaxError) throw err;
        await new Promise((r) => setTimeout(r, 20 * attempt));
        continue;
      }
      if (body.error) {
        // a resend of a transaction that the first attempt delivered
        if (attempt > 1 && method === "eth_sendRawTransaction" && /nonce too low|already (known|imported)|known transaction/i.test(body.error.message)) {
          return keccak256(params[0] as Hex) as T;
        }
        throw new RpcError(method, body.error.code, body.error.message, body.error.data);
      }
      return body.result as T;
    }
  }

  /**
   * Several read calls in one JSON-RPC batch (one HTTP request); the results in order. Throws
   * RpcError for the first call the node answered with an error; a request that fails on the
   * connection is sent again, as `rpc` does (reads only: sending them twice is harmless).
   */
  async rpcBatch(calls: { method: string; params: unknown[] }[]): Promise<unknown[]> {
    const { answers } = await this.batch(calls, `batch of ${calls.map((c) => c.method).join(", ")}`);
    return calls.map((c, i) => {
      const r = answers[i];
      if (!r) throw new RpcError(c.method, 0, "no answer for this call in the batch", undefined);
      if (r.error) throw new RpcError(c.method, r.error.code, r.error.message, r.error.data);
      return r.result;
    });
  }

  /**
   * One JSON-RPC batch request: the answers in the calls' order (matched by id; undefined for a call
   * the node left out) and the attempt that got them. A request that fails on the connection is
   * sent again, up to three attempts, as `rpc` does; an answer that is not an array is an RpcError.
   */
  private async batch(calls: { method: string; params: unknown[] }[], label: string): Promise<{ answers: (BatchAnswer | undefined)[]; attempt: number }> {
    for (let attempt = 1; ; attempt++) {
      const first = this.rpcId + 1;
      this.rpcId += calls.length;
      let body: unknown;
      try {
        body = JSON.parse(await this.post(JSON.stringify(calls.map((c, i) => ({ jsonrpc: "2.0", id: first + i, method: c.method, params: c.params })))));
      } catch (err) {
        if (attempt >= 3 || err instanceof SyntaxError) throw err;
        await new Promise((r) => setTimeout(r, 20 * attempt));
        continue;
      }
      if (!Array.isArray(body)) {
        const e = (body as { error?: BatchAnswer["error"] }).error;
        throw new RpcError(label, e?.code ?? 0, e?.message ?? "the node did not answer the batch with an array", e?.data);
      }
      const byId = new Map<number, BatchAnswer>();
      for (const r of body as (BatchAnswer & { id: number })[]) byId.set(Number(r.id), r);
      return { answers: calls.map((_, i) => byId.get(first + i)), attempt };
    }
  }

  /** Groups of raw transactions waiting for the next shared batch (see `sendRaws`), and their count. */
  private outbox: OutboxGroup[] = [];
  private outboxTxs = 0;
  /**
   * Most transactions in one shared HTTP request: more go in further requests, sent at once (a
   * sender's group is never split), so that no request takes the node long enough to time out.
   */
  maxShared = 256;
  /**
   * The outbox is sent as soon as it holds this many transactions, without waiting for the turn to
   * end: when a swarm's agents act on a new view they sign hundreds of transactions in one turn
   * (~0.1 ms each), and the node, which has answered everything before that view, would otherwise
   * sit idle until the last is signed. 64 measured best in A/B of 100-agent swarms (32: more,
   * smaller requests; 128 and a turn's end: the node waits longer). `UBC_FLUSH_AT` sets it for such
   * comparisons.
   */
  flushAt = Number(process.env.UBC_FLUSH_AT ?? 64);

  /**
   * Sends one sender's raw transactions (in nonce order) in a JSON-RPC batch shared with the other
   * senders of the process that send in the same turn of the event loop (a swarm's agents act on
   * the same view at once): the node answers one HTTP request instead of one per transaction, and
   * takes the batch's calls in order, so each sender's transactions stay in nonce order. A turn
   * that queues `flushAt` transactions or more sends them in several requests, the first at once.
   */
  sendRaws(raws: Hex[]): Promise<(Hex | RpcError)[]> {
    return new Promise((done, fail) => {
      this.outbox.push({ raws, done, fail });
      this.outboxTxs += raws.length;
      if (this.outboxTxs >= this.flushAt) this.flush();
      else if (this.outbox.length === 1) setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    const all = this.outbox;
    this.outbox = [];
    this.outboxTxs = 0;
    for (let i = 0; i < all.length;) {
      let n = all[i].raws.length;
      let j = i + 1;
      while (j < all.length && n + all[j].raws.length <= this.maxShared) n += all[j++].raws.length;
      this.flushGroups(all.slice(i, j));
      i = j;
    }
  }

  private flushGroups(groups: OutboxGroup[]): void {
    this.sendRawBatch(groups.flatMap((g) => g.raws)).then((answers) => {
      let i = 0;
      for (const g of groups) {
        g.done(answers.slice(i, i + g.raws.length));
        i += g.raws.length;
      }
    }, (err: unknown) => {
      for (const g of groups) g.fail(err);
    });
  }

  /**
   * Several eth_sendRawTransaction calls in one JSON-RPC batch, answered in order (by id): each
   * entry is the transaction's hash or its RpcError. A batch that fails on the connection is sent
   * again, as `rpc` does; a transaction the first attempt delivered then answers "nonce too low" or
   * "already known", which counts as sent (same hash).
   */
  async sendRawBatch(raws: Hex[]): Promise<(Hex | RpcError)[]> {
    const { answers, attempt } = await this.batch(raws.map((raw) => ({ method: "eth_sendRawTransaction", params: [raw] })), "eth_sendRawTransaction (batch)");
    return raws.map((raw, i) => {
      const r = answers[i];
      if (!r) return new RpcError("eth_sendRawTransaction", 0, "no answer for this transaction in the batch", undefined);
      if (r.error) {
        if (attempt > 1 && /nonce too low|already (known|imported)|known transaction/i.test(r.error.message)) return keccak256(raw);
        return new RpcError("eth_sendRawTransaction", r.error.code, r.error.message, r.error.data);
      }
      return r.result as Hex;
    });
  }

  private post(payload: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const req = (this.url.protocol === "https:" ? httpsRequest : httpRequest)(this.url, {
        method: "POST", agent: this.agent, timeout: 30_000,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(payload) },
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          if ((res.statusCode ?? 0) >= 500 && !text.startsWith("{")) reject(new Error(`HTTP ${res.statusCode} from ${this.rpcUrl}`));
          else resolve(text);
        });
        res.on("error", reject);
      });
      // a request the node never answers must not hold the agent's queue forever
      req.on("timeout", () => req.destroy(new Error(`no answer from ${this.rpcUrl} in 30 s`)));
      req.on("error", reject);
      req.end(payload);
    });
  }

  async refreshFees(): Promise<void> {
    if (Date.now() - this.feesAt < 5_000 && this.maxFeePerGas > 0n) return;
    this.feesAt = Date.now();
    const block = await this.client.getBlock({ blockTag: "latest" });
    const base = block.baseFeePerGas ?? 1_000_000_000n;
    // headroom for a rising base fee; the unused part is never charged (EIP-1559)
    this.maxFeePerGas = base * 3n + 1_000_000_000n;
    this.maxPriorityFeePerGas = 1n;
  }
}

export class RpcError extends Error {
  readonly code: number;
  readonly data: unknown;
  constructor(method: string, code: number, message: string, data: unknown) {
    super(`${method}: ${message}`);
    this.code = code;
    this.data = data;
  }
}

export interface Addresses {
  [name: string]: Address;
}

/** Transactions of one batch at most (an agent rarely queues more between two answers). */
const MAX_BATCH = 32;

interface Pending {
  to: Address;
  data: Hex;
  value: bigint;
  gas: bigint;
  contract: string;
  fn: string;
  resolve: (h: Hex) => void;
  reject: (e: unknown) => void;
  /** Sent again after a transaction before it in its batch failed without being mined. */
  resent?: boolean;
}

/** A node's answer that the nonce is ahead of the account's (a transaction before it was not mined). */
const NONCE_AHEAD = /nonce too high|can't be queued|nonce gap/i;

/**
 * Sends an agent's transactions in the order of the calls. One send (a single transaction, or on
 * an automining chain a batch of all the transactions queued meanwhile) is on the way per key at a
 * time; a transaction that fails without being mined makes the sender ask the node for the nonce
 * again before the next send, and the later transactions of its batch (refused for the nonce gap,
 * never mined) are sent again once.
 */
export class TxSender {
  readonly account: Account;
  readonly env: TxEnv;
  readonly addresses: Addresses;
  readonly stats: TxStats = { sent: 0, ms: 0, reverted: 0, gasUsed: 0n };
  /** Most transactions sent in one batch (1: one at a time, as on a chain that does not automine). */
  maxBatch = MAX_BATCH;
  private nonce: number | undefined;
  private pending: Pending[] = [];
  private pumping = false;
  /** Called with every transaction (for counting throughput). */
  onSent?: (ok: boolean) => void;

  constructor(account: Account, env: TxEnv, addresses: Addresses) {
    this.account = account;
    this.env = env;
    this.addresses = addresses;
  }

  get address(): Address {
    return this.account.address;
  }

  /** Calls `fn` of a protocol contract (or of the contract at `to`); resolves when mined. */
  call(contract: ContractName, fn: string, args: readonly unknown[] = [], opts: { to?: Address; gas?: bigint } = {}): Promise<Hex> {
    const to = opts.to ?? this.addresses[contract];
    if (!to) throw new Error(`no address for ${contract}`);
    const data = encodeFunctionData({ abi: ABIS[contract] as Abi, functionName: fn, args } as never);
    return this.enqueue(to, data, 0n, opts.gas ?? gasFor(fn, args), contract, fn);
  }

  /** A plain value transfer. */
  transfer(to: Address, value: bigint): Promise<Hex> {
    return this.enqueue(to, "0x", value, 21_000n, "ETH", "transfer");
  }

  private enqueue(to: Address, data: Hex, value: bigint, gas: bigint, contract: string, fn: string): Promise<Hex> {
    return new Promise<Hex>((resolve, reject) => {
      this.pending.push({ to, data, value, gas, contract, fn, resolve, reject });
      if (!this.pumping) void this.pump();
    });
  }

  /** Sends what is queued, a batch at a time, until the queue is empty. */
  private async pump(): Promise<void> {
    this.pumping = true;
    try {
      while (this.pending.length > 0) {
        // automine: gather what the agent queues in this turn of the event loop (the actions of
        // several jobs started by one step, each after awaits of its own) into this batch; the
        // senders gathering in the same turn still share one request (`sendRaws` flushes a turn later)
        if (this.env.automine) await new Promise((r) => setImmediate(r));
        const n = this.env.automine ? Math.max(1, this.maxBatch) : 1;
        const batch = this.pending.splice(0, n);
        try {
          await this.send(batch);
        } catch (err) {
          // nothing of the batch is known to be mined (the nonce or fee lookup, the signing or the
          // connection failed): ask the node for the nonce next time
          this.nonce = undefined;
          for (const p of batch) {
            this.stats.sent++;
            this.onSent?.(false);
            p.reject(err);
          }
        }
      }
    } finally {
      this.pumping = false;
    }
  }

  private async send(batch: Pending[]): Promise<void> {
    if (this.nonce === undefined) this.nonce = await this.env.client.getTransactionCount({ address: this.address, blockTag: "pending" });
    await this.env.refreshFees();
    const first = this.nonce;
    const started = performance.now();
    const raws: Hex[] = [];
    for (let i = 0; i < batch.length; i++) {
      const p = batch[i];
      raws.push(await this.account.signTransaction!({
        chainId: this.env.chainId, type: "eip1559", nonce: first + i, to: p.to, data: p.data, value: p.value, gas: p.gas,
        maxFeePerGas: this.env.maxFeePerGas, maxPriorityFeePerGas: this.env.maxPriorityFeePerGas,
      }));
    }
    // automine: in the process's next shared batch; elsewhere the batch is one transaction
    const answers: (Hex | RpcError)[] = this.env.automine
      ? await this.env.sendRaws(raws)
      : [await this.env.rpc<Hex>("eth_sendRawTransaction", [raws[0]]).catch((e: unknown) => {
        if (e instanceof RpcError) return e;
        throw e;
      })];
    const ms = performance.now() - started;
    // the nonce after the last transaction known to be used (mined, or mined and reverted)
    let next = first;
    let gap = false;
    const resend: Pending[] = [];
    for (let i = 0; i < batch.length; i++) {
      const p = batch[i];
      const a = answers[i];
      if (!(a instanceof RpcError)) {
        if (!gap) next = first + i + 1;
        this.stats.sent++;
        this.stats.ms += ms;
        if (!this.env.automine) {
          await this.receipt(p, a);
          continue;
        }
        this.onSent?.(true);
        p.resolve(a);
        continue;
      }
      if (a.data !== undefined && /revert|VM Exception/i.test(a.message)) {
        // mined and reverted (automine): the nonce is used
        if (!gap) next = first + i + 1;
        this.stats.sent++;
        this.stats.ms += ms;
        this.stats.reverted++;
        this.onSent?.(false);
        p.reject(decodeRevert(p.contract, p.fn, a));
        continue;
      }
      if (gap && !p.resent && NONCE_AHEAD.test(a.message)) {
        // refused only because a transaction before it in the batch was not mined: never sent
        p.resent = true;
        resend.push(p);
        continue;
      }
      // not mined: whether the nonce was taken is unknown, so the node is asked next time
      gap = true;
      this.stats.sent++;
      this.onSent?.(false);
      p.reject(a);
    }
    this.nonce = gap ? undefined : next;
    if (resend.length > 0) this.pending.unshift(...resend);
  }

  private async receipt(p: Pending, hash: Hex): Promise<void> {
    try {
      const receipt = await this.env.client.waitForTransactionReceipt({ hash });
      this.stats.gasUsed += receipt.gasUsed;
      if (receipt.status !== "success") {
        this.stats.reverted++;
        this.onSent?.(false);
        p.reject(new UbcContractError(p.contract, p.fn, "unknown", [], `transaction ${hash} reverted`));
        return;
      }
      this.onSent?.(true);
      p.resolve(hash);
    } catch (err) {
      this.onSent?.(false);
      p.reject(err);
    }
  }
}

function decodeRevert(contract: string, fn: string, err: RpcError): Error {
  const raw = typeof err.data === "string" ? err.data : (err.data as { data?: string } | undefined)?.data;
  if (typeof raw === "string" && raw.startsWith("0x") && raw.length >= 10) {
    try {
      const d = decodeErrorResult({ abi: ALL_ERRORS, data: raw as Hex });
      return new UbcContractError(contract, fn, d.errorName, (d.args ?? []) as readonly unknown[], "");
    } catch {
      /* not a protocol error */
    }
  }
  return new UbcContractError(contract, fn, "unknown", [], err.message);
}
