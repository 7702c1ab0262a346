/**
 * The OpenLineage `columnLineage` dataset facet (ColumnLineageDatasetFacet), read into one shape whatever its
 * version. The facet grew in three steps, and events of every step are still sent:
 *
 * - 1-0-0: `fields.<out>.inputFields[] {namespace, name, field}`; the mapping is a direct dependency.
 * - 1-0-1: adds `fields.<out>.transformationType` (`IDENTITY` or `MASKED`) and `transformationDescription`.
 * - 1-1-0: adds `inputFields[].transformations[] {type, subtype, description, masking}` (the field-level pair is
 *   deprecated but still sent, e.g. by Airflow); 1-2-0 adds `dataset[]`, dependencies of the whole output
 *   (filters, joins, sorts) rather than of one field.
 *
 * Pure and defensive: events are validated at the door (openlineage-facets.validator.ts), but facets recorded
 * before that check existed may hold anything, so entries that are not well formed are skipped, never guessed.
 */

export const TRANSFORMATION_TYPES = ['DIRECT', 'INDIRECT'] as const;
export type TransformationType = (typeof TRANSFORMATION_TYPES)[number];

/** One transformation of an input field into an output field, or into the whole output (dataset scope). */
export interface ColumnTransformation {
  type: TransformationType;
  /** IDENTITY, TRANSFORMATION, AGGREGATION (DIRECT); JOIN, FILTER, GROUP_BY, SORT, WINDOW, CONDITIONAL (INDIRECT); null when not said. */
  subtype: string | null;
  description: string | null;
  masking: boolean;
}

export interface InputFieldRef {
  namespace: string;
  name: string;
  field: string;
}

export interface ColumnDependency {
  input: InputFieldRef;
  /** Never empty: a dependency without any transformation said is a direct one of unknown kind. */
  transformations: ColumnTransformation[];
}

export interface ColumnMapping {
  /** Output field → what it depends on, one entry per input field (repeated entries merged). */
  fields: Map<string, ColumnDependency[]>;
  /** Dependencies of the whole output (the facet's `dataset` list): INDIRECT, on every row and field at once. */
  dataset: ColumnDependency[];
}

/** The facet read into a mapping; null when the value is not a column lineage facet at all. */
export function readColumnLineage(value: unknown): ColumnMapping | null {
  if (!isObject(value)) return null;
  const fields = new Map<string, ColumnDependency[]>();
  if (isObject(value.fields)) {
    for (const [output, entry] of Object.entries(value.fields)) {
      if (output === '' || !isObject(entry) || !Array.isArray(entry.inputFields)) continue;
      const legacy = legacyTransformation(entry.transformationType, entry.transformationDescription);
      fields.set(output, dependencies(entry.inputFields, legacy));
    }
  }
  const dataset = Array.isArray(value.dataset) ? dependencies(value.dataset, null) : [];
  return { fields, dataset };
}

/**
 * Input fields with their transformations: those the entry lists (1-1-0 on); else the field-level type of 1-0-1
 * (`legacy`); else a direct dependency of unknown kind (1-0-0, or an empty list). The same input listed twice is
 * one dependency with the transformations of both.
 */
function dependencies(entries: readonly unknown[], legacy: ColumnTransformation | null): ColumnDependency[] {
  const byInput = new Map<string, ColumnDependency>();
  for (const entry of entries) {
    if (!isObject(entry) || !text(entry.namespace) || !text(entry.name) || !text(entry.field)) continue;
    const input = { namespace: entry.namespace as string, name: entry.name as string, field: entry.field as string };
    const listed = Array.isArray(entry.transformations) ? entry.transformations.flatMap(transformation) : [];
    const transformations = listed.length > 0 ? listed : [legacy ?? UNKNOWN_DIRECT];
    const key = JSON.stringify([input.namespace, input.name, input.field]);
    const seen = byInput.get(key);
    byInput.set(key, { input, transformations: seen ? unique([...seen.transformations, ...transformations]) : unique(transformations) });
  }
  return [...byInput.values()];
}

const UNKNOWN_DIRECT: ColumnTransformation = { type: 'DIRECT', subtype: null, description: null, masking: false };

function transformation(value: unknown): ColumnTransformation[] {
  if (!isObject(value) || typeof value.type !== 'string') return [];
  const type = value.type.trim().toUpperCase();
  if (!(TRANSFORMATION_TYPES as readonly string[]).includes(type)) return [];
  return [
    {
      type: type as TransformationType,
      subtype: text(value.subtype) ? (value.subtype as string).trim().toUpperCase() : null,
      description: text(value.description) ? (value.description as string) : null,
      masking: value.masking === true,
    },
  ];
}

/**
 * 1-0-1's field-level `transformationType`: IDENTITY is a direct copy; MASKED means no original data is left
 * (a hash of PII), a masking transformation; any other text is a direct transformation of that description.
 */
function legacyTransformation(type: unknown, description: unknown): ColumnTransformation | null {
  if (!text(type)) return null;
  const said = text(description) ? (description as string) : null;
  const kind = (type as string).trim().toUpperCase();
  if (kind === 'IDENTITY') return { type: 'DIRECT', subtype: 'IDENTITY', description: said, masking: false };
  return { type: 'DIRECT', subtype: 'TRANSFORMATION', description: said ?? (kind === 'MASKED' ? null : (type as string)), masking: kind === 'MASKED' };
}

function unique(transformations: ColumnTransformation[]): ColumnTransformation[] {
  const seen = new Set<string>();
  return transformations.filter((t) => {
    const key = JSON.stringify([t.type, t.subtype, t.description, t.masking]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): boolean {
  return typeof value === 'string' && value.trim() !== '';
}
