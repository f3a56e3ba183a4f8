// UBCToken and ComputeToken: balances, supply, mints and burns, transfers, votes, EIP-3009.
// Mirrors indexer/src/indexing/handlers/tokens.ts.
import { Address, BigInt, Bytes, dataSource, ethereum } from "@graphprotocol/graph-ts";
import { Authorization, Burn, Token, TokenTransfer, Venture } from "../generated/schema";
import {
  DelegateChanged,
  DelegateVotesChanged,
  Transfer as UBCTransfer,
} from "../generated/UBCToken/UBCToken";
import {
  AuthorizationCanceled,
  AuthorizationUsed,
  Transfer as ComputeTransfer,
} from "../generated/ComputeToken/ComputeToken";
import { account, daily, eventId, protocol, syncDaily, touchProtocol } from "./entities";

function token(address: Address, isCompute: bool): Token {
  let t = Token.load(address);
  if (t != null) return t;
  t = new Token(address);
  t.symbol = isCompute ? "COMPUTE" : "UBC";
  t.name = isCompute ? "Compute" : "UBC";
  t.decimals = 18;
  t.totalSupply = BigInt.zero();
  t.totalMinted = BigInt.zero();
  t.totalBurned = BigInt.zero();
  t.transferCount = BigInt.zero();
  t.holderCount = 0;
  return t;
}

/**
 * The name of the contract at an address (the indexer's contractAt): the deployed contracts come
 * in the data source context (written by scripts/manifest.ts), ventures from their entities.
 */
function contractAt(address: Address, otherwise: string): string {
  let known = dataSource.context().get(address.toHexString());
  if (known != null) return known.toString();
  if (Venture.load(address) != null) return "Venture";
  return otherwise;
}

function transfer(event: ethereum.Event, from: Address, to: Address, value: BigInt, isCompute: bool): void {
  let zero = Address.zero();
  let p = protocol();
  let t = token(event.address, isCompute);
  let fromAcc = account(from, event, p); // the zero address too: TokenTransfer.from is non-null
  let toAcc = from.equals(to) ? fromAcc : account(to, event, p);

  if (from.equals(zero)) {
    t.totalSupply = t.totalSupply.plus(value);
    t.totalMinted = t.totalMinted.plus(value);
  } else {
    let before = isCompute ? fromAcc.computeBalance : fromAcc.ubcBalance;
    if (isCompute) fromAcc.computeBalance = before.minus(value);
    else fromAcc.ubcBalance = before.minus(value);
    if (before.gt(BigInt.zero()) && before.equals(value)) t.holderCount = t.holderCount - 1;
  }
  if (to.equals(zero)) {
    t.totalSupply = t.totalSupply.minus(value);
    t.totalBurned = t.totalBurned.plus(value);
  } else {
    let before = isCompute ? toAcc.computeBalance : toAcc.ubcBalance;
    if (isCompute) toAcc.computeBalance = before.plus(value);
    else toAcc.ubcBalance = before.plus(value);
    if (before.isZero() && value.gt(BigInt.zero())) t.holderCount = t.holderCount + 1;
  }
  t.transferCount = t.transferCount.plus(BigInt.fromI32(1));
  p.transferCount = p.transferCount.plus(BigInt.fromI32(1));

  let d = daily(event, p);
  d.transferCount = d.transferCount + 1;
  if (isCompute) {
    d.computeTransferVolume = d.computeTransferVolume.plus(value);
    p.computeTotalSupply = t.totalSupply;
    p.computeTotalMinted = t.totalMinted;
    p.computeTotalBurned = t.totalBurned;
    if (from.equals(zero)) d.computeMinted = d.computeMinted.plus(value);
    if (to.equals(zero)) {
      d.computeBurned = d.computeBurned.plus(value);
      fromAcc.computeBurned = fromAcc.computeBurned.plus(value);
      let burn = new Burn(eventId(event));
      burn.token = event.address;
      burn.from = from;
      burn.amount = value;
      burn.source = contractAt(from, "holder");
      burn.blockNumber = event.block.number;
      burn.timestamp = event.block.timestamp;
      burn.transactionHash = event.transaction.hash;
      burn.save();
    }
  } else {
    d.ubcTransferVolume = d.ubcTransferVolume.plus(value);
    p.ubcTotalSupply = t.totalSupply;
  }
  touchProtocol(p, event);
  syncDaily(d, p);

  fromAcc.save();
  if (toAcc !== fromAcc) toAcc.save();
  t.save();
  p.save();
  d.save();
  let tr = new TokenTransfer(eventId(event));
  tr.token = event.address;
  tr.from = from;
  tr.to = to;
  tr.value = value;
  tr.blockNumber = event.block.number;
  tr.timestamp = event.block.timestamp;
  tr.transactionHash = event.transaction.hash;
  tr.save();
}

export function handleUBCTokenTransfer(event: UBCTransfer): void {
  transfer(event, event.params.from, event.params.to, event.params.value, false);
}

export function handleComputeTokenTransfer(event: ComputeTransfer): void {
  transfer(event, event.params.from, event.params.to, event.params.value, true);
}

export function handleDelegateChanged(event: DelegateChanged): void {
  let p = protocol();
  let a = account(event.params.delegator, event, p);
  let to = event.params.toDelegate;
  if (to.equals(Address.zero())) a.delegate = null;
  else a.delegate = to;
  a.save();
  p.save();
}

export function handleDelegateVotesChanged(event: DelegateVotesChanged): void {
  let p = protocol();
  let a = account(event.params.delegate, event, p);
  a.votes = event.params.newVotes;
  a.save();
  p.save();
}

function authorization(event: ethereum.Event, authorizer: Address, nonce: Bytes, state: string): void {
  let p = protocol();
  let a = account(authorizer, event, p);
  a.save();
  p.save();
  let auth = new Authorization(eventId(event));
  auth.authorizer = authorizer;
  auth.nonce = nonce;
  auth.state = state;
  auth.blockNumber = event.block.number;
  auth.timestamp = event.block.timestamp;
  auth.transactionHash = event.transaction.hash;
  auth.save();
}

export function handleAuthorizationUsed(event: AuthorizationUsed): void {
  authorization(event, event.params.authorizer, event.params.nonce, "used");
}

export function handleAuthorizationCanceled(event: AuthorizationCanceled): void {
  authorization(event, event.params.authorizer, event.params.nonce, "canceled");
}
