// Signature checks of the quote board (quotes.ts), fastest first:
//  1. libsecp256k1 (Bitcoin Core's C library) through the `secp256k1` package's N-API binding,
//     prebuilt inside the package for linux-x64 (glibc, musl), darwin-arm64 and win32-x64:
//     `recoverAddress` below, ~0.1 ms of CPU per recovery, for any signer (no per-key state);
//  2. where that binding cannot be loaded: the known-key tables below, for signers seen before;
//  3. ethers' recovery (pure JS, ~4 ms) for everything else.
// Each gives the same answer as ethers.recoverAddress (secp256k1.test.ts compares them).
//
// A fast check that an ECDSA signature recovers to a known secp256k1 public key, for signers
// seen before (the quote board's provider wallets post many quotes each).
//
// ethers.recoverAddress(digest, sig) recovers Q' = r⁻¹(s·R − e·G), where R is the point with
// x = r and the signature's y parity, and e = digest mod n. For a known key Q:
//   Q' = Q  ⇔  s·R = e·G + r·Q  ⇔  R = P, with P = (e/s)·G + (r/s)·Q
//           ⇔  P.x = r and P.y has the signature's parity.
// P needs two scalar multiplications by fixed points (G and Q), which precomputed window tables
// make about ten times cheaper than the recovery's multiplication by a fresh point R. The check
// only ever says "yes, it recovers to Q" or "don't know": the caller then runs ethers' recovery,
// so a refused or odd signature is handled (and reported) exactly as before.
import { createRequire } from "node:module";
import { keccak_256 } from "@noble/hashes/sha3.js";

const P = 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2fn;
const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const GX = 0x79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798n;
const GY = 0x483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8n;
// window bits of a key's table (255 points × 32 windows, built for each wallet) and of the
// generator's. 12 bits for the generator (4,095 × 22, 22 + 32 additions per check) made the check
// ~10% faster alone, but the bench's service used no less CPU per post (its 180,000 more live
// BigInts make each full garbage collection longer): kept at 8 until measured on a quiet machine
const W = 8;
const W_G = 8;

const mod = (a: bigint, m = P) => {
  const r = a % m;
  return r < 0n ? r + m : r;
};

function inv(a: bigint, m = P): bigint {
  let [old, r] = [mod(a, m), m];
  let [s0, s1] = [1n, 0n];
  while (r !== 0n) {
    const q = old / r;
    [old, r] = [r, old - q * r];
    [s0, s1] = [s1, s0 - q * s1];
  }
  if (old !== 1n) throw new Error("not invertible");
  return mod(s0, m);
}

/** Jacobian point (x = X/Z², y = Y/Z³); Z = 0 is infinity. */
type Jac = { X: bigint; Y: bigint; Z: bigint };
const INF: Jac = { X: 0n, Y: 1n, Z: 0n };

function double(p: Jac): Jac {
  if (p.Z === 0n || p.Y === 0n) return INF;
  const XX = mod(p.X * p.X);
  const YY = mod(p.Y * p.Y);
  const YYYY = mod(YY * YY);
  const S = mod(4n * p.X * YY);
  const M = mod(3n * XX);
  const X = mod(M * M - 2n * S);
  return { X, Y: mod(M * (S - X) - 8n * YYYY), Z: mod(2n * p.Y * p.Z) };
}

/** p + (x, y) with (x, y) affine. */
function addAffine(p: Jac, x: bigint, y: bigint): Jac {
  if (p.Z === 0n) return { X: x, Y: y, Z: 1n };
  const Z2 = mod(p.Z * p.Z);
  const U2 = mod(x * Z2);
  const S2 = mod(y * Z2 * p.Z);
  // both operands are reduced (in [0, P)): one conditional addition instead of a division
  let H = U2 - p.X;
  if (H < 0n) H += P;
  let R = S2 - p.Y;
  if (R < 0n) R += P;
  if (H === 0n) return R === 0n ? double(p) : INF;
  const HH = mod(H * H);
  const HHH = mod(H * HH);
  const V = mod(p.X * HH);
  const X = mod(R * R - HHH - 2n * V);
  return { X, Y: mod(R * (V - X) - p.Y * HHH), Z: mod(p.Z * H) };
}

