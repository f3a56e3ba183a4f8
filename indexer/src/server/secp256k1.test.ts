import { test } from "node:test";
import assert from "node:assert/strict";
import { ethers } from "ethers";
import { KnownKeys, recoversTo } from "./secp256k1.ts";
import { QUOTE_TYPES, quoteDigest } from "./quotes.ts";

const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

test("the known-key check agrees with ethers' recovery: yes only when the signature recovers to the key", async () => {
  const w = ethers.Wallet.createRandom();
  const other = ethers.Wallet.createRandom();
  const keys = new KnownKeys();
  const addr = w.address.toLowerCase();
  keys.learn(addr, w.signingKey.publicKey);
  while (!keys.get(addr)) await new Promise((r) => setTimeout(r, 5));
  const key = keys.get(addr)!;
  // as quotes.ts uses it: the signature parsed by ethers, then the check
  const fast = (d: string, hex: string) => {
    try {
      const sig = ethers.Signature.from(hex);
      return recoversTo(key, d, BigInt(sig.r), BigInt(sig.s), sig.yParity);
    } catch {
      return false;
    }
  };
  const slow = (d: string, hex: string) => {
    try {
      return ethers.recoverAddress(d, hex).toLowerCase() === addr;
    } catch {
      return false;
    }
  };
  const hexOf = (r: bigint, s: bigint, v: number) => ethers.concat([ethers.toBeHex(r, 32), ethers.toBeHex(s, 32), ethers.toBeHex(v, 1)]);
  let yes = 0;
  for (let i = 0; i < 100; i++) {
    const d = ethers.hexlify(ethers.randomBytes(32));
    const sig = ethers.Signature.from(w.signingKey.sign(d).serialized);
    const [r, s, v] = [BigInt(sig.r), BigInt(sig.s), sig.v];
    assert.equal(fast(d, sig.serialized), true, "an honest signature of a known key passes the fast check");
    for (const [dd, hex] of [
      [d, hexOf(r, s, v)], [d, hexOf(r, s, 55 - v)], [d, hexOf(r, N - s, 55 - v)], [d, hexOf(r, N - s, v)], [d, hexOf(r, s, v - 27)],
      [ethers.id(`other ${i}`), hexOf(r, s, v)], [d, hexOf(r + 1n, s, v)], [d, hexOf(0n, s, v)], [d, hexOf(r, N, v)], [d, hexOf(N + 5n, s, v)],
      [d, ethers.concat([ethers.toBeHex(r, 32), ethers.toBeHex(s | ((BigInt(v) - 27n) << 255n), 32)])],
    ] as [string, string][]) {
      const f = fast(dd, hex);
      if (f) yes++;
      assert.equal(f, slow(dd, hex), `fast and slow disagree on ${hex}`);
    }
    const so = ethers.Signature.from(other.signingKey.sign(d).serialized);
    assert.equal(fast(d, so.serialized), false);
  }
  assert.ok(yes >= 300);
});

test("the written-out EIP-712 quote digest equals ethers' TypedDataEncoder", () => {
  const domain = { name: "UBC WorkMarket", version: "1", chainId: 31337, verifyingContract: ethers.Wallet.createRandom().address };
  const sep = ethers.TypedDataEncoder.hashDomain(domain);
  const rnd = (bits: number) => (bits === 0 ? 0n : BigInt(ethers.hexlify(ethers.randomBytes(32))) >> BigInt(256 - bits));
  for (let i = 0; i < 500; i++) {
    const b = () => [0, 1, 8, 64, 255, 256][i % 6];
    const q = { providerAgentId: rnd(b()), resourceKind: ethers.hexlify(ethers.randomBytes(32)), units: rnd(b()), unitPrice: rnd(256), expiry: rnd(40), nonce: rnd(b()), requester: rnd(8), deliveryPeriod: rnd(256) };
    assert.equal(quoteDigest(sep, q), ethers.TypedDataEncoder.hash(domain, QUOTE_TYPES, q));
  }
});
