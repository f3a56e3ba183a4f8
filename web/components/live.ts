"use client";
// Live updates from the indexer over GraphQL subscriptions (the graphql-ws protocol,
// "graphql-transport-ws", on the GraphQL URL with ws:// or wss://): the indexer pushes `_meta`
// after every indexed block, and the page re-reads its query then, instead of polling. A subgraph
// URL (no subscriptions) or a refused socket leaves `live` false: the caller polls as before.
import { useEffect, useRef, useState } from "react";

const BLOCKS = "subscription LiveBlocks { _meta { block { number } } }";

/** Calls `onBlock` with each newly indexed block number; true while the subscription is up. */
export function useLiveBlocks(graphqlUrl: string, onBlock: (block: number) => void): boolean {
  const [live, setLive] = useState(false);
  const callback = useRef(onBlock);
  useEffect(() => {
    callback.current = onBlock;
  }, [onBlock]);

  useEffect(() => {
    let url: string;
    try {
      const u = new URL(graphqlUrl, window.location.href);
      u.protocol = u.protocol === "https:" ? "wss:" : "ws:";
      url = u.toString();
    } catch {
      return;
    }
    let socket: WebSocket | null = null;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let failures = 0;
    let stopped = false;
    let last = -1;

    const open = () => {
      if (stopped) return;
      const ws = new WebSocket(url, "graphql-transport-ws");
      socket = ws;
      ws.onopen = () => ws.send(JSON.stringify({ type: "connection_init" }));
      ws.onmessage = (ev) => {
        let msg: { type?: string; id?: string; payload?: { data?: { _meta?: { block?: { number?: number } } } } };
        try {
          msg = JSON.parse(String(ev.data)) as typeof msg;
        } catch {
          return;
        }
        if (msg.type === "connection_ack") {
          failures = 0;
          setLive(true);
          ws.send(JSON.stringify({ id: "blocks", type: "subscribe", payload: { query: BLOCKS } }));
        } else if (msg.type === "ping") {
          ws.send(JSON.stringify({ type: "pong" }));
        } else if (msg.type === "next" && msg.id === "blocks") {
          const n = msg.payload?.data?._meta?.block?.number;
          // the first message is the block the page was rendered at or near: re-read anyway (cheap)
          if (typeof n === "number" && n !== last) {
            last = n;
            callback.current(n);
          }
        } else if (msg.type === "error" || msg.type === "complete") {
          ws.close();
        }
      };
      ws.onclose = () => {
        setLive(false);
        if (stopped) return;
        // back off: 1 s, 2 s, 4 s … up to 30 s; the caller polls meanwhile
        failures++;
        retry = setTimeout(open, Math.min(30_000, 1000 * 2 ** Math.min(failures - 1, 5)));
      };
    };
    open();
    return () => {
      stopped = true;
      clearTimeout(retry);
      if (socket && socket.readyState <= WebSocket.OPEN) socket.close();
    };
  }, [graphqlUrl]);

  return live;
}
