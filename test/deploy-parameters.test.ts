// deploy/parameters/<network>.json for the public networks: each names only parameters that the
// Ignition modules declare, matches its network's chain id in hardhat.config.ts, holds no secret,
// refuses to deploy a production network without its treasury and guardian, and deploys the whole
// protocol with Ignition (on the simulated network) with the values it states.
import { expect } from "chai";
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { network } from "hardhat";
import config from "../hardhat.config.ts";
import UBCExchange from "../deploy/modules/UBCExchange.ts";
import { loadParameters, bigintReviver } from "../deploy/parameters.ts";

const root = resolve(import.meta.dirname, "..");
const dir = join(root, "deploy", "parameters");
const files = readdirSync(dir).filter((f) => f.endsWith(".json"));
const { ethers, ignition } = await network.create();

/** The parameters each module declares: m.getParameter("name", …) in deploy/modules/<Module>.ts. */
function declared(): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const f of readdirSync(join(root, "deploy", "modules"))) {
    const src = readFileSync(join(root, "deploy", "modules", f), "utf8");
    const id = /buildModule\("([^"]+)"/.exec(src)?.[1];
    if (!id) continue;
    out.set(id, new Set([...src.matchAll(/getParameter\(\s*"([^"]+)"/g)].map((m) => m[1])));
  }
  return out;
}

describe("deploy/parameters", function () {
  const modules = declared();
  const everyParam = new Set([...modules.values()].flatMap((s) => [...s]));

  it("exist for a public testnet and an L2, each with a configured network of the same chain id", function () {
    expect(files).to.include.members(["baseSepolia.json", "base.json"]);
    const networks = config.networks as Record<string, { chainId?: number; type?: string }>;
    for (const f of files) {
      const name = f.replace(/\.json$/, "");
      const raw = JSON.parse(readFileSync(join(dir, f), "utf8"));
      expect(networks[name], `hardhat.config.ts has no network "${name}"`).to.not.equal(undefined);
      expect(networks[name].chainId, name).to.equal(raw._chainId);
    }
  });

  for (const f of files) {
    it(`${f}: known modules and parameters, sane fee bounds, no secrets`, function () {
      const text = readFileSync(join(dir, f), "utf8");
      expect(text).to.not.match(/0x[0-9a-fA-F]{64}/, "a private key in a parameters file");
      expect(text).to.not.match(/https?:\/\/[^"]*(key|token|v2\/)[^"]*/i, "an RPC URL with a key");
      const raw = JSON.parse(text, bigintReviver) as Record<string, Record<string, unknown>>;
      for (const [id, params] of Object.entries(raw)) {
        if (id.startsWith("_")) continue;
        const known = id === "$global" ? everyParam : modules.get(id);
        expect(known, `unknown module "${id}"`).to.not.equal(undefined);
        for (const p of Object.keys(params)) expect(known!.has(p), `${id}.${p} is not a parameter of the modules`).to.equal(true);
      }
      const e = raw.Economy ?? {};
      if (e.initialBurnBps !== undefined) {
        expect(Number(e.minBurnBps)).to.be.at.most(Number(e.initialBurnBps));
        expect(Number(e.initialBurnBps)).to.be.at.most(Number(e.maxBurnBps));
        expect(Number(e.maxBurnBps)).to.be.at.most(10_000);
      }
    });
  }

  it("a production network refuses to deploy without its treasury and guardian, or with a malformed one", function () {
    const text = readFileSync(join(dir, "base.json"), "utf8");
    expect(() => loadParameters(text, 8453, {})).to.throw(/DEPLOY_TREASURY, DEPLOY_GUARDIAN/);
    expect(() => loadParameters(text, 8453, { DEPLOY_TREASURY: "0x1234", DEPLOY_GUARDIAN: "0x1234" })).to.throw(/must be an address/);
    expect(() => loadParameters(text, 84532, {})).to.throw(/chain 8453/);
  });

  for (const f of files) {
    it(`${f}: Ignition deploys the protocol with it`, async function () {
      this.timeout(120_000);
      const raw = JSON.parse(readFileSync(join(dir, f), "utf8"), bigintReviver);
      const [, treasury, guardian] = await ethers.getSigners();
      const parameters = loadParameters(readFileSync(join(dir, f), "utf8"), raw._chainId, {
        DEPLOY_TREASURY: treasury.address,
        DEPLOY_GUARDIAN: guardian.address,
      });
      const d = await ignition.deploy(UBCExchange, { parameters: parameters as never });
      const timelock = await ethers.getContractAt("UBCTimelock", await d.timelock.getAddress());
      const compute = await ethers.getContractAt("ComputeToken", await d.compute.getAddress());
      const ubc = await ethers.getContractAt("UBCToken", await d.ubc.getAddress());
      const fees = await ethers.getContractAt("FeeController", await d.feeController.getAddress());
      expect(await timelock.getMinDelay()).to.equal(BigInt(raw.Foundation.timelockDelay));
      expect(await compute.balanceOf(treasury.address)).to.equal(raw.Foundation.computeGenesis);
      expect(await ubc.balanceOf(treasury.address)).to.equal(10n ** 27n);
      expect(await fees.epochLength()).to.equal(BigInt(raw.Economy.feeEpochLength));
      expect(await fees.burnShareBps()).to.equal(BigInt(raw.Economy.initialBurnBps));
      expect(await fees.targetVolume()).to.equal(raw.Economy.feeVolumeTarget);
    });
  }
});
