// A pre-initialised PGlite data directory, made once per machine and PGlite version.
//
// A fresh PGlite database runs initdb in WebAssembly: 2–7 s of CPU (measured here: 6.9 s at a
// load average of 13), at every first start of the indexer and for every in-memory database of
// the tests. Copying a data directory that initdb made earlier (and PGlite closed cleanly) gives
// the same database for a fraction of that (0.5 s of CPU in the same conditions; loading its
// tarball into an in-memory database, as PGlite's own `clone()` does, 1.2 s). The template lives
// in the system's temporary directory, named by the PGlite version (a new version makes a new
// one); it is created on first use, in a directory of its own that is renamed into place, so
// that processes starting at the same time never see half of one. `INDEXER_PGLITE_TEMPLATE=off`
// turns it off (every fresh database runs initdb); `INDEXER_PGLITE_TEMPLATE=<dir>` puts it there.
//
// The template holds only the database PGlite serves ("postgres"): initdb's template0 and
// template1 (used only by CREATE DATABASE, which the indexer never runs) are dropped, leaving 371
// of its 971 files. Copying them was most of opening a fresh database: creating a file costs
// ~0.7 ms of kernel time on this machine's disk, and the copy took 0.7-0.9 s of CPU (cp -r:
// 0.9 s of sys time), 0.22-0.27 s without them.
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";

function pgliteVersion(): string {
  const entry = fileURLToPath(import.meta.resolve("@electric-sql/pglite"));
  for (let dir = dirname(entry); dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, "package.json");
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, "utf8")) as { name?: string; version?: string };
    if (pkg.name === "@electric-sql/pglite" && pkg.version !== undefined) return pkg.version;
  }
  throw new Error("cannot find the version of @electric-sql/pglite");
}

/** The template's directory (whether made or not), or undefined when templates are turned off. */
export function pgliteTemplateDir(): string | undefined {
  const setting = process.env.INDEXER_PGLITE_TEMPLATE;
  if (setting === "off") return undefined;
  if (setting !== undefined && setting !== "") return setting;
  let user = "user";
  try {
    user = String(userInfo().uid);
  } catch {
    // no user entry: one template for all
  }
  // (-1: the template without template0/template1; an older one under the bare name is not reused)
  return join(tmpdir(), `ubc-indexer-pglite-${pgliteVersion()}-1-${user}`);
}

let making: Promise<string | undefined> | undefined;

/**
 * The template (a directory holding `pgdata/`, a closed data directory, and `pgdata.tar`, its
 * tarball), made now if there is none; undefined when turned off.
 */
export function pgliteTemplate(): Promise<string | undefined> {
  making ??= (async () => {
    const dir = pgliteTemplateDir();
    if (dir === undefined) return undefined;
    if (existsSync(join(dir, "ready"))) return dir;
    const work = `${dir}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
    try {
      mkdirSync(work, { recursive: true });
      const db = await PGlite.create(join(work, "pgdata"));
      await db.exec(`UPDATE pg_database SET datistemplate = false WHERE datname IN ('template0', 'template1')`);
      await db.exec(`DROP DATABASE template0`); // (one statement per call: DROP DATABASE cannot run in a transaction block)
      await db.exec(`DROP DATABASE template1`);
      await db.exec(`CHECKPOINT`);
      const tar = await db.dumpDataDir("none");
      await db.close();
      writeFileSync(join(work, "pgdata.tar"), Buffer.from(await tar.arrayBuffer()));
      writeFileSync(join(work, "ready"), `PGlite ${pgliteVersion()}\n`);
      try {
        renameSync(work, dir);
      } catch (err) {
        // another process made it meanwhile (a directory that exists is not replaced)
        if (!existsSync(join(dir, "ready"))) throw err;
      }
      return dir;
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  })();
  making.catch(() => {
    making = undefined; // try again next time
  });
  return making;
}

/** Whether `dataDir` holds no database yet (missing or empty). */
function fresh(dataDir: string): boolean {
  return !existsSync(dataDir) || readdirSync(dataDir).length === 0;
}

/**
 * Opens a PGlite database: on disk in `dataDir` (a new one starts as a copy of the template),
 * or in memory (loaded from the template's tarball). Without a template (turned off, or it
 * could not be made: the reason goes to `warn`), PGlite runs initdb as usual.
 */
export async function openPglite(dataDir: string | undefined, warn: (msg: string) => void = () => undefined): Promise<PGlite> {
  let template: string | undefined;
  if (dataDir === undefined || fresh(dataDir)) {
    try {
      template = await pgliteTemplate();
    } catch (err) {
      warn(`PGlite template unavailable, running initdb: ${(err as Error).message}`);
    }
  }
  if (dataDir === undefined) {
    if (template === undefined) return PGlite.create();
    return PGlite.create({ loadDataDir: new Blob([readFileSync(join(template, "pgdata.tar"))]) });
  }
  if (template !== undefined) {
    // copied beside it and renamed into place: a process killed while copying leaves no half
    // database behind (the next start copies again)
    const part = `${dataDir}.part-${process.pid}`;
    rmSync(part, { recursive: true, force: true });
    mkdirSync(dirname(dataDir), { recursive: true });
    cpSync(join(template, "pgdata"), part, { recursive: true });
    rmSync(dataDir, { recursive: true, force: true }); // missing or empty
    renameSync(part, dataDir);
  } else mkdirSync(dataDir, { recursive: true });
  return PGlite.create(dataDir);
}
