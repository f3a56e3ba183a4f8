// How fast does the Hardhat node serve eth_getLogs, and how should an indexer ask for logs?
//
//   node scripts/bench/indexer/getlogs.ts <state.json>
//
// Uses a chain started by `profile.ts chain <state.json>` (the benchmark's 100,002 COMPUTE
// transfers). Each experiment reads all the COMPUTE logs of the benchmark's blocks over
// kept-alive node:http connections and only counts the logs in the answer (no parsing: this
// measures the node, not the client). For each it prints the wall time, logs/s, the node
// process's CPU time per 100k logs (all its threads, from /proc) and this process's CPU time:
// on a machine shared with other work, the CPU figures are the ones that compare.
import { readFileSync, readdirSync } from "node:fs";
import http from "node:http";
import { loadavg } from "node:os";

const [stateFile] = process.argv.slice(2);
if (stateFile === undefined) throw new Error("usage: getlogs.ts <state.json> (from profile.ts chain)");
const state = JSON.parse(readFileSync(stateFile, "utf8")) as { url: string; deployments: { contracts: Record<string, { address: string }> } };
const target = new URL(state.url);
const address = state.deployments.contracts.ComputeToken.address.toLowerCase();
const TRANSFER = "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef";

/** The PID of the process whose command line holds `--port <port>` (the Hardhat node). */
function nodePid(): number | undefined {
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const args = readFileSync(`/proc/${d}/cmdline`, "utf8").split("\0");
      const k = args.indexOf("--port");
      if (k >= 0 && args[k + 1] === target.port && args.includes("node")) return Number(d);
    } catch {
      // gone
    }
  }
  return undefined;
}
const pid = nodePid();
/** CPU seconds (user + system, all threads) of the node process. */
function nodeCpu(): number {
  if (pid === undefined) return NaN;
  const f = readFileSync(`/proc/${pid}/stat`, "utf8");
  const rest = f.slice(f.lastIndexOf(")") + 2).split(" ");
  return (Number(rest[11]) + Number(rest[12])) / 100; // utime, stime (clock ticks of 1/100 s)
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
let id = 0;
function post(body: unknown): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const payload = Buffer.from(JSON.stringify(body));
    const req = http.request(target, { method: "POST", agent, headers: { "content-type": "application/json", "content-length": payload.length } });
    req.on("error", reject);
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve(Buffer.concat(chunks)));
      res.on("error", reject);
    });
    req.end(payload);
  });
}
const call = async <T>(method: string, params: unknown[]): Promise<T> => {
  const r = JSON.parse((await post({ jsonrpc: "2.0", id: ++id, method, params })).toString()) as { result: T; error?: { message: string } };
  if (r.error) throw new Error(r.error.message);
  return r.result;
};

const LOG_KEY = Buffer.from('"logIndex"');
function countLogs(b: Buffer): number {
  let n = 0;
  for (let i = b.indexOf(LOG_KEY); i >= 0; i = b.indexOf(LOG_KEY, i + LOG_KEY.length)) n++;
  if (n === 0 && b.indexOf('"error"') >= 0) throw new Error(b.subarray(0, 300).toString());
  return n;
}

const hex = (n: number) => "0x" + n.toString(16);
type Filter = "address" | "address+topic" | "none";
function filterOf(from: number, to: number, f: Filter): Record<string, unknown> {
  const r: Record<string, unknown> = { fromBlock: hex(from), toBlock: hex(to) };
  if (f !== "none") r.address = [address];
  if (f === "address+topic") r.topics = [TRANSFER];
  return r;
}

// The blocks holding the transfers: find them with one (small-answer) query per 1,000 blocks.
const head = Number(await call<string>("eth_blockNumber", []));
let first = -1;
let last = -1;
let total = 0;
for (let b = 0; b <= head; b += 50) {
  const logs = await call<{ blockNumber: string }[]>("eth_getLogs", [{ ...filterOf(b, Math.min(head, b + 49), "address+topic") }]);
  if (logs.length > 1000) {
    if (first < 0) first = Number(logs[0].blockNumber);
    last = Number(logs[logs.length - 1].blockNumber);
    total += logs.length;
  }
}
const perBlock = Math.round(total / (last - first + 1));
console.log(`node pid ${pid}; transfers in blocks ${first}..${last} (${total} logs, ~${perBlock} per block); load ${loadavg().map((x) => x.toFixed(1)).join("/")}`);

interface Result {
  name: string;
  logs: number;
  bytes: number;
  seconds: number;
  nodeCpu: number;
  ownCpu: number;
}
const results: Result[] = [];
const expected: Partial<Record<Filter, number>> = {};

/** Reads [first, last] in ranges of `logsPerRange` logs, `inFlight` requests at a time (each `perBatch` calls). */
async function experiment(name: string, logsPerRange: number, inFlight: number, f: Filter, perBatch = 1): Promise<Result> {
  const span = Math.max(1, Math.round(logsPerRange / perBlock));
  const ranges: [number, number][] = [];
  for (let b = first; b <= last; b += span) ranges.push([b, Math.min(last, b + span - 1)]);
  let next = 0;
  let logs = 0;
  let bytes = 0;
  const c0 = nodeCpu();
  const u0 = process.cpuUsage();
  const t0 = performance.now();
  const worker = async () => {
    while (next < ranges.length) {
      const batch = ranges.slice(next, next + perBatch);
      next += batch.length;
      const reqs = batch.map(([a, z]) => ({ jsonrpc: "2.0", id: ++id, method: "eth_getLogs", params: [filterOf(a, z, f)] }));
      const b = await post(reqs.length === 1 ? reqs[0] : reqs);
      logs += countLogs(b);
      bytes += b.length;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  const seconds = (performance.now() - t0) / 1000;
  const u = process.cpuUsage(u0);
  const r = { name, logs, bytes, seconds, nodeCpu: nodeCpu() - c0, ownCpu: (u.user + u.system) / 1e6 };
  // every way of asking must return the same logs (the filter "none" also gets other contracts')
  expected[f] ??= logs;
  if (logs !== expected[f]) throw new Error(`${name}: ${logs} logs, expected ${expected[f]}`);
  results.push(r);
  console.log(
    `${name.padEnd(44)} ${Math.round(logs / seconds).toString().padStart(7)} logs/s  ${seconds.toFixed(2).padStart(6)} s  ` +
      `node CPU ${((r.nodeCpu / logs) * 1e5).toFixed(2)} s/100k  own CPU ${((r.ownCpu / logs) * 1e5).toFixed(2)} s/100k  ${(bytes / logs).toFixed(0)} B/log  load ${loadavg()[0].toFixed(1)}`,
  );
  return r;
}

const only = process.env.GETLOGS_ONLY?.split(",");
const want = (k: string) => only === undefined || only.includes(k);
await experiment("warm-up: 10k logs per request", 10_000, 1, "address");
if (want("size")) for (const size of [2_000, 5_000, 10_000, 20_000, 50_000, 100_000]) await experiment(`range ${size} logs, 1 in flight`, size, 1, "address");
if (want("concurrency")) for (const n of [1, 2, 3, 4]) await experiment(`range 10000 logs, ${n} in flight`, 10_000, n, "address");
if (want("concurrency")) for (const n of [2, 4]) await experiment(`range 2000 logs, ${n} in flight`, 2_000, n, "address");
if (want("filter")) for (const f of ["address+topic", "none"] as const) await experiment(`range 10000 logs, 1 in flight, filter ${f}`, 10_000, 1, f);
if (want("batch")) await experiment("2 ranges of 5000 logs per JSON-RPC batch", 5_000, 1, "address", 2);
agent.destroy();
