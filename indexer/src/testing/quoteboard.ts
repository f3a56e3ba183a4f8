// The quote board's test set-up, shared by its suites: a Hardhat node with the market deployed
// and a requester and a provider agent, the indexer service on it (caught up), both agents
// signed in with Ethereum; and a quote post over HTTP.
import { startChain, ARTIFACTS, type TestChain } from "./chain.ts";
import { setupMarket, type MarketActors } from "./market.ts";
import { signIn } from "./siwe.ts";
import { startService, type Service } from "../service.ts";

export interface QuoteBoardFixture {
  chain: TestChain;
  svc: Service;
  url: string;
  actors: MarketActors;
  providerToken: string;
  requesterToken: string;
  stop(): Promise<void>;
}

/** The fixture on PGlite (no options) or on the given PostgreSQL database and schema. */
export async function startQuoteBoard(db: { databaseUrl?: string; databaseSchema?: string } = {}): Promise<QuoteBoardFixture> {
  const chain = await startChain();
  let svc: Service | undefined;
  try {
    const actors = await setupMarket(chain, 0);
    svc = await startService({ rpcUrl: chain.url, deployments: chain.deployments, artifactsDir: ARTIFACTS, port: 0, finalityDepth: 1, pollIntervalMs: 20, ...db });
    await svc.caughtUp;
    const url = svc.api.url;
    const providerToken = await signIn(url, actors.provider.signer);
    const requesterToken = await signIn(url, actors.requester.signer);
    const running = svc;
    return {
      chain, svc: running, url, actors, providerToken, requesterToken,
      stop: async () => {
        await running.stop();
        await chain.stop();
      },
    };
  } catch (err) {
    await svc?.stop();
    await chain.stop();
    throw err;
  }
}

const json = (q: Record<string, unknown>) => Object.fromEntries(Object.entries(q).map(([k, v]) => [k, typeof v === "bigint" ? v.toString() : v]));

/** POST /quotes { quote, signature } with an optional bearer token: the status and the JSON body. */
export async function postQuote(url: string, token: string | null, q: Record<string, unknown>, signature: string) {
  const res = await fetch(`${url}/quotes`, {
    method: "POST", headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ quote: json(q), signature }),
  });
  return { status: res.status, body: (await res.json()) as { id?: string; code?: string; error?: string } };
}
