// An example paid resource served by an agent: `GET /compute/sha256?input=…` returns the SHA-256
// of the input, for a price in COMPUTE paid through x402. Run it with startExampleServer().
import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { ethers } from "ethers";
import { Paywall } from "./server.ts";

export interface ExampleServer {
  url: string;
  paywall: Paywall;
  server: Server;
  close(): Promise<void>;
}

export async function startExampleServer(opts: { wallet: ethers.Signer; asset: string; chainId: number; price: bigint; port?: number }): Promise<ExampleServer> {
  const paywall = new Paywall({ asset: opts.asset, chainId: opts.chainId, wallet: opts.wallet });
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname !== "/compute/sha256") {
      res.writeHead(404, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: `no route ${url.pathname}` }));
      return;
    }
    const input = url.searchParams.get("input") ?? "";
    if (input.length > 10_000) {
      res.writeHead(413, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: "input over 10,000 characters" }));
      return;
    }
    const resource = `http://${req.headers.host}${url.pathname}`;
    try {
      if (!(await paywall.handle(req, res, resource, { price: opts.price, description: "SHA-256 of the input, computed by an agent" }))) return;
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ input, sha256: createHash("sha256").update(input).digest("hex") }));
    } catch (err) {
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: (err as Error).message }));
    }
  });
  await new Promise<void>((r) => server.listen(opts.port ?? 0, "127.0.0.1", () => r()));
  const addr = server.address();
  const port = typeof addr === "object" && addr !== null ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    paywall,
    server,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}
