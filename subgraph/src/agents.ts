// AgentRegistry and ReputationRegistry: agent identities (ERC-721), roles, wallets, feedback.
// Mirrors indexer/src/indexing/handlers/agents.ts.
import { Address, BigInt } from "@graphprotocol/graph-ts";
import { Agent, Feedback } from "../generated/schema";
import {
  AgentCardUpdated,
  AgentRegistered,
  AgentRolesUpdated,
  AgentWalletChanged,
  Transfer,
} from "../generated/AgentRegistry/AgentRegistry";
import { NewFeedback } from "../generated/ReputationRegistry/ReputationRegistry";
import { account, eventId, protocol, touchProtocol } from "./entities";

export function agent(agentId: BigInt): Agent {
  let a = Agent.load(agentId.toString());
  if (a == null) throw new Error("unknown agent " + agentId.toString());
  return a;
}

export function handleAgentRegistered(event: AgentRegistered): void {
  let p = protocol();
  let owner = account(event.params.owner, event, p);
  let a = new Agent(event.params.agentId.toString());
  a.agentId = event.params.agentId;
  a.owner = owner.id;
  let wallet = event.params.wallet;
  if (wallet.equals(Address.zero())) a.wallet = null;
  else a.wallet = wallet;
  a.roles = event.params.roles;
  a.cardURI = event.params.cardURI;
  a.registeredAt = event.block.timestamp;
  a.marketCredit = BigInt.zero();
  a.jobsRequested = 0;
  a.jobsProvided = 0;
  a.jobsSettled = 0;
  a.jobsDeclined = 0;
  a.jobsUndelivered = 0;
  a.earned = BigInt.zero();
  a.spent = BigInt.zero();
  a.feedbackCount = 0;
  a.feedbackScoreSum = 0;
  a.save();
  p.agentCount = p.agentCount + 1;
  touchProtocol(p, event);
  owner.save();
  p.save();
}

export function handleAgentCardUpdated(event: AgentCardUpdated): void {
  let a = agent(event.params.agentId);
  a.cardURI = event.params.cardURI;
  a.save();
}

export function handleAgentRolesUpdated(event: AgentRolesUpdated): void {
  let a = agent(event.params.agentId);
  a.roles = event.params.roles;
  a.save();
}

export function handleAgentWalletChanged(event: AgentWalletChanged): void {
  let a = Agent.load(event.params.agentId.toString());
  if (a == null) return; // emitted while minting, before AgentRegistered: the registration carries the wallet
  let w = event.params.newWallet;
  if (w.equals(Address.zero())) a.wallet = null;
  else a.wallet = w;
  a.save();
}

export function handleTransfer(event: Transfer): void {
  if (event.params.from.equals(Address.zero())) return; // the mint: AgentRegistered follows
  let a = agent(event.params.tokenId);
  let p = protocol();
  let owner = account(event.params.to, event, p);
  a.owner = owner.id;
  a.save();
  owner.save();
  p.save();
}

export function handleNewFeedback(event: NewFeedback): void {
  let a = agent(event.params.agentId);
  let score = event.params.score;
  a.feedbackCount = a.feedbackCount + 1;
  a.feedbackScoreSum = a.feedbackScoreSum + score;
  a.save();
  let f = new Feedback(eventId(event));
  f.agent = a.id;
  f.from = event.params.fromAgentId.toString();
  f.job = event.params.jobId.toString();
  f.client = event.params.client;
  f.score = score;
  f.tag = event.params.tag;
  f.uri = event.params.feedbackURI;
  f.blockNumber = event.block.number;
  f.timestamp = event.block.timestamp;
  f.transactionHash = event.transaction.hash;
  f.save();
}
