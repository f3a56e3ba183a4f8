import { expect } from "chai";
import { network } from "hardhat";
import { Wallet, ZeroAddress } from "ethers";
import { deployVentures, createVenture, ventureParams, E18, DAY, MAGNITUDE, BPS, type VentureParams } from "./helpers.ts";

const { ethers, networkHelpers } = await network.create();
const { time, loadFixture } = networkHelpers;

const SHARES = 1_000n * E18;
const E17 = E18 / 10n;

/** Rounding is always down, by at most 1 wei per holder and token. */
function near(actual: readonly bigint[] | bigint, expected: readonly bigint[] | bigint) {
  const a = typeof actual === "bigint" ? [actual] : [...actual];
  const e = typeof expected === "bigint" ? [expected] : [...expected];
  expect(a.length).to.equal(e.length);
  a.forEach((x, i) => expect(x <= e[i] && e[i] - x <= 1n, `${x} is not ${e[i]} less at most 1 wei`).to.equal(true));
}
const nearArg = (expected: bigint[]) => (a: bigint[]) => { near(a, expected); return true; };

async function base() {
  const v = await deployVentures(ethers);
  // A third revenue token ("another allowed ERC-20"): any plain ERC-20 will do.
  const usd = await ethers.deployContract("ComputeToken", [v.admin.address, v.treasury.address, 1_000_000_000n * E18]);
  const tokens = [await v.compute.getAddress(), await v.ubc.getAddress(), await usd.getAddress()];
  // Everybody gets COMPUTE, UBC and USD.
  for (const s of [v.alice, v.bob, v.carol, v.dave, v.erin, v.operator]) {
    await (await v.compute.connect(v.treasury).transfer(s.address, 10_000_000n * E18)).wait();
    await (await v.ubc.connect(v.treasury).transfer(s.address, 10_000_000n * E18)).wait();
    await (await usd.connect(v.treasury).transfer(s.address, 10_000_000n * E18)).wait();
  }
  return { ...v, usd, tokens };
}

async function approveAll(f: Awaited<ReturnType<typeof base>>, venture: string) {
  for (const s of [f.alice, f.bob, f.carol, f.dave, f.erin, f.operator]) {
    for (const t of [f.compute, f.ubc, f.usd]) await (await t.connect(s).approve(venture, ethers.MaxUint256)).wait();
  }
}

async function withVenture(over: Partial<VentureParams> = {}) {
  const f = await base();
  const params = ventureParams(f.operator.address, f.tokens, over);
  const { venture, receipt } = await createVenture(f, params, ethers);
  const addr = await venture.getAddress();
  await approveAll(f, addr);
  return { ...f, venture, addr, params, receipt };
}

const reference = () => withVenture();
const withFee = () =>
  withVenture({ distributionBps: 8_000n, performanceFeeBps: 2_000n, performancePeriod: 30n * DAY, hurdles: [100n * E18, 0n, 50n * E18] });

/** A venture whose raise succeeded: alice 10,000 shares, bob 5,000. */
async function funded() {
  const f = await reference();
  await (await f.venture.connect(f.alice).invest(10_000n * E18)).wait();
  await (await f.venture.connect(f.bob).invest(5_000n * E18)).wait();
  await time.increase(31n * DAY);
  await (await f.venture.finalize()).wait();
  return f;
}

