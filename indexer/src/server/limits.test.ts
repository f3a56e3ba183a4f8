// The depth and cost limits apply to every request, whatever the variables: Apollo Server
// validates a query text once and reuses the validated document for later requests with the
// same text, so a limit that only ran as a validation rule could be passed by sending a cheap
// set of variables first and an expensive one afterwards (or both at once).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createClient } from "graphql-ws";
import WebSocket from "ws";
import { openDatabase, type Database } from "../database/adapter.ts";
import { migrate } from "../database/migrations.ts";
import { loadModel } from "../schema/model.ts";
import { startApi, type ApiServer } from "./http.ts";

async function gql(url: string, query: string, variables?: Record<string, unknown>) {
  const res = await fetch(`${url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query, variables }) });
  return { status: res.status, body: (await res.json()) as { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] } };
}

const refused = (r: Awaited<ReturnType<typeof gql>>, code: string) =>
  r.status === 400 && r.body.data === undefined && r.body.errors?.some((e) => e.extensions?.code === code) === true;

describe("GraphQL depth and cost limits on every request", () => {
  let db: Database;
  let api: ApiServer;
  let url: string;

  before(async () => {
    const model = loadModel();
    db = await openDatabase({});
    await migrate(db, model);
    api = await startApi({
      model, db, port: 0,
      meta: { block: () => null, hasIndexingErrors: () => false, deployment: "test", onBlock: () => () => undefined },
      limits: { maxDepth: 5, maxCost: 10_000 },
    });
    url = api.url;
  });
  after(async () => {
    await api?.close();
    await db?.close();
  });

  // cost with n: 1 + n·(1 + n·(1 + n)) — n = 2: 15; n = 100: 1,010,101
  const NESTED = `query Q($n: Int) { accounts(first: $n) { id positions(first: $n) { id claims(first: $n) { id } } } }`;

  test("the same query text with cheap, then expensive variables: the second is refused", async () => {
    const cheap = await gql(url, NESTED, { n: 2 });
    assert.equal(cheap.status, 200, JSON.stringify(cheap.body));
    assert.equal(cheap.body.errors, undefined);
    for (let i = 0; i < 3; i++) {
      const dear = await gql(url, NESTED, { n: 100 });
      assert.ok(refused(dear, "QUERY_TOO_EXPENSIVE"), JSON.stringify(dear));
    }
    // and the cheap one still passes afterwards
    assert.equal((await gql(url, NESTED, { n: 2 })).status, 200);
  });

  test("a variable's default value counts; so do aliases of the same field", async () => {
    const withDefault = `query D($n: Int = 100) { accounts(first: $n) { id positions(first: $n) { id claims(first: $n) { id } } } }`;
    assert.ok(refused(await gql(url, withDefault), "QUERY_TOO_EXPENSIVE"));
    assert.equal((await gql(url, withDefault, { n: 2 })).status, 200);
    assert.ok(refused(await gql(url, withDefault), "QUERY_TOO_EXPENSIVE"), "the default again, after the same text passed with n = 2");
    // with m = 100 each alias costs 1 + 100·22 = 2,201: five of them exceed 10,000
    const aliased = `query A($m: Int) { a: accounts(first: $m) { id positions(first: 20) { id } } b: accounts(first: $m) { id positions(first: 20) { id } }
      c: accounts(first: $m) { id positions(first: 20) { id } } d: accounts(first: $m) { id positions(first: 20) { id } } e: accounts(first: $m) { id positions(first: 20) { id } } }`;
    assert.equal((await gql(url, aliased, { m: 1 })).status, 200);
    assert.ok(refused(await gql(url, aliased, { m: 100 }), "QUERY_TOO_EXPENSIVE"));
  });

  test("concurrent requests with one text and different variables each get their own verdict", async () => {
    const rs = await Promise.all(Array.from({ length: 40 }, (_, i) => gql(url, NESTED, { n: i % 2 === 0 ? 2 : 100 }).then((r) => ({ i, r }))));
    for (const { i, r } of rs) {
      if (i % 2 === 0) assert.equal(r.status, 200, `request ${i}: ${JSON.stringify(r.body)}`);
      else assert.ok(refused(r, "QUERY_TOO_EXPENSIVE"), `request ${i}: ${JSON.stringify(r.body)}`);
    }
  });

  test("depth: literal and through fragments, on repeated texts", async () => {
    const deep = `query { stakePositions { owner { positions { owner { positions { owner { id } } } } } } }`;
    for (let i = 0; i < 2; i++) assert.ok(refused(await gql(url, deep), "QUERY_TOO_DEEP"));
    const viaFragments = `query($n: Int) { stakePositions(first: $n) { ...P } } fragment P on StakePosition { owner { positions { owner { positions { owner { id } } } } } }`;
    for (const n of [1, 2]) assert.ok(refused(await gql(url, viaFragments, { n }), "QUERY_TOO_DEEP"));
  });

  test("subscriptions over graphql-ws: the limits use the subscription's variables", async () => {
    const client = createClient({ url: url.replace("http", "ws") + "/graphql", webSocketImpl: WebSocket, retryAttempts: 0 });
    const run = (variables: Record<string, unknown>) =>
      new Promise<{ ok: boolean; error?: string }>((resolve) => {
        const stop = client.subscribe(
          { query: `subscription S($n: Int) { accounts(first: $n) { id positions(first: $n) { id claims(first: $n) { id } } } }`, variables },
          {
            next: () => {
              stop();
              resolve({ ok: true });
            },
            error: (e) => resolve({ ok: false, error: JSON.stringify(e) }),
            complete: () => resolve({ ok: true }),
          },
        );
      });
    assert.deepEqual(await run({ n: 2 }), { ok: true });
    const dear = await run({ n: 100 });
    assert.equal(dear.ok, false);
    assert.match(dear.error ?? "", /too expensive/);
    await client.dispose();
  });
});
