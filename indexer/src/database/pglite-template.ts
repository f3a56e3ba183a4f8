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
//
// A layer (`PgliteLayer`) is a second template made from a copy of this one, e.g. the indexer's
// migrated schema (adapter.ts): a fresh database then starts with its tables and indexes instead
// of running ~119 DDL statements (~1 s of CPU in WebAssembly). Layers live in the template's
// directory, one per key, made the same way (work directory, `ready`, rename).
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { BYTEA_PARSERS, BYTEA_SERIALIZERS } from "./codec.ts";
import { alive, lockPgliteDataDir } from "./pglite-lock.ts";

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
export function pgliteTemplateDir(layer?: PgliteLayer): string | undefined {
  if (layer !== undefined) {
    const base = pgliteTemplateDir();
    return base === undefined ? undefined : join(base, `layer-${layer.key}`);
  }
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

/**
 * A database made once on top of the template and kept as a template of its own (the indexer's:
 * its schema with the tables and indexes `migrate` creates; adapter.ts), so that a fresh database
 * starts in that state instead of running the same statements every time.
 */
export interface PgliteLayer {
  /** Names the layer (letters, digits, `-`, `_`): what changes the layer's contents must change it. */
  key: string;
  /** Brings a copy of the template to the layer's state. */
  make(db: PGlite): Promise<void>;
}

/**
 * Makes `dir` once: `fill` builds it in a work directory beside it, which gets a `ready` marker
 * and is renamed into place, so that processes starting at the same time never see half of one.
 */
async function makeOnce(dir: string, fill: (work: string) => Promise<void>): Promise<string> {
  if (existsSync(join(dir, "ready"))) return dir;
  removeDeadWork(dir);
  const work = `${dir}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  try {
    mkdirSync(work, { recursive: true });
    await fill(work);
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
}

/** Removes the work directories beside `dir` that processes now gone left (killed while making it). */
function removeDeadWork(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dirname(dir));
  } catch {
    return;
  }
  for (const name of names) {
    const m = name.startsWith(`${basename(dir)}.tmp-`) ? /^(\d+)-/.exec(name.slice(basename(dir).length + 5)) : null;
    if (m !== null && Number(m[1]) !== process.pid && !alive(Number(m[1]))) rmSync(join(dirname(dir), name), { recursive: true, force: true });
  }
}

/** Writes the closed database's tarball (what an in-memory database loads) beside its directory. */
async function closeInto(db: PGlite, work: string): Promise<void> {
  await db.exec(`CHECKPOINT`);
  const tar = await db.dumpDataDir("none");
  await db.close();
  writeFileSync(join(work, "pgdata.tar"), Buffer.from(await tar.arrayBuffer()));
}

const making = new Map<string, Promise<string | undefined>>();

/** Memoised per process by directory; a failure is forgotten (tried again next time). */
function once(id: string, make: () => Promise<string | undefined>): Promise<string | undefined> {
  let p = making.get(id);
  if (p === undefined) {
    p = make();
    making.set(id, p);
    p.catch(() => making.delete(id));
  }
  return p;
}

/**
 * The template (a directory holding `pgdata/`, a closed data directory, and `pgdata.tar`, its
 * tarball), made now if there is none; undefined when turned off. With `layer`: that layer's
 * template, in the template's directory (`layer-<key>`), made from a copy of it if there is none.
 */
export function pgliteTemplate(layer?: PgliteLayer): Promise<string | undefined> {
  if (layer !== undefined && !/^[A-Za-z0-9_-]+$/.test(layer.key)) throw new Error(`invalid PGlite template layer key "${layer.key}"`);
  const dir = pgliteTemplateDir(layer);
  if (dir === undefined) return Promise.resolve(undefined);
  if (layer !== undefined) {
    return once(dir, async () => {
      const base = (await pgliteTemplate())!;
      return makeOnce(dir, async (work) => {
        cpSync(join(base, "pgdata"), join(work, "pgdata"), { recursive: true });
        const db = await PGlite.create(join(work, "pgdata"));
        try {
          await layer.make(db);
        } catch (err) {
          await db.close().catch(() => undefined);
          throw err;
        }
        await closeInto(db, work);
      });
    });
  }
  return once(dir, () =>
    makeOnce(dir, async (work) => {
      const db = await PGlite.create(join(work, "pgdata"));
      await db.exec(`UPDATE pg_database SET datistemplate = false WHERE datname IN ('template0', 'template1')`);
      await db.exec(`DROP DATABASE template0`); // (one statement per call: DROP DATABASE cannot run in a transaction block)
      await db.exec(`DROP DATABASE template1`);
      await closeInto(db, work);
    }),
  );
}

/**
 * PGlite's buffer pool for the indexer's databases (INDEXER_PGLITE_SHARED_BUFFERS, default 64MB;
 * PGlite's own is PostgreSQL's 128MB). Opening a database zeroes the whole pool in WebAssembly, on
 * the main thread (a memset still in V8's baseline tier: 408 ms of a 759 ms open at 128MB in a CPU
 * profile). Measured on the 100k-transfer backfill (docs/benchmarks.md, seventeenth round): 64MB
 * opens ~0.2 s sooner and the run ends 0.1–0.35 s sooner; 32MB and 16MB open sooner still but
 * the backfill then loses as much again to buffer evictions.
 */
export const PGLITE_SHARED_BUFFERS = process.env.INDEXER_PGLITE_SHARED_BUFFERS ?? "64MB";

/** PGlite's start parameters with the indexer's settings. */
function startParams(): string[] {
  return [...PGlite.defaultStartParams, "-c", `shared_buffers=${PGLITE_SHARED_BUFFERS}`];
}

/** Whether `dataDir` holds no database yet (missing or empty). */
function fresh(dataDir: string): boolean {
  return !existsSync(dataDir) || readdirSync(dataDir).length === 0;
}

/**
 * Opens a PGlite database: on disk in `dataDir` (a new one starts as a copy of the template, or
 * of `layer`'s when given; the directory locked for this process until the database is closed,
 * pglite-lock.ts), or in memory (loaded from that template's tarball). Without a
 * template (turned off, or it could not be made: the reason goes to `warn`), PGlite runs initdb
 * as usual; without the layer's, the plain template is used.
 */
export async function openPglite(dataDir: string | undefined, warn: (msg: string) => void = () => undefined, layer?: PgliteLayer): Promise<PGlite> {
  if (dataDir === undefined) return openIn(undefined, warn, layer);
  const release = lockPgliteDataDir(dataDir);
  try {
    // with the lock held, every part beside the directory is a killed start's leftover
    const parent = dirname(resolve(dataDir));
    for (const name of readdirSync(parent)) if (name.startsWith(`${basename(dataDir)}.part-`)) rmSync(join(parent, name), { recursive: true, force: true });
    const db = await openIn(dataDir, warn, layer);
    const close = db.close.bind(db);
    db.close = async () => {
      try {
        await close();
      } finally {
        release();
      }
    };
    return db;
  } catch (err) {
    release();
    throw err;
  }
}

/** openPglite's work, with the data directory's lock (pglite-lock.ts) held. */
async function openIn(dataDir: string | undefined, warn: (msg: string) => void, layer?: PgliteLayer): Promise<PGlite> {
  let template: string | undefined;
  const isNew = dataDir === undefined || fresh(dataDir);
  if (isNew) {
    try {
      template = await pgliteTemplate(layer);
    } catch (err) {
      warn(layer === undefined ? `PGlite template unavailable, running initdb: ${(err as Error).message}` : `PGlite template layer ${layer.key} unavailable: ${(err as Error).message}`);
      if (layer !== undefined) {
        try {
          template = await pgliteTemplate();
        } catch (err2) {
          warn(`PGlite template unavailable, running initdb: ${(err2 as Error).message}`);
        }
      }
    }
  }
  if (dataDir === undefined) {
    if (template === undefined) return PGlite.create(serving());
    return PGlite.create({ loadDataDir: new Blob([readFileSync(join(template, "pgdata.tar"))]), ...serving() });
  }
  if (isNew) {
    // made beside it (a copy of the template, or initdb's work) and renamed into place: a process
    // killed meanwhile leaves no half database behind (the next start makes it again)
    const part = `${dataDir}.part-${process.pid}`;
    mkdirSync(dirname(dataDir), { recursive: true });
    if (template !== undefined) cpSync(join(template, "pgdata"), part, { recursive: true });
    else await (await PGlite.create({ dataDir: part, ...serving() })).close();
    rmSync(dataDir, { recursive: true, force: true }); // missing or empty
    renameSync(part, dataDir);
  }
  return PGlite.create({ dataDir, ...serving() });
}

/** The options of every database openPglite serves: its start parameters, Bytes in and out as codec.ts holds them. */
function serving() {
  return { startParams: startParams(), parsers: BYTEA_PARSERS, serializers: BYTEA_SERIALIZERS };
}
