// Runtime configuration, read by the server on every request (never inlined at build time), so
// a fresh chain or another indexer needs no rebuild: the root layout passes it to the browser
// and /api/config serves it as JSON.
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";

export interface AppConfig {
  chainId: number;
  rpcUrl: string;
  graphqlUrl: string;
  apiUrl: string;
  /** The SIWE message's domain (host[:port]); empty: the API's host. */
  siweDomain: string;
  network: string;
  /** Contract name → lowercase address, from deployments/<network>.json. */
  contracts: Record<string, `0x${string}`>;
  /** Why the deployments file could not be read, if it could not. */
  deploymentsError?: string;
}

/** An environment variable by its plain name or its NEXT_PUBLIC_ name (read dynamically, so never inlined). */
function env(name: string): string | undefined {
  const e = process.env;
  const v = e[name] ?? e[`NEXT_PUBLIC_${name}`];
  return v === undefined || v === "" ? undefined : v;
}

export function deploymentsPath(): string {
  // next runs in web/: the repository's deployments/ is one level up
  const dir = env("DEPLOYMENTS_DIR") ?? join(process.cwd(), "..", "deployments");
  const file = env("DEPLOYMENTS");
  return file ? resolve(file) : resolve(dir, `${env("NETWORK") ?? "localhost"}.json`);
}

export function readConfig(): AppConfig {
  const apiUrl = (env("API_URL") ?? "http://127.0.0.1:42069").replace(/\/+$/, "");
  const cfg: AppConfig = {
    chainId: Number(env("CHAIN_ID") ?? 31337),
    rpcUrl: env("RPC_URL") ?? "http://127.0.0.1:8545",
    graphqlUrl: env("GRAPHQL_URL") ?? `${apiUrl}/graphql`,
    apiUrl,
    siweDomain: env("SIWE_DOMAIN") ?? "",
    network: env("NETWORK") ?? "localhost",
    contracts: {},
  };
  const path = deploymentsPath();
  try {
    const d = JSON.parse(readFileSync(path, "utf8")) as { chainId?: number; contracts?: Record<string, { address: string }> };
    if (env("CHAIN_ID") === undefined && typeof d.chainId === "number") cfg.chainId = d.chainId;
    for (const [name, c] of Object.entries(d.contracts ?? {})) {
      if (c && typeof c.address === "string") cfg.contracts[name] = c.address.toLowerCase() as `0x${string}`;
    }
  } catch (err) {
    cfg.deploymentsError = `cannot read the deployments file ${path.split(/[\\/]/).slice(-2).join("/")}: ${(err as Error).message.split("\n")[0]}`;
  }
  return cfg;
}
