import { expect } from "chai";
import { network } from "hardhat";
import { ZeroAddress } from "ethers";
import { FEE_DEFAULTS, deployEconomy } from "./helpers.ts";

const { ethers, networkHelpers } = await network.create();

const BPS = 10_000n;
const T = FEE_DEFAULTS.target;
const LEN = FEE_DEFAULTS.epochLength;

interface Params { target: bigint; min: bigint; max: bigint; change: bigint }
const DEFAULT_PARAMS: Params = {
  target: T, min: BigInt(FEE_DEFAULTS.minBurnBps), max: BigInt(FEE_DEFAULTS.maxBurnBps), change: BigInt(FEE_DEFAULTS.maxChangeBps),
};

const clamp = (s: bigint, p: Params) => (s < p.min ? p.min : s > p.max ? p.max : s);

/** The documented rule for one epoch, written independently of the contract. */
function adjust(share: bigint, volume: bigint, p: Params = DEFAULT_PARAMS): bigint {
  if (volume >= p.target) {
    const dev = volume - p.target > p.target ? p.target : volume - p.target;
    let delta = (share * p.change * dev) / (BPS * p.target);
    if (delta === 0n && dev !== 0n && p.change !== 0n) delta = 1n;
    return clamp(share + delta, p);
  }
  return clamp(share - (share * p.change * (p.target - volume)) / (BPS * p.target), p);
}

/** n idle epochs: floor(share * ((BPS - c) / BPS)^n), exactly (the contract may be 1 bps lower). */
function decay(share: bigint, n: bigint, p: Params = DEFAULT_PARAMS): bigint {
  return clamp((share * (BPS - p.change) ** n) / BPS ** n, p);
}

