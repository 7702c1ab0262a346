import { ids } from '../ids';
import { fromJsonProperty } from '../json-property';
import type { StoredFacets } from '../facets';
import { readColumnLineage, type ColumnDependency, type ColumnTransformation } from './column-lineage.facet';

/**
 * What the graph holds at column level for one dataset or model version (its owner), derived from the owner as
 * recorded and the reads of the run that wrote it. Pure: the same owner and reads always give the same
 * derivation, and a later event that changes the owner's facets gives a derivation that replaces the earlier
 * one whole (a run's outputs may be reported several times before its final event).
 *
 * - Fields: the owner's schema (the writer's `schemaJson`, else the latest `schema` facet, nested fields as
 *   `parent.child`) and every output field its `columnLineage` facet names, even without a schema.
 * - Edges: each input field of the facet, resolved to the version of its dataset that the writing run READ, to
 *   the output field, with its transformations; the facet's `dataset` list becomes dataset-scope edges to the
 *   owner itself. An input of a dataset the writer did not read (or an owner no run wrote) cannot be placed on a
 *   version, so it is counted as unresolved and left out: a guess would make column lineage version-incorrect.
 */

export type FieldOwnerKind = 'DatasetVersion' | 'ModelVersion';

/** The owner as the derivation needs it: the facets and schema it holds, and when it came into existence. */
export interface FieldOwner {
  kind: FieldOwnerKind;
  id: string;
  createdAt: string;
  schemaJson: string | null;
  facets: StoredFacets | null;
  /** The run that wrote it, if any. */
  producerId: string | null;
}

/** A version the writing run read: the version id and its dataset. */
export interface ReadVersion {
  versionId: string;
  datasetId: string;
}

export interface DeclaredField {
  id: string;
  name: string;
  type: string | null;
  description: string | null;
}

export interface ColumnEdgeWrite {
  sourceId: string;
  sourceVersionId: string;
  sourceField: string;
  /** The output field; null for a dataset-scope dependency (an edge to the owner itself). */
  targetId: string | null;
  transformationsJson: string;
  masking: boolean;
  /** Types, subtypes and MASKING, for filtering walks in Cypher. */
  kinds: string[];
}

export interface FieldDerivation {
  ownerKind: FieldOwnerKind;
  ownerId: string;
  createdAt: string;
  fields: DeclaredField[];
  edges: ColumnEdgeWrite[];
  /** Input fields that name a dataset the writing run did not read. */
  unresolved: number;
}

/** What a derivation depends on, to tell whether a change needs it written again. */
export function derivationInputs(owner: FieldOwner, reads: readonly ReadVersion[] | null): unknown {
  return {
    createdAt: owner.createdAt,
    schemaJson: owner.schemaJson,
    schema: owner.facets?.schema?.value ?? null,
    columnLineage: owner.facets?.columnLineage?.value ?? null,
    producerId: owner.producerId,
    reads: reads ? [...reads].map((read) => `${read.datasetId}|${read.versionId}`).sort() : null,
  };
}

/** Whether the owner's column lineage names any input field, i.e. whether its writer's reads are needed. */
export function needsReads(owner: FieldOwner): boolean {
  const mapping = readColumnLineage(owner.facets?.columnLineage?.value);
  return mapping !== null && (mapping.dataset.length > 0 || [...mapping.fields.values()].some((inputs) => inputs.length > 0));
}

