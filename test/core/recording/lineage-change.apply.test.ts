import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConflictError, LineageError } from '../../../src/errors';
import { mergeFacets } from '../../../src/core/facets';
import { ids } from '../../../src/core/ids';
import { NO_VERSION_VALUES } from '../../../src/core/dataset/dataset-version.label';
import { normalizeDatasetVersion } from '../../../src/core/dataset/dataset.normalize';
import { normalizeJob } from '../../../src/core/job/job.normalize';
import { applyChange } from '../../../src/core/recording/lineage-change.apply';
import type { RunChange } from '../../../src/core/recording/lineage-change.types';
import { KINDS, LineageState, LoadedState, MissingState } from '../../../src/core/recording/lineage-state';
import { inputPath } from '../../../src/core/validate';
import type { RunEventType } from '../../../src/core/vocabulary';

/**
 * The recorder's rules on an empty graph, in memory: what the single-event and the bulk path both apply. What
 * Neo4j would be asked for is answered "absent", as it is for a graph that has none of it.
 */
function applyAll(changes: readonly RunChange[]): { state: LineageState; outcomes: string[] } {
  const loaded = new LoadedState();
  for (;;) {
    const state = LineageState.over(loaded);
    const outcomes = changes.map((change) => {
      try {
        return applyChange(state, change).status;
      } catch (error) {
        if (error instanceof MissingState) return 'missing';
        if (error instanceof LineageError) return error.code;
        throw error;
      }
    });
    if (state.wanted.empty) return { state, outcomes };
    for (const kind of KINDS) for (const id of state.wanted.ids.get(kind)!) loaded.set(kind, id, null);
    for (const key of state.wanted.candidates.keys()) loaded.candidates.set(key, []);
  }
}

const RUN = 'run-1';
const job = normalizeJob({ namespace: 'ns', name: 'build' }, inputPath('job'));

function runChange(event: RunEventType, at: string, extra: Partial<RunChange> = {}): RunChange {
  return {
    kind: 'run',
    event,
    id: ids.run(RUN),
    runId: RUN,
    at,
    job,
    jobFacets: null,
    commit: null,
    parameters: null,
    errorMessage: null,
    parent: null,
    runFacets: null,
    inputs: [],
    outputs: [],
    modelVersions: [],
    unversionedInputs: 'observe',
    receipt: null,
    ...extra,
  };
}

const input = {
  dataset: { id: ids.dataset('ns', 'table'), namespace: 'ns', name: 'table' },
  version: null,
  values: NO_VERSION_VALUES,
  facets: null,
  ioFacets: null,
};
const output = {
  ...normalizeDatasetVersion({ namespace: 'ns', name: 'table', version: `run-${RUN}` }, inputPath('outputs[0]')),
  facets: { schema: { fields: [] } },
  ioFacets: null,
};
const start = runChange('START', '2024-01-01T10:00:00.000Z', { inputs: [input], runFacets: { nominalTime: { start: 'a' } } });
const complete = runChange('COMPLETE', '2024-01-01T11:00:00.000Z', { inputs: [input], outputs: [output], runFacets: { nominalTime: { start: 'b' } } });

/** Everything the changes left in the state, comparable. */
function snapshot(state: LineageState): unknown {
  const plain = (value: unknown): unknown =>
    value instanceof Map
      ? Object.fromEntries([...value].map(([k, v]) => [k, plain(v)]))
      : value && typeof value === 'object'
        ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]))
        : value;
  return Object.fromEntries(KINDS.map((kind) => [kind, plain(state.changedOf(kind).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))))]));
}

