"use client";
import Link from "@/components/link";
import { formatTime, reputation, roleList, shortAddress } from "@/lib/format";
import { useChainNow, useGql } from "../data";
import { Amount, ListState, Tile } from "../ui";
import { LineChart } from "../charts";
import { JobsTable, ReputationBar } from "../market/rows";
import { marketTotals, type SettledJob } from "@/lib/agentpnl";

type JobRow = Parameters<typeof JobsTable>[0]["jobs"][number];
interface AgentDetail {
  agentId: string; owner: { id: string }; wallet: string | null; roles: number; cardURI: string; registeredAt: string;
  marketCredit: string; jobsRequested: number; jobsProvided: number; jobsSettled: number; jobsDeclined: number; jobsUndelivered: number; earned: string; spent: string;
  feedbackCount: number; feedbackScoreSum: number;
  requests: JobRow[]; provided: JobRow[];
  settledProvided: SettledJob[]; settledRequested: SettledJob[];
  feedbackReceived: { id: string; score: number; uri: string; timestamp: string; from: { id: string }; job: { id: string } }[];
}
interface Data { _meta: { block: { timestamp: number | null } }; agent: AgentDetail | null; validators: { id: string; stake: string; active: boolean; slashed: string; feesClaimed: string; attestationCount: number }[] }

/** The newest settled jobs on each side the market chart sums (a page's most). */
const SETTLED_MAX = 1000;
const SETTLED_FIELDS = "updatedAt providerPayout requesterLocked requesterPayout";
const JOB_FIELDS = "id jobId status value resourceKind units createdAt acceptDeadline deliveryDeadline requester { id } provider { id }";
const QUERY = `query Agent($id: ID!, $agent: String!) {
  agent(id: $id) {
    agentId owner { id } wallet roles cardURI registeredAt marketCredit jobsRequested jobsProvided jobsSettled jobsDeclined jobsUndelivered earned spent feedbackCount feedbackScoreSum
    requests(first: 25, orderBy: createdAt, orderDirection: desc) { ${JOB_FIELDS} }
    provided(first: 25, orderBy: createdAt, orderDirection: desc) { ${JOB_FIELDS} }
    settledProvided: provided(first: ${SETTLED_MAX}, where: { status: "settled" }, orderBy: updatedAt, orderDirection: desc) { ${SETTLED_FIELDS} }
    settledRequested: requests(first: ${SETTLED_MAX}, where: { status: "settled" }, orderBy: updatedAt, orderDirection: desc) { ${SETTLED_FIELDS} }
    feedbackReceived(first: 200, orderBy: timestamp, orderDirection: asc) { id score uri timestamp from { id } job { id } }
  }
  validators(first: 1, where: { agent: $agent }) { id stake active slashed feesClaimed attestationCount }
  _meta { block { timestamp } }
}`;

