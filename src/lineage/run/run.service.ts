import type { AuditService } from '../../audit/audit.service';
import { fieldChanges } from '../../audit/field-changes';
import type { Database, Tx } from '../../db/database';
import { BadInputError, ConflictError, NotFoundError } from '../../errors';
import { ids } from '../common/ids';
import { toJsonProperty } from '../common/json-property';
import { inKeyOrder } from '../common/key-order';
import { mapPage, pageRequest, type Page } from '../common/page';
import { boundedList, instant, optionalJsonObject, optionalName, optionalText, requiredName, INPUT_LIMITS } from '../common/validate';
import type { WriteContext } from '../common/write-context';
import { normalizeCommit, type CommitFields, type CommitService } from '../commit/commit.service';
import { normalizeDatasetVersion, type DatasetService, type DatasetVersionFields, type NormalizedDatasetVersion } from '../dataset/dataset.service';
import { toDatasetVersion } from '../dataset/dataset.repository';
import type { DatasetVersion } from '../dataset/dataset-version.type';
import { normalizeJob, type JobFields, type JobService } from '../job/job.service';
import { RunRepository, toRun, type StoredRun } from './run.repository';
import { RunState, type Run } from './run.type';

/** What happened to the run. START and RUNNING keep it running; the others end it. OTHER changes no state. */
export type RunEventType = 'START' | 'RUNNING' | 'COMPLETE' | 'FAIL' | 'ABORT' | 'OTHER';

const FINAL_STATE: Partial<Record<RunEventType, RunState>> = {
  COMPLETE: RunState.COMPLETED,
  FAIL: RunState.FAILED,
  ABORT: RunState.ABORTED,
};

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

/** Run fields whose changes the audit trail records. */
const RUN_AUDITED_FIELDS = ['state', 'startedAt', 'endedAt', 'parametersJson', 'errorMessage', 'jobId'] as const;

/** The version an input without a version string resolves to when its dataset had none yet. */
export const UNVERSIONED = 'unversioned';

