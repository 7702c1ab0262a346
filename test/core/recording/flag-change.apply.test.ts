import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BadInputError, ConflictError, LineageError, NotFoundError } from '../../../src/errors';
import { ids } from '../../../src/core/ids';
import { NO_VERSION_VALUES } from '../../../src/core/dataset/dataset-version.label';
import { normalizeFlag, type FlagStatus } from '../../../src/core/quality/flag.normalize';
import { auditEntryOf } from '../../../src/core/recording/audit-entries';
import { applyChange, type Applied } from '../../../src/core/recording/lineage-change.apply';
import type { FlagChange } from '../../../src/core/recording/lineage-change.types';
import { KINDS, LineageState, LoadedState, MissingState, type VersionSnapshot } from '../../../src/core/recording/lineage-state';
import type { AuditEntry } from '../../../src/core/audit-log';

/**
 * Flags as changes of the recorder (flagDatasetVersion): the rules applied to its state in memory, over a graph
 * holding one dataset version and whatever flags a test gives it; what else is asked for is answered "absent".
 */
const VERSION_ID = ids.datasetVersion('s3://lake', 'features', 'v1');
const CREATED = '2026-01-10T00:00:00.000Z';
const NOW = new Date('2026-03-01T00:00:00.000Z');

const version: VersionSnapshot = {
  id: VERSION_ID,
  datasetId: ids.dataset('s3://lake', 'features'),
  namespace: 's3://lake',
  name: 'features',
  version: 'v1',
  createdAt: CREATED,
  createdAtFromRun: false,
  values: NO_VERSION_VALUES,
  valuesAt: null,
  facets: null,
  producer: null,
};

function flagChange(status: FlagStatus, flaggedAt: string, reason = `found ${status}`, versionId = VERSION_ID): FlagChange {
  return { kind: 'flag', at: NOW.toISOString(), flag: normalizeFlag({ id: versionId, status, reason, flaggedAt }, NOW), flaggedBy: 'alice', receipt: null };
}

interface Outcome {
  applied?: Applied;
  error?: LineageError;
  entry?: AuditEntry;
}

/** Applies the changes in order as one batch, loading what they ask for as the recorder would, until none is missing. */
function applyAll(changes: readonly FlagChange[], loaded = graphWithVersion()): { state: LineageState; outcomes: Outcome[] } {
  for (;;) {
    const state = LineageState.over(loaded);
    const outcomes = changes.map((change): Outcome => {
      let entry: AuditEntry | undefined;
      try {
        const applied = applyChange(state, change, (touched, outcome) => (entry = auditEntryOf(change, touched, outcome)));
        return { applied, entry };
      } catch (error) {
        if (error instanceof MissingState) return {};
        if (error instanceof LineageError) return { error };
        throw error;
      }
    });
    if (state.wanted.empty) return { state, outcomes };
    for (const kind of KINDS) for (const id of state.wanted.ids.get(kind)!) if (!loaded.has(kind, id)) loaded.set(kind, id, null);
    for (const id of state.wanted.flagged) if (!loaded.latestFlags.has(id)) loaded.latestFlags.set(id, null);
  }
}

function graphWithVersion(): LoadedState {
  const loaded = new LoadedState();
  loaded.set('version', VERSION_ID, version);
  return loaded;
}

describe('flags as changes', () => {
  it("records a version's first flag, audited as its qualityFlag from nothing", () => {
    const { state, outcomes } = applyAll([flagChange('SUSPECT', '2026-02-01T00:00:00.000Z')]);
    const [made] = state.changedOf('flag');
    assert.equal(made!.status, 'SUSPECT');
    assert.equal(made!.flaggedBy, 'alice');
    assert.equal(state.latestFlagOf(VERSION_ID, made!.flaggedAt), null);
    assert.deepEqual(outcomes[0]!.entry, {
      operation: 'flagDatasetVersion',
      entityIds: [VERSION_ID],
      changes: [{ entityId: VERSION_ID, field: 'qualityFlag', before: null, after: 'SUSPECT' }],
      details: { flagId: made!.id, reason: 'found SUSPECT', flaggedAt: '2026-02-01T00:00:00.000Z' },
    });
  });

  it('follows the latest flag, stored or made earlier in the same batch', () => {
    const loaded = graphWithVersion();
    const stored = { ...flagChange('SUSPECT', '2026-01-20T00:00:00.000Z').flag, flaggedBy: 'bob' };
    loaded.set('flag', stored.id, stored);
    loaded.latestFlags.set(VERSION_ID, stored.id);
    const { state, outcomes } = applyAll([flagChange('BAD', '2026-02-01T00:00:00.000Z'), flagChange('CLEARED', '2026-02-02T00:00:00.000Z')], loaded);
    assert.deepEqual(
      outcomes.map((outcome) => outcome.entry?.changes),
      [
        [{ entityId: VERSION_ID, field: 'qualityFlag', before: 'SUSPECT', after: 'BAD' }],
        [{ entityId: VERSION_ID, field: 'qualityFlag', before: 'BAD', after: 'CLEARED' }],
      ],
    );
    const [bad, cleared] = state.changedOf('flag');
    assert.equal(state.latestFlagOf(VERSION_ID, bad!.flaggedAt)!.id, stored.id);
    assert.equal(state.latestFlagOf(VERSION_ID, cleared!.flaggedAt)!.id, bad!.id);
    assert.equal(state.latestFlagOf(VERSION_ID)!.id, cleared!.id);
  });

  it('refuses a flag before the latest one, or before the version existed, or of a version that does not exist', () => {
    const { state, outcomes } = applyAll([
      flagChange('BAD', '2026-02-01T00:00:00.000Z'),
      flagChange('SUSPECT', '2026-01-25T00:00:00.000Z'),
      flagChange('BAD', '2026-01-05T00:00:00.000Z'),
      flagChange('BAD', '2026-02-01T00:00:00.000Z', 'gone', ids.datasetVersion('s3://lake', 'features', 'v9')),
    ]);
    assert.ok(outcomes[0]!.applied);
    assert.ok(outcomes[1]!.error instanceof ConflictError, 'out of order');
    assert.match(outcomes[1]!.error.message, /precedes the version's latest flag \(BAD at 2026-02-01T00:00:00.000Z\)/);
    assert.ok(outcomes[2]!.error instanceof BadInputError, 'before the version');
    assert.ok(outcomes[3]!.error instanceof NotFoundError, 'no such version');
    assert.equal(state.changedOf('flag').length, 1, 'a refused flag leaves nothing');
  });

  it('takes a replay for the flag recorded, and refuses one that says something else', () => {
    const first = flagChange('BAD', '2026-02-01T00:00:00.000Z');
    const { state, outcomes } = applyAll([first, flagChange('BAD', '2026-02-01T00:00:00.000Z'), flagChange('BAD', '2026-02-01T00:00:00.000Z', 'other')]);
    assert.equal(outcomes[1]!.applied!.unchanged, true);
    assert.deepEqual(outcomes[1]!.entry, { operation: 'flagDatasetVersion', entityIds: [VERSION_ID], details: { unchanged: true, flagId: first.flag.id } });
    assert.ok(outcomes[2]!.error instanceof ConflictError);
    assert.equal(state.changedOf('flag').length, 1);
  });
});
