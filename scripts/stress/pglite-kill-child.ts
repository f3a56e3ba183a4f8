// The process `pglite-kill.ts` kills: opens a PGlite folder as the indexer does (openPglite, or
// PGlite alone with --raw) and writes until killed, or (`check`) opens it, checks what the
// committed transactions left, and closes it.
import { PGlite } from "@electric-sql/pglite";
import { openPglite } from "../../indexer/src/database/pglite-template.ts";

const [dir, mode, raw] = process.argv.slice(2);
const open = () => (raw === "raw" ? PGlite.create({ dataDir: dir }) : openPglite(dir));
try {
  const db = await open();
  if (mode === "write") {
    console.log(`open ${Math.round(performance.now())} ms after the process started`);
    await db.exec("CREATE TABLE IF NOT EXISTS t (id int PRIMARY KEY, v text)");
    for (let i = 0; ; i++) {
      // one transaction of 1,000 rows: a killed one leaves none of them
      await db.exec(`BEGIN; INSERT INTO t SELECT (SELECT coalesce(max(id), 0) FROM t) + g, md5(g::text) FROM generate_series(1, 1000) g; COMMIT;`);
      if (i % 5 === 0) await db.exec("CREATE INDEX IF NOT EXISTS t_v ON t (v)");
      if (i % 5 === 2) await db.exec("DROP INDEX IF EXISTS t_v");
      if (i % 7 === 3) await db.exec("CHECKPOINT");
    }
  }
  const exists = (await db.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 't'")).rows[0].n === 1;
  const { n, top } = exists ? (await db.query<{ n: number; top: number }>("SELECT count(*)::int AS n, coalesce(max(id), 0)::int AS top FROM t")).rows[0] : { n: 0, top: 0 };
  await db.close();
  if (n % 1000 !== 0 || top !== n) {
    console.log(`damaged: ${n} rows, highest id ${top} (whole transactions of 1,000 expected)`);
    process.exit(4);
  }
  console.log(`ok ${n}`);
} catch (err) {
  console.log(`cannot open: ${(err as Error).message}`);
  process.exit(3);
}
