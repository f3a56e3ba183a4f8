import { BigInt } from "@graphprotocol/graph-ts";
import { afterEach, assert, clearStore, describe, test } from "matchstick-as/assembly/index";
import { BurnShareClamped, EpochRolled, IdleEpochsApplied, VolumeRecorded } from "../generated/FeeController/FeeController";
import { Withdrawn } from "../generated/Treasury/Treasury";
import { handleBurnShareClamped, handleEpochRolled, handleIdleEpochsApplied, handleVolumeRecorded, handleWithdrawn } from "../src/economy";
import { address, ALICE, COMPUTE, FEES, idOf, int, mockEvent, str, TREASURY, uint, units } from "./utils";

describe("FeeController", () => {
  afterEach(() => {
    clearStore();
  });

  test("VolumeRecorded opens the epoch with its running volume", () => {
    handleVolumeRecorded(changetype<VolumeRecorded>(mockEvent(FEES, [uint("epoch", BigInt.fromI32(3)), uint("value", units(5)), uint("epochVolume", units(5))])));
    handleVolumeRecorded(changetype<VolumeRecorded>(mockEvent(FEES, [uint("epoch", BigInt.fromI32(3)), uint("value", units(2)), uint("epochVolume", units(7))])));
    assert.fieldEquals("FeeEpoch", "3", "volume", "7000000000000000000");
    assert.fieldEquals("FeeEpoch", "3", "closed", "false");
    assert.fieldEquals("FeeEpoch", "3", "burnShareBps", "null");
  });

  test("EpochRolled closes the epoch and sets the burn share", () => {
    handleVolumeRecorded(changetype<VolumeRecorded>(mockEvent(FEES, [uint("epoch", BigInt.fromI32(3)), uint("value", units(5)), uint("epochVolume", units(5))])));
    handleEpochRolled(changetype<EpochRolled>(mockEvent(FEES, [uint("epoch", BigInt.fromI32(3)), uint("volume", units(9)), int("newBurnShareBps", 5500)])));
    assert.fieldEquals("FeeEpoch", "3", "volume", "9000000000000000000");
    assert.fieldEquals("FeeEpoch", "3", "closed", "true");
    assert.fieldEquals("FeeEpoch", "3", "burnShareBps", "5500");
    assert.fieldEquals("Protocol", "protocol", "burnShareBps", "5500");
  });

  test("IdleEpochsApplied sets the burn share", () => {
    handleIdleEpochsApplied(changetype<IdleEpochsApplied>(mockEvent(FEES, [uint("firstEpoch", BigInt.fromI32(4)), uint("lastEpoch", BigInt.fromI32(6)), int("newBurnShareBps", 4000)])));
    assert.fieldEquals("Protocol", "protocol", "burnShareBps", "4000");
    assert.fieldEquals("Protocol", "protocol", "lastBlock", "0");
  });

  test("BurnShareClamped sets the burn share", () => {
    handleBurnShareClamped(changetype<BurnShareClamped>(mockEvent(FEES, [int("newBurnShareBps", 9000)])));
    assert.fieldEquals("Protocol", "protocol", "burnShareBps", "9000");
  });
});

describe("Treasury", () => {
  test("Withdrawn records the payment and its reason", () => {
    let e = changetype<Withdrawn>(mockEvent(TREASURY, [address("token", COMPUTE), address("to", ALICE), uint("amount", units(12)), str("reason", "grant #1")]));
    handleWithdrawn(e);
    assert.fieldEquals("TreasuryWithdrawal", idOf(e), "token", COMPUTE);
    assert.fieldEquals("TreasuryWithdrawal", idOf(e), "to", ALICE);
    assert.fieldEquals("TreasuryWithdrawal", idOf(e), "amount", "12000000000000000000");
    assert.fieldEquals("TreasuryWithdrawal", idOf(e), "reason", "grant #1");
    clearStore();
  });
});
