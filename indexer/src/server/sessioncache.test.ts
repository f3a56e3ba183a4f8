// The session cache of auth.ts against a scripted database: a sign-out that happens while a
// session read is in flight is not undone by that read (neither cached, nor shared with the
// requests that come after the sign-out), and notifications from other processes drop sessions.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Database, Row } from "../database/adapter.ts";
import { AuthService } from "./auth.ts";

/** A database whose session reads wait for `release()`, answering from the `revoked` flag as it was when they started. */
function scriptedDb() {
  let revoked = false;
  const gates: (() => void)[] = [];
  let notify: ((payload: string) => void) | undefined;
  let reads = 0;
  const db = {
    kind: "pglite",
    schema: "test",
    async query<T extends Row>(sql: string): Promise<T[]> {
      if (sql.includes("FROM _sessions WHERE token_hash")) {
        reads++;
        const seen = revoked; // the statement's snapshot is taken when it starts
        await new Promise<void>((r) => gates.push(r));
        return (seen ? [] : [{ address: "0xabc", expires_at: String(Math.floor(Date.now() / 1000) + 3600) }]) as unknown as T[];
      }
      if (sql.includes("UPDATE _sessions SET revoked = true")) {
        const was = revoked;
        revoked = true;
        return (was ? [] : [{ address: "0xabc" }]) as unknown as T[];
      }
      return [];
    },
    async exec() {},
    async copyFrom() {},
    async transaction() {
      throw new Error("not used");
    },
    async tryWriterLock() {
      return true;
    },
    async listen(_channel: string, onMessage: (payload: string) => void) {
      notify = onMessage;
      return async () => undefined;
    },
    async close() {},
  } as unknown as Database;
  return {
    db,
    release: () => gates.splice(0).forEach((g) => g()),
    pending: () => gates.length,
    reads: () => reads,
    notify: (p: string) => notify!(p),
    revokeElsewhere: () => (revoked = true),
  };
}

const until = async (f: () => boolean) => {
  const t0 = Date.now();
  while (!f()) {
    if (Date.now() - t0 > 3_000) throw new Error("the expected session read did not start");
    await new Promise((r) => setImmediate(r));
  }
};

test("a sign-out during a session read: later requests do not join the old read, and it is not cached", async () => {
  const s = scriptedDb();
  const auth = new AuthService(s.db, { domains: [], uriPrefixes: [], chainId: 31337, rpcUrl: "http://127.0.0.1:9" });
  await auth.init();
  try {
    const early = auth.session("token-1"); // read 1 starts (before the sign-out)
    await until(() => s.pending() === 1);
    assert.equal(await auth.logout("token-1"), true);
    const late = auth.session("token-1"); // after the sign-out: a read of its own
    await until(() => s.pending() === 2);
    s.release();
    assert.equal((await early)?.address, "0xabc", "the read that started before the sign-out saw the session then");
    assert.equal(await late, null);
    // nothing was cached from the early read: the next request reads again and is refused
    const again = auth.session("token-1");
    await until(() => s.pending() === 1);
    s.release();
    assert.equal(await again, null);
    assert.equal(s.reads(), 3);
  } finally {
    auth.close();
  }
});

test("sessions are served from memory within the bound, and dropped by a notification from another process", async () => {
  const s = scriptedDb();
  const auth = new AuthService(s.db, { domains: [], uriPrefixes: [], chainId: 31337, rpcUrl: "http://127.0.0.1:9" });
  await auth.init();
  try {
    const first = auth.session("token-2");
    await until(() => s.pending() === 1);
    s.release();
    assert.equal((await first)?.address, "0xabc");
    // concurrent and later requests within the bound: from memory, no read
    const hits = await Promise.all(Array.from({ length: 10 }, () => auth.session("token-2")));
    assert.ok(hits.every((h) => h?.address === "0xabc"));
    assert.equal(s.reads(), 1);
    // another process signs it out: its notification names the token's hash
    s.revokeElsewhere();
    const { createHash } = await import("node:crypto");
    s.notify(createHash("sha256").update("token-2").digest("hex"));
    const after = auth.session("token-2");
    await until(() => s.pending() === 1);
    s.release();
    assert.equal(await after, null);
  } finally {
    auth.close();
  }
});
