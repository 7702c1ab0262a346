import { ConflictError, NotFoundError } from '../../errors';
import { mergeFacets } from '../facets';
import { ids } from '../ids';
import { describeConflicts } from '../write-once';
import { ConflictLog } from './conflict-log';
import { fillCommit } from '../commit/commit.rules';
import { currentVersion, dedupeVersions, fillVersion, readableAt, UNVERSIONED, type VersionTimeline, type VersionValues } from '../dataset/dataset.rules';
import type { DatasetRef, NormalizedDatasetVersion } from '../dataset/dataset.normalize';
import { NO_VERSION_VALUES } from '../dataset/dataset-version.label';
import { checkTrainingRun, fillModelVersion } from '../model/model.rules';
import {
  checkCommit,
  checkJob,
  checkParent,
  checkStartAfterEnd,
  checkWriter,
  earliest,
  FINAL_STATE,
  isStart,
  mergeParameters,
  nextState,
  readTimeOf,
  reviseOutput,
  type SetAside,
} from '../run/run.rules';
import type { RunEventType } from '../vocabulary';
import type { DatasetMention, LineageChange, RunChange, RunInput } from './lineage-change.types';
import { FIRST_CANDIDATES, type IoEdge, type LineageState, type ReadEdge, type RunSnapshot, type TouchedEntity, type VersionSnapshot } from './lineage-state';
import { newVersion, recordVersion, touchDataset, touchJob } from './mentions';
import { applyRegistration, isRegistration } from './registration.apply';
import type { FlagSnapshot } from '../quality/flag.rules';

/** What applying a change did: recorded (or a duplicate event), the entity it is about, whether it changed nothing. */
export interface Applied {
  status: 'recorded' | 'duplicate';
  /** The entity the change is about (a run, a registered entity, the deployment made or found), for the caller. */
  subjectId: string | null;
  /** A deployment, retirement or flag that found everything already as asked. */
  unchanged: boolean;
  /** For a flag: the version's latest flag before it (null: its first). */
  previousFlag?: FlagSnapshot | null;
}

/**
 * Applies one change to the state, by the domain rules (run.rules, dataset.rules, commit.rules, model.rules,
 * deployment.rules): the same function records every GraphQL mutation and every event of an OpenLineage batch.
 * All or nothing: a change that breaks a rule throws its error and leaves the state as it was.
 */
export function applyChange(state: LineageState, change: LineageChange, observe?: (touched: TouchedEntity[], applied: Applied) => void): Applied {
  if (change.receipt && state.get('receipt', change.receipt.id)) return { status: 'duplicate', subjectId: null, unchanged: true };
  const draft = state.child();
  let applied: Applied;
  // A change that carries its raw event (OpenLineage) keeps its conflicts with it; a mutation is refused.
  const log = new ConflictLog(change.receipt ? 'record' : 'refuse');
  if (isRegistration(change)) {
    applied = { status: 'recorded', ...applyRegistration(draft, change) };
  } else {
    let about: { label: 'Run' | 'Job' | 'Dataset'; id: string };
    if (change.kind === 'run') {
      applyRun(draft, change, log);
      about = { label: 'Run', id: change.id };
    } else if (change.kind === 'job') {
      touchJob(draft, change.job, change.jobFacets, change.at);
      for (const mention of change.datasets) applyMention(draft, mention, change.at, log);
      about = { label: 'Job', id: change.job.id };
    } else {
      applyMention(draft, change.dataset, change.at, log);
      about = { label: 'Dataset', id: change.dataset.dataset.id };
    }
    if (change.receipt) draft.put('receipt', { ...change.receipt, about, conflicts: log.conflicts });
    applied = { status: 'recorded', subjectId: about.id, unchanged: false };
  }
  observe?.(draft.touched(), applied);
  draft.commit();
  return applied;
}

