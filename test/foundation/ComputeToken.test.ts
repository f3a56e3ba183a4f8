import { expect } from "chai";
import { network } from "hardhat";
import { ZeroAddress, id } from "ethers";
import { deployFoundation, E18, COMPUTE_CAP, COMPUTE_GENESIS, STAKING_BUDGET } from "../helpers/foundation.ts";
import { randomNonce, signAuthorization, signCancel, signPermit, type Domain } from "../helpers/signatures.ts";

const { ethers, networkHelpers } = await network.create();

const TRANSFER_VRS = "transferWithAuthorization(address,address,uint256,uint256,uint256,bytes32,uint8,bytes32,bytes32)";
const TRANSFER_BYTES = "transferWithAuthorization(address,address,uint256,uint256,uint256,bytes32,bytes)";
const RECEIVE_VRS = "receiveWithAuthorization(address,address,uint256,uint256,uint256,bytes32,uint8,bytes32,bytes32)";
const RECEIVE_BYTES = "receiveWithAuthorization(address,address,uint256,uint256,uint256,bytes32,bytes)";
const CANCEL_VRS = "cancelAuthorization(address,bytes32,uint8,bytes32,bytes32)";
const CANCEL_BYTES = "cancelAuthorization(address,bytes32,bytes)";

describe("ComputeToken", function () {
  async function fixture() {
    const f = await deployFoundation(ethers);
    await f.compute.connect(f.treasury).transfer(f.alice.address, 10_000n * E18);
    const domain: Domain = {
      name: "COMPUTE",
      version: "1",
      chainId: (await ethers.provider.getNetwork()).chainId,
      verifyingContract: await f.compute.getAddress(),
    };
    return { ...f, domain };
  }

  async function authFor(from: string, to: string, value: bigint, windowStart = 0n, windowLength = 3600n) {
    const now = BigInt(await networkHelpers.time.latest());
    return { from, to, value, validAfter: windowStart, validBefore: now + windowLength, nonce: randomNonce() };
  }

  describe("supply", function () {
    it("mints the genesis allocation and exposes cap, minted and mintable", async function () {
      const { compute, treasury } = await networkHelpers.loadFixture(fixture);
      expect(await compute.CAP()).to.equal(COMPUTE_CAP);
      expect(await compute.STAKING_RESERVE()).to.equal(STAKING_BUDGET);
      expect(await compute.totalSupply()).to.equal(COMPUTE_GENESIS);
      expect(await compute.totalMinted()).to.equal(COMPUTE_GENESIS);
      expect(await compute.mintableLeft()).to.equal(COMPUTE_CAP - COMPUTE_GENESIS);
      expect(await compute.balanceOf(treasury.address)).to.equal(COMPUTE_GENESIS - 10_000n * E18);
      expect(await compute.symbol()).to.equal("COMPUTE");
    });

    it("refuses a genesis that eats into the staking reserve, a zero admin, a zero genesis recipient", async function () {
      const [a] = await ethers.getSigners();
      const factory = await ethers.getContractFactory("ComputeToken");
      const max = COMPUTE_CAP - STAKING_BUDGET;
      await expect(ethers.deployContract("ComputeToken", [a.address, a.address, max + 1n]))
        .to.be.revertedWithCustomError(factory, "CapExceeded").withArgs(max + 1n, max);
      await expect(ethers.deployContract("ComputeToken", [ZeroAddress, a.address, 1n]))
        .to.be.revertedWithCustomError(factory, "ZeroAddress");
      await expect(ethers.deployContract("ComputeToken", [a.address, ZeroAddress, 1n]))
        .to.be.revertedWithCustomError(factory, "ZeroAddress");
      const none = await ethers.deployContract("ComputeToken", [a.address, ZeroAddress, 0n]);
      expect(await none.totalSupply()).to.equal(0n);
    });

    it("mints only through MINTER_ROLE and never beyond the cap, even after burns", async function () {
      const { compute, admin, alice, bob } = await networkHelpers.loadFixture(fixture);
      await expect(compute.connect(alice).mint(alice.address, 1n))
        .to.be.revertedWithCustomError(compute, "AccessControlUnauthorizedAccount")
        .withArgs(alice.address, id("MINTER_ROLE"));
      await compute.connect(admin).grantRole(id("MINTER_ROLE"), bob.address);
      await expect(compute.connect(bob).mint(alice.address, 5n * E18))
        .to.emit(compute, "Transfer").withArgs(ZeroAddress, alice.address, 5n * E18);
      const left = await compute.mintableLeft();
      await compute.connect(alice).burn(1_000n * E18); // burned tokens do not free room under the cap
      expect(await compute.mintableLeft()).to.equal(left);
      await expect(compute.connect(bob).mint(alice.address, left + 1n))
        .to.be.revertedWithCustomError(compute, "CapExceeded").withArgs(left + 1n, left);
      await compute.connect(bob).mint(alice.address, left);
      expect(await compute.totalMinted()).to.equal(COMPUTE_CAP);
      expect(await compute.mintableLeft()).to.equal(0n);
    });
  });

  describe("burning", function () {
    it("burn and burnFrom count in totalBurned and reduce the supply", async function () {
      const { compute, alice, bob } = await networkHelpers.loadFixture(fixture);
      const supply = await compute.totalSupply();
      await expect(compute.connect(alice).burn(100n * E18))
        .to.emit(compute, "Transfer").withArgs(alice.address, ZeroAddress, 100n * E18);
      await compute.connect(alice).approve(bob.address, 50n * E18);
      await compute.connect(bob).burnFrom(alice.address, 50n * E18);
      expect(await compute.totalBurned()).to.equal(150n * E18);
      expect(await compute.totalSupply()).to.equal(supply - 150n * E18);
      expect(await compute.allowance(alice.address, bob.address)).to.equal(0n);
    });

    it("burnFrom without allowance and burning more than the balance revert", async function () {
      const { compute, alice, bob } = await networkHelpers.loadFixture(fixture);
      await expect(compute.connect(bob).burnFrom(alice.address, 1n))
        .to.be.revertedWithCustomError(compute, "ERC20InsufficientAllowance").withArgs(bob.address, 0n, 1n);
      await expect(compute.connect(bob).burn(1n))
        .to.be.revertedWithCustomError(compute, "ERC20InsufficientBalance").withArgs(bob.address, 0n, 1n);
    });
  });

  describe("EIP-2612 permit", function () {
    it("sets an allowance from a signature", async function () {
      const { compute, domain, alice, bob } = await networkHelpers.loadFixture(fixture);
      const deadline = BigInt(await networkHelpers.time.latest()) + 60n;
      const sig = await signPermit(alice, domain, { owner: alice.address, spender: bob.address, value: 7n, nonce: 0n, deadline });
      await compute.permit(alice.address, bob.address, 7n, deadline, sig.v, sig.r, sig.s);
      expect(await compute.allowance(alice.address, bob.address)).to.equal(7n);
    });
  });

  describe("EIP-3009", function () {
    it("transferWithAuthorization (v,r,s) moves funds once, relayed by anyone", async function () {
      const { compute, domain, alice, bob, carol } = await networkHelpers.loadFixture(fixture);
      const auth = await authFor(alice.address, bob.address, 250n * E18);
      const { sig } = await signAuthorization(alice, domain, auth);
      await expect(compute.connect(carol)[TRANSFER_VRS](auth.from, auth.to, auth.value, auth.validAfter, auth.validBefore, auth.nonce, sig.v, sig.r, sig.s))
        .to.emit(compute, "AuthorizationUsed").withArgs(alice.address, auth.nonce)
        .and.to.emit(compute, "Transfer").withArgs(alice.address, bob.address, auth.value);
      expect(await compute.balanceOf(bob.address)).to.equal(250n * E18);
      expect(await compute.authorizationState(alice.address, auth.nonce)).to.equal(true);
      expect(await compute.authorizationStatus(alice.address, auth.nonce)).to.equal(1n);
      // reuse
      await expect(compute.connect(carol)[TRANSFER_VRS](auth.from, auth.to, auth.value, auth.validAfter, auth.validBefore, auth.nonce, sig.v, sig.r, sig.s))
        .to.be.revertedWithCustomError(compute, "AuthorizationAlreadyUsed").withArgs(alice.address, auth.nonce);
    });

    it("transferWithAuthorization (bytes signature) works too", async function () {
      const { compute, domain, alice, bob } = await networkHelpers.loadFixture(fixture);
      const auth = await authFor(alice.address, bob.address, 1n * E18);
      const { raw } = await signAuthorization(alice, domain, auth);
      await compute[TRANSFER_BYTES](auth.from, auth.to, auth.value, auth.validAfter, auth.validBefore, auth.nonce, raw);
      expect(await compute.balanceOf(bob.address)).to.equal(1n * E18);
    });

    it("rejects an authorisation that is not yet valid or expired", async function () {
      const { compute, domain, alice, bob } = await networkHelpers.loadFixture(fixture);
      const now = BigInt(await networkHelpers.time.latest());
      const early = await authFor(alice.address, bob.address, 1n, now + 1000n, 5000n);
      const e = await signAuthorization(alice, domain, early);
      await expect(compute[TRANSFER_VRS](early.from, early.to, early.value, early.validAfter, early.validBefore, early.nonce, e.sig.v, e.sig.r, e.sig.s))
        .to.be.revertedWithCustomError(compute, "AuthorizationNotYetValid").withArgs(early.validAfter);
      const late = await authFor(alice.address, bob.address, 1n, 0n, 10n);
      const l = await signAuthorization(alice, domain, late);
      await networkHelpers.time.increase(20);
      await expect(compute[TRANSFER_BYTES](late.from, late.to, late.value, late.validAfter, late.validBefore, late.nonce, l.raw))
        .to.be.revertedWithCustomError(compute, "AuthorizationExpired").withArgs(late.validBefore);
    });

    it("rejects a wrong signer and a tampered amount", async function () {
      const { compute, domain, alice, bob } = await networkHelpers.loadFixture(fixture);
      const auth = await authFor(alice.address, bob.address, 10n);
      const byBob = await signAuthorization(bob, domain, auth);
      await expect(compute[TRANSFER_VRS](auth.from, auth.to, auth.value, auth.validAfter, auth.validBefore, auth.nonce, byBob.sig.v, byBob.sig.r, byBob.sig.s))
        .to.be.revertedWithCustomError(compute, "InvalidAuthorizationSignature").withArgs(alice.address);
      const ok = await signAuthorization(alice, domain, auth);
      await expect(compute[TRANSFER_BYTES](auth.from, auth.to, auth.value + 1n, auth.validAfter, auth.validBefore, auth.nonce, ok.raw))
        .to.be.revertedWithCustomError(compute, "InvalidAuthorizationSignature").withArgs(alice.address);
    });

    it("does not accept a transfer authorisation as a receive authorisation (distinct typehashes)", async function () {
      const { compute, domain, alice, bob } = await networkHelpers.loadFixture(fixture);
      const auth = await authFor(alice.address, bob.address, 10n);
      const t = await signAuthorization(alice, domain, auth, "transfer");
      await expect(compute.connect(bob)[RECEIVE_BYTES](auth.from, auth.to, auth.value, auth.validAfter, auth.validBefore, auth.nonce, t.raw))
        .to.be.revertedWithCustomError(compute, "InvalidAuthorizationSignature");
    });

    it("receiveWithAuthorization is executable only by the payee", async function () {
      const { compute, domain, alice, bob, carol } = await networkHelpers.loadFixture(fixture);
      const auth = await authFor(alice.address, bob.address, 3n * E18);
      const { sig, raw } = await signAuthorization(alice, domain, auth, "receive");
      await expect(compute.connect(carol)[RECEIVE_VRS](auth.from, auth.to, auth.value, auth.validAfter, auth.validBefore, auth.nonce, sig.v, sig.r, sig.s))
        .to.be.revertedWithCustomError(compute, "CallerNotPayee").withArgs(carol.address, bob.address);
      await expect(compute.connect(carol)[RECEIVE_BYTES](auth.from, auth.to, auth.value, auth.validAfter, auth.validBefore, auth.nonce, raw))
        .to.be.revertedWithCustomError(compute, "CallerNotPayee").withArgs(carol.address, bob.address);
      await compute.connect(bob)[RECEIVE_VRS](auth.from, auth.to, auth.value, auth.validAfter, auth.validBefore, auth.nonce, sig.v, sig.r, sig.s);
      expect(await compute.balanceOf(bob.address)).to.equal(3n * E18);
      const again = await authFor(alice.address, bob.address, 1n * E18);
      const a2 = await signAuthorization(alice, domain, again, "receive");
      await compute.connect(bob)[RECEIVE_BYTES](again.from, again.to, again.value, again.validAfter, again.validBefore, again.nonce, a2.raw);
      expect(await compute.balanceOf(bob.address)).to.equal(4n * E18);
    });

    it("a cancelled authorisation cannot be used or cancelled again", async function () {
      const { compute, domain, alice, bob } = await networkHelpers.loadFixture(fixture);
      const auth = await authFor(alice.address, bob.address, 10n);
      const t = await signAuthorization(alice, domain, auth);
      const c = await signCancel(alice, domain, alice.address, auth.nonce);
      await expect(compute[CANCEL_VRS](alice.address, auth.nonce, c.sig.v, c.sig.r, c.sig.s))
        .to.emit(compute, "AuthorizationCanceled").withArgs(alice.address, auth.nonce);
      expect(await compute.authorizationStatus(alice.address, auth.nonce)).to.equal(2n);
      await expect(compute[TRANSFER_BYTES](auth.from, auth.to, auth.value, auth.validAfter, auth.validBefore, auth.nonce, t.raw))
        .to.be.revertedWithCustomError(compute, "AuthorizationAlreadyCanceled").withArgs(alice.address, auth.nonce);
      await expect(compute[CANCEL_BYTES](alice.address, auth.nonce, c.raw))
        .to.be.revertedWithCustomError(compute, "AuthorizationAlreadyCanceled");
    });

    it("cancel needs the authorizer's signature and cannot cancel a used nonce", async function () {
      const { compute, domain, alice, bob } = await networkHelpers.loadFixture(fixture);
      const nonce = randomNonce();
      const byBob = await signCancel(bob, domain, alice.address, nonce);
      await expect(compute[CANCEL_BYTES](alice.address, nonce, byBob.raw))
        .to.be.revertedWithCustomError(compute, "InvalidAuthorizationSignature").withArgs(alice.address);
      const auth = await authFor(alice.address, bob.address, 10n);
      const t = await signAuthorization(alice, domain, auth);
      await compute[TRANSFER_BYTES](auth.from, auth.to, auth.value, auth.validAfter, auth.validBefore, auth.nonce, t.raw);
      const c = await signCancel(alice, domain, alice.address, auth.nonce);
      await expect(compute[CANCEL_BYTES](alice.address, auth.nonce, c.raw))
        .to.be.revertedWithCustomError(compute, "AuthorizationAlreadyUsed");
    });

    it("accepts authorisations from an ERC-1271 contract wallet", async function () {
      const { compute, domain, treasury, alice, bob } = await networkHelpers.loadFixture(fixture);
      const wallet = await ethers.deployContract("ERC1271WalletFixture", [alice.address]);
      const walletAddr = await wallet.getAddress();
      await compute.connect(treasury).transfer(walletAddr, 100n);
      const auth = await authFor(walletAddr, bob.address, 40n);
      const { raw } = await signAuthorization(alice, domain, auth); // the wallet's owner signs
      await compute[TRANSFER_BYTES](auth.from, auth.to, auth.value, auth.validAfter, auth.validBefore, auth.nonce, raw);
      expect(await compute.balanceOf(bob.address)).to.equal(40n);
      const byBob = await signAuthorization(bob, domain, { ...auth, nonce: randomNonce() });
      await expect(compute[TRANSFER_BYTES](auth.from, auth.to, auth.value, auth.validAfter, auth.validBefore, randomNonce(), byBob.raw))
        .to.be.revertedWithCustomError(compute, "InvalidAuthorizationSignature").withArgs(walletAddr);
    });

    it("fails the transfer (and keeps the nonce free) when the balance is short", async function () {
      const { compute, domain, bob, carol } = await networkHelpers.loadFixture(fixture);
      const auth = await authFor(bob.address, carol.address, 1n);
      const { raw } = await signAuthorization(bob, domain, auth);
      await expect(compute[TRANSFER_BYTES](auth.from, auth.to, auth.value, auth.validAfter, auth.validBefore, auth.nonce, raw))
        .to.be.revertedWithCustomError(compute, "ERC20InsufficientBalance");
      expect(await compute.authorizationState(bob.address, auth.nonce)).to.equal(false);
    });
  });
});
