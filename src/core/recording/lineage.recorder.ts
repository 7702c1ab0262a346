import type { AuditEntry, AuditLog } from '../audit-log';
import type { Database, Tx } from '../../db/database';
import { InternalError, LineageError, ServiceUnavailableError, TransactionTimeoutError } from '../../errors';
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
import { LineageState, LoadedState, MissingState, slotKey, Wanted, type Kind, type ReceiptSnapshot, type RunSnapshot, type Snapshots } from './lineage-state';
import { LineageRepository, type EdgeWrites, type LoadPart, type ReceiptWrite, type WritePart } from './lineage.repository';
import { columnWritesOf } from '../column/column-writes';
import { ColumnWriteRepository } from '../column/column-write.repository';
import type { LineageWriteHook } from './lineage-write-hook';

/**
 * What became of one change; a recorded one names the entity it is about (see Applied.subjectId), and its
 * `conflicts` are what it contradicted and set aside (ConflictLog: OpenLineage events only).
 */
export type RecordOutcome =
  | { status: 'recorded'; subjectId: string | null; conflicts: readonly RecordedConflict[] }
  | { status: 'duplicate'; subjectId: string | null }
  | { status: 'rejected'; error: LineageError };

/** A change and who made it. */
export interface AttributedChange {
  context: WriteContext;
  change: LineageChange;
}

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
  /** The column lineage part of each write (src/core/column): see record(). */
  private readonly columns = new ColumnWriteRepository();

  constructor(
    private readonly db: Database,
    private readonly audit: AuditLog,
    private readonly repository = new LineageRepository(),
    /** Changes per transaction: large enough to amortise round trips, small enough for the transaction timeout. */
    private readonly chunkSize = 500,
    /** Derived work that commits with each transaction (lineage-write-hook.ts), given by the composition root. */
    private readonly hooks: readonly LineageWriteHook[] = [],
    /**
     * Datasets a transaction may mention (see weightOf): the work of a transaction grows with them, not with its
     * changes, so a chunk of 500 events of 1,000 inputs each would be a transaction of a million datasets that no
     * timeout is long enough for. The composition root gives one event's worth at LIMIT_EVENT_DATASETS: a batch
     * of wide events is recorded an event or a few per transaction, each as quick as a single event at the limit.
     */
    private readonly chunkDatasets = Number.POSITIVE_INFINITY,
  ) {}

  /**
   * Applies and writes the changes in the caller's transaction, with one audit record per recorded change; one
   * outcome per change, in order.
   */
  async record(tx: Tx, context: WriteContext, changes: readonly LineageChange[]): Promise<{ outcomes: RecordOutcome[]; state: LineageState }> {
    return this.recordAttributed(
      tx,
      changes.map((change) => ({ context, change })),
    );
  }

  /**
   * As record(), each change with its own writer: a group commit (group-commit.ts) records the changes of several
   * requests in one transaction, and each audit record names its own actor and request.
   */
  private async recordAttributed(tx: Tx, attributed: readonly AttributedChange[]): Promise<{ outcomes: RecordOutcome[]; state: LineageState }> {
    const changes = attributed.map(({ change }) => change);
    const loaded = new LoadedState();
    const wanted = wantedBy(changes);
    const parts = partsOf(changes);
    await this.repository.load(tx, wanted, loaded, parts.load);
    for (let round = 1; round <= MAX_ROUNDS; round++) {
      const state = LineageState.over(loaded);
      const entries: AuditEntry[] = [];
      const outcomes = attributed.map(({ context, change }) => applyOne(state, change, context, entries));
      // Column lineage (src/core/column): the fields and column edges of the versions the batch touched, derived
      // from their facets and their writers' reads. Derived before the write, not in a LineageWriteHook: a writer
      // not loaded yet is wanted like any state, and the round loads it.
      const columns = columnWritesOf(state);
      if (state.wanted.empty) {
        await this.flush(tx, state, parts.write);
        await this.columns.write(tx, columns);
        // Hook: derived records and notices, in this transaction (see LineageWriteHook).
        const recorded = outcomes.map((outcome) => outcome !== 'missing' && outcome.status === 'recorded');
        for (const hook of this.hooks) await hook.afterWrite(tx, { changes, recorded, state });
        // Each entry names its own writer; the first change's is only the default the port asks for.
        if (entries.length > 0) await this.audit.append(tx, attributed[0]!.context, entries);
        return { outcomes: outcomes as RecordOutcome[], state };
      }
      await this.repository.load(tx, state.wanted, loaded, parts.load);
    }
    throw new Error(`the recorder still lacked state after ${MAX_ROUNDS} rounds`);
  }

  /**
   * Records one change in the caller's transaction (a GraphQL mutation) and returns the entity it is about; a change
   * the rules refuse throws its error, so the transaction writes nothing.
   */
  async recordOne(tx: Tx, context: WriteContext, change: LineageChange): Promise<{ subjectId: string | null; state: LineageState }> {
    const { outcomes, state } = await this.record(tx, context, [change]);
    const [outcome] = outcomes;
    if (outcome!.status === 'rejected') throw outcome.error;
    return { subjectId: outcome!.subjectId, state };
  }

  /**
   * Records the changes in as few transactions as possible. A transaction that fails (a conflicting concurrent
   * write, a timeout, a change the rules did not foresee) is split in halves and retried, down to single
   * changes, so one bad change never sinks the others. An unreachable or busy Neo4j fails the whole call, and so
   * does a single change that timed out: that is the server's condition, answered 503 so the client retries
   * (changes committed before it come back as duplicates), never a refusal of the change.
   */
  async recordAll(transaction: string, context: WriteContext, changes: readonly LineageChange[]): Promise<RecordOutcome[]> {
    return this.recordAllAttributed(
      transaction,
      changes.map((change) => ({ context, change })),
    );
  }

  /** As recordAll(), each change with its own writer (a group commit's changes, from several requests). */
  async recordAllAttributed(transaction: string, attributed: readonly AttributedChange[]): Promise<RecordOutcome[]> {
    const outcomes: RecordOutcome[] = [];
    for (const chunk of chunksOf(attributed, this.chunkSize, this.chunkDatasets, ({ change }) => change)) {
      outcomes.push(...(await this.recordChunk(transaction, chunk)));
    }
    return outcomes;
  }

  private async recordChunk(transaction: string, attributed: readonly AttributedChange[]): Promise<RecordOutcome[]> {
    try {
      return (await this.db.write(transaction, (tx) => this.recordAttributed(tx, attributed))).outcomes;
    } catch (error) {
      const splittable = error instanceof TransactionTimeoutError && attributed.length > 1;
      if (error instanceof ServiceUnavailableError && !splittable) throw error;
      if (attributed.length === 1) return [{ status: 'rejected', error: error instanceof LineageError ? error : new InternalError() }];
      const half = Math.ceil(attributed.length / 2);
      return [...(await this.recordChunk(transaction, attributed.slice(0, half))), ...(await this.recordChunk(transaction, attributed.slice(half)))];
    }
  }

  /** Writes what the accepted changes changed, and nothing else. */
  private async flush(tx: Tx, state: LineageState, parts: ReadonlySet<WritePart>): Promise<void> {
    const { loaded } = state;
    // Sorted by id, so that concurrent transactions lock shared nodes (a job, a dataset) in the same order.
    const changed = <K extends Kind>(kind: K): Array<Snapshots[K]> =>
      state
        .changedOf(kind)
        .filter((snapshot) => kind === 'receipt' || !sameData(snapshot, loaded.get(kind, idOf(snapshot)) ?? null))
        .sort((a, b) => (idOf(a) < idOf(b) ? -1 : idOf(a) > idOf(b) ? 1 : 0));
    // A description is written only when a change set it, so that a change that merely mentions a dataset or a
    // model (an OpenLineage event) never writes back a description another transaction has just replaced.
    const described = <K extends 'dataset' | 'model'>(kind: K) =>
      changed(kind).map((snapshot) => ({ ...snapshot, setDescription: snapshot.description !== (loaded.get(kind, snapshot.id)?.description ?? null) }));
    const changedRuns = changed('run');
    const runs = changedRuns.filter((run) => loaded.locked.has(run.id));
    const written = new Set(runs.map((run) => run.id));
    await this.repository.write(
      tx,
      {
        jobs: changed('job'),
        commits: changed('commit'),
        datasets: described('dataset'),
        versions: changed('version'),
        modelVersions: changed('modelVersion'),
        models: described('model'),
        deployments: changed('deployment'),
        flags: changed('flag'),
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
      },
      parts,
    );
  }
}

