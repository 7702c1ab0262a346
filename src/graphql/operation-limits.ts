import {
  getNamedType,
  getNullableType,
  isCompositeType,
  isListType,
  isObjectType,
  isInterfaceType,
  Kind,
  type ArgumentNode,
  valueFromAST,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { LimitExceededError } from '../errors';
import type { Limits } from '../limits';

/**
 * Depth, alias and cost limits for GraphQL operations, checked after validation and before anything runs.
 *
 * Cost estimates the objects an operation may resolve: every field returning an object or a list of objects
 * costs one per object it may return, times the objects its parent may return. A list's size is the page size
 * for the `edges`/`nodes` of a connection (`first`, or LIMIT_PAGE_DEFAULT), the length of an id list argument
 * (`nodes(ids:)`), and LIST_ESTIMATE for other lists (a run's inputs, say). Scalars are free: they are
 * properties of an object already fetched. Introspection fields (`__schema`, `__type`) are not counted; the
 * token limit bounds them.
 *
 * A field that walks the graph (a lineage traversal) also costs its node budget, the nodes it may visit: its
 * `nodeBudget` extension names the argument (`maxNodes`) and the budget when none is given. So thirty aliased
 * `impact(maxNodes: 10000)` cost 300,000, not 30 times a list of ten.
 */
export const LIST_ESTIMATE = 10;
/** Selections visited at most; fragments spread repeatedly can describe exponentially many. */
const MAX_VISITS = 100_000;

/** Declared by a field whose work grows with a budget argument (`@Extensions({ nodeBudget: ... })`). */
export interface NodeBudget {
  argument: string;
  /** The budget the field applies when the argument is absent (the settings in force decide it). */
  fallback: (limits: Pick<Limits, 'traversal'>) => number;
}

export interface OperationMeasure {
  depth: number;
  aliases: number;
  cost: number;
  /** True when the operation was too large to measure whole (it is then over the cost limit). */
  truncated: boolean;
}

export interface MeasureOptions {
  defaultPageSize: number;
  /** The traversal settings, for the budget a traversal applies when its query gives none. */
  traversal: Limits['traversal'];
  /** Stop measuring (and report) once any dimension passes these: a crafted document cannot make us walk for ever. */
  stopAt: { depth: number; cost: number; aliases: number };
}

type Variables = Record<string, unknown> | undefined;

export function measureOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Variables,
  options: MeasureOptions,
): OperationMeasure {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const rootType = schema.getRootType(operation.operation);
  const measure: OperationMeasure = { depth: 0, aliases: 0, cost: 0, truncated: false };
  if (!rootType) return measure;

  let visits = 0;
  const over = () => {
    if (visits > MAX_VISITS) measure.truncated = true;
    return measure.truncated || measure.depth > options.stopAt.depth || measure.cost > options.stopAt.cost || measure.aliases > options.stopAt.aliases;
  };

  /** Cost of one object's selection; `pageSize` is set when the object is a connection. */
  const walk = (selectionSet: SelectionSetNode, type: GraphQLCompositeType, depth: number, pageSize: number | undefined, spreads: string[]): number => {
    let cost = 0;
    for (const selection of selectionSet.selections) {
      visits += 1;
      if (over()) return cost;
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        // Validation refuses cycles; the check keeps this walk finite even so.
        if (!fragment || spreads.includes(name)) continue;
        const condition = schema.getType(fragment.typeCondition.name.value);
        cost += walk(fragment.selectionSet, isCompositeType(condition) ? condition : type, depth, pageSize, [...spreads, name]);
        continue;
      }
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : type;
        cost += walk(selection.selectionSet, isCompositeType(condition) ? condition : type, depth, pageSize, spreads);
        continue;
      }
      const name = selection.name.value;
      if (name.startsWith('__')) continue;
      if (selection.alias) measure.aliases += 1;
      const field = fieldOf(type, name);
      if (!field) continue;
      const fieldDepth = depth + 1;
      measure.depth = Math.max(measure.depth, fieldDepth);
      const returned = getNamedType(field.type);
      if (!isCompositeType(returned)) continue;
      const count = isListType(getNullableType(field.type)) ? listSize(field, selection.arguments ?? [], variables, pageSize) : 1;
      const childPageSize = field.args.some((arg) => arg.name === 'first')
        ? (argument(field, selection.arguments ?? [], 'first', variables) ?? options.defaultPageSize)
        : undefined;
      const perObject = selection.selectionSet ? walk(selection.selectionSet, returned, fieldDepth, toCount(childPageSize), spreads) : 0;
      // A traversal weighs its node budget for each object of the parent that asks it (an entity's `impact`, say).
      cost += count * (1 + perObject + nodeBudget(field, selection.arguments ?? [], variables, options));
      measure.cost = Math.max(measure.cost, cost);
    }
    return cost;
  };
  measure.cost = walk(operation.selectionSet, rootType, 0, undefined, []);
  return measure;
}

