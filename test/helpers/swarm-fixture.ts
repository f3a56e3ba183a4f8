// A stand-in for agents/src/swarm in test/start.test.ts, to check the swarm hook of `npm start`
// (scripts/devnet/swarm-host.ts): what runSwarm receives, that `npm start` waits for it, and that
// Ctrl-C stops it through its signal. It queries the indexer it is given and records everything
// in the file named by SWARM_FIXTURE_OUT.
import { appendFileSync } from "node:fs";
import type { SwarmOptions } from "../../scripts/devnet/swarm-host.ts";

export async function runSwarm(opts: SwarmOptions): Promise<{ stop(): Promise<void> }> {
  const out = process.env.SWARM_FIXTURE_OUT!;
  const res = await fetch(opts.graphqlUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: '{ protocol(id: "protocol") { agentCount } }' }),
  });
  const agentCount = ((await res.json()) as { data: { protocol: { agentCount: number } } }).data.protocol.agentCount;
  const { signal, log, onReady, ...rest } = opts;
  appendFileSync(out, JSON.stringify({ event: "started", options: rest, agentCount }) + "\n");
  log(`fixture swarm: ${opts.agents} agents`);
  onReady();
  signal.addEventListener("abort", () => appendFileSync(out, JSON.stringify({ event: "aborted" }) + "\n"));
  return {
    async stop() {
      appendFileSync(out, JSON.stringify({ event: "stopped" }) + "\n");
    },
  };
}
