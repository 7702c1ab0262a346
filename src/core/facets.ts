import { canonicalJson, sameData } from './canonical-json';
import { fromJsonProperty } from './json-property';

/**
 * Facets (OpenLineage metadata: schemas, column lineage, producer-specific details) kept on a run, job, dataset
 * or version. They are observations, not write-once fields: per facet name the value reported by the latest
 * event wins, by event time, with ties broken by the value's canonical JSON. That merge is commutative and
 * idempotent, so the same events give the same facets whatever order they arrive in, and a redelivered event
 * changes nothing.
 */
export interface StoredFacet {
  /** Event time (ISO-8601 UTC) of the event that reported this value. */
  at: string;
  value: unknown;
}

export type StoredFacets = Readonly<Record<string, StoredFacet>>;

/** The facets after an event at `at` reported `given`; null when there are none at all. */
export function mergeFacets(recorded: StoredFacets | null, given: Readonly<Record<string, unknown>> | null | undefined, at: string): StoredFacets | null {
  if (!given || Object.keys(given).length === 0) return recorded;
  const merged: Record<string, StoredFacet> = { ...(recorded ?? {}) };
  for (const [name, value] of Object.entries(given)) {
    if (value === null || value === undefined) continue;
    const candidate: StoredFacet = { at, value };
    const current = Object.hasOwn(merged, name) ? merged[name] : undefined;
    if (current === undefined || newer(candidate, current)) {
      Object.defineProperty(merged, name, { value: candidate, enumerable: true, writable: true, configurable: true });
    }
  }
  return Object.keys(merged).length === 0 ? null : merged;
}

function newer(candidate: StoredFacet, current: StoredFacet): boolean {
  if (candidate.at !== current.at) return candidate.at > current.at;
  return !sameData(candidate.value, current.value) && canonicalJson(candidate.value) > canonicalJson(current.value);
}

/** The facets' values by name, as a client sees them. */
export function facetValues(stored: StoredFacets | null): Record<string, unknown> | null {
  if (!stored) return null;
  const values: Record<string, unknown> = {};
  for (const [name, facet] of Object.entries(stored)) {
    Object.defineProperty(values, name, { value: facet.value, enumerable: true, writable: true, configurable: true });
  }
  return values;
}

/**
 * The JSON string property the facets are stored in. Facet names are sorted, so the text does not depend on the
 * order facets arrived in; each value is written as its event sent it (the value kept is always the one of the
 * same event, whatever the order), with the native JSON writer: this runs for every entity written.
 */
export function toFacetsProperty(stored: StoredFacets | null): string | null {
  if (!stored) return null;
  const names = Object.keys(stored).sort();
  return `{${names.map((name) => `${JSON.stringify(name)}:${JSON.stringify(stored[name])}`).join(',')}}`;
}

export function fromFacetsProperty(value: unknown): StoredFacets | null {
  return fromJsonProperty<StoredFacets>(value);
}

/** For GraphQL types: a stored facets property straight to the values clients see. */
export function facetValuesOf(property: unknown): Record<string, unknown> | null {
  return facetValues(fromFacetsProperty(property));
}
