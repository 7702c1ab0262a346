import type { AuditEntry, AuditLog } from '../audit-log';
import type { Database, Tx } from '../../db/database';
import { InternalError, LineageError, ServiceUnavailableError } from '../../errors';
import { sameData } from '../canonical-json';
import { toFacetsProperty } from '../facets';
import { ids, kindOfId } from '../ids';
import { toJsonProperty } from '../json-property';
import type { NodeKind } from '../vocabulary';
import { UNVERSIONED } from '../dataset/dataset.rules';
import { earliest, FINAL_STATE, isStart } from '../run/run.rules';
import type { WriteContext } from '../write-context';
import { auditEntryOf } from './audit-entries';
import { applyChange } from './lineage-change.apply';
import type { LineageChange } from './lineage-change.types';
import type { RecordedConflict } from './conflict-log';
import { LineageState, LoadedState, MissingState, Wanted, type Kind, type ReceiptSnapshot, type RunSnapshot, type Snapshots } from './lineage-state';
import { LineageRepository, type EdgeWrites, type ReceiptWrite } from './lineage.repository';

/** A recorded change's `conflicts` are what it contradicted and set aside (ConflictLog: OpenLineage events only). */
export type RecordOutcome =
  { status: 'recorded'; conflicts: readonly RecordedConflict[] } | { status: 'duplicate' } | { status: 'rejected'; error: LineageError };

/** Enough for any real batch: each round only loads what the previous one found missing. */
const MAX_ROUNDS = 8;

/**
 * Records changes (runs, jobs, datasets and the raw events behind them) in bulk, one transaction per chunk:
 * lock the runs the chunk touches and read the state of everything it touches in one statement (UNWINDs in
 * subqueries; a second round only for what the first could not foresee), apply the changes in order to that
 * state in memory by the domain rules (each change accepted or rejected on its own), then write what the
 * accepted ones changed in one statement. A single GraphQL mutation or OpenLineage event goes through the same
 * path as a chunk of one, so there is one set of rules and one way of writing them. Each recorded change (not a
 * duplicate, not a refused one) appends its audit record in the same transaction.
 */
