// deploy/docker/compose.yml cannot run here (no Docker engine); its configuration is checked
// instead: it parses, every service names its image, every variable it reads is documented in
// .env.example, the Dockerfile targets and mounted files exist, the depends_on graph names real
// services without cycles, published host ports are distinct and each reaches the port its
// service listens on, and the indexer runs as one writer plus API replicas on PostgreSQL.
import { expect } from "chai";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parse } from "yaml";
import { parseEnvFile } from "../scripts/devnet/config.ts";

const root = resolve(import.meta.dirname, "..");
const composePath = join(root, "deploy", "docker", "compose.yml");
const composeDir = dirname(composePath);
const text = readFileSync(composePath, "utf8");

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string; target?: string; args?: Record<string, string> };
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: unknown;
  deploy?: { replicas?: string | number };
}

/** Compose's interpolation: ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?message}, ${VAR?message}. */
function interpolate(value: string, env: Record<string, string>): string {
  return value.replace(/\$\{([A-Z0-9_]+)(?:(:?[-?])([^}]*))?\}/g, (_m, name: string, op: string | undefined, arg: string) => {
    const v = env[name];
    const unset = op?.startsWith(":") ? v === undefined || v === "" : v === undefined;
    if (!unset) return v;
    if (op?.endsWith("?")) throw new Error(`${name} is required: ${arg}`);
    return op ? arg : "";
  });
}

