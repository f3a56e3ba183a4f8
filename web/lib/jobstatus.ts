// A job's status as the lists show it: the contract's status, except that a job whose deadline has
// passed by the chain's clock says so, since its escrow is waiting for someone to call `expire`
// (WorkMarket.expire; the job page offers it). No viem here: the market page renders the list on
// the server and the agent page bundles it.

export interface ListedJob {
  status: string;
  acceptDeadline: string;
  deliveryDeadline?: string | null;
}

/**
 * `now`: the chain's clock (unix seconds; undefined or 0 while unknown, when the status is shown as
 * is). "unaccepted": open, and nobody accepted it by its accept deadline; "overdue": accepted, and
 * not delivered by its delivery deadline. The contract's check is strict (`block.timestamp > deadline`).
 */
export function jobListStatus(job: ListedJob, now: number | undefined): { value: string; title?: string } {
  if (!now || !Number.isFinite(now)) return { value: job.status };
  const past = (d: string | null | undefined) => {
    if (d === null || d === undefined || !/^\d+$/.test(d)) return false;
    return BigInt(Math.floor(now)) > BigInt(d);
  };
  if (job.status === "open" && past(job.acceptDeadline)) {
    return { value: "unaccepted", title: "Open, but nobody accepted it by its deadline: anyone may expire it, which returns the requester's lock" };
  }
  if (job.status === "accepted" && past(job.deliveryDeadline)) {
    return { value: "overdue", title: "Accepted, but not delivered by its deadline: anyone may expire it, which refunds the requester and slashes the provider's deposit" };
  }
  return { value: job.status };
}
