// Before `npm start` builds or spawns anything: are the ports its parts will listen on free? A
// second devnet started beside a running one (or any other program on 8545, 42069 or 3000) would
// otherwise get as far as the node's EADDRINUSE, after a build, and could first take the other
// node's answers for its own.
import { createServer } from "node:net";

/** A port a part of the devnet will listen on, and the setting that moves it. */
export interface PlannedPort {
  part: string;
  port: number;
  setting: string;
  host?: string;
}

/** Whether something already listens on host:port (binding it fails with EADDRINUSE). */
export function portInUse(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "EADDRINUSE") resolve(true);
      else reject(new Error(`cannot check port ${port} on ${host}: ${err.message}`));
    });
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(false)));
  });
}

/** Throws one error naming every planned port that is taken, with the setting that moves each. */
export async function checkPortsFree(planned: PlannedPort[]): Promise<void> {
  const taken: PlannedPort[] = [];
  for (const p of planned) if (await portInUse(p.port, p.host)) taken.push(p);
  if (taken.length === 0) return;
  const list = taken.map((p) => `${p.port} (${p.part}; ${p.setting})`).join(", ");
  throw new Error(`port${taken.length > 1 ? "s" : ""} ${list} already in use: is another devnet (npm start) running? Stop it, or set ${taken.map((p) => p.setting).join(" / ")} to a free port`);
}
