// Runs the mapping tests (subgraph/tests/*.test.ts, matchstick-as syntax) without matchstick:
// compiles each with the AssemblyScript compiler that graph-cli bundles (same flags as
// `graph build`, plus the function table for the test callbacks), then runs it in this host, which
// implements matchstick's host functions (test registration, assertions, store inspection, data
// source mocks) on top of the graph-ts ones in runtime.ts. Prints `N passed, N failed`; exits 1 on
// any failure, and on any host function it does not implement.
//
//   node host/matchstick.ts [name-filter]
import { mkdirSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { buildModel } from "../../indexer/src/schema/model.ts";
import { readFileSync } from "node:fs";
import { GraphStore, LOG_LEVELS, MappingError, UnimplementedHostFunction, WasmInstance, type CreatedDataSource, type DataSourceInfo } from "./runtime.ts";
import { builtSources } from "./check-build.ts";
import { MAPPINGS } from "../scripts/manifest.ts";
import { displayStoreValue, plainEthValue, type EthValue } from "./values.ts";

const SUBGRAPH = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);

/** Compiles one AssemblyScript file with graph-cli's asc (0.19) into `outFile`. */
export async function compileTest(file: string, outFile: string): Promise<void> {
  const asc = require(require.resolve("assemblyscript/cli/asc", { paths: [require.resolve("@graphprotocol/graph-cli/package.json")] }));
  await asc.ready;
  const libs: string[] = [];
  for (let dir = SUBGRAPH; ; dir = dirname(dir)) {
    libs.push(join(dir, "node_modules"));
    if (dirname(dir) === dir) break;
  }
  const global = require.resolve("@graphprotocol/graph-ts/global/global.ts");
  const stderr: string[] = [];
  const sink = (into: string[]) => ({ write: (s: string | Uint8Array) => (into.push(String(s)), true) });
  await new Promise<void>((done, fail) => {
    asc.main(
      [
        "--explicitStart",
        "--exportRuntime",
        "--runtime",
        "stub",
        relative(SUBGRAPH, file),
        relative(SUBGRAPH, global),
        "--baseDir",
        SUBGRAPH,
        "--lib",
        libs.join(","),
        "--outFile",
        relative(SUBGRAPH, outFile),
        "--exportTable",
        "--debug",
      ],
      { stdout: sink([]), stderr: sink(stderr) },
      (err: Error | null) => {
        if (err) fail(new Error(`asc failed on ${relative(SUBGRAPH, file)}:\n${stderr.join("")}\n${err.message}`));
        else done();
        return 0;
      },
    );
  });
}

interface Scope {
  name: string;
  tests: { name: string; fn: number; shouldFail: boolean }[];
  scopes: Scope[];
  order: ({ kind: "test"; index: number } | { kind: "scope"; index: number })[];
  hooks: Record<"beforeAll" | "afterAll" | "beforeEach" | "afterEach", number[]>;
}

const newScope = (name: string): Scope => ({ name, tests: [], scopes: [], order: [], hooks: { beforeAll: [], afterAll: [], beforeEach: [], afterEach: [] } });

export interface Result {
  passed: number;
  failed: number;
  failures: string[];
}

