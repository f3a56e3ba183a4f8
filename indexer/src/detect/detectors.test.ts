import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { openDatabase, type Database } from "../database/adapter.ts";
import { migrate } from "../database/migrations.ts";
import { bytesToDb } from "../database/codec.ts";
import { loadModel } from "../schema/model.ts";
import { ensureAlertTable, runDetectors } from "./detectors.ts";
import { startChain, ARTIFACTS, type TestChain } from "../testing/chain.ts";
import { setupMarket, marketActivity, ROLE } from "../testing/market.ts";
import { startService, type Service } from "../service.ts";
import { dbTargets } from "../testing/databases.ts";
import type { ethers } from "ethers";

const E18 = 10n ** 18n;
const hexId = (n: number) => "0x" + n.toString(16).padStart(2, "0");
const show = (x: unknown) => JSON.stringify(x, (_k, v) => (typeof v === "bigint" ? v.toString() : v));

describe("threat detectors over synthetic projections", () => {
  let db: Database;
  before(async () => {
    db = await openDatabase({});
    await migrate(db, loadModel());
    await ensureAlertTable(db);
  });
  after(async () => db?.close());

  test("validator collusion: a pair always voting alike, together in the minority", async () => {
    const att = (id: string, job: string, validator: string, approve: boolean) =>
      db.query(`INSERT INTO attestation (id, job, validator, approve, round, block_number, timestamp, transaction_hash, _block) VALUES ($1, $2, $3, $4, 1, 1, 1, '\\x', 1)`, [bytesToDb(id), job, validator, approve]);
    let n = 0;
    for (let job = 1; job <= 4; job++) {
      // validators 1 and 2 always agree; on job 1 they are outvoted by 3, 4 and 5
      const pairVote = job !== 1;
      await att(hexId(++n), String(job), "1", pairVote);
      await att(hexId(++n), String(job), "2", pairVote);
      await att(hexId(++n), String(job), "3", true);
      if (job === 1) {
        await att(hexId(++n), "1", "4", true);
        await att(hexId(++n), "1", "5", true);
      }
    }
    const alerts = await runDetectors(db, 10n);
    const collusion = alerts.filter((a) => a.kind === "validatorCollusion");
    assert.equal(collusion.length, 1, show(alerts));
    assert.equal(collusion[0].subject, "validators 1 and 2");
  });

  test("burn and volume spikes against the 7-day average", async () => {
    const day = (d: number, burned: bigint, volume: bigint) =>
      db.query(`INSERT INTO daily_stat (id, date, compute_minted, compute_burned, compute_total_supply, compute_total_burned, total_staked, staked, withdrawn, rewards_claimed, transfer_count, compute_transfer_volume, ubc_transfer_volume, stake_count, venture_invested, jobs_created, jobs_settled, market_volume, market_burned, _block)
        VALUES ($1, $2, 0, $3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, $4, 0, 1)`, [String(d), d * 86400, burned.toString(), volume.toString()]);
    for (let d = 100; d < 107; d++) await day(d, 100n * E18, 2_000n * E18);
    await day(107, 5_000n * E18, 2_100n * E18); // 50x the burn, normal volume
    const alerts = await runDetectors(db, 11n);
    assert.ok(alerts.some((a) => a.kind === "burnSpike" && a.id === "burnSpike:107"), show(alerts));
    assert.ok(!alerts.some((a) => a.kind === "volumeSpike"));
    const rows = await db.query(`SELECT * FROM _alerts WHERE kind = 'burnSpike'`);
    assert.equal(rows.length, 1);
  });
});

