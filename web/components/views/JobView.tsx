"use client";
import Link from "@/components/link";
import { useState, type FormEvent } from "react";
import type { Hex } from "viem";
import { formatAmount, formatDuration, formatTime, resourceKindLabel, shortAddress } from "@/lib/format";
import { parseInteger } from "@/lib/amount";
import { canDecline, challengeBond, declineBy, pastDeadline, providerDeposit, requesterLock, resourceKindToBytes32 } from "@/lib/market";
import { decodeDeliveryUri, describeSpec } from "@/lib/jobspec";
import { checkDelivery, inlineDelivery, parseLlmSpec, parseShaSpec, rubricCheck, sha256Iter, specMatches } from "@/lib/work";
import { useChainNow, useChainRead, useGql } from "../data";
import { jobListStatus } from "@/lib/jobstatus";
import { useApp, useContract, useMounted, useTx } from "../Providers";
import { useMyAgents } from "../agents";
import { ensureAllowance } from "../tokens";
import { Amount, FieldError, ListState, Status, TextField } from "../ui";

interface JobDetail {
  jobId: string; status: string; value: string; specHash: string; requesterLocked: string; providerLocked: string;
  acceptDeadline: string; deliveryPeriod: string; deliveryDeadline: string | null; resourceKind: string | null; units: string | null;
  unitPrice: string | null; quoteNonce: string | null; resultHash: string | null; resultURI: string | null;
  validationDeadline: string | null; challengeDeadline: string | null; disputeDeadline: string | null;
  challenger: { id: string } | null; producerWins: boolean | null; noFault: boolean | null; providerPayout: string | null;
  requesterPayout: string | null; protocolFee: string | null; validationFee: string | null; burned: string; createdAt: string; updatedAt: string;
  transactionHash: string; requester: { id: string }; provider: { id: string } | null;
  history: { id: string; kind: string; agent: { id: string } | null; amount: string | null; timestamp: string; transactionHash: string }[];
  attestations: { id: string; approve: boolean; round: number; timestamp: string; validator: { id: string; account: string; agent: { id: string } } }[];
  feedback: { id: string; score: number; tag: string; uri: string; timestamp: string; from: { id: string }; agent: { id: string } }[];
}
interface Data {
  workRequest: JobDetail | null;
  committees: { id: string; round: number; members: { id: string; agent: { id: string } }[] }[];
  marketBurns: { id: string; amount: string; reason: string; timestamp: string }[];
}

const QUERY = `query Job($id: ID!, $job: String!) {
  workRequest(id: $id) {
    jobId status value specHash requesterLocked providerLocked acceptDeadline deliveryPeriod deliveryDeadline resourceKind units unitPrice quoteNonce
    resultHash resultURI validationDeadline challengeDeadline disputeDeadline challenger { id } producerWins noFault providerPayout requesterPayout
    protocolFee validationFee burned createdAt updatedAt transactionHash requester { id } provider { id }
    history(first: 100, orderBy: timestamp, orderDirection: asc) { id kind agent { id } amount timestamp transactionHash }
    attestations(first: 50, orderBy: timestamp, orderDirection: asc) { id approve round timestamp validator { id account agent { id } } }
    feedback(first: 10) { id score tag uri timestamp from { id } agent { id } }
  }
  committees(first: 5, where: { job: $job }, orderBy: round) { id round members { id agent { id } } }
  marketBurns(first: 20, where: { job: $job }) { id amount reason timestamp }
}`;

/** The text of a spec on the indexer's spec store (GraphQL `spec`): undefined while asked, null where it is not published. */
function useStoredSpec(hash: string | undefined): string | null | undefined {
  // a spec never changes: asked once per hash, no polling
  const q = useGql<{ spec: string | null }>(`query Spec($hash: Bytes!) { spec(hash: $hash) }`, { hash }, { enabled: hash !== undefined, pollMs: false });
  if (q.data) return q.data.spec;
  return q.error ? null : undefined;
}

