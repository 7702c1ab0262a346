import { RUN_EVENT_TYPES, type RunEventType } from '../core/vocabulary';
import { childPath } from './openlineage.checks';
import { planInput, planModelVersion, planOutput, planStaticDataset } from './openlineage-dataset.mapper';
import { planCommit, planJob } from './openlineage-job.mapper';
import { planRun } from './openlineage-run.mapper';
import { producerOf } from './openlineage.defaults';
import { NOTHING_SET_ASIDE, type SetAside } from './openlineage.facets';
import { parseDateTime } from './openlineage.formats';
import {
  type DatasetEvent,
  type DatasetPlan,
  type EventKind,
  type IngestPlan,
  type JobEvent,
  type ModelVersionPlan,
  type RawInputDataset,
  type RawOutputDataset,
  type RunEvent,
  type ValidEvent,
} from './openlineage.types';

/**
 * Maps a validated OpenLineage event to what the graph services record (docs/openlineage-mapping.md), leaving
 * out the parts the validator set aside (`setAside`, paths in the event). Pure and deterministic: the same
 * event gives the same plan, which is what makes a redelivered event change nothing. The plan shares facet
 * objects with the event; treat both as read-only.
 */
export function planIngestion(event: ValidEvent, setAside: SetAside = NOTHING_SET_ASIDE): IngestPlan {
  const kind = eventKind(event);
  const eventType = eventTypeOf(event, setAside);
  const common = { kind, eventType, eventTime: utcMillis(event.eventTime), producer: producerOf(event) };
  if (kind === 'dataset') {
    const { dataset } = event as DatasetEvent;
    return {
      ...common,
      job: null,
      run: null,
      commit: null,
      inputs: [],
      outputs: [],
      modelVersions: [],
      dataset: planStaticDataset(dataset, 'dataset', setAside),
    };
  }
  const { job, run, inputs, outputs } = event as RunEvent | JobEvent;
  const runPlan = run === undefined ? null : planRun(run, eventType, common.eventTime, setAside);
  return {
    ...common,
    job: planJob(job, setAside),
    run: runPlan,
    commit: planCommit(job, setAside),
    inputs: kept<RawInputDataset>(inputs, 'inputs', setAside).map(([path, input]) => planInput(input, path, setAside)),
    ...splitOutputs(kept<RawOutputDataset>(outputs, 'outputs', setAside), runPlan?.runId ?? null, setAside),
    dataset: null,
  };
}

/** As the validator decided it: `run` makes a RunEvent, else `job` a JobEvent, else it is a DatasetEvent. */
export function eventKind(event: ValidEvent): EventKind {
  if (event.run !== undefined) return 'run';
  if (event.job !== undefined) return 'job';
  return 'dataset';
}

/** The event type, or null (OTHER: no change of state) when absent or not one of the spec's. */
function eventTypeOf(event: ValidEvent, setAside: SetAside): RunEventType | null {
  const { eventType } = event;
  if (setAside.has('eventType') || !(RUN_EVENT_TYPES as readonly unknown[]).includes(eventType)) return null;
  return eventType as RunEventType;
}

/** The datasets of a list with their paths, without those the validator set aside. */
function kept<T>(list: unknown, name: 'inputs' | 'outputs', setAside: SetAside): Array<[string, T]> {
  if (!Array.isArray(list) || setAside.has(name)) return [];
  return list.flatMap((dataset, index): Array<[string, T]> => {
    const path = childPath(name, index);
    return setAside.has(path) ? [] : [[path, dataset as T]];
  });
}

function splitOutputs(
  outputs: Array<[string, RawOutputDataset]>,
  writtenBy: string | null,
  setAside: SetAside,
): { outputs: DatasetPlan[]; modelVersions: ModelVersionPlan[] } {
  const datasets: DatasetPlan[] = [];
  const modelVersions: ModelVersionPlan[] = [];
  for (const [path, output] of outputs) {
    const model = planModelVersion(output, path, setAside);
    if (model !== null) modelVersions.push(model);
    else datasets.push(planOutput(output, path, writtenBy, setAside));
  }
  return { outputs: datasets, modelVersions };
}

function utcMillis(eventTime: string): string {
  const parsed = parseDateTime(eventTime);
  // Unreachable for a ValidEvent; a loud error beats a plan with a wrong time.
  if (!parsed.ok) throw new TypeError(`planIngestion needs a validated event: eventTime '${eventTime}' is not an RFC 3339 date-time`);
  return parsed.utc;
}
