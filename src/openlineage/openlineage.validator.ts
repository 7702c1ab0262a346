import {
  childPath,
  findTooDeep,
  isAbsent,
  isObject,
  IssueList,
  MAX_DEPTH,
  quote,
  requireObject,
  requireString,
  typeName,
  Warnings,
  type JsonObject,
} from './openlineage.checks';
import { checkDatasetFacets, checkInputFacets, checkJobFacets, checkModelVersion, checkOutputFacets, checkRunFacets } from './openlineage-facets.validator';
import { DEFAULT_NAMESPACE, identityWarning, producerOf, schemaUrlOf } from './openlineage.defaults';
import { FACET } from './openlineage.facets';
import { isUuid, parseDateTime } from './openlineage.formats';
import { RUN_EVENT_TYPES } from '../core/vocabulary';
import { type EventKind, type ValidationResult, type ValidEvent } from './openlineage.types';

/**
 * Checks an incoming OpenLineage event (spec 2-0-x) by hand, and decides what of it can become lineage.
 *
 * An event is refused (with every issue, each with the path of the bad value) only when it cannot become
 * lineage at all: not a JSON object, no `eventTime` that places it in time, a RunEvent without `run.runId`, no
 * job name (a RunEvent or JobEvent) or no dataset namespace and name (a DatasetEvent), or absurd (nested
 * deeper than MAX_DEPTH). How many datasets an event may list is a setting the ingestion service checks before
 * (LIMIT_EVENT_DATASETS, event-limits.ts). A producer does not resend an event differently, so
 * anything short of that is accepted: what is wrong is a warning, and the part it is wrong in is set aside
 * (`setAside`, paths the mapper skips) while the rest is recorded. Unknown facets and unknown properties are
 * kept, never refused: OpenLineage is extended that way.
 *
 * The event is returned as it came, not copied: the mapper reads it and does not change it.
 */
export function validateEvent(input: unknown): ValidationResult {
  if (!isObject(input)) return refuse('', `an OpenLineage event must be a JSON object, got ${typeName(input)}`);
  // First, because the checks below recurse (schema fields) and a cyclic object is infinitely deep.
  const tooDeep = findTooDeep(input);
  if (tooDeep !== null) return refuse(tooDeep, `the event is nested deeper than ${MAX_DEPTH} levels at ${tooDeep}`);

  const issues = new IssueList();
  const warnings = new Warnings();
  checkEventTime(input.eventTime, issues);
  const kind = eventKind(input, issues, warnings);
  if (kind !== null) checkIdentity(input, kind, warnings);
  checkEventType(input.eventType, warnings);
  if (kind === 'run' || kind === 'job') {
    if (kind === 'run') checkRun(input.run, issues, warnings);
    checkJob(input.job, issues, warnings);
    checkDatasets(input.inputs, 'inputs', warnings);
    checkDatasets(input.outputs, 'outputs', warnings);
  } else if (kind === 'dataset') {
    checkStaticDataset(input.dataset, issues, warnings);
  }
  if (!issues.empty) return { ok: false, errors: issues.list() };
  return { ok: true, event: input as ValidEvent, warnings: warnings.list(), setAside: warnings.setAside };
}

function refuse(path: string, message: string): ValidationResult {
  return { ok: false, errors: [{ path, message }] };
}

/**
 * Which of the spec's three events this is. The spec's `oneOf` decides by the properties present: a RunEvent
 * has `run` (and must have `job`), a JobEvent has `job` and no `run`, a DatasetEvent has `dataset` and neither.
 * `job` with `dataset` matches two branches, which the spec refuses as ambiguous; we read a JobEvent and set
 * the `dataset` aside.
 */
function eventKind(event: JsonObject, issues: IssueList, warnings: Warnings): EventKind | null {
  if (event.run !== undefined) return 'run';
  if (event.job !== undefined) {
    if (event.dataset !== undefined) {
      warnings.setAside.add('dataset');
      warnings.add(
        'dataset',
        'dataset is not allowed beside job without run (a JobEvent has no dataset, a DatasetEvent no job); read as a JobEvent, dataset set aside',
      );
    }
    return 'job';
  }
  if (event.dataset !== undefined) return 'dataset';
  issues.add('run', 'run is required: an event has run and job (RunEvent), job alone (JobEvent) or dataset (DatasetEvent)');
  issues.add('job', 'job is required');
  return null;
}

