/**
 * Left-to-right layered layout of a lineage graph: data flows from left (upstream) to right (downstream).
 *
 * Columns come from longest-path layering over the data-flow edges (upstream -> downstream); a node nothing flows
 * into (a raw source, a commit, a parent run) is then pulled right next to the first node it feeds, so that a
 * commit sits beside its run rather than in the leftmost column. The focused node's column is x = 0: upstream is
 * negative x, downstream positive. Within a column, a few barycentre sweeps order nodes to keep edges short.
 * Pure: no DOM, no Cytoscape, so that it is cheap to reason about.
 */

export interface LayoutEdge {
  upstream: string;
  downstream: string;
}

export interface Layout {
  positions: Map<string, { x: number; y: number }>;
  column: Map<string, number>;
}

export const COLUMN_GAP = 215;
export const ROW_GAP = 95;

export function layeredLayout(nodeIds: readonly string[], edges: readonly LayoutEdge[], focus: string | null, order: (a: string, b: string) => number): Layout {
  const ids = new Set(nodeIds);
  const preds = new Map<string, string[]>();
  const succs = new Map<string, string[]>();
  for (const id of ids) {
    preds.set(id, []);
    succs.set(id, []);
  }
  for (const edge of edges) {
    if (!ids.has(edge.upstream) || !ids.has(edge.downstream) || edge.upstream === edge.downstream) continue;
    succs.get(edge.upstream)!.push(edge.downstream);
    preds.get(edge.downstream)!.push(edge.upstream);
  }

  // Longest path from the nodes nothing flows into (Kahn's order; lineage is acyclic, but a cycle must not hang).
  const rank = new Map<string, number>();
  const remaining = new Map([...ids].map((id) => [id, preds.get(id)!.length]));
  const queue = [...ids].filter((id) => remaining.get(id) === 0).sort(order);
  const topo: string[] = [];
  while (queue.length > 0) {
    const id = queue.shift()!;
    topo.push(id);
    const r = Math.max(0, ...preds.get(id)!.map((p) => (rank.get(p) ?? -1) + 1));
    rank.set(id, r);
    for (const s of succs.get(id)!) {
      remaining.set(s, remaining.get(s)! - 1);
      if (remaining.get(s) === 0) queue.push(s);
    }
  }
  for (const id of [...ids].sort(order)) {
    if (rank.has(id)) continue;
    rank.set(id, Math.max(0, ...preds.get(id)!.map((p) => (rank.get(p) ?? -1) + 1)));
    topo.push(id);
  }
  // Pull nodes without inputs right, next to the earliest node they feed.
  for (const id of [...topo].reverse()) {
    if (preds.get(id)!.length > 0 || succs.get(id)!.length === 0) continue;
    rank.set(id, Math.min(...succs.get(id)!.map((s) => rank.get(s)!)) - 1);
  }

  const offset = focus !== null && rank.has(focus) ? rank.get(focus)! : 0;
  const columns = new Map<number, string[]>();
  for (const id of [...ids].sort(order)) {
    const c = rank.get(id)! - offset;
    rank.set(id, c);
    if (!columns.has(c)) columns.set(c, []);
    columns.get(c)!.push(id);
  }

  // Barycentre sweeps: order each column by the mean position of its neighbours in the column before (or after).
  const index = new Map<string, number>();
  const reindex = (column: string[]) => column.forEach((id, i) => index.set(id, i - (column.length - 1) / 2));
  const keys = [...columns.keys()].sort((a, b) => a - b);
  keys.forEach((k) => reindex(columns.get(k)!));
  const sweep = (keysInOrder: number[], neighbours: Map<string, string[]>) => {
    for (const k of keysInOrder) {
      const column = columns.get(k)!;
      const centre = (id: string) => {
        const ns = neighbours.get(id)!.filter((n) => index.has(n));
        return ns.length === 0 ? index.get(id)! : ns.reduce((sum, n) => sum + index.get(n)!, 0) / ns.length;
      };
      const scored = column.map((id) => ({ id, score: centre(id) }));
      scored.sort((a, b) => a.score - b.score || order(a.id, b.id));
      columns.set(
        k,
        scored.map((s) => s.id),
      );
      reindex(columns.get(k)!);
    }
  };
  for (let i = 0; i < 3; i++) {
    sweep(keys, preds);
    sweep([...keys].reverse(), succs);
  }

  const positions = new Map<string, { x: number; y: number }>();
  for (const [k, column] of columns) {
    column.forEach((id, i) => positions.set(id, { x: k * COLUMN_GAP, y: (i - (column.length - 1) / 2) * ROW_GAP }));
  }
  return { positions, column: rank };
}
