import { BadInputError, LimitExceededError } from '../../errors';

/**
 * Every traversal is bounded by a depth (hops from the start) and a node budget; the defaults apply when a request
 * names none, the maximums refuse a request that asks for more (LIMIT_EXCEEDED naming the constant), so no query
 * can walk the whole graph by accident. The edge budget bounds the relationships a traversal may examine, which
 * protects against super-nodes (a raw table read by every pipeline) whatever the node budget.
 */
export const TRAVERSAL_LIMITS = {
  /** provenance, impact, reproductionRecipe: hops from the start. */
  DEFAULT_TRAVERSAL_DEPTH: 20,
  MAX_TRAVERSAL_DEPTH: 100,
  /** provenance, impact, reproductionRecipe: nodes in the answer, the start included. */
  DEFAULT_TRAVERSAL_NODES: 1_000,
  MAX_TRAVERSAL_NODES: 10_000,
  /** lineageGraph (an explorer's neighbourhood): hops and nodes. */
  DEFAULT_GRAPH_DEPTH: 2,
  MAX_GRAPH_DEPTH: 20,
  DEFAULT_GRAPH_NODES: 100,
  MAX_GRAPH_NODES: 2_000,
  /** Relationships a traversal may examine, per node of its budget. */
  EDGES_PER_NODE: 10,
  /** Paths listed per node (`paths(first:)`). */
  DEFAULT_PATHS: 1,
  MAX_PATHS: 10,
  /** Hits of `search`. */
  DEFAULT_SEARCH_RESULTS: 20,
  MAX_SEARCH_RESULTS: 100,
  MAX_SEARCH_QUERY_LENGTH: 200,
} as const;

type LimitName = keyof typeof TRAVERSAL_LIMITS;

/**
 * A bounded whole-number argument: the default when absent, BAD_USER_INPUT below `min`, LIMIT_EXCEEDED above the
 * named maximum.
 */
export function boundedArgument(field: string, value: number | null | undefined, fallback: LimitName, maximum: LimitName, min = 1): number {
  if (value === null || value === undefined) return TRAVERSAL_LIMITS[fallback];
  if (!Number.isInteger(value) || value < min) throw new BadInputError(field, `must be a whole number of at least ${min}, got ${value}`);
  const max = TRAVERSAL_LIMITS[maximum];
  if (value > max) throw new LimitExceededError(maximum, `${field} must be at most ${max}, got ${value}`);
  return value;
}

export interface TraversalBounds {
  maxDepth: number;
  maxNodes: number;
}

/** Bounds of provenance, impact and reproduction. */
export function traversalBounds(maxDepth: number | null | undefined, maxNodes: number | null | undefined): TraversalBounds {
  return {
    maxDepth: boundedArgument('maxDepth', maxDepth, 'DEFAULT_TRAVERSAL_DEPTH', 'MAX_TRAVERSAL_DEPTH'),
    maxNodes: boundedArgument('maxNodes', maxNodes, 'DEFAULT_TRAVERSAL_NODES', 'MAX_TRAVERSAL_NODES'),
  };
}

/** Bounds of the explorer graph. */
export function graphBounds(depth: number | null | undefined, maxNodes: number | null | undefined): TraversalBounds {
  return {
    maxDepth: boundedArgument('depth', depth, 'DEFAULT_GRAPH_DEPTH', 'MAX_GRAPH_DEPTH'),
    maxNodes: boundedArgument('maxNodes', maxNodes, 'DEFAULT_GRAPH_NODES', 'MAX_GRAPH_NODES'),
  };
}
