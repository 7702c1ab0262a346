import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BadInputError, LimitExceededError } from '../../src/errors';
import { checkJson } from '../../src/core/json-check';
import { deeplyNested } from '../support/fuzz';

describe('JSON body checks', () => {
  it('pass ordinary JSON, unicode included', () => {
    assert.doesNotThrow(() => checkJson({ a: [1, 'x', { b: null, c: '🧬 数据 \u00e9' }], '🔑': true }, 8));
  });

  it('refuse nesting deeper than the limit, naming where, without recursing', () => {
    assert.throws(
      () => checkJson({ a: { b: [{ c: 1 }] } }, 3),
      (error: unknown) => error instanceof LimitExceededError && /at a\.b\[0\] \(limit: LIMIT_JSON_DEPTH\)$/.test(error.message),
    );
    assert.throws(() => checkJson(JSON.parse(deeplyNested(100_000, 'array')), 64), LimitExceededError);
  });

  it('refuse lone surrogates in values and keys, naming the field', () => {
    assert.throws(
      () => checkJson({ variables: { name: 'a\uD800b' } }, 8),
      (error: unknown) => error instanceof BadInputError && error.extensions.field === 'variables.name',
    );
    assert.throws(
      () => checkJson({ list: ['ok', '\uDC00'] }, 8),
      (error: unknown) => error instanceof BadInputError && error.extensions.field === 'list[1]',
    );
    assert.throws(
      () => checkJson({ inner: { ['k\uD83D']: 1 } }, 8),
      (error: unknown) => error instanceof BadInputError && error.extensions.field === 'inner',
    );
    assert.doesNotThrow(() => checkJson({ pair: '\uD83D\uDE00' }, 8), 'a surrogate pair is fine');
  });
});
