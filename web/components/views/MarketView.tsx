"use client";
import Link from "@/components/link";
import { useState, type ComponentProps, type FormEvent } from "react";
import type { Address, Hex } from "viem";
import { erc20Abi } from "@/lib/erc20";
import { parseAmount, parseInteger } from "@/lib/amount";
import { formatAmount, formatDuration, formatTime, reputation, resourceKindLabel, shortAddress } from "@/lib/format";
import { bestPerKind, providerDeposit, quoteTypedData, requesterLock, resourceKindToBytes32, specHash } from "@/lib/market";
import { postQuote, postRfq } from "@/lib/api";
import { BOARD_QUERY, DEFAULT_JOB_FILTER, JOB_FILTERS, PROVIDERS_QUERY, jobsQuery } from "@/lib/queries";
import { useChainNow, useGql } from "../data";
import { useApp, useContract, useMounted, useSession, useTx } from "../Providers";
import { useMyAgents, type MyAgent } from "../agents";
import { Amount, FieldError, ListState, Status } from "../ui";
import { chainTime, useBalanceAllowance } from "../tokens";

interface Job {
  id: string; jobId: string; status: string; value: string; resourceKind: string | null; units: string | null;
  createdAt: string; acceptDeadline: string; requester: { id: string }; provider: { id: string } | null;
}
interface Quote {
  id: string; providerAgentId: string; provider: { id: string; feedbackCount: number; feedbackScoreSum: number } | null;
  resourceKind: string; units: string; unitPrice: string; totalPrice: string; expiry: string; nonce: string;
  requester: string; deliveryPeriod: string; signature: string; status: string;
}
interface Provider {
  id: string; agentId: string; roles: number; owner: { id: string }; cardURI: string; jobsProvided: number; jobsSettled: number;
  earned: string; feedbackCount: number; feedbackScoreSum: number;
}
interface Rfq { id: string; requesterAgentId: string; resourceKind: string; units: string; maxUnitPrice: string | null; expiry: string; postedAt: string; bestQuotes: { id: string; unitPrice: string }[] }

export interface MarketInitial {
  jobs?: { workRequests: Job[] };
  board?: { quotes: Quote[]; requestForQuotes: Rfq[] };
  providers?: { agents: Provider[] };
}

export function MarketView({ initial = {} }: { initial?: MarketInitial }) {
  return (
    <>
      <Jobs initial={initial.jobs} />
      <QuoteBoard initial={initial.board} />
      <div className="two-col">
        <PostQuoteForm />
        <RfqForm />
      </div>
      <ProviderList initial={initial.providers} />
    </>
  );
}

function Jobs({ initial }: { initial?: { workRequests: Job[] } }) {
  const [filter, setFilter] = useState(DEFAULT_JOB_FILTER);
  const statuses = JOB_FILTERS[filter];
  const q = useGql<{ workRequests: Job[] }>(jobsQuery(statuses), statuses ? { status: statuses } : undefined, { initialData: filter === DEFAULT_JOB_FILTER ? initial : undefined });
  return (
    <section aria-labelledby="jobs-h">
      <div className="section-head">
        <h2 id="jobs-h">Jobs</h2>
        <div className="field inline">
          <label htmlFor="job-filter">Show</label>
          <select id="job-filter" value={filter} onChange={(e) => setFilter(e.target.value)}>
            <option value="active">Open and in progress</option>
            <option value="open">Open only</option>
            <option value="settled">Settled</option>
            <option value="all">All</option>
          </select>
        </div>
      </div>
      <ListState q={q} items={q.data?.workRequests} empty="No jobs here yet.">
        {(jobs) => <JobsTable jobs={jobs} />}
      </ListState>
    </section>
  );
}