describe("VentureFactory", function () {
  it("deploys the implementation and grants roles", async function () {
    const f = await loadFixture(base);
    const impl = await ethers.getContractAt("Venture", await f.factory.implementation());
    expect(await f.factory.compute()).to.equal(await f.compute.getAddress());
    expect(await impl.factory()).to.equal(await f.factory.getAddress());
    expect(await impl.raiseState()).to.equal(0n);
    expect(await f.factory.hasRole(await f.factory.PAUSER_ROLE(), f.guardian.address)).to.equal(true);
    expect(await f.factory.hasRole(ethers.ZeroHash, f.admin.address)).to.equal(true);
  });

  it("rejects zero addresses in the constructor", async function () {
    const f = await loadFixture(base);
    const F = await ethers.getContractFactory("VentureFactory");
    const c = await f.compute.getAddress();
    await expect(ethers.deployContract("VentureFactory", [ZeroAddress, f.admin.address, f.admin.address])).to.be.revertedWithCustomError(F, "ZeroAddress");
    await expect(ethers.deployContract("VentureFactory", [c, ZeroAddress, f.admin.address])).to.be.revertedWithCustomError(F, "ZeroAddress");
    await expect(ethers.deployContract("VentureFactory", [c, f.admin.address, ZeroAddress])).to.be.revertedWithCustomError(F, "ZeroAddress");
    const V = await ethers.getContractFactory("Venture");
    await expect(ethers.deployContract("Venture", [ZeroAddress, f.admin.address])).to.be.revertedWithCustomError(V, "ZeroAddress");
    await expect(ethers.deployContract("Venture", [c, ZeroAddress])).to.be.revertedWithCustomError(V, "ZeroAddress");
  });

  it("creates a clone with its parameters and emits everything", async function () {
    const f = await loadFixture(reference);
    const { venture, params, receipt } = f;
    const block = await ethers.provider.getBlock(receipt.blockNumber);
    const deadline = BigInt(block!.timestamp) + params.raiseDuration;
    const code = await ethers.provider.getCode(f.addr);
    expect(code.length).to.be.lessThan(2 + 2 * 400); // a 45-byte proxy plus its arguments
    expect(await f.factory.isVenture(f.addr)).to.equal(true);
    expect(await venture.name()).to.equal("Synthetic Souls");
    expect(await venture.symbol()).to.equal("SOULS");
    expect(await venture.decimals()).to.equal(18n);
    expect(await venture.metadataURI()).to.equal(params.metadataURI);
    expect(await venture.operator()).to.equal(f.operator.address);
    expect(await venture.operatorAgentId()).to.equal(7n);
    expect(await venture.raiseState()).to.equal(1n);
    expect(await venture.raiseConfig()).to.deep.equal([10n, params.minShares, params.maxShares, deadline]);
    expect(await venture.revenueConfig()).to.deep.equal([10_000n, 0n, 0n]);
    expect(await venture.revenueTokens()).to.deep.equal([f.tokens, [0n, 0n, 0n]]);
    expect(await venture.compute()).to.equal(await f.compute.getAddress());
    await expect(receipt.hash)
      .to.emit(f.factory, "VentureCreated")
      .withArgs(f.addr, f.operator.address, 7n, f.admin.address, deadline, (p: unknown[]) => (p as unknown[])[2] === "Synthetic Souls");
    await expect(receipt.hash).to.emit(venture, "OperatorTransferred").withArgs(ZeroAddress, f.operator.address);
  });

  it("validates every parameter", async function () {
    const f = await loadFixture(base);
    const op = f.operator.address;
    const t = f.tokens;
    const bad = async (over: Partial<VentureParams>, error: string, args?: unknown[]) => {
      const e = expect(f.factory.createVenture(ventureParams(op, t, over))).to.be.revertedWithCustomError(f.factory, error);
      if (args) await e.withArgs(...args);
      else await e;
    };
    await bad({ operator: ZeroAddress }, "ZeroAddress");
    await bad({ pricePerShare: 0n }, "InvalidPrice");
    await bad({ minShares: 0n }, "InvalidRaise", [0n, 100_000n * E18]);
    await bad({ minShares: 2n, maxShares: 1n }, "InvalidRaise", [2n, 1n]);
    await bad({ raiseDuration: 0n }, "InvalidRaiseDuration", [0n]);
    await bad({ raiseDuration: 366n * DAY }, "InvalidRaiseDuration", [366n * DAY]);
    await bad({ distributionBps: 10_001n }, "InvalidBps", [10_001n]);
    await bad({ performanceFeeBps: 10_001n, performancePeriod: 1n }, "InvalidBps", [10_001n]);
    await bad({ performanceFeeBps: 1n, performancePeriod: 0n }, "InvalidPerformancePeriod");
    await bad({ revenueTokens: [], hurdles: [] }, "InvalidRevenueTokenCount", [0n]);
    const nine = Array.from({ length: 9 }, () => Wallet.createRandom().address);
    await bad({ revenueTokens: nine, hurdles: nine.map(() => 0n) }, "InvalidRevenueTokenCount", [9n]);
    await bad({ hurdles: [0n] }, "LengthMismatch");
    await bad({ revenueTokens: [t[0], ZeroAddress], hurdles: [0n, 0n] }, "ZeroAddress");
    await bad({ revenueTokens: [t[0], t[1], t[0]] }, "DuplicateRevenueToken", [t[0]]);
    await bad({ name: "x".repeat(256) }, "StringTooLong", [256n, 255n]);
    await bad({ symbol: "x".repeat(256) }, "StringTooLong", [256n, 255n]);
    await bad({ metadataURI: "x".repeat(1025) }, "StringTooLong", [1025n, 1024n]);
  });

  it("accepts the extremes: 8 tokens, long strings, an odd token count", async function () {
    const f = await loadFixture(base);
    const eight = [...f.tokens, ...Array.from({ length: 5 }, () => Wallet.createRandom().address)];
    const hurdles = eight.map((_, i) => BigInt(i) * 1000n);
    const p = ventureParams(f.operator.address, eight, {
      name: "n".repeat(255), symbol: "s".repeat(255), metadataURI: "u".repeat(1024), hurdles,
      operatorAgentId: 2n ** 256n - 1n, maxShares: 2n ** 128n - 1n, pricePerShare: 2n ** 128n - 1n,
    });
    const { venture } = await createVenture(f, p, ethers);
    expect(await venture.name()).to.equal(p.name);
    expect(await venture.symbol()).to.equal(p.symbol);
    expect(await venture.metadataURI()).to.equal(p.metadataURI);
    expect(await venture.operatorAgentId()).to.equal(p.operatorAgentId);
    expect(await venture.revenueTokens()).to.deep.equal([eight, hurdles]);
    expect((await venture.raiseConfig())[2]).to.equal(2n ** 128n - 1n);
  });

  it("pauses creation (PAUSER_ROLE only)", async function () {
    const f = await loadFixture(base);
    const p = ventureParams(f.operator.address, f.tokens);
    await expect(f.factory.connect(f.alice).pause()).to.be.revertedWithCustomError(f.factory, "AccessControlUnauthorizedAccount");
    await expect(f.factory.connect(f.guardian).pause()).to.emit(f.factory, "Paused");
    await expect(f.factory.createVenture(p)).to.be.revertedWithCustomError(f.factory, "EnforcedPause");
    await expect(f.factory.connect(f.alice).unpause()).to.be.revertedWithCustomError(f.factory, "AccessControlUnauthorizedAccount");
    await expect(f.factory.connect(f.guardian).unpause()).to.emit(f.factory, "Unpaused");
    await (await f.factory.createVenture(p)).wait();
  });

  it("cannot initialise the implementation or a clone twice, nor from outside the factory", async function () {
    const f = await loadFixture(reference);
    const impl = await ethers.getContractAt("Venture", await f.factory.implementation());
    await expect(impl.initialize(f.alice.address)).to.be.revertedWithCustomError(impl, "InvalidInitialization");
    await expect(f.venture.initialize(f.alice.address)).to.be.revertedWithCustomError(f.venture, "InvalidInitialization");
  });

  it("lets only the factory initialise a clone, with a non-zero operator", async function () {
    const f = await loadFixture(base);
    // An implementation whose "factory" is alice, and an ERC-1167 clone of it deployed by hand.
    const impl = await ethers.deployContract("Venture", [await f.compute.getAddress(), f.alice.address]);
    const runtime = "363d3d373d3d3d363d73" + (await impl.getAddress()).slice(2).toLowerCase() + "5af43d82803e903d91602b57fd5bf3";
    const initcode = "0x602d8060093d393df3" + runtime;
    const tx = await f.alice.sendTransaction({ data: initcode });
    const clone = await ethers.getContractAt("Venture", (await tx.wait())!.contractAddress!);
    await expect(clone.connect(f.bob).initialize(f.bob.address)).to.be.revertedWithCustomError(clone, "NotFactory");
    await expect(clone.connect(f.alice).initialize(ZeroAddress)).to.be.revertedWithCustomError(clone, "ZeroAddress");
    await expect(clone.connect(f.alice).initialize(f.bob.address)).to.emit(clone, "Initialized").withArgs(1n);
    expect(await clone.operator()).to.equal(f.bob.address);
  });
});

