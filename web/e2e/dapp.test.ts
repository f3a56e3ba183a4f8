// End-to-end: the built web app (`next start`) in headless Debian chromium, against a real Hardhat
// node and the real indexer, with the injected test wallet (wallet.ts) answering the app's
// requests in Node. One stack and one browser tab for the whole file (the SIWE session lives in
// the tab's sessionStorage), the flows in the order a user would go:
// overview → connect and sign in → stake → claim → fill a quote → post a quote → invest →
// revenue deposited → claim revenue → account, agent and job pages → overview again.
// Every page is checked for console errors, uncaught errors (hydration errors among them) and
// failed requests, and screenshotted to web/e2e/artifacts/.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { ethers } from "ethers";
import type { Locator, Page } from "playwright-core";
import { openBrowser, processesWith, processGroupAlive, startStack, type BrowserSession, type PageProblems, type Stack } from "./harness.ts";
import { E18, quoteOf } from "./seed.ts";
import { signQuote } from "../../indexer/src/testing/market.ts";
import { signIn } from "../../indexer/src/testing/siwe.ts";
import { canonical, encodeDelivery, resultHash as runtimeResultHash, sha256Iter as runtimeSha256Iter, verifyDelivery } from "../../agents/src/runtime/jobs.ts";

let stack: Stack;
let browser: BrowserSession;
let page: Page;
let problems: PageProblems;
const pids: (number | undefined)[] = [];

before(async () => {
  stack = await startStack();
  pids.push(stack.processes.chain.child.pid, stack.processes.indexer.child.pid, stack.processes.web.child.pid);
  browser = await openBrowser(stack);
  ({ page, problems } = await browser.newPage());
  page.setDefaultTimeout(30_000);
}, { timeout: 420_000 });

after(async () => {
  await browser?.close();
  await stack?.stop();
  // nothing left behind: every process group the harness started is gone, and no chromium process
  await new Promise((r) => setTimeout(r, 500));
  for (const pid of pids) assert.equal(processGroupAlive(pid), false, `process group ${pid} is still alive after stop()`);
  if (browser) assert.deepEqual(processesWith(browser.userDataDir), [], "chromium processes are still alive after close()");
});

// ------------------------------------------------------------------ helpers

/** Loads a route, waits for its h1 and for the app to be hydrated (the wallet button is live only after mount). */
async function open(path: string, h1: RegExp | string): Promise<void> {
  const res = await page.goto(stack.webUrl + path, { waitUntil: "load" });
  assert.equal(res?.status(), 200, `GET ${path}`);
  await page.getByRole("heading", { level: 1, name: h1 }).waitFor();
  await hydrated();
}

/** The server render has a disabled "Connect wallet" button; after mount it is enabled, or the wallet is shown. */
async function hydrated(timeout = 60_000): Promise<void> {
  await page.locator('[data-testid="wallet-address"], .wallet button:not([disabled])').first().waitFor({ timeout });
}

/**
 * On a phone and on a desktop, each chart of the page shows one of its drawings (components/charts.tsx),
 * its axis labels (12 viewBox units) are drawn at 10 px or more instead of shrinking with the viewBox,
 * and no label runs past the drawing's edges (the browser's own text widths).
 */
async function chartsReadable(what: string, least: number): Promise<void> {
  const desktop = page.viewportSize();
  try {
    for (const [width, height] of [[390, 844], [1280, 900]]) {
      await page.setViewportSize({ width, height });
      const charts = await page.locator("figure.chart").evaluateAll((figs) => figs.map((f) => {
        const shown = Array.from(f.querySelectorAll("svg")).filter((s) => s.getBoundingClientRect().width > 0);
        return shown.map((s) => {
          const out = Array.from(s.querySelectorAll("text")).map((t) => ({ t: t.textContent, b: t.getBBox() })).filter(({ b }) => b.x < -1 || b.x + b.width > s.viewBox.baseVal.width + 1).map(({ t }) => t);
          return { cls: s.getAttribute("class"), px: (12 * s.getBoundingClientRect().width) / s.viewBox.baseVal.width, out };
        });
      }));
      assert.ok(charts.length >= least, `${what}'s charts (${charts.length})`);
      for (const shown of charts) {
        assert.equal(shown.length, 1, `one drawing of each chart is shown at ${width} px: ${JSON.stringify(shown)}`);
        assert.ok(shown[0].px >= 10, `axis labels at ${shown[0].px.toFixed(1)} px in a ${width} px window (${shown[0].cls})`);
        assert.deepEqual(shown[0].out, [], `labels inside the ${shown[0].cls} drawing at ${width} px`);
      }
      if (width < 500) assert.ok(charts.every(([c]) => c.cls === "v-narrow"), "a phone gets the narrow drawings");
    }
  } finally {
    if (desktop) await page.setViewportSize(desktop);
  }
}

/** Runs a test body; on failure, saves a screenshot and adds the page's recent console output to the error. */
function step(name: string, fn: () => Promise<void>) {
  test(name, async () => {
    try {
      await fn();
    } catch (err) {
      const slug = name.replace(/[^a-z0-9]+/gi, "-").slice(0, 60);
      await browser?.screenshot(page, `FAILED-${slug}`).catch(() => undefined);
      const tail = problems?.log.slice(-25).join("\n") ?? "";
      const server = stack?.output.web.slice(-25).join("\n") ?? "";
      if (err instanceof Error) err.message += `\n--- url: ${page?.url()}\n--- last console lines of the page:\n${tail}\n--- last lines of next start:\n${server}`;
      throw err;
    }
  });
}

/** Fails on any console error (hydration errors included), uncaught error or failed request recorded since the last check. */
function assertClean(where: string): void {
  const all = [
    ...problems.pageErrors.map((e) => `page error: ${e}`),
    ...problems.consoleErrors.map((e) => `console error: ${e}`),
    ...problems.failedRequests.map((e) => `request: ${e}`),
  ];
  problems.pageErrors.length = 0;
  problems.consoleErrors.length = 0;
  problems.failedRequests.length = 0;
  assert.deepEqual(all, [], `${where}: the page reported problems`);
}

async function shot(name: string): Promise<void> {
  await browser.screenshot(page, name);
}

/** Waits for the page's transaction region to settle on a confirmation whose text contains `label`. */
async function confirmed(label: string | RegExp, timeout = 60_000): Promise<string> {
  const region = page.getByTestId("tx-status");
  const deadline = Date.now() + timeout;
  for (;;) {
    const state = await region.getAttribute("data-state");
    const text = (await region.innerText()).trim();
    if (state === "failed") assert.fail(`the transaction failed: ${text}`);
    if (state === "confirmed" && (typeof label === "string" ? text.includes(label) : label.test(text))) return text;
    if (Date.now() > deadline) assert.fail(`no confirmation of "${label}" within ${timeout} ms (state ${state}: ${text})`);
    await page.waitForTimeout(100);
  }
}

