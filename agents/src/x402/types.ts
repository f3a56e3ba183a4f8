// x402 ("HTTP 402 Payment Required") with the "exact" scheme on EVM: the server states its
// terms in a 402 answer; the client pays by signing an EIP-3009 TransferWithAuthorization of
// COMPUTE and retries with it in the X-PAYMENT header; the server verifies the authorisation,
// settles it on-chain, and answers with X-PAYMENT-RESPONSE. See docs/x402.md.
import { TRANSFER_WITH_AUTHORIZATION_TYPES as GENERATED_TYPES } from "../generated/eip712.ts";

export const X402_VERSION = 1;
export const PAYMENT_HEADER = "x-payment";
export const PAYMENT_RESPONSE_HEADER = "x-payment-response";

/** One way to pay for a resource (an element of the 402 answer's `accepts`). */
export interface PaymentRequirements {
  scheme: "exact";
  /** "eip155:<chainId>" */
  network: string;
  /** Price in the asset's smallest unit (COMPUTE wei), decimal string. */
  maxAmountRequired: string;
  resource: string;
  description: string;
  mimeType: string;
  /** The address paid. */
  payTo: string;
  /** How long the signed authorisation must stay valid, seconds. */
  maxTimeoutSeconds: number;
  /** The ERC-20 with EIP-3009 (COMPUTE). */
  asset: string;
  /** The asset's EIP-712 domain name and version. */
  extra: { name: string; version: string };
}

export interface PaymentRequiredBody {
  x402Version: number;
  accepts: PaymentRequirements[];
  error?: string;
}

export interface ExactAuthorization {
  from: string;
  to: string;
  value: string;
  validAfter: string;
  validBefore: string;
  nonce: string;
}

/** The decoded X-PAYMENT header. */
export interface PaymentPayload {
  x402Version: number;
  scheme: "exact";
  network: string;
  payload: { signature: string; authorization: ExactAuthorization };
}

/** The decoded X-PAYMENT-RESPONSE header. */
export interface SettlementResponse {
  success: boolean;
  transaction: string;
  network: string;
  payer: string;
}

/** ethers takes mutable field lists; the fields come from the contract (scripts/codegen-abis.ts). */
export const TRANSFER_WITH_AUTHORIZATION_TYPES = { TransferWithAuthorization: [...GENERATED_TYPES.TransferWithAuthorization] };

export function encodeHeader(value: unknown): string {
  return Buffer.from(JSON.stringify(value), "utf8").toString("base64");
}

export function decodeHeader<T>(header: string): T {
  return JSON.parse(Buffer.from(header, "base64").toString("utf8")) as T;
}
