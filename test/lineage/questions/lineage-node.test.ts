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
