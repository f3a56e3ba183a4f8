// npm run gas: measures every scenario and writes gas-snapshot.json (committed).
import { writeFileSync } from "node:fs";
import { network } from "hardhat";
import { measureAll } from "./gas/index.ts";

const entries = await measureAll(() => network.create());
writeFileSync(new URL("../gas-snapshot.json", import.meta.url), JSON.stringify(entries, null, 2) + "\n");
for (const [k, v] of Object.entries(entries)) console.log(`${k.padEnd(48)} ${v}`);
console.log(`wrote gas-snapshot.json (${Object.keys(entries).length} entries)`);
