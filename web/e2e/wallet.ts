// The test wallet: an EIP-1193 provider injected into every page with addInitScript and announced
// over EIP-6963 (and as window.ethereum), whose requests are answered in Node by a viem local
// account. Signatures (personal_sign, eth_signTypedData_v4) are made in Node with the private key;
// eth_sendTransaction is filled (nonce, gas, fees), signed in Node and sent raw to the Hardhat
// node; every other method (reads, eth_call, eth_estimateGas, receipts, blocks…) is forwarded to
// the node as it is, errors included (so the app sees the contract's revert data).
//
// Like a real wallet it returns no accounts until the site asked for them (eth_requestAccounts or
// wallet_requestPermissions), and it can be told to refuse the next request of a method (the user
// pressing "Reject": EIP-1193 error 4001).
import type { BrowserContext } from "playwright-core";
import { createWalletClient, defineChain, http, type Hex, type PrivateKeyAccount, type WalletClient } from "viem";
import { privateKeyToAccount } from "viem/accounts";

export interface RpcError {
  code: number;
  message: string;
  data?: unknown;
}
export type WalletAnswer = { result: unknown } | { error: RpcError };

export interface WalletRequest {
  method: string;
  params: unknown[];
  at: number;
  answer?: WalletAnswer;
}

export const WALLET_INFO = {
  uuid: "0c6a2f0e-6d0b-4b8e-9d3c-6f7e2f4e1a01",
  name: "UBC Test Wallet",
  rdns: "org.ubc.testwallet",
  // a plain data: URI (no remote images)
  icon: "data:image/svg+xml;base64," + Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="32" height="32"><rect width="32" height="32" rx="6" fill="#2f6f4f"/></svg>').toString("base64"),
} as const;

const BINDING = "__ubcTestWalletRequest";

/** Methods that need the account's key or the user's consent; everything else goes to the node. */
const LOCAL = new Set([
  "eth_requestAccounts", "eth_accounts", "eth_coinbase", "eth_chainId", "net_version",
  "wallet_requestPermissions", "wallet_getPermissions", "wallet_revokePermissions",
  "wallet_switchEthereumChain", "wallet_addEthereumChain", "wallet_getCapabilities", "wallet_watchAsset",
  "personal_sign", "eth_sign", "eth_signTypedData_v4", "eth_signTypedData", "eth_sendTransaction", "eth_signTransaction",
]);

export class TestWallet {
  readonly account: PrivateKeyAccount;
  readonly address: Hex;
  readonly chainId: number;
  readonly rpcUrl: string;
  /** Every request the pages made, in order, with its answer. */
  readonly requests: WalletRequest[] = [];
  /** Whether the site has been given the account (eth_requestAccounts). */
  authorized = false;
  private readonly client: WalletClient;
  private readonly rejectNext = new Set<string>();
  private sendQueue: Promise<unknown> = Promise.resolve();
  private rpcId = 1;

  constructor(privateKey: Hex, rpcUrl: string, chainId = 31337) {
    this.account = privateKeyToAccount(privateKey);
    this.address = this.account.address;
    this.chainId = chainId;
    this.rpcUrl = rpcUrl;
    const chain = defineChain({
      id: chainId, name: "UBC devnet", nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
      rpcUrls: { default: { http: [rpcUrl] } },
    });
    this.client = createWalletClient({ account: this.account, chain, transport: http(rpcUrl, { retryCount: 0 }) });
  }

  /** The next request of `method` is refused as if the user pressed "Reject" (EIP-1193 4001). */
  rejectNextRequest(method: string): void {
    this.rejectNext.add(method);
  }

  /** Requests of one method so far. */
  calls(method: string): WalletRequest[] {
    return this.requests.filter((r) => r.method === method);
  }

  /** Answers one EIP-1193 request (what the injected provider calls through the binding). */
  async handle(method: string, params: unknown[] = []): Promise<WalletAnswer> {
    const entry: WalletRequest = { method, params, at: Date.now() };
    this.requests.push(entry);
    try {
      if (this.rejectNext.delete(method)) {
        entry.answer = { error: { code: 4001, message: "User rejected the request." } };
      } else if (LOCAL.has(method)) {
        entry.answer = { result: await this.local(method, params) };
      } else {
        entry.answer = await this.forward(method, params);
      }
    } catch (err) {
      entry.answer = { error: toRpcError(err) };
    }
    return entry.answer;
  }