/** Table of j·2^(w·i)·point, affine, i < ⌈256 / w⌉, 1 ≤ j < 2^w (flattened). */
type Table = { w: number; xs: bigint[]; ys: bigint[] };

/** Normalises Jacobian points to affine with one inversion (Montgomery's trick). */
function normalise(jac: Jac[], xs: bigint[], ys: bigint[], at: number) {
  const n = jac.length;
  const prefix: bigint[] = new Array(n);
  let accZ = 1n;
  for (let k = 0; k < n; k++) {
    prefix[k] = accZ;
    accZ = mod(accZ * jac[k].Z);
  }
  let invAcc = inv(accZ);
  for (let k = n - 1; k >= 0; k--) {
    const zi = mod(invAcc * prefix[k]);
    invAcc = mod(invAcc * jac[k].Z);
    const zi2 = mod(zi * zi);
    xs[at + k] = mod(jac[k].X * zi2);
    ys[at + k] = mod(jac[k].Y * zi2 * zi);
  }
}

/**
 * Builds the table one window at a time, yielding to the event loop in between and every 512
 * points (a key's whole table is a few hundred milliseconds of work on a busy machine, the
 * generator's a few seconds once per process; one step is a few milliseconds).
 */
async function buildTable(x: bigint, y: bigint, w: number): Promise<Table> {
  const size = (1 << w) - 1;
  const windows = Math.ceil(256 / w);
  const xs: bigint[] = new Array(windows * size);
  const ys: bigint[] = new Array(windows * size);
  let bx = x;
  let by = y;
  for (let i = 0; i < windows; i++) {
    const jac: Jac[] = new Array(size);
    let acc: Jac = { X: bx, Y: by, Z: 1n };
    jac[0] = acc;
    for (let j = 1; j < size; j++) {
      jac[j] = acc = addAffine(acc, bx, by);
      if ((j & 511) === 0) await new Promise<void>((r) => setImmediate(r)); // a window of the generator's table is 4,095 points
    }
    normalise(jac, xs, ys, i * size);
    // the next window's base: 2^w times this one's = (2^w − 1)·base + base
    const next = addAffine({ X: xs[i * size + size - 1], Y: ys[i * size + size - 1], Z: 1n }, bx, by);
    const zi = inv(next.Z);
    const zi2 = mod(zi * zi);
    bx = mod(next.X * zi2);
    by = mod(next.Y * zi2 * zi);
    await new Promise<void>((r) => setImmediate(r));
  }
  return { w, xs, ys };
}

function mulAdd(acc: Jac, t: Table, k: bigint): Jac {
  const size = (1 << t.w) - 1;
  const windows = Math.ceil(256 / t.w);
  const mask = BigInt(size);
  const bw = BigInt(t.w);
  for (let i = 0; i < windows && k !== 0n; i++) {
    const d = Number(k & mask);
    k >>= bw;
    if (d !== 0) acc = addAffine(acc, t.xs[i * size + d - 1], t.ys[i * size + d - 1]);
  }
  return acc;
}

let gTable: Table | undefined;
let gBuilding: Promise<void> | undefined;

/** A public key with its precomputed table. */
export interface KnownKey {
  x: bigint;
  y: bigint;
  table: Table;
}

/**
 * Public keys of addresses, learnt from a successful recovery; each key's table is built in the
 * background, and `get` returns the key once it is ready. At most `max` keys (oldest dropped).
 */
export class KnownKeys {
  private ready = new Map<string, KnownKey>();
  private building = new Set<string>();
  private max: number;
  constructor(max = 64) {
    this.max = max;
  }

  get(address: string): KnownKey | undefined {
    return gTable ? this.ready.get(address) : undefined;
  }

