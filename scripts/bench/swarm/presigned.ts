// Diagnostic (not part of npm run bench:swarm): how fast the node mines the swarm's own trading
// transactions when they come from a sender that costs nothing, and what a busy process beside the
// node does to that. On one node: the plain-transfer ceiling (after an untimed warm-up round), a
// snapshot, one swarm (its tx/s, and EDR's and the node's JavaScript thread's CPU per transaction),
// its blocks read back, evm_revert, the setup blocks replayed one at a time, and then, once per
// variant, the trading blocks replayed in JSON-RPC batches of BATCH blocks (each block as
// evm_setNextBlockTimestamp to its own timestamp and its raw transaction, so the chain mines the
// same blocks: the last block's hash is checked against the swarm's) before reverting again; last,
// the ceiling once more. Each variant's tx/s is compared with the mean of the two ceilings.
// Variants: `alone` (nothing else runs); `load`, a second process that alternates LOAD_BUSY_MS of
// computing with LOAD_IDLE_MS asleep (1 and 1 by default: a process with bursts of work, as the
// swarm's is); `idleload`, the same at SCHED_IDLE priority (`chrt --idle`).
// PIN_NODE=<cpu> pins every thread of the node to that core, and this process and the load to the
// other (two-core machines).
// Usage: [PIN_NODE=0] node scripts/bench/swarm/presigned.ts [agents=100] [jobs=1000] [variants=alone,load,alone,load]
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { createPublicClient, http, type PublicClient } from "viem";
import { startChain } from "../../../indexer/src/testing/chain.ts";
import { TxEnv } from "../../../agents/src/runtime/tx.ts";
import { setNodeLogging } from "../../lib/processes.ts";
import { best, ceiling } from "./ceiling.ts";
import { recordSwarm, replayCalls } from "./recorded.ts";

const agents = Number(process.argv[2] ?? 100);
const jobs = Number(process.argv[3] ?? 1000);
const variants = (process.argv[4] ?? "alone,load,alone,load").split(",");
const known = ["alone", "load", "idleload"];
for (const v of variants) if (!known.includes(v)) throw new Error(`unknown variant "${v}" (known: ${known.join(", ")})`);
const BATCH = 64;
const busyMs = Number(process.env.LOAD_BUSY_MS ?? 1);
const idleMs = Number(process.env.LOAD_IDLE_MS ?? 1);
const pinNode = process.env.PIN_NODE;

