// The full-system test: the whole economy started the way `npm start` starts it (scripts/start.ts,
// on free random ports, a temporary DATA_DIR, the indexer on PGlite), with the web app and a
// small swarm of agents trading. Once the swarm has settled jobs of its own:
//   - the indexer's totals (GraphQL) equal the contracts' reads at the block the indexer is at;
//   - an integrator's open job is taken by the swarm; `npm run agent` with the test wallet's key
//     buys two jobs from the swarm's providers and exits with its report;
//   - the web app in headless Chromium lists the settled jobs on the market page, and the overview
//     shows the burned total and draws its charts from data;
//   - Ctrl-C (SIGINT) stops everything: every process of the tree is gone, every port closed.
//
// The web app is served from the e2e suite's build (web/.next-e2e, NEXT_DIST_DIR): `npm test` runs
// this file after the web app's e2e suite (`npm run test:system`), so `next build` runs once; run
// alone, `npm start` builds the app into that folder first (a few minutes on two cores).
import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Contract, Interface, JsonRpcProvider, id } from "ethers";
import type { Browser } from "playwright-core";
import { freePort, startProcess, stopProcess } from "../scripts/lib/processes.ts";
import { loadAbis } from "../scripts/devnet/seed.ts";
import { devAccount, ROLES } from "../scripts/devnet/accounts.ts";
import { graphql, indexedBlock, ROOT, startDevnet, stopAndCheck, waitIndexed, type Devnet } from "./helpers/devnet.ts";

/** Jobs the swarm must settle (beyond the seed's three) before the checks. */
const SWARM_SETTLED = 4;
const SEEDED_SETTLED = 3;
/** IWorkMarket.Status.Settled */
const SETTLED = 9n;

interface Totals {
  computeTotalSupply: string;
  computeTotalMinted: string;
  computeTotalBurned: string;
  totalStaked: string;
  positionCount: number;
  agentCount: number;
  jobCount: number;
  jobsSettled: number;
  marketVolume: string;
  marketBurned: string;
  protocolFees: string;
  validationFees: string;
  treasuryPaid: string;
  activeValidatorCount: number;
  validatorStake: string;
}
const TOTALS = Object.keys({
  computeTotalSupply: 0, computeTotalMinted: 0, computeTotalBurned: 0, totalStaked: 0, positionCount: 0, agentCount: 0, jobCount: 0, jobsSettled: 0,
  marketVolume: 0, marketBurned: 0, protocolFees: 0, validationFees: 0, treasuryPaid: 0, activeValidatorCount: 0, validatorStake: 0,
} satisfies Record<keyof Totals, 0>).join(" ");

