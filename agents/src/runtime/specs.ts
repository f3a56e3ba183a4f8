// How a job's specification travels from the requester to the provider. On-chain the job holds
// only the spec's hash (`fillQuote(..., specHash)`); the body goes off-chain:
//
// - `SpecServer`: the requester's HTTP endpoint, `GET /specs/<hash>` → the spec as canonical
//   JSON. The requester names it in its agent card (the AgentRegistry's `agentCardURI`, a
//   `data:` or http(s) URI of JSON with `"specs": "<base URL>"`), so any provider, in any process,
//   finds it from the job's requester id alone.
// - `SpecResolver`: the provider's side: a spec of this process (agents sharing a process hand
//   specs over in memory), else the requester's card → its endpoint → the body, accepted only if
//   it parses as a spec and hashes to the job's spec hash (a server cannot substitute work); when
//   the requester names no endpoint or its endpoint has no such spec, the public spec stores it
//   was given (the indexer's `/specs/`, where the web app publishes the specs of its fills), with
//   the same checks.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Address, Hex, PublicClient } from "viem";
import { ABIS } from "../generated/abis.ts";
import { canonical, parseSpec, specHash, type Spec } from "./jobs.ts";

const HASH = /^0x[0-9a-fA-F]{64}$/;

/** Serves the specs of this process's requesters over HTTP. */
export class SpecServer {
  readonly specs = new Map<string, Spec>();
  private server: Server;
  /** Base URL of the endpoint (`<url><hash>` is a spec); set by `listen`. */
  url = "";
  served = 0;

  constructor() {
    this.server = createServer((req, res) => {
      const m = /^\/specs\/([^/?]*)$/.exec(req.url ?? "");
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { "content-type": "application/json", "cache-control": status === 200 ? "public, max-age=31536000, immutable" : "no-store" });
        res.end(typeof body === "string" ? body : JSON.stringify(body));
      };
      if (req.method !== "GET") return send(405, { error: "only GET /specs/<hash>" });
      if (!m) return send(404, { error: "not found: GET /specs/<hash>" });
      if (!HASH.test(m[1])) return send(400, { error: `bad spec hash ${JSON.stringify(m[1].slice(0, 80))}: 32 bytes of hex expected` });
      const spec = this.specs.get(m[1].toLowerCase());
      if (!spec) return send(404, { error: `no spec ${m[1]} here` });
      this.served++;
      send(200, canonical(spec));
    });
    this.server.keepAliveTimeout = 5_000;
  }

  /** Listens on `host` (default 127.0.0.1) and a free port unless `port` is given. */
  async listen(host = "127.0.0.1", port = 0, publicHost?: string): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, host, () => resolve());
    });
    this.server.unref(); // never what keeps a process alive
    const a = this.server.address() as AddressInfo;
    const h = publicHost ?? (host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host);
    this.url = `http://${h.includes(":") ? `[${h}]` : h}:${a.port}/specs/`;
    return this.url;
  }

  /** Publishes a spec; returns its hash. */
  put(spec: Spec): Hex {
    const h = specHash(spec);
    this.specs.set(h.toLowerCase(), spec);
    return h;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }
}

/** Reads an agent card URI: `data:application/json[;base64],…` or an http(s) URL of JSON. */
export async function readAgentCard(uri: string): Promise<Record<string, unknown>> {
  let text: string;
  const m = /^data:application\/json(;base64)?,(.*)$/s.exec(uri);
  if (m) text = m[1] ? Buffer.from(m[2], "base64").toString("utf8") : (() => { try { return decodeURIComponent(m[2]); } catch { return m[2]; } })();
  else if (/^https?:\/\//.test(uri)) {
    const res = await fetch(uri, { signal: AbortSignal.timeout(10_000) });
    if (!res.ok) throw new Error(`agent card ${uri}: HTTP ${res.status}`);
    text = await res.text();
  } else throw new Error(`agent card URI ${JSON.stringify(uri.slice(0, 80))} is neither data:application/json nor http(s)`);
  const card = JSON.parse(text) as unknown;
  if (!card || typeof card !== "object") throw new Error("the agent card is not a JSON object");
  return card as Record<string, unknown>;
}

/** An agent card (data: URI) naming a spec endpoint, for `AgentRegistry.register`. */
export function agentCard(fields: Record<string, unknown>): string {
  return `data:application/json,${JSON.stringify(fields)}`;
}