const chain = await startChain();
const pid = chain.node.child.pid!;
const tids = () => readdirSync(`/proc/${pid}/task`);
const edrTid = tids().find((t) => readFileSync(`/proc/${pid}/task/${t}/comm`, "utf8").trim() === "edr-provider");
if (edrTid === undefined) throw new Error("the node has no edr-provider thread");
/** CPU time so far (ms) of one of the node's threads: EDR's, or the JavaScript main thread's (its id is the pid). */
const threadMs = (tid: string) => Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[0]) / 1e6;
const other = pinNode === "0" ? "1" : "0";
if (pinNode !== undefined) {
  for (const t of tids()) execFileSync("taskset", ["-p", "-c", pinNode, t], { stdio: "ignore" });
  for (const t of readdirSync(`/proc/${process.pid}/task`)) execFileSync("taskset", ["-p", "-c", other, t], { stdio: "ignore" });
}
const send = (method: string, params: unknown[]) => chain.provider.send(method, params);
let id = 0;
async function batch(calls: { method: string; params: unknown[] }[]): Promise<number> {
  const res = await fetch(chain.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(calls.map((c) => ({ jsonrpc: "2.0", id: id++, ...c }))) });
  return ((await res.json()) as { error?: unknown }[]).filter((a) => a.error !== undefined).length;
}
/** A second process that computes `busyMs` and sleeps `idleMs`, over and over. */
function startLoad(idle: boolean): ChildProcess {
  const code = `const s=new Int32Array(new SharedArrayBuffer(4));for(;;){const t=performance.now();while(performance.now()-t<${busyMs});Atomics.wait(s,0,0,${idleMs});}`;
  const argv = [process.execPath, "-e", code];
  if (idle) argv.unshift("chrt", "--idle", "0");
  if (pinNode !== undefined) argv.unshift("taskset", "-c", other);
  return spawn(argv[0], argv.slice(1), { stdio: "ignore" });
}
const f3 = (x: number) => x.toFixed(3);
try {
  await setNodeLogging(chain.url, false);
  const env = new TxEnv(chain.url, chain.deployments.chainId, createPublicClient({ transport: http(chain.url) }) as PublicClient);
  await env.init();
  await ceiling(chain, env, 2000); // warm-up, untimed
  const before = best(await ceiling(chain, env, 2000));
  /** The node's threads' CPU (ms) and the time, when the swarm starts trading and when it ends. */
  const mark = () => ({ t: performance.now(), edr: threadMs(edrTid), js: threadMs(String(pid)) });
  let start = mark();
  let end = start;
  const { summary, blocks, tradingStart } = await recordSwarm(chain, agents, jobs, { ready: () => { start = mark(); }, done: () => { end = mark(); } });
  const swarm = { tps: summary.txPerSecond, edr: (end.edr - start.edr) / summary.txs, js: (end.js - start.js) / summary.txs, busy: (end.edr - start.edr) / (end.t - start.t) };
  for (const b of blocks.slice(0, tradingStart)) for (const c of replayCalls(b)) await send(c.method, c.params);
  const trading = blocks.slice(tradingStart);
  const txs = trading.filter((b) => b.raw).length;
  process.stdout.write(`${agents} agents, ${jobs} jobs: ${txs} trading transactions in ${trading.length} blocks${pinNode === undefined ? "" : `; the node pinned to CPU ${pinNode}, the rest to CPU ${other}`}\n`);
  const rows: { name: string; tps: number; edr: number; js: number; busy: number; note: string }[] = [];
  for (const v of variants) {
    const snap = await send("evm_snapshot", []);
    const load = v === "alone" ? undefined : startLoad(v === "idleload");
    await new Promise((r) => setTimeout(r, 200));
    const t0 = performance.now();
    const e0 = threadMs(edrTid);
    const j0 = threadMs(String(pid));
    let errors = 0;
    for (let i = 0; i < trading.length; i += BATCH) {
      errors += await batch(trading.slice(i, i + BATCH).flatMap(replayCalls));
    }
    const ms = performance.now() - t0;
    const edr = threadMs(edrTid) - e0;
    const js = threadMs(String(pid)) - j0;
    load?.kill();
    const same = (await chain.provider.getBlock("latest"))!.hash === trading[trading.length - 1].hash;
    rows.push({ name: v, tps: (txs / ms) * 1000, edr: edr / txs, js: js / txs, busy: edr / ms, note: `${errors} errors${same ? "" : ", NOT the swarm's chain (last block hash differs)"}` });
    if (!(await send("evm_revert", [snap]))) throw new Error("evm_revert refused the snapshot");
  }
  const after = best(await ceiling(chain, env, 2000));
  const ref = (before + after) / 2;
  process.stdout.write(`ceiling ${before.toFixed(0)} before, ${after.toFixed(0)} after: reference ${ref.toFixed(0)} tx/s\n`);
  process.stdout.write("sender | tx/s | × reference | EDR ms/tx | JS ms/tx | EDR busy | notes\n");
  process.stdout.write(`the swarm | ${swarm.tps.toFixed(0)} | ${(swarm.tps / ref).toFixed(3)} | ${f3(swarm.edr)} | ${f3(swarm.js)} | ${swarm.busy.toFixed(2)} | counted to the agents' leaving\n`);
  for (const r of rows) process.stdout.write(`presigned, ${r.name}${r.name === "alone" ? "" : ` (${busyMs} ms busy / ${idleMs} ms idle)`} | ${r.tps.toFixed(0)} | ${(r.tps / ref).toFixed(3)} | ${f3(r.edr)} | ${f3(r.js)} | ${r.busy.toFixed(2)} | ${r.note}\n`);
} finally {
  await chain.stop();
}
