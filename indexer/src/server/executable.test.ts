import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { buildSchema, graphql, printSchema, validateSchema } from "graphql";
import { loadModel } from "../schema/model.ts";
import { buildSdl } from "./sdl.ts";
import { buildResolvers, type MetaSource } from "./resolvers.ts";
import { OFFCHAIN_SDL, offchainResolvers } from "./offchain.ts";
import { executableSchema, type ResolverMap } from "./executable.ts";

const meta: MetaSource = {
  block: () => ({ number: 7n, hash: "0xab", timestamp: 1n }),
  hasIndexingErrors: () => false,
  deployment: "test",
  onBlock: () => () => undefined,
};

describe("executableSchema: the API's schema built in one pass", () => {
  test("the model's SDL and the off-chain extension are valid and build the same schema as graphql-js's validating buildSchema", () => {
    const model = loadModel();
    const sdl = buildSdl(model);
    // buildSchema validates the SDL (executableSchema skips that): a generator change that
    // produces an invalid SDL fails here
    const reference = buildSchema(sdl + "\n" + OFFCHAIN_SDL);
    assert.deepEqual(validateSchema(reference).map((e) => e.message), []);
    const resolvers = [buildResolvers(model, undefined as never, meta), offchainResolvers(model, undefined as never, undefined, meta, () => () => undefined)] as ResolverMap[];
    const schema = executableSchema([sdl, OFFCHAIN_SDL], resolvers);
    assert.deepEqual(validateSchema(schema).map((e) => e.message), []);
    assert.equal(printSchema(schema), printSchema(reference));
    // every resolver is on its field
    for (const map of resolvers) {
      for (const [typeName, fields] of Object.entries(map)) {
        if (!("Query" === typeName || "Subscription" === typeName || model.byName.has(typeName))) continue;
        const built = (schema.getType(typeName) as { getFields(): Record<string, { resolve?: unknown; subscribe?: unknown }> }).getFields();
        for (const [name, entry] of Object.entries(fields as Record<string, unknown>)) {
          if (typeof entry === "function") assert.equal(built[name].resolve, entry, `${typeName}.${name}`);
          else assert.equal(built[name].subscribe, (entry as { subscribe: unknown }).subscribe, `${typeName}.${name}`);
        }
      }
    }
  });

  test("resolvers, subscriptions and scalar implementations run; the extension extends Query", async () => {
    const sdl = `scalar Bytes\ntype Query { echo(b: Bytes!): Bytes! n: Int }\ntype Subscription { n: Int }`;
    const Bytes = buildResolvers(loadModel(), undefined as never, meta).Bytes;
    const schema = executableSchema([sdl, `extend type Query { more: String }`], [
      { Bytes, Query: { echo: (_: unknown, a: { b: string }) => a.b.toUpperCase(), n: () => 1 } },
      { Query: { more: () => "more" }, Subscription: { n: { subscribe: () => undefined, resolve: () => 2 } } },
    ]);
    assert.deepEqual({ ...(await graphql({ schema, source: `{ echo(b: "0xab") n more }` })).data }, { echo: "0XAB", n: 1, more: "more" });
    // the Bytes scalar's own check, not the SDL scalar's default (which accepts anything)
    const bad = await graphql({ schema, source: `{ echo(b: "xyz") }` });
    assert.match(bad.errors?.[0].message ?? "", /Invalid Bytes value: xyz/);
    const sub = (schema.getSubscriptionType()!.getFields()).n;
    assert.equal(typeof sub.subscribe, "function");
    assert.equal(await sub.resolve!(undefined, {}, undefined, undefined as never), 2);
  });

  test("a resolver for a type or field the schema lacks is an error", () => {
    const sdl = `scalar Bytes\ntype Query { n: Int }`;
    assert.throws(() => executableSchema([sdl], [{ Query: { m: () => 1 } }]), /Query\.m, which the schema lacks/);
    assert.throws(() => executableSchema([sdl], [{ Nope: { m: () => 1 } }]), /Nope, which is not an object type/);
    assert.throws(() => executableSchema([sdl], [{ Query: buildResolvers(loadModel(), undefined as never, meta).Bytes }]), /Query, which is not a scalar/);
  });
});
