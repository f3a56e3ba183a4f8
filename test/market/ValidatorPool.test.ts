// ValidatorPool: staking, committees, attestations, verdicts, disputes, escalation, slashing, fees.
import { expect } from "chai";
import { network } from "hardhat";
import {
  deployMarket, fillJob, submitJob, draw, committeeSigners, validate, now,
  bps, providerDepositOf, bondOf, lockOf, STATUS, FLAG, E18, DAY, VALUE, MIN_STAKE, ROLE, ZeroAddress,
  type MarketFixture,
} from "./WorkMarket.fixture.ts";
import { signAgentWallet } from "../economy/helpers.ts";

const { ethers, networkHelpers } = await network.create();

describe("ValidatorPool", function () {
  let fx: MarketFixture;
  async function fixture() {
    return deployMarket(ethers, 10);
  }
  beforeEach(async function () {
    fx = await networkHelpers.loadFixture(fixture);
  });

  async function newValidator(i: number, roles: number = ROLE.VALIDATOR) {
    const s = fx.signers[i];
    await (await fx.registry.connect(s).register("", roles)).wait();
    const agentId = await fx.registry.agentCount();
    await (await fx.ubc.connect(fx.treasury).transfer(s.address, 100_000n * E18)).wait();
    await (await fx.ubc.connect(s).approve(fx.poolAddr, 2n ** 255n)).wait();
    return { s, agentId };
  }

  describe("staking", function () {
    it("registers, activates at the minimum stake and tops up", async function () {
      expect(await fx.pool.activeCount()).to.equal(10n);
      const { s, agentId } = await newValidator(16);
      await expect(fx.pool.connect(s).stake(agentId, MIN_STAKE - 1n))
        .to.emit(fx.pool, "ValidatorJoined").withArgs(11, s.address, agentId)
        .and.to.emit(fx.pool, "Staked").withArgs(11, MIN_STAKE - 1n, MIN_STAKE - 1n)
        .and.not.to.emit(fx.pool, "Activated");
      await expect(fx.pool.connect(s).stake(agentId, 1n)).to.emit(fx.pool, "Activated").withArgs(11);
      expect(await fx.pool.activeCount()).to.equal(11n);
      expect(await fx.pool.validatorIdOf(s.address)).to.equal(11n);
      const v = await fx.pool.getValidator(11);
      expect(v.stake).to.equal(MIN_STAKE);
      expect(v.active).to.equal(true);
      expect((await fx.pool.activeValidators()).length).to.equal(11);
    });

    it("keeps the active list (16 ids to a storage slot) whole past one slot, through joins and exits", async function () {
      // 10 active from the fixture + 12 fresh wallets = 22: the list spans two slots
      const funder = fx.signers[0];
      const extra: { s: any; agentId: bigint }[] = [];
      for (let i = 0; i < 12; i++) {
        const w = ethers.Wallet.createRandom().connect(ethers.provider);
        await (await funder.sendTransaction({ to: w.address, value: 10n ** 18n })).wait();
        await (await fx.registry.connect(w).register("", ROLE.VALIDATOR)).wait();
        const agentId = await fx.registry.agentCount();
        await (await fx.ubc.connect(fx.treasury).transfer(w.address, MIN_STAKE)).wait();
        await (await fx.ubc.connect(w).approve(fx.poolAddr, MIN_STAKE)).wait();
        await (await fx.pool.connect(w).stake(agentId, MIN_STAKE)).wait();
        extra.push({ s: w, agentId });
      }
      const check = async (expected: Set<bigint>) => {
        const ids = (await fx.pool.activeValidators()).map(BigInt);
        expect(await fx.pool.activeCount()).to.equal(BigInt(expected.size));
        expect(new Set(ids)).to.deep.equal(expected);
        for (let i = 0; i < ids.length; i++) {
          const v = await fx.pool.getValidator(ids[i]);
          expect(v.active).to.equal(true);
          expect(v.activeIndex).to.equal(BigInt(i));
        }
      };
      const expected = new Set<bigint>(Array.from({ length: 22 }, (_, i) => BigInt(i + 1)));
      await check(expected);
      // exits from the first slot, the second, and the last position; the last id moves down
      for (const signer of [fx.vals[0], extra[11].s, extra[3].s, fx.vals[7]]) {
        const id = await fx.pool.validatorIdOf(signer.address);
        await (await fx.pool.connect(signer).requestUnbond()).wait();
        expected.delete(id);
        await check(expected);
      }
      // a rejoin after the unbonding delay takes the last position again
      await networkHelpers.time.increase(8n * DAY);
      const back = fx.vals[0];
      const backId = await fx.pool.validatorIdOf(back.address);
      await (await fx.pool.connect(back).withdrawStake()).wait();
      await (await fx.ubc.connect(back).approve(fx.poolAddr, MIN_STAKE)).wait();
      await (await fx.pool.connect(back).stake((await fx.pool.getValidator(backId)).agentId, MIN_STAKE)).wait();
      expected.add(backId);
      await check(expected);
      expect((await fx.pool.activeValidators()).map(BigInt).at(-1)).to.equal(backId);
      // draws pick from the whole list: every member is active
      const jobId = await fillJob(fx, ethers);
      await submitJob(fx, jobId);
      await networkHelpers.mine(1);
      await (await fx.pool.drawCommittee(jobId)).wait();
      const members = (await fx.pool.committee(jobId)).map(BigInt);
      expect(members.length).to.equal(3);
      for (const m of members) expect(expected.has(m)).to.equal(true);
    });

    it("reverts bad stakes", async function () {
      const { s, agentId } = await newValidator(16);
      await expect(fx.pool.connect(s).stake(agentId, 0)).to.be.revertedWithCustomError(fx.pool, "ZeroAmount");
      await expect(fx.pool.connect(s).stake(fx.REQ, 1)).to.be.revertedWithCustomError(fx.pool, "NotAuthorized").withArgs(fx.REQ, s.address);
      const other = await newValidator(17, ROLE.PROVIDER);
      await expect(fx.pool.connect(other.s).stake(other.agentId, 1)).to.be.revertedWithCustomError(fx.pool, "MissingValidatorRole").withArgs(other.agentId);
      await (await fx.pool.connect(s).stake(agentId, 1)).wait();
      await expect(fx.pool.connect(s).stake(fx.REQ, 1)).to.be.revertedWithCustomError(fx.pool, "NotAuthorized");
      await expect(fx.pool.connect(s).stake(agentId, 2n ** 96n)).to.be.revertedWithCustomError(fx.pool, "StakeTooLarge");
      // One validator per agent: the agent's owner cannot open a second seat from another address.
      await (await fx.registry.connect(s).setAgentRoles(agentId, ROLE.VALIDATOR)).wait();
      const vid = await fx.pool.validatorIdOf(s.address);
      const wallet = fx.signers[18];
      const deadline = (await now(ethers)) + 3600n;
      const sig = await signAgentWallet(ethers, fx.registry, wallet, {
        agentId, owner: s.address, wallet: wallet.address, nonce: await fx.registry.walletNonce(wallet.address), deadline,
      });
      await (await fx.registry.connect(s).setAgentWallet(agentId, wallet.address, deadline, sig)).wait();
      await (await fx.ubc.connect(fx.treasury).transfer(wallet.address, 10n * E18)).wait();
      await (await fx.ubc.connect(wallet).approve(fx.poolAddr, 10n * E18)).wait();
      await expect(fx.pool.connect(wallet).stake(agentId, 1)).to.be.revertedWithCustomError(fx.pool, "AgentAlreadyValidator").withArgs(agentId, vid);
      await (await fx.pool.connect(fx.admin).pause()).wait();
      await expect(fx.pool.connect(s).stake(agentId, 1)).to.be.revertedWithCustomError(fx.pool, "EnforcedPause");
      await (await fx.pool.connect(fx.admin).unpause()).wait();
    });

    it("unbonds after the delay; no top-up while unbonding; can rejoin", async function () {
      const v = fx.vals[0];
      const agentId = fx.valAgent.get(v.address)!;
      await expect(fx.pool.connect(fx.alice).requestUnbond()).to.be.revertedWithCustomError(fx.pool, "UnknownValidator");
      await expect(fx.pool.connect(v).withdrawStake()).to.be.revertedWithCustomError(fx.pool, "NotUnbonding").withArgs(1);
      await expect(fx.pool.connect(v).requestUnbond()).to.emit(fx.pool, "Deactivated").withArgs(1).and.to.emit(fx.pool, "UnbondingStarted");
      expect(await fx.pool.activeCount()).to.equal(9n);
      await expect(fx.pool.connect(v).requestUnbond()).to.be.revertedWithCustomError(fx.pool, "Unbonding").withArgs(1);
      await expect(fx.pool.connect(v).stake(agentId, 1)).to.be.revertedWithCustomError(fx.pool, "Unbonding");
      await expect(fx.pool.connect(v).withdrawStake()).to.be.revertedWithCustomError(fx.pool, "StillBonded");
      await networkHelpers.time.increase(7n * DAY);
      const b0 = await fx.ubc.balanceOf(v.address);
      await expect(fx.pool.connect(v).withdrawStake()).to.emit(fx.pool, "StakeWithdrawn").withArgs(1, v.address, MIN_STAKE);
      expect((await fx.ubc.balanceOf(v.address)) - b0).to.equal(MIN_STAKE);
      await expect(fx.pool.connect(v).stake(agentId, MIN_STAKE)).to.emit(fx.pool, "Activated").withArgs(1);
    });

    it("bounds the parameters", async function () {
      const good = { minStake: MIN_STAKE, unbondingDelay: 7 * 86400, committeeSize: 5, escalationSize: 7, slashBps: 2000 };
      await expect(fx.pool.connect(fx.admin).setParams(good)).to.emit(fx.pool, "ParametersUpdated");
      for (const bad of [
        { ...good, minStake: 0 }, { ...good, unbondingDelay: 3600 }, { ...good, unbondingDelay: 91 * 86400 },
        { ...good, committeeSize: 4 }, { ...good, committeeSize: 0 }, { ...good, escalationSize: 3 }, { ...good, escalationSize: 11 },
        { ...good, slashBps: 5001 },
      ]) {
        await expect(fx.pool.connect(fx.admin).setParams(bad)).to.be.revertedWithCustomError(fx.pool, "BadParameters");
      }
      await expect(fx.pool.connect(fx.alice).setParams(good)).to.be.revertedWithCustomError(fx.pool, "AccessControlUnauthorizedAccount");
      const a = await fx.compute.getAddress();
      await expect(ethers.deployContract("ValidatorPool", [ZeroAddress, a, a, a, a, a])).to.be.revertedWithCustomError(fx.pool, "ZeroAddress");
    });
  });

  describe("committees", function () {
    it("draws a committee from the next block's hash, excluding the parties' agents", async function () {
      const jobId = await fillJob(fx, ethers);
      await expect(fx.pool.drawCommittee(jobId)).to.be.revertedWithCustomError(fx.pool, "WrongJobStatus").withArgs(jobId, STATUS.Accepted);
      await submitJob(fx, jobId);
      const seed = (await fx.market.getJob(jobId)).aux;
      await expect(fx.pool.drawCommittee(jobId)).to.be.revertedWithCustomError(fx.pool, "SeedNotReady").withArgs(jobId, seed);
      await networkHelpers.mine(1);
      await expect(fx.pool.drawCommittee(jobId)).to.emit(fx.pool, "CommitteeDrawn");
      const ids = await fx.pool.committee(jobId);
      expect(ids.length).to.equal(3);
      expect(new Set(ids.map(String)).size).to.equal(3);
      await expect(fx.pool.drawCommittee(jobId)).to.be.revertedWithCustomError(fx.pool, "WrongPhase").withArgs(jobId, 2);
    });

    // A party's agent that also stakes as a validator (under the same agent id) is never drawn
    // for its own job: the draw compares validator ids, and an agent keeps the one id it joined with.
    for (const side of ["provider", "requester"] as const) {
      it(`never puts the ${side}'s own validator agent on the committee`, async function () {
        const [signer, agentId, role] = side === "provider" ? [fx.bob, fx.PROV, ROLE.PROVIDER] : [fx.alice, fx.REQ, ROLE.REQUESTER];
        await (await fx.registry.connect(signer).setAgentRoles(agentId, role | ROLE.VALIDATOR)).wait();
        await (await fx.ubc.connect(fx.treasury).transfer(signer.address, MIN_STAKE)).wait();
        await (await fx.ubc.connect(signer).approve(fx.poolAddr, MIN_STAKE)).wait();
        await (await fx.pool.connect(signer).stake(agentId, MIN_STAKE)).wait();
        const partyId = await fx.pool.validatorIdOf(signer.address);
        // With only the party and two others active, the committee is the two others, every time.
        for (const v of fx.vals.slice(2)) await (await fx.pool.connect(v).requestUnbond()).wait();
        expect(await fx.pool.activeCount()).to.equal(3n);
        for (let round = 0; round < 3; round++) {
          const jobId = await fillJob(fx, ethers);
          await submitJob(fx, jobId);
          await draw(fx, networkHelpers, jobId);
          const ids = (await fx.pool.committee(jobId)).map(BigInt);
          expect(ids).to.not.include(partyId);
          expect(ids.length).to.equal(2);
        }
      });
    }

    it("re-arms the draw when the seed block is older than 256 blocks", async function () {
      const jobId = await fillJob(fx, ethers);
      await submitJob(fx, jobId);
      await networkHelpers.mine(300);
      await expect(fx.pool.drawCommittee(jobId)).to.emit(fx.pool, "CommitteeArmed");
      expect((await fx.pool.getRound(jobId)).phase).to.equal(1n);
      await networkHelpers.mine(1);
      await expect(fx.pool.drawCommittee(jobId)).to.emit(fx.pool, "CommitteeDrawn");
    });

    it("a re-armed first draw is refused once the job has moved on", async function () {
      const jobId = await fillJob(fx, ethers);
      await submitJob(fx, jobId);
      await networkHelpers.mine(300);
      await (await fx.pool.drawCommittee(jobId)).wait(); // re-armed
      await networkHelpers.time.increase(DAY + 1n);
      await (await fx.pool.finalize(jobId)).wait(); // optimistic verdict: Validated
      await expect(fx.pool.drawCommittee(jobId)).to.be.revertedWithCustomError(fx.pool, "WrongPhase");
    });

    it("with no active validator the committee is empty and the result is accepted at the deadline", async function () {
      for (const v of fx.vals) await (await fx.pool.connect(v).requestUnbond()).wait();
      const jobId = await fillJob(fx, ethers);
      await submitJob(fx, jobId);
      await draw(fx, networkHelpers, jobId);
      expect((await fx.pool.committee(jobId)).length).to.equal(0);
      await expect(fx.pool.finalize(jobId)).to.be.revertedWithCustomError(fx.pool, "DeadlineNotReached");
      await networkHelpers.time.increase(DAY + 1n);
      await expect(fx.pool.finalize(jobId)).to.emit(fx.market, "JobValidated").withArgs(jobId, true, false, (await now(ethers)) + 1n + DAY);
      await expect(fx.pool.finalize(jobId)).to.be.revertedWithCustomError(fx.pool, "WrongJobStatus");
    });
  });

  describe("attestations and verdicts", function () {
    it("a quorum of approvals validates; the validation fee goes to the approvers", async function () {
      const jobId = await fillJob(fx, ethers);
      await submitJob(fx, jobId);
      const c = await draw(fx, networkHelpers, jobId);
      await expect(fx.pool.connect(fx.alice).attest(jobId, true)).to.be.revertedWithCustomError(fx.pool, "NotCommitteeMember").withArgs(jobId, fx.alice.address);
      const outsider = fx.vals.find((v) => !c.includes(v))!;
      await expect(fx.pool.connect(outsider).attest(jobId, true)).to.be.revertedWithCustomError(fx.pool, "NotCommitteeMember");
      await expect(fx.pool.connect(c[0]).attest(jobId, true)).to.emit(fx.pool, "Attested");
      await expect(fx.pool.connect(c[0]).attest(jobId, true)).to.be.revertedWithCustomError(fx.pool, "AlreadyAttested");
      await expect(fx.pool.connect(c[1]).attest(jobId, true))
        .to.emit(fx.pool, "RoundDecided").withArgs(jobId, 1, true, false, 2)
        .and.to.emit(fx.market, "JobValidated");
      await expect(fx.pool.connect(c[2]).attest(jobId, true)).to.be.revertedWithCustomError(fx.pool, "WrongPhase").withArgs(jobId, 3);
      await expect(fx.pool.connect(c[0]).claimFees([jobId])).to.be.revertedWithCustomError(fx.pool, "NothingToClaim");
      await networkHelpers.time.increase(DAY + 1n);
      await (await fx.market.settle([jobId])).wait();
      const share = bps(VALUE, 50n) / 2n;
      const [b0, b1, b2] = await Promise.all(c.map((s) => fx.compute.balanceOf(s.address)));
      const [id0, id1] = await Promise.all(c.map((s) => fx.pool.validatorIdOf(s.address)));
      await expect(fx.pool.connect(fx.alice).claimFees([jobId])).to.be.revertedWithCustomError(fx.pool, "UnknownValidator");
      // The first claim pays both approvers (the caller and the other) and clears the job's round.
      expect(await fx.pool.connect(c[0]).claimFees.staticCall([jobId])).to.equal(share, "what the caller itself gets");
      await expect(fx.pool.connect(c[0]).claimFees([jobId]))
        .to.emit(fx.pool, "FeesClaimed").withArgs(id0, jobId, share)
        .and.to.emit(fx.pool, "FeesClaimed").withArgs(id1, jobId, share);
      expect((await fx.compute.balanceOf(c[0].address)) - b0).to.equal(share);
      expect((await fx.compute.balanceOf(c[1].address)) - b1).to.equal(share);
      expect(await fx.compute.balanceOf(c[2].address)).to.equal(b2, "the member that did not vote gets nothing");
      const cleared = await fx.pool.getRound(jobId);
      expect([cleared.members, cleared.approvals, cleared.size, cleared.phase]).to.deep.equal([0n, 0n, 0n, 0n]);
      for (const s of c) await expect(fx.pool.connect(s).claimFees([jobId])).to.be.revertedWithCustomError(fx.pool, "NothingToClaim");
      // The claim pulled the pending fees from the market; the rounding dust stays in the pool.
      expect(await fx.compute.balanceOf(fx.poolAddr)).to.equal(bps(VALUE, 50n) - 2n * share);
    });

    it("a claim of many jobs pays each winner once, summed, and skips jobs paid or not payable", async function () {
      const jobs: bigint[] = [];
      for (let i = 0; i < 3; i++) {
        const jobId = await fillJob(fx, ethers);
        await submitJob(fx, jobId);
        jobs.push(jobId);
      }
      const owed = new Map<string, bigint>();
      const committees: Awaited<ReturnType<typeof draw>>[] = [];
      for (const jobId of jobs) {
        const c = await draw(fx, networkHelpers, jobId);
        committees.push(c);
        for (const s of c.slice(0, 2)) {
          await (await fx.pool.connect(s).attest(jobId, true)).wait();
          owed.set(s.address, (owed.get(s.address) ?? 0n) + bps(VALUE, 50n) / 2n);
        }
      }
      const unsettled = await fillJob(fx, ethers);
      await networkHelpers.time.increase(DAY + 1n);
      await (await fx.market.settle(jobs)).wait();
      const before = new Map<string, bigint>();
      for (const address of owed.keys()) before.set(address, await fx.compute.balanceOf(address));
      const claimer = committees[0][0];
      const receipt = await (await fx.pool.connect(claimer).claimFees([...jobs, unsettled])).wait();
      const claimed = receipt!.logs.filter((l) => l.address === fx.poolAddr).map((l) => fx.pool.interface.parseLog(l)!).filter((e) => e.name === "FeesClaimed");
      expect(claimed.length).to.equal(6, "two approvers for each of three jobs");
      // one COMPUTE transfer per validator paid, whatever the number of its jobs in the batch
      const computeAddr = await fx.compute.getAddress();
      const transfers = receipt!.logs.filter((l) => l.address === computeAddr).map((l) => fx.compute.interface.parseLog(l)!).filter((e) => e.name === "Transfer" && e.args.from === fx.poolAddr);
      expect(transfers.length).to.equal(owed.size);
      for (const [address, amount] of owed) expect((await fx.compute.balanceOf(address)) - before.get(address)!).to.equal(amount);
      await expect(fx.pool.connect(committees[1][0]).claimFees(jobs)).to.be.revertedWithCustomError(fx.pool, "NothingToClaim");
    });

    it("a quorum of rejections rejects the result", async function () {
      const jobId = await fillJob(fx, ethers);
      await validate(fx, networkHelpers, jobId, false);
      const j = await fx.market.getJob(jobId);
      expect(j.status).to.equal(STATUS.Validated);
      expect(Number(j.flags) & FLAG.PRODUCER_WINS).to.equal(0);
      expect(Number(j.flags) & FLAG.VALIDATORS_PAID).to.equal(FLAG.VALIDATORS_PAID);
    });

    it("a partial, unanimous vote decides at the deadline", async function () {
      const jobId = await fillJob(fx, ethers);
      await submitJob(fx, jobId);
      const c = await draw(fx, networkHelpers, jobId);
      await (await fx.pool.connect(c[0]).attest(jobId, false)).wait();
      await networkHelpers.time.increase(DAY + 1n);
      await expect(fx.pool.connect(fx.carol).finalize(jobId)).to.emit(fx.pool, "RoundDecided").withArgs(jobId, 1, false, false, 1);
      const j = await fx.market.getJob(jobId);
      expect(j.status).to.equal(STATUS.Validated);
      expect(Number(j.flags)).to.equal(FLAG.VALIDATORS_PAID);
    });

    it("a requester that never reacts: the producer is still paid", async function () {
      const jobId = await fillJob(fx, ethers);
      await submitJob(fx, jobId);
      await networkHelpers.time.increase(DAY + 1n);
      await (await fx.pool.finalize(jobId)).wait(); // nobody drew or voted
      await networkHelpers.time.increase(DAY + 1n);
      await (await fx.market.settle([jobId])).wait();
      // Producer: value + deposit; the unused validation fee returns to the requester.
      expect(await fx.market.credits(fx.PROV)).to.equal(VALUE + providerDepositOf(VALUE));
      expect(await fx.market.credits(fx.REQ)).to.equal(bps(VALUE, 500n) + bps(VALUE, 50n));
    });

    it("only the market escalates", async function () {
      await expect(fx.pool.escalate(1)).to.be.revertedWithCustomError(fx.pool, "NotMarket");
    });
  });

  describe("disputes", function () {
    async function disagreement() {
      const jobId = await fillJob(fx, ethers);
      await submitJob(fx, jobId);
      const first = await draw(fx, networkHelpers, jobId);
      await (await fx.pool.connect(first[0]).attest(jobId, true)).wait();
      await expect(fx.pool.connect(first[1]).attest(jobId, false))
        .to.emit(fx.market, "JobDisputed").withArgs(jobId, 0, 0, anyId())
        .and.to.emit(fx.pool, "CommitteeArmed");
      expect((await fx.market.getJob(jobId)).status).to.equal(STATUS.Disputed);
      const esc = await draw(fx, networkHelpers, jobId);
      return { jobId, first, esc };
    }

    it("a disagreement goes to an escalation committee without the first members; losers are slashed", async function () {
      const { jobId, first, esc } = await disagreement();
      expect(esc.length).to.equal(5);
      for (const v of esc) expect(first.map((s) => s.address)).to.not.include(v.address);
      await expect(fx.pool.connect(first[2]).attest(jobId, true)).to.be.revertedWithCustomError(fx.pool, "NotCommitteeMember");
      await (await fx.pool.connect(esc[0]).attest(jobId, true)).wait();
      await (await fx.pool.connect(esc[1]).attest(jobId, false)).wait(); // minority
      await (await fx.pool.connect(esc[2]).attest(jobId, true)).wait();
      const t0 = await fx.ubc.balanceOf(fx.treasury.address);
      const slash = bps(MIN_STAKE, 1_000n);
      await expect(fx.pool.connect(esc[3]).attest(jobId, true))
        .to.emit(fx.pool, "RoundDecided").withArgs(jobId, 2, true, false, 3)
        .and.to.emit(fx.pool, "Slashed")
        .and.to.emit(fx.market, "JobResolved").withArgs(jobId, true, false, true);
      // Slashed: esc[1] and first[1] (both voted reject); they drop below the minimum and leave.
      expect((await fx.ubc.balanceOf(fx.treasury.address)) - t0).to.equal(2n * slash);
      for (const loser of [esc[1], first[1]]) {
        const v = await fx.pool.getValidator(await fx.pool.validatorIdOf(loser.address));
        expect(v.stake).to.equal(MIN_STAKE - slash);
        expect(v.active).to.equal(false);
      }
      expect((await fx.pool.getValidator(await fx.pool.validatorIdOf(first[0].address))).stake).to.equal(MIN_STAKE);
      await expect(fx.pool.connect(esc[4]).attest(jobId, true)).to.be.revertedWithCustomError(fx.pool, "WrongPhase");
      // Resolved jobs settle at once; the escalation winners share the validation fee.
      await (await fx.market.settle([jobId])).wait();
      await expect(fx.pool.connect(esc[0]).claimFees([jobId])).to.emit(fx.pool, "FeesClaimed").withArgs(anyId(), jobId, bps(VALUE, 50n) / 3n);
      await expect(fx.pool.connect(first[0]).claimFees([jobId])).to.be.revertedWithCustomError(fx.pool, "NothingToClaim");
      // paid: both rounds of the job are cleared
      expect((await fx.pool.getRound(jobId)).size).to.equal(0n);
      expect((await fx.pool.getFirstRound(jobId)).size).to.equal(0n);
    });

    it("a dispute without a majority by its deadline refunds everyone (no fault)", async function () {
      const { jobId, esc } = await disagreement();
      await (await fx.pool.connect(esc[0]).attest(jobId, true)).wait();
      await (await fx.pool.connect(esc[1]).attest(jobId, false)).wait();
      await expect(fx.pool.finalize(jobId)).to.be.revertedWithCustomError(fx.pool, "DeadlineNotReached");
      await networkHelpers.time.increase(2n * DAY + 1n);
      await expect(fx.pool.finalize(jobId)).to.emit(fx.market, "JobResolved").withArgs(jobId, false, true, false);
      await (await fx.market.settle([jobId])).wait();
      expect(await fx.market.credits(fx.REQ)).to.equal(lockOf(VALUE));
      expect(await fx.market.credits(fx.PROV)).to.equal(providerDepositOf(VALUE));
    });

    it("a dispute decided by the votes cast at its deadline", async function () {
      const { jobId, first, esc } = await disagreement();
      await (await fx.pool.connect(esc[0]).attest(jobId, false)).wait();
      await networkHelpers.time.increase(2n * DAY + 1n);
      await expect(fx.pool.finalize(jobId)).to.emit(fx.market, "JobResolved").withArgs(jobId, false, false, true);
      // first[0] approved and lost.
      expect((await fx.pool.getValidator(await fx.pool.validatorIdOf(first[0].address))).stake).to.equal(MIN_STAKE - bps(MIN_STAKE, 1_000n));
      expect((await fx.pool.getFirstRound(jobId)).kind).to.equal(1n);
    });

    it("the requester challenges a validated result and loses its deposit", async function () {
      const jobId = await fillJob(fx, ethers);
      const first = await validate(fx, networkHelpers, jobId, true);
      await expect(fx.market.connect(fx.bob).challenge(jobId, fx.PROV)).to.be.revertedWithCustomError(fx.market, "NotAParty").withArgs(jobId, fx.PROV);
      await expect(fx.market.connect(fx.bob).challenge(jobId, fx.REQ)).to.be.revertedWithCustomError(fx.market, "NotAuthorized");
      await expect(fx.market.connect(fx.alice).challenge(jobId, fx.REQ)).to.emit(fx.market, "JobDisputed").withArgs(jobId, fx.REQ, 0, anyId());
      await expect(fx.market.connect(fx.alice).challenge(jobId, fx.REQ)).to.be.revertedWithCustomError(fx.market, "WrongStatus");
      const esc = await draw(fx, networkHelpers, jobId);
      for (const v of esc) expect(first.map((s) => s.address)).to.not.include(v.address);
      for (const v of esc.slice(0, 3)) await (await fx.pool.connect(v).attest(jobId, true)).wait();
      expect((await fx.market.getJob(jobId)).status).to.equal(STATUS.Resolved);
      const rd = bps(VALUE, 500n);
      await expect(fx.market.settle([jobId])).to.emit(fx.market, "Burned").withArgs(jobId, rd / 2n, 2);
      expect(await fx.market.credits(fx.REQ)).to.equal(0n);
      expect(await fx.market.credits(fx.PROV)).to.equal(VALUE + providerDepositOf(VALUE) + rd - rd / 2n);
    });

    it("the producer challenges a rejection with a bond and wins; the first committee is slashed", async function () {
      const jobId = await fillJob(fx, ethers);
      const first = await validate(fx, networkHelpers, jobId, false);
      const b0 = await fx.compute.balanceOf(fx.bob.address);
      await expect(fx.market.connect(fx.bob).challenge(jobId, fx.PROV)).to.emit(fx.market, "JobDisputed").withArgs(jobId, fx.PROV, bondOf(VALUE), anyId());
      expect(b0 - (await fx.compute.balanceOf(fx.bob.address))).to.equal(bondOf(VALUE));
      const esc = await draw(fx, networkHelpers, jobId);
      for (const v of esc.slice(0, 3)) await (await fx.pool.connect(v).attest(jobId, true)).wait();
      for (const loser of first.slice(0, 2)) {
        expect((await fx.pool.getValidator(await fx.pool.validatorIdOf(loser.address))).stake).to.equal(MIN_STAKE - bps(MIN_STAKE, 1_000n));
      }
      await (await fx.market.settle([jobId])).wait();
      expect(await fx.market.credits(fx.PROV)).to.equal(VALUE + providerDepositOf(VALUE) + bondOf(VALUE));
      expect(await fx.market.credits(fx.REQ)).to.equal(bps(VALUE, 500n));
    });

    it("the producer challenges and loses its bond and deposit", async function () {
      const jobId = await fillJob(fx, ethers);
      await validate(fx, networkHelpers, jobId, false);
      await (await fx.market.connect(fx.bob).challenge(jobId, fx.PROV)).wait();
      const esc = await draw(fx, networkHelpers, jobId);
      for (const v of esc.slice(0, 3)) await (await fx.pool.connect(v).attest(jobId, false)).wait();
      const pd = providerDepositOf(VALUE);
      const bond = bondOf(VALUE);
      await expect(fx.market.settle([jobId])).to.emit(fx.market, "Burned").withArgs(jobId, bond / 2n, 3);
      expect(await fx.market.credits(fx.PROV)).to.equal(0n);
      expect(await fx.market.credits(fx.REQ)).to.equal(lockOf(VALUE) - bps(VALUE, 50n) + pd - pd / 2n + bond - bond / 2n);
    });

    it("a challenge that wins no majority by the dispute deadline leaves the verdict standing", async function () {
      const jobId = await fillJob(fx, ethers);
      await validate(fx, networkHelpers, jobId, true);
      await (await fx.market.connect(fx.alice).challenge(jobId, fx.REQ)).wait();
      const esc = await draw(fx, networkHelpers, jobId);
      await (await fx.pool.connect(esc[0]).attest(jobId, true)).wait();
      await (await fx.pool.connect(esc[1]).attest(jobId, false)).wait();
      await networkHelpers.time.increase(2n * DAY + 1n);
      await expect(fx.pool.finalize(jobId))
        .to.emit(fx.pool, "RoundDecided").withArgs(jobId, 2, true, false, 0)
        .and.to.emit(fx.market, "JobResolved").withArgs(jobId, true, false, false);
      for (const v of esc.slice(0, 2)) {
        expect((await fx.pool.getValidator(await fx.pool.validatorIdOf(v.address))).stake).to.equal(MIN_STAKE);
      }
      await (await fx.market.settle([jobId])).wait();
      const rd = bps(VALUE, 500n);
      // The producer is paid; the challenger's deposit is slashed; the unearned fee goes back.
      expect(await fx.market.credits(fx.PROV)).to.equal(VALUE + providerDepositOf(VALUE) + rd - rd / 2n);
      expect(await fx.market.credits(fx.REQ)).to.equal(bps(VALUE, 50n));
    });

    it("cannot challenge after the challenge deadline", async function () {
      const jobId = await fillJob(fx, ethers);
      await validate(fx, networkHelpers, jobId, true);
      await networkHelpers.time.increase(DAY + 1n);
      await expect(fx.market.connect(fx.alice).challenge(jobId, fx.REQ)).to.be.revertedWithCustomError(fx.market, "DeadlinePassed");
    });

    it("an escalation draw is re-armed when its seed is too old and rejected in the wrong status", async function () {
      const jobId = await fillJob(fx, ethers);
      await validate(fx, networkHelpers, jobId, true);
      await (await fx.market.connect(fx.alice).challenge(jobId, fx.REQ)).wait();
      await networkHelpers.mine(300);
      await expect(fx.pool.drawCommittee(jobId)).to.emit(fx.pool, "CommitteeArmed");
      await networkHelpers.time.increase(2n * DAY + 1n);
      await (await fx.pool.finalize(jobId)).wait(); // no escalation votes: no fault
      await expect(fx.pool.drawCommittee(jobId)).to.be.revertedWithCustomError(fx.pool, "WrongPhase");
    });
  });
});

function anyId() {
  return (x: unknown) => typeof x === "bigint";
}
