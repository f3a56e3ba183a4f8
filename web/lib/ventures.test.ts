import { test } from "node:test";
import assert from "node:assert/strict";
import { getAbiItem, toEventSelector } from "viem";
import { VentureFactoryAbi } from "./generated/abis.ts";
import { VENTURE_CREATED_TOPIC, createdVenture, percentToBps, raiseTargets, ventureParams, type VentureDraft } from "./ventures.ts";

const E18 = 10n ** 18n;
const ME = "0x1111111111111111111111111111111111111111" as const;
const COMPUTE = "0x2222222222222222222222222222222222222222";
const UBC = "0x3333333333333333333333333333333333333333";

const draft = (over: Partial<VentureDraft> = {}): VentureDraft => ({
  name: "Synthetic Souls", symbol: "SOULS", metadataURI: "ipfs://souls", price: "10", minShares: "100,000", maxShares: "1,000,000",
  days: "30", distributionPct: "80", feePct: "", feePeriodDays: "", revenue: [COMPUTE], operatorAgentId: "", ...over,
});

test("a good draft becomes the factory's parameters", () => {
  const r = ventureParams(draft({ revenue: [COMPUTE, UBC.toUpperCase().replace("0X", "0x")], operatorAgentId: "7", feePct: "12.5", feePeriodDays: "30" }), ME);
  assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
  assert.deepEqual(r.params, {
    operator: ME, operatorAgentId: 7n, name: "Synthetic Souls", symbol: "SOULS", metadataURI: "ipfs://souls",
    pricePerShare: 10n, minShares: 100_000n * E18, maxShares: 1_000_000n * E18, raiseDuration: 30 * 86_400,
    distributionBps: 8_000, performanceFeeBps: 1_250, performancePeriod: 30 * 86_400,
    revenueTokens: [COMPUTE, UBC], hurdles: [0n, 0n],
  });
});

test("no fee needs no period; an empty agent id means a plain address", () => {
  const r = ventureParams(draft(), ME);
  assert.ok(r.ok);
  assert.equal(r.params.performanceFeeBps, 0);
  assert.equal(r.params.performancePeriod, 0);
  assert.equal(r.params.operatorAgentId, 0n);
});

test("each field the factory would refuse gets its own reason, and nothing is built", () => {
  const cases: [Partial<VentureDraft>, keyof VentureDraft, RegExp][] = [
    [{ name: "  " }, "name", /name/],
    [{ name: "x".repeat(256) }, "name", /255 bytes/],
    [{ symbol: "" }, "symbol", /symbol/],
    [{ metadataURI: "u".repeat(1025) }, "metadataURI", /1024 bytes/],
    [{ price: "0" }, "price", /at least 1/],
    [{ price: "2.5" }, "price", /whole number/],
    [{ price: String(2n ** 128n) }, "price", /too large/],
    [{ minShares: "0" }, "minShares", /more than zero/],
    [{ minShares: "2,000,000" }, "minShares", /cannot be above the cap/],
    [{ maxShares: "abc" }, "maxShares", /positive number/],
    [{ days: "0" }, "days", /from 1/],
    [{ days: "366" }, "days", /365 days/],
    [{ days: "1.5" }, "days", /whole number/],
    [{ distributionPct: "101" }, "distributionPct", /100%/],
    [{ distributionPct: "12.345" }, "distributionPct", /two decimals/],
    [{ feePct: "10" }, "feePeriodDays", /hurdle period/],
    [{ feePct: "-1" }, "feePct", /percentage/],
    [{ revenue: [] }, "revenue", /at least one/],
    [{ revenue: ["0x12"] }, "revenue", /token address/],
    [{ operatorAgentId: "seven" }, "operatorAgentId", /whole number/],
  ];
  for (const [over, field, reason] of cases) {
    const r = ventureParams(draft(over), ME);
    assert.equal(r.ok, false, `${JSON.stringify(over).slice(0, 60)} is refused`);
    if (!r.ok) assert.match(r.errors[field] ?? "", reason, `${field}: ${JSON.stringify(r.errors)}`);
  }
});

test("the same token twice counts once; a minimum equal to the cap is allowed", () => {
  const r = ventureParams(draft({ revenue: [COMPUTE, COMPUTE.toUpperCase().replace("0X", "0x")], minShares: "10", maxShares: "10" }), ME);
  assert.ok(r.ok);
  assert.deepEqual(r.params.revenueTokens, [COMPUTE]);
  assert.deepEqual(r.params.hurdles, [0n]);
});

test("percentages and raise targets", () => {
  assert.deepEqual(percentToBps("100"), { ok: true, bps: 10_000 });
  assert.deepEqual(percentToBps("0"), { ok: true, bps: 0 });
  assert.deepEqual(percentToBps("7.5%"), { ok: true, bps: 750 });
  assert.deepEqual(percentToBps("0.01"), { ok: true, bps: 1 });
  assert.equal(percentToBps("").ok, false);
  // 100,000 shares at 10 COMPUTE: a 1,000,000 COMPUTE minimum
  assert.deepEqual(raiseTargets(10n, 100_000n * E18, 1_000_000n * E18), { min: 1_000_000n * E18, cap: 10_000_000n * E18 });
});

test("the created venture's address is read from the factory's VentureCreated log", () => {
  assert.equal(VENTURE_CREATED_TOPIC, toEventSelector(getAbiItem({ abi: VentureFactoryAbi, name: "VentureCreated" }) as never), "the topic matches the generated ABI");
  const factory = "0x4444444444444444444444444444444444444444";
  const venture = "0xAbCdEf0123456789abcdef0123456789ABCDEF01";
  const pad = (a: string) => `0x${"0".repeat(24)}${a.slice(2)}`;
  const logs = [
    { address: venture, topics: ["0x" + "1".repeat(64)] }, // the clone's Initialized
    { address: factory.toUpperCase().replace("0X", "0x"), topics: [VENTURE_CREATED_TOPIC, pad(venture), pad(ME), "0x" + "0".repeat(64)] },
  ];
  assert.equal(createdVenture(logs, factory), venture.toLowerCase());
  assert.equal(createdVenture(logs, "0x5555555555555555555555555555555555555555"), undefined, "another contract's log is not it");
  assert.equal(createdVenture([], factory), undefined);
});
