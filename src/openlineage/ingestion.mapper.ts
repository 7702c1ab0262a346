import { BadInputError } from '../errors';
import { cutText } from '../core/text';
import { normalizeCommit, type NormalizedCommit } from '../core/commit/commit.normalize';
import { normalizeDatasetRef, normalizeDatasetVersion, type DatasetRef, type NormalizedDatasetVersion } from '../core/dataset/dataset.normalize';
import { NO_VERSION_VALUES } from '../core/dataset/dataset-version.label';
import { ids } from '../core/ids';
import { normalizeJob } from '../core/job/job.normalize';
import { normalizeModelVersion } from '../core/model/model.normalize';
import type { DatasetMention, EventReceipt, FacetValues, LineageChange, ModelVersionOutput, RunInput, RunOutput } from '../core/recording/lineage-change.types';
import { instant, optionalJsonObject, optionalText, requiredName, INPUT_LIMITS, type FieldPath } from '../core/validate';
import type { RunEventType } from '../core/vocabulary';
import { childPath } from './openlineage.checks';
import type { CommitPlan, DatasetPlan, IngestPlan, ModelVersionPlan } from './openlineage.types';

/**
 * Turns a validated, planned OpenLineage event into the change the recorder applies, through the normalizers every
 * front door uses (names up to 1,024 characters without control characters, versions up to 256, ...). The plan
 * says where each value was in the event, so a value over a limit is refused with its JSON path, as the validator
 * does, not with the name of a field of our model.
 *
 * Deliberate choices (docs/openlineage-mapping.md, "Into the graph"):
 * - `sourceCodeLocation.version` names a commit only when it is a commit SHA (7 to 64 hex digits); a tag,
 *   branch or other VCS revision names no immutable code, so no Commit is recorded (the facet stays on the job).
 * - What a reader says about an input (schema, statistics) never fixes the version's write-once fields: only
 *   its writer does. Dataset facets go on the version when the event names it, else on the dataset.
 * - An error message longer than the model's limit is cut (the whole text stays in the run's facets).
 */
export function changeOf(plan: IngestPlan, receipt: EventReceipt): LineageChange {
  const at = instant('eventTime', plan.eventTime, new Date());
  if (plan.kind === 'dataset') {
    return { kind: 'dataset', at, dataset: mention(plan.dataset!), receipt };
  }
  const job = normalizeJob({ namespace: plan.job!.namespace, name: plan.job!.name }, jsonPath('job'));
  const jobFacets = facetsOrNull(plan.job!.facets);
  if (plan.kind === 'job') {
    return { kind: 'job', at, job, jobFacets, datasets: [...plan.inputs, ...plan.outputs].map(mention), receipt };
  }
  const run = plan.run!;
  const runId = requiredName('run.runId', run.runId, INPUT_LIMITS.version);
  if (run.parent?.runId === runId) throw new BadInputError('run.facets.parent.run.runId', 'a run cannot be its own parent');
  return {
    kind: 'run',
    event: (plan.eventType ?? 'OTHER') as RunEventType,
    id: ids.run(runId),
    runId,
    at,
    job,
    jobFacets,
    commit: commitOf(plan.commit),
    parameters: optionalJsonObject(run.parametersPath, run.parameters),
    errorMessage: run.errorMessage === null ? null : cut(run.errorMessage, INPUT_LIMITS.text),
    parent: run.parent ? { runId: run.parent.runId, job: normalizeJob(run.parent.job, jsonPath('run.facets.parent.job')) } : null,
    runFacets: facetsOrNull(run.facets),
    inputs: plan.inputs.map(inputOf),
    outputs: plan.outputs.map(outputOf),
    modelVersions: plan.modelVersions.map(modelVersionOf),
    unversionedInputs: 'observe',
    receipt,
  };
}

/** Paths into the event below `base`, as the validator writes them. */
function jsonPath(base: string): FieldPath {
  return (...parts) => parts.reduce<string>(childPath, base);
}

