// `npm start` as a user runs it: a local chain comes up, the contracts are deployed and their
// addresses printed, the devnet is seeded (balances, positions in every pool, agents, validators,
// the venture's raise, settled jobs), the indexer serves totals equal to the contracts' reads,
// `ready` is printed with the test wallet; SIGINT stops it all and leaves no process behind.
// Then against an existing chain (RPC_URL): a second `npm start` resumes the deployment and the
// indexed data instead of redeploying, and leaves the chain it did not start running.
import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Contract, JsonRpcProvider } from "ethers";
import { startProcess, stopProcess, freePort, waitForRpc, type Managed } from "../scripts/lib/processes.ts";
import { devAccount, ROLES } from "../scripts/devnet/accounts.ts";
import { SEED, loadAbis } from "../scripts/devnet/seed.ts";

const root = resolve(import.meta.dirname, "..");
const E18 = 10n ** 18n;

function processGroupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Runs `node scripts/start.ts` with `env` until `ready`; returns the process and its lines. */
async function start(env: Record<string, string>, args: string[] = []): Promise<{ p: Managed; lines: string[] }> {
  const lines: string[] = [];
  let onReady: () => void = () => {};
  const ready = new Promise<void>((r) => (onReady = r));
  // ENV_FILE= : a developer's .env must not change what the test runs
  const p = startProcess("start", process.execPath, ["scripts/start.ts", ...args], {
    cwd: root,
    env: { ENV_FILE: "", WEB: "0", SWARM: "0", ...env },
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
  } catch (err) {
    await stopProcess(p);
    throw err;
  }
  const timing = lines.find((l) => l.startsWith("startup: "));
  if (timing) console.log(`      ${timing}`);
  return { p, lines };
}

async function stopAndCheck(p: Managed, lines: string[], urls: string[]) {
  process.kill(p.child.pid!, "SIGINT");
  expect(await p.exited).to.equal(0);
  expect(lines).to.include("[start] stopped");
  await new Promise((r) => setTimeout(r, 500));
  expect(processGroupAlive(p.child.pid!), "a process of npm start is still alive").to.equal(false);
  for (const u of urls) {
    await fetch(u).then(
      () => expect.fail(`${u} still answers after stop`),
      () => undefined,
    );
  }
}

async function graphql<T>(url: string, query: string): Promise<T> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query }) });
  const body = (await res.json()) as { data?: T; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data!;
}

