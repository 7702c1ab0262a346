import type { Tx } from '../../db/database';
import { NotFoundError } from '../../errors';
import { KIND_ORDER, type Direction } from './lineage-steps';
import { present, toLineageEdge } from './lineage-node';
import type { LineageEdge, LineageNode, LineagePath } from './lineage.type';
import { TRAVERSAL_LIMITS, type TraversalBounds } from './traversal-limits';
import type { Walk, WalkPlan } from './traversal.repository';
import type { TruncationReason } from '../../core/vocabulary';
import { pendingChecks, settle, traverse, type NodeRef, type Traversal } from './traversal';

/**
 * Runs one bounded walk inside the caller's read transaction and shapes it into answer nodes and edges: the
 * common core of provenance, impact, reproduction and the explorer graph.
 */

export interface WalkRequest {
  start: NodeRef;
  directions: readonly Direction[];
  bounds: TraversalBounds;
  /** ISO-8601 instant the answer is about. */
  asOf: string;
}

export interface LineageAnswer {
  start: LineageNode;
  /** Every node reached, the start first, then by depth, kind and label. */
  nodes: LineageNode[];
  edges: LineageEdge[];
  truncatedReason: TruncationReason | null;
  traversal: Traversal;
}

/**
 * Walks, then describes what it reached, mostly from what the walk's statement reported (TraversalWalk). The start
 * is checked by that description rather than by a statement of its own: NOT_FOUND when no node has the id, or
 * when it did not exist yet at the instant asked.
 */
export async function walkLineage(tx: Tx, repository: { walk(tx: Tx, plan: WalkPlan): Walk }, request: WalkRequest): Promise<LineageAnswer> {
  const options = {
    directions: request.directions,
    maxDepth: request.bounds.maxDepth,
    maxNodes: request.bounds.maxNodes,
    maxEdges: request.bounds.maxNodes * TRAVERSAL_LIMITS.EDGES_PER_NODE,
  };
  const walk = repository.walk(tx, { ...options, start: request.start, asOf: request.asOf });
  const traversal = await traverse(request.start, options, walk.expand);
  const pending = pendingChecks(traversal);
  const described = await walk.describe(
    [...traversal.nodes.values()].map((node) => ({ id: node.id, kind: node.kind, ...pending.get(node.id)! })),
    new Set(traversal.nodes.keys()),
  );
  const start = described.get(request.start.id);
  if (!start) throw new NotFoundError(request.start.kind, request.start.id);
  if (!start.existed) throw new NotFoundError(request.start.kind, `${request.start.id} as of ${request.asOf}`);
  const settled = settle(traversal, described);
  const asOf = new Date(request.asOf);

  const byId = new Map<string, LineageNode>();
  for (const node of settled.values()) {
    const presentation = present(node.kind, described.get(node.id)?.props ?? {}, asOf);
    byId.set(node.id, {
      id: node.id,
      kind: node.kind,
      label: presentation.label,
      fullLabel: presentation.fullLabel,
      time: presentation.time,
      // Not spread: that would read (and so make) the properties of every node, asked for or not.
      get properties() {
        return presentation.properties;
      },
      isLive: presentation.isLive,
      isSource: node.isSource,
      depth: node.depth,
      hasMoreUpstream: node.hasMoreUpstream,
      hasMoreDownstream: node.hasMoreDownstream,
      pathsFrom: (first: number): LineagePath[] =>
        traversal.paths(node.id, first).map((edges) => ({
          nodes: [byId.get(traversal.start.id)!, ...edges.map((edge) => byId.get(edge.to)!)],
          edges: edges.map(toLineageEdge),
        })),
    });
  }
  const nodes = [...byId.values()].sort(answerOrder);
  const edges = [...traversal.edges.values()].map(toLineageEdge).sort((a, b) => compare(a.id, b.id));
  return { start: byId.get(request.start.id)!, nodes, edges, truncatedReason: traversal.truncatedReason, traversal };
}

/** Nearest first; then by kind in pipeline order, label, time and id, so that answers are stable. */
export function answerOrder(a: LineageNode, b: LineageNode): number {
  return (
    (a.depth ?? 0) - (b.depth ?? 0) ||
    KIND_ORDER[a.kind] - KIND_ORDER[b.kind] ||
    compare(a.fullLabel, b.fullLabel) ||
    (a.time?.getTime() ?? 0) - (b.time?.getTime() ?? 0) ||
    compare(a.id, b.id)
  );
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
