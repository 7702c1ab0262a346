import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { dataOf, errorOf } from '../../support/graphql';
import { LineageFixture, NODE_FIELDS } from '../../support/lineage-fixture';
import { startTestService, uniqueNamespace, type TestService } from '../../support/service';
import { buildTwoMonthPipeline } from '../../support/two-month-pipeline';

const IMPACT = `query($from: ID!, $asOf: DateTimeISO, $maxDepth: Int, $maxNodes: Int, $kinds: [LineageNodeKind!]) {
  impact(from: $from, asOf: $asOf, maxDepth: $maxDepth, maxNodes: $maxNodes, kinds: $kinds) {
    start { ${NODE_FIELDS} }
    truncated truncatedReason
    nodes { ${NODE_FIELDS} }
    environments { environment live { ${NODE_FIELDS} } retired { ${NODE_FIELDS} } }
    edges { type source target }
  }
}`;

describe('impact', () => {
  let service: TestService;
  let f: LineageFixture;
  let deployments: Awaited<ReturnType<typeof buildTwoMonthPipeline>>;

  before(async () => {
    service = await startTestService();
    f = new LineageFixture(service, uniqueNamespace('impact'));
    deployments = await buildTwoMonthPipeline(f);
  });
  after(async () => {
    await f?.cleanup();
    await service?.stop();
  });

  const impact = async (variables: Record<string, unknown>) => dataOf<any>(await service.graphql(IMPACT, variables)).impact;
  const environments = (answer: any) =>
    answer.environments.map((group: any) => ({
      environment: group.environment,
      live: group.live.map((n: any) => f.sig({ ...n, depth: null })),
      retired: group.retired.map((n: any) => f.sig({ ...n, depth: null })),
    }));

  it('finds everything made from a dataset version, down to the deployments, live ones by environment', async () => {
    const answer = await impact({ from: f.version('raw', '2') });
    assert.deepEqual(
      answer.nodes.map((n: any) => f.sig(n)),
      ['1 run b2', '2 feat@2', '3 run t2', '4 NS-model@2', '5 NS-api (production, 2025-02-05 00:00)', '5 NS-api (staging, 2025-02-04 00:00)'],
    );
    assert.deepEqual(environments(answer), [
      { environment: 'production', live: ['NS-api (production, 2025-02-05 00:00)'], retired: [] },
      { environment: 'staging', live: [], retired: ['NS-api (staging, 2025-02-04 00:00)'] },
    ]);
    assert.equal(answer.truncated, false);
  });

  it('is version-correct: raw@1 reaches only January’s features, model and deployment', async () => {
    const answer = await impact({ from: f.version('raw', '1') });
    assert.deepEqual(
      answer.nodes.map((n: any) => f.sig(n)),
      ['1 run b1', '2 feat@1', '3 run t1', '4 NS-model@1', '5 NS-api (production, 2025-01-05 00:00)'],
    );
    assert.deepEqual(environments(answer), [{ environment: 'production', live: [], retired: ['NS-api (production, 2025-01-05 00:00)'] }]);
  });

  it('answers as of an instant: what was live then, and only what existed then', async () => {
    const january = await impact({ from: f.version('raw', '1'), asOf: '2025-01-10T00:00:00Z' });
    assert.deepEqual(environments(january), [{ environment: 'production', live: ['NS-api (production, 2025-01-05 00:00)'], retired: [] }]);

    const february = await impact({ from: f.version('raw', '2'), asOf: '2025-02-10T00:00:00Z' });
    assert.deepEqual(environments(february), [
      { environment: 'production', live: ['NS-api (production, 2025-02-05 00:00)'], retired: [] },
      { environment: 'staging', live: ['NS-api (staging, 2025-02-04 00:00)'], retired: [] },
    ]);

    // While the feature build ran: its output did not exist yet, nor anything after it.
    const during = await impact({ from: f.version('raw', '2'), asOf: '2025-02-02T01:30:00Z' });
    assert.deepEqual(
      during.nodes.map((n: any) => f.sig(n)),
      ['1 run b2'],
    );
    assert.equal(during.nodes[0].hasMoreDownstream, false);
    assert.deepEqual(during.environments, []);
  });

  it('from a dataset, starts from all its versions', async () => {
    const answer = await impact({ from: f.dataset('ref'), kinds: ['DATASET_VERSION', 'MODEL_VERSION'] });
    assert.equal(f.sig(answer.start), '0 ref');
    assert.deepEqual(
      answer.nodes.map((n: any) => f.sig(n)),
      ['1 ref@1 (source)', '3 feat@1', '3 feat@2', '5 NS-model@1', '5 NS-model@2'],
    );
    assert.equal(answer.edges.filter((e: any) => e.type === 'VERSION_OF').length, 1);
  });

  it('from a commit, reaches the runs that ran it and what they made, children included', async () => {
    const answer = await impact({ from: f.commit('c1'), kinds: ['RUN', 'MODEL_VERSION', 'DEPLOYMENT'] });
    assert.deepEqual(
      answer.nodes.map((n: any) => f.sig(n)),
      ['1 run b1', '1 run dag1', '1 run t1', '2 NS-model@1', '3 NS-api (production, 2025-01-05 00:00)'],
    );
  });

  it('cuts at the depth limit and says so', async () => {
    const answer = await impact({ from: f.version('raw', '2'), maxDepth: 3 });
    assert.equal(answer.truncatedReason, 'DEPTH');
    assert.deepEqual(
      answer.nodes.map((n: any) => `${f.sig(n)} down:${n.hasMoreDownstream}`),
      ['1 run b2 down:false', '2 feat@2 down:false', '3 run t2 down:true'],
    );
  });

  it('refuses to start from a deployment, which nothing is made from', async () => {
    const error = errorOf(await service.graphql(IMPACT, { from: deployments.production2 }), 'BAD_USER_INPUT');
    assert.match(error.message, /impact starts from a Dataset, DatasetVersion, Commit, Run, ModelVersion, Model or Job; Deployment:\S+ is a Deployment/);
  });
});
