// Preloaded into the Hardhat nodes we start (`node --import <this file> hardhat/cli.js node`):
// changes two of Hardhat's modules as they load: the JSON-RPC HTTP handler (how a request body is
// read, and eth_getLogs answered with EDR's own JSON text) and EdrProvider (a method for that).
// Why and what: hardhat-node.ts.
import { registerHooks } from "node:module";
import { patchModuleSource, patchedModule } from "./hardhat-node.ts";

registerHooks({
  load(url, context, nextLoad) {
    const result = nextLoad(url, context);
    const module = patchedModule(url);
    if (module === undefined || result.source === undefined || result.source === null) return result;
    const source = typeof result.source === "string" ? result.source : Buffer.from(result.source as Uint8Array).toString("utf8");
    const patched = patchModuleSource(module, source);
    if (patched === undefined) {
      process.stderr.write(`hardhat-node-hooks: ${module} is not the code expected; left unchanged\n`);
      return result;
    }
    return { ...result, source: patched };
  },
});
