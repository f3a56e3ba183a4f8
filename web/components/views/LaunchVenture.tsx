"use client";
// "Launch a venture": VentureFactory.createVenture from the connected wallet, which becomes the
// venture's operator (it receives the raise when the minimum is sold by the deadline, and the
// operator's part of the revenue). The fields are checked by lib/ventures.ts before the wallet
// opens; the new venture's page opens once the transaction is mined.
import { useState, type FormEvent } from "react";
import { useRouter } from "next/navigation";
import { VentureFactoryAbi } from "@/lib/generated/abis";
import { formatAmount } from "@/lib/format";
import { createdVenture, draftTargets, ventureParams, type VentureDraft, type VentureField } from "@/lib/ventures";
import { useMyAgents } from "../agents";
import { useConnection } from "../wallet";
import { useApp, useMounted, useTx } from "../Providers";
import { FieldError, TextField } from "../ui";

const EMPTY: VentureDraft = {
  name: "", symbol: "", metadataURI: "", price: "10", minShares: "", maxShares: "", days: "30",
  distributionPct: "90", feePct: "", feePeriodDays: "30", revenue: [], operatorAgentId: "",
};

export function LaunchVenture() {
  const mounted = useMounted();
  const router = useRouter();
  const { cfg } = useApp();
  const tx = useTx();
  const connection = useConnection();
  const me = connection.address?.toLowerCase() as `0x${string}` | undefined;
  const { agents: mine } = useMyAgents();
  const agents = mine.filter((a) => a.owner.id.toLowerCase() === me).map((a) => a.agentId);
  const factory = cfg.contracts.VentureFactory;
  const tokens = [
    { name: "COMPUTE", address: cfg.contracts.ComputeToken },
    { name: "UBC", address: cfg.contracts.UBCToken },
  ].filter((t): t is { name: string; address: `0x${string}` } => Boolean(t.address));
  const [d, setD] = useState<VentureDraft>(() => ({ ...EMPTY, revenue: tokens.slice(0, 1).map((t) => t.address) }));
  const [errors, setErrors] = useState<Partial<Record<VentureField | "form", string>>>({});
  const set = (k: VentureField) => (v: string) => {
    setD((x) => ({ ...x, [k]: v }));
    setErrors((e) => ({ ...e, [k]: undefined, form: undefined }));
  };

  // the raise's minimum and cap in COMPUTE, while the fields parse
  const targets = draftTargets(d);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setErrors({});
    if (!me) return setErrors({ form: "Connect a wallet first: it becomes the venture's operator." });
    if (!factory) return setErrors({ form: "The VentureFactory is not deployed on this chain." });
    const r = ventureParams(d, me);
    if (!r.ok) return setErrors(r.errors);
    let created: `0x${string}` | undefined;
    const ok = await tx.write({
      label: `Launch ${r.params.name} (${r.params.symbol})`, address: factory, abi: VentureFactoryAbi, functionName: "createVenture", args: [r.params],
      onLogs: (logs) => { created = createdVenture(logs, factory); },
    });
    if (!ok) return;
    setD((x) => ({ ...x, name: "", symbol: "", metadataURI: "" }));
    if (created) router.push(`/ventures/${created}`);
  }

  return (
    <section aria-labelledby="launch-h" className="card">
      <h2 id="launch-h">Launch a venture</h2>
      <p className="muted small">
        Sell shares of an AI venture for COMPUTE. If the minimum is sold by the deadline, the raise goes to you, the operator (this
        wallet); if not, every investor takes a refund. Revenue deposited later is split: your chosen part to the shareholders, pro
        rata, the rest to you.
      </p>
      <form onSubmit={submit} noValidate className="form-grid" data-testid="launch-venture">
        <TextField id="lv-name" label="Name" value={d.name} set={set("name")} error={errors.name} placeholder="Synthetic Souls" />
        <TextField id="lv-symbol" label="Share symbol" value={d.symbol} set={set("symbol")} error={errors.symbol} placeholder="SOULS" />
        <TextField id="lv-uri" label="Document (URI, optional)" value={d.metadataURI} set={set("metadataURI")} error={errors.metadataURI} placeholder="ipfs://… or https://…" />
        <TextField id="lv-price" label="Price per share (COMPUTE)" value={d.price} set={set("price")} error={errors.price} numeric />
        <TextField id="lv-min" label="Minimum shares to sell" value={d.minShares} set={set("minShares")} error={errors.minShares} numeric placeholder="10,000" />
        <TextField id="lv-max" label="Cap (most shares sold)" value={d.maxShares} set={set("maxShares")} error={errors.maxShares} numeric placeholder="100,000" />
        <TextField id="lv-days" label="Raise open for (days)" value={d.days} set={set("days")} error={errors.days} numeric />
        <TextField id="lv-dist" label="Revenue to shareholders (%)" value={d.distributionPct} set={set("distributionPct")} error={errors.distributionPct} numeric />
        <TextField id="lv-fee" label="Performance fee (%, optional)" value={d.feePct} set={set("feePct")} error={errors.feePct} numeric placeholder="0" />
        {d.feePct.trim() !== "" && d.feePct.trim() !== "0" && (
          <TextField id="lv-period" label="Fee period (days)" value={d.feePeriodDays} set={set("feePeriodDays")} error={errors.feePeriodDays} numeric />
        )}
        <fieldset className="field" aria-describedby="lv-revenue-error">
          <legend>Revenue paid in</legend>
          {tokens.map((t) => (
            <label key={t.address} className="check">
              <input
                type="checkbox" checked={d.revenue.includes(t.address)}
                onChange={(e) => {
                  setD((x) => ({ ...x, revenue: e.target.checked ? [...x.revenue, t.address] : x.revenue.filter((a) => a !== t.address) }));
                  setErrors((er) => ({ ...er, revenue: undefined }));
                }}
              /> {t.name}
            </label>
          ))}
          <FieldError id="lv-revenue-error" error={errors.revenue} />
        </fieldset>
        <div className="field">
          <label htmlFor="lv-agent">Operator agent (optional)</label>
          <select id="lv-agent" value={d.operatorAgentId} onChange={(e) => set("operatorAgentId")(e.target.value)} aria-describedby="lv-agent-error">
            <option value="">None: this wallet&apos;s address only</option>
            {agents.map((a) => <option key={a} value={a}>Agent {a}</option>)}
          </select>
          <FieldError id="lv-agent-error" error={errors.operatorAgentId} />
        </div>
        <p className="small muted" data-testid="launch-targets" aria-live="polite">
          {targets ? <>Minimum raise {formatAmount(targets.min, 2)} COMPUTE · cap {formatAmount(targets.cap, 2)} COMPUTE</> : "Enter the price and the shares to see the raise."}
        </p>
        <FieldError id="lv-form-error" error={errors.form} />
        <div className="actions"><button type="submit" className="button" disabled={!mounted || tx.busy}>Launch venture</button></div>
      </form>
    </section>
  );
}
