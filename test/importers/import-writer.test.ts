import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ids } from '../../src/core/ids';
import { runCalls } from '../../src/importers/common/import-writer';
import type { PlannedRun } from '../../src/importers/common/import-plan';
import type { Run } from '../../src/lineage/run/run.type';
import type { RunState } from '../../src/core/vocabulary';

const planned = (change: Partial<PlannedRun> = {}): PlannedRun => ({
  runId: 'r1',
  job: { namespace: 'ns', name: 'train' },
  startedAt: '2026-01-01T00:00:00.000Z',
  endedAt: '2026-01-01T01:00:00.000Z',
  final: 'COMPLETE',
  errorMessage: null,
  commit: { repository: 'https://git.example/a/b', sha: 'a'.repeat(40) },
  parameters: { lr: '0.1' },
  facets: { mlflow_run: { tags: { team: 'fraud' } } },
  inputs: [{ namespace: 'ns', name: 'd', version: 'v1' }],
  outputs: [],
  ...change,
});
const recordedRun = (state: RunState, facets: unknown = { mlflow_run: { tags: { team: 'fraud' } } }): Run =>
  ({
    kind: 'Run',
    id: ids.run('r1'),
    runId: 'r1',
    jobId: ids.job('ns', 'train'),
    state,
    startedAt: new Date('2026-01-01T00:00:00.000Z'),
    endedAt: state === 'RUNNING' ? null : new Date('2026-01-01T01:00:00.000Z'),
    parameters: { lr: '0.1' },
    errorMessage: null,
    facetsJson: JSON.stringify(Object.fromEntries(Object.entries(facets as object).map(([k, v]) => [k, { value: v, at: '2026-01-01T00:00:00.000Z' }]))),
  }) as Run;
const now = '2026-06-01T00:00:00.000Z';
const read = new Set([ids.datasetVersion('ns', 'd', 'v1')]);

describe('what the import writer sends', () => {
  it('a new run as it happened: START at its start with what it read, its end at its end', () => {
    const calls = runCalls(planned(), { run: null, reads: new Set(), writes: new Set(), commitId: null }, now);
    assert.deepEqual(
      calls.map((c) => [c.event, c.fields.at, c.fields.inputs?.length ?? 0]),
      [
        ['START', '2026-01-01T00:00:00.000Z', 1],
        ['COMPLETE', '2026-01-01T01:00:00.000Z', 0],
      ],
    );
  });

  it('nothing for a run recorded as planned', () => {
    const recorded = { run: recordedRun('COMPLETED'), reads: read, writes: new Set<string>(), commitId: 'Commit:x' };
    assert.deepEqual(runCalls(planned(), recorded, now), []);
  });

  it('only what changed: the end of a run recorded running, an OTHER event dated now for a new tag', () => {
    const running = { run: recordedRun('RUNNING'), reads: read, writes: new Set<string>(), commitId: 'Commit:x' };
    assert.deepEqual(
      runCalls(planned(), running, now).map((c) => [c.event, c.fields.at, c.fields.job]),
      [['COMPLETE', '2026-01-01T01:00:00.000Z', undefined]],
    );
    const retagged = { run: recordedRun('COMPLETED'), reads: read, writes: new Set<string>(), commitId: 'Commit:x' };
    const calls = runCalls(planned({ facets: { mlflow_run: { tags: { team: 'risk' } } } }), retagged, now);
    assert.deepEqual(
      calls.map((c) => [c.event, c.fields.at, Object.keys(c.fields)]),
      [['OTHER', now, ['runId', 'facets', 'at']]],
    );
  });
});
