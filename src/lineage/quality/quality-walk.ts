import type { NodeKind } from '../../core/vocabulary';
import type { EdgeType } from '../../core/vocabulary';
import { KIND_ORDER } from '../questions/lineage-steps';

/**
 * The upstream walk behind the data quality questions (atRisk, Deployment.quality, ModelVersion.quality): a
 * breadth-first walk from many starts at once, each node expanded once however many starts reach it, so that
 * asking about every live deployment costs the union of their provenance, not the sum. Pure: the database is
 * behind `expand`, one level per call.
 *
 * The walk keeps every upstream edge it finds between nodes it admitted, so the shortest path from any one
 * start to any node can be found afterwards by a walk in memory over those edges (`pathsFrom`). That is exact
 * within the depth bound: a node within `maxDepth` hops of some start is within `maxDepth` hops of the nearest
 * start, so the shared walk expanded everything each start's own walk would have.
 */

export interface WalkNode {
  id: string;
  kind: NodeKind;
  /** The database's element id, valid within the walk's transaction. */
  element: string;
  /** Hops from the nearest start. */
  depth: number;
}

/** An upstream edge as crossed: from the downstream node to the upstream one. */
export interface UpstreamEdge {
  type: EdgeType;
  /** True when the relationship points from `from` to `to` in the graph (SERVES, READ, CHILD_OF); false for WROTE. */
  outgoing: boolean;
  from: string;
  to: string;
}

export interface ExpansionRow {
  /** Element id of the node expanded. */
  from: string;
  type: EdgeType;
  outgoing: boolean;
  /** The neighbour upstream. */
  to: string;
  toId: string;
  kind: NodeKind;
}

export interface WalkOptions {
  maxDepth: number;
  maxNodes: number;
  /** Relationships the walk may examine. */
  maxEdges: number;
}

export type WalkCut = 'DEPTH' | 'NODE_BUDGET' | 'EDGE_BUDGET';

/**
 * One level: the upstream relationships of the frontier nodes (by element id), at most `rowLimit` of them.
 * `levelsLeft` says how many more levels the walk may ask for after this one, for an expansion that looks ahead.
 */
export type ExpandLevel = (frontier: readonly string[], rowLimit: number, levelsLeft: number) => Promise<ExpansionRow[]>;

/** What a statement that expands several levels says of each: the nodes it expanded, and their rows (at most its row limit). */
export interface ExpandedLevel {
  expanded: string[];
  rows: ExpansionRow[];
}

/** Expands up to `levels` levels from the frontier (by element id): each level after the first, what the one before reached. */
export type ExpandAhead = (frontier: readonly string[], levels: number, rowLimit: number) => Promise<ExpandedLevel[]>;

/**
 * A level expansion that asks the database for several levels at once and answers the next levels from what it
 * was told, exactly as one statement per level would: a level's rows are its frontier's rows, at most `rowLimit`.
 * A node's rows are kept only from a level that stayed under the row limit (a level at the limit may have cut a
 * node's rows short); a frontier node without kept rows is asked for, with the levels that follow it.
 */
export function expandAhead(fetch: ExpandAhead, levelsPerStatement: number): ExpandLevel {
  const known = new Map<string, ExpansionRow[]>();
  return async (frontier, rowLimit, levelsLeft) => {
    const missing = frontier.filter((element) => !known.has(element));
    if (missing.length > 0) {
      const levels = await fetch(missing, Math.min(levelsPerStatement, levelsLeft + 1), rowLimit);
      for (const [index, level] of levels.entries()) {
        if (level.rows.length >= rowLimit) {
          // This level is cut: the walk stops at it, with any `rowLimit` of its rows.
          if (index === 0) return level.rows;
          break;
        }
        const byNode = new Map<string, ExpansionRow[]>(level.expanded.map((element) => [element, []]));
        for (const row of level.rows) byNode.get(row.from)!.push(row);
        for (const [element, rows] of byNode) known.set(element, rows);
      }
    }
    const rows: ExpansionRow[] = [];
    for (const element of frontier) {
      for (const row of known.get(element) ?? []) {
        if (rows.length >= rowLimit) return rows;
        rows.push(row);
      }
    }
    return rows;
  };
}

export class QualityWalk {
  readonly nodes = new Map<string, WalkNode>();
  /** Upstream edges by the id of their downstream end. */
  readonly upstream = new Map<string, UpstreamEdge[]>();
  cut: WalkCut | null = null;

