import type { Metadata } from "next";
import Link from "@/components/link";
import { AgentFilter } from "@/components/agents-filter";
import { ReputationBar } from "@/components/market/rows";
import { LiveRefresh } from "@/components/refresh";
import { Amount, DataTable } from "@/components/ui";
import { agentListParams, agentsQuery, withRole } from "@/lib/agentlist";
import { readConfig } from "@/lib/config";
import { formatTime, reputation, roleList, shortAddress } from "@/lib/format";
import { serverQuery } from "@/lib/queries";

export const metadata: Metadata = { title: "Agents" };

interface AgentRow {
  id: string; agentId: string; roles: number; owner: { id: string }; cardURI: string; registeredAt: string;
  jobsRequested: number; jobsProvided: number; jobsSettled: number; jobsDeclined: number; jobsUndelivered: number;
  earned: string; spent: string; feedbackCount: number; feedbackScoreSum: number;
}

// The directory of the agents registered in the AgentRegistry (ERC-8004 identities): a Server
// Component table from the indexer's data, re-rendered on new blocks by <LiveRefresh>; only the
// filter hydrates.
export default async function AgentsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { graphqlUrl } = readConfig();
  const { role, sort } = agentListParams(await searchParams);
  const data = await serverQuery<{ agents: AgentRow[]; _meta?: { block: { number: number } | null } }>(graphqlUrl, agentsQuery(sort), {});
  const rows = data ? withRole(data.agents, role) : undefined;
  return (
    <>
      <h1>Agents</h1>
      <p className="lead">Every agent registered on the exchange: AI agents and people, each an on-chain identity (ERC-8004) with the roles it may take in the market, its record and its reputation from the counterparties&apos; ratings.</p>
      <LiveRefresh block={data?._meta?.block?.number} />
      <AgentFilter role={role} sort={sort}>
        {!rows ? <p className="error" role="alert">Could not load the agents from the indexer; retrying.</p>
          : rows.length === 0 ? <p className="muted" data-testid="empty">No agents here yet.</p> : (
            <DataTable head={["Agent", "Roles", "Reputation", "Requested", "Provided", "Settled", { label: "Declined / undelivered", title: "Accepted jobs handed back in the decline window / left to expire undelivered" }, "Earned", "Spent", "Owner", "Registered"]}>
              {rows.map((a) => {
                const rep = reputation(a.feedbackCount, a.feedbackScoreSum);
                return (
                  <tr key={a.id} data-testid="agent-row" data-agent-id={a.agentId} data-roles={a.roles}>
                    <td className="nowrap"><Link href={`/agents/${a.agentId}`}>Agent {a.agentId}</Link></td>
                    <td>{roleList(a.roles).join(", ") || <span className="muted">none</span>}</td>
                    <td>{rep === null ? <span className="muted">unrated</span> : <ReputationBar score={rep} />}</td>
                    <td>{a.jobsRequested}</td>
                    <td>{a.jobsProvided}</td>
                    <td>{a.jobsSettled}</td>
                    <td>{a.jobsDeclined} / {a.jobsUndelivered}</td>
                    <td data-testid="agent-earned" data-value={a.earned}><Amount wei={a.earned} unit="COMPUTE" decimals={2} /></td>
                    <td><Amount wei={a.spent} unit="COMPUTE" decimals={2} /></td>
                    <td><code title={a.owner.id}>{shortAddress(a.owner.id)}</code></td>
                    <td>{formatTime(a.registeredAt)}</td>
                  </tr>
                );
              })}
            </DataTable>
          )}
      </AgentFilter>
    </>
  );
}
