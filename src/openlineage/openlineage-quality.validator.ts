import {
  childPath,
  isAbsent,
  optionalArray,
  optionalInteger,
  optionalObject,
  optionalString,
  requireObject,
  requireString,
  typeName,
  type IssueList,
  type JsonObject,
} from './openlineage.checks';
import { FACET } from './openlineage.facets';

/**
 * Checks of the data quality facets the service reads (src/lineage/quality/quality-facets.ts): the fields it
 * records must have the types the facets' schemas give them, so that an assertion is never recorded from a
 * malformed value. Everything else in them (`params`, `content`, producer-specific fields) is kept as sent.
 * Absent optional fields and nulls are fine: producers write `"description": null`.
 */

type FacetCheck = (facet: JsonObject, path: string, issues: IssueList) => void;

/** `dataQualityAssertions` (a dataset facet for some producers, an input facet in the spec): the checks and their results. */
export function checkAssertionsFacet(facet: JsonObject, path: string, issues: IssueList): void {
  eachItem(facet.assertions, childPath(path, 'assertions'), issues, true, (item, at) => {
    requireString(item.assertion, childPath(at, 'assertion'), issues, { nonEmpty: true });
    requireBoolean(item.success, childPath(at, 'success'), issues);
    for (const field of ['column', 'severity', 'name', 'description', 'expected', 'actual']) optionalString(item[field], childPath(at, field), issues);
  });
}

/** `greatExpectations_assertions`, the Great Expectations integration's own input facet: one entry per expectation. */
export function checkGreatExpectationsFacet(facet: JsonObject, path: string, issues: IssueList): void {
  eachItem(facet.assertions, childPath(path, 'assertions'), issues, true, (item, at) => {
    requireString(item.expectationType, childPath(at, 'expectationType'), issues, { nonEmpty: true });
    requireBoolean(item.success, childPath(at, 'success'), issues);
    optionalString(item.column, childPath(at, 'column'), issues);
  });
}

/** `dataQualityMetrics`: counts of the dataset and per-column statistics. */
export function checkMetricsFacet(facet: JsonObject, path: string, issues: IssueList): void {
  for (const field of ['rowCount', 'bytes', 'fileCount']) optionalInteger(facet[field], childPath(path, field), issues);
  optionalString(facet.lastUpdated, childPath(path, 'lastUpdated'), issues);
  const columnsPath = childPath(path, 'columnMetrics');
  if (!optionalObject(facet.columnMetrics, columnsPath, issues)) return;
  for (const [column, metrics] of Object.entries(facet.columnMetrics)) {
    if (issues.full) return;
    const at = childPath(columnsPath, column);
    if (!optionalObject(metrics, at, issues)) continue;
    for (const field of ['nullCount', 'distinctCount']) optionalInteger(metrics[field], childPath(at, field), issues);
    for (const field of ['sum', 'count', 'min', 'max']) optionalNumber(metrics[field], childPath(at, field), issues);
    const quantilesPath = childPath(at, 'quantiles');
    if (!optionalObject(metrics.quantiles, quantilesPath, issues)) continue;
    for (const [quantile, value] of Object.entries(metrics.quantiles)) optionalNumber(value, childPath(quantilesPath, quantile), issues);
  }
}

/** `test` (TestRunFacet): test executions of the run, not attributed to a dataset by the producer. */
export function checkTestFacet(facet: JsonObject, path: string, issues: IssueList): void {
  eachItem(facet.tests, childPath(path, 'tests'), issues, true, (item, at) => {
    requireString(item.name, childPath(at, 'name'), issues, { nonEmpty: true });
    requireString(item.status, childPath(at, 'status'), issues, { nonEmpty: true });
    for (const field of ['severity', 'type', 'description', 'expected', 'actual']) optionalString(item[field], childPath(at, field), issues);
  });
}

/** The quality facets a dataset or input may carry, by name (see openlineage.facets.ts). */
export const QUALITY_DATASET_FACET_CHECKS: Readonly<Record<string, FacetCheck>> = {
  [FACET.dataQualityAssertions]: checkAssertionsFacet,
  [FACET.greatExpectationsAssertions]: checkGreatExpectationsFacet,
  [FACET.dataQualityMetrics]: checkMetricsFacet,
};

function eachItem(value: unknown, path: string, issues: IssueList, required: boolean, check: (item: JsonObject, path: string) => void): void {
  if (value === undefined && required) {
    issues.add(path, `${path} is required`);
    return;
  }
  if (!optionalArray(value, path, issues)) return;
  value.forEach((item, index) => {
    const at = childPath(path, index);
    if (!issues.full && requireObject(item, at, issues)) check(item, at);
  });
}

function requireBoolean(value: unknown, path: string, issues: IssueList): void {
  if (value === undefined || value === null) issues.add(path, `${path} is required`);
  else if (typeof value !== 'boolean') issues.add(path, `${path} must be true or false, got ${typeName(value)}`);
}

function optionalNumber(value: unknown, path: string, issues: IssueList): void {
  if (isAbsent(value) || (typeof value === 'number' && Number.isFinite(value))) return;
  issues.add(path, `${path} must be a number, got ${typeof value === 'number' ? String(value) : typeName(value)}`);
}
