import { canonicalJson } from '../../core/canonical-json';

/**
 * What the data quality facets of OpenLineage say, as records the service keeps: checks with their results
 * (`dataQualityAssertions`, Great Expectations' `greatExpectations_assertions`, dbt's `test` run facet) and
 * measurements (`dataQualityMetrics`). Pure functions of facet values that the OpenLineage validator has
 * already checked (src/openlineage/openlineage-quality.validator.ts); anything else in a facet is ignored here
 * and kept as sent in the facets themselves.
 */

export const QUALITY_FACETS = {
  assertions: 'dataQualityAssertions',
  greatExpectations: 'greatExpectations_assertions',
  metrics: 'dataQualityMetrics',
  /** A run facet (TestRunFacet). */
  test: 'test',
} as const;

/** Dataset and input facets that hold quality results. */
export const DATASET_QUALITY_FACETS: readonly string[] = [QUALITY_FACETS.assertions, QUALITY_FACETS.greatExpectations, QUALITY_FACETS.metrics];

export type Severity = 'INFO' | 'WARN' | 'ERROR';
export const SEVERITIES: readonly Severity[] = ['INFO', 'WARN', 'ERROR'];
/** Severities compare by rank: "at or above WARN" is rank >= 2. */
export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { INFO: 1, WARN: 2, ERROR: 3 };

export interface AssertionRecord {
  /** The kind of check (`not_null`, `unique`, `expect_column_values_to_be_between`, ...). */
  assertion: string;
  /** The check's own name, when the producer gives one (dbt's test node, a TestRunFacet test). */
  name: string | null;
  column: string | null;
  success: boolean;
  severity: Severity;
  /** The severity as the producer wrote it, if it did. */
  reportedSeverity: string | null;
  description: string | null;
  expected: string | null;
  actual: string | null;
}

export interface ColumnMetricsRecord {
  column: string;
  nullCount: number | null;
  distinctCount: number | null;
  sum: number | null;
  count: number | null;
  min: number | null;
  max: number | null;
  quantiles: Record<string, number> | null;
}

export interface MetricsRecord {
  rowCount: number | null;
  bytes: number | null;
  fileCount: number | null;
  lastUpdated: string | null;
  /** By column name. */
  columns: ColumnMetricsRecord[];
}

/**
 * The severity a check fails with. The spec's values are `error` (the failure blocks the pipeline) and `warn`;
 * a check that names no severity, or one we do not know, counts as an error: a failure that does not say it is
 * only a warning is not treated as one.
 */
export function severityOf(reported: string | null): Severity {
  switch (reported?.trim().toLowerCase()) {
    case 'info':
    case 'informational':
    case 'low':
      return 'INFO';
    case 'warn':
    case 'warning':
    case 'medium':
      return 'WARN';
    default:
      return 'ERROR';
  }
}

/** The assertions a dataset or input facet holds, or null when `name` is not an assertions facet. */
export function assertionsOf(name: string, value: unknown): AssertionRecord[] | null {
  if (name === QUALITY_FACETS.assertions) {
    return items(value, 'assertions').map((item) =>
      assertion({
        assertion: text(item.assertion) ?? '?',
        name: text(item.name),
        column: text(item.column),
        success: item.success === true,
        reportedSeverity: text(item.severity),
        description: text(item.description),
        expected: text(item.expected),
        actual: text(item.actual),
      }),
    );
  }
  if (name === QUALITY_FACETS.greatExpectations) {
    return items(value, 'assertions').map((item) =>
      assertion({
        assertion: text(item.expectationType) ?? '?',
        name: null,
        column: text(item.column),
        success: item.success === true,
        reportedSeverity: null,
        description: null,
        expected: null,
        actual: null,
      }),
    );
  }
  return null;
}

/**
 * The tests of a TestRunFacet. `pass` succeeded; `fail` and `error` (dbt: the test could not verify the data)
 * failed; dbt's `warn` is a failure of severity warn; anything else (`skip`) is not a result and is left out.
 */
export function testsOf(value: unknown): AssertionRecord[] {
  return items(value, 'tests').flatMap((item) => {
    const status = text(item.status)?.toLowerCase();
    if (status !== 'pass' && status !== 'fail' && status !== 'error' && status !== 'warn') return [];
    const reportedSeverity = text(item.severity) ?? (status === 'warn' ? 'warn' : null);
    return [
      assertion({
        assertion: text(item.type) ?? text(item.name) ?? '?',
        name: text(item.name),
        column: null,
        success: status === 'pass',
        reportedSeverity,
        description: text(item.description),
        expected: text(item.expected),
        actual: text(item.actual),
      }),
    ];
  });
}

/** The measurements of a `dataQualityMetrics` facet. */
export function metricsOf(value: unknown): MetricsRecord {
  const facet = isRecord(value) ? value : {};
  const columns = isRecord(facet.columnMetrics) ? facet.columnMetrics : {};
  return {
    rowCount: count(facet.rowCount),
    bytes: count(facet.bytes),
    fileCount: count(facet.fileCount),
    lastUpdated: text(facet.lastUpdated),
    columns: Object.keys(columns)
      .sort()
      .flatMap((column) => {
        const metrics = columns[column];
        if (!isRecord(metrics)) return [];
        const quantiles = isRecord(metrics.quantiles)
          ? Object.fromEntries(
              Object.entries(metrics.quantiles)
                .filter((entry): entry is [string, number] => typeof entry[1] === 'number')
                .sort(([a], [b]) => Number(a) - Number(b) || (a < b ? -1 : 1)),
            )
          : null;
        return [
          {
            column,
            nullCount: count(metrics.nullCount),
            distinctCount: count(metrics.distinctCount),
            sum: number(metrics.sum),
            count: number(metrics.count),
            min: number(metrics.min),
            max: number(metrics.max),
            quantiles,
          },
        ];
      }),
  };
}

/** Identifies a check across reports, to tell a newly failing check from one that failed already. */
export function checkKey(record: Pick<AssertionRecord, 'assertion' | 'name' | 'column'>): string {
  return canonicalJson([record.assertion, record.name, record.column]);
}

/** The highest severity among the failed checks (0 when none failed). */
export function failedRank(assertions: readonly AssertionRecord[]): number {
  return Math.max(0, ...assertions.filter((a) => !a.success).map((a) => SEVERITY_RANK[a.severity]));
}

function assertion(fields: Omit<AssertionRecord, 'severity'>): AssertionRecord {
  return { ...fields, severity: severityOf(fields.reportedSeverity) };
}

function items(value: unknown, key: string): Array<Record<string, unknown>> {
  const list = isRecord(value) ? value[key] : undefined;
  return Array.isArray(list) ? list.filter(isRecord) : [];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function count(value: unknown): number | null {
  return typeof value === 'number' && Number.isSafeInteger(value) ? value : null;
}

function number(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}
