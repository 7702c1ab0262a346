import type { NodeKind } from '../common/ids';
import { KIND_ORDER, type Direction, type EdgeType } from './lineage-steps';

/**
 * A breadth-first walk over the lineage graph, level by level: each level is one statement that expands the whole
 * frontier (see TraversalRepository.expand), and this module keeps what the database cannot keep between
 * statements: the nodes already visited (so cycles terminate and diamonds are visited once), the depth of each
 * node, the edges found, and the budgets. It is pure: the database is behind the `expand` function.
 */

export interface NodeRef {
  id: string;
  kind: NodeKind;
}

export interface ExpansionRequest {
  /** Nodes to expand upstream and downstream. */
  up: readonly NodeRef[];
  down: readonly NodeRef[];
  /** The most rows the statement may return; one more than the remaining edge budget, to detect a cut. */
  rowLimit: number;
}

/** One relationship found while expanding `from` in `direction`; `to` is the neighbour. */
export interface ExpansionRow {
  from: string;
  direction: Direction;
  type: EdgeType;
  /** True when the relationship points from `from` to `to`. */
  outgoing: boolean;
  to: string;
  kind: NodeKind;
}

export type Expand = (request: ExpansionRequest) => Promise<ExpansionRow[]>;

export type TruncationReason = 'DEPTH' | 'NODE_BUDGET' | 'EDGE_BUDGET';

export interface TraversalOptions {
  directions: readonly Direction[];
  maxDepth: number;
  /** Nodes in the answer, the start included. */
  maxNodes: number;
  /** Relationships the walk may examine. */
  maxEdges: number;
}

export interface VisitedNode extends NodeRef {
  depth: number;
  /** Directions in which every neighbour was examined. */
  expanded: Set<Direction>;
  /** Directions in which a neighbour was left out by the node budget. */
  refused: Set<Direction>;
  /** Directions in which at least one neighbour was seen. */
  seen: Set<Direction>;
  /** The edge through which the walk first reached the node (null for the start). */
  reachedBy: TraversedEdge | null;
}

/** An edge as the graph has it (source -type-> target), and as the walk crossed it (from -> to). */
export interface TraversedEdge {
  key: string;
  type: EdgeType;
  source: string;
  target: string;
  from: string;
  to: string;
}

/** Bounds the work of listing paths through diamond-rich graphs; the first path found by the walk always remains. */
const PATH_SEARCH_STEPS = 5_000;

export class Traversal {
  readonly nodes = new Map<string, VisitedNode>();
  /** Each relationship once, keyed by source, type and target. */
  readonly edges = new Map<string, TraversedEdge>();
  private readonly incoming = new Map<string, TraversedEdge[]>();
  private readonly crossings = new Set<string>();
  truncatedReason: TruncationReason | null = null;

  constructor(
    readonly start: NodeRef,
    readonly options: TraversalOptions,
  ) {
    this.visit(start, 0, null);
  }

  visit(node: NodeRef, depth: number, reachedBy: TraversedEdge | null): void {
    this.nodes.set(node.id, { ...node, depth, expanded: new Set(), refused: new Set(), seen: new Set(), reachedBy });
  }

  truncate(reason: TruncationReason): void {
    this.truncatedReason ??= reason;
  }

  /** Records a crossing of a relationship between two visited nodes. */
  cross(row: ExpansionRow): TraversedEdge {
    const source = row.outgoing ? row.from : row.to;
    const target = row.outgoing ? row.to : row.from;
    const key = `${source}|${row.type}|${target}`;
    const edge: TraversedEdge = { key, type: row.type, source, target, from: row.from, to: row.to };
    if (!this.edges.has(key)) this.edges.set(key, edge);
    const crossing = `${key}|${row.from}`;
    if (!this.crossings.has(crossing)) {
      this.crossings.add(crossing);
      this.incoming.set(row.to, [...(this.incoming.get(row.to) ?? []), edge]);
    }
    return edge;
  }

  /**
   * Up to `first` simple paths from the start to `id`, shortest first, as lists of crossed edges; searched
   * backwards through the edges the walk crossed. The start's own path is empty.
   */
  paths(id: string, first: number): TraversedEdge[][] {
    if (id === this.start.id) return [[]];
    const found: TraversedEdge[][] = [];
    const queue: Array<{ node: string; edges: TraversedEdge[]; onPath: Set<string> }> = [{ node: id, edges: [], onPath: new Set([id]) }];
    for (let head = 0; head < queue.length && head < PATH_SEARCH_STEPS && found.length < first; head++) {
      const { node, edges, onPath } = queue[head]!;
      for (const edge of this.incomingOf(node)) {
        if (onPath.has(edge.from)) continue;
        const path = [edge, ...edges];
        if (edge.from === this.start.id) {
          found.push(path);
          if (found.length >= first) break;
        } else {
          queue.push({ node: edge.from, edges: path, onPath: new Set([...onPath, edge.from]) });
        }
      }
    }
    return found.length > 0 ? found : [this.firstPath(id)];
  }

  /** Nodes closer to the start first, so that the shortest paths come out first and in a stable order. */
  private incomingOf(id: string): TraversedEdge[] {
    const edges = this.incoming.get(id) ?? [];
    return [...edges].sort((a, b) => this.nodes.get(a.from)!.depth - this.nodes.get(b.from)!.depth || compare(a.key, b.key));
  }

