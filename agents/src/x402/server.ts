// The seller's side of x402: a request without a valid payment gets 402 with the terms; a
// request with an X-PAYMENT header is verified (scheme, network, asset, payee, amount, validity
// window, unused nonce, balance, and the payer's EIP-712 signature) and settled on-chain with
// transferWithAuthorization before the resource is served. Verification failures are 402 with a
// reason; nothing is served unless the settlement transaction succeeded.
import type { IncomingMessage, ServerResponse } from "node:http";
import { ethers } from "ethers";
import {
  decodeHeader, encodeHeader, PAYMENT_HEADER, PAYMENT_RESPONSE_HEADER, TRANSFER_WITH_AUTHORIZATION_TYPES, X402_VERSION,
  type PaymentPayload, type PaymentRequirements, type SettlementResponse,
} from "./types.ts";
import { COMPUTE_TOKEN_DOMAIN } from "../generated/eip712.ts";

const TOKEN_ABI = [
  "function transferWithAuthorization(address from,address to,uint256 value,uint256 validAfter,uint256 validBefore,bytes32 nonce,bytes signature)",
  "function authorizationState(address authorizer, bytes32 nonce) view returns (bool)",
  "function balanceOf(address) view returns (uint256)",
];

export interface PaywallOptions {
  /** The COMPUTE token (an EIP-3009 token). */
  asset: string;
  chainId: number;
  /** Pays the gas of settlement and receives the payment (or set payTo). */
  wallet: ethers.Signer;
  payTo?: string;
  /** EIP-712 domain of the asset. */
  assetDomain?: { name: string; version: string };
  maxTimeoutSeconds?: number;
}

export interface PricedResource {
  /** Price in COMPUTE wei. */
  price: bigint;
  description: string;
  mimeType?: string;
}

export class PaymentError extends Error {
  readonly reason: string;
  constructor(reason: string, message: string) {
    super(message);
    this.reason = reason;
  }
}

export class Paywall {
  private opts: Required<Omit<PaywallOptions, "payTo">> & { payTo?: string };
  private token: ethers.Contract;
  private settling = new Set<string>();
  counters = { required: 0, paid: 0, refused: 0 };

  constructor(opts: PaywallOptions) {
    this.opts = { assetDomain: { ...COMPUTE_TOKEN_DOMAIN }, maxTimeoutSeconds: 120, ...opts };
    this.token = new ethers.Contract(opts.asset, TOKEN_ABI, opts.wallet);
  }

  private async payTo(): Promise<string> {
    return (this.opts.payTo ?? (await this.opts.wallet.getAddress())).toLowerCase();
  }

  async requirements(resourceUrl: string, r: PricedResource): Promise<PaymentRequirements> {
    return {
      scheme: "exact",
      network: `eip155:${this.opts.chainId}`,
      maxAmountRequired: r.price.toString(),
      resource: resourceUrl,
      description: r.description,
      mimeType: r.mimeType ?? "application/json",
      payTo: await this.payTo(),
      maxTimeoutSeconds: this.opts.maxTimeoutSeconds,
      asset: this.opts.asset.toLowerCase(),
      extra: this.opts.assetDomain,
    };
  }

