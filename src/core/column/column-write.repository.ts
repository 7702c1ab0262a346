import type { Tx } from '../../db/database';
import type { ColumnWrite } from './column-writes';
import type { ColumnEdgeWrite, FieldOwnerKind } from './field-derivation';

/**
 * Writes column-level derivations (field-derivation.ts), a few statements per batch. The graph model:
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
 *
 * Why several small statements rather than one: each is planned in milliseconds, and its plan is the same on an
 * empty store and a full one (bench/README.md, "Column lineage"), so no plan has to be made ahead or kept against
 * Neo4j's replanning. Every node is found by id through a unique constraint (labels and kinds from the closed
 * union FieldOwnerKind), and every other node is reached by a typed relationship from one found so, with no label
 * on the far end: the planner has nothing else to start from, whatever the statistics say.
 */

type EdgeTarget = 'Field' | FieldOwnerKind;

/** Deletes the edges into each owner (FEEDS into its fields, AFFECTS into it); their sources may be left unused. */
const CLEAR = (kind: FieldOwnerKind) => `UNWIND $columns.ownerIds AS ownerId
MATCH (owner:${kind} {id: ownerId})
CALL (owner) {
  MATCH (owner)<-[:FIELD_OF]-()<-[e:FEEDS]-(s)
  DELETE e
  RETURN s
  UNION
  MATCH (owner)<-[e:AFFECTS]-(s)
  DELETE e
  RETURN s
}
RETURN collect(DISTINCT s.id) AS candidates`;

/**
 * The fields each owner names now; then every field of the owner exists from the owner's creation and carries
 * its key, and those it no longer names stay, undeclared, only while an edge needs them (PRUNE).
 */
const FIELDS = (kind: FieldOwnerKind) => `UNWIND $columns.owners AS row
MATCH (owner:${kind} {id: row.ownerId})
CALL (owner, row) {
  UNWIND row.fields AS field
  MERGE (f:Field {id: field.id})
    ON CREATE SET f.name = field.name, f.recordedAt = datetime()
  SET f.type = field.type, f.description = field.description
  MERGE (f)-[:FIELD_OF]->(owner)
}
MATCH (owner)<-[:FIELD_OF]-(f)
SET f.declared = f.id IN row.fieldIds, f.ownerId = owner.id, f.ownerKind = '${kind}', f.createdAt = owner.createdAt,
    f.version = owner.version, f.namespace = owner.namespace, f.datasetName = ${kind === 'DatasetVersion' ? 'owner.name' : 'null'},
    f.datasetId = owner.datasetId, f.modelName = owner.modelName, f.modelId = owner.modelId
WITH f WHERE NOT f.declared
RETURN collect(f.id) AS candidates`;

/**
 * Edges from input fields, on the version the writer read (created undeclared if that version never named
 * them), into output fields (FEEDS) or into whole owners (AFFECTS, the facet's dataset-wide dependencies).
 */
const EDGES = (target: EdgeTarget) => `UNWIND $columns.edges AS edge
MATCH (sv:DatasetVersion {id: edge.sourceVersionId})
MATCH (t:${target} {id: edge.targetId})
MERGE (s:Field {id: edge.sourceId})
  ON CREATE SET s.name = edge.sourceField, s.declared = false, s.ownerId = sv.id, s.ownerKind = 'DatasetVersion', s.namespace = sv.namespace,
                s.datasetName = sv.name, s.version = sv.version, s.datasetId = sv.datasetId, s.createdAt = sv.createdAt, s.recordedAt = datetime()
MERGE (s)-[:FIELD_OF]->(sv)
CREATE (s)-[e:${target === 'Field' ? 'FEEDS' : 'AFFECTS'}]->(t)
SET e += edge.properties`;

/** Fields nobody names and no edge needs any more go, once every owner is written. */
const PRUNE = `UNWIND $columns.ids AS id
MATCH (f:Field {id: id})
WITH f WHERE NOT f.declared AND NOT EXISTS { (f)-[:FEEDS|AFFECTS]-() }
DETACH DELETE f`;

const OWNER_KINDS: readonly FieldOwnerKind[] = ['DatasetVersion', 'ModelVersion'];
const EDGE_TARGETS: readonly EdgeTarget[] = ['Field', ...OWNER_KINDS];

/** An edge as the statements take it: what the walks read travels as the relationship's properties. */
function edgeRow(target: string, { transformationsJson, masking, kinds, sourceId, sourceVersionId, sourceField }: ColumnEdgeWrite) {
  return { sourceId, sourceVersionId, sourceField, targetId: target, properties: { transformationsJson, masking, kinds } };
}

export class ColumnWriteRepository {
  /** Replaces the derivations of their owners: the old edges go, the fields and edges of now are written. */
  async write(tx: Tx, derivations: readonly ColumnWrite[]): Promise<void> {
    if (derivations.length === 0) return;
    const candidates = new Set<string>();
    const collect = (rows: Array<{ candidates: string[] }>) => rows.forEach((row) => row.candidates.forEach((id) => candidates.add(id)));
    const edges = new Map<EdgeTarget, ReturnType<typeof edgeRow>[]>(EDGE_TARGETS.map((target) => [target, []]));
    for (const kind of OWNER_KINDS) {
      const owners = derivations.filter((d) => d.ownerKind === kind);
      if (owners.length === 0) continue;
      // An owner created by this batch has no fields and no edges yet: nothing to clear (one round trip less).
      const replaced = owners.filter((d) => !d.created);
      if (replaced.length > 0) collect(await tx.rows(CLEAR(kind), { columns: { ownerIds: replaced.map((d) => d.ownerId) } }));
      const rows = owners.map((d) => ({ ownerId: d.ownerId, fields: d.fields, fieldIds: d.fields.map((field) => field.id) }));
      collect(await tx.rows(FIELDS(kind), { columns: { owners: rows } }));
      for (const d of owners) {
        for (const edge of d.edges) {
          if (edge.targetId === null) edges.get(kind)!.push(edgeRow(d.ownerId, edge));
          else edges.get('Field')!.push(edgeRow(edge.targetId, edge));
        }
      }
    }
    for (const [target, rows] of edges) if (rows.length > 0) await tx.rows(EDGES(target), { columns: { edges: rows } });
    if (candidates.size > 0) await tx.rows(PRUNE, { columns: { ids: [...candidates] } });
  }
}

/** The statements, for PROFILE and the benchmark's plan check. */
export const COLUMN_WRITE_CYPHER = {
  ...Object.fromEntries(
    OWNER_KINDS.flatMap((kind) => [
      [`CLEAR_${kind}`, CLEAR(kind)],
      [`FIELDS_${kind}`, FIELDS(kind)],
    ]),
  ),
  ...Object.fromEntries(EDGE_TARGETS.map((target) => [`EDGES_${target}`, EDGES(target)])),
  PRUNE,
} as Readonly<Record<string, string>>;
