"use client";
import Link from "@/components/link";
import { useState, type FormEvent } from "react";
import { useConnection } from "../wallet";
import type { Address } from "viem";
import { erc20Abi } from "@/lib/erc20";
import { AgentRegistryAbi, WorkMarketAbi } from "@/lib/generated/abis";
import { formatTime, roleList } from "@/lib/format";
import { useChainRead, useGql } from "../data";
import { useApp, useContract, useMounted, useSession, useTx } from "../Providers";
import { useMyAgents } from "../agents";
import { Amount, FieldError, ListState, Tile } from "../ui";
import { POSITIONS, PositionsTable, type Position } from "./StakeView";
import { MyHoldings, MyVentures } from "./VenturesView";
import { depositCredit } from "../tokens";
import { parseAmount } from "@/lib/amount";

export function AccountView() {
  const mounted = useMounted();
  const connection = useConnection();
  const session = useSession();
  if (!mounted) return <p className="muted" data-testid="loading">Loading…</p>;
  if (connection.status !== "connected") {
    return <p className="muted" data-testid="empty">Connect a wallet (top right) to see your positions, agents and claims.</p>;
  }
  return (
    <>
      <section aria-labelledby="session-h" className="card">
        <h2 id="session-h">Session</h2>
        <dl className="facts">
          <div><dt>Wallet</dt><dd><code className="break">{connection.address}</code></dd></div>
          <div><dt>Signed in</dt><dd>{session.address ? <>as <code className="break" data-testid="account-session">{session.address}</code> until {formatTime(session.expiresAt)}</> : <>no — <button type="button" className="link-button" onClick={() => void session.signIn()}>sign in with Ethereum</button> to post quotes and requests</>}</dd></div>
        </dl>
        <Balances owner={connection.address} />
      </section>
      <MyPositions owner={connection.address.toLowerCase()} />
      <MyAgents />
      <EditAgent />
      <MyHoldings />
      <MyVentures />
      <RegisterAgent />
    </>
  );
}

function Balances({ owner }: { owner: Address }) {
  const ubc = useContract("UBCToken");
  const compute = useContract("ComputeToken");
  const q = useChainRead(["balances", owner, ubc, compute], async (c) => {
    const [u, k] = await Promise.all([
      ubc ? c.readContract({ address: ubc, abi: erc20Abi, functionName: "balanceOf", args: [owner] }) : 0n,
      compute ? c.readContract({ address: compute, abi: erc20Abi, functionName: "balanceOf", args: [owner] }) : 0n,
    ]);
    return { u, k };
  });
  return (
    <div className="tiles">
      <Tile label="UBC balance"><Amount wei={q.data?.u} unit="UBC" testId="ubc-balance" /></Tile>
      <Tile label="COMPUTE balance"><Amount wei={q.data?.k} unit="COMPUTE" testId="compute-balance" /></Tile>
    </div>
  );
}

function MyPositions({ owner }: { owner: string }) {
  const q = useGql<{ stakePositions: Position[] }>(POSITIONS, { owner }, { pollMs: 5000 });
  return (
    <section aria-labelledby="acc-positions-h">
      <h2 id="acc-positions-h">My staking positions</h2>
      <ListState q={q} items={q.data?.stakePositions} empty={<>No positions. <Link href="/stake">Stake UBC</Link> to earn COMPUTE.</>}>
        {(items) => <PositionsTable positions={items} />}
      </ListState>
    </section>
  );
}

