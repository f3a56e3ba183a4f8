import { expect } from "chai";
import { network } from "hardhat";
import { ZeroAddress, encodeBytes32String } from "ethers";
import { ROLE, deployEconomy, signAgentWallet } from "../economy/helpers.ts";

const { ethers, networkHelpers } = await network.create();

const QUALITY = encodeBytes32String("quality");
const PAYMENT = encodeBytes32String("payment");

describe("ReputationRegistry", function () {
  /** Agents 1 (alice, requester) and 2 (bob, provider, paid at walletB); job 1 settled between them. */
  async function fixture() {
    const e = await deployEconomy(ethers);
    const { agents, reputation, jobs, configurator, alice, bob } = e;
    const [, , , , , , , , walletB] = await ethers.getSigners();
    await (await agents.connect(alice).register("ipfs://alice", ROLE.REQUESTER)).wait();
    const deadline = BigInt(await networkHelpers.time.latest()) + 3600n;
    const sig = await signAgentWallet(ethers, agents, walletB, {
      agentId: 0n, owner: bob.address, wallet: walletB.address, nonce: 0n, deadline,
    });
    await (await agents.connect(bob).registerWithWallet("ipfs://bob", ROLE.PROVIDER, walletB.address, deadline, sig)).wait();
    await (await reputation.connect(configurator).setJobRegistry(await jobs.getAddress())).wait();
    await (await jobs.setJob(1n, 1n, 2n, true)).wait();
    return { ...e, walletB };
  }

  describe("deployment and configuration", function () {
    it("stores the agent registry, the configurator and the roles", async function () {
      const { reputation, agents, governor, guardian, configurator } = await networkHelpers.loadFixture(fixture);
      expect(await reputation.agentRegistry()).to.equal(await agents.getAddress());
      expect(await reputation.configurator()).to.equal(configurator.address);
      expect(await reputation.hasRole(await reputation.DEFAULT_ADMIN_ROLE(), governor.address)).to.equal(true);
      expect(await reputation.hasRole(await reputation.PAUSER_ROLE(), guardian.address)).to.equal(true);
      expect(await reputation.MAX_SCORE()).to.equal(100n);
    });

    it("refuses zero addresses in the constructor", async function () {
      const [a] = await ethers.getSigners();
      const factory = await ethers.getContractFactory("ReputationRegistry");
      for (const args of [
        [ZeroAddress, a.address, a.address, a.address],
        [a.address, ZeroAddress, a.address, a.address],
        [a.address, a.address, ZeroAddress, a.address],
        [a.address, a.address, a.address, ZeroAddress],
      ]) {
        await expect(ethers.deployContract("ReputationRegistry", args)).to.be.revertedWithCustomError(factory, "ZeroAddress");
      }
    });

    it("setJobRegistry: once, by the configurator or the admin, never zero", async function () {
      const e = await deployEconomy(ethers);
      const { reputation, jobs, configurator, governor, alice } = e;
      const jobsAddr = await jobs.getAddress();
      expect(await reputation.jobRegistry()).to.equal(ZeroAddress);
      await expect(reputation.connect(alice).setJobRegistry(jobsAddr))
        .to.be.revertedWithCustomError(reputation, "NotConfigurator").withArgs(alice.address);
      await expect(reputation.connect(configurator).setJobRegistry(ZeroAddress))
        .to.be.revertedWithCustomError(reputation, "ZeroAddress");
      await expect(reputation.connect(configurator).setJobRegistry(jobsAddr))
        .to.emit(reputation, "JobRegistrySet").withArgs(jobsAddr);
      expect(await reputation.jobRegistry()).to.equal(jobsAddr);
      await expect(reputation.connect(configurator).setJobRegistry(alice.address))
        .to.be.revertedWithCustomError(reputation, "JobRegistryAlreadySet").withArgs(jobsAddr);
      await expect(reputation.connect(governor).setJobRegistry(alice.address))
        .to.be.revertedWithCustomError(reputation, "JobRegistryAlreadySet").withArgs(jobsAddr);

      // The admin (governance) can set it too, if the deployment did not.
      const other = await deployEconomy(ethers);
      await expect(other.reputation.connect(other.governor).setJobRegistry(jobsAddr))
        .to.emit(other.reputation, "JobRegistrySet").withArgs(jobsAddr);
    });
  });

  describe("giveFeedback", function () {
    it("each party rates the other once; aggregates follow", async function () {
      const { reputation, alice, walletB } = await networkHelpers.loadFixture(fixture);
      // The requester (agent 1, through its owner) rates the provider (agent 2).
      await expect(reputation.connect(alice).giveFeedback(1n, 2n, 90, QUALITY, "ipfs://report"))
        .to.emit(reputation, "NewFeedback")
        .withArgs(2n, 1n, 1n, alice.address, 90, QUALITY, "ipfs://report");
      // The provider (agent 2, through its agent wallet) rates the requester (agent 1).
      await expect(reputation.connect(walletB).giveFeedback(1n, 1n, 60, PAYMENT, ""))
        .to.emit(reputation, "NewFeedback")
        .withArgs(1n, 1n, 2n, walletB.address, 60, PAYMENT, "");

      expect(await reputation.getSummary(2n)).to.deep.equal([1n, 90n, 90n]);
      expect(await reputation.getSummary(1n)).to.deep.equal([1n, 60n, 60n]);
      expect(await reputation.getSideSummary(2n)).to.deep.equal([1n, 0n, 90n, 0n]);
      expect(await reputation.getSideSummary(1n)).to.deep.equal([0n, 1n, 0n, 60n]);
      expect(await reputation.jobFeedback(1n)).to.deep.equal([true, 90n, true, 60n]);

      await expect(reputation.connect(alice).giveFeedback(1n, 2n, 10, QUALITY, ""))
        .to.be.revertedWithCustomError(reputation, "FeedbackAlreadyGiven").withArgs(1n, 1n);
      await expect(reputation.connect(walletB).giveFeedback(1n, 1n, 10, PAYMENT, ""))
        .to.be.revertedWithCustomError(reputation, "FeedbackAlreadyGiven").withArgs(1n, 2n);
    });

    it("averages over jobs and both roles, rounding down; an unrated agent reads zeros", async function () {
      const { reputation, jobs, alice, bob } = await networkHelpers.loadFixture(fixture);
      expect(await reputation.getSummary(2n)).to.deep.equal([0n, 0n, 0n]);
      expect(await reputation.jobFeedback(2n)).to.deep.equal([false, 0n, false, 0n]);
      // Jobs 15, 16 and 17 straddle a storage word (16 jobs per word): each is independent.
      await (await jobs.setJob(15n, 1n, 2n, true)).wait();
      await (await jobs.setJob(16n, 1n, 2n, true)).wait();
      await (await jobs.setJob(17n, 2n, 1n, true)).wait(); // roles swapped: agent 2 requested
      await (await reputation.connect(alice).giveFeedback(15n, 2n, 100, QUALITY, "")).wait();
      await (await reputation.connect(alice).giveFeedback(16n, 2n, 0, QUALITY, "")).wait();
      await (await reputation.connect(alice).giveFeedback(17n, 2n, 33, PAYMENT, "")).wait();
      await (await reputation.connect(bob).giveFeedback(17n, 1n, 100, QUALITY, "")).wait();
      expect(await reputation.getSummary(2n)).to.deep.equal([3n, 133n, 44n]);
      expect(await reputation.getSideSummary(2n)).to.deep.equal([2n, 1n, 100n, 33n]);
      expect(await reputation.jobFeedback(15n)).to.deep.equal([true, 100n, false, 0n]);
      expect(await reputation.jobFeedback(16n)).to.deep.equal([true, 0n, false, 0n]);
      expect(await reputation.jobFeedback(17n)).to.deep.equal([true, 100n, true, 33n]);
      expect(await reputation.jobFeedback(1n)).to.deep.equal([false, 0n, false, 0n]);
    });

    it("refuses before the job registry is set", async function () {
      const { reputation, alice } = await deployEconomy(ethers);
      await expect(reputation.connect(alice).giveFeedback(1n, 2n, 50, QUALITY, ""))
        .to.be.revertedWithCustomError(reputation, "JobRegistryNotSet");
    });

    it("refuses a score above 100, an unsettled job, a non-party, agent 0, a self-job", async function () {
      const { reputation, jobs, alice } = await networkHelpers.loadFixture(fixture);
      await expect(reputation.connect(alice).giveFeedback(1n, 2n, 101, QUALITY, ""))
        .to.be.revertedWithCustomError(reputation, "InvalidScore").withArgs(101);
      await (await jobs.setJob(2n, 1n, 2n, false)).wait();
      await expect(reputation.connect(alice).giveFeedback(2n, 2n, 50, QUALITY, ""))
        .to.be.revertedWithCustomError(reputation, "JobNotSettled").withArgs(2n);
      await expect(reputation.connect(alice).giveFeedback(99n, 2n, 50, QUALITY, ""))
        .to.be.revertedWithCustomError(reputation, "JobNotSettled").withArgs(99n);
      await expect(reputation.connect(alice).giveFeedback(1n, 3n, 50, QUALITY, ""))
        .to.be.revertedWithCustomError(reputation, "NotJobParty").withArgs(1n, 3n);
      await (await jobs.setJob(3n, 1n, 0n, true)).wait(); // settled without a provider
      await expect(reputation.connect(alice).giveFeedback(3n, 0n, 50, QUALITY, ""))
        .to.be.revertedWithCustomError(reputation, "NotJobParty").withArgs(3n, 0n);
      await (await jobs.setJob(4n, 1n, 1n, true)).wait();
      await expect(reputation.connect(alice).giveFeedback(4n, 1n, 100, QUALITY, ""))
        .to.be.revertedWithCustomError(reputation, "SelfFeedback").withArgs(4n, 1n);
    });

    it("requires the caller to act for the other party: not the rated side, not a stranger, not a former owner", async function () {
      const { reputation, agents, alice, bob, walletB, carol } = await networkHelpers.loadFixture(fixture);
      // Rating oneself (caller acts for agent 2, rates agent 2) means acting for agent 1: refused.
      await expect(reputation.connect(walletB).giveFeedback(1n, 2n, 100, QUALITY, ""))
        .to.be.revertedWithCustomError(reputation, "NotAuthorized").withArgs(1n, walletB.address);
      await expect(reputation.connect(carol).giveFeedback(1n, 1n, 0, QUALITY, ""))
        .to.be.revertedWithCustomError(reputation, "NotAuthorized").withArgs(2n, carol.address);
      // Agent 2 is sold to carol: bob and its old wallet can no longer rate for it; carol can.
      await (await agents.connect(bob).transferFrom(bob.address, carol.address, 2n)).wait();
      await expect(reputation.connect(walletB).giveFeedback(1n, 1n, 0, QUALITY, ""))
        .to.be.revertedWithCustomError(reputation, "NotAuthorized").withArgs(2n, walletB.address);
      await expect(reputation.connect(bob).giveFeedback(1n, 1n, 0, QUALITY, ""))
        .to.be.revertedWithCustomError(reputation, "NotAuthorized").withArgs(2n, bob.address);
      await expect(reputation.connect(carol).giveFeedback(1n, 1n, 70, QUALITY, ""))
        .to.emit(reputation, "NewFeedback").withArgs(1n, 1n, 2n, carol.address, 70, QUALITY, "");
      expect(await reputation.getSummary(1n)).to.deep.equal([1n, 70n, 70n]);
      expect(await reputation.getSummary(2n)).to.deep.equal([0n, 0n, 0n]);
      void alice;
    });
  });

  describe("pause", function () {
    it("PAUSER_ROLE stops and resumes feedback", async function () {
      const { reputation, guardian, alice } = await networkHelpers.loadFixture(fixture);
      await expect(reputation.connect(alice).pause())
        .to.be.revertedWithCustomError(reputation, "AccessControlUnauthorizedAccount")
        .withArgs(alice.address, await reputation.PAUSER_ROLE());
      await expect(reputation.connect(guardian).pause()).to.emit(reputation, "Paused").withArgs(guardian.address);
      await expect(reputation.connect(alice).giveFeedback(1n, 2n, 50, QUALITY, ""))
        .to.be.revertedWithCustomError(reputation, "EnforcedPause");
      await expect(reputation.connect(alice).unpause())
        .to.be.revertedWithCustomError(reputation, "AccessControlUnauthorizedAccount")
        .withArgs(alice.address, await reputation.PAUSER_ROLE());
      await expect(reputation.connect(guardian).unpause()).to.emit(reputation, "Unpaused").withArgs(guardian.address);
      await expect(reputation.connect(alice).giveFeedback(1n, 2n, 50, QUALITY, "")).to.emit(reputation, "NewFeedback");
    });
  });
});
