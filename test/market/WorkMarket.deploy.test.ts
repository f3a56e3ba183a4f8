// deploy/modules/Market.ts through the whole-protocol module: the market and the pool are wired to
// the tokens, the registry, the fee controller and the treasury, and governance sits on the timelock.
import { expect } from "chai";
import { network } from "hardhat";
import UBCExchange from "../../deploy/modules/UBCExchange.ts";
import { CONTRACT_NAMES } from "../../deploy/names.ts";

const { ethers, ignition } = await network.create();

describe("deploy/modules/Market.ts", function () {
  it("deploys WorkMarket and ValidatorPool beside the tokens, wired and handed to the timelock", async function () {
    const [deployer, , , , , , , , , , guardian] = await ethers.getSigners();
    const d = await ignition.deploy(UBCExchange, { parameters: { Market: { guardian: guardian.address } } });
    expect(CONTRACT_NAMES.workMarket).to.equal("WorkMarket");
    expect(CONTRACT_NAMES.validatorPool).to.equal("ValidatorPool");
    const market = await ethers.getContractAt("WorkMarket", await d.workMarket.getAddress());
    const pool = await ethers.getContractAt("ValidatorPool", await d.validatorPool.getAddress());
    const timelock = await d.timelock.getAddress();
    expect(await market.compute()).to.equal(await d.compute.getAddress());
    expect(await market.registry()).to.equal(await d.agentRegistry.getAddress());
    expect(await market.feeController()).to.equal(await d.feeController.getAddress());
    expect(await market.treasury()).to.equal(await d.treasury.getAddress());
    expect(await market.validatorPool()).to.equal(await pool.getAddress());
    expect(await pool.market()).to.equal(await market.getAddress());
    expect(await pool.ubc()).to.equal(await d.ubc.getAddress());
    expect(await market.hasRole(await market.DEFAULT_ADMIN_ROLE(), timelock)).to.equal(true);
    expect(await market.hasRole(await market.GOVERNOR_ROLE(), timelock)).to.equal(true);
    expect(await market.hasRole(await market.PAUSER_ROLE(), guardian.address)).to.equal(true);
    expect(await market.hasRole(await market.DEFAULT_ADMIN_ROLE(), deployer.address)).to.equal(false);
    expect(await market.hasRole(await market.GOVERNOR_ROLE(), deployer.address)).to.equal(false);
    expect(await pool.hasRole(await pool.GOVERNOR_ROLE(), timelock)).to.equal(true);
    const fees = await ethers.getContractAt("FeeController", await d.feeController.getAddress());
    expect(await fees.hasRole(await fees.MARKET_ROLE(), await market.getAddress())).to.equal(true);
    const reputation = await ethers.getContractAt("ReputationRegistry", await d.reputationRegistry.getAddress());
    expect(await reputation.jobRegistry()).to.equal(await market.getAddress());
  });
});
