import type { StoredFacets } from '../facets';
import type { CommitValues } from '../commit/commit.rules';
import type { VersionValues } from '../dataset/dataset.rules';
import type { ModelVersionValues } from '../model/model.rules';
import type { ValueTimes } from '../run/run.rules';
import type { RecordedConflict } from './conflict-log';
import type { EventReceipt, Slot } from './lineage-change.types';
import type { RunState } from '../vocabulary';
import type { FlagSnapshot } from '../quality/flag.rules';

/**
 * What the recorder knows of the graph while it applies a batch of changes: snapshots loaded from Neo4j (the
 * base) under overlays holding what the changes applied so far made of them. Everything here is plain data;
 * instants are ISO-8601 UTC strings, so they compare as strings.
 *
 * Asking for an entity that was not loaded throws MissingState after noting what was asked for: the recorder
 * then loads it and applies the batch again from the start, so no outcome rests on a partial picture.
 */

export interface RunSnapshot {
  id: string;
  runId: string;
  jobId: string | null;
  state: RunState | null;
  startedAt: string | null;
  endedAt: string | null;
  parameters: Record<string, unknown> | null;
  errorMessage: string | null;
  facets: StoredFacets | null;
  commitId: string | null;
  parent: { id: string; runId: string } | null;
  /** Dataset versions read, by version id. */
  reads: ReadonlyMap<string, ReadEdge>;
  /** Dataset versions written, by version id. */
  writes: ReadonlyMap<string, IoEdge>;
  /** Model versions produced, by version id. */
  modelWrites: ReadonlyMap<string, IoEdge>;
}

export interface ReadEdge {
  datasetId: string;
  /** The event named no version: the recorder chose the version current at the run's read time. */
  implicit: boolean;
  ioFacets: StoredFacets | null;
}

export interface IoEdge {
  ioFacets: StoredFacets | null;
}

export interface VersionSnapshot {
  id: string;
  datasetId: string;
  namespace: string;
  name: string;
  version: string;
  createdAt: string;
  /** Its creation time is its writer's end (see the recorder's settle rule). */
  createdAtFromRun: boolean;
  values: VersionValues;
  /** When its writer's events gave each value (run.rules reviseOutput); null for values no run event gave. */
  valuesAt: ValueTimes | null;
  facets: StoredFacets | null;
  producer: { id: string; runId: string } | null;
}

export interface DatasetSnapshot {
  id: string;
  namespace: string;
  name: string;
  description: string | null;
  createdAt: string;
  facets: StoredFacets | null;
}

export interface JobSnapshot {
  id: string;
  namespace: string;
  name: string;
  description: string | null;
  createdAt: string;
  facets: StoredFacets | null;
}

export interface CommitSnapshot {
  id: string;
  repository: string;
  sha: string;
  values: CommitValues;
  createdAt: string;
}

export interface ModelVersionSnapshot {
  id: string;
  modelId: string;
  modelName: string;
  version: string;
  createdAt: string;
  createdAtFromRun: boolean;
  values: ModelVersionValues;
  facets: StoredFacets | null;
  producerId: string | null;
}

export interface ModelSnapshot {
  id: string;
  name: string;
  description: string | null;
  createdAt: string;
}

export interface DeploymentSnapshot {
  id: string;
  name: string;
  environment: string;
  endpoint: string | null;
  deployedAt: string;
  deployedBy: string | null;
  retiredAt: string | null;
  retiredBy: string | null;
  modelVersionId: string;
  /** The deployment of the slot it succeeded. */
  previousId: string | null;
}

/** A raw event recorded by the batch, with the node it is about. */
export interface ReceiptSnapshot extends EventReceipt {
  about: { label: 'Run' | 'Job' | 'Dataset'; id: string };
  /** What the event contradicted, set aside (see ConflictLog). */
  conflicts: RecordedConflict[];
}

export interface Snapshots {
  run: RunSnapshot;
  version: VersionSnapshot;
  dataset: DatasetSnapshot;
  job: JobSnapshot;
  commit: CommitSnapshot;
  modelVersion: ModelVersionSnapshot;
  model: ModelSnapshot;
  deployment: DeploymentSnapshot;
  flag: FlagSnapshot;
  /** `true` for a receipt already stored before this batch. */
  receipt: ReceiptSnapshot | true;
}

