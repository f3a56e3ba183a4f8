// WorkMarket: job lifecycle, escrow, quotes, funding by signature, expiry, settlement, governance.
import { expect } from "chai";
import { network } from "hardhat";
import { anyValue } from "@nomicfoundation/hardhat-ethers-chai-matchers/withArgs";
import {
  deployMarket, openJob, fillJob, makeQuote, signQuote, receiveAuth, submitJob, validate, now, specHash,
  lockOf, providerDepositOf, bps, STATUS, FLAG, E18, DAY, VALUE, BURN_SHARE_BPS, ZeroAddress, keccakId,
  type MarketFixture,
} from "./WorkMarket.fixture.ts";

const { ethers, networkHelpers } = await network.create();

describe("WorkMarket", function () {
  let fx: MarketFixture;
  async function fixture() {
    return deployMarket(ethers, 10);
  }
  beforeEach(async function () {
    fx = await networkHelpers.loadFixture(fixture);
  });

  describe("deployment and governance", function () {
    it("rejects zero addresses", async function () {
      const a = await fx.compute.getAddress();
      await expect(ethers.deployContract("WorkMarket", [ZeroAddress, a, a, a, a, a])).to.be.revertedWithCustomError(fx.market, "ZeroAddress");
      await expect(ethers.deployContract("WorkMarket", [a, a, a, a, a, ZeroAddress])).to.be.revertedWithCustomError(fx.market, "ZeroAddress");
    });

    it("sets the validator pool once, by the admin", async function () {
      await expect(fx.market.connect(fx.admin).setValidatorPool(fx.alice.address)).to.be.revertedWithCustomError(fx.market, "PoolAlreadySet");
      await expect(fx.market.connect(fx.alice).setValidatorPool(fx.alice.address)).to.be.revertedWithCustomError(fx.market, "AccessControlUnauthorizedAccount");
      const m2 = await ethers.deployContract("WorkMarket", [await fx.compute.getAddress(), await fx.registry.getAddress(), await fx.feeController.getAddress(), fx.treasury.address, fx.admin.address, fx.guardian.address]);
      await expect(m2.connect(fx.admin).setValidatorPool(ZeroAddress)).to.be.revertedWithCustomError(m2, "ZeroAddress");
      await expect(m2.connect(fx.admin).setValidatorPool(fx.alice.address)).to.emit(m2, "ValidatorPoolSet").withArgs(fx.alice.address);
    });

    it("bounds the governed periods", async function () {
      await expect(fx.market.connect(fx.admin).setPeriods(3600, 7200, 86400)).to.emit(fx.market, "PeriodsUpdated").withArgs(3600, 7200, 86400);
      expect(await fx.market.periods()).to.deep.equal([3600n, 7200n, 86400n]);
      await expect(fx.market.connect(fx.admin).setPeriods(60, 7200, 86400)).to.be.revertedWithCustomError(fx.market, "BadPeriod").withArgs(60);
      await expect(fx.market.connect(fx.admin).setPeriods(3600, 31 * 86400, 86400)).to.be.revertedWithCustomError(fx.market, "BadPeriod");
      await expect(fx.market.connect(fx.admin).setPeriods(3600, 3600, 0)).to.be.revertedWithCustomError(fx.market, "BadPeriod");
      await expect(fx.market.connect(fx.alice).setPeriods(3600, 3600, 3600)).to.be.revertedWithCustomError(fx.market, "AccessControlUnauthorizedAccount");
    });

    it("pauses new jobs, acceptances and fills but never exits", async function () {
      const { jobId } = await openJob(fx, ethers);
      const filled = await fillJob(fx, ethers);
      await expect(fx.market.connect(fx.alice).pause()).to.be.revertedWithCustomError(fx.market, "AccessControlUnauthorizedAccount");
      await (await fx.market.connect(fx.guardian).pause()).wait();
      const t = await now(ethers);
      await expect(fx.market.connect(fx.alice).createJob({ requesterAgentId: fx.REQ, providerAgentId: 0n, value: VALUE, specHash: specHash(), acceptDeadline: t + DAY, deliveryPeriod: DAY }))
        .to.be.revertedWithCustomError(fx.market, "EnforcedPause");
      await expect(fx.market.connect(fx.bob).accept(jobId, fx.PROV)).to.be.revertedWithCustomError(fx.market, "EnforcedPause");
      const q = await makeQuote(fx, ethers);
      await expect(fx.market.connect(fx.alice).fillQuote(q, await signQuote(fx, ethers, q), fx.REQ, specHash())).to.be.revertedWithCustomError(fx.market, "EnforcedPause");
      // Exits and deliveries continue.
      await expect(fx.market.connect(fx.bob).submit(filled, keccakId("r"), "ipfs://r")).to.emit(fx.market, "JobSubmitted");
      await expect(fx.market.connect(fx.alice).cancel(jobId)).to.emit(fx.market, "JobCancelled");
      await expect(fx.market.connect(fx.alice).withdraw(fx.REQ, fx.alice.address, 1n)).to.emit(fx.market, "Withdrawn");
      await (await fx.market.connect(fx.guardian).unpause()).wait();
      expect(await fx.market.paused()).to.equal(false);
    });

    it("pause and unpause as OpenZeppelin's Pausable: events, state, and a second call refused", async function () {
      // the flag lives beside the job count (one slot a fill reads anyway): the count is kept
      const before = await fx.market.jobCount();
      await expect(fx.market.connect(fx.guardian).unpause()).to.be.revertedWithCustomError(fx.market, "ExpectedPause");
      await expect(fx.market.connect(fx.guardian).pause()).to.emit(fx.market, "Paused").withArgs(fx.guardian.address);
      expect(await fx.market.paused()).to.equal(true);
      expect(await fx.market.jobCount()).to.equal(before);
      await expect(fx.market.connect(fx.guardian).pause()).to.be.revertedWithCustomError(fx.market, "EnforcedPause");
      await expect(fx.market.connect(fx.alice).unpause()).to.be.revertedWithCustomError(fx.market, "AccessControlUnauthorizedAccount");
      await expect(fx.market.connect(fx.guardian).unpause()).to.emit(fx.market, "Unpaused").withArgs(fx.guardian.address);
      expect(await fx.market.paused()).to.equal(false);
      // the periods share the slot too: unchanged by pausing
      const [validation] = await fx.market.periods();
      expect(validation).to.be.greaterThan(0n);
      const id = await fillJob(fx, ethers);
      expect(id).to.equal(before + 1n);
    });

    it("only the pool records outcomes", async function () {
      await expect(fx.market.connect(fx.alice).recordOutcome(1, 0, true, true)).to.be.revertedWithCustomError(fx.market, "NotValidatorPool").withArgs(fx.alice.address);
    });

    it("computes the requester lock", async function () {
      expect(await fx.market.requesterLock(VALUE)).to.equal(lockOf(VALUE));
      expect(lockOf(VALUE)).to.equal(1065n * E18);
    });
  });

  describe("createJob", function () {
    it("opens a job and locks value + 5% deposit + 1% + 0.5% fees", async function () {
      const before = await fx.compute.balanceOf(fx.alice.address);
      const t = await now(ethers);
      const r = { requesterAgentId: fx.REQ, providerAgentId: 0n, value: VALUE, specHash: specHash(), acceptDeadline: t + DAY, deliveryPeriod: 3600n };
      await expect(fx.market.connect(fx.alice).createJob(r))
        .to.emit(fx.market, "JobCreated").withArgs(1, fx.REQ, 0, VALUE, r.specHash, r.acceptDeadline, 3600)
        .and.to.emit(fx.market, "Funded").withArgs(1, fx.REQ, fx.alice.address, lockOf(VALUE), false);
      expect(before - (await fx.compute.balanceOf(fx.alice.address))).to.equal(lockOf(VALUE));
      const j = await fx.market.getJob(1);
      expect(j.status).to.equal(STATUS.Open);
      expect(j.value).to.equal(VALUE);
      expect(j.deadline).to.equal(r.acceptDeadline);
      expect(j.aux).to.equal(3600n);
      expect(await fx.market.jobParties(1)).to.deep.equal([fx.REQ, 0n, false]);
    });

    it("reverts on bad parameters", async function () {
      const t = await now(ethers);
      const base = { requesterAgentId: fx.REQ, providerAgentId: 0n, value: VALUE, specHash: specHash(), acceptDeadline: t + DAY, deliveryPeriod: DAY };
      const m = fx.market.connect(fx.alice);
      await expect(m.createJob({ ...base, value: 99n * E18 })).to.be.revertedWithCustomError(fx.market, "ValueTooSmall").withArgs(99n * E18, 100n * E18);
      await expect(m.createJob({ ...base, value: 2n ** 88n })).to.be.revertedWithCustomError(fx.market, "ValueTooLarge").withArgs(2n ** 88n);
      await expect(m.createJob({ ...base, specHash: ethers.ZeroHash })).to.be.revertedWithCustomError(fx.market, "ZeroSpec");
      await expect(m.createJob({ ...base, acceptDeadline: t })).to.be.revertedWithCustomError(fx.market, "BadDeadline").withArgs(t);
      await expect(m.createJob({ ...base, acceptDeadline: t + 400n * DAY })).to.be.revertedWithCustomError(fx.market, "BadDeadline");
      await expect(m.createJob({ ...base, deliveryPeriod: 0n })).to.be.revertedWithCustomError(fx.market, "BadPeriod").withArgs(0);
      await expect(m.createJob({ ...base, deliveryPeriod: 400n * DAY })).to.be.revertedWithCustomError(fx.market, "BadPeriod");
      await expect(m.createJob({ ...base, providerAgentId: fx.REQ })).to.be.revertedWithCustomError(fx.market, "SameAgent").withArgs(fx.REQ);
      await expect(m.createJob({ ...base, providerAgentId: 2n ** 40n })).to.be.revertedWithCustomError(fx.market, "AgentIdTooLarge");
      await expect(fx.market.connect(fx.bob).createJob(base)).to.be.revertedWithCustomError(fx.market, "NotAuthorized").withArgs(fx.REQ, fx.bob.address);
      await expect(fx.market.connect(fx.bob).createJob({ ...base, requesterAgentId: fx.PROV })).to.be.revertedWithCustomError(fx.market, "MissingRole").withArgs(fx.PROV, 2);
    });

    it("funds from the agent's credit when it covers the lock", async function () {
      const { jobId } = await openJob(fx, ethers);
      await (await fx.market.connect(fx.alice).cancel(jobId)).wait();
      expect(await fx.market.credits(fx.REQ)).to.equal(lockOf(VALUE));
      const before = await fx.compute.balanceOf(fx.alice.address);
      const t = await now(ethers);
      await expect(fx.market.connect(fx.alice).createJob({ requesterAgentId: fx.REQ, providerAgentId: 0n, value: VALUE, specHash: specHash(), acceptDeadline: t + DAY, deliveryPeriod: DAY }))
        .to.emit(fx.market, "Funded").withArgs(2, fx.REQ, fx.marketAddr, lockOf(VALUE), true);
      expect(await fx.compute.balanceOf(fx.alice.address)).to.equal(before);
      expect(await fx.market.credits(fx.REQ)).to.equal(0n);
    });

    it("credits a deposit paid by an EIP-3009 authorisation relayed by anyone", async function () {
      const nonce = keccakId("deposit-1");
      const auth = await receiveAuth(fx, ethers, fx.alice, 5_000n * E18, nonce);
      await expect(fx.market.connect(fx.carol).depositWithAuthorization(fx.REQ, 5_000n * E18, nonce, auth))
        .to.emit(fx.market, "Deposited").withArgs(fx.REQ, fx.alice.address, 5_000n * E18);
      expect(await fx.market.credits(fx.REQ)).to.equal(5_000n * E18);
      // Replaying the authorisation fails at the token.
      await expect(fx.market.connect(fx.carol).depositWithAuthorization(fx.REQ, 5_000n * E18, nonce, auth)).to.be.revertedWithCustomError(fx.compute, "AuthorizationAlreadyUsed");
      await expect(fx.market.connect(fx.carol).depositWithAuthorization(fx.REQ, 0, nonce, auth)).to.be.revertedWithCustomError(fx.market, "ZeroAmount");
      // A payer not authorised for the agent is refused.
      const auth2 = await receiveAuth(fx, ethers, fx.bob, E18, keccakId("x"));
      await expect(fx.market.connect(fx.carol).depositWithAuthorization(fx.REQ, E18, keccakId("x"), auth2)).to.be.revertedWithCustomError(fx.market, "PayerNotAuthorized").withArgs(fx.bob.address);
    });
  });

  describe("accept, cancel, submit", function () {
    it("accepts an open job and locks the 2% producer deposit", async function () {
      const { jobId } = await openJob(fx, ethers);
      const before = await fx.compute.balanceOf(fx.bob.address);
      const tx = fx.market.connect(fx.bob).accept(jobId, fx.PROV);
      await expect(tx).to.emit(fx.market, "JobAccepted").withArgs(jobId, fx.PROV, anyValue);
      expect(before - (await fx.compute.balanceOf(fx.bob.address))).to.equal(providerDepositOf(VALUE));
      const j = await fx.market.getJob(jobId);
      expect(j.status).to.equal(STATUS.Accepted);
      expect(j.providerAgentId).to.equal(fx.PROV);
      expect(j.deadline).to.equal((await now(ethers)) + DAY);
    });

    it("reverts acceptance when not allowed", async function () {
      const { jobId } = await openJob(fx, ethers, VALUE, fx.CAROL);
      await expect(fx.market.connect(fx.bob).accept(jobId, fx.PROV)).to.be.revertedWithCustomError(fx.market, "NotDesignatedProvider").withArgs(jobId, fx.PROV);
      const open = (await openJob(fx, ethers)).jobId;
      await expect(fx.market.connect(fx.alice).accept(open, fx.REQ)).to.be.revertedWithCustomError(fx.market, "SameAgent");
      await expect(fx.market.connect(fx.alice).accept(open, fx.PROV)).to.be.revertedWithCustomError(fx.market, "NotAuthorized").withArgs(fx.PROV, fx.alice.address);
      await expect(fx.market.connect(fx.bob).accept(open, 2n ** 40n)).to.be.revertedWithCustomError(fx.market, "AgentIdTooLarge");
      // An agent without the PROVIDER role.
      await (await fx.registry.connect(fx.signers[17]).register("", 2)).wait();
      const noProv = await fx.registry.agentCount();
      await expect(fx.market.connect(fx.signers[17]).accept(open, noProv)).to.be.revertedWithCustomError(fx.market, "MissingRole").withArgs(noProv, 1);
      await expect(fx.market.connect(fx.bob).accept(99, fx.PROV)).to.be.revertedWithCustomError(fx.market, "WrongStatus").withArgs(99, STATUS.None);
      await networkHelpers.time.increase(DAY + 1n);
      await expect(fx.market.connect(fx.bob).accept(open, fx.PROV)).to.be.revertedWithCustomError(fx.market, "DeadlinePassed");
    });

    it("the designated provider accepts", async function () {
      const { jobId } = await openJob(fx, ethers, VALUE, fx.CAROL);
      await expect(fx.market.connect(fx.carol).accept(jobId, fx.CAROL)).to.emit(fx.market, "JobAccepted");
    });

    it("cancels an open job (requester only) and credits the whole lock", async function () {
      const { jobId } = await openJob(fx, ethers);
      await expect(fx.market.connect(fx.bob).cancel(jobId)).to.be.revertedWithCustomError(fx.market, "NotAuthorized");
      await expect(fx.market.connect(fx.alice).cancel(jobId)).to.emit(fx.market, "JobCancelled").withArgs(jobId, lockOf(VALUE));
      expect((await fx.market.getJob(jobId)).status).to.equal(STATUS.Cancelled);
      await expect(fx.market.connect(fx.alice).cancel(jobId)).to.be.revertedWithCustomError(fx.market, "WrongStatus").withArgs(jobId, STATUS.Cancelled);
      const accepted = await fillJob(fx, ethers);
      await expect(fx.market.connect(fx.alice).cancel(accepted)).to.be.revertedWithCustomError(fx.market, "WrongStatus").withArgs(accepted, STATUS.Accepted);
    });

    it("submits a result hash and URI and seeds the committee draw with the next block", async function () {
      const jobId = await fillJob(fx, ethers);
      const result = keccakId("result");
      const tx = await fx.market.connect(fx.bob).submit(jobId, result, "ipfs://result");
      const rc = await tx.wait();
      const t = await now(ethers);
      await expect(tx).to.emit(fx.market, "JobSubmitted").withArgs(jobId, result, "ipfs://result", t + DAY, rc!.blockNumber + 1);
      const j = await fx.market.getJob(jobId);
      expect(j.status).to.equal(STATUS.Submitted);
      expect(j.aux).to.equal(BigInt(rc!.blockNumber + 1));
    });

    it("reverts submission when not allowed", async function () {
      const jobId = await fillJob(fx, ethers);
      await expect(fx.market.connect(fx.alice).submit(jobId, keccakId("r"), "")).to.be.revertedWithCustomError(fx.market, "NotAuthorized");
      await expect(fx.market.connect(fx.bob).submit(jobId, ethers.ZeroHash, "")).to.be.revertedWithCustomError(fx.market, "ZeroSpec");
      const { jobId: open } = await openJob(fx, ethers);
      await expect(fx.market.connect(fx.bob).submit(open, keccakId("r"), "")).to.be.revertedWithCustomError(fx.market, "WrongStatus").withArgs(open, STATUS.Open);
      await networkHelpers.time.increase(DAY + 1n);
      await expect(fx.market.connect(fx.bob).submit(jobId, keccakId("r"), "")).to.be.revertedWithCustomError(fx.market, "DeadlinePassed");
    });
  });

  describe("expiry", function () {
    it("refunds an open job past its acceptance deadline (anyone may call)", async function () {
      const { jobId } = await openJob(fx, ethers);
      await expect(fx.market.connect(fx.carol).expire(jobId)).to.be.revertedWithCustomError(fx.market, "DeadlineNotReached");
      await networkHelpers.time.increase(DAY + 1n);
      await expect(fx.market.connect(fx.carol).expire(jobId)).to.emit(fx.market, "JobExpired").withArgs(jobId, STATUS.Open, lockOf(VALUE), 0);
      expect(await fx.market.credits(fx.REQ)).to.equal(lockOf(VALUE));
      await expect(fx.market.expire(jobId)).to.be.revertedWithCustomError(fx.market, "WrongStatus").withArgs(jobId, STATUS.Expired);
    });

    it("a producer that never delivers: refund, deposit half to the requester, half burned", async function () {
      const jobId = await fillJob(fx, ethers);
      await networkHelpers.time.increase(DAY + 1n);
      const supply = await fx.compute.totalSupply();
      const burned0 = await fx.compute.totalBurned();
      const pd = providerDepositOf(VALUE);
      await expect(fx.market.connect(fx.carol).expire(jobId))
        .to.emit(fx.market, "JobExpired").withArgs(jobId, STATUS.Accepted, lockOf(VALUE) + pd - pd / 2n, pd)
        .and.to.emit(fx.market, "Burned").withArgs(jobId, pd / 2n, 1);
      expect(supply - (await fx.compute.totalSupply())).to.equal(pd / 2n);
      expect((await fx.compute.totalBurned()) - burned0).to.equal(pd / 2n);
      expect(await fx.market.credits(fx.REQ)).to.equal(lockOf(VALUE) + pd - pd / 2n);
      expect(await fx.compute.balanceOf(fx.marketAddr)).to.equal(await fx.market.credits(fx.REQ));
    });

    it("cannot expire a submitted job", async function () {
      const jobId = await fillJob(fx, ethers);
      await submitJob(fx, jobId);
      await networkHelpers.time.increase(3n * DAY);
      await expect(fx.market.expire(jobId)).to.be.revertedWithCustomError(fx.market, "WrongStatus").withArgs(jobId, STATUS.Submitted);
    });
  });

  describe("decline", function () {
    it("the provider hands a filled job back in its window: both sides credited in full, nothing burned", async function () {
      const jobId = await fillJob(fx, ethers);
      const supply = await fx.compute.totalSupply();
      const pd = providerDepositOf(VALUE);
      await networkHelpers.time.increase(DAY / 4n - 10n);
      await expect(fx.market.connect(fx.bob).decline(jobId))
        .to.emit(fx.market, "JobDeclined").withArgs(jobId, fx.PROV, lockOf(VALUE), pd)
        .and.not.to.emit(fx.market, "Burned");
      expect((await fx.market.getJob(jobId)).status).to.equal(STATUS.Declined);
      expect(await fx.market.credits(fx.REQ)).to.equal(lockOf(VALUE));
      expect(await fx.market.credits(fx.PROV)).to.equal(pd);
      expect(await fx.compute.totalSupply()).to.equal(supply);
      // the escrow holds exactly what it owes
      expect(await fx.compute.balanceOf(fx.marketAddr)).to.equal(lockOf(VALUE) + pd);
      // a declined job is over: no delivery, no second decline, no expiry (so no slashing)
      await expect(fx.market.connect(fx.bob).submit(jobId, keccakId("r"), "")).to.be.revertedWithCustomError(fx.market, "WrongStatus").withArgs(jobId, STATUS.Declined);
      await expect(fx.market.connect(fx.bob).decline(jobId)).to.be.revertedWithCustomError(fx.market, "WrongStatus").withArgs(jobId, STATUS.Declined);
      await networkHelpers.time.increase(2n * DAY);
      await expect(fx.market.expire(jobId)).to.be.revertedWithCustomError(fx.market, "WrongStatus").withArgs(jobId, STATUS.Declined);
    });

    it("only the provider declines, only an accepted job, only in the first quarter of the delivery period", async function () {
      const jobId = await fillJob(fx, ethers);
      await expect(fx.market.connect(fx.alice).decline(jobId)).to.be.revertedWithCustomError(fx.market, "NotAuthorized").withArgs(fx.PROV, fx.alice.address);
      await expect(fx.market.connect(fx.carol).decline(jobId)).to.be.revertedWithCustomError(fx.market, "NotAuthorized").withArgs(fx.PROV, fx.carol.address);
      const { jobId: open } = await openJob(fx, ethers);
      await expect(fx.market.connect(fx.bob).decline(open)).to.be.revertedWithCustomError(fx.market, "WrongStatus").withArgs(open, STATUS.Open);
      const submitted = await fillJob(fx, ethers);
      await submitJob(fx, submitted);
      await expect(fx.market.connect(fx.bob).decline(submitted)).to.be.revertedWithCustomError(fx.market, "WrongStatus").withArgs(submitted, STATUS.Submitted);
      // the window: the fill's time + DAY / 4
      const deadline = (await fx.market.getJob(jobId)).deadline;
      const declineBy = deadline - DAY + DAY / 4n;
      await networkHelpers.time.increaseTo(declineBy); // the next transaction: one second past the window
      await expect(fx.market.connect(fx.bob).decline(jobId)).to.be.revertedWithCustomError(fx.market, "DeclineWindowOver").withArgs(jobId, declineBy);
      // past the window the job is the provider's to deliver, or to lose its deposit for
      await networkHelpers.time.increaseTo(deadline + 1n);
      await expect(fx.market.expire(jobId)).to.emit(fx.market, "JobExpired");
    });

    it("an open job accepted later: the window counts from the acceptance; declining works while paused", async function () {
      const { jobId } = await openJob(fx, ethers);
      await networkHelpers.time.increase(DAY / 2n);
      await (await fx.market.connect(fx.bob).accept(jobId, fx.PROV)).wait();
      const accepted = await now(ethers);
      expect((await fx.market.getJob(jobId)).deadline).to.equal(accepted + DAY);
      await (await fx.market.connect(fx.guardian).pause()).wait();
      await networkHelpers.time.increaseTo(accepted + DAY / 4n - 1n); // the next transaction: the window's last second
      await expect(fx.market.connect(fx.bob).decline(jobId)).to.emit(fx.market, "JobDeclined").withArgs(jobId, fx.PROV, lockOf(VALUE), providerDepositOf(VALUE));
      expect(await fx.market.credits(fx.PROV)).to.equal(providerDepositOf(VALUE));
    });
  });

  describe("quotes", function () {
    it("fillQuote creates and accepts a job in one transaction", async function () {
      const q = await makeQuote(fx, ethers, { units: 3n, unitPrice: 50n * E18 });
      const sig = await signQuote(fx, ethers, q);
      const value = 150n * E18;
      const a0 = await fx.compute.balanceOf(fx.alice.address);
      const b0 = await fx.compute.balanceOf(fx.bob.address);
      const spec = specHash();
      const fill = await fx.market.connect(fx.alice).fillQuote(q, sig, fx.REQ, spec);
      await fill.wait();
      // the spec hash is kept only in JobCreated (no slot stores it): that event is its record
      await expect(fill)
        .to.emit(fx.market, "QuoteFilled").withArgs(1, fx.PROV, q.nonce, q.resourceKind, 3, 50n * E18)
        .and.to.emit(fx.market, "JobCreated").withArgs(1, fx.REQ, fx.PROV, value, spec, await now(ethers), DAY)
        .and.to.emit(fx.market, "JobAccepted");
      expect(a0 - (await fx.compute.balanceOf(fx.alice.address))).to.equal(lockOf(value));
      expect(b0 - (await fx.compute.balanceOf(fx.bob.address))).to.equal(providerDepositOf(value));
      const j = await fx.market.getJob(1);
      expect(j.status).to.equal(STATUS.Accepted);
      expect(j.providerAgentId).to.equal(fx.PROV);
      expect(j.deadline).to.equal((await now(ethers)) + DAY);
      expect(await fx.market.isQuoteNonceUsed(fx.PROV, q.nonce)).to.equal(true);
      expect(await fx.market.quoteDigest(q)).to.equal(ethers.TypedDataEncoder.hash(await (await import("./WorkMarket.fixture.ts")).quoteDomain(ethers, fx.marketAddr), (await import("./WorkMarket.fixture.ts")).QUOTE_TYPES, q));
    });

    it("rejects a replayed, expired, foreign or badly signed quote", async function () {
      const q = await makeQuote(fx, ethers);
      const sig = await signQuote(fx, ethers, q);
      const m = fx.market.connect(fx.alice);
      await (await m.fillQuote(q, sig, fx.REQ, specHash())).wait();
      await expect(m.fillQuote(q, sig, fx.REQ, specHash())).to.be.revertedWithCustomError(fx.market, "QuoteNonceUsed").withArgs(fx.PROV, q.nonce);
      const q2 = await makeQuote(fx, ethers);
      await expect(m.fillQuote(q2, await signQuote(fx, ethers, q2, fx.alice), fx.REQ, specHash())).to.be.revertedWithCustomError(fx.market, "InvalidQuoteSignature").withArgs(fx.PROV);
      await expect(m.fillQuote({ ...q2, unitPrice: q2.unitPrice - 1n }, await signQuote(fx, ethers, q2), fx.REQ, specHash())).to.be.revertedWithCustomError(fx.market, "InvalidQuoteSignature");
      const expired = await makeQuote(fx, ethers, { expiry: (await now(ethers)) - 1n });
      await expect(m.fillQuote(expired, await signQuote(fx, ethers, expired), fx.REQ, specHash())).to.be.revertedWithCustomError(fx.market, "QuoteExpired");
      const small = await makeQuote(fx, ethers, { units: 1n, unitPrice: 99n * E18 });
      await expect(m.fillQuote(small, await signQuote(fx, ethers, small), fx.REQ, specHash())).to.be.revertedWithCustomError(fx.market, "ValueTooSmall");
      const big = await makeQuote(fx, ethers, { units: 2n ** 40n, unitPrice: 2n ** 60n });
      await expect(m.fillQuote(big, await signQuote(fx, ethers, big), fx.REQ, specHash())).to.be.revertedWithCustomError(fx.market, "ValueTooLarge");
      const noPeriod = await makeQuote(fx, ethers, { deliveryPeriod: 0n });
      await expect(m.fillQuote(noPeriod, await signQuote(fx, ethers, noPeriod), fx.REQ, specHash())).to.be.revertedWithCustomError(fx.market, "BadPeriod");
      const q3 = await makeQuote(fx, ethers);
      await expect(m.fillQuote(q3, await signQuote(fx, ethers, q3), fx.REQ, ethers.ZeroHash)).to.be.revertedWithCustomError(fx.market, "ZeroSpec");
      await expect(fx.market.connect(fx.bob).fillQuote(q3, await signQuote(fx, ethers, q3), fx.REQ, specHash())).to.be.revertedWithCustomError(fx.market, "NotAuthorized");
      // carol's agent may request but the quote names bob as provider; carol cannot fill as bob.
      const self = await makeQuote(fx, ethers, { providerAgentId: fx.CAROL });
      await expect(fx.market.connect(fx.carol).fillQuote(self, await signQuote(fx, ethers, self, fx.carol), fx.CAROL, specHash())).to.be.revertedWithCustomError(fx.market, "SameAgent");
      const tooBig = await makeQuote(fx, ethers, { providerAgentId: 2n ** 40n });
      await expect(m.fillQuote(tooBig, await signQuote(fx, ethers, tooBig), fx.REQ, specHash())).to.be.revertedWithCustomError(fx.market, "AgentIdTooLarge");
      // A provider agent without the PROVIDER role.
      const asReq = await makeQuote(fx, ethers, { providerAgentId: fx.REQ });
      await expect(fx.market.connect(fx.carol).fillQuote(asReq, await signQuote(fx, ethers, asReq, fx.alice), fx.CAROL, specHash())).to.be.revertedWithCustomError(fx.market, "MissingRole").withArgs(fx.REQ, 1);
      // A provider agent that does not exist (its record is all zero: no role, no wallet).
      const ghost = await makeQuote(fx, ethers, { providerAgentId: 999n });
      await expect(m.fillQuote(ghost, await signQuote(fx, ethers, ghost), fx.REQ, specHash())).to.be.revertedWithCustomError(fx.market, "MissingRole").withArgs(999n, 1);
      // A requester agent without the REQUESTER role, filling as its own owner.
      await (await fx.registry.connect(fx.signers[18]).register("", 1)).wait(); // PROVIDER only
      const noReq = await fx.registry.agentCount();
      const q4 = await makeQuote(fx, ethers);
      await expect(fx.market.connect(fx.signers[18]).fillQuote(q4, await signQuote(fx, ethers, q4), noReq, specHash())).to.be.revertedWithCustomError(fx.market, "MissingRole").withArgs(noReq, 2);
      // Its owner may not fill for another agent either (one registry read decides both).
      await expect(fx.market.connect(fx.signers[18]).fillQuote(q4, await signQuote(fx, ethers, q4), fx.REQ, specHash())).to.be.revertedWithCustomError(fx.market, "NotAuthorized").withArgs(fx.REQ, fx.signers[18].address);
    });

    it("a quote bound to a requester cannot be filled by another (front-running a fill)", async function () {
      const q = await makeQuote(fx, ethers, { requester: fx.REQ });
      const sig = await signQuote(fx, ethers, q);
      await expect(fx.market.connect(fx.carol).fillQuote(q, sig, fx.CAROL, specHash())).to.be.revertedWithCustomError(fx.market, "QuoteRequesterMismatch").withArgs(fx.REQ, fx.CAROL);
      await expect(fx.market.connect(fx.alice).fillQuote(q, sig, fx.REQ, specHash())).to.emit(fx.market, "QuoteFilled");
    });

    it("cannot be replayed on another deployment or chain", async function () {
      const q = await makeQuote(fx, ethers);
      const m2 = await ethers.deployContract("WorkMarket", [await fx.compute.getAddress(), await fx.registry.getAddress(), await fx.feeController.getAddress(), fx.treasury.address, fx.admin.address, fx.guardian.address]);
      await (await fx.compute.connect(fx.alice).approve(await m2.getAddress(), 2n ** 255n)).wait();
      await (await fx.compute.connect(fx.bob).approve(await m2.getAddress(), 2n ** 255n)).wait();
      // Signed for the first market: useless on the second.
      const sig = await signQuote(fx, ethers, q);
      await expect(m2.connect(fx.alice).fillQuote(q, sig, fx.REQ, specHash())).to.be.revertedWithCustomError(m2, "InvalidQuoteSignature");
      // Signed for another chain id: useless here.
      const other = await signQuote(fx, ethers, q, fx.bob, fx.marketAddr, 1n);
      await expect(fx.market.connect(fx.alice).fillQuote(q, other, fx.REQ, specHash())).to.be.revertedWithCustomError(fx.market, "InvalidQuoteSignature");
      await expect(fx.market.connect(fx.alice).fillQuote(q, sig, fx.REQ, specHash())).to.emit(fx.market, "QuoteFilled");
    });

    it("cancels one nonce or every nonce below a value", async function () {
      const q = await makeQuote(fx, ethers, { nonce: 5n });
      const sig = await signQuote(fx, ethers, q);
      await expect(fx.market.connect(fx.alice).cancelQuote(fx.PROV, 5)).to.be.revertedWithCustomError(fx.market, "NotAuthorized");
      await expect(fx.market.connect(fx.bob).cancelQuote(fx.PROV, 5)).to.emit(fx.market, "QuoteCancelled").withArgs(fx.PROV, 5);
      await expect(fx.market.connect(fx.alice).fillQuote(q, sig, fx.REQ, specHash())).to.be.revertedWithCustomError(fx.market, "QuoteNonceUsed");
      const q2 = await makeQuote(fx, ethers, { nonce: 99n });
      const sig2 = await signQuote(fx, ethers, q2);
      await expect(fx.market.connect(fx.bob).cancelQuotesBelow(fx.PROV, 100)).to.emit(fx.market, "QuotesCancelledBelow").withArgs(fx.PROV, 100);
      expect(await fx.market.isQuoteNonceUsed(fx.PROV, 99)).to.equal(true);
      expect(await fx.market.isQuoteNonceUsed(fx.PROV, 100)).to.equal(false);
      await expect(fx.market.connect(fx.alice).fillQuote(q2, sig2, fx.REQ, specHash())).to.be.revertedWithCustomError(fx.market, "QuoteNonceUsed");
      await expect(fx.market.connect(fx.bob).cancelQuotesBelow(fx.PROV, 100)).to.be.revertedWithCustomError(fx.market, "NonceNotIncreasing").withArgs(100, 100);
      await expect(fx.market.connect(fx.alice).cancelQuotesBelow(fx.PROV, 200)).to.be.revertedWithCustomError(fx.market, "NotAuthorized");
    });

    it("the quote-nonce cut shares the provider's credit slot: each keeps its own value", async function () {
      // bob's provider agent gets a credit; cutting its nonces leaves the credit as it was, and
      // a deposit leaves the cut as it was (both halves of one storage slot)
      const deposit = async (amount: bigint, tag: string) => {
        const nonce = keccakId(tag);
        await (await fx.market.connect(fx.carol).depositWithAuthorization(fx.PROV, amount, nonce, await receiveAuth(fx, ethers, fx.bob, amount, nonce))).wait();
      };
      await deposit(5n * E18, "cut-1");
      const credit = await fx.market.credits(fx.PROV);
      expect(credit).to.equal(5n * E18);
      await (await fx.market.connect(fx.bob).cancelQuotesBelow(fx.PROV, 1_000n)).wait();
      expect(await fx.market.minQuoteNonce(fx.PROV)).to.equal(1_000n);
      expect(await fx.market.credits(fx.PROV)).to.equal(credit);
      await deposit(1n, "cut-2");
      expect(await fx.market.minQuoteNonce(fx.PROV)).to.equal(1_000n);
      expect(await fx.market.credits(fx.PROV)).to.equal(credit + 1n);
      // the largest cut is 2^128 - 1; above it the call is refused, nothing changes
      const max = 2n ** 128n - 1n;
      await expect(fx.market.connect(fx.bob).cancelQuotesBelow(fx.PROV, max + 1n))
        .to.be.revertedWithCustomError(fx.market, "SafeCastOverflowedUintDowncast").withArgs(128, max + 1n);
      expect(await fx.market.minQuoteNonce(fx.PROV)).to.equal(1_000n);
      await (await fx.market.connect(fx.bob).cancelQuotesBelow(fx.PROV, max)).wait();
      expect(await fx.market.isQuoteNonceUsed(fx.PROV, max - 1n)).to.equal(true);
      expect(await fx.market.isQuoteNonceUsed(fx.PROV, max)).to.equal(false);
      expect(await fx.market.credits(fx.PROV)).to.equal(credit + 1n);
    });

    it("fillQuoteWithAuthorization: the requester pays with a signature, anyone relays", async function () {
      const q = await makeQuote(fx, ethers);
      const sig = await signQuote(fx, ethers, q);
      const spec = specHash("relayed");
      const value = q.units * q.unitPrice;
      const intent = await fx.market.fillIntent(q, fx.REQ, spec);
      const auth = await receiveAuth(fx, ethers, fx.alice, lockOf(value), intent);
      // A relayer that changes the spec breaks the intent: the token rejects the signature.
      await expect(fx.market.connect(fx.carol).fillQuoteWithAuthorization(q, sig, fx.REQ, specHash("other"), auth)).to.be.revertedWithCustomError(fx.compute, "InvalidAuthorizationSignature");
      await expect(fx.market.connect(fx.carol).fillQuoteWithAuthorization(q, sig, fx.REQ, spec, auth))
        .to.emit(fx.market, "Funded").withArgs(1, fx.REQ, fx.alice.address, lockOf(value), false);
      expect((await fx.market.getJob(1)).status).to.equal(STATUS.Accepted);
      const bobAuth = await receiveAuth(fx, ethers, fx.bob, lockOf(value), intent);
      await expect(fx.market.connect(fx.carol).fillQuoteWithAuthorization(q, sig, fx.REQ, spec, bobAuth)).to.be.revertedWithCustomError(fx.market, "PayerNotAuthorized");
    });
  });

  describe("settlement", function () {
    it("pays the producer, refunds the requester deposit, burns and pays the fee shares", async function () {
      const jobId = await fillJob(fx, ethers);
      await validate(fx, networkHelpers, jobId, true);
      expect((await fx.market.getJob(jobId)).status).to.equal(STATUS.Validated);
      await expect(fx.market.settle([jobId])).to.be.revertedWithCustomError(fx.market, "NothingToSettle");
      await networkHelpers.time.increase(DAY + 1n);
      const supply = await fx.compute.totalSupply();
      const t0 = await fx.compute.balanceOf(fx.treasury.address);
      const pf = bps(VALUE, 100n);
      const burn = bps(pf, BURN_SHARE_BPS);
      await expect(fx.market.connect(fx.carol).settle([jobId]))
        .to.emit(fx.market, "JobSettled").withArgs(jobId, VALUE + providerDepositOf(VALUE), bps(VALUE, 500n), pf, bps(VALUE, 50n), true)
        .and.to.emit(fx.market, "Burned").withArgs(jobId, burn, 0);
      expect(supply - (await fx.compute.totalSupply())).to.equal(burn);
      expect(await fx.market.pendingFees()).to.deep.equal([pf - burn, bps(VALUE, 50n)]);
      await expect(fx.market.connect(fx.carol).sweep())
        .to.emit(fx.market, "TreasuryPaid").withArgs(pf - burn - 1n)
        .and.to.emit(fx.market, "ValidationFeesPaid").withArgs(bps(VALUE, 50n));
      expect(await fx.market.pendingFees()).to.deep.equal([1n, 0n]);
      await expect(fx.market.sweep()).to.not.emit(fx.market, "TreasuryPaid");
      expect((await fx.compute.balanceOf(fx.treasury.address)) - t0).to.equal(pf - burn - 1n);
      expect(await fx.compute.balanceOf(fx.poolAddr)).to.equal(bps(VALUE, 50n));
      expect(await fx.market.credits(fx.PROV)).to.equal(VALUE + providerDepositOf(VALUE));
      expect(await fx.market.credits(fx.REQ)).to.equal(bps(VALUE, 500n));
      expect(await fx.compute.balanceOf(fx.marketAddr)).to.equal(VALUE + providerDepositOf(VALUE) + bps(VALUE, 500n) + 1n);
      expect(await fx.market.jobParties(jobId)).to.deep.equal([fx.REQ, fx.PROV, true]);
      expect(await fx.feeController.recordedVolume()).to.equal(VALUE);
      // Pays out exactly once.
      await expect(fx.market.settle([jobId])).to.be.revertedWithCustomError(fx.market, "NothingToSettle");
      // Withdraw.
      await expect(fx.market.connect(fx.bob).withdraw(fx.PROV, fx.bob.address, VALUE)).to.emit(fx.market, "Withdrawn").withArgs(fx.PROV, fx.bob.address, VALUE);
      await expect(fx.market.connect(fx.alice).withdraw(fx.PROV, fx.alice.address, 1)).to.be.revertedWithCustomError(fx.market, "NotAuthorized");
      await expect(fx.market.connect(fx.bob).withdraw(fx.PROV, fx.bob.address, VALUE)).to.be.revertedWithCustomError(fx.market, "InsufficientCredit");
      await expect(fx.market.connect(fx.bob).withdraw(fx.PROV, ZeroAddress, 1)).to.be.revertedWithCustomError(fx.market, "ZeroAddress");
      await expect(fx.market.connect(fx.bob).withdraw(fx.PROV, fx.bob.address, 0)).to.be.revertedWithCustomError(fx.market, "ZeroAmount");
    });

    it("the producer deposit for a fill comes from the provider's credit when it covers it", async function () {
      const jobId = await fillJob(fx, ethers);
      await validate(fx, networkHelpers, jobId, true);
      await networkHelpers.time.increase(DAY + 1n);
      await (await fx.market.settle([jobId])).wait();
      const b0 = await fx.compute.balanceOf(fx.bob.address);
      const q = await makeQuote(fx, ethers);
      await expect(fx.market.connect(fx.alice).fillQuote(q, await signQuote(fx, ethers, q), fx.REQ, specHash()))
        .to.emit(fx.market, "Funded").withArgs(2, fx.PROV, fx.marketAddr, providerDepositOf(q.units * q.unitPrice), true);
      expect(await fx.compute.balanceOf(fx.bob.address)).to.equal(b0);
    });

    it("settles many jobs in one call, skipping those not ready; ids must increase", async function () {
      const ids: bigint[] = [];
      for (let i = 0; i < 3; i++) ids.push(await fillJob(fx, ethers));
      for (const id of ids.slice(0, 2)) await validate(fx, networkHelpers, id, true);
      await networkHelpers.time.increase(DAY + 1n);
      await expect(fx.market.settle([ids[1], ids[0]])).to.be.revertedWithCustomError(fx.market, "UnsortedJobIds").withArgs(ids[1], ids[0]);
      await expect(fx.market.settle([ids[0], ids[0]])).to.be.revertedWithCustomError(fx.market, "UnsortedJobIds");
      const settled = await fx.market.settle.staticCall(ids);
      expect(settled).to.equal(2n);
      await (await fx.market.settle(ids)).wait();
      expect((await fx.market.getJob(ids[2])).status).to.equal(STATUS.Accepted);
      expect(await fx.feeController.calls()).to.equal(1n);
      expect(await fx.feeController.recordedVolume()).to.equal(2n * VALUE);
    });

    it("a failing or out-of-range fee controller never blocks settlement", async function () {
      const a = await fillJob(fx, ethers);
      const b = await fillJob(fx, ethers);
      await validate(fx, networkHelpers, a, true);
      await validate(fx, networkHelpers, b, true);
      await networkHelpers.time.increase(DAY + 1n);
      const pf = bps(VALUE, 100n);
      await (await fx.feeController.setReverts(true)).wait();
      await expect(fx.market.settle([a]))
        .to.emit(fx.market, "VolumeNotRecorded").withArgs(VALUE)
        .and.to.emit(fx.market, "Burned").withArgs(a, pf / 2n, 0);
      await (await fx.feeController.setReverts(false)).wait();
      await (await fx.feeController.setBurnShareBps(20_000)).wait();
      await expect(fx.market.settle([b])).to.emit(fx.market, "Burned").withArgs(b, pf, 0);
      expect(await fx.market.credits(fx.PROV)).to.equal(2n * (VALUE + providerDepositOf(VALUE)));
    });

    it("a rejected result refunds the requester and slashes the producer deposit", async function () {
      const jobId = await fillJob(fx, ethers);
      await validate(fx, networkHelpers, jobId, false);
      await networkHelpers.time.increase(DAY + 1n);
      const pd = providerDepositOf(VALUE);
      await expect(fx.market.settle([jobId]))
        .to.emit(fx.market, "JobSettled").withArgs(jobId, 0, VALUE + bps(VALUE, 500n) + bps(VALUE, 100n) + pd - pd / 2n, 0, bps(VALUE, 50n), true)
        .and.to.emit(fx.market, "Burned").withArgs(jobId, pd / 2n, 1);
      expect(await fx.feeController.calls()).to.equal(0n);
    });
  });
});
