import { test } from "node:test";
import assert from "node:assert/strict";
import { bytesToHex, keccak256, toHex, type Hex } from "viem";
import { keccak256Bytes, keccak256Hex, nativeKeccak } from "./keccak.ts";

test("keccak256Bytes / keccak256Hex equal viem's keccak256 at every length around the sponge's rate", () => {
  // the rate is 136 bytes: lengths on both sides of one, two and three blocks
  for (const len of [0, 1, 31, 32, 33, 135, 136, 137, 271, 272, 273, 600, 1000]) {
    const data = Uint8Array.from({ length: len }, (_, i) => (i * 97 + len) & 0xff);
    assert.equal(bytesToHex(keccak256Bytes(data)), keccak256(data), `${len} bytes`);
    assert.equal(keccak256Hex(bytesToHex(data)), keccak256(data), `${len} bytes as hex`);
  }
  // a view into a larger buffer hashes only its own bytes
  const big = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
  assert.equal(bytesToHex(keccak256Bytes(big.subarray(10, 150))), keccak256(big.subarray(10, 150)));
  // Keccak-256 of the empty string, not SHA3-256's
  assert.equal(keccak256Hex("0x"), "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
  assert.equal(keccak256Hex(toHex("Transfer(address,address,uint256)") as Hex), "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef");
  // the binding ships prebuilt for this platform: a failed load would fall back silently
  if (process.platform === "linux" && process.arch === "x64" && process.env.UBC_NATIVE_KECCAK !== "0") assert.equal(nativeKeccak, true);
});
