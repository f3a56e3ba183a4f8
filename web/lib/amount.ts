// Amount input: parse a decimal string typed by a person into wei, with the reason when it is not
// acceptable. Pure, tested in amount.test.ts.

export type AmountCheck = { ok: true; value: bigint } | { ok: false; error: string };

export interface AmountRules {
  decimals?: number;
  /** Smallest acceptable value in wei (inclusive). */
  min?: bigint;
  /** Largest acceptable value in wei (inclusive), e.g. the balance. */
  max?: bigint;
  /** Words for the error when above max, e.g. "your UBC balance". */
  maxLabel?: string;
  minLabel?: string;
  unit?: string;
  /** Accept zero (default false). */
  allowZero?: boolean;
}

/** "1,000.5" → 1000500000000000000000n; refuses signs, exponents, too many decimals, empty. */
export function parseAmount(input: string, rules: AmountRules = {}): AmountCheck {
  const decimals = rules.decimals ?? 18;
  const unit = rules.unit ? ` ${rules.unit}` : "";
  const s = input.trim().replace(/[,_\s]/g, "");
  if (s === "") return { ok: false, error: "Enter an amount." };
  if (!/^\d*\.?\d*$/.test(s) || s === ".") return { ok: false, error: "Enter a positive number, like 100 or 12.5." };
  const [whole, frac = ""] = s.split(".");
  if (frac.length > decimals) return { ok: false, error: `At most ${decimals} decimal places.` };
  const value = BigInt(whole || "0") * 10n ** BigInt(decimals) + BigInt((frac + "0".repeat(decimals)).slice(0, decimals) || "0");
  if (value === 0n && !rules.allowZero) return { ok: false, error: "The amount must be more than zero." };
  if (value >= 2n ** 256n) return { ok: false, error: "The amount is too large." };
  if (rules.min !== undefined && value < rules.min) {
    return { ok: false, error: `The minimum is ${fmt(rules.min, decimals)}${unit}${rules.minLabel ? ` (${rules.minLabel})` : ""}.` };
  }
  if (rules.max !== undefined && value > rules.max) {
    return { ok: false, error: `That is more than ${rules.maxLabel ?? "the maximum"} (${fmt(rules.max, decimals)}${unit}).` };
  }
  return { ok: true, value };
}

/** A whole number (units, shares count, minutes): "12" → 12n. */
export function parseInteger(input: string, opts: { min?: bigint; max?: bigint; label?: string } = {}): AmountCheck {
  const s = input.trim().replace(/[,_\s]/g, "");
  const label = opts.label ?? "The number";
  if (s === "") return { ok: false, error: `Enter ${label.toLowerCase()}.` };
  if (!/^\d+$/.test(s)) return { ok: false, error: `${label} must be a whole number.` };
  const v = BigInt(s);
  if (opts.min !== undefined && v < opts.min) return { ok: false, error: `${label} must be at least ${opts.min}.` };
  if (opts.max !== undefined && v > opts.max) return { ok: false, error: `${label} must be at most ${opts.max}.` };
  return { ok: true, value: v };
}

function fmt(v: bigint, decimals: number): string {
  const unit = 10n ** BigInt(decimals);
  const frac = (v % unit).toString().padStart(decimals, "0").replace(/0+$/, "");
  const whole = (v / unit).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return frac ? `${whole}.${frac}` : whole;
}
