// The host's own checks: arithmetic and conversions against known values, value encodings, and
// the loud failure on a host function it does not implement.
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { compileTest } from "./matchstick.ts";
import { GraphStore, UnimplementedHostFunction, WasmInstance } from "./runtime.ts";
import { bigIntFromBytes, bigIntToBytes, decimalOps } from "./values.ts";

const HERE = dirname(fileURLToPath(import.meta.url));

describe("host values", () => {
  test("BigInt bytes: signed little-endian, shortest form, round trip", () => {
    assert.deepEqual([...bigIntToBytes(0n)], [0]);
    assert.deepEqual([...bigIntToBytes(127n)], [127]);
    assert.deepEqual([...bigIntToBytes(128n)], [128, 0]);
    assert.deepEqual([...bigIntToBytes(-1n)], [255]);
    assert.deepEqual([...bigIntToBytes(-129n)], [127, 255]);
    for (const v of [0n, 1n, -1n, 255n, 256n, -256n, 2n ** 255n - 1n, -(2n ** 255n), 10n ** 30n]) {
      assert.equal(bigIntFromBytes(bigIntToBytes(v)), v);
    }
  });

  test("BigDecimal: 34 significant digits, normalized strings", () => {
    assert.equal(decimalOps.toString(decimalOps.dividedBy(decimalOps.fromString("1"), decimalOps.fromString("3"))), "0." + "3".repeat(34));
    assert.equal(decimalOps.toString(decimalOps.fromString("1.500")), "1.5");
    assert.equal(decimalOps.toString(decimalOps.fromString("-0.0012")), "-0.0012");
    assert.equal(decimalOps.toString(decimalOps.fromString("12e3")), "12000");
  });
});

describe("host functions in a compiled module", () => {
  let inst: WasmInstance;
  before(async () => {
    const out = join(HERE, "..", "build", "tests", "selftest.wasm");
    mkdirSync(dirname(out), { recursive: true });
    await compileTest(join(HERE, "assembly", "selftest.ts"), out);
    inst = await WasmInstance.load(out, { store: new GraphStore() });
  });
  const call = (name: string) => inst.readString((inst.exports[name] as () => number)());

  test("bigDecimal.*", () => {
    assert.equal(call("decimals"), `1.75 1.25 0.375 6 0.${"3".repeat(34)} eq`);
  });

  test("bigInt.*", () => {
    assert.equal(
      call("bigInts"),
      [
        "-6", // remainder takes the dividend's sign
        "-142857142857142857142", // division truncates
        (7n ** 30n).toString(),
        (7n << 100n).toString(),
        (-1000000000000000000000n >> 3n).toString(),
        "15",
        "5",
        "-0x3635c9adc5dea00000",
        "-125000000000000000000",
      ].join(" "),
    );
  });

  test("typeConversion.* and crypto.keccak256", () => {
    assert.equal(call("conversions"), "UBC 0x554243 Vdyc 0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
  });

  test("an import the host does not implement throws UnimplementedHostFunction", () => {
    assert.throws(() => (inst.exports.unimplemented as () => void)(), (e: unknown) => e instanceof UnimplementedHostFunction && /ipfs\.cat/.test((e as Error).message));
    assert.ok(WasmInstance.missingImports(inst.module).some((m) => m.endsWith("ipfs.cat")));
  });
});
