// Maps the keys that deploy/modules/UBCExchange.ts returns to contract names, as written to
// deployments/<network>.json. Each area adds its contracts here.
export const CONTRACT_NAMES: Record<string, string> = {
  timelock: "UBCTimelock",
  ubc: "UBCToken",
  compute: "ComputeToken",
  vault: "StakingVault",
  ventureFactory: "VentureFactory",
  // The example venture ("Synthetic Souls"); every venture is also announced by VentureCreated.
  exampleVenture: "Venture",
  agentRegistry: "AgentRegistry",
  reputationRegistry: "ReputationRegistry",
  feeController: "FeeController",
  treasury: "Treasury",
  workMarket: "WorkMarket",
  validatorPool: "ValidatorPool",
};
