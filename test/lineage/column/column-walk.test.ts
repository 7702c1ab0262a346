import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isMasked, walkColumns, type FieldExpansionRow, type FrontierItem } from '../../../src/lineage/column/column-walk';
import type { StoredField } from '../../../src/lineage/column/column-read.repository';

/**
 * The column walk against an in-memory set of FEEDS edges `[input, output, masking]`: the database's part (one
 * level of expansion per call) answered from the list, the walk's bookkeeping checked. Field ids are their names.
 */
type Edge = [from: string, to: string, masking: boolean];

function memory(edges: Edge[]) {
  const field = (id: string): StoredField => ({
    id,
    name: id,
    type: null,
    description: null,
    declared: true,
    ownerId: `DatasetVersion:${id}`,
    ownerKind: 'DatasetVersion',
    namespace: 'ns',
    datasetName: 'd',
    modelName: null,
    version: '1',
    createdAt: 0,
  });
  const calls: number[] = [];
  const expand = async (frontier: readonly FrontierItem[], rowLimit: number): Promise<FieldExpansionRow[]> => {
    calls.push(frontier.length);
    const rows = frontier.flatMap((item) =>
      edges
        .filter(([from, to]) => (item.direction === 'UP' ? to === item.element : from === item.element))
        .map(([from, to, masking]) => {
          const far = item.direction === 'UP' ? from : to;
          return {
            from: item.element,
            direction: item.direction,
            toElement: far,
            to: field(far),
            edge: { upstream: from, downstream: to, scope: 'FIELD' as const, transformationsJson: '[]', masking },
          };
        }),
    );
    return rows.slice(0, rowLimit);
  };
  return { expand, calls, start: (id: string) => ({ element: id, field: field(id) }) };
}

const options = { directions: ['DOWN'] as const, maxDepth: 10, maxNodes: 100, maxEdges: 1000 };

describe('the column walk', () => {
  it('marks a field masked only when every path to it masks, re-expanding one that turns clean', async () => {
    // s -> a (masked) -> c;  s -> b -> x -> c (longer but clean);  s -> m (masked) -> n
    const graph = memory([
      ['s', 'a', true],
      ['a', 'c', false],
      ['s', 'b', false],
      ['b', 'x', false],
      ['x', 'c', false],
      ['c', 'd', false],
      ['s', 'm', true],
      ['m', 'n', false],
    ]);
    const walk = await walkColumns([graph.start('s')], options, graph.expand);
    const summary = Object.fromEntries([...walk.fields.values()].map((f) => [f.field.id, `${f.depth}${isMasked(f) ? '!' : ''}`]));
    assert.deepEqual(summary, { s: '0', a: '1!', b: '1', m: '1!', c: '2', x: '2', n: '2!', d: '3' });
    assert.equal(walk.edges.size, 8);
    assert.equal(walk.truncatedReason, null);
  });

  it('says DEPTH only when a field at the limit has a neighbour, and NODE_BUDGET when the budget refused one', async () => {
    const chain = memory([
      ['s', 'a', false],
      ['a', 'b', false],
    ]);
    assert.equal((await walkColumns([chain.start('s')], { ...options, maxDepth: 1 }, chain.expand)).truncatedReason, 'DEPTH');
    assert.equal((await walkColumns([chain.start('s')], { ...options, maxDepth: 2 }, chain.expand)).truncatedReason, null);
    const wide = memory([
      ['s', 'a', false],
      ['s', 'b', false],
      ['s', 'c', false],
    ]);
    const cut = await walkColumns([wide.start('s')], { ...options, maxNodes: 3 }, wide.expand);
    assert.equal(cut.truncatedReason, 'NODE_BUDGET');
    assert.deepEqual([...cut.fields.keys()], ['s', 'a', 'b']);
    const edges = await walkColumns([wide.start('s')], { ...options, maxEdges: 2 }, wide.expand);
    assert.equal(edges.truncatedReason, 'EDGE_BUDGET');
  });

  it('keeps a field reached at two depths at the smaller, and cuts at a level boundary only when more was left', async () => {
    // s -> a -> b -> c, and s -> b: b is at depth 1 (not 2), c at depth 2.
    const graph = memory([
      ['s', 'a', false],
      ['a', 'b', false],
      ['b', 'c', false],
      ['s', 'b', false],
    ]);
    const walk = await walkColumns([graph.start('s')], options, graph.expand);
    assert.deepEqual(Object.fromEntries([...walk.fields.values()].map((f) => [f.field.id, f.depth])), { s: 0, a: 1, b: 1, c: 2 });
    assert.equal(walk.edges.size, 4);
    // The budget filled by the last level: nothing was left out. One less: the last level's field was.
    assert.equal((await walkColumns([graph.start('s')], { ...options, maxNodes: 4 }, graph.expand)).truncatedReason, null);
    const cut = await walkColumns([graph.start('s')], { ...options, maxNodes: 3 }, graph.expand);
    assert.equal(cut.truncatedReason, 'NODE_BUDGET');
    assert.deepEqual([...cut.fields.keys()], ['s', 'a', 'b']);
    // The edge budget spent exactly by a level is no cut either; one edge less is.
    assert.equal((await walkColumns([graph.start('s')], { ...options, maxEdges: 4 }, graph.expand)).truncatedReason, null);
    assert.equal((await walkColumns([graph.start('s')], { ...options, maxEdges: 3 }, graph.expand)).truncatedReason, 'EDGE_BUDGET');
  });

  it('walks both directions without zig-zagging through siblings', async () => {
    // u -> s -> d, and u -> sibling: the sibling is downstream of what is upstream, not lineage of s.
    const graph = memory([
      ['u', 's', false],
      ['s', 'd', false],
      ['u', 'sibling', false],
    ]);
    const walk = await walkColumns([graph.start('s')], { ...options, directions: ['UP', 'DOWN'] }, graph.expand);
    assert.deepEqual([...walk.fields.keys()].sort(), ['d', 's', 'u']);
  });

  it('terminates on a cycle', async () => {
    const graph = memory([
      ['s', 'a', false],
      ['a', 'b', false],
      ['b', 's', false],
    ]);
    const walk = await walkColumns([graph.start('s')], options, graph.expand);
    assert.deepEqual([...walk.fields.keys()], ['s', 'a', 'b']);
    assert.equal(walk.edges.size, 3);
    assert.ok(graph.calls.length <= 4, `${graph.calls.length} calls`);
  });
});