describe("Venture raise", function () {
  it("mints shares for exactly shares × price COMPUTE", async function () {
    const f = await loadFixture(reference);
    const before = await f.compute.balanceOf(f.alice.address);
    await expect(f.venture.connect(f.alice).invest(SHARES))
      .to.emit(f.venture, "Invested").withArgs(f.alice.address, SHARES, SHARES * 10n)
      .and.to.emit(f.venture, "Transfer").withArgs(ZeroAddress, f.alice.address, SHARES);
    expect(await f.venture.balanceOf(f.alice.address)).to.equal(SHARES);
    expect(await f.compute.balanceOf(f.alice.address)).to.equal(before - SHARES * 10n);
    expect(await f.compute.balanceOf(f.addr)).to.equal(SHARES * 10n);
  });

  it("rejects zero, over the cap, after the deadline, and when not open", async function () {
    const f = await loadFixture(reference);
    await expect(f.venture.connect(f.alice).invest(0)).to.be.revertedWithCustomError(f.venture, "ZeroAmount");
    await (await f.venture.connect(f.alice).invest(90_000n * E18)).wait();
    await expect(f.venture.connect(f.bob).invest(10_001n * E18))
      .to.be.revertedWithCustomError(f.venture, "CapExceeded").withArgs(10_000n * E18, 10_001n * E18);
    const deadline = (await f.venture.raiseConfig())[3];
    await time.increaseTo(deadline + 1n);
    await expect(f.venture.connect(f.bob).invest(1n)).to.be.revertedWithCustomError(f.venture, "RaiseEnded").withArgs(deadline);
    await (await f.venture.finalize()).wait();
    await expect(f.venture.connect(f.bob).invest(1n)).to.be.revertedWithCustomError(f.venture, "RaiseNotOpen");
    await expect(f.venture.finalize()).to.be.revertedWithCustomError(f.venture, "RaiseNotOpen");
  });

  it("accepts an investment at the deadline itself", async function () {
    const f = await loadFixture(reference);
    const deadline = (await f.venture.raiseConfig())[3];
    await time.setNextBlockTimestamp(deadline);
    await expect(f.venture.connect(f.bob).invest(1n)).to.emit(f.venture, "Invested");
  });

  it("finalises a successful raise: the whole raise goes to the operator at once", async function () {
    const f = await loadFixture(reference);
    await (await f.venture.connect(f.alice).invest(12_000n * E18)).wait();
    await expect(f.venture.finalize()).to.be.revertedWithCustomError(f.venture, "RaiseStillOpen");
    await time.increase(31n * DAY);
    const before = await f.compute.balanceOf(f.operator.address);
    await expect(f.venture.connect(f.carol).finalize())
      .to.emit(f.venture, "RaiseSucceeded").withArgs(f.operator.address, 12_000n * E18, 120_000n * E18);
    expect(await f.compute.balanceOf(f.operator.address)).to.equal(before + 120_000n * E18);
    expect(await f.venture.raiseState()).to.equal(2n);
    await expect(f.venture.connect(f.alice).refund()).to.be.revertedWithCustomError(f.venture, "RefundUnavailable");
    await expect(f.venture.connect(f.operator).cancelRaise()).to.be.revertedWithCustomError(f.venture, "RaiseNotOpen");
  });

  it("finalises early once the cap is sold", async function () {
    const f = await loadFixture(reference);
    await (await f.venture.connect(f.alice).invest(100_000n * E18)).wait();
    await expect(f.venture.finalize()).to.emit(f.venture, "RaiseSucceeded");
  });

  it("fails below the minimum and refunds every holder, once, at the price paid", async function () {
    const f = await loadFixture(reference);
    await (await f.venture.connect(f.alice).invest(3_000n * E18)).wait();
    await (await f.venture.connect(f.bob).invest(2_000n * E18)).wait();
    await expect(f.venture.connect(f.alice).refund()).to.be.revertedWithCustomError(f.venture, "RefundUnavailable");
    // Shares are transferable: the refund goes to whoever holds them.
    await (await f.venture.connect(f.bob).transfer(f.carol.address, 500n * E18)).wait();
    await time.increase(31n * DAY);
    await expect(f.venture.connect(f.alice).refund())
      .to.emit(f.venture, "RaiseFailed").withArgs(5_000n * E18, 10_000n * E18)
      .and.to.emit(f.venture, "Refunded").withArgs(f.alice.address, 3_000n * E18, 30_000n * E18);
    expect(await f.venture.raiseState()).to.equal(3n);
    await expect(f.venture.connect(f.alice).refund()).to.be.revertedWithCustomError(f.venture, "NothingToRefund");
    await expect(f.venture.connect(f.carol).refund()).to.emit(f.venture, "Refunded").withArgs(f.carol.address, 500n * E18, 5_000n * E18);
    await expect(f.venture.finalize()).to.be.revertedWithCustomError(f.venture, "RaiseNotOpen");
    await expect(f.venture.connect(f.bob).refund()).to.changeTokenBalances(ethers, f.compute, [f.bob, f.venture], [15_000n * E18, -15_000n * E18]);
    expect(await f.compute.balanceOf(f.addr)).to.equal(0n);
    expect(await f.venture.totalSupply()).to.equal(0n);
  });

  it("fails through finalize below the minimum", async function () {
    const f = await loadFixture(reference);
    await (await f.venture.connect(f.alice).invest(1_000n * E18)).wait();
    await time.increase(31n * DAY);
    await expect(f.venture.finalize()).to.emit(f.venture, "RaiseFailed").withArgs(1_000n * E18, 10_000n * E18);
    await expect(f.venture.connect(f.alice).refund()).to.emit(f.venture, "Refunded").withArgs(f.alice.address, 1_000n * E18, 10_000n * E18);
  });

  it("does not refund after the deadline when the minimum was met (finalize pays the operator)", async function () {
    const f = await loadFixture(reference);
    await (await f.venture.connect(f.alice).invest(10_000n * E18)).wait();
    await time.increase(31n * DAY);
    await expect(f.venture.connect(f.alice).refund()).to.be.revertedWithCustomError(f.venture, "RefundUnavailable");
  });

  it("lets the operator cancel an open raise, refunding everyone", async function () {
    const f = await loadFixture(reference);
    await (await f.venture.connect(f.alice).invest(20_000n * E18)).wait();
    await expect(f.venture.connect(f.alice).cancelRaise()).to.be.revertedWithCustomError(f.venture, "NotOperator").withArgs(f.alice.address);
    await expect(f.venture.connect(f.operator).cancelRaise()).to.emit(f.venture, "RaiseCancelled").withArgs(f.operator.address, 20_000n * E18);
    await expect(f.venture.connect(f.alice).invest(1n)).to.be.revertedWithCustomError(f.venture, "RaiseNotOpen");
    await expect(f.venture.connect(f.alice).refund()).to.emit(f.venture, "Refunded").withArgs(f.alice.address, 20_000n * E18, 200_000n * E18);
  });
});

