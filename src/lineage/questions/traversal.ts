import { isStep, KIND_ORDER, type Direction } from './lineage-steps';
import type { EdgeType, NodeKind, TruncationReason } from '../../core/vocabulary';

/**
 * A breadth-first walk over the lineage graph. The database expands several levels per statement (see
 * TraversalRepository.expand: each level expands the whole frontier, skipping what was seen), and this module
 * keeps what must hold across the walk: the nodes visited (so cycles terminate and diamonds are visited once), the
 * depth of each node, the edges found, the budgets and which nodes they cut. It is pure: the database is behind
 * the `expand` function, which answers exactly as one level per call would, only in fewer round trips.
 */

export interface NodeRef {
  id: string;
  kind: NodeKind;
}

export interface ExpansionRequest {
  /** The start (global id and kind) on the first call; afterwards null. */
  start: NodeRef | null;
  /** Element ids of the nodes to expand (empty on the first call). */
  frontier: readonly string[];
  /** Element ids of every node visited so far: never expanded again. */
  visited: readonly string[];
  /** How many levels to expand in this call. */
  levels: number;
  up: boolean;
  down: boolean;
  /** The most rows per level; one more than the remaining edge budget, to detect a cut. */
  rowLimit: number;
  /** The most new nodes per level worth expanding further: one more than the room left in the node budget. */
  room: number;
}

/** One relationship found at `level` (1-based within the call) while expanding `from` in `direction`; `to` is the neighbour. */
export interface ExpansionRow {
  level: number;
  from: string;
  /** Only on level 1, where `from` may be the start, whose element id the walk does not know yet. */
  fromElement: string | null;
  direction: Direction;
  type: EdgeType;
  /** True when the relationship points from `from` to `to`. */
  outgoing: boolean;
  to: string;
  toElement: string;
  kind: NodeKind;
}

export type Expand = (request: ExpansionRequest) => Promise<ExpansionRow[]>;

/**
 * Levels the database expands per statement: fewer round trips (a round trip costs 2.5 ms on a quiet machine here
 * and 10 to 20 ms on a busy one), at the price of some work past a budget cut and of a larger statement to plan
 * (traversal.repository.ts keeps it small).
 */
export const LEVELS_PER_STATEMENT = 5;

export interface TraversalOptions {
  directions: readonly Direction[];
  maxDepth: number;
  /** Nodes in the answer, the start included. */
  maxNodes: number;
  /** Relationships the walk may examine. */
  maxEdges: number;
}

export interface VisitedNode extends NodeRef {
  /** The database's element id, valid within the walk's transaction. */
  element: string | null;
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

