import type { Database } from '../../db/database';
import type { Limits } from '../../limits';
import { ids } from '../../core/ids';
import { normalizeJob } from '../../core/job/job.normalize';
import { inKeyOrder } from '../../core/key-order';
import { mapPage, pageRequest, type Page } from '../../core/page';
import type { LineageRecorder } from '../../core/recording/lineage.recorder';
import type { RunSnapshot } from '../../core/recording/lineage-state';
import { runChange, type RunEventFields, type RunEventOptions } from '../../core/run/run.normalize';
import { requiredName, INPUT_LIMITS } from '../../core/validate';
import type { WriteContext } from '../../core/write-context';
import { toDatasetVersion } from '../dataset/dataset.repository';
import type { DatasetVersion } from '../dataset/dataset-version.type';
import { RunRepository, toRun } from './run.repository';
import type { Run } from './run.type';
import type { RunState } from '../../core/vocabulary';
import type { RunEventType } from '../../core/vocabulary';

export class RunService {
  constructor(
    private readonly db: Database,
    private readonly limits: Limits,
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
    const requests = keys.map((key) => ({ parentId: key.versionId, request: pageRequest(key.first, key.after, this.limits.page) }));
    return this.db.read('versionConsumerPages', async (tx) => (await this.runs.consumerPages(tx, requests)).map((page) => mapPage(page, toRun)));
  }

  childPages(keys: ReadonlyArray<{ runId: string; first?: number | null; after?: string | null }>): Promise<Page<Run>[]> {
    const requests = keys.map((key) => ({ parentId: key.runId, request: pageRequest(key.first, key.after, this.limits.page) }));
    return this.db.read('runChildPages', async (tx) => (await this.runs.childPages(tx, requests)).map((page) => mapPage(page, toRun)));
  }

  list(
    filter: { jobNamespace?: string | null; jobName?: string | null; state?: RunState | null },
    first?: number | null,
    after?: string | null,
  ): Promise<Page<Run>> {
    const hasJob = filter.jobNamespace != null || filter.jobName != null;
    const jobId = hasJob ? normalizeJob('job', { namespace: filter.jobNamespace ?? '', name: filter.jobName ?? '' }).id : null;
    const request = pageRequest(first, after, this.limits.page);
    return this.db.read('listRuns', async (tx) => mapPage(await this.runs.list(tx, { jobId, state: filter.state ?? null }, request), toRun));
  }
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
