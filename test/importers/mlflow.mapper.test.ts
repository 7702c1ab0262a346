import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mapDataset, mapMlflow } from '../../src/importers/mlflow/mlflow.mapper';
import { advanceCursor } from '../../src/importers/mlflow/mlflow-cursor';
import { normalizeTrackingUrl } from '../../src/importers/mlflow/mlflow.reader';
import type { MlflowSnapshot } from '../../src/importers/mlflow/mlflow.types';

/** A run, a registered model with an alias and a version in a stage, as MLflow 3.17's REST API answered them. */
const snapshot = (): MlflowSnapshot => ({
  trackingUrl: 'http://127.0.0.1:5000',
  experiments: [{ experiment_id: '1', name: 'fraud', tags: [{ key: 'mlflow.note.content', value: 'Fraud scoring.' }] }],
  runs: [
    {
      info: {
        run_uuid: '8bcd5ee482214a578642b75ea19071d0',
        run_id: '8bcd5ee482214a578642b75ea19071d0',
        experiment_id: '1',
        run_name: 'train',
        user_id: 'root',
        status: 'FINISHED',
        start_time: 1796283627580,
        end_time: 1796283639273,
        artifact_uri: 'mlflow-artifacts:/1/8bcd5ee482214a578642b75ea19071d0/artifacts',
        lifecycle_stage: 'active',
      },
      data: {
        metrics: [{ key: 'auc', value: 0.91, timestamp: 1796283628592, step: 0 }],
        params: [
          { key: 'lr', value: '0.1' },
          { key: 'depth', value: '3' },
        ],
        tags: [
          { key: 'mlflow.user', value: 'root' },
          { key: 'mlflow.source.git.commit', value: 'a8e04be42425f0697041f6f648893b0acff20fba' },
          { key: 'mlflow.source.git.branch', value: 'master' },
          { key: 'mlflow.source.git.repoURL', value: 'git@git.example:acme/fraud.git' },
          { key: 'mlflow.log-model.history', value: '[{"flavors": {}}]' },
        ],
      },
      inputs: {
        dataset_inputs: [
          {
            tags: [{ key: 'mlflow.data.context', value: 'training' }],
            dataset: { name: 'data/train.csv', digest: 'c3c6bc2ae8ece4bd2510dca21225c041', source_type: 'local', source: '{"uri": "data/train.csv"}' },
          },
          {
            tags: [{ key: 'mlflow.data.context', value: 'eval' }],
            dataset: { name: 'dataset', digest: 'c167484d', source_type: 's3', source: '{"uri": "s3://bucket/x/y.csv"}' },
          },
        ],
      },
    },
    { info: { run_id: 'feedfacefeedfacefeedfacefeedface', experiment_id: '1', status: 'RUNNING', start_time: 1796283700000 } },
    { info: { run_id: 'scheduledscheduledscheduledsched', experiment_id: '1', status: 'SCHEDULED' } },
  ],
  registeredModels: [{ name: 'fraud', aliases: [{ alias: 'production', version: '1' }] }],
  modelVersions: [
    {
      name: 'fraud',
      version: '1',
      creation_timestamp: 1796283638964,
      last_updated_timestamp: 1796283639700,
      current_stage: 'Staging',
      source: 'models:/m-e6993371f684411e8b7b5f2ceca897a4',
      run_id: '8bcd5ee482214a578642b75ea19071d0',
      status: 'READY',
    },
    { name: 'fraud', version: '2', current_stage: 'None', status: 'PENDING_REGISTRATION' },
  ],
});

