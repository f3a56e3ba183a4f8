import { createRequire } from "node:module";
import { defineConfig } from "hardhat/config";
import hardhatToolboxMochaEthers from "@nomicfoundation/hardhat-toolbox-mocha-ethers";

const require = createRequire(import.meta.url);
// The compiler download host is unreachable from CI: use the solc-js build that ships in
// the npm package `solc`, whose version must equal `SOLC_VERSION` below.
const SOLC_VERSION: string = require("solc/package.json").version;

export default defineConfig({
  plugins: [hardhatToolboxMochaEthers],
  solidity: {
    version: SOLC_VERSION,
    path: require.resolve("solc/soljson.js"),
    settings: {
      optimizer: { enabled: true, runs: 10_000 },
      evmVersion: "cancun",
    },
  },
  paths: {
    ignition: "deploy",
    tests: { mocha: "test", solidity: "test" },
  },
  networks: {
    localhost: { type: "http", url: process.env.RPC_URL ?? "http://127.0.0.1:8545" },
  },
});
