// Gas scenario for the work market: quote fills, submissions, attestations and settlement.
import type { NetworkConnection } from "hardhat/types/network";
import type { GasRecorder } from "./lib.ts";
import {
  deployMarket, makeQuote, signQuote, specHash, now, draw, committeeSigners, DAY, VALUE, E18,
} from "../../test/market/WorkMarket.fixture.ts";
import { keccak256, toUtf8Bytes } from "ethers";

export async function measure(conn: NetworkConnection<"generic">, rec: GasRecorder): Promise<void> {
  const { ethers, networkHelpers } = conn;
  const fx = await deployMarket(ethers, 10, { realFeeController: true });
  const { market, pool, alice, bob } = fx;

  // Providers number their quotes sequentially (256 nonces share one bitmap slot), as the SDK does.
  let nonce = 1n;
  // A first job runs the whole cycle, so that the measured calls are typical later ones (the
  // market, the fee controller and the agents' credits already hold balances): the requester pays
  // by transferFrom and the producer deposit comes from the provider wallet by transferFrom.
  const fill = async (key?: string) => {
    const q = await makeQuote(fx, ethers, { nonce: nonce++ });
    const sig = await signQuote(fx, ethers, q);
    const tx = market.connect(alice).fillQuote(q, sig, fx.REQ, specHash());
    if (key) await rec.record(key, tx);
    else await (await tx).wait();
    return await market.jobCount();
  };
  const warm = await fill();
  await (await market.connect(bob).submit(warm, keccak256(toUtf8Bytes("warm")), "ipfs://warm")).wait();
  {
    const m = await draw(fx, networkHelpers, warm);
    await (await pool.connect(m[0]).attest(warm, true)).wait();
    await (await pool.connect(m[1]).attest(warm, true)).wait();
    await networkHelpers.time.increase(DAY + 1n);
    await (await market.settle([warm])).wait();
    // bob keeps 1 COMPUTE of credit (less than a deposit, so the measured fill pulls from his wallet).
    await (await market.connect(bob).withdraw(fx.PROV, bob.address, (await market.credits(fx.PROV)) - E18)).wait();
    await (await market.sweep()).wait();
  }
  const jobId = await fill("WorkMarket.fillQuote");
  const t = await now(ethers);
  await rec.record("WorkMarket.createJob", market.connect(alice).createJob({
    requesterAgentId: fx.REQ, providerAgentId: 0n, value: VALUE, specHash: specHash(), acceptDeadline: t + DAY, deliveryPeriod: DAY,
  }));
  await rec.record("WorkMarket.accept", market.connect(bob).accept(await market.jobCount(), fx.PROV));
  await rec.record("WorkMarket.submit", market.connect(bob).submit(jobId, keccak256(toUtf8Bytes("result")), "ipfs://bafy-result"));
  await networkHelpers.mine(1);
  // drawCommittee is not recorded: its cost depends on the block hash it draws from (collisions
  // probe further), which differs run to run; ~80-83k for a committee of 3 (docs/market.md).
  await (await pool.drawCommittee(jobId)).wait();
  const c = await committeeSigners(fx, jobId);
  await rec.record("ValidatorPool.attest", pool.connect(c[0]).attest(jobId, true));
  await rec.record("ValidatorPool.attest reaching quorum", pool.connect(c[1]).attest(jobId, true));
  await networkHelpers.time.increase(DAY + 1n);
  await rec.record("WorkMarket.settle one job", market.settle([jobId]));

  // 20 jobs validated, then settled in one call (the producer's deposits now come from its credit).
  const ids: bigint[] = [];
  for (let i = 0; i < 20; i++) ids.push(await fill());
  for (const id of ids) {
    await (await market.connect(bob).submit(id, keccak256(toUtf8Bytes(`r${id}`)), "ipfs://r")).wait();
  }
  await networkHelpers.mine(1);
  for (const id of ids) {
    await (await pool.drawCommittee(id)).wait();
    const m = await committeeSigners(fx, id);
    await (await pool.connect(m[0]).attest(id, true)).wait();
    await (await pool.connect(m[1]).attest(id, true)).wait();
  }
  await networkHelpers.time.increase(DAY + 1n);
  const total = await rec.record("WorkMarket.settle 20 jobs", market.settle(ids));
  rec.derive("WorkMarket.settle 20 jobs per job", Math.ceil(total / 20));
  await rec.record("WorkMarket.withdraw", market.connect(bob).withdraw(fx.PROV, bob.address, VALUE));
  await rec.record("WorkMarket.sweep", market.sweep());
  await rec.record("ValidatorPool.claimFees", pool.connect(c[0]).claimFees([jobId]));
  await rec.record("WorkMarket.fillQuote producer deposit from credit", (async () => {
    const q = await makeQuote(fx, ethers, { nonce: nonce++ });
    return market.connect(alice).fillQuote(q, await signQuote(fx, ethers, q), fx.REQ, specHash());
  })());
  // the provider hands the job just filled back (both sides credited in full)
  await rec.record("WorkMarket.decline", market.connect(bob).decline(await market.jobCount()));
}