describe('the recorder rules, in memory', () => {
  it('ends in the same state whether COMPLETE comes before START or after', () => {
    const inOrder = applyAll([start, complete]);
    const reversed = applyAll([complete, start]);
    assert.deepEqual(inOrder.outcomes, ['recorded', 'recorded']);
    assert.deepEqual(snapshot(reversed.state), snapshot(inOrder.state));
    const run = inOrder.state.get('run', ids.run(RUN))!;
    assert.deepEqual([run.state, run.startedAt, run.endedAt], ['COMPLETED', start.at, complete.at]);
    assert.deepEqual(run.facets?.nominalTime, { at: complete.at, value: { start: 'b' } }, 'the latest event wins a facet');
  });

  it('never lets a run read what it wrote: a run reading and writing a table reads the version before its own', () => {
    const { state } = applyAll([complete]);
    const run = state.get('run', ids.run(RUN))!;
    const [read] = [...run.reads.keys()];
    assert.equal(read, ids.datasetVersion('ns', 'table', 'unversioned'));
    assert.deepEqual([...run.writes.keys()], [output.id]);
    assert.equal(state.get('version', output.id)!.createdAt, complete.at, 'an output exists from its run end');
  });

  it('refuses a change that contradicts the state and keeps nothing of it', () => {
    const fail = runChange('FAIL', '2024-01-01T12:00:00.000Z', {
      outputs: [{ ...output, name: 'other', id: ids.datasetVersion('ns', 'other', 'x'), datasetId: ids.dataset('ns', 'other'), version: 'x' }],
    });
    const { state, outcomes } = applyAll([start, complete, fail]);
    assert.deepEqual(outcomes, ['recorded', 'recorded', new ConflictError('').code]);
    assert.equal(state.get('run', ids.run(RUN))!.state, 'COMPLETED');
    assert.equal(
      state.changedOf('version').some((version) => version.name === 'other'),
      false,
    );
  });

  it('records a redelivered raw event once', () => {
    const receipt = {
      id: 'a'.repeat(64),
      kind: 'run' as const,
      eventType: 'START',
      runId: RUN,
      eventTime: start.at,
      producer: 'p:x',
      schemaURL: 's:x',
      body: '{}',
      receivedAt: start.at,
      receivedBy: 'anonymous',
      source: 'openlineage',
      requestId: null,
    };
    assert.deepEqual(
      applyAll([
        { ...start, receipt },
        { ...start, receipt },
      ]).outcomes,
      ['recorded', 'duplicate'],
    );
  });
});

describe('facets', () => {
  it('merge to the same result in any order (the latest event wins each facet)', () => {
    const reports: Array<[string, Record<string, unknown>]> = [
      ['2024-01-01T00:00:00.000Z', { a: { v: 1 }, b: { v: 1 } }],
      ['2024-01-02T00:00:00.000Z', { a: { v: 2 } }],
      ['2024-01-02T00:00:00.000Z', { a: { v: 3 }, c: { v: 1 } }],
      ['2023-12-31T00:00:00.000Z', { b: { v: 0 }, c: { v: 0 } }],
    ];
    const merge = (order: number[]) =>
      order.reduce((facets, index) => mergeFacets(facets, reports[index]![1], reports[index]![0]), null as ReturnType<typeof mergeFacets>);
    const expected = merge([0, 1, 2, 3]);
    for (const order of [
      [3, 2, 1, 0],
      [1, 3, 0, 2],
      [2, 0, 3, 1],
      [0, 1, 2, 3, 2, 1],
    ])
      assert.deepEqual(merge(order), expected);
    assert.deepEqual(expected, {
      a: { at: '2024-01-02T00:00:00.000Z', value: { v: 3 } },
      b: { at: '2024-01-01T00:00:00.000Z', value: { v: 1 } },
      c: { at: '2024-01-02T00:00:00.000Z', value: { v: 1 } },
    });
  });
});

