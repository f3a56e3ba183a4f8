// Deterministic work off the event loop: a provider's sha256-iter execution runs on a worker
// thread, so that the process keeps polling the chain, signing and sending while it computes. In a
// swarm every agent shares one process; with the work on the event loop the whole swarm stopped
// for each job's work (~0.6 ms a job, ~100 jobs in one look: the node then had nothing to mine).
//
// One thread per process, made on first use and not keeping the process alive. Results go into
// the process's digest cache (sha256-iter.ts), so the validators' and the requester's re-executions of the
// same spec in this process find them there. UBC_WORK_THREAD=0 runs the work on the event loop.
import { Worker } from "node:worker_threads";
import type { Hex } from "viem";
import { cachedDigest, digestKey, rememberDigest, sha256IterShared } from "./sha256-iter.ts";

let worker: Worker | undefined;
let nextId = 0;
/** Requests of this turn of the event loop, posted together (one message: postMessage costs ~0.2 ms on a busy process). */
let outbox: { id: number; input: Hex; iterations: number }[] = [];
const pending = new Map<number, { resolve: (d: Hex) => void; reject: (e: Error) => void }>();
/** Work asked for and not answered yet, by spec (two agents asking for the same spec share it). */
const inFlight = new Map<string, Promise<Hex>>();

function thread(): Worker {
  if (worker) return worker;
  // the worker's module beside this one: work-worker.ts run from the sources, work-worker.js from
  // the package's dist/ (tsconfig.build.json rewrites imports, not URLs)
  const w = new Worker(new URL(`./work-worker${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`, import.meta.url));
  w.unref();
  w.on("message", (m: { id: number; digest?: Hex; error?: string }) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.digest !== undefined) p.resolve(m.digest);
    else p.reject(new Error(`sha256-iter on the work thread: ${m.error}`));
  });
  // a thread that dies fails what it was asked, and the next request makes a new one
  const fail = (err: Error) => {
    if (worker === w) worker = undefined;
    for (const [id, p] of pending) {
      pending.delete(id);
      p.reject(err);
    }
  };
  w.on("error", fail);
  w.on("exit", (code) => fail(new Error(`the work thread exited (code ${code})`)));
  worker = w;
  return w;
}

/** SHA-256 applied `iterations` times to `input`, computed on the work thread (or found in the cache). */
export function sha256IterAsync(input: Hex, iterations: number): Promise<Hex> {
  const known = cachedDigest(input, iterations);
  if (known !== undefined) return Promise.resolve(known);
  if (process.env.UBC_WORK_THREAD === "0") return Promise.resolve(sha256IterShared(input, iterations));
  const key = digestKey(input, iterations);
  let p = inFlight.get(key);
  if (p === undefined) {
    const id = ++nextId;
    p = new Promise<Hex>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      if (pending.size === 1) thread().ref(); // keep the process alive while work is asked for
    }).then((d) => {
      rememberDigest(input, iterations, d);
      return d;
    }).finally(() => {
      inFlight.delete(key);
      if (pending.size === 0) worker?.unref();
    });
    inFlight.set(key, p);
    outbox.push({ id, input, iterations });
    if (outbox.length === 1) {
      setImmediate(() => {
        const batch = outbox;
        outbox = [];
        // to the thread running now: one that died meanwhile failed its requests (fail above),
        // and the answers to those, if any, find nothing pending
        thread().postMessage(batch);
      });
    }
  }
  return p;
}

/** Stops the work thread (what it was asked and has not answered fails); the next request starts a new one. */
export async function stopWorkThread(): Promise<void> {
  await worker?.terminate();
}
