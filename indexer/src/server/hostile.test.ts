// 10,000 generated malformed or hostile requests: every answer is a 2xx/4xx (never 5xx, never
// an internal GraphQL error), and the server is healthy afterwards.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { startChain, ARTIFACTS, type TestChain } from "../testing/chain.ts";
import { startService, type Service } from "../service.ts";

const seed = Number(process.env.TEST_SEED ?? Date.now() % 1_000_000);
const RUNS = Number(process.env.HOSTILE_RUNS ?? 10_000);

const entities = ["accounts", "stakePositions", "tokenTransfers", "ventures", "workRequests", "agents", "protocol", "quotes", "alerts", "_meta", "nope"];
const fields = ["id", "ubcBalance", "owner { id }", "positions { id }", "value", "status", "__typename", "nope", "holdings(first: 3) { shares }"];
const args = [
  "", "(first: 5)", "(first: -1)", "(first: 100000)", "(skip: 999999)", "(where: { id: \"0x\" })", "(where: { ubcBalance_gt: \"abc\" })",
  "(orderBy: nope)", "(orderDirection: sideways)", "(where: { or: [{ id: \"1\" }, { and: [] }] })", "(id: \"protocol\")", "(block: { number: 1 })",
  "(where: { owner_: { ubcBalance_lt: \"99999999999999999999999999999999999999999999999999999999999999999999999999999999\" } })",
  "(where: { id_in: [] })", "(where: { _change_block: { number_gte: -5 } })", "(first: 1.5)", "(where: null)",
];

const graphqlQuery = fc.oneof(
  fc.tuple(fc.constantFrom(...entities), fc.constantFrom(...args), fc.array(fc.constantFrom(...fields), { maxLength: 4 }))
    .map(([e, a, f]) => `{ ${e}${a} { ${f.join(" ")} } }`),
  fc.integer({ min: 1, max: 60 }).map((d) => "{ stakePositions { " + "owner { positions { ".repeat(d) + "id" + " } }".repeat(d) + " } }"),
  fc.string({ maxLength: 300 }),
  fc.constantFrom("{", "}", "query {", "mutation { x }", "subscription { protocol(id: \"protocol\") { id } }", "fragment A on Account { ...A } { accounts { ...A } }", "{ __schema { types { name } } }"),
);

const request = fc.oneof(
  graphqlQuery.map((q) => ({ method: "POST", path: "/graphql", body: JSON.stringify({ query: q }), headers: { "content-type": "application/json" } })),
  graphqlQuery.map((q) => ({ method: "GET", path: `/graphql?query=${encodeURIComponent(q)}`, body: undefined, headers: { "apollo-require-preflight": "1" } })),
  fc.record({
    method: fc.constantFrom("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"),
    path: fc.oneof(fc.constantFrom("/", "/graphql", "/auth/nonce", "/auth/verify", "/auth/session", "/auth/logout", "/quotes", "/rfqs", "/healthz", "/metrics", "/../../etc/passwd", "/graphql?query=%zz"), fc.webPath()),
    body: fc.option(fc.oneof(fc.json(), fc.string({ maxLength: 2000 }), fc.constant("x".repeat(300_000))), { nil: undefined }),
    headers: fc.record({
      "content-type": fc.constantFrom("application/json", "text/plain", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded"),
      authorization: fc.oneof(fc.constant("Bearer "), fc.string({ maxLength: 100 }).map((s) => `Bearer ${s.replace(/[^\x20-\x7e]/g, "")}`), fc.constant("Basic abc")),
      cookie: fc.string({ maxLength: 100 }).map((s) => `ubc_session=${s.replace(/[^\x21-\x7e]/g, "")}; other=1`),
      origin: fc.constantFrom("http://localhost:3000", "https://evil.example", "null"),
    }, { requiredKeys: [] }),
  }),
  fc.record({
    method: fc.constant("POST"),
    path: fc.constantFrom("/auth/verify", "/quotes", "/rfqs"),
    body: fc.oneof(
      fc.record({ message: fc.string({ maxLength: 500 }), signature: fc.oneof(fc.string({ maxLength: 140 }), fc.stringMatching(/^0x[0-9a-f]{0,140}$/)) }).map((x) => JSON.stringify(x)),
      fc.record({ quote: fc.dictionary(fc.constantFrom("providerAgentId", "resourceKind", "units", "unitPrice", "expiry", "nonce", "requester", "deliveryPeriod"), fc.oneof(fc.string(), fc.integer(), fc.bigInt().map(String))), signature: fc.string() }).map((x) => JSON.stringify(x)),
      fc.json(),
    ),
    headers: fc.constant({ "content-type": "application/json" }),
  }),
);

describe(`hostile requests (seed ${seed}; TEST_SEED=${seed} to replay, HOSTILE_RUNS to change the count)`, () => {
  let chain: TestChain;
  let svc: Service;

  before(async () => {
    chain = await startChain();
    svc = await startService({ rpcUrl: chain.url, deployments: chain.deployments, artifactsDir: ARTIFACTS, port: 0, finalityDepth: 2, rateLimit: { perIp: 1_000_000, perAddress: 1_000_000 } });
    await svc.caughtUp;
  });
  after(async () => {
    await svc?.stop();
    await chain?.stop();
  });

  test(`${RUNS} generated requests: 4xx for the bad ones, never 5xx, server healthy after`, async () => {
    const url = svc.api.url;
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const res = await fetch(url + (r.path.startsWith("/") ? r.path : "/" + r.path), {
          method: r.method,
          headers: r.headers as Record<string, string>,
          body: r.method === "GET" || r.method === "HEAD" ? undefined : r.body,
        }).catch((err: Error) => ({ status: -1, text: async () => err.message }) as unknown as Response);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        const text = await res.text();
        if (res.status < 0 || res.status >= 500) throw new Error(`${r.method} ${r.path} -> ${res.status}: ${text.slice(0, 300)}`);
        if (text.includes("INTERNAL_SERVER_ERROR")) throw new Error(`${r.method} ${r.path} -> internal error: ${text.slice(0, 300)}`);
      }),
      { numRuns: RUNS, seed, endOnFailure: true },
    );
    const h = await fetch(`${url}/healthz`);
    assert.equal(h.status, 200);
    const meta = await fetch(`${url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: "{ _meta { block { number } } }" }) });
    assert.equal(meta.status, 200);
    const four = [...statuses].filter(([s]) => s >= 400 && s < 500).reduce((n, [, c]) => n + c, 0);
    assert.ok(four > RUNS / 10, `many requests were refused with 4xx: ${JSON.stringify(Object.fromEntries(statuses))}`);
  });
});
