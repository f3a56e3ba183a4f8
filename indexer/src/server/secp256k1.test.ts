import { test } from "node:test";
import assert from "node:assert/strict";
import { ethers } from "ethers";
import { KnownKeys, nativeSecp256k1, recoverAddress, recoversTo } from "./secp256k1.ts";
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

test("libsecp256k1's recovery gives ethers' answer: over random keys, digests and altered or random signatures (seeded)", (t) => {
  assert.ok(nativeSecp256k1 !== null || process.env.UBC_NATIVE_SECP256K1 === "0", "the secp256k1 package's prebuilt binding loads on this platform");
  if (nativeSecp256k1 === null) return t.skip("UBC_NATIVE_SECP256K1=0");
  const lib = nativeSecp256k1;
  const seed = process.env.TEST_SEED ?? String(Date.now());
  let counter = 0;
  // a deterministic stream from the seed: keccak(seed ‖ counter)
  const next = () => ethers.keccak256(ethers.toUtf8Bytes(`${seed}/${counter++}`));
  const hex32 = (v: bigint) => ethers.toBeHex(v, 32);
  const hexOf = (r: bigint, s: bigint, v: number) => ethers.concat([hex32(r), hex32(s), ethers.toBeHex(v, 1)]);
  const viaEthers = (d: string, sig: string): string | null => {
    try {
      return ethers.recoverAddress(d, sig).toLowerCase();
    } catch {
      return null;
    }
  };
  const viaNative = (d: string, sig: string): string | null => {
    let parsed: ethers.Signature;
    try {
      parsed = ethers.Signature.from(sig); // as quotes.ts: ethers' parse, then libsecp256k1
    } catch {
      return null;
    }
    return recoverAddress(lib, d, parsed);
  };
  const counts = { same: 0, refused: 0, other: 0 };
  const check = (d: string, sig: string, what: string, expect?: string) => {
    const a = viaEthers(d, sig);
    const b = viaNative(d, sig);
    assert.equal(b, a, `seed ${seed}: ${what}: libsecp256k1 ${b}, ethers ${a} (digest ${d}, signature ${sig})`);
    if (a === null) counts.refused++;
    else if (a === expect) counts.same++;
    else counts.other++;
  };
  try {
    for (let i = 0; i < 32; i++) {
      let k = BigInt(next()) % N;
      if (k === 0n) k = 1n;
      const key = new ethers.SigningKey(hex32(k));
      const addr = ethers.computeAddress(key.publicKey).toLowerCase();
      // digests: random, zero, ≥ n (reduced mod n by both), all ones
      const d = [next(), hex32(0n), hex32(N + BigInt(i)), hex32(2n ** 256n - 1n)][i % 4 === 0 ? i % 16 / 4 : 0];
      const sig = key.sign(d);
      const [r, s, v] = [BigInt(sig.r), BigInt(sig.s), sig.v];
      check(d, sig.serialized, "an honest signature", addr);
      check(d, sig.compactSerialized, "EIP-2098 compact", addr);
      check(d, hexOf(r, s, v - 27), "v as 0/1", addr);
      check(d, hexOf(r, N - s, 55 - v), "high s with the other v (the malleated twin)", addr);
      check(d, hexOf(r, N - s, v), "high s, same v", addr);
      check(d, hexOf(r, s, 55 - v), "wrong v", addr);
      check(d, hexOf(r, s, v + 2), "v out of range", addr);
      check(next(), sig.serialized, "another digest", addr);
      check(d, hexOf(r + 1n, s, v), "r + 1", addr);
      check(d, hexOf(r, s ^ 1n, v), "s with a bit flipped", addr);
      check(d, hexOf(0n, s, v), "r = 0", addr);
      check(d, hexOf(r, 0n, v), "s = 0", addr);
      check(d, hexOf(N, s, v), "r = n", addr);
      check(d, hexOf(r, N, v), "s = n", addr);
      check(d, hexOf(N + 5n, s, v), "r > n", addr);
      check(d, hexOf(2n ** 256n - 1n, s, v), "r = 2^256 − 1", addr);
      check(d, ethers.concat([hex32(r), hex32(s)]), "64 bytes with s's top bit as v", addr);
      check(d, ethers.concat([hex32(r), hex32(s), "0x1b00"]), "66 bytes", addr);
      check(d, ethers.dataSlice(sig.serialized, 0, 64), "64 bytes", addr);
      const other = new ethers.SigningKey(hex32((k * 7n + 3n) % N || 1n));
      check(d, other.sign(d).serialized, "another key's signature", addr);
      // random r, s, v: about half the r values are no curve point's x
      check(d, hexOf(BigInt(next()) % N, BigInt(next()) % N, 27 + (i & 1)), "random r, s", addr);
      check(d, hexOf(BigInt(next()), BigInt(next()), 27 + (i & 1)), "random 256-bit r, s", addr);
    }
  } catch (err) {
    console.error(`secp256k1 equivalence failed with TEST_SEED=${seed}`);
    throw err;
  }
  // the cases above cover all three outcomes many times
  assert.ok(counts.same >= 96 && counts.refused >= 250 && counts.other >= 100, `seed ${seed}: ${JSON.stringify(counts)}`);
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
