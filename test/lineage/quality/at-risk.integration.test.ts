import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { dataOf, errorOf } from '../../support/graphql';
import { buildQualityPipeline, type QualityPipeline } from '../../support/quality-pipeline';
import { startTestService, uniqueNamespace, type TestService } from '../../support/service';

/** atRisk, Deployment.quality and ModelVersion.quality over a pipeline recorded through the front doors. */

const AT_RISK = `query($asOf: DateTimeISO, $environments: [String!], $minSeverity: QualitySeverity, $maxDepth: Int, $maxNodes: Int) {
  atRisk(asOf: $asOf, environments: $environments, minSeverity: $minSeverity, maxDepth: $maxDepth, maxNodes: $maxNodes) {
    asOf liveDeployments checkedVersions truncated truncatedReason maxDepth maxNodes
    deployments {
      deployment { id name environment }
      node { label isLive }
      offending {
        datasetVersion { id label }
        status depth flag { status reason } failedChecks { assertion severity run { runId } }
        path { nodes { kind label depth } edges { type source target upstream downstream } }
      }
    }
  }
}`;

const QUALITY = `query($id: ID!, $asOf: DateTimeISO) {
  node(id: $id) {
    ... on Deployment { quality(asOf: $asOf) { atRisk checkedVersions truncated offending { datasetVersion { label } status depth } } }
    ... on ModelVersion { quality(asOf: $asOf) { atRisk checkedVersions truncated offending { datasetVersion { label } status depth } } }
  }
}`;

