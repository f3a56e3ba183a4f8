// Gas scenario for agents, reputation and fees: AgentRegistry, ReputationRegistry, FeeController,
// Treasury. The ReputationRegistry reads a JobRegistryStub (a test fixture) until the WorkMarket
// exists; its own cost does not depend on which job registry answers beyond that one call.
import type { NetworkConnection } from "hardhat/types/network";
import { encodeBytes32String } from "ethers";
import type { GasRecorder } from "./lib.ts";
import { E18 } from "../../test/helpers/foundation.ts";
import { FEE_DEFAULTS, ROLE, deployEconomy, signAgentWallet } from "../../test/economy/helpers.ts";

export async function measure(conn: NetworkConnection<"generic">, rec: GasRecorder): Promise<void> {
  const { ethers, networkHelpers } = conn;
  const e = await deployEconomy(ethers);
  const { agents, reputation, fees, treasury, jobs, governor, configurator, market, alice, bob, carol, dave } = e;
  const [, , , , , , , , walletA, walletB] = await ethers.getSigners();
  const card = "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi/agent.json";

  // Bob registers first, so that the scenario is a typical later registration.
  await (await agents.connect(bob).register(card, ROLE.PROVIDER)).wait();
  await rec.record("AgentRegistry.register", agents.connect(alice).register(card, ROLE.PROVIDER | ROLE.REQUESTER));
  const deadline = BigInt(await networkHelpers.time.latest()) + 3600n;
  const sigReg = await signAgentWallet(ethers, agents, walletB, {
    agentId: 0n, owner: carol.address, wallet: walletB.address, nonce: 0n, deadline,
  });
  await rec.record(
    "AgentRegistry.registerWithWallet",
    agents.connect(carol).registerWithWallet(card, ROLE.VALIDATOR, walletB.address, deadline, sigReg),
  );
  const sig = await signAgentWallet(ethers, agents, walletA, {
    agentId: 2n, owner: alice.address, wallet: walletA.address, nonce: 0n, deadline,
  });
  await rec.record("AgentRegistry.setAgentWallet", agents.connect(alice).setAgentWallet(2n, walletA.address, deadline, sig));
  await rec.record("AgentRegistry.setAgentRoles", agents.connect(alice).setAgentRoles(2n, ROLE.PROVIDER | ROLE.VALIDATOR));
  await rec.record("AgentRegistry.setAgentCardURI", agents.connect(alice).setAgentCardURI(2n, card.replace("agent", "agent-v2")));
  await rec.record("AgentRegistry.clearAgentWallet", agents.connect(walletA).clearAgentWallet(2n));
  await rec.record("AgentRegistry.transferFrom", agents.connect(bob).transferFrom(bob.address, dave.address, 1n));

  // Reputation: jobs 1 and 2 settled between agent 2 (alice, requester) and agent 1 (dave, provider).
  await (await reputation.connect(configurator).setJobRegistry(await jobs.getAddress())).wait();
  await (await jobs.setJob(1n, 2n, 1n, true)).wait();
  await (await jobs.setJob(2n, 2n, 1n, true)).wait();
  const tag = encodeBytes32String("quality");
  await rec.record("ReputationRegistry.giveFeedback", reputation.connect(alice).giveFeedback(1n, 1n, 90, tag, "ipfs://report-1"));
  await rec.record("ReputationRegistry.giveFeedback other side", reputation.connect(dave).giveFeedback(1n, 2n, 80, tag, ""));
  await rec.record("ReputationRegistry.giveFeedback next job", reputation.connect(alice).giveFeedback(2n, 1n, 70, tag, ""));

  // Fees: a settlement in an open epoch, then the first settlement of the next epoch.
  await (await fees.connect(configurator).setMarket(market.address)).wait();
  await (await fees.connect(market).recordVolume(400n * E18)).wait();
  await rec.record("FeeController.recordVolume", fees.connect(market).recordVolume(300n * E18));
  await networkHelpers.time.increase(FEE_DEFAULTS.epochLength);
  await rec.record("FeeController.recordVolume epoch rollover", fees.connect(market).recordVolume(500n * E18));
  await networkHelpers.time.increase(30n * FEE_DEFAULTS.epochLength);
  await rec.record("FeeController.recordVolume after 29 idle epochs", fees.connect(market).recordVolume(500n * E18));
  await networkHelpers.time.increase(FEE_DEFAULTS.epochLength);
  await rec.record("FeeController.checkpoint", fees.connect(alice).checkpoint());

  // Treasury: COMPUTE fees accumulated, paid out by governance.
  const compute = await ethers.deployContract("ComputeToken", [governor.address, await treasury.getAddress(), 1_000_000n * E18]);
  await (await treasury.connect(governor).withdraw(await compute.getAddress(), bob.address, 1n * E18, "warm")).wait();
  await rec.record(
    "Treasury.withdraw",
    treasury.connect(governor).withdraw(await compute.getAddress(), alice.address, 1_000n * E18, "grant"),
  );
}
