import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Address } from "viem";
import { startChain, ARTIFACTS, type TestChain } from "../../../indexer/src/testing/chain.ts";
import { startService, type Service } from "../../../indexer/src/service.ts";
import { ApiClient, UbcClient } from "../sdk/index.ts";
import { devKey } from "../testing/keys.ts";
import { finalizeEndedRaises, payVentureIncome, startVentureKeeper, type IncomeState, type RaiseSource } from "./keeper.ts";

const E18 = 10n ** 18n;
const DAY = 86_400;

describe("the venture keeper finalizes ended raises (a real chain and the indexer's API)", () => {
  let chain: TestChain;
  let svc: Service;
  let api: ApiClient;
  let operator: UbcClient;
  let investor: UbcClient;
  let keeper: UbcClient; // ETH only: it pays the gas, nothing else
  let n = 0;

  const indexed = async () => {
    const head = BigInt(await chain.provider.getBlockNumber());
    for (let i = 0; i < 400 && svc.indexer!.status.checkpoint.number < head; i++) await new Promise((r) => setTimeout(r, 25));
    assert.ok(svc.indexer!.status.checkpoint.number >= head, "the indexer caught up");
  };
  const state = async (v: Address) => Number(await operator.read("Venture", "raiseState", [], v));
  /** A raise of shares at 2 COMPUTE each, `days` long; the investor buys `bought` whole shares. */
  const raise = async (o: { min: bigint; max: bigint; days: number; bought: bigint }) => {
    const v = await operator.createVenture({ name: `Keeper ${++n}`, symbol: `KP${n}`, pricePerShare: 2n, minShares: o.min * E18, maxShares: o.max * E18, raiseDuration: o.days * DAY, distributionBps: 9_000 });
    await investor.invest(v, o.bought * E18);
    return v;
  };
  const warp = async (seconds: number) => {
    await chain.rpc("evm_increaseTime", [seconds]);
    await chain.rpc("evm_mine", []);
  };

  before(async () => {
    chain = await startChain();
    svc = await startService({ rpcUrl: chain.url, deployments: chain.deployments, artifactsDir: ARTIFACTS, port: 0, finalityDepth: 1, pollIntervalMs: 20 });
    api = new ApiClient(svc.api.url);
    operator = new UbcClient({ rpcUrl: chain.url, account: devKey(15), deployments: chain.deployments });
    investor = new UbcClient({ rpcUrl: chain.url, account: devKey(16), deployments: chain.deployments });
    keeper = new UbcClient({ rpcUrl: chain.url, account: devKey(17), deployments: chain.deployments });
    await (await chain.contract("ComputeToken").transfer(investor.address, 100_000n * E18)).wait();
  });
  after(async () => {
    await svc?.stop();
    await chain?.stop();
  });

  test("raises past their deadline or sold out are finalized with their outcome; running ones are left alone", async () => {
    const reached = await raise({ min: 100n, max: 1_000n, days: 7, bought: 200n });
    const short = await raise({ min: 500n, max: 1_000n, days: 7, bought: 100n });
    const running = await raise({ min: 100n, max: 1_000n, days: 30, bought: 200n });
    const soldOut = await raise({ min: 100n, max: 300n, days: 30, bought: 300n });
    await indexed();
    const lines: string[] = [];

    // before any deadline: only the sold-out raise may be finalized
    const first = await finalizeEndedRaises(keeper, api, (l) => lines.push(l));
    assert.deepEqual(first.map((r) => [r.venture, r.outcome, r.sharesSold]), [[soldOut, "succeeded", 300n * E18]]);
    assert.equal(await state(soldOut), 2, "Succeeded");
    assert.equal(await state(reached), 1, "still open");

    const operatorBefore = await operator.balanceOf("ComputeToken");
    await warp(7 * DAY + 1);
    await indexed();
    const second = await finalizeEndedRaises(keeper, api, (l) => lines.push(l));
    assert.deepEqual(second.map((r) => [r.venture, r.outcome]).sort(), [[reached, "succeeded"], [short, "failed"]].sort());
    assert.equal(await state(reached), 2, "Succeeded: the minimum was sold");
    assert.equal(await state(short), 3, "Failed: short of the minimum");
    assert.equal(await state(running), 1, "a raise before its deadline stays open");
    assert.equal((await operator.balanceOf("ComputeToken")) - operatorBefore, 400n * E18, "the successful raise's 200 shares × 2 COMPUTE went to the operator");
    assert.equal(await investor.refund(short), 200n * E18, "the failed raise refunds its investor");
    assert.ok(lines.some((l) => l.includes("Keeper 2") && l.includes("failed short of its minimum")), lines.join("\n"));

    // nothing is finalized twice
    await indexed();
    assert.deepEqual(await finalizeEndedRaises(keeper, api), []);
  });

  test("a raise the indexer still shows open but someone already finalized is skipped, not an error", async () => {
    const v = await raise({ min: 10n, max: 1_000n, days: 1, bought: 20n });
    await warp(DAY + 1);
    await indexed();
    // the indexer's answer from before a wallet user's finalize: a keeper reading a lagging indexer
    const stale = await api.graphql(`{ ventures(where: { status: "open" }) { id name deadline sharesSold maxShares } }`);
    assert.ok((stale as { ventures: { id: string }[] }).ventures.some((x) => x.id === v.toLowerCase()));
    await investor.finalizeRaise(v);
    const lagging: RaiseSource = { graphql: async <T>() => stale as T };
    assert.deepEqual(await finalizeEndedRaises(keeper, lagging), []);
    assert.equal(await state(v), 2);
  });

  test("a venture's income is paid in as revenue, a day's worth per chain day; a short balance and a venture without shareholders are reported once and wait", async () => {
    const v = await raise({ min: 10n, max: 1_000n, days: 30, bought: 100n });
    const income = { venture: v, token: "ComputeToken" as const, perDay: 100n * E18 };
    const state: IncomeState = {};
    const lines: string[] = [];
    const log = (l: string) => lines.push(l);
    assert.equal(await payVentureIncome(keeper, income, state, log), 0n, "the first call starts the count");
    const started = state.paidUntil!;
    await warp(2 * DAY + 10);
    // the keeper holds no COMPUTE yet: nothing paid, the shortfall reported once
    assert.equal(await payVentureIncome(keeper, income, state, log), 0n);
    assert.equal(await payVentureIncome(keeper, income, state, log), 0n);
    assert.equal(lines.filter((l) => l.includes("short of the 200 COMPUTE of income")).length, 1, lines.join("\n"));
    assert.equal(state.paidUntil, started, "nothing is counted as paid");

    await (await chain.contract("ComputeToken").transfer(keeper.address, 10_000n * E18)).wait();
    const [before] = await investor.claimableRevenue(v);
    assert.equal(await payVentureIncome(keeper, income, state, log), 200n * E18, "two days' income");
    const [after] = await investor.claimableRevenue(v);
    assert.ok(after - before <= 180n * E18 && after - before >= 180n * E18 - 1n, `the only holder's 90%: ${after - before}`);
    assert.equal(await payVentureIncome(keeper, income, state, log), 0n, "less than a day since");
    assert.ok(lines.some((l) => l.startsWith("keeper: deposited 200 COMPUTE of income (2 days)")), lines.join("\n"));

    // after a long pause, at most 30 days at once; the days beyond are not owed later
    await warp(40 * DAY);
    assert.equal(await payVentureIncome(keeper, income, state, log), 3_000n * E18);
    assert.equal(await payVentureIncome(keeper, income, state, log), 0n);

    // a failed raise whose investor took the refund has no shareholders: reported once, no throw
    const empty = await raise({ min: 500n, max: 1_000n, days: 1, bought: 10n });
    await warp(DAY + 1);
    await investor.refund(empty);
    const emptyState: IncomeState = {};
    const emptyIncome = { venture: empty, token: "ComputeToken" as const, perDay: E18 };
    await payVentureIncome(keeper, emptyIncome, emptyState, log);
    await warp(DAY + 1);
    assert.equal(await payVentureIncome(keeper, emptyIncome, emptyState, log), 0n);
    assert.equal(await payVentureIncome(keeper, emptyIncome, emptyState, log), 0n);
    assert.equal(lines.filter((l) => l.includes("has no shareholders")).length, 1, lines.join("\n"));
    await assert.rejects(payVentureIncome(keeper, { ...income, perDay: 0n }, {}), /income per day must be positive/);
  });

  test("startVentureKeeper finalizes in rounds, reports a failing round once and goes on; a bad interval is refused", async () => {
    const v = await raise({ min: 10n, max: 1_000n, days: 1, bought: 20n });
    await warp(DAY + 1);
    await indexed();
    const lines: string[] = [];
    const k = startVentureKeeper(keeper, api, { intervalMs: 30, log: (l) => lines.push(l) });
    for (let i = 0; i < 400 && !k.finalized.some((r) => r.venture === v); i++) await new Promise((r) => setTimeout(r, 25));
    await k.stop();
    // with it, the other raises that ended meanwhile (the earlier tests' clock jumps): each once
    assert.deepEqual(k.finalized.filter((r) => r.venture === v).map((r) => r.outcome), ["succeeded"]);
    assert.equal(new Set(k.finalized.map((r) => r.venture)).size, k.finalized.length);
    for (const r of k.finalized) assert.notEqual(await state(r.venture), 1, `${r.venture} is no longer open`);

    // with an income: paid once a chain day has passed since the keeper started
    const k3 = startVentureKeeper(keeper, api, { intervalMs: 30, income: { venture: v, token: "ComputeToken", perDay: 5n * E18 } });
    for (let i = 0; i < 400 && k3.rounds === 0; i++) await new Promise((r) => setTimeout(r, 25)); // its first round starts the count
    await warp(DAY + 1);
    for (let i = 0; i < 200 && k3.incomePaid === 0n; i++) await new Promise((r) => setTimeout(r, 25));
    await k3.stop();
    assert.equal(k3.incomePaid, 5n * E18);

    let calls = 0;
    const down: RaiseSource = {
      graphql: async () => {
        calls++;
        throw new Error("connect ECONNREFUSED 127.0.0.1:1");
      },
    };
    const lines2: string[] = [];
    const k2 = startVentureKeeper(keeper, down, { intervalMs: 20, log: (l) => lines2.push(l) });
    for (let i = 0; i < 200 && calls < 4; i++) await new Promise((r) => setTimeout(r, 10));
    await k2.stop();
    assert.ok(calls >= 4, "it kept trying");
    assert.deepEqual(lines2, ["keeper: could not finalize ended raises this round (will try again): connect ECONNREFUSED 127.0.0.1:1"]);

    assert.throws(() => startVentureKeeper(keeper, api, { intervalMs: 0 }), /intervalMs must be a positive number/);
    assert.throws(() => startVentureKeeper(keeper, api, { income: { venture: v, token: "ComputeToken", perDay: -1n } }), /income per day must be positive/);
  });
});
