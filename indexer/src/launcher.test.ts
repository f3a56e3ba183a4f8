// The launcher of `npm run indexer` (indexer/cli.mjs): it runs the CLI from its bundle
// (indexer/dist/cli.mjs) and makes the bundle again whenever it is missing or older than a source
// it was built from, so a changed source never runs stale. (The resilience tests run the indexer
// through it against a real chain; these check the launcher's own decisions.)
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "./testing/chain.ts";

const LAUNCHER = join(ROOT, "indexer", "cli.mjs");
const BUNDLE = join(ROOT, "indexer", "dist", "cli.mjs");
const INPUTS = join(ROOT, "indexer", "dist", "cli.inputs.json");

/** Runs the launcher with a deployments file that does not exist: the CLI's own check answers. */
function runWithoutDeployments(): { status: number | null; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), "ubc-launcher-"));
  try {
    const r = spawnSync(process.execPath, [LAUNCHER], { cwd: ROOT, env: { ...process.env, DEPLOYMENTS: join(dir, "none.json") }, encoding: "utf8", timeout: 120_000 });
    return { status: r.status, stderr: r.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("the launcher runs the CLI from its bundle, made again when a source is newer", () => {
  // up to date (npm test builds it): no bundling, and the CLI's check of its input answers
  spawnSync(process.execPath, [LAUNCHER, "--bundle"], { cwd: ROOT, encoding: "utf8" });
  const fresh = runWithoutDeployments();
  assert.equal(fresh.status, 2, fresh.stderr);
  assert.match(fresh.stderr, /indexer: no deployments file at .*none\.json/);
  assert.doesNotMatch(fresh.stderr, /bundling/);

  // a bundle older than one of its sources is made again before it runs
  const inputs = JSON.parse(readFileSync(INPUTS, "utf8")) as string[];
  assert.ok(inputs.includes("indexer/src/cli.ts") && inputs.includes("indexer/src/indexing/runner.ts"), `sources listed: ${inputs.join(", ")}`);
  assert.ok(inputs.every((p) => !p.includes("node_modules")), "dependencies are not listed (package-lock.json stands for them)");
  const source = statSync(join(ROOT, "indexer/src/indexing/runner.ts")).mtime;
  const past = new Date(source.getTime() - 60_000);
  utimesSync(BUNDLE, past, past);
  const stale = runWithoutDeployments();
  assert.equal(stale.status, 2, stale.stderr);
  assert.match(stale.stderr, /bundling src\/cli\.ts into dist\/cli\.mjs \((package-lock\.json|indexer\/src\/.+) changed\)/);
  assert.match(stale.stderr, /indexer: no deployments file/);
  assert.ok(statSync(BUNDLE).mtimeMs > source.getTime(), "the bundle was written again");

  // a list of sources that does not parse, or a missing bundle: made again too
  writeFileSync(INPUTS, "{ not json");
  assert.match(runWithoutDeployments().stderr, /bundling .*\(its list of sources does not parse\)/);
  // (a part-written bundle of a launcher killed while bundling, whose process is gone: removed)
  const gone = spawnSync(process.execPath, ["-e", ""]).pid!;
  const leftover = join(ROOT, "indexer", "dist", `cli.mjs.${gone}.1`);
  writeFileSync(leftover, "// cut short");
  rmSync(BUNDLE);
  const missing = runWithoutDeployments();
  assert.match(missing.stderr, /bundling .*\(not made yet\)/);
  assert.equal(missing.status, 2);
  assert.ok(existsSync(BUNDLE));
  assert.ok(!existsSync(leftover), "the killed launcher's part-written file is removed");
});
