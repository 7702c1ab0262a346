import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { dataOf, errorOf } from '../../support/graphql';
import { postEach } from '../../support/openlineage-http';
import { buildQualityPipeline, type QualityPipeline } from '../../support/quality-pipeline';
import { startTestService, uniqueNamespace, type TestService } from '../../support/service';

/** Staleness of training data: per model version or deployment, and over every live deployment. */

const STALENESS = `query($id: ID!, $asOf: DateTimeISO) {
  node(id: $id) {
    ... on Deployment { staleness(asOf: $asOf) { ...s } }
    ... on ModelVersion { staleness(asOf: $asOf) { ...s } }
  }
}
fragment s on Staleness {
  asOf trainedAt trainingDataCreatedAt trainingDataAgeSeconds newerVersions modelVersion { version }
  sources { label dataset { name } trainedOnVersion trainedOn { version } newerVersions newestVersion newest { version } newerBySeconds
            trainedOnRowCount newestRowCount rowCountDrift rowCountDriftRatio }
}`;

const STALE = `query($asOf: DateTimeISO, $environments: [String!], $first: Int) {
  staleDeployments(asOf: $asOf, environments: $environments, first: $first) {
    liveDeployments truncated
    deployments { deployment { name environment } staleness { trainingDataCreatedAt trainingDataAgeSeconds newerVersions modelVersion { version } } }
  }
}`;

describe('how stale the training data of models in production is', () => {
  let service: TestService;
  let pipeline: QualityPipeline;
  const staleness = async (id: string, asOf: string) => dataOf<any>(await service.graphql(STALENESS, { id, asOf })).node.staleness;

  before(async () => {
    service = await startTestService();
    pipeline = await buildQualityPipeline(service, uniqueNamespace('stale'));
    // Row counts measured by a profiler (dataQualityMetrics on dataset events naming each version).
    const metrics = (version: string, rowCount: number, at: string) => ({
      eventTime: at,
      producer: 'https://github.com/acme/profiler',
      schemaURL: 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/DatasetEvent',
      dataset: {
        namespace: pipeline.namespace,
        name: 'features',
        facets: { version: { datasetVersion: version }, dataQualityMetrics: { rowCount, columnMetrics: {} } },
      },
    });
    const answers = await postEach(service, [metrics('v1', 1000, '2025-01-02T02:00:00Z'), metrics('v2', 1250, '2025-02-02T02:00:00Z')]);
    assert.deepEqual(
      answers.map((answer) => answer.status),
      [201, 201],
    );
  });
  after(async () => {
    await pipeline?.remove();
    await service?.stop();
  });

  it('says how far each training dataset moved on since, with the row-count drift', async () => {
    const january = await staleness(pipeline.ids.api, '2025-01-15T00:00:00Z');
    assert.equal(january.modelVersion.version, '1');
    assert.equal(january.trainedAt, '2025-01-03T00:00:00.000Z');
    assert.equal(january.trainingDataCreatedAt, '2025-01-02T01:00:00.000Z');
    assert.equal(january.trainingDataAgeSeconds, 12 * 86400 + 23 * 3600);
    assert.equal(january.newerVersions, 0);
    assert.deepEqual(january.sources, [
      {
        label: `${pipeline.namespace}/features`,
        dataset: { name: 'features' },
        trainedOnVersion: 'v1',
        trainedOn: { version: 'v1' },
        newerVersions: 0,
        newestVersion: null,
        newest: null,
        newerBySeconds: null,
        trainedOnRowCount: 1000,
        newestRowCount: null,
        rowCountDrift: null,
        rowCountDriftRatio: null,
      },
    ]);

    const february = await staleness(pipeline.ids.model1, '2025-02-15T00:00:00Z');
    assert.equal(february.newerVersions, 1);
    const [source] = february.sources;
    assert.equal(source.newestVersion, 'v2');
    assert.equal(source.newerBySeconds, 31 * 86400);
    assert.equal(source.newestRowCount, 1250);
    assert.equal(source.rowCountDrift, 250);
    assert.equal(source.rowCountDriftRatio, 0.25);

    // Before the model version existed there is nothing to say.
    assert.equal(await staleness(pipeline.ids.model2, '2025-01-15T00:00:00Z'), null);
  });

  it('lists the live deployments, the one trained on the oldest data first', async () => {
    const answer = dataOf<any>(
      await service.graphql(STALE, { asOf: '2025-02-15T00:00:00Z', environments: [pipeline.production, pipeline.staging] }),
    ).staleDeployments;
    assert.equal(answer.liveDeployments, 3);
    assert.equal(answer.truncated, false);
    assert.deepEqual(
      answer.deployments.map(
        (d: any) =>
          `${d.deployment.name}/${d.deployment.environment.replace(`${pipeline.prefix}-`, '')} @${d.staleness.modelVersion.version} +${d.staleness.newerVersions}`,
      ),
      ['api/production @1 +1', 'batch/production @1 +1', 'api/staging @2 +0'],
    );
    const firstOnly = dataOf<any>(await service.graphql(STALE, { asOf: '2025-02-15T00:00:00Z', environments: [pipeline.staging], first: 1 })).staleDeployments;
    assert.equal(firstOnly.deployments.length, 1);
    errorOf(await service.graphql(STALE, { first: 0 }), 'BAD_USER_INPUT');
  });
});
