// The worker thread that owns a PGlite database (see PgliteThreadDatabase in adapter.ts).
//
// PGlite runs PostgreSQL in WebAssembly on the thread that calls it: in the indexer's thread, its
// work (about half of the CPU of a backfill) and the indexer's own (fetching, parsing,
// projecting, encoding COPY text) took turns on one core. Here it runs beside them.
//
// Protocol (one message per request, answered by one reply with the same id):
//   open {dataDir}                  opens the database (the template copy or initdb is done here)
//   query {tx?, sql, params}        -> rows
//   exec {tx?, sql}
//   copy {tx?, sql, bytes}          COPY … FROM '/dev/blob' with the bytes (transferred)
//   begin {tx}                      answered once the transaction has begun (it holds PGlite);
//                                   its requests may follow at once, and `end` always does
//   end {tx, commit}                commits (or rolls back) and answers once that is done
//   close
// A request with `tx` runs inside that transaction; without, on its own (after any open
// transaction, as PGlite orders them). Errors come back with their message and the fields of
// PostgreSQL's error (code, detail, constraint, …).
import { parentPort } from "node:worker_threads";
import type { PGlite, Transaction } from "@electric-sql/pglite";
import { openPglite } from "./pglite-template.ts";

export type Request =
  | { id: number; op: "open"; dataDir: string | undefined }
  | { id: number; op: "query"; tx?: number; sql: string; params: unknown[] }
  | { id: number; op: "exec"; tx?: number; sql: string }
  | { id: number; op: "copy"; tx?: number; sql: string; bytes: Uint8Array }
  | { id: number; op: "begin"; tx: number }
  | { id: number; op: "end"; tx: number; commit: boolean }
  | { id: number; op: "close" };

export type Reply = { id: number; ok: true; rows?: unknown[] } | { id: number; ok: false; error: SerializedError } | { id: -1; warn: string };

export interface SerializedError {
  message: string;
  name: string;
  fields: Record<string, string | number>;
}

/** PostgreSQL's error fields (PGlite's DatabaseError), kept across the thread boundary. */
const ERROR_FIELDS = ["code", "severity", "detail", "hint", "position", "internalPosition", "internalQuery", "where", "schema", "table", "column", "dataType", "constraint", "file", "line", "routine"];

export function serializeError(err: unknown): SerializedError {
  const e = err as Record<string, unknown>;
  const fields: Record<string, string | number> = {};
  for (const k of ERROR_FIELDS) if (typeof e?.[k] === "string" || typeof e?.[k] === "number") fields[k] = e[k] as string | number;
  return { message: err instanceof Error ? err.message : String(err), name: err instanceof Error ? err.name : "Error", fields };
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve(v: T): void;
  reject(e: unknown): void;
}
function deferred<T>(): Deferred<T> {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((a, b) => ((resolve = a), (reject = b)));
  promise.catch(() => undefined); // awaited by whoever needs it
  return { promise, resolve, reject };
}

/** Thrown inside PGlite's transaction callback to make it roll back. */
const ROLLBACK = Symbol("rollback");

interface OpenTx {
  /** The transaction, once PGlite has begun it. */
  ready: Deferred<Transaction>;
  /** Resolved with true (commit) or false (roll back) by `end`. */
  end: Deferred<boolean>;
  /** PGlite's transaction() call: settles after COMMIT or ROLLBACK. */
  done: Promise<unknown>;
}

if (parentPort === null) throw new Error("pglite-worker.ts runs in a worker thread");
const port = parentPort;
/** The database being opened, then open; every request waits for it (and fails if it failed). */
let opening: Promise<PGlite> | undefined;
const txs = new Map<number, OpenTx>();

async function open(): Promise<PGlite> {
  if (opening === undefined) throw new Error("the database is not open");
  return opening;
}

async function target(tx: number | undefined): Promise<PGlite | Transaction> {
  if (tx === undefined) return open();
  const t = txs.get(tx);
  if (t === undefined) throw new Error(`transaction ${tx} is not open`);
  return t.ready.promise;
}

async function handle(m: Request): Promise<unknown[] | undefined> {
  switch (m.op) {
    case "open":
      opening = openPglite(m.dataDir, (msg) => port.postMessage({ id: -1, warn: msg } satisfies Reply));
      opening.catch(() => undefined); // reported to every request
      await opening;
      return undefined;
    case "query":
      return (await (await target(m.tx)).query(m.sql, m.params)).rows;
    case "exec":
      await (await target(m.tx)).exec(m.sql);
      return undefined;
    case "copy":
      await (await target(m.tx)).query(m.sql, [], { blob: new Blob([m.bytes as BlobPart]) });
      return undefined;
    case "begin": {
      // registered at once: the transaction's first requests follow this one without waiting
      // for its answer (they wait for `ready` here)
      if (txs.has(m.tx)) throw new Error(`transaction ${m.tx} is already open`);
      const t: OpenTx = { ready: deferred(), end: deferred(), done: Promise.resolve() };
      txs.set(m.tx, t);
      t.done = open().then((db) =>
        db.transaction(async (tx) => {
          t.ready.resolve(tx);
          if (!(await t.end.promise)) throw ROLLBACK;
        }),
      );
      t.done.catch((err) => {
        t.ready.reject(err); // BEGIN itself failed (else already resolved: no effect)
      });
      await t.ready.promise; // (a failure is also `end`'s, which the caller always sends)
      return undefined;
    }
    case "end": {
      const t = txs.get(m.tx);
      if (t === undefined) throw new Error(`transaction ${m.tx} is not open`);
      t.end.resolve(m.commit);
      try {
        await t.done;
      } catch (err) {
        if (err !== ROLLBACK) throw err;
      } finally {
        txs.delete(m.tx);
      }
      return undefined;
    }
    case "close":
      await (await opening?.catch(() => undefined))?.close();
      opening = undefined;
      return undefined;
  }
}

port.on("message", (m: Request) => {
  handle(m).then(
    (rows) => port.postMessage({ id: m.id, ok: true, rows } satisfies Reply),
    (err) => port.postMessage({ id: m.id, ok: false, error: serializeError(err) } satisfies Reply),
  );
});