/** Throws LIMIT_EXCEEDED naming the first limit the operation goes over. */
export function checkOperationLimits(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Variables,
  limits: Pick<Limits, 'graphql' | 'page' | 'traversal'>,
): OperationMeasure {
  const { maxDepth, maxCost, maxAliases } = limits.graphql;
  const measure = measureOperation(schema, document, operation, variables, {
    defaultPageSize: limits.page.defaultSize,
    traversal: limits.traversal,
    stopAt: { depth: maxDepth, cost: maxCost, aliases: maxAliases },
  });
  if (measure.depth > maxDepth) {
    throw new LimitExceededError('LIMIT_GRAPHQL_DEPTH', `the operation nests fields more than ${maxDepth} levels deep`);
  }
  if (measure.aliases > maxAliases) {
    throw new LimitExceededError('LIMIT_GRAPHQL_ALIASES', `the operation uses more than ${maxAliases} aliases`);
  }
  if (measure.truncated) {
    throw new LimitExceededError(
      'LIMIT_GRAPHQL_COST',
      `the operation is too large to estimate (more than ${MAX_VISITS} selections once its fragments are expanded)`,
    );
  }
  if (measure.cost > maxCost) {
    throw new LimitExceededError(
      'LIMIT_GRAPHQL_COST',
      `the operation may resolve about ${measure.cost} objects, more than ${maxCost}; ask for smaller pages or fewer nested lists`,
    );
  }
  return measure;
}

function fieldOf(type: GraphQLCompositeType, name: string): GraphQLField<unknown, unknown> | undefined {
  return isObjectType(type) || isInterfaceType(type) ? type.getFields()[name] : undefined;
}

/** The nodes a traversal field may visit: its budget argument, or the budget it applies without one; 0 for other fields. */
function nodeBudget(field: GraphQLField<unknown, unknown>, args: readonly ArgumentNode[], variables: Variables, limits: Pick<Limits, 'traversal'>): number {
  const budget = field.extensions?.nodeBudget as NodeBudget | undefined;
  if (!budget) return 0;
  return toCount(argument(field, args, budget.argument, variables) ?? budget.fallback(limits)) ?? 0;
}

function listSize(field: GraphQLField<unknown, unknown>, args: readonly ArgumentNode[], variables: Variables, pageSize: number | undefined): number {
  if (pageSize !== undefined) return pageSize;
  for (const arg of field.args) {
    if (isListType(getNullableType(arg.type))) {
      const value = argument(field, args, arg.name, variables);
      if (Array.isArray(value)) return value.length;
    }
  }
  return LIST_ESTIMATE;
}

function argument(field: GraphQLField<unknown, unknown>, args: readonly ArgumentNode[], name: string, variables: Variables): unknown {
  const definition = field.args.find((arg) => arg.name === name);
  const node = args.find((arg) => arg.name.value === name);
  if (!definition || !node) return undefined;
  return valueFromAST(node.value, definition.type, variables as Record<string, unknown> | undefined) ?? undefined;
}

function toCount(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 0;
}