describe('which live deployments stand on bad data', () => {
  let service: TestService;
  let pipeline: QualityPipeline;
  let environments: string[];
  const atRisk = async (variables: Record<string, unknown>) => dataOf<any>(await service.graphql(AT_RISK, { environments, ...variables })).atRisk;
  const summary = (answer: any) =>
    answer.deployments.map(
      (d: any) =>
        `${d.deployment.name}/${d.deployment.environment.replace(`${pipeline.prefix}-`, '')}: ${d.offending.map((o: any) => `${o.datasetVersion.label} ${o.status}`).join(', ')}`,
    );

  before(async () => {
    service = await startTestService();
    pipeline = await buildQualityPipeline(service, uniqueNamespace('risk'));
    environments = [pipeline.production, pipeline.staging];
    // A check of raw@v1 fails on 10 January (a warning); raw@v2 is flagged on 10 February.
    await pipeline.check('v1', '2025-01-10T00:00:00Z', [
      { assertion: 'not_null', column: 'amount', success: false, severity: 'warn' },
      { assertion: 'row_count', success: true, severity: 'error' },
    ]);
    dataOf(
      await service.graphql(`mutation($input: FlagDatasetVersionInput!) { flagDatasetVersion(input: $input) { id } }`, {
        input: { id: pipeline.ids.raw2, status: 'SUSPECT', reason: 'late partition', flaggedAt: '2025-02-10T00:00:00Z' },
      }),
    );
  });
  after(async () => {
    await pipeline?.remove();
    await service?.stop();
  });

  it('answers as known at each instant, with the shortest path from each deployment', async () => {
    const beforeCheck = await atRisk({ asOf: '2025-01-08T00:00:00Z' });
    assert.equal(beforeCheck.liveDeployments, 2);
    assert.deepEqual(beforeCheck.deployments, []);
    assert.equal(beforeCheck.truncated, false);

    const january = await atRisk({ asOf: '2025-01-15T00:00:00Z' });
    assert.deepEqual(summary(january), [`api/production: raw@v1 FAILED`, `batch/production: raw@v1 FAILED`]);
    const [api] = january.deployments;
    assert.equal(api.node.isLive, true);
    const [offending] = api.offending;
    assert.equal(offending.depth, 5);
    assert.deepEqual(offending.failedChecks, [{ assertion: 'not_null', severity: 'WARN', run: null }]);
    assert.deepEqual(
      offending.path.nodes.map((node: any) => `${node.depth} ${node.kind}`),
      ['0 DEPLOYMENT', '1 MODEL_VERSION', '2 RUN', '3 DATASET_VERSION', '4 RUN', '5 DATASET_VERSION'],
    );
    assert.deepEqual(
      offending.path.edges.map((edge: any) => edge.type),
      ['SERVES', 'WROTE', 'READ', 'WROTE', 'READ'],
    );
    assert.equal(offending.path.edges[0].source, pipeline.ids.api);
    assert.equal(offending.path.edges.at(-1).upstream, pipeline.ids.raw1);
    assert.equal(offending.datasetVersion.id, pipeline.ids.raw1);

    // A warning does not count when only errors are asked about.
    assert.deepEqual((await atRisk({ asOf: '2025-01-15T00:00:00Z', minSeverity: 'ERROR' })).deployments, []);
    // Nothing in staging yet.
    const stagingOnly = await atRisk({ asOf: '2025-01-15T00:00:00Z', environments: [pipeline.staging] });
    assert.equal(stagingOnly.liveDeployments, 0);
  });

  it('is version-correct: the later good version clears nothing, the flagged one puts only its own models at risk', async () => {
    const february = await atRisk({ asOf: '2025-02-15T00:00:00Z' });
    assert.deepEqual(summary(february), [`api/production: raw@v1 FAILED`, `batch/production: raw@v1 FAILED`, `api/staging: raw@v2 SUSPECT`]);
    const staging = february.deployments[2].offending[0];
    assert.deepEqual(staging.flag, { status: 'SUSPECT', reason: 'late partition' });
    assert.deepEqual(staging.failedChecks, []);
  });

  it('answers for one deployment or model version, and stops where the bounds say', async () => {
    const quality = async (id: string, asOf: string) => dataOf<any>(await service.graphql(QUALITY, { id, asOf })).node.quality;
    const api = await quality(pipeline.ids.api, '2025-02-15T00:00:00Z');
    assert.equal(api.atRisk, true);
    assert.deepEqual(api.offending, [{ datasetVersion: { label: 'raw@v1' }, status: 'FAILED', depth: 5 }]);
    assert.equal(api.checkedVersions, 2);
    const model2 = await quality(pipeline.ids.model2, '2025-02-15T00:00:00Z');
    assert.deepEqual(model2.offending, [{ datasetVersion: { label: 'raw@v2' }, status: 'SUSPECT', depth: 4 }]);
    const model2Before = await quality(pipeline.ids.model2, '2025-02-09T00:00:00Z');
    assert.equal(model2Before.atRisk, false);

    const shallow = await atRisk({ asOf: '2025-01-15T00:00:00Z', maxDepth: 3 });
    assert.equal(shallow.truncated, true);
    assert.equal(shallow.truncatedReason, 'DEPTH');
    assert.deepEqual(shallow.deployments, []);
    const small = await atRisk({ asOf: '2025-02-15T00:00:00Z', maxNodes: 2 });
    assert.equal(small.truncated, true);
    assert.equal(small.truncatedReason, 'NODE_BUDGET');
    errorOf(await service.graphql(AT_RISK, { maxNodes: 100_000_000 }), 'LIMIT_EXCEEDED');
  });

  it('no longer counts failed checks once the version is cleared', async () => {
    dataOf(
      await service.graphql(`mutation($input: FlagDatasetVersionInput!) { flagDatasetVersion(input: $input) { id } }`, {
        input: { id: pipeline.ids.raw1, status: 'CLEARED', reason: 'nulls are legitimate refunds', flaggedAt: '2025-02-20T00:00:00Z' },
      }),
    );
    assert.deepEqual(summary(await atRisk({ asOf: '2025-02-21T00:00:00Z' })), [`api/staging: raw@v2 SUSPECT`]);
    // As known on 15 February, it still was.
    assert.equal((await atRisk({ asOf: '2025-02-15T00:00:00Z' })).deployments.length, 3);
  });
});
