// The Ignition module deploys the factory and the example venture with an open raise.
import { expect } from "chai";
import { network } from "hardhat";
import Ventures from "../../deploy/modules/Ventures.ts";

const { ethers, ignition } = await network.create();

describe("deploy/modules/Ventures", function () {
  it("deploys the factory and Synthetic Souls, open for investment", async function () {
    const { ventureFactory, exampleVenture } = await ignition.deploy(Ventures);
    const factory = await ethers.getContractAt("VentureFactory", await ventureFactory.getAddress());
    const venture = await ethers.getContractAt("Venture", await exampleVenture.getAddress());
    expect(await factory.isVenture(await venture.getAddress())).to.equal(true);
    expect(await venture.name()).to.equal("Synthetic Souls");
    expect(await venture.raiseState()).to.equal(1n);
    expect((await venture.revenueConfig())[0]).to.equal(10_000n);
    const [tokens] = await venture.revenueTokens();
    expect(tokens).to.have.length(2);
  });
});