export async function runTestFile(wasm: string, label: string, out: (line: string) => void): Promise<Result> {
  const model = buildModel(readFileSync(join(SUBGRAPH, "schema.graphql"), "utf8"));
  const store = new GraphStore(model);
  const created: CreatedDataSource[] = [];
  const dataSource: DataSourceInfo = { name: "test", address: "0x0000000000000000000000000000000000000000", network: "mainnet", context: new Map() };
  const mocks = new Map<string, number | null>();
  const top = newScope(label);
  let current = top;
  let messages: string[] = [];
  const result: Result = { passed: 0, failed: 0, failures: [] };

  let inst: WasmInstance | undefined; // set as soon as the module exists (its start runs describe blocks)
  await WasmInstance.load(wasm, {
    store,
    dataSource,
    onCreateDataSource: (ds) => created.push(ds),
    log: (level, message) => messages.push(`${LOG_LEVELS[level] ?? level}: ${message}`),
    extraImports: (i) => {
      inst = i;
      const str = (p: number) => i.readString(p);
      const fieldEquals = (entity: number, id: number, field: number, expected: number) => {
        const e = store.get(str(entity), str(id));
        const f = str(field);
        if (!e) {
          messages.push(`assert.fieldEquals: ${str(entity)} ${str(id)} is not in the store`);
          return 0;
        }
        const v = e.get(f);
        const actual = v ? displayStoreValue(v) : "null";
        if (actual === str(expected)) return 1;
        messages.push(`assert.fieldEquals: ${str(entity)}[${str(id)}].${f}: expected ${str(expected)}, actual ${actual}`);
        return 0;
      };
      const equals = (a: number, b: number) => {
        const x = JSON.stringify(plainEthValue(normalizeInts(i.readEthValue(a))));
        const y = JSON.stringify(plainEthValue(normalizeInts(i.readEthValue(b))));
        if (x === y) return 1;
        messages.push(`assert.equals: expected ${x}, actual ${y}`);
        return 0;
      };
      const notInStore = (entity: number, id: number) => {
        if (!store.get(str(entity), str(id))) return 1;
        messages.push(`assert.notInStore: ${str(entity)} ${str(id)} is in the store`);
        return 0;
      };
      const dsCount = (template: number, n: number) => {
        const count = created.filter((d) => d.template === str(template)).length;
        if (count === n) return 1;
        messages.push(`assert.dataSourceCount: ${str(template)}: expected ${n}, actual ${count}`);
        return 0;
      };
      const dsExists = (template: number, address: number) => {
        const a = str(address).toLowerCase();
        if (created.some((d) => d.template === str(template) && d.params[0]?.toLowerCase() === a)) return 1;
        messages.push(`assert.dataSourceExists: no ${str(template)} data source for ${a}`);
        return 0;
      };
      const withMessage = (f: (...a: number[]) => number) => (...a: number[]) => {
        const r = f(...a.slice(0, -1));
        if (!r) messages.push(str(a[a.length - 1]));
        return r;
      };
      return {
        _registerTest: (name, shouldFail, fn) => {
          current.tests.push({ name: str(name), fn, shouldFail: shouldFail !== 0 });
          current.order.push({ kind: "test", index: current.tests.length - 1 });
        },
        _registerDescribe: (name, fn) => {
          const parent = current;
          const scope = newScope(str(name));
          parent.scopes.push(scope);
          parent.order.push({ kind: "scope", index: parent.scopes.length - 1 });
          current = scope;
          try {
            call(fn);
          } finally {
            current = parent;
          }
        },
        _registerHook: (fn, kind) => {
          const k = str(kind) as keyof Scope["hooks"];
          if (!(k in current.hooks)) throw new Error(`unknown hook ${k}`);
          current.hooks[k].push(fn);
        },
        clearStore: () => {
          store.clear();
          created.length = 0;
        },
        clearInBlockStore: () => store.inBlock.clear(),
        countEntities: (entity) => store.count(str(entity)),
        logStore: () => out(JSON.stringify(store.dump(), null, 2)),
        logEntity: (entity, id) => out(JSON.stringify(store.dump()[str(entity)]?.[str(id)] ?? null, null, 2)),
        logDataSources: (template) => out(JSON.stringify(created.filter((d) => d.template === str(template)))),
        "dataSourceMock.setReturnValues": (address, network, context) => {
          dataSource.address = str(address).toLowerCase();
          dataSource.network = str(network);
          dataSource.context = i.readEntity(context);
        },
        mockFunction: (contract, fnName, signature, args, returns, reverts) => {
          const k = mockKey(hexOf(i, contract), str(fnName), str(signature), i.readArray(args).map((a) => i.readEthValue(a)));
          mocks.set(k, reverts ? null : returns);
        },
        "ethereum.call": (call) => {
          // SmartContractCall: contractName, contractAddress, functionName, functionSignature, functionParams
          const k = mockKey(hexOf(i, i.u32(call + 4)), str(i.u32(call + 8)), str(i.u32(call + 12)), i.readArray(i.u32(call + 16)).map((a) => i.readEthValue(a)));
          if (!mocks.has(k)) throw new MappingError(`ethereum.call: no mocked function for ${k}`);
          return mocks.get(k) ?? 0;
        },
        "_assert.fieldEquals": fieldEquals,
        "_assert.fieldEqualsWithMessage": withMessage(fieldEquals),
        "_assert.equals": equals,
        "_assert.equalsWithMessage": withMessage(equals),
        "_assert.notInStore": notInStore,
        "_assert.notInStoreWithMessage": withMessage(notInStore),
        "_assert.dataSourceCount": dsCount,
        "_assert.dataSourceCountWithMessage": withMessage(dsCount),
        "_assert.dataSourceExists": dsExists,
        "_assert.dataSourceExistsWithMessage": withMessage(dsExists),
      };
    },
  });

  function call(fn: number) {
    const table = inst!.exports.table;
    if (!table) throw new Error("the test module exports no function table (compile with --exportTable)");
    (table.get(fn) as () => void)();
  }

  function runHooks(fns: number[]) {
    for (const f of fns) call(f);
  }

  function runScope(scope: Scope, path: string[], beforeEach: number[][], afterEach: number[][], depth: number) {
    const pad = "  ".repeat(depth);
    if (scope !== top) out(`${pad}${scope.name}`);
    runHooks(scope.hooks.beforeAll);
    const be = [...beforeEach, scope.hooks.beforeEach];
    const ae = [scope.hooks.afterEach, ...afterEach];
    for (const item of scope.order) {
      if (item.kind === "scope") {
        runScope(scope.scopes[item.index], [...path, scope.scopes[item.index].name], be, ae, depth + 1);
        continue;
      }
      const t = scope.tests[item.index];
      messages = [];
      let error: unknown;
      try {
        for (const hooks of be) runHooks(hooks);
        call(t.fn);
      } catch (e) {
        error = e;
      }
      try {
        for (const hooks of ae) runHooks(hooks);
      } catch (e) {
        error ??= e;
      }
      if (error instanceof UnimplementedHostFunction) throw error;
      const ok = t.shouldFail ? error !== undefined : error === undefined;
      const name = [...path, t.name].join(" > ");
      if (ok) {
        result.passed++;
        out(`${pad}  ✔ ${t.name}`);
      } else {
        result.failed++;
        const why = error === undefined ? "expected to fail, but passed" : error instanceof Error ? error.message : String(error);
        result.failures.push(`${name}: ${why}${messages.length ? "\n      " + messages.join("\n      ") : ""}`);
        out(`${pad}  ✘ ${t.name}`);
        for (const m of messages) out(`${pad}      ${m}`);
        out(`${pad}      ${why}`);
      }
    }
    runHooks(scope.hooks.afterAll);
  }

  runScope(top, [label], [], [], 0);
  return result;
}

