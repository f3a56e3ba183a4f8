"use client";
// Validators (the ValidatorPool): the list, and the connected wallet's own validator — give an
// agent the validator role, stake UBC (at least the pool's minimum to be drawn into committees),
// add stake, request unbonding, withdraw after the delay, claim the validation fees of the jobs
// it voted on with the verdict. A validator votes on a job from the job's page.
import Link from "@/components/link";
import { useState, type FormEvent } from "react";
import type { Address } from "viem";
import { AgentRegistryAbi, ValidatorPoolAbi } from "@/lib/generated/abis";
import { parseAmount } from "@/lib/amount";
import { formatAmount, formatDuration, formatTime, shortAddress } from "@/lib/format";
import { feeClaimCandidates, validatorState } from "@/lib/validators";
import { useChainNow, useChainRead, useGql } from "../data";
import { useApp, useContract, useMounted, useTx } from "../Providers";
import { useMyAgents } from "../agents";
import { useConnection } from "../wallet";
import { ensureAllowance, useBalanceAllowance } from "../tokens";
import { Amount, FieldError, ListState } from "../ui";

interface ValidatorRow {
  id: string; validatorId: string; account: string; agent: { id: string }; stake: string; active: boolean; unbondAt: string | null;
  slashed: string; feesClaimed: string; attestationCount: number;
}

const VALIDATORS = `{ validators(first: 100, orderBy: validatorId) { id validatorId account agent { id } stake active unbondAt slashed feesClaimed attestationCount } }`;