export class RunService {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditService,
    private readonly datasets: DatasetService,
    private readonly jobs: JobService,
    private readonly commits: CommitService,
    private readonly runs = new RunRepository(),
  ) {}

  /**
   * Records one event in a run's life, with everything it names, in one transaction. Idempotent (the same event
   * twice changes nothing) and order-tolerant (COMPLETE before START ends in the same graph).
   */
  recordRunEvent(context: WriteContext, event: RunEventType, input: RunEventFields, options: RunEventOptions = {}): Promise<Run> {
    const runId = requiredName('runId', input.runId, INPUT_LIMITS.version);
    const id = ids.run(runId);
    const at = instant('at', input.at, new Date());
    const job = input.job ? normalizeJob('job', input.job) : null;
    const commit = input.commit ? normalizeCommit('commit', input.commit) : null;
    const parameters = optionalJsonObject('parameters', input.parameters);
    const errorMessage = optionalText('errorMessage', input.errorMessage);
    const parentRunId = optionalName('parentRunId', input.parentRunId, INPUT_LIMITS.version);
    if (parentRunId === runId) throw new BadInputError('parentRunId', 'a run cannot be its own parent');
    const parentJob = options.parentJob ? normalizeJob('parent.job', options.parentJob) : null;
    const outputs = boundedList('outputs', input.outputs).map((output, index) =>
      normalizeDatasetVersion(`outputs[${index}]`, { ...output, version: output.version ?? `run-${runId}` }),
    );
    const inputs = boundedList('inputs', input.inputs).map((dataset, index) => normalizeInput(`inputs[${index}]`, dataset));

    return this.db.write(`runEvent.${event}`, async (tx) => {
      const recorded = (await this.runs.findByIds(tx, [id])).get(id) ?? null;
      const jobId = this.checkJob(runId, recorded, job);
      const jobBefore = job ? await this.jobs.recordJob(tx, job, at) : null;
      if (commit) {
        await this.checkCommitLink(tx, id, runId, commit.id);
        await this.commits.recordCommit(tx, commit, at);
      }
      const parentId = parentRunId ? await this.resolveParent(tx, id, parentRunId, parentJob, at) : null;

      if ((event === 'START' || event === 'RUNNING') && recorded?.endedAt && new Date(at) > recorded.endedAt) {
        throw new ConflictError(`run ${runId} ended at ${recorded.endedAt.toISOString()}; it cannot start after it ended (${at})`, { ref: runId });
      }
      const runTime = earliest(recorded?.startedAt, event === 'START' || event === 'RUNNING' ? at : null) ?? at;
      const readVersions = await this.resolveInputs(tx, inputs, runTime, options.unversionedInputs ?? 'reject');
      const recordedVersions = await this.datasets.recordVersions(tx, [...readVersions, ...outputs], at);
      await this.checkProducers(tx, id, runId, outputs);

      const state = nextState(runId, recorded?.state ?? null, event);
      await this.runs.write(tx, {
        id,
        runId,
        jobId,
        state,
        startedAt: event === 'START' || event === 'RUNNING' ? earliest(recorded?.startedAt, at) : null,
        endedAt: FINAL_STATE[event] && !recorded?.endedAt ? at : null,
        parametersJson: toJsonProperty(mergeParameters(runId, recorded, parameters)),
        errorMessage: event === 'FAIL' || event === 'ABORT' ? errorMessage : null,
        commitId: commit?.id ?? null,
        parentId,
        reads: readVersions.map((v) => v.id),
        writes: outputs.map((v) => v.id),
      });
      await this.runs.markOutputTimesFromRun(tx, outputs.filter((v) => recordedVersions.created.has(v.id)).map((v) => v.id));
      await this.runs.settleOutputTimes(tx, id);
      const after = (await this.runs.findByIds(tx, [id])).get(id)!;
      const versions = [...readVersions, ...outputs];
      await this.audit.append(tx, context, [
        {
          operation: `runEvent.${event}`,
          entityIds: [id, jobId, ...(commit ? [commit.id] : []), ...(parentId ? [parentId] : []), ...versions.flatMap((v) => [v.id, v.datasetId])],
          changes: [
            ...fieldChanges(id, recorded, after, RUN_AUDITED_FIELDS),
            ...(job && jobBefore && job.description !== null && job.description !== jobBefore.previousDescription
              ? [{ entityId: job.id, field: 'description', before: jobBefore.previousDescription, after: job.description }]
              : []),
            ...recordedVersions.changes,
          ],
          details: { runId },
        },
      ]);
      return toRun(after);
    });
  }

  /** A run belongs to one job for life; the first event must name it. */
  private checkJob(runId: string, recorded: StoredRun | null, job: { id: string; namespace: string; name: string } | null): string {
    if (recorded?.jobId && job && recorded.jobId !== job.id) {
      throw new ConflictError(`run ${runId} belongs to another job; it cannot move to ${job.namespace}/${job.name}`, { ref: runId });
    }
    const jobId = recorded?.jobId ?? job?.id;
    if (!jobId) throw new BadInputError('job', `is required the first time run ${runId} is recorded`);
    return jobId;
  }

  private async checkCommitLink(tx: Tx, id: string, runId: string, commitId: string): Promise<void> {
    const linked = (await this.runs.commitIdsOf(tx, [id])).get(id);
    if (linked && linked !== commitId) {
      throw new ConflictError(`run ${runId} already ran another commit; a run executes one commit`, { ref: runId });
    }
  }

  private async resolveParent(tx: Tx, id: string, parentRunId: string, parentJob: { id: string; namespace: string; name: string; description: string | null } | null, at: string): Promise<string> {
    const parentId = ids.run(parentRunId);
    const linked = (await this.runs.parentsOf(tx, [id])).get(id);
    if (linked && linked.id !== parentId) {
      throw new ConflictError(`run has parent ${linked.runId} already; it cannot change to ${parentRunId}`, { ref: parentRunId });
    }
    const exists = (await this.runs.findByIds(tx, [parentId])).has(parentId);
    if (!exists) {
      if (!parentJob) throw new NotFoundError('Run', parentRunId);
      await this.jobs.recordJob(tx, parentJob, at);
      await this.runs.ensureParent(tx, { id: parentId, runId: parentRunId, jobId: parentJob.id });
    }
    return parentId;
  }

  /** Inputs named without a version read the version that was current when the run started. */
  private async resolveInputs(tx: Tx, inputs: readonly NormalizedInput[], runTime: string, unversioned: 'reject' | 'observe'): Promise<NormalizedDatasetVersion[]> {
    const open = inputs.filter((input) => input.version === null);
    const current = await this.datasets.versionsCurrentAt(tx, open.map((input) => ({ datasetId: input.datasetId, at: runTime })));
    const currentVersion = new Map(open.map((input, index) => [input, current[index]?.version ?? null]));
    return inputs.map((input) => {
      if (input.version !== null) return input.version;
      const version = currentVersion.get(input);
      if (version) return normalizeDatasetVersion(input.field, { ...input.fields, version });
      if (unversioned === 'reject') {
        throw new NotFoundError('DatasetVersion', `of ${input.fields.namespace}/${input.fields.name} current at ${runTime} (name the version read)`);
      }
      return normalizeDatasetVersion(input.field, { ...input.fields, version: UNVERSIONED, createdAt: runTime });
    });
  }

  /** A version has exactly one writer. */
  private async checkProducers(tx: Tx, id: string, runId: string, outputs: readonly NormalizedDatasetVersion[]): Promise<void> {
    const producers = await this.runs.producersOf(tx, outputs.map((v) => v.id));
    for (const output of outputs) {
      const producer = producers.get(output.id);
      if (producer && producer.id !== id) {
        throw new ConflictError(
          `dataset version ${output.namespace}/${output.name}@${output.version} was written by run ${producer.runId}; run ${runId} cannot write it too`,
          { ref: output.id },
        );
      }
    }
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
    return this.db.read('versionProducers', async (tx) => inKeyOrder(versionIds, await this.runs.producersOf(tx, versionIds)).map((r) => (r ? toRun(r) : null)));
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

  list(filter: { jobNamespace?: string | null; jobName?: string | null; state?: RunState | null }, first?: number | null, after?: string | null): Promise<Page<Run>> {
    const hasJob = filter.jobNamespace != null || filter.jobName != null;
    const jobId = hasJob ? normalizeJob('job', { namespace: filter.jobNamespace ?? '', name: filter.jobName ?? '' }).id : null;
    const request = pageRequest(first, after);
    return this.db.read('listRuns', async (tx) => mapPage(await this.runs.list(tx, { jobId, state: filter.state ?? null }, request), toRun));
  }
}

