import { test } from "node:test";
import assert from "node:assert/strict";
import { parseAmount, parseInteger } from "./amount.ts";

const E = 10n ** 18n;

test("parseAmount accepts decimals and thousands separators", () => {
  assert.deepEqual(parseAmount("1,000.5"), { ok: true, value: 1000n * E + E / 2n });
  assert.deepEqual(parseAmount(" 12 "), { ok: true, value: 12n * E });
  assert.deepEqual(parseAmount(".25"), { ok: true, value: E / 4n });
  assert.deepEqual(parseAmount("0.000000000000000001"), { ok: true, value: 1n });
});

test("parseAmount refuses what cannot be sent", () => {
  for (const bad of ["", "abc", "-1", "1e18", "1.2.3", "."]) assert.equal(parseAmount(bad).ok, false, bad);
  assert.match((parseAmount("0") as { error: string }).error, /more than zero/);
  assert.match((parseAmount("0.0000000000000000001") as { error: string }).error, /18 decimal/);
  const over = parseAmount("101", { max: 100n * E, maxLabel: "your UBC balance", unit: "UBC" });
  assert.deepEqual(over, { ok: false, error: "That is more than your UBC balance (100 UBC)." });
  const under = parseAmount("99", { min: 100n * E, unit: "COMPUTE", minLabel: "the minimum job" });
  assert.equal(under.ok, false);
  assert.equal(parseAmount("0", { allowZero: true }).ok, true);
});

test("parseInteger", () => {
  assert.deepEqual(parseInteger("42"), { ok: true, value: 42n });
  assert.equal(parseInteger("4.2", { label: "Units" }).ok, false);
  assert.deepEqual(parseInteger("0", { min: 1n, label: "Units" }), { ok: false, error: "Units must be at least 1." });
  assert.equal(parseInteger("", { label: "Units" }).ok, false);
});
