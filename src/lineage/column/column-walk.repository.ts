import type { Tx } from '../../db/database';
import { FIELD, type StoredField } from './column-read.repository';
import type { FieldExpansionRow, FrontierItem } from './column-walk';

/**
 * The statements of column walks. Each level of a walk is one statement over its whole frontier (by element id,
 * valid within the walk's read transaction), so a walk costs one round trip per level and its work follows the
 * answer: typed, directed expands from the frontier only, never a scan. Values come in one map parameter
 * ($walk), so each statement has one cached plan whatever the sizes of the lists.
 *
 * `asOf`: a field exists from its owner's creation (Field.createdAt); an edge exists when both its ends do, so
 * filtering the far end is enough (the near end is in the walk, hence existed). `kinds`: when given, an edge is
 * followed only if one of its transformations is of a kind listed (type, subtype or MASKING).
 */
const FOLLOW = `($walk.kinds IS NULL OR any(kind IN e.kinds WHERE kind IN $walk.kinds))`;

const EXPAND = `WITH datetime($walk.asOf) AS asOf
UNWIND $walk.frontier AS item
MATCH (f:Field) WHERE elementId(f) = item.element
CALL (f, item, asOf) {
  WITH f WHERE item.direction = 'UP'
  MATCH (f)<-[e:FEEDS]-(n:Field) WHERE n.createdAt <= asOf AND ${FOLLOW}
  RETURN e, n, n.id AS upstream, f.id AS downstream, 'FIELD' AS scope
  UNION ALL
  WITH f WHERE item.direction = 'UP'
  MATCH (f)-[:FIELD_OF]->(o)<-[e:AFFECTS]-(n:Field) WHERE n.createdAt <= asOf AND ${FOLLOW}
  RETURN e, n, n.id AS upstream, o.id AS downstream, 'DATASET' AS scope
  UNION ALL
  WITH f WHERE item.direction = 'DOWN'
  MATCH (f)-[e:FEEDS]->(n:Field) WHERE n.createdAt <= asOf AND ${FOLLOW}
  RETURN e, n, f.id AS upstream, n.id AS downstream, 'FIELD' AS scope
  UNION ALL
  WITH f WHERE item.direction = 'DOWN'
  MATCH (f)-[e:AFFECTS]->(o) WHERE o.createdAt <= asOf AND ${FOLLOW}
  MATCH (o)<-[:FIELD_OF]-(n:Field)
  RETURN e, n, f.id AS upstream, o.id AS downstream, 'DATASET' AS scope
}
RETURN item.element AS from, item.direction AS direction, elementId(n) AS toElement, ${FIELD('n')} AS to,
       { upstream: upstream, downstream: downstream, scope: scope, transformationsJson: e.transformationsJson, masking: e.masking } AS edge
LIMIT toInteger($walk.rowLimit)`;

/** Fields by id that existed at the instant, with their element ids (the starts of a walk). */
const STARTS = `WITH datetime($walk.asOf) AS asOf
UNWIND $walk.ids AS id
MATCH (n:Field {id: id}) WHERE n.createdAt <= asOf
RETURN elementId(n) AS element, ${FIELD('n')} AS field`;

/** A named field of a dataset in every version that existed at the instant (index on datasetId, name, createdAt). */
const FIELD_IN_VERSIONS = `WITH datetime($walk.asOf) AS asOf
MATCH (n:Field) WHERE n.datasetId = $walk.datasetId AND n.name = $walk.field AND n.createdAt <= asOf
RETURN elementId(n) AS element, ${FIELD('n')} AS field`;

/**
 * The version of a dataset current at the instant (the newest created by then), with the named field if it has
 * it. Ordering by datasetId too lets the (datasetId, createdAt) index give the order (see the recorder's reads).
 */
const CURRENT_VERSION = `WITH datetime($walk.asOf) AS asOf
MATCH (v:DatasetVersion) WHERE v.datasetId = $walk.datasetId AND v.createdAt <= asOf
WITH v ORDER BY v.datasetId DESC, v.createdAt DESC, v.id DESC LIMIT 1
RETURN v { .id, .version } AS version,
       [(v)<-[:FIELD_OF]-(n:Field) WHERE n.name = $walk.field | { element: elementId(n), field: ${FIELD('n')} }][0] AS start`;

