// The web part of `npm start`: the Next.js app in web/, built when its sources are newer than the
// last build, then served by `node <next>/dist/bin/next start` (so that the server's PID is the
// child's, and its process group is stopped with it).
//
// Detection: web/app or web/src/app (App Router) and the `next` package resolvable from web/.
// Until the web app exists, the part reports itself as absent and `npm start` goes on without it.
//
// What the web app receives, at build and at start. The app reads its configuration on the server
// at request time (web/TESTHOOKS.md: `/api/config`), so a new chain or new ports need no rebuild:
//   DEPLOYMENTS_DIR + NETWORK (deployments/<network>.json), RPC_URL, CHAIN_ID, GRAPHQL_URL,
//   API_URL (the indexer's base URL), PORT, HOSTNAME; the same under NEXT_PUBLIC_* for code that
//   reads them in the browser bundle (inlined by `next build`).
// The build runs while the contracts are deployed and indexed: the app must not need the indexer
// at build time (its pages fetch at request time).
import { existsSync, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, join } from "node:path";

export interface WebApp {
  dir: string;
  nextBin: string;
}

/** The web app, if web/ holds a buildable Next.js app; otherwise why not. */
export function detectWebApp(root: string): WebApp | { absent: string } {
  const dir = join(root, "web");
  if (!existsSync(join(dir, "package.json"))) return { absent: "no web/package.json" };
  if (!existsSync(join(dir, "app")) && !existsSync(join(dir, "src", "app"))) return { absent: "web/ has no Next.js app (web/app) yet" };
  try {
    const nextBin = createRequire(join(dir, "package.json")).resolve("next/dist/bin/next");
    return { dir, nextBin };
  } catch {
    return { absent: "the next package is not installed (npm ci)" };
  }
}

/**
 * The build folder: NEXT_DIST_DIR (web/next.config.ts reads it; the e2e suite builds into
 * web/.next-e2e) or .next.
 */
export function distDir(app: WebApp, env: NodeJS.ProcessEnv = process.env): string {
  return join(app.dir, env.NEXT_DIST_DIR || ".next");
}

/**
 * Newest modification time (ms) of the files that decide the build: everything under web/ but
 * dependencies, build outputs, tests, documentation and dot-files. It leaves out at least what
 * the e2e harness (web/e2e/harness.ts) leaves out, so a build the e2e suite judged current is
 * current here too and `npm test` builds the app once.
 */
function newestSource(dir: string): number {
  const skip = new Set(["node_modules", "e2e", "out", ".turbo", "next-env.d.ts", "test-results", "playwright-report"]);
  let newest = 0;
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const n = entry.name;
      if (skip.has(n) || n.startsWith(".") || n.endsWith(".test.ts") || n.endsWith(".tsbuildinfo") || n.endsWith(".md")) continue;
      const p = join(d, n);
      if (entry.isDirectory()) walk(p);
      else newest = Math.max(newest, statSync(p).mtimeMs);
    }
  };
  walk(dir);
  // the modules outside web/ that the app imports (web/e2e/harness.ts lists the same)
  for (const f of ["../agents/src/runtime/spec.ts"]) if (existsSync(join(dir, f))) newest = Math.max(newest, statSync(join(dir, f)).mtimeMs);
  return newest;
}

/** True when there is no production build in the build folder, or a source is newer than it. */
export function needsBuild(app: WebApp, env: NodeJS.ProcessEnv = process.env): boolean {
  const buildId = join(distDir(app, env), "BUILD_ID");
  if (!existsSync(buildId)) return true;
  return newestSource(app.dir) > statSync(buildId).mtimeMs;
}

export function webEnv(p: { chainId: number; rpcUrl: string; indexerUrl: string; deployments: string; webPort: number }): NodeJS.ProcessEnv {
  return {
    DEPLOYMENTS_DIR: dirname(p.deployments),
    NETWORK: basename(p.deployments, ".json"),
    DEPLOYMENTS: p.deployments,
    CHAIN_ID: String(p.chainId),
    RPC_URL: p.rpcUrl,
    GRAPHQL_URL: `${p.indexerUrl}/graphql`,
    API_URL: p.indexerUrl,
    INDEXER_URL: p.indexerUrl,
    NEXT_PUBLIC_CHAIN_ID: String(p.chainId),
    NEXT_PUBLIC_RPC_URL: p.rpcUrl,
    NEXT_PUBLIC_GRAPHQL_URL: `${p.indexerUrl}/graphql`,
    NEXT_PUBLIC_API_URL: p.indexerUrl,
    PORT: String(p.webPort),
    HOSTNAME: "127.0.0.1",
    NEXT_TELEMETRY_DISABLED: "1",
  };
}

/** Polls `url` until it answers with a status below 500. */
export async function waitForHttp(url: string, timeoutMs: number, isStopping: () => boolean = () => false): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline && !isStopping()) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
      await res.arrayBuffer();
      if (res.status < 500) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms: ${String(last)}`);
}