export class LineageRecorder {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditLog,
    private readonly repository = new LineageRepository(),
    /** Changes per transaction: large enough to amortise round trips, small enough for the transaction timeout. */
    private readonly chunkSize = 500,
  ) {}

  /**
   * Applies and writes the changes in the caller's transaction, with one audit record per recorded change; one
   * outcome per change, in order.
   */
  async record(tx: Tx, context: WriteContext, changes: readonly LineageChange[]): Promise<{ outcomes: RecordOutcome[]; state: LineageState }> {
    const loaded = new LoadedState();
    const wanted = wantedBy(changes);
    await this.repository.load(tx, wanted, loaded);
    for (let round = 1; round <= MAX_ROUNDS; round++) {
      const state = LineageState.over(loaded);
      const entries: AuditEntry[] = [];
      const outcomes = changes.map((change) => applyOne(state, change, entries));
      if (state.wanted.empty) {
        await this.flush(tx, state);
        await this.audit.append(tx, context, entries);
        return { outcomes: outcomes as RecordOutcome[], state };
      }
      await this.repository.load(tx, state.wanted, loaded);
    }
    throw new Error(`the recorder still lacked state after ${MAX_ROUNDS} rounds`);
  }

  /**
   * Records the changes in as few transactions as possible. A transaction that fails (a conflicting concurrent
   * write, a timeout, a change the rules did not foresee) is split in halves and retried, down to single
   * changes, so one bad change never sinks the others; only an unreachable Neo4j fails the whole call.
   */
  async recordAll(transaction: string, context: WriteContext, changes: readonly LineageChange[]): Promise<RecordOutcome[]> {
    const outcomes: RecordOutcome[] = [];
    for (let start = 0; start < changes.length; start += this.chunkSize) {
      outcomes.push(...(await this.recordChunk(transaction, context, changes.slice(start, start + this.chunkSize))));
    }
    return outcomes;
  }

  private async recordChunk(transaction: string, context: WriteContext, changes: readonly LineageChange[]): Promise<RecordOutcome[]> {
    try {
      return (await this.db.write(transaction, (tx) => this.record(tx, context, changes))).outcomes;
    } catch (error) {
      if (error instanceof ServiceUnavailableError) throw error;
      if (changes.length === 1) return [{ status: 'rejected', error: error instanceof LineageError ? error : new InternalError() }];
      const half = Math.ceil(changes.length / 2);
      return [
        ...(await this.recordChunk(transaction, context, changes.slice(0, half))),
        ...(await this.recordChunk(transaction, context, changes.slice(half))),
      ];
    }
  }

  /** Writes what the accepted changes changed, and nothing else. */
  private async flush(tx: Tx, state: LineageState): Promise<void> {
    const { loaded } = state;
    // Sorted by id, so that concurrent transactions lock shared nodes (a job, a dataset) in the same order.
    const changed = <K extends Kind>(kind: K): Array<Snapshots[K]> =>
      state
        .changedOf(kind)
        .filter((snapshot) => kind === 'receipt' || !sameData(snapshot, loaded.get(kind, idOf(snapshot)) ?? null))
        .sort((a, b) => (idOf(a) < idOf(b) ? -1 : idOf(a) > idOf(b) ? 1 : 0));
    const changedRuns = changed('run');
    const runs = changedRuns.filter((run) => loaded.locked.has(run.id));
    const written = new Set(runs.map((run) => run.id));
    await this.repository.write(tx, {
      jobs: changed('job'),
      commits: changed('commit'),
      datasets: changed('dataset'),
      versions: changed('version'),
      modelVersions: changed('modelVersion'),
      // A run changed without being locked is a parent the changes created as a placeholder.
      placeholderRuns: changedRuns.filter((run) => !loaded.locked.has(run.id)),
      runs: runs.map((run) => {
        const before = loaded.get('run', run.id) ?? null;
        const link = (now: string | null, then: string | null | undefined) => (now !== null && now !== then ? now : null);
        return {
          run,
          links: {
            jobId: link(run.jobId, before?.jobId),
            commitId: link(run.commitId, before?.commitId),
            parentId: link(run.parent?.id ?? null, before?.parent?.id),
          },
        };
      }),
      edges: edgeWrites(runs, loaded),
      receipts: receiptWrites(state),
      lockedOnly: [...loaded.lockedOnly].filter((id) => !written.has(id)),
    });
  }
}

/** Applies one change; a recorded one adds its audit entry to `entries`. */
function applyOne(state: LineageState, change: LineageChange, entries: AuditEntry[]): RecordOutcome | 'missing' {
  const misses = state.wanted.misses;
  try {
    let entry: AuditEntry | null = null;
    let conflicts: readonly RecordedConflict[] = [];
    const status = applyChange(state, change, (touched) => {
      conflicts = touched.flatMap((entity) => (entity.kind === 'receipt' && entity.after !== true ? (entity.after as ReceiptSnapshot).conflicts : []));
      entry = auditEntryOf(change, touched);
    });
    if (state.wanted.misses !== misses) return 'missing';
    if (status === 'duplicate') return { status };
    if (entry) entries.push(entry);
    return { status, conflicts };
  } catch (error) {
    if (error instanceof MissingState || state.wanted.misses !== misses) return 'missing';
    if (error instanceof LineageError) return { status: 'rejected', error };
    throw error;
  }
}

