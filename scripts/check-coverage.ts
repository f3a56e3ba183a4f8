// Reads coverage/lcov.info (written by `hardhat test --coverage`) and prints line coverage per
// contracts/ folder; exits non-zero when the product contracts (contracts/, without the test
// fixtures in contracts/test/) are below the threshold. COVERAGE_MIN overrides 95.
import { readFileSync } from "node:fs";

const MIN = Number(process.env.COVERAGE_MIN ?? 95);
const text = readFileSync(new URL("../coverage/lcov.info", import.meta.url), "utf8");

interface FileCov { file: string; found: number; hit: number }
const files: FileCov[] = [];
let current: FileCov | null = null;
for (const line of text.split("\n")) {
  if (line.startsWith("SF:")) current = { file: line.slice(3).trim(), found: 0, hit: 0 };
  else if (line.startsWith("DA:") && current) {
    const [, count] = line.slice(3).split(",");
    current.found++;
    if (Number(count) > 0) current.hit++;
  } else if (line === "end_of_record" && current) {
    files.push(current);
    current = null;
  }
}

const product = files.filter((f) => /(^|\/)contracts\//.test(f.file) && !/contracts\/test\//.test(f.file));
if (product.length === 0) throw new Error("coverage/lcov.info has no contracts/ files: run `npm run coverage`");
const byFolder = new Map<string, { found: number; hit: number }>();
for (const f of product) {
  const folder = f.file.replace(/^.*?contracts\//, "contracts/").replace(/\/[^/]+$/, "");
  const agg = byFolder.get(folder) ?? { found: 0, hit: 0 };
  agg.found += f.found;
  agg.hit += f.hit;
  byFolder.set(folder, agg);
}
const pct = (hit: number, found: number) => (found === 0 ? 100 : (100 * hit) / found);
console.log("folder".padEnd(28), "lines".padStart(12), "coverage".padStart(10));
for (const [folder, a] of [...byFolder].sort()) {
  console.log(folder.padEnd(28), `${a.hit}/${a.found}`.padStart(12), `${pct(a.hit, a.found).toFixed(2)}%`.padStart(10));
}
for (const f of product) {
  const p = pct(f.hit, f.found);
  if (p < 100) console.log(`  ${f.file.replace(/^.*?contracts\//, "contracts/")}: ${p.toFixed(2)}%`);
}
const found = product.reduce((s, f) => s + f.found, 0);
const hit = product.reduce((s, f) => s + f.hit, 0);
const total = pct(hit, found);
console.log(`contracts/ line coverage: ${total.toFixed(2)}% (${hit}/${found}); minimum ${MIN}%`);
if (total < MIN) {
  console.error(`line coverage ${total.toFixed(2)}% is below ${MIN}%`);
  process.exit(1);
}
