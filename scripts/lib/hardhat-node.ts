// How every part of the project starts a local Hardhat node (the devnet, the tests' chains, the
// benchmarks' chains): Hardhat's own CLI, with hardhat-node-hooks.ts preloaded to change two things
// in its JSON-RPC HTTP handler at load time (the installed package is not touched): how a request
// body is read, and how eth_getLogs is answered (EDR's JSON text passed on instead of parsed and
// stringified again, through one method added to EdrProvider: the edits below, with why).
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
// If a Hardhat upgrade changes that code, the module is left as it is and the node warns on stderr:
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
// EDR's CPU per transaction 9–27% lower for swarm transactions, and lower for plain transfers too
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

/** The JSON-RPC HTTP handler's module, whose source the hooks change (a URL suffix). */
export const HANDLER_MODULE = "/hardhat/dist/src/internal/builtin-plugins/node/json-rpc/handler.js";
/** Hardhat's EDR provider's module, whose source the hooks change (a URL suffix). */
export const EDR_PROVIDER_MODULE = "/hardhat/dist/src/internal/builtin-plugins/network-manager/edr/edr-provider.js";

/** One change to a module's source: `original` must occur exactly once; `append` is added at the end. */
interface Edit {
  original?: string;
  replacement?: string;
  append?: string;
}

// (1) The body reader: Buffers kept as the socket delivered them, decoded once.
const BODY_READER: Edit = {
  original: `        const bytes = [];
        for await (const chunk of req) {
            bytes.push(...chunk);
        }
        const text = new TextDecoder("utf-8").decode(new Uint8Array(bytes));`,
  replacement: `        const chunks = [];
        for await (const chunk of req) {
            chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
        }
        const text = new TextDecoder("utf-8").decode(Buffer.concat(chunks));`,
};

