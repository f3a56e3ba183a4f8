// The agents directory (/agents): which agents, in which order. The role filter and the order are
// search parameters (?role=provider&sort=earned) the server renders the table for; anything unknown
// falls back to the defaults. Pure, tested in agentlist.test.ts.

/** ?sort= → the Agent field the indexer orders by (descending). */
export const AGENT_SORTS = {
  settled: { field: "jobsSettled", label: "Jobs settled" },
  earned: { field: "earned", label: "Earned" },
  spent: { field: "spent", label: "Spent" },
  rated: { field: "feedbackCount", label: "Ratings" },
  newest: { field: "registeredAt", label: "Newest" },
} as const;
export type AgentSort = keyof typeof AGENT_SORTS;

/** ?role= → the role bit (AgentRoles: provider 1, requester 2, validator 4), or null for every agent. */
export const AGENT_ROLES = { all: null, provider: 1, requester: 2, validator: 4 } as const;
export type AgentRole = keyof typeof AGENT_ROLES;

export function agentListParams(p: Record<string, string | string[] | undefined>): { role: AgentRole; sort: AgentSort } {
  const one = (v: string | string[] | undefined) => (typeof v === "string" ? v : undefined);
  const role = one(p.role);
  const sort = one(p.sort);
  return {
    role: role !== undefined && Object.hasOwn(AGENT_ROLES, role) ? (role as AgentRole) : "all",
    sort: sort !== undefined && Object.hasOwn(AGENT_SORTS, sort) ? (sort as AgentSort) : "settled",
  };
}

/** The directory's query: the first 200 agents in the chosen order (the role is filtered after: roles are a bit set). */
export function agentsQuery(sort: AgentSort): string {
  return `{
  agents(first: 200, orderBy: ${AGENT_SORTS[sort].field}, orderDirection: desc) {
    id agentId roles owner { id } cardURI registeredAt jobsRequested jobsProvided jobsSettled jobsDeclined jobsUndelivered earned spent feedbackCount feedbackScoreSum
  }
  _meta { block { number } }
}`;
}

export function withRole<A extends { roles: number }>(agents: A[], role: AgentRole): A[] {
  const bit = AGENT_ROLES[role];
  return bit === null ? agents : agents.filter((a) => (a.roles & bit) !== 0);
}
