// Checks the output of `graph build`: every handler that build/subgraph.yaml names is exported by
// its WASM, and every host function the WASM imports is implemented by subgraph/host.
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { WasmInstance } from "./runtime.ts";

const BUILD = resolve(dirname(fileURLToPath(import.meta.url)), "..", "build");

export interface BuiltSource {
  name: string;
  template: boolean;
  wasm: string;
  handlers: { event: string; handler: string }[];
}

/** The data sources and templates of build/subgraph.yaml (the generated manifest's simple layout). */
export function builtSources(buildDir = BUILD): BuiltSource[] {
  const lines = readFileSync(join(buildDir, "subgraph.yaml"), "utf8").split("\n");
  const out: BuiltSource[] = [];
  let section = "";
  let cur: BuiltSource | undefined;
  let event = "";
  for (const line of lines) {
    if (/^dataSources:/.test(line)) section = "dataSources";
    else if (/^templates:/.test(line)) section = "templates";
    let m: RegExpExecArray | null;
    if ((m = /^  - kind: /.exec(line))) {
      cur = { name: "", template: section === "templates", wasm: "", handlers: [] };
      out.push(cur);
    } else if (cur && (m = /^    name: (\S+)/.exec(line))) cur.name = m[1];
    else if (cur && (m = /^      file: (\S+\.wasm)/.exec(line))) cur.wasm = join(buildDir, m[1]);
    else if (cur && (m = /^\s+- event: (.+)$/.exec(line))) event = m[1].replace(/^["']|["']$/g, "");
    else if (cur && (m = /^\s+handler: (\S+)/.exec(line))) cur.handlers.push({ event, handler: m[1] });
  }
  return out;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const problems: string[] = [];
  let handlers = 0;
  for (const s of builtSources()) {
    if (!s.wasm) {
      problems.push(`${s.name}: no wasm file in build/subgraph.yaml`);
      continue;
    }
    const mod = new WebAssembly.Module(readFileSync(s.wasm));
    const exported = new Set(WebAssembly.Module.exports(mod).filter((e) => e.kind === "function").map((e) => e.name));
    for (const h of s.handlers) {
      handlers++;
      if (!exported.has(h.handler)) problems.push(`${s.name}: handler ${h.handler} (${h.event}) is not exported by ${s.wasm}`);
    }
    for (const name of ["_start", "__new", "id_of_type"]) if (!exported.has(name)) problems.push(`${s.name}: ${name} not exported`);
    for (const missing of WasmInstance.missingImports(mod)) problems.push(`${s.name}: imports ${missing}, which subgraph/host does not implement`);
  }
  if (problems.length > 0) {
    for (const p of problems) console.error(`check-build: ${p}`);
    process.exit(1);
  }
  console.log(`check-build: ${handlers} handlers exported by ${builtSources().length} data sources/templates; all imports implemented`);
}
