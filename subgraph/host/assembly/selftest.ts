// AssemblyScript side of host/runtime.test.ts: graph-ts calls whose host functions the mappings
// do not happen to use yet, and one that the host does not implement.
import { BigDecimal, BigInt, Bytes, crypto, ipfs } from "@graphprotocol/graph-ts";

export function decimals(): string {
  let a = BigDecimal.fromString("1.5");
  let b = BigDecimal.fromString("0.25");
  let third = BigDecimal.fromString("1").div(BigDecimal.fromString("3"));
  return a.plus(b).toString() + " " + a.minus(b).toString() + " " + a.times(b).toString() + " " + a.div(b).toString() + " " + third.toString() + " " + (a == BigDecimal.fromString("1.50") ? "eq" : "ne");
}

export function bigInts(): string {
  let x = BigInt.fromString("-1000000000000000000000");
  let y = BigInt.fromI32(7);
  return x.mod(y).toString() + " " + x.div(y).toString() + " " + y.pow(30).toString() + " " + y.leftShift(100).toString() + " " + x.rightShift(3).toString() + " " + y.bitOr(BigInt.fromI32(8)).toString() + " " + y.bitAnd(BigInt.fromI32(5)).toString() + " " + x.toHexString() + " " + x.divDecimal(BigDecimal.fromString("8")).toString();
}

export function conversions(): string {
  let b = Bytes.fromUTF8("UBC");
  return b.toString() + " " + b.toHexString() + " " + b.toBase58() + " " + crypto.keccak256(Bytes.fromUTF8("")).toHexString();
}

export function unimplemented(): void {
  ipfs.cat("QmTest");
}
