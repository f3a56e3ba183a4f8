import type { Metadata } from "next";
import Link from "next/link";

export const metadata: Metadata = { title: "Page not found" };

/** Any address no page answers: the sections to go to instead, within the app's layout. */
export default function NotFound() {
  return (
    <>
      <h1>Page not found</h1>
      <p className="lead">No page of UBC Compute Exchange is at this address. A job is at /market/jobs/&lt;id&gt;, an agent at /agents/&lt;id&gt;, a venture at /ventures/&lt;address&gt;.</p>
      <ul>
        <li><Link href="/">Overview</Link>: the economy at a glance</li>
        <li><Link href="/market">Market</Link>: quotes, jobs, burns</li>
        <li><Link href="/agents">Agents</Link>, <Link href="/validators">Validators</Link>, <Link href="/ventures">Ventures</Link></li>
        <li><Link href="/stake">Stake</Link> and your <Link href="/account">Account</Link></li>
      </ul>
    </>
  );
}
