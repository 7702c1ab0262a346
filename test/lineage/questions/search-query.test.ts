import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BadInputError } from '../../../src/errors';
import { toSearchQuery } from '../../../src/lineage/questions/search-query';

describe('search query', () => {
  it('matches each word whole, as a prefix or inside a name, all words required', () => {
    assert.deepEqual(toSearchQuery('Fraud features'), {
      lucene: '(fraud^4 OR fraud*^2 OR *fraud*) AND (features^4 OR features*^2 OR *features*)',
      phrase: 'fraud features',
    });
  });

  it('splits names where the index does and keeps _ and . inside words', () => {
    assert.equal(
      toSearchQuery('s3://lake/raw-data').lucene,
      '(s3^4 OR s3*^2 OR *s3*) AND (lake^4 OR lake*^2 OR *lake*) AND (raw^4 OR raw*^2 OR *raw*) AND (data^4 OR data*^2 OR *data*)',
    );
    assert.equal(toSearchQuery('fraud_features.build').lucene, '(fraud_features.build^4 OR fraud_features.build*^2 OR *fraud_features.build*)');
  });

  it('never passes Lucene syntax through', () => {
    const { lucene } = toSearchQuery('a* OR name:"x" (b~2)^9 \\');
    assert.equal(
      lucene,
      '(a^4 OR a*^2 OR *a*) AND (or^4 OR or*^2 OR *or*) AND (name^4 OR name*^2 OR *name*) AND (x^4 OR x*^2 OR *x*) AND (b^4 OR b*^2 OR *b*) AND (2^4 OR 2*^2 OR *2*) AND (9^4 OR 9*^2 OR *9*)',
    );
  });

  it('refuses empty, symbol-only and overlong queries', () => {
    assert.throws(() => toSearchQuery('  '), BadInputError);
    assert.throws(() => toSearchQuery('*** ...'), /has no letters or digits/);
    assert.throws(() => toSearchQuery('x'.repeat(201)), /at most 200 characters/);
    assert.throws(() => toSearchQuery('a b c d e f g h i'), /at most 8 words/);
  });
});