describe("threat detection end to end: wash trading between agents of one owner", () => {
  let chain: TestChain;
  let svc: Service;
  before(async () => {
    chain = await startChain();
    svc = await startService({ rpcUrl: chain.url, deployments: chain.deployments, artifactsDir: ARTIFACTS, port: 0, finalityDepth: 1, pollIntervalMs: 20 });
  });
  after(async () => {
    await svc?.stop();
    await chain?.stop();
  });

  test("an owner trading with itself raises an alert in GraphQL and /metrics", async () => {
    const honest = await setupMarket(chain, 3);
    // one owner registers both a requester and a provider agent and trades between them
    const owner = chain.signers[18];
    const registry = chain.contract("AgentRegistry").connect(owner) as ethers.Contract;
    await (await registry.register("ipfs://me-requesting", ROLE.REQUESTER)).wait();
    const req = (await registry.agentCount()) as bigint;
    await (await registry.register("ipfs://me-providing", ROLE.PROVIDER)).wait();
    const prov = (await registry.agentCount()) as bigint;
    const compute = chain.contract("ComputeToken");
    await (await compute.transfer(await owner.getAddress(), 100_000n * E18)).wait();
    await (await (compute.connect(owner) as ethers.Contract).approve(await chain.contract("WorkMarket").getAddress(), 2n ** 255n)).wait();
    await marketActivity(chain, { requester: { signer: owner, agentId: req }, provider: { signer: owner, agentId: prov }, validators: honest.validators }, 11, 3);
    await svc.caughtUp;
    const head = BigInt(await chain.provider.getBlockNumber());
    while (svc.indexer!.status.checkpoint.number < head) await new Promise((r) => setTimeout(r, 20));
    let alerts: { kind: string; subject: string }[] = [];
    for (let i = 0; i < 100 && alerts.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      await (await compute.transfer(await chain.signers[1].getAddress(), 1n)).wait(); // new blocks trigger detection
      const res = await fetch(`${svc.api.url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: `{ alerts(kind: "washTrading") { kind subject detail } }` }) });
      alerts = ((await res.json()) as { data: { alerts: typeof alerts } }).data.alerts;
    }
    assert.equal(alerts.length, 1);
    assert.equal(alerts[0].subject, (await owner.getAddress()).toLowerCase());
    const metrics = await (await fetch(`${svc.api.url}/metrics`)).text();
    assert.match(metrics, /threat_alerts\{kind="washTrading"\} 1/);
  });

  test("a service stopped as it catches up lets its detection run finish before closing the database (PGlite, PostgreSQL)", async () => {
    // detection starts the moment the service is caught up; stop() right then must not close the
    // database under it (on PostgreSQL that run failed with "Cannot use a pool after calling end")
    for (const target of await dbTargets()) {
      if (target.unavailable) continue; // said loudly by dbTargets (and fatal under CI=true)
      try {
        for (let i = 0; i < 3; i++) {
          const lines: string[] = [];
          const o = target.options();
          const fresh = await startService({
            rpcUrl: chain.url, deployments: chain.deployments, artifactsDir: ARTIFACTS, port: 0, finalityDepth: 1, pollIntervalMs: 20,
            databaseUrl: o.url, databaseSchema: o.schema,
            log: (level, msg, fields) => lines.push(`${level} ${msg} ${JSON.stringify(fields ?? {})}`),
          });
          await fresh.caughtUp;
          await fresh.stop();
          assert.deepEqual(lines.filter((l) => l.includes("threat detection failed")), [], `${target.name}, run ${i}`);
        }
      } finally {
        await target.cleanup();
      }
    }
  });

  test("a backfill of that history raises it once caught up, without a new block (detection waits for the catch-up)", async () => {
    const head = await chain.provider.getBlockNumber();
    const fresh = await startService({ rpcUrl: chain.url, deployments: chain.deployments, artifactsDir: ARTIFACTS, port: 0, finalityDepth: 1, pollIntervalMs: 20 });
    try {
      const seen: boolean[] = [];
      fresh.indexer!.on("block", () => seen.push(fresh.indexer!.status.caughtUp));
      await fresh.caughtUp;
      assert.ok(seen.length > 0 && !seen[0], "blocks were committed before catching up");
      let count = 0;
      for (let i = 0; i < 100 && count === 0; i++) {
        await new Promise((r) => setTimeout(r, 50));
        count = Number((await fresh.db.query<{ n: string }>(`SELECT count(*)::text AS n FROM _alerts WHERE kind = 'washTrading'`))[0].n);
      }
      assert.equal(count, 1);
      assert.equal(await chain.provider.getBlockNumber(), head, "no block was mined meanwhile");
    } finally {
      await fresh.stop();
    }
  });
});
