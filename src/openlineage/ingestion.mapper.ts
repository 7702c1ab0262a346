import { BadInputError } from '../errors';
import { ids } from '../core/ids';
import { toJsonProperty } from '../core/json-property';
import { instant, optionalJsonObject, optionalName, optionalText, requiredName, INPUT_LIMITS } from '../core/validate';
import { normalizeCommit, type NormalizedCommit } from '../core/commit/commit.normalize';
import { normalizeDatasetVersion, type NormalizedDatasetVersion } from '../core/dataset/dataset.normalize';
import { normalizeJob } from '../core/job/job.normalize';
import { checkMetrics } from '../core/model/model.rules';
import type {
  DatasetMention,
  DatasetRef,
  EventReceipt,
  FacetValues,
  LineageChange,
  ModelVersionOutput,
  RunInput,
  RunOutput,
} from '../core/recording/lineage-change.types';
import type { RunEventType } from '../core/vocabulary';
import { childPath, isObject } from './openlineage.checks';
import { FACET } from './openlineage.facets';
import type { CommitPlan, DatasetPlan, IngestPlan, ModelVersionPlan, ValidationIssue } from './openlineage.types';

/** The change to record, and the warnings about the datasets set aside on the way. */
export interface MappedEvent {
  change: LineageChange;
  warnings: ValidationIssue[];
}

/**
 * Turns a validated, planned OpenLineage event into the change the recorder applies, checking it against the
 * limits every front door enforces (names up to 1,024 characters without control characters, versions up to
 * 256, ...). A value over a limit is named with the JSON path of that value in the event, as the validator
 * does, not with the name of a field of our model. A dataset of a run or JobEvent over a limit is set aside
 * with a warning, like a dataset the validator could not read; over a limit in what the event is about (the
 * run id, the job, the parameters, the dataset of a DatasetEvent) it is refused (BadInputError).
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
  const job = normalizeJob('job', { namespace: plan.job!.namespace, name: plan.job!.name });
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
    parameters: optionalJsonObject(
      Object.hasOwn(run.facets, FACET.lineageParameters) ? 'run.facets.lineage_parameters.parameters' : 'run.facets.executionParameters.parameters',
      run.parameters,
    ),
    errorMessage: run.errorMessage === null ? null : cut(run.errorMessage, INPUT_LIMITS.text),
    parent: run.parent ? { runId: run.parent.runId, job: normalizeJob('run.facets.parent.job', run.parent.job) } : null,
    runFacets: facetsOrNull(run.facets),
    inputs: each(plan.inputs, inputOf),
    outputs: each(plan.outputs, outputOf),
    modelVersions: each(plan.modelVersions, modelVersionOf),
    unversionedInputs: 'observe',
    receipt,
  };
  return { change, warnings };
}

function inputOf(input: DatasetPlan): RunInput {
  const { path } = input;
  const dataset = datasetRef(path, input);
  const uri = optionalText(childPath(path, 'name'), input.uri, INPUT_LIMITS.uri);
  return {
    path,
    dataset,
    version: input.version === null ? null : versionOf(path, input, { uri }),
    values: { digest: null, uri, schemaJson: null, rowCount: null },
    facets: facetsOrNull(input.facets),
    ioFacets: facetsOrNull(input.ioFacets),
  };
}

function outputOf(output: DatasetPlan): RunOutput {
  return {
    path: output.path,
    ...versionOf(output.path, output, { uri: output.uri, schema: output.schemaFields, rowCount: output.rowCount }),
    facets: facetsOrNull(output.facets),
    ioFacets: facetsOrNull(output.ioFacets),
  };
}

/** A dataset of a DatasetEvent or JobEvent: its facets and schema go on the version it names, else on the dataset. */
function mention(dataset: DatasetPlan): DatasetMention {
  const { path } = dataset;
  return {
    path,
    dataset: datasetRef(path, dataset),
    version: dataset.version === null ? null : versionOf(path, dataset, { uri: dataset.uri, schema: dataset.schemaFields }),
    facets: facetsOrNull(dataset.facets),
  };
}

