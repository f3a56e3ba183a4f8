// The sha256-iter job kind's work (jobs.ts), in a module of its own so that the work thread
// (work-worker.ts) loads nothing else.
import { hash } from "node:crypto";

/** SHA-256 applied `iterations` times to the bytes of `input` (hex), as hex. */
export function sha256Iter(input: `0x${string}`, iterations: number): `0x${string}` {
  let buf = Buffer.from(input.slice(2), "hex");
  for (let i = 0; i < iterations; i++) buf = hash("sha256", buf, "buffer") as unknown as Buffer<ArrayBuffer>;
  return `0x${buf.toString("hex")}`;
}
