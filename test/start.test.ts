// `npm start` as a user runs it: a local chain comes up, the contracts are deployed and their
// addresses printed, the devnet is seeded (balances, positions in every pool, agents, validators,
// the venture's raise, settled jobs), the indexer serves totals equal to the contracts' reads,
// `ready` is printed with the test wallet; SIGINT stops it all and leaves no process behind, and
// so do a hang-up (a closed terminal), SIGTERM through npm and npm killed outright.
// A second `npm start` on a local node redeploys to the same addresses and reindexes. Then against
// an existing chain (RPC_URL): a second `npm start` resumes the deployment and the indexed data
// instead of redeploying, and leaves the chain it did not start running; `npm start -- --fresh`
// deploys anew and indexes from scratch.
import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Contract, JsonRpcProvider, keccak256, toUtf8Bytes, type EventLog } from "ethers";
import { alivePids, startProcess, stopProcess, freePort, waitForRpc } from "../scripts/lib/processes.ts";
import { graphql, startDevnet, stopAndCheck, waitIndexed } from "./helpers/devnet.ts";
import { devAccount, ROLES } from "../scripts/devnet/accounts.ts";
import { SEED, loadAbis } from "../scripts/devnet/seed.ts";

const root = resolve(import.meta.dirname, "..");
const E18 = 10n ** 18n;

/** `npm start` with the web app and the swarm switched off (test/system.test.ts runs them). */
const start = (env: Record<string, string>, args: string[] = []) => startDevnet({ WEB: "0", SWARM: "0", ...env }, args);