function applyRun(state: LineageState, change: RunChange, log: ConflictLog): void {
  const recorded = state.get('run', change.id);
  const self = { id: change.id, runId: change.runId };
  // A run does not move to another job: the job the event names is set aside, with its facets.
  const moved = log.settle(
    change.id,
    'job',
    () => (checkJob(change.runId, recorded?.jobId ?? null, change.job), false),
    () => true,
  );
  const jobId = moved ? recorded!.jobId! : checkJob(change.runId, recorded?.jobId ?? null, change.job);
  if (change.job && !moved) touchJob(state, change.job, change.jobFacets, change.at);
  const commit = change.commit
    ? log.settle(
        change.id,
        'job.facets.sourceCodeLocation',
        () => (checkCommit(change.runId, recorded?.commitId ?? null, change.commit!.id), change.commit),
        () => null,
      )
    : null;
  if (commit) {
    const before = state.get('commit', commit.id);
    const fill = log.settle(
      commit.id,
      'job.facets.sourceCodeLocation',
      () => fillCommit(commit, before?.values ?? null, commit.values),
      () => ({}),
    );
    state.put('commit', {
      id: commit.id,
      repository: commit.repository,
      sha: commit.sha,
      values: { ...(before?.values ?? commit.values), ...fill },
      createdAt: earliest(before?.createdAt, change.at)!,
    });
  }
  const parent = change.parent
    ? log.settle(
        change.id,
        'run.facets.parent',
        () => linkParent(state, change, recorded),
        () => recorded?.parent ?? null,
      )
    : (recorded?.parent ?? null);
  // An event the run's state cannot take (a START after the end, a FAIL after a COMPLETE) changes no state.
  const event = log.settle(
    change.id,
    FINAL_STATE[change.event] ? 'eventType' : 'eventTime',
    () => (
      checkStartAfterEnd(change.runId, change.event, recorded?.endedAt ?? null, change.at),
      nextState(change.runId, recorded?.state ?? null, change.event),
      change.event
    ),
    (): RunEventType => 'OTHER',
  );
  const startedAt = isStart(event) ? earliest(recorded?.startedAt, change.at) : (recorded?.startedAt ?? null);
  // A run ends at its first final event, by event time: a late earlier COMPLETE moves the end back.
  const endedAt = FINAL_STATE[event] ? earliest(recorded?.endedAt, change.at) : (recorded?.endedAt ?? null);

  // A version read and written in one event must not contradict itself.
  dedupeVersions([...change.inputs.flatMap((input) => (input.version ? [input.version] : [])), ...change.outputs]);
  const writes = new Map<string, IoEdge>(recorded?.writes ?? []);
  for (const output of change.outputs) {
    const before = state.get('version', output.id);
    const path = output.path ?? 'outputs';
    // A version has one writer: another run's claim to it is set aside, output and all.
    if (
      !log.settle(
        output.id,
        path,
        () => (checkWriter(output, before?.producer ?? null, self), true),
        () => false,
      )
    )
      continue;
    // The run's events are one story: its outputs take the latest values up to its end (run.rules reviseOutput).
    const revised = reviseOutput(before, { values: output.values, facets: output.facets }, change.at, endedAt);
    const refused = revised.setAside.filter((item) => !item.replaced);
    if (refused.length > 0) log.note(output.id, path, sealedConflict(output, refused, false));
    const replaced = revised.setAside.filter((item) => item.replaced);
    // Replacing what an event after the end said is no refusal; recorded beside that event's story all the same.
    if (replaced.length > 0 && log.mode === 'record') log.note(output.id, path, sealedConflict(output, replaced, true));
    const { values, valuesAt, facets } = revised;
    state.put('version', { ...(before ?? newVersion(output, change.at, true)), values, valuesAt, facets, producer: self });
    writes.set(output.id, { ioFacets: mergeFacets(writes.get(output.id)?.ioFacets ?? null, output.ioFacets, change.at) });
  }

  const readTime = readTimeOf({ startedAt, endedAt }, change.at);
  const readTimeBefore = recorded ? (recorded.startedAt ?? recorded.endedAt) : null;
  const reads = new Map<string, ReadEdge>(recorded?.reads ?? []);
  // The choice made for an input named without a version stands, unless the run's read time moved (its START
  // arrived after its COMPLETE): then it is made again for the new time, as if the events had come in order.
  if (readTimeBefore !== null && readTimeBefore !== readTime) reresolve(state, reads, readTime, change);
  for (const input of change.inputs) readInput(state, reads, input, readTime, change, log);

  const modelWrites = new Map<string, IoEdge>(recorded?.modelWrites ?? []);
  for (const output of change.modelVersions) {
    const before = state.get('modelVersion', output.id);
    const path = output.path ?? 'outputs';
    if (
      !log.settle(
        output.id,
        path,
        () => (checkTrainingRun(output, before?.producerId ?? null, change.id), true),
        () => false,
      )
    )
      continue;
    const fill = log.settle(
      output.id,
      path,
      () => fillModelVersion(output, before?.values ?? null, output.values),
      () => ({}),
    );
    state.put('modelVersion', {
      id: output.id,
      modelId: output.modelId,
      modelName: output.modelName,
      version: output.version,
      // A model version produced by a run exists from the run's end, like its other outputs (settleOutputTimes).
      createdAt: before?.createdAt ?? change.at,
      createdAtFromRun: before?.createdAtFromRun ?? true,
      values: { ...(before?.values ?? output.values), ...fill },
      facets: mergeFacets(before?.facets ?? null, output.facets, change.at),
      producerId: change.id,
    });
    modelWrites.set(output.id, { ioFacets: mergeFacets(modelWrites.get(output.id)?.ioFacets ?? null, output.ioFacets, change.at) });
  }

  const run: RunSnapshot = {
    ...self,
    jobId,
    state: nextState(change.runId, recorded?.state ?? null, event),
    startedAt,
    endedAt,
    // A parameter keeps its first value; the event's other parameters are added.
    parameters: log.settle(
      change.id,
      'run.facets',
      () => mergeParameters(change.runId, recorded?.parameters ?? null, change.parameters),
      () => ({ ...change.parameters, ...recorded?.parameters }),
    ),
    errorMessage: (event === 'FAIL' || event === 'ABORT' ? change.errorMessage : null) ?? recorded?.errorMessage ?? null,
    facets: mergeFacets(recorded?.facets ?? null, change.runFacets, change.at),
    commitId: recorded?.commitId ?? commit?.id ?? null,
    parent,
    reads,
    writes,
    modelWrites,
  };
  state.put('run', run);
  if (endedAt) settleOutputTimes(state, run, endedAt);
}

