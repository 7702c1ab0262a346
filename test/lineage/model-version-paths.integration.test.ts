import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { dataOf } from '../support/graphql';
import { runEvent } from '../support/openlineage-events';
import { post } from '../support/openlineage-http';
import { startTestService, uniqueNamespace, type TestService } from '../support/service';

const VERSION = `query($model: String!, $version: String!) { modelVersion(model: $model, version: $version) { id createdAt trainingRun { runId } } }`;
const HISTORY = `query($id: ID) { auditTrail(entity: $id, first: 10) { nodes { operation changes { entityId field before after } } } }`;

/**
 * A model version is one thing whichever door it comes in by: registered over GraphQL (registerModelVersion) or
 * reported by its training run through OpenLineage (an output with the lineage_modelVersion facet), the same rules
 * record it. Regressions of the two ways they once disagreed: the GraphQL path kept the registration time while
 * the training run was open, and its audit record listed no first values.
 */
describe('a model version recorded over GraphQL and through OpenLineage', () => {
  let service: TestService;
  const ns = uniqueNamespace('mvpaths');
  const model = `${ns}-model`;
  before(async () => {
    service = await startTestService();
  });
  after(async () => {
    await service?.db.write('cleanup', (tx) =>
      tx.rows(
        `MATCH (n) WHERE n.namespace = $ns OR n.name STARTS WITH $ns OR n.modelName STARTS WITH $ns OR n.runId STARTS WITH $ns
         OPTIONAL MATCH (e:LineageEvent)-[:ABOUT]->(n)
         DETACH DELETE e, n`,
        { ns },
      ),
    );
    await service?.stop();
  });

  /** A training run through OpenLineage that reports model `version` as its output, started and completed. */
  async function trainThroughOpenLineage(version: string, start: string, end: string): Promise<string> {
    const runId = randomUUID();
    const modelOutput = {
      namespace: `${ns}-models`,
      name: `${model}/${version}`,
      facets: {
        lineage_modelVersion: {
          _producer: 'https://lineage.test',
          _schemaURL: 'urn:test',
          name: model,
          version,
          framework: 'xgboost 2.1',
          metrics: { auc: 0.9 },
        },
      },
    };
    for (const [eventType, eventTime] of [
      ['START', start],
      ['COMPLETE', end],
    ] as const) {
      const event = { ...runEvent({ namespace: ns, job: 'train', runId, eventType, eventTime }), outputs: [modelOutput] };
      assert.equal((await post(service, '/api/v1/lineage', event)).status, 201);
    }
    return runId;
  }

  it("takes its training run's end as its creation time when registered while the run is open, like OpenLineage", async () => {
    const runId = `${ns}-open-run`;
    dataOf(
      await service.graphql(`mutation($input: RunInput!) { startRun(input: $input) { id } }`, {
        input: { runId, job: { namespace: ns, name: 'train' }, at: '2025-05-01T08:00:00Z' },
      }),
    );
    const registered = dataOf<any>(
      await service.graphql(`mutation($input: RegisterModelVersionInput!) { registerModelVersion(input: $input) { createdAt } }`, {
        input: { model, version: 'graphql', trainingRunId: runId, framework: 'xgboost 2.1', metrics: { auc: 0.9 } },
      }),
    ).registerModelVersion;
    assert.ok(registered.createdAt > '2025-05-01T08:00:00.000Z', 'while the run is open, it exists from its registration');
    dataOf(await service.graphql(`mutation { completeRun(input: { runId: "${runId}", at: "2025-05-01T09:30:00Z" }) { id } }`));
    const viaGraphQL = dataOf<any>(await service.graphql(VERSION, { model, version: 'graphql' })).modelVersion;
    assert.equal(viaGraphQL.createdAt, '2025-05-01T09:30:00.000Z', "once the run has ended, it exists from the run's end");
    assert.deepEqual(viaGraphQL.trainingRun, { runId });

    const openLineageRun = await trainThroughOpenLineage('openlineage', '2025-05-01T08:00:00Z', '2025-05-01T09:30:00Z');
    const viaOpenLineage = dataOf<any>(await service.graphql(VERSION, { model, version: 'openlineage' })).modelVersion;
    assert.equal(viaOpenLineage.createdAt, viaGraphQL.createdAt, 'the same instant whichever door');
    assert.deepEqual(viaOpenLineage.trainingRun, { runId: openLineageRun });
  });

  it('lists its first values in its audit record, like OpenLineage', async () => {
    dataOf(
      await service.graphql(`mutation($input: RunInput!) { completeRun(input: $input) { id } }`, {
        input: { runId: `${ns}-done`, job: { namespace: ns, name: 'train' }, at: '2025-05-02T09:30:00Z' },
      }),
    );
    const registered = dataOf<any>(
      await service.graphql(`mutation($input: RegisterModelVersionInput!) { registerModelVersion(input: $input) { id } }`, {
        input: { model, version: 'first-graphql', trainingRunId: `${ns}-done`, framework: 'xgboost 2.1', metrics: { auc: 0.9 } },
      }),
    ).registerModelVersion;
    const [record] = dataOf<any>(await service.graphql(HISTORY, { id: registered.id })).auditTrail.nodes;
    assert.equal(record.operation, 'registerModelVersion');
    const firstValues = (changes: any[], id: string) =>
      Object.fromEntries(changes.filter((change) => change.entityId === id).map((change) => [change.field, [change.before, change.after]]));
    assert.deepEqual(firstValues(record.changes, registered.id), {
      createdAt: [null, '2025-05-02T09:30:00.000Z'],
      framework: [null, 'xgboost 2.1'],
      metrics: [null, { auc: 0.9 }],
    });

    await trainThroughOpenLineage('first-openlineage', '2025-05-02T08:00:00Z', '2025-05-02T09:30:00Z');
    const reported = dataOf<any>(await service.graphql(VERSION, { model, version: 'first-openlineage' })).modelVersion;
    const [start] = dataOf<any>(await service.graphql(HISTORY, { id: reported.id })).auditTrail.nodes;
    assert.deepEqual(
      Object.keys(firstValues(start.changes, reported.id)).sort(),
      Object.keys(firstValues(record.changes, registered.id)).sort(),
      'the same fields',
    );
  });
});
