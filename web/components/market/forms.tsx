"use client";
// The market page's forms (post a quote, post an open job, request quotes) and their fields. The hashing code
// they need (lib/market: resource kinds, EIP-712 typed data) is imported on submit.
import { useRouter, useSearchParams } from "next/navigation";
import { useEffect, useState, type ComponentProps, type FormEvent } from "react";
import type { Address } from "viem";
import { erc20Abi } from "@/lib/erc20";
import { parseAmount, parseInteger } from "@/lib/amount";
import { formatAmount, KNOWN_RESOURCE_KINDS, shortAddress } from "@/lib/format";
import { providerDeposit } from "@/lib/fees";
import { postQuote, postRfq } from "@/lib/api";
import { useApp, useContract, useMounted, useSession, useTx } from "../Providers";
import { useMyAgents, type MyAgent } from "../agents";
import { Amount, FieldError, TextField } from "../ui";
import { chainTime, ensureAllowance, useBalanceAllowance } from "../tokens";

/** The quote and request forms start on the kind the devnet's agents work (any kind may be typed). */
const DEFAULT_KIND = "sha256-iter";

function useSignedIn() {
  const session = useSession();
  return async () => (session.address ? true : session.signIn());
}

/** The fields a quote and an open job share, as typed: resource kind, units, unit price, minutes open, hours to deliver, an optional agent id. */
interface TermFields { kind: string; units: string; price: string; minutes: string; hours: string; agent: string }

/**
 * Parses the shared terms: errors by field (`kind`, `units`, `price`, `minutes`, `hours`, and
 * `agentField` for the optional agent id), a value under the market's 100 COMPUTE minimum named on
 * the price. `what` names the thing in the messages ("quote", "job").
 */
function parseTerms(f: TermFields, resourceKindToBytes32: (k: string) => { ok: true; value: `0x${string}` } | { ok: false; error: string },
  o: { what: string; minutesLabel: string; agentLabel: string; agentField: string }) {
  const errs: Record<string, string> = {};
  const k = resourceKindToBytes32(f.kind);
  if (!k.ok) errs.kind = k.error;
  const u = parseInteger(f.units, { min: 1n, label: "Units" });
  if (!u.ok) errs.units = u.error;
  const p = parseAmount(f.price, { unit: "COMPUTE" });
  if (!p.ok) errs.price = p.error;
  const m = parseInteger(f.minutes, { min: 1n, max: 525600n, label: o.minutesLabel });
  if (!m.ok) errs.minutes = m.error;
  const h = parseInteger(f.hours, { min: 1n, max: 8760n, label: "Delivery period" });
  if (!h.ok) errs.hours = h.error;
  const a = f.agent.trim() === "" ? ({ ok: true, value: 0n } as const) : parseInteger(f.agent, { min: 1n, label: o.agentLabel });
  if (!a.ok) errs[o.agentField] = a.error;
  if (u.ok && p.ok && u.value * p.value < 100n * 10n ** 18n) errs.price = `The ${o.what} is worth ${formatAmount(u.value * p.value)} COMPUTE; the minimum job is 100 COMPUTE.`;
  const terms = k.ok && u.ok && p.ok && m.ok && h.ok && a.ok ? { kind: k.value, units: u.value, unitPrice: p.value, minutes: m.value, hours: h.value, agent: a.value } : null;
  return { errs, terms };
}

