// Launching a venture from the web app: the form's text checked and turned into
// VentureFactory.createVenture's parameters (IVentureFactory.VentureParams), with a reason per field
// for anything the factory would refuse — so a person sees "at most 365 days" under the field instead
// of a reverted transaction. Pure (viem for types only), tested in ventures.test.ts.
import type { ContractFunctionArgs } from "viem";
import type { VentureFactoryAbi } from "./generated/abis.ts";
import { parseAmount } from "./amount.ts";
import { formatAmount } from "./format.ts";

/** The factory's limits (VentureFactory / VentureArgs). */
export const VENTURE_LIMITS = { maxNameBytes: 255, maxUriBytes: 1024, maxRaiseDays: 365, maxRevenueTokens: 8 } as const;
const U128 = 2n ** 128n;
const U32 = 2n ** 32n;
const DAY = 86_400n;

/** What a person types. Shares and percentages are decimal text; `revenue` lists the chosen tokens' addresses. */
export interface VentureDraft {
  name: string;
  symbol: string;
  metadataURI: string;
  /** COMPUTE per whole share: a whole number (pricePerShare is COMPUTE wei per share wei). */
  price: string;
  minShares: string;
  maxShares: string;
  /** Days from creation to the raise's deadline. */
  days: string;
  /** Part of each revenue deposit that goes to the shareholders, in per cent. */
  distributionPct: string;
  /** Performance fee on distributed revenue above the hurdle, in per cent (empty: none). */
  feePct: string;
  /** The hurdle period in days (needed with a fee). */
  feePeriodDays: string;
  revenue: string[];
  /** The operator's agent id ("" or "0": the operator is a plain address). */
  operatorAgentId: string;
}

export type VentureField = keyof VentureDraft;

/** createVenture's argument (IVentureFactory.VentureParams), typed from the generated ABI. */
export type VentureParams = ContractFunctionArgs<typeof VentureFactoryAbi, "nonpayable", "createVenture">[0];

export type VentureCheck = { ok: true; params: VentureParams } | { ok: false; errors: Partial<Record<VentureField, string>> };

const bytes = (s: string) => new TextEncoder().encode(s).length;

/** "12.5" % → 1250 basis points; at most two decimals, 0 to 100. */
export function percentToBps(text: string): { ok: true; bps: number } | { ok: false; error: string } {
  const s = text.trim().replace(/%$/, "").trim();
  if (!/^\d+(\.\d{1,2})?$/.test(s)) return { ok: false, error: "Enter a percentage from 0 to 100, with at most two decimals." };
  const [w, f = ""] = s.split(".");
  const bps = Number(w) * 100 + Number((f + "00").slice(0, 2));
  if (bps > 10_000) return { ok: false, error: "At most 100%." };
  return { ok: true, bps };
}

/** A whole number from text (digits only), or null. */
function whole(text: string): bigint | null {
  const s = text.trim().replace(/[,_\s]/g, "");
  return /^\d+$/.test(s) ? BigInt(s) : null;
}

/**
 * Checks a draft and builds the factory's parameters. `operator` is the connected wallet (the
 * operator receives the raise and may hand the venture on later); hurdles are 0 for every token
 * (the performance fee, if any, applies to all distributed revenue).
 */
