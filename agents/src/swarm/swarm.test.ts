// Swarms on a real Hardhat node with the protocol deployed by the project's deploy script:
// honest agents trading end to end, adversaries the protocol must stop, and agents driven by the
// LLM policy through a local server that speaks the OpenAI chat-completions protocol (scripted
// answers, no model). Randomised: each run prints its seed (SWARM_SEED=<seed> replays it).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { ethers } from "ethers";
import { startChain, type TestChain } from "../../../indexer/src/testing/chain.ts";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { formatSummary, owedVotes, planRoles, runSwarm, type SwarmOptions } from "./swarm.ts";
import { loadDeployments } from "../runtime/connect.ts";
import { Status, type JobView } from "../runtime/market.ts";
import { messageKind, repeatFilter } from "./repeats.ts";
import { E18, DEFAULT_LIMITS } from "../runtime/limits.ts";
import { startOpenAiServer, served, type OpenAiTestServer } from "../testing/openai-server.ts";
import { devKey } from "../testing/keys.ts";
import { KIND_HASH, canonical, specHash, type ShaSpec } from "../runtime/jobs.ts";
import { agentCard, SpecResolver } from "../runtime/specs.ts";
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createPublicClient, http, type Address, type Hex, type PublicClient } from "viem";
import { startService } from "../../../indexer/src/service.ts";
import { ARTIFACTS } from "../../../indexer/src/testing/chain.ts";
import { ApiClient, ApiError, ROLES, UbcClient } from "../sdk/index.ts";
import { ABIS } from "../generated/abis.ts";

const baseSeed = process.env.SWARM_SEED ? Number(process.env.SWARM_SEED) : Math.floor(Math.random() * 1e9);
console.log(`swarm tests: seed ${baseSeed} (SWARM_SEED=${baseSeed} replays)`);

describe("swarm input", () => {
  test("bad input is refused with a clear error", async () => {
    assert.throws(() => planRoles(2), /at least 3 agents/);
    assert.deepEqual(planRoles(10).filter((r) => r === "validator").length, 3);
    await assert.rejects(runSwarm({ agents: 6, jobs: 3, inFlight: 0, deployments: { chainId: 1, contracts: {} } }), /inFlight must be a positive integer, got 0/);
    assert.throws(() => loadDeployments({ deployments: "/nonexistent/localhost.json" }), /no deployments file at \/nonexistent/);
    await assert.rejects(runSwarm({ agents: 6, jobs: 0, deployments: { chainId: 1, contracts: {} } }), /--jobs must be a positive integer/);
    await assert.rejects(runSwarm({ agents: 6, jobs: 1, deployments: { chainId: 31337, contracts: {} } }), /the deployments object has no WorkMarket/);
    const cli = fileURLToPath(new URL("./cli.ts", import.meta.url));
    const r = spawnSync(process.execPath, [cli, "--agents", "many", "--jobs", "3"], { encoding: "utf8" });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--agents must be an integer ≥ 3, got "many"/);
    const r2 = spawnSync(process.execPath, [cli, "--agents", "6", "--jobs", "3", "--bogus"], { encoding: "utf8" });
    assert.equal(r2.status, 2);
    assert.match(r2.stderr, /bogus/);
    const r3 = spawnSync(process.execPath, [cli, "--agents", "6", "--jobs", "3", "--open-jobs", "1.5"], { encoding: "utf8" });
    assert.equal(r3.status, 2);
    assert.match(r3.stderr, /--open-jobs must be a share between 0 and 1, got 1.5/);
    await assert.rejects(runSwarm({ agents: 6, jobs: 3, openJobs: -0.1, deployments: { chainId: 1, contracts: {} } }), /openJobs must be a share between 0 and 1, got -0.1/);
    await assert.rejects(runSwarm({ agents: 6, jobs: 3, dayMs: -1, deployments: { chainId: 1, contracts: {} } }), /dayMs must be a non-negative number of milliseconds, got -1/);
    const r4 = spawnSync(process.execPath, [cli, "--agents", "6", "--jobs", "3", "--day-seconds", "soon"], { encoding: "utf8" });
    assert.equal(r4.status, 2);
    assert.match(r4.stderr, /--day-seconds must be an integer ≥ 0, got "soon"/);
  });
});

describe("leaving", () => {
  test("a refusal repeated by one agent is shown once a minute, with the count left out", () => {
    let t = 0;
    const show = repeatFilter(60_000, () => t);
    const key = (m: string) => `requester-5:refused:${messageKind(m)}`;
    const over = (n: number) => `fill of 0x${n.toString(16)}ab: ${n}.5 COMPUTE would make 1000${n}.25 COMPUTE this hour, over 1000000 COMPUTE`;
    assert.equal(show(key(over(1))), 0, "the first is shown");
    for (let i = 2; i <= 40; i++) {
      t += 1_000;
      assert.equal(show(key(over(i))), undefined, "the same reason within the minute is left out");
    }
    assert.equal(show(key("accept: the job's spec is not work this provider does")), 0, "another reason is shown");
    assert.equal(show("requester-6:refused:" + messageKind(over(3))), 0, "another agent's is shown");
    t = 60_000;
    assert.equal(show(key(over(99))), 39, "a minute later it is shown again, with the 39 left out");
    t += 1;
    assert.equal(show(key(over(7))), undefined);
  });

  test("the votes a swarm's validators owe: open rounds of any job, in time, not yet voted", () => {
    const job = (id: bigint, o: Partial<JobView>): JobView => ({ id, requester: 1n, provider: 2n, value: 1n, specHash: "0x", status: Status.Submitted, deadline: 1_000n, votes: new Map(), challenged: false, burned: 0n, committee: [7n, 8n, 9n], committeeKind: 1, ...o });
    const jobs = [
      job(1n, {}), // 7, 8 owe (9 not ours)
      job(2n, { votes: new Map([[7n, true]]) }), // 8 owes
      job(3n, { status: Status.Validated }), // decided
      job(4n, { deadline: 500n }), // window over: finalize's
      job(5n, { status: Status.Disputed, committeeKind: 1 }), // first round closed, escalation not drawn
      job(6n, { status: Status.Disputed, committeeKind: 2, committee: [8n] }), // 8 owes
      job(7n, { committee: undefined }), // not drawn
    ];
    const view = { time: 900n, committeeJobs: (id: bigint) => jobs.filter((j) => j.committee?.includes(id) || id === 7n) };
    assert.equal(owedVotes(view, [7n, 8n]), 4);
    assert.equal(owedVotes(view, [7n]), 1);
    assert.equal(owedVotes(view, []), 0);
    assert.equal(owedVotes({ ...view, time: 2_000n }, [7n, 8n]), 0);
  });
});

