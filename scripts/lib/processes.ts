// Child-process plumbing shared by `npm start` and the tests that drive it: start a process
// with prefixed output, wait for a line or a port, and stop a whole process group cleanly.
import { spawn, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { connect, createServer } from "node:net";
import { createInterface } from "node:readline";
import { hardhatNodeArgs, hardhatNodeEnv } from "./hardhat-node.ts";

export interface Managed {
  name: string;
  child: ChildProcess;
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>;
}

/** Starts `cmd args` in its own process group, forwarding its lines to `onLine`. */
export function startProcess(
  name: string,
  cmd: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; onLine?: (line: string) => void } = {},
): Managed {
  const child = spawn(cmd, args, {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true, // own process group, so that stop() reaches its children too
  });
  for (const stream of [child.stdout, child.stderr]) {
    if (stream === null) continue;
    createInterface({ input: stream }).on("line", (line) => opts.onLine?.(line));
  }
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  endWithUs(child);
  return { name, child, exited };
}

/** Children still running: each is in a process group of its own (detached), so it would outlive
 *  this process if it ended without stopping them (an uncaught error; a diagnostic whose output
 *  pipe closed, `… | head`, which once left a 1 GB Hardhat node running beside later benchmarks).
 *  Such an end still emits "exit": each group left is then sent SIGTERM, as `stopProcess` does
 *  first (a child that orchestrates others, `npm start`, then stops its own). */
const running = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of running) signalGroup(child, "SIGTERM");
});
function endWithUs(child: ChildProcess): void {
  running.add(child);
  child.once("exit", () => running.delete(child));
}

/** Sends `signal` to the child's process group; false when it has ended already. */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): boolean {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return false;
  try {
    process.kill(-child.pid, signal);
    return true;
  } catch {
    return false; // already gone
  }
}

/**
 * Starts `hardhat node <args>` as the project runs every node (scripts/lib/hardhat-node.ts): its
 * hooks preloaded and its environment's settings merged over `opts.env`.
 */
export function startHardhatNode(args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; onLine?: (line: string) => void } = {}): Managed {
  return startProcess("chain", process.execPath, hardhatNodeArgs(args), { ...opts, env: { ...opts.env, ...hardhatNodeEnv() } });
}

/** Sends SIGTERM to the process group, then SIGKILL after `graceMs`. */
export async function stopProcess(p: Managed, graceMs = 5_000): Promise<void> {
  if (!signalGroup(p.child, "SIGTERM")) return;
  const timer = setTimeout(() => signalGroup(p.child, "SIGKILL"), graceMs);
  await p.exited;
  clearTimeout(timer);
}

/** Ports `freePort` handed out in this process: never handed out twice. */
const handedOut = new Set<number>();

/**
 * A TCP port that was free a moment ago, and not one this process was given before: the kernel
 * may offer a port it just offered again once its probe closed, and a test that asked for the
 * chain's and the indexer's port got the same one twice (the indexer then failed with EADDRINUSE).
 */
export async function freePort(): Promise<number> {
  for (let i = 0; ; i++) {
    const port = await new Promise<number>((resolve, reject) => {
      const srv = createServer();
      srv.once("error", reject);
      srv.listen(0, "127.0.0.1", () => {
        const addr = srv.address();
        const p = typeof addr === "object" && addr !== null ? addr.port : 0;
        srv.close(() => resolve(p));
      });
    });
    if (!handedOut.has(port) || i >= 100) {
      handedOut.add(port);
      return port;
    }
  }
}

/** Polls a JSON-RPC endpoint until it answers eth_chainId, or throws after `timeoutMs`. */
export async function waitForRpc(url: string, timeoutMs = 60_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      });
      const body = (await res.json()) as { result?: string };
      if (body.result !== undefined) return Number(body.result);
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no JSON-RPC answer from ${url} within ${timeoutMs} ms: ${String(lastError)}`);
}

/**
 * Turns a local Hardhat node's request log on or off (`hardhat_setLoggingEnabled`; `hardhat node`
 * starts with it on). With it on, the node's JavaScript side formats and prints every request and,
 * for every transaction, its contract call, hash, sender, gas and block, identifying the contract
 * by its bytecode: about 0.2–0.3 ms of the node's CPU per transaction (a plain transfer costs it
 * ~0.8 ms in all with the log off), all of it written to a pipe that the parent has to read.
 */
export async function setNodeLogging(url: string, enabled: boolean): Promise<void> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "hardhat_setLoggingEnabled", params: [enabled] }),
  });
  const body = (await res.json()) as { result?: unknown; error?: { message: string } };
  if (body.error) throw new Error(`hardhat_setLoggingEnabled at ${url}: ${body.error.message}`);
}

/** One live process as /proc shows it (Linux): its parent and the CPU it used, in clock ticks of 1/100 s. */
export interface ProcInfo {
  ppid: number;
  /** user + system time of the process and of the children it has reaped */
  ticks: number;
  /** exited, waiting for its parent to reap it */
  zombie: boolean;
}

/** Every live process (Linux /proc); empty where /proc does not exist. */
export function listProcesses(): Map<number, ProcInfo> {
  const procs = new Map<number, ProcInfo>();
  let entries: string[] = [];
  try {
    entries = readdirSync("/proc");
  } catch {
    return procs;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" "); // fields from 3 (state) on
      // utime 14, stime 15, cutime 16, cstime 17 (1-based) -> f[11..14]; ppid 4 -> f[1]
      procs.set(Number(entry), { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]), zombie: f[0] === "Z" });
    } catch {
      /* exited meanwhile */
    }
  }
  return procs;
}

/**
 * `rootPid` and every live process under it (children, grandchildren, … — whatever process
 * group they run in), from one snapshot of /proc.
 */
export function processTree(rootPid: number, procs: Map<number, ProcInfo> = listProcesses()): number[] {
  const under = (pid: number): boolean => {
    for (let p = pid, i = 0; p > 1 && i < 64; p = procs.get(p)?.ppid ?? 0, i++) if (p === rootPid) return true;
    return false;
  };
  return [...procs.keys()].filter(under);
}

/** The pids of `pids` that are still alive (a zombie has exited: it counts as gone). */
export function alivePids(pids: number[]): number[] {
  const procs = listProcesses();
  return pids.filter((p) => procs.has(p) && !procs.get(p)!.zombie);
}

/** Whether something accepts TCP connections on 127.0.0.1:`port`. */
export function portOpen(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ port, host });
    s.once("connect", () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
  });
}

/**
 * Calls `onOrphaned` once when this process's parent has gone (its parent process id changed: the
 * process was adopted by init or a subreaper). `npm start` under a wrapper that died without
 * passing a signal on — `npm` killed with SIGKILL, a shell that exited on SIGTERM — would otherwise
 * leave its parts running with their ports taken. Checked every second; the timer does not keep
 * the process alive.
 */
export function onParentExit(onOrphaned: () => void): void {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    onOrphaned();
  }, 1_000);
  timer.unref();
}
