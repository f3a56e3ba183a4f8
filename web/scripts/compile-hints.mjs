// A Next.js build adapter (next.config.ts: adapterPath; Next's documented hook after `next build`)
// that marks the scripts every page loads at start with V8's explicit compile hint, the magic
// comment `//# allFunctionsCalledOnLoad` on the file's first line (Chrome 136+; other engines
// read a comment). Why: V8 compiles a script's functions lazily, on their first call, on the main
// thread. The framework chunk (React DOM and the Next.js runtime) is streamed and pre-parsed off the
// main thread, but then hydration calls most of its functions, and each first call compiled its
// function on the main thread, inside the one task that starts the app: in the CPU profile of a
// mobile load (4× slowdown) ~150 ms of that task was the module loader's lazy compiles. With the
// hint V8 compiles every function of the file eagerly while the script streams, on a background
// thread; the main thread's work at start and its longest task shrink (docs/benchmarks.md).
// Only the scripts the HTML of some route loads are marked (the root's main files and each
// layout's and page's entry chunks, from Next's manifests): their functions do run at load.
// Chunks fetched later (the wallet code on "Connect wallet") keep lazy compilation: most of their
// functions never run. Idempotent: a marked file is left as it is.
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { createContext, runInContext } from "node:vm";

export const HINT = "//# allFunctionsCalledOnLoad\n";

/** Every client-reference manifest under `dir` (one per app route). */
function manifests(dir) {
  const out = [];
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...manifests(p));
    else if (entry.name.endsWith("_client-reference-manifest.js")) out.push(p);
  }
  return out;
}

/** The scripts (paths relative to the dist folder, e.g. static/chunks/x.js) that routes' HTML loads at start. */
export function startupScripts(distDir) {
  const build = JSON.parse(readFileSync(join(distDir, "build-manifest.json"), "utf8"));
  const files = new Set(build.rootMainFiles ?? []);
  for (const file of manifests(join(distDir, "server", "app"))) {
    // the manifest is a script that fills globalThis.__RSC_MANIFEST: run it in an empty context
    const ctx = createContext({});
    runInContext(readFileSync(file, "utf8"), ctx, { filename: file });
    for (const route of Object.values(ctx.__RSC_MANIFEST ?? {})) {
      for (const chunks of Object.values(route.entryJSFiles ?? {})) for (const c of chunks) files.add(c);
    }
  }
  const polyfills = new Set(build.polyfillFiles ?? []);
  return [...files].filter((f) => f.endsWith(".js") && !polyfills.has(f)).sort();
}

/** Prepends the hint to each startup script of the build in `distDir`; returns the files it changed. */
export function addCompileHints(distDir) {
  const scripts = startupScripts(distDir);
  if (scripts.length === 0) throw new Error(`compile hints: no startup scripts found in the manifests of ${distDir}`);
  const changed = [];
  for (const rel of scripts) {
    const file = join(distDir, rel);
    if (!existsSync(file)) throw new Error(`compile hints: ${rel}, named by the build's manifests, is not in ${distDir}`);
    const src = readFileSync(file, "utf8");
    if (src.startsWith(HINT)) continue;
    writeFileSync(file, HINT + src);
    changed.push(relative(distDir, file));
  }
  return changed;
}

/** @type {import("next").NextAdapter} */
const adapter = {
  name: "compile-hints",
  onBuildComplete({ distDir }) {
    const changed = addCompileHints(distDir);
    console.log(`compile hints: ${changed.length} startup scripts marked //# allFunctionsCalledOnLoad`);
  },
};
export default adapter;
