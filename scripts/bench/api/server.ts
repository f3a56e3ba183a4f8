// The indexer service under test, in its own process (so that the load generator does not share
// its event loop): reads its configuration as JSON from argv[2], prints "READY <url>" once the API
// listens, and stops on SIGTERM.
import { startService } from "../../../indexer/src/service.ts";

const cfg = JSON.parse(process.argv[2]) as {
  rpcUrl: string;
  deployments: string;
  artifactsDir: string;
  databaseUrl: string;
  databaseSchema: string;
  rateLimit: { perIp: number; perAddress: number };
};

const svc = await startService({
  ...cfg,
  port: 0,
  fresh: true,
  finalityDepth: 1,
  pollIntervalMs: 100,
  log: (level, msg, fields) => {
    if (level !== "info") process.stderr.write(`[indexer ${level}] ${msg} ${fields ? JSON.stringify(fields) : ""}\n`);
  },
});
process.stdout.write(`READY ${svc.api.url}\n`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await svc.stop().catch((err) => process.stderr.write(`stop failed: ${(err as Error).message}\n`));
  process.exit(0);
};
process.on("SIGTERM", () => void stop());
process.on("SIGINT", () => void stop());
