"use client";
import { useState, type FormEvent } from "react";
import { useConnection } from "../wallet";
import type { Address } from "viem";
import { StakingVaultAbi } from "@/lib/generated/abis";
import { parseAmount } from "@/lib/amount";
import { formatAmount, formatDuration, formatRate, formatTime } from "@/lib/format";
import { accrued } from "@/lib/staking";
import { useChainNow, useGql } from "../data";
import { useApp, useContract, useMounted, useTx } from "../Providers";
import { Amount, FieldError, ListState } from "../ui";
import { ensureAllowance, signPermit, useBalanceAllowance } from "../tokens";

export interface Pool { poolId: number; duration: string; ratePerDay: string; open: boolean; totalStaked: string; positionCount: number }
export interface Position {
  id: string; positionId: string; amount: string; reward: string; claimed: string; startTime: string; unlockTime: string;
  withdrawn: boolean; pool: { poolId: number; duration: string; ratePerDay: string };
}

const POOLS = `{ stakePools(first: 16, orderBy: poolId) { poolId duration ratePerDay open totalStaked positionCount } }`;
export const POSITIONS = `query Positions($owner: Bytes!) {
  stakePositions(first: 200, where: { owner: $owner }, orderBy: positionId, orderDirection: desc) {
    id positionId amount reward claimed startTime unlockTime withdrawn pool { poolId duration ratePerDay }
  }
}`;

