"use client";
import { useCallback } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { useGql } from "../data";
import { useLiveBlocks } from "../live";
import { useApp } from "../Providers";
import { Amount, ListState, Tile } from "../ui";
import { BarChart, FlowChart, LineChart } from "../charts";
import { formatBps, toNumber } from "@/lib/format";
import { OVERVIEW_QUERY } from "@/lib/queries";

interface Protocol {
  ubcTotalSupply: string; computeTotalSupply: string; computeTotalMinted: string; computeTotalBurned: string;
  totalStaked: string; rewardsReserved: string; rewardsClaimed: string; budgetLeft: string; positionCount: number;
  ventureInvested: string; agentCount: number; jobCount: number; jobsSettled: number; marketVolume: string;
  marketBurned: string; protocolFees: string; validationFees: string; treasuryPaid: string; burnShareBps: number;
  activeValidatorCount: number; ventureCount: number; lastBlock: string;
}
interface Daily {
  date: number; computeMinted: string; computeBurned: string; computeTotalSupply: string; computeTotalBurned: string;
  totalStaked: string; marketVolume: string; ventureInvested: string; rewardsClaimed: string;
}
interface Data {
  protocol: Protocol | null;
  dailyStats: Daily[];
  treasury: { ubcBalance: string; computeBalance: string } | null;
  ventures: { revenueTokens: string[]; revenueDistributed: string[] }[];
}

export function OverviewView({ initial }: { initial?: unknown }) {
  const { cfg } = useApp();
  const treasury = cfg.contracts.Treasury ?? "0x0000000000000000000000000000000000000000";
  // live: re-read after every block the indexer announces over graphql-ws; poll only without it
  const queryClient = useQueryClient();
  const onBlock = useCallback(() => void queryClient.invalidateQueries({ queryKey: ["gql", cfg.graphqlUrl, OVERVIEW_QUERY] }), [queryClient, cfg.graphqlUrl]);
  const live = useLiveBlocks(cfg.graphqlUrl, onBlock);
  const q = useGql<Data>(OVERVIEW_QUERY, { treasury }, { pollMs: live ? false : 3000, initialData: initial as Data | undefined });
  const p = q.data?.protocol;
  const days = [...(q.data?.dailyStats ?? [])].reverse();
  const compute = cfg.contracts.ComputeToken?.toLowerCase();
  const distributed = (q.data?.ventures ?? []).reduce((sum, v) => {
    const i = v.revenueTokens.findIndex((t) => t.toLowerCase() === compute);
    return i >= 0 ? sum + BigInt(v.revenueDistributed[i] ?? "0") : sum;
  }, 0n);

  return (
    <>
      {q.error && <p className="error" role="alert">Could not load the protocol totals: {q.error.message}</p>}
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
          <Tile label="Treasury" hint={q.data?.treasury ? <><Amount wei={q.data.treasury.ubcBalance} unit="UBC" decimals={0} /></> : null}>
            <Amount wei={q.data?.treasury?.computeBalance ?? (p ? "0" : undefined)} unit="COMPUTE" decimals={2} testId="treasury" />
          </Tile>
          <Tile label="Market volume" hint={p ? `${p.jobsSettled} of ${p.jobCount} jobs settled` : null}>
            <Amount wei={p?.marketVolume} unit="COMPUTE" decimals={2} testId="market-volume" />
          </Tile>
          <Tile label="Rewards" hint={p ? <>claimed <Amount wei={p.rewardsClaimed} decimals={2} /></> : null}>
            <Amount wei={p?.rewardsReserved} unit="reserved" decimals={2} testId="rewards-reserved" />
          </Tile>
          <Tile label="Agents · ventures · validators">
            <span data-testid="counts">{p ? `${p.agentCount} · ${p.ventureCount} · ${p.activeValidatorCount}` : "—"}</span>
          </Tile>
        </div>
        {!p && !q.isPending && !q.error && <p className="muted" data-testid="empty">Nothing indexed yet: the protocol has no activity.</p>}
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
        ) : (
          <p className="muted" data-testid={q.isPending ? "loading" : "empty"}>{q.isPending ? "Loading…" : "No flows yet."}</p>
        )}
      </section>

      <section aria-labelledby="charts-h">
        <h2 id="charts-h">Over time</h2>
        <ListState q={q} items={q.data ? days : undefined} empty="No daily statistics yet.">
          {(d) => (
            <div className="chart-grid">
              <div>
                <h3>COMPUTE supply and burned</h3>
                <LineChart label="COMPUTE supply and total burned per day" unit="COMPUTE" series={[
                  { name: "Supply", color: "#2563eb", points: d.map((x) => ({ x: x.date, y: toNumber(x.computeTotalSupply) })) },
                  { name: "Burned (total)", color: "#dc2626", points: d.map((x) => ({ x: x.date, y: toNumber(x.computeTotalBurned) })) },
                ]} />
              </div>
              <div>
                <h3>UBC staked</h3>
                <LineChart label="UBC staked per day" unit="UBC" series={[
                  { name: "Staked", color: "#0f766e", points: d.map((x) => ({ x: x.date, y: toNumber(x.totalStaked) })) },
                ]} />
              </div>
              <div>
                <h3>Minted, spent and burned per day</h3>
                <BarChart label="COMPUTE minted, market volume and burned per day" unit="COMPUTE" series={[
                  { name: "Minted", color: "#2563eb", points: d.map((x) => ({ x: x.date, y: toNumber(x.computeMinted) })) },
                  { name: "Job volume", color: "#0891b2", points: d.map((x) => ({ x: x.date, y: toNumber(x.marketVolume) })) },
                  { name: "Burned", color: "#dc2626", points: d.map((x) => ({ x: x.date, y: toNumber(x.computeBurned) })) },
                ]} />
              </div>
              <div>
                <h3>Rewards claimed and venture investment per day</h3>
                <BarChart label="Staking rewards claimed and COMPUTE invested in ventures per day" unit="COMPUTE" series={[
                  { name: "Rewards claimed", color: "#16a34a", points: d.map((x) => ({ x: x.date, y: toNumber(x.rewardsClaimed) })) },
                  { name: "Invested", color: "#7c3aed", points: d.map((x) => ({ x: x.date, y: toNumber(x.ventureInvested) })) },
                ]} />
              </div>
            </div>
          )}
        </ListState>
      </section>
    </>
  );
}