export function ValidatorsView() {
  const q = useGql<{ validators: ValidatorRow[] }>(VALIDATORS, undefined, { pollMs: 8000 });
  return (
    <>
      <section aria-labelledby="validators-h">
        <h2 id="validators-h">Validators</h2>
        <ListState q={q} items={q.data?.validators} empty="No validators yet.">
          {(rows) => (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr><th scope="col">Validator</th><th scope="col">Agent</th><th scope="col">Account</th><th scope="col">Stake</th><th scope="col">Status</th><th scope="col">Votes</th><th scope="col">Slashed</th><th scope="col">Fees claimed</th></tr>
                </thead>
                <tbody>
                  {rows.map((v) => (
                    <tr key={v.id} data-testid="validator-row" data-validator-id={v.validatorId}>
                      <td>{v.validatorId}</td>
                      <td><Link href={`/agents/${v.agent.id}`}>Agent {v.agent.id}</Link></td>
                      <td><code className="small">{shortAddress(v.account)}</code></td>
                      <td><Amount wei={v.stake} unit="UBC" decimals={2} /></td>
                      <td>{v.unbondAt ? `unbonding until ${formatTime(v.unbondAt)}` : v.active ? <span className="pill pill-validated">active</span> : "below the minimum"}</td>
                      <td>{v.attestationCount}</td>
                      <td><Amount wei={v.slashed} unit="UBC" decimals={2} /></td>
                      <td><Amount wei={v.feesClaimed} unit="COMPUTE" /></td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </ListState>
      </section>
      <MyValidator />
    </>
  );
}

interface Params { minStake: bigint; unbondingDelay: number; committeeSize: number; escalationSize: number; slashBps: number }

function MyValidator() {
  const mounted = useMounted();
  const connection = useConnection();
  const pool = useContract("ValidatorPool");
  const me = connection.address?.toLowerCase() as Address | undefined;
  const chain = useChainRead(["my-validator", pool ?? "", me ?? ""], async (c) => {
    const [params, id] = await Promise.all([
      c.readContract({ address: pool!, abi: ValidatorPoolAbi, functionName: "params" }) as Promise<readonly [bigint, number, number, number, number]>,
      c.readContract({ address: pool!, abi: ValidatorPoolAbi, functionName: "validatorIdOf", args: [me!] }) as Promise<bigint>,
    ]);
    const v = id === 0n ? null : ((await c.readContract({ address: pool!, abi: ValidatorPoolAbi, functionName: "getValidator", args: [id] })) as { stake: bigint; agentId: number; unbondAt: number; active: boolean });
    const p: Params = { minStake: params[0], unbondingDelay: Number(params[1]), committeeSize: Number(params[2]), escalationSize: Number(params[3]), slashBps: Number(params[4]) };
    return { params: p, id, v };
  }, { enabled: Boolean(pool && me) });
  if (!mounted) return null;
  if (connection.status !== "connected" || !me) {
    return <section className="card" aria-labelledby="my-validator-h"><h2 id="my-validator-h">Your validator</h2><p className="muted">Connect a wallet (top right) to validate jobs: stake UBC and vote on the work of the market.</p></section>;
  }
  if (!chain.data) return <section className="card" aria-labelledby="my-validator-h"><h2 id="my-validator-h">Your validator</h2><p className="muted">{chain.error ? `Could not read the validator pool: ${chain.error.message}` : "Loading…"}</p></section>;
  const { params, id, v } = chain.data;
  return (
    <section className="card" aria-labelledby="my-validator-h" data-testid="my-validator">
      <h2 id="my-validator-h">Your validator</h2>
      <p className="muted small">
        Validators re-execute or judge delivered work and vote on it. A stake of at least <Amount wei={params.minStake} unit="UBC" decimals={0} /> puts you in the draw for committees
        of {params.committeeSize} (escalations: {params.escalationSize}); a vote against the final verdict of a dispute loses {params.slashBps / 100}% of the stake; votes with
        the verdict share the job&apos;s 0.5% validation fee. Leaving takes {formatDuration(params.unbondingDelay)} of unbonding.
      </p>
      {v === null ? <JoinPool params={params} me={me} /> : <ValidatorPanel id={id} v={v} params={params} me={me} />}
    </section>
  );
}

/** No validator yet: pick (or make) an agent with the validator role, and stake. */
function JoinPool({ params, me }: { params: Params; me: Address }) {
  const tx = useTx();
  const registry = useContract("AgentRegistry");
  const { agents } = useMyAgents();
  const validators = agents.filter((a) => (a.roles & 4) !== 0);
  const owned = agents.filter((a) => a.owner.id.toLowerCase() === me && (a.roles & 4) === 0);
  const [agentId, setAgentId] = useState("");
  const agent = validators.find((a) => a.agentId === agentId) ?? validators[0];
  if (!agent) {
    return (
      <div className="actions" data-testid="validator-role">
        {owned.length === 0
          ? <p className="muted">You need an agent to validate as: register one on the <Link href="/account">Account</Link> page (with the validator role).</p>
          : owned.map((a) => (
            <button key={a.agentId} type="button" className="button secondary" disabled={tx.busy || !registry}
              onClick={() => void tx.write({ label: `Give agent ${a.agentId} the validator role`, address: registry!, abi: AgentRegistryAbi, functionName: "setAgentRoles", args: [BigInt(a.agentId), a.roles | 4] })}>
              Give agent {a.agentId} the validator role
            </button>
          ))}
      </div>
    );
  }
  return (
    <>
      {validators.length > 1 && (
        <div className="field">
          <label htmlFor="validator-agent">Validate as agent</label>
          <select id="validator-agent" value={agent.agentId} onChange={(e) => setAgentId(e.target.value)}>
            {validators.map((a) => <option key={a.agentId} value={a.agentId}>Agent {a.agentId}</option>)}
          </select>
        </div>
      )}
      <StakeForm agentId={agent.agentId} me={me} suggested={params.minStake} label={`Stake as agent ${agent.agentId}`} />
    </>
  );
}

function StakeForm({ agentId, me, suggested, label }: { agentId: string; me: Address; suggested: bigint; label: string }) {
  const tx = useTx();
  const { publicClient } = useApp();
  const pool = useContract("ValidatorPool");
  const ubc = useContract("UBCToken");
  const bal = useBalanceAllowance(ubc, me, pool);
  const [amount, setAmount] = useState(suggested > 0n ? formatAmount(suggested, 0).replace(/,/g, "") : "");
  const [error, setError] = useState<string | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    if (!pool || !ubc) return setError("The validator pool is not deployed.");
    const a = parseAmount(amount, { unit: "UBC", max: bal.data?.balance, maxLabel: "your UBC balance" });
    if (!a.ok) return setError(a.error);
    if (!(await ensureAllowance(tx, publicClient, ubc, "UBC", me, pool, a.value))) return;
    const ok = await tx.write({ label: `Stake ${formatAmount(a.value)} UBC as validator (agent ${agentId})`, address: pool, abi: ValidatorPoolAbi, functionName: "stake", args: [BigInt(agentId), a.value] });
    if (ok) setAmount("");
  }

  return (
    <form onSubmit={submit} noValidate className="form-grid compact">
      <div className="field">
        <label htmlFor="validator-stake">Stake (UBC)</label>
        <input id="validator-stake" inputMode="decimal" autoComplete="off" value={amount} onChange={(e) => { setAmount(e.target.value); setError(null); }} aria-invalid={Boolean(error)} aria-describedby="validator-stake-error" />
        {bal.data && <p className="help">Balance: <Amount wei={bal.data.balance} unit="UBC" decimals={2} /></p>}
      </div>
      <FieldError id="validator-stake-error" error={error} />
      <div className="actions"><button type="submit" className="button" disabled={tx.busy}>{label}</button></div>
    </form>
  );
}

/** The wallet's validator: its state, more stake, unbonding, withdrawal, fee claims. */
function ValidatorPanel({ id, v, params, me }: { id: bigint; v: { stake: bigint; agentId: number; unbondAt: number; active: boolean }; params: Params; me: Address }) {
  const tx = useTx();
  const pool = useContract("ValidatorPool");
  const now = useChainNow();
  const state = validatorState({ stake: v.stake, active: v.active, unbondAt: BigInt(v.unbondAt) }, params.minStake, now);
  // fees: the settled jobs it voted on with the verdict (the contract skips those already paid,
  // by this validator's claim or by another winner's: the first claim of a job pays all its winners)
  const votes = useGql<{ attestations: { approve: boolean; round: number; job: { jobId: string; status: string; producerWins: boolean | null } }[] }>(
    `query($v: String!) { attestations(first: 500, where: { validator: $v }, orderBy: timestamp, orderDirection: desc) { approve round job { jobId status producerWins } } }`,
    { v: id.toString() }, { pollMs: 8000 },
  );
  const candidates = feeClaimCandidates(votes.data?.attestations ?? []);
  const claimable = useChainRead(["fees", pool ?? "", me, candidates.join(",")], async (c) => {
    if (candidates.length === 0) return 0n;
    try {
      const r = await c.simulateContract({ address: pool!, abi: ValidatorPoolAbi, functionName: "claimFees", args: [candidates.map(BigInt)], account: me });
      return r.result as bigint;
    } catch {
      return 0n; // NothingToClaim: all claimed already
    }
  }, { enabled: Boolean(pool) });

  return (
    <>
      <dl className="facts">
        <div><dt>Validator</dt><dd data-testid="my-validator-id">{id.toString()} (agent <Link href={`/agents/${v.agentId}`}>{v.agentId}</Link>)</dd></div>
        <div><dt>Stake</dt><dd><Amount wei={v.stake} unit="UBC" decimals={2} testId="my-validator-stake" /></dd></div>
        <div><dt>Status</dt><dd data-testid="my-validator-status">{state.label}</dd></div>
        <div><dt>Fees to claim</dt><dd><Amount wei={claimable.data ?? 0n} unit="COMPUTE" testId="my-validator-fees" /></dd></div>
      </dl>
      <div className="actions">
        {state.canUnbond && <button type="button" className="button secondary" disabled={tx.busy || !pool} onClick={() => void tx.write({ label: "Request unbonding", address: pool!, abi: ValidatorPoolAbi, functionName: "requestUnbond", args: [] })}>Request unbonding</button>}
        {state.canWithdraw && <button type="button" className="button" disabled={tx.busy || !pool} onClick={() => void tx.write({ label: "Withdraw the validator stake", address: pool!, abi: ValidatorPoolAbi, functionName: "withdrawStake", args: [] })}>Withdraw stake</button>}
        {(claimable.data ?? 0n) > 0n && <button type="button" className="button" disabled={tx.busy || !pool} onClick={() => void tx.write({ label: `Claim ${formatAmount(claimable.data!)} COMPUTE of validation fees`, address: pool!, abi: ValidatorPoolAbi, functionName: "claimFees", args: [candidates.map(BigInt)] })}>Claim fees</button>}
      </div>
      {state.canAddStake && <StakeForm agentId={String(v.agentId)} me={me} suggested={state.shortOfMinimum} label="Add stake" />}
      {!state.canAddStake && !state.canWithdraw && <p className="help">Unbonding: the stake can be withdrawn from {formatTime(v.unbondAt)}.</p>}
      <p className="help">Votes are cast on a job&apos;s page while your validator sits on its committee.</p>
    </>
  );
}
