// Generates subgraph/subgraph.yaml for one network from deployments/<network>.json (addresses and
// start blocks) and copies the ABIs from the compiled artifacts into subgraph/abis/ (both are
// build outputs, gitignored). The events each data source handles are those the TypeScript
// indexer handles (its handler map), so the two projections cover the same events.
//
//   node scripts/manifest.ts --network localhost                # deployments/localhost.json
//   node scripts/manifest.ts --deployments file.json --network localhost
//   node scripts/manifest.ts --network sepolia --graph-network sepolia   # The Graph's name for the chain
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { HANDLERS, TEMPLATES } from "../../indexer/src/indexing/handlers/index.ts";

const SUBGRAPH = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const ROOT = resolve(SUBGRAPH, "..");

/** Contract -> mapping file (src/<file>.ts), named like the indexer's handler modules. */
export const MAPPINGS: Record<string, string> = {
  UBCToken: "tokens",
  ComputeToken: "tokens",
  StakingVault: "staking",
  VentureFactory: "ventures",
  Venture: "ventures",
  WorkMarket: "market",
  ValidatorPool: "market",
  AgentRegistry: "agents",
  ReputationRegistry: "agents",
  FeeController: "economy",
  Treasury: "economy",
};
/** Contracts whose data sources are created at run time (from VentureFactory's VentureCreated). */
export const TEMPLATE_CONTRACTS = TEMPLATES;

interface AbiParam { name: string; type: string; indexed?: boolean; components?: AbiParam[] }
interface AbiItem { type: string; name?: string; inputs?: AbiParam[] }

