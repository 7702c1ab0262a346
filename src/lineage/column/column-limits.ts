import { BadInputError, LimitExceededError } from '../../errors';
import type { Limits } from '../../limits';
import { TRAVERSAL_LIMITS } from '../questions/traversal-limits';

/**
 * Bounds of column walks, like every traversal's: a depth and a node budget with defaults, capped by the
 * operator's LIMIT_TRAVERSAL_DEPTH and LIMIT_TRAVERSAL_NODES (`settings`); the edge budget follows the node budget.
 */
export const COLUMN_LIMITS = {
  /** columnLineage, columnImpact: hops of column edges from the start. */
  DEFAULT_DEPTH: 10,
  /** Fields in the answer, the starts included. */
  DEFAULT_NODES: 1_000,
} as const;

export interface ColumnBounds {
  maxDepth: number;
  maxNodes: number;
  maxEdges: number;
}

export function columnBounds(
  depthField: string,
  depth: number | null | undefined,
  maxNodes: number | null | undefined,
  settings: Limits['traversal'],
): ColumnBounds {
  const nodes = bounded('maxNodes', maxNodes, COLUMN_LIMITS.DEFAULT_NODES, 'LIMIT_TRAVERSAL_NODES', settings.maxNodes);
  return {
    maxDepth: bounded(depthField, depth, COLUMN_LIMITS.DEFAULT_DEPTH, 'LIMIT_TRAVERSAL_DEPTH', settings.maxDepth),
    maxNodes: nodes,
    maxEdges: nodes * TRAVERSAL_LIMITS.EDGES_PER_NODE,
  };
}

function bounded(field: string, value: number | null | undefined, fallback: number, setting: string, max: number): number {
  if (value === null || value === undefined) return Math.min(fallback, max);
  if (!Number.isInteger(value) || value < 1) throw new BadInputError(field, `must be a whole number of at least 1, got ${value}`);
  if (value > max) throw new LimitExceededError(setting, `${field} must be at most ${max}, got ${value}`);
  return value;
}
