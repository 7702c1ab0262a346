import type { StoredField } from './column-read.repository';

/**
 * A breadth-first walk over column lineage, pure: `expand` answers one level per call (from the levels one walk
 * statement gave, column-walk.repository.ts), this module keeps what must hold across levels. Each field reached is kept once, at its smallest depth; each edge
 * once. Alongside it tracks masking: a field is reached *clean* when some path from a start avoids every masking
 * transformation, and *masked* when every path found passes through one. A field first reached masked and later
 * clean is expanded again, so that cleanness propagates (each field is expanded at most twice per direction).
 *
 * Directions are never mixed: upstream of the start, then only upstream; downstream, only downstream. BOTH is the
 * union of the two walks, not a zig-zag through siblings (a column's siblings are not its lineage).
 */

export type WalkDirection = 'UP' | 'DOWN';

/** One item of a level: a field to expand in a direction, and whether it was reached clean. */
export interface FrontierItem {
  element: string;
  direction: WalkDirection;
}

/** One edge found while expanding `from` (element id) in `direction`; `to` is the field at the far end. */
export interface FieldExpansionRow {
  from: string;
  direction: WalkDirection;
  toElement: string;
  to: StoredField;
  edge: WalkEdge;
}

export interface WalkEdge {
  upstream: string;
  /** A field id, or the owner version's id for scope DATASET. */
  downstream: string;
  scope: 'FIELD' | 'DATASET';
  transformationsJson: string;
  masking: boolean;
}

export type ExpandFields = (frontier: readonly FrontierItem[], rowLimit: number) => Promise<FieldExpansionRow[]>;

export type ColumnTruncation = 'DEPTH' | 'NODE_BUDGET' | 'EDGE_BUDGET';

export interface ColumnWalkOptions {
  directions: readonly WalkDirection[];
  maxDepth: number;
  /** Fields in the answer, the starts included. */
  maxNodes: number;
  /** Relationships the walk may examine. */
  maxEdges: number;
}

export interface WalkedField {
  element: string;
  field: StoredField;
  depth: number;
  /** Reached, in each direction walked, by a path without masking. */
  clean: Map<WalkDirection, boolean>;
}

export interface ColumnWalk {
  fields: Map<string, WalkedField>;
  edges: Map<string, WalkEdge>;
  truncatedReason: ColumnTruncation | null;
}

export function edgeKey(edge: Pick<WalkEdge, 'upstream' | 'downstream'>): string {
  return `${edge.upstream}>${edge.downstream}`;
}

/** Whether every path found to the field was masked (in the directions it was reached in). */
export function isMasked(field: WalkedField): boolean {
  return field.clean.size > 0 && [...field.clean.values()].every((clean) => !clean);
}

/**
 * Walks from the starts (depth 0, clean) until the depth is reached, nothing is left, or a budget runs out;
 * `probe` then tells whether the depth cut anything (one more level, asked for one row).
 */
export async function walkColumns(
  starts: ReadonlyArray<{ element: string; field: StoredField }>,
  options: ColumnWalkOptions,
  expand: ExpandFields,
): Promise<ColumnWalk> {
  const walk: ColumnWalk = { fields: new Map(), edges: new Map(), truncatedReason: null };
  const byElement = new Map<string, WalkedField>();
  let frontier = new Map<string, { item: FrontierItem; clean: boolean }>();
  for (const start of [...starts].sort((a, b) => compare(a.field.id, b.field.id)).slice(0, options.maxNodes)) {
    const walked: WalkedField = { element: start.element, field: start.field, depth: 0, clean: new Map(options.directions.map((d) => [d, true])) };
    walk.fields.set(start.field.id, walked);
    byElement.set(start.element, walked);
    for (const direction of options.directions) frontier.set(`${direction}|${start.element}`, { item: { element: start.element, direction }, clean: true });
  }
  if (starts.length > options.maxNodes) walk.truncatedReason = 'NODE_BUDGET';
  let examined = 0;
  // Fields expanded so far, by direction: expanding one again (it turned clean) finds no edge that is new.
  const expanded = new Set<string>();
  for (let depth = 0; frontier.size > 0 && !walk.truncatedReason; depth++) {
    const items = [...frontier.values()];
    if (depth >= options.maxDepth) {
      // At the depth limit: a neighbour of a field not expanded yet means the depth cut the answer.
      const unexpanded = items.filter(({ item }) => !expanded.has(`${item.direction}|${item.element}`)).map(({ item }) => item);
      if (unexpanded.length > 0 && (await expand(unexpanded, 1)).length > 0) walk.truncatedReason = 'DEPTH';
      break;
    }
    for (const { item } of items) expanded.add(`${item.direction}|${item.element}`);
    const remaining = options.maxEdges - examined;
    const rows = await expand(
      items.map(({ item }) => item),
      remaining + 1,
    );
    const edgeCut = rows.length > remaining;
    const taken = edgeCut ? rows.slice(0, remaining) : rows;
    examined += taken.length;
    const cleanOf = new Map(items.map(({ item, clean }) => [`${item.direction}|${item.element}`, clean]));

    // New fields of this level, admitted in id order within the room the node budget leaves.
    const candidates = new Map<string, FieldExpansionRow>();
    for (const row of taken) if (!byElement.has(row.toElement) && !candidates.has(row.toElement)) candidates.set(row.toElement, row);
    const ordered = [...candidates.values()].sort((a, b) => compare(a.to.id, b.to.id));
    const room = Math.max(options.maxNodes - walk.fields.size, 0);
    for (const row of ordered.slice(0, room)) {
      const walked: WalkedField = { element: row.toElement, field: row.to, depth: depth + 1, clean: new Map() };
      walk.fields.set(row.to.id, walked);
      byElement.set(row.toElement, walked);
    }
    if (ordered.length > room) walk.truncatedReason = 'NODE_BUDGET';

    const next = new Map<string, { item: FrontierItem; clean: boolean }>();
    for (const row of taken) {
      const to = byElement.get(row.toElement);
      if (!to) continue;
      walk.edges.set(edgeKey(row.edge), row.edge);
      const clean = cleanOf.get(`${row.direction}|${row.from}`) === true && !row.edge.masking;
      const before = to.clean.get(row.direction);
      // Expanded further when first reached in this direction, or when it turns clean.
      if (before === undefined || (clean && !before)) {
        to.clean.set(row.direction, clean);
        const key = `${row.direction}|${row.toElement}`;
        next.set(key, { item: { element: row.toElement, direction: row.direction }, clean: clean || next.get(key)?.clean === true });
      }
    }
    if (edgeCut) walk.truncatedReason ??= 'EDGE_BUDGET';
    frontier = next;
  }
  return walk;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
