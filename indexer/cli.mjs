#!/usr/bin/env node
// npm run indexer: runs the indexer's CLI (src/cli.ts) from one bundle of it and its pure-JavaScript
// dependencies, dist/cli.mjs, made with esbuild. Loading the TypeScript sources and the packages
// they import file by file (resolution, package.json lookups, type stripping; ~800 modules) took
// ~0.65–0.75 s of a fresh process's main thread before the first log was fetched; the bundle loads
// in ~0.3 s (docs/benchmarks.md, seventeenth round). The bundle is build output (not committed):
// `npm run build` makes it, and this launcher makes it again first whenever it is missing or older
// than a source it was built from (its list: dist/cli.inputs.json) or than package-lock.json, so it
// never runs stale code. `node indexer/cli.mjs --bundle` only (re)makes it.
// Packages with native code or files of their own found next to their modules (PGlite's
// WebAssembly, pg, secp256k1's binding, ws's optional addons) stay outside the bundle, loaded from
// node_modules as before; so does the PGlite worker thread (its source file, found by
// src/paths.ts). `node indexer/src/cli.ts` still runs the sources directly.
import * as nodeModule from "node:module";
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..");
const dist = join(here, "dist");
const bundleFile = join(dist, "cli.mjs");
const inputsFile = join(dist, "cli.inputs.json");

/** Outside the bundle: packages with native code, WebAssembly or data files beside their modules. */
const EXTERNAL = ["@electric-sql/pglite", "@electric-sql/pglite/*", "pg", "pg-native", "pg-copy-streams", "secp256k1", "secp256k1/*", "bufferutil", "utf-8-validate"];

/** Why the bundle must be made again, or undefined if it is up to date. */
function staleReason() {
  if (!existsSync(bundleFile) || !existsSync(inputsFile)) return "not made yet";
  const built = statSync(bundleFile).mtimeMs;
  let inputs;
  try {
    inputs = JSON.parse(readFileSync(inputsFile, "utf8"));
  } catch {
    return "its list of sources does not parse";
  }
  if (!Array.isArray(inputs)) return "its list of sources is not a list";
  for (const rel of ["package-lock.json", ...inputs]) {
    const file = join(root, rel);
    if (!existsSync(file)) return `${rel} is gone`;
    if (statSync(file).mtimeMs > built) return `${rel} changed`;
  }
  return undefined;
}

/** Removes the part-written files of launchers that were killed while bundling (their process is gone). */
function removeLeftovers() {
  for (const name of readdirSync(dist)) {
    const m = /^cli\.(?:mjs|inputs\.json)\.(\d+)\.\d+$/.exec(name);
    if (m === null) continue;
    try {
      process.kill(Number(m[1]), 0); // still running: its file is still being written
    } catch {
      rmSync(join(dist, name), { force: true });
    }
  }
}

/** Makes dist/cli.mjs and its list of sources (written beside, then renamed into place). */
async function makeBundle(reason) {
  const started = performance.now();
  process.stderr.write(`indexer: bundling src/cli.ts into dist/cli.mjs (${reason})…\n`);
  const { build } = await import("esbuild");
  const result = await build({
    entryPoints: [join(here, "src", "cli.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node22",
    external: EXTERNAL,
    // CommonJS packages in an ES module bundle call require() for Node's own modules
    banner: { js: 'import { createRequire as __ubcCreateRequire } from "node:module"; const require = __ubcCreateRequire(import.meta.url);' },
    write: false,
    metafile: true,
    logLevel: "error",
  });
  mkdirSync(dist, { recursive: true });
  removeLeftovers();
  const inputs = Object.keys(result.metafile.inputs)
    .map((p) => relative(root, resolve(p)))
    .filter((p) => !p.split(/[\\/]/).includes("node_modules"));
  const tag = `${process.pid}.${Date.now()}`;
  writeFileSync(`${bundleFile}.${tag}`, result.outputFiles[0].contents);
  writeFileSync(`${inputsFile}.${tag}`, JSON.stringify(inputs, null, 1) + "\n");
  // the list first: a bundle newer than its list's files is up to date
  renameSync(`${inputsFile}.${tag}`, inputsFile);
  renameSync(`${bundleFile}.${tag}`, bundleFile);
  process.stderr.write(`indexer: bundled ${inputs.length} source files in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
}

/** Makes the bundle, or exits with the reason it could not be made (esbuild's errors are above). */
async function bundleOrExit(reason) {
  try {
    await makeBundle(reason);
  } catch (err) {
    process.stderr.write(`indexer: bundling src/cli.ts failed: ${err instanceof Error ? err.message.split("\n")[0].replace(/:$/, "") : String(err)}\n`);
    process.exit(2);
  }
}

const reason = staleReason();
if (process.argv.includes("--bundle")) {
  await bundleOrExit(reason ?? "asked for");
} else {
  if (reason !== undefined) await bundleOrExit(reason);
  // The bundle's compiled code is kept between runs by Node's compile cache (in the system's
  // temporary directory, or NODE_COMPILE_CACHE; NODE_DISABLE_COMPILE_CACHE=1 turns it off), which
  // Node checks against the file's contents: a fresh process then skips compiling most of the
  // 4.6 MB bundle (docs/benchmarks.md, twenty-eighth round).
  nodeModule.enableCompileCache?.();
  await import(pathToFileURL(bundleFile).href);
}