describe("swarm on a real chain", () => {
  let chain: TestChain;
  let llm: OpenAiTestServer;
  const run = (o: Omit<SwarmOptions, "rpcUrl" | "deployments">) => runSwarm({ rpcUrl: chain.url, deployments: chain.deployments, log: () => {}, timeoutMs: 150_000, ...o });
  /** The later of the wall clock and the chain's (which earlier swarms advanced), in unix seconds. */
  async function laterNow(client: UbcClient): Promise<bigint> {
    const chainNow = (await client.public.getBlock()).timestamp;
    const wallNow = BigInt(Math.floor(Date.now() / 1000));
    return chainNow > wallNow ? chainNow : wallNow;
  }
  /**
   * `post` asked again every 100 ms, 80 times at most, while the board answers 404: it knows an
   * agent once the indexer has seen its registration. Undefined if it never took it.
   */
  async function whenKnown<T>(post: () => Promise<T>): Promise<T | undefined> {
    for (let i = 0; i < 80; i++) {
      const taken = await post().catch((e: unknown) => {
        if (e instanceof ApiError && e.status === 404) return undefined;
        throw e;
      });
      if (taken !== undefined) return taken;
      await new Promise((r) => setTimeout(r, 100));
    }
    return undefined;
  }
  /**
   * Signs `client` in to the board at `url` and posts a request for quotes of `units` sha256-iter
   * units at most 80 COMPUTE each, expiring an hour after `laterNow`. Returns the API client and
   * the request.
   */
  async function askForQuotes(url: string, client: UbcClient, agentId: bigint, units: bigint) {
    const api = new ApiClient(url);
    await api.login(client);
    const rfq = { requesterAgentId: agentId, resourceKind: KIND_HASH["sha256-iter"], units, maxUnitPrice: 80n * E18, expiry: (await laterNow(client)) + 3_600n };
    const rfqId = await whenKnown(() => api.postRfq(rfq));
    assert.ok(rfqId, "the board took the request for quotes");
    return { api, rfq, rfqId };
  }
  /**
   * A continuous 6-agent swarm trading on a fresh indexer's board (its own schema) while `body`
   * runs, as an outsider beside npm start's swarm would find it; stopped afterwards.
   */
  async function withBoardSwarm(schema: string, seed: number, body: (svc: Awaited<ReturnType<typeof startService>>) => Promise<void>): Promise<void> {
    const svc = await startService({ rpcUrl: chain.url, deployments: chain.deployments, artifactsDir: ARTIFACTS, port: 0, finalityDepth: 1, pollIntervalMs: 20, databaseSchema: schema });
    const stop = new AbortController();
    let ready!: () => void;
    const up = new Promise<void>((r) => (ready = r));
    const swarm = run({ agents: 6, jobs: 1, continuous: true, seed, indexerUrl: svc.api.url, signal: stop.signal, onReady: () => ready() });
    swarm.catch(() => ready());
    try {
      await svc.caughtUp;
      await up;
      await body(svc);
    } finally {
      stop.abort();
      await swarm.catch(() => undefined);
      await svc.stop();
    }
  }

  before(async () => {
    chain = await startChain();
    llm = await startOpenAiServer({ apiKey: "local-test-key" });
  });
  after(async () => {
    await llm?.close();
    await chain?.stop();
  });

  test("6 honest agents trade 12 jobs end to end: every job settles with the provider paid", async () => {
    let ready = 0;
    // specs over HTTP: every provider fetches its job's spec from the requester's endpoint (named
    // in the requester's agent card on-chain), as agents in separate processes do
    const { summary, jobs } = await run({ agents: 6, jobs: 12, seed: baseSeed, onReady: () => ready++, specsOverHttp: true });
    console.log(formatSummary(summary));
    assert.equal(ready, 1);
    assert.equal(summary.specsFetched, 12);
    assert.equal(summary.jobsCreated, 12);
    assert.equal(summary.producerWins, 12);
    assert.equal(summary.failedHonest, 0);
    assert.equal(summary.reverted, 0);
    assert.ok(jobs.every((j) => j.status === Status.Settled && j.producerWins));
    // money adds up: requesters paid price + 1% protocol fee + 0.5% validation fee, providers got the price
    const paid = jobs.reduce((s, j) => s + j.value, 0n);
    assert.equal(summary.computePaid, paid);
    const trading = (role: string) => summary.perAgent.filter((a) => a.roles.includes(role)).reduce((s, a) => s + a.trading, 0n);
    assert.equal(trading("requester"), -(paid + (paid * 150n) / 10_000n));
    assert.equal(trading("provider"), paid);
    assert.ok(trading("validator") > 0n && trading("validator") <= (paid * 50n) / 10_000n);
    assert.ok(summary.burned > 0n && summary.burned <= (paid * 100n) / 10_000n);
    // everyone rated each other after settlement (a provider right after its own settlement was
    // mined, a requester once it saw the job settled): one rating from each side per job
    const client = createPublicClient({ transport: http(chain.url) }) as PublicClient;
    const ratings = await client.getContractEvents({ address: chain.deployments.contracts.ReputationRegistry.address as Address, abi: ABIS.ReputationRegistry, eventName: "NewFeedback", fromBlock: 0n });
    for (const j of jobs) {
      const of = ratings.filter((r) => (r.args as { jobId: bigint }).jobId === j.id).map((r) => r.args as { agentId: bigint; fromAgentId: bigint });
      assert.equal(of.length, 2, `job ${j.id}: ratings`);
      assert.ok(of.some((r) => r.agentId === j.requester && r.fromAgentId === j.provider), `job ${j.id}: the provider rated the requester`);
      assert.ok(of.some((r) => r.agentId === j.provider && r.fromAgentId === j.requester), `job ${j.id}: the requester rated the provider`);
    }
    // and staked UBC earned COMPUTE along the way
    assert.ok(summary.perAgent.every((a) => a.stakingRewards > 0n));
  });

  test("a paced clock (dayMs): a continuous swarm trades in waves, settling each after a jump, and the chain's time moves on by at most a day per dayMs", async () => {
    const client = createPublicClient({ transport: http(chain.url) });
    const stop = new AbortController();
    const dayMs = 5_000;
    let settledTrading = 0;
    let ready!: () => void;
    const up = new Promise<void>((r) => (ready = r));
    const swarm = run({ agents: 6, jobs: 1, continuous: true, dayMs, seed: baseSeed + 31, signal: stop.signal, onReady: () => ready(), onProgress: (p) => (settledTrading = p.settled) });
    swarm.catch(() => ready());
    await up;
    const startChainTime = (await client.getBlock()).timestamp;
    const startWall = Date.now();
    await new Promise((r) => setTimeout(r, 16_000));
    const tradedMs = Date.now() - startWall;
    const movedSeconds = Number((await client.getBlock()).timestamp - startChainTime);
    const settledByThen = settledTrading;
    stop.abort();
    const { summary, jobs, agents } = await swarm;
    // an agent steps over the jobs it still has something to do with: those it is done with
    // (settled and rated) leave its list, so a swarm trading for days does not slow down with them
    const settled = new Set(jobs.filter((j) => j.status === Status.Settled).map((j) => j.id));
    let listed = 0;
    for (const a of agents) for (const j of a.view.jobsOf(a.agentId)) if (settled.has(j.id)) listed++;
    console.log(`      settled jobs still in a party's list: ${listed} of ${2 * settled.size} (requester and provider each); the view holds ${jobs.length} of the swarm's ${summary.jobsCreated} jobs (it forgets those that ended 256 blocks ago and that its agents are done with)`);
    assert.ok(summary.producerWins >= 2, `${summary.producerWins} jobs settled paid`);
    assert.ok(listed < Math.max(1, settled.size), `settled jobs left in the parties' lists: ${listed} of ${2 * settled.size}`);
    assert.ok(jobs.length <= summary.jobsCreated);
    console.log(`      a day per ${dayMs / 1000} s: the chain moved ${(movedSeconds / 86_400).toFixed(2)} days in ${(tradedMs / 1000).toFixed(1)} s of trading, ${settledByThen} jobs settled by then; ${summary.timeWarps} jumps in all, ${jobs.length} jobs`);
    // a jump per dayMs at most, each a day (and a little more: its wave's deadlines span the chain
    // time its blocks took, a second each), plus the blocks' seconds
    const allowed = (Math.floor(tradedMs / dayMs) + 1) * (86_400 + 3_600) + 3_600;
    assert.ok(movedSeconds <= allowed, `the chain moved ${movedSeconds} s in ${tradedMs} ms of trading (at most ${allowed} s allowed)`);
    // unpaced, agents that never pause leave every job waiting for its challenge window until the
    // swarm stops; paced, the waves settle while it trades
    assert.ok(settledByThen >= 2, `${settledByThen} jobs settled while trading`);
    assert.ok(movedSeconds >= 2 * 86_400, `at least two waves' jumps (${movedSeconds} s)`);
    assert.equal(summary.failedHonest, 0);
    assert.ok(jobs.every((j) => j.status === Status.Settled && j.producerWins), "every job settled paid (the last wave when the swarm stopped)");
  });

  test("a devnet's requester (pace, topUp): starts with an hour's limit, spends at the even pace, and its owner tops up its credit as it runs low", async () => {
    const client = createPublicClient({ transport: http(chain.url) });
    const stop = new AbortController();
    let ready!: () => void;
    const up = new Promise<void>((r) => (ready = r));
    const lines: string[] = [];
    // 4,000 COMPUTE an hour: a first funding of 4,000, a pace of ~1.1 a second after a first job's
    // cap (5,000), so the first jobs spend the credit down and the owner tops it up
    const hourly = 4_000n * E18;
    const swarm = run({
      agents: 6, jobs: 1, continuous: true, seed: baseSeed + 41, signal: stop.signal, onReady: () => ready(), log: (l) => lines.push(l),
      limits: { spendPerHour: hourly, pace: true }, topUp: { everyMs: 500 },
    });
    swarm.catch(() => ready());
    await up;
    const deadline = Date.now() + 30_000;
    while (!lines.some((l) => l.includes("its owner topped it up")) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    stop.abort();
    const { summary, agents } = await swarm;
    console.log(`      ${summary.topUps} top-ups, ${summary.jobsCreated} jobs (${summary.producerWins} paid); ${lines.find((l) => l.includes("topped it up"))}`);
    assert.ok(summary.topUps >= 1, `no top-up in 30 s:\n${lines.slice(-20).join("\n")}`);
    const requester = agents.find((a) => a.name.startsWith("requester-"))!;
    // what it committed stays within the hour's limit and the pace's first allowance
    assert.ok(requester.guard.total <= 5_000n * E18 + hourly / 100n, `committed ${requester.guard.total / E18} COMPUTE`);
    const credit = (await client.readContract({ address: chain.deployments.contracts.WorkMarket.address as Hex, abi: ABIS.WorkMarket, functionName: "credits", args: [requester.agentId] })) as bigint;
    assert.ok(credit >= hourly / 4n, `credit after the top-up: ${credit / E18} COMPUTE`);
    assert.equal(summary.failedHonest, 0);
  });

  test("standing validators (validatorKeys): the swarm runs validators staked before it, which vote on their committees and stay bonded when it leaves; a key that is no validator is refused first", async () => {
        const keys = [devKey(14), devKey(15)];
    const validatorIds: bigint[] = [];
    for (const k of keys) {
      const v = new UbcClient({ rpcUrl: chain.url, account: k, deployments: chain.deployments });
      const [minStake] = (await v.read("ValidatorPool", "params")) as readonly [bigint];
      await (await chain.contract("UBCToken").transfer(v.address, minStake)).wait();
      const agentId = await v.registerAgent("ipfs://standing-validator", ROLES.VALIDATOR);
      validatorIds.push(await v.stakeValidator(agentId, minStake));
    }
    const notValidator = new ethers.Wallet(devKey(16)).address;
    await assert.rejects(run({ agents: 6, jobs: 2, validatorKeys: [devKey(16)] }), new RegExp(`validatorKeys: ${notValidator} is not a validator`));
    const { summary, jobs, agents } = await run({ agents: 6, jobs: 12, seed: baseSeed + 37, validatorKeys: keys });
    console.log(formatSummary(summary));
    assert.equal(summary.failedHonest, 0);
    assert.equal(summary.perAgent.filter((a) => a.name.startsWith("standing-validator-")).length, 2);
    // every first round was decided by its committee's votes (2 of 3), none by its deadline: with
    // 5 validators, 3 in 10 committees hold both standing ones, which must have voted
    for (const j of jobs) assert.ok(j.votes.size >= 2, `job ${j.id}: ${j.votes.size} votes (committee ${j.committee?.join(",")})`);
    const standingVotes = jobs.reduce((n, j) => n + validatorIds.filter((id) => j.votes.has(id)).length, 0);
    assert.ok(standingVotes > 0, "the standing validators voted");
    assert.ok(agents.filter((a) => a.name.startsWith("standing-validator-")).every((a) => a.tx.stats.sent > 0));
    // still bonded and active after the swarm left (the swarm's own validators unbond)
    const reader = new UbcClient({ rpcUrl: chain.url, account: keys[0], deployments: chain.deployments });
    for (const id of validatorIds) {
      const v = (await reader.read("ValidatorPool", "getValidator", [id])) as { active: boolean; unbondAt: number };
      assert.equal(v.active, true, `standing validator ${id} still active`);
      assert.equal(v.unbondAt, 0, `standing validator ${id} not unbonding`);
    }
    // (they stay in the pool: later tests' committees may draw them, and nobody runs them then;
    // they unbond here so that those tests' jobs are not held up)
    for (const k of keys) await new UbcClient({ rpcUrl: chain.url, account: k, deployments: chain.deployments }).requestUnbond();
  });

  test("open jobs: requesters place half their jobs with createJob, providers accept them by turns, every job settles paid", async () => {
    const { summary, jobs } = await run({ agents: 9, jobs: 16, seed: baseSeed + 5, openJobs: 0.5 });
    console.log(formatSummary(summary));
    const open = jobs.filter((j) => j.resourceKind === undefined);
    assert.ok(open.length >= 3, `jobs placed open: ${open.length} of ${jobs.length}`);
    assert.equal(summary.openJobs, open.length);
    assert.equal(summary.openAccepted, open.length, "every open job was accepted by a provider");
    assert.equal(summary.failedHonest, 0);
    assert.equal(summary.producerWins, 16);
    for (const j of open) {
      assert.ok(j.status === Status.Settled && j.producerWins, `open job ${j.id}: status ${j.status}`);
      assert.notEqual(j.provider, j.requester);
      // the provider's price per unit covered its cost (honest providers' cost: 40–60 COMPUTE a unit)
      assert.ok(j.value >= 100n * 10n ** 18n, `open job ${j.id} of ${j.value}`);
    }
    // providers take turns: at most a few lose the race to accept the same job (a reverted accept each)
    assert.ok(summary.reverted <= open.length, `${summary.reverted} reverted transactions for ${open.length} open jobs`);
  });

  test("a spec reaches a provider in another process: the requester's card names its endpoint, the body must hash to the job's spec hash", async () => {
    const spec: ShaSpec = { kind: "sha256-iter", input: `0x${"ab".repeat(32)}`, iterations: 500, salt: `cross-process-${baseSeed}` };
    // the requester's side in a child process: a SpecServer with the spec, printing its URL
    const specsModule = fileURLToPath(new URL("../runtime/specs.ts", import.meta.url));
    const child = spawn(process.execPath, ["--input-type=module", "-e", `
      const { SpecServer } = await import(${JSON.stringify(specsModule)});
      const s = new SpecServer();
      const url = await s.listen();
      s.put(${JSON.stringify(spec)});
      process.stdout.write(url + "\\n");
      setInterval(() => {}, 1000);
    `], { stdio: ["ignore", "pipe", "inherit"] });
    const tampering = createServer((_req, res) => res.end(canonical({ ...spec, iterations: 1 })));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout!.once("data", (d: Buffer) => resolve(d.toString().trim()));
        child.once("exit", (code) => reject(new Error(`spec server exited with ${code}`)));
      });
      await new Promise<void>((r) => tampering.listen(0, "127.0.0.1", r));
      const tamperUrl = `http://127.0.0.1:${(tampering.address() as AddressInfo).port}/`;
      const client = createPublicClient({ transport: http(chain.url) }) as PublicClient;
      const registry = chain.deployments.contracts.AgentRegistry.address as Address;
      // three requesters registered on-chain: one naming the child's endpoint, one a tampering server, one none
      const signers = [7, 8, 9].map((i) => chain.signers[i]);
      const ids: bigint[] = [];
      for (const [i, card] of [agentCard({ name: "remote requester", specs: url }), agentCard({ name: "tamperer", specs: tamperUrl }), agentCard({ name: "no endpoint" })].entries()) {
        const reg = chain.contract("AgentRegistry", signers[i]);
        await (await reg.register(card, 2)).wait();
        ids.push(BigInt(await reg.agentOfWallet(await signers[i].getAddress())));
      }
      const resolver = new SpecResolver(client, registry);
      const got = await resolver.get(specHash(spec), ids[0]);
      assert.deepEqual(got, spec);
      assert.equal(resolver.fetched, 1);
      await assert.rejects(resolver.get(specHash({ ...spec, salt: "unknown" }), ids[0]), /HTTP 404.*no spec/);
      // (remoteOnly: the resolver keeps what it fetched, so ask the other requesters' endpoints afresh)
      await assert.rejects(resolver.get(specHash(spec), ids[1], { remoteOnly: true }), /hashes to 0x[0-9a-f]+, not to the job's spec hash.*refused/);
      await assert.rejects(resolver.get(specHash(spec), ids[2], { remoteOnly: true }), /names no spec endpoint/);
      // a requester without an endpoint: the public stores given, with the same checks
      const viaStore = new SpecResolver(client, registry, undefined, [tamperUrl, url]);
      assert.deepEqual(await viaStore.get(specHash(spec), ids[2]), spec, "the second store has it; the first's body was refused");
      await assert.rejects(new SpecResolver(client, registry, undefined, [tamperUrl]).get(specHash(spec), ids[2]), /names no spec endpoint.*hashes to 0x[0-9a-f]+, not to the job's spec hash.*refused/);
      await assert.rejects(resolver.get("0x1234" as Hex, ids[0]), /bad spec hash/);
      const bad = await fetch(`${url}not-a-hash`);
      assert.equal(bad.status, 400);
      assert.match(((await bad.json()) as { error: string }).error, /32 bytes of hex/);
    } finally {
      child.kill();
      tampering.close();
    }
  });

  test("the indexer's quote board: providers post signed quotes with SIWE, requesters find and fill them there", async () => {
    const svc = await startService({ rpcUrl: chain.url, deployments: chain.deployments, artifactsDir: ARTIFACTS, port: 0, finalityDepth: 1, pollIntervalMs: 20, databaseSchema: "agents_board" });
    try {
      await svc.caughtUp;
      const { summary, jobs } = await run({ agents: 6, jobs: 6, seed: baseSeed + 3, indexerUrl: svc.api.url });
      console.log(formatSummary(summary));
      assert.equal(summary.failedHonest, 0);
      assert.equal(summary.producerWins, 6);
      // every filled quote came from the board: the board holds (or held) a quote with the job's provider and nonce
      const posted = await svc.db.query<{ provider_agent_id: string; nonce: string }>(`SELECT provider_agent_id::text, nonce::text FROM _quotes`);
      const onBoard = new Set(posted.map((r) => `${r.provider_agent_id}:${r.nonce}`));
      assert.ok(onBoard.size >= 6, `${onBoard.size} quotes posted`);
      for (const j of jobs) assert.ok(onBoard.has(`${j.provider}:${j.quoteNonce}`), `job ${j.id}'s quote (${j.provider}:${j.quoteNonce}) was not on the board`);
    } finally {
      await svc.stop();
    }
  });

  test("a request for quotes posted from outside the swarm is answered by a swarm provider: a quote reserved for that requester, within its price cap", async () => {
    await withBoardSwarm("agents_rfq", baseSeed + 23, async (svc) => {
      // the outsider, with the SDK: a requester agent, signed in to the board
      const key = ethers.HDNodeWallet.fromPhrase("test test test test test test test test test test test junk", undefined, "m/44'/60'/0'/0/12").privateKey as Hex;
      const client = new UbcClient({ rpcUrl: chain.url, account: key, deployments: chain.deployments });
      const agentId = await client.registerAgent(agentCard({ name: "asks for quotes" }), ROLES.REQUESTER);
      const { api, rfq, rfqId } = await askForQuotes(svc.api.url, client, agentId, 3n);
      assert.ok((await api.openRfqs(rfq.resourceKind)).some((r) => r.id === rfqId && r.units === 3n && r.maxUnitPrice === 80n * E18), "the request is on the board");
      // a swarm provider answers it (providers look every 2 s): a quote for this requester only
      let answer: Awaited<ReturnType<ApiClient["bestQuotes"]>>[number] | undefined;
      for (let i = 0; i < 100 && answer === undefined; i++) {
        answer = (await api.bestQuotes(rfq.resourceKind, undefined, agentId, 100)).find((q) => q.requester === agentId);
        if (answer === undefined) await new Promise((r) => setTimeout(r, 100));
      }
      assert.ok(answer, "a quote reserved for the requester is on the board");
      assert.equal(answer.units, 3n);
      assert.ok(answer.unitPrice <= 80n * E18 && answer.unitPrice >= 40n * E18, `within the cap and over the provider's cost: ${answer.unitPrice}`);
      // only the requester it answers may fill it
      const other = (await api.bestQuotes(rfq.resourceKind, undefined, 999_999n, 100)).find((q) => q.id === answer!.id);
      assert.equal(other, undefined, "another requester does not see it");
    });
  });

  test("a provider outside the swarm sold a job to a swarm requester through the board: the clock keeper waits for its delivery instead of passing the deadline", async () => {
    const svc = await startService({ rpcUrl: chain.url, deployments: chain.deployments, artifactsDir: ARTIFACTS, port: 0, finalityDepth: 1, pollIntervalMs: 20, databaseSchema: "agents_outsider" });
    const stop = new AbortController();
    let swarm: ReturnType<typeof run> | undefined;
    try {
      await svc.caughtUp;
      // the outsider, with the SDK: a provider agent with market credit for its deposit, quoting
      // the cheapest sha256-iter work on the board (21 COMPUTE a unit; the swarm's providers' cost is 40)
      const key = devKey(13);
      const client = new UbcClient({ rpcUrl: chain.url, account: key, deployments: chain.deployments });
      await (await chain.contract("ComputeToken", chain.signers[0]).transfer(client.address, 1_000n * E18)).wait();
      const agentId = await client.registerAgent(agentCard({ name: "a slow provider" }), ROLES.PROVIDER);
      await client.deposit(agentId, 500n * E18);
      const api = new ApiClient(svc.api.url);
      await api.login(client);
      const quote = { providerAgentId: agentId, resourceKind: KIND_HASH["sha256-iter"], units: 5n, unitPrice: 21n * E18, expiry: (await laterNow(client)) + 6n * 3_600n, nonce: 0n, requester: 0n, deliveryPeriod: 3_600n };
      const signature = await client.signQuote(quote);
      const posted = await whenKnown(() => api.postQuote(quote, signature));
      assert.ok(posted, "the board took the quote");
      // a swarm with one job to buy: its requester fills the cheapest quote, the outsider's, and
      // then nothing of the swarm's own is left to do but wait for that delivery
      const startBlock = await chain.provider.getBlockNumber();
      swarm = run({ agents: 6, jobs: 1, seed: baseSeed + 25, indexerUrl: svc.api.url, signal: stop.signal });
      swarm.catch(() => undefined);
      const market = chain.contract("WorkMarket");
      let jobId: bigint | undefined;
      for (let i = 0; i < 300 && jobId === undefined; i++) {
        const filled = await chain.provider.getLogs({ address: await market.getAddress(), fromBlock: startBlock, topics: [market.interface.getEvent("JobCreated")!.topicHash] });
        for (const l of filled) {
          const id = BigInt(l.topics[1]);
          if (((await market.getJob(id)) as { providerAgentId: bigint }).providerAgentId === agentId) jobId = id;
        }
        if (jobId === undefined) await new Promise((r) => setTimeout(r, 100));
      }
      assert.ok(jobId !== undefined, "the swarm's requester filled the outsider's quote");
      // the outsider takes its time (a model's answer, say): 8 s in which the swarm's own agents are
      // idle; the keeper used to jump past the job's delivery deadline in about a second, and the
      // late delivery reverted with DeadlinePassed
      await new Promise((r) => setTimeout(r, 8_000));
      const before = (await market.getJob(jobId)) as { status: bigint; deadline: bigint };
      assert.equal(before.status, BigInt(Status.Accepted), `job ${jobId} waits for the outsider's delivery`);
      const now = (await client.public.getBlock()).timestamp;
      assert.ok(now < before.deadline, `the chain's clock (${now}) is still before the delivery deadline (${before.deadline})`);
      await client.submit(jobId, ethers.id("the outsider's late but timely result") as Hex, "");
      assert.equal(((await market.getJob(jobId)) as { status: bigint }).status, BigInt(Status.Submitted));
    } finally {
      stop.abort();
      await swarm?.catch(() => undefined);
      await svc.stop();
    }
  });

  test("a requester outside the swarm fills a board quote with a spec published on the indexer's spec store: the swarm's provider delivers it", async () => {
    await withBoardSwarm("agents_specstore", baseSeed + 21, async (svc) => {
      // the outsider: a requester agent whose card names no spec endpoint (as the web app registers)
      const signer = chain.signers[10];
      const me = await signer.getAddress();
      const client = new UbcClient({ rpcUrl: chain.url, account: devKey(10), deployments: chain.deployments });
      assert.equal(client.address, me);
      const agentId = await client.registerAgent(agentCard({ name: "web requester" }), ROLES.REQUESTER);
      const market = chain.contract("WorkMarket", signer);
      await (await chain.contract("ComputeToken", chain.signers[0]).transfer(me, 10_000n * E18)).wait();
      await (await chain.contract("ComputeToken", signer).approve(await market.getAddress(), 10_000n * E18)).wait();
      // a quote of a swarm provider from the board
      const gql = async <T>(query: string): Promise<T> => {
        const r = (await (await fetch(`${svc.api.url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query }) })).json()) as { data: T; errors?: unknown };
        assert.equal(r.errors, undefined, JSON.stringify(r.errors));
        return r.data;
      };
      type Q = { providerAgentId: string; resourceKind: string; units: string; unitPrice: string; expiry: string; nonce: string; requester: string; deliveryPeriod: string; signature: string };
      // a request for quotes, so that a quote reserved for the outsider is on the board within a
      // provider's look (2 s): the swarm's own requesters fill the open quotes as soon as they
      // appear, and on a loaded machine an outsider polling the board lost every race for 30 s
      await askForQuotes(svc.api.url, client, agentId, 2n);
      // the best quote on the board for this requester: an open one, or the one reserved for it (a
      // fill of an open one that lost the race to the swarm's requesters reverts, and the next best
      // quote is taken)
      let jobId: bigint | undefined;
      let spec: ShaSpec | undefined;
      for (let i = 0; i < 300 && jobId === undefined; i++) {
        const d = await gql<{ bestQuotes: Q[] }>(`{ bestQuotes(resourceKind: "${KIND_HASH["sha256-iter"]}", requesterAgentId: "${agentId}", first: 1) { providerAgentId resourceKind units unitPrice expiry nonce requester deliveryPeriod signature } }`);
        const q = d.bestQuotes[0];
        if (q === undefined) {
          await new Promise((r) => setTimeout(r, 100));
          continue;
        }
        // the spec, published on the store as canonical JSON text: its hash is the job's spec hash
        spec = { kind: "sha256-iter", input: "0x68656c6c6f", iterations: Number(q.units) * 250, salt: `outsider-${baseSeed}-${i}` };
        const posted = await fetch(`${svc.api.url}/specs`, { method: "POST", headers: { "content-type": "application/json" }, body: canonical(spec) });
        assert.equal(posted.status, 201);
        assert.equal(((await posted.json()) as { hash: string }).hash, specHash(spec));
        const quote = { providerAgentId: q.providerAgentId, resourceKind: q.resourceKind, units: q.units, unitPrice: q.unitPrice, expiry: q.expiry, nonce: q.nonce, requester: q.requester, deliveryPeriod: q.deliveryPeriod };
        const rc = await market.fillQuote(quote, q.signature, agentId, specHash(spec)).then((t: { wait(): Promise<{ logs: { topics: string[]; data: string }[] }> }) => t.wait(), () => undefined);
        if (rc === undefined) continue;
        const created = rc.logs.map((l) => { try { return market.interface.parseLog(l); } catch { return null; } }).find((e) => e?.name === "JobCreated");
        jobId = BigInt(created!.args.jobId);
      }
      assert.ok(jobId !== undefined && spec !== undefined, "a swarm provider's quote on the board was filled");
      // the swarm's provider fetches the spec from the store, does the work and submits; the
      // committee (the swarm's validators) re-executes it and approves
      const pool = chain.contract("ValidatorPool", signer);
      let status = 0n;
      let drawn = false;
      for (let i = 0; i < 600 && status !== BigInt(Status.Validated) && status !== BigInt(Status.Settled); i++) {
        await new Promise((r) => setTimeout(r, 100));
        const j = await market.getJob(jobId);
        status = BigInt(j.status);
        // the requester draws the committee once the seed block is mined (as an agent requester
        // would; if an agent of the swarm drew it first, the draw is refused and nothing changes)
        if (status === BigInt(Status.Submitted) && !drawn && i % 5 === 0) {
          drawn = await pool.drawCommittee(jobId).then((t: { wait(): Promise<unknown> }) => t.wait()).then(() => true, () => false);
        }
      }
      assert.ok(status === BigInt(Status.Validated) || status === BigInt(Status.Settled), `job ${jobId} ended in status ${status}`);
      const j = await market.getJob(jobId);
      assert.notEqual(j.status, BigInt(Status.Expired));
      const validated = (await chain.provider.getLogs({ address: await market.getAddress(), fromBlock: 0, topics: [market.interface.getEvent("JobValidated")!.topicHash, ethers.toBeHex(jobId, 32)] })).map((l) => market.interface.parseLog(l)!);
      assert.equal(validated.length, 1);
      assert.equal(validated[0].args.producerWins, true, "the committee approved the provider's work");
    });
  });

  test("two swarms on one chain, each advancing the clock (npm start's and npm run swarm's): neither expires or finalizes the other's jobs", async () => {
    // A trades continuously (as npm start's swarm); B starts once A is set up (both fund their
    // agents from the deployer's key) and trades a fixed number of jobs meanwhile
    const stopA = new AbortController();
    let readyA!: () => void;
    const aReady = new Promise<void>((r) => (readyA = r));
    const a = run({ agents: 6, jobs: 1, continuous: true, seed: baseSeed + 11, signal: stopA.signal, onReady: () => readyA() });
    a.catch(() => readyA());
    await aReady;
    let b: Awaited<ReturnType<typeof run>>;
    try {
      b = await run({ agents: 8, jobs: 24, seed: baseSeed + 12 });
    } finally {
      stopA.abort();
    }
    const ra = await a;
    console.log(formatSummary({ ...b.summary, perAgent: [] }));
    console.log(formatSummary({ ...ra.summary, perAgent: [] }));
    assert.equal(b.summary.producerWins, 24, `seed ${baseSeed + 12}`);
    assert.equal(b.summary.failedHonest, 0);
    assert.equal(b.summary.expired, 0);
    assert.ok(b.summary.timeWarps > 0 || ra.summary.timeWarps > 0, "the clock was advanced");
    // A stopped with jobs in flight (not failures of the keeper); none of its jobs expired, and
    // every one of its jobs that got a verdict got it from its committee's votes
    assert.ok(ra.summary.producerWins > 0, `seed ${baseSeed + 11}`);
    assert.equal(ra.summary.expired, 0, `seed ${baseSeed + 11}`);
    for (const j of [...ra.jobs, ...b.jobs]) {
      if (j.status === Status.Validated || j.status === Status.Settled) assert.ok(j.votes.size > 0, `job ${j.id} decided without votes: committee ${j.committee?.join(",")} kind ${j.committeeKind}`);
    }
    // B's validators, drawn into A's committees, cast those votes before B left (and A's before A left)
    for (const s of [b.summary, ra.summary]) assert.deepEqual(s.errors.filter((e) => /votes not cast/.test(e)), []);
  });

  test("adversaries (non-delivery, wrong results, colluding validators, unpublished or oversized specs) lose; honest agents never lose more than the rules allow", async () => {
    const { summary, jobs, agents } = await run({ agents: 20, jobs: 30, adversarial: true, seed: baseSeed + 1 });
    console.log(formatSummary(summary));
    const byId = new Map(agents.map((a) => [a.agentId, a]));
    const honest = (id: bigint) => byId.get(id)?.behaviour === "honest";
    assert.equal(summary.failedHonest, 0);
    // every job with an honest provider was paid; every job of a lazy provider expired; every cheat
    // was rejected; every job of the ghost requester (its spec published nowhere) or of the greedy
    // one (its spec asks 10× the units paid for) that a provider looked at was declined, with the
    // provider's whole deposit back
    const ghost = summary.perAgent.find((a) => a.behaviour === "ghost")!;
    const greedy = summary.perAgent.find((a) => a.behaviour === "greedy")!;
    for (const j of jobs) {
      const p = byId.get(j.provider)!;
      if (j.requester === ghost.agentId || j.requester === greedy.agentId) {
        const who = j.requester === ghost.agentId ? "ghost" : "greedy requester";
        if (p.behaviour === "lazy") assert.equal(j.status, Status.Expired, `job ${j.id} of the ${who} with the lazy provider`);
        else {
          assert.equal(j.status, Status.Declined, `job ${j.id} of the ${who} (provider ${p.behaviour})`);
          assert.equal(j.declined!.providerRefund, (j.value * 200n) / 10_000n, `job ${j.id}: the provider's deposit back`);
        }
        continue;
      }
      if (p.behaviour === "honest") assert.ok(j.status === Status.Settled && j.producerWins, `job ${j.id} of an honest provider`);
      if (p.behaviour === "lazy") assert.equal(j.status, Status.Expired, `job ${j.id} of the lazy provider`);
      if (p.behaviour === "cheater") assert.ok(j.status === Status.Settled && j.producerWins === false, `job ${j.id} of the cheater: status ${j.status}`);
    }
    for (const a of summary.perAgent) {
      if (a.behaviour !== "honest") continue;
      if (a.roles.includes("provider")) assert.ok(a.trading >= 0n, `${a.name} lost ${a.trading}`);
      if (a.roles.includes("validator")) assert.equal(a.slashedUbc, 0n, `${a.name} was slashed`);
      if (a.roles.includes("requester")) {
        // at most the price of the work it received plus 1.5% fees; bad providers only ever pay it
        const bought = jobs.filter((j) => j.requester === a.agentId && j.producerWins && honest(j.provider)).reduce((s, j) => s + j.value, 0n);
        assert.ok(-a.trading <= bought + (bought * 150n) / 10_000n, `${a.name}: lost ${-a.trading}, bought ${bought}`);
      }
    }
    // an honest requester whose job failed (a lazy or cheating provider) placed its demand again
    // with another provider: every honest requester got all the jobs it wanted done and paid
    const honestFailed = jobs.filter((j) => honest(j.requester) && !(j.status === Status.Settled && j.producerWins));
    assert.ok(honestFailed.length > 0, "an adversary failed an honest requester (the seed gives the retries something to do)");
    assert.equal(summary.retried, honestFailed.length, "each failed job of an honest requester was placed again once");
    for (const a of summary.perAgent) {
      if (a.behaviour !== "honest" || !a.roles.includes("requester")) continue;
      assert.equal(a.jobsPaid, a.jobsWanted, `${a.name}: jobs paid of those wanted`);
    }
    assert.equal(summary.unplaced, 0);
    assert.ok(jobs.some((j) => j.requester === ghost.agentId && j.status === Status.Declined), "the ghost filled a quote that was declined");
    assert.ok(jobs.some((j) => j.requester === greedy.agentId && j.status === Status.Declined), "the greedy requester filled a quote that was declined");
    assert.equal(summary.declined, jobs.filter((j) => j.status === Status.Declined).length);
    const lazy = summary.perAgent.find((a) => a.behaviour === "lazy")!;
    const cheater = summary.perAgent.find((a) => a.behaviour === "cheater")!;
    if (jobs.some((j) => j.provider === lazy.agentId)) assert.ok(lazy.trading < 0n, "the lazy provider lost its deposits");
    if (jobs.some((j) => j.provider === cheater.agentId)) assert.ok(cheater.trading < 0n, "the cheater lost its deposits");
    // a colluder that voted on the losing side of a decided dispute was slashed; no honest validator was
    const colluderIds = agents.filter((a) => a.behaviour === "colluder").map((a) => a.validatorId!);
    for (const j of jobs) {
      if (j.committeeKind !== 2 || j.status !== Status.Settled) continue;
      for (const [vid, vote] of j.votes) if (vote !== j.producerWins) assert.ok(colluderIds.includes(vid), `validator ${vid} voted against the verdict of job ${j.id}`);
    }
    assert.equal(summary.slashedUbc, summary.perAgent.filter((a) => a.behaviour === "colluder").reduce((s, a) => s + a.slashedUbc, 0n));
  });

  test("LLM-driven agents and model jobs: refused answers are never executed, the rest trades", async () => {
    const before = { ...served };
    const { summary, jobs, agents } = await run({
      agents: 8, jobs: 10, seed: baseSeed + 2, llm: { apiKey: "local-test-key", baseURL: llm.url, model: "local-test-model" }, llmAgents: 3, modelShare: 1, modelOnly: true,
    });
    console.log(formatSummary(summary));
    const llmAgents = agents.filter((a) => a.policy.name === "llm");
    assert.equal(llmAgents.length, 3);
    const refusals = llmAgents.flatMap((a) => (a.policy as import("../runtime/llm.ts").LlmPolicy).refusals);
    assert.ok(served.malformed > before.malformed && served.outOfLimits > before.outOfLimits, "the server gave bad answers");
    assert.ok(refusals.length >= served.malformed - before.malformed, `${refusals.length} refusals`);
    assert.ok(refusals.some((r) => /schema|not JSON/.test(r.reason)) && refusals.some((r) => /floor|not among/.test(r.reason)));
    // nothing out of limits reached the chain: every filled quote is priced within [floor, cap]
    for (const j of jobs) {
      const kind = j.resourceKind === KIND_HASH["llm-text"] ? "llm-text" : "sha256-iter";
      assert.ok(j.unitPrice! >= DEFAULT_LIMITS.minUnitPrice[kind]! && j.unitPrice! <= DEFAULT_LIMITS.maxUnitPrice[kind]!, `job ${j.id} at ${j.unitPrice}`);
      assert.ok(j.value >= 100n * E18);
    }
    assert.equal(summary.failedHonest, 0);
    assert.ok(summary.producerWins >= 1, "some jobs were traded");
    assert.ok(jobs.some((j) => j.resourceKind === KIND_HASH["llm-text"] && j.producerWins), "a model job was delivered, judged and paid");
    assert.ok(served.text > before.text);
  });
});
