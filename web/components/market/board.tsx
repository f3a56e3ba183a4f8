// The market's read-only lists as Server Components: rendered from the data app/market/page.tsx
// fetched, re-rendered by <LiveRefresh> (router.refresh()), never hydrated. Only the islands in
// them (Link, Fill buttons, expiry countdowns) are client components.
import type { ReactNode } from "react";
import Link from "@/components/link";
import { formatDuration, formatTime, reputation, resourceKindLabel, shortAddress } from "@/lib/format";
import { bestPerKind } from "@/lib/market";
import { Amount } from "../ui";
import { Expires, FillButton, FillControls, FillProvider } from "./islands";
import { ReputationBar } from "./rows";

export interface Quote {
  id: string; providerAgentId: string; provider: { id: string; feedbackCount: number; feedbackScoreSum: number } | null;
  resourceKind: string; units: string; unitPrice: string; totalPrice: string; expiry: string; nonce: string;
  requester: string; deliveryPeriod: string; signature: string; status: string;
}
export interface Provider {
  id: string; agentId: string; roles: number; owner: { id: string }; cardURI: string; jobsProvided: number; jobsSettled: number;
  jobsDeclined: number; jobsUndelivered: number; earned: string; feedbackCount: number; feedbackScoreSum: number;
}
export interface Rfq { id: string; requesterAgentId: string; resourceKind: string; units: string; maxUnitPrice: string | null; expiry: string; postedAt: string; bestQuotes: { id: string; unitPrice: string }[] }

/** A list's error and empty states (undefined: the indexer did not answer in time; the next refresh asks again). */
export function Loaded<T>({ items, what, empty, children }: { items: T[] | undefined; what: string; empty: ReactNode; children: (items: T[]) => ReactNode }) {
  if (!items) return <p className="error" role="alert">Could not load the {what} from the indexer; retrying.</p>;
  if (items.length === 0) return <p className="muted" data-testid="empty">{empty}</p>;
  return <>{children(items)}</>;
}

