"use client";
// The agents the connected address may act for (as owner or as bound wallet). Read through the
// shared poll store (./poll.ts), not react-query: the market page reads it and stays without
// react-query; nothing is read until a wallet is connected.
import { graphql } from "@/lib/api";
import { useConnection } from "./wallet";
import { usePoll } from "./poll";
import { useApp } from "./Providers";

export interface MyAgent { id: string; agentId: string; roles: number; wallet: string | null; owner: { id: string }; cardURI: string; marketCredit: string }

const MY_AGENTS = `query MyAgents($me: Bytes!) {
  agents(first: 100, where: { or: [{ owner: $me }, { wallet: $me }] }, orderBy: agentId) { id agentId roles wallet owner { id } cardURI marketCredit }
}`;

export function useMyAgents() {
  const { cfg } = useApp();
  const connection = useConnection();
  const me = connection.address?.toLowerCase();
  const q = usePoll(me ? `my-agents ${cfg.graphqlUrl} ${me}` : null,
    (signal) => graphql<{ agents: MyAgent[] }>(cfg.graphqlUrl, MY_AGENTS, { me }, signal), 8000);
  return { me, q, agents: q.data?.agents ?? [] };
}