/**
 * Consecutive chunks of at most `size` changes and at most `datasets` datasets mentioned, in order; a change that
 * mentions more than `datasets` on its own is a chunk of its own. `changeOf` finds the change in an item.
 */
export function chunksOf<T>(items: readonly T[], size: number, datasets: number, changeOf: (item: T) => LineageChange): T[][] {
  const chunks: T[][] = [];
  let chunk: T[] = [];
  let weight = 0;
  for (const item of items) {
    const own = weightOf(changeOf(item));
    if (chunk.length > 0 && (chunk.length >= size || weight + own > datasets)) {
      chunks.push(chunk);
      chunk = [];
      weight = 0;
    }
    chunk.push(item);
    weight += own;
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}

/** The datasets (and model versions) a change mentions: what its share of the load, write and audit statements grows with. */
function weightOf(change: LineageChange): number {
  if (change.kind === 'run') return change.inputs.length + change.outputs.length + change.modelVersions.length;
  if (change.kind === 'job') return change.datasets.length;
  return 1;
}

/** Applies one change; a recorded one adds its audit entry, by its writer, to `entries`. */
function applyOne(state: LineageState, change: LineageChange, context: WriteContext, entries: AuditEntry[]): RecordOutcome | 'missing' {
  const misses = state.wanted.misses;
  try {
    let entry: AuditEntry | null = null;
    let conflicts: readonly RecordedConflict[] = [];
    const applied = applyChange(state, change, (touched, outcome) => {
      conflicts = touched.flatMap((entity) => (entity.kind === 'receipt' && entity.after !== true ? (entity.after as ReceiptSnapshot).conflicts : []));
      entry = { ...auditEntryOf(change, touched, outcome), context };
    });
    if (state.wanted.misses !== misses) return 'missing';
    if (applied.status === 'duplicate') return { status: 'duplicate', subjectId: applied.subjectId };
    if (entry) entries.push(entry);
    return { status: 'recorded', subjectId: applied.subjectId, conflicts };
  } catch (error) {
    if (error instanceof MissingState || state.wanted.misses !== misses) return 'missing';
    if (error instanceof LineageError) return { status: 'rejected', error };
    throw error;
  }
}

/**
 * The parts of the load and write statements each kind of change may need. A batch's statements hold the parts of
 * its kinds (and any other part with rows), so a batch of one kind always runs the same two statements, planned
 * once, and a GraphQL registration plans two small ones instead of the whole recorder.
 */
const LINEAGE_LOAD: readonly LoadPart[] = ['runs', 'refs', 'versionIds', 'datasetIds', 'jobIds', 'commitIds', 'modelVersionIds', 'receiptIds', 'guesses'];
const LINEAGE_WRITE: readonly WritePart[] = [
  'jobs',
  'commits',
  'datasets',
  'versions',
  'modelVersions',
  'placeholderRuns',
  'runs',
  'removedReads',
  'reads',
  'writes',
  'modelWrites',
  'receipts',
  'lockedOnly',
];
const PARTS_OF: Record<LineageChange['kind'], { load: readonly LoadPart[]; write: readonly WritePart[] }> = {
  run: { load: LINEAGE_LOAD, write: LINEAGE_WRITE },
  job: { load: LINEAGE_LOAD, write: LINEAGE_WRITE },
  dataset: { load: LINEAGE_LOAD, write: LINEAGE_WRITE },
  registerDataset: { load: ['datasetIds'], write: ['datasets'] },
  registerDatasetVersion: { load: ['versionIds', 'datasetIds'], write: ['datasets', 'versions'] },
  registerModel: { load: ['modelIds'], write: ['models'] },
  registerModelVersion: { load: ['runs', 'modelVersionIds', 'modelIds'], write: ['models', 'modelVersions', 'runs', 'modelWrites', 'lockedOnly'] },
  deploy: { load: ['modelVersionIds', 'deploymentIds', 'slots'], write: ['deployments'] },
  retire: { load: ['deploymentIds', 'slots'], write: ['deployments'] },
  flag: { load: ['flagged', 'flagIds', 'versionIds'], write: ['flags'] },
};

function partsOf(changes: readonly LineageChange[]): { load: ReadonlySet<LoadPart>; write: ReadonlySet<WritePart> } {
  const kinds = new Set(changes.map((change) => change.kind));
  return {
    load: new Set([...kinds].flatMap((kind) => PARTS_OF[kind].load)),
    write: new Set([...kinds].flatMap((kind) => PARTS_OF[kind].write)),
  };
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
    } else if (change.kind === 'job' || change.kind === 'dataset') {
      if (change.kind === 'job') want('job', change.job.id);
      for (const mention of change.kind === 'job' ? change.datasets : [change.dataset]) {
        if (mention.version) want('version', mention.version.id);
        else want('dataset', mention.dataset.id);
      }
    } else if (change.kind === 'registerDataset') {
      want('dataset', change.dataset.id);
    } else if (change.kind === 'registerDatasetVersion') {
      want('dataset', change.version.datasetId);
      want('version', change.version.id);
    } else if (change.kind === 'registerModel') {
      want('model', change.model.id);
    } else if (change.kind === 'registerModelVersion') {
      want('model', change.version.modelId);
      want('modelVersion', change.version.id);
      if (change.trainingRun) lockRun(change.trainingRun.runId);
    } else if (change.kind === 'deploy') {
      want('modelVersion', change.modelVersion.id);
      wanted.slots.set(slotKey(change.slot), change.slot);
      if (change.deployedAt) want('deployment', ids.deployment(change.slot.name, change.slot.environment, change.deployedAt));
    } else if (change.kind === 'flag') {
      want('version', change.flag.versionId);
      want('flag', change.flag.id);
      wanted.flagged.add(change.flag.versionId);
    } else if ('id' in change.target) {
      want('deployment', change.target.id);
    } else {
      wanted.slots.set(slotKey(change.target.slot), change.target.slot);
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
