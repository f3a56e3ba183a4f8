// Runs every area's gas scenario, each on a fresh in-process chain.
import type { NetworkConnection } from "hardhat/types/network";
import { createRecorder, type GasEntries, type GasRecorder } from "./lib.ts";
import * as foundation from "./foundation.ts";
import * as economy from "./economy.ts";
import * as market from "./market.ts";
import * as ventures from "./ventures.ts";

type Area = { measure(conn: NetworkConnection<"generic">, rec: GasRecorder): Promise<void> };

/** The areas measured, in order. Each new area adds its module here. */
export const AREAS: Record<string, Area> = { foundation, economy, market, ventures };

export async function measureAll(connect: () => Promise<NetworkConnection<"generic">>): Promise<GasEntries> {
  const rec = createRecorder();
  for (const [name, area] of Object.entries(AREAS)) {
    const conn = await connect();
    try {
      await area.measure(conn, rec);
    } catch (err) {
      throw new Error(`gas scenario "${name}" failed: ${(err as Error).message}`, { cause: err });
    } finally {
      await conn.close();
    }
  }
  return Object.fromEntries(Object.entries(rec.entries).sort(([a], [b]) => a.localeCompare(b)));
}