/** Polls `fn` until it returns a truthy value. */
async function eventually<T>(what: string, fn: () => Promise<T>, timeout = 30_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeout;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as NonNullable<T>;
      last = v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) assert.fail(`${what}: not true within ${timeout} ms (last: ${String(last)})`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const num = (s: string | null) => Number((s ?? "").replace(/[^0-9.]/g, ""));
const row = (testid: string, attr: string, value: string): Locator => page.locator(`[data-testid="${testid}"][${attr}="${value}"]`);
const erc20 = (address: string) => new ethers.Contract(address, ["function balanceOf(address) view returns (uint256)"], stack.chain.provider);
const addr = (name: string) => stack.chain.deployments.contracts[name].address;
/** IWorkMarket.Status: None, Open, Accepted, Submitted, Validated, Disputed, Resolved, Cancelled, Expired, Settled, Declined. */
const JOB_ACCEPTED = 2;
const JOB_SETTLED = 9;
const JOB_DECLINED = 10;
const JOB_VALIDATED = 4;
const JOB_SUBMITTED = 3;
const JOB_EXPIRED = 8;

// ------------------------------------------------------------------ the flows

step("overview shows the indexed protocol figures before any wallet is connected", async () => {
  await open("/", "Overview");
  const ubcSupply = await page.getByTestId("ubc-supply").innerText();
  assert.match(ubcSupply, /1,000,000,000/, "UBC supply");
  // someone else's 50,000 UBC stake from the seed is indexed
  await eventually("total staked shows the seeded stake", async () => /50,000/.test(await page.getByTestId("total-staked").innerText()));
  for (const id of ["compute-supply", "total-burned", "treasury", "market-volume"]) assert.ok(await page.getByTestId(id).isVisible(), `${id} is shown`);
  assert.ok((await page.locator('svg[role="img"][aria-label]').count()) > 0, "the overview draws its charts");
  await chartsReadable("the overview", 5);
  await page.getByRole("button", { name: "Connect wallet" }).waitFor();
  assert.equal(browser.wallet.authorized, false, "nothing asked the wallet for its accounts before the user connected");
  // the build's adapter (scripts/compile-hints.mjs) marked every script the page loads at start
  // with V8's compile hint, on the first line, where V8 looks for it
  const html = await (await fetch(stack.webUrl + "/")).text();
  const scripts = [...html.matchAll(/<script src="(\/_next\/static\/[^"]+\.js)"[^>]*>/g)].filter((m) => !/noModule/i.test(m[0])).map((m) => m[1]);
  assert.ok(scripts.length >= 3, `the overview loads its scripts (${scripts.join(", ")})`);
  for (const src of scripts) assert.ok((await (await fetch(stack.webUrl + src)).text()).startsWith("//# allFunctionsCalledOnLoad\n"), `${src} starts with the compile hint`);
  // the implicit /favicon.ico request leads to the app's icon, not to a 404 in the console
  const favicon = await fetch(stack.webUrl + "/favicon.ico", { redirect: "manual" });
  assert.equal(favicon.status, 308);
  const icon = await fetch(new URL(favicon.headers.get("location")!, stack.webUrl));
  assert.equal(icon.status, 200);
  assert.match(icon.headers.get("content-type") ?? "", /image\/svg\+xml/);
  // an address no page answers: a 404 in the app's layout, pointing to its sections
  const missing = await fetch(stack.webUrl + "/jobs");
  assert.equal(missing.status, 404);
  const missingHtml = await missing.text();
  const body = missingHtml.slice(missingHtml.indexOf("<h1>Page not found</h1>"));
  assert.ok(body.length > 0 && missingHtml.includes("<h1>Page not found</h1>"), "the app's not-found page");
  for (const href of ["/market", "/agents", "/ventures", "/stake"]) assert.ok(body.includes(`href="${href}"`), `the not-found page links to ${href}`);
  await shot("01-overview");
  assertClean("overview");
});

step("connects the injected EIP-6963 wallet and signs in with Ethereum", async () => {
  await page.getByRole("button", { name: "Connect wallet" }).click();
  const shown = page.getByTestId("wallet-address");
  await shown.waitFor();
  assert.equal((await shown.getAttribute("title"))?.toLowerCase(), stack.seed.wallet.address.toLowerCase());
  // wagmi asks with wallet_requestPermissions (EIP-2255), or eth_requestAccounts: once, on the click
  assert.equal(browser.wallet.calls("wallet_requestPermissions").length + browser.wallet.calls("eth_requestAccounts").length, 1);
  assert.equal(browser.wallet.authorized, true);

  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  const session = page.getByTestId("session-address");
  await session.waitFor();
  assert.equal((await session.getAttribute("data-address"))?.toLowerCase(), stack.seed.wallet.address.toLowerCase());
  // the wallet signed one EIP-4361 message naming the indexer's API and chain 31337
  const signs = browser.wallet.calls("personal_sign");
  assert.equal(signs.length, 1);
  const message = Buffer.from(String(signs[0].params[0]).slice(2), "hex").toString("utf8");
  assert.match(message, /wants you to sign in with your Ethereum account:/);
  assert.ok(message.includes(stack.seed.wallet.address), "the message names the wallet's address");
  assert.match(message, /Chain ID: 31337/);
  assert.ok(message.includes(`URI: ${stack.indexerUrl}`), `the message's URI is the API (${stack.indexerUrl})`);
  // the session is real on the indexer: its token answers /auth/session with the wallet's address
  const stored = await page.evaluate(() => window.sessionStorage.getItem("ubc.session"));
  assert.ok(stored, "the session is kept in sessionStorage (ubc.session)");
  const token = (JSON.parse(stored) as { token: string }).token;
  const res = await fetch(`${stack.indexerUrl}/auth/session`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(res.status, 200);
  assert.equal(((await res.json()) as { address: string }).address.toLowerCase(), stack.seed.wallet.address.toLowerCase());
  await shot("02-signed-in");
  assertClean("sign-in");
});

step("stake: validates the amount before sending, then stakes 1,000 UBC with a permit", async () => {
  await open("/stake", "Stake");
  assert.equal(await page.getByTestId("pool-row").count(), 3, "the three lock pools");
  const sendsBefore = browser.wallet.calls("eth_sendTransaction").length;

  // an invalid amount: an alert next to the field, and nothing is sent to the wallet
  await page.getByLabel("Amount (UBC)").fill("12abc");
  await page.getByRole("button", { name: "Stake", exact: true }).click();
  await page.locator("form").getByRole("alert").first().waitFor();
  assert.equal(browser.wallet.calls("eth_sendTransaction").length, sendsBefore, "no transaction for an invalid amount");
  assert.equal(browser.wallet.calls("eth_signTypedData_v4").length, 0, "no permit for an invalid amount");

  const vault = stack.chain.contract("StakingVault");
  const countBefore = (await vault.positionCount()) as bigint;
  await page.getByLabel("Amount (UBC)").fill("1000");
  await page.getByLabel("Pool", { exact: true }).selectOption("0");
  await page.getByRole("button", { name: "Stake", exact: true }).click();
  await confirmed("Stake 1,000 UBC");
  assert.equal(browser.wallet.calls("eth_signTypedData_v4").length, 1, "one EIP-2612 permit signature");
  assert.equal(browser.wallet.calls("eth_sendTransaction").length, sendsBefore + 1, "one transaction (stakeWithPermit)");

  // on chain: a new position of the wallet with 1,000 UBC
  const positionId = (await vault.positionCount()) as bigint;
  assert.equal(positionId, countBefore + 1n);
  const p = await vault.getPosition(positionId);
  assert.equal(String(p.owner).toLowerCase(), stack.seed.wallet.address.toLowerCase());
  assert.equal(p.amount as bigint, 1_000n * E18);
  // in the page, fed by the indexer
  const r = row("position-row", "data-position-id", String(positionId));
  await r.waitFor();
  assert.match(await r.innerText(), /1,000(\.00)? UBC/);
  await shot("03-stake");
  assertClean("stake");
});

step("stake: COMPUTE accrues and the claim pays it out", async () => {
  const vault = stack.chain.contract("StakingVault");
  const positionId = (await vault.positionCount()) as bigint;
  // an hour passes on the chain
  await stack.chain.rpc("evm_increaseTime", [3600]);
  await stack.chain.rpc("evm_mine", []);
  await stack.waitForIndexed();
  const r = row("position-row", "data-position-id", String(positionId));
  // 1,000 UBC in the 90-day pool earn 0.3 COMPUTE a day: an hour is 0.0125 COMPUTE (the page's
  // chain clock follows the new block within seconds)
  const hour = (3n * E18) / 10n / 24n;
  const accrued = await eventually("the position shows an hour of accrued COMPUTE", async () => {
    const v = BigInt((await r.getByTestId("position-accrued").getAttribute("data-value")) ?? "0");
    return v >= hour ? v : null;
  });
  assert.ok(accrued < 2n * hour, `accrued ${accrued} is about an hour of rewards`);

  const compute = erc20(addr("ComputeToken"));
  const before = (await compute.balanceOf(stack.seed.wallet.address)) as bigint;
  await r.getByRole("button", { name: "Claim" }).click();
  await confirmed(`Claim position #${positionId}`);
  const gained = ((await compute.balanceOf(stack.seed.wallet.address)) as bigint) - before;
  assert.ok(gained >= accrued, `claimed ${gained} COMPUTE wei, at least the ${accrued} shown`);
  const claimed = ((await vault.getPosition(positionId)).claimed as bigint);
  assert.equal(claimed, gained);
  // the indexer has the claim
  await eventually("the indexer has the claim", async () => {
    const d = await stack.gql<{ stakePositions: { claimed: string }[] }>(`{ stakePositions(where: { positionId: "${positionId}" }) { claimed } }`);
    return d.stakePositions[0]?.claimed === String(gained);
  });
  await shot("04-claimed");
  assertClean("claim");
});

step("market: the quote board shows the seeded quotes, and filling the cheapest creates an accepted job", async () => {
  await open("/market", "Market");
  const seeded = stack.seed.quotes;
  await eventually("the seeded quotes are on the board", async () => (await page.getByTestId("quote-row").count()) >= seeded.length);
  const best = page.locator('[data-testid="best-price-row"][data-kind="gpu-hour"]');
  await best.waitFor();
  assert.match(await best.innerText(), /120 COMPUTE/, "the best gpu-hour price is the cheapest seeded quote");
  assert.ok((await page.getByTestId("provider-row").count()) >= 1, "providers are listed");
  await shot("05-market");
  // react-query is not among the scripts the market loads at start (its reads: components/poll.ts)
  const html = await (await fetch(stack.webUrl + "/market")).text();
  const scripts = [...html.matchAll(/<script src="(\/_next\/static\/[^"]+\.js)"[^>]*>/g)].filter((m) => !/noModule/i.test(m[0])).map((m) => m[1]);
  assert.ok(scripts.length >= 3, `the market loads its scripts (${scripts.join(", ")})`);
  for (const src of scripts) assert.ok(!(await (await fetch(stack.webUrl + src)).text()).includes("QueryClientProvider"), `${src} holds no react-query`);

  const cheapest = seeded.find((q) => q.resourceKind === "gpu-hour" && q.quote.unitPrice === String(120n * E18))!;
  const market = stack.chain.contract("WorkMarket");
  const jobsBefore = (await market.jobCount()) as bigint;
  await page.getByLabel("Fill as agent").selectOption(String(stack.seed.wallet.agentId));
  await page.getByLabel("Job spec").fill("e2e: render 5 frames");
  await row("quote-row", "data-quote-id", cheapest.id!).getByRole("button", { name: "Fill" }).click();
  await confirmed("Fill quote of agent", 90_000);

  const jobId = (await market.jobCount()) as bigint;
  assert.equal(jobId, jobsBefore + 1n, "one job was created");
  const job = await market.getJob(jobId);
  assert.equal(job.requesterAgentId as bigint, stack.seed.wallet.agentId, "the wallet's agent is the requester");
  assert.equal(job.providerAgentId as bigint, stack.seed.market.provider.agentId);
  assert.equal(job.value as bigint, 5n * 120n * E18, "the job is worth the quote's total");
  assert.equal(Number(job.status), JOB_ACCEPTED, "the job is created and accepted in one transaction (Accepted)");
  // the board and the job list follow the indexer: the quote is filled, the job is listed
  await eventually("the filled quote leaves the open quotes", async () => (await row("quote-row", "data-quote-id", cheapest.id!).count()) === 0);
  await eventually("the new job is listed", async () => (await row("job-row", "data-job-id", String(jobId)).count()) === 1);
  await shot("06-quote-filled");
  assertClean("fill a quote");
});

step("market: filling a quote of an agent job kind (sha256-iter) publishes its spec on the indexer's spec store, where the job's spec hash finds it", async () => {
  await open("/market", "Market");
  const quote = stack.seed.quotes.find((q) => q.resourceKind === "sha256-iter")!;
  const market = stack.chain.contract("WorkMarket");
  const jobsBefore = (await market.jobCount()) as bigint;
  await eventually("the sha256-iter quote is on the board", async () => (await row("quote-row", "data-quote-id", quote.id!).count()) === 1);
  await page.getByLabel("Fill as agent").selectOption(String(stack.seed.wallet.agentId));
  // too long an input for the kind: refused in the page, nothing sent
  await page.getByLabel("Job spec").fill("x".repeat(300));
  await row("quote-row", "data-quote-id", quote.id!).getByRole("button", { name: "Fill" }).click();
  await eventually("the spec's size is refused", async () => /at most 256 bytes/.test(await page.locator("#fill-error").innerText().catch(() => "")));
  assert.equal((await market.jobCount()) as bigint, jobsBefore, "no job for a refused spec");
  await page.getByLabel("Job spec").fill("hello from e2e");
  await row("quote-row", "data-quote-id", quote.id!).getByRole("button", { name: "Fill" }).click();
  await confirmed("Fill quote of agent", 90_000);
  const jobId = (await market.jobCount()) as bigint;
  assert.equal(jobId, jobsBefore + 1n, "one job was created");
  const created = await market.queryFilter(market.filters.JobCreated(jobId));
  const hash = (created[0] as ethers.EventLog).args.specHash as string;
  const res = await fetch(`${stack.indexerUrl}/specs/${hash}`);
  assert.equal(res.status, 200, "the job's spec is on the store");
  const text = await res.text();
  assert.equal(ethers.keccak256(ethers.toUtf8Bytes(text)), hash, "the stored text hashes to the job's spec hash");
  const spec = JSON.parse(text) as { kind: string; input: string; iterations: number; salt: string };
  assert.equal(spec.kind, "sha256-iter");
  assert.equal(spec.input, ethers.hexlify(ethers.toUtf8Bytes("hello from e2e")), "the text typed is the input to hash");
  assert.equal(spec.iterations, Number(quote.quote.units) * 250, "the quote's units of 250 iterations");
  // the job's page reads the spec from the store
  await open(`/market/jobs/${jobId}`, /^Job/);
  await eventually("the job page shows the spec", async () => /SHA-256 applied 1,250 times to “hello from e2e” \(from the spec store\)/.test(await page.getByTestId("job-spec").innerText().catch(() => "")));
  assertClean("fill a sha256-iter quote");
  // (the next steps start on the market page)
  await open("/market", "Market");
});

/** Fills the market page's quote form for one of the wallet's provider agents and signs and posts it. */
async function postQuote(agentId: string, kind: string, units: string, unitPrice: string): Promise<void> {
  await page.getByLabel("Provider agent").selectOption(agentId);
  await page.getByLabel("Resource kind").first().fill(kind);
  await page.getByLabel("Units").first().fill(units);
  await page.getByLabel("Unit price (COMPUTE)").fill(unitPrice);
  // the chain's clock is an hour ahead of the wall clock by now (the staking test): a longer validity
  await page.getByLabel("Valid for (minutes)").first().fill("600");
  await page.getByRole("button", { name: "Sign and post quote" }).click();
}

step("market: posts a quote signed with EIP-712 that a requester can then fill on-chain", async () => {
  const agentId = String(stack.seed.wallet.agentId);
  const signsBefore = browser.wallet.calls("eth_signTypedData_v4").length;
  const sendsBefore = browser.wallet.calls("eth_sendTransaction").length;
  await postQuote(agentId, "llm-tokens", "4", "99");
  const mine = page.locator(`[data-testid="quote-row"][data-provider="${agentId}"]`);
  await mine.first().waitFor({ timeout: 30_000 });
  assert.equal(browser.wallet.calls("eth_signTypedData_v4").length, signsBefore + 1, "the wallet signed one quote");
  assert.equal(browser.wallet.calls("eth_sendTransaction").length, sendsBefore, "posting a quote costs no transaction");
  // on the board (GraphQL) with the wallet as signer and poster
  type Q = { id: string; units: string; unitPrice: string; signature: string; signer: string; postedBy: string; nonce: string; expiry: string; deliveryPeriod: string; requester: string; resourceKind: string; status: string };
  const d = await stack.gql<{ quotes: Q[] }>(
    `{ quotes(where: { providerAgentId: "${agentId}" }) { id units unitPrice signature signer postedBy nonce expiry deliveryPeriod requester resourceKind status } }`,
  );
  const q = d.quotes.find((x) => x.unitPrice === String(99n * E18));
  assert.ok(q, `the posted quote is on the board: ${JSON.stringify(d.quotes)}`);
  assert.equal(q.signer, stack.seed.wallet.address.toLowerCase());
  assert.equal(q.postedBy, stack.seed.wallet.address.toLowerCase());
  assert.equal(q.status, "open");
  assert.equal(q.units, "4");
  assert.equal(q.resourceKind, ethers.id("llm-tokens"));
  await shot("07-quote-posted");

  // the signature is valid on-chain: the seeded requester fills the wallet's quote (the wallet,
  // as provider, first allows the market to take its 2% deposit)
  const walletSigner = new ethers.Wallet(stack.walletKey, stack.chain.provider);
  const compute = stack.chain.contract("ComputeToken", walletSigner);
  await (await compute.approve(addr("WorkMarket"), 10n ** 24n)).wait();
  const market = stack.chain.contract("WorkMarket", stack.seed.market.requester.signer);
  const quote = {
    providerAgentId: BigInt(agentId), resourceKind: q.resourceKind, units: BigInt(q.units), unitPrice: BigInt(q.unitPrice),
    expiry: BigInt(q.expiry), nonce: BigInt(q.nonce), requester: BigInt(q.requester), deliveryPeriod: BigInt(q.deliveryPeriod),
  };
  await (await market.fillQuote(quote, q.signature, stack.seed.market.requester.agentId, ethers.id("e2e: fill the wallet's quote"))).wait();
  const job = await market.getJob((await market.jobCount()) as bigint);
  assert.equal(job.providerAgentId as bigint, stack.seed.wallet.agentId);
  await stack.waitForIndexed();
  assertClean("post a quote");
});

step("market: the wallet's own quote offers Withdraw instead of Fill; withdrawing cancels its nonce on-chain and the board drops it", async () => {
  const agentId = String(stack.seed.wallet.agentId);
  await postQuote(agentId, "cpu-hour", "3", "77");
  const d = await eventually("the quote is on the board", async () => {
    const r = await stack.gql<{ quotes: { nonce: string; unitPrice: string }[] }>(`{ quotes(where: { providerAgentId: "${agentId}", status: "open" }) { nonce unitPrice } }`);
    return r.quotes.find((x) => x.unitPrice === String(77n * E18));
  });
  const rowOf = page.locator(`[data-testid="quote-row"][data-provider="${agentId}"]`).filter({ hasText: "77" });
  await rowOf.first().waitFor({ timeout: 30_000 });
  assert.equal(await rowOf.first().getByRole("button", { name: "Fill" }).count(), 0, "no Fill on one's own quote");
  await rowOf.first().getByRole("button", { name: "Withdraw" }).click();
  await confirmed(`Withdraw quote ${d.nonce} of agent ${agentId}`);
  assert.equal(await stack.chain.contract("WorkMarket").isQuoteNonceUsed(BigInt(agentId), BigInt(d.nonce)), true, "its nonce is cancelled on-chain");
  await stack.waitForIndexed();
  await eventually("the board no longer lists it", async () => (await rowOf.count()) === 0);
  assertClean("withdraw a quote");
});

step("market: the job filter re-renders the server's rows for the chosen statuses (?jobs=), by keyboard too", async () => {
  const newest = String((await stack.chain.contract("WorkMarket").jobCount()) as bigint);
  const statuses = () => page.locator('[data-testid="job-row"]').evaluateAll((rows) => rows.map((r) => r.getAttribute("data-status")));
  await page.locator("#job-filter").selectOption("all");
  await eventually("the URL carries the filter", async () => new URL(page.url()).searchParams.get("jobs") === "all");
  await eventually("every job is listed, the newest (accepted) one among them", async () => (await row("job-row", "data-job-id", newest).count()) === 1);
  await page.locator("#job-filter").selectOption("open");
  await eventually("only open jobs are listed", async () => {
    const s = await statuses();
    return new URL(page.url()).searchParams.get("jobs") === "open" && (await page.getByTestId("loading").count()) === 0 &&
      s.every((x) => x === "open") && (await row("job-row", "data-job-id", newest).count()) === 0;
  });
  // from the keyboard: focus the select and move to the previous option ("Open and in progress")
  await page.locator("#job-filter").focus();
  await page.keyboard.press("ArrowUp");
  await eventually("the default filter is back", async () => new URL(page.url()).searchParams.get("jobs") === "active" && (await row("job-row", "data-job-id", newest).count()) === 1);
  assert.ok((await statuses()).every((x) => x !== "settled"), "no settled job among the active ones");
  // an unknown filter falls back to the default list
  await open("/market?jobs=nonsense", "Market");
  assert.equal(await page.locator("#job-filter").inputValue(), "active");
  assertClean("job filter");
});

step("market: a request for quotes is answered from its row: the quote form is filled in for that requester", async () => {
  // the seeded requester asks for 3 units of gpu-hour (signed in with SIWE, as the web app's form does)
  const requester = stack.seed.market.requester;
  const token = await signIn(stack.indexerUrl, requester.signer);
  const now = BigInt((await stack.chain.provider.getBlock("latest"))!.timestamp);
  const wall = BigInt(Math.floor(Date.now() / 1000));
  const res = await fetch(`${stack.indexerUrl}/rfqs`, {
    method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ requesterAgentId: String(requester.agentId), resourceKind: ethers.id("gpu-hour"), units: "3", maxUnitPrice: String(200n * E18), expiry: String((now > wall ? now : wall) + 3_600n) }),
  });
  assert.equal(res.status, 201, await res.text());
  await open("/market", "Market");
  const rfq = page.getByTestId("rfq-row").first();
  await rfq.waitFor({ timeout: 20_000 });
  await rfq.getByRole("link", { name: "Quote for it" }).click();
  await eventually("the form is filled in for the requester", async () =>
    (await page.getByLabel("Only for requester agent (optional)").inputValue()) === String(requester.agentId)
    && (await page.getByLabel("Resource kind").first().inputValue()) === "gpu-hour"
    && (await page.getByLabel("Units").first().inputValue()) === "3");
  // and the cursor waits in the one field left to fill: the unit price
  await eventually("the unit price field has the focus", async () => (await page.evaluate(() => document.activeElement?.id)) === "q-price");
  assertClean("answer a request for quotes");
});

