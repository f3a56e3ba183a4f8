// One agent run on its own with its owner's key (runAgent), on a real Hardhat node with the
// protocol deployed and the real indexer's quote board: three validators, a provider and a
// requester (deciding through the LLM policy, on a local server that speaks the OpenAI protocol),
// each a runAgent of its own, trade two jobs end to end; the test mines a block every
// 300 ms and moves the chain's clock past the challenge window once only challenge windows
// remain (as the devnet's clock keeper does). Then bad input and a wallet without funds are refused with clear errors.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { ethers } from "ethers";
import type { Hex } from "viem";
import { generatePrivateKey } from "viem/accounts";
import { ARTIFACTS, startChain, type TestChain } from "../../../indexer/src/testing/chain.ts";
import { startService } from "../../../indexer/src/service.ts";
import { runAgent, type AgentReport, type RoleName } from "./host.ts";
import { Status } from "./market.ts";
import { KIND_HASH } from "./jobs.ts";
import { ApiClient } from "../sdk/index.ts";
import { startOpenAiServer, type OpenAiTestServer } from "../testing/openai-server.ts";
import { E18 } from "./limits.ts";

async function eventually(what: string, check: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("an agent on its own (runAgent)", () => {
  let chain: TestChain;
  let svc: Awaited<ReturnType<typeof startService>>;
  let llm: OpenAiTestServer;
  before(async () => {
    llm = await startOpenAiServer({ apiKey: "local-test-key" });
    chain = await startChain();
    svc = await startService({ rpcUrl: chain.url, deployments: chain.deployments, artifactsDir: ARTIFACTS, port: 0, finalityDepth: 1, pollIntervalMs: 20, databaseSchema: "agents_host" });
    await svc.caughtUp;
  });
  after(async () => {
    await llm?.close();
    await svc?.stop();
    await chain?.stop();
  });

  /** A fresh key funded by the deployer: gas, and UBC / COMPUTE as asked. */
  async function funded(ubc: bigint, compute: bigint): Promise<Hex> {
    const key = generatePrivateKey();
    const to = new ethers.Wallet(key).address;
    const deployer = chain.signers[0];
    await (await deployer.sendTransaction({ to, value: 10n * E18 })).wait();
    if (ubc > 0n) await (await chain.contract("UBCToken", deployer).transfer(to, ubc)).wait();
    if (compute > 0n) await (await chain.contract("ComputeToken", deployer).transfer(to, compute)).wait();
    return key;
  }

  test("three validators, a provider and a requester, each run on its own, trade two jobs end to end; the provider withdraws its quotes when stopped", async () => {
    const market = chain.contract("WorkMarket");
    const stop = new AbortController();
    const lines: string[] = [];
    const base = { indexerUrl: svc.api.url, rpcUrl: chain.url, deployments: chain.deployments, pollMs: 100, log: (l: string) => lines.push(l) };
    const run = (key: Hex, roles: RoleName[], extra: Partial<Parameters<typeof runAgent>[0]> = {}) => runAgent({ ...base, key, roles, name: roles.join("+"), ...extra });
    // three validators with the minimum stake, a provider with COMPUTE for its quotes' deposits
    const validators = await Promise.all([0, 1, 2].map(() => funded(10_000n * E18, 0n)));
    const providerKey = await funded(0n, 2_000n * E18);
    // the requester's wallet holds more than its two jobs can cost: it deposits two per-job caps
    // (2 × 5,000 COMPUTE), not an hour's spend limit, and takes what is left back when it stops
    const requesterKey = await funded(0n, 50_000n * E18);
    const ready: Promise<bigint>[] = [];
    const started = (key: Hex, roles: RoleName[], extra: Partial<Parameters<typeof runAgent>[0]> = {}) => {
      let onReady!: (id: bigint) => void;
      ready.push(new Promise<bigint>((r) => (onReady = r)));
      const p = run(key, roles, { ...extra, signal: stop.signal, onReady: (a) => onReady(a.agentId) });
      p.catch(() => onReady(0n));
      return p;
    };
    const standing = [...validators.map((k) => started(k, ["validator"])), started(providerKey, ["provider"], { costPerUnit: { "sha256-iter": 30n * E18 } })];
    const providerId = (await Promise.all(ready))[3];
    // the provider's quotes reach the indexer's board
    const api = new ApiClient(svc.api.url);
    const onBoard = async () => (await api.bestQuotes(KIND_HASH["sha256-iter"], 1n, undefined, 50)).filter((q) => q.providerAgentId === providerId).length;
    await eventually("the provider's quotes are on the board", async () => (await onBoard()) > 0);
    // the chain: a block every 300 ms, as a chain with a block time of its own makes them (an
    // automining node mines only on a transaction, and a committee is drawn from a block after
    // the delivery's); the clock: once every job waits only for its challenge window, two days on
    let clockRunning = true;
    const clock = (async () => {
      while (clockRunning) {
        await new Promise((r) => setTimeout(r, 300));
        await chain.rpc("evm_mine", []);
        const n = Number(await market.jobCount());
        const statuses: number[] = [];
        for (let id = 1; id <= n; id++) statuses.push(Number((await market.getJob(id)).status));
        if (statuses.some((s) => s === Status.Validated) && statuses.every((s) => s === Status.Validated || s >= Status.Resolved)) {
          await chain.rpc("evm_increaseTime", [2 * 86_400]);
          await chain.rpc("evm_mine", []);
        }
      }
    })();
    let requested: AgentReport;
    let timer: NodeJS.Timeout | undefined;
    try {
      // the requester decides through the LLM policy, on the local server that speaks the OpenAI
      // protocol (its answers cycle good, malformed, out of limits: the bad ones are refused)
      requested = await Promise.race([
        run(requesterKey, ["requester"], { jobs: 2, withdrawOnStop: true, llm: { apiKey: "local-test-key", baseURL: llm.url, model: "local-test-model" } }),
        new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`the requester's two jobs did not end within 120 s:\n${lines.join("\n")}`)), 120_000))),
      ]);
    } finally {
      clearTimeout(timer);
      clockRunning = false;
      await clock;
      stop.abort();
    }
    const [v1, v2, v3, provided] = await Promise.all(standing);
    // the requester: two jobs bought, both settled with the provider paid, its COMPUTE down by what it paid
    assert.deepEqual(requested.requested, { settled: 2, failed: 0, inFlight: 0 }, lines.join("\n"));
    assert.ok(requested.computeChange < 0n, "the requester paid");
    assert.ok(lines.some((l) => l === "requester: deposited 10,000 COMPUTE from its wallet into its market credit (now 10,000)"), lines.join("\n"));
    // withdrawOnStop: its credit is empty on chain, its wallet holds what it did not pay
    assert.equal(requested.credit, 0n);
    assert.equal(await market.credits(requested.agentId), 0n);
    assert.ok(requested.withdrawn > 0n && requested.withdrawn < 10_000n * E18, `withdrew ${requested.withdrawn}`);
    assert.equal(await chain.contract("ComputeToken").balanceOf(requested.address), 50_000n * E18 + requested.computeChange, "the wallet holds its COMPUTE less what it paid");
    assert.ok(lines.some((l) => l.startsWith("requester: withdrew ") && l.includes(" COMPUTE of market credit to its wallet")), lines.join("\n"));
    assert.equal(requested.stats.feedback, 2, "it rated its provider for both jobs");
    assert.ok(llm.requests.some((r) => /You are the \w+ policy/.test(r.messages[0]?.content ?? "")), "its decisions went to the model");
    assert.ok(lines.some((l) => /^requester: trading as requester \(sha256-iter; llm policy\)/.test(l)), lines.join("\n"));
    // the provider: paid for both, its COMPUTE up
    assert.equal(provided.provided.settled, 2);
    assert.ok(provided.computeChange > 0n, `the provider earned (${provided.computeChange})`);
    // the three validators attested: every committee is the three of them, and each job needed its
    // quorum of two votes (a third member votes only if the round is still open a moment later)
    const votes = v1.stats.attested + v2.stats.attested + v3.stats.attested;
    assert.ok(votes >= 4 && votes <= 6, `${votes} votes on two jobs`);
    for (const v of [v1, v2, v3]) assert.notEqual(v.validatorId, undefined);
    // the requester published each job's spec on the indexer's spec store too (for providers that cannot reach its endpoint)
    const { workRequests } = await api.graphql<{ workRequests: { jobId: string; specHash: string }[] }>(`{ workRequests(where: { jobId_in: ["1", "2"] }) { jobId specHash } }`);
    assert.equal(workRequests.length, 2);
    for (const w of workRequests) {
      assert.equal(Number((await market.getJob(w.jobId)).status), Status.Settled, `job ${w.jobId} settled on chain`);
      const stored = await fetch(`${svc.api.url}/specs/${w.specHash}`);
      assert.equal(stored.status, 200, `job ${w.jobId}'s spec on the store`);
    }
    // the provider withdrew its open quotes on stopping (on chain): the board drops them
    assert.equal(provided.agentId, providerId);
    await eventually("the stopped provider's quotes leave the board", async () => (await onBoard()) === 0);
    assert.ok(lines.some((l) => /registered as agent/.test(l)));
  });

  test("an agent restarted with the same key runs as the agent its wallet operates, adding missing roles", async () => {
    const key = await funded(0n, 500n * E18);
    const stop = new AbortController();
    const first = await runAgent({ key, roles: ["provider"], indexerUrl: svc.api.url, rpcUrl: chain.url, deployments: chain.deployments, signal: AbortSignal.abort(), log: () => {} });
    const lines: string[] = [];
    stop.abort();
    const again = await runAgent({ key, roles: ["provider", "requester"], indexerUrl: svc.api.url, rpcUrl: chain.url, deployments: chain.deployments, signal: stop.signal, log: (l) => lines.push(l) });
    assert.equal(again.agentId, first.agentId);
    assert.ok(lines.some((l) => /roles added/.test(l)), lines.join("\n"));
    const roles = Number(await chain.contract("AgentRegistry").agentRoles(first.agentId));
    assert.equal(roles & 3, 3, "provider and requester");
  });

  test("a requester that buys nothing says why in its progress lines: an empty board, then prices over its cap", async () => {
    const notes: string[] = [];
    const stopReq = new AbortController();
    const stopProv = new AbortController();
    const common = { indexerUrl: svc.api.url, rpcUrl: chain.url, deployments: chain.deployments, log: () => {}, pollMs: 100 };
    const requester = runAgent({ ...common, key: await funded(0n, 2_000n * E18), roles: ["requester"], jobs: 1, signal: stopReq.signal, progressMs: 200, onProgress: (p) => { if (p.notBuying) notes.push(p.notBuying); } });
    let provider: ReturnType<typeof runAgent> | undefined;
    try {
      await eventually("the requester saw the empty board", async () => notes.includes("no sha256-iter quote on the board"));
      // a provider whose cost is 250 COMPUTE a unit quotes 312.5, over the 200 a requester pays by default
      provider = runAgent({ ...common, key: await funded(0n, 2_000n * E18), roles: ["provider"], costPerUnit: { "sha256-iter": 250n * E18 }, signal: stopProv.signal });
      await eventually("the requester named the price", async () => notes.some((n) => /^no acceptable quote among \d+ sha256-iter quotes \(cheapest 312\.5 COMPUTE a unit; this agent pays at most 200\)$/.test(n)));
    } finally {
      stopReq.abort();
      stopProv.abort();
      const r = await requester;
      assert.equal(r.requested.inFlight + r.requested.settled, 0, "it bought nothing");
      await provider;
    }
  });

  test("bad input and a wallet without what its roles need are refused with clear errors", async () => {
    const base = { indexerUrl: svc.api.url, rpcUrl: chain.url, deployments: chain.deployments, log: () => {} };
    await assert.rejects(runAgent({ ...base, key: "0x12" as Hex, roles: ["provider"] }), /32-byte hex private key/);
    await assert.rejects(runAgent({ ...base, key: generatePrivateKey(), roles: [] }), /at least one role/);
    await assert.rejects(runAgent({ ...base, key: generatePrivateKey(), roles: ["trader" as RoleName] }), /unknown role "trader"/);
    await assert.rejects(runAgent({ ...base, key: generatePrivateKey(), roles: ["provider"], indexerUrl: "" }), /needs the indexer's URL/);
    await assert.rejects(runAgent({ ...base, key: generatePrivateKey(), roles: ["requester"], jobs: 0 }), /jobs must be a positive integer, got 0/);
    await assert.rejects(runAgent({ ...base, key: generatePrivateKey(), roles: ["provider"] }), /holds no ETH for gas/);
    // gas but no UBC: a validator cannot stake; gas but no COMPUTE: a provider cannot lock deposits
    await assert.rejects(runAgent({ ...base, key: await funded(0n, 0n), roles: ["validator"] }), /a validator stakes at least 10,000 UBC; the wallet 0x[0-9a-fA-F]{40} holds 0/);
    await assert.rejects(runAgent({ ...base, key: await funded(0n, 0n), roles: ["provider"] }), /no market credit and its wallet 0x[0-9a-fA-F]{40} no COMPUTE/);
    await assert.rejects(runAgent({ ...base, key: generatePrivateKey(), roles: ["provider"], rpcUrl: "http://127.0.0.1:1" }), /cannot reach the chain at http:\/\/127.0.0.1:1/);
    // the command line
    const cli = fileURLToPath(new URL("./host-cli.ts", import.meta.url));
    const r1 = spawnSync(process.execPath, [cli], { encoding: "utf8", env: { ...process.env, AGENT_KEY: generatePrivateKey() } });
    assert.equal(r1.status, 2);
    assert.match(r1.stderr, /--role is required/);
    const r2 = spawnSync(process.execPath, [cli, "--role", "provider", "--cost", "cheap"], { encoding: "utf8", env: { ...process.env, AGENT_KEY: generatePrivateKey() } });
    assert.equal(r2.status, 2);
    assert.match(r2.stderr, /--cost must be an amount of COMPUTE \(e.g. 40 or 12.5\), got "cheap"/);
    const r3 = spawnSync(process.execPath, [cli, "--role", "provider"], { encoding: "utf8", env: { ...process.env, AGENT_KEY: "" } });
    assert.equal(r3.status, 2);
    assert.match(r3.stderr, /set AGENT_KEY/);
    const r4 = spawnSync(process.execPath, [cli, "--role", "provider"], { encoding: "utf8", env: { ...process.env, AGENT_KEY: generatePrivateKey(), RPC_URL: chain.url, DEPLOYMENTS: "/nonexistent/localhost.json" } });
    assert.equal(r4.status, 1);
    assert.match(r4.stderr, /agent: no deployments file at \/nonexistent\/localhost.json/);
  });
});
