// Threat detection over the projected data. Each detector is one SQL query; the findings are
// upserted into _alerts (one row per kind and subject) and exposed through GraphQL (`alerts`)
// and /metrics (`threat_alerts{kind}`).
//   - washTrading: settled jobs whose requester and provider agents have the same owner.
//   - validatorCollusion: two validators who sat on the same committees at least MIN_PAIR_JOBS
//     times, always voted alike, and were together in the minority of a round at least once.
//   - burnSpike / volumeSpike: a day's burned COMPUTE or market volume above SPIKE_FACTOR times
//     the average of the previous seven days (and above a floor).
import type { Queryable } from "../database/adapter.ts";

export interface Alert {
  id: string;
  kind: string;
  severity: "info" | "warning" | "critical";
  subject: string;
  detail: string;
  block: bigint;
}

export const MIN_PAIR_JOBS = 3;
export const SPIKE_FACTOR = 3;
const E18 = 10n ** 18n;
export const SPIKE_FLOOR = 1_000n * E18;

export async function ensureAlertTable(db: Queryable): Promise<void> {
  await db.exec(`CREATE TABLE IF NOT EXISTS _alerts (id text PRIMARY KEY, kind text NOT NULL, severity text NOT NULL, subject text NOT NULL, detail text NOT NULL, first_block bigint NOT NULL, last_block bigint NOT NULL, created_at bigint NOT NULL, updated_at bigint NOT NULL)`);
}

async function washTrading(db: Queryable): Promise<Omit<Alert, "block">[]> {
  const rows = await db.query<{ owner: string; jobs: string; volume: string; ids: string }>(`
    SELECT r.owner AS owner, count(*)::text AS jobs, sum(w.value)::text AS volume, string_agg(w.id, ',' ORDER BY w.job_id) AS ids
    FROM work_request w JOIN agent r ON r.id = w.requester JOIN agent p ON p.id = w.provider
    WHERE w.status = 'settled' AND r.owner = p.owner
    GROUP BY r.owner`);
  return rows.map((r) => ({
    id: `washTrading:${r.owner}`,
    kind: "washTrading",
    severity: "warning",
    subject: r.owner,
    detail: `${r.jobs} settled job(s) worth ${r.volume} COMPUTE wei between agents of one owner (jobs ${r.ids.split(",").slice(0, 20).join(", ")})`,
  }));
}

async function validatorCollusion(db: Queryable): Promise<Omit<Alert, "block">[]> {
  const rows = await db.query<{ a: string; b: string; together: string; minority: string }>(`
    WITH votes AS (
      SELECT job, round, validator, approve,
             (approve AND sum(CASE WHEN approve THEN 1 ELSE -1 END) OVER (PARTITION BY job, round) < 0)
          OR (NOT approve AND sum(CASE WHEN approve THEN 1 ELSE -1 END) OVER (PARTITION BY job, round) > 0) AS in_minority
      FROM attestation
    )
    SELECT x.validator AS a, y.validator AS b, count(*)::text AS together,
           sum(CASE WHEN x.in_minority THEN 1 ELSE 0 END)::text AS minority
    FROM votes x JOIN votes y ON x.job = y.job AND x.round = y.round AND x.validator < y.validator
    GROUP BY x.validator, y.validator
    HAVING count(*) >= ${MIN_PAIR_JOBS} AND bool_and(x.approve = y.approve) AND sum(CASE WHEN x.in_minority THEN 1 ELSE 0 END) > 0`);
  return rows.map((r) => ({
    id: `validatorCollusion:${r.a}:${r.b}`,
    kind: "validatorCollusion",
    severity: "critical",
    subject: `validators ${r.a} and ${r.b}`,
    detail: `voted alike on all ${r.together} shared committee seats, ${r.minority} time(s) together in the minority`,
  }));
}

async function spikes(db: Queryable): Promise<Omit<Alert, "block">[]> {
  const out: Omit<Alert, "block">[] = [];
  const rows = await db.query<{ id: string; date: number; burned: string; volume: string; base_burned: string | null; base_volume: string | null }>(`
    SELECT d.id, d.date, d.compute_burned::text AS burned, d.market_volume::text AS volume,
      (SELECT avg(p.compute_burned)::numeric(78,0)::text FROM daily_stat p WHERE p.date < d.date AND p.date >= d.date - 7 * 86400) AS base_burned,
      (SELECT avg(p.market_volume)::numeric(78,0)::text FROM daily_stat p WHERE p.date < d.date AND p.date >= d.date - 7 * 86400) AS base_volume
    FROM daily_stat d ORDER BY d.date DESC LIMIT 30`);
  for (const r of rows) {
    for (const [kind, value, base] of [["burnSpike", r.burned, r.base_burned], ["volumeSpike", r.volume, r.base_volume]] as const) {
      if (base === null) continue; // no baseline yet
      const v = BigInt(value);
      const b = BigInt(base);
      if (v > SPIKE_FLOOR && v > b * BigInt(SPIKE_FACTOR)) {
        const day = new Date(Number(r.date) * 1000).toISOString().slice(0, 10);
        out.push({
          id: `${kind}:${r.id}`,
          kind,
          severity: "warning",
          subject: `day ${day}`,
          detail: `${kind === "burnSpike" ? "burned" : "market volume"} ${v} COMPUTE wei, ${b === 0n ? "∞" : (Number((v * 100n) / b) / 100).toFixed(2)}× the 7-day average ${b}`,
        });
      }
    }
  }
  return out;
}

export const DETECTORS = { washTrading, validatorCollusion, spikes };

/** Runs every detector and upserts the findings; returns the alerts raised or updated. */
export async function runDetectors(db: Queryable, block: bigint): Promise<Alert[]> {
  const found: Alert[] = [];
  for (const d of Object.values(DETECTORS)) for (const a of await d(db)) found.push({ ...a, block });
  const now = Date.now();
  for (const a of found) {
    await db.query(
      `INSERT INTO _alerts (id, kind, severity, subject, detail, first_block, last_block, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $7)
       ON CONFLICT (id) DO UPDATE SET detail = EXCLUDED.detail, last_block = EXCLUDED.last_block, updated_at = EXCLUDED.updated_at`,
      [a.id, a.kind, a.severity, a.subject, a.detail, a.block.toString(), now],
    );
  }
  return found;
}