export function StakeView() {
  const pools = useGql<{ stakePools: Pool[] }>(POOLS, undefined, { pollMs: 10000 });
  return (
    <>
      <section aria-labelledby="pools-h">
        <h2 id="pools-h">Pools</h2>
        <ListState q={pools} items={pools.data?.stakePools} empty="No pools indexed yet.">
          {(items) => (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr><th scope="col">Pool</th><th scope="col">Lock</th><th scope="col">Rate (COMPUTE/day per 1,000 UBC)</th><th scope="col">Full reward of 1,000 UBC</th><th scope="col">Staked</th><th scope="col">Positions</th></tr>
                </thead>
                <tbody>
                  {items.map((p) => (
                    <tr key={p.poolId} data-testid="pool-row" data-pool-id={p.poolId}>
                      <td>{p.poolId}{!p.open && <span className="badge warn">closed</span>}</td>
                      <td>{formatDuration(BigInt(p.duration))}</td>
                      <td>{formatRate(p.ratePerDay)}</td>
                      <td><Amount wei={(BigInt(p.ratePerDay) * BigInt(p.duration)) / 86400n} unit="COMPUTE" /></td>
                      <td><Amount wei={p.totalStaked} unit="UBC" decimals={2} /></td>
                      <td>{p.positionCount}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </ListState>
      </section>
      <StakeForm pools={pools.data?.stakePools} />
      <MyPositions />
    </>
  );
}

function StakeForm({ pools }: { pools: Pool[] | undefined }) {
  const mounted = useMounted();
  const { publicClient } = useApp();
  const tx = useTx();
  const connection = useConnection();
  const vault = useContract("StakingVault");
  const ubc = useContract("UBCToken");
  const owner = connection.address as Address | undefined;
  const bal = useBalanceAllowance(ubc, owner, vault);
  const [poolId, setPoolId] = useState("0");
  const [amount, setAmount] = useState("");
  const [auth, setAuth] = useState<"permit" | "approve">("permit");
  const chainNow = useChainNow();
  const [error, setError] = useState<string | null>(null);
  const open = (pools ?? []).filter((p) => p.open);
  const pool = open.find((p) => String(p.poolId) === poolId) ?? open[0];
  const parsed = amount ? parseAmount(amount, { unit: "UBC", max: bal.data?.balance, maxLabel: "your UBC balance" }) : null;
  const preview = parsed?.ok && pool ? (parsed.value * BigInt(pool.ratePerDay) * BigInt(pool.duration)) / (1000n * 10n ** 18n * 86400n) : null;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    if (!owner) return setError("Connect a wallet first.");
    if (!vault || !ubc) return setError("The staking vault is not deployed.");
    if (!pool) return setError("Choose an open pool.");
    const a = parseAmount(amount, { unit: "UBC", max: bal.data?.balance, maxLabel: "your UBC balance" });
    if (!a.ok) return setError(a.error);
    const pid = pool.poolId;
    if (auth === "permit") {
      const p = await signPermit(tx, publicClient, ubc, "UBC", owner, vault, a.value);
      if (!p) return;
      const ok = await tx.write({ label: `Stake ${formatAmount(a.value)} UBC`, address: vault, abi: StakingVaultAbi, functionName: "stakeWithPermit", args: [pid, a.value, p.deadline, p.v, p.r, p.s] });
      if (ok) setAmount("");
    } else {
      if (!(await ensureAllowance(tx, publicClient, ubc, "UBC", owner, vault, a.value))) return;
      const ok = await tx.write({ label: `Stake ${formatAmount(a.value)} UBC`, address: vault, abi: StakingVaultAbi, functionName: "stake", args: [pid, a.value] });
      if (ok) setAmount("");
    }
  }

  return (
    <section aria-labelledby="stake-h" className="card">
      <h2 id="stake-h">Open a position</h2>
      <form onSubmit={submit} noValidate className="form-grid">
        <div className="field">
          <label htmlFor="stake-pool">Pool</label>
          <select id="stake-pool" value={pool ? String(pool.poolId) : ""} onChange={(e) => setPoolId(e.target.value)}>
            {open.length === 0 && <option value="">No open pool</option>}
            {open.map((p) => (
              <option key={p.poolId} value={String(p.poolId)}>{`Pool ${p.poolId}: ${formatDuration(BigInt(p.duration))} at ${formatRate(p.ratePerDay)} COMPUTE/day per 1,000 UBC`}</option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="stake-amount">Amount (UBC)</label>
          <input id="stake-amount" inputMode="decimal" autoComplete="off" value={amount} onChange={(e) => { setAmount(e.target.value); setError(null); }}
            aria-invalid={Boolean(error || (parsed && !parsed.ok))} aria-describedby="stake-amount-help stake-amount-error" placeholder="1000" />
          <p id="stake-amount-help" className="help">
            {mounted && bal.data ? <>Balance: <Amount wei={bal.data.balance} unit="UBC" /> · <button type="button" className="link-button" onClick={() => setAmount(formatAmount(bal.data!.balance, 18).replace(/,/g, ""))}>Max</button></> : "Connect a wallet to see your balance."}
          </p>
          <FieldError id="stake-amount-error" error={error ?? (parsed && !parsed.ok ? parsed.error : null)} />
        </div>
        <div className="field">
          <label htmlFor="stake-auth">Authorisation</label>
          <select id="stake-auth" value={auth} onChange={(e) => setAuth(e.target.value as "permit" | "approve")}>
            <option value="permit">Permit signature (one transaction)</option>
            <option value="approve">Approve transaction, then stake</option>
          </select>
        </div>
        <p className="preview" aria-live="polite">
          {preview !== null && pool ? <>You will earn <Amount wei={preview} unit="COMPUTE" /> over {formatDuration(BigInt(pool.duration))}, unlocking {formatTime((chainNow || Math.floor(Date.now() / 1000)) + Number(pool.duration))}.</> : "\u00a0"}
        </p>
        <div className="actions">
          <button type="submit" className="button" disabled={!mounted || tx.busy || open.length === 0}>Stake</button>
        </div>
      </form>
    </section>
  );
}

function MyPositions() {
  const mounted = useMounted();
  const connection = useConnection();
  const owner = connection.address?.toLowerCase();
  const q = useGql<{ stakePositions: Position[] }>(POSITIONS, { owner: owner ?? "" }, { enabled: Boolean(owner), pollMs: 5000 });
  return (
    <section aria-labelledby="positions-h">
      <h2 id="positions-h">My positions</h2>
      {!mounted ? null : !owner ? (
        <p className="muted" data-testid="empty">Connect a wallet to see your positions.</p>
      ) : (
        <ListState q={q} items={q.data?.stakePositions} empty="You have no staking positions yet.">
          {(items) => <PositionsTable positions={items} />}
        </ListState>
      )}
    </section>
  );
}

export function PositionsTable({ positions }: { positions: Position[] }) {
  const now = useChainNow();
  const tx = useTx();
  const vault = useContract("StakingVault");
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr><th scope="col">Position</th><th scope="col">Pool</th><th scope="col">Staked</th><th scope="col">Reward (full)</th><th scope="col">Claimable now</th><th scope="col">Unlocks</th><th scope="col"><span className="visually-hidden">Actions</span></th></tr>
        </thead>
        <tbody>
          {positions.map((p) => {
            const acc = accrued(p, now);
            const claimable = acc > BigInt(p.claimed) ? acc - BigInt(p.claimed) : 0n;
            const unlocked = now >= Number(p.unlockTime);
            return (
              <tr key={p.id} data-testid="position-row" data-position-id={p.positionId}>
                <td>#{p.positionId}</td>
                <td>{p.pool.poolId} ({formatDuration(BigInt(p.pool.duration))})</td>
                <td><Amount wei={p.amount} unit="UBC" decimals={2} /></td>
                <td><Amount wei={p.reward} unit="COMPUTE" /></td>
                <td><span data-testid="position-accrued" data-value={String(claimable)}>{formatAmount(claimable, 6)}</span> <span className="unit">COMPUTE</span></td>
                <td>{p.withdrawn ? <span className="pill pill-settled">withdrawn</span> : formatTime(p.unlockTime)}</td>
                <td className="row-actions">
                  <button type="button" className="button small" disabled={tx.busy || !vault || claimable === 0n}
                    onClick={() => tx.write({ label: `Claim position #${p.positionId}`, address: vault!, abi: StakingVaultAbi, functionName: "claim", args: [BigInt(p.positionId)] })}>Claim</button>
                  {unlocked && !p.withdrawn && claimable > 0n ? (
                    // unlocked with COMPUTE still to claim: principal and reward in one transaction (StakingVault.exit)
                    <button type="button" className="button small secondary" disabled={tx.busy || !vault}
                      onClick={() => tx.write({ label: `Withdraw and claim position #${p.positionId}`, address: vault!, abi: StakingVaultAbi, functionName: "exit", args: [BigInt(p.positionId)] })}>Withdraw and claim</button>
                  ) : (
                    <button type="button" className="button small secondary" disabled={tx.busy || !vault || p.withdrawn || !unlocked} title={unlocked ? undefined : `Locked until ${formatTime(p.unlockTime)}`}
                      onClick={() => tx.write({ label: `Withdraw position #${p.positionId}`, address: vault!, abi: StakingVaultAbi, functionName: "withdraw", args: [BigInt(p.positionId)] })}>Withdraw</button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