export type Kind = keyof Snapshots;

/** An entity one change wrote, as it was before the change and after it (for the audit trail). */
export interface TouchedEntity {
  kind: Kind;
  id: string;
  before: Snapshots[Kind] | null;
  after: Snapshots[Kind];
}
export const KINDS: readonly Kind[] = ['run', 'version', 'dataset', 'job', 'commit', 'modelVersion', 'model', 'deployment', 'flag', 'receipt'];

/**
 * The versions of a dataset current at an instant for a reading run, as Neo4j had them: the newest `limit`
 * created at or before `at` that the run did not write, newest first.
 */
export interface CandidateKey {
  datasetId: string;
  at: string;
  runId: string;
  limit: number;
}

/** Number of versions asked of Neo4j at first for a key; more are asked if all of them turn out unusable. */
export const FIRST_CANDIDATES = 4;

/**
 * A guess at a read the recorder will need: the read time of a change's run computed in Neo4j, from the run's
 * recorded start and end and the `start`/`end` the batch's earlier changes give it, so that the versions current
 * then come with the first load. A wrong guess costs a second round, never a wrong answer.
 */
export interface ReadGuess {
  runId: string;
  datasetId: string;
  /** Earliest START/RUNNING time of the run among the batch's changes up to this one. */
  start: string | null;
  /** First end time of the run among the batch's changes up to this one. */
  end: string | null;
  at: string;
}

export function candidateKey(key: CandidateKey): string {
  return `${key.datasetId}|${key.at}|${key.runId}|${key.limit}`;
}

/** A slot's key (names never hold NUL: validation refuses control characters). */
export function slotKey(slot: Slot): string {
  return `${slot.name}\u0000${slot.environment}`;
}

export class MissingState extends Error {
  constructor() {
    super('the recorder needs state that was not loaded yet');
  }
}

/** What the recorder asked for and did not have. */
export class Wanted {
  readonly ids = new Map<Kind, Set<string>>(KINDS.map((kind) => [kind, new Set<string>()]));
  readonly candidates = new Map<string, CandidateKey>();
  /** Slots whose latest deployment is needed (a deployment is made or retired there), by slotKey. */
  readonly slots = new Map<string, Slot>();
  /** Dataset versions whose latest flag is needed (a flag is put on them): these are locked, so flags go in turn. */
  readonly flagged = new Set<string>();
  /**
   * Runs the changes record events of, with the producer's run id: these are locked. Other runs asked for
   * (parents) are only read: a change creates them, if at all, as placeholders that never overwrite anything.
   */
  readonly locks = new Map<string, string>();
  /** Reads whose versions are likely needed (see ReadGuess). */
  readonly guesses: ReadGuess[] = [];
  /** Grows with every miss, so the recorder can tell whether a change saw the whole picture. */
  misses = 0;

  get empty(): boolean {
    return this.candidates.size === 0 && this.slots.size === 0 && this.flagged.size === 0 && [...this.ids.values()].every((ids) => ids.size === 0);
  }
}

/** Snapshots as loaded from Neo4j; `null` means "loaded, and absent". */
export class LoadedState {
  readonly entities = new Map<Kind, Map<string, Snapshots[Kind] | null>>(KINDS.map((kind) => [kind, new Map()]));
  readonly candidates = new Map<string, string[]>();
  /** The latest deployment of each slot asked for (by deployedAt, then id), or null when it has none; by slotKey. */
  readonly slots = new Map<string, string | null>();
  /** The latest flag of each dataset version asked for (by flaggedAt), or null when it has none; by version id. */
  readonly latestFlags = new Map<string, string | null>();
  /** Versions loaded, by dataset id. */
  readonly versionsByDataset = new Map<string, Set<string>>();
  /** Runs locked for this batch (see Wanted.locks). */
  readonly locked = new Set<string>();
  /** Runs that did not exist and were created only to lock them; removed at flush unless a change wrote them. */
  readonly lockedOnly = new Set<string>();

