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
