import { createRequire } from "node:module";
import { configVariable, defineConfig } from "hardhat/config";
import hardhatToolboxMochaEthers from "@nomicfoundation/hardhat-toolbox-mocha-ethers";

const require = createRequire(import.meta.url);
// The compiler download host is unreachable from CI: use the solc-js build that ships in
// the npm package `solc`, whose version must equal `SOLC_VERSION` below.
const SOLC_VERSION: string = require("solc/package.json").version;

// Solidity fuzz and invariant settings. `npm test` runs a modest campaign with a fixed seed, so
// CI is reproducible; `npm run fuzz` runs a deep one with a fresh random seed. Either way the
// seed is printed, and FUZZ_SEED=<seed> replays a run.
const DEEP = process.env.FUZZ_PROFILE === "deep";
const FUZZ_SEED = process.env.FUZZ_SEED ?? "0x7562632d636f6d707574652d65786368616e6765";
if (process.argv.includes("test")) {
  console.log(`solidity fuzz seed: ${FUZZ_SEED} (${DEEP ? "deep" : "default"} profile; FUZZ_SEED=<seed> to replay)`);
}

export default defineConfig({
  plugins: [hardhatToolboxMochaEthers],
  solidity: {
    compilers: [
      {
        version: SOLC_VERSION,
        path: require.resolve("solc/soljson.js"),
        settings: {
          optimizer: { enabled: true, runs: 10_000 },
          evmVersion: "cancun",
        },
      },
    ],
    // WorkMarket is the largest contract: at 10,000 runs its code would pass EIP-170's 24,576 bytes
    // (25,207), at 2,000 it is 23,313 (a few gas more per call). The Solidity tests that deploy it
    // are compiled the same way, so that they test the code that is deployed.
    overrides: Object.fromEntries(
      ["contracts/market/WorkMarket.sol", "test/market/WorkMarket.invariants.t.sol", "test/market/WorkMarket.quotes.t.sol"].map((file) => [
        file,
        { version: SOLC_VERSION, path: require.resolve("solc/soljson.js"), settings: { optimizer: { enabled: true, runs: 2_000 }, evmVersion: "cancun" } },
      ]),
    ),
  },
  test: {
    solidity: {
      fuzz: { runs: DEEP ? 5_000 : 256, seed: FUZZ_SEED },
      invariant: { runs: DEEP ? 500 : 32, depth: DEEP ? 200 : 48, failOnRevert: false },
    },
  },
  paths: {
    ignition: "deploy",
    tests: { mocha: "test", solidity: "test" },
  },
  // Public networks read their RPC URL and deployer key through configuration variables: from
  // Hardhat's encrypted keystore (`npx hardhat keystore set BASE_SEPOLIA_RPC_URL`) or, failing
  // that, from the environment. They are resolved only when the network is used, so nothing is
  // needed for local work. Parameters: deploy/parameters/<network>.json. See docs/deploy.md.
  networks: {
    localhost: { type: "http", url: process.env.RPC_URL ?? "http://127.0.0.1:8545" },
    baseSepolia: {
      type: "http",
      chainType: "op",
      chainId: 84532,
      url: configVariable("BASE_SEPOLIA_RPC_URL"),
      accounts: [configVariable("BASE_SEPOLIA_DEPLOYER_KEY")],
    },
    base: {
      type: "http",
      chainType: "op",
      chainId: 8453,
      url: configVariable("BASE_RPC_URL"),
      accounts: [configVariable("BASE_DEPLOYER_KEY")],
    },
  },
  verify: {
    etherscan: { apiKey: configVariable("ETHERSCAN_API_KEY") },
  },
});