/**
 * No source has a job's spec (or none whose body parses and hashes to it): the job cannot be done
 * as asked. A provider that keeps getting this declines the job (`WorkMarket.decline`) instead of
 * letting it expire with its deposit slashed.
 */
export class SpecUnavailableError extends Error {
  readonly hash: Hex;
  constructor(hash: Hex, message: string) {
    super(message);
    this.name = "SpecUnavailableError";
    this.hash = hash;
  }
}

/** Finds the spec of a job: in this process, else at its requester's endpoint (checked against the hash). */
export class SpecResolver {
  /** Specs of this process (requesters put theirs here; providers of the same process read them). */
  readonly local: Map<string, Spec>;
  private client: PublicClient;
  private registry: Address;
  private endpoints = new Map<bigint, Promise<string>>();
  /** Base URLs of public spec stores (`<base><hash>` is a spec), tried after the requester's endpoint. */
  readonly stores: string[];
  fetched = 0;

  constructor(client: PublicClient, registry: Address, local = new Map<string, Spec>(), stores: string[] = []) {
    this.client = client;
    this.registry = registry;
    this.local = local;
    this.stores = stores;
  }

  /** The spec endpoint in a requester's agent card (cached per agent). */
  endpointOf(requesterAgentId: bigint): Promise<string> {
    let p = this.endpoints.get(requesterAgentId);
    if (!p) {
      p = (async () => {
        const uri = (await this.client.readContract({ address: this.registry, abi: ABIS.AgentRegistry, functionName: "agentCardURI", args: [requesterAgentId] })) as string;
        const card = await readAgentCard(uri);
        if (typeof card.specs !== "string" || !/^https?:\/\//.test(card.specs)) throw new Error(`agent ${requesterAgentId}'s card names no spec endpoint ("specs": "http(s)://…")`);
        return card.specs;
      })();
      p.catch(() => this.endpoints.delete(requesterAgentId));
      this.endpoints.set(requesterAgentId, p);
    }
    return p;
  }

  async get(hash: Hex, requesterAgentId: bigint, opts: { localOnly?: boolean; remoteOnly?: boolean } = {}): Promise<Spec> {
    if (!HASH.test(hash)) throw new Error(`bad spec hash ${hash}`);
    if (!opts.remoteOnly) {
      const s = this.local.get(hash.toLowerCase());
      if (s) return s;
    }
    if (opts.localOnly) throw new SpecUnavailableError(hash, `no spec for hash ${hash} in this process`);
    // the requester's own endpoint first, then the public stores; every failure is reported if
    // none has it (a wrong body is refused, never executed)
    const problems: string[] = [];
    const bases: (() => Promise<string>)[] = [() => this.endpointOf(requesterAgentId), ...this.stores.map((s) => async () => s)];
    for (const base of bases) {
      let url: string;
      try {
        url = await base();
      } catch (err) {
        problems.push((err as Error).message);
        continue;
      }
      try {
        const spec = await this.fetchFrom(url, hash);
        this.fetched++;
        this.local.set(hash.toLowerCase(), spec);
        return spec;
      } catch (err) {
        problems.push((err as Error).message);
      }
    }
    throw new SpecUnavailableError(hash, `no spec ${hash} for agent ${requesterAgentId}'s job: ${problems.join("; ")}`);
  }

  /** The spec `hash` from the endpoint or store at `base`, checked: it parses and hashes to `hash`. */
  private async fetchFrom(base: string, hash: Hex): Promise<Spec> {
    const res = await fetch(`${base}${hash}`, { signal: AbortSignal.timeout(10_000) });
    if (!res.ok) throw new Error(`spec ${hash} from ${base}: HTTP ${res.status} ${(await res.text()).slice(0, 200)}`);
    let spec: Spec;
    try {
      spec = parseSpec(JSON.parse(await res.text()));
    } catch (err) {
      throw new Error(`spec ${hash} from ${base}: not a valid spec: ${(err as Error).message}`);
    }
    if (specHash(spec).toLowerCase() !== hash.toLowerCase()) throw new Error(`spec from ${base} hashes to ${specHash(spec)}, not to the job's spec hash ${hash}: refused`);
    return spec;
  }
}
