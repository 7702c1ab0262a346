import type { Tx } from '../../db/database';
import type { ColumnEdgeWrite, FieldDerivation } from './field-derivation';

/**
 * Writes column-level derivations (field-derivation.ts) in one statement per batch. The graph model:
 *
 *   (:Field {id, name, type, description, declared, ownerId, ownerKind, namespace, datasetName | modelName,
 *            version, datasetId | modelId, createdAt})-[:FIELD_OF]->(:DatasetVersion | :ModelVersion)
 *   (:Field)-[:FEEDS {transformationsJson, masking, kinds}]->(:Field)              an input field into an output field
 *   (:Field)-[:AFFECTS {transformationsJson, masking, kinds}]->(:DatasetVersion | :ModelVersion)
 *                                                                                  an input field into a whole output
 *
 * The edges into an owner (FEEDS into its fields, AFFECTS into it) come from the owner's own facet, so writing a
 * derivation replaces them whole. A field is `declared` when its owner names it (schema or column lineage); a
 * field known only as the input of another owner's facet is kept while some edge needs it, and removed with the
 * last one. A field exists from its owner's creation (`createdAt` follows the owner's), which is what `asOf`
 * compares against.
 */
/**
 * Replaces the derivations of the owners in $columns.owners. The plan is index seeks and typed expands whatever the
 * counts: kept when the statistics change (replanning takes seconds on a busy machine, inside a transaction with a
 * timeout). Few subqueries, none nested: the planning time of a statement grows quickly with them.
 */
const WRITE_FIELDS = `CYPHER replan=skip
       UNWIND $columns.owners AS row
       CALL (row) {
         // The owner, of one of the two labels that have fields.
         OPTIONAL MATCH (dv:DatasetVersion {id: row.ownerId}) WHERE row.ownerKind = 'DatasetVersion'
         OPTIONAL MATCH (mv:ModelVersion {id: row.ownerId}) WHERE row.ownerKind = 'ModelVersion'
         WITH row, coalesce(dv, mv) AS owner WHERE owner IS NOT NULL
         // The edges the owner's facet made before: replaced below. Their sources may be left without a use.
         CALL (owner) {
           OPTIONAL MATCH (owner)<-[:FIELD_OF]-(:Field)<-[e:FEEDS]-(s:Field)
           DELETE e
           RETURN collect(DISTINCT s) AS fed
         }
         CALL (owner) {
           OPTIONAL MATCH (owner)<-[e:AFFECTS]-(s:Field)
           DELETE e
           RETURN collect(DISTINCT s) AS affecting
         }
         // Fields the owner names now.
         CALL (owner, row) {
           UNWIND row.fields AS field
           MERGE (f:Field {id: field.id})
             ON CREATE SET f.name = field.name, f.recordedAt = datetime()
           SET f.type = field.type, f.description = field.description
           MERGE (f)-[:FIELD_OF]->(owner)
         }
         // Every field of the owner exists from the owner's creation and carries its key; those it no longer
         // names stay, undeclared, only while an edge needs them.
         CALL (owner, row) {
           MATCH (owner)<-[:FIELD_OF]-(f:Field)
           SET f.declared = f.id IN row.fieldIds, f.ownerId = owner.id, f.ownerKind = row.ownerKind, f.createdAt = owner.createdAt,
               f.version = owner.version, f.namespace = owner.namespace, f.datasetName = CASE WHEN row.ownerKind = 'DatasetVersion' THEN owner.name END,
               f.datasetId = owner.datasetId, f.modelName = owner.modelName, f.modelId = owner.modelId
         }
         // Input fields on the version the writer read (created undeclared if that version never named them).
         CALL (owner, row) {
           UNWIND row.fieldEdges AS edge
           MATCH (sv:DatasetVersion {id: edge.sourceVersionId})
           MATCH (t:Field {id: edge.targetId})
           MERGE (s:Field {id: edge.sourceId})
             ON CREATE SET s.name = edge.sourceField, s.declared = false, s.ownerId = sv.id, s.ownerKind = 'DatasetVersion', s.namespace = sv.namespace,
                           s.datasetName = sv.name, s.version = sv.version, s.datasetId = sv.datasetId, s.createdAt = sv.createdAt, s.recordedAt = datetime()
           MERGE (s)-[:FIELD_OF]->(sv)
           CREATE (s)-[e:FEEDS]->(t)
           SET e += edge.properties
         }
         CALL (owner, row) {
           UNWIND row.datasetEdges AS edge
           MATCH (sv:DatasetVersion {id: edge.sourceVersionId})
           MERGE (s:Field {id: edge.sourceId})
             ON CREATE SET s.name = edge.sourceField, s.declared = false, s.ownerId = sv.id, s.ownerKind = 'DatasetVersion', s.namespace = sv.namespace,
                           s.datasetName = sv.name, s.version = sv.version, s.datasetId = sv.datasetId, s.createdAt = sv.createdAt, s.recordedAt = datetime()
           MERGE (s)-[:FIELD_OF]->(sv)
           CREATE (s)-[e:AFFECTS]->(owner)
           SET e += edge.properties
         }
         RETURN fed + affecting + COLLECT { MATCH (owner)<-[:FIELD_OF]-(f:Field) WHERE NOT f.declared RETURN f } AS candidates
       }
       // Fields nobody names and no edge needs any more go, once every owner is written.
       WITH collect(candidates) AS lists
       UNWIND lists AS candidates
       UNWIND candidates AS f
       WITH DISTINCT f
       WHERE NOT f.declared AND NOT EXISTS { (f)-[:FEEDS|AFFECTS]-() }
       DETACH DELETE f`;

/** An edge as the statement takes it: what the walks read travels as the relationship's properties. */
function edgeRow({ transformationsJson, masking, kinds, ...edge }: ColumnEdgeWrite) {
  return { ...edge, properties: { transformationsJson, masking, kinds } };
}

export class ColumnWriteRepository {
  /** Runs the statement on nothing, so that Neo4j plans and caches it before the first write needs it. */
  async prepare(tx: Tx): Promise<void> {
    await tx.rows(WRITE_FIELDS, { columns: { owners: [] } });
  }

  async write(tx: Tx, derivations: readonly FieldDerivation[]): Promise<void> {
    if (derivations.length === 0) return;
    const owners = derivations.map((d) => ({
      ownerId: d.ownerId,
      ownerKind: d.ownerKind,
      fields: d.fields,
      fieldIds: d.fields.map((field) => field.id),
      fieldEdges: d.edges.filter((edge) => edge.targetId !== null).map(edgeRow),
      datasetEdges: d.edges.filter((edge) => edge.targetId === null).map(edgeRow),
    }));
    await tx.rows(WRITE_FIELDS, { columns: { owners } });
  }
}