describe("deploy/docker/compose.yml", function () {
  const compose = parse(text, { merge: true }) as { services: Record<string, Service>; volumes?: Record<string, unknown> };
  const services = compose.services;
  const documented = parseEnvFile(readFileSync(join(root, ".env.example"), "utf8"));

  it("parses, and runs PostgreSQL, the indexer (writer + API replicas), the web app, graph-node and IPFS", function () {
    expect(Object.keys(services)).to.include.members(["postgres", "indexer-writer", "indexer-api", "api", "web", "graph-node", "ipfs", "graph-postgres", "subgraph-deploy"]);
    expect(services["indexer-writer"].environment!.INDEXER_ROLE).to.equal("auto");
    expect(services["indexer-api"].environment!.INDEXER_ROLE).to.equal("api");
    expect(String(services["indexer-api"].deploy?.replicas)).to.match(/INDEXER_API_REPLICAS/);
    for (const s of ["indexer-writer", "indexer-api"]) {
      expect(services[s].environment!.DATABASE_URL, s).to.match(/^postgresql:\/\/[^@]+@postgres:5432\//);
      expect(services[s].environment!.INDEXER_HOST, s).to.equal("0.0.0.0");
    }
  });

  it("names every service's image; built images come from existing Dockerfile targets", function () {
    for (const [name, s] of Object.entries(services)) {
      expect(s.image, `${name} has no image`).to.be.a("string").and.not.equal("");
      if (s.build) {
        const dockerfile = join(composeDir, s.build.context, s.build.dockerfile);
        expect(existsSync(dockerfile), dockerfile).to.equal(true);
        const targets = [...readFileSync(dockerfile, "utf8").matchAll(/^FROM\s+\S+\s+AS\s+(\S+)/gim)].map((m) => m[1]);
        expect(targets, `${name}: target ${s.build.target}`).to.include(s.build.target);
      } else {
        expect(s.image, `${name}: a registry image must be pinned`).to.match(/:[^:]*\d/);
        expect(s.image).to.not.match(/:latest$/);
      }
    }
  });

  it("documents every variable it reads in .env.example, and interpolates completely with them set", function () {
    const used = new Set([...text.matchAll(/\$\{([A-Z0-9_]+)/g)].map((m) => m[1]));
    expect(used.size).to.be.greaterThan(10);
    for (const v of used) expect(Object.hasOwn(documented, v), `${v} is not in .env.example`).to.equal(true);
    // the required ones refuse to start without a value
    const required = new Set([...text.matchAll(/\$\{([A-Z0-9_]+):\?/g)].map((m) => m[1]));
    expect([...required]).to.include.members(["RPC_URL", "CHAIN_ID", "DEPLOY_NETWORK", "POSTGRES_PASSWORD", "GRAPH_POSTGRES_PASSWORD", "PUBLIC_WEB_URL"]);
    expect(() => interpolate(text, {})).to.throw(/is required/);
    const env: Record<string, string> = Object.fromEntries([...used].map((v) => [v, documented[v] || `x-${v.toLowerCase()}`]));
    Object.assign(env, { RPC_URL: "https://rpc.example", CHAIN_ID: "84532", INDEXER_PORT: "42069", WEB_PORT: "3000" });
    const resolved = parse(interpolate(text, env), { merge: true }) as { services: Record<string, Service> };
    expect(resolved.services["indexer-writer"].environment!.DEPLOYMENTS).to.equal("/app/deployments/baseSepolia.json");
    expect(resolved.services["graph-node"].environment!.ethereum).to.equal("base-sepolia:https://rpc.example");
  });

  it("has a depends_on graph over real services, without cycles, waiting for health where a healthcheck exists", function () {
    for (const [name, s] of Object.entries(services)) {
      for (const [dep, { condition }] of Object.entries(s.depends_on ?? {})) {
        expect(services[dep], `${name} depends on unknown ${dep}`).to.not.equal(undefined);
        expect(["service_started", "service_healthy", "service_completed_successfully"]).to.include(condition);
        if (condition === "service_healthy") expect(services[dep].healthcheck, `${dep} has no healthcheck`).to.not.equal(undefined);
      }
    }
    const state = new Map<string, "visiting" | "done">();
    const visit = (n: string, path: string[]) => {
      if (state.get(n) === "done") return;
      if (state.get(n) === "visiting") throw new Error(`cycle: ${[...path, n].join(" -> ")}`);
      state.set(n, "visiting");
      for (const d of Object.keys(services[n].depends_on ?? {})) visit(d, [...path, n]);
      state.set(n, "done");
    };
    for (const n of Object.keys(services)) visit(n, []);
    expect(Object.keys(services["indexer-api"].depends_on!)).to.include.members(["postgres", "indexer-writer"]);
    expect(Object.keys(services["graph-node"].depends_on!)).to.include.members(["ipfs", "graph-postgres"]);
  });

  it("publishes distinct host ports, each to the port its service listens on; mounts existing files and declared volumes", function () {
    const env = Object.fromEntries(Object.entries(documented).map(([k, v]) => [k, v || "x"]));
    const listens: Record<string, number[]> = {
      api: [8080], // nginx.conf: listen 8080
      web: [Number(services.web.environment!.PORT)],
      "graph-node": [8000, 8001, 8020, 8030],
    };
    expect(readFileSync(join(composeDir, "nginx.conf"), "utf8")).to.match(/listen 8080;/);
    // the load balancer forwards to the port the indexers listen on
    const nginx = readFileSync(join(composeDir, "nginx.conf"), "utf8");
    for (const s of ["indexer-writer", "indexer-api"]) {
      expect(nginx).to.include(`http://${s}:${services[s].environment!.INDEXER_PORT}`);
    }
    const hostPorts = new Set<string>();
    for (const [name, s] of Object.entries(services)) {
      for (const p of s.ports ?? []) {
        const parts = interpolate(p, env).split(":");
        const container = Number(parts.at(-1));
        const host = parts.slice(0, -1).join(":");
        expect(listens[name], `${name} publishes ${p}`).to.include(container);
        expect(hostPorts.has(host), `host port ${host} published twice`).to.equal(false);
        hostPorts.add(host);
      }
      for (const v of s.volumes ?? []) {
        const src = v.split(":")[0];
        if (src.startsWith(".")) expect(existsSync(join(composeDir, src)) || src.endsWith("deployments"), `${name} mounts missing ${src}`).to.equal(true);
        else expect(Object.keys(compose.volumes ?? {}), `${name}: volume ${src}`).to.include(src);
      }
    }
    // the indexers' healthcheck asks the port they listen on
    expect(JSON.stringify(services["indexer-writer"].healthcheck)).to.include(`127.0.0.1:${services["indexer-writer"].environment!.INDEXER_PORT}/healthz`);
  });

  it("holds no secret: passwords and keys come from the environment", function () {
    expect(text).to.not.match(/0x[0-9a-fA-F]{64}/);
    for (const s of Object.values(services)) {
      for (const [k, v] of Object.entries(s.environment ?? {})) {
        if (/PASSWORD|PASS$|_KEY$|SECRET/i.test(k)) expect(v, k).to.match(/^\$\{[A-Z0-9_]+(:\?[^}]*)?\}$/);
      }
    }
  });
});