/** The job's spec read from the spec store or, failing that, from the provider's delivery. */
function SpecLine({ stored, delivered }: { stored: string | null | undefined; delivered: { spec: unknown } | null }) {
  if (stored) return <span data-testid="job-spec">{describeSpec(stored)} <span className="muted">(from the spec store)</span></span>;
  if (delivered && delivered.spec) return <span data-testid="job-spec">{describeSpec(delivered.spec)} <span className="muted">(as the provider delivered it)</span></span>;
  if (stored === undefined) return <span className="muted">…</span>;
  return <span className="muted" data-testid="job-spec">not published: only its hash is on-chain</span>;
}

/** The job's status, or "unaccepted" / "overdue" once its deadline has passed (lib/jobstatus). */
function JobStatus({ j, now }: { j: { status: string; acceptDeadline: string; deliveryDeadline: string | null }; now: number }) {
  const shown = jobListStatus(j, now);
  return <Status value={shown.value} title={shown.title} />;
}

export function JobView({ id }: { id: string }) {
  const q = useGql<Data>(QUERY, { id, job: id }, { pollMs: 4000 });
  const j = q.data?.workRequest;
  const stored = useStoredSpec(j?.specHash);
  const now = useChainNow();
  if (q.error && !q.data) return <p className="error" role="alert">Could not load job {id}: {q.error.message}</p>;
  if (q.isPending) return <p className="muted" data-testid="loading">Loading…</p>;
  if (!j) return <p className="muted" data-testid="empty">Job {id} is not indexed (yet). <Link href="/market">Back to the market</Link></p>;
  const disputed = j.history.some((h) => /disput|challeng/i.test(h.kind)) || j.challenger !== null;
  const delivered = decodeDeliveryUri(j.resultURI);
  return (
    <>
      <section aria-labelledby="summary-h" className="card">
        <h2 id="summary-h">Summary</h2>
        <dl className="facts">
          <div><dt>Status</dt><dd data-testid="job-status" data-status={j.status}><JobStatus j={j} now={now} /></dd></div>
          <div><dt>Value</dt><dd><Amount wei={j.value} unit="COMPUTE" /></dd></div>
          <div><dt>Requester</dt><dd><Link href={`/agents/${j.requester.id}`}>Agent {j.requester.id}</Link> (locked <Amount wei={j.requesterLocked} unit="COMPUTE" />)</dd></div>
          <div><dt>Provider</dt><dd>{j.provider ? <><Link href={`/agents/${j.provider.id}`}>Agent {j.provider.id}</Link> (locked <Amount wei={j.providerLocked} unit="COMPUTE" />)</> : "any provider may accept"}</dd></div>
          {j.resourceKind && <div><dt>From quote</dt><dd>{resourceKindLabel(j.resourceKind)} × {j.units} at <Amount wei={j.unitPrice} unit="COMPUTE" /> (nonce {j.quoteNonce})</dd></div>}
          <div><dt>Spec</dt><dd><SpecLine stored={stored} delivered={delivered} /></dd></div>
          <div><dt>Spec hash</dt><dd><code className="break">{j.specHash}</code></dd></div>
          {j.resultHash && (
            <div><dt>Result</dt><dd data-testid="job-result">
              {delivered ? (/^0x[0-9a-fA-F]*$/.test(delivered.result) ? <code className="break">{delivered.result}</code> : <span className="break">“{delivered.result.length > 160 ? `${delivered.result.slice(0, 159)}…` : delivered.result}”</span>) : j.resultURI ? <span className="break" title={j.resultURI}>{j.resultURI.length > 80 ? `${j.resultURI.slice(0, 79)}…` : j.resultURI}</span> : null}
              <br /><span className="muted">hash</span> <code className="break">{j.resultHash}</code>
            </dd></div>
          )}
          <div><dt>Deadlines</dt><dd>accept by {formatTime(j.acceptDeadline)}{j.deliveryDeadline && <>; deliver by {formatTime(j.deliveryDeadline)}</>}{j.validationDeadline && <>; validate by {formatTime(j.validationDeadline)}</>}{j.challengeDeadline && <>; challenge by {formatTime(j.challengeDeadline)}</>}{j.disputeDeadline && <>; dispute decided by {formatTime(j.disputeDeadline)}</>}</dd></div>
          {j.status === "declined" && <div><dt>Outcome</dt><dd>declined by the provider: both sides were refunded in full to their market credit</dd></div>}
          {j.producerWins !== null && <div><dt>Outcome</dt><dd>{j.noFault ? "no fault" : j.producerWins ? "the provider won" : "the work was rejected"}</dd></div>}
          {j.providerPayout !== null && <div><dt>Payouts</dt><dd>provider <Amount wei={j.providerPayout} unit="COMPUTE" />, requester <Amount wei={j.requesterPayout} unit="COMPUTE" />; fees <Amount wei={j.protocolFee} /> + <Amount wei={j.validationFee} /> COMPUTE</dd></div>}
          <div><dt>Burned</dt><dd><Amount wei={j.burned} unit="COMPUTE" testId="job-burned" /></dd></div>
        </dl>
      </section>

      <JobActions job={j} spec={stored} committees={q.data!.committees} />

      <section aria-labelledby="history-h">
        <h2 id="history-h">History</h2>
        <ListState q={q} items={j.history} empty="No events yet.">
          {(rows) => (
            <ol className="timeline">
              {rows.map((h) => (
                <li key={h.id} data-testid="job-event-row" data-kind={h.kind}>
                  <span className="when">{formatTime(h.timestamp)}</span>
                  <strong>{h.kind}</strong>
                  {h.agent && <> · <Link href={`/agents/${h.agent.id}`}>Agent {h.agent.id}</Link></>}
                  {h.amount && <> · {formatAmount(h.amount)} COMPUTE</>}
                  <code className="muted small" title={h.transactionHash}> {shortAddress(h.transactionHash)}</code>
                </li>
              ))}
            </ol>
          )}
        </ListState>
      </section>

      <section aria-labelledby="validation-h">
        <h2 id="validation-h">Validation{disputed ? " and dispute" : ""}</h2>
        {q.data!.committees.length > 0 && (
          <ul className="plain">
            {q.data!.committees.map((c) => (
              <li key={c.id}>{c.round === 1 ? "Committee" : "Escalation committee"}: {c.members.map((m) => `validator ${m.id} (agent ${m.agent.id})`).join(", ") || "empty"}</li>
            ))}
          </ul>
        )}
        <ListState q={q} items={j.attestations} empty="No attestations yet.">
          {(rows) => (
            <div className="table-wrap">
              <table>
                <thead><tr><th scope="col">Round</th><th scope="col">Validator</th><th scope="col">Vote</th><th scope="col">When</th></tr></thead>
                <tbody>
                  {rows.map((a) => (
                    <tr key={a.id} data-testid="attestation-row">
                      <td>{a.round === 1 ? "first" : "escalation"}</td>
                      <td><Link href={`/agents/${a.validator.agent.id}`}>Agent {a.validator.agent.id}</Link> <code className="muted small">{shortAddress(a.validator.account)}</code></td>
                      <td>{a.approve ? <span className="pill pill-validated">approve</span> : <span className="pill pill-disputed">reject</span>}</td>
                      <td>{formatTime(a.timestamp)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </ListState>
        {q.data!.marketBurns.length > 0 && (
          <ul className="plain">
            {q.data!.marketBurns.map((b) => <li key={b.id}>Burned {formatAmount(b.amount)} COMPUTE ({b.reason})</li>)}
          </ul>
        )}
      </section>

      <section aria-labelledby="feedback-h">
        <h2 id="feedback-h">Feedback</h2>
        <ListState q={q} items={j.feedback} empty="No feedback yet: the parties may rate each other once the job is settled.">
          {(rows) => (
            <ul className="plain">
              {rows.map((f) => (
                <li key={f.id} data-testid="feedback-row">Agent {f.from.id} rated agent {f.agent.id}: <strong>{f.score}/100</strong>{f.uri ? ` · ${f.uri}` : ""} <span className="muted small">{formatTime(f.timestamp)}</span></li>
              ))}
            </ul>
          )}
        </ListState>
      </section>
    </>
  );
}

const ZERO32 = `0x${"0".repeat(64)}` as Hex;

/**
 * What the connected wallet may do with the job: cancel it (the requester, while open: its lock
 * back), expire it (anyone, once an open job passed its accept deadline or an accepted one its
 * delivery deadline undelivered: the requester's lock back, plus half the provider's deposit for an
 * undelivered job), finalize its verdict (anyone, once a committee missed its deadline), decline it
 * (the provider, while accepted and in
 * the first quarter of the delivery period: both sides' locks go back to their agents' credit),
 * settle it (anyone, once validated and past the challenge period, or resolved), challenge the
 * verdict (the losing party, during the challenge period; a provider's 5% bond is approved first
 * when its credit cannot cover it), rate the other party once settled. Every write is simulated
 * first, so a revert is shown in words before the wallet opens (tx-status region).
 */
function JobActions({ job: j, spec, committees }: { job: JobDetail; spec: string | null | undefined; committees: Data["committees"] }) {
  const mounted = useMounted();
  const { publicClient } = useApp();
  const tx = useTx();
  const market = useContract("WorkMarket");
  const reputation = useContract("ReputationRegistry");
  const pool = useContract("ValidatorPool");
  const compute = useContract("ComputeToken");
  const { me, agents } = useMyAgents();
  const now = useChainNow();
  const [score, setScore] = useState("90");
  const [tag, setTag] = useState("");
  const [uri, setUri] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [work, setWork] = useState<{ progress: number; error?: string } | null>(null);
  const [check, setCheck] = useState<{ progress: number; ok?: boolean | null; reason?: string } | null>(null);
  const [answer, setAnswer] = useState("");
  // the wallet's validator, if it has one (committee members vote from here)
  const myValidator = useChainRead(["validator-of", pool ?? "", me ?? ""], async (c) => {
    const { ValidatorPoolAbi } = await import("@/lib/generated/abis");
    return (await c.readContract({ address: pool!, abi: ValidatorPoolAbi, functionName: "validatorIdOf", args: [me as Hex] })) as bigint;
  }, { enabled: Boolean(pool && me), pollMs: 30_000 });
  if (!mounted || !market) return null;

  const mine = new Set(agents.map((a) => a.agentId));
  const requesterMine = mine.has(j.requester.id);
  const providerMine = j.provider !== null && mine.has(j.provider.id);
  // the side that lost the verdict may challenge it: the requester when the provider won
  const challenger = j.producerWins ? j.requester.id : j.provider?.id;
  const canChallenge = j.status === "validated" && challenger !== undefined && mine.has(challenger) && (now === 0 || !j.challengeDeadline || now <= Number(j.challengeDeadline));
  const canSettle = j.status === "resolved" || (j.status === "validated" && (now === 0 || !j.challengeDeadline || now > Number(j.challengeDeadline)));
  // the provider may hand an accepted job back early in its delivery period (e.g. its spec cannot be found)
  const canDeclineJob = providerMine && canDecline(j, now);
  const declineUntil = declineBy(j.deliveryDeadline, j.deliveryPeriod);
  // rate the other party: as the requester, rate the provider, and the other way round
  const rater = j.status === "settled" && j.provider ? (requesterMine ? { from: j.requester.id, of: j.provider.id } : providerMine ? { from: j.provider.id, of: j.requester.id } : null) : null;
  // deadlines that passed: anyone may close the job (the refunds go to the agents, not the caller)
  const late = pastDeadline(j, now);
  const canCancel = j.status === "open" && requesterMine;
  // an open job: one of the wallet's provider agents (not the requester's; the named one if any) may take it
  const taker = j.status === "open" && !late
    ? agents.find((a) => (a.roles & 1) !== 0 && a.agentId !== j.requester.id && (j.provider === null || j.provider.id === a.agentId))
    : undefined;
  // the provider delivers an accepted job before its deadline: sha256-iter work is done here
  const canDeliver = providerMine && j.status === "accepted" && !late;
  const shaSpec = spec ? parseShaSpec(spec) : null;
  // a committee member votes while its round is open: the first committee while submitted, the escalation while disputed
  const round = j.status === "submitted" ? 1 : j.status === "disputed" ? 2 : 0;
  const vid = myValidator.data !== undefined && myValidator.data !== 0n ? myValidator.data.toString() : null;
  const seated = round > 0 && vid !== null && (committees.filter((c) => c.round === round).at(-1)?.members.some((m) => m.id === vid) ?? false);
  const canVote = seated && !late && !j.attestations.some((a) => a.round === round && a.validator.id === vid);
  // a delivered (or disputed) job whose committee nobody has drawn yet: anyone may draw it
  // (ValidatorPool.drawCommittee, from the block hash after the submission or the challenge)
  const canDraw = round > 0 && !late && pool !== undefined && !committees.some((c) => c.round === round);
  const deliverable = shaSpec?.ok && specMatches(shaSpec.spec, j.specHash) ? shaSpec.spec : null;
  // an llm-text job: the provider may write the answer itself, checked against the job's rubric as the validators check it
  const llmSpec = spec && !deliverable ? parseLlmSpec(spec) : null;
  const writable = llmSpec?.ok && specMatches(llmSpec.spec, j.specHash) ? llmSpec.spec : null;
  const scored = writable ? rubricCheck(answer, writable.rubric) : null;
  if (!canSettle && !canChallenge && !rater && !canDeclineJob && !late && !canCancel && !canDeliver && !taker && !canVote && !canDraw) return null;

  async function runCheck() {
    setCheck({ progress: 0 });
    const r = await checkDelivery(j.specHash, j.resultHash, j.resultURI, { onProgress: (p) => setCheck({ progress: p }) });
    setCheck({ progress: 1, ok: r.ok, reason: r.reason });
  }

  async function vote(approve: boolean) {
    if (!pool || !vid) return;
    const { ValidatorPoolAbi } = await import("@/lib/generated/abis");
    await tx.write({ label: `${approve ? "Approve" : "Reject"} job ${j.jobId} as validator ${vid}`, address: pool, abi: ValidatorPoolAbi, functionName: "attest", args: [BigInt(j.jobId), approve] });
  }

  async function accept() {
    if (!taker || !me) return;
    const { WorkMarketAbi } = await import("@/lib/generated/abis");
    // the 2% deposit comes from the agent's market credit when it covers it, else from this wallet
    const deposit = providerDeposit(BigInt(j.value));
    const credit = (await publicClient.readContract({ address: market!, abi: WorkMarketAbi, functionName: "credits", args: [BigInt(taker.agentId)] })) as bigint;
    if (credit < deposit && compute && !(await ensureAllowance(tx, publicClient, compute, "COMPUTE", me as Hex, market!, deposit))) return;
    await tx.write({ label: `Accept job ${j.jobId} as agent ${taker.agentId}`, address: market!, abi: WorkMarketAbi, functionName: "accept", args: [BigInt(j.jobId), BigInt(taker.agentId)] });
  }

  async function deliver() {
    if (!deliverable) return;
    setWork({ progress: 0 });
    let result: Hex;
    try {
      result = await sha256Iter(deliverable.input, deliverable.iterations, { onProgress: (p) => setWork({ progress: p }) });
    } catch (err) {
      setWork({ progress: 0, error: `The work failed: ${(err as Error).message}` });
      return;
    }
    const d = inlineDelivery(deliverable, result);
    const { WorkMarketAbi } = await import("@/lib/generated/abis");
    const ok = await tx.write({ label: `Deliver job ${j.jobId}`, address: market!, abi: WorkMarketAbi, functionName: "submit", args: [BigInt(j.jobId), d.resultHash, d.resultURI] });
    setWork(ok ? null : { progress: 1 });
  }

  async function deliverText() {
    if (!writable || !scored?.pass) return;
    const d = inlineDelivery(writable, answer.trim());
    const { WorkMarketAbi } = await import("@/lib/generated/abis");
    const ok = await tx.write({ label: `Deliver the answer to job ${j.jobId}`, address: market!, abi: WorkMarketAbi, functionName: "submit", args: [BigInt(j.jobId), d.resultHash, d.resultURI] });
    if (ok) setAnswer("");
  }

  async function draw() {
    const { ValidatorPoolAbi } = await import("@/lib/generated/abis");
    await tx.write({ label: `Draw the ${round === 1 ? "committee" : "escalation committee"} of job ${j.jobId}`, address: pool!, abi: ValidatorPoolAbi, functionName: "drawCommittee", args: [BigInt(j.jobId)] });
  }

  async function expire() {
    const { WorkMarketAbi } = await import("@/lib/generated/abis");
    await tx.write({ label: `Expire job ${j.jobId}`, address: market!, abi: WorkMarketAbi, functionName: "expire", args: [BigInt(j.jobId)] });
  }

  async function cancel() {
    const { WorkMarketAbi } = await import("@/lib/generated/abis");
    await tx.write({ label: `Cancel job ${j.jobId}`, address: market!, abi: WorkMarketAbi, functionName: "cancel", args: [BigInt(j.jobId)] });
  }

  async function finalize() {
    if (!pool) return;
    const { ValidatorPoolAbi } = await import("@/lib/generated/abis");
    await tx.write({ label: `Finalize the verdict of job ${j.jobId}`, address: pool, abi: ValidatorPoolAbi, functionName: "finalize", args: [BigInt(j.jobId)] });
  }

  async function decline() {
    if (!j.provider) return;
    const { WorkMarketAbi } = await import("@/lib/generated/abis");
    await tx.write({ label: `Decline job ${j.jobId} as agent ${j.provider.id}`, address: market!, abi: WorkMarketAbi, functionName: "decline", args: [BigInt(j.jobId)] });
  }

  async function settle() {
    const { WorkMarketAbi } = await import("@/lib/generated/abis");
    await tx.write({ label: `Settle job ${j.jobId}`, address: market!, abi: WorkMarketAbi, functionName: "settle", args: [[BigInt(j.jobId)]] });
  }

  async function challenge() {
    if (!challenger || !me) return;
    const { WorkMarketAbi } = await import("@/lib/generated/abis");
    if (!j.producerWins && compute) {
      // the provider's bond comes from its market credit, else from the wallet (approval first)
      const bond = challengeBond(BigInt(j.value));
      const credit = (await publicClient.readContract({ address: market!, abi: WorkMarketAbi, functionName: "credits", args: [BigInt(challenger)] })) as bigint;
      if (credit < bond && !(await ensureAllowance(tx, publicClient, compute, "COMPUTE", me as Hex, market!, bond))) return;
    }
    await tx.write({ label: `Challenge job ${j.jobId} as agent ${challenger}`, address: market!, abi: WorkMarketAbi, functionName: "challenge", args: [BigInt(j.jobId), BigInt(challenger)] });
  }

  async function feedback(e: FormEvent) {
    e.preventDefault();
    if (!rater || !reputation) return;
    const errs: Record<string, string> = {};
    const s = parseInteger(score, { min: 0n, max: 100n, label: "Score" });
    if (!s.ok) errs.score = s.error;
    const t = tag.trim() === "" ? ({ ok: true, value: ZERO32 } as const) : resourceKindToBytes32(tag);
    if (!t.ok) errs.tag = t.error.replace("resource kind", "tag").replace("Enter a tag, like gpu-hour.", "Enter a tag.");
    if (uri.length > 512) errs.uri = "The link is at most 512 characters.";
    setErrors(errs);
    if (!s.ok || !t.ok || errs.uri) return;
    const { ReputationRegistryAbi } = await import("@/lib/generated/abis");
    const ok = await tx.write({
      label: `Rate agent ${rater.of} ${s.value}/100 on job ${j.jobId}`, address: reputation, abi: ReputationRegistryAbi, functionName: "giveFeedback",
      args: [BigInt(j.jobId), BigInt(rater.of), Number(s.value), t.value, uri.trim()],
    });
    if (ok) setUri("");
  }

  return (
    <section aria-labelledby="actions-h" className="card" data-testid="job-actions">
      <h2 id="actions-h">Actions</h2>
      <div className="actions">
        {taker && <button type="button" className="button" disabled={tx.busy} aria-describedby="accept-help" onClick={() => void accept()}>Accept job</button>}
        {late?.action === "expire" && <button type="button" className="button" disabled={tx.busy} aria-describedby="expire-help" onClick={() => void expire()}>Expire job</button>}
        {late?.action === "finalize" && pool && <button type="button" className="button" disabled={tx.busy} aria-describedby="finalize-help" onClick={() => void finalize()}>Finalize the verdict</button>}
        {canCancel && !late && <button type="button" className="button secondary" disabled={tx.busy} aria-describedby="cancel-help" onClick={() => void cancel()}>Cancel job</button>}
        {canDraw && <button type="button" className="button secondary" disabled={tx.busy} aria-describedby="draw-help" onClick={() => void draw()}>Draw the {round === 1 ? "committee" : "escalation committee"}</button>}
        {canDeliver && deliverable && (
          <button type="button" className="button" disabled={tx.busy || (work !== null && !work.error && work.progress < 1)} aria-describedby="deliver-help" onClick={() => void deliver()}>Do the work and deliver</button>
        )}
        {canDeclineJob && <button type="button" className="button secondary" disabled={tx.busy} aria-describedby="decline-help" onClick={() => void decline()}>Decline job</button>}
        {canSettle && <button type="button" className="button" disabled={tx.busy} onClick={() => void settle()}>Settle job</button>}
        {canChallenge && (
          <button type="button" className="button secondary" disabled={tx.busy} onClick={() => void challenge()}>
            Challenge the verdict{!j.producerWins ? ` (bond ${formatAmount(challengeBond(BigInt(j.value)))} COMPUTE)` : ""}
          </button>
        )}
      </div>
      {canVote && (
        <div className="vote" data-testid="vote">
          <h3>Your vote (validator {vid}, {round === 1 ? "committee" : "escalation committee"})</h3>
          <p className="help">
            Check the work before voting: a sha256-iter delivery is re-executed in this browser, as the agents&apos; validators re-execute it; other work is judged by reading it.
            Votes with the verdict share the validation fee{round === 2 ? "; a vote against the decided escalation is slashed" : ""}. Vote by {formatTime(round === 1 ? j.validationDeadline : j.disputeDeadline)}.
          </p>
          <div className="actions">
            <button type="button" className="button secondary" disabled={check !== null && check.ok === undefined} onClick={() => void runCheck()}>Check the work</button>
            <button type="button" className="button" disabled={tx.busy} onClick={() => void vote(true)}>Approve</button>
            <button type="button" className="button secondary" disabled={tx.busy} onClick={() => void vote(false)}>Reject</button>
          </div>
          {check && (
            <p className="help" data-testid="vote-check" role="status">
              {check.ok === undefined ? <>Re-executing… <progress max={1} value={check.progress} aria-label="Re-execution">{Math.round(check.progress * 100)}%</progress></> : check.ok === true ? <strong>The work checks out: {check.reason}.</strong> : check.ok === false ? <strong className="error">The work is wrong: {check.reason}.</strong> : <>Not checkable here: {check.reason}.</>}
            </p>
          )}
        </div>
      )}
      {taker && (
        <p id="accept-help" className="help">
          Take this job as agent {taker.agentId}: a 2% deposit (<Amount wei={providerDeposit(BigInt(j.value))} unit="COMPUTE" />) is locked from its market credit, or from this wallet when the credit is short,
          and comes back when the work is approved. Deliver within {formatDuration(BigInt(j.deliveryPeriod))} of accepting; open until {formatTime(j.acceptDeadline)}.
        </p>
      )}
      {late?.action === "expire" && (
        <p id="expire-help" className="help">
          {j.status === "accepted"
            ? <>The provider did not deliver by {formatTime(late.deadline)}. Expiring the job returns the requester&apos;s <Amount wei={requesterLock(BigInt(j.value))} unit="COMPUTE" /> lock
                plus <Amount wei={late.compensation} unit="COMPUTE" /> of the provider&apos;s slashed deposit to agent {j.requester.id}&apos;s market credit
                (<Amount wei={late.refund} unit="COMPUTE" /> in all); the other <Amount wei={late.burned} unit="COMPUTE" /> burns.</>
            : <>Nobody accepted the job by {formatTime(late.deadline)}. Expiring it returns the requester&apos;s <Amount wei={late.refund} unit="COMPUTE" /> lock to agent {j.requester.id}&apos;s market credit.</>}
          {" "}Anyone may do this; the refund always goes to the requester.
        </p>
      )}
      {late?.action === "finalize" && pool && (
        <p id="finalize-help" className="help">
          {j.status === "submitted"
            ? <>The committee reached no quorum by {formatTime(late.deadline)}. Finalizing records the verdict from the votes cast (none: the work is accepted optimistically); the losing side may still challenge it in the challenge period.</>
            : <>The escalation was not decided by {formatTime(late.deadline)}. Finalizing records the outcome from the votes cast.</>}
          {" "}Anyone may do this.
        </p>
      )}
      {canDraw && (
        <p id="draw-help" className="help">
          No {round === 1 ? "committee" : "escalation committee"} has been drawn for this job yet. Drawing picks its validators at random from the active ones (from a block hash after the {round === 1 ? "delivery" : "challenge"}); they then re-execute or judge the work and vote. Anyone may do this.
        </p>
      )}
      {canCancel && !late && (
        <p id="cancel-help" className="help">
          No provider has accepted this job yet. Cancelling it returns your <Amount wei={requesterLock(BigInt(j.value))} unit="COMPUTE" /> lock to agent {j.requester.id}&apos;s market credit.
        </p>
      )}
      {canDeliver && (
        <div id="deliver-help" className="help" data-testid="deliver-help">
          {deliverable ? (
            <>
              SHA-256 applied {deliverable.iterations.toLocaleString("en-US")} times, computed in this browser; the result is submitted with the spec inline, so the
              committee and the requester can re-execute it. Deliver by {j.deliveryDeadline ? formatTime(j.deliveryDeadline) : "the deadline"}.
              {work && !work.error && <> <progress max={1} value={work.progress} aria-label="Work done">{Math.round(work.progress * 100)}%</progress> {Math.round(work.progress * 100)}%</>}
              {work?.error && <span className="error" role="alert"> {work.error}</span>}
            </>
          ) : writable && scored ? (
            <>
              Answer the prompt yourself: “{writable.prompt}” — in {writable.rubric.minWords} to {writable.rubric.maxWords} words
              {writable.rubric.mustInclude.length > 0 ? <>, with {writable.rubric.mustInclude.map((t) => `“${t}”`).join(", ")}</> : null}
              {writable.rubric.mustNotInclude.length > 0 ? <>, without {writable.rubric.mustNotInclude.map((t) => `“${t}”`).join(", ")}</> : null}.
              The committee checks the same rubric, then reads it.
              <div className="field">
                <label htmlFor="answer">Your answer</label>
                <textarea id="answer" rows={4} value={answer} onChange={(e) => setAnswer(e.target.value)} aria-describedby="answer-check" />
              </div>
              <p id="answer-check" data-testid="answer-check" className={scored.pass ? "" : "muted"}>{scored.pass ? `Meets the rubric (${scored.words} words).` : `Not yet: ${scored.reasons.join("; ")}.`}</p>
              <div className="actions"><button type="button" className="button" disabled={tx.busy || !scored.pass} onClick={() => void deliverText()}>Deliver the answer</button></div>
            </>
          ) : spec === undefined ? (
            <>Reading the job&apos;s spec…</>
          ) : (
            <>
              {spec === null ? "This job's spec is not published, so its work cannot be done here." : shaSpec && !shaSpec.ok && !(llmSpec && llmSpec.ok) ? `This page does sha256-iter and llm-text work only (${shaSpec.error}).` : "The published spec does not hash to the job's spec hash."}
              {" "}Deliver it with an agent (the SDK&apos;s <code>submit</code>){canDeclineJob ? ", or decline it below while the window is open" : ""}.
            </>
          )}
        </div>
      )}
      {canDeclineJob && (
        <p id="decline-help" className="help">
          Can&apos;t do this job (e.g. its spec cannot be found)? Declining hands it back and refunds both sides in full, to the agents&apos; market credit:
          the requester&apos;s <Amount wei={requesterLock(BigInt(j.value))} unit="COMPUTE" /> and your <Amount wei={providerDeposit(BigInt(j.value))} unit="COMPUTE" /> deposit; nothing burns.
          Only possible in the first quarter of the delivery period{declineUntil !== null ? <>, until {formatTime(declineUntil)}</> : null}; after that an undelivered job expires and your deposit is slashed.
        </p>
      )}
      {rater && (
        <form onSubmit={(e) => void feedback(e)} noValidate aria-labelledby="rate-h">
          <h3 id="rate-h">Rate agent {rater.of} (as agent {rater.from})</h3>
          <div className="form-grid compact">
            <TextField id="fb-score" label="Score (0–100)" value={score} set={setScore} error={errors.score} numeric />
            <TextField id="fb-tag" label="Tag (optional)" value={tag} set={setTag} error={errors.tag} placeholder="e.g. fast-delivery" />
            <TextField id="fb-uri" label="Comment link (optional)" value={uri} set={setUri} error={errors.uri} />
          </div>
          <FieldError id="fb-form-error" error={errors.form} />
          <div className="actions"><button type="submit" className="button" disabled={tx.busy}>Give feedback</button></div>
        </form>
      )}
    </section>
  );
}