describe('the MLflow mapping', () => {
  it('maps a finished run: its experiment as job, parameters, the git commit, metrics and tags in a facet, its datasets', () => {
    const plan = mapMlflow(snapshot());
    const [run, running] = plan.runs;
    assert.equal(plan.runs.length, 2, 'a SCHEDULED run has not started: nothing to record yet');
    assert.deepEqual(run!.job, { namespace: 'http://127.0.0.1:5000', name: 'fraud', description: 'Fraud scoring.' });
    assert.deepEqual([run!.startedAt, run!.endedAt, run!.final], ['2026-12-03T07:40:27.580Z', '2026-12-03T07:40:39.273Z', 'COMPLETE']);
    assert.deepEqual(run!.parameters, { depth: '3', lr: '0.1' }, 'MLflow parameters are strings, kept as such');
    assert.deepEqual(run!.commit, { repository: 'https://git.example/acme/fraud', sha: 'a8e04be42425f0697041f6f648893b0acff20fba', branch: 'master' });
    const facet = run!.facets!.mlflow_run as Record<string, any>;
    assert.deepEqual(facet.metrics, { auc: 0.91 });
    assert.equal(facet.user, 'root');
    assert.equal(facet.tags['mlflow.log-model.history'], undefined, 'the large model history tag is left out');
    assert.deepEqual(run!.inputs, [
      {
        namespace: 'https://git.example/acme/fraud',
        name: 'data/train.csv',
        version: 'c3c6bc2ae8ece4bd2510dca21225c041',
        digest: 'md5:c3c6bc2ae8ece4bd2510dca21225c041',
        uri: null,
      },
      { namespace: 's3://bucket', name: 'x/y.csv', version: 'c167484d', digest: null, uri: 's3://bucket/x/y.csv' },
    ]);
    assert.deepEqual([running!.final, running!.endedAt], [null, null], 'a running run is recorded as started');
  });

  it('maps registered versions with their run and metrics, and aliases and stages to live deployments', () => {
    const plan = mapMlflow(snapshot());
    assert.deepEqual(plan.models, [{ name: 'fraud', description: null }]);
    assert.deepEqual(plan.modelVersions, [
      {
        model: 'fraud',
        version: '1',
        trainingRunId: '8bcd5ee482214a578642b75ea19071d0',
        artifactUri: 'models:/m-e6993371f684411e8b7b5f2ceca897a4',
        digest: null,
        metrics: { auc: 0.91 },
        createdAt: '2026-12-03T07:40:38.964Z',
      },
    ]);
    assert.deepEqual(
      plan.deployments.map((d) => [d.environment, d.version, d.endpoint, d.deployedAt]),
      [
        ['production', '1', 'models:/fraud@production', null],
        ['staging', '1', 'models:/fraud/Staging', '2026-12-03T07:40:39.700Z'],
      ],
    );
    assert.deepEqual(plan.managedSlots, { deployedBy: 'mlflow', names: ['fraud'], environments: null });
    assert.deepEqual(
      mapMlflow(snapshot(), { environments: ['Production'] }).deployments.map((d) => d.environment),
      ['production'],
    );
  });

  it('is deterministic: the same snapshot in another order gives the same plan', () => {
    const shuffled = snapshot();
    shuffled.runs.reverse();
    shuffled.modelVersions.reverse();
    assert.deepEqual(mapMlflow(shuffled), mapMlflow(snapshot()));
  });

  it('keys datasets so that a repository path meets the DVC importer, and names what it cannot place', () => {
    const repo = 'https://github.com/acme/fraud';
    const key = (source: string | undefined, digest = 'abcd1234', name = 'train') => mapDataset({ name, digest, source }, 'mlflow-ns', repo);
    assert.deepEqual(key('{"uri": "./data/../data/x.csv"}'), { namespace: repo, name: 'data/x.csv', version: 'abcd1234', digest: null, uri: null });
    assert.equal(key('{"uri": "/abs/x.csv"}').namespace, 'file');
    assert.equal(key('{"uri": "file:///abs/x.csv"}').uri, 'file:///abs/x.csv');
    assert.equal(key('{"url": "https://data.example/a/b.csv"}').namespace, 'https://data.example');
    assert.deepEqual([key(undefined).namespace, key(undefined).name], ['mlflow-ns', 'train'], 'a DataFrame built in code');
    assert.equal(key('{"uri": "../outside.csv"}').namespace, 'mlflow-ns', 'a path leaving the repository is not in it');
    assert.equal(key('{"uri": "d"}', 'a'.repeat(64)).digest, `sha256:${'a'.repeat(64)}`);
    assert.equal(key('{"uri": "d"}', `${'b'.repeat(32)}.dir`).digest, `md5:${'b'.repeat(32)}.dir`);
  });

  it('keeps a cursor at the latest run start, and the runs still running', () => {
    const cursor = advanceCursor(null, snapshot(), new Date('2026-12-03T08:00:00Z'));
    assert.deepEqual([cursor.runsStartedFrom, cursor.openRunIds], [1796283700000, ['feedfacefeedfacefeedfacefeedface', 'scheduledscheduledscheduledsched']]);
    assert.equal(normalizeTrackingUrl('HTTP://Tracking.Example:5000/mlflow/'), 'http://tracking.example:5000/mlflow');
    assert.throws(() => normalizeTrackingUrl('sqlite:///mlflow.db'), /not an http\(s\) tracking server URL/);
  });
});
