import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ids } from '../../../src/core/ids';
import { normalizeFlag } from '../../../src/core/quality/flag.normalize';
import { checkFlagInOrder, checkFlagReplay, type FlagSnapshot } from '../../../src/core/quality/flag.rules';
import { BadInputError, ConflictError } from '../../../src/errors';

const NOW = new Date('2025-03-20T15:00:00.000Z');
const VERSION = ids.datasetVersion('s3://lake', 'raw/transactions', '2025-02-28');
const input = { namespace: 's3://lake', name: 'raw/transactions', version: '2025-02-28', status: 'BAD' as const, reason: 'INC-1' };

function snapshot(flaggedAt: string, status: FlagSnapshot['status'] = 'BAD', reason = 'INC-1'): FlagSnapshot {
  const { id } = normalizeFlag({ id: VERSION, status, reason, flaggedAt }, NOW);
  return { id, versionId: VERSION, status, reason, flaggedAt, flaggedBy: 'oncall' };
}

describe('normalizeFlag', () => {
  it('names the version by its natural key or its id, and one instant is one flag', () => {
    const byKey = normalizeFlag({ ...input, flaggedAt: '2025-03-20T14:00:00Z' }, NOW);
    const byId = normalizeFlag({ id: VERSION, status: 'SUSPECT', reason: 'other', flaggedAt: '2025-03-20T14:00:00.000Z' }, NOW);
    assert.equal(byKey.versionId, VERSION);
    assert.equal(byKey.flaggedAt, '2025-03-20T14:00:00.000Z');
    assert.equal(byKey.id, byId.id);
    assert.notEqual(byKey.id, normalizeFlag({ ...input, flaggedAt: '2025-03-20T14:00:01Z' }, NOW).id);
  });

  it('defaults the instant to now and refuses one in the future', () => {
    assert.equal(normalizeFlag(input, NOW).flaggedAt, NOW.toISOString());
    assert.throws(
      () => normalizeFlag({ ...input, flaggedAt: '2025-03-21T00:00:00Z' }, NOW),
      (error: unknown) => {
        assert.ok(error instanceof BadInputError);
        assert.match(error.message, /flaggedAt.*in the future/);
        return true;
      },
    );
  });

  it('names what is wrong with the input', () => {
    const field = (fields: Parameters<typeof normalizeFlag>[0]) => {
      try {
        normalizeFlag(fields, NOW);
      } catch (error) {
        assert.ok(error instanceof BadInputError);
        return (error.extensions as { field?: string }).field ?? error.message;
      }
      assert.fail('accepted');
    };
    assert.equal(field({ ...input, status: 'GOOD' as never }), 'status');
    assert.equal(field({ ...input, reason: '' }), 'reason');
    assert.equal(field({ status: 'BAD', reason: 'x', name: 'raw/transactions' }), 'id');
    assert.equal(field({ id: ids.dataset('s3://lake', 'raw/transactions'), status: 'BAD', reason: 'x' }), 'id');
  });
});

describe('flag rules', () => {
  const flag = normalizeFlag({ ...input, flaggedAt: '2025-03-20T14:00:00Z' }, NOW);

  it('accepts a replay that says the same, and refuses one that does not', () => {
    checkFlagReplay(flag, snapshot(flag.flaggedAt));
    assert.throws(() => checkFlagReplay(flag, snapshot(flag.flaggedAt, 'SUSPECT')), ConflictError);
    assert.throws(() => checkFlagReplay(flag, snapshot(flag.flaggedAt, 'BAD', 'INC-2')), ConflictError);
  });

  it('records flags in order, never before the version', () => {
    checkFlagInOrder(flag, '2025-03-01T00:00:00.000Z', snapshot('2025-03-19T00:00:00.000Z', 'SUSPECT'));
    checkFlagInOrder(flag, null, null);
    assert.throws(() => checkFlagInOrder(flag, '2025-03-21T00:00:00.000Z', null), BadInputError);
    assert.throws(() => checkFlagInOrder(flag, null, snapshot('2025-03-20T14:30:00.000Z', 'CLEARED')), ConflictError);
  });
});
