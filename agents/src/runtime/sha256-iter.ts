// The sha256-iter job kind's work (jobs.ts) and the process's cache of its results, in a module
// of their own so that the work thread (work-worker.ts) loads nothing else.
import { hash } from "node:crypto";

/** SHA-256's round constants (FIPS 180-4, 4.2.2). */
const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
/** SHA-256's initial hash value (4.2.2's H(0)). */
const H0 = new Int32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
const W = new Int32Array(64);

/**
 * Replaces the 32-byte message in `h` (eight big-endian words) by its SHA-256, `n` times. A
 * 32-byte message is one padded block (the message, a 1 bit, zeros, the length 256), so each
 * iteration is one compression of H0 with no allocation: ~4.5× faster than a call to node:crypto
 * per iteration, whose cost is mostly the call itself.
 */
function rehash32(h: Int32Array, n: number): void {
  for (let it = 0; it < n; it++) {
    for (let i = 0; i < 8; i++) W[i] = h[i];
    W[8] = 0x80000000;
    for (let i = 9; i < 15; i++) W[i] = 0;
    W[15] = 256;
    for (let i = 16; i < 64; i++) {
      const x = W[i - 15], y = W[i - 2];
      const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
      W[i] = (W[i - 16] + s0 + W[i - 7] + s1) | 0;
    }
    let a = H0[0], b = H0[1], c = H0[2], d = H0[3], e = H0[4], f = H0[5], g = H0[6], k = H0[7];
    for (let i = 0; i < 64; i++) {
      const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const t1 = (k + S1 + ((e & f) ^ (~e & g)) + K[i] + W[i]) | 0;
      const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      k = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
    }
    h[0] = (H0[0] + a) | 0; h[1] = (H0[1] + b) | 0; h[2] = (H0[2] + c) | 0; h[3] = (H0[3] + d) | 0;
    h[4] = (H0[4] + e) | 0; h[5] = (H0[5] + f) | 0; h[6] = (H0[6] + g) | 0; h[7] = (H0[7] + k) | 0;
  }
}

/** SHA-256 applied `iterations` times to the bytes of `input` (hex), as hex. */
export function sha256Iter(input: `0x${string}`, iterations: number): `0x${string}` {
  let buf = Buffer.from(input.slice(2), "hex");
  if (iterations <= 0) return `0x${buf.toString("hex")}`;
  // the first hash takes the input whatever its length; every later one hashes 32 bytes
  if (buf.length !== 32) {
    buf = hash("sha256", buf, "buffer") as unknown as Buffer<ArrayBuffer>;
    iterations--;
  }
  const h = new Int32Array(8);
  for (let i = 0; i < 8; i++) h[i] = buf.readInt32BE(4 * i);
  rehash32(h, iterations);
  const out = Buffer.allocUnsafe(32);
  for (let i = 0; i < 8; i++) out.writeInt32BE(h[i], 4 * i);
  return `0x${out.toString("hex")}`;
}

/**
 * Deterministic results computed in this process, by input: agents that share a process (a
 * swarm) compute a spec once — the provider's execution, the validators' and the requester's
 * re-executions get the same digest, which each still compares with the delivered result. Agents
 * in different processes each compute it. Bounded (oldest first out).
 */
const DIGESTS = new Map<string, `0x${string}`>();
/** A spec's key in the cache (and in the work pool's requests in flight). */
export const digestKey = (input: `0x${string}`, iterations: number) => `${input.toLowerCase()}:${iterations}`;
export function sha256IterShared(input: `0x${string}`, iterations: number): `0x${string}` {
  let d = cachedDigest(input, iterations);
  if (d === undefined) {
    d = sha256Iter(input, iterations);
    rememberDigest(input, iterations, d);
  }
  return d;
}
/** A digest this process computed already (sha256IterShared, or the work thread: work-pool.ts). */
export function cachedDigest(input: `0x${string}`, iterations: number): `0x${string}` | undefined {
  return DIGESTS.get(digestKey(input, iterations));
}
export function rememberDigest(input: `0x${string}`, iterations: number, digest: `0x${string}`): void {
  DIGESTS.set(digestKey(input, iterations), digest);
  if (DIGESTS.size > 8_192) DIGESTS.delete(DIGESTS.keys().next().value!);
}
