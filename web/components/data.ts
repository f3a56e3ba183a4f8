"use client";
// Data hooks: GraphQL from the indexer (polled for live updates) and contract reads over RPC.
import { useEffect, useState } from "react";
import { useQuery, type UseQueryResult } from "@tanstack/react-query";
import { graphql } from "@/lib/api";
import { useApp } from "./Providers";
import type { ChainReader } from "./wallet";

/** A GraphQL query against the configured indexer / subgraph URL, re-polled every `pollMs` (false: never). */
export function useGql<T>(query: string, variables?: Record<string, unknown>, opts: { pollMs?: number | false; enabled?: boolean; initialData?: T } = {}): UseQueryResult<T, Error> {
  const { cfg } = useApp();
  return useQuery<T, Error>({
    queryKey: ["gql", cfg.graphqlUrl, query, variables ?? null],
    queryFn: ({ signal }) => graphql<T>(cfg.graphqlUrl, query, variables, signal),
    refetchInterval: opts.pollMs ?? 4000,
    enabled: opts.enabled ?? true,
    initialData: opts.initialData,
    initialDataUpdatedAt: opts.initialData === undefined ? undefined : Date.now(),
  });
}

/** A contract read (or several) over RPC, keyed by `key`, refreshed after every write. */
export function useChainRead<T>(key: readonly unknown[], fn: (client: ChainReader) => Promise<T>, opts: { enabled?: boolean; pollMs?: number } = {}): UseQueryResult<T, Error> {
  const { publicClient, cfg } = useApp();
  return useQuery<T, Error>({
    queryKey: ["chain", cfg.rpcUrl, ...key],
    queryFn: () => fn(publicClient),
    enabled: opts.enabled ?? true,
    refetchInterval: opts.pollMs ?? 8000,
  });
}

/**
 * The chain's clock in unix seconds, ticking every second after mount (0 before): the latest
 * block's timestamp plus the wall time since it was read, so a devnet whose time was moved
 * forward (evm_increaseTime) still shows locks and deadlines as the contracts see them.
 */
export function useChainNow(): number {
  const { cfg } = useApp();
  const offset = useQuery({
    queryKey: ["chain-clock", cfg.rpcUrl],
    // one plain JSON-RPC call: no need for viem's client code on a page that only shows times
    queryFn: async ({ signal }) => {
      const res = await fetch(cfg.rpcUrl, {
        method: "POST", headers: { "content-type": "application/json" }, signal,
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_getBlockByNumber", params: ["latest", false] }),
      });
      const body = (await res.json()) as { result?: { timestamp?: string } };
      if (!body.result?.timestamp) throw new Error(`the node at ${cfg.rpcUrl} returned no latest block`);
      return Number(BigInt(body.result.timestamp)) - Date.now() / 1000;
    },
    refetchInterval: 5000,
  });
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
