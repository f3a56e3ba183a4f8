import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { ethers } from "ethers";
import { ARTIFACTS, type TestChain } from "../testing/chain.ts";
import { signQuote, type MarketActors, QUOTE_TYPES } from "../testing/market.ts";
import { signIn } from "../testing/siwe.ts";
import { postQuote, startQuoteBoard, type QuoteBoardFixture } from "../testing/quoteboard.ts";
import type { Service } from "../service.ts";
import { ChainReads } from "./chainreads.ts";
import { findArtifact } from "../indexing/abi.ts";

const E18 = 10n ** 18n;
const KIND = ethers.id("gpu-hour");

describe("quote board (Resource Exchange Protocol)", () => {
  let chain: TestChain;
  let svc: Service;
  let url: string;
  let actors: MarketActors;
  let providerToken: string;
  let requesterToken: string;
  let nonce = 1n;

  async function waitIndexed() {
    const head = await chain.provider.getBlockNumber();
    while (svc.indexer!.status.checkpoint.number < BigInt(head)) await new Promise((r) => setTimeout(r, 20));
  }
  async function quote(over: Record<string, bigint | string> = {}) {
    const now = BigInt((await chain.provider.getBlock("latest"))!.timestamp);
    return {
      providerAgentId: actors.provider.agentId, resourceKind: KIND, units: 10n, unitPrice: 50n * E18, expiry: BigInt(Math.floor(Date.now() / 1000)) + 3_600n > now + 3_600n ? BigInt(Math.floor(Date.now() / 1000)) + 3_600n : now + 3_600n,
      nonce: nonce++, requester: 0n, deliveryPeriod: 86_400n, ...over,
    };
  }
  const post = (token: string | null, q: Record<string, bigint | string>, signature: string) => postQuote(url, token, q, signature);
  async function gql(query: string) {
    const res = await fetch(`${url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query }) });
    const body = (await res.json()) as { data: any; errors?: unknown };
    assert.equal(body.errors, undefined, JSON.stringify(body.errors));
    return body.data;
  }

  let board: QuoteBoardFixture | undefined;
  before(async () => {
    board = await startQuoteBoard();
    ({ chain, svc, url, actors, providerToken, requesterToken } = board);
  });
  after(async () => {
    await board?.stop();
  });

  test("a provider posts signed quotes; the book lists them, best price first", async () => {
    const cheap = await quote({ unitPrice: 20n * E18 });
    const dear = await quote({ unitPrice: 80n * E18 });
    for (const q of [dear, cheap]) {
      const r = await post(providerToken, q, await signQuote(chain, actors.provider.signer, q));
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.match(r.body.id!, /^0x[0-9a-f]{64}$/);
    }
    const d = await gql(`{ bestQuotes(resourceKind: "${KIND}", units: "5") { unitPrice status provider { id roles } } quotes(where: { providerAgentId: "${actors.provider.agentId}" }) { id status totalPrice } }`);
    assert.deepEqual(d.bestQuotes.map((q: { unitPrice: string }) => q.unitPrice), [(20n * E18).toString(), (80n * E18).toString()]);
    assert.equal(d.bestQuotes[0].provider.id, actors.provider.agentId.toString());
    assert.ok(d.quotes.every((q: { status: string }) => q.status === "open"));
    const dup = await post(providerToken, cheap, await signQuote(chain, actors.provider.signer, cheap));
    assert.equal(dup.body.code, "DUPLICATE");
  });

  test("refuses forged, foreign, expired, cancelled and cross-chain quotes, and anonymous posts", async () => {
    const q1 = await quote();
    assert.equal((await post(providerToken, q1, await signQuote(chain, actors.requester.signer, q1))).body.code, "BAD_SIGNATURE");
    const q2 = await quote();
    assert.equal((await post(requesterToken, q2, await signQuote(chain, actors.provider.signer, q2))).body.code, "NOT_YOUR_AGENT");
    const q3 = await quote({ expiry: BigInt(Math.floor(Date.now() / 1000)) - 10n });
    assert.equal((await post(providerToken, q3, await signQuote(chain, actors.provider.signer, q3))).body.code, "EXPIRED");
    const q4 = await quote();
    await (await (chain.contract("WorkMarket").connect(actors.provider.signer) as ethers.Contract).cancelQuote(actors.provider.agentId, q4.nonce)).wait();
    const r4 = await post(providerToken, q4, await signQuote(chain, actors.provider.signer, q4));
    assert.equal(r4.status, 409);
    assert.equal(r4.body.code, "NONCE_USED");
    const q5 = await quote();
    const otherChain = await actors.provider.signer.signTypedData(
      { name: "UBC WorkMarket", version: "1", chainId: 1, verifyingContract: await chain.contract("WorkMarket").getAddress() }, QUOTE_TYPES, q5);
    assert.equal((await post(providerToken, q5, otherChain)).body.code, "BAD_SIGNATURE");
    const otherDeployment = await actors.provider.signer.signTypedData(
      { name: "UBC WorkMarket", version: "1", chainId: 31337, verifyingContract: ethers.ZeroAddress }, QUOTE_TYPES, q5);
    assert.equal((await post(providerToken, q5, otherDeployment)).body.code, "BAD_SIGNATURE");
    assert.equal((await post(null, q5, await signQuote(chain, actors.provider.signer, q5))).status, 401);
    const small = await quote({ units: 1n, unitPrice: 1n });
    assert.equal((await post(providerToken, small, await signQuote(chain, actors.provider.signer, small))).body.code, "VALUE_TOO_SMALL");
    const bad = await fetch(`${url}/quotes`, { method: "POST", headers: { authorization: `Bearer ${providerToken}` }, body: JSON.stringify({ quote: { units: "-1" } }) });
    assert.equal(bad.status, 400);
    const audit = await svc.db.query<{ kind: string }>(`SELECT kind FROM _audit WHERE kind LIKE 'quote%'`);
    assert.ok(audit.some((a) => a.kind === "quote_post") && audit.filter((a) => a.kind === "quote_refused").length >= 7);
  });

  test("quotes leave the book when filled or cancelled on-chain; a request-for-quote gets the best match", async () => {
    const q = await quote({ unitPrice: 10n * E18 });
    const sig = await signQuote(chain, actors.provider.signer, q);
    const posted = await post(providerToken, q, sig);
    assert.equal(posted.status, 201);
    const rfq = await fetch(`${url}/rfqs`, {
      method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${requesterToken}` },
      body: JSON.stringify({ requesterAgentId: actors.requester.agentId.toString(), resourceKind: KIND, units: "10", expiry: String(Math.floor(Date.now() / 1000) + 600) }),
    });
    assert.equal(rfq.status, 201);
    const best = ((await rfq.json()) as { bestQuotes: { id: string }[] }).bestQuotes;
    assert.equal(best[0].id, posted.body.id, "the cheapest open quote matches");

    await (await (chain.contract("WorkMarket").connect(actors.requester.signer) as ethers.Contract).fillQuote(q, sig, actors.requester.agentId, ethers.id("spec"))).wait();
    await waitIndexed();
    const d = await gql(`{ quotes(where: { providerAgentId: "${actors.provider.agentId}", status: "filled" }) { id } bestQuotes(resourceKind: "${KIND}") { id } requestForQuotes { id bestQuotes { id } } }`);
    assert.deepEqual(d.quotes.map((x: { id: string }) => x.id), [posted.body.id]);
    assert.ok(!d.bestQuotes.some((x: { id: string }) => x.id === posted.body.id), "a filled quote leaves the book");

    await (await (chain.contract("WorkMarket").connect(actors.provider.signer) as ethers.Contract).cancelQuotesBelow(actors.provider.agentId, nonce + 100n)).wait();
    await waitIndexed();
    const after = await gql(`{ bestQuotes(resourceKind: "${KIND}") { id } quotes(where: { status: "cancelled" }) { id } }`);
    assert.equal(after.bestQuotes.length, 0, "every open quote was cancelled below the new minimum nonce");
    assert.ok(after.quotes.length >= 2);
  });
  test("the batched chain reads of quote posts answer as eth_getCode and WorkMarket.isQuoteNonceUsed do", async () => {
    const market = chain.contract("WorkMarket");
    const marketAddr = (await market.getAddress()).toLowerCase();
    await (await (market.connect(actors.provider.signer) as ethers.Contract).cancelQuote(actors.provider.agentId, 777_777n)).wait();
    const provider = new ethers.JsonRpcProvider(chain.url, 31337, { staticNetwork: true, batchMaxCount: 1 });
    const reads = new ChainReads(provider, marketAddr, { maxBatch: 7 });
    try {
      const eoa = (await actors.provider.signer.getAddress()).toLowerCase();
      const withCode = [marketAddr, (await chain.contract("ComputeToken").getAddress()).toLowerCase()];
      const questions: [string, bigint, bigint][] = [];
      for (let i = 0; i < 20; i++) {
        const signer = i % 3 === 0 ? withCode[i % 2] : i % 3 === 1 ? eoa : ethers.Wallet.createRandom().address.toLowerCase();
        const nonce = i % 4 === 0 ? 777_777n : i % 4 === 1 ? nonce0() : BigInt(i);
        questions.push([signer, i % 5 === 0 ? 999n : actors.provider.agentId, nonce]);
      }
      const answers = await Promise.all(questions.map(([s, a, n]) => reads.ask(s, a, n)));
      for (const [i, [s, a, n]] of questions.entries()) {
        assert.equal(answers[i].hasCode, (await chain.provider.getCode(s)) !== "0x", `code of ${s}`);
        assert.equal(answers[i].nonceUsed, await market.isQuoteNonceUsed(a, n), `nonce ${n} of agent ${a}`);
      }
      assert.ok(answers.some((x) => x.nonceUsed) && answers.some((x) => !x.nonceUsed) && answers.some((x) => x.hasCode) && answers.some((x) => !x.hasCode));
      const broken = new ChainReads(provider, eoa); // no contract there: the read fails as the contract call would
      await assert.rejects(broken.ask(eoa, 1n, 1n));
    } finally {
      reads.close();
      provider.destroy();
    }
    function nonce0() {
      return 1n;
    }
  });

  test("an agent whose wallet becomes a contract wallet: its next post is checked through EIP-1271, not with the signer of its previous post", async () => {
    // the chain reads of a post start with the signer of the agent's previous post (quotes.ts);
    // here that guess is an EOA without code, and the agent's signer is now a contract wallet
    const owner = new ethers.Wallet(ethers.id(`quote board wallet change ${Date.now()}`), chain.provider);
    await (await chain.signers[0].sendTransaction({ to: owner.address, value: E18 })).wait();
    const registry = chain.contract("AgentRegistry").connect(owner) as ethers.Contract;
    await (await registry.register("ipfs://wallet-change", 1)).wait();
    const agentId = (await registry.agentCount()) as bigint;
    await waitIndexed();
    const token = await signIn(url, owner);
    const first = await quote({ providerAgentId: agentId, nonce: 1n });
    const ok1 = await post(token, first, await signQuote(chain, owner, first));
    assert.equal(ok1.status, 201, JSON.stringify(ok1.body));

    const { abi, bytecode } = findArtifact(ARTIFACTS, "ERC1271WalletFixture") as unknown as { abi: ethers.InterfaceAbi; bytecode: string };
    const wallet = await new ethers.ContractFactory(abi, bytecode, owner).deploy(owner.address);
    await wallet.waitForDeployment();
    const walletAddress = await wallet.getAddress();
    const deadline = BigInt((await chain.provider.getBlock("latest"))!.timestamp) + 3_600n;
    const digest = (await registry.agentWalletDigest(agentId, owner.address, walletAddress, deadline)) as string;
    await (await registry.setAgentWallet(agentId, walletAddress, deadline, owner.signingKey.sign(digest).serialized)).wait();
    await waitIndexed();

    // the owner's key signs; the contract wallet accepts it (an ecrecover check against the
    // wallet's address, with the stale "no code" answer, would refuse it)
    const second = await quote({ providerAgentId: agentId, nonce: 2n });
    const ok2 = await post(token, second, await signQuote(chain, owner, second));
    assert.equal(ok2.status, 201, JSON.stringify(ok2.body));
    const rows = await svc.db.query<{ signer: string }>(`SELECT signer FROM _quotes WHERE id = $1`, [ok2.body.id]);
    assert.equal(rows[0]?.signer, walletAddress.toLowerCase());
    // a key the contract wallet does not accept is refused
    const third = await quote({ providerAgentId: agentId, nonce: 3n });
    const bad = await post(token, third, await signQuote(chain, ethers.Wallet.createRandom(), third));
    assert.equal(bad.status, 401, JSON.stringify(bad.body));
    assert.equal(bad.body.code, "BAD_SIGNATURE");
  });

  // last in this file: it moves the chain's clock a day ahead of the wall clock
  test("expiry is judged by the chain's time when the chain's clock runs ahead (a devnet's clock moved forward)", async () => {
    nonce += 1_000n; // above the minimum nonce an earlier test set with cancelQuotesBelow
    const live = await quote({ expiry: BigInt(Math.floor(Date.now() / 1000)) + 7_200n, unitPrice: 10n * E18 });
    const r = await post(providerToken, live, await signQuote(chain, actors.provider.signer, live));
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const open = await gql(`{ quotes(where: { status: "open" }) { id } }`);
    assert.ok(open.quotes.some((q: { id: string }) => q.id === r.body.id), "open before the clock moves");

    await chain.provider.send("evm_increaseTime", [86_400]);
    await chain.provider.send("evm_mine", []);
    await waitIndexed();
    // an hour ahead of the wall clock is already a day in the chain's past: not listed, not counted
    const d = await gql(`{ bestQuotes(resourceKind: "${KIND}") { id } quotes(where: { providerAgentId: "${actors.provider.agentId}", status: "open" }) { id } }`);
    assert.ok(!d.bestQuotes.some((q: { id: string }) => q.id === r.body.id), "an expired-on-chain quote is not a best quote");
    assert.ok(!d.quotes.some((q: { id: string }) => q.id === r.body.id), "nor open");
    const stale = await quote({ expiry: BigInt(Math.floor(Date.now() / 1000)) + 3_600n });
    const refused = await post(providerToken, stale, await signQuote(chain, actors.provider.signer, stale));
    assert.equal(refused.status, 400, JSON.stringify(refused.body));
    assert.equal(refused.body.code, "EXPIRED");
    // quote() builds expiries from the chain's time: accepted
    const fresh = await quote();
    const ok = await post(providerToken, fresh, await signQuote(chain, actors.provider.signer, fresh));
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
  });
});