/** The parent named by the event; a parent not recorded yet is created from the job the event names for it. */
function linkParent(state: LineageState, change: RunChange, recorded: RunSnapshot | null): { id: string; runId: string } {
  const named = change.parent!;
  const parent = { id: ids.run(named.runId), runId: named.runId };
  checkParent(recorded?.parent ?? null, parent.id, parent.runId);
  if (!state.get('run', parent.id)) {
    if (!named.job) throw new NotFoundError('Run', named.runId);
    touchJob(state, named.job, null, change.at);
    state.put('run', {
      ...parent,
      jobId: named.job.id,
      state: null,
      startedAt: null,
      endedAt: null,
      parameters: null,
      errorMessage: null,
      facets: null,
      commitId: null,
      parent: null,
      reads: new Map(),
      writes: new Map(),
      modelWrites: new Map(),
    });
  }
  return parent;
}

function readInput(state: LineageState, reads: Map<string, ReadEdge>, input: RunInput, readTime: string, change: RunChange, log: ConflictLog): void {
  let versionId: string;
  const path = input.path ?? 'inputs';
  if (input.version) {
    const before = state.get('version', input.version.id);
    const version = log.settle(
      input.version.id,
      path,
      () => recordVersion({ ...input.version!, values: readerValues(before?.values ?? null, input.version!.values) }, before, change.at, false),
      () => before!,
    );
    state.put('version', { ...version, facets: mergeFacets(version.facets, input.facets, change.at) });
    versionId = version.id;
  } else {
    const chosen = [...reads].find(([, edge]) => edge.implicit && edge.datasetId === input.dataset.id)?.[0];
    versionId = chosen ?? resolve(state, input.dataset, readTime, change);
    const before = state.get('version', versionId)!;
    const fill = log.settle(
      versionId,
      path,
      () => fillVersion(before, before.values, readerValues(before.values, input.values)),
      () => ({}),
    );
    state.put('version', { ...before, values: { ...before.values, ...fill } });
    // The event did not say which version it saw, so what it says about the data is about the dataset.
    if (input.facets) touchDataset(state, input.dataset, input.facets, change.at);
  }
  const edge = reads.get(versionId);
  // A version the run names explicitly stays explicit, even if another input reached it implicitly.
  const implicit = input.version === null && (edge?.implicit ?? true);
  reads.set(versionId, { datasetId: input.dataset.id, implicit, ioFacets: mergeFacets(edge?.ioFacets ?? null, input.ioFacets, change.at) });
}

/**
 * A reader's location of a version fills it when unknown, and is ignored when it differs: OpenLineage names where
 * the dataset is (`s3://lake` + `raw/transactions`), which is not the partition a writer recorded
 * (`…/raw/transactions/dt=2025-02-28/`), and a reader must not be refused for it. Other values a reader states
 * (a digest, a row count) stay write-once: a different one is a contradiction.
 */
function readerValues(recorded: VersionValues | null, given: VersionValues): VersionValues {
  return recorded?.uri && given.uri && given.uri !== recorded.uri ? { ...given, uri: recorded.uri } : given;
}

/** Chooses again, for the run's new read time, every version the run reads that it did not name. */
function reresolve(state: LineageState, reads: Map<string, ReadEdge>, readTime: string, change: RunChange): void {
  for (const [versionId, edge] of [...reads]) {
    if (!edge.implicit) continue;
    const version = state.get('version', versionId)!;
    const chosen = resolve(state, { id: edge.datasetId, namespace: version.namespace, name: version.name }, readTime, change);
    if (chosen === versionId) continue;
    reads.delete(versionId);
    const existing = reads.get(chosen);
    reads.set(chosen, { datasetId: edge.datasetId, implicit: existing?.implicit ?? true, ioFacets: mergeIo(existing?.ioFacets ?? null, edge.ioFacets) });
  }
}

/**
 * The version of a dataset a run read at `readTime` without naming it: the current one (never one the run
 * wrote), else, for producers that cannot know versions, a placeholder `unversioned` that exists from the
 * earliest instant a run read it.
 */
