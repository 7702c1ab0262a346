import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { dataOf, errorOf } from '../../support/graphql';
import { LineageFixture } from '../../support/lineage-fixture';
import { startTestService, uniqueNamespace, type TestService } from '../../support/service';
import { buildTwoMonthPipeline } from '../../support/two-month-pipeline';

const GRAPH = `query($from: ID!, $direction: LineageDirection, $depth: Int, $maxNodes: Int, $asOf: DateTimeISO) {
  lineageGraph(from: $from, direction: $direction, depth: $depth, maxNodes: $maxNodes, asOf: $asOf) {
    direction truncated truncatedReason maxDepth maxNodes
    nodes { id kind label depth isSource isLive hasMoreUpstream hasMoreDownstream properties }
    edges { id type source target upstream downstream }
  }
}`;

const PROVENANCE = `query($from: ID!) { provenance(from: $from) { truncated nodes { kind label depth properties } edges { type } } }`;

describe('lineage graph', () => {
  let service: TestService;
  let f: LineageFixture;

  before(async () => {
    service = await startTestService();
    f = new LineageFixture(service, uniqueNamespace('graph'));
    await buildTwoMonthPipeline(f);
  });
  after(async () => {
    await f?.cleanup();
    await service?.stop();
  });

  const graph = async (variables: Record<string, unknown>) => dataOf<any>(await service.graphql(GRAPH, variables)).lineageGraph;
  const flags = (answer: any) => answer.nodes.map((n: any) => `${f.sig(n)} up:${n.hasMoreUpstream} down:${n.hasMoreDownstream}`);

  it('draws a neighbourhood in both directions, with flags saying where to expand next', async () => {
    const answer = await graph({ from: f.version('feat', '1'), depth: 1 });
    assert.equal(answer.direction, 'BOTH');
    assert.deepEqual(flags(answer), ['0 feat@1 up:false down:false', '1 run b1 up:true down:false', '1 run t1 up:true down:true']);
    assert.deepEqual(
      answer.edges
        .map((e: any) => [e.type, e.upstream === f.version('feat', '1') ? 'feat' : e.downstream === f.version('feat', '1') ? 'run>feat' : '?'])
        .sort(),
      [
        ['READ', 'feat'],
        ['WROTE', 'run>feat'],
      ],
    );
    assert.equal(answer.truncated, true);
    assert.equal(answer.truncatedReason, 'DEPTH');
    assert.deepEqual([answer.maxDepth, answer.maxNodes], [1, 100]);
    for (const edge of answer.edges) assert.equal(edge.id, `${edge.source}|${edge.type}|${edge.target}`);
  });

  it('expands one step further from any node', async () => {
    const answer = await graph({ from: f.runNode('t1'), direction: 'UPSTREAM', depth: 1 });
    assert.deepEqual(flags(answer), [
      '0 run t1 up:false down:true',
      '1 run dag1 up:false down:true',
      '1 feat@1 up:true down:false',
      `1 NS/repo@${f.sha('c1').slice(0, 7)} up:false down:true`,
    ]);
  });

  it('enters a job through its runs, a dataset through its versions', async () => {
    const job = await graph({ from: f.job('build'), direction: 'DOWNSTREAM', depth: 1 });
    assert.deepEqual(
      job.nodes.map((n: any) => f.sig(n)),
      ['0 build', '1 run b1', '1 run b2'],
    );
    assert.deepEqual(
      job.edges.map((e: any) => e.type),
      ['RUN_OF', 'RUN_OF'],
    );
    const dataset = await graph({ from: f.dataset('raw'), depth: 2, direction: 'DOWNSTREAM' });
    assert.deepEqual(
      dataset.nodes.map((n: any) => f.sig(n)),
      ['0 raw', '1 raw@1 (source)', '1 raw@2 (source)', '2 run b1', '2 run b2'],
    );
  });

  it('shows deployments live as of the instant asked', async () => {
    const now = await graph({ from: f.model('1'), direction: 'DOWNSTREAM', depth: 1 });
    const then = await graph({ from: f.model('1'), direction: 'DOWNSTREAM', depth: 1, asOf: '2025-01-10T00:00:00Z' });
    assert.deepEqual([now.nodes[1].isLive, then.nodes[1].isLive], [false, true]);
    const before = await graph({ from: f.model('1'), direction: 'DOWNSTREAM', depth: 1, asOf: '2025-01-03T00:00:00Z' });
    assert.deepEqual(
      before.nodes.map((n: any) => f.sig(n)),
      ['0 NS-model@1'],
      'not deployed yet',
    );
  });

  it('keeps within the node budget and says so', async () => {
    const answer = await graph({ from: f.version('feat', '1'), depth: 3, maxNodes: 2 });
    assert.equal(answer.truncatedReason, 'NODE_BUDGET');
    assert.equal(answer.nodes.length, 2);
  });

  it('terminates on cycles: a run that reads what it writes, two runs that are each other’s parent', async () => {
    await f.source('loop', '1', '2025-03-01T00:00:00Z');
    await f.run({ name: 'p', job: 'cyclic', start: '2025-03-02T00:00:00Z', outcome: 'RUNNING' });
    await f.run({ name: 'q', job: 'cyclic', start: '2025-03-02T00:10:00Z', parent: 'p', outcome: 'RUNNING' });
    await f.run({
      name: 'p',
      job: 'cyclic',
      end: '2025-03-02T01:00:00Z',
      parent: 'q',
      inputs: [['loop', '1']],
      outputs: [
        ['loop', '1'],
        ['out', '1'],
      ],
    });

    const loop = await graph({ from: f.version('loop', '1'), depth: 10 });
    assert.deepEqual(
      loop.nodes.map((n: any) => f.sig(n)),
      ['0 loop@1', '1 run p', '2 run q', '2 out@1'],
    );
    assert.deepEqual(loop.edges.map((e: any) => e.type).sort(), ['CHILD_OF', 'CHILD_OF', 'READ', 'WROTE', 'WROTE']);
    assert.equal(loop.truncated, false);

    const provenance = dataOf<any>(await service.graphql(PROVENANCE, { from: f.version('out', '1') })).provenance;
    assert.deepEqual(
      provenance.nodes.map((n: any) => f.sig(n)),
      ['1 run p', '2 run q', '2 loop@1'],
    );
    assert.equal(provenance.truncated, false);
  });

  it('refuses a depth beyond the explorer maximum, naming the limit', async () => {
    const error = errorOf(await service.graphql(GRAPH, { from: f.version('feat', '1'), depth: 21 }), 'LIMIT_EXCEEDED');
    assert.equal(error.extensions?.limit, 'MAX_GRAPH_DEPTH');
    const budget = errorOf(await service.graphql(GRAPH, { from: f.version('feat', '1'), maxNodes: 2001 }), 'LIMIT_EXCEEDED');
    assert.equal(budget.extensions?.limit, 'MAX_GRAPH_NODES');
  });
});
