import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { ethers } from "ethers";
import { connect } from "node:net";
import { SiweMessage } from "siwe";
import { startChain, ARTIFACTS, type TestChain } from "../testing/chain.ts";
import { findArtifact } from "../indexing/abi.ts";
import { startService, type Service } from "../service.ts";

/** Sends `count` identical requests pipelined on one connection; the status and Retry-After of each answer. */
function pipelined(url: string, requestLine: string, count: number): Promise<{ s: number; ra: string | null }[]> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let text = "";
    socket.on("data", (d: Buffer) => {
      text += d.toString("latin1");
      const heads = text.split(/(?=HTTP\/1\.1 \d{3} )/).filter((h) => h.startsWith("HTTP/1.1 "));
      if (heads.length >= count && /\r\n\r\n[^]*$/.test(heads[count - 1])) {
        socket.destroy();
        resolve(heads.slice(0, count).map((h) => ({ s: Number(h.slice(9, 12)), ra: /\r\nretry-after: *(\d+)/i.exec(h)?.[1] ?? null })));
      }
    });
    socket.on("error", reject);
    socket.write(Array.from({ length: count }, () => `${requestLine} HTTP/1.1\r\nhost: ${hostname}\r\n\r\n`).join(""));
  });
}

describe("Sign-In with Ethereum", () => {
  let chain: TestChain;
  let svc: Service;
  let url: string;
  let host: string;
  let signer: ethers.Signer;
  let address: string;

  before(async () => {
    chain = await startChain();
    svc = await startService({ rpcUrl: chain.url, deployments: chain.deployments, artifactsDir: ARTIFACTS, port: 0, finalityDepth: 2, rateLimit: { perIp: 50, perAddress: 20 } });
    url = svc.api.url;
    host = new URL(url).host;
    signer = chain.signers[3];
    address = await signer.getAddress();
  });
  after(async () => {
    await svc?.stop();
    await chain?.stop();
  });

  async function nonce(): Promise<string> {
    return ((await (await fetch(`${url}/auth/nonce`)).json()) as { nonce: string }).nonce;
  }

  function message(fields: Partial<ConstructorParameters<typeof SiweMessage>[0] & object> & { nonce: string }): string {
    return new SiweMessage({
      domain: host,
      address,
      statement: "Sign in to UBC Compute Exchange",
      uri: url,
      version: "1",
      chainId: 31337,
      issuedAt: new Date().toISOString(),
      ...fields,
    }).prepareMessage();
  }

  async function verify(msg: string, signature: string) {
    const res = await fetch(`${url}/auth/verify`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ message: msg, signature }) });
    return { status: res.status, body: (await res.json()) as { token?: string; address?: string; code?: string; error?: string }, cookie: res.headers.get("set-cookie") };
  }

  test("signs in (bearer token and httpOnly cookie), reads the session, signs out", async () => {
    const msg = message({ nonce: await nonce() });
    const r = await verify(msg, await signer.signMessage(msg));
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.address, address.toLowerCase());
    assert.match(r.cookie ?? "", /ubc_session=.+; HttpOnly; SameSite=Lax/);
    const bearer = await fetch(`${url}/auth/session`, { headers: { authorization: `Bearer ${r.body.token}` } });
    assert.equal(bearer.status, 200);
    assert.equal(((await bearer.json()) as { address: string }).address, address.toLowerCase());
    const cookie = await fetch(`${url}/auth/session`, { headers: { cookie: `ubc_session=${r.body.token}` } });
    assert.equal(cookie.status, 200);
    await fetch(`${url}/auth/logout`, { method: "POST", headers: { authorization: `Bearer ${r.body.token}` } });
    assert.equal((await fetch(`${url}/auth/session`, { headers: { authorization: `Bearer ${r.body.token}` } })).status, 401);
    assert.equal((await fetch(`${url}/auth/session`)).status, 401);
  });

  test("refuses every SIWE attack with a named reason", async () => {
    const other = chain.signers[4];
    const cases: [string, () => Promise<{ msg: string; sig: string }>, string][] = [
      ["replayed nonce", async () => {
        const msg = message({ nonce: await nonce() });
        const sig = await signer.signMessage(msg);
        assert.equal((await verify(msg, sig)).status, 200);
        return { msg, sig };
      }, "BAD_NONCE"],
      ["unknown nonce", async () => { const msg = message({ nonce: "abcdef1234567890" }); return { msg, sig: await signer.signMessage(msg) }; }, "BAD_NONCE"],
      ["wrong domain", async () => { const msg = message({ nonce: await nonce(), domain: "evil.example" }); return { msg, sig: await signer.signMessage(msg) }; }, "WRONG_DOMAIN"],
      ["wrong chain", async () => { const msg = message({ nonce: await nonce(), chainId: 1 }); return { msg, sig: await signer.signMessage(msg) }; }, "WRONG_CHAIN"],
      ["expired", async () => { const msg = message({ nonce: await nonce(), expirationTime: new Date(Date.now() - 1000).toISOString() }); return { msg, sig: await signer.signMessage(msg) }; }, "EXPIRED"],
      ["not yet valid", async () => { const msg = message({ nonce: await nonce(), notBefore: new Date(Date.now() + 3_600_000).toISOString() }); return { msg, sig: await signer.signMessage(msg) }; }, "NOT_YET_VALID"],
      ["issued in the future", async () => { const msg = message({ nonce: await nonce(), issuedAt: new Date(Date.now() + 3_600_000).toISOString() }); return { msg, sig: await signer.signMessage(msg) }; }, "NOT_YET_VALID"],
      ["tampered message", async () => {
        const msg = message({ nonce: await nonce() });
        const sig = await signer.signMessage(msg);
        return { msg: msg.replace("Sign in to UBC Compute Exchange", "Sign in to UBC Compute Exchange and approve everything"), sig };
      }, "BAD_SIGNATURE"],
      ["another address's signature", async () => { const msg = message({ nonce: await nonce() }); return { msg, sig: await other.signMessage(msg) }; }, "BAD_SIGNATURE"],
      ["a signature for another URI", async () => { const msg = message({ nonce: await nonce(), uri: "https://phishing.example/login" }); return { msg, sig: await signer.signMessage(msg) }; }, "WRONG_URI"],
    ];
    for (const [name, make, code] of cases) {
      const { msg, sig } = await make();
      const r = await verify(msg, sig);
      assert.ok(r.status === 401 || r.status === 400, `${name}: status ${r.status}`);
      assert.equal(r.body.code, code, `${name}: ${JSON.stringify(r.body)}`);
    }
    const garbage = await verify("hello", "0x1234");
    assert.equal(garbage.status, 400);
    const notJson = await fetch(`${url}/auth/verify`, { method: "POST", body: "{{" });
    assert.equal(notJson.status, 400);
    // the audit log holds the sign-ins and every failure
    const rows = await svc.db.query<{ kind: string; n: string }>(`SELECT kind, count(*)::text AS n FROM _audit GROUP BY kind`);
    const byKind = Object.fromEntries(rows.map((r) => [r.kind, Number(r.n)]));
    assert.ok(byKind.signin >= 2, JSON.stringify(byKind));
    assert.ok(byKind.signin_failed >= cases.length, JSON.stringify(byKind));
  });

  test("accepts an EIP-1271 contract wallet, checked through the chain", async () => {
    const { abi, bytecode } = findArtifact(ARTIFACTS, "ERC1271WalletFixture") as unknown as { abi: ethers.InterfaceAbi; bytecode: string };
    const factory = new ethers.ContractFactory(abi, bytecode, chain.signers[0]);
    const wallet = await factory.deploy(address);
    await wallet.waitForDeployment();
    const walletAddress = await wallet.getAddress();
    const msg = message({ nonce: await nonce(), address: walletAddress });
    // the wallet's owner signs the EIP-191 hash of the message
    const sig = await signer.signMessage(msg);
    const r = await verify(msg, sig);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.address, walletAddress.toLowerCase());
    const byOther = message({ nonce: await nonce(), address: walletAddress });
    const bad = await verify(byOther, await chain.signers[4].signMessage(byOther));
    assert.equal(bad.body.code, "BAD_SIGNATURE");
  });

  test("CORS answers the web app's origin only; rate limits answer 429 with Retry-After", async () => {
    const ok = await fetch(`${url}/graphql`, { method: "OPTIONS", headers: { origin: "http://localhost:3000", "access-control-request-method": "POST" } });
    assert.equal(ok.status, 204);
    assert.equal(ok.headers.get("access-control-allow-origin"), "http://localhost:3000");
    const evil = await fetch(`${url}/graphql`, { method: "OPTIONS", headers: { origin: "https://evil.example", "access-control-request-method": "POST" } });
    assert.equal(evil.status, 403);
    assert.equal(evil.headers.get("access-control-allow-origin"), null);
    // burst past the per-IP limit (50/s, burst 100): 400 requests pipelined on one connection, so
    // that they reach the server back to back however busy the machine is (400 separate fetches
    // could arrive spread over more seconds than the bucket needs to refill)
    const statuses = await pipelined(url, "GET /auth/session", 400);
    const limited = statuses.filter((x) => x.s === 429);
    assert.ok(limited.length > 0, "some requests were rate limited");
    assert.ok(limited.every((x) => Number(x.ra) >= 1), "429s carry Retry-After");
    assert.ok(statuses.every((x) => x.s === 401 || x.s === 429));
    await new Promise((r) => setTimeout(r, 2_100));
    assert.equal((await fetch(`${url}/healthz`)).status, 200);
  });
});