function checkIdentity(event: JsonObject, kind: EventKind, warnings: Warnings): void {
  const producer = identityWarning(event.producer, 'producer', producerOf(event));
  if (producer !== null) warnings.add('producer', producer);
  const schemaURL = identityWarning(event.schemaURL, 'schemaURL', schemaUrlOf(event, kind));
  if (schemaURL !== null) warnings.add('schemaURL', schemaURL);
}

function checkEventType(eventType: unknown, warnings: Warnings): void {
  if (isAbsent(eventType) || (RUN_EVENT_TYPES as readonly unknown[]).includes(eventType)) return;
  const shown = typeof eventType === 'string' ? quote(eventType) : typeName(eventType);
  warnings.setAside.add('eventType');
  warnings.add('eventType', `eventType ${shown} is not one of ${RUN_EVENT_TYPES.join(', ')}; read as OTHER (the run's state does not change)`);
}

function checkEventTime(value: unknown, issues: IssueList): void {
  if (!requireString(value, 'eventTime', issues)) return;
  const parsed = parseDateTime(value);
  if (parsed.ok) return;
  const why = parsed.reason === null ? '' : `: ${parsed.reason}`;
  issues.add('eventTime', `eventTime ${quote(value)} is not an RFC 3339 date-time${why}`);
}

function checkRun(value: unknown, issues: IssueList, warnings: Warnings): void {
  if (!requireObject(value, 'run', issues)) return;
  if (requireString(value.runId, 'run.runId', issues, { nonEmpty: true }) && !isUuid(value.runId)) {
    warnings.add('run.runId', `run.runId ${quote(value.runId)} is not a UUID; used as sent`);
  }
  checkRunFacets(value.facets, 'run.facets', warnings);
}

function checkJob(value: unknown, issues: IssueList, warnings: Warnings): void {
  if (!requireObject(value, 'job', issues)) return;
  requireString(value.name, 'job.name', issues, { nonEmpty: true });
  const namespace = new IssueList();
  requireString(value.namespace, 'job.namespace', namespace, { nonEmpty: true });
  warnings.setAsideFor('job.namespace', namespace, `recorded as '${DEFAULT_NAMESPACE}', the OpenLineage clients' default`);
  checkJobFacets(value.facets, 'job.facets', warnings);
}

function checkDatasets(value: unknown, list: 'inputs' | 'outputs', warnings: Warnings): void {
  if (isAbsent(value)) return;
  if (!Array.isArray(value)) {
    warnings.setAside.add(list);
    warnings.add(list, `${list} must be an array, got ${typeName(value)}; set aside`);
    return;
  }
  const side = list === 'inputs' ? 'input' : 'output';
  value.forEach((dataset, index) => checkDataset(dataset, childPath(list, index), warnings, side));
}

/** A dataset the event cannot name, or an output whose model facet is malformed, is set aside whole. */
function checkDataset(value: unknown, path: string, warnings: Warnings, side: 'input' | 'output'): void {
  const identity = new IssueList();
  if (requireObject(value, path, identity)) {
    requireString(value.namespace, childPath(path, 'namespace'), identity, { nonEmpty: true });
    requireString(value.name, childPath(path, 'name'), identity, { nonEmpty: true });
    // Only an output is a model version the run produced; elsewhere the facet is kept, not read.
    const model = side === 'output' && isObject(value.facets) ? value.facets[FACET.modelVersion] : undefined;
    if (isObject(model)) checkModelVersion(model, childPath(childPath(path, 'facets'), FACET.modelVersion), identity);
  }
  if (warnings.setAsideFor(path, identity, `the ${side} is set aside`)) return;
  const dataset = value as JsonObject;
  checkDatasetFacets(dataset.facets, childPath(path, 'facets'), warnings);
  if (side === 'input') checkInputFacets(dataset.inputFacets, childPath(path, 'inputFacets'), warnings);
  else checkOutputFacets(dataset.outputFacets, childPath(path, 'outputFacets'), warnings);
}

/** The dataset of a DatasetEvent is what the event is about: without its namespace and name there is nothing to record. */
function checkStaticDataset(value: unknown, issues: IssueList, warnings: Warnings): void {
  if (!requireObject(value, 'dataset', issues)) return;
  requireString(value.namespace, 'dataset.namespace', issues, { nonEmpty: true });
  requireString(value.name, 'dataset.name', issues, { nonEmpty: true });
  checkDatasetFacets(value.facets, 'dataset.facets', warnings);
}
