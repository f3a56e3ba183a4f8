// Summarises a V8 CPU profile (node --cpu-prof; `BENCH_PROFILE=1 npm run bench:api` writes them to
// scripts/bench/api/profiles/): the busy share of the thread, the top functions by self time,
// and self time grouped by package / source file.
//   node scripts/bench/api/profile-summary.ts <file.cpuprofile> [top=25]
import { readFileSync } from "node:fs";

interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number; children?: number[] }
const file = process.argv[2];
if (!file) throw new Error("usage: node scripts/bench/api/profile-summary.ts <file.cpuprofile> [top]");
const top = Number(process.argv[3] ?? 25);
const prof = JSON.parse(readFileSync(file, "utf8")) as { nodes: Node[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number };
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const self = new Map<number, number>();
prof.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0)));
const total = (prof.endTime - prof.startTime) / 1000;
let idle = 0;
const fn = new Map<string, number>();
const group = new Map<string, number>();
for (const [id, us] of self) {
  const n = byId.get(id)!;
  const name = n.callFrame.functionName || "(anonymous)";
  if (name === "(idle)") {
    idle += us / 1000;
    continue;
  }
  const url = n.callFrame.url.replace(/^file:\/\//, "");
  const short = url.replace(/^.*node_modules\//, "npm:").replace(/^.*\/indexer\/src\//, "indexer/src/");
  const key = `${name} ${short.split("/").slice(-2).join("/")}:${n.callFrame.lineNumber + 1}`;
  fn.set(key, (fn.get(key) ?? 0) + us / 1000);
  const g = url === "" ? `(native) ${name.startsWith("(") ? name : ""}`.trim() : short.startsWith("npm:") ? short.split("/").slice(0, short.startsWith("npm:@") ? 2 : 1).join("/") : short.startsWith("node:") ? "node:" + short.slice(5).split("/")[0] : short;
  group.set(g, (group.get(g) ?? 0) + us / 1000);
}
const busy = total - idle;
console.log(`profile ${(total / 1000).toFixed(1)} s, busy ${(busy / 1000).toFixed(1)} s (${((100 * busy) / total).toFixed(0)}%)`);
const show = (m: Map<string, number>, n: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n).forEach(([k, v]) => console.log(`${v.toFixed(0).padStart(8)} ms ${((100 * v) / busy).toFixed(1).padStart(5)}%  ${k}`));
console.log("\n-- top functions (self time)");
show(fn, top);
console.log("\n-- by package / file (self time)");
show(group, top);