/**
 * Where each field of a dataset version came from in the event: its version from the version facet (when it named
 * it), its row count from the statistics facets, its URI from its name, its schema fields from the schema facet.
 */
function datasetPath(dataset: DatasetPlan): FieldPath {
  const at = jsonPath(dataset.path);
  return (field, ...rest) => {
    if (field === 'version') return dataset.versionPath ?? at('version');
    if (field === 'rowCount') return dataset.rowCountPath ?? at('rowCount');
    if (field === 'uri') return at('name');
    if (field === 'schema' && typeof rest[0] === 'number') return jsonPath(dataset.schemaFields![rest[0]]!.path)(...(rest.slice(1) as [string]));
    return at(field, ...rest);
  };
}

function datasetRef(dataset: DatasetPlan): DatasetRef {
  return normalizeDatasetRef(dataset, datasetPath(dataset));
}

function versionOf(
  dataset: DatasetPlan,
  fields: { uri: string | null; schema?: DatasetPlan['schemaFields']; rowCount?: number | null },
): NormalizedDatasetVersion {
  return normalizeDatasetVersion({ namespace: dataset.namespace, name: dataset.name, version: dataset.version!, ...fields }, datasetPath(dataset));
}

function inputOf(input: DatasetPlan): RunInput {
  const dataset = datasetRef(input);
  const uri = optionalText(datasetPath(input)('uri'), input.uri, INPUT_LIMITS.uri);
  return {
    dataset,
    version: input.version === null ? null : versionOf(input, { uri }),
    values: { ...NO_VERSION_VALUES, uri },
    facets: facetsOrNull(input.facets),
    ioFacets: facetsOrNull(input.ioFacets),
  };
}

function outputOf(output: DatasetPlan): RunOutput {
  return {
    ...versionOf(output, { uri: output.uri, schema: output.schemaFields, rowCount: output.rowCount }),
    facets: facetsOrNull(output.facets),
    ioFacets: facetsOrNull(output.ioFacets),
  };
}

/** A dataset of a DatasetEvent or JobEvent: its facets and schema go on the version it names, else on the dataset. */
function mention(dataset: DatasetPlan): DatasetMention {
  return {
    dataset: datasetRef(dataset),
    version: dataset.version === null ? null : versionOf(dataset, { uri: dataset.uri, schema: dataset.schemaFields }),
    facets: facetsOrNull(dataset.facets),
  };
}

/** The facet's fields under their names in the facet (`name` is the model's), metric keys as sent. */
function modelVersionOf(model: ModelVersionPlan): ModelVersionOutput {
  const at = jsonPath(model.path);
  const path: FieldPath = (field, ...rest) =>
    field === 'model' ? at('name') : field === 'metrics' && rest.length > 0 ? `${at('metrics')}.${rest.join('.')}` : at(field, ...rest);
  return {
    ...normalizeModelVersion(
      { model: model.name, version: model.version, artifactUri: model.artifactUri, framework: model.framework, metrics: model.metrics },
      path,
    ),
    facets: facetsOrNull(model.facets),
    ioFacets: facetsOrNull(model.ioFacets),
  };
}

const SHA = /^[0-9a-fA-F]{7,64}$/;

/** The commit a job ran from, when its `version` is a commit SHA (see changeOf). */
function commitOf(commit: CommitPlan | null): NormalizedCommit | null {
  if (!commit || !SHA.test(commit.sha)) return null;
  const at = jsonPath('job.facets.sourceCodeLocation');
  const path: FieldPath = (field, ...rest) => (field === 'repository' ? commit.repositoryPath : field === 'sha' ? at('version') : at(field, ...rest));
  return normalizeCommit({ repository: commit.repository, sha: commit.sha, branch: commit.branch }, path);
}

function facetsOrNull(facets: Record<string, unknown>): FacetValues | null {
  return Object.keys(facets).length === 0 ? null : facets;
}

/** Cut on a code point: half an emoji would be stored as U+FFFD, and differ from what the audit trail records. */
function cut(text: string, max: number): string {
  return cutText(text, max, '…');
}
