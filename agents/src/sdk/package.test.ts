// The SDK as an agent developer installs it: `npm pack` of this workspace (its prepack compiles
// dist/ with tsconfig.build.json), unpacked into a fresh project's node_modules beside only the
// dependencies package.json declares, then used from plain JavaScript (Node does not strip types
// under node_modules, so the sources alone could not be imported there) and from TypeScript through
// the shipped declarations.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { keccak256, toHex } from "viem";
import { sha256Iter } from "../runtime/sha256-iter.ts";

const AGENTS = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const ROOT = resolve(AGENTS, "..");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");

test("npm pack gives a package that plain Node and TypeScript projects can use", { timeout: 240_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), "ubc-agents-pack-"));
  try {
    // pack (prepack builds dist/)
    const packed = JSON.parse(execFileSync(npm, ["pack", "--json", "--pack-destination", dir], { cwd: AGENTS, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] })) as { filename: string; files: { path: string }[] }[];
    const files = packed[0].files.map((f) => f.path);
    for (const f of ["package.json", "README.md", "dist/sdk/index.js", "dist/sdk/index.d.ts", "dist/runtime/host.js", "dist/runtime/host.d.ts", "dist/runtime/work-worker.js", "dist/x402/index.js", "dist/generated/abis.js"]) {
      assert.ok(files.includes(f), `the package holds ${f}`);
    }
    assert.deepEqual(files.filter((f) => /\.test\.|(^|\/)testing\//.test(f)), [], "no tests or test helpers in the package");
    assert.deepEqual(files.filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts")), [], "no TypeScript sources: Node would not run them from node_modules");

    // a fresh project: the package unpacked, and only its declared dependencies beside it
    const app = join(dir, "app");
    const pkgDir = join(app, "node_modules", "@ubc", "agents");
    mkdirSync(pkgDir, { recursive: true });
    execFileSync("tar", ["-xzf", join(dir, packed[0].filename), "-C", pkgDir, "--strip-components=1"]);
    const manifest = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8")) as { dependencies: Record<string, string> };
    for (const dep of [...Object.keys(manifest.dependencies), "@types/node"]) {
      const target = join(app, "node_modules", dep);
      mkdirSync(dirname(target), { recursive: true });
      // where the workspace has it (hoisted to the root, or in agents/node_modules)
      const from = [join(AGENTS, "node_modules", dep), join(ROOT, "node_modules", dep)].find((p) => existsSync(p));
      assert.ok(from, `${dep} is installed`);
      symlinkSync(realpathSync(from), target, "dir");
    }
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", type: "module", private: true }));

    // plain JavaScript: every entry point loads, and works
    writeFileSync(join(app, "main.mjs"), `
      import { pathToFileURL } from "node:url";
      import { UbcClient, ApiClient, resourceKind, ABIS, ROLES } from "@ubc/agents";
      import { runAgent, formatCompute } from "@ubc/agents/runtime";
      import { X402Client, Paywall } from "@ubc/agents/x402";
      // the jobs' work thread: its module is found beside the pool's in dist/
      const pool = await import(pathToFileURL("node_modules/@ubc/agents/dist/runtime/work-pool.js").href);
      const digest = await pool.sha256IterAsync("0x616263", 1000);
      await pool.stopWorkThread();
      console.log(JSON.stringify({
        kinds: [typeof UbcClient, typeof ApiClient, typeof runAgent, typeof X402Client, typeof Paywall],
        kind: resourceKind("sha256-iter"),
        fillQuote: ABIS.WorkMarket.some((f) => f.name === "fillQuote"),
        provider: String(ROLES.PROVIDER),
        amount: formatCompute(1234500000000000000000n),
        digest,
      }));
    `);
    const run = spawnSync(process.execPath, ["main.mjs"], { cwd: app, encoding: "utf8" });
    assert.equal(run.status, 0, `node main.mjs: ${run.stderr}`);
    const out = JSON.parse(run.stdout) as Record<string, unknown>;
    assert.deepEqual(out.kinds, ["function", "function", "function", "function", "function"]);
    assert.equal(out.kind, keccak256(toHex("sha256-iter")));
    assert.equal(out.fillQuote, true);
    assert.notEqual(out.provider, "undefined");
    assert.equal(out.amount, "1,234.5");
    assert.equal(out.digest, sha256Iter("0x616263", 1000), "the work thread computed what the sources compute");

    // TypeScript: the declarations type the entry points (a wrong type is an error, not any)
    writeFileSync(join(app, "tsconfig.json"), JSON.stringify({ compilerOptions: { module: "NodeNext", moduleResolution: "NodeNext", target: "ES2022", strict: true, noEmit: true, skipLibCheck: true, types: ["node"] }, files: ["good.ts"] }));
    writeFileSync(join(app, "good.ts"), `
      import { UbcClient, resourceKind, type Quote } from "@ubc/agents";
      import { runAgent, type AgentReport, type RunAgentOptions } from "@ubc/agents/runtime";
      import { X402Client } from "@ubc/agents/x402";
      const kind: \`0x\${string}\` = resourceKind("sha256-iter");
      const start: (o: RunAgentOptions) => Promise<AgentReport> = runAgent;
      export const used = [kind, start, UbcClient, X402Client] as const;
      export type Q = Quote;
    `);
    const good = spawnSync(process.execPath, [tsc, "-p", "tsconfig.json"], { cwd: app, encoding: "utf8" });
    assert.equal(good.status, 0, `tsc on a consumer: ${good.stdout}${good.stderr}`);
    writeFileSync(join(app, "tsconfig.bad.json"), JSON.stringify({ extends: "./tsconfig.json", files: ["bad.ts"] }));
    writeFileSync(join(app, "bad.ts"), `
      import { resourceKind } from "@ubc/agents";
      export const n: number = resourceKind("sha256-iter");
    `);
    const bad = spawnSync(process.execPath, [tsc, "-p", "tsconfig.bad.json"], { cwd: app, encoding: "utf8" });
    assert.notEqual(bad.status, 0, "a wrong type is caught");
    assert.match(bad.stdout, /bad\.ts.*TS2322/, bad.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
