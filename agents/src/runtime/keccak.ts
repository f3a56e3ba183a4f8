// Keccak-256 through the `keccak` package's prebuilt N-API binding (the Keccak team's C code)
// where it loads, viem's pure-JS keccak256 otherwise (no prebuilt binary for the platform, or
// UBC_NATIVE_KECCAK=0). A swarm hashes every transaction it signs and every quote it posts in
// one process: the binding takes ~7 µs for a 600-byte transaction where the JS takes ~40 µs here.
// Used where one process hashes at that rate (signer.ts, quotebook.ts, jobs.ts); the digests are
// the same bytes (keccak.test.ts).
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { bytesToHex, hexToBytes, keccak256 as viemKeccak256, type Hex } from "viem";

/** The binding's sponge (the `keccak` package's native KeccakState; it ships no types). */
interface Sponge {
  initialize(rate: number, capacity: number): void;
  absorb(data: Buffer): void;
  absorbLastFewBits(bits: number): void;
  squeeze(length: number): Buffer;
}

function load(): (new () => Sponge) | null {
  if (process.env.UBC_NATIVE_KECCAK === "0") return null;
  try {
    // the binding itself, as the package's `bindings` entry loads it, without its stream wrapper
    const require = createRequire(import.meta.url);
    const dir = dirname(require.resolve("keccak/package.json"));
    const addon = createRequire(`${dir}/`)("node-gyp-build")(dir) as unknown;
    return typeof addon === "function" ? (addon as new () => Sponge) : null;
  } catch {
    return null;
  }
}

const Native = load();

/** Whether keccak256Bytes / keccak256Hex hash natively. */
export const nativeKeccak = Native !== null;

/** Keccak-256 (Ethereum's: the original padding, not SHA3-256's) of `data`. */
export function keccak256Bytes(data: Uint8Array): Uint8Array {
  if (Native === null) return viemKeccak256(data, "bytes");
  const s = new Native();
  s.initialize(1088, 512);
  s.absorb(Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  s.absorbLastFewBits(0x01);
  return s.squeeze(32);
}

/** Keccak-256 of the bytes of `hex`, as hex. */
export function keccak256Hex(hex: Hex): Hex {
  if (Native === null) return viemKeccak256(hex);
  return bytesToHex(keccak256Bytes(hexToBytes(hex)));
}
