// One process per PGlite data directory, and a directory a killed start left behind opens again.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { openPglite } from "./pglite-template.ts";
import { DataDirLockedError } from "./pglite-lock.ts";

const templateModule = fileURLToPath(new URL("./pglite-template.ts", import.meta.url));

test("a PGlite directory whose postmaster.pid a killed start left empty opens with its data", async () => {
  const base = mkdtempSync(join(tmpdir(), "ubc-lock-test-"));
  try {
    const dir = join(base, "data");
    const db = await openPglite(dir);
    await db.exec("CREATE TABLE t (v int); INSERT INTO t VALUES (7)");
    await db.close();
    // What a SIGKILL between PostgreSQL creating its lock file and writing it leaves (found by
    // killing PGlite at random moments of its start); PostgreSQL alone refuses to start on it.
    writeFileSync(join(dir, "postmaster.pid"), "");
    // and the copies of killed starts beside it
    mkdirSync(join(base, "data.part-999999999"));
    const again = await openPglite(dir);
    try {
      assert.deepEqual((await again.query<{ v: number }>("SELECT v FROM t")).rows, [{ v: 7 }]);
    } finally {
      await again.close();
    }
    assert.deepEqual(readdirSync(base).sort(), ["data"], "no lock and no leftover part beside the directory once closed");
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});

test("a PGlite directory is opened by one process at a time; a killed holder's lock is taken over", async () => {
  const base = mkdtempSync(join(tmpdir(), "ubc-lock-test-"));
  const dir = join(base, "data");
  const child = spawn(
    process.execPath,
    ["--input-type=module", "-e", `const { openPglite } = await import(${JSON.stringify(templateModule)}); const db = await openPglite(${JSON.stringify(dir)}); await db.exec("CREATE TABLE t (v int); INSERT INTO t VALUES (1)"); console.log("open"); setInterval(() => {}, 1000);`],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  try {
    await new Promise<void>((resolve, reject) => {
      createInterface({ input: child.stdout! }).on("line", (l) => l === "open" && resolve());
      child.once("exit", (code) => reject(new Error(`the holder exited (${code})`)));
    });
    assert.equal(readFileSync(`${dir}.lock`, "utf8").trim(), String(child.pid), "the lock names its holder");
    await assert.rejects(openPglite(dir), (err: unknown) => {
      assert.ok(err instanceof DataDirLockedError);
      assert.equal(err.pid, child.pid);
      assert.match(err.message, new RegExp(`in use by process ${child.pid}`));
      return true;
    });
    assert.ok(existsSync(join(dir, "PG_VERSION")), "the refused open changed nothing");

    child.kill("SIGKILL");
    await new Promise((resolve) => child.once("exit", resolve));
    const db = await openPglite(dir); // the holder is gone: its lock is stale
    try {
      assert.deepEqual((await db.query<{ v: number }>("SELECT v FROM t")).rows, [{ v: 1 }]);
      assert.equal(readFileSync(`${dir}.lock`, "utf8").trim(), String(process.pid));
      await assert.rejects(openPglite(dir), /already open in this process/);
    } finally {
      await db.close();
    }
    assert.ok(!existsSync(`${dir}.lock`), "closing releases the lock");
    const reopened = await openPglite(dir);
    await reopened.close();
  } finally {
    child.kill("SIGKILL");
    rmSync(base, { recursive: true, force: true });
  }
});
