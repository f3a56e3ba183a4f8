// FeeController and Treasury: the burn share per epoch, treasury withdrawals.
// Mirrors indexer/src/indexing/handlers/economy.ts.
import { BigInt } from "@graphprotocol/graph-ts";
import { FeeEpoch, TreasuryWithdrawal } from "../generated/schema";
import { BurnShareClamped, EpochRolled, IdleEpochsApplied, VolumeRecorded } from "../generated/FeeController/FeeController";
import { Withdrawn } from "../generated/Treasury/Treasury";
import { eventId, protocol, touchProtocol } from "./entities";

function feeEpoch(epoch: BigInt): FeeEpoch {
  let ep = FeeEpoch.load(epoch.toString());
  if (ep != null) return ep;
  ep = new FeeEpoch(epoch.toString());
  ep.epoch = epoch;
  ep.volume = BigInt.zero();
  ep.closed = false; // burnShareBps stays null until the epoch closes
  return ep;
}

export function handleEpochRolled(event: EpochRolled): void {
  let share = event.params.newBurnShareBps;
  let ep = feeEpoch(event.params.epoch);
  ep.volume = event.params.volume;
  ep.burnShareBps = share;
  ep.closed = true;
  ep.save();
  let p = protocol();
  p.burnShareBps = share;
  touchProtocol(p, event);
  p.save();
}

export function handleVolumeRecorded(event: VolumeRecorded): void {
  let ep = feeEpoch(event.params.epoch);
  ep.volume = event.params.epochVolume;
  ep.save();
}

export function handleIdleEpochsApplied(event: IdleEpochsApplied): void {
  let p = protocol();
  p.burnShareBps = event.params.newBurnShareBps;
  p.save();
}

export function handleBurnShareClamped(event: BurnShareClamped): void {
  let p = protocol();
  p.burnShareBps = event.params.newBurnShareBps;
  p.save();
}

export function handleWithdrawn(event: Withdrawn): void {
  let w = new TreasuryWithdrawal(eventId(event));
  w.token = event.params.token;
  w.to = event.params.to;
  w.amount = event.params.amount;
  w.reason = event.params.reason;
  w.blockNumber = event.block.number;
  w.timestamp = event.block.timestamp;
  w.transactionHash = event.transaction.hash;
  w.save();
}
