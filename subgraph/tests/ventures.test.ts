import { Address, BigInt, ethereum } from "@graphprotocol/graph-ts";
import { afterEach, assert, beforeEach, clearStore, describe, test } from "matchstick-as/assembly/index";
import { VentureCreated } from "../generated/VentureFactory/VentureFactory";
import {
  Invested,
  OperatorRevenueWithdrawn,
  OperatorTransferred,
  OperatorTransferStarted,
  RaiseCancelled,
  RaiseFailed,
  RaiseSucceeded,
  Refunded,
  RevenueClaimed,
  RevenueDeposited,
  Transfer,
} from "../generated/templates/Venture/Venture";
import {
  handleInvested,
  handleOperatorRevenueWithdrawn,
  handleOperatorTransferred,
  handleOperatorTransferStarted,
  handleRaiseCancelled,
  handleRaiseFailed,
  handleRaiseSucceeded,
  handleRefunded,
  handleRevenueClaimed,
  handleRevenueDeposited,
  handleTransfer,
  handleVentureCreated,
} from "../src/ventures";
import { address, ALICE, BOB, CAROL, COMPUTE, FACTORY, idOf, mockEvent, UBC, uint, uints, units, VENTURE, ZERO } from "./utils";

function holding(holder: string): string {
  return VENTURE + holder.slice(2);
}

function created(): VentureCreated {
  let params = new ethereum.Tuple();
  params.push(ethereum.Value.fromAddress(Address.fromString(ALICE))); // operator
  params.push(ethereum.Value.fromUnsignedBigInt(BigInt.fromI32(7))); // operatorAgentId
  params.push(ethereum.Value.fromString("Swarm Band"));
  params.push(ethereum.Value.fromString("BAND"));
  params.push(ethereum.Value.fromString("ipfs://band"));
  params.push(ethereum.Value.fromUnsignedBigInt(BigInt.fromI32(2))); // pricePerShare
  params.push(ethereum.Value.fromUnsignedBigInt(units(100))); // minShares
  params.push(ethereum.Value.fromUnsignedBigInt(units(1000))); // maxShares
  params.push(ethereum.Value.fromUnsignedBigInt(BigInt.fromI32(604800))); // raiseDuration
  params.push(ethereum.Value.fromUnsignedBigInt(BigInt.fromI32(8000))); // distributionBps
  params.push(ethereum.Value.fromUnsignedBigInt(BigInt.fromI32(1000))); // performanceFeeBps
  params.push(ethereum.Value.fromUnsignedBigInt(BigInt.fromI32(2592000))); // performancePeriod
  params.push(ethereum.Value.fromAddressArray([Address.fromString(COMPUTE), Address.fromString(UBC)]));
  params.push(ethereum.Value.fromUnsignedBigIntArray([units(1), BigInt.zero()]));
  return changetype<VentureCreated>(
    mockEvent(FACTORY, [
      address("venture", VENTURE),
      address("operator", ALICE),
      uint("operatorAgentId", BigInt.fromI32(7)),
      address("creator", BOB),
      uint("deadline", BigInt.fromI32(1700604800)),
      new ethereum.EventParam("params", ethereum.Value.fromTuple(params)),
    ]),
  );
}

function transfer(from: string, to: string, value: BigInt): Transfer {
  return changetype<Transfer>(mockEvent(VENTURE, [address("from", from), address("to", to), uint("value", value)]));
}
function invested(investor: string, shares: BigInt, cost: BigInt): Invested {
  return changetype<Invested>(mockEvent(VENTURE, [address("investor", investor), uint("shares", shares), uint("cost", cost)]));
}
/** An investment as the contract emits it: shares minted, then Invested. */
function invest(investor: string, shares: BigInt): Invested {
  handleTransfer(transfer(ZERO, investor, shares));
  let e = invested(investor, shares, shares.times(BigInt.fromI32(2)));
  handleInvested(e);
  return e;
}

