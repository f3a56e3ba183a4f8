// Seeds a freshly deployed devnet so that every page and query has data from the first second:
// UBC and COMPUTE for the well-known development accounts (scripts/devnet/accounts.ts), a
// position in each of the three lock pools, registered agents with agent cards (one operated by a
// separate wallet), validators staked in the ValidatorPool, investors in the example venture's
// open raise (past its minimum), jobs run through the whole market (quote fill, delivery, committee attestation,
// settlement, feedback both ways) and one open request for quotes.
//
// `npm start` calls seedDevnet() after a fresh deployment only (never on a resumed chain). It
// uses nothing but JSON-RPC and the development keys, so it also works against any chain whose
// accounts are funded from Hardhat's development mnemonic (a separate `npm run node`, Anvil).
// Settling needs the challenge period (1 day) to pass: on a chain that accepts evm_increaseTime
// (`timeTravel`), the seed moves the clock forward by that much once; otherwise the seeded jobs
// stay Validated until the period ends.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { Contract, JsonRpcProvider, Signature, Wallet, id, toUtf8Bytes, encodeBase64, type InterfaceAbi } from "ethers";
import { devAccount, ROLES } from "./accounts.ts";

const E18 = 10n ** 18n;
const DAY = 86_400n;
const ROLE = { PROVIDER: 1, REQUESTER: 2, VALIDATOR: 4 } as const;

/** The amounts the seed hands out; exported so tests check exactly these. */
export const SEED = {
  testWallet: { ubc: 100_000n * E18, compute: 10_000n * E18 },
  staker: { ubc: 200_000n * E18, compute: 1_000_000n * E18 },
  /** staker k (0, 1, 2) stakes stakes[pool] * (k + 1) in each pool 0, 1, 2 */
  stakes: [10_000n * E18, 20_000n * E18, 30_000n * E18],
  /**
   * venture shares bought by stakers 0 and 1 (price: 10 COMPUTE-wei per share-wei): together past
   * the example raise's minimum of 100,000 (deploy/modules/Ventures.ts), so that it succeeds when its
   * 30 days are up (the devnet's keeper finalizes it) instead of failing into refunds
   */
  ventureShares: [60_000n * E18, 45_000n * E18],
  /** revenue the venture's operator (the deployer on a devnet) deposits in COMPUTE once its investors are in: shared pro rata */
  ventureRevenue: 500n * E18,
  /**
   * the example venture's simulated income: the devnet's keeper (account 12, run by the swarm) pays
   * `perDay` into it as revenue for every day of chain time, from the `budget` the seed gives it
   * (500 days: ~4 hours of `npm start` at the default pace of a day per 30 s)
   */
  ventureIncome: { perDay: 200n * E18, budget: 100_000n * E18 },
  agent: { ubc: 10_000n * E18, compute: 100_000n * E18 },
  validator: { ubc: 20_000n * E18 },
  /** jobs run to settlement, then one open request */
  settledJobs: 3,
  openJobValue: 750n * E18,
} as const;

/** Units of the seed's open request: 750 COMPUTE for 10 units pays 75 a unit, over the swarm's providers' costs (40–60). */
const OPEN_JOB_UNITS = 10;

export interface SeededAgent {
  name: string;
  agentId: string;
  owner: string;
  wallet: string;
  roles: number;
  cardURI: string;
}

export interface SeedResult {
  testWallet: { address: string; privateKey: string; index: number };
  stakers: string[];
  positions: { id: string; owner: string; poolId: number; amount: string }[];
  agents: SeededAgent[];
  validators: { agentId: string; account: string; validatorId: string; stake: string }[];
  venture: { address: string; investors: { address: string; shares: string }[] };
  jobs: { settled: string[]; validated: string[]; open: string[] };
  /**
   * The texts of the specs of the seed's open jobs (JSON, as agents/src/runtime/jobs.ts writes
   * them): the seed runs before the indexer's spec store answers, so npm start posts them there
   * (POST /specs) once it does, where a provider looking at an open job finds its spec.
   */
  specs?: string[];
  timeTravelled: number;
  transactions: number;
}

