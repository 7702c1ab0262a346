import {
  childPath,
  findTooDeep,
  isObject,
  IssueList,
  MAX_DATASETS,
  MAX_DEPTH,
  optionalArray,
  quote,
  requireObject,
  requireString,
  requireUuid,
  typeName,
  type JsonObject,
} from './openlineage.checks';
import { checkDatasetFacets, checkInputFacets, checkJobFacets, checkOutputFacets, checkRunFacets } from './openlineage-facets.validator';
import { identityWarning, producerOf, schemaUrlOf } from './openlineage.defaults';
import { parseDateTime } from './openlineage.formats';
import { RUN_EVENT_TYPES } from '../core/vocabulary';
import { type EventKind, type ValidationIssue, type ValidationResult, type ValidEvent } from './openlineage.types';

/**
 * Checks an incoming OpenLineage event (spec 2-0-x) by hand: the required structure of the spec's RunEvent,
 * DatasetEvent and JobEvent, the formats of their fields, and the fields we read from the facets we interpret.
 * Unknown facets and unknown properties are kept, never refused: OpenLineage is extended that way. Every issue
 * is reported (up to MAX_ISSUES), each with the path of the bad value.
 *
 * `producer` and `schemaURL` are never a reason to refuse an event: they carry no lineage, and real producers
 * leave them out. When missing, unusable or not URIs they are warnings, and the event is recorded with the
 * values openlineage.defaults.ts gives.
 *
 * The event is returned as it came, not copied: the mapper reads it and does not change it.
 */
export function validateEvent(input: unknown): ValidationResult {
  if (!isObject(input)) return refuse('', `an OpenLineage event must be a JSON object, got ${typeName(input)}`);
  // First, because the checks below recurse (schema fields) and a cyclic object is infinitely deep.
  const tooDeep = findTooDeep(input);
  if (tooDeep !== null) return refuse(tooDeep, `the event is nested deeper than ${MAX_DEPTH} levels at ${tooDeep}`);

  const issues = new IssueList();
  checkBase(input, issues);
  const kind = eventKind(input, issues);
  const warnings = kind === null ? [] : identityWarnings(input, kind);
  if (kind === 'run' || kind === 'job') {
    if (kind === 'run') checkRun(input.run, issues);
    checkJob(input.job, issues);
    checkDatasets(input.inputs, 'inputs', issues);
    checkDatasets(input.outputs, 'outputs', issues);
  } else if (kind === 'dataset') {
    checkDataset(input.dataset, 'dataset', issues, 'static');
  }
  return issues.empty ? { ok: true, event: input as ValidEvent, warnings } : { ok: false, errors: issues.list() };
}

function refuse(path: string, message: string): ValidationResult {
  return { ok: false, errors: [{ path, message }] };
}

/**
 * Which of the spec's three events this is. The spec's `oneOf` decides by the properties present: a RunEvent
 * has `run` (and must have `job`), a JobEvent has `job` and no `run`, a DatasetEvent has `dataset` and neither.
 */
function eventKind(event: JsonObject, issues: IssueList): EventKind | null {
  if (event.run !== undefined) return 'run';
  if (event.job !== undefined) {
    if (event.dataset === undefined) return 'job';
    // The spec's oneOf matches both JobEvent and DatasetEvent here, so it refuses the event as ambiguous.
    issues.add('dataset', 'dataset is not allowed beside job without run: a JobEvent has no dataset and a DatasetEvent no job');
    return null;
  }
  if (event.dataset !== undefined) return 'dataset';
  issues.add('run', 'run is required: an event has run and job (RunEvent), job alone (JobEvent) or dataset (DatasetEvent)');
  issues.add('job', 'job is required');
  return null;
}

function checkBase(event: JsonObject, issues: IssueList): void {
  checkEventTime(event.eventTime, issues);
  const { eventType } = event;
  if (eventType !== undefined && eventType !== null && !(RUN_EVENT_TYPES as readonly unknown[]).includes(eventType)) {
    const shown = typeof eventType === 'string' ? quote(eventType) : typeName(eventType);
    issues.add('eventType', `eventType ${shown} must be one of ${RUN_EVENT_TYPES.join(', ')}`);
  }
}

function checkEventTime(value: unknown, issues: IssueList): void {
  if (!requireString(value, 'eventTime', issues)) return;
  const parsed = parseDateTime(value);
  if (parsed.ok) return;
  const why = parsed.reason === null ? '' : `: ${parsed.reason}`;
  issues.add('eventTime', `eventTime ${quote(value)} is not an RFC 3339 date-time${why}`);
}

function identityWarnings(event: JsonObject, kind: EventKind): ValidationIssue[] {
  const warnings: ValidationIssue[] = [];
  const producer = identityWarning(event.producer, 'producer', producerOf(event));
  if (producer !== null) warnings.push({ path: 'producer', message: producer });
  const schemaURL = identityWarning(event.schemaURL, 'schemaURL', schemaUrlOf(event, kind));
  if (schemaURL !== null) warnings.push({ path: 'schemaURL', message: schemaURL });
  return warnings;
}

function checkRun(value: unknown, issues: IssueList): void {
  if (!requireObject(value, 'run', issues)) return;
  requireUuid(value.runId, 'run.runId', issues);
  checkRunFacets(value.facets, 'run.facets', issues);
}

function checkJob(value: unknown, issues: IssueList): void {
  if (!requireObject(value, 'job', issues)) return;
  requireString(value.namespace, 'job.namespace', issues, { nonEmpty: true });
  requireString(value.name, 'job.name', issues, { nonEmpty: true });
  checkJobFacets(value.facets, 'job.facets', issues);
}

function checkDatasets(value: unknown, list: 'inputs' | 'outputs', issues: IssueList): void {
  if (!optionalArray(value, list, issues)) return;
  if (value.length > MAX_DATASETS) {
    issues.add(list, `${list} has ${value.length} datasets; at most ${MAX_DATASETS} are accepted in one event`);
    return;
  }
  const side = list === 'inputs' ? 'input' : 'output';
  for (let index = 0; index < value.length && !issues.full; index++) checkDataset(value[index], childPath(list, index), issues, side);
}

function checkDataset(value: unknown, path: string, issues: IssueList, side: 'input' | 'output' | 'static'): void {
  if (!requireObject(value, path, issues)) return;
  requireString(value.namespace, childPath(path, 'namespace'), issues, { nonEmpty: true });
  requireString(value.name, childPath(path, 'name'), issues, { nonEmpty: true });
  checkDatasetFacets(value.facets, childPath(path, 'facets'), issues, side);
  if (side === 'input') checkInputFacets(value.inputFacets, childPath(path, 'inputFacets'), issues);
  if (side === 'output') checkOutputFacets(value.outputFacets, childPath(path, 'outputFacets'), issues);
}