step("job page: the provider declines a job whose spec it cannot find; both sides are refunded in full", async () => {
  // the newest job: the wallet's quote, filled by the seeded requester with a spec published nowhere
  const market = stack.chain.contract("WorkMarket");
  const jobId = (await market.jobCount()) as bigint;
  const j = await market.getJob(jobId);
  assert.equal(j.providerAgentId as bigint, stack.seed.wallet.agentId, "the wallet's agent is the provider");
  assert.equal(Number(j.status), JOB_ACCEPTED);
  const requester = stack.seed.market.requester.agentId;
  const before = { provider: (await market.credits(stack.seed.wallet.agentId)) as bigint, requester: (await market.credits(requester)) as bigint };
  await open(`/market/jobs/${jobId}`, /^Job/);
  const help = page.locator("#decline-help");
  await help.waitFor();
  assert.match(await help.innerText(), /refunds both sides in full/);
  assert.match(await help.innerText(), /first quarter of the delivery period, until/);
  await page.getByRole("button", { name: "Decline job" }).click();
  await confirmed(`Decline job ${jobId}`);
  assert.equal(Number((await market.getJob(jobId)).status), JOB_DECLINED, "declined on-chain");
  const value = j.value as bigint;
  assert.equal((await market.credits(stack.seed.wallet.agentId)) as bigint, before.provider + (value * 200n) / 10_000n, "the provider's 2% deposit back");
  assert.equal((await market.credits(requester)) as bigint, before.requester + ((await market.requesterLock(value)) as bigint), "the requester's whole lock back");
  await eventually("the job shows as declined", async () => /declined/i.test(await page.getByTestId("job-status").innerText()));
  await eventually("no decline is offered any more", async () => (await page.getByRole("button", { name: "Decline job" }).count()) === 0);
  // the provider's profile counts it
  await open(`/agents/${stack.seed.wallet.agentId}`, /^Agent/);
  await eventually("the agent's jobs count the decline", async () => /1 declined/.test(await page.locator("main").innerText()));
  // and the market's provider list, where requesters choose
  await open("/market", "Market");
  await eventually("the provider list shows it", async () => /1 \/ 0/.test(await row("provider-row", "data-agent-id", String(stack.seed.wallet.agentId)).innerText().catch(() => "")));
  assertClean("decline a job");
});

