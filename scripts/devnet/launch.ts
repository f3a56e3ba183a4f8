// Runs `npm start` (scripts/start.ts) as a child process until it prints `ready`: for the tests
// that drive the devnet (test/start.test.ts, test/system.test.ts) and the documentation's
// screenshots (scripts/devnet/screenshots.ts).
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { startProcess, stopProcess, type Managed } from "../lib/processes.ts";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

export interface Devnet {
  p: Managed;
  /** Every line `npm start` printed so far (its own and its parts'). */
  lines: string[];
}

/** The value of the `name: value` line `npm start` printed (e.g. `web`, `graphql`, `rpc`). */
export function printed(d: Devnet, name: string): string {
  const line = d.lines.find((l) => l.startsWith(`${name}: `));
  if (line === undefined) throw new Error(`npm start printed no "${name}:" line`);
  return line.slice(name.length + 2);
}

/**
 * How to run `npm start` itself: the npm that runs this process when there is one (its CLI script
 * under this Node), else `npm` from the PATH.
 */
function npmCommand(): [string, string[]] {
  const cli = process.env.npm_execpath;
  return cli !== undefined && /npm-cli\.[cm]?js$/.test(cli) ? [process.execPath, [cli]] : ["npm", []];
}

/**
 * Runs `node scripts/start.ts args` with `env` (added to the test's own) until it prints `ready`;
 * with `viaNpm`, `npm start -- args` instead (npm is then the process `p` stands for, and the
 * script its child). ENV_FILE= : a developer's .env must not change what a test runs.
 */
export async function startDevnet(
  env: Record<string, string>,
  args: string[] = [],
  { timeoutMs = 540_000, onLine, viaNpm = false }: { timeoutMs?: number; onLine?: (line: string) => void; viaNpm?: boolean } = {},
): Promise<Devnet> {
  const lines: string[] = [];
  let onReady: () => void = () => {};
  const ready = new Promise<void>((r) => (onReady = r));
  let cmd = process.execPath;
  let argv = ["scripts/start.ts", ...args];
  if (viaNpm) {
    const [npm, npmArgs] = npmCommand();
    [cmd, argv] = [npm, [...npmArgs, "start", "--silent", "--", ...args]];
  }
  const p = startProcess("start", cmd, argv, {
    cwd: ROOT,
    env: { ENV_FILE: "", ...env },
    onLine: (l) => {
      lines.push(l);
      onLine?.(l);
      if (l === "ready") onReady();
    },
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      ready,
      p.exited.then((code) => { throw new Error(`npm start exited early (${code}):\n${lines.join("\n")}`); }),
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`npm start was not ready within ${timeoutMs} ms:\n${lines.slice(-40).join("\n")}`)), timeoutMs))),
    ]);
  } catch (err) {
    await stopProcess(p);
    throw err;
  } finally {
    clearTimeout(timer);
  }
  return { p, lines };
}