describe("Venture revenue", function () {
  it("splits a deposit pro rata; one claim collects every token", async function () {
    const f = await loadFixture(funded);
    const [c, u, d] = f.tokens;
    await expect(f.venture.connect(f.operator).depositRevenue(c, 1_500n * E18))
      .to.emit(f.venture, "RevenueDeposited")
      .withArgs(f.operator.address, c, 1_500n * E18, 1_500n * E18, 0n, 0n, (1_500n * E18 * MAGNITUDE) / (15_000n * E18));
    await (await f.venture.connect(f.carol).depositRevenue(u, 300n * E18)).wait(); // anyone may deposit
    near(await f.venture.claimable(f.alice.address), [1_000n * E18, 200n * E18, 0n]);
    near(await f.venture.claimableOf(f.bob.address, c), 500n * E18);
    expect(await f.venture.totalDistributed(c)).to.equal(1_500n * E18);
    expect(await f.venture.operatorOwed(c)).to.equal(0n);
    await expect(f.venture.connect(f.alice).claim())
      .to.emit(f.venture, "RevenueClaimed").withArgs(f.alice.address, nearArg([1_000n * E18, 200n * E18, 0n]));
    near(300n * E18 - (await f.ubc.balanceOf(f.addr)), 200n * E18);
    await expect(f.venture.connect(f.alice).claim()).to.be.revertedWithCustomError(f.venture, "NothingToClaim");
    // A keeper claims for bob: the funds go to bob.
    await expect(f.venture.connect(f.carol).claimFor(f.bob.address))
      .to.emit(f.venture, "RevenueClaimed").withArgs(f.bob.address, nearArg([500n * E18, 100n * E18, 0n]));
    await (await f.venture.connect(f.operator).depositRevenue(d, 3n * E18)).wait();
    await expect(f.venture.connect(f.bob).claim()).to.emit(f.venture, "RevenueClaimed").withArgs(f.bob.address, nearArg([0n, 0n, 1n * E18]));
    near(await f.venture.claimable(f.alice.address), [0n, 0n, 2n * E18]);
    expect(await f.venture.magnifiedRevenuePerShare(d)).to.equal((3n * E18 * MAGNITUDE) / (15_000n * E18));
  });

  it("rejects bad deposits", async function () {
    const f = await loadFixture(reference);
    const c = f.tokens[0];
    await expect(f.venture.depositRevenue(c, 0)).to.be.revertedWithCustomError(f.venture, "ZeroAmount");
    await expect(f.venture.depositRevenue(c, 2n ** 128n)).to.be.revertedWithCustomError(f.venture, "AmountTooLarge").withArgs(2n ** 128n);
    await expect(f.venture.depositRevenue(c, 1n)).to.be.revertedWithCustomError(f.venture, "NoShareholders");
    await (await f.venture.connect(f.alice).invest(1n)).wait();
    await expect(f.venture.depositRevenue(f.addr, 1n)).to.be.revertedWithCustomError(f.venture, "TokenNotAllowed").withArgs(f.addr);
    await expect(f.venture.claimableOf(f.alice.address, f.addr)).to.be.revertedWithCustomError(f.venture, "TokenNotAllowed");
    await expect(f.venture.connect(f.bob).claim()).to.be.revertedWithCustomError(f.venture, "NothingToClaim");
  });

  it("gives nothing from a deposit to shares bought after it, even during the raise", async function () {
    const f = await loadFixture(reference);
    const c = f.tokens[0];
    await (await f.venture.connect(f.alice).invest(1_000n * E18)).wait();
    await (await f.venture.connect(f.operator).depositRevenue(c, 100n * E18)).wait();
    await (await f.venture.connect(f.bob).invest(9_000n * E18)).wait();
    expect(await f.venture.claimableOf(f.bob.address, c)).to.equal(0n);
    near(await f.venture.claimableOf(f.alice.address, c), 100n * E18);
    await (await f.venture.connect(f.operator).depositRevenue(c, 100n * E18)).wait();
    near(await f.venture.claimableOf(f.bob.address, c), 90n * E18);
    near(await f.venture.claimableOf(f.alice.address, c), 110n * E18);
  });

  it("moves entitlement with transfers: the seller keeps what was earned, the buyer earns from then on", async function () {
    const f = await loadFixture(funded);
    const [c, u] = f.tokens;
    await (await f.venture.connect(f.operator).depositRevenue(c, 1_500n * E18)).wait();
    await (await f.venture.connect(f.operator).depositRevenue(u, 150n * E18)).wait();
    await (await f.venture.connect(f.alice).transfer(f.carol.address, 5_000n * E18)).wait();
    near(await f.venture.claimable(f.alice.address), [1_000n * E18, 100n * E18, 0n]);
    expect(await f.venture.claimable(f.carol.address)).to.deep.equal([0n, 0n, 0n]);
    await (await f.venture.connect(f.operator).depositRevenue(c, 1_500n * E18)).wait();
    near(await f.venture.claimable(f.alice.address), [1_500n * E18, 100n * E18, 0n]);
    near(await f.venture.claimable(f.carol.address), [500n * E18, 0n, 0n]);
    const carolOwed = await f.venture.claimable(f.carol.address);
    // transferFrom and a self-transfer change nothing either.
    await (await f.venture.connect(f.carol).approve(f.dave.address, E18)).wait();
    await (await f.venture.connect(f.dave).transferFrom(f.carol.address, f.carol.address, E18)).wait();
    await (await f.venture.connect(f.carol).transfer(f.dave.address, 0n)).wait();
    expect(await f.venture.claimable(f.carol.address)).to.deep.equal(carolOwed);
    await (await f.venture.connect(f.carol).claim()).wait();
    await (await f.venture.connect(f.alice).claim()).wait();
    await (await f.venture.connect(f.bob).claim()).wait();
    // What stays behind is rounding dust: at most 1 wei per holder (3) per token.
    expect(await f.compute.balanceOf(f.addr)).to.be.at.most(3n);
    expect(await f.ubc.balanceOf(f.addr)).to.be.at.most(3n);
  });

  it("keeps revenue earned by shares that are refunded", async function () {
    const f = await loadFixture(reference);
    const c = f.tokens[0];
    await (await f.venture.connect(f.alice).invest(1_000n * E18)).wait();
    await (await f.venture.connect(f.operator).depositRevenue(c, 10n * E18)).wait();
    await (await f.venture.connect(f.operator).cancelRaise()).wait();
    await (await f.venture.connect(f.alice).refund()).wait();
    near(await f.venture.claimableOf(f.alice.address, c), 10n * E18);
    await expect(f.venture.connect(f.alice).claim()).to.emit(f.venture, "RevenueClaimed").withArgs(f.alice.address, nearArg([10n * E18, 0n, 0n]));
  });

  it("never creates value through rounding: 3 holders, awkward amounts", async function () {
    const f = await loadFixture(reference);
    const c = f.tokens[0];
    await (await f.venture.connect(f.alice).invest(1n)).wait();
    await (await f.venture.connect(f.bob).invest(1n)).wait();
    await (await f.venture.connect(f.carol).invest(1n)).wait();
    for (const amount of [1n, 2n, 1n, 5n, 7n]) await (await f.venture.connect(f.operator).depositRevenue(c, amount)).wait();
    const owed = [
      await f.venture.claimableOf(f.alice.address, c),
      await f.venture.claimableOf(f.bob.address, c),
      await f.venture.claimableOf(f.carol.address, c),
    ];
    const sum = owed.reduce((a, b) => a + b, 0n);
    expect(sum <= 16n && 16n - sum <= 3n).to.equal(true);
    expect(owed).to.deep.equal([5n, 5n, 5n]);
  });

  it("retains the undistributed share and a performance fee above the hurdle for the operator", async function () {
    const f = await loadFixture(withFee);
    const [c, u, d] = f.tokens;
    expect(await f.venture.revenueConfig()).to.deep.equal([8_000n, 2_000n, 30n * DAY]);
    await (await f.venture.connect(f.alice).invest(10_000n * E18)).wait();
    // Period starts: align to the beginning of a period so all deposits fall in it.
    const now = BigInt(await time.latest());
    const period = 30n * DAY;
    await time.setNextBlockTimestamp((now / period + 1n) * period);
    // 100 COMPUTE: 20 retained, 80 distributable, all below the 100 hurdle.
    await expect(f.venture.connect(f.operator).depositRevenue(c, 100n * E18))
      .to.emit(f.venture, "RevenueDeposited").withArgs(f.operator.address, c, 100n * E18, 80n * E18, 0n, 20n * E18, (80n * E18 * MAGNITUDE) / (10_000n * E18));
    // 100 more: 20 retained, 80 distributable of which 60 above the hurdle: fee 12.
    await expect(f.venture.connect(f.operator).depositRevenue(c, 100n * E18))
      .to.emit(f.venture, "RevenueDeposited").withArgs(f.operator.address, c, 100n * E18, 68n * E18, 12n * E18, 32n * E18, (148n * E18 * MAGNITUDE) / (10_000n * E18));
    // Above the hurdle already: 80 distributable, fee 16.
    await expect(f.venture.connect(f.operator).depositRevenue(c, 100n * E18))
      .to.emit(f.venture, "RevenueDeposited").withArgs(f.operator.address, c, 100n * E18, 64n * E18, 16n * E18, 36n * E18, (212n * E18 * MAGNITUDE) / (10_000n * E18));
    // UBC has a zero hurdle: every distributable wei pays the fee.
    await expect(f.venture.connect(f.operator).depositRevenue(u, 10n * E18))
      .to.emit(f.venture, "RevenueDeposited").withArgs(f.operator.address, u, 10n * E18, 64n * E17, 16n * E17, 36n * E17, (64n * E17 * MAGNITUDE) / (10_000n * E18));
    expect(await f.venture.operatorOwed(c)).to.equal(88n * E18);
    expect(await f.venture.totalDistributed(c)).to.equal(212n * E18);
    // Next period: the hurdle resets.
    await time.increase(period);
    await expect(f.venture.connect(f.operator).depositRevenue(c, 100n * E18))
      .to.emit(f.venture, "RevenueDeposited").withArgs(f.operator.address, c, 100n * E18, 80n * E18, 0n, 20n * E18, (292n * E18 * MAGNITUDE) / (10_000n * E18));
    // Operator withdrawal: anyone triggers it, the operator receives.
    const tx = f.venture.connect(f.carol).withdrawOperatorRevenue();
    await expect(tx).to.emit(f.venture, "OperatorRevenueWithdrawn").withArgs(f.operator.address, [108n * E18, 36n * E17, 0n]);
    await expect(tx).to.changeTokenBalances(ethers, f.compute, [f.operator, f.venture], [108n * E18, -108n * E18]);
    await expect(f.venture.withdrawOperatorRevenue()).to.be.revertedWithCustomError(f.venture, "NothingToWithdraw");
    expect(await f.venture.revenueTokens()).to.deep.equal([f.tokens, [100n * E18, 0n, 50n * E18]]);
    void d;
  });

  it("refuses a deposit that could overflow the accumulator for the shares still to be sold", async function () {
    const f = await withVenture({ maxShares: 2n ** 120n });
    const c = f.tokens[0];
    await (await f.venture.connect(f.alice).invest(1n)).wait();
    // 1 share wei outstanding, up to 2^120 to come: 2^128 per share wei would overflow.
    await expect(f.venture.connect(f.operator).depositRevenue(c, E18))
      .to.be.revertedWithCustomError(f.venture, "AccumulatorOverflow").withArgs(E18 * MAGNITUDE);
    // A small deposit passes; after the raise the bound is the (fixed) supply.
    await (await f.venture.connect(f.operator).depositRevenue(c, 100n)).wait();
    await (await f.venture.connect(f.operator).cancelRaise()).wait();
    await (await f.venture.connect(f.operator).depositRevenue(c, E18)).wait();
    near(await f.venture.claimableOf(f.alice.address, c), E18 + 100n);
  });

  it("keeps everything for the operator with a 0% distribution", async function () {
    const f = await withVenture({ distributionBps: 0n });
    const c = f.tokens[0];
    await (await f.venture.connect(f.alice).invest(1_000n * E18)).wait();
    await expect(f.venture.connect(f.bob).depositRevenue(c, 7n))
      .to.emit(f.venture, "RevenueDeposited").withArgs(f.bob.address, c, 7n, 0n, 0n, 7n, 0n);
    expect(await f.venture.claimableOf(f.alice.address, c)).to.equal(0n);
    expect(await f.venture.operatorOwed(c)).to.equal(7n);
    // A transfer while no revenue accrued costs no correction.
    await (await f.venture.connect(f.alice).transfer(f.bob.address, 1n)).wait();
  });
});

