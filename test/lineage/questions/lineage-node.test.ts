import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { present } from '../../../src/lineage/questions/lineage-node';

describe('lineage node presentation', () => {
  const asOf = new Date('2025-03-15T00:00:00Z');

  it('labels each kind for display', () => {
    const label = (kind: Parameters<typeof present>[0], props: Record<string, unknown>) => present(kind, props, asOf).label;
    assert.equal(label('DatasetVersion', { name: 'raw/transactions', version: '2025-02-28' }), 'raw/transactions@2025-02-28');
    assert.equal(label('ModelVersion', { modelName: 'fraud-detector', version: '3' }), 'fraud-detector@3');
    assert.equal(label('Run', { runId: '7f6c1f0e-0b1a-4c55-9a53-3c1f4b1f0001', job: { namespace: 'airflow', name: 'train' } }), 'train run 7f6c1f0e');
    assert.equal(label('Run', { runId: 'manual-42', job: null }), 'run run manual-42');
    assert.equal(label('Commit', { repository: 'https://github.com/acme/fraud', sha: '4f9d2c81e6b7a3059c1d8e2f7a6b5c4d3e2f1a09' }), 'acme/fraud@4f9d2c8');
    assert.equal(
      label('Deployment', { name: 'fraud-api', environment: 'production', deployedAt: new Date('2025-03-10T09:00:00Z') }),
      'fraud-api (production, 2025-03-10 09:00)',
    );
    assert.equal(label('Dataset', { name: 'raw/transactions' }), 'raw/transactions');
  });

  it('shortens what real producers send, readably, and keeps every value whole in fullLabel', () => {
    const both = (kind: Parameters<typeof present>[0], props: Record<string, unknown>) => {
      const { label, fullLabel } = present(kind, props, asOf);
      return [label, fullLabel];
    };
    const runId = '0190f1d2-7a3b-7c4d-8e5f-a1b2c3d4e5f6';
    assert.deepEqual(both('DatasetVersion', { name: '/tmp/warehouse/test', version: `run-${runId}` }), [
      '/tmp/warehouse/test@run-0190f1d2',
      `/tmp/warehouse/test@run-${runId}`,
    ]);
    assert.deepEqual(both('DatasetVersion', { name: 's3://acme-lake/warehouse/sales/orders/2025/03/part-00000.snappy.parquet', version: '7' }), [
      '…/2025/03/part-00000.snappy.parquet@7',
      's3://acme-lake/warehouse/sales/orders/2025/03/part-00000.snappy.parquet@7',
    ]);
    assert.deepEqual(both('Job', { name: 'open_lineage_integration_hive.execute_insert_into_hive_table.warehouse_test' }), [
      '…warehouse_test',
      'open_lineage_integration_hive.execute_insert_into_hive_table.warehouse_test',
    ]);
    assert.deepEqual(both('Dataset', { name: 'openlineage-ci.airflow_integration.ci_popular_orders_day_of_week' }), [
      '…ci_popular_orders_day_of_week',
      'openlineage-ci.airflow_integration.ci_popular_orders_day_of_week',
    ]);
    assert.equal(present('Dataset', { name: 'x'.repeat(60) }, asOf).label, `${'x'.repeat(20)}…${'x'.repeat(19)}`);
    assert.equal(
      present('DatasetVersion', { name: 'd', version: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' }, asOf).label,
      'd@e3b0c442',
    );
    assert.deepEqual(both('Run', { runId, job: { name: 'spark_app.execute_insert_into_hadoop_fs_relation_command.tmp_delta_t2_with_a_long_suffix' } }), [
      '…tmp_delta_t2_with_a_long_suffix run 0190f1d2',
      `spark_app.execute_insert_into_hadoop_fs_relation_command.tmp_delta_t2_with_a_long_suffix run ${runId}`,
    ]);
    assert.deepEqual(
      both('DatasetVersion', { name: 'raw/transactions', version: '2025-02-28' }),
      ['raw/transactions@2025-02-28', 'raw/transactions@2025-02-28'],
      'short ones stay whole',
    );
  });

  it('is live from deployedAt until retiredAt, as of the instant asked', () => {
    const live = (deployedAt: string, retiredAt: string | null) =>
      present('Deployment', { deployedAt: new Date(deployedAt), retiredAt: retiredAt ? new Date(retiredAt) : null }, asOf).isLive;
    assert.equal(live('2025-03-10T00:00:00Z', null), true);
    assert.equal(live('2025-03-10T00:00:00Z', '2025-03-20T00:00:00Z'), true);
    assert.equal(live('2025-03-10T00:00:00Z', '2025-03-15T00:00:00Z'), false, 'retired at the instant: no longer live');
    assert.equal(live('2025-03-15T00:00:00Z', null), true, 'deployed at the instant: live');
    assert.equal(present('DatasetVersion', {}, asOf).isLive, null);
  });

  it('flattens key properties, drops absent ones and renders instants as ISO strings', () => {
    const { properties, time } = present(
      'Run',
      { runId: 'r1', state: 'COMPLETED', startedAt: new Date('2025-01-01T00:00:00Z'), endedAt: null, job: { namespace: 'airflow', name: 'train' } },
      asOf,
    );
    assert.deepEqual(properties, { runId: 'r1', state: 'COMPLETED', startedAt: '2025-01-01T00:00:00.000Z', jobNamespace: 'airflow', jobName: 'train' });
    assert.deepEqual(time, new Date('2025-01-01T00:00:00Z'));
  });
});
