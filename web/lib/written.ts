// The "a write was confirmed" signal (a transaction mined, an API action done): the transaction
// provider (components/Providers.tsx) calls notifyWritten(); the reads that should follow it
// (react-query's in components/query.tsx, the shared polls of lib/poll.ts) subscribe with onWritten.
const written = new Set<() => void>();

/** Calls `fn` after every confirmed write or API action (e.g. to read the data again); returns the unsubscribe. */
export function onWritten(fn: () => void): () => void {
  written.add(fn);
  return () => {
    written.delete(fn);
  };
}

export function notifyWritten(): void {
  for (const fn of [...written]) fn();
}
