// Host-side values: what graph-node keeps in its store (graph's `Value`) and what goes in and out
// of ethereum events (`ethereum::Token`), in plain JavaScript.

/** graph-ts ValueKind (common/value.ts). */
export const StoreKind = {
  STRING: 0,
  INT: 1,
  BIGDECIMAL: 2,
  BOOL: 3,
  ARRAY: 4,
  NULL: 5,
  BYTES: 6,
  BIGINT: 7,
  INT8: 8,
  TIMESTAMP: 9,
} as const;

export type StoreValue =
  | { kind: "String"; value: string }
  | { kind: "Int"; value: number }
  | { kind: "BigDecimal"; value: string }
  | { kind: "Bool"; value: boolean }
  | { kind: "Array"; value: StoreValue[] }
  | { kind: "Null" }
  | { kind: "Bytes"; value: string } // lowercase 0x-hex
  | { kind: "BigInt"; value: bigint }
  | { kind: "Int8"; value: bigint }
  | { kind: "Timestamp"; value: bigint };

export type EntityData = Map<string, StoreValue>;

/** graph-ts ethereum.ValueKind (chain/ethereum.ts). */
export const EthKind = {
  ADDRESS: 0,
  FIXED_BYTES: 1,
  BYTES: 2,
  INT: 3,
  UINT: 4,
  BOOL: 5,
  STRING: 6,
  FIXED_ARRAY: 7,
  ARRAY: 8,
  TUPLE: 9,
} as const;

export type EthValue =
  | { kind: "address"; value: string }
  | { kind: "fixedBytes"; value: string }
  | { kind: "bytes"; value: string }
  | { kind: "int"; value: bigint }
  | { kind: "uint"; value: bigint }
  | { kind: "bool"; value: boolean }
  | { kind: "string"; value: string }
  | { kind: "fixedArray"; value: EthValue[] }
  | { kind: "array"; value: EthValue[] }
  | { kind: "tuple"; value: EthValue[] };

export function hex(bytes: Uint8Array): string {
  let s = "0x";
  for (const b of bytes) s += b.toString(16).padStart(2, "0");
  return s;
}

export function unhex(h: string): Uint8Array {
  const s = h.startsWith("0x") || h.startsWith("0X") ? h.slice(2) : h;
  if (s.length % 2 !== 0 || /[^0-9a-fA-F]/.test(s)) throw new Error(`not a hex string: ${h}`);
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.substr(i * 2, 2), 16);
  return out;
}

/** graph-ts BigInt bytes (signed, little-endian, two's complement) to a bigint. */
export function bigIntFromBytes(bytes: Uint8Array): bigint {
  if (bytes.length === 0) return 0n;
  let v = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]);
  if (bytes[bytes.length - 1] & 0x80) v -= 1n << BigInt(bytes.length * 8);
  return v;
}

/** A bigint as the shortest signed little-endian two's complement bytes (num-bigint's to_signed_bytes_le). */
export function bigIntToBytes(v: bigint): Uint8Array {
  const out: number[] = [];
  let x = v;
  for (;;) {
    const byte = Number(x & 0xffn);
    x >>= 8n; // arithmetic shift
    out.push(byte);
    if ((x === 0n && (byte & 0x80) === 0) || (x === -1n && (byte & 0x80) !== 0)) break;
  }
  return Uint8Array.from(out);
}

// ---------------------------------------------------------------- BigDecimal
// graph-node's BigDecimal: arbitrary precision, results rounded to 34 significant digits,
// normalized (no trailing zeros in the digits).

export interface Decimal {
  digits: bigint;
  exp: number;
}

const PRECISION = 34;

function digitCount(v: bigint): number {
  return (v < 0n ? -v : v).toString().length;
}

/** Normalizes: at most 34 significant digits (half-even rounding), no trailing zeros. */
export function normalizeDecimal(d: Decimal): Decimal {
  let { digits, exp } = d;
  if (digits === 0n) return { digits: 0n, exp: 0 };
  const n = digitCount(digits);
  if (n > PRECISION) {
    const drop = n - PRECISION;
    const div = 10n ** BigInt(drop);
    let q = digits / div;
    const r = digits % div;
    const twice = (r < 0n ? -r : r) * 2n;
    if (twice > div || (twice === div && q % 2n !== 0n)) q += digits < 0n ? -1n : 1n;
    digits = q;
    exp += drop;
  }
  while (digits !== 0n && digits % 10n === 0n) {
    digits /= 10n;
    exp += 1;
  }
  return { digits, exp };
}

