// Market helpers: resource kinds as bytes32, quote typed data, best price per kind. Pure.
import { keccak256, toHex, type Address, type Hex } from "viem";
import { rememberResourceKind } from "./format.ts";
import { QUOTE_TYPES, WORK_MARKET_DOMAIN } from "./generated/eip712.ts";

export interface QuoteFields {
  providerAgentId: bigint;
  resourceKind: Hex;
  units: bigint;
  unitPrice: bigint;
  expiry: bigint;
  nonce: bigint;
  requester: bigint;
  deliveryPeriod: bigint;
}

export function quoteTypedData(q: QuoteFields, chainId: number, market: Address) {
  return {
    domain: { ...WORK_MARKET_DOMAIN, chainId, verifyingContract: market },
    types: QUOTE_TYPES,
    primaryType: "Quote" as const,
    message: q,
  };
}

/** The bytes32 of a resource kind's name (keccak256, as the SDK writes it); remembers the name for resourceKindLabel. */
export function resourceKindHash(name: string): Hex {
  const h = keccak256(toHex(name));
  rememberResourceKind(h, name);
  return h;
}

/** "gpu-hour" → keccak256("gpu-hour") (the SDK's convention); an 0x-prefixed 32-byte hex is taken as is. */
export function resourceKindToBytes32(kind: string): { ok: true; value: Hex } | { ok: false; error: string } {
  const k = kind.trim();
  if (k === "") return { ok: false, error: "Enter a resource kind, like gpu-hour." };
  if (/^0x[0-9a-fA-F]{64}$/.test(k)) return { ok: true, value: k.toLowerCase() as Hex };
  if (k.length > 64) return { ok: false, error: "A resource kind is a short name (at most 64 characters)." };
  return { ok: true, value: resourceKindHash(k) };
}

/** The spec hash of a job specification text (never zero). */
export function specHash(spec: string): Hex {
  return keccak256(toHex(spec.trim() === "" ? "unspecified" : spec));
}

export { challengeBond, providerDeposit, requesterLock } from "./fees.ts";

export interface PricedQuote {
  resourceKind: string;
  unitPrice: string;
  units: string;
}

/** The cheapest quote per resource kind (ties: the first seen), sorted by kind. */
export function bestPerKind<Q extends PricedQuote>(quotes: Q[]): { kind: string; best: Q; count: number }[] {
  const map = new Map<string, { best: Q; count: number }>();
  for (const q of quotes) {
    const cur = map.get(q.resourceKind);
    if (!cur) map.set(q.resourceKind, { best: q, count: 1 });
    else {
      cur.count++;
      if (BigInt(q.unitPrice) < BigInt(cur.best.unitPrice)) cur.best = q;
    }
  }
  return [...map.entries()].map(([kind, v]) => ({ kind, ...v })).sort((a, b) => (a.kind < b.kind ? -1 : 1));
}
