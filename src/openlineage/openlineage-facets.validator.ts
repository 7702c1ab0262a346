import {
  childPath,
  isAbsent,
  isObject,
  IssueList,
  quote,
  optionalArray,
  optionalInteger,
  optionalObject,
  optionalString,
  requireObject,
  requireString,
  typeName,
  type JsonObject,
  type Warnings,
} from './openlineage.checks';
import { FACET } from './openlineage.facets';
import { checkTestFacet, QUALITY_DATASET_FACET_CHECKS } from './openlineage-quality.validator';

/**
 * Facets: every facet must be an object (or null, read as absent); nothing else about an unknown facet is
 * checked, because OpenLineage is extended through facets. For the facets we interpret, the fields the mapper
 * reads are checked against the facet's spec, so a plan is never built from a malformed value. Fields we only
 * keep (`errorMessage.stackTrace`, `_producer`, ...) are not checked: a producer's slip there costs nothing.
 *
 * Nothing here refuses an event: facets describe lineage, they do not identify it. A facet map that is not an
 * object, or a facet that is not one, is set aside (not kept; the raw event has it); an interpreted facet with a
 * malformed field is set aside too: not read, not kept on the entity (the stored raw event has it). Each is a warning.
 */

type FacetCheck = (facet: JsonObject, path: string, issues: IssueList) => void;

export function checkRunFacets(value: unknown, path: string, warnings: Warnings): void {
  checkFacets(value, path, warnings, {
    [FACET.parent]: checkParent,
    [FACET.errorMessage]: checkErrorMessage,
    [FACET.executionParameters]: checkExecutionParameters,
    [FACET.lineageParameters]: checkLineageParameters,
    [FACET.test]: checkTestFacet,
  });
}

export function checkJobFacets(value: unknown, path: string, warnings: Warnings): void {
  checkFacets(value, path, warnings, { [FACET.sourceCodeLocation]: checkSourceCodeLocation });
}

/** Our model facet is not among these: a malformed one sets its whole output aside (see the validator). */
export function checkDatasetFacets(value: unknown, path: string, warnings: Warnings): void {
  checkFacets(value, path, warnings, {
    [FACET.version]: checkVersion,
    [FACET.schema]: checkSchema,
    [FACET.columnLineage]: checkColumnLineage,
    // Data quality results: read wherever producers put them (dbt sends them as dataset facets, the spec as input facets).
    ...QUALITY_DATASET_FACET_CHECKS,
  });
}

export function checkInputFacets(value: unknown, path: string, warnings: Warnings): void {
  checkFacets(value, path, warnings, {
    [FACET.inputStatistics]: (facet, at, issues) => checkCounts(facet, at, issues, ['rowCount', 'size']),
    // dataQualityMetrics among them: older producers report input sizes there only.
    ...QUALITY_DATASET_FACET_CHECKS,
  });
}

export function checkOutputFacets(value: unknown, path: string, warnings: Warnings): void {
  checkFacets(value, path, warnings, {
    [FACET.outputStatistics]: (facet, at, issues) => checkCounts(facet, at, issues, ['rowCount', 'size']),
  });
}

function checkFacets(value: unknown, path: string, warnings: Warnings, interpreted: Record<string, FacetCheck>): void {
  if (isAbsent(value)) return;
  if (!isObject(value)) {
    warnings.setAside.add(path);
    warnings.add(path, `${path} must be an object, got ${typeName(value)}; set aside`);
    return;
  }
  for (const [name, facet] of Object.entries(value)) {
    const facetPath = childPath(path, name);
    if (facet === null) continue;
    if (!isObject(facet)) {
      warnings.setAside.add(facetPath);
      warnings.add(facetPath, `${facetPath} must be an object, got ${typeName(facet)}; set aside`);
    } else if (Object.hasOwn(interpreted, name)) {
      const issues = new IssueList();
      interpreted[name]!(facet, facetPath, issues);
      warnings.setAsideFor(facetPath, issues, 'the facet is set aside (the stored event keeps it)');
    }
  }
}

function checkParent(facet: JsonObject, path: string, issues: IssueList): void {
  const runPath = childPath(path, 'run');
  // Any run id, as for the run itself (old Airflow versions name the DAG run: `manual__2024-05-01T10:00:00`).
  if (requireObject(facet.run, runPath, issues)) requireString(facet.run.runId, childPath(runPath, 'runId'), issues, { nonEmpty: true });
  const jobPath = childPath(path, 'job');
  if (requireObject(facet.job, jobPath, issues)) {
    requireString(facet.job.namespace, childPath(jobPath, 'namespace'), issues, { nonEmpty: true });
    requireString(facet.job.name, childPath(jobPath, 'name'), issues, { nonEmpty: true });
  }
}

function checkErrorMessage(facet: JsonObject, path: string, issues: IssueList): void {
  requireString(facet.message, childPath(path, 'message'), issues);
}

function checkExecutionParameters(facet: JsonObject, path: string, issues: IssueList): void {
  const listPath = childPath(path, 'parameters');
  if (!optionalArray(facet.parameters, listPath, issues)) return;
  facet.parameters.forEach((parameter, index) => {
    const itemPath = childPath(listPath, index);
    // `value` is kept as sent: the spec types it as a string, yet its own example is the number 3600.
    if (!issues.full && requireObject(parameter, itemPath, issues)) requireString(parameter.key, childPath(itemPath, 'key'), issues, { nonEmpty: true });
  });
}