export function ventureParams(d: VentureDraft, operator: `0x${string}`): VentureCheck {
  const errors: Partial<Record<VentureField, string>> = {};
  const name = d.name.trim();
  const symbol = d.symbol.trim();
  const uri = d.metadataURI.trim();
  if (name === "") errors.name = "Give the venture a name.";
  else if (bytes(name) > VENTURE_LIMITS.maxNameBytes) errors.name = `At most ${VENTURE_LIMITS.maxNameBytes} bytes.`;
  if (symbol === "") errors.symbol = "Give its shares a symbol, like SOULS.";
  else if (bytes(symbol) > VENTURE_LIMITS.maxNameBytes) errors.symbol = `At most ${VENTURE_LIMITS.maxNameBytes} bytes.`;
  if (bytes(uri) > VENTURE_LIMITS.maxUriBytes) errors.metadataURI = `At most ${VENTURE_LIMITS.maxUriBytes} bytes.`;

  const price = whole(d.price);
  if (price === null) errors.price = "Enter a whole number of COMPUTE per share, like 10.";
  else if (price === 0n) errors.price = "The price must be at least 1 COMPUTE per share.";
  else if (price >= U128) errors.price = "The price is too large.";

  const min = parseAmount(d.minShares, { unit: "shares" });
  const max = parseAmount(d.maxShares, { unit: "shares" });
  if (!min.ok) errors.minShares = min.error;
  else if (min.value >= U128) errors.minShares = "Too many shares.";
  if (!max.ok) errors.maxShares = max.error;
  else if (max.value >= U128) errors.maxShares = "Too many shares.";
  if (min.ok && max.ok && !errors.minShares && !errors.maxShares && min.value > max.value) {
    errors.minShares = `The minimum cannot be above the cap (${formatAmount(max.value)} shares).`;
  }

  const days = whole(d.days);
  if (days === null || days === 0n) errors.days = "Enter a whole number of days, from 1.";
  else if (days > BigInt(VENTURE_LIMITS.maxRaiseDays)) errors.days = `At most ${VENTURE_LIMITS.maxRaiseDays} days.`;

  const dist = percentToBps(d.distributionPct);
  if (!dist.ok) errors.distributionPct = dist.error;
  const fee = d.feePct.trim() === "" ? { ok: true as const, bps: 0 } : percentToBps(d.feePct);
  if (!fee.ok) errors.feePct = fee.error;
  let period = 0n;
  if (fee.ok && fee.bps > 0) {
    const p = whole(d.feePeriodDays);
    if (p === null || p === 0n) errors.feePeriodDays = "A performance fee needs a hurdle period: a whole number of days, from 1.";
    else if (p * DAY >= U32) errors.feePeriodDays = "At most 49,710 days.";
    else period = p * DAY;
  }

  const tokens = [...new Set(d.revenue.map((t) => t.toLowerCase()))];
  if (tokens.length === 0) errors.revenue = "Choose at least one token the venture's revenue may be paid in.";
  else if (tokens.length > VENTURE_LIMITS.maxRevenueTokens) errors.revenue = `At most ${VENTURE_LIMITS.maxRevenueTokens} tokens.`;
  else if (tokens.some((t) => !/^0x[0-9a-f]{40}$/.test(t))) errors.revenue = "Not a token address.";

  const agent = d.operatorAgentId.trim() === "" ? 0n : whole(d.operatorAgentId);
  if (agent === null) errors.operatorAgentId = "An agent id is a whole number.";

  if (Object.keys(errors).length > 0 || price === null || !min.ok || !max.ok || days === null || !dist.ok || !fee.ok || agent === null) {
    return { ok: false, errors };
  }
  return {
    ok: true,
    params: {
      operator,
      operatorAgentId: agent,
      name,
      symbol,
      metadataURI: uri,
      pricePerShare: price,
      minShares: min.value,
      maxShares: max.value,
      raiseDuration: Number(days * DAY),
      distributionBps: dist.bps,
      performanceFeeBps: fee.bps,
      performancePeriod: Number(period),
      revenueTokens: tokens as `0x${string}`[],
      hurdles: tokens.map(() => 0n),
    },
  };
}

/** The raise in COMPUTE wei at a whole-share price: its minimum (to succeed) and its cap. */
export function raiseTargets(price: bigint, minShares: bigint, maxShares: bigint): { min: bigint; cap: bigint } {
  return { min: minShares * price, cap: maxShares * price };
}

/** raiseTargets of a draft as it is being typed (its price and shares read as ventureParams reads them), or null while they do not parse. */
export function draftTargets(d: Pick<VentureDraft, "price" | "minShares" | "maxShares">): { min: bigint; cap: bigint } | null {
  const price = whole(d.price);
  const min = parseAmount(d.minShares);
  const max = parseAmount(d.maxShares);
  return price !== null && price > 0n && min.ok && max.ok ? raiseTargets(price, min.value, max.value) : null;
}

/** topic0 of VentureFactory's VentureCreated event (checked against the generated ABI in ventures.test.ts). */
export const VENTURE_CREATED_TOPIC = "0x8ccabb3fb4b9fe43293fea0811b720937856eb6f4e12834ba75575f0c78821c9";

/** The address of the venture a createVenture receipt's logs announce (its first indexed argument), or undefined. */
export function createdVenture(logs: readonly { address: string; topics: readonly string[] }[], factory: string): `0x${string}` | undefined {
  const log = logs.find((l) => l.address.toLowerCase() === factory.toLowerCase() && l.topics[0]?.toLowerCase() === VENTURE_CREATED_TOPIC && l.topics.length === 4);
  const word = log?.topics[1];
  return word && /^0x0{24}[0-9a-fA-F]{40}$/.test(word) ? (`0x${word.slice(26).toLowerCase()}` as `0x${string}`) : undefined;
}
