import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LimitExceededError } from '../../src/errors';
import { datasetsOverLimit } from '../../src/openlineage/event-limits';

const datasets = (count: number) => Array.from({ length: count }, (_, i) => ({ namespace: 's3://b', name: `f${i}` }));

describe('datasetsOverLimit (LIMIT_EVENT_DATASETS)', () => {
  it('accepts lists at the limit, and events without lists', () => {
    assert.equal(datasetsOverLimit({ inputs: datasets(3), outputs: datasets(3) }, 3), null);
    assert.equal(datasetsOverLimit({ inputs: 'not a list' }, 3), null, 'a malformed list is the validator’s to report');
    assert.equal(datasetsOverLimit([], 3), null);
    assert.equal(datasetsOverLimit(null, 3), null);
  });

  it('refuses either list over the limit, naming the list, its length and the setting', () => {
    for (const list of ['inputs', 'outputs'] as const) {
      const error = datasetsOverLimit({ [list]: datasets(4) }, 3);
      assert.ok(error instanceof LimitExceededError);
      assert.equal(error.code, 'LIMIT_EXCEEDED');
      assert.equal(error.extensions.limit, 'LIMIT_EVENT_DATASETS');
      assert.equal(error.message, `${list} has 4 datasets; at most 3 are accepted in one event (limit: LIMIT_EVENT_DATASETS)`);
    }
  });
});
