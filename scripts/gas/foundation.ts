// Gas scenario for the foundation: tokens and staking vault.
import type { NetworkConnection } from "hardhat/types/network";
import { Signature, hexlify, randomBytes } from "ethers";
import type { GasRecorder } from "./lib.ts";
import { deployFoundation, fundUbc, E18, DAY } from "../../test/helpers/foundation.ts";
import { TRANSFER_WITH_AUTHORIZATION_TYPES } from "../../agents/src/generated/eip712.ts";

export async function measure(conn: NetworkConnection<"generic">, rec: GasRecorder): Promise<void> {
  const { ethers, networkHelpers } = conn;
  const f = await deployFoundation(ethers);
  const { ubc, compute, vault, alice, bob, treasury } = f;
  await fundUbc(f, [alice, bob], 1_000_000n * E18);
  const vaultAddr = await vault.getAddress();
  await (await ubc.connect(alice).approve(vaultAddr, 1_000_000n * E18)).wait();
  await (await ubc.connect(bob).approve(vaultAddr, 1_000_000n * E18)).wait();
  // Bob stakes first so that the vault already holds UBC: the scenario is a typical later stake.
  await (await vault.connect(bob).stake(0, 10_000n * E18)).wait();

  await rec.record("StakingVault.stake", vault.connect(alice).stake(2, 10_000n * E18));
  await rec.record("StakingVault.stake second position", vault.connect(alice).stake(0, 5_000n * E18));
  await networkHelpers.time.increase(30n * DAY);
  await rec.record("StakingVault.claim first claim", vault.connect(alice).claim(1 + 1));
  await networkHelpers.time.increase(30n * DAY);
  await rec.record("StakingVault.claim", vault.connect(alice).claim(2));
  await rec.record("StakingVault.claimMany two positions", vault.connect(alice).claimMany([2, 3]));
  await networkHelpers.time.increase(90n * DAY);
  await rec.record("StakingVault.withdraw", vault.connect(alice).withdraw(3));
  await rec.record("StakingVault.exit", vault.connect(bob).exit(1));

  // UBC permit + stake in one transaction.
  const deadline = BigInt(await networkHelpers.time.latest()) + 3600n;
  const domain = { name: "UBC", version: "1", chainId: (await ethers.provider.getNetwork()).chainId, verifyingContract: await ubc.getAddress() };
  const permitTypes = { Permit: [
    { name: "owner", type: "address" }, { name: "spender", type: "address" }, { name: "value", type: "uint256" },
    { name: "nonce", type: "uint256" }, { name: "deadline", type: "uint256" },
  ] };
  const sig = Signature.from(await bob.signTypedData(domain, permitTypes, {
    owner: bob.address, spender: vaultAddr, value: 1_000n * E18, nonce: await ubc.nonces(bob.address), deadline,
  }));
  await rec.record("StakingVault.stakeWithPermit", vault.connect(bob).stakeWithPermit(1, 1_000n * E18, deadline, sig.v, sig.r, sig.s));

  // COMPUTE: EIP-3009 transfer to an account that already holds COMPUTE, relayed by a third party.
  await (await compute.connect(treasury).transfer(alice.address, 1_000n * E18)).wait();
  const cDomain = { name: "COMPUTE", version: "1", chainId: domain.chainId, verifyingContract: await compute.getAddress() };
  const authTypes = { TransferWithAuthorization: [...TRANSFER_WITH_AUTHORIZATION_TYPES.TransferWithAuthorization] };
  const auth = { from: alice.address, to: bob.address, value: 100n * E18, validAfter: 0n, validBefore: deadline, nonce: hexlify(randomBytes(32)) };
  const a = Signature.from(await alice.signTypedData(cDomain, authTypes, auth));
  await rec.record(
    "ComputeToken.transferWithAuthorization",
    compute.connect(treasury)["transferWithAuthorization(address,address,uint256,uint256,uint256,bytes32,uint8,bytes32,bytes32)"](
      auth.from, auth.to, auth.value, auth.validAfter, auth.validBefore, auth.nonce, a.v, a.r, a.s),
  );
  await rec.record("ComputeToken.transfer", compute.connect(alice).transfer(bob.address, 10n * E18));
  await rec.record("ComputeToken.burn", compute.connect(alice).burn(10n * E18));
  await rec.record("UBCToken.transfer", ubc.connect(alice).transfer(bob.address, 10n * E18));
  await rec.record("UBCToken.delegate", ubc.connect(alice).delegate(alice.address));
}
