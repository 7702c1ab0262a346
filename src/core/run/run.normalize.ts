import { BadInputError } from '../../errors';
import { normalizeCommit, type CommitFields } from '../commit/commit.normalize';
import { UNVERSIONED } from '../dataset/dataset.rules';
import { normalizeDatasetVersion, type DatasetVersionFields } from '../dataset/dataset.normalize';
import { ids } from '../ids';
import { normalizeJob, type JobFields } from '../job/job.normalize';
import type { RunChange, RunInput } from '../recording/lineage-change.types';
import { boundedList, instant, optionalJsonObject, optionalName, optionalText, requiredName, INPUT_LIMITS } from '../validate';
import type { RunEventType } from '../vocabulary';

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