  /** Remembers that `address` has the uncompressed public key `publicKey` (0x04 ‖ x ‖ y). */
  learn(address: string, publicKey: string): void {
    if (this.ready.has(address) || this.building.has(address)) return;
    if (!/^0x04[0-9a-fA-F]{128}$/.test(publicKey)) return;
    const x = BigInt("0x" + publicKey.slice(4, 68));
    const y = BigInt("0x" + publicKey.slice(68));
    if (mod(y * y - (x * x * x + 7n)) !== 0n) return;
    gBuilding ??= buildTable(GX, GY, W_G).then((t) => {
      gTable = t;
    });
    this.building.add(address);
    void buildTable(x, y, W).then((table) => {
      this.building.delete(address);
      if (this.ready.size >= this.max) this.ready.delete(this.ready.keys().next().value!);
      this.ready.set(address, { x, y, table });
    });
  }
}

/**
 * True if recovering the public key from (digest, r, s, yParity) gives `key`, as ethers'
 * SigningKey.recoverPublicKey would; false means "not shown" (the caller recovers the slow way).
 */
export function recoversTo(key: KnownKey, digest: string, r: bigint, s: bigint, yParity: number): boolean {
  if (!gTable || r < 1n || r >= N || s < 1n || s >= N || !/^0x[0-9a-fA-F]{64}$/.test(digest)) return false;
  const e = BigInt(digest) % N;
  const si = inv(s, N);
  const u1 = mod(e * si, N);
  const u2 = mod(r * si, N);
  const p = mulAdd(mulAdd(INF, gTable, u1), key.table, u2);
  if (p.Z === 0n) return false;
  const zi = inv(p.Z);
  const zi2 = mod(zi * zi);
  const x = mod(p.X * zi2);
  if (x !== r) return false;
  const y = mod(p.Y * zi2 * zi);
  return Number(y & 1n) === yParity;
}


/** The part of the `secp256k1` package's API used here (it ships no types). */
interface Libsecp256k1 {
  /** 65-byte uncompressed public key (compressed = false); throws where the recovery fails. */
  ecdsaRecover(sig64: Uint8Array, recid: number, msg32: Uint8Array, compressed: boolean): Uint8Array;
  /** RFC 6979, low s (as ethers' SigningKey.sign): used by the benchmark to sign its quotes. */
  ecdsaSign(msg32: Uint8Array, seckey: Uint8Array): { signature: Uint8Array; recid: number };
}

/**
 * libsecp256k1's binding, or null where it cannot be loaded (no prebuilt binary for the
 * platform) or UBC_NATIVE_SECP256K1=0. `secp256k1/bindings` rather than the package's main
 * module, which silently falls back to `elliptic` in pure JS (slower than our own tables).
 */
export function loadLibsecp256k1(): Libsecp256k1 | null {
  try {
    return createRequire(import.meta.url)("secp256k1/bindings") as Libsecp256k1;
  } catch {
    return null;
  }
}

export const nativeSecp256k1: Libsecp256k1 | null = process.env.UBC_NATIVE_SECP256K1 === "0" ? null : loadLibsecp256k1();

const HEX32 = /^0x[0-9a-fA-F]{64}$/;

/**
 * The address (lower case) that ethers.recoverAddress(digest, sig) would give, by libsecp256k1:
 * `sig` is what ethers.Signature.from parsed (r, s as 32-byte hex, yParity 0 or 1), so the
 * signature formats accepted and refused are ethers' own. Null where ethers' recovery throws: a
 * high s (ethers' `s` getter refuses it), r or s zero or ≥ n, or no curve point with x = r
 * (libsecp256k1 refuses these; like ethers it reduces the digest mod n).
 */
export function recoverAddress(lib: Libsecp256k1, digest: string, sig: { r: string; s: string; yParity: number }): string | null {
  let pub: Uint8Array;
  try {
    // ethers' getters throw where its recovery does (a high s: "non-canonical s")
    const { r, s, yParity } = sig;
    if (!HEX32.test(digest) || !HEX32.test(r) || !HEX32.test(s) || (yParity !== 0 && yParity !== 1)) return null;
    pub = lib.ecdsaRecover(Buffer.from(r.slice(2) + s.slice(2), "hex"), yParity, Buffer.from(digest.slice(2), "hex"), false);
  } catch {
    return null;
  }
  if (pub.length !== 65 || pub[0] !== 4) return null;
  return "0x" + Buffer.from(keccak_256(pub.subarray(1))).subarray(12).toString("hex");
}