  set<K extends Kind>(kind: K, id: string, snapshot: Snapshots[K] | null): void {
    this.entities.get(kind)!.set(id, snapshot);
    if (kind === 'version' && snapshot) indexVersion(this.versionsByDataset, snapshot as VersionSnapshot);
  }

  has(kind: Kind, id: string): boolean {
    return this.entities.get(kind)!.has(id);
  }

  get<K extends Kind>(kind: K, id: string): Snapshots[K] | null | undefined {
    return this.entities.get(kind)!.get(id) as Snapshots[K] | null | undefined;
  }
}

function indexVersion(index: Map<string, Set<string>>, version: VersionSnapshot): void {
  let ids = index.get(version.datasetId);
  if (!ids) index.set(version.datasetId, (ids = new Set()));
  ids.add(version.id);
}

/**
 * The state as the changes applied so far left it. An overlay over the loaded state (the batch) or over another
 * overlay (one change, kept only if the whole change applies).
 */
export class LineageState {
  /** By kind, created when first needed: a state is made for every change applied. */
  private readonly changed = new Map<Kind, Map<string, Snapshots[Kind]>>();
  private readonly versionsByDataset = new Map<string, Set<string>>();
  /** Deployments the changes made, by slotKey. */
  private readonly deploymentsBySlot = new Map<string, Set<string>>();
  /** Flags the changes made, by the id of the version they flag. */
  private readonly flagsByVersion = new Map<string, Set<string>>();

  private constructor(
    readonly loaded: LoadedState,
    readonly wanted: Wanted,
    private readonly parent: LineageState | null,
  ) {}

  static over(loaded: LoadedState): LineageState {
    return new LineageState(loaded, new Wanted(), null);
  }

  /** A scratch overlay for one change; `commit()` makes its changes part of this state. */
  child(): LineageState {
    return new LineageState(this.loaded, this.wanted, this);
  }

  commit(): void {
    if (!this.parent) throw new Error('the root state has nothing to commit to');
    for (const [kind, snapshots] of this.changed) {
      for (const snapshot of snapshots.values()) this.parent.put(kind, snapshot);
    }
  }

  /** The snapshot, or null when the entity does not exist. Throws MissingState when it was not loaded. */
  get<K extends Kind>(kind: K, id: string): Snapshots[K] | null {
    const own = this.changed.get(kind)?.get(id);
    if (own !== undefined) return own as Snapshots[K];
    if (this.parent) return this.parent.get(kind, id);
    const loaded = this.loaded.get(kind, id);
    if (loaded === undefined) {
      this.wanted.ids.get(kind)!.add(id);
      this.wanted.misses++;
      throw new MissingState();
    }
    return loaded;
  }

  /** Like `get`, but undefined instead of MissingState when it was never loaded (nothing is noted as wanted). */
  peek<K extends Kind>(kind: K, id: string): Snapshots[K] | null | undefined {
    const own = this.changed.get(kind)?.get(id);
    if (own !== undefined) return own as Snapshots[K];
    return this.parent ? this.parent.peek(kind, id) : this.loaded.get(kind, id);
  }

  /** What this overlay changed, each entity with its snapshot before (from the parent) and after. */
  touched(): TouchedEntity[] {
    const touched: TouchedEntity[] = [];
    for (const [kind, snapshots] of this.changed) {
      for (const [id, after] of snapshots) touched.push({ kind, id, before: this.parent?.peek(kind, id) ?? this.loaded.get(kind, id) ?? null, after });
    }
    return touched;
  }

  put<K extends Kind>(kind: K, snapshot: Snapshots[K]): void {
    const id = kind === 'receipt' ? (snapshot as ReceiptSnapshot).id : (snapshot as { id: string }).id;
    let snapshots = this.changed.get(kind);
    if (!snapshots) this.changed.set(kind, (snapshots = new Map()));
    snapshots.set(id, snapshot);
    if (kind === 'version') indexVersion(this.versionsByDataset, snapshot as VersionSnapshot);
    if (kind === 'deployment') {
      const key = slotKey(snapshot as DeploymentSnapshot);
      let ids = this.deploymentsBySlot.get(key);
      if (!ids) this.deploymentsBySlot.set(key, (ids = new Set()));
      ids.add((snapshot as DeploymentSnapshot).id);
    }
    if (kind === 'flag') {
      const { versionId, id: flagId } = snapshot as FlagSnapshot;
      let ids = this.flagsByVersion.get(versionId);
      if (!ids) this.flagsByVersion.set(versionId, (ids = new Set()));
      ids.add(flagId);
    }
  }

