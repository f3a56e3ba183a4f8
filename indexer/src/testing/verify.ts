// Checks the projection in the database against contract reads at the indexed block.
import assert from "node:assert/strict";
import type { Queryable } from "../database/adapter.ts";
import { bytesToDb } from "../database/codec.ts";
import { ethers } from "ethers";
import { ARTIFACTS, type TestChain } from "./chain.ts";
import { findArtifact } from "../indexing/abi.ts";

export async function verifyProjection(db: Queryable, chain: TestChain, blockTag: number | "latest" = "latest"): Promise<{ accounts: number; positions: number; ventures: number; jobs: number }> {
  const opts = { blockTag };
  const ubc = chain.contract("UBCToken");
  const compute = chain.contract("ComputeToken");
  const vault = chain.contract("StakingVault");
  const [p] = await db.query<Record<string, string>>(`SELECT * FROM protocol WHERE id = 'protocol'`);
  assert.ok(p, "the Protocol entity exists");
  assert.equal(BigInt(p.compute_total_supply), await compute.totalSupply(opts), "COMPUTE supply");
  assert.equal(BigInt(p.compute_total_burned), await compute.totalBurned(opts), "COMPUTE burned");
  assert.equal(BigInt(p.compute_total_minted), await compute.totalMinted(opts), "COMPUTE minted");
  assert.equal(BigInt(p.ubc_total_supply), await ubc.totalSupply(opts), "UBC supply");
  assert.equal(BigInt(p.total_staked), await vault.totalStaked(opts), "total staked");
  assert.equal(BigInt(p.rewards_reserved), await vault.totalReserved(opts), "rewards reserved");
  assert.equal(BigInt(p.rewards_claimed), await vault.totalClaimed(opts), "rewards claimed");
  assert.equal(BigInt(p.budget_left), await vault.budgetLeft(opts), "budget left");
  assert.equal(BigInt(p.position_count), await vault.positionCount(opts), "position count");

  const accounts = await db.query<Record<string, string>>(`SELECT * FROM account`);
  for (const a of accounts) {
    assert.equal(BigInt(a.ubc_balance), await ubc.balanceOf(a.id, opts), `UBC balance of ${a.id}`);
    assert.equal(BigInt(a.compute_balance), await compute.balanceOf(a.id, opts), `COMPUTE balance of ${a.id}`);
    assert.equal(BigInt(a.votes), await ubc.getVotes(a.id, opts), `votes of ${a.id}`);
  }
  const positions = await db.query<Record<string, string | boolean>>(`SELECT * FROM stake_position`);
  for (const row of positions) {
    const onChain = await vault.getPosition(BigInt(row.id as string), opts);
    assert.equal((row.owner as string), onChain.owner.toLowerCase(), `owner of position ${row.id}`);
    assert.equal(BigInt(row.amount as string), onChain.amount, `amount of position ${row.id}`);
    assert.equal(BigInt(row.claimed as string), onChain.claimed, `claimed of position ${row.id}`);
    assert.equal(row.withdrawn, onChain.withdrawn, `withdrawn of position ${row.id}`);
  }
  const [{ n }] = await db.query<{ n: string }>(`SELECT count(*)::text AS n FROM stake_position`);
  assert.equal(BigInt(n), await vault.positionCount(opts), "one row per position");

  const ventures = await db.query<Record<string, unknown>>(`SELECT * FROM venture`);
  const { abi } = findArtifact(ARTIFACTS, "Venture");
  for (const v of ventures) {
    const c = new ethers.Contract(v.id as string, abi as ethers.InterfaceAbi, chain.provider);
    assert.equal(BigInt(v.total_shares as string), await c.totalSupply(opts), `shares of venture ${v.id}`);
    const tokens = v.revenue_tokens as string[];
    for (let i = 0; i < tokens.length; i++) {
      assert.equal(BigInt((v.revenue_distributed as string[])[i]), await c.totalDistributed(tokens[i], opts), `distributed ${tokens[i]} by ${v.id}`);
    }
    const holdings = await db.query<Record<string, unknown>>(`SELECT * FROM venture_holding WHERE venture = $1`, [bytesToDb(v.id as string)]);
    for (const h of holdings) {
      assert.equal(BigInt(h.shares as string), await c.balanceOf(h.holder as string, opts), `shares of ${h.holder} in ${v.id}`);
    }
    const holders = holdings.filter((h) => BigInt(h.shares as string) > 0n).length;
    assert.equal(Number(v.holder_count), holders, `holder count of ${v.id}`);
  }
  let jobs = 0;
  if (chain.deployments.contracts.WorkMarket) {
    const market = chain.contract("WorkMarket");
    const pool = chain.contract("ValidatorPool");
    const STATUS = ["none", "open", "accepted", "submitted", "validated", "disputed", "resolved", "cancelled", "expired", "settled", "declined"];
    assert.equal(BigInt(p.job_count), await market.jobCount(opts), "job count");
    const rows = await db.query<Record<string, string | null>>(`SELECT id, status, provider, requester_locked FROM work_request`);
    const declinedBy = new Map<string, number>(); // provider agent id → jobs declined, by the chain's statuses
    for (const w of rows) {
      const j = await market.getJob(BigInt(w.id!), opts);
      assert.equal(w.status, STATUS[Number(j.status)], `status of job ${w.id}`);
      assert.equal(w.provider ?? "0", j.providerAgentId.toString(), `provider of job ${w.id}`);
      if (STATUS[Number(j.status)] === "declined") declinedBy.set(j.providerAgentId.toString(), (declinedBy.get(j.providerAgentId.toString()) ?? 0) + 1);
    }
    jobs = rows.length;
    const agents = await db.query<Record<string, string | null>>(`SELECT id, market_credit, owner, feedback_count, feedback_score_sum, jobs_declined FROM agent`);
    const registry = chain.contract("AgentRegistry");
    const reputation = chain.contract("ReputationRegistry");
    for (const a of agents) {
      assert.equal(BigInt(a.market_credit!), await market.credits(BigInt(a.id!), opts), `market credit of agent ${a.id}`);
      assert.equal(a.owner, (await registry.ownerOf(BigInt(a.id!), opts)).toLowerCase(), `owner of agent ${a.id}`);
      const summary = await reputation.getSummary(BigInt(a.id!), opts);
      assert.equal(BigInt(a.feedback_count!), BigInt(summary[0]), `feedback count of agent ${a.id}`);
      assert.equal(Number(a.jobs_declined), declinedBy.get(a.id!) ?? 0, `jobs declined by agent ${a.id}`);
    }
    const validators = await db.query<Record<string, string | boolean | null>>(`SELECT id, stake, active FROM validator`);
    for (const v of validators) {
      const onChain = await pool.getValidator(BigInt(v.id as string), opts);
      assert.equal(BigInt(v.stake as string), onChain.stake, `stake of validator ${v.id}`);
      assert.equal(v.active, onChain.active, `active flag of validator ${v.id}`);
    }
  }
  return { accounts: accounts.length, positions: positions.length, ventures: ventures.length, jobs };
}

/** A canonical dump of every entity table (for comparing two projections). */
export async function dumpProjection(db: Queryable, tables: string[]): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const t of tables) {
    out[t] = await db.query(`SELECT * FROM "${t}" ORDER BY id`);
    for (const r of out[t] as Record<string, unknown>[]) delete r._block;
  }
  return out;
}
