// Limits that refuse expensive queries before they run: maximum selection depth and a cost
// estimate in which a list field multiplies its children by its `first` argument (a literal, or
// the request's variable). Checked on every request with its own variables (checkLimits).
import { GraphQLError, Kind, getVariableValues, type DocumentNode, type FieldNode, type FragmentDefinitionNode, type GraphQLSchema, type OperationDefinitionNode, type SelectionSetNode, type ValueNode } from "graphql";

export interface QueryLimits {
  maxDepth: number;
  maxCost: number;
}

export const DEFAULT_LIMITS: QueryLimits = { maxDepth: 10, maxCost: 500_000 };

function intArg(field: FieldNode, name: string, variables: Record<string, unknown> | undefined): number | undefined {
  const a = field.arguments?.find((x) => x.name.value === name);
  if (!a) return undefined;
  const v: ValueNode = a.value;
  if (v.kind === Kind.INT) return Number(v.value);
  if (v.kind === Kind.VARIABLE) {
    const x = variables?.[v.name.value];
    return typeof x === "number" ? x : undefined;
  }
  return undefined;
}

function measure(
  set: SelectionSetNode | undefined,
  fragments: Map<string, FragmentDefinitionNode>,
  variables: Record<string, unknown> | undefined,
  depth: number,
  seen: Set<string>,
): { depth: number; cost: number } {
  if (!set) return { depth, cost: 0 };
  let maxDepth = depth;
  let cost = 0;
  for (const s of set.selections) {
    if (s.kind === Kind.FIELD) {
      if (s.name.value.startsWith("__")) continue;
      const child = measure(s.selectionSet, fragments, variables, depth + 1, seen);
      maxDepth = Math.max(maxDepth, child.depth);
      const isList = s.selectionSet !== undefined && (intArg(s, "first", variables) !== undefined || /s$|_collection$/.test(s.name.value));
      const n = isList ? intArg(s, "first", variables) ?? 100 : 1;
      cost += 1 + n * child.cost;
    } else if (s.kind === Kind.INLINE_FRAGMENT) {
      const child = measure(s.selectionSet, fragments, variables, depth, seen);
      maxDepth = Math.max(maxDepth, child.depth);
      cost += child.cost;
    } else {
      const name = s.name.value;
      if (seen.has(name)) continue; // a fragment cycle is reported by the standard rules
      const frag = fragments.get(name);
      const child = measure(frag?.selectionSet, fragments, variables, depth, new Set([...seen, name]));
      maxDepth = Math.max(maxDepth, child.depth);
      cost += child.cost;
    }
  }
  return { depth: maxDepth, cost };
}

function limitErrors(node: OperationDefinitionNode, fragments: Map<string, FragmentDefinitionNode>, limits: QueryLimits, variables: Record<string, unknown> | undefined): GraphQLError[] {
  const { depth, cost } = measure(node.selectionSet, fragments, variables, 0, new Set());
  const out: GraphQLError[] = [];
  // a request error (HTTP 400)
  if (depth > limits.maxDepth) {
    out.push(new GraphQLError(`Query is too deep: depth ${depth} exceeds the limit of ${limits.maxDepth}`, { nodes: [node], extensions: { code: "QUERY_TOO_DEEP", http: { status: 400 } } }));
  }
  if (cost > limits.maxCost) {
    out.push(new GraphQLError(`Query is too expensive: estimated cost ${cost} exceeds the limit of ${limits.maxCost}`, { nodes: [node], extensions: { code: "QUERY_TOO_EXPENSIVE", http: { status: 400 } } }));
  }
  return out;
}

function fragmentsOf(doc: DocumentNode): Map<string, FragmentDefinitionNode> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of doc.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  return fragments;
}

/**
 * The depth and cost limits of one request: every operation of `doc` measured with the request's
 * variables as the operation would see them (coerced, with the defaults of the variable
 * definitions). Run on every request, after validation and not as a validation rule: Apollo
 * Server keeps validated documents by query text and skips validation for a text seen before,
 * whatever the variables (and a rule cannot see the variables anyway).
 */
export function checkLimits(schema: GraphQLSchema, doc: DocumentNode, limits: QueryLimits, variables: Record<string, unknown> | null | undefined): GraphQLError[] {
  const fragments = fragmentsOf(doc);
  const out: GraphQLError[] = [];
  for (const d of doc.definitions) {
    if (d.kind !== Kind.OPERATION_DEFINITION) continue;
    let vars: Record<string, unknown> | undefined = variables ?? undefined;
    const coerced = getVariableValues(schema, d.variableDefinitions ?? [], variables ?? {}, { maxErrors: 1 });
    // values that do not coerce make the request fail anyway; measure with what was sent
    if (coerced.coerced !== undefined) vars = coerced.coerced;
    out.push(...limitErrors(d, fragments, limits, vars));
  }
  return out;
}
