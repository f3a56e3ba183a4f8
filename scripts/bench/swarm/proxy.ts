// Shared by the swarm diagnostics (rpc-count.ts, timeline.ts): an HTTP proxy in front of a node,
// in the calling process, that shows each JSON-RPC request's calls to `observe` before passing the
// request on; the function `observe` returns, if any, is called when the node's answer is complete.
import { createServer, request, type Server } from "node:http";

export interface RpcProxy {
  url: string;
  close(): void;
}

export async function startRpcProxy(nodeUrl: string, observe: (calls: { method: string; params?: unknown[] }[]) => (() => void) | void): Promise<RpcProxy> {
  const target = new URL(nodeUrl);
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const parsed = JSON.parse(body.toString("utf8"));
      const answered = observe((Array.isArray(parsed) ? parsed : [parsed]) as { method: string; params?: unknown[] }[]);
      const up = request(target, { method: "POST", headers: { "content-type": "application/json", "content-length": body.length } }, (r) => {
        const out: Buffer[] = [];
        r.on("data", (c: Buffer) => out.push(c));
        r.on("end", () => {
          answered?.();
          res.writeHead(r.statusCode ?? 200, { "content-type": "application/json" });
          res.end(Buffer.concat(out));
        });
      });
      up.on("error", (e) => {
        res.writeHead(502);
        res.end(String(e));
      });
      up.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}`, close: () => server.close() };
}
