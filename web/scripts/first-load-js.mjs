// First-load JS per route, gzipped: the scripts a route's HTML loads (as `next build` used to
// print it). Next.js 16 no longer prints the sizes, so this asks a running `next start` for each
// route and gzips the chunks it names from .next/static.
// Usage: node scripts/first-load-js.mjs [baseUrl] [route …]   (default http://127.0.0.1:3000, every page)
// Prints a table and, with --json, one JSON object { route: { files, raw, gzip } }.
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const webDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2).filter((a) => a !== "--json");
const json = process.argv.includes("--json");
const base = (args[0] ?? "http://127.0.0.1:3000").replace(/\/$/, "");
const routes = args.length > 1 ? args.slice(1) : ["/", "/stake", "/market", "/market/jobs/1", "/agents/1", "/ventures", "/ventures/0x0000000000000000000000000000000000000001", "/account"];

const out = {};
for (const route of routes) {
  const res = await fetch(base + route);
  const html = await res.text();
  // every script the page loads, less the legacy polyfills (<script noModule>: modern browsers skip them)
  const legacy = new Set([...html.matchAll(/<script[^>]*\bnoModule\b[^>]*>/gi)].map((m) => (m[0].match(/\/_next\/static\/[^"'\s>]+?\.js/) ?? [""])[0]));
  const files = [...new Set([...html.matchAll(/\/_next\/static\/[^"'\s>]+?\.js/g)].map((m) => m[0]))].filter((f) => !legacy.has(f));
  let raw = 0;
  let gz = 0;
  for (const f of files) {
    const buf = readFileSync(join(webDir, process.env.NEXT_DIST_DIR || ".next", f.replace(/^\/_next\//, "")));
    raw += buf.length;
    gz += gzipSync(buf, { level: 9 }).length;
  }
  out[route] = { status: res.status, files: files.length, raw, gzip: gz };
}
if (json) console.log(JSON.stringify(out));
else {
  console.log("route | status | scripts | raw kB | gzip kB");
  for (const [r, v] of Object.entries(out)) console.log(`${r} | ${v.status} | ${v.files} | ${(v.raw / 1024).toFixed(1)} | ${(v.gzip / 1024).toFixed(1)}`);
}
