// Preloaded into the Hardhat nodes we start (`node --import <this file> hardhat/cli.js node`):
// replaces the body reader of Hardhat's JSON-RPC HTTP handler as its module loads. Why and what:
// hardhat-node.ts.
import { registerHooks } from "node:module";
import { HANDLER_MODULE, patchHandlerSource } from "./hardhat-node.ts";

registerHooks({
  load(url, context, nextLoad) {
    const result = nextLoad(url, context);
    if (!url.endsWith(HANDLER_MODULE) || result.source === undefined || result.source === null) return result;
    const source = typeof result.source === "string" ? result.source : Buffer.from(result.source as Uint8Array).toString("utf8");
    const patched = patchHandlerSource(source);
    if (patched === undefined) {
      process.stderr.write("hardhat-node-hooks: Hardhat's JSON-RPC body reader is not the code expected; left unchanged\n");
      return result;
    }
    return { ...result, source: patched };
  },
});
