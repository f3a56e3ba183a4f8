// VentureFactory and Venture: ventures (created by the factory, then indexed from a template),
// raises, share holdings, revenue deposits and claims.
// Mirrors indexer/src/indexing/handlers/ventures.ts.
import { Address, BigInt, Bytes, ethereum } from "@graphprotocol/graph-ts";
import { RevenueClaim, RevenueDeposit, Venture, VentureHolding, VentureInvestment } from "../generated/schema";
import { Venture as VentureTemplate } from "../generated/templates";
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
import { account, daily, eventId, protocol, touchProtocol } from "./entities";

function zeros(n: i32): BigInt[] {
  let out = new Array<BigInt>(n);
  for (let i = 0; i < n; i++) out[i] = BigInt.zero();
  return out;
}

function addAt(list: BigInt[], i: i32, x: BigInt): BigInt[] {
  let out = new Array<BigInt>(list.length);
  for (let k = 0; k < list.length; k++) out[k] = k == i ? list[k].plus(x) : list[k];
  return out;
}

/** list + xs element-wise, over list's length (missing xs count as 0). */
function addAll(list: BigInt[], xs: BigInt[]): BigInt[] {
  let out = new Array<BigInt>(list.length);
  for (let k = 0; k < list.length; k++) out[k] = k < xs.length ? list[k].plus(xs[k]) : list[k];
  return out;
}

function venture(event: ethereum.Event): Venture {
  let v = Venture.load(event.address);
  if (v == null) throw new Error("event of venture " + event.address.toHexString() + " before its VentureCreated");
  return v;
}

function holdingId(venture: Address, holder: Address): Bytes {
  return venture.concat(holder);
}

function holding(event: ethereum.Event, v: Venture, holder: Address): VentureHolding {
  let id = holdingId(event.address, holder);
  let h = VentureHolding.load(id);
  if (h != null) return h;
  h = new VentureHolding(id);
  h.venture = event.address;
  h.holder = holder;
  h.shares = BigInt.zero();
  h.invested = BigInt.zero();
  h.refunded = BigInt.zero();
  h.claimed = zeros(v.revenueTokens.length);
  return h;
}

export function handleVentureCreated(event: VentureCreated): void {
  let params = event.params.params;
  let p = protocol();
  let op = account(event.params.operator, event, p);
  let tokens = params.revenueTokens;
  let revenueTokens = new Array<Bytes>(tokens.length);
  for (let i = 0; i < tokens.length; i++) revenueTokens[i] = tokens[i];
  let v = new Venture(event.params.venture);
  v.name = params.name;
  v.symbol = params.symbol;
  v.metadataURI = params.metadataURI;
  v.operator = op.id;
  v.operatorAgentId = event.params.operatorAgentId;
  v.pendingOperator = null;
  v.creator = event.params.creator;
  v.pricePerShare = params.pricePerShare;
  v.minShares = params.minShares;
  v.maxShares = params.maxShares;
  v.deadline = event.params.deadline;
  v.distributionBps = params.distributionBps;
  v.performanceFeeBps = params.performanceFeeBps;
  v.performancePeriod = params.performancePeriod;
  v.revenueTokens = revenueTokens;
  v.hurdles = params.hurdles;
  v.status = "open";
  v.sharesSold = BigInt.zero();
  v.raised = BigInt.zero();
  v.refunded = BigInt.zero();
  v.totalShares = BigInt.zero();
  v.investorCount = 0;
  v.holderCount = 0;
  v.revenueDeposited = zeros(tokens.length);
  v.revenueDistributed = zeros(tokens.length);
  v.performanceFees = zeros(tokens.length);
  v.operatorRevenue = zeros(tokens.length);
  v.revenueClaimed = zeros(tokens.length);
  v.operatorWithdrawn = zeros(tokens.length);
  v.depositCount = 0;
  v.createdAtBlock = event.block.number;
  v.createdAtTimestamp = event.block.timestamp;
  v.transactionHash = event.transaction.hash;
  v.save();
  p.ventureCount = p.ventureCount + 1;
  touchProtocol(p, event);
  op.save();
  p.save();
  VentureTemplate.create(event.params.venture);
}

export function handleTransfer(event: Transfer): void {
  let from = event.params.from;
  let to = event.params.to;
  let value = event.params.value;
  let zero = Address.zero();
  let v = venture(event);
  let p = protocol();
  if (from.equals(zero)) v.totalShares = v.totalShares.plus(value);
  else {
    let h = holding(event, v, from);
    if (h.shares.equals(value) && value.gt(BigInt.zero())) v.holderCount = v.holderCount - 1;
    h.shares = h.shares.minus(value);
    h.save();
  }
  if (to.equals(zero)) v.totalShares = v.totalShares.minus(value);
  else {
    let acc = account(to, event, p);
    acc.save();
    let h = holding(event, v, to);
    if (h.shares.isZero() && value.gt(BigInt.zero())) v.holderCount = v.holderCount + 1;
    h.shares = h.shares.plus(value);
    h.save();
  }
  v.save();
  p.save();
}

