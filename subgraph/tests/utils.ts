// Event builders for the mapping tests (matchstick-as style).
import { Address, BigInt, Bytes, ethereum } from "@graphprotocol/graph-ts";
import { newMockEvent } from "matchstick-as/assembly/index";

export const ZERO = "0x0000000000000000000000000000000000000000";
export const UBC = "0x5fbdb2315678afecb367f032d93f642f64180aa3";
export const COMPUTE = "0xe7f1725e7734ce288f8367e1bb143e90bb3f0512";
export const VAULT = "0x9fe46736679d2d9a65f0992f589a1b6d1f2b5d53";
export const FACTORY = "0xcf7ed3acca5a467e9e704c703e8d87f634fb0fc9";
export const VENTURE = "0xdc64a140aa3e981100a9beca4e685f962f0cf6c9";
export const ALICE = "0x00000000000000000000000000000000000a11ce";
export const BOB = "0x0000000000000000000000000000000000000b0b";
export const CAROL = "0x00000000000000000000000000000000000ca401";

/** 1e18 * n */
export function units(n: i32): BigInt {
  return BigInt.fromI32(n).times(BigInt.fromI32(10).pow(18));
}

let logIndex = 0;
let timestamp: i64 = 1700000000;

/** Moves the mock clock (block timestamps) to `t`. */
export function setTime(t: i64): void {
  timestamp = t;
}

/** A mock event from `address`, with a fresh log index (so event ids differ) and the mock clock's time. */
export function mockEvent(address: string, params: ethereum.EventParam[]): ethereum.Event {
  let e = newMockEvent();
  e.address = Address.fromString(address);
  logIndex++;
  e.logIndex = BigInt.fromI32(logIndex);
  e.transaction.hash = Bytes.fromHexString("0x" + "ab".repeat(31)).concatI32(logIndex);
  e.block.number = BigInt.fromI32(100 + logIndex);
  e.block.timestamp = BigInt.fromI64(timestamp);
  e.parameters = params;
  return e;
}

/** The id graph-ts gives the entity of event `e`. */
export function idOf(e: ethereum.Event): string {
  return e.transaction.hash.concatI32(e.logIndex.toI32()).toHexString();
}

export function address(name: string, a: string): ethereum.EventParam {
  return new ethereum.EventParam(name, ethereum.Value.fromAddress(Address.fromString(a)));
}
export function uint(name: string, v: BigInt): ethereum.EventParam {
  return new ethereum.EventParam(name, ethereum.Value.fromUnsignedBigInt(v));
}
export function boolean(name: string, v: bool): ethereum.EventParam {
  return new ethereum.EventParam(name, ethereum.Value.fromBoolean(v));
}
export function bytes32(name: string, v: string): ethereum.EventParam {
  return new ethereum.EventParam(name, ethereum.Value.fromFixedBytes(Bytes.fromHexString(v)));
}
export function uints(name: string, v: BigInt[]): ethereum.EventParam {
  return new ethereum.EventParam(name, ethereum.Value.fromUnsignedBigIntArray(v));
}

export const AGENTS = "0x5fc8d32690cc91d4c39d9d3abcbd16989f875707";
export const REPUTATION = "0x0165878a594ca255338adfa4d48449f69242eb8f";
export const FEES = "0xa513e6e4b8f2a923d98304ec87f64353c4d5c853";
export const TREASURY = "0x2279b7a0a67db372996a5fab50d91eaa73d2ebe6";

export function str(name: string, v: string): ethereum.EventParam {
  return new ethereum.EventParam(name, ethereum.Value.fromString(v));
}
export function int(name: string, v: i32): ethereum.EventParam {
  return new ethereum.EventParam(name, ethereum.Value.fromUnsignedBigInt(BigInt.fromI32(v)));
}

export const MARKET = "0x8a791620dd6260079bf849dc5567adc3f2fdc318";
export const POOL = "0x610178da211fef7d417bc0e6fed39f05609ad788";

export function ints(name: string, v: i32[]): ethereum.EventParam {
  let out = new Array<BigInt>(v.length);
  for (let i = 0; i < v.length; i++) out[i] = BigInt.fromI32(v[i]);
  return new ethereum.EventParam(name, ethereum.Value.fromUnsignedBigIntArray(out));
}
export function n(name: string, v: i32): ethereum.EventParam {
  return new ethereum.EventParam(name, ethereum.Value.fromUnsignedBigInt(BigInt.fromI32(v)));
}
