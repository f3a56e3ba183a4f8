// How fast does the Hardhat node serve eth_getLogs, and how should an indexer ask for logs?
//
//   node scripts/bench/indexer/getlogs.ts <state.json>
//
// Uses a chain started by `profile.ts chain <state.json>` (the benchmark's 100,002 COMPUTE
// transfers); run.ts uses `measureGetLogs` for its raw eth_getLogs rows. Each experiment reads
// all the COMPUTE logs of the benchmark's blocks over kept-alive node:http connections and only
// counts the logs in the answer (no parsing: this measures the node, not the client). For each it prints the wall time, logs/s, the node
// process's CPU time per 100k logs (all its threads, from /proc) and this process's CPU time:
// on a machine shared with other work, the CPU figures are the ones that compare.
import { readFileSync, readdirSync } from "node:fs";
import http from "node:http";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";

const TRANSFER = "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef";

/** The PID of the process whose command line holds `--port <port>` (the Hardhat node). */
export function nodePid(target: URL): number | undefined {
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

/**
 * The fields of a process's (or one of its threads') /proc stat line after the command name, from
 * the state on (so index 7 is minflt, 11 utime, 12 stime); undefined once it ended.
 */
export function procStat(pid: number, tid?: string): string[] | undefined {
  try {
    const f = readFileSync(tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`, "utf8");
    return f.slice(f.lastIndexOf(")") + 2).split(" ");
  } catch {
    return undefined;
  }
}

/** CPU seconds (user + system, all threads) of a process (the node); NaN if unknown. */
export function processCpu(pid: number | undefined, tid?: string): number {
  const rest = pid === undefined ? undefined : procStat(pid, tid);
  return rest === undefined ? NaN : (Number(rest[11]) + Number(rest[12])) / 100; // utime, stime (clock ticks of 1/100 s)
}

/** A process's threads at a moment: per thread id, its name and CPU time (ms). */
export type ThreadsCpu = Map<string, { comm: string; ms: number }>;
/** The CPU time (ms) of each of a process's threads now (threads that end meanwhile are left out). */
export function threadsCpu(pid: number): ThreadsCpu {
  const threads: ThreadsCpu = new Map();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const ms = processCpu(pid, tid) * 1000;
      if (!Number.isNaN(ms)) threads.set(tid, { comm: readFileSync(`/proc/${pid}/task/${tid}/comm`, "utf8").trim(), ms });
    } catch {
      // the thread ended
    }
  }
  return threads;
}
/** CPU time (ms) per thread name between two `threadsCpu` readings (threads matched by id). */
export function cpuByThreadName(a: ThreadsCpu, b: ThreadsCpu): Map<string, number> {
  const byName = new Map<string, number>();
  for (const [tid, v] of b) byName.set(v.comm, (byName.get(v.comm) ?? 0) + v.ms - (a.get(tid)?.ms ?? 0));
  return byName;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
/** Closes the kept-alive connections (when done measuring). */
export const closeConnections = () => agent.destroy();
let id = 0;
function post(target: URL, body: unknown, again = true): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const payload = Buffer.from(JSON.stringify(body));
    const req = http.request(target, { method: "POST", agent, headers: { "content-type": "application/json", "content-length": payload.length } });
    req.on("error", (err: Error & { code?: string }) => {
      // a kept-alive connection the node closed while idle: once more on a new one
      if (again && req.reusedSocket && err.code === "ECONNRESET") post(target, body, false).then(resolve, reject);
      else reject(err);
    });
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve(Buffer.concat(chunks)));
      res.on("error", reject);
    });
    req.end(payload);
  });
}
const call = async <T>(target: URL, method: string, params: unknown[]): Promise<T> => {
  const r = JSON.parse((await post(target, { jsonrpc: "2.0", id: ++id, method, params })).toString()) as { result: T; error?: { message: string } };
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
export type Filter = "address" | "address+topic" | "none";
function filterOf(address: string, from: number, to: number, f: Filter): Record<string, unknown> {
  const r: Record<string, unknown> = { fromBlock: hex(from), toBlock: hex(to) };
  if (f !== "none") r.address = [address];
  if (f === "address+topic") r.topics = [TRANSFER];
  return r;
}

export interface GetLogsResult {
  logs: number;
  bytes: number;
  seconds: number;
  /** CPU seconds of the node process over the run (NaN if its PID was not found). */
  nodeCpu: number;
  /** CPU seconds of this process over the run. */
  ownCpu: number;
}

export interface GetLogsOptions {
  /** The contract whose logs are read. */
  address: string;
  first: number;
  last: number;
  /** Blocks per request. */
  blocksPerRange: number;
  /** Requests in flight at once. */
  inFlight: number;
  filter?: Filter;
  /** eth_getLogs calls per HTTP request (a JSON-RPC batch). */
  perBatch?: number;
  /** Parse each answer with JSON.parse (as a plain client does) instead of only counting its logs. */
  parse?: boolean;
}

/** Reads the logs of [first, last] in ranges, `inFlight` requests at a time, and counts them. */
export async function measureGetLogs(url: string, o: GetLogsOptions): Promise<GetLogsResult> {
  const target = new URL(url);
  const pid = nodePid(target);
  const ranges: [number, number][] = [];
  for (let b = o.first; b <= o.last; b += o.blocksPerRange) ranges.push([b, Math.min(o.last, b + o.blocksPerRange - 1)]);
  let next = 0;
  let logs = 0;
  let bytes = 0;
  const c0 = processCpu(pid);
  const u0 = process.cpuUsage();
  const t0 = performance.now();
  const worker = async () => {
    while (next < ranges.length) {
      const batch = ranges.slice(next, next + (o.perBatch ?? 1));
      next += batch.length;
      const reqs = batch.map(([a, z]) => ({ jsonrpc: "2.0", id: ++id, method: "eth_getLogs", params: [filterOf(o.address, a, z, o.filter ?? "address")] }));
      const b = await post(target, reqs.length === 1 ? reqs[0] : reqs);
      if (o.parse) {
        const answers = JSON.parse(b.toString()) as { result?: unknown[]; error?: { message: string } } | { result?: unknown[] }[];
        for (const x of Array.isArray(answers) ? answers : [answers]) {
          if (!Array.isArray(x.result)) throw new Error(`eth_getLogs failed: ${b.subarray(0, 300).toString()}`);
          logs += x.result.length;
        }
      } else logs += countLogs(b);
      bytes += b.length;
    }
  };
  await Promise.all(Array.from({ length: o.inFlight }, worker));
  const seconds = (performance.now() - t0) / 1000;
  const u = process.cpuUsage(u0);
  return { logs, bytes, seconds, nodeCpu: processCpu(pid) - c0, ownCpu: (u.user + u.system) / 1e6 };
}

async function main(stateFile: string) {
  const state = JSON.parse(readFileSync(stateFile, "utf8")) as { url: string; deployments: { contracts: Record<string, { address: string }> } };
  const target = new URL(state.url);
  const address = state.deployments.contracts.ComputeToken.address.toLowerCase();
  // The blocks holding the transfers: those with more than a few COMPUTE logs.
  const head = Number(await call<string>(target, "eth_blockNumber", []));
  let first = -1;
  let last = -1;
  let total = 0;
  for (let b = 0; b <= head; b += 50) {
    const logs = await call<{ blockNumber: string }[]>(target, "eth_getLogs", [filterOf(address, b, Math.min(head, b + 49), "address+topic")]);
    if (logs.length > 1000) {
      if (first < 0) first = Math.max(0, b);
      last = Math.min(head, b + 49);
      total += logs.length;
    }
  }
  const perBlock = Math.max(1, Math.round(total / (last - first + 1)));
  console.log(`node pid ${nodePid(target)}; transfers in blocks ${first}..${last} (~${perBlock} logs per block); load ${loadavg().map((x) => x.toFixed(1)).join("/")}`);
  const expected: Partial<Record<Filter, number>> = {};
  const experiment = async (name: string, logsPerRange: number, inFlight: number, filter: Filter, perBatch = 1) => {
    const r = await measureGetLogs(state.url, { address, first, last, blocksPerRange: Math.max(1, Math.round(logsPerRange / perBlock)), inFlight, filter, perBatch });
    // every way of asking must return the same logs (the filter "none" also gets other contracts')
    expected[filter] ??= r.logs;
    if (r.logs !== expected[filter]) throw new Error(`${name}: ${r.logs} logs, expected ${expected[filter]}`);
    console.log(
      `${name.padEnd(50)} ${Math.round(r.logs / r.seconds).toString().padStart(7)} logs/s  ${r.seconds.toFixed(2).padStart(6)} s  ` +
        `node CPU ${((r.nodeCpu / r.logs) * 1e5).toFixed(2)} s/100k  own CPU ${((r.ownCpu / r.logs) * 1e5).toFixed(2)} s/100k  ${(r.bytes / r.logs).toFixed(0)} B/log  load ${loadavg()[0].toFixed(1)}`,
    );
  };
  const only = process.env.GETLOGS_ONLY?.split(",");
  const want = (k: string) => only === undefined || only.includes(k);
  await experiment("warm-up: 10k logs per request", 10_000, 1, "address");
  if (want("size")) for (const size of [2_000, 5_000, 10_000, 20_000, 50_000, 100_000]) await experiment(`range ${size} logs, 1 in flight`, size, 1, "address");
  if (want("concurrency")) for (const n of [1, 2, 3, 4]) await experiment(`range 10000 logs, ${n} in flight`, 10_000, n, "address");
  if (want("concurrency")) for (const n of [2, 4]) await experiment(`range 2000 logs, ${n} in flight`, 2_000, n, "address");
  if (want("filter")) for (const f of ["address+topic", "none"] as const) await experiment(`range 10000 logs, 1 in flight, filter ${f}`, 10_000, 1, f);
  if (want("batch")) await experiment("2 ranges of 5000 logs per JSON-RPC batch", 5_000, 1, "address", 2);
  agent.destroy();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [stateFile] = process.argv.slice(2);
  if (stateFile === undefined) throw new Error("usage: getlogs.ts <state.json> (from profile.ts chain)");
  await main(stateFile);
}