describe("Venture operator", function () {
  it("transfers the operator role in two steps", async function () {
    const f = await loadFixture(reference);
    await expect(f.venture.connect(f.alice).transferOperator(f.alice.address)).to.be.revertedWithCustomError(f.venture, "NotOperator");
    await expect(f.venture.connect(f.operator).transferOperator(ZeroAddress)).to.be.revertedWithCustomError(f.venture, "ZeroAddress");
    await expect(f.venture.connect(f.operator).transferOperator(f.dave.address))
      .to.emit(f.venture, "OperatorTransferStarted").withArgs(f.operator.address, f.dave.address);
    expect(await f.venture.pendingOperator()).to.equal(f.dave.address);
    await expect(f.venture.connect(f.erin).acceptOperator()).to.be.revertedWithCustomError(f.venture, "NotPendingOperator").withArgs(f.erin.address);
    await expect(f.venture.connect(f.dave).acceptOperator()).to.emit(f.venture, "OperatorTransferred").withArgs(f.operator.address, f.dave.address);
    expect(await f.venture.operator()).to.equal(f.dave.address);
    expect(await f.venture.pendingOperator()).to.equal(ZeroAddress);
    // The raise goes to the new operator.
    await (await f.venture.connect(f.alice).invest(100_000n * E18)).wait();
    await expect(f.venture.finalize()).to.emit(f.venture, "RaiseSucceeded").withArgs(f.dave.address, 100_000n * E18, 1_000_000n * E18);
  });
});

