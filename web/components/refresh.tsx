"use client";
// The live refresh of server-rendered pages (the overview, the market): their tables, tiles and
// charts are Server Components, rendered from the indexer's data and never hydrated; this island
// re-renders them on the server (router.refresh(): client state such as a form's or a filter's
// stays) when the indexer announces a block newer than the one the page was rendered at.
import { useRouter } from "next/navigation";
import { useEffect, useRef, useTransition } from "react";
import { useLiveBlocks } from "./live";
import { useApp } from "./Providers";

/**
 * Re-renders the page on the server when the indexer reports a block newer than `block` (the one
 * the page was rendered at; undefined when the server had no data: the first block reported then
 * refreshes): at most every `minMs`, the last block of a burst included. Also every `pollMs` while
 * the subscription is up (`false`: never; the market polls for off-chain quotes, which no block
 * announces), and every `fallbackMs` while it is down (a subgraph URL, a refused connection).
 */
export function LiveRefresh({ block, minMs = 2000, pollMs = 3000, fallbackMs = 2000 }: { block?: number; minMs?: number; pollMs?: number | false; fallbackMs?: number }) {
  const router = useRouter();
  const { cfg } = useApp();
  const [pending, startTransition] = useTransition();
  const state = useRef({ last: 0, rendered: block ?? -1, trailing: undefined as ReturnType<typeof setTimeout> | undefined, pending: false });
  state.current.pending = pending;
  // a refresh brings the block of its render
  useEffect(() => {
    if (block !== undefined) state.current.rendered = Math.max(state.current.rendered, block);
  }, [block]);
  const refresh = useRef<() => void>(() => undefined);
  refresh.current = () => {
    const s = state.current;
    if (s.trailing !== undefined) return;
    const wait = s.last + minMs - Date.now();
    if (s.pending || document.visibilityState !== "visible" || wait > 0) {
      s.trailing = setTimeout(() => {
        s.trailing = undefined;
        refresh.current();
      }, Math.max(wait, 250));
      return;
    }
    s.last = Date.now();
    startTransition(() => router.refresh());
  };
  const live = useLiveBlocks(cfg.graphqlUrl, (n) => {
    if (n > state.current.rendered) refresh.current();
  });
  useEffect(() => {
    const every = live ? pollMs : fallbackMs;
    if (every === false) return;
    const t = setInterval(() => refresh.current(), every);
    return () => clearInterval(t);
  }, [live, pollMs, fallbackMs]);
  useEffect(() => () => clearTimeout(state.current.trailing), []);
  return null;
}
