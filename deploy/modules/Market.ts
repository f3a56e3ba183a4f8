// Hardhat Ignition module: the work market.
// WorkMarket (COMPUTE, AgentRegistry, FeeController, Treasury) and ValidatorPool (UBC stake).
// The deployer starts as the market's admin only to set the pool (a one-time call), then hands
// DEFAULT_ADMIN_ROLE and GOVERNOR_ROLE to the Foundation's timelock and renounces them; the pool's
// governance is the timelock from the start; PAUSER_ROLE of the market goes to `guardian`.
// As the Economy module's configurator, the deployer points the FeeController (MARKET_ROLE) and
// the ReputationRegistry (job registry) at the market, once each.
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { id } from "ethers";
import Foundation from "./Foundation.ts";
import Economy from "./Economy.ts";

const DEFAULT_ADMIN_ROLE = "0x" + "00".repeat(32);
const GOVERNOR_ROLE = id("GOVERNOR_ROLE");

export default buildModule("Market", (m) => {
  const { timelock, ubc, compute } = m.useModule(Foundation);
  const { agentRegistry, reputationRegistry, feeController, treasury } = m.useModule(Economy);
  const deployer = m.getAccount(0);
  const guardian = m.getParameter("guardian", deployer);

  const workMarket = m.contract("WorkMarket", [compute, agentRegistry, feeController, treasury, deployer, guardian]);
  const validatorPool = m.contract("ValidatorPool", [ubc, compute, workMarket, agentRegistry, treasury, timelock]);

  const setPool = m.call(workMarket, "setValidatorPool", [validatorPool], { id: "SetValidatorPool" });
  m.call(feeController, "setMarket", [workMarket], { id: "FeeControllerSetMarket" });
  m.call(reputationRegistry, "setJobRegistry", [workMarket], { id: "ReputationSetJobRegistry" });

  const grantAdmin = m.call(workMarket, "grantRole", [DEFAULT_ADMIN_ROLE, timelock], { id: "GrantMarketAdminToTimelock" });
  const grantGovernor = m.call(workMarket, "grantRole", [GOVERNOR_ROLE, timelock], { id: "GrantMarketGovernorToTimelock" });
  m.call(workMarket, "renounceRole", [GOVERNOR_ROLE, deployer], { id: "RenounceMarketGovernor", after: [grantGovernor] });
  m.call(workMarket, "renounceRole", [DEFAULT_ADMIN_ROLE, deployer], {
    id: "RenounceMarketAdmin",
    after: [setPool, grantAdmin, grantGovernor],
  });

  return { workMarket, validatorPool };
});
