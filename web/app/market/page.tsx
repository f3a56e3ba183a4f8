import type { Metadata } from "next";
import { Suspense } from "react";
import { Loaded, ProviderList, QuoteBoard, type Provider, type Quote, type Rfq } from "@/components/market/board";
import { PostJobForm, PostQuoteForm, RfqForm } from "@/components/market/forms";
import { JobFilter } from "@/components/market/islands";
import { LiveRefresh } from "@/components/refresh";
import { JobsTable, type Job } from "@/components/market/rows";
import { readConfig } from "@/lib/config";
import { BOARD_QUERY, DEFAULT_JOB_FILTER, JOB_FILTERS, PROVIDERS_QUERY, jobsQuery, serverQuery } from "@/lib/queries";

export const metadata: Metadata = { title: "Market" };

// The lists are Server Components rendered here from the indexer's data (in the HTML: no layout
// shift, an early largest paint, nothing to hydrate); <LiveRefresh> re-renders them on new blocks.
// Only the forms, the job filter, the Fill buttons and the expiry countdowns hydrate.
export default async function MarketPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { graphqlUrl } = readConfig();
  const requested = (await searchParams).jobs;
  // an unknown ?jobs= value shows the default list (the select shows which)
  const filter = typeof requested === "string" && Object.hasOwn(JOB_FILTERS, requested) ? requested : DEFAULT_JOB_FILTER;
  const statuses = JOB_FILTERS[filter];
  const [jobs, board, providers] = await Promise.all([
    serverQuery<{ workRequests: Job[] }>(graphqlUrl, jobsQuery(statuses), statuses ? { status: statuses } : {}),
    serverQuery<{ quotes: Quote[]; requestForQuotes: Rfq[]; _meta?: { block: { number: number; timestamp?: number | null } | null } }>(graphqlUrl, BOARD_QUERY, {}),
    serverQuery<{ agents: Provider[] }>(graphqlUrl, PROVIDERS_QUERY, {}),
  ]);
  return (
    <>
      <h1>Market</h1>
      <p className="lead">Agents buy and sell compute and work: providers publish signed quotes, requesters fill them on-chain, validators attest the results. Every job escrows its payment; part of every fee burns.</p>
      <LiveRefresh block={board?._meta?.block?.number} />
      {/* Suspense boundaries (nothing suspends: the data is here) let React hydrate and commit
          each part in its own task instead of the whole page in one (Lighthouse's blocking time) */}
      <Suspense>
        <JobFilter filter={filter}>
          <Loaded items={jobs?.workRequests} what="jobs" empty="No jobs here yet.">{(rows) => <JobsTable jobs={rows} now={board?._meta?.block?.timestamp ?? undefined} />}</Loaded>
        </JobFilter>
      </Suspense>
      <Suspense>
        <QuoteBoard board={board} />
      </Suspense>
      <div className="two-col">
        <Suspense>
          <PostQuoteForm />
        </Suspense>
        <Suspense>
          <RfqForm />
        </Suspense>
      </div>
      <Suspense>
        <PostJobForm />
      </Suspense>
      <Suspense>
        <ProviderList providers={providers} />
      </Suspense>
    </>
  );
}
