import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createClient } from "graphql-ws";
import WebSocket from "ws";
import { startChain, ARTIFACTS, type TestChain } from "../testing/chain.ts";
import { seedAccounts, randomActivity } from "../testing/activity.ts";
import { startService, type Service } from "../service.ts";

async function gql(url: string, query: string, variables?: Record<string, unknown>) {
  const res = await fetch(`${url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query, variables }) });
  return { status: res.status, body: (await res.json()) as { data?: Record<string, unknown>; errors?: { message: string; extensions?: { code?: string } }[] } };
}

describe("GraphQL API in The Graph's dialect (PGlite)", () => {
  let chain: TestChain;
  let svc: Service;
  let url: string;

  before(async () => {
    chain = await startChain();
    const users = await seedAccounts(chain, 3);
    await randomActivity(chain, users, 7, 25);
    svc = await startService({ rpcUrl: chain.url, deployments: chain.deployments, artifactsDir: ARTIFACTS, port: 0, finalityDepth: 3, pollIntervalMs: 50 });
    await svc.caughtUp;
    url = svc.api.url;
  });
  after(async () => {
    await svc?.stop();
    await chain?.stop();
  });

  test("entity, entities with where / orderBy / nested filters, derived fields, _meta", async () => {
    const compute = chain.contract("ComputeToken");
    const r = await gql(url, `{
      protocol(id: "protocol") { computeTotalSupply computeTotalBurned transferCount positionCount }
      accounts(first: 3, orderBy: ubcBalance, orderDirection: desc, where: { ubcBalance_gt: "0" }) { id ubcBalance positions(first: 2) { id amount pool { id duration } } }
      stakePools(orderBy: poolId) { id poolId duration ratePerDay open }
      _meta { block { number hash timestamp } hasIndexingErrors deployment }
    }`);
    assert.equal(r.status, 200, JSON.stringify(r.body.errors));
    const d = r.body.data as any;
    assert.equal(d.protocol.computeTotalSupply, (await compute.totalSupply()).toString());
    assert.equal(d.protocol.computeTotalBurned, (await compute.totalBurned()).toString());
    assert.equal(d.stakePools.length, 3);
    assert.deepEqual(d.stakePools.map((p: any) => p.ratePerDay), ["300000000000000000", "500000000000000000", "1000000000000000000"]);
    assert.equal(typeof d.stakePools[0].poolId, "number");
    const balances = d.accounts.map((a: any) => BigInt(a.ubcBalance));
    assert.deepEqual(balances, [...balances].sort((a: bigint, b: bigint) => (a < b ? 1 : a > b ? -1 : 0)));
    for (const a of d.accounts) assert.match(a.id, /^0x[0-9a-f]{40}$/);
    assert.equal(d._meta.block.number, await chain.provider.getBlockNumber());
    assert.match(d._meta.block.hash, /^0x[0-9a-f]{64}$/);
    assert.equal(d._meta.hasIndexingErrors, false);

    const nested = await gql(url, `{ stakePositions(first: 1000, where: { owner_: { ubcBalance_gt: "0" }, or: [{ pool: "0" }, { pool: "1" }, { pool: "2" }] }) { id owner { id } } }`);
    assert.equal(nested.status, 200, JSON.stringify(nested.body.errors));
    const positions = (nested.body.data as any).stakePositions;
    assert.equal(positions.length, Number((d.protocol as any).positionCount));

    // Bytes ids match whatever the case; event ids are txHash ++ logIndex (4 bytes LE)
    const someone = d.accounts[0].id as string;
    const byUpper = await gql(url, `query($id: ID!) { account(id: $id) { id } }`, { id: someone.toUpperCase().replace("0X", "0x") });
    assert.equal((byUpper.body.data as any).account.id, someone);
    const transfers = await gql(url, `{ tokenTransfers(first: 5, orderBy: blockNumber, orderDirection: desc) { id transactionHash value token { symbol } } }`);
    for (const t of (transfers.body.data as any).tokenTransfers) {
      assert.equal(t.id.length, 2 + 64 + 8);
      assert.ok(t.id.startsWith(t.transactionHash));
    }
    const filtered = await gql(url, `{ tokenTransfers(where: { value_in: ["1", "2"], from_not: "0x0000000000000000000000000000000000000000", token_: { symbol_starts_with: "COMP" } }) { id } }`);
    assert.equal(filtered.status, 200, JSON.stringify(filtered.body.errors));
  });

  test("malformed and abusive queries get a GraphQL error, never a crash", async () => {
    const cases: [string, RegExp][] = [
      [`{ accounts(first: 5000) { id } }`, /first.*between 0 and 1000/],
      [`{ accounts(skip: 999999) { id } }`, /skip.*between 0 and 5000/],
      [`{ accounts { nope } }`, /Cannot query field "nope"/],
      [`{ accounts(where: { nope_gt: "1" }) { id } }`, /nope_gt/],
      [`{ accounts { id `, /Syntax Error/],
      [`{ accounts(where: { ubcBalance_gt: "abc" }) { id } }`, /Invalid BigInt|not an integer/],
      [`{ accounts(first: 1000) { positions(first: 1000) { claims(first: 1000) { id } } } }`, /too expensive/],
      [`{ stakePositions { owner { positions { owner { positions { owner { positions { owner { positions { owner { positions { id } } } } } } } } } } } }`, /too deep/],
      [`{ account(id: "0x01", block: { number: 1 }) { id } }`, /Time-travel queries are not supported/],
    ];
    for (const [q, re] of cases) {
      const r = await gql(url, q);
      assert.ok(r.status >= 200 && r.status < 500, `${q}: status ${r.status}`);
      assert.ok(r.body.errors && r.body.errors.length > 0, `${q}: expected errors`);
      assert.match(r.body.errors![0].message, re, q);
    }
    const bad = await fetch(`${url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: "{not json" });
    assert.equal(bad.status, 400);
    const huge = await fetch(`${url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: "{ _meta { deployment } }", pad: "x".repeat(400_000) }) });
    assert.equal(huge.status, 413);
    const health = await fetch(`${url}/healthz`);
    assert.equal(health.status, 200);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    assert.match(metrics, /indexer_checkpoint_block \d+/);
    assert.match(metrics, /graphql_requests_total \d+/);
  });

  test("subscriptions over graphql-ws push the new state after each block", async () => {
    const client = createClient({ url: url.replace("http", "ws") + "/graphql", webSocketImpl: WebSocket });
    const seen: string[] = [];
    let resolveSecond: () => void = () => {};
    const second = new Promise<void>((r) => (resolveSecond = r));
    const unsubscribe = client.subscribe<{ protocol: { transferCount: string } }>(
      { query: `subscription { protocol(id: "protocol") { transferCount } }` },
      {
        next: (v) => {
          const count = v.data?.protocol.transferCount;
          if (count !== undefined && seen[seen.length - 1] !== count) seen.push(count);
          if (seen.length >= 2) resolveSecond();
        },
        error: (e) => assert.fail(String(e)),
        complete: () => undefined,
      },
    );
    while (seen.length === 0) await new Promise((r) => setTimeout(r, 20));
    const compute = chain.contract("ComputeToken");
    await (await compute.transfer(await chain.signers[5].getAddress(), 1n)).wait();
    await second;
    assert.equal(BigInt(seen[1]), BigInt(seen[0]) + 1n);
    unsubscribe();
    await client.dispose();
  });
});