step("job page: the provider does a sha256-iter job's work in the browser, writes an llm-text answer to its rubric, and delivers both; the runtime's check passes", async () => {
  // the wallet's agent quotes sha256-iter work (signed in Node with the wallet's key, as the form
  // signs it); the seeded requester publishes its spec on the spec store and fills the quote
  const walletSigner = new ethers.Wallet(stack.walletKey, stack.chain.provider);
  const market = stack.chain.contract("WorkMarket");
  const now = BigInt((await stack.chain.provider.getBlock("latest"))!.timestamp);
  const q = {
    providerAgentId: stack.seed.wallet.agentId, resourceKind: ethers.id("sha256-iter"), units: 4n, unitPrice: 50n * E18,
    expiry: now + 86_400n, nonce: 77n, requester: 0n, deliveryPeriod: 86_400n,
  };
  const signature = await signQuote(stack.chain, walletSigner, q);
  const spec = { input: ethers.hexlify(ethers.toUtf8Bytes("delivered from a browser")), iterations: 1_000, kind: "sha256-iter", salt: "e2e-deliver" };
  const text = JSON.stringify(spec); // keys already in sorted order: canonical
  const res = await fetch(`${stack.indexerUrl}/specs`, { method: "POST", headers: { "content-type": "application/json" }, body: text });
  assert.equal(res.status < 300, true, `the spec store took the spec (${res.status})`);
  await (await stack.chain.contract("WorkMarket", stack.seed.market.requester.signer).fillQuote(q, signature, stack.seed.market.requester.agentId, ethers.id(text))).wait();
  const jobId = (await market.jobCount()) as bigint;
  await stack.waitForIndexed();

  await open(`/market/jobs/${jobId}`, /^Job/);
  const help = page.getByTestId("deliver-help");
  await eventually("the work is offered", async () => /SHA-256 applied 1,000 times, computed in this browser/.test(await help.innerText().catch(() => "")));
  await page.getByRole("button", { name: "Do the work and deliver" }).click();
  await confirmed(`Deliver job ${jobId}`);
  const j = await market.getJob(jobId);
  assert.equal(Number(j.status), JOB_SUBMITTED, "submitted on-chain");
  // what the agents' validators and the requester will run: the delivery re-executes to its result
  const log = (await market.queryFilter(market.filters.JobSubmitted(jobId))).at(-1) as ethers.EventLog;
  const [, resultHash, resultURI] = log.args as unknown as [bigint, string, string];
  assert.equal(resultHash, ethers.keccak256(ethers.toUtf8Bytes(runtimeSha256Iter(spec.input as `0x${string}`, spec.iterations))), "the digest the runtime computes");
  assert.deepEqual(verifyDelivery(ethers.id(text) as `0x${string}`, resultHash as `0x${string}`, resultURI).ok, true);
  await eventually("the job shows as submitted with its result", async () => /submitted/i.test(await page.getByTestId("job-status").innerText()) && /0x[0-9a-f]{64}/.test(await page.getByTestId("job-result").innerText().catch(() => "")));
  await shot("09b-delivered");

  // an llm-text job of the wallet's agent: the provider writes the answer itself; the page checks
  // it against the job's rubric, as the validators' agents do, before anything is sent
  const llmQ = { ...q, resourceKind: ethers.id("llm-text"), units: 2n, unitPrice: 60n * E18, nonce: 78n };
  const llmSpec = { kind: "llm-text" as const, maxTokens: 200, model: "gpt-4o-mini", prompt: "Explain escrow in one sentence.", rubric: { maxWords: 150, minWords: 4, mustInclude: ["escrow"], mustNotInclude: ["lorem"] }, salt: "e2e-llm" };
  const llmText = canonical(llmSpec);
  const posted = await fetch(`${stack.indexerUrl}/specs`, { method: "POST", headers: { "content-type": "application/json" }, body: llmText });
  assert.ok(posted.status < 300, `the spec store took the llm-text spec (${posted.status})`);
  await (await stack.chain.contract("WorkMarket", stack.seed.market.requester.signer).fillQuote(llmQ, await signQuote(stack.chain, walletSigner, llmQ), stack.seed.market.requester.agentId, ethers.id(llmText))).wait();
  const llmJob = (await market.jobCount()) as bigint;
  await stack.waitForIndexed();
  await open(`/market/jobs/${llmJob}`, /^Job/);
  const answer = page.getByLabel("Your answer");
  await answer.waitFor();
  await answer.fill("It holds money");
  await eventually("the rubric is not met yet", async () => /Not yet: .*missing "escrow"/.test(await page.getByTestId("answer-check").innerText()));
  assert.equal(await page.getByRole("button", { name: "Deliver the answer" }).isDisabled(), true, "nothing can be sent before the rubric is met");
  await answer.fill("Escrow holds the price until the work is approved.");
  await eventually("the rubric is met", async () => /Meets the rubric \(9 words\)/.test(await page.getByTestId("answer-check").innerText()));
  await page.getByRole("button", { name: "Deliver the answer" }).click();
  await confirmed(`Deliver the answer to job ${llmJob}`);
  assert.equal(Number((await market.getJob(llmJob)).status), JOB_SUBMITTED);
  const llmLog = (await market.queryFilter(market.filters.JobSubmitted(llmJob))).at(-1) as ethers.EventLog;
  const [, llmResultHash, llmUri] = llmLog.args as unknown as [bigint, string, string];
  assert.equal(verifyDelivery(ethers.id(llmText) as `0x${string}`, llmResultHash as `0x${string}`, llmUri).ok, true, "the validators' check passes on the written answer");
  assertClean("deliver in the browser");
});

