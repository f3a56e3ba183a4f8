// Attacks on the work market: reentrancy through a malicious token, front-running and replaying
// quotes, a producer that never delivers, a requester that never reacts, a colluding validator
// minority, griefing disputes. Each test names the threat of audits/market-threat-model.md.
import { expect } from "chai";
import { network } from "hardhat";
import {
  deployMarket, fillJob, makeQuote, signQuote, submitJob, draw, validate, specHash, now,
  bps, lockOf, providerDepositOf, STATUS, E18, DAY, VALUE, MIN_STAKE, ROLE,
  type MarketFixture,
} from "./WorkMarket.fixture.ts";

const { ethers, networkHelpers } = await network.create();
const REENTRANCY_SELECTOR = ethers.id("ReentrancyGuardReentrantCall()").slice(0, 10);

describe("attacks on the work market", function () {
  let fx: MarketFixture;
  async function fixture() {
    return deployMarket(ethers, 10);
  }
  beforeEach(async function () {
    fx = await networkHelpers.loadFixture(fixture);
  });

  describe("T1 reentrancy through a malicious token", function () {
    async function evilMarket() {
      const evil = await ethers.deployContract("ReentrantToken");
      const attacker = await ethers.deployContract("ReentrancyAttacker");
      const market = await ethers.deployContract("WorkMarket", [
        await evil.getAddress(), await fx.registry.getAddress(), await fx.feeController.getAddress(),
        fx.treasury.address, fx.admin.address, fx.guardian.address,
      ]);
      const pool = await ethers.deployContract("ValidatorPool", [
        await evil.getAddress(), await evil.getAddress(), await market.getAddress(), await fx.registry.getAddress(),
        fx.treasury.address, fx.admin.address,
      ]);
      await (await market.connect(fx.admin).setValidatorPool(await pool.getAddress())).wait();
      const att = await attacker.getAddress();
      await (await evil.mint(att, 1_000_000n * E18)).wait();
      const exec = async (to: string, iface: any, fn: string, args: unknown[]) =>
        (await attacker.exec(to, iface.interface.encodeFunctionData(fn, args))).wait();
      await exec(await fx.registry.getAddress(), fx.registry, "register", ["", ROLE.REQUESTER | ROLE.VALIDATOR]);
      const agentId = await fx.registry.agentCount();
      await exec(await evil.getAddress(), evil, "approve", [await market.getAddress(), 2n ** 255n]);
      await exec(await evil.getAddress(), evil, "approve", [await pool.getAddress(), 2n ** 255n]);
      await (await evil.setHook(att)).wait();
      return { evil, attacker, market, pool, agentId, exec };
    }

    it("re-entering withdraw from the token transfer fails; the credit is paid once", async function () {
      const { evil, attacker, market, agentId, exec } = await evilMarket();
      const t = await now(ethers);
      await exec(await market.getAddress(), market, "createJob", [{ requesterAgentId: agentId, providerAgentId: 0n, value: VALUE, specHash: specHash(), acceptDeadline: t + DAY, deliveryPeriod: DAY }]);
      await exec(await market.getAddress(), market, "cancel", [1n]);
      const credit = await market.credits(agentId);
      expect(credit).to.equal(lockOf(VALUE));
      const att = await attacker.getAddress();
      await (await attacker.arm(await market.getAddress(), market.interface.encodeFunctionData("withdraw", [agentId, att, credit]))).wait();
      const b0 = await evil.balanceOf(att);
      await exec(await market.getAddress(), market, "withdraw", [agentId, att, credit]);
      expect(await attacker.attempted()).to.equal(true);
      expect(await attacker.reentered()).to.equal(false);
      expect(await attacker.lastError()).to.equal(REENTRANCY_SELECTOR);
      expect((await evil.balanceOf(att)) - b0).to.equal(credit);
      expect(await market.credits(agentId)).to.equal(0n);
      expect(await evil.balanceOf(await market.getAddress())).to.equal(0n);
    });

    it("re-entering createJob and expire while the job is being funded fails", async function () {
      const { attacker, market, agentId, exec } = await evilMarket();
      const t = await now(ethers);
      const r = { requesterAgentId: agentId, providerAgentId: 0n, value: VALUE, specHash: specHash(), acceptDeadline: t + DAY, deliveryPeriod: DAY };
      await (await attacker.arm(await market.getAddress(), market.interface.encodeFunctionData("createJob", [r]))).wait();
      await exec(await market.getAddress(), market, "createJob", [r]);
      expect(await attacker.lastError()).to.equal(REENTRANCY_SELECTOR);
      expect(await market.jobCount()).to.equal(1n);
      await (await attacker.arm(await market.getAddress(), market.interface.encodeFunctionData("cancel", [1n]))).wait();
      await networkHelpers.time.increase(DAY + 1n);
      // expire credits (no transfer); a later withdraw's transfer tries to cancel the expired job: blocked.
      await (await market.expire(1n)).wait();
      await exec(await market.getAddress(), market, "withdraw", [agentId, await attacker.getAddress(), lockOf(VALUE)]);
      expect(await attacker.lastError()).to.equal(REENTRANCY_SELECTOR);
    });

    it("re-entering withdrawStake from the UBC transfer fails; the stake is paid once", async function () {
      const { evil, attacker, pool, agentId, exec } = await evilMarket();
      await exec(await pool.getAddress(), pool, "stake", [agentId, MIN_STAKE]);
      await exec(await pool.getAddress(), pool, "requestUnbond", []);
      await networkHelpers.time.increase(7n * DAY);
      await (await attacker.arm(await pool.getAddress(), pool.interface.encodeFunctionData("withdrawStake"))).wait();
      const b0 = await evil.balanceOf(await attacker.getAddress());
      await exec(await pool.getAddress(), pool, "withdrawStake", []);
      expect(await attacker.lastError()).to.equal(REENTRANCY_SELECTOR);
      expect((await evil.balanceOf(await attacker.getAddress())) - b0).to.equal(MIN_STAKE);
      expect(await evil.balanceOf(await pool.getAddress())).to.equal(0n);
    });
  });

  describe("T2 front-running a quote fill", function () {
    it("an open quote is filled once: the loser of the race reverts and pays nothing", async function () {
      const q = await makeQuote(fx, ethers);
      const sig = await signQuote(fx, ethers, q);
      const c0 = await fx.compute.balanceOf(fx.carol.address);
      await (await fx.market.connect(fx.carol).fillQuote(q, sig, fx.CAROL, specHash("carol"))).wait();
      await expect(fx.market.connect(fx.alice).fillQuote(q, sig, fx.REQ, specHash("alice"))).to.be.revertedWithCustomError(fx.market, "QuoteNonceUsed");
      // The front-runner paid for the job it took; the victim lost nothing but gas.
      expect(c0 - (await fx.compute.balanceOf(fx.carol.address))).to.equal(lockOf(q.units * q.unitPrice));
    });

    it("a quote bound to a requester cannot be stolen, and its terms cannot be changed", async function () {
      const q = await makeQuote(fx, ethers, { requester: fx.REQ });
      const sig = await signQuote(fx, ethers, q);
      await expect(fx.market.connect(fx.carol).fillQuote(q, sig, fx.CAROL, specHash())).to.be.revertedWithCustomError(fx.market, "QuoteRequesterMismatch");
      await expect(fx.market.connect(fx.alice).fillQuote({ ...q, deliveryPeriod: 60n }, sig, fx.REQ, specHash())).to.be.revertedWithCustomError(fx.market, "InvalidQuoteSignature");
      await expect(fx.market.connect(fx.alice).fillQuote(q, sig, fx.REQ, specHash())).to.emit(fx.market, "QuoteFilled");
    });

    it("the provider cancels a quote before a pending fill lands", async function () {
      const q = await makeQuote(fx, ethers);
      const sig = await signQuote(fx, ethers, q);
      await (await fx.market.connect(fx.bob).cancelQuote(fx.PROV, q.nonce)).wait();
      await expect(fx.market.connect(fx.alice).fillQuote(q, sig, fx.REQ, specHash())).to.be.revertedWithCustomError(fx.market, "QuoteNonceUsed");
    });
  });

  describe("T3 replaying a quote on another chain or deployment", function () {
    it("the EIP-712 domain binds chain id and market address", async function () {
      const q = await makeQuote(fx, ethers);
      const onOtherChain = await signQuote(fx, ethers, q, fx.bob, fx.marketAddr, 10n);
      await expect(fx.market.connect(fx.alice).fillQuote(q, onOtherChain, fx.REQ, specHash())).to.be.revertedWithCustomError(fx.market, "InvalidQuoteSignature");
      const forOtherMarket = await signQuote(fx, ethers, q, fx.bob, fx.poolAddr);
      await expect(fx.market.connect(fx.alice).fillQuote(q, forOtherMarket, fx.REQ, specHash())).to.be.revertedWithCustomError(fx.market, "InvalidQuoteSignature");
      const [, chainId, verifyingContract] = [0, ...(await fx.market.eip712Domain()).slice(3, 5)];
      expect(chainId).to.equal((await ethers.provider.getNetwork()).chainId);
      expect(verifyingContract).to.equal(fx.marketAddr);
    });
  });

  describe("T4 a producer that never delivers", function () {
    it("anyone expires the job: the requester is refunded and compensated, half the deposit burns", async function () {
      const jobId = await fillJob(fx, ethers);
      await expect(fx.market.connect(fx.carol).submit(jobId, specHash("other"), "")).to.be.revertedWithCustomError(fx.market, "NotAuthorized");
      await expect(fx.market.connect(fx.carol).expire(jobId)).to.be.revertedWithCustomError(fx.market, "DeadlineNotReached");
      await networkHelpers.time.increase(DAY + 1n);
      await expect(fx.market.connect(fx.bob).submit(jobId, specHash("late"), "")).to.be.revertedWithCustomError(fx.market, "DeadlinePassed");
      await (await fx.market.connect(fx.carol).expire(jobId)).wait();
      const pd = providerDepositOf(VALUE);
      expect(await fx.market.credits(fx.REQ)).to.equal(lockOf(VALUE) + pd - pd / 2n);
    });
  });

  describe("T5 a requester that never reacts", function () {
    it("the producer is paid after validation and the challenge window, by anyone's settle", async function () {
      const jobId = await fillJob(fx, ethers);
      await validate(fx, networkHelpers, jobId, true);
      await networkHelpers.time.increase(DAY + 1n);
      await (await fx.market.connect(fx.carol).settle([jobId])).wait();
      expect(await fx.market.credits(fx.PROV)).to.equal(VALUE + providerDepositOf(VALUE));
    });

    it("nor can an absent committee hold the payment: the result is accepted at the deadline", async function () {
      const jobId = await fillJob(fx, ethers);
      await submitJob(fx, jobId);
      await networkHelpers.time.increase(DAY + 1n);
      await (await fx.pool.connect(fx.carol).finalize(jobId)).wait();
      await networkHelpers.time.increase(DAY + 1n);
      await (await fx.market.connect(fx.carol).settle([jobId])).wait();
      expect(await fx.market.credits(fx.PROV)).to.equal(VALUE + providerDepositOf(VALUE));
    });
  });

  describe("T6 a colluding validator minority", function () {
    it("one member approving a bad result cannot pass it: the dispute slashes the colluder", async function () {
      const jobId = await fillJob(fx, ethers);
      await submitJob(fx, jobId);
      const c = await draw(fx, networkHelpers, jobId);
      await (await fx.pool.connect(c[0]).attest(jobId, true)).wait(); // colluder
      await (await fx.pool.connect(c[1]).attest(jobId, false)).wait(); // honest
      expect((await fx.market.getJob(jobId)).status).to.equal(STATUS.Disputed);
      const esc = await draw(fx, networkHelpers, jobId);
      // One more colluder on the escalation committee changes nothing.
      await (await fx.pool.connect(esc[0]).attest(jobId, true)).wait();
      for (const v of esc.slice(1, 4)) await (await fx.pool.connect(v).attest(jobId, false)).wait();
      const j = await fx.market.getJob(jobId);
      expect(j.status).to.equal(STATUS.Resolved);
      expect(Number(j.flags) & 1).to.equal(0);
      for (const colluder of [c[0], esc[0]]) {
        const v = await fx.pool.getValidator(await fx.pool.validatorIdOf(colluder.address));
        expect(v.stake).to.equal(MIN_STAKE - bps(MIN_STAKE, 1_000n));
        expect(v.active).to.equal(false);
      }
      await (await fx.market.settle([jobId])).wait();
      expect(await fx.market.credits(fx.PROV)).to.equal(0n);
    });
  });

  describe("T7 griefing disputes", function () {
    it("a requester that challenges a good result loses half its deposit to the producer", async function () {
      const jobId = await fillJob(fx, ethers);
      await validate(fx, networkHelpers, jobId, true);
      await (await fx.market.connect(fx.alice).challenge(jobId, fx.REQ)).wait();
      const esc = await draw(fx, networkHelpers, jobId);
      for (const v of esc.slice(0, 3)) await (await fx.pool.connect(v).attest(jobId, true)).wait();
      await (await fx.market.settle([jobId])).wait();
      const rd = bps(VALUE, 500n);
      expect(await fx.market.credits(fx.PROV)).to.equal(VALUE + providerDepositOf(VALUE) + rd - rd / 2n);
      expect(await fx.market.credits(fx.REQ)).to.equal(0n);
    });

    it("a validator that dissents to force disputes is slashed out of the active set", async function () {
      const jobId = await fillJob(fx, ethers);
      await submitJob(fx, jobId);
      const c = await draw(fx, networkHelpers, jobId);
      await (await fx.pool.connect(c[0]).attest(jobId, true)).wait();
      await (await fx.pool.connect(c[1]).attest(jobId, false)).wait(); // griefer
      const esc = await draw(fx, networkHelpers, jobId);
      for (const v of esc.slice(0, 3)) await (await fx.pool.connect(v).attest(jobId, true)).wait();
      const g = await fx.pool.getValidator(await fx.pool.validatorIdOf(c[1].address));
      expect(g.active).to.equal(false);
      expect(await fx.pool.activeCount()).to.equal(9n);
    });

    it("a challenge cannot be repeated and the window is bounded", async function () {
      const jobId = await fillJob(fx, ethers);
      await validate(fx, networkHelpers, jobId, true);
      await (await fx.market.connect(fx.alice).challenge(jobId, fx.REQ)).wait();
      await expect(fx.market.connect(fx.alice).challenge(jobId, fx.REQ)).to.be.revertedWithCustomError(fx.market, "WrongStatus").withArgs(jobId, STATUS.Disputed);
    });
  });
});