function hexOf(i: WasmInstance, ptr: number): string {
  return "0x" + Buffer.from(i.readBytes(ptr)).toString("hex");
}

function mockKey(address: string, fn: string, signature: string, args: EthValue[]): string {
  return JSON.stringify([address.toLowerCase(), fn, signature, args.map((a) => plainEthValue(normalizeInts(a)))]);
}

/** matchstick compares numbers by value: INT and UINT holding the same number are equal. */
function normalizeInts(v: EthValue): EthValue {
  if (v.kind === "int" || v.kind === "uint") return { kind: "int", value: v.value };
  if (v.kind === "array" || v.kind === "fixedArray" || v.kind === "tuple") return { kind: v.kind, value: v.value.map(normalizeInts) } as EthValue;
  return v;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const filter = process.argv[2];
  const dir = join(SUBGRAPH, "tests");
  const outDir = join(SUBGRAPH, "build", "tests");
  mkdirSync(outDir, { recursive: true });
  const files = readdirSync(dir).filter((f) => f.endsWith(".test.ts") && (!filter || f.includes(filter))).sort();
  let passed = 0;
  let failed = 0;
  const failures: string[] = [];
  try {
    for (const f of files) {
      const wasm = join(outDir, f.replace(/\.ts$/, ".wasm"));
      await compileTest(join(dir, f), wasm);
      console.log(`tests/${f}`);
      const r = await runTestFile(wasm, f, (line) => console.log("  " + line));
      passed += r.passed;
      failed += r.failed;
      failures.push(...r.failures);
    }
  } catch (e) {
    if (e instanceof UnimplementedHostFunction) {
      console.error(`\n${e.name}: ${e.message}`);
      console.log(`${passed} passed, ${failed + 1} failed`);
      process.exit(1);
    }
    throw e;
  }
  if (!filter) {
    // Every handler of the manifest is called by at least one test importing its mapping file.
    const texts = files.map((f) => readFileSync(join(dir, f), "utf8"));
    let count = 0;
    const untested: string[] = [];
    for (const s of builtSources()) {
      const file = MAPPINGS[s.name];
      const importers = texts.filter((t) => t.includes(`"../src/${file}"`));
      for (const h of s.handlers) {
        count++;
        if (!importers.some((t) => new RegExp(`\\b${h.handler}\\(`).test(t))) untested.push(`${s.name}.${h.handler} (src/${file}.ts)`);
      }
    }
    if (untested.length > 0) {
      failed += untested.length;
      for (const h of untested) failures.push(`${h}: no mapping test calls this handler`);
    } else console.log(`each of the ${count} handlers of the manifest is called by a mapping test`);
  }
  if (failures.length > 0) console.log("\nfailures:\n  " + failures.join("\n  "));
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed > 0 || files.length === 0 ? 1 : 0);
}
