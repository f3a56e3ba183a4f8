// The buyer's side of x402: fetch a URL; on 402, choose the COMPUTE "exact" terms on our chain,
// check them against the budget (per request and in total), sign an EIP-3009 authorization
// for exactly the price, retry with X-PAYMENT, and read the settlement from X-PAYMENT-RESPONSE.
import { ethers } from "ethers";
import {
  decodeHeader, encodeHeader, PAYMENT_HEADER, PAYMENT_RESPONSE_HEADER, TRANSFER_WITH_AUTHORIZATION_TYPES, X402_VERSION,
  type PaymentPayload, type PaymentRequiredBody, type PaymentRequirements, type SettlementResponse,
} from "./types.ts";

export class BudgetExceededError extends Error {
  readonly price: bigint;
  readonly remaining: bigint;
  constructor(price: bigint, remaining: bigint, perRequest: boolean) {
    super(perRequest ? `the price ${price} is over the per-request cap ${remaining}` : `the price ${price} is over the budget left (${remaining})`);
    this.price = price;
    this.remaining = remaining;
  }
}

export class PaymentRefusedError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

export interface X402ClientOptions {
  signer: ethers.Signer;
  chainId: number;
  /** The COMPUTE token: only terms in this asset are paid. */
  asset: string;
  /** Total COMPUTE wei this client may spend. */
  budget: bigint;
  /** Most COMPUTE wei one request may cost. */
  maxPerRequest?: bigint;
}

export interface PaidResponse {
  response: Response;
  paid: bigint;
  settlement?: SettlementResponse;
}

export class X402Client {
  private opts: X402ClientOptions;
  spent = 0n;
  payments: { url: string; amount: bigint; transaction: string }[] = [];

  constructor(opts: X402ClientOptions) {
    this.opts = opts;
  }

  get remaining(): bigint {
    return this.opts.budget - this.spent;
  }

  private choose(body: PaymentRequiredBody): PaymentRequirements {
    const ok = (body.accepts ?? []).filter(
      (r) => r.scheme === "exact" && r.network === `eip155:${this.opts.chainId}` && r.asset.toLowerCase() === this.opts.asset.toLowerCase(),
    );
    if (ok.length === 0) throw new PaymentRefusedError(402, "the server accepts no payment this client can make (COMPUTE, exact, this chain)");
    return ok.sort((a, b) => (BigInt(a.maxAmountRequired) < BigInt(b.maxAmountRequired) ? -1 : 1))[0];
  }

  /** Builds the X-PAYMENT header for `req` (exactly its price). */
  async pay(req: PaymentRequirements): Promise<string> {
    const price = BigInt(req.maxAmountRequired);
    if (this.opts.maxPerRequest !== undefined && price > this.opts.maxPerRequest) throw new BudgetExceededError(price, this.opts.maxPerRequest, true);
    if (price > this.remaining) throw new BudgetExceededError(price, this.remaining, false);
    const from = await this.opts.signer.getAddress();
    const now = Math.floor(Date.now() / 1000);
    const authorization = {
      from,
      to: ethers.getAddress(req.payTo),
      value: price.toString(),
      validAfter: String(now - 60),
      validBefore: String(now + Math.max(30, req.maxTimeoutSeconds)),
      nonce: ethers.hexlify(ethers.randomBytes(32)),
    };
    const domain = { name: req.extra.name, version: req.extra.version, chainId: this.opts.chainId, verifyingContract: ethers.getAddress(req.asset) };
    const signature = await this.opts.signer.signTypedData(domain, TRANSFER_WITH_AUTHORIZATION_TYPES, authorization);
    const payload: PaymentPayload = { x402Version: X402_VERSION, scheme: "exact", network: req.network, payload: { signature, authorization } };
    return encodeHeader(payload);
  }

  /** fetch() that pays a 402 within the budget. */
  async fetch(url: string, init: RequestInit = {}): Promise<PaidResponse> {
    const first = await fetch(url, init);
    if (first.status !== 402) return { response: first, paid: 0n };
    const body = (await first.json()) as PaymentRequiredBody;
    const req = this.choose(body);
    const header = await this.pay(req);
    const price = BigInt(req.maxAmountRequired);
    const second = await fetch(url, { ...init, headers: { ...(init.headers as Record<string, string> | undefined), [PAYMENT_HEADER]: header } });
    if (second.status === 402) {
      const why = ((await second.json()) as PaymentRequiredBody).error ?? "payment refused";
      throw new PaymentRefusedError(402, why);
    }
    const raw = second.headers.get(PAYMENT_RESPONSE_HEADER);
    const settlement = raw ? decodeHeader<SettlementResponse>(raw) : undefined;
    if (settlement?.success) {
      this.spent += price;
      this.payments.push({ url, amount: price, transaction: settlement.transaction });
    }
    return { response: second, paid: settlement?.success ? price : 0n, settlement };
  }
}
