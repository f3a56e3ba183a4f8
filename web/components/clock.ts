"use client";
// The chain's clock, one for the page (a shared poll of the latest block: ./poll.ts), without
// react-query: the market page shows quote expiries by it.
import { useEffect, useState } from "react";
import { usePoll } from "./poll";
import { useApp } from "./Providers";

/** Seconds the chain's latest block is ahead of this machine's clock (one plain JSON-RPC call: no viem client code). */
async function chainOffset(rpcUrl: string, signal: AbortSignal): Promise<number> {
  const res = await fetch(rpcUrl, {
    method: "POST", headers: { "content-type": "application/json" }, signal,
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_getBlockByNumber", params: ["latest", false] }),
  });
  const body = (await res.json()) as { result?: { timestamp?: string } };
  if (!body.result?.timestamp) throw new Error(`the node at ${rpcUrl} returned no latest block`);
  return Number(BigInt(body.result.timestamp)) - Date.now() / 1000;
}

/**
 * The chain's clock in unix seconds, ticking every second after mount (0 before): the latest
 * block's timestamp plus the wall time since it was read, so a devnet whose time was moved
 * forward (evm_increaseTime) still shows locks and deadlines as the contracts see them.
 */
export function useChainNow(): number {
  const { cfg } = useApp();
  const offset = usePoll(`chain-clock ${cfg.rpcUrl}`, (signal) => chainOffset(cfg.rpcUrl, signal), 5000);
  const [now, setNow] = useState(0);
  const off = offset.data ?? 0;
  useEffect(() => {
    const tick = () => setNow(Math.floor(Date.now() / 1000 + Math.max(0, off)));
    tick();
    const t = setInterval(tick, 1000);
    return () => clearInterval(t);
  }, [off]);
  return now;
}