/** The owner's fields and the column edges into them; `reads` are the versions its writer read. */
export function deriveFields(owner: FieldOwner, reads: readonly ReadVersion[]): FieldDerivation {
  const declared = new Map<string, DeclaredField>();
  const declare = (name: string, type: string | null, description: string | null) => {
    const known = declared.get(name);
    declared.set(name, { id: ids.field(owner.id, name), name, type: known?.type ?? type, description: known?.description ?? description });
  };
  for (const field of schemaOf(owner)) declare(field.name, field.type, field.description);

  const mapping = readColumnLineage(owner.facets?.columnLineage?.value);
  const edges: ColumnEdgeWrite[] = [];
  let unresolved = 0;
  const readsOf = new Map<string, string[]>();
  for (const read of reads) readsOf.set(read.datasetId, [...(readsOf.get(read.datasetId) ?? []), read.versionId].sort());
  const link = (dependency: ColumnDependency, targetId: string | null) => {
    const versions = readsOf.get(ids.dataset(dependency.input.namespace, dependency.input.name)) ?? [];
    if (versions.length === 0) unresolved++;
    for (const versionId of versions) {
      edges.push({
        sourceId: ids.field(versionId, dependency.input.field),
        sourceVersionId: versionId,
        sourceField: dependency.input.field,
        targetId,
        ...edgeProperties(dependency.transformations),
      });
    }
  };
  if (mapping) {
    for (const [output, dependencies] of mapping.fields) {
      declare(output, null, null);
      for (const dependency of dependencies) link(dependency, ids.field(owner.id, output));
    }
    for (const dependency of mapping.dataset) link(dependency, null);
  }
  return {
    ownerKind: owner.kind,
    ownerId: owner.id,
    createdAt: owner.createdAt,
    fields: [...declared.values()].sort((a, b) => compare(a.name, b.name)),
    edges: mergeEdges(edges),
    unresolved,
  };
}

/** The edge's stored properties: the transformations as JSON, and what walks filter on. */
export function edgeProperties(transformations: readonly ColumnTransformation[]): Pick<ColumnEdgeWrite, 'transformationsJson' | 'masking' | 'kinds'> {
  const masking = transformations.some((t) => t.masking);
  const kinds = new Set<string>();
  for (const t of transformations) {
    kinds.add(t.type);
    if (t.subtype) kinds.add(t.subtype);
  }
  if (masking) kinds.add('MASKING');
  return { transformationsJson: JSON.stringify(transformations), masking, kinds: [...kinds].sort() };
}

/** One edge per source and target: a source listed under two names of one dataset (two versions read) stays two. */
function mergeEdges(edges: ColumnEdgeWrite[]): ColumnEdgeWrite[] {
  const byKey = new Map<string, ColumnEdgeWrite>();
  for (const edge of edges) {
    const key = `${edge.sourceId}|${edge.targetId ?? ''}`;
    const seen = byKey.get(key);
    if (!seen) byKey.set(key, edge);
    else {
      const transformations = [...JSON.parse(seen.transformationsJson), ...JSON.parse(edge.transformationsJson)] as ColumnTransformation[];
      const distinct = [...new Map(transformations.map((t) => [JSON.stringify(t), t])).values()];
      byKey.set(key, { ...seen, ...edgeProperties(distinct) });
    }
  }
  return [...byKey.values()].sort((a, b) => compare(`${a.sourceId}|${a.targetId ?? ''}`, `${b.sourceId}|${b.targetId ?? ''}`));
}

interface SchemaFieldValue {
  name: string;
  type: string | null;
  description: string | null;
}

/** The writer's schema when it gave one, else the schema facet as last reported (nested fields flattened). */
function schemaOf(owner: FieldOwner): SchemaFieldValue[] {
  const written = fromJsonProperty<SchemaFieldValue[]>(owner.schemaJson);
  if (Array.isArray(written) && written.length > 0) return written.filter((field) => typeof field?.name === 'string' && field.name !== '');
  const facet = owner.facets?.schema?.value as { fields?: unknown } | undefined;
  return flatten(facet?.fields, '');
}

function flatten(fields: unknown, prefix: string): SchemaFieldValue[] {
  if (!Array.isArray(fields)) return [];
  return fields.flatMap((field) => {
    if (typeof field !== 'object' || field === null || typeof field.name !== 'string' || field.name === '') return [];
    const name = prefix === '' ? field.name : `${prefix}.${field.name}`;
    const own = {
      name,
      type: typeof field.type === 'string' ? field.type : null,
      description: typeof field.description === 'string' ? field.description : null,
    };
    return [own, ...flatten(field.fields, name)];
  });
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
