// npm run stress:pglite -- [--kills N] [--window MS] [--seed S] [--raw]
//
// Kills a process that holds a PGlite folder (opening it, recovering it, writing to it) with
// SIGKILL at random moments, N times, and after each kill opens the folder in a new process and
// checks it: it must open, and hold whole transactions only. Each folder takes three kills, then
// a new one starts from the template. This is how a start killed while PostgreSQL wrote its lock
// file was found (an empty postmaster.pid, which pglite-lock.ts now removes): rare, one in ~1,400
// random kills on this machine (the window is the moment between creating the file and writing
// it), and the indexer's own SIGKILL test (resilience.test.ts) hit it once in ~35 CI runs. `--raw` opens with PGlite alone, without the indexer's openPglite, to see what
// PGlite itself does. Exits 1 on the first folder that fails, keeping it and naming the seed.
import { spawn, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { rng } from "../../indexer/src/testing/activity.ts";

let parsed;
try {
  parsed = parseArgs({ options: { kills: { type: "string", default: "150" }, window: { type: "string", default: "2500" }, seed: { type: "string" }, raw: { type: "boolean", default: false } } });
} catch (err) {
  console.error(`stress:pglite: ${(err as Error).message}`);
  process.exit(2);
}
const { values } = parsed;
const kills = Number(values.kills);
const window = Number(values.window);
const seed = Number(values.seed ?? Date.now() % 1_000_000);
function usage(problem: string): never {
  console.error(`stress:pglite: ${problem}\nusage: npm run stress:pglite -- [--kills N] [--window MS] [--seed S] [--raw]`);
  process.exit(2);
}
if (!Number.isInteger(kills) || kills < 1) usage(`--kills must be a positive integer, got ${values.kills}`);
if (!Number.isInteger(window) || window < 1) usage(`--window must be a positive number of ms, got ${values.window}`);
if (!Number.isInteger(seed)) usage(`--seed must be an integer, got ${values.seed}`);
const child = fileURLToPath(new URL("./pglite-kill-child.ts", import.meta.url));
const mode = values.raw ? "raw" : "indexer";

const random = rng(seed).next; // a seed replays the same kill moments

const work = mkdtempSync(join(tmpdir(), "ubc-pglite-kill-"));
console.log(`${kills} kills within ${window} ms of a start, ${mode === "raw" ? "PGlite alone" : "as the indexer opens PGlite"} (seed ${seed}; --seed ${seed} to replay)`);
const check = (dir: string) => spawnSync(process.execPath, [child, dir, "check", mode], { encoding: "utf8" });
// the folder every round starts from: made once (a database that was opened, written and closed)
const origin = join(work, "origin");
const made = check(origin);
if (made.status !== 0) throw new Error(`cannot make a PGlite folder: ${made.stdout}${made.stderr}`);
const t0 = Date.now();
let dir = "";
for (let k = 0; k < kills; k++) {
  if (k % 3 === 0) {
    if (dir !== "") rmSync(dir, { recursive: true, force: true }); // (its lock was released or is a dead process's)
    dir = join(work, `db-${k}`);
    cpSync(origin, dir, { recursive: true });
  }
  const wait = Math.floor(random() * window);
  const p = spawn(process.execPath, [child, dir, "write", mode], { stdio: "ignore" });
  await new Promise((resolve) => setTimeout(resolve, wait));
  p.kill("SIGKILL");
  await new Promise((resolve) => p.once("exit", resolve));
  const r = check(dir);
  if (r.status !== 0) {
    console.log(`kill ${k + 1}: killed ${wait} ms after its start; then: ${r.stdout.trim()}`);
    console.log(`FAILED (seed ${seed}); the folder is kept at ${dir}`);
    process.exit(1);
  }
  if ((k + 1) % 10 === 0 || k + 1 === kills) console.log(`${k + 1}/${kills} kills, every folder opened whole (${((Date.now() - t0) / 1000).toFixed(0)} s; last: ${r.stdout.trim()})`);
}
rmSync(work, { recursive: true, force: true });
console.log(`passed: ${kills} kills`);
