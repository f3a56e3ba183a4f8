// Hardhat Ignition module: ventures. The VentureFactory (which deploys the Venture implementation
// in its constructor) and one example venture with an open raise: "Synthetic Souls", an AI band
// that distributes 100% of its revenue (in UBC or COMPUTE) to its shareholders.
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import Foundation from "./Foundation.ts";

const E18 = 10n ** 18n;
const DAY = 24n * 60n * 60n;

export default buildModule("Ventures", (m) => {
  const { timelock, ubc, compute } = m.useModule(Foundation);
  const deployer = m.getAccount(0);
  const guardian = m.getParameter("guardian", deployer);
  const operator = m.getParameter("exampleVentureOperator", deployer);

  const ventureFactory = m.contract("VentureFactory", [compute, timelock, guardian]);

  const create = m.call(
    ventureFactory,
    "createVenture",
    [
      {
        operator,
        operatorAgentId: 0n,
        name: "Synthetic Souls",
        symbol: "SOULS",
        metadataURI: m.getParameter("exampleVentureURI", "https://syntheticsouls.ai/venture.json"),
        pricePerShare: 10n, // 10 COMPUTE per share
        minShares: 100_000n * E18,
        maxShares: 1_000_000n * E18,
        raiseDuration: 30n * DAY,
        distributionBps: 10_000n, // 100% of revenue to shareholders
        performanceFeeBps: 0n,
        performancePeriod: 30n * DAY,
        revenueTokens: [ubc, compute],
        hurdles: [0n, 0n],
      },
    ],
    { id: "CreateSyntheticSouls" },
  );
  const address = m.readEventArgument(create, "VentureCreated", "venture", { emitter: ventureFactory });
  const exampleVenture = m.contractAt("Venture", address, { id: "SyntheticSouls" });

  return { ventureFactory, exampleVenture };
});
