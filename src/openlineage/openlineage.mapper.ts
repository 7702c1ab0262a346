import { planInput, planModelVersion, planOutput, planStaticDataset } from './openlineage-dataset.mapper';
import { childPath } from './openlineage.checks';
import { planCommit, planJob } from './openlineage-job.mapper';
import { planRun } from './openlineage-run.mapper';
import { producerOf } from './openlineage.defaults';
import { parseDateTime } from './openlineage.formats';
import type { DatasetEvent, DatasetPlan, EventKind, IngestPlan, JobEvent, ModelVersionPlan, RawOutputDataset, RunEvent, ValidEvent } from './openlineage.types';

/**
 * Maps a validated OpenLineage event to what the graph services record (docs/openlineage-mapping.md).
 * Pure and deterministic: the same event gives the same plan, which is what makes a redelivered event change
 * nothing. The plan shares facet objects with the event; treat both as read-only.
 */
export function planIngestion(event: ValidEvent): IngestPlan {
  const kind = eventKind(event);
  const eventType = event.eventType ?? null;
  const common = { kind, eventType, eventTime: utcMillis(event.eventTime), producer: producerOf(event) };
  if (kind === 'dataset') {
    const { dataset } = event as DatasetEvent;
    return { ...common, job: null, run: null, commit: null, inputs: [], outputs: [], modelVersions: [], dataset: planStaticDataset(dataset, 'dataset') };
  }
  const { job, run, inputs, outputs } = event as RunEvent | JobEvent;
  const runPlan = run === undefined ? null : planRun(run, eventType, common.eventTime);
  return {
    ...common,
    job: planJob(job),
    run: runPlan,
    commit: planCommit(job),
    inputs: (inputs ?? []).map((input, index) => planInput(input, childPath('inputs', index))),
    ...splitOutputs(outputs ?? [], runPlan?.runId ?? null),
    dataset: null,
  };
}

/** As the validator decided it: `run` makes a RunEvent, else `job` a JobEvent, else it is a DatasetEvent. */
export function eventKind(event: ValidEvent): EventKind {
  if (event.run !== undefined) return 'run';
  if (event.job !== undefined) return 'job';
  return 'dataset';
}

function splitOutputs(outputs: RawOutputDataset[], writtenBy: string | null): { outputs: DatasetPlan[]; modelVersions: ModelVersionPlan[] } {
  const datasets: DatasetPlan[] = [];
  const modelVersions: ModelVersionPlan[] = [];
  outputs.forEach((output, index) => {
    const path = childPath('outputs', index);
    const model = planModelVersion(output, path);
    if (model !== null) modelVersions.push(model);
    else datasets.push(planOutput(output, writtenBy, path));
  });
  return { outputs: datasets, modelVersions };
}

function utcMillis(eventTime: string): string {
  const parsed = parseDateTime(eventTime);
  // Unreachable for a ValidEvent; a loud error beats a plan with a wrong time.
  if (!parsed.ok) throw new TypeError(`planIngestion needs a validated event: eventTime '${eventTime}' is not an RFC 3339 date-time`);
  return parsed.utc;
}
