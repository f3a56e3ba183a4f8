// The runtime's parts without a chain: job kinds (re-execution, tampered deliveries, the
// rubric), the limits guard, the rule-based policy, the schema validator, and the LLM policy
// against a local server that speaks the OpenAI chat-completions protocol (no model behind it:
// it answers with scripted good, malformed and out-of-limits decisions).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { fromRlp, hashTypedData, keccak256, parseTransaction, recoverTransactionAddress, recoverTypedDataAddress, toHex, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { QUOTE_TYPES, type Quote } from "../sdk/client.ts";
import { quoteId } from "./quotebook.ts";
import {
  decodeDelivery, encodeDelivery, judgeText, resultHash, sha256Iter, specHash, unitsOf, verifyDelivery, KINDS, KIND_HASH, type ShaSpec, type LlmSpec,
} from "./jobs.ts";
import { DEFAULT_LIMITS, E18, LimitError, SpendGuard, requesterLock } from "./limits.ts";
import { RulePolicy, QUOTE_SCHEMA, BID_SCHEMA, type Candidate } from "./policy.ts";
import { validate } from "./schema.ts";
import { LlmPolicy } from "./llm.ts";
import { localAccount, nativeSigning } from "./signer.ts";
import { nextInFlightCap, nextQuoteKind, specMisfit } from "./agent.ts";
import { Status } from "./market.ts";
import { startOpenAiServer, type OpenAiTestServer } from "../testing/openai-server.ts";

const spec: ShaSpec = { kind: "sha256-iter", input: "0x0102", iterations: 750, salt: "t" };

