import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
// @ts-expect-error: a plain .mjs build script (next.config.ts's adapter), no type declarations
import { HINT, addCompileHints, startupScripts } from "../scripts/compile-hints.mjs";

/** A dist folder shaped like `next build`'s output: manifests plus chunks. */
function fakeBuild(): string {
  const dir = mkdtempSync(join(tmpdir(), "ubc-hints-"));
  mkdirSync(join(dir, "static", "chunks"), { recursive: true });
  mkdirSync(join(dir, "server", "app", "market"), { recursive: true });
  writeFileSync(join(dir, "build-manifest.json"), JSON.stringify({
    polyfillFiles: ["static/chunks/polyfill.js"],
    rootMainFiles: ["static/chunks/framework.js", "static/chunks/runtime.js"],
  }));
  const manifest = (route: string, entries: Record<string, string[]>) =>
    `globalThis.__RSC_MANIFEST = globalThis.__RSC_MANIFEST || {};\nglobalThis.__RSC_MANIFEST[${JSON.stringify(route)}] = ${JSON.stringify({ clientModules: {}, entryJSFiles: entries })};\n`;
  writeFileSync(join(dir, "server", "app", "page_client-reference-manifest.js"), manifest("/page", { "[project]/web/app/layout": ["static/chunks/layout.js"], "[project]/web/app/page": ["static/chunks/layout.js", "static/chunks/home.js"] }));
  writeFileSync(join(dir, "server", "app", "market", "page_client-reference-manifest.js"), manifest("/market/page", { "[project]/web/app/market/page": ["static/chunks/market.js", "static/chunks/style.css"] }));
  for (const f of ["framework", "runtime", "layout", "home", "market", "wallet", "polyfill"]) writeFileSync(join(dir, "static", "chunks", `${f}.js`), `/* ${f} */ (()=>1)();\n`);
  return dir;
}

test("startupScripts: the root main files and every route's entry chunks, no polyfills, no lazy chunks, no CSS", () => {
  const dir = fakeBuild();
  try {
    assert.deepEqual(startupScripts(dir), ["framework", "home", "layout", "market", "runtime"].map((f) => `static/chunks/${f}.js`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("addCompileHints marks each startup script once, on its first line, and leaves the rest alone", () => {
  const dir = fakeBuild();
  try {
    const read = (f: string) => readFileSync(join(dir, "static", "chunks", `${f}.js`), "utf8");
    assert.equal(addCompileHints(dir).length, 5);
    assert.equal(read("framework"), `${HINT}/* framework */ (()=>1)();\n`);
    assert.ok(read("market").startsWith("//# allFunctionsCalledOnLoad\n"));
    // fetched later (the wallet) or never run by a modern browser (polyfills): unchanged
    assert.equal(read("wallet"), "/* wallet */ (()=>1)();\n");
    assert.equal(read("polyfill"), "/* polyfill */ (()=>1)();\n");
    // a second run (the adapter runs once per build, but a folder may be processed again) changes nothing
    assert.deepEqual(addCompileHints(dir), []);
    assert.equal(read("framework"), `${HINT}/* framework */ (()=>1)();\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("addCompileHints fails loudly when the manifests name a missing file or name nothing", () => {
  const dir = fakeBuild();
  try {
    rmSync(join(dir, "static", "chunks", "home.js"));
    assert.throws(() => addCompileHints(dir), /static\/chunks\/home\.js, named by the build's manifests, is not in/);
    writeFileSync(join(dir, "build-manifest.json"), "{}");
    rmSync(join(dir, "server"), { recursive: true });
    assert.throws(() => addCompileHints(dir), /no startup scripts found/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