/** Polls the indexer until it has indexed the chain's latest block. */
async function waitIndexed(graphqlUrl: string, provider: JsonRpcProvider) {
  const head = await provider.getBlockNumber();
  for (let i = 0; i < 200; i++) {
    const d = await graphql<{ _meta: { block: { number: number } } }>(graphqlUrl, "{ _meta { block { number } } }");
    if (d._meta.block.number >= head) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the indexer did not reach block ${head}`);
}

describe("npm start", function () {
  // each start takes 30–60 s on an idle 2-core machine, several times that when it is shared
  this.timeout(600_000);
  const abis = loadAbis(root);

  it("brings up a seeded devnet whose indexer totals equal the contracts' reads, and stops cleanly on SIGINT", async function () {
    const [port, indexerPort] = [await freePort(), await freePort()];
    const dir = mkdtempSync(join(tmpdir(), "ubc-start-"));
    const { p, lines } = await start({ RPC_PORT: String(port), DEPLOYMENTS_DIR: dir, INDEXER_PORT: String(indexerPort), DATA_DIR: join(dir, "data") });
    const provider = new JsonRpcProvider(`http://127.0.0.1:${port}`, 31337, { staticNetwork: true, cacheTimeout: -1 });
    try {
      const url = `http://127.0.0.1:${port}`;
      expect(lines).to.include(`rpc: ${url}`);
      const deployments = JSON.parse(readFileSync(join(dir, "localhost.json"), "utf8"));
      expect(deployments.chainId).to.equal(31337);
      const at = (name: string) => new Contract(deployments.contracts[name].address, abis.get(name)!, provider);
      for (const name of ["UBCToken", "ComputeToken", "StakingVault", "UBCTimelock", "AgentRegistry", "WorkMarket", "ValidatorPool", "Venture"]) {
        const c = deployments.contracts[name];
        expect(c, name).to.not.equal(undefined);
        expect(lines).to.include(`${name}: ${c.address}`);
        expect(await provider.getCode(c.address)).to.not.equal("0x");
      }
      // every part reports itself; web and swarm are switched off here
      for (const part of ["chain", "deploy", "indexer"]) expect(lines.some((l) => new RegExp(`^\\[start\\]\\s+${part}\\s+ready`).test(l)), part).to.equal(true);
      expect(lines.some((l) => /^\[start\]\s+web\s+off/.test(l))).to.equal(true);
      expect(lines.some((l) => /^startup: \d+\.\d s to ready/.test(l))).to.equal(true);

      // the test wallet: printed, funded, nothing staked yet
      const tw = devAccount(ROLES.testWallet);
      expect(lines).to.include(`test wallet: ${tw.address}`);
      expect(lines).to.include(`test wallet private key: ${tw.privateKey}`);
      const [ubc, compute, vault, registry, pool, market, venture] = ["UBCToken", "ComputeToken", "StakingVault", "AgentRegistry", "ValidatorPool", "WorkMarket", "Venture"].map(at);
      expect(await ubc.balanceOf(tw.address)).to.equal(SEED.testWallet.ubc);
      expect(await compute.balanceOf(tw.address)).to.equal(SEED.testWallet.compute);

      // a position in each pool for each staker
      expect(await vault.positionCount()).to.equal(9n);
      let staked = 0n;
      for (let id = 1n; id <= 9n; id++) {
        const pos = await vault.getPosition(id);
        const k = ROLES.stakers.findIndex((i) => devAccount(i).address === pos.owner);
        expect(k, `position ${id}`).to.be.greaterThanOrEqual(0);
        expect(pos.amount).to.equal(SEED.stakes[Number(pos.poolId)] * BigInt(k + 1));
        staked += pos.amount as bigint;
      }
      expect(await vault.totalStaked()).to.equal(staked);

      // agents with cards; Relay operated by its own wallet; four validators active
      expect(await registry.agentCount()).to.equal(7n);
      expect(await registry.agentWallet(3n)).to.equal(devAccount(ROLES.relayOperator).address);
      expect(String(await registry.agentCardURI(1n))).to.match(/^data:application\/json;base64,/);
      expect(await pool.activeCount()).to.equal(4n);

      // the venture's raise is open with two investors
      expect(await venture.raiseState()).to.equal(1n); // RaiseState.Open
      for (const [k, shares] of SEED.ventureShares.entries()) expect(await venture.balanceOf(devAccount(ROLES.stakers[k]).address)).to.equal(shares);

      // three settled jobs and an open request
      expect(await market.jobCount()).to.equal(4n);
      for (const id of [1n, 2n, 3n]) expect((await market.getJob(id)).status).to.equal(9n);
      expect((await market.getJob(4n)).status).to.equal(1n);

      // the indexer's totals equal the contracts' reads
      const graphqlUrl = `http://127.0.0.1:${indexerPort}/graphql`;
      expect(lines).to.include(`graphql: ${graphqlUrl}`);
      await waitIndexed(graphqlUrl, provider);
      const d = await graphql<{
        protocol: Record<string, string | number>;
        stakePools: { id: string }[];
        venture: { status: string; investorCount: number; sharesSold: string };
        workRequests: { id: string; status: string }[];
      }>(graphqlUrl, `{
        protocol(id: "protocol") { computeTotalSupply computeTotalBurned totalStaked positionCount agentCount jobCount jobsSettled activeValidatorCount validatorStake ventureInvested }
        stakePools { id }
        venture(id: "${deployments.contracts.Venture.address}") { status investorCount sharesSold }
        workRequests(orderBy: createdAt) { id status }
      }`);
      expect(d.stakePools).to.have.length(3);
      expect(d.protocol.computeTotalSupply).to.equal(String(await compute.totalSupply()));
      expect(d.protocol.computeTotalBurned).to.equal(String(await compute.totalBurned()));
      expect(BigInt(d.protocol.computeTotalBurned)).to.be.greaterThan(0n); // settled jobs burn part of their fee
      expect(d.protocol.totalStaked).to.equal(String(staked));
      expect(d.protocol.positionCount).to.equal(9);
      expect(d.protocol.agentCount).to.equal(7);
      expect(d.protocol.jobCount).to.equal(4);
      expect(d.protocol.jobsSettled).to.equal(3);
      expect(d.protocol.activeValidatorCount).to.equal(4);
      expect(d.protocol.validatorStake).to.equal(String(await ubc.balanceOf(deployments.contracts.ValidatorPool.address)));
      const sold = SEED.ventureShares.reduce((a, b) => a + b, 0n);
      expect(d.venture).to.deep.equal({ status: "open", investorCount: 2, sharesSold: String(sold) });
      expect(d.protocol.ventureInvested).to.equal(String(sold * 10n));
      expect(d.workRequests.map((w) => w.status)).to.deep.equal(["settled", "settled", "settled", "open"]);

      // the SDK example (docs/getting-started.md) runs against this devnet: registers, signs in, posts a quote
      const out: string[] = [];
      const example = startProcess("example", process.execPath, [join(root, "agents", "examples", "first-agent.ts")], {
        cwd: root,
        env: { RPC_URL: url, DEPLOYMENTS: join(dir, "localhost.json"), INDEXER_URL: `http://127.0.0.1:${indexerPort}` },
        onLine: (l) => out.push(l),
      });
      expect(await example.exited, out.join("\n")).to.equal(0);
      const agent = devAccount(ROLES.exampleAgent).address;
      expect(out).to.include(`agent wallet: ${agent}`);
      expect(out).to.include("registered agent 8");
      expect(out.some((l) => l.startsWith("quote posted: 0x"))).to.equal(true);
      expect(await registry.agentOfWallet(agent)).to.equal(8n);
      const board = await graphql<{ quotes: { providerAgentId: string; status: string }[] }>(graphqlUrl, "{ quotes { providerAgentId status } }");
      expect(board.quotes).to.deep.include({ providerAgentId: "8", status: "open" });

      await stopAndCheck(p, lines, [url, graphqlUrl]);
    } finally {
      provider.destroy();
      await stopProcess(p);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("on an existing chain (RPC_URL), runs the swarm hook, and a second start resumes the deployment and the indexed data, leaving the chain running", async function () {
    const [port, indexerPort] = [await freePort(), await freePort()];
    const dir = mkdtempSync(join(tmpdir(), "ubc-start-"));
    const rpcUrl = `http://127.0.0.1:${port}`;
    const node = startProcess("node", process.execPath, [join(root, "node_modules", "hardhat", "dist", "src", "cli.js"), "node", "--port", String(port), "--hostname", "127.0.0.1"], { cwd: root });
    const env = { RPC_URL: rpcUrl, CHAIN_ID: "31337", DEPLOYMENTS_DIR: dir, INDEXER_PORT: String(indexerPort), DATA_DIR: join(dir, "data") };
    try {
      await waitForRpc(rpcUrl, 120_000);
      // the swarm part, with a module standing in for agents/src/swarm (test/helpers/swarm-fixture.ts)
      const swarmOut = join(dir, "swarm.jsonl");
      const first = await start({ ...env, SWARM: "1", SWARM_AGENTS: "3", SWARM_MODULE: "test/helpers/swarm-fixture.ts", SWARM_FIXTURE_OUT: swarmOut });
      expect(first.lines.some((l) => l.startsWith("[deploy] deploying the contracts (no earlier run"))).to.equal(true);
      expect(first.lines.some((l) => l.startsWith("[seed] done"))).to.equal(true);
      expect(first.lines).to.include("swarm: 3 agents, continuous (rule-based policy)");
      expect(first.lines.some((l) => /^\[start\]\s+swarm\s+ready/.test(l))).to.equal(true);
      const started = JSON.parse(readFileSync(swarmOut, "utf8").split("\n")[0]);
      expect(started.event).to.equal("started");
      expect(started.agentCount).to.equal(7);
      expect(started.options).to.include({ rpcUrl, chainId: 31337, agents: 3, apiUrl: `http://127.0.0.1:${indexerPort}`, deployments: join(dir, "localhost.json") });
      expect(started.options.keys).to.deep.equal(ROLES.swarm.map((i) => devAccount(i).privateKey));
      expect(started.options.validatorKeys).to.deep.equal(ROLES.validators.map((i) => devAccount(i).privateKey));
      const deployments = readFileSync(join(dir, "localhost.json"), "utf8");
      await stopAndCheck(first.p, first.lines, [`http://127.0.0.1:${indexerPort}/graphql`]);
      expect(readFileSync(swarmOut, "utf8").trim().split("\n").map((l) => JSON.parse(l).event)).to.deep.equal(["started", "aborted", "stopped"]);
      expect(processGroupAlive(node.child.pid!), "the chain npm start did not start must keep running").to.equal(true);

      const second = await start(env);
      expect(second.lines.some((l) => l.startsWith("[deploy] resuming"))).to.equal(true);
      expect(second.lines).to.include("[indexer] resuming from its checkpoint…");
      expect(second.lines.some((l) => l.startsWith("[seed]"))).to.equal(false);
      expect(readFileSync(join(dir, "localhost.json"), "utf8")).to.equal(deployments);
      const d = await graphql<{ protocol: { agentCount: number; positionCount: number } }>(`http://127.0.0.1:${indexerPort}/graphql`, `{ protocol(id: "protocol") { agentCount positionCount } }`);
      expect(d.protocol).to.deep.equal({ agentCount: 7, positionCount: 9 });
      await stopAndCheck(second.p, second.lines, []);
    } finally {
      await stopProcess(node);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