export interface SeedOptions {
  rpcUrl: string;
  deployments: { chainId: number; contracts: Record<string, { address: string }> };
  /** Root of the Hardhat project (for the compiled artifacts). */
  root: string;
  /** Allow evm_increaseTime (local chains) so that the seeded jobs can be settled. */
  timeTravel?: boolean;
  log?: (line: string) => void;
}

/** ABIs from the compiled artifacts (artifacts/contracts/<area>/<Name>.sol/<Name>.json). */
export function loadAbis(root: string): Map<string, InterfaceAbi> {
  const out = new Map<string, InterfaceAbi>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const p = join(dir, entry);
      if (statSync(p).isDirectory()) walk(p);
      else if (entry.endsWith(".json") && !entry.endsWith(".dbg.json")) {
        const a = JSON.parse(readFileSync(p, "utf8")) as { contractName?: string; abi?: InterfaceAbi };
        if (a.contractName && a.abi && !out.has(a.contractName)) out.set(a.contractName, a.abi);
      }
    }
  };
  walk(join(root, "artifacts", "contracts"));
  return out;
}

/** A data: URI holding an agent card (ERC-8004 style registration file). */
export function agentCard(name: string, description: string, services: { name: string; endpoint: string }[]): string {
  const card = {
    type: "https://eips.ethereum.org/EIPS/eip-8004#registration-v1",
    name,
    description,
    image: "",
    endpoints: services,
    supportedTrust: ["reputation", "crypto-economic"],
  };
  return `data:application/json;base64,${encodeBase64(toUtf8Bytes(JSON.stringify(card)))}`;
}