export interface EventHandlerSpec { event: string; signature: string; handler: string }
export interface DataSourceSpec {
  name: string;
  file: string;
  template: boolean;
  address?: string;
  startBlock?: number;
  handlers: EventHandlerSpec[];
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function findArtifact(name: string): string {
  const walk = (dir: string): string | undefined => {
    for (const entry of readdirSync(dir)) {
      const p = join(dir, entry);
      if (statSync(p).isDirectory()) {
        if (entry === `${name}.sol` && existsSync(join(p, `${name}.json`))) return join(p, `${name}.json`);
        const found = walk(p);
        if (found) return found;
      }
    }
    return undefined;
  };
  const dir = join(ROOT, "artifacts", "contracts");
  const found = existsSync(dir) ? walk(dir) : undefined;
  if (!found) throw new Error(`no artifact for ${name} under artifacts/contracts (run \`npx hardhat build\` first)`);
  return found;
}

export function abiOf(name: string): AbiItem[] {
  return JSON.parse(readFileSync(findArtifact(name), "utf8")).abi;
}

const canonical = (p: AbiParam): string =>
  p.type.startsWith("tuple") ? `(${(p.components ?? []).map(canonical).join(",")})${p.type.slice(5)}` : p.type;

/** graph-node's event signature: indexed params marked, tuples spelled out. */
export function graphSignature(e: AbiItem): string {
  return `${e.name}(${(e.inputs ?? []).map((p) => (p.indexed ? "indexed " : "") + canonical(p)).join(",")})`;
}

/** Handler name: handle<Event>, prefixed by the contract where one mapping file serves two contracts with that event. */
export function handlerName(contract: string, event: string): string {
  const file = MAPPINGS[contract];
  const shared = Object.keys(MAPPINGS).filter((c) => c !== contract && MAPPINGS[c] === file && HANDLERS[c]?.[event]);
  return `handle${shared.length > 0 ? contract : ""}${event}`;
}

export function dataSources(deployments: { contracts: Record<string, { address: string; blockNumber: number }> }): DataSourceSpec[] {
  const out: DataSourceSpec[] = [];
  for (const [contract, file] of Object.entries(MAPPINGS)) {
    const events = Object.keys(HANDLERS[contract] ?? {});
    const abi = abiOf(contract);
    const handlers = events.map((event) => {
      const item = abi.find((x) => x.type === "event" && x.name === event);
      if (!item) throw new Error(`${contract} has no event ${event} in its ABI`);
      return { event, signature: graphSignature(item), handler: handlerName(contract, event) };
    });
    const template = TEMPLATE_CONTRACTS.includes(contract);
    if (template) {
      out.push({ name: contract, file, template, handlers });
    } else {
      const d = deployments.contracts[contract];
      if (!d) throw new Error(`deployments file has no ${contract}`);
      out.push({ name: contract, file, template, address: d.address.toLowerCase(), startBlock: d.blockNumber, handlers });
    }
  }
  return out;
}

/** Indexer contracts that the subgraph does not map yet (reported, so the gap is visible). */
export function unmapped(): string[] {
  return Object.keys(HANDLERS).filter((c) => !(c in MAPPINGS));
}

const q = (s: string) => JSON.stringify(s); // a JSON string is a YAML string

export function entityNames(): string[] {
  const sdl = readFileSync(join(SUBGRAPH, "schema.graphql"), "utf8");
  return [...sdl.matchAll(/^type\s+(\w+)\s+@entity/gm)].map((m) => m[1]);
}

export function renderManifest(network: string, deployments: { contracts: Record<string, { address: string; blockNumber: number }> }): string {
  const sources = dataSources(deployments);
  const entities = entityNames();
  // Contract names by address, for Burn.source (the indexer's contractAt for deployed contracts).
  const context = Object.entries(deployments.contracts)
    .map(([name, c]) => `      ${q(c.address.toLowerCase())}:\n        type: String\n        data: ${q(name)}\n`)
    .join("");
  const mapping = (s: DataSourceSpec) => {
    const abis = [s.name];
    return (
      `    mapping:\n` +
      `      kind: ethereum/events\n` +
      `      apiVersion: 0.0.9\n` +
      `      language: wasm/assemblyscript\n` +
      `      file: ./src/${s.file}.ts\n` +
      `      entities:\n${entities.map((e) => `        - ${e}\n`).join("")}` +
      `      abis:\n${abis.map((a) => `        - name: ${a}\n          file: ./abis/${a}.json\n`).join("")}` +
      `      eventHandlers:\n` +
      s.handlers.map((h) => `        - event: ${q(h.signature)}\n          handler: ${h.handler}\n`).join("")
    );
  };
  let y =
    `# Generated by subgraph/scripts/manifest.ts from deployments (network ${network}). Do not edit.\n` +
    `specVersion: 1.2.0\n` +
    `description: UBC Compute Exchange (tokens, staking, ventures, agents, work market, validators, economy)\n` +
    `schema:\n  file: ./schema.graphql\n` +
    `dataSources:\n`;
  for (const s of sources.filter((s) => !s.template)) {
    y +=
      `  - kind: ethereum\n` +
      `    name: ${s.name}\n` +
      `    network: ${q(network)}\n` +
      (s.name === "ComputeToken" ? `    context:\n${context}` : "") +
      `    source:\n      address: ${q(s.address!)}\n      abi: ${s.name}\n      startBlock: ${s.startBlock}\n` +
      mapping(s);
  }
  const templates = sources.filter((s) => s.template);
  if (templates.length > 0) {
    y += `templates:\n`;
    for (const s of templates) {
      y += `  - kind: ethereum\n    name: ${s.name}\n    network: ${q(network)}\n    source:\n      abi: ${s.name}\n` + mapping(s);
    }
  }
  return y;
}

export function writeAbis(): string[] {
  const dir = join(SUBGRAPH, "abis");
  mkdirSync(dir, { recursive: true });
  const names = [...new Set(Object.keys(MAPPINGS))];
  for (const n of names) writeFileSync(join(dir, `${n}.json`), JSON.stringify(abiOf(n), null, 2) + "\n");
  return names;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const network = arg("network") ?? "localhost";
  const file = resolve(arg("deployments") ?? join(ROOT, "deployments", `${network}.json`));
  if (!existsSync(file)) throw new Error(`no deployments file ${file} (deploy first, or pass --deployments)`);
  const deployments = JSON.parse(readFileSync(file, "utf8"));
  const graphNetwork = arg("graph-network") ?? network;
  const out = resolve(arg("out") ?? join(SUBGRAPH, "subgraph.yaml"));
  writeAbis();
  writeFileSync(out, renderManifest(graphNetwork, deployments));
  console.log(`${relative(process.cwd(), out)}: network ${graphNetwork} from ${relative(process.cwd(), file)}`);
  const gaps = unmapped();
  if (gaps.length > 0) console.log(`note: the indexer also handles ${gaps.join(", ")}, not mapped by the subgraph yet`);
}
