import { OverviewView } from "@/components/views/OverviewView";

export default function OverviewPage() {
  return (
    <>
      <h1>Overview</h1>
      <p className="lead">The economy at a glance: UBC staked, COMPUTE minted as rewards, spent on agents&apos; work, burned and shared with venture holders. Live from the indexer.</p>
      <OverviewView />
    </>
  );
}
