// A local HTTP proxy in front of the chain's JSON-RPC that injects faults at a given rate:
// timeouts (no answer), 429 with Retry-After, 500, truncated JSON, and dropped connections.
import { createServer, type Server } from "node:http";
import { rng } from "./activity.ts";

export interface FaultyProxy {
  url: string;
  faults: Record<string, number>;
  close(): Promise<void>;
}

export async function startFaultyProxy(target: string, opts: { seed: number; rate: number; hangMs: number }): Promise<FaultyProxy> {
  void rng(opts.seed); // the seed is kept in the signature for replays; faults are now periodic
  const faults: Record<string, number> = { timeout: 0, "429": 0, "500": 0, truncated: 0, dropped: 0, passed: 0 };
  let injected = 0;
  let seen = 0;
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    // a fault every 1/rate requests (deterministic count, so every run injects enough), kinds in turn
    seen++;
    if (seen % Math.max(1, Math.round(1 / opts.rate)) === 0) {
      const kind = injected++ % 5; // every kind in turn, so that any run of 5+ faults has them all
      if (kind === 0) {
        faults.timeout++;
        setTimeout(() => res.destroy(), opts.hangMs);
        return;
      }
      if (kind === 1) {
        faults["429"]++;
        res.writeHead(429, { "retry-after": "0" });
        res.end("rate limited");
        return;
      }
      if (kind === 2) {
        faults["500"]++;
        res.writeHead(500);
        res.end("internal error");
        return;
      }
      if (kind === 3) {
        faults.truncated++;
        const upstream = await fetch(target, { method: "POST", headers: { "content-type": "application/json" }, body });
        const text = await upstream.text();
        res.writeHead(200, { "content-type": "application/json" });
        res.end(text.slice(0, Math.max(1, Math.floor(text.length / 2))));
        return;
      }
      faults.dropped++;
      req.socket.destroy();
      return;
    }
    faults.passed++;
    const upstream = await fetch(target, { method: "POST", headers: { "content-type": "application/json" }, body });
    res.writeHead(upstream.status, { "content-type": "application/json" });
    res.end(Buffer.from(await upstream.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const addr = server.address();
  const port = typeof addr === "object" && addr !== null ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    faults,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
