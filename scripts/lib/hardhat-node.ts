// How every part of the project starts a local Hardhat node (the devnet, the tests' chains, the
// benchmarks' chains): Hardhat's own CLI, with hardhat-node-hooks.ts preloaded to change one thing
// in its JSON-RPC HTTP handler at load time (the installed package is not touched): how a request
// body is read.
//
// Hardhat 3's `_readJsonHttpRequest` (builtin-plugins/node/json-rpc/handler.js) collects the body
// with `bytes.push(...chunk)`: every byte of every chunk becomes an argument of a call and an
// element of a JavaScript array, which is then copied into a Uint8Array. For a JSON-RPC batch of
// contract calls (100+ KB: raw transactions of ~600 bytes each, hex-encoded) that was the node's
// largest JavaScript cost (large spreads, fresh pages for each, copies; `perf record` of the node
// during a swarm, docs/benchmarks.md). The replacement keeps the Buffers the socket delivered and
// decodes them once with the same decoder (UTF-8, BOM stripped, invalid sequences replaced), so
// `JSON.parse` gets the same text.
//
// If a Hardhat upgrade changes that code, the source is left as it is and the node warns on stderr:
// it then works exactly as Hardhat ships it, only slower (test/hardhat-node.test.ts fails first).
//
// It also starts the node with two settings of EDR's allocator, mimalloc (hardhatNodeEnv;
// `startHardhatNode` in processes.ts applies both): freed memory is kept, not given back to the
// kernel (MIMALLOC_PURGE_DELAY=-1), and the heap may be backed by transparent huge pages
// (MIMALLOC_ALLOW_THP=1, mimalloc's default). EDR's step tracer allocates and frees a record of every
// EVM step of every transaction, and the node keeps every block's state, so its heap grows by
// ~75 KB per contract transaction. As shipped (huge pages, freed memory given back after 10 ms)
// memory given back was faulted in again 2 MB at a time, each 2 MB zeroed by the kernel
// (`clear_page_erms`: 9.4% of the node's CPU during a swarm; docs/benchmarks.md, twelfth round);
// with 4 KB pages instead (the twelfth to fourteenth rounds' setting) every 4 KB was a fault of
// its own: 17–19 page faults per swarm transaction, the kernel's share of EDR's thread 21%.
// Huge pages that are never given back are faulted in once: ~2 faults per swarm transaction, and
// the node's CPU per transaction 12–25% lower for swarm transactions and plain transfers alike
// (fifteenth round). The node's memory only grows anyway (it keeps its history); it now also
// keeps what it frees, at the same resident size in the measurements (~1 GB after a 1,000-job
// swarm either way).
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = resolve(fileURLToPath(new URL("../..", import.meta.url)));
/** Hardhat's CLI entry point. */
export const HARDHAT_CLI = join(ROOT, "node_modules", "hardhat", "dist", "src", "cli.js");
const HOOKS = pathToFileURL(join(ROOT, "scripts", "lib", "hardhat-node-hooks.ts")).href;

/**
 * Arguments for `process.execPath` that run `hardhat node` with `args` (port, hostname…).
 * HARDHAT_NODE_HOOKS=0 starts it without the hooks (Hardhat as shipped), for comparisons.
 */
export function hardhatNodeArgs(args: string[]): string[] {
  const hooks = process.env.HARDHAT_NODE_HOOKS === "0" ? [] : ["--import", HOOKS];
  return [...hooks, HARDHAT_CLI, "node", ...args];
}

/**
 * Environment for the `hardhat node` process (merged over the parent's): mimalloc keeps the memory
 * EDR frees (MIMALLOC_PURGE_DELAY=-1) and may use transparent huge pages (MIMALLOC_ALLOW_THP=1);
 * mimalloc reads both as EDR's native module loads. Values already in the environment win, so
 * `MIMALLOC_PURGE_DELAY=10` starts a node as Hardhat ships it, and `MIMALLOC_ALLOW_THP=0` as the
 * twelfth to fourteenth rounds did.
 */
export function hardhatNodeEnv(): NodeJS.ProcessEnv {
  return { MIMALLOC_ALLOW_THP: process.env.MIMALLOC_ALLOW_THP ?? "1", MIMALLOC_PURGE_DELAY: process.env.MIMALLOC_PURGE_DELAY ?? "-1" };
}

/** The module whose source the hooks change (a URL suffix). */
export const HANDLER_MODULE = "/hardhat/dist/src/internal/builtin-plugins/node/json-rpc/handler.js";
const ORIGINAL = `        const bytes = [];
        for await (const chunk of req) {
            bytes.push(...chunk);
        }
        const text = new TextDecoder("utf-8").decode(new Uint8Array(bytes));`;
const REPLACEMENT = `        const chunks = [];
        for await (const chunk of req) {
            chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
        }
        const text = new TextDecoder("utf-8").decode(Buffer.concat(chunks));`;

/** The handler's source with its body reader replaced, or undefined where the code is not the one expected. */
export function patchHandlerSource(source: string): string | undefined {
  const at = source.indexOf(ORIGINAL);
  if (at < 0 || source.indexOf(ORIGINAL, at + 1) >= 0) return undefined;
  return source.slice(0, at) + REPLACEMENT + source.slice(at + ORIGINAL.length);
}