  private async local(method: string, params: unknown[]): Promise<unknown> {
    const hexChain = `0x${this.chainId.toString(16)}`;
    switch (method) {
      case "eth_requestAccounts":
        this.authorized = true;
        return [this.address];
      case "eth_accounts":
        return this.authorized ? [this.address] : [];
      case "eth_coinbase":
        return this.authorized ? this.address : null;
      case "eth_chainId":
        return hexChain;
      case "net_version":
        return String(this.chainId);
      case "wallet_requestPermissions":
        this.authorized = true;
        return [{ parentCapability: "eth_accounts", caveats: [{ type: "restrictReturnedAccounts", value: [this.address] }] }];
      case "wallet_getPermissions":
        return this.authorized ? [{ parentCapability: "eth_accounts", caveats: [{ type: "restrictReturnedAccounts", value: [this.address] }] }] : [];
      case "wallet_revokePermissions":
        this.authorized = false;
        return null;
      case "wallet_switchEthereumChain":
      case "wallet_addEthereumChain": {
        const wanted = (params[0] as { chainId?: string } | undefined)?.chainId;
        if (wanted !== undefined && BigInt(wanted) !== BigInt(this.chainId)) {
          throw rpcError(4902, `this wallet only knows chain ${this.chainId}, not ${BigInt(wanted)}`);
        }
        return null;
      }
      case "wallet_getCapabilities":
      case "wallet_watchAsset":
      case "eth_signTransaction":
        throw rpcError(4200, `${method} is not supported by the test wallet`);
    }
    this.requireAuthorized(method);
    switch (method) {
      case "personal_sign": {
        // params: [message (hex or text), address]
        const [message, address] = params as [string, string];
        this.requireSelf(address);
        return this.account.signMessage({ message: isHex(message) ? { raw: message as Hex } : message });
      }
      case "eth_sign": {
        const [address, message] = params as [string, string];
        this.requireSelf(address);
        return this.account.signMessage({ message: { raw: message as Hex } });
      }
      case "eth_signTypedData":
      case "eth_signTypedData_v4": {
        const [address, data] = params as [string, string | Record<string, unknown>];
        this.requireSelf(address);
        const typed = (typeof data === "string" ? JSON.parse(data) : data) as {
          domain: Record<string, unknown>; types: Record<string, { name: string; type: string }[]>; primaryType: string; message: Record<string, unknown>;
        };
        const { EIP712Domain: _domainType, ...types } = typed.types;
        void _domainType;
        return this.account.signTypedData({ domain: typed.domain, types, primaryType: typed.primaryType, message: typed.message } as Parameters<PrivateKeyAccount["signTypedData"]>[0]);
      }
      case "eth_sendTransaction":
        return this.sendTransaction(params[0] as Record<string, string | undefined>);
    }
    throw rpcError(4200, `${method} is not supported`);
  }

  private requireAuthorized(method: string) {
    if (!this.authorized) throw rpcError(4100, `${method}: the site has not been given access to the account (eth_requestAccounts first)`);
  }

  private requireSelf(address: string | undefined) {
    if (address !== undefined && address.toLowerCase() !== this.address.toLowerCase()) {
      throw rpcError(4100, `the test wallet holds ${this.address}, not ${address}`);
    }
  }

  /** Fills, signs (in Node) and sends one transaction; transactions are sent one at a time so that nonces never race. */
  private sendTransaction(tx: Record<string, string | undefined>): Promise<Hex> {
    this.requireSelf(tx.from);
    const big = (v: string | undefined) => (v === undefined || v === null ? undefined : BigInt(v));
    const run = async () => {
      const common = {
        account: this.account, chain: this.client.chain, to: tx.to as Hex | undefined, data: (tx.data ?? tx.input) as Hex | undefined,
        value: big(tx.value), gas: big(tx.gas), nonce: tx.nonce === undefined ? undefined : Number(BigInt(tx.nonce)),
      };
      if (tx.gasPrice !== undefined) return this.client.sendTransaction({ ...common, gasPrice: big(tx.gasPrice) } as Parameters<WalletClient["sendTransaction"]>[0]);
      return this.client.sendTransaction({ ...common, maxFeePerGas: big(tx.maxFeePerGas), maxPriorityFeePerGas: big(tx.maxPriorityFeePerGas) } as Parameters<WalletClient["sendTransaction"]>[0]);
    };
    const p = this.sendQueue.then(run, run);
    this.sendQueue = p.catch(() => undefined);
    return p;
  }

