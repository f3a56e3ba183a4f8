import { BigInt } from "@graphprotocol/graph-ts";
import { afterEach, assert, beforeEach, clearStore, describe, test } from "matchstick-as/assembly/index";
import { Claimed, PoolAdded, PoolStatusChanged, Staked, Withdrawn } from "../generated/StakingVault/StakingVault";
import { handleClaimed, handlePoolAdded, handlePoolStatusChanged, handleStaked, handleWithdrawn } from "../src/staking";
import { address, ALICE, BOB, boolean, idOf, mockEvent, setTime, uint, units, VAULT } from "./utils";

const DAY90: i32 = 90 * 86400;

function poolAdded(poolId: i32, duration: i32, rate: BigInt): PoolAdded {
  return changetype<PoolAdded>(mockEvent(VAULT, [uint("poolId", BigInt.fromI32(poolId)), uint("duration", BigInt.fromI32(duration)), uint("ratePerDay", rate)]));
}
function staked(positionId: i32, owner: string, poolId: i32, amount: BigInt, reward: BigInt, unlock: i64): Staked {
  return changetype<Staked>(
    mockEvent(VAULT, [
      uint("positionId", BigInt.fromI32(positionId)),
      address("owner", owner),
      uint("poolId", BigInt.fromI32(poolId)),
      uint("amount", amount),
      uint("reward", reward),
      uint("unlockTime", BigInt.fromI64(unlock)),
    ]),
  );
}
function claimed(positionId: i32, owner: string, amount: BigInt): Claimed {
  return changetype<Claimed>(mockEvent(VAULT, [uint("positionId", BigInt.fromI32(positionId)), address("owner", owner), uint("amount", amount)]));
}
function withdrawn(positionId: i32, owner: string, amount: BigInt): Withdrawn {
  return changetype<Withdrawn>(mockEvent(VAULT, [uint("positionId", BigInt.fromI32(positionId)), address("owner", owner), uint("amount", amount)]));
}

describe("StakingVault", () => {
  beforeEach(() => {
    setTime(1700000000);
    handlePoolAdded(poolAdded(0, DAY90, BigInt.fromString("300000000000000000")));
  });

  afterEach(() => {
    clearStore();
  });

  test("PoolAdded opens a pool", () => {
    assert.fieldEquals("StakePool", "0", "poolId", "0");
    assert.fieldEquals("StakePool", "0", "duration", "7776000");
    assert.fieldEquals("StakePool", "0", "ratePerDay", "300000000000000000");
    assert.fieldEquals("StakePool", "0", "open", "true");
    assert.fieldEquals("StakePool", "0", "positionCount", "0");
    assert.entityCount("Protocol", 0);
  });

  test("PoolStatusChanged closes and reopens a pool", () => {
    handlePoolStatusChanged(changetype<PoolStatusChanged>(mockEvent(VAULT, [uint("poolId", BigInt.zero()), boolean("open", false)])));
    assert.fieldEquals("StakePool", "0", "open", "false");
    handlePoolStatusChanged(changetype<PoolStatusChanged>(mockEvent(VAULT, [uint("poolId", BigInt.zero()), boolean("open", true)])));
    assert.fieldEquals("StakePool", "0", "open", "true");
  });

  test(
    "PoolStatusChanged for an unknown pool fails the mapping",
    () => {
      handlePoolStatusChanged(changetype<PoolStatusChanged>(mockEvent(VAULT, [uint("poolId", BigInt.fromI32(9)), boolean("open", false)])));
    },
    true,
  );

  test("Staked opens a position and reserves its reward", () => {
    let e = staked(1, ALICE, 0, units(1000), units(27), 1700000000 + DAY90);
    handleStaked(e);
    assert.fieldEquals("StakePosition", "1", "owner", ALICE);
    assert.fieldEquals("StakePosition", "1", "pool", "0");
    assert.fieldEquals("StakePosition", "1", "amount", "1000000000000000000000");
    assert.fieldEquals("StakePosition", "1", "reward", "27000000000000000000");
    assert.fieldEquals("StakePosition", "1", "claimed", "0");
    assert.fieldEquals("StakePosition", "1", "startTime", "1700000000");
    assert.fieldEquals("StakePosition", "1", "unlockTime", "1707776000");
    assert.fieldEquals("StakePosition", "1", "withdrawn", "false");
    assert.fieldEquals("StakePosition", "1", "withdrawnAt", "null");
    assert.fieldEquals("StakePosition", "1", "transactionHash", e.transaction.hash.toHexString());
    assert.fieldEquals("Account", ALICE, "staked", "1000000000000000000000");
    assert.fieldEquals("Account", ALICE, "positionCount", "1");
    assert.fieldEquals("StakePool", "0", "totalStaked", "1000000000000000000000");
    assert.fieldEquals("StakePool", "0", "rewardsReserved", "27000000000000000000");
    assert.fieldEquals("Protocol", "protocol", "totalStaked", "1000000000000000000000");
    assert.fieldEquals("Protocol", "protocol", "budgetLeft", "6999999973000000000000000000");
    assert.fieldEquals("Protocol", "protocol", "positionCount", "1");
    assert.fieldEquals("DailyStat", "19675", "staked", "1000000000000000000000");
    assert.fieldEquals("DailyStat", "19675", "stakeCount", "1");
    assert.fieldEquals("DailyStat", "19675", "totalStaked", "1000000000000000000000");
  });

  test("Claimed adds to the position, the owner, the protocol and the day", () => {
    handleStaked(staked(1, ALICE, 0, units(1000), units(27), 1700000000 + DAY90));
    handleStaked(staked(2, BOB, 0, units(500), units(13), 1700000000 + DAY90));
    setTime(1700000000 + 86400);
    let e = claimed(1, ALICE, units(3));
    handleClaimed(e);
    assert.fieldEquals("StakePosition", "1", "claimed", "3000000000000000000");
    assert.fieldEquals("Account", ALICE, "rewardsClaimed", "3000000000000000000");
    assert.fieldEquals("Protocol", "protocol", "rewardsClaimed", "3000000000000000000");
    assert.fieldEquals("RewardClaim", idOf(e), "position", "1");
    assert.fieldEquals("RewardClaim", idOf(e), "amount", "3000000000000000000");
    assert.fieldEquals("DailyStat", "19676", "rewardsClaimed", "3000000000000000000");
    assert.fieldEquals("DailyStat", "19676", "totalStaked", "1500000000000000000000");
    assert.fieldEquals("DailyStat", "19675", "stakeCount", "2");
  });

  test("Withdrawn releases the principal", () => {
    handleStaked(staked(1, ALICE, 0, units(1000), units(27), 1700000000 + DAY90));
    setTime(1700000000 + DAY90);
    handleWithdrawn(withdrawn(1, ALICE, units(1000)));
    assert.fieldEquals("StakePosition", "1", "withdrawn", "true");
    assert.fieldEquals("StakePosition", "1", "withdrawnAt", "1707776000");
    assert.fieldEquals("Account", ALICE, "staked", "0");
    assert.fieldEquals("Account", ALICE, "positionCount", "1");
    assert.fieldEquals("StakePool", "0", "totalStaked", "0");
    assert.fieldEquals("StakePool", "0", "rewardsReserved", "27000000000000000000");
    assert.fieldEquals("Protocol", "protocol", "totalStaked", "0");
    assert.fieldEquals("DailyStat", "19765", "withdrawn", "1000000000000000000000");
    assert.fieldEquals("DailyStat", "19765", "totalStaked", "0");
  });
});
