"use client";
// The market page's client islands: the page's tables are Server Components (app/market/page.tsx,
// ./board.tsx); what needs the browser hydrates here: the job filter, the "Fill as agent" controls
// and each row's Fill button (the wallet and hashing code load on click) and quote expiry countdowns.
// The live refresh (router.refresh() on each newly indexed block, re-rendering the tables on the
// server, instead of react-query polling each list) is ../refresh.tsx's <LiveRefresh>, shared with
// the overview.
import { createContext, useContext, useState, type ReactNode } from "react";
import type { Address, Hex } from "viem";
import { erc20Abi } from "@/lib/erc20";
import { formatAmount, formatDuration, formatTime, resourceKindLabel } from "@/lib/format";
import { requesterLock } from "@/lib/fees";
import { useChainNow } from "../clock";
import { ChoiceRows, useServerChoice } from "../server-choice";
import { useApp, useContract, useMounted, useTx } from "../Providers";
import { useMyAgents, type MyAgent } from "../agents";
import { FieldError } from "../ui";
import { AgentSelect } from "./forms";

/** The jobs section's "Show" filter: a search parameter (?jobs=settled) the server renders the rows for. */
export function JobFilter({ filter, children }: { filter: string; children: ReactNode }) {
  const { chosen: selected, choose, stale } = useServerChoice(filter, (v) => `?jobs=${encodeURIComponent(v)}`);
  return (
    <section aria-labelledby="jobs-h">
      <div className="section-head">
        <h2 id="jobs-h">Jobs</h2>
        <div className="field inline">
          <label htmlFor="job-filter">Show</label>
          <select id="job-filter" value={selected} onChange={(e) => choose(e.target.value)}>
            <option value="active">Open and in progress</option>
            <option value="open">Open only</option>
            <option value="settled">Settled</option>
            <option value="all">All</option>
          </select>
        </div>
      </div>
      <ChoiceRows stale={stale}>{children}</ChoiceRows>
    </section>
  );
}

interface FillState {
  asAgent: string; setAsAgent: (v: string) => void;
  spec: string; setSpec: (v: string) => void;
  error: string | null; setError: (v: string | null) => void;
}
const FillContext = createContext<FillState | null>(null);

/** Holds the "Fill as agent" and "Job spec" choices that every row's Fill button uses; the board's server-rendered tables are its children. */
export function FillProvider({ children }: { children: ReactNode }) {
  const [asAgent, setAsAgent] = useState("");
  const [spec, setSpec] = useState("");
  const [error, setError] = useState<string | null>(null);
  return <FillContext value={{ asAgent, setAsAgent, spec, setSpec, error, setError }}>{children}</FillContext>;
}

function useFill(): FillState & { me: string | undefined; mine: MyAgent[]; requesters: MyAgent[]; requester: MyAgent | undefined } {
  const state = useContext(FillContext);
  if (!state) throw new Error("a Fill control outside <FillProvider>");
  const { me, agents } = useMyAgents();
  const requesters = agents.filter((a) => (a.roles & 2) !== 0);
  const requester = requesters.find((a) => a.agentId === state.asAgent) ?? requesters[0];
  return { ...state, me, mine: agents, requesters, requester };
}

export function FillControls() {
  const { me, requesters, requester, setAsAgent, spec, setSpec, error } = useFill();
  return (
    <>
      <div className="form-grid compact">
        <div className="field">
          <label htmlFor="fill-agent">Fill as agent</label>
          <AgentSelect id="fill-agent" value={requester?.agentId ?? ""} onChange={setAsAgent} agents={requesters} me={me} none="No requester agent: register one on the Account page" />
        </div>
        <div className="field">
          <label htmlFor="fill-spec">Job spec</label>
          <input id="fill-spec" value={spec} onChange={(e) => setSpec(e.target.value)} placeholder="sha256-iter: the text to hash · llm-text: the prompt · other kinds: what to do" />
        </div>
      </div>
      <FieldError id="fill-error" error={error} />
    </>
  );
}

/** The fields of an open quote that a fill needs (strings, as the indexer returns them). */
export interface FillQuote {
  providerAgentId: string; resourceKind: string; units: string; unitPrice: string; expiry: string; nonce: string;
  requester: string; deliveryPeriod: string; signature: string;
}

export function FillButton({ quote: qt }: { quote: FillQuote }) {
  const mounted = useMounted();
  const { cfg, publicClient } = useApp();
  const tx = useTx();
  const market = useContract("WorkMarket");
  const compute = useContract("ComputeToken");
  const { me, mine, requester, spec, setError } = useFill();
  // a quote of one of this wallet's own agents (as owner or bound wallet): withdrawn, not filled
  const own = mine.some((a) => a.agentId === qt.providerAgentId);

  async function withdraw() {
    setError(null);
    if (!market) return setError("The work market is not deployed.");
    const { WorkMarketAbi } = await import("@/lib/generated/abis");
    // cancels its nonce on-chain: nobody can fill it any more, and the board drops it once indexed
    await tx.write({
      label: `Withdraw quote ${qt.nonce} of agent ${qt.providerAgentId}`, address: market, abi: WorkMarketAbi, functionName: "cancelQuote",
      args: [BigInt(qt.providerAgentId), BigInt(qt.nonce)],
    });
  }

  async function fill() {
    setError(null);
    if (!me) return setError("Connect a wallet first.");
    if (!market || !compute) return setError("The work market is not deployed.");
    if (!requester) return setError("You need an agent with the requester role: register one on the Account page.");
    if (qt.requester !== "0" && qt.requester !== requester.agentId) return setError(`This quote is reserved for requester agent ${qt.requester}.`);
    if (qt.providerAgentId === requester.agentId) return setError("An agent cannot fill its own quote.");
    const value = BigInt(qt.units) * BigInt(qt.unitPrice);
    const lock = requesterLock(value);
    // the market's ABI and the spec hashing (viem's keccak) load with the first fill, not with the page
    const [{ WorkMarketAbi }, { publishJobSpec }] = await Promise.all([import("@/lib/generated/abis"), import("@/lib/jobpost")]);
    // a kind the agents work (sha256-iter, llm-text): the spec they can execute, published on the
    // indexer's spec store (lib/jobpost.ts); any other kind: the text itself, hashed
    const published = await publishJobSpec(cfg.apiUrl, resourceKindLabel(qt.resourceKind), BigInt(qt.units), spec, `web-${me.slice(2, 10)}-${Date.now().toString(36)}`);
    if (!published.ok) return setError(published.store ? `${published.error}: not filled.` : published.error);
    const hash = published.hash;
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
      args: [quote, qt.signature as Hex, BigInt(requester.agentId), hash],
    });
  }

  // disabled until hydrated: the handler needs the wallet code
  if (own) return <button type="button" className="button small secondary" disabled={!mounted || tx.busy} onClick={() => void withdraw()}>Withdraw</button>;
  return <button type="button" className="button small" disabled={!mounted || tx.busy} onClick={() => void fill()}>Fill</button>;
}

/** A quote's expiry: the time, or a countdown within the last hour (by the chain's clock, ticking after mount). */
export function Expires({ expiry }: { expiry: string }) {
  const now = useChainNow();
  const left = Number(expiry) - now;
  return <>{now && left < 3600 ? `in ${formatDuration(Math.max(0, left))}` : formatTime(expiry)}</>;
}