  /** The path along which the walk first reached a node. */
  private firstPath(id: string): TraversedEdge[] {
    const path: TraversedEdge[] = [];
    for (let edge = this.nodes.get(id)?.reachedBy; edge; edge = this.nodes.get(edge.from)?.reachedBy) path.unshift(edge);
    return path;
  }
}

/**
 * Walks from `start` in the given directions, one level per `expand` call, until the depth is reached, nothing is
 * left to expand, or a budget runs out (then `truncatedReason` says which). Whether the depth cut anything is only
 * known once the last level's nodes are checked for further neighbours (`settle`).
 */
export async function traverse(start: NodeRef, options: TraversalOptions, expand: Expand): Promise<Traversal> {
  const traversal = new Traversal(start, options);
  let frontier: NodeRef[] = [start];
  let examined = 0;
  for (let depth = 0; depth < options.maxDepth && frontier.length > 0; depth++) {
    const remaining = options.maxEdges - examined;
    const rows = await expand({
      up: options.directions.includes('UP') ? frontier : [],
      down: options.directions.includes('DOWN') ? frontier : [],
      rowLimit: remaining + 1,
    });
    const edgeCut = rows.length > remaining;
    const kept = edgeCut ? rows.slice(0, remaining) : rows;
    examined += kept.length;

    const candidates = new Map<string, { node: NodeRef; row: ExpansionRow }>();
    for (const row of kept) {
      if (!traversal.nodes.has(row.to) && !candidates.has(row.to)) candidates.set(row.to, { node: { id: row.to, kind: row.kind }, row });
    }
    const ordered = [...candidates.values()].sort((a, b) => KIND_ORDER[a.node.kind] - KIND_ORDER[b.node.kind] || compare(a.node.id, b.node.id));
    const room = options.maxNodes - traversal.nodes.size;
    const admitted = ordered.slice(0, Math.max(room, 0));
    for (const { node } of admitted) traversal.visit(node, depth + 1, null);
    if (ordered.length > admitted.length) traversal.truncate('NODE_BUDGET');

    for (const row of kept) {
      const from = traversal.nodes.get(row.from)!;
      from.seen.add(row.direction);
      const to = traversal.nodes.get(row.to);
      if (!to) {
        from.refused.add(row.direction);
        continue;
      }
      const edge = traversal.cross(row);
      if (to.depth === depth + 1 && to.reachedBy === null) to.reachedBy = edge;
    }
    if (edgeCut) {
      // Which of the frontier's nodes lost neighbours to the cut is unknown: none counts as expanded.
      traversal.truncate('EDGE_BUDGET');
    } else {
      for (const ref of frontier) for (const direction of options.directions) traversal.nodes.get(ref.id)!.expanded.add(direction);
    }
    frontier = admitted.map(({ node }) => node);
    if (traversal.truncatedReason) break;
  }
  return traversal;
}

/** What a node's neighbourhood looks like beyond the walk: answered by the database for nodes the walk did not expand. */
export interface NeighbourCheck {
  /** A neighbour upstream (downstream) that exists as of the instant and is not in the answer. */
  moreUp: boolean | null;
  moreDown: boolean | null;
  /** For dataset versions: nothing that exists as of the instant produced it. */
  isSource: boolean | null;
}

export interface SettledNode extends VisitedNode {
  hasMoreUpstream: boolean;
  hasMoreDownstream: boolean;
  isSource: boolean;
}

/** Which nodes need the database to say whether they have more neighbours in each direction. */
export function pendingChecks(traversal: Traversal): Map<string, { up: boolean; down: boolean; source: boolean }> {
  const pending = new Map<string, { up: boolean; down: boolean; source: boolean }>();
  for (const node of traversal.nodes.values()) {
    pending.set(node.id, {
      up: !node.expanded.has('UP'),
      down: !node.expanded.has('DOWN'),
      source: node.kind === 'DatasetVersion' && !node.expanded.has('UP'),
    });
  }
  return pending;
}

/**
 * Combines what the walk knows with the database's answers: a node expanded in a direction has more neighbours
 * there only if the budget refused one; otherwise the database said. A node that has more neighbours in a
 * direction the walk follows, while no budget ran out, was cut by the depth.
 */
export function settle(traversal: Traversal, checks: ReadonlyMap<string, NeighbourCheck>): Map<string, SettledNode> {
  const settled = new Map<string, SettledNode>();
  for (const node of traversal.nodes.values()) {
    const check = checks.get(node.id);
    const more = (direction: Direction, answer: boolean | null | undefined) => (node.expanded.has(direction) ? node.refused.has(direction) : answer === true);
    const hasMoreUpstream = more('UP', check?.moreUp);
    const hasMoreDownstream = more('DOWN', check?.moreDown);
    const isSource = node.kind === 'DatasetVersion' && (node.expanded.has('UP') ? !node.seen.has('UP') : check?.isSource === true);
    settled.set(node.id, { ...node, hasMoreUpstream, hasMoreDownstream, isSource });
    const cutHere = (traversal.options.directions.includes('UP') && hasMoreUpstream) || (traversal.options.directions.includes('DOWN') && hasMoreDownstream);
    if (cutHere && node.depth >= traversal.options.maxDepth) traversal.truncate('DEPTH');
  }
  return settled;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