export function handleInvested(event: Invested): void {
  let investor = event.params.investor;
  let cost = event.params.cost;
  let v = venture(event);
  let p = protocol();
  let acc = account(investor, event, p);
  let h = holding(event, v, investor);
  if (h.invested.isZero()) v.investorCount = v.investorCount + 1;
  h.invested = h.invested.plus(cost);
  v.sharesSold = v.sharesSold.plus(event.params.shares);
  v.raised = v.raised.plus(cost);
  p.ventureInvested = p.ventureInvested.plus(cost);
  touchProtocol(p, event);
  let d = daily(event, p);
  d.ventureInvested = d.ventureInvested.plus(cost);
  let inv = new VentureInvestment(eventId(event));
  inv.venture = event.address;
  inv.investor = investor;
  inv.shares = event.params.shares;
  inv.cost = cost;
  inv.blockNumber = event.block.number;
  inv.timestamp = event.block.timestamp;
  inv.transactionHash = event.transaction.hash;
  inv.save();
  h.save();
  v.save();
  acc.save();
  p.save();
  d.save();
}

function setStatus(event: ethereum.Event, status: string): void {
  let v = venture(event);
  v.status = status;
  v.save();
}

export function handleRaiseSucceeded(event: RaiseSucceeded): void {
  setStatus(event, "succeeded");
}

export function handleRaiseFailed(event: RaiseFailed): void {
  setStatus(event, "failed");
}

export function handleRaiseCancelled(event: RaiseCancelled): void {
  setStatus(event, "cancelled");
}

export function handleRefunded(event: Refunded): void {
  let amount = event.params.amount;
  let v = venture(event);
  if (v.status == "open") v.status = "failed"; // a raise past its deadline below the minimum
  let h = holding(event, v, event.params.holder);
  h.refunded = h.refunded.plus(amount);
  v.refunded = v.refunded.plus(amount);
  let p = protocol();
  p.ventureInvested = p.ventureInvested.minus(amount);
  touchProtocol(p, event);
  h.save();
  v.save();
  p.save();
}

export function handleRevenueDeposited(event: RevenueDeposited): void {
  let v = venture(event);
  let token = event.params.token;
  let tokens = v.revenueTokens;
  let i = -1;
  for (let k = 0; k < tokens.length; k++) {
    if (tokens[k].equals(token)) {
      i = k;
      break;
    }
  }
  if (i < 0) throw new Error("revenue in " + token.toHexString() + ", not a revenue token of venture " + event.address.toHexString());
  v.revenueDeposited = addAt(v.revenueDeposited, i, event.params.amount);
  v.revenueDistributed = addAt(v.revenueDistributed, i, event.params.distributed);
  v.performanceFees = addAt(v.performanceFees, i, event.params.performanceFee);
  v.operatorRevenue = addAt(v.operatorRevenue, i, event.params.operatorShare);
  v.depositCount = v.depositCount + 1;
  v.save();
  let dep = new RevenueDeposit(eventId(event));
  dep.venture = event.address;
  dep.depositor = event.params.depositor;
  dep.token = token;
  dep.amount = event.params.amount;
  dep.distributed = event.params.distributed;
  dep.performanceFee = event.params.performanceFee;
  dep.operatorShare = event.params.operatorShare;
  dep.blockNumber = event.block.number;
  dep.timestamp = event.block.timestamp;
  dep.transactionHash = event.transaction.hash;
  dep.save();
}

export function handleRevenueClaimed(event: RevenueClaimed): void {
  let holder = event.params.holder;
  let amounts = event.params.amounts;
  let v = venture(event);
  let h = holding(event, v, holder);
  let p = protocol();
  let acc = account(holder, event, p);
  h.claimed = addAll(h.claimed, amounts);
  v.revenueClaimed = addAll(v.revenueClaimed, amounts);
  h.save();
  v.save();
  acc.save();
  p.save();
  let claim = new RevenueClaim(eventId(event));
  claim.venture = event.address;
  claim.holder = holder;
  claim.amounts = amounts;
  claim.blockNumber = event.block.number;
  claim.timestamp = event.block.timestamp;
  claim.transactionHash = event.transaction.hash;
  claim.save();
}

export function handleOperatorRevenueWithdrawn(event: OperatorRevenueWithdrawn): void {
  let v = venture(event);
  v.operatorWithdrawn = addAll(v.operatorWithdrawn, event.params.amounts);
  v.save();
}

export function handleOperatorTransferStarted(event: OperatorTransferStarted): void {
  let v = venture(event);
  v.pendingOperator = event.params.pendingOperator;
  v.save();
}

export function handleOperatorTransferred(event: OperatorTransferred): void {
  let v = venture(event);
  let p = protocol();
  let op = account(event.params.newOperator, event, p);
  v.operator = op.id;
  v.pendingOperator = null;
  op.save();
  v.save();
  p.save();
}
