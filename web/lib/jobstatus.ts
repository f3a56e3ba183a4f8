// Which of a job's deadlines governs its current status, and whether the chain's clock is past it:
// the one rule behind the lists' status ("unaccepted", "overdue") and the job page's deadline
// actions (lib/market.ts pastDeadline: expire, finalize). No viem here: the market page renders the
// list on the server and the agent page bundles it.

/** The job fields the deadlines are read from (as the indexer reports them). */
export interface ListedJob {
  status: string;
  acceptDeadline: string;
  deliveryDeadline?: string | null;
  validationDeadline?: string | null;
  disputeDeadline?: string | null;
}

/**
 * The deadline of the job's current status (open: accept; accepted: delivery; submitted:
 * validation; disputed: dispute) when the chain's clock `now` (unix seconds; undefined or 0 while
 * unknown) is past it, else null: not past yet, no such deadline for the status, or one missing or
 * malformed. The contracts' check is strict (`block.timestamp > deadline`).
 */
export function passedDeadline(job: ListedJob, now: number | undefined): bigint | null {
  if (!now || !Number.isFinite(now) || now <= 0) return null;
  const d = job.status === "open" ? job.acceptDeadline
    : job.status === "accepted" ? job.deliveryDeadline
      : job.status === "submitted" ? job.validationDeadline
        : job.status === "disputed" ? job.disputeDeadline
          : null;
  if (d === null || d === undefined || !/^\d+$/.test(d)) return null;
  const deadline = BigInt(d);
  return BigInt(Math.floor(now)) > deadline ? deadline : null;
}

/**
 * A job's status as the lists show it: the contract's status, except that an open job nobody
 * accepted by its accept deadline is "unaccepted" and an accepted job not delivered by its delivery
 * deadline "overdue", since its escrow is waiting for someone to call `expire` (WorkMarket.expire;
 * the job page offers it).
 */
export function jobListStatus(job: ListedJob, now: number | undefined): { value: string; title?: string } {
  if (job.status === "open" && passedDeadline(job, now) !== null) {
    return { value: "unaccepted", title: "Open, but nobody accepted it by its deadline: anyone may expire it, which returns the requester's lock" };
  }
  if (job.status === "accepted" && passedDeadline(job, now) !== null) {
    return { value: "overdue", title: "Accepted, but not delivered by its deadline: anyone may expire it, which refunds the requester and slashes the provider's deposit" };
  }
  return { value: job.status };
}
