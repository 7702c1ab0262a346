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
import type { CommitPlan, DatasetPlan, IngestPlan, ModelVersionPlan, ValidationIssue } from './openlineage.types';

/** The change to record, and the warnings about the datasets set aside on the way. */
export interface MappedEvent {
  change: LineageChange;
  warnings: ValidationIssue[];
}

/**
 * Turns a validated, planned OpenLineage event into the change the recorder applies, through the normalizers every
 * front door uses (names up to 1,024 characters without control characters, versions up to 256, ...). The plan
 * says where each value was in the event, so a value over a limit is named with its JSON path, as the validator
 * does, not with the name of a field of our model. A dataset of a run or JobEvent over a limit is set aside with a
 * warning, like a dataset the validator could not read; over a limit in what the event is about (the run id, the
 * job, the parameters, the dataset of a DatasetEvent) it is refused (BadInputError).
 *
 * Deliberate choices (docs/openlineage-mapping.md, "Into the graph"):
 * - `sourceCodeLocation.version` names a commit only when it is a commit SHA (7 to 64 hex digits); a tag,
 *   branch or other VCS revision names no immutable code, so no Commit is recorded (the facet stays on the job).
 * - What a reader says about an input (schema, statistics) never fixes the version's write-once fields: only
 *   its writer does. Dataset facets go on the version when the event names it, else on the dataset.
 * - An error message longer than the model's limit is cut (the whole text stays in the run's facets).
 */
export function changeOf(plan: IngestPlan, receipt: EventReceipt): MappedEvent {
  const at = instant('eventTime', plan.eventTime, new Date());
  const warnings: ValidationIssue[] = [];
  /** Each dataset through `map`; one over a limit is left out, with a warning naming the path and the limit. */
  const each = <P extends { path: string }, T>(plans: readonly P[], map: (plan: P) => T): T[] =>
    plans.flatMap((item) => {
      try {
        return [map(item)];
      } catch (error) {
        if (!(error instanceof BadInputError)) throw error;
        const part = item.path.replace(/\.facets\.lineage_modelVersion$/, '');
        warnings.push({ path: part, message: `${error.message}; the ${part.startsWith('inputs') ? 'input' : 'output'} is set aside` });
        return [];
      }
    });
  if (plan.kind === 'dataset') {
    return { change: { kind: 'dataset', at, dataset: mention(plan.dataset!), receipt }, warnings };
  }
  const job = normalizeJob({ namespace: plan.job!.namespace, name: plan.job!.name }, jsonPath('job'));
  const jobFacets = facetsOrNull(plan.job!.facets);
  if (plan.kind === 'job') {
    const datasets = [...each(plan.inputs, mention), ...each(plan.outputs, mention)];
    return { change: { kind: 'job', at, job, jobFacets, datasets, receipt }, warnings };
  }
  const run = plan.run!;
  const runId = requiredName('run.runId', run.runId, INPUT_LIMITS.version);
  if (run.parent?.runId === runId) throw new BadInputError('run.facets.parent.run.runId', 'a run cannot be its own parent');
  const change: LineageChange = {
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
    inputs: each(plan.inputs, inputOf),
    outputs: each(plan.outputs, outputOf),
    modelVersions: each(plan.modelVersions, modelVersionOf),
    unversionedInputs: 'observe',
    receipt,
  };
  return { change, warnings };
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
    path: input.path,
    dataset,
    version: input.version === null ? null : versionOf(input, { uri }),
    values: { ...NO_VERSION_VALUES, uri },
    facets: facetsOrNull(input.facets),
    ioFacets: facetsOrNull(input.ioFacets),
  };
}

function outputOf(output: DatasetPlan): RunOutput {
  return {
    path: output.path,
    ...versionOf(output, { uri: output.uri, schema: output.schemaFields, rowCount: output.rowCount }),
    facets: facetsOrNull(output.facets),
    ioFacets: facetsOrNull(output.ioFacets),
  };
}

/** A dataset of a DatasetEvent or JobEvent: its facets and schema go on the version it names, else on the dataset. */
function mention(dataset: DatasetPlan): DatasetMention {
  return {
    path: dataset.path,
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
    // The output the facet is on (`outputs[1]`), for the conflicts the version may meet.
    path: model.path.replace(/\.facets\.lineage_modelVersion$/, ''),
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