function datasetRef(path: string, dataset: DatasetPlan): DatasetRef {
  const namespace = requiredName(childPath(path, 'namespace'), dataset.namespace);
  const name = requiredName(childPath(path, 'name'), dataset.name);
  return { id: ids.dataset(namespace, name), namespace, name };
}

/**
 * The version through the same normaliser as a GraphQL input, with its error paths translated back to the
 * event: `outputs[0].schema[3].name` becomes `outputs[0].facets.schema.fields[1].fields[0].name`.
 */
function versionOf(
  path: string,
  dataset: DatasetPlan,
  fields: { uri: string | null; schema?: DatasetPlan['schemaFields']; rowCount?: number | null },
): NormalizedDatasetVersion {
  try {
    return normalizeDatasetVersion(path, { namespace: dataset.namespace, name: dataset.name, version: dataset.version!, ...fields });
  } catch (error) {
    if (!(error instanceof BadInputError)) throw error;
    const field = String(error.extensions.field);
    const suffix = field.slice(path.length);
    const schema = /^\.schema\[(\d+)\]\.(\w+)$/.exec(suffix);
    const translated =
      suffix === '.version' && dataset.versionSource === 'facet'
        ? `${path}.facets.version.datasetVersion`
        : suffix === '.rowCount'
          ? `${path}.outputFacets.outputStatistics.rowCount`
          : suffix === '.uri'
            ? `${path}.name`
            : schema
              ? `${schemaFieldPaths(dataset.facets, `${path}.facets.schema`)[Number(schema[1])]}.${schema[2]}`
              : field;
    throw new BadInputError(translated, error.message.slice(field.length + 2));
  }
}

/** The JSON path of each schema field, in the order the mapper flattens them (each parent before its children). */
function schemaFieldPaths(facets: Record<string, unknown>, base: string): string[] {
  const walk = (fields: unknown, at: string): string[] =>
    Array.isArray(fields)
      ? fields.flatMap((field, index) => [childPath(at, index), ...(isObject(field) ? walk(field.fields, childPath(childPath(at, index), 'fields')) : [])])
      : [];
  const schema = facets.schema;
  return isObject(schema) ? walk(schema.fields, `${base}.fields`) : [];
}

function modelVersionOf(model: ModelVersionPlan): ModelVersionOutput {
  const { path } = model;
  const modelName = requiredName(childPath(path, 'name'), model.name);
  const version = requiredName(childPath(path, 'version'), model.version, INPUT_LIMITS.version);
  checkMetrics(childPath(path, 'metrics'), model.metrics);
  return {
    path: path.replace(/\.facets\.lineage_modelVersion$/, ''),
    id: ids.modelVersion(modelName, version),
    modelId: ids.model(modelName),
    modelName,
    version,
    values: {
      artifactUri: optionalText(childPath(path, 'artifactUri'), model.artifactUri, INPUT_LIMITS.uri),
      digest: null,
      framework: optionalName(childPath(path, 'framework'), model.framework, INPUT_LIMITS.version),
      metricsJson: toJsonProperty(model.metrics),
    },
    facets: facetsOrNull(model.facets),
    ioFacets: facetsOrNull(model.ioFacets),
  };
}

const SHA = /^[0-9a-fA-F]{7,64}$/;

/** The commit a job ran from, when its `version` is a commit SHA (see changeOf). */
function commitOf(commit: CommitPlan | null): NormalizedCommit | null {
  if (!commit || !SHA.test(commit.sha)) return null;
  const base = 'job.facets.sourceCodeLocation';
  try {
    return normalizeCommit(base, { repository: commit.repository, sha: commit.sha, branch: commit.branch });
  } catch (error) {
    if (!(error instanceof BadInputError)) throw error;
    const field = String(error.extensions.field);
    // The repository is `repoUrl` if the facet has it, else `url`; the SHA is `version`.
    const translated = field === `${base}.repository` ? `${base}.${commit.repository === commit.url ? 'url' : 'repoUrl'}` : field.replace(/\.sha$/, '.version');
    throw new BadInputError(translated, error.message.slice(field.length + 2));
  }
}

function facetsOrNull(facets: Record<string, unknown>): FacetValues | null {
  return Object.keys(facets).length === 0 ? null : facets;
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
