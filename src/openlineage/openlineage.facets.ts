import type { Facets } from './openlineage.types';

/**
 * The facets whose contents we read, by the name they are sent under. The validator checks the fields the
 * mapper reads from them; every other facet, standard or custom, is kept as sent and never looked into.
 */
export const FACET = {
  // run facets
  parent: 'parent',
  errorMessage: 'errorMessage',
  executionParameters: 'executionParameters',
  /** Ours: `{ parameters: { … } }`, see docs/openlineage-mapping.md. */
  lineageParameters: 'lineage_parameters',
  /** TestRunFacet: test executions of the run (dbt), see src/lineage/quality/. */
  test: 'test',
  // job facets
  sourceCodeLocation: 'sourceCodeLocation',
  // dataset facets
  version: 'version',
  schema: 'schema',
  columnLineage: 'columnLineage',
  symlinks: 'symlinks',
  /** Ours, on an output: marks it as a model version, see docs/openlineage-model-facet.md. */
  modelVersion: 'lineage_modelVersion',
  // input and output facets
  inputStatistics: 'inputStatistics',
  dataQualityMetrics: 'dataQualityMetrics',
  /** Data quality checks and their results (dataset or input facet); Great Expectations' own variant. */
  dataQualityAssertions: 'dataQualityAssertions',
  greatExpectationsAssertions: 'greatExpectations_assertions',
  outputStatistics: 'outputStatistics',
} as const;

/** A facet to read, or undefined when it is absent or null (a validated event holds only objects besides). */
export function facetOf(facets: Facets | null | undefined, name: string): Record<string, unknown> | undefined {
  if (!facets || !Object.hasOwn(facets, name)) return undefined;
  return facets[name] ?? undefined;
}

/** The facets to keep: all of them, in the order sent, without the null ones (null means "not sent"). */
export function keptFacets(facets: Facets | null | undefined): Record<string, unknown> {
  return Object.fromEntries(Object.entries(facets ?? {}).filter(([, facet]) => facet !== null));
}

/** A facet field to read as text: a non-empty string, else null (validated facets hold nothing else). */
export function textOf(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** A facet field to read as a count: a whole number, else null. */
export function countOf(value: unknown): number | null {
  return typeof value === 'number' && Number.isSafeInteger(value) ? value : null;
}