step("open jobs: the wallet posts one from the market page (a provider accepts it), and takes another from its job page and delivers it", async () => {
  const market = stack.chain.contract("WorkMarket");
  const me = stack.seed.wallet.agentId;
  // A: the market page's form escrows an open sha256-iter job; its spec goes to the spec store first
  await open("/market", "Market");
  const form = page.locator("form").filter({ has: page.locator("#j-spec") });
  await form.getByLabel("Price per unit (COMPUTE)").fill("10");
  await form.getByLabel("Work to do").fill("an open job from e2e");
  await form.getByRole("button", { name: "Post job" }).click();
  await page.locator("#j-price-error").waitFor();
  assert.match(await page.locator("#j-price-error").innerText(), /minimum job is 100 COMPUTE/, "a job under the minimum is refused before anything is sent");
  await form.getByLabel("Price per unit (COMPUTE)").fill("40");
  const before = (await market.jobCount()) as bigint;
  await form.getByRole("button", { name: "Post job" }).click();
  await confirmed("Post an open job (160 COMPUTE)");
  const posted = (await market.jobCount()) as bigint;
  assert.equal(posted, before + 1n);
  const pj = await market.getJob(posted);
  assert.equal(Number(pj.status), 1, "Open on-chain");
  assert.equal(pj.requesterAgentId as bigint, me);
  assert.equal(pj.value as bigint, 160n * E18);
  await stack.waitForIndexed();
  const postedSpec = ((await market.queryFilter(market.filters.JobCreated(posted)))[0] as ethers.EventLog).args.specHash as string;
  const stored = await stack.gql<{ spec: string | null }>(`query($h: Bytes!) { spec(hash: $h) }`, { h: postedSpec });
  assert.match(stored.spec ?? "", /"iterations":1000,"kind":"sha256-iter"/, "the spec a provider's agent executes, on the spec store under the job's spec hash");
  // a provider (the seeded one, as its agent would) takes it
  await (await stack.chain.contract("WorkMarket", stack.seed.market.provider.signer).accept(posted, stack.seed.market.provider.agentId)).wait();
  await open(`/market/jobs/${posted}`, /^Job/);
  await eventually("the posted job shows as accepted", async () => /accepted/i.test(await page.getByTestId("job-status").innerText()));

  // B: an open job of the seeded requester, taken by the wallet's agent from its page, then delivered
  const requester = stack.seed.market.requester;
  await (await stack.chain.contract("ComputeToken", requester.signer).approve(await market.getAddress(), 10n ** 24n)).wait();
  const spec = { input: ethers.hexlify(ethers.toUtf8Bytes("taken from an open job")), iterations: 500, kind: "sha256-iter", salt: "e2e-open" };
  const text = JSON.stringify(spec);
  const res = await fetch(`${stack.indexerUrl}/specs`, { method: "POST", headers: { "content-type": "application/json" }, body: text });
  assert.ok(res.status < 300, `the spec store took the spec (${res.status})`);
  const now = BigInt((await stack.chain.provider.getBlock("latest"))!.timestamp);
  await (await stack.chain.contract("WorkMarket", requester.signer).createJob({ requesterAgentId: requester.agentId, providerAgentId: 0n, value: 120n * E18, specHash: ethers.id(text), acceptDeadline: now + 3_600n, deliveryPeriod: 7_200n })).wait();
  const taken = (await market.jobCount()) as bigint;
  await stack.waitForIndexed();
  await open(`/market/jobs/${taken}`, /^Job/);
  await page.locator("#accept-help").waitFor();
  assert.match(await page.locator("#accept-help").innerText(), new RegExp(`as agent ${me}: a 2% deposit .* Deliver within 2 h`, "s"));
  await page.getByRole("button", { name: "Accept job" }).click();
  await confirmed(`Accept job ${taken} as agent ${me}`);
  const tj = await market.getJob(taken);
  assert.equal(Number(tj.status), JOB_ACCEPTED);
  assert.equal(tj.providerAgentId as bigint, me, "the wallet's agent is the provider");
  await eventually("the delivery is offered", async () => /SHA-256 applied 500 times, computed in this browser/.test(await page.getByTestId("deliver-help").innerText().catch(() => "")));
  await page.getByRole("button", { name: "Do the work and deliver" }).click();
  await confirmed(`Deliver job ${taken}`);
  assert.equal(Number((await market.getJob(taken)).status), JOB_SUBMITTED);
  await shot("09c-open-job-delivered");
  assertClean("open jobs");
});

step("ventures: invests in an open raise (approval, then invest)", async () => {
  const v = stack.seed.venture;
  await open("/ventures", "Ventures");
  const listed = row("venture-row", "data-address", v.address.toLowerCase());
  await listed.waitFor();
  assert.match(await listed.innerText(), new RegExp(v.name));
  // pricePerShare is COMPUTE wei per share wei: a whole share costs that many whole COMPUTE
  assert.equal((await listed.getByTestId("venture-price").innerText()).trim(), `${v.pricePerShare.toLocaleString("en-US")} COMPUTE`, "the price of a whole share");
  await shot("08-ventures");
  await listed.getByRole("link").first().click();
  await page.getByRole("heading", { level: 1, name: new RegExp(`Venture ${v.name}`) }).waitFor();
  await page.waitForLoadState("networkidle").catch(() => undefined);

  await page.getByLabel("Shares").fill("100");
  await page.getByRole("button", { name: "Invest", exact: true }).click();
  await confirmed(`in ${v.name}`, 90_000);
  const shares = (await erc20(v.address).balanceOf(stack.seed.wallet.address)) as bigint;
  assert.equal(shares, 100n * E18, "the wallet holds 100 shares");
  await row("holding-row", "data-venture", v.address.toLowerCase()).waitFor();
  await shot("09-venture-invested");
  assertClean("invest");
});

step("ventures: revenue deposited by the venture is claimable and claimed", async () => {
  const v = stack.seed.venture;
  // the venture's operator deposits 1,000 COMPUTE; 90% goes to the shareholders (only the wallet)
  await stack.depositRevenue(1_000n * E18);
  await open("/ventures", "Ventures");
  const holding = row("holding-row", "data-venture", v.address.toLowerCase());
  await eventually("the holding shows the claimable revenue", async () => /900 COMPUTE/.test(await holding.getByTestId("holding-claimable").innerText()), 30_000);
  const compute = erc20(addr("ComputeToken"));
  const before = (await compute.balanceOf(stack.seed.wallet.address)) as bigint;
  await holding.getByRole("button", { name: "Claim" }).click();
  await confirmed(`Claim revenue of ${v.name}`);
  const gained = ((await compute.balanceOf(stack.seed.wallet.address)) as bigint) - before;
  assert.equal(gained, 900n * E18, "the wallet received its 90% of the deposit");
  const venture = new ethers.Contract(v.address, ["function claimableOf(address,address) view returns (uint256)"], stack.chain.provider);
  assert.equal((await venture.claimableOf(stack.seed.wallet.address, addr("ComputeToken"))) as bigint, 0n);
  await stack.waitForIndexed();
  // the venture page lists the deposit in its revenue history
  await page.goto(`${stack.webUrl}/ventures/${v.address}`);
  await page.getByRole("heading", { level: 1, name: new RegExp(`Venture ${v.name}`) }).waitFor();
  await page.getByTestId("revenue-row").first().waitFor();
  assert.match(await page.getByTestId("revenue-row").first().innerText(), /1,000/);
  await chartsReadable("the venture page", 1);
  // the operator's 10% waits in the venture until someone pays it out (anyone may; it goes to the operator)
  const operatorAddress = await v.operator.getAddress();
  await eventually("the panel shows what the operator is owed", async () => /100 COMPUTE/.test(await page.getByTestId("operator-owed").innerText()));
  const operatorBefore = (await compute.balanceOf(operatorAddress)) as bigint;
  await page.getByRole("button", { name: "Pay out to the operator" }).click();
  await confirmed(`Pay ${v.name}'s operator its revenue`);
  assert.equal(((await compute.balanceOf(operatorAddress)) as bigint) - operatorBefore, 100n * E18, "the operator received its 10%");
  await eventually("nothing left to pay out", async () => /^Owed to the operator: 0 COMPUTE/.test((await page.getByTestId("operator-owed").innerText()).trim()));
  await shot("10-revenue-claimed");
  assertClean("claim revenue");
});

