import { layeredLayout } from './layout';

/**
 * Column lineage in the explorer: the GraphQL it asks, and the pure shaping of an answer into what the column
 * view draws: each dataset or model version a box (an owner) holding its fields, owners laid out left to right
 * by data flow, fields stacked inside their box, edges labelled by their transformations.
 */

export interface ColumnField {
  id: string;
  name: string;
  type: string | null;
  label: string;
  ownerId: string;
  ownerKind: 'DATASET_VERSION' | 'MODEL_VERSION';
  namespace: string | null;
  datasetName: string | null;
  modelName: string | null;
  version: string;
  depth: number | null;
  masked: boolean | null;
}

export interface ColumnTransformation {
  type: string;
  subtype: string | null;
  masking: boolean;
}

export interface ColumnEdge {
  id: string;
  scope: 'FIELD' | 'DATASET';
  upstream: string;
  downstream: string;
  transformations: ColumnTransformation[];
  masking: boolean;
}

export interface ColumnLineage {
  start: ColumnField;
  asOf: string;
  truncated: boolean;
  truncatedReason: string | null;
  fields: ColumnField[];
  edges: ColumnEdge[];
}

const FIELD = `id name type label ownerId ownerKind namespace datasetName modelName version depth masked`;

export const COLUMN_LINEAGE = `query Columns($from: ID!, $asOf: DateTimeISO) {
  columnLineage(from: $from, direction: BOTH, depth: 10, asOf: $asOf, maxNodes: 300) {
    start { ${FIELD} } asOf truncated truncatedReason fields { ${FIELD} }
    edges { id scope upstream downstream masking transformations { type subtype masking } }
  }
}`;

/** What the details panel asks of a dataset or model version's fields (spliced into NODE_DETAILS). */
export const FIELDS_SELECTION = `fields(first: 100) { totalCount nodes { id name type declared } }`;

export interface VersionFields {
  totalCount: number;
  nodes: Array<{ id: string; name: string; type: string | null; declared: boolean }>;
}

/** The text on an edge: its subtypes (or types), `masked` when one of them masks. */
export function transformationLabel(edge: Pick<ColumnEdge, 'transformations' | 'masking' | 'scope'>): string {
  const kinds = [...new Set(edge.transformations.map((t) => t.subtype ?? t.type))].map((k) => k.toLowerCase().replace(/_/g, ' '));
  const text = kinds.join(', ') || 'direct';
  return `${edge.scope === 'DATASET' ? 'whole dataset: ' : ''}${text}${edge.masking ? ' (masked)' : ''}`;
}

export interface Owner {
  id: string;
  kind: ColumnField['ownerKind'];
  label: string;
  fields: ColumnField[];
}

export interface ColumnLayout {
  owners: Owner[];
  /** Top-left corner of each owner's box and the centre of each field, by id. */
  positions: Map<string, { x: number; y: number }>;
  column: Map<string, number>;
}

export const FIELD_GAP = 34;
const OWNER_GAP = 56;
const COLUMN_GAP = 300;

export function ownerLabel(field: ColumnField): string {
  return field.ownerKind === 'MODEL_VERSION' ? `${field.modelName}@${field.version}` : `${field.datasetName}@${field.version}`;
}

/** Owners in columns by data flow (the start's owner at x = 0), fields stacked inside, by name. */
export function columnLayout(answer: Pick<ColumnLineage, 'start' | 'fields' | 'edges'>): ColumnLayout {
  const owners = new Map<string, Owner>();
  for (const field of answer.fields) {
    const owner = owners.get(field.ownerId) ?? { id: field.ownerId, kind: field.ownerKind, label: ownerLabel(field), fields: [] };
    owner.fields.push(field);
    owners.set(field.ownerId, owner);
  }
  for (const owner of owners.values()) owner.fields.sort((a, b) => a.name.localeCompare(b.name));
  const ownerOf = new Map(answer.fields.map((f) => [f.id, f.ownerId]));
  const flows = answer.edges.flatMap((edge) => {
    const from = ownerOf.get(edge.upstream);
    const to = edge.scope === 'DATASET' ? edge.downstream : ownerOf.get(edge.downstream);
    return from && to && from !== to ? [{ upstream: from, downstream: to }] : [];
  });
  const byLabel = (a: string, b: string) => owners.get(a)!.label.localeCompare(owners.get(b)!.label);
  const layered = layeredLayout([...owners.keys()], flows, answer.start.ownerId, byLabel);
  const columns = new Map<number, Owner[]>();
  for (const owner of owners.values()) {
    const c = layered.column.get(owner.id) ?? 0;
    columns.set(c, [...(columns.get(c) ?? []), owner]);
  }
  const positions = new Map<string, { x: number; y: number }>();
  for (const [c, inColumn] of columns) {
    inColumn.sort((a, b) => layered.positions.get(a.id)!.y - layered.positions.get(b.id)!.y);
    const height = inColumn.reduce((sum, owner) => sum + owner.fields.length * FIELD_GAP + OWNER_GAP, -OWNER_GAP);
    let top = -height / 2;
    for (const owner of inColumn) {
      positions.set(owner.id, { x: c * COLUMN_GAP, y: top });
      owner.fields.forEach((field, i) => positions.set(field.id, { x: c * COLUMN_GAP, y: top + i * FIELD_GAP + FIELD_GAP / 2 }));
      top += owner.fields.length * FIELD_GAP + OWNER_GAP;
    }
  }
  const ordered = [...owners.values()].sort((a, b) => layered.column.get(a.id)! - layered.column.get(b.id)! || positions.get(a.id)!.y - positions.get(b.id)!.y);
  return { owners: ordered, positions, column: layered.column };
}
