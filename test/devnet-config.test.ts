// `npm start`'s configuration (environment and .env file) and the web part's detection and
// rebuild decision, without starting anything.
import { expect } from "chai";
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { childEnv, loadConfig, parseEnvFile } from "../scripts/devnet/config.ts";
import { detectWebApp, needsBuild } from "../scripts/devnet/web.ts";

describe("npm start configuration", function () {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "ubc-cfg-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("parses .env files: comments, quotes, export, empty values", function () {
    expect(parseEnvFile("# c\nA=1\nexport B = two \nC=\"x # y\"\nD='q'\nE= # nothing\nF=\n bad line\n")).to.deep.equal({ A: "1", B: "two", C: "x # y", D: "q", E: "", F: "" });
  });

  it("defaults to a local chain, PGlite under .data, and every part on", function () {
    const c = loadConfig(dir, [], { ENV_FILE: "" });
    expect(c).to.include({ externalRpcUrl: undefined, rpcUrl: "http://127.0.0.1:8545", indexerPort: 42069, webPort: 3000, databaseUrl: undefined, web: true, swarm: true, seed: true, fresh: false, swarmAgents: 6, swarmDaySeconds: 30, swarmSpendPerHour: 250_000, finalityDepth: "2" });
    expect(c.dataDir).to.equal(join(dir, ".data"));
  });

  it("takes an existing chain, ports, sizes and switches from the environment; refuses bad values", function () {
    const c = loadConfig(dir, ["--fresh"], { ENV_FILE: "", RPC_URL: "http://10.0.0.2:8545", CHAIN_ID: "84532", INDEXER_PORT: "4000", WEB_PORT: "4001", SWARM_AGENTS: "0", SWARM_DAY_SECONDS: "0", WEB: "0", DATA_DIR: "/var/tmp/x" });
    expect(c).to.include({ externalRpcUrl: "http://10.0.0.2:8545", rpcUrl: "http://10.0.0.2:8545", expectedChainId: 84532, indexerPort: 4000, webPort: 4001, swarm: false, swarmDaySeconds: 0, web: false, fresh: true, dataDir: "/var/tmp/x", finalityDepth: "12" });
    expect(() => loadConfig(dir, [], { ENV_FILE: "", RPC_PORT: "70000" })).to.throw(/RPC_PORT/);
    expect(() => loadConfig(dir, [], { ENV_FILE: "", SWARM_AGENTS: "many" })).to.throw(/SWARM_AGENTS/);
    expect(() => loadConfig(dir, [], { ENV_FILE: "", SWARM_DAY_SECONDS: "-5" })).to.throw(/SWARM_DAY_SECONDS must be a non-negative integer/);
    expect(() => loadConfig(dir, [], { ENV_FILE: "", SWARM_SPEND_PER_HOUR: "a lot" })).to.throw(/SWARM_SPEND_PER_HOUR must be a non-negative integer, got "a lot"/);
    expect(loadConfig(dir, [], { ENV_FILE: "", SWARM_SPEND_PER_HOUR: "1000000" }).swarmSpendPerHour).to.equal(1_000_000);
    expect(() => loadConfig(dir, [], { ENV_FILE: "", SWARM_SPEND_PER_HOUR: "0" })).to.throw(/SWARM_SPEND_PER_HOUR must be at least 1/);
    expect(() => loadConfig(dir, [], { ENV_FILE: "missing.env" })).to.throw(/no such file/);
  });

  it("reads .env at the root; the environment wins; empty values stay unset for the children", function () {
    writeFileSync(join(dir, ".env"), "INDEXER_PORT=5000\nWEB_PORT=5001\nDATABASE_URL=\nOPENAI_API_KEY=sk-test\n");
    const c = loadConfig(dir, [], { WEB_PORT: "6001" });
    expect(c).to.include({ indexerPort: 5000, webPort: 6001, databaseUrl: undefined, openaiApiKey: "sk-test", envFile: join(dir, ".env") });
    const env = childEnv(c, { WEB_PORT: "6001" });
    expect(env).to.include({ INDEXER_PORT: "5000", WEB_PORT: "6001", OPENAI_API_KEY: "sk-test" });
    expect(env).to.not.have.property("DATABASE_URL");
  });

  it("web part: absent without an App Router app or without next; rebuilt only when a source is newer than the build", function () {
    expect(detectWebApp(dir)).to.deep.equal({ absent: "no web/package.json" });
    mkdirSync(join(dir, "web"));
    writeFileSync(join(dir, "web", "package.json"), "{}");
    expect(detectWebApp(dir)).to.have.property("absent").that.matches(/no Next.js app/);
    mkdirSync(join(dir, "web", "app"));
    writeFileSync(join(dir, "web", "app", "page.tsx"), "export default function Page() { return null; }");
    expect(detectWebApp(dir)).to.have.property("absent").that.matches(/next package/);

    const app = { dir: join(dir, "web"), nextBin: "" };
    expect(needsBuild(app)).to.equal(true); // never built
    mkdirSync(join(dir, "web", ".next"));
    writeFileSync(join(dir, "web", ".next", "BUILD_ID"), "x");
    const past = new Date(Date.now() - 60_000);
    utimesSync(join(dir, "web", "app", "page.tsx"), past, past);
    expect(needsBuild(app)).to.equal(false);
    writeFileSync(join(dir, "web", "app", "page.tsx"), "export default function Page() { return 1; }");
    const future = new Date(Date.now() + 60_000);
    utimesSync(join(dir, "web", "app", "page.tsx"), future, future);
    expect(needsBuild(app)).to.equal(true);
    // a module outside web/ that the app imports counts too (the agents' spec module)
    utimesSync(join(dir, "web", "app", "page.tsx"), past, past);
    mkdirSync(join(dir, "agents", "src", "runtime"), { recursive: true });
    writeFileSync(join(dir, "agents", "src", "runtime", "spec.ts"), "export {};");
    utimesSync(join(dir, "agents", "src", "runtime", "spec.ts"), past, past);
    expect(needsBuild(app)).to.equal(false);
    utimesSync(join(dir, "agents", "src", "runtime", "spec.ts"), future, future);
    expect(needsBuild(app)).to.equal(true);
  });
});
