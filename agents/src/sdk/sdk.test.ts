import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { ethers } from "ethers";
import { startChain, ARTIFACTS, type TestChain } from "../../../indexer/src/testing/chain.ts";
import { startService, type Service } from "../../../indexer/src/service.ts";
import { UbcClient, ApiClient, UbcContractError, resourceKind, signDepositAuthorization, ROLES } from "./index.ts";
import { devKey } from "../testing/keys.ts";

const E18 = 10n ** 18n;

describe("agent SDK against a real chain and the indexer's API", () => {
  let chain: TestChain;
  let svc: Service;
  let provider: UbcClient;
  let requester: UbcClient;

  before(async () => {
    chain = await startChain();
    svc = await startService({ rpcUrl: chain.url, deployments: chain.deployments, artifactsDir: ARTIFACTS, port: 0, finalityDepth: 1, pollIntervalMs: 20 });
    provider = new UbcClient({ rpcUrl: chain.url, account: devKey(15), deployments: chain.deployments });
    requester = new UbcClient({ rpcUrl: chain.url, account: devKey(16), deployments: chain.deployments });
    const ubc = chain.contract("UBCToken");
    const compute = chain.contract("ComputeToken");
    for (const c of [provider, requester]) {
      await (await ubc.transfer(c.address, 100_000n * E18)).wait();
      await (await compute.transfer(c.address, 50_000n * E18)).wait();
    }
  });
  after(async () => {
    await svc?.stop();
    await chain?.stop();
  });

  test("stake, accrue, claim; reverts come back as the contract's named custom errors", async () => {
    const id = await requester.stake(2, 1_000n * E18);
    assert.equal(id, 1n);
    await chain.rpc("evm_increaseTime", [10 * 86_400]);
    await chain.rpc("evm_mine", []);
    const pending = await requester.pendingReward(id);
    assert.ok(pending >= 10n * E18 && pending <= 11n * E18, `10 days of 1 COMPUTE/day: ${pending}`);
    const before = await requester.balanceOf("ComputeToken");
    await requester.claim(id);
    assert.ok((await requester.balanceOf("ComputeToken")) - before >= pending);
    await assert.rejects(requester.withdraw(id), (e: unknown) => e instanceof UbcContractError && e.errorName === "StillLocked" && e.args[0] === id);
    await assert.rejects(requester.stake(0, 0n), (e: unknown) => e instanceof UbcContractError && e.errorName === "ZeroAmount");
    await assert.rejects(provider.claim(id), (e: unknown) => e instanceof UbcContractError && e.errorName === "NotPositionOwner");
  });

  test("a provider posts a signed quote to the board; a requester finds the best one and fills it", async () => {
    const provId = await provider.registerAgent("ipfs://sdk-provider", ROLES.PROVIDER);
    const reqId = await requester.registerAgent("ipfs://sdk-requester", ROLES.REQUESTER);
    const api = new ApiClient(svc.api.url);
    await api.login(provider);
    const now = BigInt((await chain.provider.getBlock("latest"))!.timestamp);
    const kind = resourceKind("sha256");
    const quote = { providerAgentId: provId, resourceKind: kind, units: 4n, unitPrice: 30n * E18, expiry: (now > BigInt(Math.floor(Date.now() / 1000)) ? now : BigInt(Math.floor(Date.now() / 1000))) + 3_600n, nonce: 7n, requester: 0n, deliveryPeriod: 86_400n };
    const sig = await provider.signQuote(quote);
    // without the provider's allowance the fill fails on COMPUTE's own error, named through the nested call
    await assert.rejects(requester.fillQuote(quote, sig, reqId, resourceKind("spec")), (e: unknown) => e instanceof UbcContractError && e.errorName === "ERC20InsufficientAllowance");
    await provider.approve("ComputeToken", provider.addressOf("WorkMarket"));
    // wait until the indexer has seen the new agents, then post
    for (let i = 0; i < 200 && svc.indexer!.status.checkpoint.number < BigInt(await chain.provider.getBlockNumber()); i++) await new Promise((r) => setTimeout(r, 25));
    const quoteId = await api.postQuote(quote, sig);
    const buyerApi = new ApiClient(svc.api.url);
    const best = await buyerApi.bestQuotes(kind, 4n, reqId);
    assert.equal(best[0].id, quoteId);
    const jobId = await requester.fillQuote(best[0], best[0].signature, reqId, resourceKind("spec: hash these four inputs"));
    await provider.submit(jobId, resourceKind("the result"), "ipfs://result");
    for (let i = 0; i < 200 && svc.indexer!.status.checkpoint.number < BigInt(await chain.provider.getBlockNumber()); i++) await new Promise((r) => setTimeout(r, 25));
    const d = await buyerApi.graphql<{ workRequest: { status: string; provider: { id: string }; unitPrice: string } }>(`query($id: ID!) { workRequest(id: $id) { status provider { id } unitPrice } }`, { id: jobId.toString() });
    assert.equal(d.workRequest.status, "submitted");
    assert.equal(d.workRequest.provider.id, provId.toString());
    assert.equal(d.workRequest.unitPrice, (30n * E18).toString());
    await assert.rejects(requester.fillQuote(best[0], best[0].signature, reqId, resourceKind("again")), (e: unknown) => e instanceof UbcContractError && /Nonce|Quote/.test(e.errorName));

    // a quote withdrawn by its provider can no longer be filled; nonces below a floor all at once
    const withdrawn = { ...quote, nonce: 8n };
    const withdrawnSig = await provider.signQuote(withdrawn);
    await provider.cancelQuote(provId, 8n);
    await assert.rejects(requester.fillQuote(withdrawn, withdrawnSig, reqId, resourceKind("spec")), (e: unknown) => e instanceof UbcContractError && e.errorName === "QuoteNonceUsed");
    await assert.rejects(requester.cancelQuote(provId, 9n), (e: unknown) => e instanceof UbcContractError && e.errorName === "NotAuthorized", "only the provider's owner or wallet");
    const below = { ...quote, nonce: 20n };
    const belowSig = await provider.signQuote(below);
    await provider.cancelQuotesBelow(provId, 21n);
    await assert.rejects(requester.fillQuote(below, belowSig, reqId, resourceKind("spec")), (e: unknown) => e instanceof UbcContractError && e.errorName === "QuoteNonceUsed");
    await assert.rejects(provider.cancelQuotesBelow(provId, 21n), (e: unknown) => e instanceof UbcContractError && e.errorName === "NonceNotIncreasing");
  });

  test("a deposit by EIP-3009 authorisation: the credit pays a fill, with no allowance and no token transfer", async () => {
    const [p2, r2] = [17, 18].map((i) => new UbcClient({ rpcUrl: chain.url, account: devKey(i), deployments: chain.deployments }));
    for (const c of [p2, r2]) await (await chain.contract("ComputeToken").transfer(c.address, 5_000n * E18)).wait();
    const pId = await p2.registerAgent("ipfs://sdk-provider-2", ROLES.PROVIDER);
    const rId = await r2.registerAgent("ipfs://sdk-requester-2", ROLES.REQUESTER);
    const market = r2.addressOf("WorkMarket");
    await r2.deposit(rId, 1_000n * E18);
    await p2.deposit(pId, 1_000n * E18);
    for (const c of [p2, r2]) {
      assert.equal(await c.balanceOf("ComputeToken"), 4_000n * E18, "the deposit left the wallet");
      assert.equal(await c.read("ComputeToken", "allowance", [c.address, market]), 0n, "without an allowance");
    }
    assert.equal(await r2.credits(rId), 1_000n * E18);
    // a fill paid from both credits: no transferFrom (there is no allowance), the wallets unchanged
    const now = (await r2.public.getBlock()).timestamp;
    const q = { providerAgentId: pId, resourceKind: resourceKind("sha256"), units: 2n, unitPrice: 60n * E18, expiry: now + 3_600n, nonce: 1n, requester: 0n, deliveryPeriod: 86_400n };
    const jobId = await r2.write("WorkMarket", "fillQuote", [q, await p2.signQuote(q), rId, resourceKind("spec")]);
    assert.ok(jobId.result > 0n);
    const lock = (await r2.read("WorkMarket", "requesterLock", [120n * E18])) as bigint;
    assert.equal(await r2.credits(rId), 1_000n * E18 - lock, "the requester's lock came from its credit");
    assert.ok((await p2.credits(pId)) < 1_000n * E18, "the provider's deposit from its own");
    for (const c of [p2, r2]) assert.equal(await c.balanceOf("ComputeToken"), 4_000n * E18);
    // the same authorisation twice, and a deposit for an agent the wallet does not act for: named errors
    const a = await signDepositAuthorization(r2.account, { chainId: r2.deployments.chainId, computeToken: r2.addressOf("ComputeToken"), workMarket: market, amount: E18, validBefore: now + 3_600n });
    await r2.write("WorkMarket", "depositWithAuthorization", [rId, E18, a.nonce, a.auth]);
    await assert.rejects(r2.write("WorkMarket", "depositWithAuthorization", [rId, E18, a.nonce, a.auth]), (e: unknown) => e instanceof UbcContractError && e.errorName === "AuthorizationAlreadyUsed");
    await assert.rejects(r2.deposit(pId, E18), (e: unknown) => e instanceof UbcContractError && e.errorName === "PayerNotAuthorized");
    assert.equal(await r2.credits(rId), 1_001n * E18 - lock);
    // the provider cannot do the job (its spec is nowhere): only it may decline, in the first quarter
    // of the delivery period (a day: 6 hours), and both credits come back whole
    const pBefore = await p2.credits(pId);
    await assert.rejects(r2.decline(jobId.result as bigint), (e: unknown) => e instanceof UbcContractError && e.errorName === "NotAuthorized");
    await p2.decline(jobId.result as bigint);
    assert.equal(await r2.credits(rId), 1_001n * E18, "the requester's lock back");
    assert.equal(await p2.credits(pId), pBefore + (120n * E18 * 200n) / 10_000n, "the provider's deposit back");
    assert.equal(((await r2.read("WorkMarket", "getJob", [jobId.result])) as { status: number }).status, 10, "Declined");
    // another fill, declined too late: the window's end is named in the error
    const q2 = { ...q, nonce: 2n, expiry: now + 86_400n };
    const late = await r2.write("WorkMarket", "fillQuote", [q2, await p2.signQuote(q2), rId, resourceKind("spec 2")]);
    await chain.rpc("evm_increaseTime", [6 * 3_600 + 1]);
    await chain.rpc("evm_mine", []);
    await assert.rejects(p2.decline(late.result as bigint), (e: unknown) => e instanceof UbcContractError && e.errorName === "DeclineWindowOver" && e.args[0] === late.result);
  });

  test("an open job: created, accepted, delivered, finalized and challenged; another cancelled, a third expired", async () => {
    const [p3, r3] = [12, 13].map((i) => new UbcClient({ rpcUrl: chain.url, account: devKey(i), deployments: chain.deployments }));
    for (const c of [p3, r3]) await (await chain.contract("ComputeToken").transfer(c.address, 5_000n * E18)).wait();
    const pId = await p3.registerAgent("ipfs://sdk-provider-3", ROLES.PROVIDER);
    const rId = await r3.registerAgent("ipfs://sdk-requester-3", ROLES.REQUESTER);
    const status = async (id: bigint) => Number(((await r3.read("WorkMarket", "getJob", [id])) as { status: number }).status);
    const now = (await r3.public.getBlock()).timestamp;
    const request = { requesterAgentId: rId, providerAgentId: 0n, value: 200n * E18, specHash: resourceKind("an open job's spec"), acceptDeadline: now + 3_600n, deliveryPeriod: 86_400n };
    await assert.rejects(r3.createJob({ ...request, value: E18 }), (e: unknown) => e instanceof UbcContractError && e.errorName === "ValueTooSmall");
    const lock = (await r3.read("WorkMarket", "requesterLock", [request.value])) as bigint;
    const jobId = await r3.createJob(request);
    assert.equal(await status(jobId), 1, "Open");
    assert.equal(await r3.balanceOf("ComputeToken"), 5_000n * E18 - lock, "the lock came from the wallet (the allowance made first)");
    // the requester's own agent may not take it; the provider's may
    await assert.rejects(r3.accept(jobId, rId), (e: unknown) => e instanceof UbcContractError && e.errorName === "SameAgent");
    await p3.accept(jobId, pId);
    assert.equal(await status(jobId), 2, "Accepted");
    assert.equal(await p3.balanceOf("ComputeToken"), 5_000n * E18 - (request.value * 200n) / 10_000n, "the provider's 2% deposit");
    await p3.submit(jobId, resourceKind("the open job's result"), "ipfs://open-result");
    // the committee is drawn from the block after the submission's: not in the same one
    await assert.rejects(p3.drawCommittee(jobId), (e: unknown) => e instanceof UbcContractError && e.errorName === "SeedNotReady" && e.args[0] === jobId);
    // no committee voted by the validation deadline: finalizing accepts the work (no rejection)
    await assert.rejects(r3.finalize(jobId), (e: unknown) => e instanceof UbcContractError && e.errorName === "DeadlineNotReached");
    const [validation] = (await r3.read("WorkMarket", "periods")) as readonly number[];
    await chain.rpc("evm_increaseTime", [Number(validation) + 1]);
    await chain.rpc("evm_mine", []);
    await r3.finalize(jobId);
    assert.equal(await status(jobId), 4, "Validated");
    // the requester, on the losing side of that verdict, challenges it (its deposit is its bond)
    await assert.rejects(p3.challenge(jobId, pId), (e: unknown) => e instanceof UbcContractError && e.errorName === "NotAParty");
    await r3.challenge(jobId, rId);
    assert.equal(await status(jobId), 5, "Disputed");

    // a second open job, cancelled by its requester before anyone accepts it: the whole lock back to its credit
    const now2 = (await r3.public.getBlock()).timestamp;
    const second = await r3.createJob({ ...request, specHash: resourceKind("second"), acceptDeadline: now2 + 3_600n });
    await assert.rejects(p3.cancel(second), (e: unknown) => e instanceof UbcContractError && e.errorName === "NotAuthorized");
    const credit = await r3.credits(rId);
    await r3.cancel(second);
    assert.equal(await status(second), 7, "Cancelled");
    assert.equal(await r3.credits(rId), credit + lock);
    // a third, nobody accepts it: anyone expires it after its accept deadline, the lock back to the requester
    const third = await r3.createJob({ ...request, specHash: resourceKind("third"), acceptDeadline: now2 + 600n });
    await assert.rejects(p3.expire(third), (e: unknown) => e instanceof UbcContractError && e.errorName === "DeadlineNotReached");
    await chain.rpc("evm_increaseTime", [601]);
    await chain.rpc("evm_mine", []);
    await p3.expire(third);
    assert.equal(await status(third), 8, "Expired");
    assert.equal(await r3.credits(rId), credit + lock, "the third job's lock came from the credit and went back to it");
  });

  test("a venture's life: created with the factory, its raise sold out and finalized, revenue deposited, claimed and withdrawn; missteps are named errors", async () => {
    const compute = provider.addressOf("ComputeToken");
    const ubc = provider.addressOf("UBCToken");
    const base = { name: "SDK Souls", symbol: "SDKS", pricePerShare: 5n, raiseDuration: 7 * 86_400, distributionBps: 8_000, revenueTokens: [compute, ubc] as `0x${string}`[] };
    await assert.rejects(provider.createVenture({ ...base, minShares: 2_000n * E18, maxShares: 1_000n * E18 }),
      (e: unknown) => e instanceof UbcContractError && e.errorName === "InvalidRaise" && e.args[0] === 2_000n * E18);
    const venture = await provider.createVenture({ ...base, metadataURI: "ipfs://sdk-souls", minShares: 100n * E18, maxShares: 1_000n * E18 });
    assert.match(venture, /^0x[0-9a-fA-F]{40}$/);
    assert.equal(await chain.contract("VentureFactory").isVenture(venture), true);

    const operatorBefore = await provider.balanceOf("ComputeToken");
    assert.equal(await requester.invest(venture, 1_000n * E18), 5_000n * E18, "1,000 shares at 5 COMPUTE");
    await assert.rejects(requester.invest(venture, E18), (e: unknown) => e instanceof UbcContractError && e.errorName === "CapExceeded");
    await requester.finalizeRaise(venture); // the cap is sold: no need to wait for the deadline
    assert.equal((await provider.balanceOf("ComputeToken")) - operatorBefore, 5_000n * E18, "the raise went to the operator");
    await assert.rejects(requester.refund(venture), (e: unknown) => e instanceof UbcContractError && e.errorName === "RefundUnavailable");

    assert.equal(await provider.depositRevenue(venture, "ComputeToken", 1_000n * E18), 800n * E18, "80% distributed");
    // the only holder gets the distributed 800, less at most one wei of dust (rounding is down: docs/ventures.md)
    const [claimable, claimableUbc] = await requester.claimableRevenue(venture);
    assert.ok(claimable <= 800n * E18 && claimable >= 800n * E18 - 1n, `claimable ${claimable}`);
    assert.equal(claimableUbc, 0n);
    const before = await requester.balanceOf("ComputeToken");
    assert.deepEqual(await requester.claimRevenue(venture), [claimable, 0n]);
    assert.equal((await requester.balanceOf("ComputeToken")) - before, claimable);
    await assert.rejects(requester.claimRevenue(venture), (e: unknown) => e instanceof UbcContractError && e.errorName === "NothingToClaim");
    assert.deepEqual(await provider.withdrawOperatorRevenue(venture), [200n * E18, 0n], "the operator's 20%");
    // anyone may trigger it (it always pays the operator); nothing is left now
    await assert.rejects(requester.withdrawOperatorRevenue(venture), (e: unknown) => e instanceof UbcContractError && e.errorName === "NothingToWithdraw");
  });

  test("a validator's life: the role, the stake (approved first), unbonding, withdrawal; each misstep a named error", async () => {
    const v = new UbcClient({ rpcUrl: chain.url, account: devKey(11), deployments: chain.deployments });
    await (await chain.contract("UBCToken").transfer(v.address, 20_000n * E18)).wait();
    const agentId = await v.registerAgent("ipfs://sdk-validator", ROLES.PROVIDER);
    const [minStake, unbondingDelay] = (await v.read("ValidatorPool", "params")) as readonly [bigint, number];
    await assert.rejects(v.stakeValidator(agentId, minStake), (e: unknown) => e instanceof UbcContractError && e.errorName === "MissingValidatorRole");
    await v.setAgentRoles(agentId, ROLES.PROVIDER | ROLES.VALIDATOR);
    assert.equal(await v.validatorId(), 0n);
    const id = await v.stakeValidator(agentId, minStake);
    assert.ok(id > 0n);
    const state = (await v.read("ValidatorPool", "getValidator", [id])) as { stake: bigint; active: boolean; agentId: number };
    assert.equal(state.stake, minStake);
    assert.equal(state.active, true, "in the committee draw at the minimum stake");
    assert.equal(BigInt(state.agentId), agentId);
    assert.equal(await v.balanceOf("UBCToken"), 20_000n * E18 - minStake);
    await assert.rejects(v.claimFees([1n, 2n]), (e: unknown) => e instanceof UbcContractError && e.errorName === "NothingToClaim");
    await assert.rejects(v.withdrawStake(), (e: unknown) => e instanceof UbcContractError && e.errorName === "NotUnbonding");
    await v.requestUnbond();
    await assert.rejects(v.withdrawStake(), (e: unknown) => e instanceof UbcContractError && e.errorName === "StillBonded");
    await chain.rpc("evm_increaseTime", [Number(unbondingDelay)]);
    await chain.rpc("evm_mine", []);
    assert.equal(await v.withdrawStake(), minStake);
    assert.equal(await v.balanceOf("UBCToken"), 20_000n * E18, "the whole stake back");
  });

  test("a staking position exits once unlocked: principal and the rest of its reward in one transaction", async () => {
    const s = new UbcClient({ rpcUrl: chain.url, account: devKey(12), deployments: chain.deployments });
    await (await chain.contract("UBCToken").transfer(s.address, 5_000n * E18)).wait();
    const [ubcBefore, computeBefore] = [await s.balanceOf("UBCToken"), await s.balanceOf("ComputeToken")];
    const id = await s.stake(0, 5_000n * E18); // the 90-day pool
    await assert.rejects(s.exit(id), (e: unknown) => e instanceof UbcContractError && e.errorName === "StillLocked");
    await chain.rpc("evm_increaseTime", [10 * 86_400]);
    await chain.rpc("evm_mine", []);
    const early = await s.claim(id);
    await chain.rpc("evm_increaseTime", [81 * 86_400]);
    await chain.rpc("evm_mine", []);
    const full = ((await s.read("StakingVault", "getPosition", [id])) as { reward: bigint }).reward;
    const { reward, principal } = await s.exit(id);
    assert.equal(principal, 5_000n * E18);
    assert.equal(early + reward, full, "the early claim and the exit make the whole reward");
    assert.equal(await s.balanceOf("UBCToken"), ubcBefore, "the principal back");
    assert.equal((await s.balanceOf("ComputeToken")) - computeBefore, full, "the whole reward paid, in two payments");
    await assert.rejects(s.exit(id), (e: unknown) => e instanceof UbcContractError && e.errorName === "AlreadyWithdrawn");
  });
});
