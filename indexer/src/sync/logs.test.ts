import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { normalizeLog, parseLogsAnswer, type RawLog } from "./logs.ts";
import { RpcClient } from "./rpc.ts";
import { LogFetcher } from "./fetcher.ts";

const hex = (n: number, bytes: number) => "0x" + n.toString(16).padStart(bytes * 2, "0");

function rawLogs(n: number): RawLog[] {
  const out: RawLog[] = [];
  for (let i = 0; i < n; i++) {
    const block = 100 + Math.floor(i / 3);
    out.push({
      address: i % 2 === 0 ? "0xE7F1725E7734CE288F8367E1BB143E90BB3F0512" : "0x5fbdb2315678afecb367f032d93f642f64180aa3",
      topics: ["0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef", hex(i, 32), hex(i * 7, 32)],
      data: hex(i * 1_000_003, 32),
      blockNumber: "0x" + block.toString(16),
      blockHash: hex(block * 13, 32),
      transactionHash: hex(Math.floor(i / 2) + 5, 32),
      transactionIndex: "0x0",
      logIndex: "0x" + (i % 3).toString(16),
      removed: false,
    });
  }
  return out;
}

test("the byte parser reads eth_getLogs answers exactly as JSON.parse + normalizeLog does", () => {
  // newer nodes add the block's timestamp to each log (EDR does): read where present
  const logs = rawLogs(50).map((l, i) => (i >= 3 && i < 7 ? { ...l, blockTimestamp: i < 6 ? "0x6b0ee5c0" : "0x6b0ee5cc" } : l));
  const answer = JSON.stringify({ jsonrpc: "2.0", id: 42, result: logs });
  const got = parseLogsAnswer(Buffer.from(answer));
  assert.ok(got, "parsed");
  assert.equal(got.id, 42);
  assert.deepEqual(got.logs, logs.map(normalizeLog));
  assert.equal(got.logs[0].address, "0xe7f1725e7734ce288f8367e1bb143e90bb3f0512", "addresses in lowercase");
  assert.equal(got.logs[1].blockNumber, 100n);
  assert.equal(got.logs[2].logIndex, 2);
  assert.equal(got.logs[2].blockTimestamp, undefined);
  assert.deepEqual(got.logs.slice(3, 7).map((l) => l.blockTimestamp), [0x6b0ee5c0n, 0x6b0ee5c0n, 0x6b0ee5c0n, 0x6b0ee5ccn]);
  // whitespace and another key order
  const spaced = JSON.stringify({ result: logs.slice(0, 3), id: 7, jsonrpc: "2.0" }, null, 2);
  assert.deepEqual(parseLogsAnswer(Buffer.from(spaced))?.logs, logs.slice(0, 3).map(normalizeLog));
  assert.deepEqual(parseLogsAnswer(Buffer.from(`{"jsonrpc":"2.0","id":1,"result":[]}`))?.logs, []);
});

test("the byte parser gives up on anything but a plain list of logs (the caller then uses JSON.parse)", () => {
  const good = JSON.stringify({ jsonrpc: "2.0", id: 1, result: rawLogs(4) });
  for (const bad of [
    good.slice(0, good.length / 2), // truncated
    good.slice(0, -1),
    good + "x",
    JSON.stringify({ jsonrpc: "2.0", id: 1, error: { code: -32005, message: "query returned more than 10000 results" } }),
    JSON.stringify({ jsonrpc: "2.0", id: 1, result: [{ ...rawLogs(1)[0], blockNumber: "0xzz" }] }),
    JSON.stringify({ jsonrpc: "2.0", id: 1, result: [{ ...rawLogs(1)[0], extra: { nested: true } }] }),
    JSON.stringify({ jsonrpc: "2.0", id: 1, result: [{ ...rawLogs(1)[0], data: undefined }] }), // a field missing
    JSON.stringify({ jsonrpc: "2.0", id: 1, result: [{ ...rawLogs(1)[0], note: 'a "quoted" word' }] }), // escapes
    "",
    "null",
  ]) {
    assert.equal(parseLogsAnswer(Buffer.from(bad)), undefined, bad.slice(0, 80));
  }
});