/** What the changes obviously touch, loaded before the first round so that most batches need no second one. */
function wantedBy(changes: readonly LineageChange[]): Wanted {
  const wanted = new Wanted();
  const want = (kind: Kind, id: string) => wanted.ids.get(kind)!.add(id);
  const lockRun = (runId: string) => {
    want('run', ids.run(runId));
    wanted.locks.set(ids.run(runId), runId);
  };
  const runTimes = new Map<string, { start: string | null; end: string | null }>();
  for (const change of changes) {
    if (change.receipt) want('receipt', change.receipt.id);
    if (change.kind === 'run') {
      lockRun(change.runId);
      const times = runTimes.get(change.id) ?? { start: null, end: null };
      if (isStart(change.event)) times.start = earliest(times.start, change.at);
      if (FINAL_STATE[change.event]) times.end ??= change.at;
      runTimes.set(change.id, times);
      for (const input of change.inputs) {
        if (!input.version) wanted.guesses.push({ runId: change.id, datasetId: input.dataset.id, ...times, at: change.at });
      }
      if (change.parent) {
        want('run', ids.run(change.parent.runId));
        if (change.parent.job) want('job', change.parent.job.id);
      }
      if (change.job) want('job', change.job.id);
      if (change.commit) want('commit', change.commit.id);
      for (const input of change.inputs) {
        if (input.version) want('version', input.version.id);
        else {
          want('version', ids.datasetVersion(input.dataset.namespace, input.dataset.name, UNVERSIONED));
          if (input.facets) want('dataset', input.dataset.id);
        }
      }
      for (const output of change.outputs) want('version', output.id);
      for (const output of change.modelVersions) want('modelVersion', output.id);
    } else {
      if (change.kind === 'job') want('job', change.job.id);
      for (const mention of change.kind === 'job' ? change.datasets : [change.dataset]) {
        if (mention.version) want('version', mention.version.id);
        else want('dataset', mention.dataset.id);
      }
    }
  }
  return wanted;
}

function edgeWrites(runs: readonly RunSnapshot[], loaded: LoadedState): EdgeWrites {
  const edges: EdgeWrites = { removedReads: [], reads: [], writes: [], modelWrites: [] };
  for (const run of runs) {
    const before = loaded.get('run', run.id) ?? null;
    for (const versionId of before?.reads.keys() ?? []) {
      if (!run.reads.has(versionId)) edges.removedReads.push({ runId: run.id, versionId });
    }
    for (const [versionId, edge] of run.reads) {
      if (sameData(edge, before?.reads.get(versionId) ?? null)) continue;
      edges.reads.push({ runId: run.id, versionId, implicit: edge.implicit || null, ioFacetsJson: toFacetsProperty(edge.ioFacets) });
    }
    for (const [list, target, recorded] of [
      [run.writes, edges.writes, before?.writes],
      [run.modelWrites, edges.modelWrites, before?.modelWrites],
    ] as const) {
      for (const [versionId, edge] of list) {
        if (sameData(edge, recorded?.get(versionId) ?? null)) continue;
        target.push({ runId: run.id, versionId, ioFacetsJson: toFacetsProperty(edge.ioFacets) });
      }
    }
  }
  return edges;
}

function receiptWrites(state: LineageState): ReceiptWrite[] {
  return state.changedOf('receipt').flatMap((receipt) => {
    if (receipt === true) return [];
    const { id, eventTime, receivedAt, about, conflicts, ...properties } = receipt;
    const conflicted = (kind: NodeKind) => [...new Set(conflicts.map((c) => c.entityId).filter((entityId) => kindOfId(entityId) === kind))];
    return [
      {
        id,
        eventTime,
        receivedAt,
        properties: { ...properties, conflictsJson: toJsonProperty(conflicts.length > 0 ? conflicts : null) },
        about: {
          runId: about.label === 'Run' ? about.id : null,
          jobId: about.label === 'Job' ? about.id : null,
          datasetId: about.label === 'Dataset' ? about.id : null,
        },
        conflictsWith: {
          runIds: conflicted('Run'),
          versionIds: conflicted('DatasetVersion'),
          modelVersionIds: conflicted('ModelVersion'),
          commitIds: conflicted('Commit'),
        },
      },
    ];
  });
}

function idOf(snapshot: Snapshots[Kind]): string {
  return (snapshot as { id: string }).id;
}
