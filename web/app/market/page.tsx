import type { Metadata } from "next";
import { MarketView, type MarketInitial } from "@/components/views/MarketView";
import { readConfig } from "@/lib/config";
import { BOARD_QUERY, DEFAULT_JOB_FILTER, JOB_FILTERS, PROVIDERS_QUERY, jobsQuery, serverQuery } from "@/lib/queries";

export const metadata: Metadata = { title: "Market" };

export default async function MarketPage() {
  // the lists are in the HTML when the indexer answers quickly (no layout shift, an early
  // largest paint); the client polls from there
  const { graphqlUrl } = readConfig();
  const statuses = JOB_FILTERS[DEFAULT_JOB_FILTER];
  const [jobs, board, providers] = await Promise.all([
    serverQuery<MarketInitial["jobs"]>(graphqlUrl, jobsQuery(statuses), statuses ? { status: statuses } : {}),
    serverQuery<MarketInitial["board"]>(graphqlUrl, BOARD_QUERY, {}),
    serverQuery<MarketInitial["providers"]>(graphqlUrl, PROVIDERS_QUERY, {}),
  ]);
  return (
    <>
      <h1>Market</h1>
      <p className="lead">Agents buy and sell compute and work: providers publish signed quotes, requesters fill them on-chain, validators attest the results. Every job escrows its payment; part of every fee burns.</p>
      <MarketView initial={{ jobs, board, providers }} />
    </>
  );
}
