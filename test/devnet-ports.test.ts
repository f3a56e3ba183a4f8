// `npm start` refuses to start beside something already listening on one of its ports: at once,
// before building or spawning anything, naming each taken port and the setting that moves it.
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { checkPortsFree, portInUse } from "../scripts/devnet/ports.ts";
import { freePort, startProcess } from "../scripts/lib/processes.ts";

const root = resolve(import.meta.dirname, "..");

/** A server listening on a free port of 127.0.0.1 (closed by the caller). */
async function occupy(): Promise<{ server: Server; port: number }> {
  const port = await freePort();
  const server = createServer();
  await new Promise<void>((r) => server.listen({ port, host: "127.0.0.1" }, () => r()));
  return { server, port };
}

describe("npm start: ports already in use", function () {
  this.timeout(60_000);

  it("portInUse tells a taken port from a free one; checkPortsFree names every taken port and its setting", async function () {
    const a = await occupy();
    const b = await occupy();
    const free = await freePort();
    try {
      expect(await portInUse(a.port)).to.equal(true);
      expect(await portInUse(free)).to.equal(false);
      await checkPortsFree([{ part: "chain", port: free, setting: "RPC_PORT" }]);
      let err: Error | undefined;
      await checkPortsFree([
        { part: "chain", port: a.port, setting: "RPC_PORT" },
        { part: "indexer", port: free, setting: "INDEXER_PORT" },
        { part: "web", port: b.port, setting: "WEB_PORT" },
      ]).catch((e: Error) => (err = e));
      expect(err?.message).to.equal(`ports ${a.port} (chain; RPC_PORT), ${b.port} (web; WEB_PORT) already in use: is another devnet (npm start) running? Stop it, or set RPC_PORT / WEB_PORT to a free port`);
      // the check leaves the free port free
      expect(await portInUse(free)).to.equal(false);
    } finally {
      a.server.close();
      b.server.close();
    }
  });

  it("npm start with its chain's port taken exits 1 at once with that message, having started nothing", async function () {
    const taken = await occupy();
    const data = mkdtempSync(join(tmpdir(), "ubc-ports-"));
    const lines: string[] = [];
    try {
      const t = performance.now();
      const p = startProcess("start", process.execPath, [join(root, "scripts", "start.ts")], {
        cwd: root,
        env: { RPC_PORT: String(taken.port), INDEXER_PORT: String(await freePort()), WEB: "0", SWARM: "0", DATA_DIR: data, ENV_FILE: "" },
        onLine: (l) => lines.push(l),
      });
      const code = await p.exited;
      expect(code).to.equal(1);
      const out = lines.join("\n");
      expect(out).to.include(`port ${taken.port} (chain; RPC_PORT) already in use`);
      expect(out).to.not.match(/building the contracts|starting a local Hardhat node/);
      expect(performance.now() - t).to.be.below(30_000);
    } finally {
      taken.server.close();
      rmSync(data, { recursive: true, force: true });
    }
  });
});
