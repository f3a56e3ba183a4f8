import type { NextConfig } from "next";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

// The monorepo root: npm workspaces hoist next, react and viem into its node_modules.
const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

const nextConfig: NextConfig = {
  // NEXT_DIST_DIR lets a test suite build and serve its own copy (e.g. .next-e2e) beside a
  // developer's .next in the same work tree
  distDir: process.env.NEXT_DIST_DIR || ".next",
  reactStrictMode: true,
  poweredByHeader: false,
  // the type check is `npm run typecheck`'s (tsc -p web/tsconfig.json, in `npm test`): `next build`
  // skips it, which takes a third off the build on two cores (npm start builds on a fresh clone)
  typescript: { ignoreBuildErrors: true },
  turbopack: { root },
  // the one small stylesheet (~10 kB) goes into the HTML's <head> as a <style>: no render-blocking
  // request before the first paint (Lighthouse mobile: a slow-4G round trip before FCP and LCP)
  experimental: { inlineCss: true },
  // after the build: the scripts every page loads at start get V8's compile hint (compiled off the
  // main thread while they stream, not function by function during hydration; scripts/compile-hints.mjs)
  adapterPath: resolve(dirname(fileURLToPath(import.meta.url)), "scripts", "compile-hints.mjs"),
  outputFileTracingRoot: root,
};

export default nextConfig;
