// A child process for runner.test.ts: a long backfill in small batches (immutable tables written
// without their primary key), which SIGKILLs itself once a commit has left token_transfer
// without its key, the next batch possibly being written. Prints "keyless <commits>" first.
// Env: RPC_URL, DEPLOYMENTS_JSON, and DATABASE_URL + DATABASE_SCHEMA or DATA_DIR.
import { openDatabase } from "../database/adapter.ts";
import { loadModel } from "../schema/model.ts";
import { Indexer } from "../indexing/runner.ts";
import { HANDLERS, TEMPLATES } from "../indexing/handlers/index.ts";
import { ARTIFACTS } from "./chain.ts";

const env = process.env;
const db = await openDatabase(env.DATABASE_URL ? { url: env.DATABASE_URL, schema: env.DATABASE_SCHEMA } : { dataDir: env.DATA_DIR, schema: "ubc" });
const ix = new Indexer({
  rpcUrl: env.RPC_URL!, deployments: JSON.parse(env.DEPLOYMENTS_JSON!), artifactsDir: ARTIFACTS, db, model: loadModel(), handlers: HANDLERS, templates: TEMPLATES, finalityDepth: 0,
  backfillBatchLogs: { first: 8, full: 20 },
  fetcher: { initialRange: 4, maxRange: 16, targetLogs: 10 },
  heavyTableRows: 2,
});
ix.store.smallRows = 2;
let commits = 0;
ix.on("block", () => {
  const n = ++commits;
  void db.query(`SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass('token_transfer') AND contype = 'p'`).then((r) => {
    if (r.length > 0 || n < 2) return;
    process.stdout.write(`keyless ${n}\n`, () => process.kill(process.pid, "SIGKILL"));
  });
});
await ix.init();
while (await ix.step()) { /* until the head */ }
process.stdout.write("caught up without a kill\n");
await db.close();
