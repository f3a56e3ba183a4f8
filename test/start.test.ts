// `npm start` as a user runs it: a local chain comes up, the contracts are deployed, their
// addresses printed and written to the deployments file, `ready` is printed; SIGINT stops it
// all and leaves no process behind.
import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startProcess, stopProcess, freePort } from "../scripts/lib/processes.ts";

async function rpc(url: string, method: string, params: unknown[]) {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  return ((await res.json()) as { result: string }).result;
}

function processGroupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("npm start", function () {
  this.timeout(240_000);

  it("brings up a chain with the contracts deployed, prints them, and stops cleanly on SIGINT", async function () {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), "ubc-start-"));
    const lines: string[] = [];
    let onReady: () => void = () => {};
    const ready = new Promise<void>((r) => (onReady = r));
    const indexerPort = await freePort();
    const p = startProcess("start", process.execPath, ["scripts/start.ts"], {
      env: { RPC_PORT: String(port), DEPLOYMENTS_DIR: dir, INDEXER_PORT: String(indexerPort), DATA_DIR: join(dir, "data") },
      onLine: (l) => {
        lines.push(l);
        if (l === "ready") onReady();
      },
    });
    try {
      await Promise.race([
        ready,
        p.exited.then((code) => { throw new Error(`npm start exited early (${code}):\n${lines.join("\n")}`); }),
      ]);
      const url = `http://127.0.0.1:${port}`;
      expect(lines).to.include(`rpc: ${url}`);
      const deployments = JSON.parse(readFileSync(join(dir, "localhost.json"), "utf8"));
      expect(deployments.chainId).to.equal(31337);
      for (const name of ["UBCToken", "ComputeToken", "StakingVault", "UBCTimelock"]) {
        const c = deployments.contracts[name];
        expect(c, name).to.not.equal(undefined);
        expect(lines).to.include(`${name}: ${c.address}`);
        expect(await rpc(url, "eth_getCode", [c.address, "latest"])).to.not.equal("0x");
        expect(c.blockNumber).to.be.a("number");
      }
      // the vault is COMPUTE's minter: hasRole(MINTER_ROLE, vault)
      const minterRole = "0x9f2df0fed2c77648de5860a4cc508cd0818c85b8b8a1ab4ceeef8d981c8956a6";
      const data = "0x91d14854" + minterRole.slice(2) + deployments.contracts.StakingVault.address.slice(2).padStart(64, "0");
      expect(BigInt(await rpc(url, "eth_call", [{ to: deployments.contracts.ComputeToken.address, data }, "latest"]))).to.equal(1n);

      // the indexer serves the chain's state over GraphQL
      const graphql = `http://127.0.0.1:${indexerPort}/graphql`;
      expect(lines).to.include(`graphql: ${graphql}`);
      const res = await fetch(graphql, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: "{ protocol(id: \"protocol\") { computeTotalSupply } stakePools { id } _meta { block { number } } }" }),
      });
      const body = (await res.json()) as { data: { protocol: { computeTotalSupply: string }; stakePools: unknown[] } };
      expect(body.data.protocol.computeTotalSupply).to.equal(String(3_000_000_000n * 10n ** 18n));
      expect(body.data.stakePools).to.have.length(3);

      process.kill(p.child.pid!, "SIGINT");
      const code = await p.exited;
      expect(code).to.equal(0);
      expect(lines).to.include("[start] stopped");
      await new Promise((r) => setTimeout(r, 500));
      expect(processGroupAlive(p.child.pid!), "a process of npm start is still alive").to.equal(false);
      for (const u of [url, graphql]) {
        await fetch(u).then(
          () => expect.fail(`${u} still answers after stop`),
          () => undefined,
        );
      }
    } finally {
      await stopProcess(p);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
