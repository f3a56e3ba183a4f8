// The spec store (specs.ts) through the running service's HTTP API, on PGlite and PostgreSQL:
// a posted spec is served back byte for byte under the keccak256 of its text; bad bodies, bad
// hashes and unknown specs get a 4xx with a reason.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { ethers } from "ethers";
import { startChain, ARTIFACTS, type TestChain } from "../testing/chain.ts";
import { dbTargets } from "../testing/databases.ts";
import { startService, type Service } from "../service.ts";
import { MAX_SPEC_BYTES } from "./specs.ts";

const targets = await dbTargets();
for (const target of targets) {
  describe(`spec store (${target.name})`, { skip: target.unavailable }, () => {
    let chain: TestChain;
    let svc: Service;
    let url: string;
    before(async () => {
      chain = await startChain();
      const opts = target.options() as { url?: string; schema?: string; dataDir?: string };
      svc = await startService({ rpcUrl: chain.url, deployments: chain.deployments, artifactsDir: ARTIFACTS, port: 0, finalityDepth: 2, pollIntervalMs: 50, databaseUrl: opts.url, databaseSchema: opts.schema, dataDir: opts.dataDir });
      url = svc.api.url;
    });
    after(async () => {
      await svc?.stop();
      await chain?.stop();
      await target.cleanup();
    });

    const post = async (body: string) => {
      const r = await fetch(`${url}/specs`, { method: "POST", headers: { "content-type": "application/json" }, body });
      return { status: r.status, body: (await r.json()) as { hash?: string; error?: string; code?: string } };
    };

    test("a posted spec is served back byte for byte under the keccak256 of its text", async () => {
      const text = `{"input":"0x68656c6c6f","iterations":500,"kind":"sha256-iter","salt":"web-${Date.now()}"}`;
      const r = await post(text);
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.equal(r.body.hash, ethers.keccak256(ethers.toUtf8Bytes(text)));
      for (const h of [r.body.hash!, r.body.hash!.toUpperCase().replace("0X", "0x")]) {
        const g = await fetch(`${url}/specs/${h}`);
        assert.equal(g.status, 200);
        assert.match(g.headers.get("content-type") ?? "", /application\/json/);
        assert.equal(await g.text(), text);
      }
      // posting it again is harmless: the same hash, the same body
      assert.deepEqual((await post(text)).body, r.body);
      // non-ASCII text hashes as its UTF-8 bytes
      const utf8 = `{"prompt":"Grüße, 東京","kind":"llm-text"}`;
      const u = await post(utf8);
      assert.equal(u.body.hash, ethers.keccak256(ethers.toUtf8Bytes(utf8)));
      assert.equal(await (await fetch(`${url}/specs/${u.body.hash}`)).text(), utf8);
    });

    test("bad bodies, bad hashes and unknown specs get a 4xx with a reason", async () => {
      const cases: [string, Promise<{ status: number; body: { code?: string; error?: string } }>, number, string][] = [
        ["not JSON", post("do the thing"), 400, "BAD_SPEC"],
        ["a JSON array", post("[1,2]"), 400, "BAD_SPEC"],
        ["a JSON string", post('"x"'), 400, "BAD_SPEC"],
        ["too large", post(JSON.stringify({ pad: "x".repeat(MAX_SPEC_BYTES) })), 413, "SPEC_TOO_LARGE"],
      ];
      for (const [name, p, status, code] of cases) {
        const r = await p;
        assert.equal(r.status, status, `${name}: ${JSON.stringify(r.body)}`);
        assert.equal(r.body.code, code, name);
        assert.ok((r.body.error ?? "").length > 0, `${name}: a reason`);
      }
      const bad = await fetch(`${url}/specs/0x1234`);
      assert.equal(bad.status, 400);
      assert.equal(((await bad.json()) as { code: string }).code, "BAD_HASH");
      const unknown = await fetch(`${url}/specs/0x${"ab".repeat(32)}`);
      assert.equal(unknown.status, 404);
      assert.equal(((await unknown.json()) as { code: string }).code, "UNKNOWN_SPEC");
      const put = await fetch(`${url}/specs`, { method: "PUT", body: "{}" });
      assert.equal(put.status, 405);
      // the service still answers
      assert.equal((await fetch(`${url}/healthz`)).status, 200);
    });

    test("GraphQL spec(hash): the text, null where none was published, an error for a malformed hash", async () => {
      const gql = async (hash: string) => {
        const r = await fetch(`${url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: "query($h: Bytes!) { spec(hash: $h) }", variables: { h: hash } }) });
        return { status: r.status, body: (await r.json()) as { data?: { spec: string | null } | null; errors?: { message: string }[] } };
      };
      const text = `{"kind":"llm-text","prompt":"graphql ${Date.now()}"}`;
      const { body } = await post(text);
      const found = await gql(body.hash!);
      assert.equal(found.body.data?.spec, text);
      const missing = await gql(`0x${"cd".repeat(32)}`);
      assert.equal(missing.status, 200);
      assert.equal(missing.body.errors, undefined);
      assert.equal(missing.body.data?.spec, null);
      const bad = await gql("0x12");
      assert.ok(bad.body.errors && bad.body.errors.length > 0, "a malformed hash is an error");
      assert.match(bad.body.errors[0].message, /32 bytes|Bytes|hex/i);
    });
  });
}
