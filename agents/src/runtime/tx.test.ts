// The transaction layer on a real Hardhat node (automine): transactions an agent queues in one
// event-loop turn, or while its previous send is on the way, go in one JSON-RPC batch, in nonce
// order (shared with the other senders of the process that send in the same turn); a revert in a batch uses
// its nonce and the rest goes on; a transaction the node refuses without mining it leaves a nonce
// gap, and the later transactions of its batch are sent again after the nonce is read afresh.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createPublicClient, http, parseEther, type Address, type Hex, type PublicClient } from "viem";
import { generatePrivateKey } from "viem/accounts";
import { startChain, type TestChain } from "../../../indexer/src/testing/chain.ts";
import { UbcContractError } from "../sdk/errors.ts";
import { localAccount } from "./signer.ts";
import { TxEnv, TxSender, RpcError } from "./tx.ts";

describe("TxSender on an automining node", () => {
  let chain: TestChain;
  let client: PublicClient;
  let env: TxEnv;
  let addresses: Record<string, Address>;
  const sink = localAccount(generatePrivateKey()).address;

  before(async () => {
    chain = await startChain();
    client = createPublicClient({ transport: http(chain.url), pollingInterval: 50 }) as PublicClient;
    env = new TxEnv(chain.url, chain.deployments.chainId, client);
    await env.init();
    addresses = Object.fromEntries(Object.entries(chain.deployments.contracts).map(([k, v]) => [k, v.address as Address]));
  });
  after(async () => {
    env?.close();
    await chain?.stop();
  });

  /** A fresh key with `eth` ETH, and a TxSender for it; the JSON-RPC batches sent from now on are recorded (one sender at a time per test). */
  async function fresh(eth: string): Promise<{ s: TxSender; batches: number[] }> {
    const account = localAccount(generatePrivateKey());
    await (await chain.signers[15].sendTransaction({ to: account.address, value: parseEther(eth) })).wait();
    const s = new TxSender(account, env, addresses);
    const batches: number[] = [];
    const send = TxEnv.prototype.sendRawBatch;
    env.sendRawBatch = function (this: TxEnv, ...args: Parameters<TxEnv["sendRawBatch"]>) {
      batches.push(args[0].length);
      return send.apply(this, args);
    };
    return { s, batches };
  }
  const nonceOf = (a: Address) => client.getTransactionCount({ address: a, blockTag: "latest" });

  test("transactions queued together go in batches, in order, each mined once", async () => {
    assert.equal(env.automine, true);
    const { s, batches } = await fresh("1");
    const sent: boolean[] = [];
    s.onSent = (ok) => sent.push(ok);
    const hashes = await Promise.all(Array.from({ length: 40 }, (_, i) => s.transfer(sink, BigInt(i + 1))));
    assert.equal(new Set(hashes).size, 40);
    assert.equal(await nonceOf(s.address), 40);
    // all 40 queued in one turn of the event loop: gathered, in batches of at most 32
    assert.deepEqual(batches, [32, 8]);
    // in nonce order, with the values in the order of the calls
    const txs = await Promise.all(hashes.map((hash) => client.getTransaction({ hash })));
    assert.deepEqual(txs.map((t) => t.nonce), Array.from({ length: 40 }, (_, i) => i));
    assert.deepEqual(txs.map((t) => t.value), Array.from({ length: 40 }, (_, i) => BigInt(i + 1)));
    assert.deepEqual([s.stats.sent, s.stats.reverted, sent.length, sent.every(Boolean)], [40, 0, 40, true]);
  });

  test("senders that send in the same turn of the event loop share one batch, each in its nonce order", async () => {
    const a = (await fresh("1")).s;
    const { s: b, batches } = await fresh("1");
    await Promise.all([a.transfer(sink, 1n), b.transfer(sink, 1n)]); // both know their nonce now
    batches.length = 0;
    const hashes = await Promise.all([a.transfer(sink, 2n), a.transfer(sink, 3n), b.transfer(sink, 2n), b.transfer(sink, 3n), b.transfer(sink, 4n)]);
    // queued in one turn: a's two and b's three together, in one request
    assert.deepEqual(batches, [5]);
    const txs = await Promise.all(hashes.map((hash) => client.getTransaction({ hash })));
    assert.deepEqual(txs.map((t) => [t.from.toLowerCase(), t.nonce, t.value]), [
      [a.address.toLowerCase(), 1, 2n], [a.address.toLowerCase(), 2, 3n],
      [b.address.toLowerCase(), 1, 2n], [b.address.toLowerCase(), 2, 3n], [b.address.toLowerCase(), 3, 4n],
    ]);
  });

  test("a shared batch is split at maxShared, never inside a sender's group", async () => {
    const a = (await fresh("1")).s;
    const { s: b, batches } = await fresh("1");
    await Promise.all([a.transfer(sink, 1n), b.transfer(sink, 1n)]);
    batches.length = 0;
    env.maxShared = 3;
    try {
      await Promise.all([a.transfer(sink, 2n), a.transfer(sink, 3n), a.transfer(sink, 4n), b.transfer(sink, 2n), b.transfer(sink, 3n), b.transfer(sink, 4n)]);
      // a's three and b's three: 6 > 3, so two requests of 3, one per sender
      assert.deepEqual(batches, [3, 3]);
      assert.deepEqual([await nonceOf(a.address), await nonceOf(b.address)], [4, 4]);
    } finally {
      env.maxShared = 256;
    }
  });

  test("a turn that queues flushAt transactions sends them at once, the rest at the turn's end", async () => {
    const senders = [await fresh("1"), await fresh("1"), await fresh("1")];
    const batches = senders[2].batches; // the last fresh() counts the requests
    await Promise.all(senders.map(({ s }) => s.transfer(sink, 1n)));
    batches.length = 0;
    const saved = env.flushAt;
    env.flushAt = 3;
    try {
      const [a, b, c] = senders.map(({ s }) => s);
      await Promise.all([a.transfer(sink, 2n), a.transfer(sink, 3n), b.transfer(sink, 2n), b.transfer(sink, 3n), c.transfer(sink, 2n), c.transfer(sink, 3n)]);
      // a's two and b's two reach 3: sent without waiting; c's two at the end of the turn
      assert.deepEqual(batches, [4, 2]);
      assert.deepEqual(await Promise.all([a, b, c].map((s) => nonceOf(s.address))), [3, 3, 3]);
    } finally {
      env.flushAt = saved;
    }
  });

  test("a revert inside a batch uses its nonce; the transactions around it are mined", async () => {
    const { s, batches } = await fresh("1");
    const first = s.transfer(sink, 1n);
    // a COMPUTE transfer from an account holding none reverts (ERC20InsufficientBalance)
    const rest = [s.transfer(sink, 2n), s.call("ComputeToken", "transfer", [sink, 10n ** 18n]), s.transfer(sink, 3n)];
    await first;
    const [a, b, c] = await Promise.allSettled(rest);
    assert.equal(a.status, "fulfilled");
    assert.equal(b.status, "rejected");
    assert.ok((b as PromiseRejectedResult).reason instanceof UbcContractError);
    assert.equal(((b as PromiseRejectedResult).reason as UbcContractError).errorName, "ERC20InsufficientBalance");
    assert.equal(c.status, "fulfilled");
    assert.deepEqual(batches, [4]);
    assert.equal(await nonceOf(s.address), 4);
    assert.deepEqual([s.stats.sent, s.stats.reverted], [4, 1]);
    // and the next send continues from the local nonce
    await s.transfer(sink, 4n);
    assert.equal(await nonceOf(s.address), 5);
  });

  test("a transaction refused without being mined: the rest of its batch is sent again after the nonce is read afresh", async () => {
    const { s, batches } = await fresh("0.01");
    const sent: boolean[] = [];
    s.onSent = (ok) => sent.push(ok);
    const first = s.transfer(sink, 1n);
    // 5 ETH from an account holding 0.01: the node refuses it (not mined, nonce not used)
    const rest = [s.transfer(sink, 2n), s.transfer(sink, parseEther("5")), s.transfer(sink, 3n), s.transfer(sink, 4n)];
    await first;
    const [a, b, c, d] = await Promise.allSettled(rest);
    assert.equal(a.status, "fulfilled");
    assert.equal(b.status, "rejected");
    assert.ok((b as PromiseRejectedResult).reason instanceof RpcError);
    assert.match(((b as PromiseRejectedResult).reason as Error).message, /fund|balance/i);
    assert.equal(c.status, "fulfilled");
    assert.equal(d.status, "fulfilled");
    // the five together, then the two refused for the gap again, in a batch of their own
    assert.deepEqual(batches, [5, 2]);
    assert.equal(await nonceOf(s.address), 4);
    const values = await Promise.all([c, d].map((r) => client.getTransaction({ hash: (r as PromiseFulfilledResult<Hex>).value })));
    assert.deepEqual(values.map((t) => [t.nonce, t.value]), [[2, 3n], [3, 4n]]);
    // every transaction counted once: 4 mined, 1 refused
    assert.deepEqual([s.stats.sent, sent.filter(Boolean).length, sent.filter((x) => !x).length], [5, 4, 1]);
  });

  test("a sender gathers what its agent queues in one turn, even after an await, into one batch", async () => {
    const { s, batches } = await fresh("1");
    await s.transfer(sink, 1n);
    batches.length = 0;
    // as a provider delivering two jobs in one step: each call after an await of its own
    const deliver = async (v: bigint) => {
      await Promise.resolve();
      return s.transfer(sink, v);
    };
    await Promise.all([deliver(2n), deliver(3n), s.transfer(sink, 4n)]);
    assert.deepEqual(batches, [3]);
    assert.equal(await nonceOf(s.address), 4);
  });

  test("one transaction at a time when the chain does not automine", async () => {
    const { s, batches } = await fresh("1");
    env.automine = false;
    try {
      const hashes = await Promise.all(Array.from({ length: 5 }, (_, i) => s.transfer(sink, BigInt(i + 1))));
      assert.equal(new Set(hashes).size, 5);
      assert.deepEqual(batches, []);
      assert.equal(await nonceOf(s.address), 5);
    } finally {
      env.automine = true;
    }
  });
});
