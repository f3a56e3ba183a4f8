// Display helpers: token amounts (18 decimals) with thousands separators, dates, durations,
// addresses, resource kinds. Pure functions, tested in format.test.ts. No viem here: every page's
// header imports this module, and viem's keccak would put ~24 kB into every page's first load
// (the hashing of typed names is lib/market.ts's resourceKindHash, loaded by the forms on submit).

const WAD = 10n ** 18n;

/** `1234567890000000000000n` → "1,234.5679" (rounded down to `maxDecimals`, trailing zeros dropped). */
export function formatAmount(wei: bigint | string | null | undefined, maxDecimals = 4, decimals = 18): string {
  if (wei === null || wei === undefined || wei === "") return "—";
  let v = typeof wei === "bigint" ? wei : BigInt(wei);
  const negative = v < 0n;
  if (negative) v = -v;
  const unit = 10n ** BigInt(decimals);
  const whole = v / unit;
  let frac = (v % unit).toString().padStart(decimals, "0").slice(0, maxDecimals).replace(/0+$/, "");
  const tiny = whole === 0n && frac === "" && v > 0n;
  if (tiny) frac = "";
  const grouped = whole.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const s = frac ? `${grouped}.${frac}` : grouped;
  if (tiny) return `${negative ? "-" : ""}< 0.${"0".repeat(Math.max(0, maxDecimals - 1))}1`;
  return negative ? `-${s}` : s;
}

/** A compact form for axes and tiles: 1.2B, 3.4M, 5.6k, 12.3. */
export function formatCompact(wei: bigint | string, decimals = 18): string {
  const v = typeof wei === "bigint" ? wei : BigInt(wei);
  const n = Number(v / 10n ** BigInt(Math.max(0, decimals - 6))) / 1e6;
  const abs = Math.abs(n);
  const fmt = (x: number, s: string) => `${x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2)}`.replace(/\.?0+$/, "") + s;
  if (abs >= 1e9) return fmt(n / 1e9, "B");
  if (abs >= 1e6) return fmt(n / 1e6, "M");
  if (abs >= 1e3) return fmt(n / 1e3, "k");
  if (abs === 0) return "0";
  return fmt(n, "");
}

/** Whole-token number (for charts), losing precision beyond doubles. */
export function toNumber(wei: bigint | string, decimals = 18): number {
  const v = typeof wei === "bigint" ? wei : BigInt(wei);
  return Number(v / 10n ** BigInt(Math.max(0, decimals - 6))) / 1e6;
}

export function shortAddress(a: string | null | undefined): string {
  if (!a) return "—";
  return a.length > 12 ? `${a.slice(0, 6)}…${a.slice(-4)}` : a;
}

