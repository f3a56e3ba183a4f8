import { test } from "node:test";
import assert from "node:assert/strict";
import { marketTotals } from "./agentpnl.ts";

const E18 = 10n ** 18n;
const job = (t: number, o: { payout?: bigint; locked?: bigint; back?: bigint }) => ({
  updatedAt: String(t), providerPayout: o.payout === undefined ? null : String(o.payout), requesterLocked: String(o.locked ?? 0n), requesterPayout: o.back === undefined ? null : String(o.back),
});

test("running totals as steps at each settlement: earned as a provider, spent as a requester (the lock less what came back), and the difference", () => {
  const provided = [job(300, { payout: 200n * E18 }), job(100, { payout: 100n * E18 })]; // any order
  const requested = [job(200, { locked: 107n * E18, back: 0n }), job(300, { locked: 50n * E18, back: 50n * E18 })]; // the second refunded in full
  const { earned, spent, net } = marketTotals(provided, requested);
  assert.deepEqual(earned, [{ x: 99, y: 0 }, { x: 100, y: 0 }, { x: 100, y: 100 }, { x: 200, y: 100 }, { x: 200, y: 100 }, { x: 300, y: 100 }, { x: 300, y: 300 }]);
  assert.deepEqual(spent.map((p) => p.y), [0, 0, 0, 0, 107, 107, 107]);
  assert.deepEqual(net.map((p) => p.y), [0, 0, 100, 100, -7, -7, 193]);
});

test("from the agent's registration to the newest block; no settled jobs: no points", () => {
  assert.deepEqual(marketTotals([], [], { from: 10, to: 1_000 }), { earned: [], spent: [], net: [] });
  assert.deepEqual(marketTotals([job(50, { payout: E18 / 2n })], [], { from: 10, to: 90 }).earned, [{ x: 10, y: 0 }, { x: 50, y: 0 }, { x: 50, y: 0.5 }, { x: 90, y: 0.5 }]);
  // a span inside the settlements is ignored on that side
  assert.deepEqual(marketTotals([job(50, { payout: E18 })], [], { from: 60, to: 40 }).earned, [{ x: 49, y: 0 }, { x: 50, y: 0 }, { x: 50, y: 1 }]);
});
