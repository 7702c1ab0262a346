import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toLineageEdge } from '../../../src/lineage/questions/lineage-node';
import type { LineageNode } from '../../../src/lineage/questions/lineage.type';
import { planRecipe } from '../../../src/lineage/questions/reproduction-plan';
import type { NodeKind } from '../../../src/core/vocabulary';

function node(id: string, kind: NodeKind, properties: Record<string, unknown>, extra: Partial<LineageNode> = {}): LineageNode {
  return {
    id,
    kind,
    label: id,
    fullLabel: id,
    time: null,
    properties,
    isSource: false,
    isLive: null,
    depth: 1,
    hasMoreUpstream: false,
    hasMoreDownstream: false,
    ...extra,
  };
}
const run = (id: string, startedAt: string, extra: Record<string, unknown> = {}) =>
  node(id, 'Run', { runId: id, state: 'COMPLETED', jobName: `job-${id}`, startedAt, ...extra }, { time: new Date(startedAt) });
const version = (id: string, extra: Record<string, unknown> = {}, isSource = false) =>
  node(id, 'DatasetVersion', { namespace: 'ns', name: id, version: '1', uri: `s3://${id}`, digest: `sha256:${id}`, ...extra }, { isSource });
const edge = (source: string, type: 'READ' | 'WROTE' | 'RAN_CODE' | 'CHILD_OF', target: string) => toLineageEdge({ source, type, target });

describe('reproduction plan', () => {
  const model = node('m', 'ModelVersion', { modelName: 'model', version: '3', artifactUri: 's3://models/3', digest: 'sha256:m' }, { depth: 0 });
  const commit = node('c', 'Commit', { repository: 'https://example.com/r', sha: 'abc1234' });
  // dag -> (features, profiles) -> train; features started last but must come before train.
  const nodes = [
    model,
    run('train', '2025-04-01T03:00:00Z'),
    run('dag', '2025-04-01T01:00:00Z'),
    run('profiles', '2025-04-01T01:05:00Z'),
    run('features', '2025-04-01T02:50:00Z'),
    version('fv'),
    version('pv'),
    version('raw', {}, true),
    commit,
  ];
  const edges = [
    edge('train', 'WROTE', 'm'),
    edge('train', 'READ', 'fv'),
    edge('train', 'READ', 'pv'),
    edge('train', 'CHILD_OF', 'dag'),
    edge('features', 'WROTE', 'fv'),
    edge('features', 'READ', 'raw'),
    edge('features', 'CHILD_OF', 'dag'),
    edge('profiles', 'WROTE', 'pv'),
    edge('profiles', 'READ', 'raw'),
    edge('profiles', 'CHILD_OF', 'dag'),
    ...['train', 'dag', 'profiles', 'features'].map((id) => edge(id, 'RAN_CODE', 'c')),
  ];

  it('orders runs so that producers and parents come first, earliest first among the ready ones', () => {
    const plan = planRecipe({ start: model, nodes, edges, truncatedReason: null, parameters: new Map([['train', { eta: 0.1 }]]) });
    assert.deepEqual(
      plan.steps.map((step) => [step.order, step.runId, step.dependsOn]),
      [
        [1, 'dag', []],
        [2, 'profiles', [1]],
        [3, 'features', [1]],
        [4, 'train', [1, 2, 3]],
      ],
    );
    const train = plan.steps[3]!;
    assert.deepEqual(
      train.inputs.map((input) => [input.label, input.producedByStep, input.isSource]),
      [
        ['fv', 3, false],
        ['pv', 2, false],
      ],
    );
    assert.deepEqual(
      train.outputs.map((output) => [output.label, output.uri]),
      [['m', 's3://models/3']],
    );
    assert.deepEqual(train.parameters, { eta: 0.1 });
    assert.equal(train.parentRunId, 'dag');
    assert.deepEqual(
      plan.sources.map((source) => [source.label, source.uri, source.digest, source.producedByStep]),
      [['raw', 's3://raw', 'sha256:raw', null]],
    );
    assert.deepEqual(
      plan.commits.map((c) => c.sha),
      ['abc1234'],
    );
    assert.equal(plan.complete, true);
    assert.deepEqual(plan.gaps, []);
  });

  it('reports what would make a rebuild differ', () => {
    const incomplete = nodes.map((n) =>
      n.id === 'raw' ? version('raw', { digest: undefined }, true) : n.id === 'features' ? run('features', '2025-04-01T02:50:00Z', { state: 'FAILED' }) : n,
    );
    const plan = planRecipe({
      start: model,
      nodes: incomplete,
      edges: edges.filter((e) => !(e.source === 'profiles' && e.type === 'RAN_CODE')),
      truncatedReason: 'DEPTH',
      parameters: new Map(),
    });
    assert.equal(plan.complete, false);
    assert.deepEqual(
      plan.gaps.map((gap) => `${gap.label}: ${gap.problem}`),
      [
        'raw: source has no digest: the bytes read cannot be verified',
        'profiles: no commit is recorded for this run',
        'features: the run is FAILED, not COMPLETED',
        'null: the upstream traversal was cut (DEPTH); raise maxDepth or maxNodes for the full recipe',
      ],
    );
  });

  it('still orders runs caught in a cycle, by time, and says so', () => {
    const a = run('a', '2025-01-02T00:00:00Z');
    const b = run('b', '2025-01-01T00:00:00Z');
    const plan = planRecipe({
      start: model,
      nodes: [model, a, b, version('x'), version('y')],
      edges: [
        edge('a', 'WROTE', 'm'),
        edge('a', 'READ', 'x'),
        edge('b', 'WROTE', 'x'),
        edge('b', 'READ', 'y'),
        edge('a', 'WROTE', 'y'),
        edge('a', 'RAN_CODE', 'c'),
        edge('b', 'RAN_CODE', 'c'),
      ],
      truncatedReason: null,
      parameters: new Map(),
    });
    assert.deepEqual(
      plan.steps.map((step) => step.runId),
      ['b', 'a'],
    );
    assert.deepEqual(
      plan.gaps.map((gap) => `${gap.label}: ${gap.problem}`).filter((g) => g.includes('cycle')),
      [
        'b: the run is part of a dependency cycle; its place in the order is by time only',
        'a: the run is part of a dependency cycle; its place in the order is by time only',
      ],
    );
  });

  it('says when no training run is recorded', () => {
    const plan = planRecipe({ start: model, nodes: [model], edges: [], truncatedReason: null, parameters: new Map() });
    assert.deepEqual(plan.steps, []);
    assert.deepEqual(
      plan.gaps.map((gap) => gap.problem),
      ['no training run is recorded for this model version'],
    );
  });
});
