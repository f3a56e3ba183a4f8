// The whole protocol: every area's Ignition module, composed. Each area adds its module here.
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import Foundation from "./Foundation.ts";
import Economy from "./Economy.ts";
import Market from "./Market.ts";
import Ventures from "./Ventures.ts";

export default buildModule("UBCExchange", (m) => {
  const foundation = m.useModule(Foundation);
  const economy = m.useModule(Economy);
  const market = m.useModule(Market);
  const ventures = m.useModule(Ventures);
  return { ...foundation, ...economy, ...market, ...ventures };
});
