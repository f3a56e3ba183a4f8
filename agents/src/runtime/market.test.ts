// The market view's batched poll (the newest block and the logs since the last poll in one
// request): whatever order the node takes the two calls in, and whatever blocks are mined between
// them, every log is applied exactly once, and the next poll's range starts at most a poll
// interval back. The node is simulated: a chain of blocks with NewFeedback logs, answering
// eth_getLogs as of a chosen height (before or after the block the same request read).
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { encodeAbiParameters, encodeEventTopics, type Abi, type Address, type Hex, type PublicClient } from "viem";
import { ABIS } from "../generated/abis.ts";
import { MarketView } from "./market.ts";

const REPUTATION: Address = "0x00000000000000000000000000000000000000a4";
const addresses = {
  market: "0x00000000000000000000000000000000000000a1" as Address,
  pool: "0x00000000000000000000000000000000000000a2" as Address,
  vault: "0x00000000000000000000000000000000000000a3" as Address,
  reputation: REPUTATION,
};

/** A NewFeedback log rating agent 7 with `score`, in block `block`, as the node sends it. */
function feedbackLog(block: number, score: number) {
  const topics = encodeEventTopics({ abi: ABIS.ReputationRegistry as Abi, eventName: "NewFeedback", args: { agentId: 7n, jobId: BigInt(block), fromAgentId: 9n } } as never) as Hex[];
  const data = encodeAbiParameters(
    [{ type: "address" }, { type: "uint8" }, { type: "bytes32" }, { type: "string" }],
    ["0x00000000000000000000000000000000000000b1", score, `0x${"00".repeat(32)}`, ""],
  );
  const hex = (n: number) => `0x${n.toString(16)}`;
  return { address: REPUTATION, topics, data, blockNumber: hex(block), blockHash: `0x${"11".repeat(32)}`, transactionHash: `0x${block.toString(16).padStart(64, "0")}`, transactionIndex: "0x0", logIndex: "0x0" };
}

describe("MarketView batched poll", () => {
  test("applies every log once whichever order the node takes the block and the logs in", async () => {
    // a log in every block 1..20 except 8, 11 and 12, score = block number
    const chain = new Map<number, ReturnType<typeof feedbackLog>>();
    for (let b = 1; b <= 20; b++) if (![8, 11, 12].includes(b)) chain.set(b, feedbackLog(b, b));
    // each poll: [the head the block call sees, the height the logs call sees]
    const script: [number, number][] = [
      [7, 5], // logs taken first: blocks 6 and 7 mined in between (their logs are not in this answer)
      [9, 10], // block taken first: block 10 mined in between (its log is in the answer, past the head)
      [12, 12],
      [12, 12], // nothing new: no log again
      [20, 16], // logs first again
      [20, 20],
    ];
    const ranges: number[] = [];
    let call = 0;
    const view = new MarketView({} as PublicClient, addresses, 1n, {
      batch: async (calls) => {
        assert.deepEqual(calls.map((c) => c.method), ["eth_getBlockByNumber", "eth_getLogs"]);
        const [head, height] = script[call++];
        const filter = calls[1].params[0] as { fromBlock: Hex; toBlock: string; address: Address[] };
        assert.equal(filter.toBlock, "latest");
        assert.ok(filter.address.includes(REPUTATION));
        const from = Number(filter.fromBlock);
        ranges.push(from);
        const logs = [...chain.entries()].filter(([b]) => b >= from && b <= height).map(([, l]) => l);
        return [{ number: `0x${head.toString(16)}`, timestamp: `0x${(1_000 + head).toString(16)}` }, logs];
      },
    });
    const applied: number[] = [];
    view.onEvent((name, a) => name === "NewFeedback" && applied.push(Number(a.score)));
    for (let i = 0; i < script.length; i++) await view.poll();
    const expected = [...chain.keys()];
    assert.deepEqual([...applied].sort((a, b) => a - b), expected, "each log applied once");
    assert.deepEqual(view.feedback.get(7n), { count: expected.length, sum: expected.reduce((s, b) => s + b, 0) });
    // the ranges: from the start; after the newest log (5); after the newest log, past the head
    // (10); the same (no log in 11, 12, and the earlier poll's head, 9, is behind); after the head
    // an earlier poll saw (12); after block 16's log
    assert.deepEqual(ranges, [1, 6, 11, 11, 13, 17]);
    assert.equal(view.block, 20n);
    assert.equal(view.time, 1_020n);
  });

  test("a poll answered without the block fails loudly", async () => {
    const view = new MarketView({} as PublicClient, addresses, 1n, { batch: async () => [null, []] });
    await assert.rejects(view.poll(), /without the latest block/);
  });
});

