import { expect } from "chai";
import { network } from "hardhat";
import { ZeroAddress } from "ethers";
import { deployFoundation, E18 } from "../helpers/foundation.ts";

const { ethers, networkHelpers } = await network.create();

describe("Treasury", function () {
  async function fixture() {
    const f = await deployFoundation(ethers);
    const [governor, , , , , , , , stranger] = await ethers.getSigners();
    const treasuryContract = await ethers.deployContract("Treasury", [governor.address]);
    const addr = await treasuryContract.getAddress();
    await (await f.compute.connect(f.treasury).transfer(addr, 1_000n * E18)).wait();
    const fixtureToken = await ethers.deployContract("TreasuryTokenFixture", [addr, 1_000n]);
    return { ...f, t: treasuryContract, governor, stranger, fixtureToken };
  }

  it("gives GOVERNOR_ROLE and the role admin to the governor; refuses a zero governor", async function () {
    const { t, governor } = await networkHelpers.loadFixture(fixture);
    expect(await t.hasRole(await t.GOVERNOR_ROLE(), governor.address)).to.equal(true);
    expect(await t.hasRole(await t.DEFAULT_ADMIN_ROLE(), governor.address)).to.equal(true);
    const factory = await ethers.getContractFactory("Treasury");
    await expect(ethers.deployContract("Treasury", [ZeroAddress])).to.be.revertedWithCustomError(factory, "ZeroAddress");
  });

  it("pays out on GOVERNOR_ROLE, with an event", async function () {
    const { t, compute, governor, alice } = await networkHelpers.loadFixture(fixture);
    const computeAddr = await compute.getAddress();
    expect(await t.balanceOf(computeAddr)).to.equal(1_000n * E18);
    await expect(t.connect(governor).withdraw(computeAddr, alice.address, 250n * E18, "grant #1"))
      .to.emit(t, "Withdrawn").withArgs(computeAddr, alice.address, 250n * E18, "grant #1")
      .and.to.emit(compute, "Transfer").withArgs(await t.getAddress(), alice.address, 250n * E18);
    expect(await compute.balanceOf(alice.address)).to.equal(250n * E18);
    expect(await t.balanceOf(computeAddr)).to.equal(750n * E18);
  });

  it("refuses anyone else, zero addresses, a zero amount, more than it holds", async function () {
    const { t, compute, governor, alice, stranger } = await networkHelpers.loadFixture(fixture);
    const computeAddr = await compute.getAddress();
    await expect(t.connect(stranger).withdraw(computeAddr, stranger.address, 1n, ""))
      .to.be.revertedWithCustomError(t, "AccessControlUnauthorizedAccount")
      .withArgs(stranger.address, await t.GOVERNOR_ROLE());
    await expect(t.connect(governor).withdraw(ZeroAddress, alice.address, 1n, "")).to.be.revertedWithCustomError(t, "ZeroAddress");
    await expect(t.connect(governor).withdraw(computeAddr, ZeroAddress, 1n, "")).to.be.revertedWithCustomError(t, "ZeroAddress");
    await expect(t.connect(governor).withdraw(computeAddr, alice.address, 0n, "")).to.be.revertedWithCustomError(t, "ZeroAmount");
    await expect(t.connect(governor).withdraw(computeAddr, alice.address, 1_001n * E18, ""))
      .to.be.revertedWithCustomError(compute, "ERC20InsufficientBalance");
  });

  it("refuses a token that fails silently, and blocks reentrancy", async function () {
    const { t, governor, alice, fixtureToken } = await networkHelpers.loadFixture(fixture);
    const tokenAddr = await fixtureToken.getAddress();
    await (await fixtureToken.setMode(2)).wait();
    await expect(t.connect(governor).withdraw(tokenAddr, alice.address, 1n, ""))
      .to.be.revertedWithCustomError(t, "SafeERC20FailedOperation").withArgs(tokenAddr);
    // A token holding GOVERNOR_ROLE that calls back into withdraw is stopped by the guard.
    await (await t.connect(governor).grantRole(await t.GOVERNOR_ROLE(), tokenAddr)).wait();
    await (await fixtureToken.setMode(1)).wait();
    await expect(t.connect(governor).withdraw(tokenAddr, alice.address, 1n, ""))
      .to.be.revertedWithCustomError(t, "ReentrancyGuardReentrantCall");
    await (await fixtureToken.setMode(0)).wait();
    await expect(t.connect(governor).withdraw(tokenAddr, alice.address, 1n, "")).to.emit(t, "Withdrawn");
    expect(await fixtureToken.balanceOf(alice.address)).to.equal(1n);
  });
});
