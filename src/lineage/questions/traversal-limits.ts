import { BadInputError, LimitExceededError } from '../../errors';
import type { Limits } from '../../limits';

/**
 * Every traversal is bounded by a depth (hops from the start) and a node budget; the defaults apply when a request
 * names none, the maximums refuse a request that asks for more (LIMIT_EXCEEDED naming the limit), so no query
 * can walk the whole graph by accident. The operator's settings LIMIT_TRAVERSAL_DEPTH and LIMIT_TRAVERSAL_NODES
 * cap every walk (see src/limits.ts); the constants below cap what a request may ask within them. The edge budget bounds the relationships a traversal may examine, which
 * protects against super-nodes (a raw table read by every pipeline) whatever the node budget.
 */
export const TRAVERSAL_LIMITS = {
  /** provenance, impact, reproductionRecipe: hops from the start (the maximum is LIMIT_TRAVERSAL_DEPTH). */
  DEFAULT_TRAVERSAL_DEPTH: 20,
  /** provenance, impact, reproductionRecipe: nodes in the answer, the start included (maximum LIMIT_TRAVERSAL_NODES). */
  DEFAULT_TRAVERSAL_NODES: 1_000,
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

/**
 * What one lineage question weighs in an operation's cost (LIMIT_GRAPHQL_COST, src/graphql/operation-limits.ts),
 * as `@Extensions(QUESTION_COST)` on each question field: a walk may return up to its node budget, so a list of
 * entities each asking a question costs what a list of that many pages would.
 */
export const QUESTION_COST = { cost: 100 };

type LimitName = keyof typeof TRAVERSAL_LIMITS;

/** A maximum and the name of the limit (setting or constant) that sets it, for the error. */
interface Maximum {
  name: string;
  value: number;
}

const constant = (name: LimitName): Maximum => ({ name, value: TRAVERSAL_LIMITS[name] });

/** The tighter of a constant and an operator's setting; the error names whichever binds. */
function tighter(a: Maximum, b: Maximum): Maximum {
  return b.value < a.value ? b : a;
}

/**
 * A bounded whole-number argument: the default (never above the maximum) when absent, BAD_USER_INPUT below `min`,
 * LIMIT_EXCEEDED above the maximum.
 */
export function boundedArgument(field: string, value: number | null | undefined, fallback: LimitName, maximum: LimitName | Maximum, min = 1): number {
  const max = typeof maximum === 'string' ? constant(maximum) : maximum;
  if (value === null || value === undefined) return Math.min(TRAVERSAL_LIMITS[fallback], max.value);
  if (!Number.isInteger(value) || value < min) throw new BadInputError(field, `must be a whole number of at least ${min}, got ${value}`);
  if (value > max.value) throw new LimitExceededError(max.name, `${field} must be at most ${max.value}, got ${value}`);
  return value;
}

type Settings = Limits['traversal'];
const depthSetting = (settings: Settings): Maximum => ({ name: 'LIMIT_TRAVERSAL_DEPTH', value: settings.maxDepth });
const nodesSetting = (settings: Settings): Maximum => ({ name: 'LIMIT_TRAVERSAL_NODES', value: settings.maxNodes });

export interface TraversalBounds {
  maxDepth: number;
  maxNodes: number;
}

/** Bounds of provenance, impact and reproduction, within the operator's settings. */
export function traversalBounds(maxDepth: number | null | undefined, maxNodes: number | null | undefined, settings: Settings): TraversalBounds {
  return {
    maxDepth: boundedArgument('maxDepth', maxDepth, 'DEFAULT_TRAVERSAL_DEPTH', depthSetting(settings)),
    maxNodes: boundedArgument('maxNodes', maxNodes, 'DEFAULT_TRAVERSAL_NODES', nodesSetting(settings)),
  };
}

/** Bounds of the explorer graph, within the operator's settings. */
export function graphBounds(depth: number | null | undefined, maxNodes: number | null | undefined, settings: Settings): TraversalBounds {
  return {
    maxDepth: boundedArgument('depth', depth, 'DEFAULT_GRAPH_DEPTH', tighter(constant('MAX_GRAPH_DEPTH'), depthSetting(settings))),
    maxNodes: boundedArgument('maxNodes', maxNodes, 'DEFAULT_GRAPH_NODES', tighter(constant('MAX_GRAPH_NODES'), nodesSetting(settings))),
  };
}
