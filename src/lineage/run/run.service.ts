import type { Database } from '../../db/database';
import { BadInputError } from '../../errors';
import { ids } from '../common/ids';
import { inKeyOrder } from '../common/key-order';
import { mapPage, pageRequest, type Page } from '../common/page';
import { boundedList, instant, optionalJsonObject, optionalName, optionalText, requiredName, INPUT_LIMITS } from '../common/validate';
import type { WriteContext } from '../common/write-context';
import { normalizeCommit, type CommitFields } from '../commit/commit.service';
import { UNVERSIONED } from '../dataset/dataset.rules';
import { normalizeDatasetVersion, type DatasetVersionFields } from '../dataset/dataset.service';
import { toDatasetVersion } from '../dataset/dataset.repository';
import type { DatasetVersion } from '../dataset/dataset-version.type';
import { normalizeJob, type JobFields } from '../job/job.service';
import type { RunChange, RunInput } from '../recording/lineage-change.types';
import type { LineageRecorder } from '../recording/lineage.recorder';
import type { RunSnapshot } from '../recording/lineage-state';
import type { RunEventType } from './run.rules';
import { RunRepository, toRun } from './run.repository';
import type { Run, RunState } from './run.type';

export type { RunEventType } from './run.rules';

export type RunDatasetFields = Omit<DatasetVersionFields, 'version' | 'createdAt'> & { version?: string | null };

export interface RunEventFields {
  runId: string;
  job?: JobFields | null;
  at?: Date | string | null;
  inputs?: readonly RunDatasetFields[] | null;
  outputs?: readonly RunDatasetFields[] | null;
  commit?: CommitFields | null;
  parameters?: Record<string, unknown> | null;
  parentRunId?: string | null;
  errorMessage?: string | null;
  /**
   * Run facets by name (OpenLineage-style: per name, the value of the latest event wins); importers keep what a
   * tool records beyond parameters here (MLflow tags and metrics, a DVC stage's command).
   */
  facets?: Record<string, unknown> | null;
}

export interface RunEventOptions {
  /**
   * The parent's job, when the producer names it (OpenLineage's parent facet): the parent is then created as a
   * placeholder if it is not recorded yet, instead of being refused as unknown.
   */
  parentJob?: JobFields | null;
  /**
   * An input named without a version, of a dataset that had no version yet at the run's time: 'reject' answers
   * NOT_FOUND (GraphQL callers should say what they read); 'observe' records a version named `unversioned`
   * (OpenLineage producers often cannot know versions of what they read).
   */
  unversionedInputs?: 'reject' | 'observe';
}

export class RunService {
  constructor(
    private readonly db: Database,
    private readonly recorder: LineageRecorder,
    private readonly runs = new RunRepository(),
  ) {}

  /**
   * Records one event in a run's life, with everything it names, in one transaction. Idempotent (the same event
   * twice changes nothing) and order-tolerant (COMPLETE before START ends in the same graph). The rules are the
   * recorder's (run.rules and friends), the same that record OpenLineage events.
   */
  async recordRunEvent(context: WriteContext, event: RunEventType, input: RunEventFields, options: RunEventOptions = {}): Promise<Run> {
    const change = runChange(event, input, options);
    return this.db.write(`runEvent.${event}`, async (tx) => {
      const { outcomes, state } = await this.recorder.record(tx, context, [change]);
      const [outcome] = outcomes;
      if (outcome!.status === 'rejected') throw outcome.error;
      return runOf(state.get('run', change.id)!);
    });
  }

  findByIds(runIds: readonly string[]): Promise<Array<Run | null>> {
    return this.db.read('runsByIds', async (tx) => inKeyOrder(runIds, await this.runs.findByIds(tx, runIds)).map((r) => (r ? toRun(r) : null)));
  }

  async findByRunId(runId: string): Promise<Run | null> {
    const [run] = await this.findByIds([ids.run(requiredName('runId', runId, INPUT_LIMITS.version))]);
    return run ?? null;
  }

  /** Versions each run read ('READ') or wrote ('WROTE'), in key order. */
  datasetVersionsOf(runIds: readonly string[], direction: 'READ' | 'WROTE'): Promise<DatasetVersion[][]> {
    return this.db.read(`runDatasetVersions.${direction}`, async (tx) => {
      const found = await this.runs.datasetVersionsOf(tx, runIds, direction);
      return runIds.map((runId) => (found.get(runId) ?? []).map(toDatasetVersion));
    });
  }

  producersOf(versionIds: readonly string[]): Promise<Array<Run | null>> {
    return this.db.read('versionProducers', async (tx) =>
      inKeyOrder(versionIds, await this.runs.producersOf(tx, versionIds)).map((r) => (r ? toRun(r) : null)),
    );
  }