  /** Sends a request to the Hardhat node as it is and returns its answer, errors included. */
  private async forward(method: string, params: unknown[]): Promise<WalletAnswer> {
    const res = await fetch(this.rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: this.rpcId++, method, params }),
    });
    const body = (await res.json()) as { result?: unknown; error?: RpcError };
    if (body.error) return { error: { code: body.error.code, message: body.error.message, data: body.error.data } };
    return { result: body.result ?? null };
  }
}

function isHex(s: string): boolean {
  return /^0x[0-9a-fA-F]*$/.test(s);
}

function rpcError(code: number, message: string, data?: unknown): Error & RpcError {
  return Object.assign(new Error(message), { code, data });
}

/** viem / node errors as an EIP-1193 error, keeping the revert data where there is one. */
function toRpcError(err: unknown): RpcError {
  const e = err as { code?: unknown; message?: string; shortMessage?: string; data?: unknown; cause?: unknown };
  if (typeof e.code === "number") return { code: e.code, message: e.message ?? String(err), data: e.data };
  // walk viem's cause chain for the node's own error (code 3 "execution reverted" with data)
  let c: unknown = err;
  for (let i = 0; i < 10 && c; i++) {
    const x = c as { code?: unknown; data?: unknown; cause?: unknown; message?: string; shortMessage?: string };
    if (typeof x.code === "number" && x.code !== 0) {
      const data = typeof x.data === "string" ? x.data : (x.data as { data?: unknown } | undefined)?.data;
      return { code: x.code, message: x.shortMessage ?? x.message ?? String(err), data };
    }
    c = x.cause;
  }
  return { code: -32603, message: e.shortMessage ?? e.message ?? String(err) };
}

/**
 * Installs the wallet in a browser context: every page (and frame) gets an EIP-1193 provider that
 * announces itself over EIP-6963 and is also window.ethereum.
 */
export async function installWallet(context: BrowserContext, wallet: TestWallet): Promise<void> {
  await context.exposeFunction(BINDING, (method: string, params: unknown[]) => wallet.handle(method, params ?? []));
  await context.addInitScript(injectedProvider, { binding: BINDING, info: WALLET_INFO, chainId: `0x${wallet.chainId.toString(16)}` });
}

/** Runs in the page (serialised by Playwright): keep it self-contained. */
function injectedProvider(args: { binding: string; info: typeof WALLET_INFO; chainId: string }) {
  type Listener = (...a: unknown[]) => void;
  const w = window as unknown as Record<string, unknown>;
  const call = w[args.binding] as (method: string, params: unknown[]) => Promise<{ result?: unknown; error?: { code: number; message: string; data?: unknown } }>;
  const listeners = new Map<string, Set<Listener>>();
  const emit = (event: string, ...a: unknown[]) => {
    for (const l of listeners.get(event) ?? []) {
      try {
        l(...a);
      } catch (err) {
        console.error(err);
      }
    }
  };
  let accounts: unknown[] = [];
  const provider = {
    isUbcTestWallet: true,
    async request(req: { method: string; params?: unknown[] | Record<string, unknown> }) {
      if (typeof req !== "object" || req === null || typeof req.method !== "string") {
        throw Object.assign(new Error("request({ method, params }) expected"), { code: -32600 });
      }
      const params = Array.isArray(req.params) ? req.params : req.params === undefined ? [] : [req.params];
      const answer = await call(req.method, params);
      if (answer.error) throw Object.assign(new Error(answer.error.message), { code: answer.error.code, data: answer.error.data });
      if ((req.method === "eth_requestAccounts" || req.method === "eth_accounts") && Array.isArray(answer.result)) {
        const before = JSON.stringify(accounts);
        accounts = answer.result;
        if (before !== JSON.stringify(accounts)) {
          if (before === "[]") emit("connect", { chainId: args.chainId });
          emit("accountsChanged", accounts);
        }
      }
      if (req.method === "wallet_revokePermissions") {
        accounts = [];
        emit("accountsChanged", []);
      }
      return answer.result;
    },
    on(event: string, l: Listener) {
      if (!listeners.has(event)) listeners.set(event, new Set());
      listeners.get(event)!.add(l);
      return provider;
    },
    removeListener(event: string, l: Listener) {
      listeners.get(event)?.delete(l);
      return provider;
    },
    off(event: string, l: Listener) {
      return provider.removeListener(event, l);
    },
  };
  const detail = Object.freeze({ info: Object.freeze({ ...args.info }), provider });
  const announce = () => window.dispatchEvent(new CustomEvent("eip6963:announceProvider", { detail }));
  window.addEventListener("eip6963:requestProvider", announce);
  if (w.ethereum === undefined) w.ethereum = provider;
  announce();
}
