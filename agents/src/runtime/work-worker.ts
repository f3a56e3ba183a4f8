// The work pool's thread (work-pool.ts): runs sha256-iter specs off the agents' event loop.
import { parentPort } from "node:worker_threads";
import { sha256Iter } from "./sha256-iter.ts";

parentPort!.on("message", (m: { id: number; input: `0x${string}`; iterations: number }) => {
  try {
    parentPort!.postMessage({ id: m.id, digest: sha256Iter(m.input, m.iterations) });
  } catch (err) {
    parentPort!.postMessage({ id: m.id, error: (err as Error).message });
  }
});