  commitIdsOf(runIds: readonly string[]): Promise<Array<string | null>> {
    return this.db.read('runCommits', async (tx) => inKeyOrder(runIds, await this.runs.commitIdsOf(tx, runIds)));
  }

  parentsOf(runIds: readonly string[]): Promise<Array<Run | null>> {
    return this.db.read('runParents', async (tx) => inKeyOrder(runIds, await this.runs.parentsOf(tx, runIds)).map((r) => (r ? toRun(r) : null)));
  }

  consumerPages(keys: ReadonlyArray<{ versionId: string; first?: number | null; after?: string | null }>): Promise<Page<Run>[]> {
    const requests = keys.map((key) => ({ parentId: key.versionId, request: pageRequest(key.first, key.after) }));
    return this.db.read('versionConsumerPages', async (tx) => (await this.runs.consumerPages(tx, requests)).map((page) => mapPage(page, toRun)));
  }

  childPages(keys: ReadonlyArray<{ runId: string; first?: number | null; after?: string | null }>): Promise<Page<Run>[]> {
    const requests = keys.map((key) => ({ parentId: key.runId, request: pageRequest(key.first, key.after) }));
    return this.db.read('runChildPages', async (tx) => (await this.runs.childPages(tx, requests)).map((page) => mapPage(page, toRun)));
  }

  list(
    filter: { jobNamespace?: string | null; jobName?: string | null; state?: RunState | null },
    first?: number | null,
    after?: string | null,
  ): Promise<Page<Run>> {
    const hasJob = filter.jobNamespace != null || filter.jobName != null;
    const jobId = hasJob ? normalizeJob('job', { namespace: filter.jobNamespace ?? '', name: filter.jobName ?? '' }).id : null;
    const request = pageRequest(first, after);
    return this.db.read('listRuns', async (tx) => mapPage(await this.runs.list(tx, { jobId, state: filter.state ?? null }, request), toRun));
  }
}

/** Validates what a GraphQL caller sent into the change the recorder applies. */
export function runChange(event: RunEventType, input: RunEventFields, options: RunEventOptions = {}): RunChange {
  const runId = requiredName('runId', input.runId, INPUT_LIMITS.version);
  const parentRunId = optionalName('parentRunId', input.parentRunId, INPUT_LIMITS.version);
  if (parentRunId === runId) throw new BadInputError('parentRunId', 'a run cannot be its own parent');
  const outputs = boundedList('outputs', input.outputs).map((output, index) => ({
    ...normalizeDatasetVersion(`outputs[${index}]`, { ...output, version: output.version ?? `run-${runId}` }),
    facets: null,
    ioFacets: null,
  }));
  return {
    kind: 'run',
    event,
    id: ids.run(runId),
    runId,
    at: instant('at', input.at, new Date()),
    job: input.job ? normalizeJob('job', input.job) : null,
    jobFacets: null,
    commit: input.commit ? normalizeCommit('commit', input.commit) : null,
    parameters: optionalJsonObject('parameters', input.parameters),
    errorMessage: optionalText('errorMessage', input.errorMessage),
    parent: parentRunId ? { runId: parentRunId, job: options.parentJob ? normalizeJob('parent.job', options.parentJob) : null } : null,
    runFacets: optionalJsonObject('facets', input.facets),
    inputs: boundedList('inputs', input.inputs).map((dataset, index) => normalizeInput(`inputs[${index}]`, dataset)),
    outputs,
    modelVersions: [],
    unversionedInputs: options.unversionedInputs ?? 'reject',
    receipt: null,
  };
}

function normalizeInput(field: string, input: RunDatasetFields): RunInput {
  // Without a version, the rest is validated with a stand-in version, so bad input fails before any transaction.
  const version = normalizeDatasetVersion(field, { ...input, version: input.version ?? UNVERSIONED });
  const named = input.version !== null && input.version !== undefined;
  return {
    dataset: { id: version.datasetId, namespace: version.namespace, name: version.name },
    version: named ? version : null,
    values: version.values,
    facets: null,
    ioFacets: null,
  };
}

/** A run as the API shows it, from the recorder's snapshot. */
export function runOf(run: RunSnapshot): Run {
  return toRun({
    kind: 'Run',
    id: run.id,
    runId: run.runId,
    state: run.state as RunState | null,
    startedAt: run.startedAt ? new Date(run.startedAt) : null,
    endedAt: run.endedAt ? new Date(run.endedAt) : null,
    parametersJson: run.parameters ? JSON.stringify(run.parameters) : null,
    errorMessage: run.errorMessage,
    jobId: run.jobId,
  });
}
