import { test } from "node:test";
import assert from "node:assert/strict";
import { AbiCoder, Interface } from "ethers";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildDecoders, findArtifact, makeDecoder, eventId, keccakHex, type AbiEvent } from "./abi.ts";

const coder = AbiCoder.defaultAbiCoder();

test("decodes static, dynamic, array and tuple event data the way ethers encodes it", () => {
  const abi: AbiEvent = {
    type: "event",
    name: "Mixed",
    inputs: [
      { name: "who", type: "address", indexed: true },
      { name: "id", type: "uint256", indexed: true },
      { name: "tag", type: "string", indexed: true },
      { name: "n", type: "int64" },
      { name: "flag", type: "bool" },
      { name: "text", type: "string" },
      { name: "amounts", type: "uint256[]" },
      { name: "h", type: "bytes32" },
      {
        name: "params", type: "tuple", components: [
          { name: "owner", type: "address" }, { name: "name", type: "string" }, { name: "price", type: "uint128" },
          { name: "tokens", type: "address[]" }, { name: "fixedPair", type: "uint16[2]" },
        ],
      },
      { name: "blob", type: "bytes" },
    ],
  };
  const iface = new Interface([abi as never]);
  const who = "0x00000000000000000000000000000000000000aa";
  const params = [who, "Synthetic Souls ✨", 12345n, [who, "0x00000000000000000000000000000000000000bb"], [7, 9]];
  const log = iface.encodeEventLog("Mixed", [who, 42n, "tag", -5n, true, "hello", [1n, 2n, 3n], "0x" + "11".repeat(32), params, "0xdeadbeef"]);
  const d = makeDecoder("X", abi);
  assert.equal(d.topic0, log.topics[0]);
  assert.equal(d.signature, "Mixed(address,uint256,string,int64,bool,string,uint256[],bytes32,(address,string,uint128,address[],uint16[2]),bytes)");
  const args = d.decode(log.topics, log.data);
  assert.equal(args.who, who);
  assert.equal(args.id, 42n);
  assert.equal(args.tag, keccakHex("tag"));
  assert.equal(args.n, -5n);
  assert.equal(args.flag, true);
  assert.equal(args.text, "hello");
  assert.deepEqual(args.amounts, [1n, 2n, 3n]);
  assert.equal(args.h, "0x" + "11".repeat(32));
  assert.deepEqual(args.params, { owner: who, name: "Synthetic Souls ✨", price: 12345n, tokens: [who, "0x00000000000000000000000000000000000000bb"], fixedPair: [7n, 9n] });
  assert.equal(args.blob, "0xdeadbeef");
  void coder;
});

test("event ids are the transaction hash followed by the log index as 4 little-endian bytes (graph-ts concatI32)", () => {
  const tx = "0x" + "ab".repeat(32);
  assert.equal(eventId(tx, 0), tx + "00000000");
  assert.equal(eventId(tx, 1), tx + "01000000");
  assert.equal(eventId(tx, 258), tx + "02010000");
  // suffixes are cached below 65,536, in any order of first use; larger indexes are made each time
  assert.equal(eventId(tx, 300), tx + "2c010000");
  assert.equal(eventId(tx, 5), tx + "05000000");
  assert.equal(eventId(tx, 300), tx + "2c010000");
  assert.equal(eventId(tx, 65_535), tx + "ffff0000");
  assert.equal(eventId(tx, 65_536), tx + "00000100");
  assert.equal(eventId(tx, 0x12345678), tx + "78563412");
  assert.equal(eventId("0x" + "AB".repeat(32), 1), tx + "01000000");
});

test("indexed addresses decode the same when a topic repeats, changes or comes back", () => {
  const transfer: AbiEvent = {
    type: "event",
    name: "Transfer",
    inputs: [
      { name: "from", type: "address", indexed: true },
      { name: "to", type: "address", indexed: true },
      { name: "value", type: "uint256", indexed: false },
    ],
  };
  const d = makeDecoder("Token", transfer);
  const topic = (a: string) => "0x" + "0".repeat(24) + a;
  const a = "ab".repeat(20);
  const b = "cd".repeat(20);
  const data = "0x" + (5n).toString(16).padStart(64, "0");
  const seq = [[a, b], [a, b], [b, a], [a, a], [b, b], [a, b]];
  const got = seq.map(([f, t]) => d.decode([d.topic0, topic(f), topic(t)], data));
  seq.forEach(([f, t], i) => {
    assert.equal(got[i].from, "0x" + f, `from ${i}`);
    assert.equal(got[i].to, "0x" + t, `to ${i}`);
    assert.equal(got[i].value, 5n);
  });
  // a topic string made again (not the same object) decodes to an equal address
  assert.equal(d.decode([d.topic0, topic(a).slice(0), topic(b)], data).from, "0x" + a);
  assert.throws(() => d.decode([d.topic0, topic(a)], data), /expected 3 topics/);
});

test("artifacts are found by name in one walk (the first in findArtifact's order); decoders only for the handled events", () => {
  const dir = mkdtempSync(join(tmpdir(), "ubc-abi-"));
  try {
    const ev = (name: string): AbiEvent => ({ type: "event", name, inputs: [{ name: "a", type: "address", indexed: true }] });
    const put = (path: string, abi: AbiEvent[]) => {
      mkdirSync(join(dir, "contracts", path, ".."), { recursive: true });
      writeFileSync(join(dir, "contracts", path), JSON.stringify({ abi }));
    };
    put("a/One.sol/One.json", [ev("Ping"), ev("Pong"), { ...ev("Anon"), anonymous: true }]);
    put("b/deep/Two.sol/Two.json", [ev("Ping")]);
    put("Two.json", [ev("Top")]); // the top folder's own file is met before the nested one
    const all = buildDecoders(dir, ["One", "Two"]);
    assert.deepEqual([...all.get("One")!.values()].map((d) => d.event).sort(), ["Ping", "Pong"]);
    assert.deepEqual([...all.get("Two")!.values()].map((d) => d.event), ["Top"]);
    assert.deepEqual(findArtifact(dir, "Two").abi, [ev("Top")]);
    const some = buildDecoders(dir, ["One", "Two"], (c, e) => c === "One" && e === "Pong");
    assert.deepEqual([...some.get("One")!.values()].map((d) => d.event), ["Pong"]);
    assert.equal(some.get("One")!.get(keccakHex("Pong(address)"))?.event, "Pong");
    assert.equal(some.get("Two")!.size, 0);
    assert.throws(() => buildDecoders(dir, ["One", "Three"]), /no artifact for Three under/);
    assert.throws(() => findArtifact(dir, "Three"), /no artifact for Three under/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
