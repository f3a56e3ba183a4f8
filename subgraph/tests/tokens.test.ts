import { Address, BigInt, DataSourceContext } from "@graphprotocol/graph-ts";
import { afterEach, assert, beforeAll, clearStore, dataSourceMock, describe, test } from "matchstick-as/assembly/index";
import { DelegateChanged, DelegateVotesChanged, Transfer as UBCTransfer } from "../generated/UBCToken/UBCToken";
import { AuthorizationCanceled, AuthorizationUsed, Transfer as ComputeTransfer } from "../generated/ComputeToken/ComputeToken";
import {
  handleAuthorizationCanceled,
  handleAuthorizationUsed,
  handleComputeTokenTransfer,
  handleDelegateChanged,
  handleDelegateVotesChanged,
  handleUBCTokenTransfer,
} from "../src/tokens";
import { address, ALICE, BOB, bytes32, COMPUTE, idOf, mockEvent, setTime, UBC, uint, units, VAULT, ZERO } from "./utils";

function ubcTransfer(from: string, to: string, value: BigInt): UBCTransfer {
  return changetype<UBCTransfer>(mockEvent(UBC, [address("from", from), address("to", to), uint("value", value)]));
}
function computeTransfer(from: string, to: string, value: BigInt): ComputeTransfer {
  return changetype<ComputeTransfer>(mockEvent(COMPUTE, [address("from", from), address("to", to), uint("value", value)]));
}

describe("UBCToken", () => {
  afterEach(() => {
    clearStore();
  });

  test("Transfer: a mint creates the token, the holder and the day", () => {
    let e = ubcTransfer(ZERO, ALICE, units(1000));
    handleUBCTokenTransfer(e);
    assert.fieldEquals("Token", UBC, "symbol", "UBC");
    assert.fieldEquals("Token", UBC, "totalSupply", "1000000000000000000000");
    assert.fieldEquals("Token", UBC, "totalMinted", "1000000000000000000000");
    assert.fieldEquals("Token", UBC, "holderCount", "1");
    assert.fieldEquals("Account", ALICE, "ubcBalance", "1000000000000000000000");
    assert.fieldEquals("Account", ZERO, "ubcBalance", "0");
    assert.fieldEquals("Protocol", "protocol", "ubcTotalSupply", "1000000000000000000000");
    assert.fieldEquals("Protocol", "protocol", "accountCount", "1");
    assert.fieldEquals("Protocol", "protocol", "transferCount", "1");
    assert.fieldEquals("TokenTransfer", idOf(e), "value", "1000000000000000000000");
    assert.fieldEquals("TokenTransfer", idOf(e), "from", ZERO);
    assert.fieldEquals("DailyStat", "19675", "ubcTransferVolume", "1000000000000000000000");
    assert.fieldEquals("DailyStat", "19675", "date", "1699920000");
    assert.entityCount("Burn", 0);
  });

  test("Transfer: moving a whole balance moves the holder", () => {
    handleUBCTokenTransfer(ubcTransfer(ZERO, ALICE, units(5)));
    handleUBCTokenTransfer(ubcTransfer(ALICE, BOB, units(5)));
    assert.fieldEquals("Account", ALICE, "ubcBalance", "0");
    assert.fieldEquals("Account", BOB, "ubcBalance", "5000000000000000000");
    assert.fieldEquals("Token", UBC, "holderCount", "1");
    assert.fieldEquals("Token", UBC, "transferCount", "2");
    assert.fieldEquals("Protocol", "protocol", "accountCount", "2");
    assert.fieldEquals("DailyStat", "19675", "transferCount", "2");
  });

  test("Transfer to oneself changes nothing but the counters", () => {
    handleUBCTokenTransfer(ubcTransfer(ZERO, ALICE, units(3)));
    handleUBCTokenTransfer(ubcTransfer(ALICE, ALICE, units(3)));
    assert.fieldEquals("Account", ALICE, "ubcBalance", "3000000000000000000");
    assert.fieldEquals("Token", UBC, "holderCount", "1");
    assert.fieldEquals("Token", UBC, "transferCount", "2");
  });

  test("DelegateChanged sets and clears the delegate", () => {
    handleDelegateChanged(changetype<DelegateChanged>(mockEvent(UBC, [address("delegator", ALICE), address("fromDelegate", ZERO), address("toDelegate", BOB)])));
    assert.fieldEquals("Account", ALICE, "delegate", BOB);
    assert.fieldEquals("Protocol", "protocol", "accountCount", "1");
    handleDelegateChanged(changetype<DelegateChanged>(mockEvent(UBC, [address("delegator", ALICE), address("fromDelegate", BOB), address("toDelegate", ZERO)])));
    assert.fieldEquals("Account", ALICE, "delegate", "null");
  });

  test("DelegateVotesChanged sets the votes", () => {
    let e = changetype<DelegateVotesChanged>(mockEvent(UBC, [address("delegate", BOB), uint("previousVotes", BigInt.zero()), uint("newVotes", units(7))]));
    handleDelegateVotesChanged(e);
    assert.fieldEquals("Account", BOB, "votes", "7000000000000000000");
    assert.fieldEquals("Account", BOB, "firstSeenBlock", e.block.number.toString());
  });
});

