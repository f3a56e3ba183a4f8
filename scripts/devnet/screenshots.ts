// npm run docs:screenshots — the screenshots of docs/getting-started.md, taken from a real devnet:
// starts `npm start` (free ports, a temporary DATA_DIR, the web app and a small swarm), lets the
// swarm settle a few jobs, then drives headless Chromium with the injected test wallet of the web
// app's e2e suite (web/e2e/wallet.ts: the devnet's test wallet, account #1) through the guide's
// steps — the overview, connecting the wallet, the first stake, the market — and writes one PNG per
// step (the 1280×800 viewport) to docs/img/. Stops the devnet (as Ctrl-C does) at the end.
//   --out DIR   write the PNGs elsewhere (default docs/img)
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import type { Hex } from "viem";
import { chromium, type Page } from "playwright-core";
import { CHROMIUM, CHROMIUM_FLAGS, ensureChromium } from "../../web/e2e/harness.ts";
import { installWallet, TestWallet } from "../../web/e2e/wallet.ts";
import { freePort, stopProcess } from "../lib/processes.ts";
import { devAccount, ROLES } from "./accounts.ts";
import { printed, ROOT, startDevnet, type Devnet } from "./launch.ts";

const args = process.argv.slice(2);
const out = resolve(ROOT, args.includes("--out") ? args[args.indexOf("--out") + 1] : join("docs", "img"));
const VIEWPORT = { width: 1280, height: 800 };
/** Settled jobs to wait for before the pictures (the seed settles three; the swarm adds the rest). */
const SETTLED = 6;

const log = (l: string) => process.stderr.write(`[screenshots] ${l}\n`);

async function gql<T>(url: string, query: string): Promise<T> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query }) });
  const body = (await res.json()) as { data?: T; errors?: unknown[] };
  if (body.errors || !body.data) throw new Error(`GraphQL: ${JSON.stringify(body.errors)}`);
  return body.data;
}

/** The page's transaction region reaches `confirmed` (fails on `failed`). */
async function confirmed(page: Page, timeoutMs = 90_000): Promise<void> {
  const region = page.getByTestId("tx-status");
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await region.getAttribute("data-state").catch(() => null);
    if (state === "confirmed") return;
    if (state === "failed") throw new Error(`the transaction failed: ${await region.innerText()}`);
    if (Date.now() > deadline) throw new Error(`no confirmation within ${timeoutMs} ms (state ${state})`);
    await page.waitForTimeout(200);
  }
}

async function main() {
  ensureChromium(log);
  mkdirSync(out, { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), "ubc-screenshots-"));
  const [rpcPort, indexerPort, webPort] = [await freePort(), await freePort(), await freePort()];
  let devnet: Devnet | undefined;
  let browser: Awaited<ReturnType<typeof chromium.launch>> | undefined;
  try {
    log("starting the devnet (npm start)…");
    devnet = await startDevnet(
      { RPC_PORT: String(rpcPort), INDEXER_PORT: String(indexerPort), WEB_PORT: String(webPort), DATA_DIR: join(dir, "data"), DEPLOYMENTS_DIR: dir, SWARM_AGENTS: "4" },
      [],
      {
        timeoutMs: 900_000,
        onLine: (l) => {
          if (/^(\[start\]|\[web\]|startup:|ready$)/.test(l)) log(l);
        },
      },
    );
    const [rpcUrl, graphqlUrl, webUrl] = ["rpc", "graphql", "web"].map((n) => printed(devnet!, n));

    // the swarm trades for a while, so that the pages show a running market
    const deadline = Date.now() + 120_000;
    for (;;) {
      const n = (await gql<{ protocol: { jobsSettled: number } }>(graphqlUrl, `{ protocol(id: "protocol") { jobsSettled } }`)).protocol.jobsSettled;
      if (n >= SETTLED) break;
      if (Date.now() > deadline) {
        log(`only ${n} jobs settled after 2 minutes: taking the pictures anyway`);
        break;
      }
      await new Promise((r) => setTimeout(r, 1000));
    }

    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
    const context = await browser.newContext({ viewport: VIEWPORT, locale: "en-US", timezoneId: "UTC", colorScheme: "light" });
    const wallet = new TestWallet(devAccount(ROLES.testWallet).privateKey as Hex, rpcUrl, 31337);
    await installWallet(context, wallet);
    const page = await context.newPage();
    page.setDefaultTimeout(60_000);
    const shot = async (name: string) => {
      const path = join(out, `${name}.png`);
      await page.screenshot({ path });
      log(`wrote ${relative(ROOT, path)}`);
    };
    const open = async (path: string, h1: string) => {
      await page.goto(webUrl + path);
      await page.getByRole("heading", { level: 1, name: h1 }).waitFor();
      // hydrated: the wallet button is live (or the connected address is shown)
      await page.locator('[data-testid="wallet-address"], .wallet button:not([disabled])').first().waitFor();
    };

    // 1. the overview: supply, stake, burn, value flows and charts
    await open("/", "Overview");
    await page.locator('[data-testid="total-burned"][data-value]').waitFor();
    await page.locator('.chart-grid svg[role="img"]').first().waitFor();
    await shot("getting-started-overview");

    // 2. connect the test wallet
    await page.getByRole("button", { name: "Connect wallet" }).click();
    await page.getByTestId("wallet-address").waitFor();

    // 3. the first stake: 1,000 UBC in the 90-day pool, authorised with a permit signature
    await open("/stake", "Stake");
    await page.getByTestId("pool-row").nth(2).waitFor();
    await page.getByLabel("Amount (UBC)").fill("1000");
    await page.getByLabel("Pool", { exact: true }).selectOption("0");
    await shot("getting-started-stake-form");
    // the swarm's clock keeper moves the chain's time ahead (to the next challenge deadline) and
    // can outrun the permit's deadline (an hour of chain time) between signature and transaction:
    // then the stake fails, and a second try goes through
    for (let attempt = 1; ; attempt++) {
      await page.getByRole("button", { name: "Stake", exact: true }).click();
      // a retry: the region leaves the previous attempt's `failed` state once the new one starts
      if (attempt > 1) {
        await page.waitForFunction(() => document.querySelector('[data-testid="tx-status"]')?.getAttribute("data-state") !== "failed", null, { timeout: 10_000 }).catch(() => undefined);
      }
      try {
        await confirmed(page);
        break;
      } catch (err) {
        if (attempt === 3) throw err;
        log(`attempt ${attempt}: ${(err as Error).message.split("\n")[0]}; trying again`);
        await page.waitForTimeout(1000);
      }
    }
    await page.locator('[data-testid="position-row"]').first().waitFor();
    // the new position at the top of the picture, the confirmation below it
    await page.getByRole("heading", { name: "My positions" }).evaluate((h) => h.scrollIntoView({ block: "start" }));
    await page.waitForTimeout(300);
    await shot("getting-started-staked");

    // 4. the market: jobs of the swarm, the quote board, the providers
    await open("/market", "Market");
    await page.locator("#job-filter").selectOption("all");
    await page.getByTestId("job-row").first().waitFor();
    await shot("getting-started-market");
  } finally {
    await browser?.close().catch(() => undefined);
    if (devnet) {
      process.kill(devnet.p.child.pid!, "SIGINT");
      await Promise.race([devnet.p.exited, new Promise((r) => setTimeout(r, 30_000))]);
      await stopProcess(devnet.p);
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    log(`failed: ${err.stack ?? err.message}`);
    process.exit(1);
  },
);