  /**
   * The latest flag of a dataset version (by flaggedAt; one flag per version and instant), or with `before` the
   * latest made before that instant (the one a flag made then follows): the latest Neo4j had, or a later one the
   * changes made. Notes the version as wanted (MissingState) when it was not loaded.
   */
  latestFlagOf(versionId: string, before?: string): FlagSnapshot | null {
    const loaded = this.loaded.latestFlags.get(versionId);
    if (loaded === undefined) {
      this.wanted.flagged.add(versionId);
      this.wanted.misses++;
      throw new MissingState();
    }
    let latest: FlagSnapshot | null = null;
    for (const id of [...(loaded === null ? [] : [loaded]), ...this.flagIdsOf(versionId)]) {
      const candidate = this.get('flag', id)!;
      if ((before === undefined || candidate.flaggedAt < before) && (!latest || candidate.flaggedAt > latest.flaggedAt)) latest = candidate;
    }
    return latest;
  }

  private flagIdsOf(versionId: string): Set<string> {
    const ids = new Set(this.parent ? this.parent.flagIdsOf(versionId) : []);
    for (const id of this.flagsByVersion.get(versionId) ?? []) ids.add(id);
    return ids;
  }

  /**
   * The latest deployment of a slot (by deployedAt, then id): the latest Neo4j had, or a later one the changes
   * made. Notes the slot as wanted (MissingState) when it was not loaded.
   */
  latestInSlot(slot: Slot): DeploymentSnapshot | null {
    const key = slotKey(slot);
    const loaded = this.loaded.slots.get(key);
    if (loaded === undefined) {
      this.wanted.slots.set(key, slot);
      this.wanted.misses++;
      throw new MissingState();
    }
    let latest: DeploymentSnapshot | null = loaded === null ? null : this.get('deployment', loaded);
    for (const id of this.deploymentIdsOf(key)) {
      const candidate = this.get('deployment', id)!;
      if (!latest || candidate.deployedAt > latest.deployedAt || (candidate.deployedAt === latest.deployedAt && candidate.id > latest.id)) latest = candidate;
    }
    return latest;
  }

  private deploymentIdsOf(key: string): Set<string> {
    const ids = new Set(this.parent ? this.parent.deploymentIdsOf(key) : []);
    for (const id of this.deploymentsBySlot.get(key) ?? []) ids.add(id);
    return ids;
  }

  /** Ids of every known version of a dataset: loaded ones and those the changes created. */
  versionIdsOf(datasetId: string): Set<string> {
    const ids = new Set(this.parent ? this.parent.versionIdsOf(datasetId) : (this.loaded.versionsByDataset.get(datasetId) ?? []));
    for (const id of this.versionsByDataset.get(datasetId) ?? []) ids.add(id);
    return ids;
  }

  /**
   * Ids of the versions Neo4j had current for the key (see CandidateKey). When they were not loaded, the miss
   * is noted and none are returned, so that the change goes on and asks at once for everything else it needs;
   * its outcome is then discarded (see Wanted.misses) and the change applied again once they are loaded.
   */
  candidates(key: CandidateKey): string[] {
    const found = this.loaded.candidates.get(candidateKey(key));
    if (found === undefined) {
      this.wanted.candidates.set(candidateKey(key), key);
      this.wanted.misses++;
      return [];
    }
    return found;
  }

  /** The entities the changes wrote, by kind (only meaningful on the root state). */
  changedOf<K extends Kind>(kind: K): Array<Snapshots[K]> {
    return [...(this.changed.get(kind)?.values() ?? [])] as Array<Snapshots[K]>;
  }
}
