import { test } from "node:test";
import assert from "node:assert/strict";
import { bestPerKind, canDecline, declineBy, jobSpecText, pastDeadline, providerDeposit, requesterLock, resourceKindToBytes32, specHash } from "./market.ts";
import { siweMessage } from "./siwe.ts";
import { resourceKindLabel } from "./format.ts";
import { keccak256, toHex } from "viem";

const E = 10n ** 18n;

test("requester lock is 106.5% and the provider deposit 2%", () => {
  assert.equal(requesterLock(100n * E), 1065n * E / 10n);
  assert.equal(providerDeposit(100n * E), 2n * E);
  assert.equal(requesterLock(199n), 199n + 9n + 1n + 0n);
});

test("resource kinds are keccak256 of their name, and their names come back", () => {
  const k = resourceKindToBytes32("gpu-hour");
  assert.deepEqual(k, { ok: true, value: keccak256(toHex("gpu-hour")) });
  assert.equal(resourceKindLabel(keccak256(toHex("llm-tokens"))), "llm-tokens");
  const mine = resourceKindToBytes32("my-own-kind");
  assert.equal(mine.ok && resourceKindLabel(mine.value), "my-own-kind");
  assert.equal(resourceKindToBytes32("").ok, false);
  const hex = "0x" + "ab".repeat(32);
  assert.deepEqual(resourceKindToBytes32(hex), { ok: true, value: hex });
  assert.notEqual(specHash(""), "0x" + "0".repeat(64));
});

test("best price per kind", () => {
  const rows = bestPerKind([
    { resourceKind: "0x02", unitPrice: "5", units: "1", id: "a" },
    { resourceKind: "0x01", unitPrice: "9", units: "1", id: "b" },
    { resourceKind: "0x02", unitPrice: "3", units: "1", id: "c" },
  ]);
  assert.deepEqual(rows.map((r) => [r.kind, r.best.id, r.count]), [["0x01", "b", 1], ["0x02", "c", 2]]);
});

test("SIWE message follows EIP-4361 with a checksummed address", () => {
  const m = siweMessage({ domain: "127.0.0.1:42069", address: "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266", uri: "http://127.0.0.1:42069", chainId: 31337, nonce: "abcdef0123456789", issuedAt: new Date("2026-01-01T00:00:00Z") });
  assert.match(m, /^127\.0\.0\.1:42069 wants you to sign in with your Ethereum account:\n0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266\n/);
  assert.match(m, /\nURI: http:\/\/127\.0\.0\.1:42069\n/);
  assert.match(m, /\nChain ID: 31337\n/);
  assert.match(m, /\nNonce: abcdef0123456789\n/);
  assert.match(m, /\nIssued At: 2026-01-01T00:00:00.000Z/);
});

test("job specs of the agents' kinds: canonical JSON from the text typed, bounded as the runtime bounds them", () => {
  const sha = jobSpecText("sha256-iter", 4n, "hello", "s1");
  assert.deepEqual(sha, { kind: "sha256-iter", text: '{"input":"0x68656c6c6f","iterations":1000,"kind":"sha256-iter","salt":"s1"}' });
  const llm = jobSpecText("llm-text", 2n, "Explain escrow.", "s2");
  assert.ok("text" in llm);
  const parsed = JSON.parse(llm.text) as Record<string, unknown>;
  assert.deepEqual(Object.keys(parsed), [...Object.keys(parsed)].sort(), "keys sorted");
  assert.deepEqual(parsed, { kind: "llm-text", maxTokens: 200, model: "gpt-4o-mini", prompt: "Explain escrow.", rubric: { maxWords: 150, minWords: 1, mustInclude: [], mustNotInclude: [] }, salt: "s2" });
  assert.equal(specHash(sha.kind === null || !("text" in sha) ? "" : sha.text), keccak256(toHex('{"input":"0x68656c6c6f","iterations":1000,"kind":"sha256-iter","salt":"s1"}')));
  // other kinds: the text itself
  assert.deepEqual(jobSpecText("gpu-hour", 5n, "render", "s"), { kind: null });
  assert.deepEqual(jobSpecText(undefined, 5n, "render", "s"), { kind: null });
  // what the runtime would refuse is refused here, with a reason
  for (const bad of [jobSpecText("sha256-iter", 1n, "x".repeat(257), "s"), jobSpecText("sha256-iter", 4_001n, "x", "s"), jobSpecText("llm-text", 1n, "  ", "s"), jobSpecText("llm-text", 82n, "p", "s"), jobSpecText("llm-text", 1n, "p".repeat(4_001), "s")]) {
    assert.ok("error" in bad && bad.error.length > 0, JSON.stringify(bad));
  }
});

