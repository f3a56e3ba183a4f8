import { test } from "node:test";
import assert from "node:assert/strict";
import { decodeEventLog, encodeAbiParameters, encodeEventTopics, toEventSelector, type Abi, type AbiEvent, type AbiParameter, type Hex } from "viem";
import { ABIS } from "../generated/abis.ts";
import { compileEventDecoder } from "./event-decoder.ts";

/** A value of `type` for case `k` (deterministic: a failure names its event and case). */
function value(type: string, k: number): unknown {
  const arr = /^(.*)\[\]$/.exec(type);
  if (arr) return Array.from({ length: [0, 1, 3, 7][k % 4] }, (_, i) => value(arr[1], k + i + 1));
  const m = /^uint(\d*)$/.exec(type);
  if (m) {
    const bits = BigInt(m[1] === "" ? 256 : Number(m[1]));
    const v = [0n, 1n, (1n << bits) - 1n, (1n << (bits - 1n)) + BigInt(k), 127n, 128n][k % 6] & ((1n << bits) - 1n);
    return bits > 48n ? v : Number(v);
  }
  if (type === "address") return [`0x${"00".repeat(20)}`, "0x5FbDB2315678afecb367f032d93F642f64180aa3", `0x${"ff".repeat(20)}`][k % 3];
  if (type === "bytes32") return `0x${((k * 37 + 11) % 256).toString(16).padStart(2, "0").repeat(32)}`;
  if (type === "bool") return k % 2 === 1;
  if (type === "string") return ["", "ipfs://x", "data:application/json;base64,eyJhIjoxfQ==", "é€😀 mixed", "\u0000\u0000lead", "x".repeat(200)][k % 6];
  throw new Error(`no test value for ${type}`);
}

test("compiled event decoders give viem's decodeEventLog results for every event the market view watches", () => {
  const names = ["WorkMarket", "ValidatorPool", "StakingVault", "ReputationRegistry"] as const;
  let events = 0;
  for (const name of names) {
    for (const item of ABIS[name] as Abi) {
      if (item.type !== "event") continue;
      const ev = item as AbiEvent;
      const decode = compileEventDecoder(ev);
      assert.ok(decode, `${name}.${ev.name} compiles`);
      events++;
      for (let k = 0; k < 6; k++) {
        const args = Object.fromEntries(ev.inputs.map((p, i) => [p.name!, value(p.type, k + i)]));
        const topics = encodeEventTopics({ abi: [ev], eventName: ev.name, args: args as never }) as Hex[];
        const body = ev.inputs.filter((p) => !p.indexed) as AbiParameter[];
        const data = encodeAbiParameters(body, body.map((p) => args[p.name!]));
        const want = decodeEventLog({ abi: [ev], topics: topics as [Hex, ...Hex[]], data });
        assert.deepEqual(decode!(topics, data), { eventName: want.eventName, args: want.args }, `${name}.${ev.name}, case ${k}`);
      }
      // a log cut short is refused, never decoded into zeros
      const body = ev.inputs.filter((p) => !p.indexed);
      if (body.length > 0) {
        const args = Object.fromEntries(ev.inputs.map((p, i) => [p.name!, value(p.type, i)]));
        const topics = encodeEventTopics({ abi: [ev], eventName: ev.name, args: args as never }) as Hex[];
        const data = encodeAbiParameters(body as AbiParameter[], body.map((p) => args[p.name!]));
        assert.throws(() => decode!(topics, data.slice(0, data.length - 64) as Hex), Error, `${name}.${ev.name} truncated`);
      }
      assert.throws(() => decode!([], "0x"), /indexed topics/, `${name}.${ev.name} without topics`);
      if (body.length > 0) assert.throws(() => decode!([toEventSelector(ev), ...Array(ev.inputs.length - body.length).fill(`0x${"00".repeat(32)}`)], `0x${"zz".repeat(32 * body.length)}`), /not hex/);
    }
  }
  assert.ok(events >= 20, `${events} events compared`);
});