describe("Venture claim gas is O(1) in the number of holders", function () {
  this.timeout(120_000);

  async function claimGas(holders: number): Promise<bigint> {
    const f = await base();
    const { venture, addr } = await (async () => {
      const r = await createVenture(f, ventureParams(f.operator.address, f.tokens.slice(0, 2)), ethers);
      return { venture: r.venture, addr: await r.venture.getAddress() };
    })();
    await approveAll(f, addr);
    await (await venture.connect(f.alice).invest(10_000n * E18)).wait();
    await (await venture.connect(f.bob).invest(20_000n * E18)).wait();
    // Bob spreads shares over holders - 1 fresh addresses (before any revenue, like the reference case).
    for (let i = 1; i < holders - 1; i++) {
      await (await venture.connect(f.bob).transfer(ethers.getAddress("0x" + (0x100000n + BigInt(i)).toString(16).padStart(40, "0")), E18)).wait();
    }
    if (holders === 1) await (await venture.connect(f.bob).transfer(f.alice.address, 20_000n * E18)).wait();
    await time.increase(31n * DAY);
    await (await venture.finalize()).wait();
    const [c, u] = f.tokens;
    await (await venture.connect(f.operator).depositRevenue(c, 1_000n * E18)).wait();
    await (await venture.connect(f.operator).depositRevenue(u, 1_000n * E18)).wait();
    await (await venture.connect(f.alice).claim()).wait();
    await (await venture.connect(f.operator).depositRevenue(c, 1_000n * E18)).wait();
    await (await venture.connect(f.operator).depositRevenue(u, 1_000n * E18)).wait();
    const r = await (await venture.connect(f.alice).claim()).wait();
    return r!.gasUsed;
  }

  it("costs the same with 1 and with 1,000 holders", async function () {
    const one = await claimGas(1);
    const many = await claimGas(1_000);
    console.log(`      claim of two revenue tokens: ${one} gas with 1 holder, ${many} gas with 1,000 holders`);
    const diff = one > many ? one - many : many - one;
    expect(diff <= 300n, `${one} vs ${many}`).to.equal(true);
  });
});

export { BPS };
