// The Economy Ignition module, deployed through the whole-protocol module: roles go to the
// timelock and the guardian, and the deployer can point the registries at a market once.
import { expect } from "chai";
import { network } from "hardhat";
import UBCExchange from "../../deploy/modules/UBCExchange.ts";
import { CONTRACT_NAMES } from "../../deploy/names.ts";

const { ethers, ignition } = await network.create();

describe("deploy/modules/Economy.ts", function () {
  it("deploys the four contracts with governance on the timelock and the one-shot market hooks", async function () {
    const [deployer, , , , , , , , , , guardian, market] = await ethers.getSigners();
    const d = await ignition.deploy(UBCExchange, { parameters: { Economy: { guardian: guardian.address } } });
    for (const key of ["agentRegistry", "reputationRegistry", "feeController", "treasury"]) {
      expect(CONTRACT_NAMES[key], key).to.be.a("string");
      expect(Object.keys(d)).to.include(key);
    }
    const timelock = await d.timelock.getAddress();
    const reputation = await ethers.getContractAt("ReputationRegistry", await d.reputationRegistry.getAddress());
    const fees = await ethers.getContractAt("FeeController", await d.feeController.getAddress());
    const treasury = await ethers.getContractAt("Treasury", await d.treasury.getAddress());

    expect(await reputation.agentRegistry()).to.equal(await d.agentRegistry.getAddress());
    expect(await reputation.hasRole(await reputation.DEFAULT_ADMIN_ROLE(), timelock)).to.equal(true);
    expect(await reputation.hasRole(await reputation.PAUSER_ROLE(), guardian.address)).to.equal(true);
    expect(await reputation.hasRole(await reputation.DEFAULT_ADMIN_ROLE(), deployer.address)).to.equal(false);
    expect(await fees.hasRole(await fees.GOVERNOR_ROLE(), timelock)).to.equal(true);
    expect(await fees.hasRole(await fees.DEFAULT_ADMIN_ROLE(), timelock)).to.equal(true);
    expect(await fees.hasRole(await fees.DEFAULT_ADMIN_ROLE(), deployer.address)).to.equal(false);
    expect(await treasury.hasRole(await treasury.GOVERNOR_ROLE(), timelock)).to.equal(true);
    expect(await fees.epochLength()).to.equal(86_400n);
    expect(await fees.burnShareBps()).to.equal(5_000n);
    expect(await fees.burnBounds()).to.deep.equal([2_000n, 8_000n]);

    // What the market's module does, one call each, from the deployer (done by deploy/modules/Market.ts
    // once the whole-protocol module includes it).
    const marketAddress = "workMarket" in d ? await (d as any).workMarket.getAddress() : market.address;
    if (!("workMarket" in d)) {
      await (await reputation.connect(deployer).setJobRegistry(market.address)).wait();
      await (await fees.connect(deployer).setMarket(market.address)).wait();
    }
    expect(await reputation.jobRegistry()).to.equal(marketAddress);
    expect(await fees.hasRole(await fees.MARKET_ROLE(), marketAddress)).to.equal(true);
    expect(await fees.configurator()).to.equal(ethers.ZeroAddress);
  });
});
