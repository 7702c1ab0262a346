import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BadInputError, LimitExceededError } from '../../../src/errors';
import { ids } from '../../../src/core/ids';
import { asOfArgument, startOf } from '../../../src/lineage/questions/question-arguments';
import { DEFAULT_LIMITS } from '../../../src/limits';
import { graphBounds, traversalBounds, TRAVERSAL_LIMITS } from '../../../src/lineage/questions/traversal-limits';

const SETTINGS = DEFAULT_LIMITS.traversal;

describe('question arguments', () => {
  it('apply the defaults and refuse more than the maximum, naming the limit', () => {
    assert.deepEqual(traversalBounds(null, undefined, SETTINGS), { maxDepth: 20, maxNodes: 1000 });
    assert.deepEqual(graphBounds(undefined, undefined, SETTINGS), { maxDepth: 2, maxNodes: 100 });
    assert.deepEqual(traversalBounds(100, 10_000, SETTINGS), { maxDepth: 100, maxNodes: 10_000 });
    assert.throws(
      () => traversalBounds(101, null, SETTINGS),
      (error: unknown) =>
        error instanceof LimitExceededError &&
        error.extensions.limit === 'LIMIT_TRAVERSAL_DEPTH' &&
        /maxDepth must be at most 100, got 101/.test(error.message),
    );
    assert.throws(
      () => traversalBounds(null, 10_001, SETTINGS),
      (error: unknown) => error instanceof LimitExceededError && error.extensions.limit === 'LIMIT_TRAVERSAL_NODES',
    );
    assert.throws(
      () => graphBounds(21, null, SETTINGS),
      (error: unknown) => error instanceof LimitExceededError && error.extensions.limit === 'MAX_GRAPH_DEPTH',
    );
    assert.throws(
      () => graphBounds(null, TRAVERSAL_LIMITS.MAX_GRAPH_NODES + 1, SETTINGS),
      (error: unknown) => error instanceof LimitExceededError && error.extensions.limit === 'MAX_GRAPH_NODES',
    );
  });

  it('stay within the operator settings they are given, naming the setting that binds', () => {
    const small = { maxDepth: 3, maxNodes: 25 };
    assert.deepEqual(traversalBounds(null, null, small), { maxDepth: 3, maxNodes: 25 });
    assert.deepEqual(graphBounds(null, null, small), { maxDepth: 2, maxNodes: 25 });
    assert.throws(
      () => graphBounds(4, null, small),
      (error: unknown) => error instanceof LimitExceededError && error.extensions.limit === 'LIMIT_TRAVERSAL_DEPTH',
    );
  });

  it('refuse bounds below one as bad input naming the argument', () => {
    assert.throws(
      () => traversalBounds(0, null, SETTINGS),
      (error: unknown) => error instanceof BadInputError && error.extensions.field === 'maxDepth',
    );
    assert.throws(
      () => graphBounds(null, -5, SETTINGS),
      (error: unknown) => error instanceof BadInputError && error.extensions.field === 'maxNodes',
    );
  });

  it('check the kind of the start node', () => {
    const version = ids.datasetVersion('ns', 'raw', 'v1');
    assert.deepEqual(startOf('from', version, 'impact'), { id: version, kind: 'DatasetVersion', resolution: 'itself' });
    const dataset = ids.dataset('ns', 'raw');
    assert.deepEqual(startOf('from', dataset, 'provenance'), { id: dataset, kind: 'Dataset', resolution: 'currentVersion' });
    assert.deepEqual(startOf('from', dataset, 'impact'), { id: dataset, kind: 'Dataset', resolution: 'itself' }, 'impact of a dataset: all its versions');
    assert.equal(startOf('from', ids.job('ns', 'j'), 'provenance').resolution, 'newestCompletedRun');
    assert.equal(startOf('from', ids.model('m'), 'reproductionRecipe').resolution, 'newestVersion');
    assert.throws(
      () => startOf('from', ids.commit('https://github.com/acme/x', 'abcdef1'), 'provenance'),
      (error: unknown) =>
        error instanceof BadInputError &&
        error.extensions.field === 'from' &&
        /provenance starts from a Deployment, ModelVersion, DatasetVersion, Run, Dataset, Model or Job; Commit:\S+ is a Commit/.test(error.message),
    );
    assert.throws(
      () => startOf('from', ids.job('ns', 'j'), 'reproductionRecipe'),
      (error: unknown) =>
        error instanceof BadInputError &&
        /reproductionRecipe starts from a ModelVersion, DatasetVersion, Deployment, Model or Dataset; Job/.test(error.message),
    );
    assert.throws(
      () => startOf('from', 'raw/transactions', 'impact'),
      (error: unknown) => error instanceof BadInputError && /is not a global id/.test(error.message),
    );
  });

  it('answer as of now unless asked otherwise', () => {
    assert.equal(asOfArgument(null, new Date('2025-05-01T00:00:00Z')), '2025-05-01T00:00:00.000Z');
    assert.equal(asOfArgument(new Date('2025-03-15T00:00:00Z')), '2025-03-15T00:00:00.000Z');
    assert.throws(
      () => asOfArgument('yesterday'),
      (error: unknown) => error instanceof BadInputError && error.extensions.field === 'asOf',
    );
  });
});
