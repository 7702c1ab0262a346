import type { Tx } from '../../db/database';
import { FIELD, type StoredField } from './column-read.repository';
import type { FieldExpansionRow, FrontierItem, WalkDirection } from './column-walk';

/**
 * The statements of column walks. Each level of a walk is one statement per direction over its whole frontier (by
 * element id, valid within the walk's read transaction), so a walk costs one round trip per level (two while a
 * BOTH walk has fields to expand each way) and its work follows the
 * answer: typed, directed expands from the frontier only, never a scan. Values come in one map parameter
 * ($walk), so each statement has one cached plan whatever the sizes of the lists.
 *
 * Every plan is the same on an empty store and a full one, so none is made ahead or kept against Neo4j's
 * replanning (bench/README.md, "Column lineage"): a walk starts from element ids or a unique or composite index
 * (named by a hint where the planner could otherwise scan), and every other node is reached by a typed
 * relationship with no label on its far end, so the planner has nothing else to start from. A label and a
 * range index on the far end let a planner on an empty store seek every node created before the instant and
 * test each for the relationship (perf's finding on the table-level walk, issue 12).
 *
 * `asOf`: a field exists from its owner's creation (Field.createdAt); an edge exists when both its ends do, so
 * filtering the far end is enough (the near end is in the walk, hence existed). `kinds`: when given, an edge is
 * followed only if one of its transformations is of a kind listed (type, subtype or MASKING).
 */
const WALK_DIRECTIONS: readonly WalkDirection[] = ['UP', 'DOWN'];

const FOLLOW = `($walk.kinds IS NULL OR any(kind IN e.kinds WHERE kind IN $walk.kinds))`;

/**
 * One level in one direction: the edges of each frontier field and the fields at their far ends. Upstream, the
 * FEEDS edges into the field and the AFFECTS edges into its owner; downstream, the FEEDS edges out of it and, for
 * its AFFECTS edges, every field of the owner affected. One statement per direction keeps each small.
 */
const EXPAND: Readonly<Record<WalkDirection, string>> = {
  UP: expandStatement(
    'UP',
    `MATCH (f)<-[e:FEEDS]-(n) WHERE n.createdAt <= asOf AND ${FOLLOW}
  RETURN e, n, n.id AS upstream, f.id AS downstream, 'FIELD' AS scope
  UNION ALL
  MATCH (f)-[:FIELD_OF]->(o)<-[e:AFFECTS]-(n) WHERE n.createdAt <= asOf AND ${FOLLOW}
  RETURN e, n, n.id AS upstream, o.id AS downstream, 'DATASET' AS scope`,
  ),
  DOWN: expandStatement(
    'DOWN',
    `MATCH (f)-[e:FEEDS]->(n) WHERE n.createdAt <= asOf AND ${FOLLOW}
  RETURN e, n, f.id AS upstream, n.id AS downstream, 'FIELD' AS scope
  UNION ALL
  MATCH (f)-[e:AFFECTS]->(o) WHERE o.createdAt <= asOf AND ${FOLLOW}
  MATCH (o)<-[:FIELD_OF]-(n)
  RETURN e, n, f.id AS upstream, o.id AS downstream, 'DATASET' AS scope`,
  ),
};

function expandStatement(direction: WalkDirection, hops: string): string {
  return `WITH datetime($walk.asOf) AS asOf
UNWIND $walk.frontier AS element
MATCH (f) WHERE elementId(f) = element
CALL (f, asOf) {
  ${hops}
}
RETURN element AS from, '${direction}' AS direction, elementId(n) AS toElement, ${FIELD('n')} AS to,
       { upstream: upstream, downstream: downstream, scope: scope, transformationsJson: e.transformationsJson, masking: e.masking } AS edge
LIMIT toInteger($walk.rowLimit)`;
}

/** Fields by id that existed at the instant, with their element ids (the starts of a walk). */
const STARTS = `WITH datetime($walk.asOf) AS asOf
UNWIND $walk.ids AS id
MATCH (n:Field {id: id}) WHERE n.createdAt <= asOf
RETURN elementId(n) AS element, ${FIELD('n')} AS field`;

/** A named field of a dataset in every version that existed at the instant (index on datasetId, name, createdAt). */
const FIELD_IN_VERSIONS = `WITH datetime($walk.asOf) AS asOf
MATCH (n:Field) USING INDEX n:Field(datasetId, name, createdAt)
WHERE n.datasetId = $walk.datasetId AND n.name = $walk.field AND n.createdAt <= asOf
RETURN elementId(n) AS element, ${FIELD('n')} AS field`;

/**
 * The version of a dataset current at the instant (the newest created by then), with the named field if it has
 * it. Ordering by datasetId too lets the (datasetId, createdAt) index give the order (see the recorder's reads).
 */
const CURRENT_VERSION = `WITH datetime($walk.asOf) AS asOf
MATCH (v:DatasetVersion) USING INDEX v:DatasetVersion(datasetId, createdAt)
WHERE v.datasetId = $walk.datasetId AND v.createdAt <= asOf
WITH v ORDER BY v.datasetId DESC, v.createdAt DESC, v.id DESC LIMIT 1
RETURN v { .id, .version } AS version,
       [(v)<-[:FIELD_OF]-(n) WHERE n.name = $walk.field | { element: elementId(n), field: ${FIELD('n')} }][0] AS start`;

/** The version of a model current at the instant (the newest created by then), with the named feature if it has it. */
const CURRENT_MODEL_VERSION = `WITH datetime($walk.asOf) AS asOf
MATCH (:Model {id: $walk.modelId})<-[:VERSION_OF]-(v) WHERE v.createdAt <= asOf
WITH v ORDER BY v.createdAt DESC, v.id DESC LIMIT 1
RETURN v { .id, .version } AS version,
       [(v)<-[:FIELD_OF]-(n) WHERE n.name = $walk.field | { element: elementId(n), field: ${FIELD('n')} }][0] AS start`;

/** For each model version, the deployments serving it that were live at the instant. */
const LIVE_DEPLOYMENTS = `WITH datetime($walk.asOf) AS asOf
UNWIND $walk.modelVersionIds AS id
MATCH (:ModelVersion {id: id})<-[:SERVES]-(d)
WHERE d.deployedAt <= asOf AND (d.retiredAt IS NULL OR d.retiredAt > asOf)
RETURN id AS modelVersionId, d.id AS deploymentId
ORDER BY d.id`;

export interface WalkStart {
  element: string;
  field: StoredField;
}

export class ColumnWalkRepository {
  /** One level of a walk: each direction's part of the frontier in its own statement, within one row limit. */
  async expand(tx: Tx, frontier: readonly FrontierItem[], rowLimit: number, asOf: string, kinds: readonly string[] | null): Promise<FieldExpansionRow[]> {
    const rows: FieldExpansionRow[] = [];
    for (const direction of WALK_DIRECTIONS) {
      const elements = frontier.filter((item) => item.direction === direction).map((item) => item.element);
      if (elements.length === 0 || rows.length >= rowLimit) continue;
      rows.push(...(await tx.rows<FieldExpansionRow>(EXPAND[direction], { walk: { frontier: elements, rowLimit: rowLimit - rows.length, asOf, kinds } })));
    }
    return rows;
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
export const COLUMN_WALK_CYPHER = {
  EXPAND_UP: EXPAND.UP,
  EXPAND_DOWN: EXPAND.DOWN,
  STARTS,
  FIELD_IN_VERSIONS,
  CURRENT_VERSION,
  CURRENT_MODEL_VERSION,
  LIVE_DEPLOYMENTS,
};