describe("VentureFactory", () => {
  afterEach(() => {
    clearStore();
  });

  test("VentureCreated creates the venture and starts its template data source", () => {
    let e = created();
    handleVentureCreated(e);
    assert.fieldEquals("Venture", VENTURE, "name", "Swarm Band");
    assert.fieldEquals("Venture", VENTURE, "symbol", "BAND");
    assert.fieldEquals("Venture", VENTURE, "metadataURI", "ipfs://band");
    assert.fieldEquals("Venture", VENTURE, "operator", ALICE);
    assert.fieldEquals("Venture", VENTURE, "operatorAgentId", "7");
    assert.fieldEquals("Venture", VENTURE, "creator", BOB);
    assert.fieldEquals("Venture", VENTURE, "deadline", "1700604800");
    assert.fieldEquals("Venture", VENTURE, "distributionBps", "8000");
    assert.fieldEquals("Venture", VENTURE, "revenueTokens", "[" + COMPUTE + ", " + UBC + "]");
    assert.fieldEquals("Venture", VENTURE, "hurdles", "[1000000000000000000, 0]");
    assert.fieldEquals("Venture", VENTURE, "revenueDeposited", "[0, 0]");
    assert.fieldEquals("Venture", VENTURE, "status", "open");
    assert.fieldEquals("Venture", VENTURE, "pendingOperator", "null");
    assert.fieldEquals("Venture", VENTURE, "transactionHash", e.transaction.hash.toHexString());
    assert.fieldEquals("Protocol", "protocol", "ventureCount", "1");
    assert.fieldEquals("Protocol", "protocol", "accountCount", "1");
    assert.dataSourceCount("Venture", 1);
    assert.dataSourceExists("Venture", VENTURE);
  });
});

