// Checks the output of `graph build`: every handler that build/subgraph.yaml names is exported by
// its WASM, and every host function the WASM imports is implemented by subgraph/host.
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { WasmInstance } from "./runtime.ts";

const BUILD = resolve(dirname(fileURLToPath(import.meta.url)), "..", "build");

export interface BuiltSource {
  name: string;
  template: boolean;
  wasm: string;
  network: string;
  address?: string;
  startBlock?: number;
  /** The data source context (String entries only, as the generated manifest writes it). */
  context: Map<string, string>;
  handlers: { event: string; handler: string }[];
}

/** The data sources and templates of build/subgraph.yaml (as rewritten by `graph build`). */
export function builtSources(buildDir = BUILD): BuiltSource[] {
  const manifest = parse(readFileSync(join(buildDir, "subgraph.yaml"), "utf8")) as {
    dataSources?: RawSource[];
    templates?: RawSource[];
  };
  const one = (s: RawSource, template: boolean): BuiltSource => {
    const context = new Map<string, string>();
    for (const [k, v] of Object.entries(s.context ?? {})) {
      if (v.type !== "String") throw new Error(`${s.name}: context ${k} is a ${v.type}; only String entries are supported`);
      context.set(k, String(v.data));
    }
    return {
      name: s.name,
      template,
      wasm: join(buildDir, s.mapping.file),
      network: s.network ?? "",
      address: s.source.address?.toLowerCase(),
      startBlock: s.source.startBlock,
      context,
      handlers: (s.mapping.eventHandlers ?? []).map((h) => ({ event: h.event, handler: h.handler })),
    };
  };
  return [...(manifest.dataSources ?? []).map((s) => one(s, false)), ...(manifest.templates ?? []).map((s) => one(s, true))];
}

interface RawSource {
  name: string;
  network?: string;
  context?: Record<string, { type: string; data: unknown }>;
  source: { address?: string; startBlock?: number };
  mapping: { file: string; eventHandlers?: { event: string; handler: string }[] };
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