function align(a: Decimal, b: Decimal): [bigint, bigint, number] {
  const exp = Math.min(a.exp, b.exp);
  return [a.digits * 10n ** BigInt(a.exp - exp), b.digits * 10n ** BigInt(b.exp - exp), exp];
}

export const decimalOps = {
  plus(a: Decimal, b: Decimal): Decimal {
    const [x, y, exp] = align(a, b);
    return normalizeDecimal({ digits: x + y, exp });
  },
  minus(a: Decimal, b: Decimal): Decimal {
    const [x, y, exp] = align(a, b);
    return normalizeDecimal({ digits: x - y, exp });
  },
  times(a: Decimal, b: Decimal): Decimal {
    return normalizeDecimal({ digits: a.digits * b.digits, exp: a.exp + b.exp });
  },
  dividedBy(a: Decimal, b: Decimal): Decimal {
    if (b.digits === 0n) throw new Error("BigDecimal division by zero");
    // Scale the dividend so that the quotient has PRECISION + 2 significant digits, then round.
    const scale = PRECISION + 2 + digitCount(b.digits) - digitCount(a.digits) + 1;
    const s = Math.max(scale, 0);
    const q = (a.digits * 10n ** BigInt(s)) / b.digits;
    return normalizeDecimal({ digits: q, exp: a.exp - b.exp - s });
  },
  equals(a: Decimal, b: Decimal): boolean {
    const x = normalizeDecimal(a);
    const y = normalizeDecimal(b);
    return x.digits === y.digits && x.exp === y.exp;
  },
  toString(d: Decimal): string {
    const { digits, exp } = normalizeDecimal(d);
    if (digits === 0n) return "0";
    const neg = digits < 0n;
    const s = (neg ? -digits : digits).toString();
    let out: string;
    if (exp >= 0) out = s + "0".repeat(exp);
    else if (-exp < s.length) out = s.slice(0, s.length + exp) + "." + s.slice(s.length + exp);
    else out = "0." + "0".repeat(-exp - s.length) + s;
    return (neg ? "-" : "") + out;
  },
  fromString(str: string): Decimal {
    const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(str.trim());
    if (!m || (m[2] === "" && (m[3] ?? "") === "")) throw new Error(`invalid BigDecimal: ${str}`);
    const int = m[2] || "0";
    const frac = m[3] ?? "";
    let digits = BigInt(int + frac);
    if (m[1] === "-") digits = -digits;
    return normalizeDecimal({ digits, exp: Number(m[4] ?? "0") - frac.length });
  },
};

/** Display of a store value the way matchstick's assert.fieldEquals compares it. */
export function displayStoreValue(v: StoreValue): string {
  switch (v.kind) {
    case "Null":
      return "null";
    case "Array":
      return "[" + v.value.map(displayStoreValue).join(", ") + "]";
    case "BigInt":
    case "Int8":
    case "Timestamp":
      return v.value.toString();
    case "Int":
      return String(v.value);
    case "Bool":
      return v.value ? "true" : "false";
    default:
      return v.value;
  }
}

/** A JSON-friendly copy of an entity: BigInt as decimal strings, Bytes as lowercase hex, lists as arrays. */
export function plainStoreValue(v: StoreValue): unknown {
  switch (v.kind) {
    case "Null":
      return null;
    case "Array":
      return v.value.map(plainStoreValue);
    case "BigInt":
    case "Int8":
    case "Timestamp":
      return v.value.toString();
    default:
      return v.value;
  }
}

export function plainEthValue(v: EthValue): unknown {
  if (Array.isArray(v.value)) return { kind: v.kind, value: (v.value as EthValue[]).map(plainEthValue) };
  return { kind: v.kind, value: typeof v.value === "bigint" ? v.value.toString() : v.value };
}
