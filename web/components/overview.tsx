// The overview's tiles and charts as Server Components: rendered from the data app/page.tsx
// fetched (in the HTML: the numbers and the SVG charts paint with the first bytes, nothing of
// them hydrates), re-rendered on the server by <LiveRefresh> (components/refresh.tsx) after each
// block the indexer announces. No "use client": no hooks here.
import Link from "./link";
import { Amount, Tile } from "./ui";
import { BarChart, FlowChart, LineChart } from "./charts";
import { formatBps, toNumber } from "@/lib/format";

interface Protocol {
  ubcTotalSupply: string; computeTotalSupply: string; computeTotalMinted: string; computeTotalBurned: string;
  totalStaked: string; rewardsReserved: string; rewardsClaimed: string; budgetLeft: string; positionCount: number;
  ventureInvested: string; agentCount: number; jobCount: number; jobsSettled: number; marketVolume: string;
  marketBurned: string; protocolFees: string; validationFees: string; treasuryPaid: string; burnShareBps: number;
  activeValidatorCount: number; ventureCount: number; lastBlock: string;
}
interface Daily {
  date: number; computeBurned: string; computeTotalSupply: string; computeTotalBurned: string;
  totalStaked: string; marketVolume: string; ventureInvested: string; rewardsClaimed: string;
}
export interface OverviewData {
  protocol: Protocol | null;
  dailyStats: Daily[];
  treasury: { ubcBalance: string; computeBalance: string } | null;
  ventures: { revenueTokens: string[]; revenueDistributed: string[] }[];
  _meta?: { block: { number: number } | null } | null;
}

/**
 * `data` undefined: the indexer did not answer in time (the alert says so, the tiles show "—"; the
 * next refresh asks again). `compute`: the ComputeToken's address (revenue distributed in COMPUTE).
 */
export function Overview({ data, compute }: { data: OverviewData | undefined; compute: string | undefined }) {
  const p = data?.protocol;
  const days = [...(data?.dailyStats ?? [])].reverse();
  const token = compute?.toLowerCase();
  const distributed = (data?.ventures ?? []).reduce((sum, v) => {
    const i = v.revenueTokens.findIndex((t) => t.toLowerCase() === token);
    return i >= 0 ? sum + BigInt(v.revenueDistributed[i] ?? "0") : sum;
  }, 0n);
  const waiting = <p className="muted" data-testid="loading" aria-busy="true">Waiting for the indexer…</p>;

  return (
    <>
      {!data && <p className="error" role="alert">Could not load the protocol totals from the indexer; retrying.</p>}
      <section aria-labelledby="supply-h">
        <h2 id="supply-h" className="visually-hidden">Key numbers</h2>
        <div className="tiles">
          <Tile label="UBC supply"><Amount wei={p?.ubcTotalSupply} unit="UBC" decimals={0} testId="ubc-supply" /></Tile>
          <Tile label="COMPUTE supply" hint={p ? <>minted <Amount wei={p.computeTotalMinted} decimals={0} /></> : null}>
            <Amount wei={p?.computeTotalSupply} unit="COMPUTE" decimals={2} testId="compute-supply" />
          </Tile>
          <Tile label="UBC staked" hint={p ? `${p.positionCount} position${p.positionCount === 1 ? "" : "s"}` : null}><Amount wei={p?.totalStaked} unit="UBC" decimals={2} testId="total-staked" /></Tile>
          <Tile label="COMPUTE burned" hint={p ? `burn share of fees now ${formatBps(p.burnShareBps)}` : null}>
            <Amount wei={p?.computeTotalBurned} unit="COMPUTE" decimals={4} testId="total-burned" />
          </Tile>
          <Tile label="Treasury" hint={data?.treasury ? <><Amount wei={data.treasury.ubcBalance} unit="UBC" decimals={0} /></> : null}>
            <Amount wei={data?.treasury?.computeBalance ?? (p ? "0" : undefined)} unit="COMPUTE" decimals={2} testId="treasury" />
          </Tile>
          <Tile label="Market volume" hint={p ? `${p.jobsSettled} of ${p.jobCount} jobs settled` : null}>
            <Amount wei={p?.marketVolume} unit="COMPUTE" decimals={2} testId="market-volume" />
          </Tile>
          <Tile label="Rewards" hint={p ? <>claimed <Amount wei={p.rewardsClaimed} decimals={2} /></> : null}>
            <Amount wei={p?.rewardsReserved} unit="reserved" decimals={2} testId="rewards-reserved" />
          </Tile>
          <Tile label="Agents · ventures · validators" hint={<><Link href="/agents">agents</Link> · <Link href="/ventures">ventures</Link> · <Link href="/validators">validators</Link></>}>
            <span data-testid="counts">{p ? `${p.agentCount} · ${p.ventureCount} · ${p.activeValidatorCount}` : "—"}</span>
          </Tile>
        </div>
        {data && !p && <p className="muted" data-testid="empty">Nothing indexed yet: the protocol has no activity.</p>}
      </section>

      <section aria-labelledby="flows-h">
        <h2 id="flows-h">Value flows</h2>
        <p className="muted small">Where COMPUTE went since genesis: minted (genesis and staking rewards), spent on agents&apos; jobs and venture raises, burned, paid to the treasury, distributed to venture holders. Flows overlap (job fees are part of job volume).</p>
        {p ? (
          <FlowChart
            label="COMPUTE value flows"
            unit="COMPUTE"
            source={{ name: "Minted", value: toNumber(p.computeTotalMinted), color: "#2563eb" }}
            flows={[
              { name: "Spent on jobs", value: toNumber(p.marketVolume), color: "#0891b2" },
              { name: "Invested in ventures", value: toNumber(p.ventureInvested), color: "#7c3aed" },
              { name: "Burned", value: toNumber(p.computeTotalBurned), color: "#dc2626" },
              { name: "Paid to treasury", value: toNumber(p.treasuryPaid), color: "#ca8a04" },
              { name: "Distributed to holders", value: toNumber(distributed), color: "#16a34a" },
            ]}
          />
        ) : data ? (
          <p className="muted" data-testid="empty">No flows yet.</p>
        ) : waiting}
      </section>

      <section aria-labelledby="charts-h">
        <h2 id="charts-h">Over time</h2>
        {!data ? waiting : days.length === 0 ? <p className="muted" data-testid="empty">No daily statistics yet.</p> : (
          <DailyCharts d={days} />
        )}
      </section>
    </>
  );
}