/** A log of `eventName` from `address` in block `block`, as the node sends it (any event of the view's contracts). */
function eventLog(abi: Abi, address: Address, eventName: string, args: Record<string, unknown>, block: number, index = 0) {
  const item = abi.find((x) => x.type === "event" && x.name === eventName) as unknown as { inputs: { name: string; type: string; indexed?: boolean }[] };
  const topics = encodeEventTopics({ abi, eventName, args } as never) as Hex[];
  const data = item.inputs.filter((i) => !i.indexed);
  const hex = (n: number) => `0x${n.toString(16)}`;
  return {
    address, topics, data: encodeAbiParameters(data, data.map((i) => args[i.name])),
    blockNumber: hex(block), blockHash: `0x${"11".repeat(32)}`, transactionHash: `0x${block.toString(16).padStart(64, "0")}`, transactionIndex: "0x0", logIndex: hex(index),
  };
}

describe("MarketView.dropEnded", () => {
  test("forgets ended jobs after the given blocks unless kept; lists, open jobs and filled quotes go with them", async () => {
    const market = ABIS.WorkMarket as Abi;
    const pool = ABIS.ValidatorPool as Abi;
    const M = addresses.market;
    const P = addresses.pool;
    const created = (jobId: bigint, block: number, requesterAgentId = 1n, providerAgentId = 2n) =>
      eventLog(market, M, "JobCreated", { jobId, requesterAgentId, providerAgentId, value: 100n, specHash: `0x${"22".repeat(32)}`, acceptDeadline: 10n, deliveryPeriod: 3_600n }, block);
    const logs = [
      // job 1: filled from quote 5, drawn (validators 3 and 4), settled in block 4
      created(1n, 1), eventLog(market, M, "QuoteFilled", { jobId: 1n, providerAgentId: 2n, nonce: 5n, resourceKind: `0x${"33".repeat(32)}`, units: 1n, unitPrice: 100n }, 1, 1),
      eventLog(pool, P, "CommitteeDrawn", { jobId: 1n, kind: 1, validatorIds: [3, 4] }, 2),
      eventLog(market, M, "JobSettled", { jobId: 1n, providerPayout: 99n, requesterPayout: 0n, protocolFee: 1n, validationFee: 0n, validatorsPaid: true }, 4),
      // job 2: another swarm's (agents 8 and 9), settled in block 5; job 3: ours, still open
      created(2n, 2, 8n, 9n), eventLog(market, M, "JobSettled", { jobId: 2n, providerPayout: 99n, requesterPayout: 0n, protocolFee: 1n, validationFee: 0n, validatorsPaid: true }, 5),
      created(3n, 3),
    ];
    let head = 5;
    const view = new MarketView({} as PublicClient, addresses, 1n, {
      batch: async (calls) => {
        const from = Number((calls[1].params[0] as { fromBlock: Hex }).fromBlock);
        return [{ number: `0x${head.toString(16)}`, timestamp: "0x1000" }, logs.filter((l) => Number(l.blockNumber) >= from && Number(l.blockNumber) <= head)];
      },
    });
    await view.poll();
    assert.equal(view.jobs.get(1n)?.endedBlock, 4n);
    assert.deepEqual(view.jobs.get(1n)?.members, [3n, 4n]);
    assert.ok(view.filledQuotes.has("2:5"));
    const ours = new Set([1n, 2n]);
    const validators = new Set([3n]);
    assert.equal(view.listedFor(view.jobs.get(1n)!, ours, validators), true);
    // too recent: nothing goes
    const dropped: bigint[] = [];
    assert.equal(view.dropEnded(10n, () => false, (j) => dropped.push(j.id)), 0);
    head = 15; // job 1 ended 11 blocks ago, job 2 10
    await view.poll();
    // the requester and provider are done with job 1, validator 3 is not yet: kept while listed
    view.forgetJobOf(1n, 1n);
    view.forgetJobOf(2n, 1n);
    assert.equal(view.dropEnded(10n, (j) => view.listedFor(j, ours, validators), (j) => dropped.push(j.id)), 1);
    assert.deepEqual(dropped, [2n], "job 2 (ended 10 blocks ago; none of ours lists it)");
    view.forgetCommitteeJob(3n, 1n);
    assert.equal(view.dropEnded(10n, (j) => view.listedFor(j, ours, validators), (j) => dropped.push(j.id)), 1);
    assert.deepEqual(dropped, [2n, 1n]);
    assert.deepEqual([...view.jobs.keys()], [3n], "the open job stays");
    assert.equal(view.filledQuotes.has("2:5"), false);
    assert.deepEqual([...view.jobsOf(1n)].map((j) => j.id), [3n]);
    assert.deepEqual([...view.jobsOf(8n)], [], "another swarm's party's list lost it too");
    assert.deepEqual([...view.committeeJobs(4n)], [], "validator 4's list (not ours) lost it too");
    assert.deepEqual([...view.openJobs.keys()], [3n]);
  });
});