describe("job kinds", () => {
  test("sha256-iter re-executes to the same digest; a tampered delivery fails", () => {
    assert.equal(sha256Iter("0x", 1), "0xe3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assert.equal(unitsOf(spec), 3n);
    const result = sha256Iter(spec.input, spec.iterations);
    const uri = encodeDelivery(spec, result);
    assert.deepEqual(decodeDelivery(uri).spec, spec);
    assert.equal(verifyDelivery(specHash(spec), resultHash(result), uri).ok, true);
    const wrong = `0x${"00".repeat(32)}` as Hex;
    const bad = verifyDelivery(specHash(spec), resultHash(wrong), encodeDelivery(spec, wrong));
    assert.deepEqual([bad.ok, bad.reason], [false, "re-executed: different digest"]);
    // the delivery's spec must be the job's, and the result the submitted one
    assert.match(verifyDelivery(specHash({ ...spec, salt: "other" }), resultHash(result), uri).reason, /not the job's spec/);
    assert.match(verifyDelivery(specHash(spec), resultHash("x"), uri).reason, /does not match/);
    assert.match(verifyDelivery(specHash(spec), resultHash(result), "ipfs://nothing").reason, /not an inline JSON delivery/);
    // verdicts are remembered by their three inputs: asked again, the same answers
    assert.equal(verifyDelivery(specHash(spec), resultHash(result), uri).ok, true);
    assert.match(verifyDelivery(specHash(spec), resultHash("x"), uri).reason, /does not match/);
    assert.throws(() => decodeDelivery(`data:application/json;base64,${Buffer.from(JSON.stringify({ spec: { ...spec, iterations: 2e9 }, result })).toString("base64")}`), /iterations/);
  });

  test("a quote's digest computed directly is viem's EIP-712 hash, and the signature recovers to the provider", async () => {
    const market = "0x5FbDB2315678afecb367f032d93F642f64180aa3" as Hex;
    const account = privateKeyToAccount(generatePrivateKey());
    for (let i = 0; i < 20; i++) {
      const q: Quote = {
        providerAgentId: BigInt(i + 1), resourceKind: KIND_HASH[i % 2 ? "llm-text" : "sha256-iter"], units: BigInt(1 + i * 7), unitPrice: BigInt(i) * 10n ** 18n + 12_345n,
        expiry: 1_800_000_000n + BigInt(i), nonce: 2n ** 200n + BigInt(i), requester: BigInt(i % 3), deliveryPeriod: 3_600n * BigInt(i),
      };
      const domain = { name: "UBC WorkMarket", version: "1", chainId: 31_337 + (i % 2), verifyingContract: market } as const;
      const digest = quoteId(q, domain.chainId, market);
      assert.equal(digest, hashTypedData({ domain, types: QUOTE_TYPES, primaryType: "Quote", message: q }));
      const signature = await account.sign({ hash: digest });
      assert.equal(await recoverTypedDataAddress({ domain, types: QUOTE_TYPES, primaryType: "Quote", message: q, signature }), account.address);
    }
    assert.throws(() => quoteId({ providerAgentId: 1n, resourceKind: "0x12", units: 1n, unitPrice: 1n, expiry: 1n, nonce: 1n, requester: 0n, deliveryPeriod: 1n }, 1, market), /resourceKind must be 32 bytes/);
    // ids are remembered per quote object, but never for another market or a changed field
    const q: Quote = { providerAgentId: 7n, resourceKind: KIND_HASH["sha256-iter"], units: 3n, unitPrice: 10n ** 18n, expiry: 1_800_000_000n, nonce: 5n, requester: 0n, deliveryPeriod: 3_600n };
    const domain = { name: "UBC WorkMarket", version: "1", chainId: 31_337, verifyingContract: market } as const;
    assert.equal(quoteId(q, 31_337, market), quoteId(q, 31_337, market));
    assert.equal(quoteId(q, 1, market), hashTypedData({ domain: { ...domain, chainId: 1 }, types: QUOTE_TYPES, primaryType: "Quote", message: q }));
    q.nonce = 6n;
    assert.equal(quoteId(q, 31_337, market), hashTypedData({ domain, types: QUOTE_TYPES, primaryType: "Quote", message: q }));
  });

  test("native signing (libsecp256k1) gives viem's bytes: transactions of every kind the runtime sends, and raw digests", async () => {
    // the prebuilt binding ships for linux-x64; a platform without it falls back to viem (the same bytes, slower)
    if (process.platform === "linux" && process.arch === "x64" && process.env.UBC_NATIVE_SECP256K1 !== "0") assert.equal(nativeSigning, true);
    const seed = Date.now() % 1_000_000;
    for (let i = 0; i < 40; i++) {
      const key = keccak256(toHex(`signer-test-${seed}-${i}`));
      const fast = localAccount(key);
      const slow = privateKeyToAccount(key);
      assert.equal(fast.address, slow.address, `seed ${seed}`);
      const tx = {
        chainId: 31_337 + i, type: "eip1559" as const, nonce: i * 977, to: slow.address, value: BigInt(i) * 10n ** 17n, gas: 21_000n + BigInt(i) * 1_000n,
        data: (i % 3 === 0 ? "0x" : keccak256(toHex(i)) + "00ff".repeat(i)) as Hex, maxFeePerGas: 3_000_000_000n + BigInt(i), maxPriorityFeePerGas: BigInt(i % 2),
      };
      const raw = await fast.signTransaction(tx);
      assert.equal(raw, await slow.signTransaction(tx), `seed ${seed}, transaction ${i}`);
      assert.equal(await recoverTransactionAddress({ serializedTransaction: raw as never }), slow.address);
      assert.equal(parseTransaction(raw).nonce, tx.nonce);
      const legacy = { chainId: 1, type: "legacy" as const, nonce: i, to: slow.address, value: 1n, gas: 21_000n, gasPrice: 10n ** 9n };
      assert.equal(await fast.signTransaction(legacy), await slow.signTransaction(legacy), `seed ${seed}, legacy ${i}`);
      const digest = keccak256(toHex(`digest-${seed}-${i}`));
      assert.equal(await fast.sign({ hash: digest }), await slow.sign({ hash: digest }), `seed ${seed}, digest ${i}`);
    }
  });

  test("native signing encodes the runtime's EIP-1559 transactions as viem does at every RLP length boundary", async () => {
    const slowAll = (key: Hex) => privateKeyToAccount(key);
    // data lengths around RLP's short/long string boundary and a single byte on both sides of 0x80;
    // values from zero to 2^256 - 1; 300 signatures, enough for r or s to start with a zero byte
    const datas: Hex[] = ["0x", "0x00", "0x7f", "0x80", "0xff", `0x${"ab".repeat(55)}`, `0x${"cd".repeat(56)}`, `0x${"ef".repeat(300)}`];
    const values = [0n, 1n, 127n, 128n, 255n, 256n, 10n ** 18n, 2n ** 256n - 1n];
    let zeroLed = 0;
    for (let i = 0; i < 300; i++) {
      const key = keccak256(toHex(`rlp-boundary-${i}`));
      const fast = localAccount(key);
      const tx = {
        chainId: [1, 127, 128, 31_337, 2 ** 32][i % 5], type: "eip1559" as const, nonce: [0, 1, 127, 128, 2 ** 40][i % 5], to: slowAll(key).address,
        value: values[i % values.length], gas: BigInt(i) * 7_919n, data: datas[i % datas.length],
        maxFeePerGas: [0n, 1n, 3_000_000_000n, 2n ** 128n][i % 4], maxPriorityFeePerGas: [0n, 1n, 0n, 2n ** 64n][i % 4],
      };
      const raw = await fast.signTransaction(tx);
      assert.equal(raw, await slowAll(key).signTransaction(tx), `transaction ${i}`);
      const fields = fromRlp(`0x${raw.slice(4)}`, "hex") as Hex[];
      if (fields[10].length < 66 || fields[11].length < 66) zeroLed++;
    }
    assert.ok(zeroLed > 0, "some signature word had a leading zero byte (its RLP drops it)");
    // what viem refuses, the fast path refuses too
    const fast = localAccount(keccak256(toHex("rlp-refusals")));
    const base = { chainId: 1, type: "eip1559" as const, nonce: 0, to: fast.address, gas: 21_000n, maxFeePerGas: 1n };
    await assert.rejects(fast.signTransaction({ ...base, maxPriorityFeePerGas: 2n }), /maxPriorityFeePerGas|tip/i);
    await assert.rejects(fast.signTransaction({ ...base, to: "0x1234" as Hex }), /Address/i);
    // malformed calldata is viem's to judge, never signed as whatever bytes parse
    const odd = { ...base, maxPriorityFeePerGas: 0n, data: "0xabc" as Hex };
    assert.equal(await fast.signTransaction(odd), await privateKeyToAccount(keccak256(toHex("rlp-refusals"))).signTransaction(odd));
    await assert.rejects(fast.signTransaction({ ...odd, data: "0xzz12" as Hex }));
  });

  test("llm-text is judged by its rubric", () => {
    const s: LlmSpec = { kind: "llm-text", prompt: "explain burn", model: "m", maxTokens: 200, salt: "x", rubric: { minWords: 3, maxWords: 20, mustInclude: ["burn"], mustNotInclude: ["lorem ipsum"] } };
    assert.equal(unitsOf(s), 2n);
    assert.equal(judgeText("Burn removes supply for good.", s.rubric).pass, true);
    assert.deepEqual(judgeText("lorem ipsum", s.rubric).reasons, ["2 words, under 3", 'missing "burn"', 'contains "lorem ipsum"']);
    const text = "The burn share moves with volume.";
    assert.equal(verifyDelivery(specHash(s), resultHash(text), encodeDelivery(s, text)).ok, true);
  });
});

describe("a spec against the quote it fills", () => {
  test("the quote's kind and at most its units fit; another kind or more units is a misfit (the provider declines)", () => {
    const E = 10n ** 18n;
    const job = { id: 7n, value: 4n * 50n * E, unitPrice: 50n * E, resourceKind: KIND_HASH["sha256-iter"] };
    const sha = (iterations: number) => ({ kind: "sha256-iter" as const, input: "0x01" as Hex, iterations, salt: "s" });
    assert.equal(specMisfit(job, sha(4 * 250)), undefined, "exactly the 4 units paid for");
    assert.equal(specMisfit(job, sha(1)), undefined, "less work is fine");
    assert.match(specMisfit(job, sha(4 * 250 + 1))!, /asks 5 units, the quote priced 4/);
    const llm = { kind: "llm-text" as const, prompt: "p", model: "m", maxTokens: 100, salt: "s", rubric: { minWords: 1, maxWords: 10, mustInclude: [], mustNotInclude: [] } };
    assert.match(specMisfit(job, llm)!, /a llm-text spec on a quote for sha256-iter/);
    // a job not filled from a quote (no unit price, no kind): nothing to check against
    assert.equal(specMisfit({ id: 8n, value: 100n * E }, sha(1_000_000)), undefined);
  });
});

describe("limits", () => {
  test("spend caps per job, per hour (sliding) and in total; kinds; reputation; prices", () => {
    let now = 0;
    const g = new SpendGuard({ ...DEFAULT_LIMITS, spendPerJob: 500n * E18, spendPerHour: 1_000n * E18, spendTotal: 1_500n * E18 }, () => now);
    assert.throws(() => g.checkSpend(501n * E18, "x"), (e: unknown) => e instanceof LimitError && e.limit === "spendPerJob");
    g.checkSpend(500n * E18, "a");
    g.commit(500n * E18);
    g.commit(500n * E18);
    assert.throws(() => g.checkSpend(1n, "b"), (e: unknown) => e instanceof LimitError && e.limit === "spendPerHour");
    now += 3_600_001;
    g.checkSpend(500n * E18, "c");
    g.commit(500n * E18);
    assert.throws(() => g.checkSpend(1n, "d"), (e: unknown) => e instanceof LimitError && e.limit === "spendTotal");
    assert.throws(() => g.checkKind("gpu-hour"), /not allowed/);
    g.checkReputation(1n, { count: 1, average: 0 }); // too few ratings to judge
    assert.throws(() => g.checkReputation(1n, { count: 5, average: 10 }), /under 40/);
    assert.throws(() => g.checkBuyPrice("sha256-iter", 201n * E18), /over the cap/);
    assert.throws(() => g.checkSellPrice("sha256-iter", 19n * E18), /under the floor/);
    assert.equal(requesterLock(1_000n * E18), 1_065n * E18);
  });

  test("pace: the hourly limit spread evenly, with a burst of five minutes' share; headroom names what may be committed now", () => {
    let now = 0;
    // 3,600 COMPUTE an hour: one a second, a burst of 300
    const g = new SpendGuard({ ...DEFAULT_LIMITS, spendPerJob: 250n * E18, spendPerHour: 3_600n * E18, spendTotal: 100_000n * E18, pace: true }, () => now);
    assert.equal(g.headroom(), 300n * E18);
    g.checkSpend(200n * E18, "a");
    g.commit(200n * E18);
    assert.equal(g.headroom(), 100n * E18);
    assert.throws(() => g.checkSpend(101n * E18, "b"), (e: unknown) => e instanceof LimitError && e.limit === "pace" && /even pace of 3600 COMPUTE an hour/.test(e.message));
    now += 50_000; // 50 s: 50 more
    assert.equal(g.headroom(), 150n * E18);
    g.checkSpend(150n * E18, "c");
    g.commit(150n * E18);
    assert.equal(g.headroom(), 0n);
    // a reservation given back returns to the allowance, never over the burst
    g.release(150n * E18);
    assert.equal(g.headroom(), 150n * E18);
    now += 3_600_000; // an hour idle: the allowance holds the burst only
    assert.equal(g.headroom(), 300n * E18);
    // over an hour at most the hourly limit plus one burst, never more
    let spent = 0n;
    for (let t = 0; t < 3_600; t++, now += 1_000) {
      const room = g.headroom();
      if (room >= 10n * E18) {
        g.checkSpend(10n * E18, "d");
        g.commit(10n * E18);
        spent += 10n * E18;
      }
    }
    assert.ok(spent >= 3_600n * E18 && spent <= 3_900n * E18, `spent ${spent / E18} in an hour`);
    // a job's cap over five minutes' share: the allowance holds one job at least (else it never fits)
    assert.equal(new SpendGuard({ ...DEFAULT_LIMITS, spendPerJob: 1_000n * E18, spendPerHour: 3_600n * E18, pace: true }, () => now).headroom(), 1_000n * E18);
    // without pace: the whole hour at once, as before
    const burst = new SpendGuard({ ...DEFAULT_LIMITS, spendPerJob: 1_000n * E18, spendPerHour: 3_600n * E18, spendTotal: 100_000n * E18 }, () => now);
    assert.equal(burst.headroom(), 3_600n * E18);
  });
});

describe("rule-based policy", () => {
  const guard = () => new SpendGuard(DEFAULT_LIMITS);
  test("prices from cost and demand, undercuts a cheaper competitor but never sells under cost", async () => {
    const p = new RulePolicy();
    const base = { kind: "sha256-iter" as const, costPerUnit: 40n * E18, count: 1 };
    const [q0] = await p.quote({ ...base, recentQuotes: 0, recentFills: 0 }, guard());
    assert.equal(q0.unitPrice, 50n * E18); // cost + 25%
    assert.ok(q0.unitPrice * BigInt(q0.units) >= 100n * E18);
    const [hot] = await p.quote({ ...base, recentQuotes: 10, recentFills: 10 }, guard());
    assert.equal(hot.unitPrice, 55n * E18); // demand: +10%
    const [cold] = await p.quote({ ...base, recentQuotes: 10, recentFills: 0 }, guard());
    assert.ok(cold.unitPrice < hot.unitPrice);
    const [under] = await p.quote({ ...base, recentQuotes: 0, recentFills: 0, bestCompetitor: 45n * E18 }, guard());
    assert.equal(under.unitPrice, (45n * E18 * 99n) / 100n);
    const [floor] = await p.quote({ ...base, recentQuotes: 0, recentFills: 0, bestCompetitor: 10n * E18 }, guard());
    assert.ok(floor.unitPrice >= 40n * E18);
  });

  test("quotes that lapsed unfilled bring the price down at once, though the window's earlier quotes were all filled", async () => {
    const p = new RulePolicy();
    const base = { kind: "sha256-iter" as const, costPerUnit: 60n * E18, count: 1 };
    // a run of filled quotes drives the multiplier to its cap: 3 × 1.25 × 60 = 225 a unit, over
    // the default limit a requester pays
    let q = (await p.quote({ ...base, recentQuotes: 32, recentFills: 32 }, guard()))[0];
    for (let i = 0; i < 20; i++) q = (await p.quote({ ...base, recentQuotes: 32, recentFills: 32 }, guard()))[0];
    assert.equal(q.unitPrice, 225n * E18);
    assert.throws(() => guard().checkBuyPrice("sha256-iter", q.unitPrice));
    // nobody fills them; the window still says 26 of 32 filled (above 80%: a rise without lapses)
    const [after] = await p.quote({ ...base, recentQuotes: 32, recentFills: 26, lapsed: 2 }, guard());
    // 5% off for each of the two (the multiplier is kept to 0.001)
    assert.ok(after.unitPrice >= 203n * E18 && after.unitPrice <= 204n * E18, `${after.unitPrice}`);
    // a few such rounds bring it back under what requesters pay
    let rounds = 1;
    let price = after.unitPrice;
    for (; rounds < 10; rounds++) {
      try {
        guard().checkBuyPrice("sha256-iter", price);
        break;
      } catch {
        price = (await p.quote({ ...base, recentQuotes: 32, recentFills: 26, lapsed: 2 }, guard()))[0].unitPrice;
      }
    }
    assert.ok(rounds <= 3, `${rounds} rounds of lapsed quotes to come under the buy limit`);
  });

  test("bids on the cheapest acceptable quote; skips failed, disreputable, over-priced and over-exposed providers", async () => {
    const p = new RulePolicy();
    const c = (id: string, price: number, extra: Partial<Candidate> = {}): Candidate => ({ id, provider: BigInt(id.length), kind: "sha256-iter", unitPrice: BigInt(price) * E18, units: 3n, reputation: { count: 0, average: 0 }, failedMe: false, inFlightWithMe: 0, provenWithMe: 0, ...extra });
    const ctx = (candidates: Candidate[]) => ({ kind: "sha256-iter" as const, minUnits: 1, maxUnits: 10, candidates });
    assert.deepEqual(await p.bid(ctx([c("a", 60), c("bb", 50)]), guard()), { action: "fill", quoteId: "bb" });
    assert.deepEqual(await p.bid(ctx([c("a", 60), c("bb", 50, { failedMe: true })]), guard()), { action: "fill", quoteId: "a" });
    assert.deepEqual(await p.bid(ctx([c("a", 60, { reputation: { count: 4, average: 10 } })]), guard()), { action: "skip", reason: "no acceptable quote" });
    assert.deepEqual(await p.bid(ctx([c("a", 250)]), guard()), { action: "skip", reason: "no acceptable quote" });
    assert.deepEqual(await p.bid(ctx([c("a", 60, { inFlightWithMe: 1 })]), guard()), { action: "skip", reason: "no acceptable quote" });
    // a provider proven first-hand (a delivery this agent verified) or rated by enough agents gets a second job, never a third
    assert.deepEqual(await p.bid(ctx([c("a", 60, { inFlightWithMe: 1, provenWithMe: 1 })]), guard()), { action: "fill", quoteId: "a" });
    assert.deepEqual(await p.bid(ctx([c("a", 60, { inFlightWithMe: 1, reputation: { count: 4, average: 90 } })]), guard()), { action: "fill", quoteId: "a" });
    assert.deepEqual(await p.bid(ctx([c("a", 60, { inFlightWithMe: 2, provenWithMe: 3 })]), guard()), { action: "skip", reason: "no acceptable quote" });
  });

  test("takes an open job that pays its cost, from a requester whose reputation passes, while it has room", async () => {
    const p = new RulePolicy();
    const ctx = {
      jobId: "3", kind: "sha256-iter" as const, units: 4, unitPrice: 40n * E18, value: 160n * E18, costPerUnit: 40n * E18, deliveryPeriod: 3_600,
      requester: 5n, requesterReputation: { count: 0, average: 0 }, jobsInHand: 1, maxJobsInHand: 4,
    };
    assert.equal((await p.accept(ctx, guard())).action, "accept"); // at cost, an unrated requester
    const under = await p.accept({ ...ctx, unitPrice: 39n * E18, value: 156n * E18 }, guard());
    assert.equal(under.action, "skip");
    assert.match(under.reason, /under our cost/);
    assert.match((await p.accept({ ...ctx, requesterReputation: { count: 4, average: 10 } }, guard())).reason, /averages 10 over 4 ratings/);
    assert.equal((await p.accept({ ...ctx, jobsInHand: 4 }, guard())).action, "skip");
  });
});

describe("provider quoting", () => {
  test("a provider of several kinds keeps each on offer; with one kind it fills its open quotes", () => {
    const both = ["sha256-iter", "llm-text"] as const;
    const open = (o: Record<string, number>) => (k: string) => o[k] ?? 0;
    // nothing open: either kind (drawn), at most its share (2 of 3)
    assert.deepEqual(nextQuoteKind(both, open({}), 3, () => 0), { kind: "sha256-iter", want: 2 });
    assert.deepEqual(nextQuoteKind(both, open({}), 3, () => 0.99), { kind: "llm-text", want: 2 });
    // one kind covered: the other one next, whatever the draw, within the total of 3
    for (const r of [0, 0.5, 0.99]) assert.deepEqual(nextQuoteKind(both, open({ "sha256-iter": 2 }), 3, () => r), { kind: "llm-text", want: 1 });
    assert.deepEqual(nextQuoteKind(both, open({ "llm-text": 3 }), 3, () => 0), { kind: "sha256-iter", want: 0 });
    // one kind: as many as are missing
    assert.deepEqual(nextQuoteKind(["sha256-iter"], open({ "sha256-iter": 1 }), 3, () => 0.7), { kind: "sha256-iter", want: 2 });
  });
});

describe("requester congestion control", () => {
  test("a draw re-armed twice halves the in-flight cap per further re-arm; clean draws grow it back by 1/cap each, within 1..max", () => {
    const seen = new Map<bigint, { rearms: number; drawn: boolean }>();
    const job = (id: number, o: { rearms?: number; drawn?: boolean; status?: number } = {}) =>
      ({ id: BigInt(id), status: o.status ?? Status.Submitted, rearms: o.rearms, committee: o.drawn ? [1n, 2n, 3n] : undefined });
    assert.equal(nextInFlightCap(12, 12, [job(1), job(2)], seen), 12, "nothing drawn yet: as it was");
    // job 1's draw came too late once: common near the end of the window, no change
    assert.equal(nextInFlightCap(12, 12, [job(1, { rearms: 1 }), job(2)], seen), 12);
    // its re-armed draw was late too: halved; seen again unchanged: counted once
    assert.equal(nextInFlightCap(12, 12, [job(1, { rearms: 2 }), job(2)], seen), 6);
    assert.equal(nextInFlightCap(6, 12, [job(1, { rearms: 2 }), job(2)], seen), 6);
    // two more re-arms at once, then it is drawn: 6 -> 3 -> 1.5, and its draw adds nothing
    assert.equal(nextInFlightCap(6, 12, [job(1, { rearms: 4, drawn: true }), job(2)], seen), 1.5);
    // job 2 drawn at once: + 1/1.5
    const c = nextInFlightCap(1.5, 12, [job(1, { rearms: 4, drawn: true }), job(2, { drawn: true })], seen);
    assert.ok(Math.abs(c - (1.5 + 1 / 1.5)) < 1e-9, String(c));
    // a job drawn after one re-arm counts as drawn; never below 1
    const d = nextInFlightCap(2, 12, [job(3, { rearms: 1, drawn: true })], seen);
    assert.equal(d, 2.5);
    assert.equal(nextInFlightCap(1, 12, [job(4, { rearms: 6 })], seen), 1);
    // clean draws bring it back to max and no further; ended jobs are forgotten
    let cap = 1;
    for (let id = 10; id < 200; id++) cap = nextInFlightCap(cap, 12, [job(id, { drawn: true })], seen);
    assert.equal(cap, 12);
    assert.equal(nextInFlightCap(20, 12, [], seen), 12, "a cap above max is brought down to it");
    nextInFlightCap(12, 12, [job(1, { rearms: 4, drawn: true, status: Status.Settled })], seen);
    assert.equal(seen.has(1n), false);
  });
});

describe("schema validation", () => {
  test("accepts good decisions and names every problem of bad ones", () => {
    assert.deepEqual(validate(QUOTE_SCHEMA, { quotes: [{ unitPrice: "55.5", units: 3, deliveryPeriod: 3600, lifetime: 600 }] }), []);
    assert.deepEqual(validate(QUOTE_SCHEMA, { quotes: [{ unitPrice: 55, units: "four", deliveryPeriod: 1, extra: 1 }] }), [
      "$.quotes[0].lifetime is required", "$.quotes[0].unitPrice must be a string", "$.quotes[0].units must be an integer",
      "$.quotes[0].deliveryPeriod is under 60", "$.quotes[0].extra is not allowed",
    ]);
    assert.deepEqual(validate(BID_SCHEMA, { action: "buy" }), ["$.action must be one of fill, skip"]);
    assert.deepEqual(validate(BID_SCHEMA, "fill"), ["$ must be an object"]);
  });
});

describe("LLM policy against a local OpenAI-protocol server", () => {
  let server: OpenAiTestServer;
  before(async () => {
    server = await startOpenAiServer();
  });
  after(async () => {
    await server.close();
  });

  test("good answers are used; malformed and out-of-limits answers are refused, logged and not executed", async () => {
    const lines: string[] = [];
    const p = new LlmPolicy({ apiKey: "test-key", baseURL: server.url, model: "test-model", log: (l) => lines.push(l) });
    const guard = new SpendGuard(DEFAULT_LIMITS);
    const qctx = { kind: "sha256-iter" as const, costPerUnit: 40n * E18, recentQuotes: 0, recentFills: 0, count: 2 };
    const good = await p.quote(qctx, guard);
    assert.equal(good.length, 2);
    assert.equal(good[0].unitPrice, 60n * E18);
    assert.deepEqual(await p.quote(qctx, guard), []); // malformed
    assert.deepEqual(await p.quote(qctx, guard), []); // under the floor
    const candidates: Candidate[] = [{ id: "0x01", provider: 7n, kind: "sha256-iter", unitPrice: 50n * E18, units: 3n, reputation: { count: 0, average: 0 }, failedMe: false, inFlightWithMe: 0, provenWithMe: 0 }];
    const bctx = { kind: "sha256-iter" as const, minUnits: 1, maxUnits: 10, candidates };
    assert.deepEqual(await p.bid(bctx, guard), { action: "fill", quoteId: "0x01" });
    assert.equal((await p.bid(bctx, guard)).action, "skip"); // not JSON
    assert.equal((await p.bid(bctx, guard)).action, "skip"); // a quote id that is not on offer
    // a good answer that breaks the limits is refused too: the only candidate is over the price cap
    const pricey = { ...bctx, candidates: [{ ...candidates[0], unitPrice: 500n * E18 }] };
    assert.equal((await p.bid(pricey, guard)).action, "skip");
    // open jobs: a good answer takes one that covers the cost; a malformed one, and one that takes
    // a job paying under cost, are refused and take nothing
    const actx = {
      jobId: "7", kind: "sha256-iter" as const, units: 4, unitPrice: 50n * E18, value: 200n * E18, costPerUnit: 40n * E18, deliveryPeriod: 3_600,
      requester: 9n, requesterReputation: { count: 0, average: 0 }, jobsInHand: 0, maxJobsInHand: 4,
    };
    assert.equal((await p.accept(actx, guard)).action, "accept");
    assert.equal((await p.accept(actx, guard)).action, "skip"); // malformed
    assert.equal((await p.accept({ ...actx, unitPrice: 30n * E18, value: 120n * E18 }, guard)).action, "skip"); // takes it under cost: refused
    assert.equal((await p.accept({ ...actx, unitPrice: 30n * E18, value: 120n * E18 }, guard)).action, "skip"); // a good answer: skips it
    assert.equal(p.refusals.length, 7);
    assert.deepEqual(p.refusals.map((r) => r.decision), ["quote", "quote", "bid", "bid", "bid", "accept", "accept"]);
    assert.match(p.refusals[0].reason, /does not match the schema/);
    assert.match(p.refusals[1].reason, /under the floor/);
    assert.match(p.refusals[2].reason, /not JSON/);
    assert.match(p.refusals[3].reason, /not among the candidates/);
    assert.match(p.refusals[4].reason, /over the cap/);
    assert.match(p.refusals[5].reason, /does not match the schema/);
    assert.match(p.refusals[6].reason, /under cost/);
    assert.equal(lines.length, 7);
    // every request carried the schema and asked for JSON
    assert.ok(server.requests.every((r) => r.response_format?.type === "json_object" && r.messages[0].content.includes('"additionalProperties":false')));
    // a wrong key is an error of the call, refused like a bad answer
    const wrongKey = new LlmPolicy({ apiKey: "nope", baseURL: server.url, log: () => {} });
    assert.deepEqual(await wrongKey.quote(qctx, guard), []);
    assert.match(wrongKey.refusals[0].reason, /model call failed/);
  });
});

void KINDS;