function MyAgents() {
  const { me, q, agents } = useMyAgents();
  const tx = useTx();
  const market = useContract("WorkMarket");
  const compute = useContract("ComputeToken");
  const { cfg, publicClient } = useApp();
  const [agentId, setAgentId] = useState("");
  const [amount, setAmount] = useState("");
  const [error, setError] = useState<string | null>(null);
  const target = agents.find((a) => a.agentId === agentId) ?? agents[0];

  async function deposit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    if (!me || !market || !compute || !target) return setError("Connect a wallet that owns an agent first.");
    const balance = await publicClient.readContract({ address: compute, abi: erc20Abi, functionName: "balanceOf", args: [me as Address] });
    const a = parseAmount(amount, { max: balance, maxLabel: "your COMPUTE balance", unit: "COMPUTE" });
    if (!a.ok) return setError(a.error);
    if (await depositCredit(tx, publicClient, cfg.chainId, compute, market, me as Address, BigInt(target.agentId), a.value)) setAmount("");
  }

  return (
    <section aria-labelledby="acc-agents-h">
      <h2 id="acc-agents-h">My agents</h2>
      <ListState q={q} items={me ? agents : []} empty="You own no agents. Register one below to trade on the market.">
        {(items) => (
          <div className="table-wrap">
            <table>
              <thead><tr><th scope="col">Agent</th><th scope="col">Roles</th><th scope="col">Wallet</th><th scope="col">Market credit</th><th scope="col"><span className="visually-hidden">Actions</span></th></tr></thead>
              <tbody>
                {items.map((a) => (
                  <tr key={a.id} data-testid="agent-row" data-agent-id={a.agentId}>
                    <td><Link href={`/agents/${a.agentId}`}>Agent {a.agentId}</Link></td>
                    <td>{roleList(a.roles).join(", ")}</td>
                    <td>{a.wallet ? <code>{a.wallet.slice(0, 10)}…</code> : <span className="muted">owner</span>}</td>
                    <td><Amount wei={a.marketCredit} unit="COMPUTE" /></td>
                    <td className="row-actions">
                      <button type="button" className="button small" disabled={tx.busy || !market || BigInt(a.marketCredit) === 0n}
                        onClick={() => tx.write({ label: `Withdraw agent ${a.agentId}'s credit`, address: market!, abi: WorkMarketAbi, functionName: "withdraw", args: [BigInt(a.agentId), me as Address, BigInt(a.marketCredit)] })}>
                        Withdraw credit
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </ListState>
      {agents.length > 0 && (
        <form onSubmit={deposit} noValidate className="form-grid" data-testid="deposit-credit">
          <div className="field">
            <label htmlFor="dc-agent">Deposit credit into</label>
            <select id="dc-agent" value={target?.agentId ?? ""} onChange={(e) => setAgentId(e.target.value)}>
              {agents.map((a) => <option key={a.agentId} value={a.agentId}>Agent {a.agentId}</option>)}
            </select>
          </div>
          <div className="field">
            <label htmlFor="dc-amount">Amount (COMPUTE)</label>
            <input id="dc-amount" inputMode="decimal" autoComplete="off" value={amount} onChange={(e) => { setAmount(e.target.value); setError(null); }} aria-invalid={Boolean(error)} aria-describedby="dc-error dc-help" />
            <FieldError id="dc-error" error={error} />
          </div>
          <div className="actions"><button type="submit" className="button secondary" disabled={tx.busy || !market}>Deposit credit</button></div>
          <p id="dc-help" className="help small">One signature and one transaction, no approval (EIP-3009): fills, open jobs and deposits are then paid from the credit, which costs less gas than from the wallet.</p>
        </form>
      )}
    </section>
  );
}

/** The roles and card URI of an agent this wallet owns (only the owner may change them). */
function EditAgent() {
  const tx = useTx();
  const registry = useContract("AgentRegistry");
  const { me, agents } = useMyAgents();
  const owned = agents.filter((a) => me !== undefined && a.owner.id.toLowerCase() === me.toLowerCase());
  const [agentId, setAgentId] = useState("");
  const agent = owned.find((a) => a.agentId === agentId) ?? owned[0];
  // the form starts from the agent's indexed values, and again when another agent is chosen
  const [edit, setEdit] = useState<{ of: string; roles: number; uri: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  if (!agent) return null;
  const form = edit && edit.of === agent.agentId ? edit : { of: agent.agentId, roles: agent.roles, uri: agent.cardURI };

  async function save(e: FormEvent) {
    e.preventDefault();
    setError(null);
    if (!registry || !agent) return setError("The agent registry is not deployed.");
    if (form.roles === 0) return setError("Keep at least one role.");
    if (new TextEncoder().encode(form.uri).length > 2048) return setError("The card URI is too long.");
    const uri = form.uri.trim();
    if (form.roles === agent.roles && uri === agent.cardURI) return setError("Nothing changed.");
    if (form.roles !== agent.roles) {
      const ok = await tx.write({ label: `Set agent ${agent.agentId}'s roles to ${roleList(form.roles).join(", ")}`, address: registry, abi: AgentRegistryAbi, functionName: "setAgentRoles", args: [BigInt(agent.agentId), form.roles] });
      if (!ok) return;
    }
    if (uri !== agent.cardURI) {
      const ok = await tx.write({ label: `Set agent ${agent.agentId}'s card URI`, address: registry, abi: AgentRegistryAbi, functionName: "setAgentCardURI", args: [BigInt(agent.agentId), uri] });
      if (!ok) return;
    }
    setEdit(null);
  }

  return (
    <section aria-labelledby="edit-agent-h" className="card">
      <h2 id="edit-agent-h">Edit an agent</h2>
      <p className="muted small">Its roles (what it may do in the market) and its card URI (its public description; an agent serving specs names its endpoint there). Only the agent&apos;s owner may change them.</p>
      <form onSubmit={(e) => void save(e)} noValidate className="form-grid">
        <div className="field">
          <label htmlFor="edit-agent">Agent</label>
          <select id="edit-agent" value={agent.agentId} onChange={(e) => { setAgentId(e.target.value); setEdit(null); setError(null); }}>
            {owned.map((a) => <option key={a.agentId} value={a.agentId}>Agent {a.agentId}</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor="edit-uri">Card URI</label>
          <input id="edit-uri" value={form.uri} onChange={(e) => setEdit({ ...form, uri: e.target.value })} autoComplete="off" aria-describedby="edit-error" />
        </div>
        <fieldset className="field">
          <legend>Roles</legend>
          {([[1, "Provider"], [2, "Requester"], [4, "Validator"]] as const).map(([bit, name]) => (
            <label key={bit} className="check">
              <input type="checkbox" checked={(form.roles & bit) !== 0} onChange={(e) => setEdit({ ...form, roles: e.target.checked ? form.roles | bit : form.roles & ~bit })} /> {name}
            </label>
          ))}
        </fieldset>
        <FieldError id="edit-error" error={error} />
        <div className="actions"><button type="submit" className="button" disabled={tx.busy}>Save agent</button></div>
      </form>
    </section>
  );
}

function RegisterAgent() {
  const tx = useTx();
  const registry = useContract("AgentRegistry");
  const [uri, setUri] = useState("");
  const [roles, setRoles] = useState({ provider: true, requester: true, validator: false });
  const [error, setError] = useState<string | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    const bits = (roles.provider ? 1 : 0) | (roles.requester ? 2 : 0) | (roles.validator ? 4 : 0);
    if (bits === 0) return setError("Choose at least one role.");
    if (new TextEncoder().encode(uri).length > 2048) return setError("The card URI is too long.");
    if (!registry) return setError("The agent registry is not deployed.");
    const ok = await tx.write({ label: "Register an agent", address: registry, abi: AgentRegistryAbi, functionName: "register", args: [uri.trim(), bits] });
    if (ok) setUri("");
  }

  return (
    <section aria-labelledby="register-h" className="card">
      <h2 id="register-h">Register an agent</h2>
      <p className="muted small">An ERC-8004 identity (an NFT) owned by this wallet, which signs for it until you bind an agent wallet.</p>
      <form onSubmit={submit} noValidate className="form-grid">
        <div className="field">
          <label htmlFor="reg-uri">Card URI</label>
          <input id="reg-uri" value={uri} onChange={(e) => setUri(e.target.value)} placeholder="https://example.org/agent.json" autoComplete="off" aria-describedby="reg-error" />
        </div>
        <fieldset className="field">
          <legend>Roles</legend>
          {(["provider", "requester", "validator"] as const).map((r) => (
            <label key={r} className="check">
              <input type="checkbox" checked={roles[r]} onChange={(e) => setRoles({ ...roles, [r]: e.target.checked })} /> {r[0].toUpperCase() + r.slice(1)}
            </label>
          ))}
        </fieldset>
        <FieldError id="reg-error" error={error} />
        <div className="actions"><button type="submit" className="button" disabled={tx.busy}>Register agent</button></div>
      </form>
    </section>
  );
}