function DailyCharts({ d }: { d: Daily[] }) {
  return (
    <div className="chart-grid">
      <div>
        <h3>COMPUTE supply and burned</h3>
        <LineChart label="COMPUTE supply and total burned per day" unit="COMPUTE" series={[
          { name: "Supply", color: "#2563eb", points: d.map((x) => ({ x: x.date, y: toNumber(x.computeTotalSupply) })) },
          // burns are a small fraction of the supply: their own scale, or the line lies on zero
          { name: "Burned (total)", color: "#dc2626", axis: "right", points: d.map((x) => ({ x: x.date, y: toNumber(x.computeTotalBurned) })) },
        ]} />
      </div>
      <div>
        <h3>UBC staked</h3>
        <LineChart label="UBC staked per day" unit="UBC" series={[
          { name: "Staked", color: "#0f766e", points: d.map((x) => ({ x: x.date, y: toNumber(x.totalStaked) })) },
        ]} />
      </div>
      <div>
        <h3>Job volume and burned per day</h3>
        <BarChart label="COMPUTE paid for jobs and COMPUTE burned per day" unit="COMPUTE" series={[
          { name: "Job volume", color: "#0891b2", points: d.map((x) => ({ x: x.date, y: toNumber(x.marketVolume) })) },
          // a share of the fees burns: a fraction of a per cent of the volume, on its own scale
          { name: "Burned", color: "#dc2626", axis: "right", points: d.map((x) => ({ x: x.date, y: toNumber(x.computeBurned) })) },
        ]} />
      </div>
      <div>
        <h3>Venture investment and rewards claimed per day</h3>
        <BarChart label="COMPUTE invested in ventures and staking rewards claimed per day" unit="COMPUTE" series={[
          { name: "Invested", color: "#7c3aed", points: d.map((x) => ({ x: x.date, y: toNumber(x.ventureInvested) })) },
          // a venture's raise is a million COMPUTE at once, a day's claimed rewards a few hundred: on
          // one scale the rewards' bars were under a pixel tall; they get their own
          { name: "Rewards claimed", color: "#16a34a", axis: "right", points: d.map((x) => ({ x: x.date, y: toNumber(x.rewardsClaimed) })) },
        ]} />
      </div>
    </div>
  );
}
