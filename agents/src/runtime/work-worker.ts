// The work pool's thread (work-pool.ts): runs sha256-iter specs off the agents' event loop.
import { parentPort } from "node:worker_threads";
import { sha256Iter } from "./sha256-iter.ts";

// A message is a list of specs: each answer goes back as soon as it is computed.
parentPort!.on("message", (batch: { id: number; input: `0x${string}`; iterations: number }[]) => {
  for (const m of batch) {
    try {
      parentPort!.postMessage({ id: m.id, digest: sha256Iter(m.input, m.iterations) });
    } catch (err) {
      parentPort!.postMessage({ id: m.id, error: (err as Error).message });
    }
  }
});
