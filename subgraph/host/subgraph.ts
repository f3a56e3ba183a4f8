// Runs the built subgraph (build/subgraph.yaml and its WASM) over a stream of events the way
// graph-node does: events are routed by address to the static data sources and to the data
// sources created from templates, then by event signature to a handler; every trigger gets a
// fresh WASM instance (no state survives in module globals); all share one store.
import { readFileSync } from "node:fs";
import { builtSources, type BuiltSource } from "./check-build.ts";
import { GraphStore, WasmInstance, type CreatedDataSource, type HostEvent, type LogFn } from "./runtime.ts";
import type { EntityData, EthValue } from "./values.ts";
import { abiOf, graphSignature } from "../scripts/manifest.ts";

interface AbiParam { name: string; type: string; indexed?: boolean; components?: AbiParam[] }

/** An event as the indexer decodes it (addresses and hex lowercase, integers as bigint, tuples as objects). */
export interface FixtureEvent {
  contract: string;
  address: string;
  event: string;
  args: Record<string, unknown>;
  block: { number: bigint; hash: string; timestamp: bigint };
  transactionHash: string;
  logIndex: number;
}

/** An ABI-typed value to graph-node's ethereum.Value. */
export function ethValue(p: AbiParam, v: unknown): EthValue {
  const t = p.type;
  const arr = /^(.*)\[(\d*)\]$/.exec(t);
  if (arr) {
    const inner = { ...p, type: arr[1] };
    const items = (v as unknown[]).map((x) => ethValue(inner, x));
    return arr[2] === "" ? { kind: "array", value: items } : { kind: "fixedArray", value: items };
  }
  if (t === "tuple") {
    const o = v as Record<string, unknown>;
    return { kind: "tuple", value: (p.components ?? []).map((c, i) => ethValue(c, o[c.name || String(i)])) };
  }
  if (t === "address") return { kind: "address", value: String(v).toLowerCase() };
  if (t === "bool") return { kind: "bool", value: Boolean(v) };
  if (t === "string") return { kind: "string", value: String(v) };
  if (t === "bytes") return { kind: "bytes", value: String(v).toLowerCase() };
  if (/^bytes\d+$/.test(t)) return { kind: "fixedBytes", value: String(v).toLowerCase() };
  if (t.startsWith("uint")) return { kind: "uint", value: BigInt(v as bigint) };
  if (t.startsWith("int")) return { kind: "int", value: BigInt(v as bigint) };
  throw new Error(`unsupported ABI type ${t}`);
}

interface Source {
  spec: BuiltSource;
  address: string;
  context: EntityData;
  /** event signature -> handler */
  handlers: Map<string, string>;
}

export class SubgraphRunner {
  readonly store: GraphStore;
  readonly sources: Source[] = [];
  readonly created: CreatedDataSource[] = [];
  private specs: BuiltSource[];
  private modules = new Map<string, WebAssembly.Module>();
  private abis = new Map<string, { name: string; inputs: AbiParam[] }[]>();
  private log: LogFn;
  private lastBlock: bigint | undefined;
  triggers = 0;

  constructor(store: GraphStore, buildDir?: string, log: LogFn = () => undefined) {
    this.store = store;
    this.log = log;
    this.specs = builtSources(buildDir);
    for (const s of this.specs) if (!s.template) this.addSource(s, s.address!, contextOf(s.context));
  }

  private addSource(spec: BuiltSource, address: string, context: EntityData) {
    const abi = this.abiOf(spec.name);
    const handlers = new Map<string, string>();
    for (const h of spec.handlers) handlers.set(h.event, h.handler);
    this.sources.push({ spec, address: address.toLowerCase(), context, handlers });
    void abi;
  }

  private abiOf(contract: string) {
    let abi = this.abis.get(contract);
    if (!abi) {
      abi = abiOf(contract).filter((x) => x.type === "event") as { name: string; inputs: AbiParam[] }[];
      this.abis.set(contract, abi);
    }
    return abi;
  }

  /** Handles one event; returns the number of handlers that ran (0 when no data source handles it). */
  async process(e: FixtureEvent): Promise<number> {
    if (this.lastBlock !== e.block.number) {
      this.store.inBlock.clear();
      this.lastBlock = e.block.number;
    }
    let ran = 0;
    for (const s of this.sources.filter((x) => x.address === e.address.toLowerCase())) {
      if (s.spec.startBlock !== undefined && e.block.number < BigInt(s.spec.startBlock)) continue;
      const item = this.abiOf(s.spec.name).find((x) => x.name === e.event);
      if (!item) continue;
      const handler = s.handlers.get(graphSignature({ type: "event", ...item }));
      if (!handler) continue;
      const event: HostEvent = {
        address: e.address.toLowerCase(),
        logIndex: BigInt(e.logIndex),
        block: e.block,
        transaction: { hash: e.transactionHash },
        params: item.inputs.map((p, i) => ({ name: p.name, value: ethValue(p, e.args[p.name || String(i)]) })),
      };
      const inst = await WasmInstance.load(this.wasm(s.spec.wasm), {
        store: this.store,
        dataSource: { name: s.spec.name, address: s.address, network: s.spec.network, context: s.context },
        onCreateDataSource: (ds) => this.create(ds),
        log: this.log,
      });
      inst.handle(handler, event);
      ran++;
      this.triggers++;
    }
    return ran;
  }

  private create(ds: CreatedDataSource) {
    const spec = this.specs.find((s) => s.template && s.name === ds.template);
    if (!spec) throw new Error(`dataSource.create: no template ${ds.template}`);
    this.created.push(ds);
    this.addSource(spec, ds.params[0], ds.context ?? new Map());
  }

  private wasm(path: string): WebAssembly.Module {
    let mod = this.modules.get(path);
    if (!mod) this.modules.set(path, (mod = new WebAssembly.Module(readFileSync(path))));
    return mod;
  }
}

function contextOf(m: Map<string, string>): EntityData {
  const out: EntityData = new Map();
  for (const [k, v] of m) out.set(k, { kind: "String", value: v });
  return out;
}
