// GraphQL queries that the server also runs for the first render (a page's numbers are in its
// HTML, then polled by the client). Plain module: importable from server and client code.

export const OVERVIEW_QUERY = `query Overview($treasury: ID!) {
  protocol(id: "protocol") {
    ubcTotalSupply computeTotalSupply computeTotalMinted computeTotalBurned totalStaked rewardsReserved rewardsClaimed
    budgetLeft positionCount ventureInvested agentCount jobCount jobsSettled marketVolume marketBurned protocolFees
    validationFees treasuryPaid burnShareBps activeValidatorCount ventureCount lastBlock
  }
  dailyStats(first: 90, orderBy: date, orderDirection: desc) {
    date computeBurned computeTotalSupply computeTotalBurned totalStaked marketVolume ventureInvested rewardsClaimed
  }
  treasury: account(id: $treasury) { ubcBalance computeBalance }
  ventures(first: 200, orderBy: createdAtBlock, orderDirection: desc) { revenueTokens revenueDistributed }
  _meta { block { number } }
}`;

/** The market's jobs, newest first, optionally by status (null: every status). */
export function jobsQuery(statuses: string[] | null): string {
  return `query Jobs${statuses ? "($status: [String!])" : ""} {
  workRequests(first: 50, orderBy: createdAt, orderDirection: desc${statuses ? ", where: { status_in: $status }" : ""}) {
    id jobId status value resourceKind units createdAt acceptDeadline deliveryDeadline requester { id } provider { id }
  }
}`;
}

/** The market's "Show" filter of jobs: option value → statuses (null: all). Closed jobs (cancelled, expired, declined) show under "all". */
export const JOB_FILTERS: Record<string, string[] | null> = {
  active: ["open", "accepted", "submitted", "validated", "disputed", "resolved"],
  open: ["open"],
  all: null,
  settled: ["settled"],
};
export const DEFAULT_JOB_FILTER = "active";

export const BOARD_QUERY = `{
  quotes(first: 200, where: { status: "open" }, orderBy: unitPrice, orderDirection: asc) {
    id providerAgentId provider { id feedbackCount feedbackScoreSum } resourceKind units unitPrice totalPrice expiry nonce requester deliveryPeriod signature status
  }
  requestForQuotes(first: 50, open: true) { id requesterAgentId resourceKind units maxUnitPrice expiry postedAt bestQuotes(first: 3) { id unitPrice } }
  _meta { block { number timestamp } }
}`;

export const PROVIDERS_QUERY = `{
  agents(first: 200, orderBy: jobsSettled, orderDirection: desc) {
    id agentId roles owner { id } cardURI jobsProvided jobsSettled jobsDeclined jobsUndelivered earned feedbackCount feedbackScoreSum
  }
}`;

/** Runs a query from the server with a short deadline; undefined when the indexer is slow or down (the client then asks). */
export async function serverQuery<T>(url: string, query: string, variables: Record<string, unknown>, timeoutMs = 2000): Promise<T | undefined> {
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query, variables }),
      cache: "no-store",
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!res.ok) return undefined;
    const body = (await res.json()) as { data?: T; errors?: unknown[] };
    return body.errors?.length ? undefined : body.data;
  } catch {
    return undefined;
  }
}
