// One process per PGlite data directory.
//
// PGlite runs PostgreSQL in one process's WebAssembly, so nothing stops a second process from
// opening the same directory: its `postmaster.pid` always names Emscripten's pid (-42), never a
// real one, and both copies would then write the same files. So the indexer takes a lock of its
// own, `<dataDir>.lock` beside the directory, holding its real pid; a lock whose process is gone
// (killed) is stale and taken over.
//
// Holding it, the indexer also knows that any `postmaster.pid` in the directory is a leftover.
// PostgreSQL creates that file and then writes it: a process killed between the two (seen here
// once in ~1,400 SIGKILLs at random moments of PGlite's start; `npm run stress:pglite`) leaves it
// empty, and PostgreSQL refuses to start on an empty lock file ("lock file is empty"),
// which PGlite reports as "PGlite failed to initialize properly" at every later start. The
// database itself is intact (crash recovery replays its WAL once the file is gone), so it is
// removed before PGlite starts.
import { linkSync, mkdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

/** Data directories this process holds (a second open here would be a second PostgreSQL on them). */
const held = new Set<string>();

/** Thrown when another live process holds the data directory. */
export class DataDirLockedError extends Error {
  readonly dataDir: string;
  readonly pid: number;
  constructor(dataDir: string, pid: number) {
    super(
      pid === process.pid
        ? `the PGlite data directory ${dataDir} is already open in this process`
        : `the PGlite data directory ${dataDir} is in use by process ${pid} (another indexer?); stop it, or set DATA_DIR to another directory. If no such process is yours, delete ${dataDir}.lock`,
    );
    this.name = "DataDirLockedError";
    this.dataDir = dataDir;
    this.pid = pid;
  }
}

/** Whether a process with this pid exists (this user's or another's). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM"; // exists, another user's
  }
}

/** The pid a lock file names, or undefined when it names none (empty or garbled: a holder killed while writing it). */
function holder(lockFile: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(lockFile, "utf8");
  } catch {
    return undefined;
  }
  const pid = Number(text.trim().split("\n")[0]);
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

/**
 * Takes the lock of `dataDir` for this process and clears the `postmaster.pid` a killed PGlite
 * left in it. Returns the release (idempotent). Throws DataDirLockedError when a live process,
 * or this one, holds it.
 */
export function lockPgliteDataDir(dir: string): () => void {
  const dataDir = resolve(dir);
  if (held.has(dataDir)) throw new DataDirLockedError(dataDir, process.pid);
  const lockFile = `${dataDir}.lock`;
  mkdirSync(dirname(lockFile), { recursive: true });
  // the lock is created whole (its pid written first, then linked into place), so a lock file
  // that exists always names its holder
  const part = `${lockFile}.${process.pid}`;
  writeFileSync(part, `${process.pid}\n`);
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        linkSync(part, lockFile);
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST" || attempt >= 3) throw err;
      }
      const pid = holder(lockFile);
      // this process's own pid in a lock it does not hold: an earlier process with the same pid
      // (a container's restart) was killed
      if (pid !== undefined && pid !== process.pid && alive(pid)) throw new DataDirLockedError(dataDir, pid);
      rmSync(lockFile, { force: true }); // stale
    }
  } finally {
    rmSync(part, { force: true });
  }
  held.add(dataDir);
  rmSync(join(dataDir, "postmaster.pid"), { force: true });
  let released = false;
  return () => {
    if (released) return;
    released = true;
    held.delete(dataDir);
    try {
      if (holder(lockFile) === process.pid) unlinkSync(lockFile);
    } catch {
      // already gone
    }
  };
}
