// The sha256-iter job kind's work (jobs.ts) and the process's cache of its results, in a module
// of their own so that the work thread (work-worker.ts) loads nothing else.
import { hash } from "node:crypto";

/** SHA-256 applied `iterations` times to the bytes of `input` (hex), as hex. */
export function sha256Iter(input: `0x${string}`, iterations: number): `0x${string}` {
  let buf = Buffer.from(input.slice(2), "hex");
  for (let i = 0; i < iterations; i++) buf = hash("sha256", buf, "buffer") as unknown as Buffer<ArrayBuffer>;
  return `0x${buf.toString("hex")}`;
}

/**
 * Deterministic results computed in this process, by input: agents that share a process (a
 * swarm) compute a spec once — the provider's execution, the validators' and the requester's
 * re-executions get the same digest, which each still compares with the delivered result. Agents
 * in different processes each compute it. Bounded (oldest first out).
 */
const DIGESTS = new Map<string, `0x${string}`>();
/** A spec's key in the cache (and in the work pool's requests in flight). */
export const digestKey = (input: `0x${string}`, iterations: number) => `${input.toLowerCase()}:${iterations}`;
export function sha256IterShared(input: `0x${string}`, iterations: number): `0x${string}` {
  let d = cachedDigest(input, iterations);
  if (d === undefined) {
    d = sha256Iter(input, iterations);
    rememberDigest(input, iterations, d);
  }
  return d;
}
/** A digest this process computed already (sha256IterShared, or the work thread: work-pool.ts). */
export function cachedDigest(input: `0x${string}`, iterations: number): `0x${string}` | undefined {
  return DIGESTS.get(digestKey(input, iterations));
}
export function rememberDigest(input: `0x${string}`, iterations: number, digest: `0x${string}`): void {
  DIGESTS.set(digestKey(input, iterations), digest);
  if (DIGESTS.size > 8_192) DIGESTS.delete(DIGESTS.keys().next().value!);
}
