import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { ethers } from "ethers";
import { startChain, type TestChain } from "../../../indexer/src/testing/chain.ts";
import { startExampleServer, type ExampleServer } from "./example-server.ts";
import { X402Client, BudgetExceededError, PaymentRefusedError } from "./client.ts";
import { decodeHeader, encodeHeader, PAYMENT_HEADER, type PaymentPayload, type PaymentRequiredBody } from "./types.ts";

const E18 = 10n ** 18n;
const PRICE = 2n * E18;

describe("x402 payments in COMPUTE (EIP-3009) against a real chain", () => {
  let chain: TestChain;
  let server: ExampleServer;
  let compute: ethers.Contract;
  let seller: ethers.Signer;
  let buyer: ethers.Signer;
  let asset: string;

  before(async () => {
    chain = await startChain();
    compute = chain.contract("ComputeToken");
    asset = await compute.getAddress();
    seller = chain.signers[5];
    buyer = chain.signers[6];
    await (await compute.transfer(await buyer.getAddress(), 100n * E18)).wait();
    server = await startExampleServer({ wallet: seller, asset, chainId: 31337, price: PRICE });
  });
  after(async () => {
    await server?.close();
    await chain?.stop();
  });

  const url = () => `${server.url}/compute/sha256?input=hello`;

  test("no payment: 402 with the terms", async () => {
    const r = await fetch(url());
    assert.equal(r.status, 402);
    const body = (await r.json()) as PaymentRequiredBody;
    assert.equal(body.x402Version, 1);
    const t = body.accepts[0];
    assert.equal(t.scheme, "exact");
    assert.equal(t.network, "eip155:31337");
    assert.equal(t.maxAmountRequired, PRICE.toString());
    assert.equal(t.asset, asset.toLowerCase());
    assert.equal(t.payTo, (await seller.getAddress()).toLowerCase());
    assert.deepEqual(t.extra, { name: "COMPUTE", version: "1" });
  });

  test("the client pays within its budget, the server settles on-chain before answering", async () => {
    const client = new X402Client({ signer: buyer, chainId: 31337, asset, budget: 5n * E18 });
    const sellerBefore = await compute.balanceOf(await seller.getAddress());
    const buyerBefore = await compute.balanceOf(await buyer.getAddress());
    const r = await client.fetch(url());
    assert.equal(r.response.status, 200);
    const body = (await r.response.json()) as { sha256: string };
    assert.equal(body.sha256, "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
    assert.equal(r.paid, PRICE);
    assert.ok(r.settlement?.success);
    const receipt = await chain.provider.getTransactionReceipt(r.settlement!.transaction);
    assert.equal(receipt?.status, 1);
    assert.equal(await compute.balanceOf(await seller.getAddress()), sellerBefore + PRICE);
    assert.equal(await compute.balanceOf(await buyer.getAddress()), buyerBefore - PRICE);
    assert.equal(client.spent, PRICE);
    // a second call pays again; a third would exceed the 5 COMPUTE budget and is not attempted
    await client.fetch(url());
    await assert.rejects(client.fetch(url()), BudgetExceededError);
    assert.equal(client.spent, 2n * PRICE);
    const capped = new X402Client({ signer: buyer, chainId: 31337, asset, budget: 100n * E18, maxPerRequest: 1n * E18 });
    await assert.rejects(capped.fetch(url()), BudgetExceededError);
  });

  test("replayed, underpaid, misdirected, forged and garbage payments are refused with a reason", async () => {
    const client = new X402Client({ signer: buyer, chainId: 31337, asset, budget: 100n * E18 });
    const terms = ((await (await fetch(url())).json()) as PaymentRequiredBody).accepts[0];
    const pay = async (header: string) => {
      const r = await fetch(url(), { headers: { [PAYMENT_HEADER]: header } });
      return { status: r.status, error: r.status === 402 ? ((await r.json()) as PaymentRequiredBody).error ?? "" : "" };
    };
    const header = await client.pay(terms);
    assert.equal((await pay(header)).status, 200);
    assert.match((await pay(header)).error, /^nonce_used/);

    const under = await client.pay({ ...terms, maxAmountRequired: (PRICE - 1n).toString() });
    assert.match((await pay(under)).error, /^insufficient_amount/);
    const elsewhere = await client.pay({ ...terms, payTo: await chain.signers[7].getAddress() });
    assert.match((await pay(elsewhere)).error, /^invalid_payee/);
    const genuine = decodeHeader<PaymentPayload>(await client.pay(terms));
    const forged = { ...genuine, payload: { ...genuine.payload, authorization: { ...genuine.payload.authorization, value: (PRICE * 10n).toString() } } };
    assert.match((await pay(encodeHeader(forged))).error, /^invalid_signature/);
    const otherChain = await new X402Client({ signer: buyer, chainId: 1, asset, budget: E18 * 100n }).pay({ ...terms, network: "eip155:31337" });
    assert.match((await pay(otherChain)).error, /^invalid_signature/);
    assert.match((await pay("not base64 json")).error, /^invalid_payload/);
    assert.match((await pay(encodeHeader({ x402Version: 1, scheme: "exact", network: "eip155:31337", payload: { signature: "0x", authorization: { from: "nope" } } }))).error, /^invalid_payload/);
    assert.match((await pay(encodeHeader({ ...genuine, network: "eip155:1" }))).error, /^invalid_network/);
    const broke = new X402Client({ signer: chain.signers[8], chainId: 31337, asset, budget: 100n * E18 });
    assert.match((await pay(await broke.pay(terms))).error, /^insufficient_funds/);
    await assert.rejects(broke.fetch(url()), PaymentRefusedError);
    assert.equal(server.paywall.counters.paid >= 3, true);
  });
});