export function AgentView({ id }: { id: string }) {
  const q = useGql<Data>(QUERY, { id, agent: id }, { pollMs: 6000 });
  const now = useChainNow();
  const a = q.data?.agent;
  if (q.error && !q.data) return <p className="error" role="alert">Could not load agent {id}: {q.error.message}</p>;
  if (q.isPending) return <p className="muted" data-testid="loading">Loading…</p>;
  if (!a) return <p className="muted" data-testid="empty">Agent {id} is not registered (or not indexed yet).</p>;
  const rep = reputation(a.feedbackCount, a.feedbackScoreSum);
  let sum = 0;
  const history = a.feedbackReceived.map((f, i) => {
    sum += f.score;
    return { x: Number(f.timestamp), y: sum / (i + 1) };
  });
  const jobs = [...a.requests, ...a.provided].sort((x, y) => Number(y.jobId) - Number(x.jobId)).filter((j, i, arr) => arr.findIndex((k) => k.id === j.id) === i);
  const validator = q.data?.validators[0];
  const totals = marketTotals(a.settledProvided, a.settledRequested, { from: Number(a.registeredAt), to: q.data?._meta.block.timestamp ?? undefined });
  // the sides it has: a provider's net is its earnings (drawn once)
  const pnlSeries = [
    ...(a.settledProvided.length > 0 ? [{ name: "Earned (provider)", color: "#16a34a", points: totals.earned }] : []),
    ...(a.settledRequested.length > 0 ? [{ name: "Spent (requester)", color: "#dc2626", points: totals.spent }] : []),
    ...(a.settledProvided.length > 0 && a.settledRequested.length > 0 ? [{ name: "Net", color: "#2563eb", points: totals.net }] : []),
  ];
  const partial = a.settledProvided.length === SETTLED_MAX || a.settledRequested.length === SETTLED_MAX;
  return (
    <>
      <section aria-labelledby="identity-h" className="card">
        <h2 id="identity-h">Identity</h2>
        <dl className="facts">
          <div><dt>Roles</dt><dd data-testid="agent-roles">{roleList(a.roles).join(", ") || "none"}</dd></div>
          <div><dt>Owner</dt><dd><code className="break">{a.owner.id}</code></dd></div>
          <div><dt>Wallet</dt><dd>{a.wallet ? <code className="break">{a.wallet}</code> : <span className="muted">none bound (the owner signs)</span>}</dd></div>
          <div><dt>Agent card</dt><dd className="break">{a.cardURI || "—"}</dd></div>
          <div><dt>Registered</dt><dd>{formatTime(a.registeredAt)}</dd></div>
          <div><dt>Reputation</dt><dd>{rep === null ? "unrated" : <ReputationBar score={rep} />} ({a.feedbackCount} ratings)</dd></div>
        </dl>
      </section>
      <div className="tiles">
        <Tile label="Earned as provider"><Amount wei={a.earned} unit="COMPUTE" testId="agent-earned" /></Tile>
        <Tile label="Spent as requester"><Amount wei={a.spent} unit="COMPUTE" /></Tile>
        <Tile label="Credit in the market"><Amount wei={a.marketCredit} unit="COMPUTE" /></Tile>
        <Tile label="Jobs" hint={`${a.jobsRequested} requested · ${a.jobsProvided} provided${a.jobsDeclined > 0 ? ` · ${a.jobsDeclined} declined` : ""}${a.jobsUndelivered > 0 ? ` · ${a.jobsUndelivered} never delivered` : ""}`}>{a.jobsSettled} settled</Tile>
        {validator && <Tile label="Validator stake" hint={`${validator.attestationCount} attestations · ${validator.active ? "active" : "inactive"}`}><Amount wei={validator.stake} unit="UBC" /></Tile>}
      </div>
      <div className="chart-grid">
        <section aria-labelledby="pnl-h">
          <h2 id="pnl-h">Earned and spent in the market</h2>
          {totals.net.length > 0 ? (
            <>
              <LineChart label={`COMPUTE agent ${id} earned as a provider and spent as a requester, summed at each settlement`} unit="COMPUTE" series={pnlSeries} />
              <p className="muted small" data-testid="pnl-note">Summed at each settlement{partial ? `, over its newest ${SETTLED_MAX} settled jobs on each side` : ""}; staking rewards and validator fees are not market earnings and are not counted.</p>
            </>
          ) : (
            <p className="muted" data-testid="empty">No settled jobs yet.</p>
          )}
        </section>
        <section aria-labelledby="rep-h">
          <h2 id="rep-h">Reputation history</h2>
          {history.length > 0 ? (
            <LineChart label={`Average rating of agent ${id} over time`} series={[{ name: "Average rating", color: "#16a34a", points: history }]} />
          ) : (
            <p className="muted" data-testid="empty">No ratings yet.</p>
          )}
        </section>
      </div>
      {history.length > 0 && (
        <section aria-labelledby="ratings-h">
          <h2 id="ratings-h">Latest ratings</h2>
          <ul className="plain">
            {[...a.feedbackReceived].reverse().slice(0, 20).map((f) => (
              <li key={f.id} data-testid="feedback-row"><strong>{f.score}/100</strong> from <Link href={`/agents/${f.from.id}`}>agent {f.from.id}</Link> for <Link href={`/market/jobs/${f.job.id}`}>job {f.job.id}</Link> <span className="muted small">{formatTime(f.timestamp)}</span></li>
            ))}
          </ul>
        </section>
      )}
      <section aria-labelledby="agent-jobs-h">
        <h2 id="agent-jobs-h">Jobs</h2>
        <ListState q={q} items={jobs} empty="No jobs yet.">{(rows) => <JobsTable jobs={rows} now={now || undefined} />}</ListState>
      </section>
      <p className="muted small">Owner {shortAddress(a.owner.id)}</p>
    </>
  );
}
