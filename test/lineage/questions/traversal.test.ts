import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stepsFrom, type Direction } from '../../../src/lineage/questions/lineage-steps';
import {
  pendingChecks,
  settle,
  traverse,
  type ExpansionRequest,
  type ExpansionRow,
  type NeighbourCheck,
  type TraversalOptions,
} from '../../../src/lineage/questions/traversal';
import type { NodeKind } from '../../../src/core/vocabulary';

/**
 * The walk against an in-memory graph that follows the same step table as the Cypher: ids are `Kind:name`, edges
 * are [source, type, target] as in the graph model.
 */
type Edge = [string, string, string];

function memoryGraph(edges: Edge[]) {
  const kindOf = (id: string) => id.split(':')[0] as NodeKind;
  const calls: ExpansionRequest[] = [];
  const element = (id: string) => `element:${id}`;
  const neighbours = (id: string, direction: Direction): Array<Omit<ExpansionRow, 'level'>> =>
    stepsFrom(kindOf(id), direction).flatMap((step) =>
      edges
        .filter(([source, type, target]) => type === step.type && (step.outgoing ? source === id : target === id))
        .map(([source, , target]) => (step.outgoing ? target : source))
        .filter((to) => kindOf(to) === step.to)
        .map((to) => ({ from: id, fromElement: element(id), direction, type: step.type, outgoing: step.outgoing, to, toElement: element(to), kind: step.to })),
    );
  /** What the EXPAND statement does: `levels` levels, each from the previous level's nodes not seen before. */
  const expand = async (request: ExpansionRequest): Promise<ExpansionRow[]> => {
    calls.push(request);
    const visited = new Set(request.visited);
    let previous = request.start ? [request.start.id] : request.frontier.map((e) => e.slice('element:'.length));
    const seen = new Set(previous);
    const rows: ExpansionRow[] = [];
    for (let level = 1; level <= request.levels; level++) {
      const levelRows = previous
        .flatMap((id) => [...(request.up ? neighbours(id, 'UP') : []), ...(request.down ? neighbours(id, 'DOWN') : [])])
        .slice(0, request.rowLimit)
        .map((row) => ({ ...row, level }));
      rows.push(...levelRows);
      previous = [...new Set(levelRows.map((row) => row.to))].filter((id) => !visited.has(element(id)) && !seen.has(id)).slice(0, request.room);
      for (const id of previous) seen.add(id);
    }
    return rows;
  };
  /** What the describe query answers: neighbours outside the visited set, and sources. */
  const check = (visited: Set<string>) =>
    new Map<string, NeighbourCheck>(
      [...visited].map((id) => [
        id,
        {
          moreUp: neighbours(id, 'UP').some((row) => !visited.has(row.to)),
          moreDown: neighbours(id, 'DOWN').some((row) => !visited.has(row.to)),
          isSource: neighbours(id, 'UP').length === 0,
        },
      ]),
    );
  return { expand, check, calls, kindOf };
}

const options = (overrides: Partial<TraversalOptions> = {}): TraversalOptions => ({
  directions: ['UP'],
  maxDepth: 20,
  maxNodes: 100,
  maxEdges: 1000,
  ...overrides,
});

// raw -> features (run f) -> model (run t) <- deployment d
const PIPELINE: Edge[] = [
  ['Run:f', 'READ', 'DatasetVersion:raw'],
  ['Run:f', 'WROTE', 'DatasetVersion:features'],
  ['Run:f', 'RAN_CODE', 'Commit:c1'],
  ['Run:t', 'READ', 'DatasetVersion:features'],
  ['Run:t', 'WROTE', 'ModelVersion:m'],
  ['Run:t', 'CHILD_OF', 'Run:dag'],
  ['Deployment:d', 'SERVES', 'ModelVersion:m'],
];