test("the decline window is the delivery period's first quarter from the acceptance, as WorkMarket._declineBy", () => {
  // accepted at 1,000,000 for 1 day: deadline 1,086,400, declinable until 1,021,600
  assert.equal(declineBy("1086400", "86400"), 1_021_600n);
  assert.equal(declineBy(1_086_400n, 86_400n), 1_021_600n);
  // the quarter rounds down, as the contract's integer division
  assert.equal(declineBy("1000007", "7"), 1_000_001n);
  assert.equal(declineBy("1000003", "3"), 1_000_000n);
  // not known: not accepted yet, or numbers that are not a window
  assert.equal(declineBy(null, "86400"), null);
  assert.equal(declineBy("1086400", null), null);
  assert.equal(declineBy("1086400", "0"), null);
  assert.equal(declineBy("100", "200"), null);
  assert.equal(declineBy("soon", "86400"), null);
});

test("Decline is offered while the job is accepted and its window open by the chain clock", () => {
  const job = { status: "accepted", deliveryDeadline: "1086400", deliveryPeriod: "86400" };
  assert.equal(canDecline(job, 1_000_000), true);
  assert.equal(canDecline(job, 1_021_600), true, "the last second still counts (reverts only after it)");
  assert.equal(canDecline(job, 1_021_601), false);
  assert.equal(canDecline(job, 0), true, "before the chain clock is read");
  for (const status of ["open", "submitted", "declined", "expired", "cancelled", "settled"]) assert.equal(canDecline({ ...job, status }, 1_000_000), false, status);
  // a window that cannot be computed leaves it to the contract
  assert.equal(canDecline({ status: "accepted", deliveryDeadline: null, deliveryPeriod: "86400" }, 2_000_000), true);
});

test("past its deadline a job can be expired (open, accepted) or its verdict finalized (submitted, disputed), as the contracts allow", () => {
  const value = 1_000n * E;
  const base = { value: String(value), acceptDeadline: "1000", deliveryDeadline: "2000", validationDeadline: "3000", disputeDeadline: "4000" };
  // an open job nobody accepted: the requester's whole lock back, nothing slashed
  assert.equal(pastDeadline({ ...base, status: "open" }, 1000), null, "the deadline second itself is still inside (the contract checks >)");
  assert.deepEqual(pastDeadline({ ...base, status: "open" }, 1001), { action: "expire", deadline: 1000n, refund: requesterLock(value), slashed: 0n, compensation: 0n, burned: 0n });
  // an accepted job never delivered: the lock back plus half the provider's deposit; the other half burns
  assert.equal(pastDeadline({ ...base, status: "accepted" }, 2000), null);
  const deposit = providerDeposit(value);
  assert.deepEqual(pastDeadline({ ...base, status: "accepted" }, 2001), { action: "expire", deadline: 2000n, refund: requesterLock(value) + deposit / 2n, slashed: deposit, compensation: deposit / 2n, burned: deposit / 2n });
  // an odd deposit: the burn rounds down and the requester gets the rest (FeeMath.splitSlash)
  const odd = pastDeadline({ ...base, value: "150", status: "accepted" }, 2001);
  assert.ok(odd && odd.action === "expire");
  assert.equal(odd.slashed, 3n);
  assert.equal(odd.burned, 1n);
  assert.equal(odd.compensation, 2n);
  // a committee without a quorum by the validation deadline; an escalation undecided by the dispute deadline
  assert.equal(pastDeadline({ ...base, status: "submitted" }, 3000), null);
  assert.deepEqual(pastDeadline({ ...base, status: "submitted" }, 3001), { action: "finalize", deadline: 3000n });
  assert.equal(pastDeadline({ ...base, status: "disputed" }, 3001), null, "a dispute has its own deadline");
  assert.deepEqual(pastDeadline({ ...base, status: "disputed" }, 4001), { action: "finalize", deadline: 4000n });
  // nothing for the other statuses, an unknown clock or deadlines that are missing or malformed
  for (const status of ["validated", "resolved", "settled", "expired", "cancelled", "declined"]) assert.equal(pastDeadline({ ...base, status }, 10_000), null, status);
  assert.equal(pastDeadline({ ...base, status: "accepted" }, 0), null, "before the chain clock is read");
  assert.equal(pastDeadline({ ...base, status: "accepted", deliveryDeadline: null }, 10_000), null);
  assert.equal(pastDeadline({ ...base, status: "submitted", validationDeadline: "soon" }, 10_000), null);
  assert.equal(pastDeadline({ ...base, value: "x", status: "open" }, 10_000), null);
});
