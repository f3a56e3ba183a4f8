// The runtime's transaction layer: one TxSender per agent key. Transactions are signed locally
// (viem), numbered from a local nonce counter and sent raw, one at a time per key (a nonce gap
// would hold later transactions back), with a fixed gas limit per call so that no estimate
// round-trip is needed. A revert comes back as a UbcContractError naming the protocol's custom
// error. On a chain that mines every transaction when it arrives (Hardhat's automine) the send
// answer already tells success or revert; elsewhere the receipt is awaited.
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

/** Sends an agent's transactions in order. */
export class TxSender {
  readonly account: Account;
  readonly env: TxEnv;
  readonly addresses: Addresses;
  readonly stats: TxStats = { sent: 0, ms: 0, reverted: 0, gasUsed: 0n };
  private nonce: number | undefined;
  private queue: Promise<unknown> = Promise.resolve();
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
    return this.enqueue(() => this.sendNow(to, data, 0n, opts.gas ?? gasFor(fn, args), contract, fn));
  }

  /** A plain value transfer. */
  transfer(to: Address, value: bigint): Promise<Hex> {
    return this.enqueue(() => this.sendNow(to, "0x", value, 21_000n, "ETH", "transfer"));
  }

  private enqueue<T>(f: () => Promise<T>): Promise<T> {
    const p = this.queue.then(f, f);
    this.queue = p.catch(() => undefined);
    return p;
  }

  private async sendNow(to: Address, data: Hex, value: bigint, gas: bigint, contract: string, fn: string): Promise<Hex> {
    if (this.nonce === undefined) this.nonce = await this.env.client.getTransactionCount({ address: this.address, blockTag: "pending" });
    await this.env.refreshFees();
    const nonce = this.nonce;
    const started = performance.now();
    const raw = await this.account.signTransaction!({
      chainId: this.env.chainId, type: "eip1559", nonce, to, data, value, gas,
      maxFeePerGas: this.env.maxFeePerGas, maxPriorityFeePerGas: this.env.maxPriorityFeePerGas,
    });
    this.stats.sent++;
    let hash: Hex;
    try {
      hash = await this.env.rpc<Hex>("eth_sendRawTransaction", [raw]);
      this.nonce = nonce + 1;
      this.stats.ms += performance.now() - started;
    } catch (err) {
      if (err instanceof RpcError && err.data !== undefined && /revert|VM Exception/i.test(err.message)) {
        // mined and reverted (automine): the nonce is used
        this.nonce = nonce + 1;
        this.stats.reverted++;
        this.onSent?.(false);
        throw decodeRevert(contract, fn, err);
      }
      this.nonce = undefined; // unknown whether it was taken: ask the node next time
      this.onSent?.(false);
      throw err;
    }
    if (!this.env.automine) {
      const receipt = await this.env.client.waitForTransactionReceipt({ hash });
      this.stats.gasUsed += receipt.gasUsed;
      if (receipt.status !== "success") {
        this.stats.reverted++;
        this.onSent?.(false);
        throw new UbcContractError(contract, fn, "unknown", [], `transaction ${hash} reverted`);
      }
    }
    this.onSent?.(true);
    return hash;
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
