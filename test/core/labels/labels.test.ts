import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BadInputError } from '../../../src/errors';
import {
  checkVersionValues,
  datasetVersionProjection,
  datasetVersionView,
  NO_VERSION_VALUES,
  VERSION_VALUE_NAMES,
  versionValuesOf,
  type StoredDatasetVersion,
} from '../../../src/core/dataset/dataset-version.label';
import { normalizeDatasetVersion } from '../../../src/core/dataset/dataset.normalize';
import { checkModelVersionValues, modelVersionProjection, modelVersionView, MODEL_VERSION_VALUE_NAMES } from '../../../src/core/model/model-version.label';
import { runProjection, runView } from '../../../src/core/run/run.label';
import { inputPath } from '../../../src/core/validate';

/**
 * A label module describes its label once; these pin that every description of a value follows from it: the
 * projection every repository returns, the values the recorder loads and writes, what the API shows.
 */
describe('the DatasetVersion label', () => {
  const stored: StoredDatasetVersion = {
    kind: 'DatasetVersion',
    id: 'DatasetVersion:1',
    datasetId: 'Dataset:1',
    namespace: 'ns',
    name: 'table',
    version: 'v1',
    digest: 'sha256:aa',
    uri: 's3://bucket/table/v1',
    schemaJson: '[{"name":"id","type":"BIGINT","description":null}]',
    rowCount: 12,
    createdAt: new Date('2025-05-01T08:00:00Z'),
    createdAtFromRun: true,
    valuesAtJson: null,
    facetsJson: null,
  };

  it('projects every property it describes, values included, and what a caller adds', () => {
    const projection = datasetVersionProjection('v', 'producer: null');
    for (const property of [
      'id',
      'datasetId',
      'namespace',
      'name',
      'version',
      ...VERSION_VALUE_NAMES,
      'valuesAtJson',
      'createdAt',
      'createdAtFromRun',
      'facetsJson',
    ]) {
      assert.match(projection, new RegExp(`\\.${property}\\b`), property);
    }
    assert.match(projection, /kind: 'DatasetVersion', producer: null \}$/);
  });

  it('checks every value, naming each field by the path the caller gives', () => {
    const values = checkVersionValues({ digest: 'sha256:aa', schema: [{ name: 'id', type: 'BIGINT' }], rowCount: 3 }, inputPath('outputs[1]'));
    assert.deepEqual(values, { digest: 'sha256:aa', uri: null, schemaJson: '[{"name":"id","type":"BIGINT","description":null}]', rowCount: 3 });
    assert.deepEqual(Object.keys(values), VERSION_VALUE_NAMES);
    assert.throws(
      () => checkVersionValues({ schema: [{ name: 'ok' }, { name: '' }] }, inputPath('outputs[1]')),
      (error: unknown) => error instanceof BadInputError && error.extensions.field === 'outputs[1].schema[1].name',
    );
    assert.throws(
      () => checkVersionValues({ rowCount: -1 }, (field) => `outputs[0].outputFacets.outputStatistics.${field}`),
      (error: unknown) => error instanceof BadInputError && error.extensions.field === 'outputs[0].outputFacets.outputStatistics.rowCount',
    );
    assert.deepEqual(normalizeDatasetVersion({ namespace: 'ns', name: 'table', version: 'v1', rowCount: 3 }, inputPath()).values, {
      ...NO_VERSION_VALUES,
      rowCount: 3,
    });
  });

  it('gives the recorder the values of a row, and the API the row with its schema as a list', () => {
    assert.deepEqual(versionValuesOf(stored), { digest: 'sha256:aa', uri: 's3://bucket/table/v1', schemaJson: stored.schemaJson, rowCount: 12 });
    assert.deepEqual(Object.keys(NO_VERSION_VALUES), VERSION_VALUE_NAMES);
    const view = datasetVersionView(stored);
    assert.deepEqual(view.schema, [{ name: 'id', type: 'BIGINT', description: null }]);
    assert.ok(!('schemaJson' in view) && !('createdAtFromRun' in view), 'the recorder bookkeeping is not shown');
    for (const name of VERSION_VALUE_NAMES.filter((name) => name !== 'schemaJson')) assert.equal(view[name], stored[name], name);
  });
});

describe('the ModelVersion label', () => {
  it('projects every value, checks metrics as numbers by the caller path, shows metrics as an object', () => {
    const projection = modelVersionProjection('n');
    for (const property of ['id', 'modelId', 'modelName', 'version', ...MODEL_VERSION_VALUE_NAMES, 'createdAt', 'createdAtFromRun', 'facetsJson']) {
      assert.match(projection, new RegExp(`\\.${property}\\b`), property);
    }
    assert.deepEqual(checkModelVersionValues({ framework: 'xgboost 2.1', metrics: { auc: 0.9 } }, inputPath()), {
      artifactUri: null,
      digest: null,
      framework: 'xgboost 2.1',
      metricsJson: '{"auc":0.9}',
    });
    assert.throws(
      () => checkModelVersionValues({ metrics: { auc: 'high' } }, inputPath()),
      (error: unknown) => error instanceof BadInputError && error.extensions.field === 'metrics.auc',
    );
    const view = modelVersionView({
      kind: 'ModelVersion',
      id: 'ModelVersion:1',
      modelId: 'Model:1',
      modelName: 'm',
      version: '1',
      artifactUri: null,
      digest: null,
      framework: null,
      metricsJson: '{"auc":0.9}',
      createdAt: new Date(0),
      createdAtFromRun: null,
      facetsJson: null,
    });
    assert.deepEqual(view.metrics, { auc: 0.9 });
    assert.ok(!('metricsJson' in view) && !('createdAtFromRun' in view));
  });
});

describe('the Run label', () => {
  it('projects its properties and shows parameters as an object', () => {
    assert.equal(runProjection('r'), "r { .id, .runId, .jobId, .state, .startedAt, .endedAt, .parametersJson, .errorMessage, .facetsJson, kind: 'Run' }");
    const view = runView({
      kind: 'Run',
      id: 'Run:1',
      runId: '1',
      jobId: null,
      state: null,
      startedAt: null,
      endedAt: null,
      parametersJson: '{"lr":0.1}',
      errorMessage: null,
      facetsJson: null,
    });
    assert.deepEqual(view.parameters, { lr: 0.1 });
    assert.ok(!('parametersJson' in view));
  });
});