describe("a run's events are one story", () => {
  const at = (minute: number) => `2024-01-01T10:${String(minute).padStart(2, '0')}:00.000Z`;
  const written = (fields: { rowCount?: number; schema?: Array<{ name: string; type?: string }> }, facets: Record<string, unknown> | null = null) => ({
    ...normalizeDatasetVersion({ namespace: 'ns', name: 'out', version: `run-${RUN}`, ...fields }, inputPath('outputs[0]')),
    facets,
    ioFacets: null,
  });
  const versionOf = (state: LineageState) => state.get('version', ids.datasetVersion('ns', 'out', `run-${RUN}`))!;
  const permutations = <T>(items: readonly T[]): T[][] =>
    items.length <= 1 ? [[...items]] : items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));

  it('ends as its final event says, in every arrival order: progressive statistics, a schema growing during the run', () => {
    const events = [
      runChange('START', at(0), { outputs: [written({ schema: [{ name: 'id' }] }, { progress: { step: 0 } })] }),
      runChange('RUNNING', at(1), { outputs: [written({ rowCount: 0, schema: [{ name: 'id' }, { name: 'amount' }] }, { progress: { step: 1 } })] }),
      runChange('COMPLETE', at(2), {
        outputs: [written({ rowCount: 1, schema: [{ name: 'id' }, { name: 'amount' }, { name: 'at' }] }, { progress: { step: 2 } })],
      }),
    ];
    const expected = snapshot(applyAll(events).state);
    for (const order of permutations([0, 1, 2])) {
      const { state, outcomes } = applyAll(order.map((i) => events[i]!));
      assert.deepEqual(outcomes, ['recorded', 'recorded', 'recorded'], `order ${order.join(',')}`);
      assert.deepEqual(snapshot(state), expected, `order ${order.join(',')}`);
      const version = versionOf(state);
      assert.equal(version.values.rowCount, 1);
      assert.deepEqual(
        JSON.parse(version.values.schemaJson!).map((field: { name: string }) => field.name),
        ['id', 'amount', 'at'],
      );
      assert.deepEqual(version.facets?.progress?.value, { step: 2 });
      assert.equal(state.get('run', ids.run(RUN))!.state, 'COMPLETED');
    }
  });

  it('takes from a late RUNNING only what the final event did not say', () => {
    const { state, outcomes } = applyAll([
      runChange('START', at(0)),
      runChange('COMPLETE', at(2), { outputs: [written({ rowCount: 1 })] }),
      runChange('RUNNING', at(1), { outputs: [written({ rowCount: 0, schema: [{ name: 'id' }] })] }),
    ]);
    assert.deepEqual(outcomes, ['recorded', 'recorded', 'recorded']);
    assert.equal(versionOf(state).values.rowCount, 1, 'an earlier event never overwrites a later one');
    assert.deepEqual(JSON.parse(versionOf(state).values.schemaJson!), [{ name: 'id', type: null, description: null }], 'what it adds is kept');
  });

  it('seals the outputs at the end: a second COMPLETE may add, not change', () => {
    const first = runChange('COMPLETE', at(2), { outputs: [written({ rowCount: 1 }, { a: { v: 1 } })] });
    const adds = runChange('COMPLETE', at(3), { outputs: [written({ rowCount: 1, schema: [{ name: 'id' }] }, { a: { v: 1 }, b: { v: 1 } })] });
    const changes = runChange('COMPLETE', at(4), { outputs: [written({ rowCount: 5 })] });
    const { state, outcomes } = applyAll([first, adds, changes]);
    assert.deepEqual(outcomes, ['recorded', 'recorded', 'CONFLICT']);
    const version = versionOf(state);
    assert.equal(version.values.rowCount, 1);
    assert.ok(version.values.schemaJson);
    assert.deepEqual(Object.keys(version.facets ?? {}).sort(), ['a', 'b']);
    assert.equal(state.get('run', ids.run(RUN))!.endedAt, at(2), 'the run ended at its first final event');
  });

  it('lets an earlier COMPLETE arriving late end the run, with its values', () => {
    const early = runChange('COMPLETE', at(2), { outputs: [written({ rowCount: 1 })] });
    const late = runChange('COMPLETE', at(4), { outputs: [written({ rowCount: 5 })] });
    const { state, outcomes } = applyAll([late, early]);
    assert.deepEqual(outcomes, ['recorded', 'recorded']);
    assert.equal(versionOf(state).values.rowCount, 1);
    assert.equal(versionOf(state).createdAt, at(2));
    assert.equal(state.get('run', ids.run(RUN))!.endedAt, at(2));
  });

  it('keeps a version claimed by two runs (an explicit version facet) with its first writer', () => {
    const claimed = written({ rowCount: 1 });
    const other = { ...runChange('COMPLETE', at(3), { outputs: [claimed] }), id: ids.run('run-2'), runId: 'run-2' };
    const { state, outcomes } = applyAll([runChange('COMPLETE', at(2), { outputs: [claimed] }), other]);
    assert.deepEqual(outcomes, ['recorded', 'CONFLICT']);
    assert.equal(versionOf(state).producer?.runId, RUN);
  });
});