  /** Verifies an X-PAYMENT header against the requirements; returns the decoded payment. */
  async verify(header: string, req: PaymentRequirements): Promise<PaymentPayload> {
    let p: PaymentPayload;
    try {
      p = decodeHeader<PaymentPayload>(header);
    } catch {
      throw new PaymentError("invalid_payload", "the X-PAYMENT header is not base64 JSON");
    }
    const a = p?.payload?.authorization;
    if (p?.x402Version !== X402_VERSION || p.scheme !== "exact" || typeof a !== "object" || a === null || typeof p.payload.signature !== "string") {
      throw new PaymentError("invalid_payload", "expected an x402 v1 exact-scheme payment");
    }
    if (p.network !== req.network) throw new PaymentError("invalid_network", `payment for ${p.network}, this resource takes ${req.network}`);
    for (const k of ["from", "to"] as const) if (!ethers.isAddress(a[k])) throw new PaymentError("invalid_payload", `authorization.${k} is not an address`);
    for (const k of ["value", "validAfter", "validBefore"] as const) if (typeof a[k] !== "string" || !/^\d{1,78}$/.test(a[k])) throw new PaymentError("invalid_payload", `authorization.${k} must be a decimal string`);
    if (typeof a.nonce !== "string" || !/^0x[0-9a-fA-F]{64}$/.test(a.nonce)) throw new PaymentError("invalid_payload", "authorization.nonce must be 32 bytes of hex");
    if (a.to.toLowerCase() !== req.payTo) throw new PaymentError("invalid_payee", `the payment goes to ${a.to}, not ${req.payTo}`);
    if (BigInt(a.value) < BigInt(req.maxAmountRequired)) throw new PaymentError("insufficient_amount", `paid ${a.value}, the price is ${req.maxAmountRequired}`);
    const now = BigInt(Math.floor(Date.now() / 1000));
    if (BigInt(a.validAfter) >= now) throw new PaymentError("not_yet_valid", "the authorization is not valid yet");
    if (BigInt(a.validBefore) <= now + 6n) throw new PaymentError("expired", "the authorization expires too soon to settle");
    const domain = { name: req.extra.name, version: req.extra.version, chainId: this.opts.chainId, verifyingContract: req.asset };
    let signer: string;
    try {
      signer = ethers.verifyTypedData(domain, TRANSFER_WITH_AUTHORIZATION_TYPES, a, p.payload.signature).toLowerCase();
    } catch {
      throw new PaymentError("invalid_signature", "the signature is malformed");
    }
    if (signer !== a.from.toLowerCase()) throw new PaymentError("invalid_signature", `signed by ${signer}, not by the payer ${a.from}`);
    if (await this.token.authorizationState(a.from, a.nonce)) throw new PaymentError("nonce_used", "this authorization was already used or cancelled");
    if ((await this.token.balanceOf(a.from)) < BigInt(a.value)) throw new PaymentError("insufficient_funds", `${a.from} holds less than ${a.value}`);
    return p;
  }

  /** Submits the authorization on-chain and waits for it. */
  async settle(p: PaymentPayload): Promise<SettlementResponse> {
    const a = p.payload.authorization;
    const key = `${a.from.toLowerCase()}:${a.nonce}`;
    if (this.settling.has(key)) throw new PaymentError("nonce_used", "this authorization is being settled already");
    this.settling.add(key);
    try {
      const tx = await this.token.transferWithAuthorization(a.from, a.to, a.value, a.validAfter, a.validBefore, a.nonce, p.payload.signature);
      const receipt = await tx.wait();
      if (receipt === null || receipt.status !== 1) throw new PaymentError("settlement_failed", "the settlement transaction failed");
      return { success: true, transaction: receipt.hash, network: p.network, payer: a.from.toLowerCase() };
    } catch (err) {
      if (err instanceof PaymentError) throw err;
      throw new PaymentError("settlement_failed", `settlement reverted: ${(err as Error).message.slice(0, 200)}`);
    } finally {
      this.settling.delete(key);
    }
  }

  /**
   * Handles a paid request: returns true when the caller may serve the resource (payment
   * settled, X-PAYMENT-RESPONSE set); otherwise it has answered 402 itself.
   */
  async handle(req: IncomingMessage, res: ServerResponse, resourceUrl: string, r: PricedResource): Promise<boolean> {
    const requirements = await this.requirements(resourceUrl, r);
    const header = req.headers[PAYMENT_HEADER];
    const refuse = (error: string) => {
      res.writeHead(402, { "content-type": "application/json" });
      res.end(JSON.stringify({ x402Version: X402_VERSION, accepts: [requirements], error }));
    };
    if (typeof header !== "string" || header.length === 0) {
      this.counters.required++;
      refuse("X-PAYMENT header is required");
      return false;
    }
    if (header.length > 8192) {
      this.counters.refused++;
      refuse("invalid_payload: the X-PAYMENT header is too large");
      return false;
    }
    try {
      const payment = await this.verify(header, requirements);
      const settlement = await this.settle(payment);
      this.counters.paid++;
      res.setHeader(PAYMENT_RESPONSE_HEADER, encodeHeader(settlement));
      res.setHeader("access-control-expose-headers", PAYMENT_RESPONSE_HEADER);
      return true;
    } catch (err) {
      this.counters.refused++;
      if (err instanceof PaymentError) refuse(`${err.reason}: ${err.message}`);
      else refuse(`verification failed: ${(err as Error).message.slice(0, 200)}`);
      return false;
    }
  }
}
