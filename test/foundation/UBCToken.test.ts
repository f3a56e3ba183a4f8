import { expect } from "chai";
import { network } from "hardhat";
import { Signature, ZeroAddress } from "ethers";
import { deployFoundation, E18, UBC_CAP } from "../helpers/foundation.ts";

const { ethers, networkHelpers } = await network.create();

describe("UBCToken", function () {
  async function fixture() {
    return deployFoundation(ethers);
  }

  it("mints the whole capped supply once, to the distributor", async function () {
    const { ubc, treasury } = await networkHelpers.loadFixture(fixture);
    expect(await ubc.totalSupply()).to.equal(UBC_CAP);
    expect(await ubc.cap()).to.equal(UBC_CAP);
    expect(await ubc.MAX_SUPPLY()).to.equal(UBC_CAP);
    expect(await ubc.balanceOf(treasury.address)).to.equal(UBC_CAP);
    expect(await ubc.name()).to.equal("UBC");
    expect(await ubc.symbol()).to.equal("UBC");
    expect(await ubc.decimals()).to.equal(18n);
  });

  it("rejects a zero distributor", async function () {
    const factory = await ethers.getContractFactory("UBCToken");
    await expect(ethers.deployContract("UBCToken", [ZeroAddress])).to.be.revertedWithCustomError(factory, "ZeroAddress");
  });

  it("uses a timestamp clock for votes", async function () {
    const { ubc } = await networkHelpers.loadFixture(fixture);
    expect(await ubc.CLOCK_MODE()).to.equal("mode=timestamp");
    expect(await ubc.clock()).to.equal(BigInt(await networkHelpers.time.latest()));
  });

  it("tracks delegated votes across transfers and checkpoints them by time", async function () {
    const { ubc, treasury, alice, bob } = await networkHelpers.loadFixture(fixture);
    await ubc.connect(treasury).transfer(alice.address, 1_000n * E18);
    await ubc.connect(alice).delegate(bob.address);
    expect(await ubc.getVotes(bob.address)).to.equal(1_000n * E18);
    const t1 = await networkHelpers.time.latest();
    await networkHelpers.time.increase(10);
    await ubc.connect(alice).transfer(treasury.address, 400n * E18);
    expect(await ubc.getVotes(bob.address)).to.equal(600n * E18);
    expect(await ubc.getPastVotes(bob.address, t1)).to.equal(1_000n * E18);
  });

  it("accepts an EIP-2612 permit and rejects an expired one", async function () {
    const { ubc, treasury, alice, bob } = await networkHelpers.loadFixture(fixture);
    const chainId = (await ethers.provider.getNetwork()).chainId;
    const domain = { name: "UBC", version: "1", chainId, verifyingContract: await ubc.getAddress() };
    const types = { Permit: [
      { name: "owner", type: "address" }, { name: "spender", type: "address" }, { name: "value", type: "uint256" },
      { name: "nonce", type: "uint256" }, { name: "deadline", type: "uint256" },
    ] };
    const deadline = BigInt(await networkHelpers.time.latest()) + 100n;
    const value = { owner: treasury.address, spender: alice.address, value: 5n * E18, nonce: 0n, deadline };
    const sig = Signature.from(await treasury.signTypedData(domain, types, value));
    await ubc.connect(bob).permit(treasury.address, alice.address, 5n * E18, deadline, sig.v, sig.r, sig.s);
    expect(await ubc.allowance(treasury.address, alice.address)).to.equal(5n * E18);
    expect(await ubc.nonces(treasury.address)).to.equal(1n);

    const late = { ...value, nonce: 1n, deadline: BigInt(await networkHelpers.time.latest()) - 1n };
    const s2 = Signature.from(await treasury.signTypedData(domain, types, late));
    await expect(ubc.permit(treasury.address, alice.address, 5n * E18, late.deadline, s2.v, s2.r, s2.s))
      .to.be.revertedWithCustomError(ubc, "ERC2612ExpiredSignature");
  });
});
