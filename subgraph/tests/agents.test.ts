import { BigInt } from "@graphprotocol/graph-ts";
import { afterEach, assert, beforeEach, clearStore, describe, test } from "matchstick-as/assembly/index";
import { AgentCardUpdated, AgentRegistered, AgentRolesUpdated, AgentWalletChanged, Transfer } from "../generated/AgentRegistry/AgentRegistry";
import { NewFeedback } from "../generated/ReputationRegistry/ReputationRegistry";
import {
  handleAgentCardUpdated,
  handleAgentRegistered,
  handleAgentRolesUpdated,
  handleAgentWalletChanged,
  handleNewFeedback,
  handleTransfer,
} from "../src/agents";
import { address, AGENTS, ALICE, BOB, bytes32, CAROL, idOf, int, mockEvent, REPUTATION, str, uint, ZERO } from "./utils";

function registered(id: i32, owner: string, wallet: string, roles: i32): AgentRegistered {
  return changetype<AgentRegistered>(
    mockEvent(AGENTS, [uint("agentId", BigInt.fromI32(id)), address("owner", owner), address("wallet", wallet), int("roles", roles), str("cardURI", "ipfs://agent-" + id.toString())]),
  );
}
function walletChanged(id: i32, from: string, to: string): AgentWalletChanged {
  return changetype<AgentWalletChanged>(mockEvent(AGENTS, [uint("agentId", BigInt.fromI32(id)), address("previousWallet", from), address("newWallet", to)]));
}
function transfer(from: string, to: string, id: i32): Transfer {
  return changetype<Transfer>(mockEvent(AGENTS, [address("from", from), address("to", to), uint("tokenId", BigInt.fromI32(id))]));
}

describe("AgentRegistry", () => {
  beforeEach(() => {
    handleTransfer(transfer(ZERO, ALICE, 1)); // the mint comes first and is left to AgentRegistered
    handleAgentWalletChanged(walletChanged(1, ZERO, BOB)); // before the registration: ignored
    handleAgentRegistered(registered(1, ALICE, BOB, 3));
  });

  afterEach(() => {
    clearStore();
  });

  test("AgentRegistered creates the agent and counts it", () => {
    assert.fieldEquals("Agent", "1", "owner", ALICE);
    assert.fieldEquals("Agent", "1", "wallet", BOB);
    assert.fieldEquals("Agent", "1", "roles", "3");
    assert.fieldEquals("Agent", "1", "cardURI", "ipfs://agent-1");
    assert.fieldEquals("Agent", "1", "marketCredit", "0");
    assert.fieldEquals("Protocol", "protocol", "agentCount", "1");
    assert.fieldEquals("Protocol", "protocol", "accountCount", "1");
    handleAgentRegistered(registered(2, BOB, ZERO, 4));
    assert.fieldEquals("Agent", "2", "wallet", "null");
    assert.fieldEquals("Protocol", "protocol", "agentCount", "2");
  });

  test("AgentCardUpdated", () => {
    handleAgentCardUpdated(changetype<AgentCardUpdated>(mockEvent(AGENTS, [uint("agentId", BigInt.fromI32(1)), str("cardURI", "https://agent.example/card.json")])));
    assert.fieldEquals("Agent", "1", "cardURI", "https://agent.example/card.json");
  });

  test("AgentRolesUpdated", () => {
    handleAgentRolesUpdated(changetype<AgentRolesUpdated>(mockEvent(AGENTS, [uint("agentId", BigInt.fromI32(1)), int("roles", 7)])));
    assert.fieldEquals("Agent", "1", "roles", "7");
  });

  test("AgentWalletChanged binds and clears the wallet", () => {
    handleAgentWalletChanged(walletChanged(1, BOB, CAROL));
    assert.fieldEquals("Agent", "1", "wallet", CAROL);
    handleAgentWalletChanged(walletChanged(1, CAROL, ZERO));
    assert.fieldEquals("Agent", "1", "wallet", "null");
  });

  test("Transfer moves the agent to its new owner", () => {
    handleTransfer(transfer(ALICE, CAROL, 1));
    assert.fieldEquals("Agent", "1", "owner", CAROL);
    assert.fieldEquals("Account", CAROL, "positionCount", "0");
    assert.fieldEquals("Protocol", "protocol", "accountCount", "2");
  });

  test(
    "Transfer of an agent never registered fails the mapping",
    () => {
      handleTransfer(transfer(ALICE, CAROL, 42));
    },
    true,
  );
});

describe("ReputationRegistry", () => {
  afterEach(() => {
    clearStore();
  });

  test("NewFeedback records the rating and sums the scores", () => {
    handleAgentRegistered(registered(1, ALICE, ZERO, 1));
    let tag = "0x" + "07".repeat(32);
    let e = changetype<NewFeedback>(
      mockEvent(REPUTATION, [
        uint("agentId", BigInt.fromI32(1)),
        uint("jobId", BigInt.fromI32(11)),
        uint("fromAgentId", BigInt.fromI32(2)),
        address("client", BOB),
        int("score", 90),
        bytes32("tag", tag),
        str("feedbackURI", "ipfs://feedback"),
      ]),
    );
    handleNewFeedback(e);
    handleNewFeedback(
      changetype<NewFeedback>(
        mockEvent(REPUTATION, [uint("agentId", BigInt.fromI32(1)), uint("jobId", BigInt.fromI32(12)), uint("fromAgentId", BigInt.fromI32(3)), address("client", CAROL), int("score", 40), bytes32("tag", tag), str("feedbackURI", "")]),
      ),
    );
    assert.fieldEquals("Agent", "1", "feedbackCount", "2");
    assert.fieldEquals("Agent", "1", "feedbackScoreSum", "130");
    assert.fieldEquals("Feedback", idOf(e), "agent", "1");
    assert.fieldEquals("Feedback", idOf(e), "from", "2");
    assert.fieldEquals("Feedback", idOf(e), "job", "11");
    assert.fieldEquals("Feedback", idOf(e), "client", BOB);
    assert.fieldEquals("Feedback", idOf(e), "tag", tag);
    assert.fieldEquals("Feedback", idOf(e), "uri", "ipfs://feedback");
  });
});
