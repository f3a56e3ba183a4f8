// Driving `npm start` (scripts/start.ts) from a test, as a user does: start it with an
// environment, wait for `ready`, query its indexer, and stop it like Ctrl-C, then check that
// every process it started is gone and that its ports are closed.
import { expect } from "chai";
import { alivePids, portOpen, processTree } from "../../scripts/lib/processes.ts";
import { ROOT, startDevnet as launch, type Devnet } from "../../scripts/devnet/launch.ts";

export { ROOT, type Devnet };

/**
 * `npm start` until `ready` (scripts/devnet/launch.ts), printing its start-up time line; with
 * `viaNpm`, started through npm itself (`npm start -- args`).
 */
export async function startDevnet(env: Record<string, string>, args: string[] = [], viaNpm = false): Promise<Devnet> {
  const d = await launch(env, args, { viaNpm });
  const timing = d.lines.find((l) => l.startsWith("startup: "));
  if (timing) console.log(`      ${timing}`);
  return d;
}

/**
 * Stops `npm start` as Ctrl-C does (SIGINT to it; or `signal`: SIGTERM as a process manager stops
 * it, SIGHUP as a closed terminal does) and checks that it exits 0 after printing `[start]
 * stopped`, that every process of its tree (snapshot taken just before the signal: the parts run
 * in process groups of their own) is gone, and that nothing listens on `ports` any more. With
 * SIGKILL (only for a devnet started through npm: npm is killed, the script is not told) the
 * script is expected to notice that its parent has gone and stop its parts by itself.
 */
export async function stopAndCheck(d: Devnet, ports: number[] = [], signal: NodeJS.Signals = "SIGINT"): Promise<void> {
  const tree = processTree(d.p.child.pid!);
  expect(tree.length, "npm start runs its parts as child processes").to.be.greaterThan(0);
  process.kill(d.p.child.pid!, signal);
  const code = await d.p.exited;
  if (signal !== "SIGKILL") expect(code, d.lines.slice(-20).join("\n")).to.equal(0);
  // a process that got SIGKILL a moment ago may take a few ms to disappear from /proc; the script
  // whose npm was killed checks for its parent every second, then stops its parts one by one
  let left = alivePids(tree);
  const deadline = Date.now() + (signal === "SIGKILL" ? 30_000 : 2_000);
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    left = alivePids(tree);
  }
  expect(left, `processes of npm start still alive after it stopped (of ${tree.length}):\n${d.lines.slice(-20).join("\n")}`).to.deep.equal([]);
  expect(d.lines).to.include("[start] stopped");
  for (const port of ports) expect(await portOpen(port), `port ${port} is still open after the stop`).to.equal(false);
}

export async function graphql<T>(url: string, query: string): Promise<T> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query }) });
  const body = (await res.json()) as { data?: T; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data!;
}

/** The block the indexer has indexed up to (`_meta`). */
export async function indexedBlock(graphqlUrl: string): Promise<number> {
  return (await graphql<{ _meta: { block: { number: number } } }>(graphqlUrl, "{ _meta { block { number } } }"))._meta.block.number;
}

/** Polls the indexer until it has indexed block `head`. */
export async function waitIndexed(graphqlUrl: string, head: number, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const n = await indexedBlock(graphqlUrl);
    if (n >= head) return;
    if (Date.now() > deadline) throw new Error(`the indexer is at block ${n}, not ${head}, after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