  visit(node: NodeRef, depth: number, reachedBy: TraversedEdge | null, element: string | null = null): void {
    this.nodes.set(node.id, { id: node.id, kind: node.kind, element, depth, expanded: new Set(), refused: new Set(), seen: new Set(), reachedBy });
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
      const incoming = this.incoming.get(row.to);
      if (incoming) incoming.push(edge);
      else this.incoming.set(row.to, [edge]);
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
 * Walks from `start` in the given directions until the depth is reached, nothing is left to expand, or a budget
 * runs out (then `truncatedReason` says which). Each call to `expand` returns up to LEVELS_PER_STATEMENT levels;
 * they are taken one at a time, exactly as if each had been a call of its own. Whether the depth cut anything is
 * only known once the last level's nodes are checked for further neighbours (`settle`).
 */
export async function traverse(start: NodeRef, options: TraversalOptions, expand: Expand): Promise<Traversal> {
  const traversal = new Traversal(start, options);
  let frontier: NodeRef[] = [start];
  let examined = 0;
  let depth = 0;
  while (depth < options.maxDepth && frontier.length > 0 && !traversal.truncatedReason) {
    const levels = Math.min(LEVELS_PER_STATEMENT, options.maxDepth - depth);
    const rows = await expand({
      start: depth === 0 ? start : null,
      frontier: depth === 0 ? [] : frontier.map((ref) => traversal.nodes.get(ref.id)!.element!),
      visited: [...traversal.nodes.values()].flatMap((node) => (node.element ? [node.element] : [])),
      levels,
      up: options.directions.includes('UP'),
      down: options.directions.includes('DOWN'),
      rowLimit: options.maxEdges - examined + 1,
      room: options.maxNodes - traversal.nodes.size + 1,
    });
    const byLevel = new Map<number, ExpansionRow[]>();
    for (const row of rows) {
      const levelRows = byLevel.get(row.level);
      if (levelRows) levelRows.push(row);
      else byLevel.set(row.level, [row]);
    }
    for (let level = 1; level <= levels && frontier.length > 0 && !traversal.truncatedReason; level++) {
      const remaining = options.maxEdges - examined;
      const levelRows = byLevel.get(level) ?? [];
      const edgeCut = levelRows.length > remaining;
      examined += Math.min(levelRows.length, remaining);
      frontier = walkLevel(traversal, frontier, edgeCut ? levelRows.slice(0, remaining) : levelRows, depth, edgeCut);
      depth++;
    }
  }
  return traversal;
}

/** One level of the walk: admits the new neighbours of the frontier within the node budget; returns them. */
function walkLevel(traversal: Traversal, frontier: readonly NodeRef[], levelRows: readonly ExpansionRow[], depth: number, edgeCut: boolean): NodeRef[] {
  const { options } = traversal;
  const rows = levelRows.filter((row) => {
    const from = traversal.nodes.get(row.from);
    if (from && !from.element) from.element = row.fromElement;
    return from !== undefined && isStep(from.kind, row.direction, row.type, row.outgoing, row.kind);
  });
  const candidates = new Map<string, { node: NodeRef; element: string }>();
  for (const row of rows) {
    if (!traversal.nodes.has(row.to) && !candidates.has(row.to)) candidates.set(row.to, { node: { id: row.to, kind: row.kind }, element: row.toElement });
  }
  const ordered = [...candidates.values()].sort((a, b) => KIND_ORDER[a.node.kind] - KIND_ORDER[b.node.kind] || compare(a.node.id, b.node.id));
  const room = options.maxNodes - traversal.nodes.size;
  const admitted = ordered.slice(0, Math.max(room, 0));
  for (const { node, element } of admitted) traversal.visit(node, depth + 1, null, element);
  if (ordered.length > admitted.length) traversal.truncate('NODE_BUDGET');

  for (const row of rows) {
    const from = traversal.nodes.get(row.from);
    if (!from) continue;
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
  return admitted.map(({ node }) => node);
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
  const walksUp = traversal.options.directions.includes('UP');
  const walksDown = traversal.options.directions.includes('DOWN');
  for (const node of traversal.nodes.values()) {
    const check = checks.get(node.id);
    const hasMoreUpstream = more(node, 'UP', check?.moreUp);
    const hasMoreDownstream = more(node, 'DOWN', check?.moreDown);
    const isSource = node.kind === 'DatasetVersion' && (node.expanded.has('UP') ? !node.seen.has('UP') : check?.isSource === true);
    // Field by field rather than spread: one shape for every node, which V8 builds several times faster.
    const { id, kind, element, depth, expanded, refused, seen, reachedBy } = node;
    settled.set(id, { id, kind, element, depth, expanded, refused, seen, reachedBy, hasMoreUpstream, hasMoreDownstream, isSource });
    const cutHere = (walksUp && hasMoreUpstream) || (walksDown && hasMoreDownstream);
    if (cutHere && node.depth >= traversal.options.maxDepth) traversal.truncate('DEPTH');
  }
  return settled;
}

function more(node: VisitedNode, direction: Direction, answer: boolean | null | undefined): boolean {
  return node.expanded.has(direction) ? node.refused.has(direction) : answer === true;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
