import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expandAhead, walkUpstream, type ExpandAhead, type ExpandLevel, type ExpansionRow, type WalkOptions } from '../../../src/lineage/quality/quality-walk';

/**
 * The quality walk asks the database for several levels per statement (expandAhead); it must walk exactly as it
 * does with one statement per level, budgets and cuts included. Both run here over the same in-memory upstream
 * graph: node → its upstream rows, in the shape EXPAND returns them (element ids are `e:<id>`).
 */
type Graph = Map<string, ExpansionRow[]>;

function randomGraph(seed: number, nodes: number, fanOut: number): Graph {
  let state = seed;
  const random = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const graph: Graph = new Map();
  for (let i = 0; i < nodes; i++) {
    const rows: ExpansionRow[] = [];
    // Upstream of node i: a few nodes further on (a DAG with shared ancestors, reached at several depths).
    const count = Math.floor(random() * (fanOut + 1));
    for (let k = 0; k < count && i + 1 < nodes; k++) {
      const to = i + 1 + Math.floor(random() * Math.min(12, nodes - i - 1));
      if (rows.some((row) => row.toId === `n${to}`)) continue;
      rows.push({ from: `e:n${i}`, type: 'READ', outgoing: true, to: `e:n${to}`, toId: `n${to}`, kind: to % 2 ? 'Run' : 'DatasetVersion' });
    }
    graph.set(`e:n${i}`, rows);
  }
  return graph;
}

/** One statement per level: the frontier's rows, at most `rowLimit`, in an order the database chose. */
function perLevel(graph: Graph, calls: { count: number }): ExpandLevel {
  return async (frontier, rowLimit) => {
    calls.count++;
    return frontier.flatMap((element) => graph.get(element) ?? []).slice(0, rowLimit);
  };
}

/** What EXPAND does: level 1 the frontier, each further level what the one before reached and it did not expand yet. */
function severalLevels(graph: Graph, calls: { count: number }): ExpandAhead {
  return async (frontier, levels, rowLimit) => {
    calls.count++;
    const expandedHere = new Set<string>();
    const answer = [];
    let current = [...frontier];
    for (let level = 0; level < levels; level++) {
      for (const element of current) expandedHere.add(element);
      const rows = current.flatMap((element) => graph.get(element) ?? []).slice(0, rowLimit);
      answer.push({ expanded: current, rows });
      current = [...new Set(rows.map((row) => row.to))].filter((element) => !expandedHere.has(element));
    }
    return answer;
  };
}

function summary(walk: Awaited<ReturnType<typeof walkUpstream>>) {
  return {
    nodes: [...walk.nodes.values()].map((node) => `${node.id}@${node.depth}`).sort(),
    edges: [...walk.upstream.values()]
      .flat()
      .map((edge) => `${edge.from}>${edge.to}`)
      .sort(),
    cut: walk.cut,
  };
}

describe('the quality walk, several levels per statement', () => {
  const cases: Array<[string, WalkOptions]> = [
    ['nothing cut', { maxDepth: 20, maxNodes: 10_000, maxEdges: 100_000 }],
    ['cut by depth', { maxDepth: 3, maxNodes: 10_000, maxEdges: 100_000 }],
    ['cut by the node budget', { maxDepth: 20, maxNodes: 40, maxEdges: 100_000 }],
    ...[20, 45, 90, 140, 200].map((maxEdges): [string, WalkOptions] => [`cut by an edge budget of ${maxEdges}`, { maxDepth: 20, maxNodes: 10_000, maxEdges }]),
  ];
  for (const [name, options] of cases) {
    it(`walks exactly as one statement per level does: ${name}`, async () => {
      for (let seed = 1; seed <= 30; seed++) {
        const graph = randomGraph(seed, 120, 3);
        const starts = [0, 1, 2, 5].map((i) => ({ id: `n${i}`, kind: 'Deployment' as const, element: `e:n${i}`, depth: 0 }));
        const oneCalls = { count: 0 };
        const aheadCalls = { count: 0 };
        const one = await walkUpstream(starts, options, perLevel(graph, oneCalls));
        for (const levels of [1, 2, 4]) {
          const ahead = await walkUpstream(starts, options, expandAhead(severalLevels(graph, aheadCalls), levels));
          assert.deepEqual(summary(ahead), summary(one), `seed ${seed}, ${levels} levels per statement`);
        }
      }
    });
  }

  it('asks the database about half as often with two levels per statement', async () => {
    // A ladder: each node has the next two upstream, 30 levels deep.
    const graph: Graph = new Map(
      Array.from({ length: 31 }, (_, i): [string, ExpansionRow[]] => [
        `e:n${i}`,
        [i + 1, i + 2].filter((to) => to <= 30).map((to) => ({ from: `e:n${i}`, type: 'READ', outgoing: true, to: `e:n${to}`, toId: `n${to}`, kind: 'Run' })),
      ]),
    );
    const starts = [{ id: 'n0', kind: 'Deployment' as const, element: 'e:n0', depth: 0 }];
    const options = { maxDepth: 20, maxNodes: 10_000, maxEdges: 100_000 };
    const oneCalls = { count: 0 };
    const aheadCalls = { count: 0 };
    const one = await walkUpstream(starts, options, perLevel(graph, oneCalls));
    const ahead = await walkUpstream(starts, options, expandAhead(severalLevels(graph, aheadCalls), 2));
    assert.deepEqual(summary(ahead), summary(one));
    assert.ok(oneCalls.count >= 6, `a deep walk (${oneCalls.count} levels)`);
    assert.ok(aheadCalls.count <= Math.ceil(oneCalls.count / 2) + 1, `${aheadCalls.count} statements for ${oneCalls.count} levels`);
  });

  it('does not keep the rows of a level that reached the row limit: they may have been cut short', async () => {
    const row = (from: string, to: string): ExpansionRow => ({ from, type: 'READ', outgoing: true, to, toId: to, kind: 'Run' });
    const asked: string[][] = [];
    const expand = expandAhead(async (frontier) => {
      asked.push([...frontier]);
      if (frontier[0] === 'a') {
        // Level 2 expands b and x (x seen before by the walk); x's rows fill the limit, b's are cut off.
        return [
          { expanded: ['a'], rows: [row('a', 'b'), row('a', 'x')] },
          { expanded: ['b', 'x'], rows: [row('x', 'p'), row('x', 'q'), row('x', 'r')] },
        ];
      }
      return [{ expanded: frontier as string[], rows: [row('b', 'c')] }];
    }, 2);
    await expand(['a'], 3, 5);
    assert.deepEqual(await expand(['b'], 3, 4), [row('b', 'c')]);
    assert.deepEqual(asked, [['a'], ['b']]);
  });
});