describe("FeeController", function () {
  async function fixture() {
    const e = await deployEconomy(ethers);
    await (await e.fees.connect(e.configurator).setMarket(e.market.address)).wait();
    const genesis = await e.fees.genesis();
    return { ...e, genesis };
  }

  /** The next transaction is mined `offset` seconds into epoch `epoch`. */
  async function atEpoch(genesis: bigint, epoch: bigint, offset = 10n) {
    await networkHelpers.time.setNextBlockTimestamp(genesis + epoch * LEN + offset);
  }

  describe("deployment", function () {
    it("stores the parameters, the roles, and opens epoch 0 at the initial share", async function () {
      const e = await deployEconomy(ethers);
      const { fees, governor, configurator } = e;
      const receipt = await fees.deploymentTransaction()!.wait();
      const block = await ethers.provider.getBlock(receipt!.blockNumber);
      expect(await fees.genesis()).to.equal(BigInt(block!.timestamp));
      expect(await fees.epochLength()).to.equal(LEN);
      expect(await fees.currentEpoch()).to.equal(0n);
      expect(await fees.epochStart(3n)).to.equal(BigInt(block!.timestamp) + 3n * LEN);
      expect(await fees.targetVolume()).to.equal(T);
      expect(await fees.burnBounds()).to.deep.equal([2_000n, 8_000n]);
      expect(await fees.maxChangeBps()).to.equal(1_250n);
      expect(await fees.burnShareBps()).to.equal(5_000n);
      expect(await fees.epochVolume()).to.equal(0n);
      expect(await fees.state()).to.deep.equal([0n, 5_000n, 0n]);
      expect(await fees.configurator()).to.equal(configurator.address);
      expect(await fees.hasRole(await fees.GOVERNOR_ROLE(), governor.address)).to.equal(true);
      expect(await fees.hasRole(await fees.DEFAULT_ADMIN_ROLE(), governor.address)).to.equal(true);
      expect(await fees.BPS()).to.equal(BPS);
      await expect(fees.deploymentTransaction()).to.emit(fees, "ParametersUpdated").withArgs(T, 2_000, 8_000, 1_250);
      await expect(fees.deploymentTransaction()).to.emit(fees, "Started").withArgs(BigInt(block!.timestamp), LEN, 5_000);
      await expect(fees.deploymentTransaction()).not.to.emit(fees, "EpochRolled");
    });

    it("refuses zero addresses, an epoch length out of [1 hour, 30 days], invalid parameters, an initial share out of bounds", async function () {
      const [a] = await ethers.getSigners();
      const factory = await ethers.getContractFactory("FeeController");
      const d = FEE_DEFAULTS;
      const args = (o: Partial<Record<string, unknown>> = {}) => {
        const v = { gov: a.address, conf: a.address, len: d.epochLength, target: d.target, init: d.initialBurnBps, min: d.minBurnBps, max: d.maxBurnBps, change: d.maxChangeBps, ...o };
        return [v.gov, v.conf, v.len, v.target, v.init, v.min, v.max, v.change];
      };
      await expect(ethers.deployContract("FeeController", args({ gov: ZeroAddress }))).to.be.revertedWithCustomError(factory, "ZeroAddress");
      await expect(ethers.deployContract("FeeController", args({ conf: ZeroAddress }))).to.be.revertedWithCustomError(factory, "ZeroAddress");
      await expect(ethers.deployContract("FeeController", args({ len: 3599n })))
        .to.be.revertedWithCustomError(factory, "InvalidEpochLength").withArgs(3599n);
      await expect(ethers.deployContract("FeeController", args({ len: 30n * 86400n + 1n })))
        .to.be.revertedWithCustomError(factory, "InvalidEpochLength").withArgs(30n * 86400n + 1n);
      await expect(ethers.deployContract("FeeController", args({ target: 0n })))
        .to.be.revertedWithCustomError(factory, "InvalidParameters").withArgs(0n, 2_000, 8_000, 1_250);
      await expect(ethers.deployContract("FeeController", args({ target: 2n ** 128n })))
        .to.be.revertedWithCustomError(factory, "InvalidParameters").withArgs(2n ** 128n, 2_000, 8_000, 1_250);
      await expect(ethers.deployContract("FeeController", args({ min: 8_001 })))
        .to.be.revertedWithCustomError(factory, "InvalidParameters").withArgs(T, 8_001, 8_000, 1_250);
      await expect(ethers.deployContract("FeeController", args({ max: 10_001 })))
        .to.be.revertedWithCustomError(factory, "InvalidParameters").withArgs(T, 2_000, 10_001, 1_250);
      await expect(ethers.deployContract("FeeController", args({ change: 10_001 })))
        .to.be.revertedWithCustomError(factory, "InvalidParameters").withArgs(T, 2_000, 8_000, 10_001);
      await expect(ethers.deployContract("FeeController", args({ init: 1_999 })))
        .to.be.revertedWithCustomError(factory, "InvalidBurnShare").withArgs(1_999);
      await expect(ethers.deployContract("FeeController", args({ init: 8_001 })))
        .to.be.revertedWithCustomError(factory, "InvalidBurnShare").withArgs(8_001);
    });
  });

  describe("setMarket", function () {
    it("grants MARKET_ROLE once, by the configurator only", async function () {
      const { fees, configurator, market, alice } = await deployEconomy(ethers);
      await expect(fees.connect(alice).setMarket(market.address))
        .to.be.revertedWithCustomError(fees, "NotConfigurator").withArgs(alice.address);
      await expect(fees.connect(configurator).setMarket(ZeroAddress)).to.be.revertedWithCustomError(fees, "ZeroAddress");
      await expect(fees.connect(configurator).setMarket(market.address))
        .to.emit(fees, "MarketSet").withArgs(market.address)
        .and.to.emit(fees, "RoleGranted").withArgs(await fees.MARKET_ROLE(), market.address, configurator.address);
      expect(await fees.hasRole(await fees.MARKET_ROLE(), market.address)).to.equal(true);
      expect(await fees.configurator()).to.equal(ZeroAddress);
      await expect(fees.connect(configurator).setMarket(alice.address))
        .to.be.revertedWithCustomError(fees, "NotConfigurator").withArgs(configurator.address);
    });
  });

  describe("recordVolume", function () {
    it("is for MARKET_ROLE only", async function () {
      const { fees, alice } = await networkHelpers.loadFixture(fixture);
      await expect(fees.connect(alice).recordVolume(1n))
        .to.be.revertedWithCustomError(fees, "AccessControlUnauthorizedAccount")
        .withArgs(alice.address, await fees.MARKET_ROLE());
    });

    it("accumulates the epoch's volume and returns the epoch's share", async function () {
      const { fees, market } = await networkHelpers.loadFixture(fixture);
      expect(await fees.connect(market).recordVolume.staticCall(100n)).to.equal(5_000n);
      await expect(fees.connect(market).recordVolume(100n)).to.emit(fees, "VolumeRecorded").withArgs(0n, 100n, 100n);
      await expect(fees.connect(market).recordVolume(50n)).to.emit(fees, "VolumeRecorded").withArgs(0n, 50n, 150n);
      expect(await fees.epochVolume()).to.equal(150n);
      expect(await fees.burnShareBps()).to.equal(5_000n);
    });

    it("at the epoch's end moves the share with volume against target (EIP-1559 rule)", async function () {
      const cases: [string, bigint][] = [
        ["twice the target: +12.5%", 2n * T],
        ["above twice the target: capped at +12.5%", 5n * T],
        ["1.5x target: +6.25%", (3n * T) / 2n],
        ["on target: unchanged", T],
        ["one wei above target: +1 bps", T + 1n],
        ["half the target: -6.25%", T / 2n],
        ["a tenth of the target", T / 10n],
      ];
      for (const [name, volume] of cases) {
        const { fees, market, genesis } = await networkHelpers.loadFixture(fixture);
        await (await fees.connect(market).recordVolume(volume)).wait();
        const expected = adjust(5_000n, volume);
        await atEpoch(genesis, 1n);
        await expect(fees.connect(market).recordVolume(7n), name)
          .to.emit(fees, "EpochRolled").withArgs(0n, volume, expected)
          .and.not.to.emit(fees, "IdleEpochsApplied");
        expect(await fees.burnShareBps(), name).to.equal(expected);
        expect(await fees.state(), name).to.deep.equal([1n, expected, 7n]);
      }
      expect(adjust(5_000n, 2n * T)).to.equal(5_625n);
      expect(adjust(5_000n, T / 2n)).to.equal(4_688n);
    });

    it("stays within the bounds: repeated busy epochs stop at the maximum, idle ones at the minimum", async function () {
      const { fees, market, genesis } = await networkHelpers.loadFixture(fixture);
      let expected = 5_000n;
      for (let epoch = 0n; epoch < 12n; epoch++) {
        await atEpoch(genesis, epoch);
        await (await fees.connect(market).recordVolume(3n * T)).wait();
        expect(await fees.burnShareBps()).to.equal(expected);
        expected = adjust(expected, 3n * T);
      }
      expect(expected).to.equal(8_000n);
      await atEpoch(genesis, 12n);
      await (await fees.connect(market).recordVolume(0n)).wait();
      expect(await fees.burnShareBps()).to.equal(8_000n);
      for (let epoch = 13n; epoch < 30n; epoch++) {
        await atEpoch(genesis, epoch);
        await (await fees.connect(market).recordVolume(0n)).wait();
      }
      expect(await fees.burnShareBps()).to.equal(2_000n);
    });

    it("applies idle epochs in closed form, and the view projects before anyone rolls", async function () {
      const { fees, market, genesis } = await networkHelpers.loadFixture(fixture);
      await (await fees.connect(market).recordVolume(2n * T)).wait();
      const afterClosed = adjust(5_000n, 2n * T); // 5625
      const idle = 3n; // epochs 1, 2, 3 without volume
      await networkHelpers.time.increaseTo(genesis + 4n * LEN + 5n);
      const projected = await fees.burnShareBps();
      const exact = decay(afterClosed, idle);
      expect(projected === exact || projected === exact - 1n, `${projected} vs ${exact}`).to.equal(true);
      expect(await fees.epochVolume()).to.equal(0n); // the stored volume is of epoch 0
      expect(await fees.currentEpoch()).to.equal(4n);
      await expect(fees.connect(market).recordVolume(1n))
        .to.emit(fees, "EpochRolled").withArgs(0n, 2n * T, afterClosed)
        .and.to.emit(fees, "IdleEpochsApplied").withArgs(1n, 3n, projected)
        .and.to.emit(fees, "VolumeRecorded").withArgs(4n, 1n, 1n);
      expect(await fees.state()).to.deep.equal([4n, projected, 1n]);
    });

    it("decays over a long idle gap in O(log n) down to the minimum", async function () {
      const { fees, market, genesis } = await networkHelpers.loadFixture(fixture);
      await atEpoch(genesis, 10_000n);
      const tx = fees.connect(market).recordVolume(1n);
      await expect(tx).to.emit(fees, "IdleEpochsApplied").withArgs(1n, 9_999n, 2_000);
      expect((await (await tx).wait())!.gasUsed).to.be.below(80_000n);
    });

    it("saturates the epoch volume instead of reverting a settlement", async function () {
      const { fees, market } = await networkHelpers.loadFixture(fixture);
      const max176 = 2n ** 176n - 1n;
      await (await fees.connect(market).recordVolume(max176 - 5n)).wait();
      await expect(fees.connect(market).recordVolume(2n ** 200n))
        .to.emit(fees, "VolumeRecorded").withArgs(0n, 2n ** 200n, max176);
      expect(await fees.epochVolume()).to.equal(max176);
    });
  });

  describe("checkpoint", function () {
    it("anyone closes ended epochs; within an epoch it changes nothing", async function () {
      const { fees, market, alice, genesis } = await networkHelpers.loadFixture(fixture);
      await (await fees.connect(market).recordVolume(T / 2n)).wait();
      await expect(fees.connect(alice).checkpoint()).not.to.emit(fees, "EpochRolled");
      expect(await fees.connect(alice).checkpoint.staticCall()).to.equal(5_000n);
      await atEpoch(genesis, 1n);
      const expected = adjust(5_000n, T / 2n);
      await expect(fees.connect(alice).checkpoint()).to.emit(fees, "EpochRolled").withArgs(0n, T / 2n, expected);
      expect(await fees.state()).to.deep.equal([1n, expected, 0n]);
      expect(await fees.connect(alice).checkpoint.staticCall()).to.equal(expected);
    });
  });

  describe("setParameters", function () {
    it("is for GOVERNOR_ROLE only and validates like the constructor", async function () {
      const { fees, governor, alice } = await networkHelpers.loadFixture(fixture);
      await expect(fees.connect(alice).setParameters(T, 0, 10_000, 1_000))
        .to.be.revertedWithCustomError(fees, "AccessControlUnauthorizedAccount")
        .withArgs(alice.address, await fees.GOVERNOR_ROLE());
      await expect(fees.connect(governor).setParameters(0n, 0, 10_000, 1_000))
        .to.be.revertedWithCustomError(fees, "InvalidParameters").withArgs(0n, 0, 10_000, 1_000);
      await expect(fees.connect(governor).setParameters(T, 6_000, 5_000, 1_000))
        .to.be.revertedWithCustomError(fees, "InvalidParameters").withArgs(T, 6_000, 5_000, 1_000);
    });

    it("closes ended epochs with the old parameters first, then applies the new ones", async function () {
      const { fees, market, governor, genesis } = await networkHelpers.loadFixture(fixture);
      await (await fees.connect(market).recordVolume(2n * T)).wait();
      await atEpoch(genesis, 1n);
      await expect(fees.connect(governor).setParameters(4n * T, 0, 10_000, 5_000))
        .to.emit(fees, "EpochRolled").withArgs(0n, 2n * T, 5_625)
        .and.to.emit(fees, "ParametersUpdated").withArgs(4n * T, 0, 10_000, 5_000)
        .and.not.to.emit(fees, "BurnShareClamped");
      expect(await fees.targetVolume()).to.equal(4n * T);
      expect(await fees.burnBounds()).to.deep.equal([0n, 10_000n]);
      expect(await fees.maxChangeBps()).to.equal(5_000n);
      expect(await fees.previewAdjustment(5_625, 0n)).to.equal(adjust(5_625n, 0n, { target: 4n * T, min: 0n, max: 10_000n, change: 5_000n }));
    });

    it("clamps the current share into new bounds", async function () {
      const { fees, governor } = await networkHelpers.loadFixture(fixture);
      await expect(fees.connect(governor).setParameters(T, 6_000, 7_000, 1_250))
        .to.emit(fees, "BurnShareClamped").withArgs(6_000);
      expect(await fees.burnShareBps()).to.equal(6_000n);
      await expect(fees.connect(governor).setParameters(T, 1_000, 3_000, 1_250))
        .to.emit(fees, "BurnShareClamped").withArgs(3_000);
      expect(await fees.burnShareBps()).to.equal(3_000n);
    });

    it("a zero maximum change freezes the share; from zero, busy epochs still raise it", async function () {
      const { fees, market, governor, genesis } = await networkHelpers.loadFixture(fixture);
      await (await fees.connect(governor).setParameters(T, 0, 10_000, 0)).wait();
      await (await fees.connect(market).recordVolume(10n * T)).wait();
      await atEpoch(genesis, 5n);
      await (await fees.connect(market).recordVolume(0n)).wait();
      expect(await fees.burnShareBps()).to.equal(5_000n);
      // Drive the share to 0 with a 100% maximum change and an idle epoch…
      await (await fees.connect(governor).setParameters(T, 0, 10_000, 10_000)).wait();
      await atEpoch(genesis, 6n);
      await (await fees.connect(market).recordVolume(2n * T)).wait();
      expect(await fees.burnShareBps()).to.equal(0n);
      // …then a busy epoch lifts it by at least 1 bps.
      await atEpoch(genesis, 7n);
      await (await fees.connect(market).recordVolume(0n)).wait();
      expect(await fees.burnShareBps()).to.equal(1n);
      expect(await fees.previewAdjustment(0, 2n * T)).to.equal(1n);
    });
  });
});
