import { test } from "node:test";
import assert from "node:assert/strict";
import { keccak256, toHex } from "viem";
import { KNOWN_RESOURCE_KIND_HASHES, KNOWN_RESOURCE_KINDS, formatAmount, formatBps, formatCompact, formatDuration, formatRate, raiseProgress, reputation, resourceKindLabel, roleList, sharePrice, shortAddress } from "./format.ts";
import { accrued } from "./staking.ts";

const E = 10n ** 18n;

test("formatAmount groups thousands and rounds down to the given decimals", () => {
  assert.equal(formatAmount(1_000_000_000n * E, 0), "1,000,000,000");
  assert.equal(formatAmount(1234567890000000000000n), "1,234.5678");
  assert.equal(formatAmount("1500000000000000000"), "1.5");
  assert.equal(formatAmount(0n), "0");
  assert.equal(formatAmount(1n), "< 0.0001");
  assert.equal(formatAmount(-2n * E), "-2");
  assert.equal(formatAmount(null), "—");
});

test("formatCompact, formatRate, formatBps", () => {
  assert.equal(formatCompact(3_000_000_000n * E), "3B");
  assert.equal(formatCompact(1_250_000n * E), "1.25M");
  assert.equal(formatCompact(0n), "0");
  assert.equal(formatRate(300000000000000000n), "0.3");
  assert.equal(formatBps(5000), "50%");
  assert.equal(formatBps(125), "1.25%");
});

test("formatDuration", () => {
  assert.equal(formatDuration(90 * 86400), "90 days");
  assert.equal(formatDuration(86400), "1 day");
  assert.equal(formatDuration(3600 + 300), "1 h 5 min");
  assert.equal(formatDuration(45), "45 s");
  assert.equal(formatDuration(0), "0 s");
});

test("roles, reputation, addresses, resource kinds", () => {
  assert.deepEqual(roleList(5), ["Provider", "Validator"]);
  assert.equal(reputation(0, 0), null);
  assert.equal(reputation(3, 250), 83.3);
  assert.equal(shortAddress("0x1234567890abcdef1234567890abcdef12345678"), "0x1234…5678");
  assert.equal(resourceKindLabel("0x6770752d686f7572000000000000000000000000000000000000000000000000"), "gpu-hour");
  assert.equal(resourceKindLabel("0x2c5e6b4bb4d5de3b2f3bb09b4b1ba6aea5f4b4a3c3b0b4f1a2b3c4d5e6f70809"), "0x2c5e6b4b…");
  assert.equal(resourceKindLabel("0xff00000000000000000000000000000000000000000000000000000000000001"), "0xff000000…");
});

test("the precomputed resource-kind hashes are keccak256 of the known names", () => {
  assert.equal(Object.keys(KNOWN_RESOURCE_KIND_HASHES).length, KNOWN_RESOURCE_KINDS.length);
  for (const name of KNOWN_RESOURCE_KINDS) {
    const h = keccak256(toHex(name));
    assert.equal(KNOWN_RESOURCE_KIND_HASHES[h], name, name);
    assert.equal(resourceKindLabel(h), name);
    assert.equal(resourceKindLabel(h.toUpperCase().replace("0X", "0x")), name, "upper-case hex");
  }
});

test("accrued follows the vault: linear, rounded down, the full reward from unlock", () => {
  const p = { reward: 1000n, startTime: 100, unlockTime: 400 };
  assert.equal(accrued(p, 50), 0n);
  assert.equal(accrued(p, 100), 0n);
  assert.equal(accrued(p, 200), 333n);
  assert.equal(accrued(p, 400), 1000n);
  assert.equal(accrued(p, 10_000), 1000n);
});

test("a venture's share price is pricePerShare whole COMPUTE (COMPUTE wei per share wei)", () => {
  // the seeded venture: 2,500 shares for 25,000 COMPUTE at pricePerShare 10
  assert.equal(sharePrice("10"), 10n * 10n ** 18n);
  assert.equal(formatAmount(sharePrice("10"), 2), "10");
  assert.equal(2_500n * 10n ** 18n * 10n, 25_000n * 10n ** 18n); // invest(shares) costs shares × pricePerShare
});

test("raise progress is measured against the minimum until it is sold, then against the cap", () => {
  const e = 10n ** 18n;
  const below = raiseProgress(2_500n * e, 100_000n * e, 1_000_000n * e);
  assert.deepEqual([below.pct, below.of], [2.5, "minimum"]);
  assert.equal(below.label, "2.5% of the minimum (2,500 of 100,000 shares)");
  const above = raiseProgress(250_000n * e, 100_000n * e, 1_000_000n * e);
  assert.deepEqual([above.pct, above.of], [25, "cap"]);
  assert.equal(above.label, "25% of the cap (250,000 of 1,000,000 shares; minimum met)");
  assert.equal(raiseProgress(100_000n * e, 100_000n * e, 1_000_000n * e).of, "cap"); // exactly the minimum: met
  assert.equal(raiseProgress(1_000_000n * e, 100_000n * e, 1_000_000n * e).pct, 100);
  assert.equal(raiseProgress(0n, 0n, 0n).pct, 100); // degenerate: nothing to sell
});