/** Unix seconds → "2026-12-01 15:04 UTC". */
export function formatTime(seconds: bigint | string | number | null | undefined): string {
  if (seconds === null || seconds === undefined || seconds === "") return "—";
  const d = new Date(Number(seconds) * 1000);
  if (Number.isNaN(d.getTime())) return "—";
  return `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** Unix seconds of a day → "Dec 1". */
export function formatDay(seconds: number): string {
  const d = new Date(seconds * 1000);
  return `${["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][d.getUTCMonth()]} ${d.getUTCDate()}`;
}

/** Seconds → "90 days", "3 h 5 min", "45 s". */
export function formatDuration(seconds: bigint | number): string {
  let s = Math.max(0, Math.floor(Number(seconds)));
  if (s >= 86400 && s % 86400 === 0) return `${s / 86400} day${s === 86400 ? "" : "s"}`;
  const d = Math.floor(s / 86400);
  s -= d * 86400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const parts: string[] = [];
  if (d) parts.push(`${d} d`);
  if (h) parts.push(`${h} h`);
  if (m && !d) parts.push(`${m} min`);
  if (!d && !h && (s || parts.length === 0)) parts.push(`${s} s`);
  return parts.join(" ");
}

/** COMPUTE wei per day per 1,000 UBC → "0.3". */
export function formatRate(ratePerDay: bigint | string): string {
  return formatAmount(ratePerDay, 6);
}

/** Basis points → "12.5%". */
export function formatBps(bps: number | bigint): string {
  return `${(Number(bps) / 100).toFixed(2).replace(/\.?0+$/, "")}%`;
}

export const ROLE_NAMES = [
  [1, "Provider"],
  [2, "Requester"],
  [4, "Validator"],
] as const;

export function roleList(bits: number): string[] {
  return ROLE_NAMES.filter(([b]) => (bits & b) !== 0).map(([, n]) => n);
}

/** Average feedback score (0–100) or null without feedback. */
export function reputation(count: number, sum: number): number | null {
  return count > 0 ? Math.round((sum / count) * 10) / 10 : null;
}

/**
 * Resource kinds are bytes32 on-chain: keccak256 of the kind's name, as the agent SDK writes
 * them (`resourceKind("gpu-hour")`). Names are found again from the kinds the app knows, those
 * typed in this page, or, for a short text stored as is, its bytes.
 */
export const KNOWN_RESOURCE_KINDS = ["sha256-iter", "llm-text", "gpu-hour", "cpu-hour", "llm-tokens", "sha256", "inference", "embedding", "training-hour", "render-frame", "storage-gb-month", "bandwidth-gb"];
/** keccak256 of each known kind's name, precomputed (format.test.ts checks them against viem's keccak256). */
export const KNOWN_RESOURCE_KIND_HASHES: Record<string, string> = {
  "0x26b5ff253cddb60f1a1cee0fc4991f148552d3d0e2853dbc4e319a909a4e2de9": "sha256-iter",
  "0xf6eb6f46b65156c66c3aa009b6cca61ef601392df618054a2b0221ca6d31289c": "llm-text",
  "0x480d2877c70650a0b0ff4fc66f655d937bac7d48f2addd70e7817f6982e43165": "gpu-hour",
  "0xa0374224acad18b66596ebb675dd8cbfddae9c9dfec4bb27f2b478479b895298": "cpu-hour",
  "0xbc5742873441079d33c1ee400fb1535d418fc1bedd6e927621b4b35b7fe7f353": "llm-tokens",
  "0xaf55790ffe3aced4bba4137afd958140c8b3138f4a53685d60bc4f3afe4e94bb": "sha256",
  "0x2a52b6261f3850b89541ab4444869004fe552e50532808641800076f8e9ec465": "inference",
  "0x50a755cbc425b1b3e46aeb65b7cc33076d585f32c6d45fa6132c0fa2d34c3284": "embedding",
  "0xe386012b442d4a67a55a69f1d86862011d6505cff79a68e011a3d5563b05dfeb": "training-hour",
  "0x81c3ae793a781280ce00ec9701750959eded6d0d5ab3b182e30738997db2be7f": "render-frame",
  "0x4fd7d249e6bec1caa179dadde9ddc658820502821708494d3adad6089768cf90": "storage-gb-month",
  "0x828b3114bc38cd6568289710bc0a966330192608545cca5d8400ad1f881c8a56": "bandwidth-gb",
};
const kindNames = new Map<string, string>(Object.entries(KNOWN_RESOURCE_KIND_HASHES));

/** Remembers the name of a kind hashed in this page (lib/market.ts's resourceKindHash) for resourceKindLabel. */
export function rememberResourceKind(hash: string, name: string): void {
  kindNames.set(hash.toLowerCase(), name);
}

export function resourceKindLabel(hex: string | null | undefined): string {
  if (!hex) return "—";
  const known = kindNames.get(hex.toLowerCase());
  if (known) return known;
  const h = hex.replace(/^0x/, "");
  const bytes: number[] = [];
  for (let i = 0; i < h.length; i += 2) bytes.push(parseInt(h.slice(i, i + 2), 16));
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === 0) end--;
  const body = bytes.slice(0, end);
  if (body.length > 0 && end < bytes.length && body.every((b) => b >= 0x20 && b < 0x7f)) return String.fromCharCode(...body);
  return `${hex.slice(0, 10)}…`;
}

export { WAD };

/**
 * A venture's price of one whole share, in COMPUTE wei. The contract's `pricePerShare` is COMPUTE wei
 * per share wei (both tokens have 18 decimals; `invest(shares)` costs shares × pricePerShare), so a
 * whole share costs pricePerShare whole COMPUTE: 10 means 10 COMPUTE a share, not 10 wei.
 */
export function sharePrice(pricePerShare: bigint | string): bigint {
  return BigInt(pricePerShare) * WAD;
}

/** A venture's status as the pages show it: an open raise whose deadline has passed by the chain's clock `now` (0 while unknown) is "ended" (it awaits finalize). */
export function raiseStatus(status: string, deadline: string, now: number): string {
  return status === "open" && now > 0 && now > Number(deadline) ? "ended" : status;
}

/**
 * How far a raise has come: against its minimum until the minimum is sold (whether it will succeed
 * is what an investor asks first), then against its cap. `pct` is rounded down to a tenth.
 */
export function raiseProgress(sold: bigint | string, min: bigint | string, max: bigint | string): { pct: number; of: "minimum" | "cap"; label: string } {
  const s = BigInt(sold);
  const lo = BigInt(min);
  const hi = BigInt(max);
  const of = s < lo ? "minimum" : "cap";
  const target = of === "minimum" ? lo : hi;
  const pct = target > 0n ? Number((s * 1000n) / target) / 10 : 100;
  const label = of === "minimum"
    ? `${pct}% of the minimum (${formatAmount(s, 0)} of ${formatAmount(lo, 0)} shares)`
    : `${pct}% of the cap (${formatAmount(s, 0)} of ${formatAmount(hi, 0)} shares; minimum met)`;
  return { pct, of, label };
}