describe("npm start", function () {
  // each start takes 30–60 s on an idle 2-core machine, several times that when it is shared
  this.timeout(600_000);
  const abis = loadAbis(root);

  it("brings up a seeded devnet whose indexer totals equal the contracts' reads, stops cleanly on SIGINT, and a second start redeploys to the same addresses and reindexes", async function () {
    const [port, indexerPort] = [await freePort(), await freePort()];
    const dir = mkdtempSync(join(tmpdir(), "ubc-start-"));
    const first = await start({ RPC_PORT: String(port), DEPLOYMENTS_DIR: dir, INDEXER_PORT: String(indexerPort), DATA_DIR: join(dir, "data") });
    const lines = first.lines;
    let p = first.p;
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
      // the keeper's budget for the example venture's income (no swarm here: nothing paid yet)
      expect(await compute.balanceOf(devAccount(ROLES.keeper).address)).to.equal(SEED.ventureIncome.budget);

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
      // and its first revenue shared pro rata between them (rounded down: at most a wei of dust each)
      const sold = SEED.ventureShares.reduce((a, b) => a + b, 0n);
      for (const [k, shares] of SEED.ventureShares.entries()) {
        const claimable = (await venture.claimableOf(devAccount(ROLES.stakers[k]).address, deployments.contracts.ComputeToken.address)) as bigint;
        const due = (SEED.ventureRevenue * shares) / sold;
        expect(claimable <= due && claimable >= due - 1n, `investor ${k} may claim ${claimable} of ${due}`).to.equal(true);
      }

      // three settled jobs and an open request
      expect(await market.jobCount()).to.equal(4n);
      for (const id of [1n, 2n, 3n]) expect((await market.getJob(id)).status).to.equal(9n);
      expect((await market.getJob(4n)).status).to.equal(1n);
      // whose spec (a sha256-iter job) is on the indexer's spec store, where a provider finds it
      const [created] = await market.queryFilter(market.filters.JobCreated(4n));
      const openSpecHash = (created as EventLog).args.specHash as string;
      const spec = await fetch(`http://127.0.0.1:${indexerPort}/specs/${openSpecHash}`);
      expect(spec.status, `GET /specs/${openSpecHash}`).to.equal(200);
      const specText = await spec.text();
      expect(keccak256(toUtf8Bytes(specText))).to.equal(openSpecHash);
      expect(JSON.parse(specText).kind).to.equal("sha256-iter");

      // the indexer's totals equal the contracts' reads
      const graphqlUrl = `http://127.0.0.1:${indexerPort}/graphql`;
      expect(lines).to.include(`graphql: ${graphqlUrl}`);
      await waitIndexed(graphqlUrl, await provider.getBlockNumber());
      const d = await graphql<{
        protocol: Record<string, string | number>;
        stakePools: { id: string }[];
        venture: { status: string; investorCount: number; sharesSold: string; revenueDistributed: string[] };
        workRequests: { id: string; status: string }[];
      }>(graphqlUrl, `{
        protocol(id: "protocol") { computeTotalSupply computeTotalBurned totalStaked positionCount agentCount jobCount jobsSettled activeValidatorCount validatorStake ventureInvested }
        stakePools { id }
        venture(id: "${deployments.contracts.Venture.address}") { status investorCount sharesSold revenueDistributed }
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
      expect(d.venture).to.deep.equal({ status: "open", investorCount: 2, sharesSold: String(sold), revenueDistributed: ["0", String(SEED.ventureRevenue)] }); // revenue tokens: UBC, COMPUTE (deploy/modules/Ventures.ts)
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

      await stopAndCheck({ p, lines }, [port, indexerPort]);

      // a second `npm start` on the same DATA_DIR: the local node's state was in memory only, so
      // the contracts are redeployed and reseeded to the same addresses and the indexer reindexes
      // from scratch (docs/getting-started.md): the example's agent 8 and its quote are gone
      const again = await start({ RPC_PORT: String(port), DEPLOYMENTS_DIR: dir, INDEXER_PORT: String(indexerPort), DATA_DIR: join(dir, "data") });
      p = again.p;
      expect(again.lines).to.include("[deploy] deploying the contracts (a local Hardhat node keeps its state in memory only)…");
      expect(again.lines).to.include("[indexer] indexing from the deployment block…");
      expect(again.lines.some((l) => l.startsWith("[seed] done"))).to.equal(true);
      const redeployed = JSON.parse(readFileSync(join(dir, "localhost.json"), "utf8"));
      for (const [name, c] of Object.entries(deployments.contracts as Record<string, { address: string }>)) expect(redeployed.contracts[name].address, name).to.equal(c.address);
      await waitIndexed(graphqlUrl, await provider.getBlockNumber());
      const re = await graphql<{ protocol: { agentCount: number; positionCount: number; jobsSettled: number }; quotes: { providerAgentId: string }[] }>(
        graphqlUrl, `{ protocol(id: "protocol") { agentCount positionCount jobsSettled } quotes { providerAgentId } }`);
      expect(re.protocol).to.deep.equal({ agentCount: 7, positionCount: 9, jobsSettled: 3 });
      expect(re.quotes.map((q) => q.providerAgentId)).to.not.include("8");
      // stopped as a closed terminal stops it: the hang-up reaches the script, not its parts
      await stopAndCheck(again, [port, indexerPort], "SIGHUP");
    } finally {
      provider.destroy();
      await stopProcess(p);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("started through npm, stops every part when npm is stopped with SIGTERM (a process manager) and when npm is killed outright", async function () {
    const [port, indexerPort] = [await freePort(), await freePort()];
    const dir = mkdtempSync(join(tmpdir(), "ubc-start-npm-"));
    const env = { RPC_PORT: String(port), DEPLOYMENTS_DIR: dir, INDEXER_PORT: String(indexerPort), DATA_DIR: join(dir, "data"), WEB: "0", SWARM: "0" };
    let d: Awaited<ReturnType<typeof startDevnet>> | undefined;
    try {
      // npm passes SIGTERM on to its script, which must be the script itself (`exec node …`: a
      // shell in between dies of the signal and leaves the script running with every port taken)
      d = await startDevnet(env, [], true);
      expect(d.lines).to.include("ready");
      await stopAndCheck(d, [port, indexerPort], "SIGTERM");
      // npm killed with SIGKILL passes nothing on: the script sees that its parent has gone
      d = await startDevnet(env, [], true);
      await stopAndCheck(d, [port, indexerPort], "SIGKILL");
      expect(d.lines).to.include("[start] the process that started npm start has ended");
    } finally {
      if (d) await stopProcess(d.p);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("on an existing chain (RPC_URL), runs the swarm hook, a second start resumes the deployment and the indexed data, leaving the chain running, --fresh starts clean, and a damaged state file deploys again", async function () {
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
      // the devnet's keeper, and the example venture's income it pays (whole COMPUTE a day)
      expect(started.options.keeperKey).to.equal(devAccount(ROLES.keeper).privateKey);
      expect(started.options.ventureIncomePerDay).to.equal(String(SEED.ventureIncome.perDay / 10n ** 18n));
      const deployments = readFileSync(join(dir, "localhost.json"), "utf8");
      await stopAndCheck(first, [indexerPort]);
      expect(readFileSync(swarmOut, "utf8").trim().split("\n").map((l) => JSON.parse(l).event)).to.deep.equal(["started", "aborted", "stopped"]);
      expect(alivePids([node.child.pid!]), "the chain npm start did not start must keep running").to.have.length(1);

      const second = await start(env);
      expect(second.lines.some((l) => l.startsWith("[deploy] resuming"))).to.equal(true);
      expect(second.lines).to.include("[indexer] resuming from its checkpoint…");
      expect(second.lines.some((l) => l.startsWith("[seed]"))).to.equal(false);
      expect(readFileSync(join(dir, "localhost.json"), "utf8")).to.equal(deployments);
      const d = await graphql<{ protocol: { agentCount: number; positionCount: number } }>(`http://127.0.0.1:${indexerPort}/graphql`, `{ protocol(id: "protocol") { agentCount positionCount } }`);
      expect(d.protocol).to.deep.equal({ agentCount: 7, positionCount: 9 });
      await stopAndCheck(second, [indexerPort]);

      // `npm start -- --fresh` drops the devnet's data (not the rest of DATA_DIR) and starts clean:
      // a new deployment on the same chain, indexed from scratch
      writeFileSync(join(dir, "data", "mine.txt"), "not the devnet's\n");
      const fresh = await start(env, ["--fresh"]);
      expect(fresh.lines).to.include("[start] --fresh: dropped the devnet's data");
      expect(fresh.lines).to.include("[deploy] deploying the contracts (--fresh)…");
      expect(fresh.lines).to.include("[indexer] indexing from the deployment block…");
      expect(fresh.lines.some((l) => l.startsWith("[seed] done"))).to.equal(true);
      expect(readFileSync(join(dir, "data", "mine.txt"), "utf8")).to.equal("not the devnet's\n");
      const before = JSON.parse(deployments).contracts as Record<string, { address: string }>;
      const after = JSON.parse(readFileSync(join(dir, "localhost.json"), "utf8")).contracts as Record<string, { address: string }>;
      for (const name of Object.keys(before)) expect(after[name].address, `${name} is deployed anew`).to.not.equal(before[name].address);
      const f = await graphql<{ protocol: { agentCount: number; positionCount: number }; stakePools: { id: string }[] }>(
        `http://127.0.0.1:${indexerPort}/graphql`, `{ protocol(id: "protocol") { agentCount positionCount } stakePools { id } }`);
      // only the new deployment is indexed: not 14 agents, 18 positions and 6 pools
      expect(f.protocol).to.deep.equal({ agentCount: 7, positionCount: 9 });
      expect(f.stakePools).to.have.length(3);
      await stopAndCheck(fresh, [indexerPort]);

      // a state file a kill left empty (opened for writing, not yet written) is named as the
      // reason to deploy again, not a crash
      writeFileSync(join(dir, "data", "devnet.json"), "");
      const damaged = await start(env);
      expect(damaged.lines.some((l) => /^\[deploy\] deploying the contracts \(.*devnet\.json is unreadable \(Unexpected end of JSON input\)\)…$/.test(l)), damaged.lines.join("\n")).to.equal(true);
      const g = await graphql<{ protocol: { agentCount: number } }>(`http://127.0.0.1:${indexerPort}/graphql`, `{ protocol(id: "protocol") { agentCount } }`);
      expect(g.protocol.agentCount).to.equal(7);
      expect(JSON.parse(readFileSync(join(dir, "data", "devnet.json"), "utf8")).chainId).to.be.a("number");
      await stopAndCheck(damaged, [indexerPort]);
    } finally {
      await stopProcess(node);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
