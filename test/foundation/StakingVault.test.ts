import { expect } from "chai";
import { network } from "hardhat";
import { ZeroAddress, id } from "ethers";
import { deployFoundation, fundUbc, fullReward, E18, DAY, POOLS, STAKING_BUDGET } from "../helpers/foundation.ts";
import { signPermit } from "../helpers/signatures.ts";

const { ethers, networkHelpers } = await network.create();
const { time } = networkHelpers;

describe("StakingVault", function () {
  async function fixture() {
    const f = await deployFoundation(ethers);
    await fundUbc(f, [f.alice, f.bob], 10_000_000n * E18);
    const vaultAddr = await f.vault.getAddress();
    await f.ubc.connect(f.alice).approve(vaultAddr, ethers.MaxUint256);
    await f.ubc.connect(f.bob).approve(vaultAddr, ethers.MaxUint256);
    return { ...f, vaultAddr };
  }

  describe("deployment", function () {
    it("creates the three reference pools with the tokenomics rates", async function () {
      const { vault } = await networkHelpers.loadFixture(fixture);
      expect(await vault.poolCount()).to.equal(3n);
      for (const p of POOLS) {
        const pool = await vault.getPool(p.id);
        expect(pool.duration).to.equal(p.days * DAY);
        expect(pool.ratePerDay).to.equal(p.ratePerDay);
        expect(pool.open).to.equal(true);
      }
      expect(await vault.budgetLeft()).to.equal(STAKING_BUDGET);
      expect(await vault.REWARD_BUDGET()).to.equal(STAKING_BUDGET);
    });

    it("pays the reference figures: 1,000 UBC earns 0.3 / 0.5 / 1.0 COMPUTE a day", async function () {
      const { vault } = await networkHelpers.loadFixture(fixture);
      expect(await vault.previewReward(0, 1_000n * E18)).to.equal(27n * E18); // 0.3 * 90
      expect(await vault.previewReward(1, 1_000n * E18)).to.equal(825n * E18 / 10n); // 0.5 * 165
      expect(await vault.previewReward(2, 1_000n * E18)).to.equal(365n * E18); // 1.0 * 365
    });

    it("rejects zero addresses", async function () {
      const { ubc, compute, admin } = await networkHelpers.loadFixture(fixture);
      const factory = await ethers.getContractFactory("StakingVault");
      const u = await ubc.getAddress();
      const c = await compute.getAddress();
      for (const args of [[ZeroAddress, c, admin.address, admin.address], [u, ZeroAddress, admin.address, admin.address],
        [u, c, ZeroAddress, admin.address], [u, c, admin.address, ZeroAddress]]) {
        await expect(ethers.deployContract("StakingVault", args)).to.be.revertedWithCustomError(factory, "ZeroAddress");
      }
    });
  });

  describe("stake", function () {
    it("opens a position, reserves its full reward and takes the principal", async function () {
      const { vault, ubc, alice, vaultAddr } = await networkHelpers.loadFixture(fixture);
      const amount = 12_345n * E18;
      const reward = fullReward(amount, 1);
      await expect(vault.connect(alice).stake(1, amount))
        .to.emit(vault, "Staked")
        .withArgs(1n, alice.address, 1, amount, reward, (await time.latest()) + 1 + 165 * 86400);
      const p = await vault.getPosition(1);
      expect(p.owner).to.equal(alice.address);
      expect(p.amount).to.equal(amount);
      expect(p.reward).to.equal(reward);
      expect(p.claimed).to.equal(0n);
      expect(p.poolId).to.equal(1n);
      expect(p.withdrawn).to.equal(false);
      expect(await vault.unlockTime(1)).to.equal(p.start + 165n * DAY);
      expect(await ubc.balanceOf(vaultAddr)).to.equal(amount);
      expect(await vault.totalStaked()).to.equal(amount);
      expect(await vault.totalReserved()).to.equal(reward);
      expect(await vault.budgetLeft()).to.equal(STAKING_BUDGET - reward);
      expect(await vault.positionCount()).to.equal(1n);
    });

    it("lets one staker hold several positions in different pools", async function () {
      const { vault, alice } = await networkHelpers.loadFixture(fixture);
      await vault.connect(alice).stake(0, 100n * E18);
      await vault.connect(alice).stake(2, 200n * E18);
      await vault.connect(alice).stake(0, 300n * E18);
      expect(await vault.positionCount()).to.equal(3n);
      expect((await vault.getPosition(2)).poolId).to.equal(2n);
      expect(await vault.totalStaked()).to.equal(600n * E18);
    });

    it("stakeFor opens the position for a beneficiary, paid by the caller", async function () {
      const { vault, ubc, alice, carol } = await networkHelpers.loadFixture(fixture);
      const before = await ubc.balanceOf(alice.address);
      await vault.connect(alice).stakeFor(carol.address, 0, 1_000n * E18);
      expect((await vault.getPosition(1)).owner).to.equal(carol.address);
      expect(await ubc.balanceOf(alice.address)).to.equal(before - 1_000n * E18);
      await expect(vault.connect(alice).stakeFor(ZeroAddress, 0, 1n)).to.be.revertedWithCustomError(vault, "ZeroAddress");
    });

    it("stakeWithPermit approves and stakes in one transaction, even if the permit was front-run", async function () {
      const { vault, ubc, treasury, carol, vaultAddr } = await networkHelpers.loadFixture(fixture);
      await ubc.connect(treasury).transfer(carol.address, 5_000n * E18);
      const chainId = (await ethers.provider.getNetwork()).chainId;
      const domain = { name: "UBC", version: "1", chainId, verifyingContract: await ubc.getAddress() };
      const deadline = BigInt(await time.latest()) + 600n;
      const sig = await signPermit(carol, domain, { owner: carol.address, spender: vaultAddr, value: 2_000n * E18, nonce: 0n, deadline });
      // a front-runner submits the permit first
      await ubc.permit(carol.address, vaultAddr, 2_000n * E18, deadline, sig.v, sig.r, sig.s);
      await vault.connect(carol).stakeWithPermit(2, 2_000n * E18, deadline, sig.v, sig.r, sig.s);
      expect((await vault.getPosition(1)).amount).to.equal(2_000n * E18);
      // without any allowance the stake fails at the transfer
      const bad = await signPermit(carol, domain, { owner: carol.address, spender: vaultAddr, value: 1n * E18, nonce: 5n, deadline });
      await expect(vault.connect(carol).stakeWithPermit(2, 1n * E18, deadline, bad.v, bad.r, bad.s))
        .to.be.revertedWithCustomError(ubc, "ERC20InsufficientAllowance");
    });

    it("rejects zero amounts, unknown and closed pools, dust and oversize amounts", async function () {
      const { vault, admin, alice } = await networkHelpers.loadFixture(fixture);
      await expect(vault.connect(alice).stake(0, 0)).to.be.revertedWithCustomError(vault, "ZeroAmount");
      await expect(vault.connect(alice).stake(3, 1n * E18)).to.be.revertedWithCustomError(vault, "UnknownPool").withArgs(3);
      await vault.connect(admin).setPoolOpen(1, false);
      await expect(vault.connect(alice).stake(1, 1n * E18)).to.be.revertedWithCustomError(vault, "PoolClosed").withArgs(1);
      await expect(vault.connect(alice).stake(0, 1n)).to.be.revertedWithCustomError(vault, "RewardTooSmall").withArgs(1n);
      const huge = 2n ** 96n;
      await expect(vault.connect(alice).stake(0, huge)).to.be.revertedWithCustomError(vault, "AmountTooLarge").withArgs(huge);
    });

    it("refuses a stake whose reward the remaining budget cannot cover", async function () {
      const { vault, ubc, admin, treasury, vaultAddr } = await networkHelpers.loadFixture(fixture);
      // A governed pool paying the maximum rate for four years lets the test reach the 7B budget
      // with the UBC that exists: 10 COMPUTE/day per 1,000 UBC * 1,460 days = 14.6 COMPUTE per UBC.
      await vault.connect(admin).addPool(4 * 365 * 86400, 10n * E18);
      await ubc.connect(treasury).approve(vaultAddr, ethers.MaxUint256);
      const perUbc = await vault.previewReward(3, 1n * E18);
      const fill = (STAKING_BUDGET / perUbc) * E18; // the most whole UBC the budget covers
      await vault.connect(treasury).stake(3, fill);
      const left = await vault.budgetLeft();
      expect(left).to.be.lessThan(perUbc);
      const tooMuch = 1n * E18;
      await expect(vault.connect(treasury).stake(3, tooMuch))
        .to.be.revertedWithCustomError(vault, "BudgetExceeded").withArgs(perUbc, left);
      // a stake small enough for what is left still opens
      const small = (left * E18) / perUbc;
      if (small > 0n) await vault.connect(treasury).stake(3, small);
      expect(await vault.totalReserved()).to.be.at.most(STAKING_BUDGET);
    });

    it("stake and claim are paused by the guardian; withdraw is not", async function () {
      const { vault, guardian, alice } = await networkHelpers.loadFixture(fixture);
      await vault.connect(alice).stake(0, 1_000n * E18);
      await time.increase(90n * DAY);
      await expect(vault.connect(alice).pause()).to.be.revertedWithCustomError(vault, "AccessControlUnauthorizedAccount");
      await vault.connect(guardian).pause();
      await expect(vault.connect(alice).stake(0, 1n * E18)).to.be.revertedWithCustomError(vault, "EnforcedPause");
      await expect(vault.connect(alice).claim(1)).to.be.revertedWithCustomError(vault, "EnforcedPause");
      await expect(vault.connect(alice).claimMany([1])).to.be.revertedWithCustomError(vault, "EnforcedPause");
      await expect(vault.connect(alice).exit(1)).to.be.revertedWithCustomError(vault, "EnforcedPause");
      await expect(vault.connect(alice).stakeFor(alice.address, 0, 1n * E18)).to.be.revertedWithCustomError(vault, "EnforcedPause");
      await vault.connect(alice).withdraw(1);
      await vault.connect(guardian).unpause();
      await vault.connect(alice).claim(1);
      expect(await vault.pendingReward(1)).to.equal(0n);
    });
  });

  describe("claim", function () {
    it("accrues linearly and pays exactly the full reward by the unlock time", async function () {
      const { vault, compute, alice } = await networkHelpers.loadFixture(fixture);
      const amount = 1_000n * E18;
      await vault.connect(alice).stake(0, amount);
      const start = (await vault.getPosition(1)).start;
      const reward = fullReward(amount, 0);
      await time.setNextBlockTimestamp(start + 45n * DAY);
      await expect(vault.connect(alice).claim(1)).to.emit(vault, "Claimed").withArgs(1n, alice.address, reward / 2n);
      expect(await compute.balanceOf(alice.address)).to.equal(reward / 2n);
      await time.increaseTo(start + 30n * DAY * 5n); // long after unlock
      expect(await vault.pendingReward(1)).to.equal(reward - reward / 2n);
      await vault.connect(alice).claim(1);
      expect(await compute.balanceOf(alice.address)).to.equal(reward);
      expect(await vault.totalClaimed()).to.equal(reward);
      await expect(vault.connect(alice).claim(1)).to.be.revertedWithCustomError(vault, "NothingToClaim");
    });

    it("claimMany collects several positions in one transaction", async function () {
      const { vault, compute, alice } = await networkHelpers.loadFixture(fixture);
      await vault.connect(alice).stake(0, 1_000n * E18);
      await vault.connect(alice).stake(2, 1_000n * E18);
      await time.increase(400n * DAY);
      await vault.connect(alice).claimMany([1, 2]);
      expect(await compute.balanceOf(alice.address)).to.equal(fullReward(1_000n * E18, 0) + fullReward(1_000n * E18, 2));
      await expect(vault.connect(alice).claimMany([1, 2])).to.be.revertedWithCustomError(vault, "NothingToClaim");
      await expect(vault.connect(alice).claimMany([])).to.be.revertedWithCustomError(vault, "NothingToClaim");
    });

    it("only the owner claims; unknown positions are named", async function () {
      const { vault, alice, bob } = await networkHelpers.loadFixture(fixture);
      await vault.connect(alice).stake(0, 1_000n * E18);
      await time.increase(DAY);
      await expect(vault.connect(bob).claim(1)).to.be.revertedWithCustomError(vault, "NotPositionOwner").withArgs(1n, bob.address);
      await expect(vault.connect(bob).claimMany([1])).to.be.revertedWithCustomError(vault, "NotPositionOwner");
      await expect(vault.connect(alice).claim(9)).to.be.revertedWithCustomError(vault, "UnknownPosition").withArgs(9n);
      await expect(vault.pendingReward(9)).to.be.revertedWithCustomError(vault, "UnknownPosition");
      await expect(vault.getPosition(9)).to.be.revertedWithCustomError(vault, "UnknownPosition");
      await expect(vault.unlockTime(9)).to.be.revertedWithCustomError(vault, "UnknownPosition");
    });
  });

  describe("withdraw and exit", function () {
    it("returns the principal only after unlock, once, to the owner", async function () {
      const { vault, ubc, alice, bob } = await networkHelpers.loadFixture(fixture);
      const amount = 5_000n * E18;
      await vault.connect(alice).stake(0, amount);
      const unlock = await vault.unlockTime(1);
      await expect(vault.connect(alice).withdraw(1)).to.be.revertedWithCustomError(vault, "StillLocked").withArgs(1n, unlock);
      await time.increaseTo(unlock - 2n);
      await expect(vault.connect(alice).withdraw(1)).to.be.revertedWithCustomError(vault, "StillLocked");
      await time.increaseTo(unlock);
      await expect(vault.connect(bob).withdraw(1)).to.be.revertedWithCustomError(vault, "NotPositionOwner").withArgs(1n, bob.address);
      const before = await ubc.balanceOf(alice.address);
      await expect(vault.connect(alice).withdraw(1)).to.emit(vault, "Withdrawn").withArgs(1n, alice.address, amount);
      expect(await ubc.balanceOf(alice.address)).to.equal(before + amount);
      expect((await vault.getPosition(1)).withdrawn).to.equal(true);
      expect(await vault.totalStaked()).to.equal(0n);
      await expect(vault.connect(alice).withdraw(1)).to.be.revertedWithCustomError(vault, "AlreadyWithdrawn").withArgs(1n);
      await expect(vault.connect(alice).withdraw(2)).to.be.revertedWithCustomError(vault, "UnknownPosition").withArgs(2n);
      // the reward is still claimable after the principal left
      await vault.connect(alice).claim(1);
      expect((await vault.getPosition(1)).claimed).to.equal(fullReward(amount, 0));
    });

    it("exit claims the rest and withdraws in one call", async function () {
      const { vault, ubc, compute, alice } = await networkHelpers.loadFixture(fixture);
      await vault.connect(alice).stake(1, 2_000n * E18);
      await time.increase(10n * DAY);
      await vault.connect(alice).claim(1);
      await expect(vault.connect(alice).exit(1)).to.be.revertedWithCustomError(vault, "StillLocked");
      await time.increase(200n * DAY);
      const ubcBefore = await ubc.balanceOf(alice.address);
      await vault.connect(alice).exit(1);
      expect(await compute.balanceOf(alice.address)).to.equal(fullReward(2_000n * E18, 1));
      expect(await ubc.balanceOf(alice.address)).to.equal(ubcBefore + 2_000n * E18);
      await expect(vault.connect(alice).exit(1)).to.be.revertedWithCustomError(vault, "AlreadyWithdrawn");
    });

    it("exit after everything was claimed only withdraws", async function () {
      const { vault, alice } = await networkHelpers.loadFixture(fixture);
      await vault.connect(alice).stake(0, 1_000n * E18);
      await time.increase(91n * DAY);
      await vault.connect(alice).claim(1);
      await expect(vault.connect(alice).exit(1)).to.not.emit(vault, "Claimed");
    });
  });

  describe("governance", function () {
    it("adds pools (bounded) and opens/closes them, only by GOVERNOR_ROLE", async function () {
      const { vault, admin, alice } = await networkHelpers.loadFixture(fixture);
      await expect(vault.connect(alice).addPool(30 * 86400, 1n))
        .to.be.revertedWithCustomError(vault, "AccessControlUnauthorizedAccount").withArgs(alice.address, id("GOVERNOR_ROLE"));
      await expect(vault.connect(alice).setPoolOpen(0, false)).to.be.revertedWithCustomError(vault, "AccessControlUnauthorizedAccount");
      await expect(vault.connect(admin).addPool(30 * 86400, 2n * E18)).to.emit(vault, "PoolAdded").withArgs(3, 30 * 86400, 2n * E18);
      await expect(vault.connect(admin).setPoolOpen(3, false)).to.emit(vault, "PoolStatusChanged").withArgs(3, false);
      await expect(vault.connect(admin).setPoolOpen(7, false)).to.be.revertedWithCustomError(vault, "UnknownPool").withArgs(7);
      await expect(vault.getPool(7)).to.be.revertedWithCustomError(vault, "UnknownPool");
      await expect(vault.previewReward(7, 1n)).to.be.revertedWithCustomError(vault, "UnknownPool");
      for (const [d, r] of [[0, 1n], [5 * 365 * 86400, 1n], [86400, 0n], [86400, 11n * E18]] as const) {
        await expect(vault.connect(admin).addPool(d, r)).to.be.revertedWithCustomError(vault, "InvalidPoolParameters").withArgs(d, r);
      }
      for (let i = 4; i < 16; i++) await vault.connect(admin).addPool(86400, 1n * E18);
      await expect(vault.connect(admin).addPool(86400, 1n * E18)).to.be.revertedWithCustomError(vault, "TooManyPools");
    });

    it("closing a pool leaves its open positions untouched", async function () {
      const { vault, admin, alice } = await networkHelpers.loadFixture(fixture);
      await vault.connect(alice).stake(0, 1_000n * E18);
      await vault.connect(admin).setPoolOpen(0, false);
      await time.increase(91n * DAY);
      await vault.connect(alice).exit(1);
      expect((await vault.getPosition(1)).claimed).to.equal(fullReward(1_000n * E18, 0));
    });
  });
});
