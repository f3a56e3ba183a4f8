"use client";
import Link from "@/components/link";
import { useState, type FormEvent } from "react";
import { useConnection } from "../wallet";
import type { Address } from "viem";
import { erc20Abi } from "@/lib/erc20";
import { VentureAbi } from "@/lib/generated/abis";
import { parseAmount } from "@/lib/amount";
import { formatAmount, formatBps, formatTime, raiseProgress, raiseStatus, sharePrice, shortAddress, toNumber } from "@/lib/format";
import { useChainNow, useChainRead, useGql } from "../data";
import { useApp, useContract, useMounted, useTx } from "../Providers";
import { Amount, DataTable, FieldError, ListState, Status } from "../ui";
import { BarChart } from "../charts";
import { ensureAllowance, useBalanceAllowance } from "../tokens";
import { LaunchVenture } from "./LaunchVenture";

interface VentureRow {
  id: string; name: string; symbol: string; status: string; pricePerShare: string; minShares: string; maxShares: string; sharesSold: string;
  raised: string; deadline: string; investorCount: number; holderCount: number; revenueTokens: string[]; revenueDistributed: string[];
  depositCount: number; operatorAgentId: string;
}
export interface Holding {
  id: string; shares: string; invested: string; refunded: string; claimed: string[];
  venture: { id: string; name: string; symbol: string; status: string; revenueTokens: string[] };
}

const VENTURE_FIELDS = "id name symbol status pricePerShare minShares maxShares sharesSold raised deadline investorCount holderCount revenueTokens revenueDistributed depositCount operatorAgentId";
const LIST = `{ ventures(first: 100, orderBy: createdAtBlock, orderDirection: desc) { ${VENTURE_FIELDS} } }`;
export const HOLDINGS = `query Holdings($me: Bytes!) {
  ventureHoldings(first: 100, where: { holder: $me }) { id shares invested refunded claimed venture { id name symbol status revenueTokens } }
}`;

function useTokenName() {
  const { cfg } = useApp();
  return (addr: string) => {
    const a = addr.toLowerCase();
    if (a === cfg.contracts.ComputeToken) return "COMPUTE";
    if (a === cfg.contracts.UBCToken) return "UBC";
    return shortAddress(addr);
  };
}

