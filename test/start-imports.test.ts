// `npm start` on a fresh clone loads scripts/start.ts before anything is built: no module it
// imports statically (transitively) may be a build output (the generated ABI and EIP-712
// modules, artifacts/, types/), or `npm start` dies with ERR_MODULE_NOT_FOUND before it can
// build them. Build outputs are imported dynamically, after the build step.
import { expect } from "chai";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const BUILT = /(^|\/)(generated|artifacts|types|\.next)(\/|$)/;

/** Relative static imports (`import … from "./x.ts"`, `export … from`), type-only ones excluded. */
function staticImports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const out: string[] = [];
  for (const m of text.matchAll(/^\s*(import|export)\s+(type\s+)?[^;]*?\sfrom\s+"(\.{1,2}\/[^"]+)"/gm)) {
    if (m[2]) continue; // erased by type stripping
    out.push(resolve(dirname(file), m[3]));
  }
  for (const m of text.matchAll(/^\s*import\s+"(\.{1,2}\/[^"]+)"/gm)) out.push(resolve(dirname(file), m[1]));
  return out;
}

describe("npm start on a fresh clone", function () {
  it("imports no build output statically from scripts/start.ts", function () {
    const seen = new Set<string>();
    const offenders: string[] = [];
    const queue = [join(root, "scripts", "start.ts")];
    while (queue.length > 0) {
      const file = queue.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      for (const dep of staticImports(file)) {
        const rel = relative(root, dep);
        if (BUILT.test(rel)) offenders.push(`${relative(root, file)} → ${rel}`);
        else if (existsSync(dep) && dep.endsWith(".ts")) queue.push(dep);
      }
    }
    expect(seen.size).to.be.greaterThan(3);
    expect(offenders, "static imports of build outputs").to.deep.equal([]);
  });
});
