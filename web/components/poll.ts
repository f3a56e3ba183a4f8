"use client";
// The React side of lib/poll.ts (the shared polling store the market page reads through instead of react-query).
import { useEffect, useRef, useSyncExternalStore } from "react";
import { PENDING, pollState, subscribePoll, type Polled } from "@/lib/poll";

export type { Polled } from "@/lib/poll";

/**
 * The shared read `key` (null: disabled), re-read every `pollMs` while the tab is visible and after
 * every write. `fn` reads it; the key must name everything `fn` depends on.
 */
export function usePoll<T>(key: string | null, fn: (signal: AbortSignal) => Promise<T>, pollMs: number): Polled<T> {
  const latest = useRef(fn);
  useEffect(() => {
    latest.current = fn;
  });
  const subscribe = useRef<{ key: string | null; sub: (l: () => void) => () => void }>(null);
  if (subscribe.current?.key !== key) {
    subscribe.current = {
      key,
      sub: key === null ? () => () => undefined : (l) => subscribePoll(key, (s) => latest.current(s), pollMs, l),
    };
  }
  return useSyncExternalStore(subscribe.current.sub, () => pollState<T>(key), () => PENDING);
}
