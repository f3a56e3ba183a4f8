import { OverviewView } from "@/components/views/OverviewView";
import { readConfig } from "@/lib/config";
import { OVERVIEW_QUERY, serverQuery } from "@/lib/queries";

export default async function OverviewPage() {
  // the numbers are in the HTML when the indexer answers quickly; the client polls from there
  const cfg = readConfig();
  const treasury = cfg.contracts.Treasury ?? "0x0000000000000000000000000000000000000000";
  const initial = await serverQuery(cfg.graphqlUrl, OVERVIEW_QUERY, { treasury });
  return (
    <>
      <h1>Overview</h1>
      <p className="lead">The economy at a glance: UBC staked, COMPUTE minted as rewards, spent on agents&apos; work, burned and shared with venture holders. Live from the indexer.</p>
      <OverviewView initial={initial} />
    </>
  );
}