describe("full system: npm start with the web app and a swarm", function () {
  // ~2 minutes with the web app built; a `next build` first adds a few minutes on a loaded machine
  this.timeout(900_000);
  let devnet: Devnet | undefined;
  let browser: Browser | undefined;
  let provider: JsonRpcProvider | undefined;
  let dir = "";

  after(async () => {
    await browser?.close().catch(() => undefined);
    provider?.destroy();
    if (devnet) await stopProcess(devnet.p);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("the swarm settles jobs; the indexer's totals equal the contracts' reads; the web app shows the jobs, the burned total and charts; SIGINT leaves nothing behind", async function () {
    // imported here, not at the top: `hardhat test` loads this file with every other one (and
    // leaves this test out), and the harness installs exit handlers when it is imported
    const { CHROMIUM, CHROMIUM_FLAGS, DIST_DIR, ensureChromium } = await import("../web/e2e/harness.ts");
    const { chromium } = await import("playwright-core");
    ensureChromium((l) => console.log(`      ${l}`));
    const [rpcPort, indexerPort, webPort] = [await freePort(), await freePort(), await freePort()];
    dir = mkdtempSync(join(tmpdir(), "ubc-system-"));
    devnet = await startDevnet({
      RPC_PORT: String(rpcPort),
      INDEXER_PORT: String(indexerPort),
      WEB_PORT: String(webPort),
      DATA_DIR: join(dir, "data"),
      DEPLOYMENTS_DIR: dir,
      DATABASE_URL: "", // the indexer on PGlite under DATA_DIR, as on a fresh machine
      NEXT_DIST_DIR: DIST_DIR, // the e2e suite's build
      SWARM_AGENTS: "4",
    });
    const { lines } = devnet;
    const rpcUrl = `http://127.0.0.1:${rpcPort}`;
    const graphqlUrl = `http://127.0.0.1:${indexerPort}/graphql`;
    const webUrl = `http://127.0.0.1:${webPort}`;
    for (const l of [`rpc: ${rpcUrl}`, `graphql: ${graphqlUrl}`, `web: ${webUrl}`]) expect(lines).to.include(l);
    for (const part of ["chain", "deploy", "indexer", "web", "swarm"]) {
      expect(lines.some((l) => new RegExp(`^\\[start\\]\\s+${part}\\s+ready`).test(l)), `${part} is ready:\n${lines.join("\n")}`).to.equal(true);
    }
    expect(lines.some((l) => l.startsWith("[web] building")), "the web app was built again although the e2e suite's build is current").to.equal(false);

    provider = new JsonRpcProvider(rpcUrl, 31337, { staticNetwork: true, cacheTimeout: -1 });
    const deployments = JSON.parse(readFileSync(join(dir, "localhost.json"), "utf8")) as { contracts: Record<string, { address: string; blockNumber: number }> };
    const abis = loadAbis(ROOT);
    const address = (name: string) => deployments.contracts[name].address;
    const at = (name: string) => new Contract(address(name), abis.get(name)!, provider);
    const [compute, ubc, vault, registry, market, pool] = ["ComputeToken", "UBCToken", "StakingVault", "AgentRegistry", "WorkMarket", "ValidatorPool"].map(at);

    // ---- an investor's raise: the test wallet npm start printed launches a venture with the SDK
    // whose raise lasts a day and buys its minimum; the swarm's paced clock passes that day while it
    // settles its jobs, and the devnet's keeper then finalizes the raise (checked further down)
    const walletKey = lines.find((l) => l.startsWith("test wallet private key: "))?.slice("test wallet private key: ".length);
    expect(walletKey, "npm start printed the test wallet's key").to.match(/^0x[0-9a-f]{64}$/);
    const { UbcClient, ROLES: AGENT_ROLES } = await import("../agents/src/sdk/index.ts");
    const sdk = new UbcClient({ rpcUrl, account: walletKey as `0x${string}`, deployments: JSON.parse(readFileSync(join(dir, "localhost.json"), "utf8")) });
    const dayRaise = await sdk.createVenture({ name: "System Day Raise", symbol: "SDR", pricePerShare: 1n, minShares: 100n * 10n ** 18n, maxShares: 1_000n * 10n ** 18n, raiseDuration: 86_400, distributionBps: 9_000 });
    await sdk.invest(dayRaise, 100n * 10n ** 18n);

    // ---- the swarm trades: wait until it has settled jobs of its own
    const target = SEEDED_SETTLED + SWARM_SETTLED;
    const deadline = Date.now() + 150_000;
    let settledNow = 0;
    for (;;) {
      settledNow = (await graphql<{ protocol: { jobsSettled: number } }>(graphqlUrl, `{ protocol(id: "protocol") { jobsSettled } }`)).protocol.jobsSettled;
      if (settledNow >= target) break;
      if (Date.now() > deadline) expect.fail(`the swarm settled ${settledNow - SEEDED_SETTLED} jobs in 150 s, not ${SWARM_SETTLED}:\n${lines.slice(-30).join("\n")}`);
      await new Promise((r) => setTimeout(r, 500));
    }

    // ---- the swarm's providers publish on the indexer's quote board, and its requesters fill
    // quotes from it: the board holds filled quotes (the web app's market page lists the open ones)
    const board = await graphql<{ quotes: { status: string }[] }>(graphqlUrl, `{ quotes(first: 200, where: { status: "filled" }) { status } }`);
    expect(board.quotes.length, "quotes on the board filled by the swarm").to.be.greaterThan(0);

    // ---- an integrator's open job: the test wallet npm start printed registers a requester agent
    // with the SDK, publishes a sha256-iter spec on the indexer's spec store and posts an open job
    // (createJob) paying 60 COMPUTE a unit; one of the swarm's providers takes it and delivers it
    const requesterId = await sdk.registerAgent("data:application/json,{}", AGENT_ROLES.REQUESTER);
    const specText = JSON.stringify({ input: `0x${Buffer.from("an integrator's open job").toString("hex")}`, iterations: 1_000, kind: "sha256-iter", salt: "system-test" });
    const stored = await fetch(`http://127.0.0.1:${indexerPort}/specs`, { method: "POST", headers: { "content-type": "application/json" }, body: specText });
    expect(stored.status, "the spec store took the spec").to.be.below(300);
    // a week to be taken: the devnet swarm's clock keeper may move the chain's time on by a day or
    // so between this read and the job's block (it cannot know of the job before it exists; once
    // the job is on-chain it keeps its jumps short of the job's deadlines); an hour's deadline was
    // passed that way once, and createJob reverted with BadDeadline
    const chainNow = (await sdk.public.getBlock()).timestamp;
    const openJob = await sdk.createJob({ requesterAgentId: requesterId, providerAgentId: 0n, value: 240n * 10n ** 18n, specHash: id(specText) as `0x${string}`, acceptDeadline: chainNow + 7n * 86_400n, deliveryPeriod: 3_600n });
    const openBy = Date.now() + 60_000;
    for (;;) {
      const j = (await market.getJob(openJob)) as { status: bigint; providerAgentId: bigint };
      if (j.status >= 3n && j.status !== 7n && j.status !== 8n && j.status !== 10n) {
        console.log(`      open job ${openJob}: taken by the swarm's provider agent ${j.providerAgentId}, status ${j.status}`);
        break;
      }
      if (Date.now() > openBy) expect.fail(`the open job ${openJob} was not taken and delivered in 60 s (status ${j.status}):\n${lines.slice(-30).join("\n")}`);
      await new Promise((r) => setTimeout(r, 250));
    }

    // ---- an agent developer's own agent: `npm run agent` with the test wallet's key, as the
    // wallet's requester agent registered above, buys two jobs from the swarm's providers on the
    // board, waits for them to settle (the swarm's clock keeper ends their challenge windows),
    // rates them and exits with its report
    const agentOut: string[] = [];
    const agentRun = startProcess("agent", process.execPath, [join(ROOT, "agents", "src", "runtime", "host-cli.ts"), "--role", "requester", "--jobs", "2"], {
      cwd: ROOT,
      env: { AGENT_KEY: walletKey!, RPC_URL: rpcUrl, DEPLOYMENTS: join(dir, "localhost.json"), INDEXER_URL: `http://127.0.0.1:${indexerPort}` },
      onLine: (l) => agentOut.push(l),
    });
    const agentCode = await Promise.race([agentRun.exited, new Promise<"timeout">((r) => setTimeout(() => r("timeout"), 150_000).unref())]);
    if (agentCode === "timeout") await stopProcess(agentRun);
    expect(agentCode, `npm run agent:\n${agentOut.join("\n")}`).to.equal(0);
    expect(agentOut).to.include("ready");
    expect(agentOut.some((l) => l.includes(`running as agent ${requesterId}, the wallet's`)), agentOut.join("\n")).to.equal(true);
    expect(agentOut.some((l) => new RegExp(`^agent ${requesterId}: requested 2 settled, 0 failed, 0 in flight;`).test(l)), agentOut.join("\n")).to.equal(true);

    // ---- the day-long raise has ended by the chain's clock: the devnet's keeper finalizes it (it
    // sold its minimum, so it succeeds and the raised 100 COMPUTE go to its operator, the wallet)
    const raiseBy = Date.now() + 90_000;
    const dayRaiseState = async () => Number(await sdk.read("Venture", "raiseState", [], dayRaise));
    while ((await dayRaiseState()) === 1) {
      if (Date.now() > raiseBy) expect.fail(`the keeper did not finalize the ended raise ${dayRaise} in 90 s:\n${lines.slice(-30).join("\n")}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(await dayRaiseState(), "RaiseState.Succeeded").to.equal(2);
    // the keeper logs the finalization once its transaction is mined, and the line reaches this
    // process through the swarm's and npm start's output: it may come a moment after the state
    const keeperLine = () => lines.some((l) => l.startsWith("keeper: the raise of System Day Raise") && l.includes("succeeded"));
    while (!keeperLine() && Date.now() < raiseBy + 10_000) await new Promise((r) => setTimeout(r, 100));
    expect(keeperLine(), `the keeper's line:\n${lines.slice(-30).join("\n")}`).to.equal(true);
    // and it pays the example venture's income in as revenue, a day's worth per chain day
    while (!lines.some((l) => l.startsWith("keeper: deposited 200 COMPUTE of income"))) {
      if (Date.now() > raiseBy + 60_000) expect.fail(`the keeper paid no income into the example venture:\n${lines.slice(-30).join("\n")}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    const ventureIface = new Interface(abis.get("Venture")!);
    const keeperAddress = devAccount(ROLES.keeper).address;
    const income = (await provider.getLogs({ address: address("Venture"), topics: [ventureIface.getEvent("RevenueDeposited")!.topicHash], fromBlock: 0 }))
      .map((l) => ventureIface.parseLog(l)!.args)
      .filter((a) => (a.depositor as string).toLowerCase() === keeperAddress.toLowerCase() && (a.token as string).toLowerCase() === address("ComputeToken").toLowerCase());
    expect(income.length, "the keeper's deposits of income in the example venture").to.be.greaterThan(0);
    for (const a of income) expect((a.amount as bigint) % (200n * 10n ** 18n), `${a.amount}: whole days of 200 COMPUTE`).to.equal(0n);

    // ---- the indexer's totals at block B equal the contracts' reads at block B. The swarm keeps
    // trading, so B is a block the indexer was at before and after the totals were read.
    let block = -1;
    let totals: Totals | undefined;
    for (let i = 0; i < 200 && totals === undefined; i++) {
      const b = await indexedBlock(graphqlUrl);
      const d = await graphql<{ protocol: Totals }>(graphqlUrl, `{ protocol(id: "protocol", block: { number: ${b} }) { ${TOTALS} } }`).catch(() => undefined);
      if (d && (await indexedBlock(graphqlUrl)) === b) [block, totals] = [b, d.protocol];
    }
    expect(totals, "no block at which the indexer's totals could be read consistently").to.not.equal(undefined);
    const t = totals!;
    const blockTag = block;
    const read = async <T>(c: Contract, fn: string, ...args: unknown[]): Promise<T> => (await c.getFunction(fn).staticCall(...args, { blockTag })) as T;

    const jobCount = Number(await read<bigint>(market, "jobCount"));
    let settled = 0;
    let volume = 0n;
    const settledIds: number[] = [];
    for (let id = 1; id <= jobCount; id++) {
      const j = await read<{ status: bigint; value: bigint }>(market, "getJob", id);
      if (j.status === SETTLED) {
        settled++;
        volume += j.value;
        settledIds.push(id);
      }
    }
    // the fees and burns of the market and the treasury's income: from the contracts' events up to B
    const events = async (name: string, event: string) => {
      const iface = new Interface(abis.get(name)!);
      const logs = await provider!.getLogs({ address: address(name), topics: [iface.getEvent(event)!.topicHash], fromBlock: deployments.contracts[name].blockNumber, toBlock: blockTag });
      return logs.map((l) => iface.parseLog(l)!.args);
    };
    const sum = (xs: bigint[]) => xs.reduce((a, b) => a + b, 0n);
    const jobSettled = await events("WorkMarket", "JobSettled");
    const burned = await events("WorkMarket", "Burned");
    const treasuryPaid = await events("WorkMarket", "TreasuryPaid");

    const chain: Totals = {
      computeTotalSupply: String(await read<bigint>(compute, "totalSupply")),
      computeTotalMinted: String(await read<bigint>(compute, "totalMinted")),
      computeTotalBurned: String(await read<bigint>(compute, "totalBurned")),
      totalStaked: String(await read<bigint>(vault, "totalStaked")),
      positionCount: Number(await read<bigint>(vault, "positionCount")),
      agentCount: Number(await read<bigint>(registry, "agentCount")),
      jobCount,
      jobsSettled: settled,
      marketVolume: String(volume),
      marketBurned: String(sum(burned.map((a) => a.amount as bigint))),
      protocolFees: String(sum(jobSettled.map((a) => a.protocolFee as bigint))),
      validationFees: String(sum(jobSettled.map((a) => a.validationFee as bigint))),
      treasuryPaid: String(sum(treasuryPaid.map((a) => a.amount as bigint))),
      activeValidatorCount: Number(await read<bigint>(pool, "activeCount")),
      validatorStake: String(await read<bigint>(ubc, "balanceOf", address("ValidatorPool"))),
    };
    console.log(`      at block ${block}: ${settled} jobs settled of ${jobCount}, ${chain.computeTotalBurned} COMPUTE wei burned, volume ${chain.marketVolume}`);
    expect(t).to.deep.equal(chain);
    expect(settled).to.be.at.least(target);
    expect(jobSettled.length).to.equal(settled);
    expect(BigInt(t.computeTotalBurned)).to.be.greaterThan(0n);
    expect(BigInt(t.protocolFees)).to.be.greaterThan(0n);

    // ---- the web app in headless Chromium
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const pageErrors: string[] = [];
    page.on("pageerror", (e) => pageErrors.push(e.message));
    page.setDefaultTimeout(60_000);

    // the market page lists the settled jobs (its table shows the 50 newest by creation time). The
    // swarm goes on settling jobs after block B, so the page may show newer ones and push older ones
    // out: every job settled at B that was created after the oldest row shown must be listed, and
    // the page must reach at least as far as the newest job settled at B.
    expect((await page.goto(`${webUrl}/market`))?.status()).to.equal(200);
    await page.getByRole("heading", { level: 1, name: "Market" }).waitFor();
    await page.locator("#job-filter").selectOption("settled");
    await page.locator('[data-testid="job-row"][data-status="settled"]').first().waitFor();
    const newest = settledIds.slice(-40);
    const newestAtB = newest[newest.length - 1];
    // the filtered list has arrived: enough rows, all of them settled
    await page.waitForFunction((n) => {
      const rows = [...document.querySelectorAll('[data-testid="job-row"]')];
      return rows.length >= n && rows.every((r) => r.getAttribute("data-status") === "settled");
    }, Math.min(newest.length, 50));
    const shown = await page.locator('[data-testid="job-row"]').evaluateAll((rows) => rows.map((r) => [r.getAttribute("data-job-id"), r.getAttribute("data-status")]));
    const shownIds = new Set(shown.map(([id]) => Number(id)));
    for (const [id, status] of shown) expect(status, `job ${id}`).to.equal("settled");
    const created = new Map(
      (await graphql<{ workRequests: { jobId: string; createdAt: string }[] }>(graphqlUrl, `{ workRequests(first: 200, where: { jobId_in: ${JSON.stringify([...new Set([...newest, ...shownIds])].map(String))} }) { jobId createdAt } }`)).workRequests.map((w) => [Number(w.jobId), Number(w.createdAt)]),
    );
    const oldestShown = Math.min(...[...shownIds].map((id) => created.get(id)!));
    expect(Math.max(...[...shownIds].map((id) => created.get(id)!)), `the page reaches the newest job settled at block ${block} (job ${newestAtB})`).to.be.at.least(created.get(newestAtB)!);
    for (const id of newest) {
      if (shown.length < 50 || created.get(id)! > oldestShown) expect(shownIds.has(id), `settled job ${id} is listed on the market page (shown: ${[...shownIds].join(", ")})`).to.equal(true);
    }

    // the overview shows the burned total (the indexer's, at the block it is at: the swarm goes on
    // burning, so the figure must be one the chain had at some block since B) and draws its charts
    expect((await page.goto(webUrl))?.status()).to.equal(200);
    await page.getByRole("heading", { level: 1, name: "Overview" }).waitFor();
    const burnedTile = page.getByTestId("total-burned");
    await page.locator('[data-testid="total-burned"][data-value]').waitFor();
    const shownBurned = BigInt((await burnedTile.getAttribute("data-value"))!);
    expect(shownBurned >= BigInt(t.computeTotalBurned), `the page shows ${shownBurned} burned, less than ${t.computeTotalBurned} at block ${block}`).to.equal(true);
    // totalBurned only grows: the first block from B on with at least the shown figure has exactly it
    let [lo, hi] = [block, await provider.getBlockNumber()];
    const burnedAt = async (b: number) => (await compute.getFunction("totalBurned").staticCall({ blockTag: b })) as bigint;
    expect(await burnedAt(hi) >= shownBurned, "the page shows more burned than the chain has").to.equal(true);
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if ((await burnedAt(mid)) >= shownBurned) hi = mid;
      else lo = mid + 1;
    }
    expect(await burnedAt(lo), `the burned total shown is one the chain had (block ${lo})`).to.equal(shownBurned);
    expect((await burnedTile.innerText()).replace(/\s+/g, " ")).to.match(/^[\d,]+(\.\d+)? COMPUTE$/);

    const chart = page.locator('.chart-grid svg[role="img"]').first();
    await chart.waitFor();
    expect(await chart.getAttribute("aria-label")).to.match(/COMPUTE supply and total burned per day: latest Supply [\d.]+\w* COMPUTE, Burned \(total\) [\d.]+\w* COMPUTE/);
    expect(await chart.locator("polyline, circle").count(), "the supply and burn chart draws its series").to.be.at.least(2);
    expect(await page.locator('svg[role="img"]').count(), "the overview draws its charts").to.be.at.least(4);
    expect(pageErrors, "uncaught errors in the pages").to.deep.equal([]);
    await browser.close();
    browser = undefined;

    // ---- Ctrl-C: everything stops, nothing is left
    await stopAndCheck(devnet, [rpcPort, indexerPort, webPort]);
    expect(lines.some((l) => /^\[start\] the \w+ exited unexpectedly/.test(l)), "a part crashed").to.equal(false);
    devnet = undefined;
  });
});
