import type { Tx } from '../../db/database';
import { encodeCursor, keysetPagesByParent, type Page, type RelatedPageKey } from '../../core/page';
import type { ColumnTransformation } from '../../core/column/column-lineage.facet';
import type { FieldOwnerKind } from '../../core/column/field-derivation';

/** A field as stored; instants as epoch milliseconds (cheap to decode in bulk, see traversal.repository.ts). */
export interface StoredField {
  id: string;
  name: string;
  type: string | null;
  description: string | null;
  declared: boolean | null;
  ownerId: string;
  ownerKind: FieldOwnerKind;
  namespace: string | null;
  datasetName: string | null;
  modelName: string | null;
  version: string;
  createdAt: number;
}

/** An edge as stored, with the ids of its ends; `downstream` is the owner version for dataset scope. */
export interface StoredColumnEdge {
  upstream: string;
  downstream: string;
  scope: 'FIELD' | 'DATASET';
  transformationsJson: string;
  masking: boolean;
}

export const FIELD = (n: string) =>
  `${n} { .id, .name, .type, .description, .declared, .ownerId, .ownerKind, .namespace, .datasetName, .modelName, .version, createdAt: ${n}.createdAt.epochMillis }`;

/** The properties of FIELD in its order: FIELD_ROW and fieldOfRow. */
const FIELD_PROPERTIES = ['id', 'name', 'type', 'description', 'declared', 'ownerId', 'ownerKind', 'namespace', 'datasetName', 'modelName', 'version'] as const;

/**
 * FIELD as a list, for statements that return hundreds of fields at once (a column walk): the driver decodes a
 * map's keys with every map, and as lists the ~500 fields of a depth-10 walk's answer decoded in about half the time.
 */
export const FIELD_ROW = (n: string) => `[${FIELD_PROPERTIES.map((property) => `${n}.${property}`).join(', ')}, ${n}.createdAt.epochMillis]`;

export type StoredFieldRow = unknown[];

/** The field a FIELD_ROW list describes. */
export function fieldOfRow(row: StoredFieldRow): StoredField {
  const field = Object.fromEntries(FIELD_PROPERTIES.map((property, index) => [property, row[index] ?? null])) as unknown as StoredField;
  field.createdAt = row[FIELD_PROPERTIES.length] as number;
  return field;
}

export type EdgeDirection = 'UP' | 'DOWN';

/**
 * One hop of column lineage around a field `p`, as a union of typed, directed expands: upstream the FEEDS edges
 * into it and the AFFECTS edges into its owner; downstream the FEEDS edges out of it and its AFFECTS edges.
 * Binds `e` (the relationship), `other` (the field or owner at the far end) and the ends' ids.
 */
const HOP: Readonly<Record<EdgeDirection, string>> = {
  UP: `MATCH (p)<-[e:FEEDS]-(other) RETURN e, other, other.id AS upstream, p.id AS downstream, 'FIELD' AS scope
       UNION ALL
       MATCH (p)-[:FIELD_OF]->(o)<-[e:AFFECTS]-(other) RETURN e, other, other.id AS upstream, o.id AS downstream, 'DATASET' AS scope`,
  DOWN: `MATCH (p)-[e:FEEDS]->(other) RETURN e, other, p.id AS upstream, other.id AS downstream, 'FIELD' AS scope
         UNION ALL
         MATCH (p)-[e:AFFECTS]->(other) RETURN e, other, p.id AS upstream, other.id AS downstream, 'DATASET' AS scope`,
};

export class ColumnReadRepository {
  /** Fields by global id. */
  async findByIds(tx: Tx, ids: readonly string[]): Promise<Map<string, StoredField>> {
    const rows = await tx.rows<{ field: StoredField }>(`UNWIND $ids AS id MATCH (n:Field {id: id}) RETURN ${FIELD('n')} AS field`, { ids });
    return new Map(rows.map((row) => [row.field.id, row.field]));
  }

  /** The fields of one owner, by name, at most `limit`. */
  fieldsOf(tx: Tx, ownerId: string, limit: number): Promise<StoredField[]> {
    return tx
      .rows<{ field: StoredField }>(
        // The owner by id under either label that has fields, then its fields.
        `CALL () { MATCH (o:DatasetVersion {id: $ownerId}) RETURN o UNION MATCH (o:ModelVersion {id: $ownerId}) RETURN o }
         MATCH (o)<-[:FIELD_OF]-(n)
         WITH n ORDER BY n.name, n.id LIMIT toInteger($limit)
         RETURN ${FIELD('n')} AS field`,
        { ownerId, limit },
      )
      .then((rows) => rows.map((row) => row.field));
  }

  /** The fields of each dataset or model version, by name. */
  fieldPages(tx: Tx, ownerKind: FieldOwnerKind, keys: readonly RelatedPageKey[]): Promise<Page<StoredField>[]> {
    return keysetPagesByParent<StoredField>(
      tx,
      {
        parentLabel: ownerKind,
        match: 'MATCH (n)-[:FIELD_OF]->(p) WHERE true',
        projection: FIELD('n'),
        sortKeys: [{ expression: 'n.name' }, { expression: 'n.id' }],
      },
      keys,
    );
  }

  /**
   * One page of the edges into (UP) or out of (DOWN) each field, ordered by the far end's id and the scope; one
   * statement per page size (LIMIT takes a parameter, not a row's value), in key order.
   */
  async edgePages(tx: Tx, direction: EdgeDirection, keys: readonly RelatedPageKey[]): Promise<Page<StoredColumnEdge>[]> {
    const pages: Page<StoredColumnEdge>[] = new Array(keys.length);
    const bySize = new Map<number, number[]>();
    keys.forEach((key, index) => bySize.set(key.request.first, [...(bySize.get(key.request.first) ?? []), index]));
    for (const [first, indexes] of bySize) {
      const rows = await tx.rows<{ index: number; total: number; items: Array<{ edge: StoredColumnEdge; keys: [string, string] }> }>(
        `UNWIND $keys AS key
         MATCH (p:Field {id: key.parentId})
         CALL (p) { CALL (p) { ${HOP[direction]} } RETURN count(*) AS total }
         CALL (p, key) {
           CALL (p) { ${HOP[direction]} }
           WITH e, other, upstream, downstream, scope
           WHERE key.after IS NULL OR other.id > key.after[0] OR (other.id = key.after[0] AND scope > key.after[1])
           WITH e, other, upstream, downstream, scope ORDER BY other.id, scope LIMIT toInteger($pageLimit)
           RETURN collect({ edge: { upstream: upstream, downstream: downstream, scope: scope, transformationsJson: e.transformationsJson, masking: e.masking },
                            keys: [other.id, scope] }) AS items
         }
         RETURN key.index AS index, total, items`,
        { keys: indexes.map((index) => ({ index, parentId: keys[index]!.parentId, after: keys[index]!.request.after })), pageLimit: first + 1 },
      );
      const byIndex = new Map(rows.map((row) => [row.index, row]));
      for (const index of indexes) {
        const row = byIndex.get(index);
        const items = row?.items ?? [];
        pages[index] = {
          totalCount: row?.total ?? 0,
          hasNextPage: items.length > first,
          items: items.slice(0, first).map(({ edge, keys }) => ({ node: edge, cursor: encodeCursor(keys) })),
        };
      }
    }
    return pages;
  }
}

export function transformationsOf(edge: { transformationsJson: string }): ColumnTransformation[] {
  return JSON.parse(edge.transformationsJson) as ColumnTransformation[];
}
