// Gas scenario for ventures: create (clone), invest, deposit revenue, claim two revenue tokens.
import type { NetworkConnection } from "hardhat/types/network";
import type { GasRecorder } from "./lib.ts";
import { deployVentures, ventureParams, E18, DAY } from "../../test/ventures/helpers.ts";

export async function measure(conn: NetworkConnection<"generic">, rec: GasRecorder): Promise<void> {
  const { ethers, networkHelpers } = conn;
  const v = await deployVentures(ethers);
  const { factory, compute, ubc, treasury, alice, bob, operator } = v;
  const computeAddr = await compute.getAddress();
  const ubcAddr = await ubc.getAddress();
  const params = ventureParams(operator.address, [computeAddr, ubcAddr]);

  // A first venture so that the measured creation is a typical later one.
  await (await factory.createVenture(params)).wait();
  await rec.record("VentureFactory.createVenture", factory.createVenture(params));
  const events = await factory.queryFilter(factory.filters.VentureCreated());
  const venture = await ethers.getContractAt("Venture", events[events.length - 1].args.venture);
  const ventureAddr = await venture.getAddress();

  for (const s of [alice, bob]) {
    await (await compute.connect(treasury).transfer(s.address, 1_000_000n * E18)).wait();
    await (await ubc.connect(treasury).transfer(s.address, 1_000n * E18)).wait();
    await (await compute.connect(s).approve(ventureAddr, 1_000_000n * E18)).wait();
  }
  // Bob invests first: the measured investment is a typical later one.
  await (await venture.connect(bob).invest(10_000n * E18)).wait();
  await rec.record("Venture.invest", venture.connect(alice).invest(20_000n * E18));
  await networkHelpers.time.increase(31n * DAY);
  await rec.record("Venture.finalize success", venture.finalize());

  // The operator (the venture's agent) deposits monthly revenue in COMPUTE and UBC.
  await (await compute.connect(treasury).transfer(operator.address, 1_000_000n * E18)).wait();
  await (await ubc.connect(treasury).transfer(operator.address, 1_000_000n * E18)).wait();
  await (await compute.connect(operator).approve(ventureAddr, 1_000_000n * E18)).wait();
  await (await ubc.connect(operator).approve(ventureAddr, 1_000_000n * E18)).wait();
  await (await venture.connect(operator).depositRevenue(computeAddr, 1_000n * E18)).wait();
  await (await venture.connect(operator).depositRevenue(ubcAddr, 500n * E18)).wait();
  await rec.record("Venture.claim two revenue tokens first claim", venture.connect(alice).claim());
  await networkHelpers.time.increase(30n * DAY);
  await rec.record("Venture.depositRevenue", venture.connect(operator).depositRevenue(computeAddr, 1_000n * E18));
  await (await venture.connect(operator).depositRevenue(ubcAddr, 500n * E18)).wait();
  await rec.record("Venture.claim two revenue tokens", venture.connect(alice).claim());
  await rec.record("Venture.transfer", venture.connect(alice).transfer(bob.address, 1_000n * E18));
}
