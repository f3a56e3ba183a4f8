// Validation rules that refuse expensive queries before they run: maximum selection depth and
// a cost estimate in which a list field multiplies its children by its `first` argument.
import { GraphQLError, Kind, type ASTVisitor, type FieldNode, type FragmentDefinitionNode, type SelectionSetNode, type ValidationContext, type ValueNode } from "graphql";

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

export function limitsRule(limits: QueryLimits, variables?: () => Record<string, unknown> | undefined) {
  return (context: ValidationContext): ASTVisitor => {
    const doc = context.getDocument();
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const d of doc.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
    return {
      OperationDefinition(node) {
        const { depth, cost } = measure(node.selectionSet, fragments, variables?.(), 0, new Set());
        if (depth > limits.maxDepth) {
          context.reportError(new GraphQLError(`Query is too deep: depth ${depth} exceeds the limit of ${limits.maxDepth}`, { nodes: [node], extensions: { code: "QUERY_TOO_DEEP" } }));
        }
        if (cost > limits.maxCost) {
          context.reportError(new GraphQLError(`Query is too expensive: estimated cost ${cost} exceeds the limit of ${limits.maxCost}`, { nodes: [node], extensions: { code: "QUERY_TOO_EXPENSIVE" } }));
        }
      },
    };
  };
}