export function QuoteBoard({ board }: { board?: { quotes: Quote[]; requestForQuotes: Rfq[] } }) {
  const quotes = board?.quotes;
  const best = quotes ? bestPerKind(quotes) : undefined;
  return (
    <section aria-labelledby="board-h">
      <h2 id="board-h">Quote board</h2>
      <h3>Best price per resource kind</h3>
      <Loaded items={best} what="quotes" empty="No open quotes yet.">
        {(rows) => (
          <div className="table-wrap">
            <table>
              <thead><tr><th scope="col">Resource kind</th><th scope="col">Best unit price</th><th scope="col">Units</th><th scope="col">Provider</th><th scope="col">Open quotes</th></tr></thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.kind} data-testid="best-price-row" data-kind={resourceKindLabel(r.kind)}>
                    <td>{resourceKindLabel(r.kind)}</td>
                    <td><Amount wei={r.best.unitPrice} unit="COMPUTE" /></td>
                    <td>{r.best.units}</td>
                    <td><Link href={`/agents/${r.best.providerAgentId}`}>Agent {r.best.providerAgentId}</Link></td>
                    <td>{r.count}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Loaded>

      <h3>Open quotes</h3>
      <FillProvider>
        <FillControls />
        <Loaded items={quotes} what="quotes" empty="No open quotes yet.">
          {(rows) => (
            <div className="table-wrap">
              <table>
                <thead><tr><th scope="col">Resource</th><th scope="col">Units</th><th scope="col">Unit price</th><th scope="col">Total</th><th scope="col">Provider</th><th scope="col">Delivery</th><th scope="col">Expires</th><th scope="col"><span className="visually-hidden">Actions</span></th></tr></thead>
                <tbody>
                  {rows.map((r) => {
                    const rep = r.provider ? reputation(r.provider.feedbackCount, r.provider.feedbackScoreSum) : null;
                    return (
                      <tr key={r.id} data-testid="quote-row" data-quote-id={r.id} data-provider={r.providerAgentId}>
                        <td>{resourceKindLabel(r.resourceKind)}{r.requester !== "0" && <span className="badge">for agent {r.requester}</span>}</td>
                        <td>{r.units}</td>
                        <td><Amount wei={r.unitPrice} unit="COMPUTE" /></td>
                        <td><Amount wei={r.totalPrice} unit="COMPUTE" decimals={2} /></td>
                        <td><Link href={`/agents/${r.providerAgentId}`}>Agent {r.providerAgentId}</Link> <span className="muted small">{rep === null ? "unrated" : `${rep}/100`}</span></td>
                        <td>{formatDuration(BigInt(r.deliveryPeriod))}</td>
                        <td><Expires expiry={r.expiry} /></td>
                        <td className="row-actions">
                          <FillButton quote={{
                            providerAgentId: r.providerAgentId, resourceKind: r.resourceKind, units: r.units, unitPrice: r.unitPrice, expiry: r.expiry,
                            nonce: r.nonce, requester: r.requester, deliveryPeriod: r.deliveryPeriod, signature: r.signature,
                          }} />
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
        </Loaded>
      </FillProvider>

      <h3>Requests for quotes</h3>
      <Loaded items={board?.requestForQuotes} what="requests for quotes" empty="No open requests for quotes.">
        {(rows) => (
          <div className="table-wrap">
            <table>
              <thead><tr><th scope="col">Requester</th><th scope="col">Resource</th><th scope="col">Units</th><th scope="col">Max unit price</th><th scope="col">Best offer</th><th scope="col">Expires</th><th scope="col"><span className="visually-hidden">Answer</span></th></tr></thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.id} data-testid="rfq-row">
                    <td><Link href={`/agents/${r.requesterAgentId}`}>Agent {r.requesterAgentId}</Link></td>
                    <td>{resourceKindLabel(r.resourceKind)}</td>
                    <td>{r.units}</td>
                    <td>{r.maxUnitPrice ? <Amount wei={r.maxUnitPrice} unit="COMPUTE" /> : "any"}</td>
                    <td>{r.bestQuotes[0] ? <Amount wei={r.bestQuotes[0].unitPrice} unit="COMPUTE" /> : <span className="muted">none yet</span>}</td>
                    <td>{formatTime(r.expiry)}</td>
                    <td><Link href={`/market?quoteFor=${r.requesterAgentId}&kind=${encodeURIComponent(resourceKindLabel(r.resourceKind))}&units=${r.units}#post-quote-h`}>Quote for it</Link></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Loaded>
    </section>
  );
}

export function ProviderList({ providers }: { providers?: { agents: Provider[] } }) {
  const rows = providers?.agents.filter((a) => (a.roles & 1) !== 0);
  return (
    <section aria-labelledby="providers-h">
      <h2 id="providers-h">Providers</h2>
      <Loaded items={rows} what="providers" empty="No provider agents registered yet.">
        {(list) => (
          <div className="table-wrap">
            <table>
              <thead><tr><th scope="col">Agent</th><th scope="col">Reputation</th><th scope="col">Ratings</th><th scope="col">Jobs provided</th><th scope="col">Settled</th><th scope="col" title="Accepted jobs handed back in the decline window / left to expire undelivered">Declined / undelivered</th><th scope="col">Earned</th><th scope="col">Owner</th></tr></thead>
              <tbody>
                {list.map((a) => {
                  const rep = reputation(a.feedbackCount, a.feedbackScoreSum);
                  return (
                    <tr key={a.id} data-testid="provider-row" data-agent-id={a.agentId}>
                      <td><Link href={`/agents/${a.agentId}`}>Agent {a.agentId}</Link></td>
                      <td>{rep === null ? <span className="muted">unrated</span> : <ReputationBar score={rep} />}</td>
                      <td>{a.feedbackCount}</td>
                      <td>{a.jobsProvided}</td>
                      <td>{a.jobsSettled}</td>
                      <td>{a.jobsDeclined} / {a.jobsUndelivered}</td>
                      <td><Amount wei={a.earned} unit="COMPUTE" decimals={2} /></td>
                      <td><code title={a.owner.id}>{shortAddress(a.owner.id)}</code></td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </Loaded>
    </section>
  );
}
