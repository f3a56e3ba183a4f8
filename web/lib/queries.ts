// GraphQL queries that the server also runs for the first render (a page's numbers are in its
// HTML, then polled by the client). Plain module: importable from server and client code.

export const OVERVIEW_QUERY = `query Overview($treasury: ID!) {
  protocol(id: "protocol") {
    ubcTotalSupply computeTotalSupply computeTotalMinted computeTotalBurned totalStaked rewardsReserved rewardsClaimed
    budgetLeft positionCount ventureInvested agentCount jobCount jobsSettled marketVolume marketBurned protocolFees
    validationFees treasuryPaid burnShareBps activeValidatorCount ventureCount lastBlock
  }
  dailyStats(first: 90, orderBy: date, orderDirection: desc) {
    date computeMinted computeBurned computeTotalSupply computeTotalBurned totalStaked marketVolume ventureInvested rewardsClaimed
  }
  treasury: account(id: $treasury) { ubcBalance computeBalance }
  ventures(first: 200, orderBy: createdAtBlock, orderDirection: desc) { revenueTokens revenueDistributed }
}`;

/** Runs a query from the server with a short deadline; undefined when the indexer is slow or down (the client then asks). */
export async function serverQuery<T>(url: string, query: string, variables: Record<string, unknown>, timeoutMs = 800): Promise<T | undefined> {
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