  constructor(
    readonly starts: readonly WalkNode[],
    readonly options: WalkOptions,
  ) {
    for (const start of starts) this.nodes.set(start.id, start);
  }

  /** Records an edge found between two admitted nodes. */
  addEdge(edge: UpstreamEdge): void {
    const list = this.upstream.get(edge.from);
    if (list) list.push(edge);
    else this.upstream.set(edge.from, [edge]);
  }

  /**
   * Shortest paths (as edges, from the start upstream) from `start` to each of `targets` it reaches within the
   * depth bound. Neighbours are tried in a fixed order (kind in pipeline order, then id), so that among paths of
   * equal length the same one is always chosen.
   */
  pathsFrom(start: string, targets: ReadonlySet<string>): Map<string, UpstreamEdge[]> {
    const reachedBy = new Map<string, UpstreamEdge | null>([[start, null]]);
    const found = new Map<string, UpstreamEdge[]>();
    let frontier = [start];
    for (let depth = 0; frontier.length > 0 && depth <= this.options.maxDepth; depth++) {
      const next: string[] = [];
      for (const id of frontier) {
        if (targets.has(id)) found.set(id, this.pathTo(id, reachedBy));
        if (depth === this.options.maxDepth) continue;
        for (const edge of this.sortedUpstream(id)) {
          if (reachedBy.has(edge.to)) continue;
          reachedBy.set(edge.to, edge);
          next.push(edge.to);
        }
      }
      frontier = next;
    }
    return found;
  }

  private pathTo(id: string, reachedBy: ReadonlyMap<string, UpstreamEdge | null>): UpstreamEdge[] {
    const path: UpstreamEdge[] = [];
    for (let edge = reachedBy.get(id); edge; edge = reachedBy.get(edge.from)) path.unshift(edge);
    return path;
  }

  private readonly sorted = new Set<string>();
  private sortedUpstream(id: string): UpstreamEdge[] {
    const edges = this.upstream.get(id) ?? [];
    if (!this.sorted.has(id)) {
      edges.sort((a, b) => {
        const x = this.nodes.get(a.to)!;
        const y = this.nodes.get(b.to)!;
        return KIND_ORDER[x.kind] - KIND_ORDER[y.kind] || compare(x.id, y.id) || compare(a.type, b.type);
      });
      this.sorted.add(id);
    }
    return edges;
  }
}

/**
 * Walks upstream from the starts until nothing is left, the depth is reached or a budget runs out (`cut` says
 * which). A node found on a level is admitted in a fixed order (kind, then id) while the node budget has room.
 * Whether the depth cut anything is known by expanding the last level once more, without admitting anything.
 */
export async function walkUpstream(starts: readonly WalkNode[], options: WalkOptions, expand: ExpandLevel): Promise<QualityWalk> {
  const walk = new QualityWalk(starts, options);
  const byElement = new Map(starts.map((start) => [start.element, start]));
  let frontier = [...starts];
  let examined = 0;
  for (let depth = 0; frontier.length > 0; depth++) {
    const rowLimit = options.maxEdges - examined;
    const rows = await expand(
      frontier.map((node) => node.element),
      rowLimit + 1,
      options.maxDepth - depth,
    );
    if (depth === options.maxDepth) {
      if (rows.some((row) => !walk.nodes.has(row.toId))) walk.cut ??= 'DEPTH';
      break;
    }
    const edgeCut = rows.length > rowLimit;
    const kept = edgeCut ? rows.slice(0, rowLimit) : rows;
    examined += kept.length;
    const fresh = new Map<string, WalkNode>();
    for (const row of kept) {
      if (!walk.nodes.has(row.toId) && !fresh.has(row.toId)) fresh.set(row.toId, { id: row.toId, kind: row.kind, element: row.to, depth: depth + 1 });
    }
    const ordered = [...fresh.values()].sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || compare(a.id, b.id));
    const room = Math.max(options.maxNodes - walk.nodes.size, 0);
    const admitted = ordered.slice(0, room);
    if (ordered.length > admitted.length) walk.cut ??= 'NODE_BUDGET';
    for (const node of admitted) {
      walk.nodes.set(node.id, node);
      byElement.set(node.element, node);
    }
    for (const row of kept) {
      const from = byElement.get(row.from);
      if (from && walk.nodes.has(row.toId)) walk.addEdge({ type: row.type, outgoing: row.outgoing, from: from.id, to: row.toId });
    }
    if (edgeCut) {
      walk.cut ??= 'EDGE_BUDGET';
      break;
    }
    frontier = admitted;
  }
  return walk;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