export function JobsTable({ jobs }: { jobs: Job[] }) {
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr><th scope="col">Job</th><th scope="col">Status</th><th scope="col">Value</th><th scope="col">Resource</th><th scope="col">Requester</th><th scope="col">Provider</th><th scope="col">Created</th></tr>
        </thead>
        <tbody>
          {jobs.map((j) => (
            <tr key={j.id} data-testid="job-row" data-job-id={j.jobId} data-status={j.status}>
              <td><Link href={`/market/jobs/${j.jobId}`}>Job {j.jobId}</Link></td>
              <td><Status value={j.status} /></td>
              <td><Amount wei={j.value} unit="COMPUTE" decimals={2} /></td>
              <td>{j.resourceKind ? `${resourceKindLabel(j.resourceKind)}${j.units ? ` × ${j.units}` : ""}` : "—"}</td>
              <td><Link href={`/agents/${j.requester.id}`}>Agent {j.requester.id}</Link></td>
              <td>{j.provider ? <Link href={`/agents/${j.provider.id}`}>Agent {j.provider.id}</Link> : <span className="muted">any</span>}</td>
              <td>{formatTime(j.createdAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function QuoteBoard({ initial }: { initial?: { quotes: Quote[]; requestForQuotes: Rfq[] } }) {
  const { publicClient, cfg } = useApp();
  const tx = useTx();
  const market = useContract("WorkMarket");
  const compute = useContract("ComputeToken");
  const { me, agents } = useMyAgents();
  const requesters = agents.filter((a) => (a.roles & 2) !== 0);
  const [asAgent, setAsAgent] = useState("");
  const [spec, setSpec] = useState("");
  const [error, setError] = useState<string | null>(null);
  const q = useGql<{ quotes: Quote[]; requestForQuotes: Rfq[] }>(BOARD_QUERY, undefined, { pollMs: 3000, initialData: initial });
  const requester = requesters.find((a) => a.agentId === asAgent) ?? requesters[0];
  const quotes = q.data?.quotes;
  const best = quotes ? bestPerKind(quotes) : undefined;

  async function fill(qt: Quote) {
    setError(null);
    if (!me) return setError("Connect a wallet first.");
    if (!market || !compute) return setError("The work market is not deployed.");
    if (!requester) return setError("You need an agent with the requester role: register one on the Account page.");
    if (qt.requester !== "0" && qt.requester !== requester.agentId) return setError(`This quote is reserved for requester agent ${qt.requester}.`);
    if (qt.providerAgentId === requester.agentId) return setError("An agent cannot fill its own quote.");
    const value = BigInt(qt.units) * BigInt(qt.unitPrice);
    const lock = requesterLock(value);
    // the market's ABI is loaded with the first fill, not with the page
    const { WorkMarketAbi } = await import("@/lib/generated/abis");
    const credit = await publicClient.readContract({ address: market, abi: WorkMarketAbi, functionName: "credits", args: [BigInt(requester.agentId)] }) as bigint;
    if (credit < lock) {
      const balance = await publicClient.readContract({ address: compute, abi: erc20Abi, functionName: "balanceOf", args: [me as Address] });
      if (balance < lock) return setError(`Filling needs ${formatAmount(lock)} COMPUTE (price, 5% deposit, 1.5% fees); your balance is ${formatAmount(balance)} COMPUTE.`);
      const allowance = await publicClient.readContract({ address: compute, abi: erc20Abi, functionName: "allowance", args: [me as Address, market] });
      if (allowance < lock) {
        const ok = await tx.write({ label: "Approve COMPUTE for the market", address: compute, abi: erc20Abi, functionName: "approve", args: [market, lock] });
        if (!ok) return;
      }
    }
    const quote = {
      providerAgentId: BigInt(qt.providerAgentId), resourceKind: qt.resourceKind as Hex, units: BigInt(qt.units), unitPrice: BigInt(qt.unitPrice),
      expiry: BigInt(qt.expiry), nonce: BigInt(qt.nonce), requester: BigInt(qt.requester), deliveryPeriod: BigInt(qt.deliveryPeriod),
    };
    await tx.write({
      label: `Fill quote of agent ${qt.providerAgentId} (${formatAmount(value)} COMPUTE)`, address: market, abi: WorkMarketAbi, functionName: "fillQuote",
      args: [quote, qt.signature as Hex, BigInt(requester.agentId), specHash(spec)],
    });
  }

  return (
    <section aria-labelledby="board-h">
      <h2 id="board-h">Quote board</h2>
      <h3>Best price per resource kind</h3>
      <ListState q={q} items={best} empty="No open quotes yet.">
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
      </ListState>

      <h3>Open quotes</h3>
      <div className="form-grid compact">
        <div className="field">
          <label htmlFor="fill-agent">Fill as agent</label>
          <AgentSelect id="fill-agent" value={requester?.agentId ?? ""} onChange={setAsAgent} agents={requesters} me={me} none="No requester agent: register one on the Account page" />
        </div>
        <div className="field">
          <label htmlFor="fill-spec">Job spec</label>
          <input id="fill-spec" value={spec} onChange={(e) => setSpec(e.target.value)} placeholder="What the provider should do (hashed on-chain)" />
        </div>
      </div>
      <FieldError id="fill-error" error={error} />
      <ListState q={q} items={quotes} empty="No open quotes yet.">
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
                        <MountedButton type="button" className="button small" disabled={tx.busy} onClick={() => void fill(r)}>Fill</MountedButton>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </ListState>

      <h3>Requests for quotes</h3>
      <ListState q={q} items={q.data?.requestForQuotes} empty="No open requests for quotes.">
        {(rows) => (
          <div className="table-wrap">
            <table>
              <thead><tr><th scope="col">Requester</th><th scope="col">Resource</th><th scope="col">Units</th><th scope="col">Max unit price</th><th scope="col">Best offer</th><th scope="col">Expires</th></tr></thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.id} data-testid="rfq-row">
                    <td><Link href={`/agents/${r.requesterAgentId}`}>Agent {r.requesterAgentId}</Link></td>
                    <td>{resourceKindLabel(r.resourceKind)}</td>
                    <td>{r.units}</td>
                    <td>{r.maxUnitPrice ? <Amount wei={r.maxUnitPrice} unit="COMPUTE" /> : "any"}</td>
                    <td>{r.bestQuotes[0] ? <Amount wei={r.bestQuotes[0].unitPrice} unit="COMPUTE" /> : <span className="muted">none yet</span>}</td>
                    <td>{formatTime(r.expiry)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </ListState>
    </section>
  );
}

function useSignedIn() {
  const session = useSession();
  return async () => (session.address ? true : session.signIn());
}

function PostQuoteForm() {
  const { cfg, publicClient } = useApp();
  const tx = useTx();
  const session = useSession();
  const ensureSignedIn = useSignedIn();
  const market = useContract("WorkMarket");
  const compute = useContract("ComputeToken");
  const { me, agents } = useMyAgents();
  const providers = agents.filter((a) => (a.roles & 1) !== 0);
  const [agentId, setAgentId] = useState("");
  const [kind, setKind] = useState("gpu-hour");
  const [units, setUnits] = useState("10");
  const [price, setPrice] = useState("");
  const [minutes, setMinutes] = useState("60");
  const [hours, setHours] = useState("24");
  const [forReq, setForReq] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const agent: MyAgent | undefined = providers.find((a) => a.agentId === agentId) ?? providers[0];

  async function submit(e: FormEvent) {
    e.preventDefault();
    const errs: Record<string, string> = {};
    const k = resourceKindToBytes32(kind);
    if (!k.ok) errs.kind = k.error;
    const u = parseInteger(units, { min: 1n, label: "Units" });
    if (!u.ok) errs.units = u.error;
    const p = parseAmount(price, { unit: "COMPUTE" });
    if (!p.ok) errs.price = p.error;
    const m = parseInteger(minutes, { min: 1n, max: 525600n, label: "Validity" });
    if (!m.ok) errs.minutes = m.error;
    const h = parseInteger(hours, { min: 1n, max: 8760n, label: "Delivery period" });
    if (!h.ok) errs.hours = h.error;
    const r = forReq.trim() === "" ? ({ ok: true, value: 0n } as const) : parseInteger(forReq, { min: 1n, label: "Requester agent" });
    if (!r.ok) errs.forReq = r.error;
    if (u.ok && p.ok && u.value * p.value < 100n * 10n ** 18n) errs.price = `The quote is worth ${formatAmount(u.value * p.value)} COMPUTE; the minimum job is 100 COMPUTE.`;
    if (!me) errs.form = "Connect a wallet first.";
    else if (!agent) errs.form = "You need an agent with the provider role: register one on the Account page.";
    else if ((agent.wallet ?? agent.owner.id).toLowerCase() !== me) errs.form = `Quotes of agent ${agent.agentId} are signed by its wallet ${shortAddress(agent.wallet)}: connect that wallet.`;
    if (!market || !compute) errs.form = "The work market is not deployed.";
    setErrors(errs);
    if (Object.keys(errs).length > 0 || !k.ok || !u.ok || !p.ok || !m.ok || !h.ok || !r.ok || !agent || !market || !compute || !me) return;
    if (!(await ensureSignedIn())) return tx.fail("sign in first (the quote board needs a SIWE session)");
    const quote = {
      providerAgentId: BigInt(agent.agentId), resourceKind: k.value, units: u.value, unitPrice: p.value,
      expiry: (await chainTime(publicClient)) + m.value * 60n, nonce: BigInt(Date.now()), requester: r.value, deliveryPeriod: h.value * 3600n,
    };
    const signature = await tx.signTyped(`Sign quote of agent ${agent.agentId}`, quoteTypedData(quote, cfg.chainId, market) as never);
    if (!signature) return;
    const posted = await tx.action("Post quote to the board", `quote posted (${formatAmount(u.value * p.value)} COMPUTE)`, () =>
      postQuote(cfg.apiUrl, session.token, Object.fromEntries(Object.entries(quote).map(([key, v]) => [key, typeof v === "bigint" ? v.toString() : v])), signature));
    if (posted) setPrice("");
  }

  // a fill pulls the provider's 2% deposit from the signing wallet (unless the agent's credit covers it)
  const allowance = useBalanceAllowance(compute, me as Address | undefined, market);
  const u = parseInteger(units, {});
  const p = parseAmount(price, {});
  const deposit = u.ok && p.ok ? providerDeposit(u.value * p.value) : null;
  async function approveDeposit() {
    if (!compute || !market || deposit === null) return;
    const current = allowance.data?.allowance ?? 0n;
    await tx.write({ label: "Approve COMPUTE for provider deposits", address: compute, abi: erc20Abi, functionName: "approve", args: [market, current + deposit] });
    setPrice("");
  }

  return (
    <section aria-labelledby="post-quote-h" className="card">
      <h2 id="post-quote-h">Post a quote</h2>
      <p className="muted small">As a provider: sign an offer (EIP-712) with your agent&apos;s wallet; requesters fill it on-chain. Needs sign-in.</p>
      <form onSubmit={submit} noValidate className="form-grid">
        <div className="field">
          <label htmlFor="q-agent">Provider agent</label>
          <AgentSelect id="q-agent" value={agent?.agentId ?? ""} onChange={setAgentId} agents={providers} me={me} none="No provider agent" />
        </div>
        <TextField id="q-kind" label="Resource kind" value={kind} set={setKind} error={errors.kind} />
        <TextField id="q-units" label="Units" value={units} set={setUnits} error={errors.units} numeric />
        <TextField id="q-price" label="Unit price (COMPUTE)" value={price} set={setPrice} error={errors.price} numeric placeholder="12.5" />
        <TextField id="q-minutes" label="Valid for (minutes)" value={minutes} set={setMinutes} error={errors.minutes} numeric />
        <TextField id="q-hours" label="Delivery period (hours)" value={hours} set={setHours} error={errors.hours} numeric />
        <TextField id="q-for" label="Only for requester agent (optional)" value={forReq} set={setForReq} error={errors.forReq} numeric />
        <FieldError id="q-form-error" error={errors.form} />
        {me && allowance.data && (
          <p className="help" style={{ gridColumn: "1 / -1" }}>
            A fill takes a 2% deposit{deposit !== null ? <> (<Amount wei={deposit} unit="COMPUTE" />)</> : null} from this wallet unless the agent&apos;s market credit covers it.
            {" "}The market may take <Amount wei={allowance.data.allowance} unit="COMPUTE" />.
          </p>
        )}
        <div className="actions">
          <MountedButton type="submit" className="button" disabled={tx.busy}>Sign and post quote</MountedButton>
          {me && deposit !== null && allowance.data && allowance.data.allowance < deposit && (
            <button type="button" className="button secondary" disabled={tx.busy} onClick={() => void approveDeposit()}>Approve deposit</button>
          )}
        </div>
      </form>
    </section>
  );
}

function RfqForm() {
  const { cfg, publicClient } = useApp();
  const tx = useTx();
  const session = useSession();
  const ensureSignedIn = useSignedIn();
  const { me, agents } = useMyAgents();
  const requesters = agents.filter((a) => (a.roles & 2) !== 0);
  const [agentId, setAgentId] = useState("");
  const [kind, setKind] = useState("gpu-hour");
  const [units, setUnits] = useState("10");
  const [max, setMax] = useState("");
  const [minutes, setMinutes] = useState("60");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const agent = requesters.find((a) => a.agentId === agentId) ?? requesters[0];

  async function submit(e: FormEvent) {
    e.preventDefault();
    const errs: Record<string, string> = {};
    const k = resourceKindToBytes32(kind);
    if (!k.ok) errs.kind = k.error;
    const u = parseInteger(units, { min: 1n, label: "Units" });
    if (!u.ok) errs.units = u.error;
    const mx = max.trim() === "" ? null : parseAmount(max, { unit: "COMPUTE" });
    if (mx && !mx.ok) errs.max = mx.error;
    const m = parseInteger(minutes, { min: 1n, max: 525600n, label: "Validity" });
    if (!m.ok) errs.minutes = m.error;
    if (!me) errs.form = "Connect a wallet first.";
    else if (!agent) errs.form = "You need an agent with the requester role: register one on the Account page.";
    setErrors(errs);
    if (Object.keys(errs).length > 0 || !k.ok || !u.ok || !m.ok || (mx && !mx.ok) || !agent) return;
    if (!(await ensureSignedIn())) return tx.fail("sign in first (the quote board needs a SIWE session)");
    const expiry = (await chainTime(publicClient)) + m.value * 60n;
    const ok = await tx.action("Post request for quote", "request for quote posted", () => postRfq(cfg.apiUrl, session.token, {
      requesterAgentId: agent.agentId, resourceKind: k.value, units: u.value.toString(),
      maxUnitPrice: mx && mx.ok ? mx.value.toString() : null, expiry: String(expiry),
    }));
    if (ok) setMax("");
  }

  return (
    <section aria-labelledby="rfq-h" className="card">
      <h2 id="rfq-h">Request for quote</h2>
      <p className="muted small">As a requester: tell providers what you need; matching quotes appear on the board. Needs sign-in.</p>
      <form onSubmit={submit} noValidate className="form-grid">
        <div className="field">
          <label htmlFor="r-agent">Requester agent</label>
          <AgentSelect id="r-agent" value={agent?.agentId ?? ""} onChange={setAgentId} agents={requesters} me={me} none="No requester agent" />
        </div>
        <TextField id="r-kind" label="Resource kind" value={kind} set={setKind} error={errors.kind} />
        <TextField id="r-units" label="Units" value={units} set={setUnits} error={errors.units} numeric />
        <TextField id="r-max" label="Max unit price (COMPUTE, optional)" value={max} set={setMax} error={errors.max} numeric />
        <TextField id="r-minutes" label="Valid for (minutes)" value={minutes} set={setMinutes} error={errors.minutes} numeric />
        <FieldError id="r-form-error" error={errors.form} />
        <div className="actions"><MountedButton type="submit" className="button" disabled={tx.busy}>Post request</MountedButton></div>
      </form>
    </section>
  );
}

// Wallet-dependent output in small leaves: after hydration, React re-renders what reads
// useMounted() (its client value differs from the server's) synchronously, in one task; a leaf
// keeps that task to a select or a button instead of the whole board or form.

/** An agent picker: "Connect a wallet" in the server render and until a wallet with such agents is connected. */
function AgentSelect({ id, value, onChange, agents, me, none }: {
  id: string; value: string; onChange: (agentId: string) => void; agents: MyAgent[]; me: string | undefined; none: string;
}) {
  const mounted = useMounted();
  return (
    <select id={id} value={value} onChange={(e) => onChange(e.target.value)} disabled={!mounted || agents.length === 0}>
      {(!mounted || agents.length === 0) && <option value="">{mounted && me ? none : "Connect a wallet"}</option>}
      {mounted && agents.map((a) => <option key={a.agentId} value={a.agentId}>{`Agent ${a.agentId}`}</option>)}
    </select>
  );
}

/** A button that stays disabled until the page is hydrated (its handler needs the wallet code). */
function MountedButton({ disabled, ...props }: ComponentProps<"button">) {
  const mounted = useMounted();
  return <button {...props} disabled={!mounted || disabled} />;
}

/** A quote's expiry: the time, or a countdown within the last hour (by the chain's clock, ticking after mount). */
function Expires({ expiry }: { expiry: string }) {
  const now = useChainNow();
  const left = Number(expiry) - now;
  return <>{now && left < 3600 ? `in ${formatDuration(Math.max(0, left))}` : formatTime(expiry)}</>;
}

export function TextField({ id, label, value, set, error, numeric, placeholder }: {
  id: string; label: string; value: string; set: (v: string) => void; error?: string; numeric?: boolean; placeholder?: string;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} value={value} onChange={(e) => set(e.target.value)} inputMode={numeric ? "decimal" : undefined} autoComplete="off"
        placeholder={placeholder} aria-invalid={Boolean(error)} aria-describedby={error ? `${id}-error` : undefined} />
      <FieldError id={`${id}-error`} error={error} />
    </div>
  );
}

function ProviderList({ initial }: { initial?: { agents: Provider[] } }) {
  const q = useGql<{ agents: Provider[] }>(PROVIDERS_QUERY, undefined, { pollMs: 10000, initialData: initial });
  const providers = q.data?.agents.filter((a) => (a.roles & 1) !== 0);
  return (
    <section aria-labelledby="providers-h">
      <h2 id="providers-h">Providers</h2>
      <ListState q={q} items={providers} empty="No provider agents registered yet.">
        {(rows) => (
          <div className="table-wrap">
            <table>
              <thead><tr><th scope="col">Agent</th><th scope="col">Reputation</th><th scope="col">Ratings</th><th scope="col">Jobs provided</th><th scope="col">Settled</th><th scope="col">Earned</th><th scope="col">Owner</th></tr></thead>
              <tbody>
                {rows.map((a) => {
                  const rep = reputation(a.feedbackCount, a.feedbackScoreSum);
                  return (
                    <tr key={a.id} data-testid="provider-row" data-agent-id={a.agentId}>
                      <td><Link href={`/agents/${a.agentId}`}>Agent {a.agentId}</Link></td>
                      <td>{rep === null ? <span className="muted">unrated</span> : <ReputationBar score={rep} />}</td>
                      <td>{a.feedbackCount}</td>
                      <td>{a.jobsProvided}</td>
                      <td>{a.jobsSettled}</td>
                      <td><Amount wei={a.earned} unit="COMPUTE" decimals={2} /></td>
                      <td><code title={a.owner.id}>{shortAddress(a.owner.id)}</code></td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </ListState>
    </section>
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
