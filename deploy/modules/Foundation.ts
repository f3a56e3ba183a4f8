// Hardhat Ignition module: the foundation of UBC Compute Exchange.
// UBCTimelock (delayed governance) -> UBCToken, ComputeToken -> StakingVault, and the vault
// becomes COMPUTE's only minter. The deployer bootstraps the roles and then hands COMPUTE's
// role admin to the timelock.
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { ZeroAddress, id } from "ethers";

const DEFAULT_ADMIN_ROLE = "0x" + "00".repeat(32);
const MINTER_ROLE = id("MINTER_ROLE");

export default buildModule("Foundation", (m) => {
  const deployer = m.getAccount(0);
  const treasury = m.getParameter("treasury", deployer);
  const guardian = m.getParameter("guardian", deployer);
  const timelockDelay = m.getParameter("timelockDelay", 2 * 24 * 60 * 60);
  const computeGenesis = m.getParameter("computeGenesis", 3_000_000_000n * 10n ** 18n);

  const timelock = m.contract("UBCTimelock", [timelockDelay, [deployer], [ZeroAddress], ZeroAddress]);
  const ubc = m.contract("UBCToken", [treasury]);
  const compute = m.contract("ComputeToken", [deployer, treasury, computeGenesis]);
  const vault = m.contract("StakingVault", [ubc, compute, timelock, guardian]);

  const grantMinter = m.call(compute, "grantRole", [MINTER_ROLE, vault], { id: "GrantMinterToVault" });
  const grantAdmin = m.call(compute, "grantRole", [DEFAULT_ADMIN_ROLE, timelock], { id: "GrantComputeAdminToTimelock" });
  m.call(compute, "renounceRole", [DEFAULT_ADMIN_ROLE, deployer], {
    id: "RenounceComputeAdmin",
    after: [grantMinter, grantAdmin],
  });

  return { timelock, ubc, compute, vault };
});