function resolve(state: LineageState, dataset: DatasetRef, readTime: string, change: RunChange): string {
  const current = currentOf(state, dataset.id, readTime, change.id);
  if (current) return current.id;
  if (change.unversionedInputs === 'reject') {
    throw new NotFoundError('DatasetVersion', `of ${dataset.namespace}/${dataset.name} current at ${readTime} (name the version read)`);
  }
  const id = ids.datasetVersion(dataset.namespace, dataset.name, UNVERSIONED);
  const placeholder = state.get('version', id);
  if (!placeholder) {
    state.put('version', {
      id,
      datasetId: dataset.id,
      namespace: dataset.namespace,
      name: dataset.name,
      version: UNVERSIONED,
      createdAt: readTime,
      createdAtFromRun: false,
      values: NO_VERSION_VALUES,
      valuesAt: null,
      facets: null,
      producer: null,
    });
  } else if (placeholder.createdAt > readTime) {
    state.put('version', { ...placeholder, createdAt: readTime });
  }
  return id;
}

function currentOf(state: LineageState, datasetId: string, at: string, readerId: string): VersionSnapshot | null {
  for (let limit = FIRST_CANDIDATES; ; limit *= 4) {
    const fromNeo4j = state.candidates({ datasetId, at, runId: readerId, limit });
    const timeline = [...new Set([...fromNeo4j, ...state.versionIdsOf(datasetId)])].map((id) => timelineOf(state.get('version', id)!));
    // Neo4j's candidates are the newest it had; if every one of them has since become unreadable (written by
    // this run, or created later than it seemed), older ones it did not return may be the answer: ask for more.
    const exhausted = fromNeo4j.length === limit && !fromNeo4j.some((id) => readableAt(timelineOf(state.get('version', id)!), at, readerId));
    if (exhausted) continue;
    const best = currentVersion(timeline, at, readerId);
    return best ? state.get('version', best.id) : null;
  }
}

function timelineOf(version: VersionSnapshot): VersionTimeline {
  return { id: version.id, createdAt: version.createdAt, producerId: version.producer?.id ?? null };
}

/**
 * Values a version does not take from an event of its writer (it is sealed, or they were not the run's), or, for
 * `replaced`, values an event after the run's end had given and the story's event replaced.
 */
function sealedConflict(version: NormalizedDatasetVersion, setAside: readonly SetAside[], replaced: boolean): ConflictError {
  const label = `dataset version ${version.namespace}/${version.name}@${version.version}`;
  if (replaced) {
    const what = setAside.map((item) => `${item.field}: '${show(item.setAside)}' (given after the run's end) replaced by '${show(item.kept)}'`).join('; ');
    return new ConflictError(`${label} takes its values from the run's events up to its end: ${what}`, {
      ref: version.id,
      fields: setAside.map((c) => c.field),
    });
  }
  const conflicts = setAside.map((item) => ({ field: item.field, recorded: item.kept, given: item.setAside }));
  return new ConflictError(`${label} is sealed: ${describeConflicts(conflicts)}`, {
    ref: version.id,
    fields: conflicts.map((c) => c.field),
  });
}

/**
 * Outputs whose creation time was not given take the run's end, once the run has ended: a version exists from
 * the moment its writer finished, whatever order the run's events arrived in.
 */
function settleOutputTimes(state: LineageState, run: RunSnapshot, endedAt: string): void {
  for (const versionId of run.writes.keys()) {
    const version = state.get('version', versionId)!;
    if (version.createdAtFromRun && version.createdAt !== endedAt) state.put('version', { ...version, createdAt: endedAt });
  }
  for (const versionId of run.modelWrites.keys()) {
    const version = state.get('modelVersion', versionId)!;
    if (version.createdAtFromRun && version.createdAt !== endedAt) state.put('modelVersion', { ...version, createdAt: endedAt });
  }
}

function applyMention(state: LineageState, mention: DatasetMention, at: string, log: ConflictLog): void {
  if (!mention.version) {
    touchDataset(state, mention.dataset, mention.facets, at);
    return;
  }
  const before = state.get('version', mention.version.id);
  const version = log.settle(
    mention.version.id,
    mention.path ?? 'dataset',
    () => recordVersion(mention.version!, before, at, false),
    () => before!,
  );
  state.put('version', { ...version, facets: mergeFacets(version.facets, mention.facets, at) });
}

/** Two facet maps of the same read, each already merged by the rule: merge the second into the first. */
function mergeIo(a: IoEdge['ioFacets'], b: IoEdge['ioFacets']): IoEdge['ioFacets'] {
  let merged = a;
  for (const [name, facet] of Object.entries(b ?? {})) merged = mergeFacets(merged, { [name]: facet.value }, facet.at);
  return merged;
}

function show(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}