export async function seedDevnet(opts: SeedOptions): Promise<SeedResult> {
  const log = opts.log ?? (() => undefined);
  const provider = new JsonRpcProvider(opts.rpcUrl, opts.deployments.chainId, { staticNetwork: true, batchMaxCount: 1, cacheTimeout: -1 });
  provider.pollingInterval = 50;
  const abis = loadAbis(opts.root);
  const at = (name: string, address?: string) => {
    const abi = abis.get(name);
    if (!abi) throw new Error(`no artifact for ${name}: build the contracts first`);
    const addr = address ?? opts.deployments.contracts[name]?.address;
    if (!addr) throw new Error(`${name} is not in the deployments file`);
    return new Contract(addr, abi, provider);
  };
  const wallet = (i: number) => new Wallet(devAccount(i).privateKey, provider);
  let txs = 0;
  /** Sends a contract call from `signer` and waits for its receipt. */
  const send = async (c: Contract, signer: Wallet, fn: string, ...args: unknown[]) => {
    const tx = await (c.connect(signer) as Contract).getFunction(fn)(...args);
    const receipt = await tx.wait();
    txs++;
    if (receipt?.status !== 1) throw new Error(`${fn} failed`);
    return receipt;
  };
  const rpc = (method: string, params: unknown[]) => provider.send(method, params);
  const now = async () => BigInt((await provider.getBlock("latest"))!.timestamp);

  const ubc = at("UBCToken");
  const compute = at("ComputeToken");
  const vault = at("StakingVault");
  const registry = at("AgentRegistry");
  const reputation = at("ReputationRegistry");
  const market = at("WorkMarket");
  const pool = at("ValidatorPool");
  const venture = at("Venture");
  const addr = (c: Contract) => c.target as string;

  if ((await registry.agentCount()) !== 0n) throw new Error("this chain already has agents: seed a fresh deployment only");
  const deployer = wallet(ROLES.deployer);
  if ((await ubc.balanceOf(deployer.address)) === 0n) throw new Error(`the deployer ${deployer.address} holds no UBC: seeding needs the development accounts`);

  // 1. Funding: the deployer (treasury on a devnet) hands out UBC and COMPUTE.
  const minStake = (await pool.params()).minStake as bigint;
  const transfers: [Contract, number, bigint][] = [
    [ubc, ROLES.testWallet, SEED.testWallet.ubc],
    [compute, ROLES.testWallet, SEED.testWallet.compute],
    [compute, ROLES.keeper, SEED.ventureIncome.budget],
    ...ROLES.stakers.flatMap((i): [Contract, number, bigint][] => [[ubc, i, SEED.staker.ubc], [compute, i, SEED.staker.compute]]),
    ...[ROLES.provider, ROLES.requester, ROLES.relay].flatMap((i): [Contract, number, bigint][] => [[ubc, i, SEED.agent.ubc], [compute, i, SEED.agent.compute]]),
    ...ROLES.validators.map((i): [Contract, number, bigint] => [ubc, i, SEED.validator.ubc > minStake ? SEED.validator.ubc : minStake * 2n]),
  ];
  // one after the other: an automining node refuses a nonce ahead of the next one
  for (const [token, i, amount] of transfers) await send(token, deployer, "transfer", devAccount(i).address, amount);
  log(`funded ${new Set(transfers.map((t) => t[1])).size} accounts with UBC and COMPUTE`);

  // 2. Agents (cards as data: URIs) and validators.
  const agents: SeededAgent[] = [];
  const register = async (i: number, name: string, roles: number, card: string, operator?: Wallet) => {
    const owner = wallet(i);
    let receipt;
    if (operator) {
      // the operator wallet consents to being bound with its own EIP-712 signature
      const deadline = (await now()) + DAY;
      const digest = (await registry.agentWalletDigest(0n, owner.address, operator.address, deadline)) as string;
      const sig = Signature.from(operator.signingKey.sign(digest)).serialized;
      receipt = await send(registry, owner, "registerWithWallet", card, roles, operator.address, deadline, sig);
    } else {
      receipt = await send(registry, owner, "register", card, roles);
    }
    const ev = receipt.logs.map((l: { topics: string[]; data: string }) => { try { return registry.interface.parseLog(l); } catch { return null; } })
      .find((p: { name: string } | null) => p?.name === "AgentRegistered");
    const agentId = ev!.args.agentId as bigint;
    const agent = { name, agentId: agentId.toString(), owner: owner.address, wallet: operator?.address ?? owner.address, roles, cardURI: card };
    return { agent, owner, agentId };
  };
  // one after the other, so that agent ids, position ids and job ids are the same on every seed
  const prov = await register(ROLES.provider, "Atlas Compute", ROLE.PROVIDER, agentCard("Atlas Compute", "GPU hours and SHA-256 batches on demand.", [{ name: "quotes", endpoint: "ubc:quote-board" }]));
  const req = await register(ROLES.requester, "Scribe", ROLE.REQUESTER, agentCard("Scribe", "Buys LLM tokens to summarise documents.", []));
  const relay = await register(ROLES.relay, "Relay", ROLE.PROVIDER | ROLE.REQUESTER, agentCard("Relay", "Resells compute: buys in bulk, sells by the unit.", [{ name: "x402", endpoint: "http://127.0.0.1/relay" }]), new Wallet(devAccount(ROLES.relayOperator).privateKey, provider));
  agents.push(prov.agent, req.agent, relay.agent);
  // the market pulls the requester's payment and the provider's deposit
  for (const w of [prov.owner, req.owner]) await send(compute, w, "approve", addr(market), 2n ** 255n);
  const validators = [];
  for (const [k, i] of ROLES.validators.entries()) {
    const r = await register(i, `Validator ${k + 1}`, ROLE.VALIDATOR, agentCard(`Validator ${k + 1}`, "Re-executes deterministic jobs and attests.", []));
    await send(ubc, r.owner, "approve", addr(pool), minStake);
    await send(pool, r.owner, "stake", r.agentId, minStake);
    validators.push({ ...r, validatorId: (await pool.validatorIdOf(r.owner.address)) as bigint });
  }
  agents.push(...validators.map((v) => v.agent));
  log(`registered ${agents.length} agents; ${validators.length} validators staked ${minStake / E18} UBC each`);

  // 3. Stakes: every staker holds a position in each pool (opened before the clock moves, so
  //    they show accrued COMPUTE).
  const positions: SeedResult["positions"] = [];
  for (const [k, i] of ROLES.stakers.entries()) {
    const w = wallet(i);
    await send(ubc, w, "approve", addr(vault), 2n ** 255n);
    for (let poolId = 0; poolId < 3; poolId++) {
      const amount = SEED.stakes[poolId] * BigInt(k + 1);
      const receipt = await send(vault, w, "stake", poolId, amount);
      const ev = receipt.logs.map((l: { topics: string[]; data: string }) => { try { return vault.interface.parseLog(l); } catch { return null; } })
        .find((p: { name: string } | null) => p?.name === "Staked");
      positions.push({ id: String(ev!.args[0]), owner: w.address, poolId, amount: amount.toString() });
    }
  }
  log(`opened ${positions.length} staking positions (each staker in pools 0, 1 and 2)`);

  // 4. The example venture's open raise: two investors, past its minimum (it stays open to its cap).
  const investors = [];
  const { pricePerShare: price, minShares } = (await venture.raiseConfig()) as { pricePerShare: bigint; minShares: bigint };
  const bought = SEED.ventureShares.reduce((a, b) => a + b, 0n);
  if (bought < minShares) throw new Error(`the seed's investors buy ${bought / E18} shares of the example venture, short of its minimum of ${minShares / E18}`);
  for (const [k, shares] of SEED.ventureShares.entries()) {
    const w = wallet(ROLES.stakers[k]);
    await send(compute, w, "approve", addr(venture), shares * price);
    await send(venture, w, "invest", shares);
    investors.push({ address: w.address, shares: shares.toString() });
  }
  log(`${investors.length} investors in the venture ${await venture.name()} at ${addr(venture)}`);
  // its first revenue (an AI band's streaming income, say): shared among the investors at once, so
  // the overview's flows and the holders' claims show venture revenue from the start
  await send(compute, deployer, "approve", addr(venture), SEED.ventureRevenue);
  await send(venture, deployer, "depositRevenue", addr(compute), SEED.ventureRevenue);
  log(`${SEED.ventureRevenue / E18} COMPUTE of revenue deposited in the venture`);

  // 5. Jobs: the provider signs quotes, the requester fills them, the provider delivers, the
  //    committee attests; after the challenge period they settle in one batch, with feedback.
  const chainId = opts.deployments.chainId;
  // generated by the build that precedes the seed (scripts/codegen-abis.ts): imported here, not at
  // the top, because npm start loads this module before a fresh clone's first build has run
  const { QUOTE_TYPES: GENERATED_QUOTE_TYPES, WORK_MARKET_DOMAIN } = await import("../../agents/src/generated/eip712.ts");
  const QUOTE_TYPES = { Quote: [...GENERATED_QUOTE_TYPES.Quote] }; // ethers takes mutable field lists
  const domain = { ...WORK_MARKET_DOMAIN, chainId, verifyingContract: addr(market) };
  const byAccount = new Map(validators.map((v) => [v.owner.address.toLowerCase(), v.owner]));
  const validated: bigint[] = [];
  // the agents' deterministic kind is a real job: its spec hashes to the job's spec hash and the
  // delivery carries spec and result (the job page shows both, and anyone can re-execute it); the
  // other kinds have no runtime format, so a placeholder spec hash and result URI stand in
  const { KINDS, ITERATIONS_PER_UNIT, canonical, encodeDelivery, resultHash, sha256Iter, specHash } = await import("../../agents/src/runtime/jobs.ts");
  const kinds = ["gpu-hour", KINDS.SHA256, "llm-tokens"];
  for (let j = 0; j < SEED.settledJobs; j++) {
    const t = await now();
    const kind = kinds[j % kinds.length];
    const q = {
      providerAgentId: prov.agentId, resourceKind: id(kind), units: BigInt(2 + j),
      unitPrice: BigInt(120 + 40 * j) * E18, expiry: t + DAY, nonce: BigInt(j + 1), requester: 0n, deliveryPeriod: DAY,
    };
    const sig = await prov.owner.signTypedData(domain, QUOTE_TYPES, q);
    const spec = kind === KINDS.SHA256
      ? { kind: KINDS.SHA256, input: `0x${Buffer.from(`devnet job ${j + 1}`).toString("hex")}` as const, iterations: Number(q.units) * ITERATIONS_PER_UNIT, salt: `devnet-${j + 1}` }
      : undefined;
    await send(market, req.owner, "fillQuote", q, sig, req.agentId, spec ? specHash(spec) : id(`devnet spec ${j + 1}`));
    const jobId = (await market.jobCount()) as bigint;
    if (spec) {
      const result = sha256Iter(spec.input, spec.iterations);
      await send(market, prov.owner, "submit", jobId, resultHash(result), encodeDelivery(spec, result));
    } else await send(market, prov.owner, "submit", jobId, id(`devnet result ${jobId}`), `ipfs://devnet-result-${jobId}`);
    await rpc("evm_mine", []).catch(async () => { await send(ubc, deployer, "transfer", deployer.address, 0n); }); // the seed block must be in the past
    await send(pool, deployer, "drawCommittee", jobId);
    for (const vid of (await pool.committee(jobId)) as bigint[]) {
      if (Number((await market.getJob(jobId)).status) !== 3) break; // decided (quorum reached)
      const v = await pool.getValidator(vid);
      await send(pool, byAccount.get(String(v.account).toLowerCase())!, "attest", jobId, true);
    }
    validated.push(jobId);
  }
  let timeTravelled = 0;
  const settled: bigint[] = [];
  if (opts.timeTravel && validated.length > 0) {
    const [, challengePeriod] = (await market.periods()) as [bigint, bigint, bigint];
    timeTravelled = Number(challengePeriod) + 1;
    await rpc("evm_increaseTime", [timeTravelled]);
    await rpc("evm_mine", []);
    await send(market, deployer, "settle", validated);
    for (const jobId of validated) {
      await send(reputation, req.owner, "giveFeedback", jobId, prov.agentId, 80 + Number(jobId) * 5, id("quality"), "");
      await send(reputation, prov.owner, "giveFeedback", jobId, req.agentId, 90, id("paid-on-time"), "");
    }
    settled.push(...validated.splice(0));
    log(`${settled.length} jobs settled (clock moved ${timeTravelled} s past the challenge period), feedback both ways`);
  } else {
    log(`${validated.length} jobs validated; they settle after the challenge period`);
  }

  // 6. One open request that any provider may accept: a sha256-iter job of OPEN_JOB_UNITS units,
  // whose spec npm start publishes on the indexer's spec store once it runs (SeedResult.specs)
  const openSpec = { kind: KINDS.SHA256, input: `0x${Buffer.from("devnet open request").toString("hex")}` as const, iterations: OPEN_JOB_UNITS * ITERATIONS_PER_UNIT, salt: "devnet-open" };
  const t = await now();
  await send(market, req.owner, "createJob", {
    requesterAgentId: req.agentId, providerAgentId: 0n, value: SEED.openJobValue, specHash: specHash(openSpec),
    acceptDeadline: t + 7n * DAY, deliveryPeriod: DAY,
  });
  const openJob = (await market.jobCount()) as bigint;
  log(`job ${openJob} open for any provider`);

  const tw = devAccount(ROLES.testWallet);
  provider.destroy();
  return {
    testWallet: { address: tw.address, privateKey: tw.privateKey, index: tw.index },
    stakers: ROLES.stakers.map((i) => devAccount(i).address),
    positions,
    agents,
    validators: validators.map((v) => ({ agentId: v.agentId.toString(), account: v.owner.address, validatorId: v.validatorId.toString(), stake: minStake.toString() })),
    venture: { address: addr(venture), investors },
    jobs: { settled: settled.map(String), validated: validated.map(String), open: [openJob.toString()] },
    specs: [canonical(openSpec)],
    timeTravelled,
    transactions: txs,
  };
}
