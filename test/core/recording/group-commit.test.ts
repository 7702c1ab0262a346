import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Database } from '../../../src/db/database';
import { RequestScope, withRequestScope } from '../../../src/db/request-scope';
import { ServiceUnavailableError } from '../../../src/errors';
import { GroupCommit } from '../../../src/core/recording/group-commit';
import type { LineageChange } from '../../../src/core/recording/lineage-change.types';
import type { AttributedChange, LineageRecorder, RecordOutcome } from '../../../src/core/recording/lineage.recorder';

/**
 * The grouping policy alone, over a recorder that notes the groups it is given (the writing itself is the recorder's,
 * tested against Neo4j in test/openlineage/group-commit.integration.test.ts).
 */
class NotingRecorder {
  readonly groups: string[][] = [];
  readonly alone: string[] = [];
  failNext: Error | null = null;
  /** The next group's transaction takes a while (a timer, so that what the test submits meanwhile must wait). */
  slowNext = false;

  async recordAllAttributed(_transaction: string, attributed: readonly AttributedChange[]): Promise<RecordOutcome[]> {
    this.groups.push(attributed.map(({ change, context }) => `${labelOf(change)}@${context.requestId}`));
    if (this.slowNext) {
      this.slowNext = false;
      await new Promise<void>((resolve) => setTimeout(resolve, 20));
    }
    if (this.failNext) {
      const error = this.failNext;
      this.failNext = null;
      throw error;
    }
    return attributed.map(({ change }) => ({ status: 'recorded', subjectId: labelOf(change), conflicts: [] }));
  }

  async recordAll(_transaction: string, _context: unknown, changes: readonly LineageChange[]): Promise<RecordOutcome[]> {
    this.alone.push(...changes.map(labelOf));
    return changes.map((change) => ({ status: 'recorded', subjectId: labelOf(change), conflicts: [] }));
  }
}

const labelOf = (change: LineageChange) => (change as unknown as { label: string }).label;
const change = (label: string) => ({ kind: 'run', label }) as unknown as LineageChange;
const context = (requestId: string) => ({ actor: 'anonymous', source: 'openlineage' as const, requestId });

function committer(recorder: NotingRecorder, db: Partial<Database> = {}, maxChanges = 64) {
  const fakeDb = { mustWriteAlone: false, detached: <T>(work: () => Promise<T>) => work(), ...db } as unknown as Database;
  return new GroupCommit(fakeDb, recorder as unknown as LineageRecorder, { transaction: 'test', maxChanges, concurrency: 1 });
}

describe('group commit', () => {
  it('starts a lone change at once and gathers what arrives meanwhile into the next group, in arrival order', async () => {
    const recorder = new NotingRecorder();
    const groups = committer(recorder);
    recorder.slowNext = true;
    const first = groups.record(context('r1'), change('a'));
    await new Promise((resolve) => setImmediate(resolve));
    const rest = ['b', 'c', 'd'].map((label, index) => groups.record(context(`r${index + 2}`), change(label)));
    const outcomes = await Promise.all([first, ...rest]);
    assert.deepEqual(recorder.groups, [['a@r1'], ['b@r2', 'c@r3', 'd@r4']]);
    assert.deepEqual(
      outcomes.map((outcome) => (outcome.status === 'recorded' ? outcome.subjectId : outcome.status)),
      ['a', 'b', 'c', 'd'],
    );
  });

  it('holds at most maxChanges in one group', async () => {
    const recorder = new NotingRecorder();
    const groups = committer(recorder, {}, 2);
    await Promise.all(['a', 'b', 'c', 'd', 'e'].map((label) => groups.record(context(label), change(label))));
    assert.deepEqual(recorder.groups, [['a@a', 'b@b'], ['c@c', 'd@d'], ['e@e']]);
  });

  it('gives every change of a group the error of a group that failed whole, and goes on with the next group', async () => {
    const recorder = new NotingRecorder();
    const groups = committer(recorder);
    recorder.failNext = new ServiceUnavailableError();
    const failed = await Promise.allSettled(['a', 'b'].map((label) => groups.record(context(label), change(label))));
    assert.deepEqual(
      failed.map((result) => (result.status === 'rejected' ? (result.reason as ServiceUnavailableError).code : 'fulfilled')),
      ['SERVICE_UNAVAILABLE', 'SERVICE_UNAVAILABLE'],
    );
    const next = await groups.record(context('c'), change('c'));
    assert.equal(next.status, 'recorded');
  });

  it('drops a change whose client left before its group started, and writes the others', async () => {
    const recorder = new NotingRecorder();
    const groups = committer(recorder);
    recorder.slowNext = true;
    const first = groups.record(context('r1'), change('a'));
    await new Promise((resolve) => setImmediate(resolve));
    const controller = new AbortController();
    const left = withRequestScope(new RequestScope(controller.signal), () => groups.record(context('r2'), change('b')));
    const stayed = groups.record(context('r3'), change('c'));
    controller.abort();
    const [leftResult] = await Promise.allSettled([left, first, stayed]);
    assert.equal(leftResult.status, 'rejected');
    assert.deepEqual(recorder.groups, [['a@r1'], ['c@r3']]);
  });

  it('records a change that must have a transaction of its own (a rehearsal, a bookmark) alone', async () => {
    const recorder = new NotingRecorder();
    const groups = committer(recorder, { mustWriteAlone: true } as Partial<Database>);
    await groups.record(context('r1'), change('a'));
    assert.deepEqual(recorder.alone, ['a']);
    assert.deepEqual(recorder.groups, []);
  });
});
