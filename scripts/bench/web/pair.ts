// Shared by the web benchmarks: the median, and a second `next start` serving another build of the
// app (web/<distDir>, made with NEXT_DIST_DIR) against the same stack, for back-to-back comparisons
// (ab.ts, cpu.ts).
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { WEB_DIR, buildWebApp, ensureChromium, nextBin, startStack, webRuntimeEnv } from "../../../web/e2e/harness.ts";

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Fails early, naming the command, when web/<distDir> holds no build. */
function requireBaseBuild(distDir: string): void {
  if (!existsSync(join(WEB_DIR, distDir, "BUILD_ID"))) throw new Error(`no build in web/${distDir}: build the other version there first (NEXT_DIST_DIR=${distDir} npm run build -w web)`);
}

/** Serves web/<distDir> on a free-ish port next to the stack's app; resolves once it answers. */
async function startBaseServer(stack: Awaited<ReturnType<typeof startStack>>, distDir: string): Promise<{ url: string; stop: () => void }> {
  const port = String(Number(new URL(stack.webUrl).port) + 1 + Math.floor(Math.random() * 1000));
  const child = spawn(process.execPath, [nextBin(), "start", "-p", port, "-H", "127.0.0.1"], {
    cwd: WEB_DIR,
    env: { ...process.env, ...webRuntimeEnv({ rpcUrl: stack.rpcUrl, indexerUrl: stack.indexerUrl, deploymentsFile: stack.deploymentsFile, chainId: stack.chain.deployments.chainId }), NEXT_DIST_DIR: distDir },
    stdio: "ignore",
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = () => void child.kill();
  try {
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(url)).status < 500) break;
      } catch {
        /* not yet */
      }
      if (i > 240) throw new Error(`next start of web/${distDir} did not answer`);
      await new Promise((r) => setTimeout(r, 250));
    }
  } catch (err) {
    stop();
    throw err;
  }
  return { url, stop };
}

export interface Pass {
  /** "this" (the working tree's build) or the other build's dist dir. */
  build: string;
  url: string;
  name: string;
  path: string;
  /** The round, from 0. */
  round: number;
}

/**
 * Builds this tree's app, starts the stack and a second server for web/<baseDist>, visits every
 * page of both once untimed, then measures each page `rounds` times per build, the builds'
 * order alternating round by round. Results by "<page> <build>".
 */
export async function alternate<T>(o: { log: (l: string) => void; baseDist: string; pages: readonly (readonly [string, string])[]; rounds: number; measure: (p: Pass) => Promise<T> }): Promise<Record<string, T[]>> {
  ensureChromium(o.log);
  requireBaseBuild(o.baseDist);
  await buildWebApp(o.log);
  const stack = await startStack({ log: o.log });
  let base: { url: string; stop: () => void } | undefined;
  try {
    base = await startBaseServer(stack, o.baseDist);
    const builds = [["this", stack.webUrl], [o.baseDist, base.url]] as const;
    for (const [, url] of builds) for (const [, path] of o.pages) await fetch(url + path).then((r) => r.text());
    const results: Record<string, T[]> = {};
    for (let round = 0; round < o.rounds; round++) {
      for (const [name, path] of o.pages) {
        for (const [build, url] of round % 2 ? [...builds].reverse() : builds) {
          (results[`${name} ${build}`] ??= []).push(await o.measure({ build, url: url + path, name, path, round }));
        }
      }
    }
    return results;
  } finally {
    base?.stop();
    await stack.stop();
  }
}