export function VenturesView() {
  const q = useGql<{ ventures: VentureRow[] }>(LIST, undefined, { pollMs: 6000 });
  const now = useChainNow();
  return (
    <>
      <section aria-labelledby="raises-h">
        <h2 id="raises-h">Ventures and raises</h2>
        <ListState q={q} items={q.data?.ventures} empty="No ventures yet.">
          {(rows) => (
            <div className="table-wrap">
              <table>
                <thead><tr><th scope="col">Venture</th><th scope="col">Status</th><th scope="col">Price per share</th><th scope="col">Raise progress</th><th scope="col">Raised</th><th scope="col">Investors</th><th scope="col">Deadline</th></tr></thead>
                <tbody>
                  {rows.map((v) => {
                    const progress = raiseProgress(v.sharesSold, v.minShares, v.maxShares);
                    return (
                      <tr key={v.id} data-testid="venture-row" data-address={v.id}>
                        <td><Link href={`/ventures/${v.id}`}>{v.name}</Link> <span className="muted small">{v.symbol}</span></td>
                        <td><Status value={raiseStatus(v.status, v.deadline, now)} /></td>
                        <td data-testid="venture-price"><Amount wei={sharePrice(v.pricePerShare)} decimals={4} unit="COMPUTE" /></td>
                        <td>
                          <progress max={100} value={progress.pct} aria-label={`${v.name}: ${progress.label}`} /> <span className="small" data-testid="venture-progress">{progress.label}</span>
                        </td>
                        <td><Amount wei={v.raised} unit="COMPUTE" decimals={0} /></td>
                        <td>{v.investorCount}</td>
                        <td>{formatTime(v.deadline)}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
        </ListState>
      </section>
      <MyHoldings />
      <LaunchVenture />
    </>
  );
}

export function MyHoldings({ venture }: { venture?: string }) {
  const mounted = useMounted();
  const connection = useConnection();
  const me = connection.address?.toLowerCase();
  const q = useGql<{ ventureHoldings: Holding[] }>(HOLDINGS, { me: me ?? "" }, { enabled: Boolean(me), pollMs: 5000 });
  const rows = q.data?.ventureHoldings.filter((h) => (!venture || h.venture.id === venture) && (BigInt(h.shares) > 0n || h.claimed.some((c) => c !== "0")));
  return (
    <section aria-labelledby="holdings-h">
      <h2 id="holdings-h">My holdings</h2>
      {!mounted ? null : !me ? (
        <p className="muted" data-testid="empty">Connect a wallet to see your holdings.</p>
      ) : (
        <ListState q={q} items={rows} empty="You hold no venture shares.">
          {(items) => <HoldingsTable holdings={items} owner={me as Address} />}
        </ListState>
      )}
    </section>
  );
}

const OPERATED = `query Operated($me: Bytes!) {
  ventures(first: 100, where: { operator: $me }, orderBy: createdAtBlock, orderDirection: desc) {
    id name symbol status sharesSold minShares maxShares raised deadline revenueTokens revenueDeposited investorCount
  }
}`;

interface Operated {
  id: string; name: string; symbol: string; status: string; sharesSold: string; minShares: string; maxShares: string;
  raised: string; deadline: string; revenueTokens: string[]; revenueDeposited: string[]; investorCount: number;
}

/** The ventures the connected wallet operates (launched, or handed over to it): their raise and the revenue deposited. */
export function MyVentures() {
  const mounted = useMounted();
  const connection = useConnection();
  const tokenName = useTokenName();
  const now = useChainNow();
  const me = connection.address?.toLowerCase();
  const q = useGql<{ ventures: Operated[] }>(OPERATED, { me: me ?? "" }, { enabled: Boolean(me), pollMs: 6000 });
  if (!mounted || !me) return null;
  return (
    <section aria-labelledby="operated-h">
      <h2 id="operated-h">Ventures I run</h2>
      <ListState q={q} items={q.data?.ventures} empty={<>You operate no venture: <Link href="/ventures">launch one</Link>.</>}>
        {(rows) => (
          <DataTable head={["Venture", "Status", "Raise", "Raised", "Investors", "Revenue deposited"]}>
            {rows.map((v) => (
              <tr key={v.id} data-testid="operated-row" data-venture={v.id}>
                <td><Link href={`/ventures/${v.id}`}>{v.name}</Link> <span className="muted small">{v.symbol}</span></td>
                <td><Status value={raiseStatus(v.status, v.deadline, now)} /></td>
                <td className="small">{raiseProgress(v.sharesSold, v.minShares, v.maxShares).label}</td>
                <td><Amount wei={v.raised} unit="COMPUTE" decimals={2} /></td>
                <td>{v.investorCount}</td>
                <td>{v.revenueTokens.map((t, i) => <div key={t}><Amount wei={v.revenueDeposited[i] ?? "0"} unit={tokenName(t)} decimals={2} /></div>)}</td>
              </tr>
            ))}
          </DataTable>
        )}
      </ListState>
    </section>
  );
}

export function HoldingsTable({ holdings, owner }: { holdings: Holding[]; owner: Address }) {
  const tx = useTx();
  const tokenName = useTokenName();
  const claimable = useChainRead(["claimable", owner, holdings.map((h) => h.venture.id).join(",")], async (c) => {
    const out: Record<string, readonly bigint[]> = {};
    await Promise.all(holdings.map(async (h) => {
      out[h.venture.id] = await c.readContract({ address: h.venture.id as Address, abi: VentureAbi, functionName: "claimable", args: [owner] }) as readonly bigint[];
    }));
    return out;
  }, { pollMs: 5000 });
  return (
    <div className="table-wrap">
      <table>
        <thead><tr><th scope="col">Venture</th><th scope="col">Shares</th><th scope="col">Invested</th><th scope="col">Claimable</th><th scope="col">Claimed</th><th scope="col"><span className="visually-hidden">Actions</span></th></tr></thead>
        <tbody>
          {holdings.map((h) => {
            const c = claimable.data?.[h.venture.id];
            const any = c?.some((x) => x > 0n) ?? false;
            return (
              <tr key={h.id} data-testid="holding-row" data-venture={h.venture.id}>
                <td><Link href={`/ventures/${h.venture.id}`}>{h.venture.name}</Link></td>
                <td><Amount wei={h.shares} unit={h.venture.symbol} decimals={2} /></td>
                <td><Amount wei={h.invested} unit="COMPUTE" decimals={2} /></td>
                <td data-testid="holding-claimable">
                  {c ? h.venture.revenueTokens.map((t, i) => <div key={t}><Amount wei={c[i] ?? 0n} unit={tokenName(t)} /></div>) : <span className="muted">…</span>}
                </td>
                <td>{h.venture.revenueTokens.map((t, i) => <div key={t}><Amount wei={h.claimed[i] ?? "0"} unit={tokenName(t)} /></div>)}</td>
                <td className="row-actions">
                  <button type="button" className="button small" disabled={tx.busy || !any}
                    onClick={() => tx.write({ label: `Claim revenue of ${h.venture.name}`, address: h.venture.id as Address, abi: VentureAbi, functionName: "claim" })}>Claim</button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

interface VentureDetail extends VentureRow {
  metadataURI: string; operator: { id: string }; pendingOperator: string | null; distributionBps: number; performanceFeeBps: number; totalShares: string; refunded: string;
  revenueDeposited: string[]; revenueClaimed: string[]; createdAtTimestamp: string;
  deposits: { id: string; token: string; amount: string; distributed: string; performanceFee: string; operatorShare: string; timestamp: string; depositor: string }[];
}

const DETAIL = `query Venture($id: ID!) {
  venture(id: $id) {
    ${VENTURE_FIELDS} metadataURI operator { id } pendingOperator distributionBps performanceFeeBps totalShares refunded revenueDeposited revenueClaimed createdAtTimestamp
    deposits(first: 200, orderBy: timestamp, orderDirection: desc) { id token amount distributed performanceFee operatorShare timestamp depositor }
  }
}`;

export function VentureView({ address }: { address: string }) {
  const q = useGql<{ venture: VentureDetail | null }>(DETAIL, { id: address }, { pollMs: 5000 });
  const v = q.data?.venture;
  const tokenName = useTokenName();
  const now = useChainNow();
  if (q.error && !q.data) return <><h1>Venture</h1><p className="error" role="alert">Could not load the venture: {q.error.message}</p></>;
  if (q.isPending) return <><h1>Venture</h1><p className="muted" data-testid="loading">Loading…</p></>;
  if (!v) return <><h1>Venture not found</h1><p className="muted" data-testid="empty">No venture at {address} is indexed.</p></>;
  const deadlinePassed = now > 0 && now > Number(v.deadline);
  const days = new Map<number, Map<string, number>>();
  for (const d of v.deposits) {
    const day = Math.floor(Number(d.timestamp) / 86400) * 86400;
    const m = days.get(day) ?? new Map<string, number>();
    m.set(d.token, (m.get(d.token) ?? 0) + toNumber(d.distributed));
    days.set(day, m);
  }
  const colors = ["#16a34a", "#2563eb", "#ca8a04", "#7c3aed"];
  return (
    <>
      <h1>Venture {v.name}</h1>
      <section aria-labelledby="raise-h" className="card">
        <h2 id="raise-h">The raise</h2>
        <dl className="facts">
          <div><dt>Status</dt><dd data-testid="venture-status"><Status value={raiseStatus(v.status, v.deadline, now)} /></dd></div>
          <div><dt>Price</dt><dd><span data-testid="venture-price"><Amount wei={sharePrice(v.pricePerShare)} unit="COMPUTE" decimals={4} /></span> per share</dd></div>
          <div><dt>Sold</dt><dd><Amount wei={v.sharesSold} decimals={2} /> of <Amount wei={v.maxShares} decimals={0} /> shares (minimum <Amount wei={v.minShares} decimals={0} />)</dd></div>
          <div><dt>Raised</dt><dd><Amount wei={v.raised} unit="COMPUTE" decimals={2} /></dd></div>
          <div><dt>Deadline</dt><dd>{formatTime(v.deadline)}</dd></div>
          <div><dt>Revenue to holders</dt><dd>{formatBps(v.distributionBps)} of deposits{v.performanceFeeBps ? `, performance fee ${formatBps(v.performanceFeeBps)} above the hurdle` : ""}</dd></div>
          <div><dt>Operator</dt><dd><code className="break">{v.operator.id}</code>{v.operatorAgentId !== "0" && <> · <Link href={`/agents/${v.operatorAgentId}`}>Agent {v.operatorAgentId}</Link></>}</dd></div>
          {v.metadataURI && <div><dt>Document</dt><dd className="break">{v.metadataURI}</dd></div>}
        </dl>
        <RaiseActions v={v} deadlinePassed={deadlinePassed} />
      </section>
      <InvestForm v={v} deadlinePassed={deadlinePassed} />
      <MyHoldings venture={v.id} />
      <section aria-labelledby="revenue-h">
        <h2 id="revenue-h">Revenue history</h2>
        <p className="small">Deposited: {v.revenueTokens.map((t, i) => <span key={t}>{i > 0 ? ", " : ""}<Amount wei={v.revenueDeposited[i]} unit={tokenName(t)} /></span>)} · distributed to holders: {v.revenueTokens.map((t, i) => <span key={t}>{i > 0 ? ", " : ""}<Amount wei={v.revenueDistributed[i]} unit={tokenName(t)} /></span>)}</p>
        {days.size > 0 && (
          <BarChart wide label={`Revenue distributed to holders of ${v.name} per day`} series={v.revenueTokens.map((t, i) => ({
            name: tokenName(t), color: colors[i % colors.length], points: [...days.entries()].map(([x, m]) => ({ x, y: m.get(t) ?? 0 })),
          }))} />
        )}
        <ListState q={q} items={v.deposits} empty="No revenue deposited yet.">
          {(rows) => (
            <div className="table-wrap">
              <table>
                <thead><tr><th scope="col">When</th><th scope="col">Token</th><th scope="col">Amount</th><th scope="col">To holders</th><th scope="col">Operator</th><th scope="col">By</th></tr></thead>
                <tbody>
                  {rows.map((d) => (
                    <tr key={d.id} data-testid="revenue-row">
                      <td>{formatTime(d.timestamp)}</td>
                      <td>{tokenName(d.token)}</td>
                      <td><Amount wei={d.amount} /></td>
                      <td><Amount wei={d.distributed} /></td>
                      <td><Amount wei={(BigInt(d.operatorShare) + BigInt(d.performanceFee)).toString()} /></td>
                      <td><code>{shortAddress(d.depositor)}</code></td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </ListState>
      </section>
      <DepositForm v={v} />
      <OperatorPanel v={v} />
    </>
  );
}

/**
 * The operator's side: its part of the revenue waiting to be paid out (anyone may trigger the
 * payout, which always goes to the operator), and for the operator's wallet the raise's
 * cancellation (while open: every investor may then take a refund) and the two-step hand-over
 * (transferOperator, then acceptOperator from the new operator's wallet).
 */
function OperatorPanel({ v }: { v: VentureDetail }) {
  const mounted = useMounted();
  const tx = useTx();
  const connection = useConnection();
  const tokenName = useTokenName();
  const me = connection.address?.toLowerCase();
  const isOperator = me !== undefined && me === v.operator.id.toLowerCase();
  const isPending = me !== undefined && v.pendingOperator !== null && me === v.pendingOperator.toLowerCase();
  const owed = useChainRead(["operatorOwed", v.id, ...v.revenueTokens], (c) =>
    Promise.all(v.revenueTokens.map((t) => c.readContract({ address: v.id as Address, abi: VentureAbi, functionName: "operatorOwed", args: [t as Address] }) as Promise<bigint>)));
  const [to, setTo] = useState("");
  const [error, setError] = useState<string | null>(null);
  const anyOwed = (owed.data ?? []).some((x) => x > 0n);

  async function handOver(e: FormEvent) {
    e.preventDefault();
    setError(null);
    const a = to.trim();
    if (!/^0x[0-9a-fA-F]{40}$/.test(a)) return setError("Enter the new operator's address (0x followed by 40 hex digits).");
    if (a.toLowerCase() === v.operator.id.toLowerCase()) return setError("That is already the operator.");
    if (await tx.write({ label: `Offer ${v.name} to ${shortAddress(a)}`, address: v.id as Address, abi: VentureAbi, functionName: "transferOperator", args: [a as Address] })) setTo("");
  }

  return (
    <section aria-labelledby="operator-h" className="card" data-testid="operator-panel">
      <h2 id="operator-h">Operator</h2>
      <p className="small" data-testid="operator-owed">
        Owed to the operator:{" "}
        {owed.data ? v.revenueTokens.map((t, i) => <span key={t}>{i > 0 && ", "}<Amount wei={owed.data[i]} unit={tokenName(t)} /></span>) : "…"}
      </p>
      {v.pendingOperator && <p className="small muted">Offered to <code>{v.pendingOperator}</code>, who has not accepted yet.</p>}
      <div className="actions">
        <button type="button" className="button secondary" disabled={!mounted || tx.busy || !anyOwed}
          onClick={() => void tx.write({ label: `Pay ${v.name}'s operator its revenue`, address: v.id as Address, abi: VentureAbi, functionName: "withdrawOperatorRevenue" })}>Pay out to the operator</button>
        {mounted && isOperator && v.status === "open" && (
          <button type="button" className="button secondary" disabled={tx.busy}
            onClick={() => {
              if (window.confirm(`Cancel the raise of ${v.name}? It cannot be reopened; every investor may then take a refund.`)) {
                void tx.write({ label: `Cancel the raise of ${v.name}`, address: v.id as Address, abi: VentureAbi, functionName: "cancelRaise" });
              }
            }}>Cancel the raise</button>
        )}
        {mounted && isPending && (
          <button type="button" className="button" disabled={tx.busy}
            onClick={() => void tx.write({ label: `Become ${v.name}'s operator`, address: v.id as Address, abi: VentureAbi, functionName: "acceptOperator" })}>Accept the operator role</button>
        )}
      </div>
      {mounted && isOperator && (
        <form onSubmit={handOver} noValidate className="form-grid">
          <div className="field">
            <label htmlFor="op-to">Hand the venture over to (address)</label>
            <input id="op-to" value={to} autoComplete="off" placeholder="0x…" onChange={(e) => { setTo(e.target.value); setError(null); }} aria-invalid={Boolean(error)} aria-describedby="op-to-error" />
            <FieldError id="op-to-error" error={error} />
          </div>
          <div className="actions"><button type="submit" className="button secondary" disabled={tx.busy}>Offer the operator role</button></div>
        </form>
      )}
    </section>
  );
}

function RaiseActions({ v, deadlinePassed }: { v: VentureDetail; deadlinePassed: boolean }) {
  const mounted = useMounted();
  const tx = useTx();
  const soldOut = BigInt(v.sharesSold) >= BigInt(v.maxShares);
  if (!mounted) return null;
  return (
    <div className="actions">
      {v.status === "open" && (deadlinePassed || soldOut) && (
        <button type="button" className="button secondary" disabled={tx.busy}
          onClick={() => tx.write({ label: `Finalize the raise of ${v.name}`, address: v.id as Address, abi: VentureAbi, functionName: "finalize" })}>Finalize raise</button>
      )}
      {(v.status === "failed" || v.status === "cancelled" || (v.status === "open" && deadlinePassed && BigInt(v.sharesSold) < BigInt(v.minShares))) && (
        <button type="button" className="button secondary" disabled={tx.busy}
          onClick={() => tx.write({ label: `Refund from ${v.name}`, address: v.id as Address, abi: VentureAbi, functionName: "refund" })}>Refund</button>
      )}
    </div>
  );
}

function InvestForm({ v, deadlinePassed }: { v: VentureDetail; deadlinePassed: boolean }) {
  const mounted = useMounted();
  const { publicClient } = useApp();
  const tx = useTx();
  const connection = useConnection();
  const compute = useContract("ComputeToken");
  const owner = connection.address as Address | undefined;
  const bal = useBalanceAllowance(compute, owner, v.id as Address);
  const [shares, setShares] = useState("");
  const [error, setError] = useState<string | null>(null);
  const price = BigInt(v.pricePerShare);
  const left = BigInt(v.maxShares) - BigInt(v.sharesSold);
  const open = v.status === "open" && !deadlinePassed && left > 0n;
  const parsed = shares ? parseAmount(shares, { max: left, maxLabel: "the shares left in the raise", unit: "shares" }) : null;
  const cost = parsed?.ok ? parsed.value * price : null;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    if (!owner) return setError("Connect a wallet first.");
    if (!compute) return setError("COMPUTE is not deployed.");
    if (!open) return setError("The raise is not open.");
    const a = parseAmount(shares, { max: left, maxLabel: "the shares left in the raise", unit: "shares" });
    if (!a.ok) return setError(a.error);
    const c = a.value * price;
    if (bal.data && c > bal.data.balance) return setError(`That costs ${formatAmount(c)} COMPUTE; your balance is ${formatAmount(bal.data.balance)} COMPUTE.`);
    if (!(await ensureAllowance(tx, publicClient, compute, "COMPUTE", owner, v.id as Address, c))) return;
    const ok = await tx.write({ label: `Invest ${formatAmount(c)} COMPUTE in ${v.name}`, address: v.id as Address, abi: VentureAbi, functionName: "invest", args: [a.value] });
    if (ok) setShares("");
  }

  return (
    <section aria-labelledby="invest-h" className="card">
      <h2 id="invest-h">Invest</h2>
      {!open && <p className="muted">The raise is {v.status === "open" ? "over: it can be finalized" : v.status}; no new investments.</p>}
      <form onSubmit={submit} noValidate className="form-grid">
        <div className="field">
          <label htmlFor="invest-shares">Shares</label>
          <input id="invest-shares" inputMode="decimal" autoComplete="off" value={shares} onChange={(e) => { setShares(e.target.value); setError(null); }}
            aria-invalid={Boolean(error || (parsed && !parsed.ok))} aria-describedby="invest-help invest-error" placeholder="100" disabled={!open} />
          <p id="invest-help" className="help">{cost !== null ? <>Costs <Amount wei={cost} unit="COMPUTE" />. </> : null}{mounted && bal.data ? <>Balance: <Amount wei={bal.data.balance} unit="COMPUTE" /></> : null}</p>
          <FieldError id="invest-error" error={error ?? (parsed && !parsed.ok ? parsed.error : null)} />
        </div>
        <div className="actions"><button type="submit" className="button" disabled={!mounted || tx.busy || !open}>Invest</button></div>
      </form>
    </section>
  );
}

function DepositForm({ v }: { v: VentureDetail }) {
  const mounted = useMounted();
  const { publicClient } = useApp();
  const tx = useTx();
  const connection = useConnection();
  const tokenName = useTokenName();
  const [token, setToken] = useState(v.revenueTokens[0] ?? "");
  const [amount, setAmount] = useState("");
  const [error, setError] = useState<string | null>(null);
  const owner = connection.address as Address | undefined;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    if (!owner) return setError("Connect a wallet first.");
    const a = parseAmount(amount, { unit: tokenName(token) });
    if (!a.ok) return setError(a.error);
    const balance = await publicClient.readContract({ address: token as Address, abi: erc20Abi, functionName: "balanceOf", args: [owner] });
    if (a.value > balance) return setError(`That is more than your balance (${formatAmount(balance)} ${tokenName(token)}).`);
    if (!(await ensureAllowance(tx, publicClient, token as Address, tokenName(token), owner, v.id as Address, a.value))) return;
    const ok = await tx.write({ label: `Deposit ${formatAmount(a.value)} ${tokenName(token)} of revenue`, address: v.id as Address, abi: VentureAbi, functionName: "depositRevenue", args: [token as Address, a.value] });
    if (ok) setAmount("");
  }

  return (
    <section aria-labelledby="deposit-h" className="card">
      <h2 id="deposit-h">Deposit revenue</h2>
      <p className="muted small">Anyone (usually the venture&apos;s agent) may deposit revenue; it is shared among holders at once.</p>
      <form onSubmit={submit} noValidate className="form-grid">
        <div className="field">
          <label htmlFor="dep-token">Token</label>
          <select id="dep-token" value={token} onChange={(e) => setToken(e.target.value)}>
            {v.revenueTokens.map((t) => <option key={t} value={t}>{tokenName(t)}</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor="dep-amount">Amount</label>
          <input id="dep-amount" inputMode="decimal" autoComplete="off" value={amount} onChange={(e) => { setAmount(e.target.value); setError(null); }} aria-invalid={Boolean(error)} aria-describedby="dep-error" />
          <FieldError id="dep-error" error={error} />
        </div>
        <div className="actions"><button type="submit" className="button" disabled={!mounted || tx.busy}>Deposit revenue</button></div>
      </form>
    </section>
  );
}
