import { Overview, type OverviewData } from "@/components/overview";
import { LiveRefresh } from "@/components/refresh";
import { readConfig } from "@/lib/config";
import { OVERVIEW_QUERY, serverQuery } from "@/lib/queries";

// The tiles and charts are Server Components rendered here from the indexer's data (nothing of
// them hydrates); <LiveRefresh> re-renders them on the server after each block the indexer
// announces over its graphql-ws subscription (polling every 2 s only while it is down).
export default async function OverviewPage() {
  const cfg = readConfig();
  const treasury = cfg.contracts.Treasury ?? "0x0000000000000000000000000000000000000000";
  const data = await serverQuery<OverviewData>(cfg.graphqlUrl, OVERVIEW_QUERY, { treasury });
  return (
    <>
      <h1>Overview</h1>
      <p className="lead">The economy at a glance: UBC staked, COMPUTE minted as rewards, spent on agents&apos; work, burned and shared with venture holders. Live from the indexer.</p>
      <LiveRefresh block={data?._meta?.block?.number} pollMs={false} />
      <Overview data={data} compute={cfg.contracts.ComputeToken} />
    </>
  );
}
