"use client";
// Data hooks: GraphQL from the indexer (polled for live updates) and contract reads over RPC.
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

export { useChainNow } from "./clock";
