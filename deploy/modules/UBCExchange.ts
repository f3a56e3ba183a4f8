// The whole protocol: every area's Ignition module, composed. Each area adds its module here.
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import Foundation from "./Foundation.ts";
import Ventures from "./Ventures.ts";
import Economy from "./Economy.ts";

export default buildModule("UBCExchange", (m) => {
  const foundation = m.useModule(Foundation);
  const ventures = m.useModule(Ventures);
  const economy = m.useModule(Economy);
  return { ...foundation, ...ventures, ...economy };
});