describe('traverse', () => {
  it('walks upstream breadth-first, nearest first, several levels per expansion', async () => {
    const graph = memoryGraph(PIPELINE);
    const traversal = await traverse({ id: 'Deployment:d', kind: 'Deployment' }, options(), graph.expand);
    const depths = Object.fromEntries([...traversal.nodes.values()].map((node) => [node.id, node.depth]));
    assert.deepEqual(depths, {
      'Deployment:d': 0,
      'ModelVersion:m': 1,
      'Run:t': 2,
      'Run:dag': 3,
      'DatasetVersion:features': 3,
      'Run:f': 4,
      'DatasetVersion:raw': 5,
      'Commit:c1': 5,
    });
    assert.deepEqual(
      graph.calls.map((call) => call.levels),
      [5, 5],
      'levels 1-5, then 6 finds nothing more',
    );
    assert.deepEqual(graph.calls[0]!.start, { id: 'Deployment:d', kind: 'Deployment' });
    assert.deepEqual(graph.calls[1]!.frontier, ['element:DatasetVersion:raw', 'element:Commit:c1']);
    assert.equal(traversal.truncatedReason, null);
    assert.deepEqual(
      traversal.paths('DatasetVersion:raw', 5).map((path) => path.map((edge) => edge.to)),
      [['ModelVersion:m', 'Run:t', 'DatasetVersion:features', 'Run:f', 'DatasetVersion:raw']],
    );
  });

  it('walks downstream as the mirror image', async () => {
    const graph = memoryGraph(PIPELINE);
    const traversal = await traverse({ id: 'DatasetVersion:raw', kind: 'DatasetVersion' }, options({ directions: ['DOWN'] }), graph.expand);
    assert.deepEqual([...traversal.nodes.keys()], ['DatasetVersion:raw', 'Run:f', 'DatasetVersion:features', 'Run:t', 'ModelVersion:m', 'Deployment:d']);
  });

  it('terminates on cycles and records the edge that closes them', async () => {
    // A run that read and wrote the same version, and two runs that are each other's parent.
    const graph = memoryGraph([
      ['Run:a', 'READ', 'DatasetVersion:v'],
      ['Run:a', 'WROTE', 'DatasetVersion:v'],
      ['Run:a', 'CHILD_OF', 'Run:b'],
      ['Run:b', 'CHILD_OF', 'Run:a'],
    ]);
    const traversal = await traverse({ id: 'DatasetVersion:v', kind: 'DatasetVersion' }, options(), graph.expand);
    assert.deepEqual([...traversal.nodes.keys()], ['DatasetVersion:v', 'Run:a', 'Run:b']);
    assert.equal(traversal.edges.size, 4, 'WROTE, READ and both CHILD_OF edges');
    assert.equal(traversal.truncatedReason, null);
    assert.equal(graph.calls.length, 1);
  });

  it('lists every path to a node of a diamond, shortest first', async () => {
    // The model's run read the raw version directly and through the features built from it.
    const graph = memoryGraph([...PIPELINE, ['Run:t', 'READ', 'DatasetVersion:raw']]);
    const traversal = await traverse({ id: 'ModelVersion:m', kind: 'ModelVersion' }, options(), graph.expand);
    assert.equal(traversal.nodes.get('DatasetVersion:raw')!.depth, 2);
    const paths = traversal.paths('DatasetVersion:raw', 10).map((path) => path.map((edge) => `${edge.type}>${edge.to}`).join(' '));
    assert.deepEqual(paths, ['WROTE>Run:t READ>DatasetVersion:raw', 'WROTE>Run:t READ>DatasetVersion:features WROTE>Run:f READ>DatasetVersion:raw']);
    assert.equal(traversal.paths('DatasetVersion:raw', 1).length, 1);
    assert.deepEqual(traversal.paths('ModelVersion:m', 3), [[]], 'the start is reached by the empty path');
  });

  it('cuts at the depth and says so once the last level is checked', async () => {
    const graph = memoryGraph(PIPELINE);
    const traversal = await traverse({ id: 'Deployment:d', kind: 'Deployment' }, options({ maxDepth: 2 }), graph.expand);
    assert.deepEqual([...traversal.nodes.keys()], ['Deployment:d', 'ModelVersion:m', 'Run:t']);
    assert.deepEqual(pendingChecks(traversal).get('Run:t'), { up: true, down: true, source: false });
    const settled = settle(traversal, graph.check(new Set(traversal.nodes.keys())));
    assert.equal(settled.get('Run:t')!.hasMoreUpstream, true);
    assert.equal(settled.get('ModelVersion:m')!.hasMoreUpstream, false, 'expanded, and nothing refused');
    assert.equal(traversal.truncatedReason, 'DEPTH');
  });

  it('is not truncated when the depth limit is exactly where lineage ends', async () => {
    const graph = memoryGraph(PIPELINE);
    const traversal = await traverse({ id: 'Deployment:d', kind: 'Deployment' }, options({ maxDepth: 5 }), graph.expand);
    settle(traversal, graph.check(new Set(traversal.nodes.keys())));
    assert.equal(traversal.truncatedReason, null);
    assert.equal(traversal.nodes.size, 8);
  });

  it('keeps the nearest nodes within the node budget, in a stable order, and flags the nodes that lost neighbours', async () => {
    const graph = memoryGraph([
      ['Run:t', 'WROTE', 'ModelVersion:m'],
      ...['a', 'b', 'c', 'd', 'e'].map((name): Edge => ['Run:t', 'READ', `DatasetVersion:${name}`]),
    ]);
    const traversal = await traverse({ id: 'ModelVersion:m', kind: 'ModelVersion' }, options({ maxNodes: 4 }), graph.expand);
    assert.equal(traversal.truncatedReason, 'NODE_BUDGET');
    assert.deepEqual([...traversal.nodes.keys()], ['ModelVersion:m', 'Run:t', 'DatasetVersion:a', 'DatasetVersion:b']);
    const settled = settle(traversal, graph.check(new Set(traversal.nodes.keys())));
    assert.equal(settled.get('Run:t')!.hasMoreUpstream, true);
  });

  it('stops at the edge budget, whatever the node budget', async () => {
    const graph = memoryGraph(['a', 'b', 'c', 'd', 'e'].map((name): Edge => [`Run:${name}`, 'READ', 'DatasetVersion:raw']));
    const traversal = await traverse({ id: 'DatasetVersion:raw', kind: 'DatasetVersion' }, options({ directions: ['DOWN'], maxEdges: 3 }), graph.expand);
    assert.equal(traversal.truncatedReason, 'EDGE_BUDGET');
    assert.equal(traversal.nodes.size, 4);
    assert.equal(graph.calls[0]!.rowLimit, 4, 'asks for one row more than the budget, to detect the cut');
    assert.deepEqual(pendingChecks(traversal).get('DatasetVersion:raw'), { up: true, down: true, source: true }, 'a cut level counts as not expanded');
  });

  it('in both directions, reaches siblings through their shared run', async () => {
    const graph = memoryGraph(PIPELINE);
    const traversal = await traverse(
      { id: 'DatasetVersion:features', kind: 'DatasetVersion' },
      options({ directions: ['UP', 'DOWN'], maxDepth: 2 }),
      graph.expand,
    );
    assert.deepEqual([...traversal.nodes.values()].map((node) => `${node.id}@${node.depth}`).sort(), [
      'Commit:c1@2',
      'DatasetVersion:features@0',
      'DatasetVersion:raw@2',
      'ModelVersion:m@2',
      'Run:dag@2',
      'Run:f@1',
      'Run:t@1',
    ]);
  });

  it('marks dataset versions without a producer as sources', async () => {
    const graph = memoryGraph(PIPELINE);
    const traversal = await traverse({ id: 'Deployment:d', kind: 'Deployment' }, options(), graph.expand);
    const settled = settle(traversal, graph.check(new Set(traversal.nodes.keys())));
    assert.deepEqual(
      [...settled.values()].filter((node) => node.isSource).map((node) => node.id),
      ['DatasetVersion:raw'],
    );
  });
});
