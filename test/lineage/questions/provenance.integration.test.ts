import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { QueryEvent } from '../../../src/db/database';
import { dataOf, errorOf } from '../../support/graphql';
import { LineageFixture, NODE_FIELDS } from '../../support/lineage-fixture';
import { startTestService, uniqueNamespace, type TestService } from '../../support/service';
import { buildTwoMonthPipeline } from '../../support/two-month-pipeline';

const PROVENANCE = `query($from: ID!, $asOf: DateTimeISO, $maxDepth: Int, $maxNodes: Int, $kinds: [LineageNodeKind!]) {
  provenance(from: $from, asOf: $asOf, maxDepth: $maxDepth, maxNodes: $maxNodes, kinds: $kinds) {
    start { ${NODE_FIELDS} }
    asOf truncated truncatedReason maxDepth maxNodes
    nodes { ${NODE_FIELDS} paths(first: 3) { nodes { kind label properties } edges { type } } }
    sources { ${NODE_FIELDS} }
    edges { type source target upstream downstream }
  }
}`;

describe('provenance', () => {
  let service: TestService;
  let f: LineageFixture;
  let deployments: Awaited<ReturnType<typeof buildTwoMonthPipeline>>;

  before(async () => {
    service = await startTestService();
    f = new LineageFixture(service, uniqueNamespace('prov'));
    deployments = await buildTwoMonthPipeline(f);
  });
  after(async () => {
    await f?.cleanup();
    await service?.stop();
  });

  const provenance = async (variables: Record<string, unknown>) => dataOf<any>(await service.graphql(PROVENANCE, variables)).provenance;

  it('traces a model version to its run, data, code and parent, transitively to the raw sources', async () => {
    const answer = await provenance({ from: f.model('2') });
    assert.equal(f.sig(answer.start), '0 NS-model@2');
    assert.deepEqual(
      answer.nodes.map((n: any) => f.sig(n)),
      ['1 run t2', '2 run dag2', '2 feat@2', `2 NS/repo@${f.sha('c2').slice(0, 7)}`, '3 run b2', '4 raw@2 (source)', '4 ref@1 (source)'],
    );
    assert.deepEqual(
      answer.sources.map((n: any) => f.sig(n)),
      ['4 raw@2 (source)', '4 ref@1 (source)'],
    );
    assert.equal(answer.truncated, false);
    assert.equal(answer.truncatedReason, null);
    assert.deepEqual([answer.maxDepth, answer.maxNodes], [20, 1000]);
    // t2 WROTE the model, READ feat@2, RAN_CODE c2, CHILD_OF dag2; dag2 RAN_CODE c2; b2 WROTE feat@2, READ raw@2 and
    // ref@1, RAN_CODE c2, CHILD_OF dag2.
    assert.equal(answer.edges.length, 10);
    const wrote = answer.edges.find((e: any) => e.type === 'WROTE' && e.target === f.version('feat', '2'));
    assert.deepEqual(wrote, {
      type: 'WROTE',
      source: f.runNode('b2'),
      target: f.version('feat', '2'),
      upstream: f.runNode('b2'),
      downstream: f.version('feat', '2'),
    });
    const read = answer.edges.find((e: any) => e.type === 'READ' && e.target === f.version('raw', '2'));
    assert.deepEqual([read.upstream, read.downstream], [f.version('raw', '2'), f.runNode('b2')]);
  });

  it('is version-correct: version 2 traces to raw@2, never to raw@1, though the same jobs built both', async () => {
    const two = await provenance({ from: f.model('2') });
    const one = await provenance({ from: f.model('1') });
    const labels = (answer: any) => answer.nodes.map((n: any) => f.sig({ ...n, depth: null }));
    assert.ok(!labels(two).some((label: string) => label.includes('raw@1') || label.includes('feat@1') || label === 'run b1'));
    assert.deepEqual(
      one.sources.map((n: any) => n.label),
      ['raw@1', 'ref@1'],
    );
    assert.deepEqual(labels(one), ['run t1', 'run dag1', 'feat@1', `NS/repo@${f.sha('c1').slice(0, 7)}`, 'run b1', 'raw@1 (source)', 'ref@1 (source)']);
  });

  it('says why each node is there: its paths from the start, shortest first', async () => {
    const answer = await provenance({ from: deployments.production2 });
    const commit = answer.nodes.find((n: any) => n.kind === 'COMMIT');
    assert.equal(commit.depth, 3);
    assert.deepEqual(
      commit.paths.map((path: any) => path.nodes.map((n: any) => f.sig({ ...n, depth: null })).join(' > ')),
      [
        `NS-api (production, 2025-02-05 00:00) > NS-model@2 > run t2 > NS/repo@${f.sha('c2').slice(0, 7)}`,
        `NS-api (production, 2025-02-05 00:00) > NS-model@2 > run t2 > run dag2 > NS/repo@${f.sha('c2').slice(0, 7)}`,
        `NS-api (production, 2025-02-05 00:00) > NS-model@2 > run t2 > feat@2 > run b2 > NS/repo@${f.sha('c2').slice(0, 7)}`,
      ],
    );
    assert.deepEqual(
      commit.paths[0].edges.map((e: any) => e.type),
      ['SERVES', 'WROTE', 'RAN_CODE'],
    );
  });

  it('answers as of an instant: a deployment traces to what its model was trained on', async () => {
    const january = await provenance({ from: deployments.production1, asOf: '2025-01-10T00:00:00Z' });
    assert.equal(january.asOf, '2025-01-10T00:00:00.000Z');
    assert.equal(january.start.isLive, true, 'live on 10 January');
    assert.deepEqual(
      january.sources.map((n: any) => n.label),
      ['raw@1', 'ref@1'],
    );
    const now = await provenance({ from: deployments.production1 });
    assert.equal(now.start.isLive, false, 'retired when version 2 was deployed');
  });

  it('refuses an instant before the start existed', async () => {
    const body = await service.graphql(PROVENANCE, { from: deployments.production2, asOf: '2025-01-10T00:00:00Z' });
    const error = errorOf(body, 'NOT_FOUND');
    assert.match(error.message, /^Deployment Deployment:\S+ as of 2025-01-10T00:00:00.000Z does not exist$/);
    // Model version 2 exists from its training run's end (04:00), not from its start.
    errorOf(await service.graphql(PROVENANCE, { from: f.model('2'), asOf: '2025-02-02T03:30:00Z' }), 'NOT_FOUND');
    const justAfter = await provenance({ from: f.model('2'), asOf: '2025-02-02T04:00:00Z' });
    assert.equal(justAfter.sources.length, 2);
  });

  it('lists only the kinds asked for, still walking through the others', async () => {
    const answer = await provenance({ from: deployments.production2, kinds: ['DATASET_VERSION'] });
    assert.deepEqual(
      answer.nodes.map((n: any) => f.sig(n)),
      ['3 feat@2', '5 raw@2 (source)', '5 ref@1 (source)'],
    );
    assert.equal(answer.edges.length, 11, 'edges still describe the whole walk');
  });

  it('cuts at the depth limit, says so, and flags where more lies beyond', async () => {
    const answer = await provenance({ from: f.model('2'), maxDepth: 2 });
    assert.equal(answer.truncated, true);
    assert.equal(answer.truncatedReason, 'DEPTH');
    assert.deepEqual(
      answer.nodes.map((n: any) => `${f.sig(n)} up:${n.hasMoreUpstream}`),
      ['1 run t2 up:false', '2 run dag2 up:false', '2 feat@2 up:true', `2 NS/repo@${f.sha('c2').slice(0, 7)} up:false`],
    );
    const enough = await provenance({ from: f.model('2'), maxDepth: 4 });
    assert.equal(enough.truncated, false, 'depth 4 reaches the sources exactly');
  });

  it('keeps the nearest nodes within the node budget and says so', async () => {
    const answer = await provenance({ from: f.model('2'), maxNodes: 3 });
    assert.equal(answer.truncatedReason, 'NODE_BUDGET');
    assert.deepEqual(
      answer.nodes.map((n: any) => f.sig(n)),
      ['1 run t2', '2 run dag2'],
    );
    assert.equal(answer.nodes[0].hasMoreUpstream, true, 'the run lost neighbours to the budget');
  });

  it('costs one statement whatever the depth: the walk describes what it reaches', async () => {
    const statementsAt = async (maxDepth: number) => {
      const events: QueryEvent[] = [];
      const stop = service.db.onQuery((event) => events.push(event));
      try {
        const answer = await provenance({ from: deployments.production2, maxDepth });
        return { statements: events.filter((event) => event.transaction === 'provenance').length, nodes: answer.nodes.length };
      } finally {
        stop();
      }
    };
    // The walk within the depth, nearest first, with each node's properties, relationships and a sample of its
    // downstream neighbours (src/lineage/questions/traversal.repository.ts); it was three statements at depth 20
    // (levels 1-5, level 6, the description) before the walk became one breadth-first expand.
    const shallow = await statementsAt(2);
    const deep = await statementsAt(20);
    assert.ok(deep.nodes > shallow.nodes, `the deeper answer is larger (${shallow.nodes} and ${deep.nodes} nodes)`);
    assert.deepEqual([shallow.statements, deep.statements], [1, 1]);
  });

  it('refuses what it cannot start from, ids that match nothing and bounds beyond the maximum', async () => {
    const kind = errorOf(await service.graphql(PROVENANCE, { from: f.commit('c1') }), 'BAD_USER_INPUT');
    assert.equal(kind.extensions?.field, 'from');
    assert.match(kind.message, /provenance starts from a Deployment, ModelVersion, DatasetVersion, Run, Dataset, Model or Job; Commit:\S+ is a Commit/);
    const garbage = errorOf(await service.graphql(PROVENANCE, { from: 'features@v2' }), 'BAD_USER_INPUT');
    assert.match(garbage.message, /is not a global id/);
    const missing = errorOf(await service.graphql(PROVENANCE, { from: f.version('nothing', '1') }), 'NOT_FOUND');
    assert.equal(missing.extensions?.ref, f.version('nothing', '1'));
    const deep = errorOf(await service.graphql(PROVENANCE, { from: f.model('2'), maxDepth: 101 }), 'LIMIT_EXCEEDED');
    assert.equal(deep.extensions?.limit, 'LIMIT_TRAVERSAL_DEPTH');
    assert.match(deep.message, /maxDepth must be at most 100, got 101/);
    const wide = errorOf(await service.graphql(PROVENANCE, { from: f.model('2'), maxNodes: 10_001 }), 'LIMIT_EXCEEDED');
    assert.equal(wide.extensions?.limit, 'LIMIT_TRAVERSAL_NODES');
    const zero = errorOf(await service.graphql(PROVENANCE, { from: f.model('2'), maxNodes: 0 }), 'BAD_USER_INPUT');
    assert.equal(zero.extensions?.field, 'maxNodes');
  });
});
