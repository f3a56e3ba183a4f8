// A small shared polling store for the few reads the market page makes in the browser (the
// connected wallet's agents, its COMPUTE balance and allowance, the chain's clock), so that the
// market does not load react-query (~8 kB gz, one more script before the largest paint and its
// start-up work) for them. One entry per key, however many components read it: one request per
// poll, one shared chain clock. Polls only while some component reads the key; reads again after
// every confirmed write (onWritten, as <QueryProvider> does for react-query's reads).
import { onWritten } from "./written.ts";

export interface Polled<T> {
  data: T | undefined;
  /** The last read's error (the previous data stays), null after a successful read. */
  error: Error | null;
  /** No data and no error yet (also while disabled: key null). */
  isPending: boolean;
}

interface Entry {
  state: Polled<unknown>;
  listeners: Set<() => void>;
  fn: (signal: AbortSignal) => Promise<unknown>;
  pollMs: number;
  timers: ReturnType<typeof setTimeout>[];
  interval?: ReturnType<typeof setInterval>;
  offWritten?: () => void;
  ctrl?: AbortController;
}

export const PENDING: Polled<never> = { data: undefined, error: null, isPending: true };
const entries = new Map<string, Entry>();

function set(e: Entry, state: Polled<unknown>) {
  e.state = state;
  for (const l of e.listeners) l();
}

/** Reads now; a read still in flight is superseded (its result dropped). */
function read(e: Entry) {
  e.ctrl?.abort();
  const ctrl = (e.ctrl = new AbortController());
  e.fn(ctrl.signal).then(
    (data) => {
      if (!ctrl.signal.aborted) set(e, { data, error: null, isPending: false });
    },
    (err: unknown) => {
      if (ctrl.signal.aborted) return;
      set(e, { data: e.state.data, error: err instanceof Error ? err : new Error(String(err)), isPending: false });
    },
  );
}

function start(e: Entry) {
  read(e);
  e.interval = setInterval(() => {
    if (typeof document === "undefined" || document.visibilityState === "visible") read(e);
  }, e.pollMs);
  // after a write: now, and as the indexer catches up with the chain (a block or two)
  e.offWritten = onWritten(() => {
    read(e);
    for (const ms of [1200, 3000, 6000]) e.timers.push(setTimeout(() => read(e), ms));
  });
}

function stop(e: Entry) {
  clearInterval(e.interval);
  e.timers.forEach(clearTimeout);
  e.timers = [];
  e.offWritten?.();
  e.ctrl?.abort();
  e.ctrl = undefined;
}

/** Forgets every entry (tests). */
export function resetPolls() {
  for (const e of entries.values()) stop(e);
  entries.clear();
}

/**
 * Subscribes `listener` to the read `key` (created with `fn` and `pollMs` on first use): the first
 * subscriber starts it, the last one stops it (the data stays for the next). Returns the unsubscribe.
 */
export function subscribePoll(key: string, fn: (signal: AbortSignal) => Promise<unknown>, pollMs: number, listener: () => void): () => void {
  let e = entries.get(key);
  if (!e) entries.set(key, (e = { state: PENDING, listeners: new Set(), fn, pollMs, timers: [] }));
  else e.fn = fn;
  const entry = e;
  entry.listeners.add(listener);
  if (entry.listeners.size === 1) start(entry);
  return () => {
    entry.listeners.delete(listener);
    if (entry.listeners.size === 0) stop(entry);
  };
}

export function pollState<T>(key: string | null): Polled<T> {
  return ((key !== null && entries.get(key)?.state) || PENDING) as Polled<T>;
}

