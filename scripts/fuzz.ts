// npm run fuzz: the deep Solidity fuzz and invariant campaign (thousands of runs), with a fresh
// random seed unless FUZZ_SEED is given. The seed is printed first, so a failure can be replayed
// with FUZZ_SEED=<seed> npm run fuzz.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const seed = process.env.FUZZ_SEED ?? "0x" + randomBytes(16).toString("hex");
const r = spawnSync(process.execPath, [join(root, "node_modules/hardhat/dist/src/cli.js"), "test", "solidity", ...process.argv.slice(2)], {
  cwd: root,
  stdio: "inherit",
  env: { ...process.env, FUZZ_PROFILE: "deep", FUZZ_SEED: seed },
});
if (r.status !== 0) console.error(`fuzz campaign failed; replay with FUZZ_SEED=${seed} npm run fuzz`);
process.exit(r.status ?? 1);
