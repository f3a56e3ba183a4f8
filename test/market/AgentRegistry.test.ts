import { expect } from "chai";
import { network } from "hardhat";
import { Interface, ZeroAddress, toBeHex } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { AgentRegistry } from "../../types/ethers-contracts/index.ts";
import { ROLE, agentWalletDigest, signAgentWallet } from "../economy/helpers.ts";

const { ethers, networkHelpers } = await network.create();

describe("AgentRegistry", function () {
  async function fixture() {
    const [alice, bob, carol, walletA, walletB, stranger] = await ethers.getSigners();
    const agents = await ethers.deployContract("AgentRegistry");
    return { agents, alice, bob, carol, walletA, walletB, stranger };
  }

  async function deadlineIn(seconds = 3600n) {
    return BigInt(await networkHelpers.time.latest()) + seconds;
  }

  /** Registers an agent for `owner` (wallet = owner) and returns its id. */
  async function registerAs(agents: AgentRegistry, owner: HardhatEthersSigner, roles = ROLE.PROVIDER | ROLE.REQUESTER, uri = "ipfs://card") {
    const id = await agents.connect(owner).register.staticCall(uri, roles);
    await (await agents.connect(owner).register(uri, roles)).wait();
    return id;
  }

  /** `wallet` signs its consent to be bound to `agentId` of `owner`. */
  async function consent(
    agents: AgentRegistry,
    agentId: bigint,
    owner: string,
    wallet: HardhatEthersSigner,
    deadline: bigint,
    signer: HardhatEthersSigner = wallet,
  ) {
    const nonce = await agents.walletNonce(wallet.address);
    return signAgentWallet(ethers, agents, signer, { agentId, owner, wallet: wallet.address, nonce, deadline });
  }

  describe("metadata", function () {
    it("is the ERC-721 'UBC Agent' collection and declares its interfaces", async function () {
      const { agents } = await networkHelpers.loadFixture(fixture);
      expect(await agents.name()).to.equal("UBC Agent");
      expect(await agents.symbol()).to.equal("AGENT");
      const artifact = await ethers.getContractAt("IAgentRegistry", await agents.getAddress());
      let id = 0n;
      artifact.interface.forEachFunction((f) => (id ^= BigInt(f.selector)));
      expect(await agents.supportsInterface(toBeHex(id, 4))).to.equal(true);
      expect(await agents.supportsInterface("0x80ac58cd")).to.equal(true); // ERC-721
      expect(await agents.supportsInterface("0x5b5e139f")).to.equal(true); // metadata
      expect(await agents.supportsInterface("0x49064906")).to.equal(true); // ERC-4906
      expect(await agents.supportsInterface("0x01ffc9a7")).to.equal(true); // ERC-165
      expect(await agents.supportsInterface("0xffffffff")).to.equal(false);
      expect(await agents.AGENT_WALLET_TYPEHASH()).to.equal(
        ethers.id("AgentWallet(uint256 agentId,address owner,address wallet,uint256 nonce,uint256 deadline)"),
      );
    });
  });

  describe("register", function () {
    it("mints agent 1 to the caller with the caller as agent wallet", async function () {
      const { agents, alice } = await networkHelpers.loadFixture(fixture);
      await expect(agents.connect(alice).register("ipfs://alice", ROLE.PROVIDER | ROLE.VALIDATOR))
        .to.emit(agents, "AgentRegistered")
        .withArgs(1n, alice.address, alice.address, 5, "ipfs://alice")
        .and.to.emit(agents, "Transfer")
        .withArgs(ZeroAddress, alice.address, 1n);
      expect(await agents.ownerOf(1n)).to.equal(alice.address);
      expect(await agents.agentWallet(1n)).to.equal(alice.address);
      expect(await agents.agentOfWallet(alice.address)).to.equal(1n);
      expect(await agents.agentRoles(1n)).to.equal(5n);
      expect(await agents.agentCardURI(1n)).to.equal("ipfs://alice");
      expect(await agents.tokenURI(1n)).to.equal("ipfs://alice");
      expect(await agents.agentCount()).to.equal(1n);
      expect(await agents.exists(1n)).to.equal(true);
      expect(await agents.exists(2n)).to.equal(false);
      expect(await agents.isAuthorized(1n, alice.address)).to.equal(true);
      expect(await agents.hasRoles(1n, ROLE.PROVIDER)).to.equal(true);
      expect(await agents.hasRoles(1n, ROLE.PROVIDER | ROLE.VALIDATOR)).to.equal(true);
      expect(await agents.hasRoles(1n, ROLE.REQUESTER)).to.equal(false);
      expect(await agents.agentRecord(1n)).to.deep.equal([alice.address, alice.address, 5n]);
      expect(await agents.agentRecord(2n)).to.deep.equal([ZeroAddress, ZeroAddress, 0n], "an unknown agent: all zero, no revert");
    });

    it("accepts an empty card URI and no roles", async function () {
      const { agents, alice } = await networkHelpers.loadFixture(fixture);
      await expect(agents.connect(alice).register("", 0)).to.emit(agents, "AgentRegistered").withArgs(1n, alice.address, alice.address, 0, "");
      expect(await agents.agentCardURI(1n)).to.equal("");
      expect(await agents.hasRoles(1n, 0)).to.equal(true);
    });

    it("binds no wallet when the caller is already another agent's wallet (the owner then acts as wallet)", async function () {
      const { agents, alice } = await networkHelpers.loadFixture(fixture);
      await registerAs(agents, alice);
      await expect(agents.connect(alice).register("ipfs://second", ROLE.VALIDATOR))
        .to.emit(agents, "AgentRegistered")
        .withArgs(2n, alice.address, ZeroAddress, ROLE.VALIDATOR, "ipfs://second");
      expect(await agents.agentWallet(2n)).to.equal(alice.address);
      expect(await agents.agentOfWallet(alice.address)).to.equal(1n);
      expect(await agents.isAuthorized(2n, alice.address)).to.equal(true);
      // The zero address is never authorised, although agent 2 has no bound wallet.
      expect(await agents.isAuthorized(2n, ZeroAddress)).to.equal(false);
      expect(await agents.agentRecord(2n)).to.deep.equal([alice.address, alice.address, BigInt(ROLE.VALIDATOR)], "no bound wallet: the owner's");
    });

    it("refuses undefined role bits", async function () {
      const { agents, alice } = await networkHelpers.loadFixture(fixture);
      await expect(agents.connect(alice).register("x", 8)).to.be.revertedWithCustomError(agents, "InvalidRoles").withArgs(8);
      await expect(agents.connect(alice).register("x", 0xff)).to.be.revertedWithCustomError(agents, "InvalidRoles").withArgs(0xff);
    });
  });

  describe("registerWithWallet", function () {
    it("binds a wallet that signed its consent, and consumes its nonce", async function () {
      const { agents, alice, walletA } = await networkHelpers.loadFixture(fixture);
      const deadline = await deadlineIn();
      const sig = await consent(agents, 0n, alice.address, walletA, deadline);
      await expect(agents.connect(alice).registerWithWallet("ipfs://a", ROLE.PROVIDER, walletA.address, deadline, sig))
        .to.emit(agents, "AgentRegistered")
        .withArgs(1n, alice.address, walletA.address, ROLE.PROVIDER, "ipfs://a");
      expect(await agents.ownerOf(1n)).to.equal(alice.address);
      expect(await agents.agentWallet(1n)).to.equal(walletA.address);
      expect(await agents.agentOfWallet(walletA.address)).to.equal(1n);
      expect(await agents.agentOfWallet(alice.address)).to.equal(0n);
      expect(await agents.walletNonce(walletA.address)).to.equal(1n);
      expect(await agents.isAuthorized(1n, walletA.address)).to.equal(true);
      expect(await agents.isAuthorized(1n, alice.address)).to.equal(true);
      expect(await agents.agentRecord(1n)).to.deep.equal([alice.address, walletA.address, BigInt(ROLE.PROVIDER)]);
    });

    it("refuses a zero wallet, an expired deadline, a wallet already bound", async function () {
      const { agents, alice, bob, walletA } = await networkHelpers.loadFixture(fixture);
      const deadline = await deadlineIn();
      await expect(agents.connect(alice).registerWithWallet("a", 1, ZeroAddress, deadline, "0x"))
        .to.be.revertedWithCustomError(agents, "ZeroAddress");
      const past = BigInt(await networkHelpers.time.latest()) - 1n;
      const old = await consent(agents, 0n, alice.address, walletA, past);
      await expect(agents.connect(alice).registerWithWallet("a", 1, walletA.address, past, old))
        .to.be.revertedWithCustomError(agents, "SignatureExpired").withArgs(past);
      await registerAs(agents, bob);
      const sig = await consent(agents, 0n, alice.address, bob, deadline);
      await expect(agents.connect(alice).registerWithWallet("a", 1, bob.address, deadline, sig))
        .to.be.revertedWithCustomError(agents, "WalletAlreadyBound").withArgs(bob.address, 1n);
    });

    it("refuses a signature by another key, for another owner, malformed, or with undefined roles", async function () {
      const { agents, alice, bob, walletA, walletB } = await networkHelpers.loadFixture(fixture);
      const deadline = await deadlineIn();
      const byOther = await consent(agents, 0n, alice.address, walletA, deadline, walletB);
      await expect(agents.connect(alice).registerWithWallet("a", 1, walletA.address, deadline, byOther))
        .to.be.revertedWithCustomError(agents, "InvalidWalletSignature").withArgs(walletA.address);
      const forAlice = await consent(agents, 0n, alice.address, walletA, deadline);
      await expect(agents.connect(bob).registerWithWallet("a", 1, walletA.address, deadline, forAlice))
        .to.be.revertedWithCustomError(agents, "InvalidWalletSignature").withArgs(walletA.address);
      await expect(agents.connect(alice).registerWithWallet("a", 1, walletA.address, deadline, "0x1234"))
        .to.be.revertedWithCustomError(agents, "InvalidWalletSignature").withArgs(walletA.address);
      await expect(agents.connect(alice).registerWithWallet("a", 16, walletA.address, deadline, forAlice))
        .to.be.revertedWithCustomError(agents, "InvalidRoles").withArgs(16);
    });

    it("supports ERC-1271 contract wallets", async function () {
      const { agents, alice, walletA, walletB } = await networkHelpers.loadFixture(fixture);
      const cw = await ethers.deployContract("ContractWalletFixture", [walletA.address]);
      const cwAddr = await cw.getAddress();
      const deadline = await deadlineIn();
      const msg = { agentId: 0n, owner: alice.address, wallet: cwAddr, nonce: 0n, deadline };
      const bad = await signAgentWallet(ethers, agents, walletB, msg);
      await expect(agents.connect(alice).registerWithWallet("c", 1, cwAddr, deadline, bad))
        .to.be.revertedWithCustomError(agents, "InvalidWalletSignature").withArgs(cwAddr);
      const good = await signAgentWallet(ethers, agents, walletA, msg);
      await expect(agents.connect(alice).registerWithWallet("c", 1, cwAddr, deadline, good))
        .to.emit(agents, "AgentRegistered").withArgs(1n, alice.address, cwAddr, 1, "c");
      expect(await agents.agentWallet(1n)).to.equal(cwAddr);
      expect(await agents.walletNonce(cwAddr)).to.equal(1n);
    });
  });

  describe("owner updates", function () {
    it("setAgentCardURI: owner only, emits the card and ERC-4906 events", async function () {
      const { agents, alice, bob } = await networkHelpers.loadFixture(fixture);
      await registerAs(agents, alice);
      await expect(agents.connect(alice).setAgentCardURI(1n, "ipfs://v2"))
        .to.emit(agents, "AgentCardUpdated").withArgs(1n, "ipfs://v2")
        .and.to.emit(agents, "MetadataUpdate").withArgs(1n);
      expect(await agents.tokenURI(1n)).to.equal("ipfs://v2");
      await expect(agents.connect(bob).setAgentCardURI(1n, "x"))
        .to.be.revertedWithCustomError(agents, "NotAgentOwner").withArgs(1n, bob.address);
      await expect(agents.connect(alice).setAgentCardURI(9n, "x"))
        .to.be.revertedWithCustomError(agents, "UnknownAgent").withArgs(9n);
    });

    it("setAgentRoles: owner only (not the agent wallet), defined bits only", async function () {
      const { agents, alice, walletA } = await networkHelpers.loadFixture(fixture);
      const deadline = await deadlineIn();
      const sig = await consent(agents, 0n, alice.address, walletA, deadline);
      await (await agents.connect(alice).registerWithWallet("a", ROLE.PROVIDER, walletA.address, deadline, sig)).wait();
      await expect(agents.connect(alice).setAgentRoles(1n, ROLE.VALIDATOR | ROLE.REQUESTER))
        .to.emit(agents, "AgentRolesUpdated").withArgs(1n, 6);
      expect(await agents.agentRoles(1n)).to.equal(6n);
      await expect(agents.connect(walletA).setAgentRoles(1n, 1))
        .to.be.revertedWithCustomError(agents, "NotAgentOwner").withArgs(1n, walletA.address);
      await expect(agents.connect(alice).setAgentRoles(1n, 9))
        .to.be.revertedWithCustomError(agents, "InvalidRoles").withArgs(9);
      await expect(agents.connect(alice).setAgentRoles(2n, 1))
        .to.be.revertedWithCustomError(agents, "UnknownAgent").withArgs(2n);
    });
  });

  describe("setAgentWallet", function () {
    it("binds the new wallet with its signature, unbinds the old one, and cannot be replayed", async function () {
      const { agents, alice, walletA, walletB } = await networkHelpers.loadFixture(fixture);
      await registerAs(agents, alice);
      const deadline = await deadlineIn();
      const sigA = await consent(agents, 1n, alice.address, walletA, deadline);
      await expect(agents.connect(alice).setAgentWallet(1n, walletA.address, deadline, sigA))
        .to.emit(agents, "AgentWalletChanged").withArgs(1n, alice.address, walletA.address);
      expect(await agents.agentWallet(1n)).to.equal(walletA.address);
      expect(await agents.agentOfWallet(walletA.address)).to.equal(1n);
      expect(await agents.agentOfWallet(alice.address)).to.equal(0n);

      const sigB = await consent(agents, 1n, alice.address, walletB, deadline);
      await expect(agents.connect(alice).setAgentWallet(1n, walletB.address, deadline, sigB))
        .to.emit(agents, "AgentWalletChanged").withArgs(1n, walletA.address, walletB.address);
      expect(await agents.agentOfWallet(walletA.address)).to.equal(0n);
      expect(await agents.isAuthorized(1n, walletA.address)).to.equal(false);

      // walletA's first signature was consumed (nonce 0 -> 1): replaying it fails.
      await expect(agents.connect(alice).setAgentWallet(1n, walletA.address, deadline, sigA))
        .to.be.revertedWithCustomError(agents, "InvalidWalletSignature").withArgs(walletA.address);
    });

    it("is for the owner only, with an unexpired signature for this agent, of a wallet bound nowhere", async function () {
      const { agents, alice, bob, walletA } = await networkHelpers.loadFixture(fixture);
      await registerAs(agents, alice);
      await registerAs(agents, bob);
      const deadline = await deadlineIn();
      const sig = await consent(agents, 1n, alice.address, walletA, deadline);
      await expect(agents.connect(bob).setAgentWallet(1n, walletA.address, deadline, sig))
        .to.be.revertedWithCustomError(agents, "NotAgentOwner").withArgs(1n, bob.address);
      await expect(agents.connect(alice).setAgentWallet(3n, walletA.address, deadline, sig))
        .to.be.revertedWithCustomError(agents, "UnknownAgent").withArgs(3n);
      await expect(agents.connect(alice).setAgentWallet(1n, ZeroAddress, deadline, sig))
        .to.be.revertedWithCustomError(agents, "ZeroAddress");
      // A signature for agent 1 does not serve agent 2, even for the same owner.
      await (await agents.connect(bob).transferFrom(bob.address, alice.address, 2n)).wait();
      await expect(agents.connect(alice).setAgentWallet(2n, walletA.address, deadline, sig))
        .to.be.revertedWithCustomError(agents, "InvalidWalletSignature").withArgs(walletA.address);
      // The owner's own key is already bound to agent 1 (to itself included).
      const self = await consent(agents, 1n, alice.address, alice, deadline);
      await expect(agents.connect(alice).setAgentWallet(1n, alice.address, deadline, self))
        .to.be.revertedWithCustomError(agents, "WalletAlreadyBound").withArgs(alice.address, 1n);
      await networkHelpers.time.increaseTo(deadline + 1n);
      await expect(agents.connect(alice).setAgentWallet(1n, walletA.address, deadline, sig))
        .to.be.revertedWithCustomError(agents, "SignatureExpired").withArgs(deadline);
    });

    it("digest matches an independent EIP-712 computation", async function () {
      const { agents, alice, walletA } = await networkHelpers.loadFixture(fixture);
      const msg = { agentId: 7n, owner: alice.address, wallet: walletA.address, nonce: 0n, deadline: 123n };
      expect(await agents.agentWalletDigest(7n, alice.address, walletA.address, 123n)).to.equal(
        await agentWalletDigest(ethers, agents, msg),
      );
    });
  });

  describe("clearAgentWallet", function () {
    it("the owner or the bound wallet unbinds it; the owner then acts as wallet", async function () {
      const { agents, alice, walletA, stranger } = await networkHelpers.loadFixture(fixture);
      await registerAs(agents, alice);
      await expect(agents.connect(stranger).clearAgentWallet(1n))
        .to.be.revertedWithCustomError(agents, "NotAgentOwnerOrWallet").withArgs(1n, stranger.address);
      await expect(agents.connect(alice).clearAgentWallet(1n))
        .to.emit(agents, "AgentWalletChanged").withArgs(1n, alice.address, ZeroAddress);
      expect(await agents.agentWallet(1n)).to.equal(alice.address);
      expect(await agents.agentOfWallet(alice.address)).to.equal(0n);
      await expect(agents.connect(alice).clearAgentWallet(1n))
        .to.be.revertedWithCustomError(agents, "NoWalletBound").withArgs(1n);

      const deadline = await deadlineIn();
      const sig = await consent(agents, 1n, alice.address, walletA, deadline);
      await (await agents.connect(alice).setAgentWallet(1n, walletA.address, deadline, sig)).wait();
      await expect(agents.connect(walletA).clearAgentWallet(1n))
        .to.emit(agents, "AgentWalletChanged").withArgs(1n, walletA.address, ZeroAddress);
      expect(await agents.isAuthorized(1n, walletA.address)).to.equal(false);
      await expect(agents.connect(walletA).clearAgentWallet(1n))
        .to.be.revertedWithCustomError(agents, "NotAgentOwnerOrWallet").withArgs(1n, walletA.address);
      await expect(agents.connect(alice).clearAgentWallet(5n))
        .to.be.revertedWithCustomError(agents, "UnknownAgent").withArgs(5n);
    });
  });

  describe("transfer", function () {
    it("resets the agent wallet to the new owner and unbinds the old wallet", async function () {
      const { agents, alice, bob, walletA } = await networkHelpers.loadFixture(fixture);
      const deadline = await deadlineIn();
      const sig = await consent(agents, 0n, alice.address, walletA, deadline);
      await (await agents.connect(alice).registerWithWallet("a", 1, walletA.address, deadline, sig)).wait();
      await expect(agents.connect(alice).transferFrom(alice.address, bob.address, 1n))
        .to.emit(agents, "AgentWalletChanged").withArgs(1n, walletA.address, bob.address);
      expect(await agents.ownerOf(1n)).to.equal(bob.address);
      expect(await agents.agentWallet(1n)).to.equal(bob.address);
      expect(await agents.agentOfWallet(bob.address)).to.equal(1n);
      expect(await agents.agentOfWallet(walletA.address)).to.equal(0n);
      expect(await agents.isAuthorized(1n, walletA.address)).to.equal(false);
      expect(await agents.isAuthorized(1n, alice.address)).to.equal(false);
      expect(await agents.isAuthorized(1n, bob.address)).to.equal(true);
    });

    it("binds no wallet when the new owner already is another agent's wallet", async function () {
      const { agents, alice, bob } = await networkHelpers.loadFixture(fixture);
      await registerAs(agents, alice);
      await registerAs(agents, bob);
      await expect(agents.connect(alice).transferFrom(alice.address, bob.address, 1n))
        .to.emit(agents, "AgentWalletChanged").withArgs(1n, alice.address, ZeroAddress);
      expect(await agents.agentWallet(1n)).to.equal(bob.address); // the owner, by default
      expect(await agents.agentOfWallet(bob.address)).to.equal(2n);
      expect(await agents.agentOfWallet(alice.address)).to.equal(0n);
      // Agent 1 (no wallet) goes back to alice, who is bound nowhere now: she becomes its wallet.
      await expect(agents.connect(bob)["safeTransferFrom(address,address,uint256)"](bob.address, alice.address, 1n))
        .to.emit(agents, "AgentWalletChanged").withArgs(1n, ZeroAddress, alice.address);
    });

    it("keeps the wallet when the agent goes to its own wallet, and on a transfer to oneself", async function () {
      const { agents, alice, walletA } = await networkHelpers.loadFixture(fixture);
      const deadline = await deadlineIn();
      const sig = await consent(agents, 0n, alice.address, walletA, deadline);
      await (await agents.connect(alice).registerWithWallet("a", 1, walletA.address, deadline, sig)).wait();
      await expect(agents.connect(alice).transferFrom(alice.address, walletA.address, 1n)).not.to.emit(agents, "AgentWalletChanged");
      expect(await agents.agentWallet(1n)).to.equal(walletA.address);
      await expect(agents.connect(walletA).transferFrom(walletA.address, walletA.address, 1n)).not.to.emit(agents, "AgentWalletChanged");
      expect(await agents.agentOfWallet(walletA.address)).to.equal(1n);
    });
  });

  describe("views of unknown agents", function () {
    it("revert with UnknownAgent, or answer false", async function () {
      const { agents, alice } = await networkHelpers.loadFixture(fixture);
      for (const fn of ["agentWallet", "agentRoles", "agentCardURI", "tokenURI"] as const) {
        await expect(agents[fn](1n)).to.be.revertedWithCustomError(agents, "UnknownAgent").withArgs(1n);
      }
      expect(await agents.isAuthorized(1n, alice.address)).to.equal(false);
      expect(await agents.hasRoles(1n, 0)).to.equal(false);
      expect(await agents.exists(0n)).to.equal(false);
      expect(await agents.agentOfWallet(alice.address)).to.equal(0n);
      expect(await agents.walletNonce(alice.address)).to.equal(0n);
      // The IAgentRegistry ABI the market uses decodes the same errors.
      expect(new Interface(["error UnknownAgent(uint256)"]).getError("UnknownAgent")!.selector).to.equal(
        agents.interface.getError("UnknownAgent")!.selector,
      );
    });
  });
});
