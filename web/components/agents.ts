"use client";
// The agents the connected address may act for (as owner or as bound wallet).
import { useConnection } from "./wallet";
import { useGql } from "./data";

export interface MyAgent { id: string; agentId: string; roles: number; wallet: string | null; owner: { id: string }; cardURI: string; marketCredit: string }

const MY_AGENTS = `query MyAgents($me: Bytes!) {
  agents(first: 100, where: { or: [{ owner: $me }, { wallet: $me }] }, orderBy: agentId) { id agentId roles wallet owner { id } cardURI marketCredit }
}`;

export function useMyAgents() {
  const connection = useConnection();
  const me = connection.address?.toLowerCase();
  const q = useGql<{ agents: MyAgent[] }>(MY_AGENTS, { me: me ?? "" }, { enabled: Boolean(me), pollMs: 8000 });
  return { me, q, agents: q.data?.agents ?? [] };
}