function checkLineageParameters(facet: JsonObject, path: string, issues: IssueList): void {
  requireObject(facet.parameters, childPath(path, 'parameters'), issues);
}

function checkSourceCodeLocation(facet: JsonObject, path: string, issues: IssueList): void {
  for (const field of ['type', 'url', 'repoUrl', 'version', 'branch', 'path']) optionalString(facet[field], childPath(path, field), issues);
}

function checkVersion(facet: JsonObject, path: string, issues: IssueList): void {
  requireString(facet.datasetVersion, childPath(path, 'datasetVersion'), issues, { nonEmpty: true });
}

function checkSchema(facet: JsonObject, path: string, issues: IssueList): void {
  checkSchemaFields(facet.fields, childPath(path, 'fields'), issues);
}

/** Recursion is bounded: the validator refused events nested deeper than MAX_DEPTH before getting here. */
function checkSchemaFields(value: unknown, path: string, issues: IssueList): void {
  if (!optionalArray(value, path, issues)) return;
  value.forEach((field, index) => {
    const fieldPath = childPath(path, index);
    if (issues.full || !requireObject(field, fieldPath, issues)) return;
    requireString(field.name, childPath(fieldPath, 'name'), issues);
    optionalString(field.type, childPath(fieldPath, 'type'), issues);
    optionalString(field.description, childPath(fieldPath, 'description'), issues);
    checkSchemaFields(field.fields, childPath(fieldPath, 'fields'), issues);
  });
}

/**
 * ColumnLineageDatasetFacet, 1-0-0 to 1-2-0: what the column mapping reads. `fields` may be absent (some
 * producers send an empty facet, `{}`), which means no column lineage; the input fields need their dataset and
 * field; transformations their `type`, one of the spec's two. Everything else (descriptions, `_producer`) is kept.
 */
function checkColumnLineage(facet: JsonObject, path: string, issues: IssueList): void {
  const fieldsPath = childPath(path, 'fields');
  if (optionalObject(facet.fields, fieldsPath, issues)) {
    for (const [output, entry] of Object.entries(facet.fields)) {
      if (issues.full) return;
      const entryPath = childPath(fieldsPath, output);
      if (output === '') issues.add(entryPath, `${entryPath}: an output field needs a name`);
      if (!requireObject(entry, entryPath, issues)) continue;
      optionalString(entry.transformationType, childPath(entryPath, 'transformationType'), issues);
      optionalString(entry.transformationDescription, childPath(entryPath, 'transformationDescription'), issues);
      const inputsPath = childPath(entryPath, 'inputFields');
      if (entry.inputFields === undefined || entry.inputFields === null) issues.add(inputsPath, `${inputsPath} is required`);
      else checkInputFields(entry.inputFields, inputsPath, issues);
    }
  }
  checkInputFields(facet.dataset, childPath(path, 'dataset'), issues);
}

function checkInputFields(value: unknown, path: string, issues: IssueList): void {
  if (!optionalArray(value, path, issues)) return;
  value.forEach((input, index) => {
    const inputPath = childPath(path, index);
    if (issues.full || !requireObject(input, inputPath, issues)) return;
    for (const key of ['namespace', 'name', 'field']) requireString(input[key], childPath(inputPath, key), issues, { nonEmpty: true });
    const listPath = childPath(inputPath, 'transformations');
    if (!optionalArray(input.transformations, listPath, issues)) return;
    input.transformations.forEach((transformation, at) => {
      const itemPath = childPath(listPath, at);
      if (issues.full || !requireObject(transformation, itemPath, issues)) return;
      const typePath = childPath(itemPath, 'type');
      if (requireString(transformation.type, typePath, issues) && !['DIRECT', 'INDIRECT'].includes(transformation.type.trim().toUpperCase())) {
        issues.add(typePath, `${typePath} must be DIRECT or INDIRECT, got ${quote(transformation.type)}`);
      }
      optionalString(transformation.subtype, childPath(itemPath, 'subtype'), issues);
      optionalString(transformation.description, childPath(itemPath, 'description'), issues);
      if (!isAbsent(transformation.masking) && typeof transformation.masking !== 'boolean') {
        issues.add(childPath(itemPath, 'masking'), `${childPath(itemPath, 'masking')} must be a boolean, got ${typeName(transformation.masking)}`);
      }
    });
  });
}

function checkCounts(facet: JsonObject, path: string, issues: IssueList, fields: string[]): void {
  for (const field of fields) optionalInteger(facet[field], childPath(path, field), issues);
}

/** Our `lineage_modelVersion` facet; its JSON Schema is docs/LineageModelVersionDatasetFacet.json. */
export function checkModelVersion(facet: JsonObject, path: string, issues: IssueList): void {
  requireString(facet.name, childPath(path, 'name'), issues, { nonEmpty: true });
  requireString(facet.version, childPath(path, 'version'), issues, { nonEmpty: true });
  optionalString(facet.artifactUri, childPath(path, 'artifactUri'), issues, { nonEmpty: true });
  optionalString(facet.framework, childPath(path, 'framework'), issues, { nonEmpty: true });
  const metricsPath = childPath(path, 'metrics');
  if (!optionalObject(facet.metrics, metricsPath, issues)) return;
  for (const [metric, score] of Object.entries(facet.metrics)) {
    if (typeof score === 'number' && Number.isFinite(score)) continue;
    const scorePath = childPath(metricsPath, metric);
    issues.add(scorePath, `${scorePath} must be a finite number, got ${typeof score === 'number' ? String(score) : typeName(score)}`);
    if (issues.full) return;
  }
}
