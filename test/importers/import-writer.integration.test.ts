import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ImportWriter } from '../../src/importers/common/import-writer';
import { mapMlflow } from '../../src/importers/mlflow/mlflow.mapper';
import type { MlflowSnapshot } from '../../src/importers/mlflow/mlflow.types';
import { dataOf } from '../support/graphql';
import { removeIsolated } from '../support/openlineage-isolation';
import { startTestService, uniqueNamespace, type TestService } from '../support/service';

/**
 * The import writer against the real Neo4j, from an MLflow snapshot (no MLflow needed): it records through the
 * services, an unchanged plan writes nothing and appends no audit record, and a moved alias becomes a deployment
 * that retires the previous one. The end-to-end test does the same with the real tools.
 */
describe('the import writer', () => {
  let service: TestService;
  const prefix = uniqueNamespace('impw');
  const model = `${prefix}-fraud`;
  const actor = `import-writer-${prefix}`;
  const context = { actor, source: 'cli' as const };
  const snapshot = (alias: string): MlflowSnapshot => ({
    trackingUrl: `http://${prefix}.example:5000`,
    experiments: [{ experiment_id: '1', name: 'fraud' }],
    runs: ['1', '2'].map((n) => ({
      info: {
        run_id: `${prefix}-run-${n}`,
        experiment_id: '1',
        status: 'FINISHED' as const,
        start_time: 1767225600000 + Number(n) * 3_600_000,
        end_time: 1767225600000 + Number(n) * 3_600_000 + 60_000,
      },
      data: { params: [{ key: 'lr', value: `0.${n}` }], metrics: [{ key: 'auc', value: 0.8 + Number(n) / 100 }], tags: [] },
      inputs: { dataset_inputs: [{ dataset: { name: 'train', digest: `${n}`.repeat(32), source: '{"uri": "s3://lake/train.csv"}' } }] },
    })),
    registeredModels: [{ name: model, aliases: [{ alias: 'production', version: alias }] }],
    modelVersions: ['1', '2'].map((n) => ({
      name: model,
      version: n,
      run_id: `${prefix}-run-${n}`,
      source: `models:/m-${n}`,
      status: 'READY',
      creation_timestamp: 1767225600000 + Number(n) * 3_600_000 + 120_000,
    })),
  });
  const records = async () =>
    dataOf<any>(await service.graphql(`query($a: String) { auditTrail(actor: $a) { totalCount } }`, { a: actor })).auditTrail.totalCount as number;
  const live = async () =>
    dataOf<any>(
      await service.graphql(
        `query($m: String!) { liveDeployment(name: $m, environment: "production") { deployedBy endpoint modelVersion { version metrics trainingRun { runId parameters inputs { namespace name version digest } } } previous { retiredAt } } }`,
        { m: model },
      ),
    ).liveDeployment;

  before(async () => {
    service = await startTestService();
  });
  after(async () => {
    if (!service) return;
    await service.db.write('test.removeImported', (tx) => tx.rows('MATCH (d:Deployment) WHERE d.name STARTS WITH $prefix DETACH DELETE d', { prefix }));
    await removeIsolated(service.db, [prefix, `http://${prefix}`]);
    await service.stop();
  });

  it('records a plan through the services, and an unchanged plan again writes nothing', async () => {
    const writer = new ImportWriter(service.services, context);
    const first = await writer.write(mapMlflow(snapshot('1')));
    assert.deepEqual([first.recorded, first.unchanged, first.rejected], [6, 0, 0], first.rejections.join('\n'));
    const deployed = await live();
    assert.equal(deployed.deployedBy, 'mlflow');
    assert.equal(deployed.endpoint, `models:/${model}@production`);
    assert.deepEqual(deployed.modelVersion.metrics, { auc: 0.81 });
    assert.deepEqual(deployed.modelVersion.trainingRun.parameters, { lr: '0.1' });
    assert.deepEqual(deployed.modelVersion.trainingRun.inputs, [
      { namespace: 's3://lake', name: 'train.csv', version: '1'.repeat(32), digest: `md5:${'1'.repeat(32)}` },
    ]);

    const count = await records();
    const again = await writer.write(mapMlflow(snapshot('1')));
    assert.deepEqual([again.recorded, again.unchanged, again.rejected], [0, 6, 0]);
    assert.equal(await records(), count, 'no audit record for an unchanged import');
  });

  it('turns a moved alias into a deployment that retires the previous one', async () => {
    const moved = await new ImportWriter(service.services, context, () => new Date('2030-06-01T00:00:00.000Z')).write(mapMlflow(snapshot('2')));
    assert.deepEqual([moved.recorded, moved.rejected], [1, 0], moved.rejections.join('\n'));
    const deployed = await live();
    assert.equal(deployed.modelVersion.version, '2');
    assert.equal(deployed.previous.retiredAt, '2030-06-01T00:00:00.000Z');

    const gone = { ...snapshot('2'), registeredModels: [{ name: model }] };
    const retired = await new ImportWriter(service.services, context, () => new Date('2030-07-01T00:00:00.000Z')).write(mapMlflow(gone));
    assert.deepEqual([retired.recorded, retired.rejected], [1, 0], 'the alias is gone: its deployment is retired');
    assert.equal(await live(), null);
  });
});