test("getLogs over HTTP: fast path, fallback, node errors and a cut-short answer retried", async () => {
  const logs = rawLogs(30);
  let mode: "plain" | "error" | "truncated-once" | "odd" = "plain";
  let requests = 0;
  const server = createServer(async (req, res) => {
    requests++;
    let body = "";
    for await (const c of req) body += c;
    const { id } = JSON.parse(body) as { id: number };
    const answer = JSON.stringify({ jsonrpc: "2.0", id, result: logs });
    if (mode === "error") {
      res.end(JSON.stringify({ jsonrpc: "2.0", id, error: { code: -32005, message: "too many results" } }));
    } else if (mode === "truncated-once") {
      mode = "plain";
      res.writeHead(200, { "content-length": String(answer.length) });
      res.write(answer.slice(0, 100));
      res.destroy();
    } else if (mode === "odd") {
      // an escaped character: the byte parser declines, JSON.parse reads it
      res.end(JSON.stringify({ jsonrpc: "2.0", id, result: logs.map((l) => ({ ...l, note: "tab\there" })) }));
    } else res.end(answer);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.address() as { port: number }).port;
  const rpc = new RpcClient(`http://127.0.0.1:${port}`, { baseDelayMs: 1, maxDelayMs: 5 });
  try {
    const expected = logs.map(normalizeLog);
    assert.deepEqual(await rpc.getLogs({}), expected);
    mode = "odd";
    assert.deepEqual(await rpc.getLogs({}), expected);
    mode = "truncated-once";
    const before = requests;
    assert.deepEqual(await rpc.getLogs({}), expected);
    assert.equal(requests - before, 2, "the cut-short answer was retried once");
    mode = "error";
    await assert.rejects(rpc.getLogs({}), (err: Error & { code?: number }) => err.code === -32005);
    // many answers through the reused receive buffers stay intact
    mode = "plain";
    const all = await Promise.all(Array.from({ length: 8 }, () => rpc.getLogs({})));
    for (const got of all) assert.deepEqual(got, expected);
  } finally {
    rpc.close();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
});

test("a kept-alive connection the server dropped is replaced at once, without a backoff wait", async () => {
  // The second request on every connection finds it closed (as when the server's keep-alive
  // timeout closes it just as the request is sent): the request is sent again on a new one.
  const perSocket = new Map<unknown, number>();
  let served = 0;
  const server = createServer(async (req, res) => {
    const n = (perSocket.get(req.socket) ?? 0) + 1;
    perSocket.set(req.socket, n);
    if (n === 2) {
      req.socket.destroy();
      return;
    }
    let body = "";
    for await (const c of req) body += c;
    const { id } = JSON.parse(body) as { id: number };
    served++;
    res.end(JSON.stringify({ jsonrpc: "2.0", id, result: [] }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.address() as { port: number }).port;
  // a backoff retry would wait at least 1.5 s each time
  const rpc = new RpcClient(`http://127.0.0.1:${port}`, { baseDelayMs: 3_000, maxDelayMs: 3_000 });
  try {
    const started = performance.now();
    for (let i = 0; i < 4; i++) assert.deepEqual(await rpc.getLogs({}), []);
    assert.equal(served, 4);
    assert.ok(perSocket.size >= 3, `connections were dropped and replaced (${perSocket.size})`);
    assert.ok(rpc.stats.retries >= 2, `the resends count as retries (${rpc.stats.retries})`);
    assert.ok(performance.now() - started < 1_400, `no backoff wait (${(performance.now() - started).toFixed(0)} ms)`);
  } finally {
    rpc.close();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
});

test("a prefetched range is completed with the logs of contracts added since, in chain order", async () => {
  const { mergeLogs } = await import("../indexing/runner.ts");
  const { LogFetcher } = await import("./fetcher.ts");
  const log = (block: number, index: number, address: string) => normalizeLog({ ...rawLogs(1)[0], blockNumber: "0x" + block.toString(16), logIndex: "0x" + index.toString(16), address });
  const a = [log(1, 0, "0xa"), log(1, 3, "0xa"), log(4, 1, "0xa")];
  const b = [log(1, 1, "0xb"), log(2, 0, "0xb"), log(4, 0, "0xb"), log(4, 1, "0xa"), log(9, 0, "0xb")];
  assert.deepEqual(mergeLogs(a, b).map((l) => [Number(l.blockNumber), l.logIndex]), [[1, 0], [1, 1], [1, 3], [2, 0], [4, 0], [4, 1], [9, 0]]);
  assert.equal(mergeLogs(a, []), a);

  const f = new LogFetcher(new RpcClient("http://127.0.0.1:1"), ["0xa"]);
  const g0 = f.generation;
  f.addAddress("0xb");
  f.addAddress("0xc");
  assert.deepEqual(f.addedSince(g0), ["0xb", "0xc"]);
  assert.deepEqual(f.addedSince(f.generation), []);
  f.removeAddress("0xb");
  assert.equal(f.addedSince(g0), undefined, "an address was removed: fetch again");
  const g1 = f.generation;
  for (let i = 0; i < 1_200; i++) f.addAddress("0x" + i.toString(16).padStart(40, "0"));
  assert.equal(f.addedSince(g1), undefined, "too long ago to tell");
  assert.equal(f.addedSince(f.generation - 3)?.length, 3);
});

test("LogFetcher.rangeLogs: a range the node refuses as too large is split in halves, every log once and in order; sizes adapt", async () => {
  const logs = rawLogs(300); // 3 logs in each of the blocks 100..199
  const LIMIT_BLOCKS = 7; // the node answers at most this many blocks, like a results limit
  const spans: number[] = [];
  const server = createServer(async (req, res) => {
    let body = "";
    for await (const c of req) body += c;
    const { id, params } = JSON.parse(body) as { id: number; params: [{ fromBlock: string; toBlock: string }] };
    const from = Number(params[0].fromBlock);
    const to = Number(params[0].toBlock);
    spans.push(to - from + 1);
    if (to - from + 1 > LIMIT_BLOCKS) {
      res.end(JSON.stringify({ jsonrpc: "2.0", id, error: { code: -32005, message: "query returned more than 10000 results" } }));
      return;
    }
    res.end(JSON.stringify({ jsonrpc: "2.0", id, result: logs.filter((l) => Number(l.blockNumber) >= from && Number(l.blockNumber) <= to) }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.address() as { port: number }).port;
  const rpc = new RpcClient(`http://127.0.0.1:${port}`, { baseDelayMs: 1, maxDelayMs: 5 });
  try {
    const fetcher = new LogFetcher(rpc, ["0xe7f1725e7734ce288f8367e1bb143e90bb3f0512"], { initialRange: 40, targetLogs: 30 });
    assert.equal(fetcher.planTo(100n, 1_000n), 139n, "the initial range");
    assert.equal(fetcher.planTo(100n, 120n), 120n, "never past the limit");
    const got = await fetcher.rangeLogs(100n, 139n);
    assert.deepEqual(got, logs.filter((l) => Number(l.blockNumber) <= 139).map(normalizeLog), "all logs of the range, once, in order");
    const answered = spans.filter((s) => s <= LIMIT_BLOCKS);
    assert.equal(answered.reduce((a, b) => a + b, 0), 40, `the answered parts cover the range once: ${spans.join(",")}`);
    assert.ok(spans.filter((s) => s > LIMIT_BLOCKS).every((s) => [40, 20, 10].includes(s)), `refused ranges were halved: ${spans.join(",")}`);
    assert.ok(fetcher.range <= 20, `the range shrank after refusals (now ${fetcher.range})`);
    // dense answers (3 logs a block, target 30) keep the range near 10 blocks; an empty one grows it ×8
    const r = fetcher.range;
    await fetcher.rangeLogs(200n, 200n + BigInt(r) - 1n);
    assert.equal(fetcher.range, r * 8, "×8 after an empty answer of a full range");
  } finally {
    rpc.close();
    server.close();
  }
});

test("the byte parser shares topics 1-3 with the previous log's only when their bytes are equal", () => {
  const sender = "0x000000000000000000000000AbCdEf0000000000000000000000000000000001";
  const logs: RawLog[] = rawLogs(12).map((l, i) => ({
    ...l,
    // a repeated sender (upper and lower case), recipients that change, and 1 to 4 topics
    topics: [l.topics[0], i % 4 === 3 ? sender.toLowerCase() : sender, hex(i % 5, 32), hex(i, 32)].slice(0, 1 + (i % 4)),
  }));
  const got = parseLogsAnswer(Buffer.from(JSON.stringify({ jsonrpc: "2.0", id: 1, result: logs })));
  assert.ok(got, "parsed");
  assert.deepEqual(got.logs, logs.map(normalizeLog));
  assert.equal(got.logs[5].topics[1], sender.toLowerCase());
  assert.equal(got.logs[6].topics[2], hex(1, 32));
  assert.equal(got.logs[7].topics[3], hex(7, 32));
});

test("the topic cache returns a topic read before only for the same bytes, and never an upper-case topic", () => {
  // recipients that recur across answers (as a backfill's accounts do), one in upper case, and
  // topics whose last characters (the cache's hash) are equal but whose other bytes differ
  const a = "0x000000000000000000000000e7f1725e7734ce288f8367e1bb143e90bb3f0512";
  const upper = "0x000000000000000000000000E7F1725E7734CE288F8367E1BB143E90BB3F0512";
  const sameTail = "0x000000000000000000000000ffffffffffffffffffffffffffff90bb3f0512";
  const seed = Number(process.env.TEST_SEED ?? Date.now() % 1_000_000);
  console.log(`topic cache test: seed ${seed} (TEST_SEED to replay)`);
  let x = seed;
  const rand = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const pool = [a, upper, sameTail, hex(7, 32), hex(8, 32)];
  for (let answer = 0; answer < 3; answer++) {
    const logs: RawLog[] = rawLogs(40).map((l) => ({ ...l, topics: [l.topics[0], pool[Math.floor(rand() * pool.length)], pool[Math.floor(rand() * pool.length)]] }));
    const got = parseLogsAnswer(Buffer.from(JSON.stringify({ jsonrpc: "2.0", id: 1, result: logs })));
    assert.ok(got, "parsed");
    assert.deepEqual(got.logs, logs.map(normalizeLog), `seed ${seed}, answer ${answer}`);
  }
});