step("ventures: launches a venture from the form (refused fields first, nothing sent), then its page opens with the raise as entered", async () => {
  await open("/ventures", "Ventures");
  const form = page.getByTestId("launch-venture");
  await form.scrollIntoViewIfNeeded();
  const factory = stack.chain.contract("VentureFactory");
  const count = async () => (await factory.queryFilter(factory.filters.VentureCreated())).length;
  const before = await count();
  // a minimum above the cap and a fee without a period are refused under their fields
  await form.getByLabel("Name").fill("E2E Launch Lab");
  await form.getByLabel("Share symbol").fill("E2EL");
  await form.getByLabel("Price per share (COMPUTE)").fill("4");
  await form.getByLabel("Minimum shares to sell").fill("5,000");
  await form.getByLabel("Cap (most shares sold)").fill("2,000");
  await form.getByLabel("Performance fee (%, optional)").fill("10");
  await form.getByLabel("Fee period (days)").fill("");
  await form.getByRole("button", { name: "Launch venture" }).click();
  await eventually("the minimum's error", async () => /cannot be above the cap/.test(await page.locator("#lv-min-error").innerText().catch(() => "")));
  assert.match(await page.locator("#lv-period-error").innerText(), /hurdle period/);
  assert.equal(await count(), before, "nothing was sent");

  await form.getByLabel("Cap (most shares sold)").fill("50,000");
  await form.getByLabel("Fee period (days)").fill("7");
  await form.getByLabel("Raise open for (days)").fill("14");
  await form.getByLabel("Revenue to shareholders (%)").fill("75");
  await form.getByLabel("Document (URI, optional)").fill("ipfs://e2e-launch");
  assert.equal((await form.getByTestId("launch-targets").innerText()).trim(), "Minimum raise 20,000 COMPUTE · cap 200,000 COMPUTE");
  await form.getByRole("button", { name: "Launch venture" }).click();
  await confirmed("Launch E2E Launch Lab (E2EL)");
  await page.getByRole("heading", { level: 1, name: /Venture E2E Launch Lab/ }).waitFor({ timeout: 30_000 });
  const address = page.url().split("/ventures/")[1];
  assert.match(address, /^0x[0-9a-f]{40}$/, "the new venture's page opened");
  assert.equal(await count(), before + 1);
  assert.ok(await factory.isVenture(address), "created by the factory");
  const venture = new ethers.Contract(address, [
    "function raiseConfig() view returns ((uint256 pricePerShare, uint256 minShares, uint256 maxShares, uint256 deadline))",
    "function revenueConfig() view returns ((uint256 distributionBps, uint256 performanceFeeBps, uint256 performancePeriod))",
    "function operator() view returns (address)", "function symbol() view returns (string)",
  ], stack.chain.provider);
  const raise = await venture.raiseConfig();
  assert.deepEqual([raise.pricePerShare, raise.minShares, raise.maxShares], [4n, 5_000n * E18, 50_000n * E18]);
  const revenue = await venture.revenueConfig();
  assert.deepEqual([revenue.distributionBps, revenue.performanceFeeBps, revenue.performancePeriod], [7_500n, 1_000n, 7n * 86_400n]);
  assert.equal(((await venture.operator()) as string).toLowerCase(), stack.seed.wallet.address.toLowerCase(), "the wallet operates it");
  assert.equal(await venture.symbol(), "E2EL");
  await eventually("the page shows the indexed raise", async () => (await page.getByTestId("venture-price").innerText()).trim() === "4 COMPUTE");
  await shot("10b-venture-launched");
  assertClean("launch venture");

  // the account page lists it among the ventures the wallet runs
  await open("/account", "Account");
  const operated = row("operated-row", "data-venture", address);
  await operated.waitFor();
  assert.match(await operated.innerText(), /E2E Launch Lab[\s\S]*0% of the minimum \(0 of 5,000 shares\)/);
  await open(`/ventures/${address}`, /Venture E2E Launch Lab/);

  // its operator (the wallet) cancels the raise, after a confirmation
  const state = new ethers.Contract(address, ["function raiseState() view returns (uint8)", "function pendingOperator() view returns (address)"], stack.chain.provider);
  page.once("dialog", (d) => void d.accept());
  await page.getByRole("button", { name: "Cancel the raise" }).click();
  await confirmed("Cancel the raise of E2E Launch Lab");
  assert.equal(Number(await state.raiseState()), 3, "RaiseState.Failed: refunds open");
  await eventually("the page shows the raise cancelled", async () => /cancelled/.test(await page.getByTestId("venture-status").innerText()));
  // and hands the venture over: a malformed address is refused, then the offer is accepted by the new operator
  await page.getByLabel("Hand the venture over to (address)").fill("0x12");
  await page.getByRole("button", { name: "Offer the operator role" }).click();
  assert.match(await page.locator("#op-to-error").innerText(), /40 hex digits/);
  const heir = stack.seed.venture.operator;
  await page.getByLabel("Hand the venture over to (address)").fill(await heir.getAddress());
  await page.getByRole("button", { name: "Offer the operator role" }).click();
  await confirmed(/Offer E2E Launch Lab to/);
  assert.equal(((await state.pendingOperator()) as string).toLowerCase(), (await heir.getAddress()).toLowerCase());
  await (await (new ethers.Contract(address, ["function acceptOperator()"], heir)).acceptOperator()).wait();
  assert.equal(((await venture.operator()) as string).toLowerCase(), (await heir.getAddress()).toLowerCase());
  await stack.waitForIndexed();
  await eventually("the page shows the new operator, and the wallet no longer has an operator's buttons", async () =>
    (await page.getByTestId("operator-panel").innerText()).includes("Owed to the operator") && (await page.getByRole("button", { name: "Offer the operator role" }).count()) === 0);
  assertClean("operator hand-over");
});

step("account: the session, my positions, my agents and my holdings", async () => {
  await open("/account", "Account");
  await page.getByTestId("account-session").waitFor();
  assert.equal((await page.getByTestId("account-session").innerText()).toLowerCase(), stack.seed.wallet.address.toLowerCase());
  await page.getByTestId("position-row").first().waitFor();
  await row("agent-row", "data-agent-id", String(stack.seed.wallet.agentId)).waitFor();
  await page.getByTestId("holding-row").first().waitFor();
  // the owner edits its agent's card URI: nothing changed is said before anything is sent
  const me = stack.seed.wallet.agentId;
  await page.locator("#edit-agent").selectOption(String(me));
  await page.getByRole("button", { name: "Save agent" }).click();
  await eventually("an unchanged agent is not sent", async () => /Nothing changed/.test(await page.locator("#edit-error").innerText().catch(() => "")));
  await page.locator("#edit-uri").fill("https://example.org/e2e-agent.json");
  await page.getByRole("button", { name: "Save agent" }).click();
  await confirmed(`Set agent ${me}'s card URI`);
  assert.equal(await stack.chain.contract("AgentRegistry").agentCardURI(me), "https://example.org/e2e-agent.json");
  // its market credit topped up by an EIP-3009 authorisation: one signature, one transaction, no approval
  const market = stack.chain.contract("WorkMarket");
  const creditBefore = (await market.credits(me)) as bigint;
  const signsBefore = browser.wallet.calls("eth_signTypedData_v4").length;
  const approvalsBefore = (await stack.chain.contract("ComputeToken").allowance(stack.seed.wallet.address, addr("WorkMarket"))) as bigint;
  const deposit = page.getByTestId("deposit-credit");
  await deposit.locator("#dc-agent").selectOption(String(me));
  await deposit.getByLabel("Amount (COMPUTE)").fill("10,000,000");
  await deposit.getByRole("button", { name: "Deposit credit" }).click();
  await eventually("more than the balance is refused", async () => /more than your COMPUTE balance/.test(await page.locator("#dc-error").innerText().catch(() => "")));
  await deposit.getByLabel("Amount (COMPUTE)").fill("50");
  await deposit.getByRole("button", { name: "Deposit credit" }).click();
  await confirmed(`Deposit 50 COMPUTE into agent ${me}'s credit`);
  assert.equal(((await market.credits(me)) as bigint) - creditBefore, 50n * E18, "the agent's credit grew by 50");
  assert.equal(browser.wallet.calls("eth_signTypedData_v4").length, signsBefore + 1, "one signature");
  assert.equal((await stack.chain.contract("ComputeToken").allowance(stack.seed.wallet.address, addr("WorkMarket"))) as bigint, approvalsBefore, "no approval");
  await shot("11-account");
  assertClean("account");
});

step("agent profile and job page show the indexed history", async () => {
  const provider = stack.seed.market.provider.agentId;
  await open(`/agents/${provider}`, /^Agent/);
  assert.match(await page.getByTestId("agent-roles").innerText(), /provider/i);
  await page.getByTestId("job-row").first().waitFor();
  // its market earnings drawn at each settlement: a chart exactly when it earned anything
  const earnedWei = BigInt((await page.getByTestId("agent-earned").getAttribute("data-value")) ?? "0");
  const pnl = page.getByRole("region", { name: "Earned and spent in the market" });
  if (earnedWei > 0n) {
    assert.match((await pnl.getByRole("img").getAttribute("aria-label")) ?? "", new RegExp(`^COMPUTE agent ${provider} earned as a provider.*latest Earned \\(provider\\) [0-9.,]+[kM]? COMPUTE`));
    assert.match(await pnl.getByTestId("pnl-note").innerText(), /Summed at each settlement/);
  } else {
    assert.equal(await pnl.getByTestId("empty").innerText(), "No settled jobs yet.");
  }
  await shot("12-agent");
  assertClean("agent");

  const jobId = stack.seed.seededJobId;
  await open(`/market/jobs/${jobId}`, /^Job/);
  assert.match(await page.getByTestId("job-status").innerText(), /accepted/i);
  assert.ok((await page.getByTestId("job-event-row").count()) >= 1, "the job's events are listed");
  await shot("13-job");
  assertClean("job");
});

step("a refused wallet request ends in a failed state, and nothing is sent", async () => {
  await open("/stake", "Stake");
  const sends = browser.wallet.calls("eth_sendTransaction").length;
  browser.wallet.rejectNextRequest("eth_signTypedData_v4");
  await page.getByLabel("Amount (UBC)").fill("10");
  await page.getByRole("button", { name: "Stake", exact: true }).click();
  const region = page.locator('[data-testid="tx-status"][data-state="failed"]');
  await region.waitFor();
  assert.match(await region.innerText(), /reject|denied|cancel/i);
  assert.equal(browser.wallet.calls("eth_sendTransaction").length, sends);
  await shot("14-rejected");
  // a refused request is the user's choice, not an error of the app
  problems.consoleErrors.length = 0;
  assertClean("rejected request");
});