describe("Venture", () => {
  beforeEach(() => {
    handleVentureCreated(created());
  });

  afterEach(() => {
    clearStore();
  });

  test("Transfer mints shares, moves them between holders and counts holders", () => {
    handleTransfer(transfer(ZERO, BOB, units(10)));
    assert.fieldEquals("Venture", VENTURE, "totalShares", "10000000000000000000");
    assert.fieldEquals("Venture", VENTURE, "holderCount", "1");
    assert.fieldEquals("VentureHolding", holding(BOB), "shares", "10000000000000000000");
    assert.fieldEquals("VentureHolding", holding(BOB), "claimed", "[0, 0]");
    handleTransfer(transfer(BOB, CAROL, units(10)));
    assert.fieldEquals("Venture", VENTURE, "holderCount", "1");
    assert.fieldEquals("VentureHolding", holding(BOB), "shares", "0");
    assert.fieldEquals("VentureHolding", holding(CAROL), "shares", "10000000000000000000");
    handleTransfer(transfer(CAROL, ZERO, units(4)));
    assert.fieldEquals("Venture", VENTURE, "totalShares", "6000000000000000000");
    assert.fieldEquals("Protocol", "protocol", "accountCount", "3");
  });

  test("Invested records the investment and the holder's cost", () => {
    let e = invest(BOB, units(100));
    invest(BOB, units(50));
    assert.fieldEquals("VentureInvestment", idOf(e), "investor", BOB);
    assert.fieldEquals("VentureInvestment", idOf(e), "cost", "200000000000000000000");
    assert.fieldEquals("VentureHolding", holding(BOB), "invested", "300000000000000000000");
    assert.fieldEquals("Venture", VENTURE, "investorCount", "1");
    assert.fieldEquals("Venture", VENTURE, "sharesSold", "150000000000000000000");
    assert.fieldEquals("Venture", VENTURE, "raised", "300000000000000000000");
    assert.fieldEquals("Protocol", "protocol", "ventureInvested", "300000000000000000000");
    assert.fieldEquals("DailyStat", "19675", "ventureInvested", "300000000000000000000");
  });

  test("RaiseSucceeded", () => {
    handleRaiseSucceeded(changetype<RaiseSucceeded>(mockEvent(VENTURE, [address("operator", ALICE), uint("shares", units(100)), uint("raised", units(200))])));
    assert.fieldEquals("Venture", VENTURE, "status", "succeeded");
  });

  test("RaiseFailed", () => {
    handleRaiseFailed(changetype<RaiseFailed>(mockEvent(VENTURE, [uint("shares", units(1)), uint("minShares", units(100))])));
    assert.fieldEquals("Venture", VENTURE, "status", "failed");
  });

  test("RaiseCancelled", () => {
    handleRaiseCancelled(changetype<RaiseCancelled>(mockEvent(VENTURE, [address("operator", ALICE), uint("shares", units(1))])));
    assert.fieldEquals("Venture", VENTURE, "status", "cancelled");
  });

  test("Refunded returns COMPUTE and fails an open raise", () => {
    invest(BOB, units(10));
    handleTransfer(transfer(BOB, ZERO, units(10)));
    handleRefunded(changetype<Refunded>(mockEvent(VENTURE, [address("holder", BOB), uint("shares", units(10)), uint("amount", units(20))])));
    assert.fieldEquals("Venture", VENTURE, "status", "failed");
    assert.fieldEquals("Venture", VENTURE, "refunded", "20000000000000000000");
    assert.fieldEquals("Venture", VENTURE, "holderCount", "0");
    assert.fieldEquals("VentureHolding", holding(BOB), "refunded", "20000000000000000000");
    assert.fieldEquals("Protocol", "protocol", "ventureInvested", "0");
  });

  test("RevenueDeposited adds to the token's column", () => {
    let e = changetype<RevenueDeposited>(
      mockEvent(VENTURE, [
        address("depositor", CAROL),
        address("token", UBC),
        uint("amount", units(100)),
        uint("distributed", units(72)),
        uint("performanceFee", units(8)),
        uint("operatorShare", units(20)),
        uint("magnifiedRevenuePerShare", BigInt.fromI32(12345)),
      ]),
    );
    handleRevenueDeposited(e);
    assert.fieldEquals("Venture", VENTURE, "revenueDeposited", "[0, 100000000000000000000]");
    assert.fieldEquals("Venture", VENTURE, "revenueDistributed", "[0, 72000000000000000000]");
    assert.fieldEquals("Venture", VENTURE, "performanceFees", "[0, 8000000000000000000]");
    assert.fieldEquals("Venture", VENTURE, "operatorRevenue", "[0, 20000000000000000000]");
    assert.fieldEquals("Venture", VENTURE, "depositCount", "1");
    assert.fieldEquals("RevenueDeposit", idOf(e), "token", UBC);
    assert.fieldEquals("RevenueDeposit", idOf(e), "depositor", CAROL);
  });

  test(
    "RevenueDeposited in a token that is not a revenue token fails the mapping",
    () => {
      handleRevenueDeposited(
        changetype<RevenueDeposited>(
          mockEvent(VENTURE, [
            address("depositor", CAROL),
            address("token", BOB),
            uint("amount", units(1)),
            uint("distributed", units(1)),
            uint("performanceFee", BigInt.zero()),
            uint("operatorShare", BigInt.zero()),
            uint("magnifiedRevenuePerShare", BigInt.zero()),
          ]),
        ),
      );
    },
    true,
  );

  test("RevenueClaimed adds to the holder's and the venture's claims", () => {
    invest(BOB, units(10));
    let e = changetype<RevenueClaimed>(mockEvent(VENTURE, [address("holder", BOB), uints("amounts", [units(3), units(1)])]));
    handleRevenueClaimed(e);
    assert.fieldEquals("VentureHolding", holding(BOB), "claimed", "[3000000000000000000, 1000000000000000000]");
    assert.fieldEquals("Venture", VENTURE, "revenueClaimed", "[3000000000000000000, 1000000000000000000]");
    assert.fieldEquals("RevenueClaim", idOf(e), "amounts", "[3000000000000000000, 1000000000000000000]");
    assert.fieldEquals("RevenueClaim", idOf(e), "holder", BOB);
  });

  test("OperatorRevenueWithdrawn", () => {
    handleOperatorRevenueWithdrawn(changetype<OperatorRevenueWithdrawn>(mockEvent(VENTURE, [address("operator", ALICE), uints("amounts", [units(2), BigInt.zero()])])));
    assert.fieldEquals("Venture", VENTURE, "operatorWithdrawn", "[2000000000000000000, 0]");
  });

  test("OperatorTransferStarted then OperatorTransferred", () => {
    handleOperatorTransferStarted(changetype<OperatorTransferStarted>(mockEvent(VENTURE, [address("operator", ALICE), address("pendingOperator", CAROL)])));
    assert.fieldEquals("Venture", VENTURE, "pendingOperator", CAROL);
    handleOperatorTransferred(changetype<OperatorTransferred>(mockEvent(VENTURE, [address("previousOperator", ALICE), address("newOperator", CAROL)])));
    assert.fieldEquals("Venture", VENTURE, "operator", CAROL);
    assert.fieldEquals("Venture", VENTURE, "pendingOperator", "null");
    assert.fieldEquals("Account", CAROL, "computeBalance", "0");
  });

  test(
    "an event of a venture that the factory did not create fails the mapping",
    () => {
      clearStore();
      handleRaiseSucceeded(changetype<RaiseSucceeded>(mockEvent(VENTURE, [address("operator", ALICE), uint("shares", units(1)), uint("raised", units(2))])));
    },
    true,
  );
});
