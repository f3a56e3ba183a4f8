import { test } from "node:test";
import assert from "node:assert/strict";
import { buildModel, loadModel, snakeCase, SchemaError } from "./model.ts";

test("the repository schema builds: every entity has a table, an id and columns", () => {
  const m = loadModel();
  assert.ok(m.entities.length >= 8);
  const account = m.byName.get("Account")!;
  assert.equal(account.table, "account");
  assert.equal(account.idType, "Bytes");
  assert.equal(account.immutable, false);
  assert.equal(account.columns[0].name, "id");
  const positions = account.byName.get("positions")!;
  assert.equal(positions.derivedFrom, "owner");
  assert.equal(positions.column, undefined);
  const pos = m.byName.get("StakePosition")!;
  assert.equal(pos.byName.get("owner")!.scalar, "Bytes"); // Account ids are Bytes
  assert.equal(pos.byName.get("pool")!.scalar, "ID");
  assert.equal(m.byName.get("TokenTransfer")!.immutable, true);
});

test("snake_case names", () => {
  assert.equal(snakeCase("StakePosition"), "stake_position");
  assert.equal(snakeCase("computeTotalSupply"), "compute_total_supply");
  assert.equal(snakeCase("id"), "id");
});

test("schema errors are named", () => {
  assert.throws(() => buildModel("type A @entity { id: ID! }"), SchemaError);
  assert.throws(() => buildModel("type A @entity(immutable: true) { x: Int }"), /needs a non-null id/);
  assert.throws(() => buildModel("type A @entity(immutable: true) { id: ID! b: Nope }"), /unknown type Nope/);
  assert.throws(() => buildModel("type A @entity(immutable: true) { id: ID! bs: [B!]! @derivedFrom(field: \"a\") } type B @entity(immutable: true) { id: ID! }"), /derivedFrom/);
  assert.throws(() => buildModel("type {"), /does not parse/);
});