export function PostQuoteForm() {
  const router = useRouter();
  const { cfg, publicClient } = useApp();
  const tx = useTx();
  const session = useSession();
  const ensureSignedIn = useSignedIn();
  const market = useContract("WorkMarket");
  const compute = useContract("ComputeToken");
  const { me, agents } = useMyAgents();
  const providers = agents.filter((a) => (a.roles & 1) !== 0);
  const [agentId, setAgentId] = useState("");
  const [kind, setKind] = useState(DEFAULT_KIND);
  const [units, setUnits] = useState("10");
  const [price, setPrice] = useState("");
  const [minutes, setMinutes] = useState("60");
  const [hours, setHours] = useState("24");
  const [forReq, setForReq] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const agent: MyAgent | undefined = providers.find((a) => a.agentId === agentId) ?? providers[0];
  // answering a request for quotes (its row's "Quote for it" link: ?quoteFor=<agent>&kind=<name>&units=<n>)
  const search = useSearchParams();
  const answering = search.get("quoteFor");
  useEffect(() => {
    if (answering === null || !/^[0-9]{1,12}$/.test(answering)) return;
    setForReq(answering);
    const k = search.get("kind");
    if (k) setKind(k.slice(0, 64));
    const n = search.get("units");
    if (n && /^[0-9]{1,6}$/.test(n)) setUnits(n);
    // what is left to decide is the price: the cursor goes there
    document.getElementById("q-price")?.focus();
  }, [answering, search]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    // viem's hashing (resource kinds, typed data) loads with the first submit, not with the page
    const { resourceKindToBytes32, quoteTypedData } = await import("@/lib/market");
    const { errs, terms: t } = parseTerms({ kind, units, price, minutes, hours, agent: forReq }, resourceKindToBytes32, { what: "quote", minutesLabel: "Validity", agentLabel: "Requester agent", agentField: "forReq" });
    if (!me) errs.form = "Connect a wallet first.";
    else if (!agent) errs.form = "You need an agent with the provider role: register one on the Account page.";
    else if ((agent.wallet ?? agent.owner.id).toLowerCase() !== me) errs.form = `Quotes of agent ${agent.agentId} are signed by its wallet ${shortAddress(agent.wallet)}: connect that wallet.`;
    if (!market || !compute) errs.form = "The work market is not deployed.";
    setErrors(errs);
    if (Object.keys(errs).length > 0 || !t || !agent || !market || !compute || !me) return;
    if (!(await ensureSignedIn())) return tx.fail("sign in first (the quote board needs a SIWE session)");
    const quote = {
      providerAgentId: BigInt(agent.agentId), resourceKind: t.kind, units: t.units, unitPrice: t.unitPrice,
      expiry: (await chainTime(publicClient)) + t.minutes * 60n, nonce: BigInt(Date.now()), requester: t.agent, deliveryPeriod: t.hours * 3600n,
    };
    const signature = await tx.signTyped(`Sign quote of agent ${agent.agentId}`, quoteTypedData(quote, cfg.chainId, market) as never);
    if (!signature) return;
    const posted = await tx.action("Post quote to the board", `quote posted (${formatAmount(t.units * t.unitPrice)} COMPUTE)`, () =>
      postQuote(cfg.apiUrl, session.token, Object.fromEntries(Object.entries(quote).map(([key, v]) => [key, typeof v === "bigint" ? v.toString() : v])), signature));
    // the board is server-rendered: show the new quote now rather than at the next refresh
    if (posted) {
      setPrice("");
      router.refresh();
    }
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
        <TextField id="q-kind" label="Resource kind" value={kind} set={setKind} error={errors.kind} suggestions={KNOWN_RESOURCE_KINDS} />
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

/**
 * An open job (`WorkMarket.createJob`): escrowed now, accepted by any provider (or the one named)
 * until the accept deadline, then delivered within the delivery period. For the agents' kinds the
 * spec is published on the spec store first (lib/jobpost.ts), so that providers' agents take it.
 */
export function PostJobForm() {
  const router = useRouter();
  const { cfg, publicClient } = useApp();
  const tx = useTx();
  const market = useContract("WorkMarket");
  const compute = useContract("ComputeToken");
  const { me, agents } = useMyAgents();
  const requesters = agents.filter((a) => (a.roles & 2) !== 0);
  const [agentId, setAgentId] = useState("");
  const [kind, setKind] = useState("sha256-iter");
  const [units, setUnits] = useState("4");
  const [price, setPrice] = useState("");
  const [spec, setSpec] = useState("");
  const [minutes, setMinutes] = useState("60");
  const [hours, setHours] = useState("1");
  const [provider, setProvider] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const agent = requesters.find((a) => a.agentId === agentId) ?? requesters[0];

  async function submit(e: FormEvent) {
    e.preventDefault();
    const [{ resourceKindToBytes32, requesterLock }, { publishJobSpec }, { WorkMarketAbi }] = await Promise.all([import("@/lib/market"), import("@/lib/jobpost"), import("@/lib/generated/abis")]);
    const { errs, terms: t } = parseTerms({ kind, units, price, minutes, hours, agent: provider }, resourceKindToBytes32, { what: "job", minutesLabel: "Accept within", agentLabel: "Provider agent", agentField: "provider" });
    if (t && agent && t.agent === BigInt(agent.agentId)) errs.provider = "An agent cannot take its own job.";
    if (!me) errs.form = "Connect a wallet first.";
    else if (!agent) errs.form = "You need an agent with the requester role: register one on the Account page.";
    if (!market || !compute) errs.form = "The work market is not deployed.";
    setErrors(errs);
    if (Object.keys(errs).length > 0 || !t || !agent || !market || !compute || !me) return;
    const published = await publishJobSpec(cfg.apiUrl, kind.trim(), t.units, spec, `web-${me.slice(2, 10)}-${Date.now().toString(36)}`);
    if (!published.ok) {
      setErrors({ [published.store ? "form" : "spec"]: published.store ? `${published.error}: not posted.` : published.error });
      return;
    }
    const value = t.units * t.unitPrice;
    const lock = requesterLock(value);
    // the lock comes from the agent's market credit when it covers it, else from this wallet
    const credit = (await publicClient.readContract({ address: market, abi: WorkMarketAbi, functionName: "credits", args: [BigInt(agent.agentId)] })) as bigint;
    if (credit < lock) {
      const balance = await publicClient.readContract({ address: compute, abi: erc20Abi, functionName: "balanceOf", args: [me as Address] });
      if (balance < lock) return setErrors({ form: `The job locks ${formatAmount(lock)} COMPUTE (price, 5% deposit, 1.5% fees); your balance is ${formatAmount(balance)} COMPUTE.` });
      if (!(await ensureAllowance(tx, publicClient, compute, "COMPUTE", me as Address, market, lock))) return;
    }
    const ok = await tx.write({
      label: `Post an open job (${formatAmount(value)} COMPUTE)`, address: market, abi: WorkMarketAbi, functionName: "createJob",
      args: [{ requesterAgentId: BigInt(agent.agentId), providerAgentId: t.agent, value, specHash: published.hash, acceptDeadline: (await chainTime(publicClient)) + t.minutes * 60n, deliveryPeriod: t.hours * 3600n }],
    });
    if (ok) {
      setSpec("");
      router.refresh();
    }
  }

  return (
    <section aria-labelledby="post-job-h" className="card">
      <h2 id="post-job-h">Post an open job</h2>
      <p className="muted small">As a requester: escrow the price now; any provider (or the one you name) may accept it until the deadline. For sha256-iter and llm-text the spec is published for the providers&apos; agents.</p>
      <form onSubmit={submit} noValidate className="form-grid">
        <div className="field">
          <label htmlFor="j-agent">Requester agent</label>
          <AgentSelect id="j-agent" value={agent?.agentId ?? ""} onChange={setAgentId} agents={requesters} me={me} none="No requester agent" />
        </div>
        <TextField id="j-kind" label="Job kind" value={kind} set={setKind} error={errors.kind} suggestions={KNOWN_RESOURCE_KINDS} />
        <TextField id="j-units" label="Job units" value={units} set={setUnits} error={errors.units} numeric />
        <TextField id="j-price" label="Price per unit (COMPUTE)" value={price} set={setPrice} error={errors.price} numeric placeholder="50" />
        <TextField id="j-spec" label="Work to do" value={spec} set={setSpec} error={errors.spec} placeholder="sha256-iter: the text to hash · llm-text: the prompt" />
        <TextField id="j-minutes" label="Accept within (minutes)" value={minutes} set={setMinutes} error={errors.minutes} numeric />
        <TextField id="j-hours" label="Deliver within (hours)" value={hours} set={setHours} error={errors.hours} numeric />
        <TextField id="j-provider" label="Designated provider (agent id, optional)" value={provider} set={setProvider} error={errors.provider} numeric />
        <FieldError id="j-form-error" error={errors.form} />
        <div className="actions"><MountedButton type="submit" className="button" disabled={tx.busy}>Post job</MountedButton></div>
      </form>
    </section>
  );
}

export function RfqForm() {
  const router = useRouter();
  const { cfg, publicClient } = useApp();
  const tx = useTx();
  const session = useSession();
  const ensureSignedIn = useSignedIn();
  const { me, agents } = useMyAgents();
  const requesters = agents.filter((a) => (a.roles & 2) !== 0);
  const [agentId, setAgentId] = useState("");
  const [kind, setKind] = useState(DEFAULT_KIND);
  const [units, setUnits] = useState("10");
  const [max, setMax] = useState("");
  const [minutes, setMinutes] = useState("60");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const agent = requesters.find((a) => a.agentId === agentId) ?? requesters[0];

  async function submit(e: FormEvent) {
    e.preventDefault();
    // viem's hashing (resource kinds, typed data) loads with the first submit, not with the page
    const { resourceKindToBytes32 } = await import("@/lib/market");
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
    if (ok) {
      setMax("");
      router.refresh();
    }
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
        <TextField id="r-kind" label="Resource kind" value={kind} set={setKind} error={errors.kind} suggestions={KNOWN_RESOURCE_KINDS} />
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
export function AgentSelect({ id, value, onChange, agents, me, none }: {
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