step("job page: the wallet settles its filled job, then rates the provider", async () => {
  // the job the wallet filled from the board is delivered and validated, and its challenge period passes
  const market = stack.chain.contract("WorkMarket");
  const filled = await eventually("the wallet's filled job", async () => {
    for (let id = (await market.jobCount()) as bigint; id > 0n; id--) {
      const j = await market.getJob(id);
      if (j.requesterAgentId === stack.seed.wallet.agentId && Number(j.status) === JOB_ACCEPTED) return id;
    }
    return null;
  }, 5_000);
  await stack.settleJob(filled, { settle: false });
  await open(`/market/jobs/${filled}`, /^Job/);
  await eventually("the job shows as validated", async () => /validated/i.test(await page.getByTestId("job-status").innerText()));
  await page.getByRole("button", { name: "Settle job" }).click();
  await confirmed(`Settle job ${filled}`);
  assert.equal(Number((await market.getJob(filled)).status), JOB_SETTLED, "settled on-chain");
  await eventually("the job shows as settled", async () => /settled/i.test(await page.getByTestId("job-status").innerText()));
  // out of range first: the form says so and sends nothing
  await page.getByLabel("Score (0–100)").fill("101");
  await page.getByRole("button", { name: "Give feedback" }).click();
  await page.locator("#fb-score-error").waitFor();
  await page.getByLabel("Score (0–100)").fill("80");
  await page.getByRole("button", { name: "Give feedback" }).click();
  await confirmed(/Rate agent \d+ 80\/100 on job/);
  await eventually("the feedback is listed", async () => /80\/100/.test(await page.getByTestId("feedback-row").first().innerText()));
  // the same side cannot rate twice: the contract's custom error, decoded, before the wallet opens
  await page.getByRole("button", { name: "Give feedback" }).click();
  const region = page.getByTestId("tx-status");
  await eventually("the second rating fails with the decoded error", async () => (await region.getAttribute("data-state")) === "failed" && /FeedbackAlreadyGiven/.test(await region.innerText()));
  await shot("14b-job-actions");
  assertClean("job actions");
});
step("job page: past their deadlines, an undelivered job is expired (requester compensated) and a verdict without quorum finalized", async () => {
  // the wallet buys two jobs from the seeded provider: one it never delivers, one it delivers
  // without any committee voting; then the chain's clock passes the delivery period (a day)
  const walletSigner = new ethers.Wallet(stack.walletKey, stack.chain.provider);
  const market = stack.chain.contract("WorkMarket", walletSigner);
  const me = stack.seed.wallet.agentId;
  const provider = stack.seed.market.provider;
  const fill = async (nonce: bigint, spec: string) => {
    const q = await quoteOf(stack.chain, stack.seed.market, "gpu-hour", 2n, 150n * E18, nonce);
    await (await market.fillQuote(q.quote, q.signature, me, ethers.id(spec))).wait();
    return (await market.jobCount()) as bigint;
  };
  const undelivered = await fill(1_000n, "e2e: never delivered");
  const unvoted = await fill(1_001n, "e2e: delivered, never voted on");
  await (await stack.chain.contract("WorkMarket", provider.signer).submit(unvoted, ethers.id("e2e-result"), "ipfs://e2e-result")).wait();
  const value = (await market.getJob(undelivered)).value as bigint;
  const lock = (await market.requesterLock(value)) as bigint;
  const deposit = (value * 200n) / 10_000n;
  await stack.chain.rpc("evm_increaseTime", [86_400 + 1]);
  await stack.chain.rpc("evm_mine", []);
  await stack.waitForIndexed();

  const credit = (await market.credits(me)) as bigint;
  const supplyBefore = (await stack.chain.contract("ComputeToken").totalSupply()) as bigint;
  await open(`/market/jobs/${undelivered}`, /^Job/);
  const help = page.locator("#expire-help");
  await help.waitFor();
  assert.match(await help.innerText(), /did not deliver by .*slashed deposit.*burns/s);
  assert.match(await page.getByTestId("job-status").innerText(), /overdue/i, "an accepted job past its delivery deadline says so");
  assert.equal(await page.getByRole("button", { name: "Decline job" }).count(), 0, "no decline once its window is over");
  await shot("14c-job-expire");
  await page.getByRole("button", { name: "Expire job" }).click();
  await confirmed(`Expire job ${undelivered}`);
  assert.equal(Number((await market.getJob(undelivered)).status), JOB_EXPIRED, "expired on-chain");
  assert.equal((await market.credits(me)) as bigint, credit + lock + deposit - deposit / 2n, "the wallet's agent: its lock back plus half the provider's deposit");
  assert.equal(supplyBefore - ((await stack.chain.contract("ComputeToken").totalSupply()) as bigint), deposit / 2n, "the other half burned");
  await eventually("the job shows as expired", async () => /expired/i.test(await page.getByTestId("job-status").innerText()));
  await eventually("nothing left to expire", async () => (await page.getByRole("button", { name: "Expire job" }).count()) === 0);

  await open(`/market/jobs/${unvoted}`, /^Job/);
  await page.locator("#finalize-help").waitFor();
  assert.match(await page.locator("#finalize-help").innerText(), /no quorum/);
  await page.getByRole("button", { name: "Finalize the verdict" }).click();
  await confirmed(`Finalize the verdict of job ${unvoted}`);
  const j = await market.getJob(unvoted);
  assert.equal(Number(j.status), JOB_VALIDATED, "validated on-chain (accepted optimistically: no vote rejected it)");
  await eventually("the job shows as validated", async () => /validated/i.test(await page.getByTestId("job-status").innerText()));
  // the provider list counts the job its provider never delivered
  await open("/market", "Market");
  await eventually("the provider list counts the undelivered job", async () => /\b0 \/ 1\b/.test(await row("provider-row", "data-agent-id", String(provider.agentId)).innerText().catch(() => "")));
  await shot("14d-market-undelivered");
  assertClean("past-deadline actions");
});

step("agents directory: every registered agent, filtered by role and ordered by the chosen figure (server-rendered from ?role=&sort=)", async () => {
  await open("/agents", "Agents");
  const rows = page.getByTestId("agent-row");
  await rows.first().waitFor();
  const registry = stack.chain.contract("AgentRegistry");
  const registered = (await registry.queryFilter(registry.filters.Transfer(ethers.ZeroAddress))).length;
  await stack.waitForIndexed();
  await eventually("every registered agent is listed", async () => (await rows.count()) === registered);
  await page.getByLabel("Show").selectOption("validator");
  await page.waitForURL(/role=validator/);
  await eventually("only validators", async () => {
    const roles = await rows.evaluateAll((rs) => rs.map((r) => Number(r.getAttribute("data-roles"))));
    return roles.length > 0 && roles.every((b) => (b & 4) !== 0);
  });
  await page.getByLabel("Order by").selectOption("earned");
  await page.waitForURL(/sort=earned/);
  await page.getByLabel("Show").selectOption("all");
  await page.waitForURL(/role=all&sort=earned/);
  await eventually("ordered by earnings, largest first", async () => {
    const earned = await page.getByTestId("agent-earned").evaluateAll((cs) => cs.map((c) => BigInt(c.getAttribute("data-value") ?? "0")));
    return earned.length === registered && earned.every((e, i) => i === 0 || earned[i - 1] >= e) && earned[0] > 0n;
  });
  await shot("12b-agents");
  // the top earner's page draws its market earnings: the chart's last "Earned" point is its total
  const top = (await rows.first().getAttribute("data-agent-id"))!;
  const topEarned = BigInt((await rows.first().getByTestId("agent-earned").getAttribute("data-value"))!);
  await open(`/agents/${top}`, /^Agent/);
  const pnl = page.getByRole("region", { name: "Earned and spent in the market" });
  await pnl.getByRole("img").waitFor();
  await chartsReadable("the top earner's page", 1);
  const label = (await pnl.getByRole("img").getAttribute("aria-label")) ?? "";
  const drawn = /latest Earned \(provider\) ([0-9.]+)([kMB]?) COMPUTE/.exec(label);
  assert.ok(drawn, `the chart names its latest earned total: ${label}`);
  const scale = { "": 1, k: 1e3, M: 1e6, B: 1e9 }[drawn[2] as "" | "k" | "M" | "B"];
  const total = Number(topEarned / 10n ** 12n) / 1e6;
  assert.ok(Math.abs(Number(drawn[1]) * scale - total) <= total * 0.01, `drawn ${drawn[1]}${drawn[2]} against ${total} COMPUTE earned`);
  await shot("12c-agent-earnings");
  assertClean("agents");
});

step("overview reflects the activity of the session, with a settled job's volume and fee", async () => {
  // the job the wallet filled from the board was settled from the job page (above); the
  // overview follows the chain over a graphql-ws subscription, not by polling. A re-read is the
  // browser's own GraphQL request or a server re-render of the page (router.refresh(): a request
  // for the route's RSC payload, which reads the indexer on the server): both are counted.
  const sockets: string[] = [];
  let posts = 0;
  const onSocket = (ws: { url(): string }) => sockets.push(ws.url());
  const onRequest = (r: { method(): string; url(): string; headers(): Record<string, string> }) => {
    if (r.method() === "POST" && r.url().endsWith("/graphql")) posts++;
    else if (r.headers()["rsc"] === "1" && new URL(r.url()).pathname === "/") posts++;
  };
  page.on("websocket", onSocket);
  page.on("request", onRequest);
  try {
    await open("/", "Overview");
    await eventually("total staked includes the wallet's 1,000 UBC", async () => /51,000/.test(await page.getByTestId("total-staked").innerText()));
    await eventually("market volume shows the settled job", async () => num(await page.getByTestId("market-volume").innerText()) > 0);
    await eventually("a graphql-ws subscription to the indexer", async () => sockets.some((u) => /^ws:.*\/graphql$/.test(u)));
    // no block, no request: nothing is polled while the subscription is up (polling was every 3 s)
    await page.waitForTimeout(1500);
    const before = posts;
    await page.waitForTimeout(4000);
    assert.equal(posts, before, "no GraphQL request or page refresh without a new block (live, not polled)");
    const shown = BigInt((await page.getByTestId("treasury").getAttribute("data-value")) ?? "0");
    // a keeper sweeps the fees: the treasury's share of the protocol fee (1% of the job) reaches it
    await (await stack.chain.contract("WorkMarket").sweep()).wait();
    const treasury = (await erc20(addr("ComputeToken")).balanceOf(addr("Treasury"))) as bigint;
    assert.ok(treasury > shown, "the treasury received the swept fee on-chain");
    await eventually("the treasury figure follows the sweep live", async () => BigInt((await page.getByTestId("treasury").getAttribute("data-value")) ?? "0") === treasury, 20_000);
    assert.ok(posts > before, "the new block made the page re-read");
  } finally {
    page.off("websocket", onSocket);
    page.off("request", onRequest);
  }
  await shot("15-overview-after");
  assertClean("overview after");
});

