import { childPath, isObject } from './openlineage.checks';
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

/** Parts of an event the validator set aside, by path: the mapper does not read them. */
export type SetAside = ReadonlySet<string>;

export const NOTHING_SET_ASIDE: SetAside = new Set();

/**
 * A facet to read from the facet map at `at` (`run.facets`, `outputs[0].facets`), or undefined when it is
 * absent, null, not an object, or set aside by the validator (a malformed facet we interpret).
 */
export function facetOf(facets: Facets | null | undefined, name: string, at: string, setAside: SetAside): Record<string, unknown> | undefined {
  if (!isObject(facets) || !Object.hasOwn(facets, name) || setAside.has(at) || setAside.has(childPath(at, name))) return undefined;
  const facet = facets[name];
  return isObject(facet) ? facet : undefined;
}

/**
 * The facets to keep from the facet map at `at`: all of them, in the order sent, without the null ones (null means
 * "not sent"), those that are not objects, and those the validator set aside (a malformed facet we interpret): a
 * facet in the graph is one every reader may read (quality reports, column lineage), and the stored raw event
 * keeps the rest as sent.
 */
export function keptFacets(facets: Facets | null | undefined, at: string, setAside: SetAside): Record<string, unknown> {
  if (!isObject(facets) || setAside.has(at)) return {};
  return Object.fromEntries(Object.entries(facets).filter(([name, facet]) => isObject(facet) && !setAside.has(childPath(at, name))));
}

/** A facet field to read as text: a non-empty string, else null (validated facets hold nothing else). */
export function textOf(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** A facet field to read as a count: a whole number, else null. */
export function countOf(value: unknown): number | null {
  return typeof value === 'number' && Number.isSafeInteger(value) ? value : null;
}
