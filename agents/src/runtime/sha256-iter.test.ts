import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import type { Hex } from "viem";
import { sha256Iter } from "./sha256-iter.ts";

/** The definition, one node:crypto call per iteration: the reference for the one-block fast path. */
function reference(input: Hex, iterations: number): Hex {
  let buf: Buffer = Buffer.from(input.slice(2), "hex");
  for (let i = 0; i < iterations; i++) buf = createHash("sha256").update(buf).digest();
  return `0x${buf.toString("hex")}`;
}

/** Deterministic inputs of `len` bytes (no randomness: a failure names its case). */
const bytes = (len: number, tag: number): Hex =>
  `0x${Buffer.from(Array.from({ length: len }, (_, i) => (i * 131 + tag * 17 + 7) & 0xff)).toString("hex")}`;

test("sha256-iter equals repeated SHA-256 for inputs of any length and iteration counts from 0", () => {
  for (const len of [0, 1, 20, 31, 32, 33, 55, 56, 64, 100]) {
    for (const n of [0, 1, 2, 3, 17]) {
      const input = bytes(len, n);
      assert.equal(sha256Iter(input, n), reference(input, n), `${len} bytes, ${n} iterations`);
    }
  }
  // words with the top bit set, and all-zero / all-one digests' neighbourhoods
  for (const fill of [0x00, 0xff, 0x80, 0x7f]) {
    const input = `0x${Buffer.alloc(32, fill).toString("hex")}` as Hex;
    assert.equal(sha256Iter(input, 5), reference(input, 5), `32 bytes of ${fill}`);
  }
  assert.equal(sha256Iter(bytes(32, 9), 5_000), reference(bytes(32, 9), 5_000), "a long chain");
  assert.equal(sha256Iter("0xAbCd", 0), "0xabcd", "zero iterations give the input back, lowercase");
  // a known vector: SHA-256 of the empty string
  assert.equal(sha256Iter("0x", 1), "0xe3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
});
