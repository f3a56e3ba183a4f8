// The executable GraphQL schema from our generated SDL and resolver maps, built in one pass.
//
// makeExecutableSchema (graphql-tools) merges the type definitions into a new document, validates
// the SDL, builds the schema and then rebuilds it whole (mapSchema) to attach the resolvers: for
// the model's SDL ~370 ms of CPU, on the thread that backfills, since the API starts while the
// indexer runs. The SDL is ours (sdl.ts, offchain.ts) and its validity is tested
// (executable.test.ts builds it with graphql-js's validating buildSchema and compares), so here
// the documents are concatenated, built once without re-validating the SDL, and the resolvers are
// set on the built fields in place.
import {
  GraphQLScalarType, buildASTSchema, isObjectType, isScalarType, parse,
  type DefinitionNode, type DocumentNode, type GraphQLFieldResolver, type GraphQLSchema,
} from "graphql";

type FieldResolver = GraphQLFieldResolver<unknown, unknown>;
/** A field's resolver, or a subscription field's subscribe (and resolve). */
export type FieldEntry = FieldResolver | { subscribe?: FieldResolver; resolve?: FieldResolver };
/** Per type name: a scalar's implementation, or an object type's field resolvers. */
export type ResolverMap = Record<string, GraphQLScalarType | Record<string, FieldEntry>>;

/** One document of several SDL texts or documents (a later one may `extend` an earlier one's types). */
export function sdlDocument(typeDefs: (string | DocumentNode)[]): DocumentNode {
  const definitions: DefinitionNode[] = [];
  for (const t of typeDefs) definitions.push(...(typeof t === "string" ? parse(t, { noLocation: true }) : t).definitions);
  return { kind: "Document" as DocumentNode["kind"], definitions };
}

/**
 * The schema of `typeDefs` with `resolvers` attached. A resolver for a type or field the schema
 * lacks is an error (as with makeExecutableSchema), so a renamed field cannot lose its resolver
 * silently.
 */
export function executableSchema(typeDefs: (string | DocumentNode)[], resolvers: ResolverMap[]): GraphQLSchema {
  const schema = buildASTSchema(sdlDocument(typeDefs), { assumeValidSDL: true });
  for (const map of resolvers) {
    for (const [typeName, value] of Object.entries(map)) {
      const type = schema.getType(typeName);
      if (value instanceof GraphQLScalarType) {
        if (!isScalarType(type)) throw new Error(`a scalar implementation for ${typeName}, which is not a scalar of the schema`);
        // what execution calls (graphql 16 reads these properties at each use)
        type.serialize = value.serialize;
        type.parseValue = value.parseValue;
        type.parseLiteral = value.parseLiteral;
        continue;
      }
      if (!isObjectType(type)) throw new Error(`resolvers for ${typeName}, which is not an object type of the schema`);
      const fields = type.getFields();
      for (const [fieldName, entry] of Object.entries(value)) {
        const field = fields[fieldName];
        if (field === undefined) throw new Error(`a resolver for ${typeName}.${fieldName}, which the schema lacks`);
        if (typeof entry === "function") field.resolve = entry;
        else {
          if (entry.subscribe !== undefined) field.subscribe = entry.subscribe;
          if (entry.resolve !== undefined) field.resolve = entry.resolve;
        }
      }
    }
  }
  return schema;
}