step("validators: the wallet's agent takes the validator role and stakes; drawn to a committee, it checks the work in the browser and approves; it claims its fee", async () => {
  const pool = stack.chain.contract("ValidatorPool");
  const market = stack.chain.contract("WorkMarket");
  const me = stack.seed.wallet.agentId;
  await open("/validators", "Validators");
  await eventually("the seeded validators are listed", async () => (await page.getByTestId("validator-row").count()) >= 3);
  // the header holds its seven sections and the signed-in wallet on one row at a desktop width
  const [nav, wallet] = await Promise.all([page.locator(".site-header nav").boundingBox(), page.locator(".site-header .wallet").boundingBox()]);
  assert.ok(nav && wallet && Math.abs(nav.y - wallet.y) < 12, `the header wraps: nav at y=${nav?.y}, wallet at y=${wallet?.y}`);
  await page.getByRole("button", { name: `Give agent ${me} the validator role` }).click();
  await confirmed(`Give agent ${me} the validator role`);
  await page.getByRole("button", { name: `Stake as agent ${me}` }).click();
  await confirmed(`Stake 10,000 UBC as validator (agent ${me})`);
  const vid = (await pool.validatorIdOf(stack.seed.wallet.address)) as bigint;
  assert.ok(vid > 0n, "the wallet is a validator");
  assert.equal((await pool.getValidator(vid)).active, true, "active with the minimum stake");
  await eventually("the panel shows it active", async () => /active: drawn into committees/.test(await page.getByTestId("my-validator-status").innerText().catch(() => "")));
  await eventually("the list shows it", async () => /active/.test(await row("validator-row", "data-validator-id", String(vid)).innerText().catch(() => "")));

  // a job whose committee holds the wallet's validator (committees of 3 among 4 validators: a few tries at most)
  const m = stack.seed.market;
  const byAccount = new Map<string, ethers.Signer>();
  for (const v of m.validators) byAccount.set((await v.signer.getAddress()).toLowerCase(), v.signer);
  let jobId = 0n;
  let members: bigint[] = [];
  for (let i = 0; i < 12 && jobId === 0n; i++) {
    const q = await quoteOf(stack.chain, m, "sha256-iter", 2n, 60n * E18, 2_000n + BigInt(i));
    const spec = { input: ethers.hexlify(ethers.toUtf8Bytes(`checked by a validator ${i}`)) as `0x${string}`, iterations: 500, kind: "sha256-iter" as const, salt: `e2e-vote-${i}` };
    await (await stack.chain.contract("WorkMarket", m.requester.signer).fillQuote(q.quote, q.signature, m.requester.agentId, ethers.id(JSON.stringify(spec)))).wait();
    const id = (await market.jobCount()) as bigint;
    const result = runtimeSha256Iter(spec.input, spec.iterations);
    await (await stack.chain.contract("WorkMarket", m.provider.signer).submit(id, runtimeResultHash(result), encodeDelivery(spec, result))).wait();
    await stack.chain.rpc("evm_mine", []);
    if (i === 0) {
      // the first draw from the job's page (anyone may draw a delivered job's committee)
      await stack.waitForIndexed();
      await open(`/market/jobs/${id}`, /^Job/);
      await page.getByRole("button", { name: "Draw the committee" }).click();
      await confirmed(`Draw the committee of job ${id}`);
      await eventually("the page lists the committee", async () => /Committee: validator/.test(await page.locator("main").innerText()));
      await eventually("nothing left to draw", async () => (await page.getByRole("button", { name: "Draw the committee" }).count()) === 0);
    } else await (await pool.drawCommittee(id)).wait();
    members = ((await pool.committee(id)) as bigint[]).map((x) => BigInt(x));
    if (members.includes(vid)) jobId = id;
  }
  assert.ok(jobId > 0n, "the wallet's validator was drawn to a committee");
  await stack.waitForIndexed();
  await open(`/market/jobs/${jobId}`, /^Job/);
  const vote = page.getByTestId("vote");
  await vote.waitFor();
  await vote.getByRole("button", { name: "Check the work" }).click();
  await eventually("the re-execution in the browser agrees", async () => /The work checks out: re-executed here: the same digest/.test(await page.getByTestId("vote-check").innerText().catch(() => "")));
  await vote.getByRole("button", { name: "Approve" }).click();
  await confirmed(`Approve job ${jobId} as validator ${vid}`);
  await eventually("the vote is listed", async () => (await page.getByTestId("attestation-row").count()) >= 1);
  // another member's approval makes the quorum; the challenge period passes; the job settles
  for (const id of members) {
    if (id === vid) continue;
    const v = await pool.getValidator(id);
    const signer = byAccount.get(String(v.account).toLowerCase());
    if (!signer) continue;
    if (Number((await market.getJob(jobId)).status) !== JOB_SUBMITTED) break;
    await (await stack.chain.contract("ValidatorPool", signer).attest(jobId, true)).wait();
  }
  assert.equal(Number((await market.getJob(jobId)).status), JOB_VALIDATED);
  const periods = await market.periods();
  await stack.chain.rpc("evm_increaseTime", [Number(periods.challengePeriod) + 1]);
  await stack.chain.rpc("evm_mine", []);
  await (await market.settle([jobId])).wait();
  await stack.waitForIndexed();
  // the wallet's share of the validation fee (0.5% of 120 COMPUTE among the approving members)
  const compute = stack.chain.contract("ComputeToken");
  const before = (await compute.balanceOf(stack.seed.wallet.address)) as bigint;
  // read before the claim: the last winner's claim clears the job's round
  const winners = BigInt(((await pool.getRound(jobId)) as { approvals: bigint }).approvals.toString(2).split("").filter((b) => b === "1").length);
  await open("/validators", "Validators");
  const claim = page.getByRole("button", { name: "Claim fees" });
  await claim.waitFor({ timeout: 30_000 });
  await claim.click();
  await confirmed(/Claim [\d.]+ COMPUTE of validation fees/);
  const got = ((await compute.balanceOf(stack.seed.wallet.address)) as bigint) - before;
  assert.equal(got, (120n * E18 * 50n) / 10_000n / winners, "its share of the validation fee");
  await eventually("nothing left to claim", async () => (await page.getByRole("button", { name: "Claim fees" }).count()) === 0);
  await shot("14e-validator");
  assertClean("validators");
});

step("stake: once unlocked, a position with COMPUTE left to claim is withdrawn and claimed in one transaction (exit)", async () => {
  const vault = stack.chain.contract("StakingVault");
  const mine = (await vault.queryFilter(vault.filters.Staked(null, stack.seed.wallet.address, 0))) as ethers.EventLog[]; // the 90-day pool
  const positionId = mine.at(-1)!.args[0] as bigint;
  const position = await vault.getPosition(positionId);
  // past the 90-day pool's unlock
  await stack.chain.rpc("evm_increaseTime", [91 * 86_400]);
  await stack.chain.rpc("evm_mine", []);
  await stack.waitForIndexed();
  await open("/stake", "Stake");
  const r = row("position-row", "data-position-id", String(positionId));
  const button = r.getByRole("button", { name: "Withdraw and claim" });
  await button.waitFor();
  const ubc = erc20(addr("UBCToken"));
  const compute = erc20(addr("ComputeToken"));
  const [ubcBefore, computeBefore] = await Promise.all([ubc.balanceOf(stack.seed.wallet.address), compute.balanceOf(stack.seed.wallet.address)]) as [bigint, bigint];
  await button.click();
  await confirmed(`Withdraw and claim position #${positionId}`);
  assert.equal(((await ubc.balanceOf(stack.seed.wallet.address)) as bigint) - ubcBefore, position.amount as bigint, "the principal back");
  const after = await vault.getPosition(positionId);
  assert.equal(after.withdrawn, true);
  assert.equal(after.claimed as bigint, position.reward as bigint, "the whole reward claimed");
  assert.equal(((await compute.balanceOf(stack.seed.wallet.address)) as bigint) - computeBefore, (position.reward as bigint) - (position.claimed as bigint), "the rest of the reward paid");
  await eventually("the row shows it withdrawn", async () => /withdrawn/.test(await r.innerText()));
  assertClean("exit");
});

step("mobile viewport: pages render without horizontal overflow", async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  for (const [path, h1] of [["/", "Overview"], ["/market", "Market"], ["/agents", "Agents"], ["/validators", "Validators"]] as const) {
    await open(path, h1);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 1, `${path} overflows horizontally by ${overflow}px on a phone`);
    await shot(`16-mobile${path === "/" ? "-overview" : path.replace(/\//g, "-")}`);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  assertClean("mobile");
});