interface NormalizedInput {
  field: string;
  datasetId: string;
  fields: RunDatasetFields;
  /** Null when the input named no version. */
  version: NormalizedDatasetVersion | null;
}

function normalizeInput(field: string, input: RunDatasetFields): NormalizedInput {
  if (input.version !== null && input.version !== undefined) {
    const version = normalizeDatasetVersion(field, { ...input, version: input.version });
    return { field, datasetId: version.datasetId, fields: input, version };
  }
  // Validate the rest now, with a stand-in version, so bad input fails before the transaction starts.
  const probe = normalizeDatasetVersion(field, { ...input, version: UNVERSIONED });
  return { field, datasetId: probe.datasetId, fields: input, version: null };
}

/**
 * The run state after an event. Final states are final: the same final event again changes nothing, a START
 * arriving after the end (out of order) changes nothing, a different final event is a conflict.
 */
export function nextState(runId: string, current: RunState | null, event: RunEventType): RunState | null {
  const final = FINAL_STATE[event];
  const isFinal = (state: RunState | null) => state !== null && state !== RunState.RUNNING;
  if (final) {
    if (isFinal(current) && current !== final) {
      throw new ConflictError(`run ${runId} already ended ${current}; it cannot become ${final}`, { ref: runId });
    }
    return final;
  }
  if (event === 'START' || event === 'RUNNING') return isFinal(current) ? current : RunState.RUNNING;
  return current;
}

/** Parameters arrive over several events; keys add up, but a key never changes value. */
function mergeParameters(runId: string, recorded: StoredRun | null, given: Record<string, unknown> | null): Record<string, unknown> | null {
  if (!given) return null;
  const before = recorded?.parametersJson ? (JSON.parse(recorded.parametersJson) as Record<string, unknown>) : {};
  const changed = Object.keys(given).filter((key) => key in before && JSON.stringify(before[key]) !== JSON.stringify(given[key]));
  if (changed.length > 0) {
    throw new ConflictError(`run ${runId} parameters are immutable; different values given for ${changed.join(', ')}`, { ref: runId, fields: changed });
  }
  return { ...before, ...given };
}

function earliest(recorded: Date | null | undefined, given: string | null): string | null {
  if (!recorded) return given;
  if (!given) return recorded.toISOString();
  return new Date(given) < recorded ? given : recorded.toISOString();
}
