// Hardhat Ignition module: agents, reputation and fees.
// AgentRegistry (no admin) -> ReputationRegistry, FeeController, Treasury. Governance roles go to
// the Foundation's timelock, PAUSER_ROLE (ReputationRegistry) to the `guardian` parameter.
//
// The WorkMarket is deployed later (by its own module). The deployer is the `configurator` of
// ReputationRegistry and FeeController: it may, once each, point them at the market —
//   m.call(reputationRegistry, "setJobRegistry", [workMarket])
//   m.call(feeController, "setMarket", [workMarket])   // grants MARKET_ROLE
// after which it holds no power over them (no handover step is needed; see docs/economy.md).
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import Foundation from "./Foundation.ts";

export default buildModule("Economy", (m) => {
  const { timelock } = m.useModule(Foundation);
  const deployer = m.getAccount(0);
  const guardian = m.getParameter("guardian", deployer);
  const epochLength = m.getParameter("feeEpochLength", 24 * 60 * 60);
  const volumeTarget = m.getParameter("feeVolumeTarget", 1_000_000n * 10n ** 18n);
  const initialBurnBps = m.getParameter("initialBurnBps", 5_000);
  const minBurnBps = m.getParameter("minBurnBps", 2_000);
  const maxBurnBps = m.getParameter("maxBurnBps", 8_000);
  const maxChangeBps = m.getParameter("maxBurnChangeBps", 1_250);

  const agentRegistry = m.contract("AgentRegistry", []);
  const reputationRegistry = m.contract("ReputationRegistry", [agentRegistry, timelock, guardian, deployer]);
  const feeController = m.contract("FeeController", [
    timelock,
    deployer,
    epochLength,
    volumeTarget,
    initialBurnBps,
    minBurnBps,
    maxBurnBps,
    maxChangeBps,
  ]);
  const treasury = m.contract("Treasury", [timelock]);

  return { agentRegistry, reputationRegistry, feeController, treasury };
});
