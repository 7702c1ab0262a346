import type { Database } from '../../db/database';
import { abandonedError, currentRequestScope, type RequestScope } from '../../db/request-scope';
import { recordGroupCommit } from '../../observability/metrics';
import type { WriteContext } from '../write-context';
import type { LineageChange } from './lineage-change.types';
import type { AttributedChange, LineageRecorder, RecordOutcome } from './lineage.recorder';

export interface GroupCommitSettings {
  /** The transaction's name in logs and metrics. */
  transaction: string;
  /** Changes one group may hold: bounds how long its first change waits for the others to be written. */
  maxChanges: number;
  /** Group transactions in flight at once. */
  concurrency: number;
}

interface Waiting extends AttributedChange {
  request: RequestScope | undefined;
  resolve: (outcome: RecordOutcome) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for changes that arrive one per request (OpenLineage events posted singly): changes submitted while
 * a group's transaction is in flight wait, and go together in the next transaction, so that N concurrent clients
 * cost about one transaction, one lock of each run and one audit-chain append per group instead of one each, and
 * concurrent events about one run are applied in order in one transaction instead of queueing on its lock.
 *
 * No change waits for a window to close: a change that finds no group in flight starts one at once (after the
 * events already read in the same turn of the event loop have joined it). Each change is still acknowledged only
 * once its own transaction committed, with its own outcome: a change the rules refuse is refused alone, and a
 * transaction that fails is split and retried by the recorder (recordAll) down to the change at fault. Each
 * audit record names its own actor and request.
 *
 * Writes that must keep a transaction of their own (Database.mustWriteAlone: a rehearsal, a write inside another
 * transaction, a client reading its own writes by bookmark) bypass the groups.
 */
export class GroupCommit {
  private readonly waiting: Waiting[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly db: Database,
    private readonly recorder: LineageRecorder,
    private readonly settings: GroupCommitSettings,
  ) {}

  /** Records the change in the next group transaction; resolves with its outcome once that transaction committed. */
  record(context: WriteContext, change: LineageChange): Promise<RecordOutcome> {
    if (this.db.mustWriteAlone) return this.recorder.recordAll(this.settings.transaction, context, [change]).then(([outcome]) => outcome!);
    return new Promise((resolve, reject) => {
      this.waiting.push({ context, change, request: currentRequestScope(), resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.settings.concurrency || this.waiting.length === 0) return;
    this.scheduled = true;
    // setImmediate, not a timer: the requests whose bodies were read in this turn join the group; none waits longer.
    setImmediate(() => {
      this.scheduled = false;
      void this.commitNext();
    });
  }

  private async commitNext(): Promise<void> {
    const group = this.takeGroup();
    if (group.length === 0) return this.schedule();
    this.inFlight += 1;
    recordGroupCommit(group.length);
    try {
      const outcomes = await this.db.detached(() => this.recorder.recordAllAttributed(this.settings.transaction, group));
      group.forEach((waiting, index) => waiting.resolve(outcomes[index]!));
    } catch (error) {
      // Neo4j unavailable or busy for the whole group (the recorder splits anything else): each request says so.
      for (const waiting of group) waiting.reject(error);
    } finally {
      this.inFlight -= 1;
      this.schedule();
    }
  }

  /** The next group, in arrival order; a change whose client left before its turn is dropped, not written for nobody. */
  private takeGroup(): Waiting[] {
    const group: Waiting[] = [];
    while (this.waiting.length > 0 && group.length < this.settings.maxChanges) {
      const next = this.waiting.shift()!;
      if (next.request?.abandoned) next.reject(abandonedError());
      else group.push(next);
    }
    return group;
  }
}
