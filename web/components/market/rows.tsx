// The job table and the reputation bar: no hooks and no "use client", so the market page renders
// them as Server Components (no hydration) and the agent page, a client view, bundles them.
import Link from "@/components/link";
import { formatTime, resourceKindLabel } from "@/lib/format";
import { jobListStatus } from "@/lib/jobstatus";
import { Amount, Status } from "../ui";

export interface Job {
  id: string; jobId: string; status: string; value: string; resourceKind: string | null; units: string | null;
  createdAt: string; acceptDeadline: string; deliveryDeadline: string | null; requester: { id: string }; provider: { id: string } | null;
}

/** `now`: the chain's clock (unix seconds), for the jobs whose deadline has passed (lib/jobstatus); undefined while unknown. */
export function JobsTable({ jobs, now }: { jobs: Job[]; now: number | undefined }) {
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr><th scope="col">Job</th><th scope="col">Status</th><th scope="col">Value</th><th scope="col">Resource</th><th scope="col">Requester</th><th scope="col">Provider</th><th scope="col">Created</th></tr>
        </thead>
        <tbody>
          {jobs.map((j) => {
            const shown = jobListStatus(j, now);
            return (
              <tr key={j.id} data-testid="job-row" data-job-id={j.jobId} data-status={j.status}>
                <td><Link href={`/market/jobs/${j.jobId}`}>Job {j.jobId}</Link></td>
                <td><Status value={shown.value} title={shown.title} /></td>
                <td><Amount wei={j.value} unit="COMPUTE" decimals={2} /></td>
                <td>{j.resourceKind ? `${resourceKindLabel(j.resourceKind)}${j.units ? ` × ${j.units}` : ""}` : <span className="muted">open job</span>}</td>
                <td><Link href={`/agents/${j.requester.id}`}>Agent {j.requester.id}</Link></td>
                <td>{j.provider ? <Link href={`/agents/${j.provider.id}`}>Agent {j.provider.id}</Link> : <span className="muted">any</span>}</td>
                <td>{formatTime(j.createdAt)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

export function ReputationBar({ score }: { score: number }) {
  return (
    <span className="rep">
      <svg width="60" height="8" role="img" aria-label={`Reputation ${score} of 100`}>
        <rect width="60" height="8" rx="4" className="rep-bg" />
        <rect width={Math.max(2, (score / 100) * 60)} height="8" rx="4" className="rep-fg" />
      </svg>
      <span>{score}/100</span>
    </span>
  );
}
