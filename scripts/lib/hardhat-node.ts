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
// It also starts the node with one allocator setting (hardhatNodeEnv; `startHardhatNode` in
// processes.ts applies both): EDR's mimalloc may not back its heap with transparent huge pages.
// EDR's step tracer allocates and frees a record of every EVM step of every transaction; with huge
// pages, memory mimalloc had given back was faulted in again 2 MB at a time, each 2 MB zeroed by
// the kernel (`clear_page_erms` under `do_huge_pmd_anonymous_page`: 9.4% of the node's CPU during a
// swarm, 1.2% during plain transfers; docs/benchmarks.md, twelfth round). With 4 KB pages only
// what is touched is zeroed.
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
 * Environment for the `hardhat node` process (merged over the parent's): mimalloc's transparent
 * huge pages off (MIMALLOC_ALLOW_THP=0; mimalloc reads it as EDR's native module loads). A value
 * already in the environment wins, so `MIMALLOC_ALLOW_THP=1` starts a node as Hardhat ships it.
 */
export function hardhatNodeEnv(): NodeJS.ProcessEnv {
  return { MIMALLOC_ALLOW_THP: process.env.MIMALLOC_ALLOW_THP ?? "0" };
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