/** The version of a model current at the instant (the newest created by then), with the named feature if it has it. */
const CURRENT_MODEL_VERSION = `WITH datetime($walk.asOf) AS asOf
MATCH (:Model {id: $walk.modelId})<-[:VERSION_OF]-(v:ModelVersion) WHERE v.createdAt <= asOf
WITH v ORDER BY v.createdAt DESC, v.id DESC LIMIT 1
RETURN v { .id, .version } AS version,
       [(v)<-[:FIELD_OF]-(n:Field) WHERE n.name = $walk.field | { element: elementId(n), field: ${FIELD('n')} }][0] AS start`;

/** For each model version, the deployments serving it that were live at the instant. */
const LIVE_DEPLOYMENTS = `WITH datetime($walk.asOf) AS asOf
UNWIND $walk.modelVersionIds AS id
MATCH (d:Deployment)-[:SERVES]->(:ModelVersion {id: id})
WHERE d.deployedAt <= asOf AND (d.retiredAt IS NULL OR d.retiredAt > asOf)
RETURN id AS modelVersionId, d.id AS deploymentId
ORDER BY d.id`;

export interface WalkStart {
  element: string;
  field: StoredField;
}

export class ColumnWalkRepository {
  /** Runs each walk statement on nothing, so that Neo4j plans and caches it before the first question. */
  async prepare(tx: Tx): Promise<void> {
    const asOf = new Date().toISOString();
    await tx.rows(EXPAND, { walk: { frontier: [], rowLimit: 1, asOf, kinds: null } });
    await tx.rows(STARTS, { walk: { ids: [], asOf } });
    await tx.rows(FIELD_IN_VERSIONS, { walk: { datasetId: '', field: '', asOf } });
    await tx.rows(CURRENT_VERSION, { walk: { datasetId: '', field: '', asOf } });
    await tx.rows(CURRENT_MODEL_VERSION, { walk: { modelId: '', field: '', asOf } });
    await tx.rows(LIVE_DEPLOYMENTS, { walk: { modelVersionIds: [], asOf } });
  }

  expand(tx: Tx, frontier: readonly FrontierItem[], rowLimit: number, asOf: string, kinds: readonly string[] | null): Promise<FieldExpansionRow[]> {
    return tx.rows<FieldExpansionRow>(EXPAND, { walk: { frontier, rowLimit, asOf, kinds } });
  }

  startsByIds(tx: Tx, ids: readonly string[], asOf: string): Promise<WalkStart[]> {
    return tx.rows<WalkStart>(STARTS, { walk: { ids, asOf } });
  }

  fieldInVersions(tx: Tx, datasetId: string, field: string, asOf: string): Promise<WalkStart[]> {
    return tx.rows<WalkStart>(FIELD_IN_VERSIONS, { walk: { datasetId, field, asOf } });
  }

  /** The dataset's (or, with `modelId`, the model's) version current at the instant, with the named field. */
  async currentVersion(
    tx: Tx,
    owner: { datasetId: string } | { modelId: string },
    field: string,
    asOf: string,
  ): Promise<{ version: { id: string; version: string }; start: WalkStart | null } | null> {
    const statement = 'modelId' in owner ? CURRENT_MODEL_VERSION : CURRENT_VERSION;
    const [row] = await tx.rows<{ version: { id: string; version: string }; start: WalkStart | null }>(statement, { walk: { ...owner, field, asOf } });
    return row ?? null;
  }

  liveDeployments(tx: Tx, modelVersionIds: readonly string[], asOf: string): Promise<Array<{ modelVersionId: string; deploymentId: string }>> {
    return tx.rows(LIVE_DEPLOYMENTS, { walk: { modelVersionIds, asOf } });
  }
}

/** The statements, for the benchmark's bare-driver baseline and for PROFILE. */
export const COLUMN_WALK_CYPHER = { EXPAND, STARTS, FIELD_IN_VERSIONS, CURRENT_VERSION, CURRENT_MODEL_VERSION, LIVE_DEPLOYMENTS };