describe("ComputeToken", () => {
  beforeAll(() => {
    // The manifest gives ComputeToken the deployed contracts by address (for Burn.source).
    let context = new DataSourceContext();
    context.setString(VAULT, "StakingVault");
    dataSourceMock.setReturnValues(COMPUTE, "localhost", context);
  });

  afterEach(() => {
    clearStore();
  });

  test("Transfer: mint, transfer and burn keep supply, minted, burned and the day", () => {
    setTime(1700000000);
    handleComputeTokenTransfer(computeTransfer(ZERO, ALICE, units(10)));
    handleComputeTokenTransfer(computeTransfer(ALICE, BOB, units(4)));
    let burn = computeTransfer(BOB, ZERO, units(1));
    handleComputeTokenTransfer(burn);
    assert.fieldEquals("Token", COMPUTE, "totalSupply", "9000000000000000000");
    assert.fieldEquals("Token", COMPUTE, "totalMinted", "10000000000000000000");
    assert.fieldEquals("Token", COMPUTE, "totalBurned", "1000000000000000000");
    assert.fieldEquals("Token", COMPUTE, "holderCount", "2");
    assert.fieldEquals("Protocol", "protocol", "computeTotalSupply", "9000000000000000000");
    assert.fieldEquals("Protocol", "protocol", "computeTotalBurned", "1000000000000000000");
    assert.fieldEquals("Account", BOB, "computeBurned", "1000000000000000000");
    assert.fieldEquals("Burn", idOf(burn), "source", "holder");
    assert.fieldEquals("Burn", idOf(burn), "amount", "1000000000000000000");
    assert.fieldEquals("DailyStat", "19675", "computeMinted", "10000000000000000000");
    assert.fieldEquals("DailyStat", "19675", "computeBurned", "1000000000000000000");
    assert.fieldEquals("DailyStat", "19675", "computeTransferVolume", "15000000000000000000");
    assert.fieldEquals("DailyStat", "19675", "computeTotalSupply", "9000000000000000000");
  });

  test("Transfer: a burn by a deployed contract names it; a new day starts from the totals", () => {
    setTime(1700000000);
    handleComputeTokenTransfer(computeTransfer(ZERO, VAULT, units(2)));
    setTime(1700000000 + 86400);
    let burn = computeTransfer(VAULT, ZERO, units(2));
    handleComputeTokenTransfer(burn);
    assert.fieldEquals("Burn", idOf(burn), "source", "StakingVault");
    assert.fieldEquals("DailyStat", "19676", "computeMinted", "0");
    assert.fieldEquals("DailyStat", "19676", "computeBurned", "2000000000000000000");
    assert.fieldEquals("DailyStat", "19676", "computeTotalSupply", "0");
    assert.fieldEquals("DailyStat", "19675", "computeTotalSupply", "2000000000000000000");
    assert.fieldEquals("Token", COMPUTE, "holderCount", "0");
    setTime(1700000000);
  });

  test("AuthorizationUsed records the authorisation", () => {
    let nonce = "0x" + "01".repeat(32);
    let e = changetype<AuthorizationUsed>(mockEvent(COMPUTE, [address("authorizer", ALICE), bytes32("nonce", nonce)]));
    handleAuthorizationUsed(e);
    assert.fieldEquals("Authorization", idOf(e), "state", "used");
    assert.fieldEquals("Authorization", idOf(e), "nonce", nonce);
    assert.fieldEquals("Authorization", idOf(e), "authorizer", ALICE);
    assert.fieldEquals("Account", ALICE, "computeBalance", "0");
  });

  test("AuthorizationCanceled records the cancellation", () => {
    let e = changetype<AuthorizationCanceled>(mockEvent(COMPUTE, [address("authorizer", BOB), bytes32("nonce", "0x" + "02".repeat(32))]));
    handleAuthorizationCanceled(e);
    assert.fieldEquals("Authorization", idOf(e), "state", "canceled");
    assert.entityCount("Authorization", 1);
  });
});