// (2) eth_getLogs over HTTP answered with EDR's own JSON text. Hardhat parses the text EDR
// answers with (JSON.parse in EdrProvider) and stringifies the parsed result again for the HTTP
// answer; for eth_getLogs (630 bytes a log: 6 MB for 10,000 logs) that was ~85% of the node's CPU
// per log (its JavaScript thread 1.0-1.3 s per 100k logs, EDR's 0.2 s). EDR answers a successful
// request with `{"result":…}`; the handler now sends that text on, after the JSON-RPC envelope
// (jsonrpc, the request's id), in the order and form Hardhat's JSON.stringify gives (compact,
// jsonrpc, id, result: test/hardhat-node.test.ts compares the bytes with the unchanged path).
// Only eth_getLogs, only over HTTP, only a request Hardhat takes (jsonrpc "2.0", params an array,
// id a string or a number): Hardhat's request handlers (sender, gas, chain id) do nothing
// for it (the pass-through skips the network's request hooks for this one method: a plugin that
// hooked eth_getLogs would not see these requests), and EdrProvider's own special cases (evm_revert, web3_clientVersion, call traces of
// transactions) do not concern it. Anything else, or an answer that is not a result (an error),
// takes Hardhat's path unchanged (an error is then asked again: a read, so harmless).
const HANDLER_BATCH: Edit = {
  original: `            const responses = await Promise.all(jsonHttpRequest.map((singleReq) => this.#handleRequest(singleReq)));`,
  replacement: `            const responses = await Promise.all(jsonHttpRequest.map((singleReq) => this.#ubcHandleHttpRequest(singleReq)));`,
};
const HANDLER_SINGLE: Edit = {
  original: `        const rpcResp = await this.#handleRequest(jsonHttpRequest);
        this.#sendResponse(res, rpcResp);`,
  replacement: `        const rpcResp = await this.#ubcHandleHttpRequest(jsonHttpRequest);
        this.#sendResponse(res, rpcResp);`,
};
const HANDLER_SEND: Edit = {
  original: `        res.end(JSON.stringify(rpcResp));`,
  replacement: `        ubcSendJson(res, rpcResp);`,
};
const HANDLER_PASS_THROUGH: Edit = {
  original: `    async #handleRequest(payload) {`,
  replacement: `    async #ubcHandleHttpRequest(payload) {
        const provider = this.#provider;
        if (!isObject(payload) || payload.jsonrpc !== "2.0" || payload.method !== "eth_getLogs" || !Array.isArray(payload.params) || typeof provider.ubcAnswerText !== "function") {
            return this.#handleRequest(payload);
        }
        const id = payload.id;
        if (typeof id !== "string" && typeof id !== "number") {
            return this.#handleRequest(payload);
        }
        let text;
        try {
            text = await provider.ubcAnswerText(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_getLogs", params: payload.params }));
        }
        catch {
            text = undefined;
        }
        if (typeof text !== "string" || !text.startsWith(UBC_RESULT_HEAD) || !text.endsWith("}")) {
            return this.#handleRequest(payload);
        }
        return { [UBC_RAW]: { head: '{"jsonrpc":"2.0","id":' + JSON.stringify(id) + ",", rest: text.slice(1) } };
    }
    async #handleRequest(payload) {`,
};
const HANDLER_HELPERS: Edit = {
  append: `
// (added by the project's hardhat-node-hooks.ts) answers passed through as EDR's JSON text
const UBC_RAW = Symbol.for("ubc.rawJsonRpcAnswer");
const UBC_RESULT_HEAD = '{"result":';
function ubcSendJson(res, answer) {
    const raw = (a) => (a !== null && typeof a === "object" ? a[UBC_RAW] : undefined);
    if (Array.isArray(answer) ? !answer.some((a) => raw(a) !== undefined) : raw(answer) === undefined) {
        res.end(JSON.stringify(answer));
        return;
    }
    // the pieces written one after another: EDR's text is not copied into a larger string
    const pieces = [];
    const add = (a) => {
        const r = raw(a);
        if (r === undefined) pieces.push(JSON.stringify(a));
        else pieces.push(r.head, r.rest);
    };
    if (Array.isArray(answer)) {
        pieces.push("[");
        answer.forEach((a, i) => {
            if (i > 0) pieces.push(",");
            add(a);
        });
        pieces.push("]");
    }
    else add(answer);
    let length = 0;
    for (const piece of pieces) length += Buffer.byteLength(piece);
    res.setHeader("Content-Length", length);
    res.cork();
    for (const piece of pieces) res.write(piece);
    res.end();
}
`,
};
// EdrProvider gains one method: a request's JSON text in, EDR's answer text out (no parsing).
const EDR_ANSWER_TEXT: Edit = {
  original: `    async #handleRequest(request) {`,
  replacement: `    async ubcAnswerText(requestText) {
        if (this.#provider === undefined) {
            return undefined;
        }
        const data = (await this.#provider.handleRequest(requestText)).data;
        return typeof data === "string" ? data : undefined;
    }
    async #handleRequest(request) {`,
};

/** The edits per module (URL suffix). */
const EDITS: Record<string, Edit[]> = {
  [HANDLER_MODULE]: [BODY_READER, HANDLER_BATCH, HANDLER_SINGLE, HANDLER_SEND, HANDLER_PASS_THROUGH, HANDLER_HELPERS],
  [EDR_PROVIDER_MODULE]: [EDR_ANSWER_TEXT],
};

/** The module (one of EDITS' keys) that `url` loads, if any. */
export function patchedModule(url: string): string | undefined {
  return Object.keys(EDITS).find((m) => url.endsWith(m));
}

/**
 * A module's source with all its edits made, or undefined where any edit's code is not found
 * exactly once (a Hardhat upgrade changed it): then none is made, and the module runs as shipped.
 * The two modules' changes work apart: the handler without EdrProvider's new method answers
 * eth_getLogs as Hardhat does.
 */
export function patchModuleSource(module: string, source: string): string | undefined {
  if (EDITS[module] === undefined || /ubcAnswerText|#ubcHandleHttpRequest/.test(source)) return undefined; // not ours, or already changed
  let out = source;
  for (const e of EDITS[module]) {
    if (e.original !== undefined) {
      const at = out.indexOf(e.original);
      if (at < 0 || out.indexOf(e.original, at + 1) >= 0) return undefined;
      out = out.slice(0, at) + (e.replacement ?? "") + out.slice(at + e.original.length);
    }
    if (e.append !== undefined) out += e.append;
  }
  return out;
}
