import type { Tx } from '../../db/database';
import { FIELD, FIELD_ROW, fieldOfRow, type StoredField, type StoredFieldRow } from './column-read.repository';
import { COLUMN_LIMITS } from './column-limits';
import type { ExpandFields, FieldExpansionRow, FrontierItem, WalkDirection } from './column-walk';

/**
 * The statements of column walks. A walk is one statement (WALK): from its starts (by element id, valid within the
 * walk's read transaction) Neo4j's breadth-first variable-length expand finds the fields within reach, nearest
 * first, and the same statement gives, for each of them and for the starts, what one level of expansion in each
 * direction walked answers for that field (its edges and the fields at their far ends), in parts that repeat
 * nothing. The breadth-first walk of column-walk.ts then runs over these levels in memory, exactly as it ran over
 * one statement per level before (ColumnWalkReach): one round trip whatever the depth, where the walk took one per
 * level, ten at the default depth (bench/README.md, "Column lineage"). A field the statement did not reach (its
 * LIMIT cut the reach) is expanded by the level statement (EXPAND, over HOPS), which is also the reference the
 * equivalence test and the benchmark compare WALK with. Values come in one map parameter ($walk), so each
 * statement has one cached plan whatever the sizes of the lists.
 *
 * Every plan is the same on an empty store and a full one, so none has to be kept against Neo4j's replanning
 * (bench/README.md, "Column lineage"): a walk starts from element ids or a unique or composite index (named by a
 * hint where the planner could otherwise scan), and every other node is reached by a typed relationship with no
 * label on its far end, so the planner has nothing else to start from. A label and a range index on the far end
 * let a planner on an empty store seek every node created before the instant and test each for the relationship
 * (perf's finding on the table-level walk, issue 12). The walks of the common depths are planned at start-up
 * (`prepare`), for latency only.
 *
 * `asOf`: a field exists from its owner's creation (Field.createdAt is the owner's createdAt); an edge exists when
 * both its ends do, so filtering the far end is enough (the near end is in the walk, hence existed). `kinds`: when
 * given, an edge is followed only if one of its transformations is of a kind listed (type, subtype or MASKING).
 */
const WALK_DIRECTIONS: readonly WalkDirection[] = ['UP', 'DOWN'];

const follows = (e: string) => `($walk.kinds IS NULL OR any(kind IN ${e}.kinds WHERE kind IN $walk.kinds))`;

/**
 * One level from a field `f` in one direction, as rows of `e, n, upstream, downstream, scope`: upstream, the FEEDS
 * edges into the field and the AFFECTS edges into its owner; downstream, the FEEDS edges out of it and, for its
 * AFFECTS edges, every field of the owner affected. One text per direction keeps each statement small.
 */
const HOPS: Readonly<Record<WalkDirection, string>> = {
  UP: `MATCH (f)<-[e:FEEDS]-(n) WHERE n.createdAt <= asOf AND ${follows('e')}
  RETURN e, n, n.id AS upstream, f.id AS downstream, 'FIELD' AS scope
  UNION ALL
  MATCH (f)-[:FIELD_OF]->(o)<-[e:AFFECTS]-(n) WHERE n.createdAt <= asOf AND ${follows('e')}
  RETURN e, n, n.id AS upstream, o.id AS downstream, 'DATASET' AS scope`,
  DOWN: `MATCH (f)-[e:FEEDS]->(n) WHERE n.createdAt <= asOf AND ${follows('e')}
  RETURN e, n, f.id AS upstream, n.id AS downstream, 'FIELD' AS scope
  UNION ALL
  MATCH (f)-[e:AFFECTS]->(o) WHERE o.createdAt <= asOf AND ${follows('e')}
  MATCH (o)<-[:FIELD_OF]-(n)
  RETURN e, n, f.id AS upstream, o.id AS downstream, 'DATASET' AS scope`,
};

const EDGE = `{ upstream: upstream, downstream: downstream, scope: scope, transformationsJson: e.transformationsJson, masking: e.masking }`;

/** One level in one direction over a whole frontier (by element id), at most $walk.rowLimit rows. */
const EXPAND: Readonly<Record<WalkDirection, string>> = {
  UP: expandStatement('UP'),
  DOWN: expandStatement('DOWN'),
};

function expandStatement(direction: WalkDirection): string {
  return `WITH datetime($walk.asOf) AS asOf
UNWIND $walk.frontier AS element
MATCH (f) WHERE elementId(f) = element
CALL (f, asOf) {
  ${HOPS[direction]}
}
RETURN element AS from, '${direction}' AS direction, elementId(n) AS toElement, ${FIELD('n')} AS to, ${EDGE} AS edge
LIMIT toInteger($walk.rowLimit)`;
}

/**
 * Whether the relationship `r` from `a` to `b` is a hop of a column step in a direction, to a node that existed at
 * the instant: a predicate on the relationship and its two ends only, so that Neo4j applies it on every hop of the
 * variable-length expand. A step through an owner is two hops: upstream a field's FIELD_OF to its owner, then an
 * AFFECTS into that owner; downstream an AFFECTS out of a field, then the FIELD_OF of every field of the owner.
 */
const STEP: Readonly<Record<WalkDirection, string>> = {
  UP: `b.createdAt <= asOf AND CASE type(r) WHEN 'FIELD_OF' THEN startNode(r) = a ELSE endNode(r) = a AND ${follows('r')} END`,
  DOWN: `b.createdAt <= asOf AND CASE type(r) WHEN 'FIELD_OF' THEN endNode(r) = a ELSE startNode(r) = a AND ${follows('r')} END`,
};

/**
 * The nodes within `depth` steps of the starts in a direction (when $walk.<direction> says it is walked), nearest
 * first, at most $walk.limit of them, as `<direction>Reached`. The bound is in hops, twice the depth, since a step
 * through an owner takes two: every field within `depth` steps is in reach (with some beyond, which the walk in
 * memory leaves out as the level statements would).
 */
function reachOf(direction: WalkDirection, depth: number): string {
  return `CALL (starts, asOf) {
  UNWIND starts AS s
  WITH s, asOf WHERE $walk.${direction.toLowerCase()}
  MATCH (s)((a)-[r:FEEDS|FIELD_OF|AFFECTS]-(b) WHERE ${STEP[direction]}){1,${2 * depth}}(x)
  WITH DISTINCT x LIMIT toInteger($walk.limit)
  RETURN collect(x) AS ${direction.toLowerCase()}Reached
}`;
}

/** The starts and the fields reached in a direction, each once, as `f` (none when the direction is not walked). */
const fieldsIn = (direction: WalkDirection) => {
  const flag = `$walk.${direction.toLowerCase()}`;
  return `UNWIND CASE WHEN ${flag} THEN starts + ${direction.toLowerCase()}Reached ELSE [] END AS f
  WITH DISTINCT f, asOf WHERE f:Field`;
};

/** Relationships listed per node and kind, at most: more than any level may take (the edge budget plus one). */
const AT_MOST = `LIMIT toInteger($walk.rowLimit)`;

/**
 * The levels of what the walk reached, in parts that repeat nothing: a field's level upstream is its FEEDS in
 * (`up`: [element, id, [[far end, transformationsJson, masking]], owner element]) followed by the AFFECTS into its
 * owner (`upOwners`: [owner element, owner id, [[far end, transformationsJson, masking]]]), shared by every field
 * of that owner; downstream, its FEEDS out and, for each of its AFFECTS (`down`: [element, id, feeds, [[owner
 * element, owner id, transformationsJson, masking]]]), every field of the owner (`downOwners`: [owner element,
 * [field elements]]). Every field named, once, in `fields` ([element, FIELD_ROW]). Each list is in the order the
 * level statements (HOPS) give, so that ColumnWalkReach rebuilds their rows exactly.
 */
function walkStatement(depth: number): string {
  return `WITH datetime($walk.asOf) AS asOf
UNWIND $walk.starts AS element
MATCH (s) WHERE elementId(s) = element
WITH asOf, collect(s) AS starts
${reachOf('UP', depth)}
${reachOf('DOWN', depth)}
CALL (starts, upReached, asOf) {
  ${fieldsIn('UP')}
  CALL (f, asOf) {
    MATCH (f)<-[e:FEEDS]-(n) WHERE n.createdAt <= asOf AND ${follows('e')}
    WITH e, n ${AT_MOST}
    RETURN collect([elementId(n), e.transformationsJson, e.masking]) AS feeds, collect(n) AS far
  }
  OPTIONAL MATCH (f)-[:FIELD_OF]->(o)
  RETURN collect([elementId(f), f.id, feeds, elementId(o)]) AS up, collect(DISTINCT o) AS owners, collect(far) AS upFar
}
CALL (owners, asOf) {
  UNWIND owners AS o
  CALL (o, asOf) {
    MATCH (o)<-[e:AFFECTS]-(n) WHERE n.createdAt <= asOf AND ${follows('e')}
    WITH e, n ${AT_MOST}
    RETURN collect([elementId(n), e.transformationsJson, e.masking]) AS affects, collect(n) AS far
  }
  RETURN collect([elementId(o), o.id, affects]) AS upOwners, collect(far) AS upOwnersFar
}
CALL (starts, downReached, asOf) {
  ${fieldsIn('DOWN')}
  CALL (f, asOf) {
    MATCH (f)-[e:FEEDS]->(n) WHERE n.createdAt <= asOf AND ${follows('e')}
    WITH e, n ${AT_MOST}
    RETURN collect([elementId(n), e.transformationsJson, e.masking]) AS feeds, collect(n) AS far
  }
  CALL (f, asOf) {
    MATCH (f)-[e:AFFECTS]->(o) WHERE o.createdAt <= asOf AND ${follows('e')}
    WITH e, o ${AT_MOST}
    RETURN collect([elementId(o), o.id, e.transformationsJson, e.masking]) AS affects, collect(o) AS affected
  }
  RETURN collect([elementId(f), f.id, feeds, affects]) AS down, collect(far) AS downFar, collect(affected) AS affected
}
CALL (affected) {
  UNWIND affected AS some
  UNWIND some AS o
  WITH DISTINCT o
  CALL (o) {
    MATCH (o)<-[:FIELD_OF]-(n)
    WITH n ${AT_MOST}
    RETURN collect(n) AS owned
  }
  RETURN collect([elementId(o), [n IN owned | elementId(n)]]) AS downOwners, collect(owned) AS downOwnersFar
}
CALL (upFar, upOwnersFar, downFar, downOwnersFar) {
  UNWIND upFar + upOwnersFar + downFar + downOwnersFar AS some
  UNWIND some AS n
  WITH DISTINCT n
  RETURN collect([elementId(n), ${FIELD_ROW('n')}]) AS fields
}
RETURN up, upOwners, down, downOwners, fields`;
}

const WALKS = new Map<number, string>();
function walkOf(depth: number): string {
  let statement = WALKS.get(depth);
  if (!statement) WALKS.set(depth, (statement = walkStatement(depth)));
  return statement;
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

/** What a walk is about: where it starts (element ids), which way it goes, how far and how much, as of when. */
export interface ColumnWalkPlan {
  starts: readonly string[];
  directions: readonly WalkDirection[];
  maxDepth: number;
  maxNodes: number;
  maxEdges: number;
  asOf: string;
  kinds: readonly string[] | null;
}

type Level = Array<{ toElement: string; to: StoredField; edge: FieldExpansionRow['edge'] }>;

const itemKey = (item: FrontierItem) => `${item.direction}|${item.element}`;

/**
 * One walk inside the caller's read transaction. Its `expand` answers column-walk.ts exactly as the level
 * statements (EXPAND) would: the frontier's upstream part first, then its downstream part, each field's rows in
 * the order its level statement gives them, at most `rowLimit` rows. The first call runs WALK, which gives the
 * level of every field it reached (each part capped at the edge budget plus one, more than any level may take); a
 * field it did not reach is expanded by EXPAND, whose answer is kept when no limit cut it.
 */
export class ColumnWalkReach {
  private readonly levels = new Map<string, Level>();
  private walked = false;

  constructor(
    private readonly tx: Tx,
    private readonly plan: ColumnWalkPlan,
  ) {}

  expand: ExpandFields = async (frontier, rowLimit) => {
    if (!this.walked) {
      this.walked = true;
      await this.reach();
    }
    const missing = frontier.filter((item) => !this.levels.has(itemKey(item)));
    const fetched = new Map<string, FieldExpansionRow[]>();
    if (missing.length > 0) {
      const rows = await expandLevel(this.tx, missing, rowLimit, this.plan.asOf, this.plan.kinds);
      for (const row of rows) {
        const key = `${row.direction}|${row.from}`;
        const list = fetched.get(key);
        if (list) list.push(row);
        else fetched.set(key, [row]);
      }
      // Under its limit the statement gave every row of every field asked: each field's level is complete.
      if (rows.length < rowLimit) for (const item of missing) this.levels.set(itemKey(item), fetched.get(itemKey(item)) ?? []);
    }
    // The rows EXPAND gave for fields it was asked (a prefix of their levels, in the frontier's order, when its limit
    // cut them) fall where the level statements would have put them: any row they lack comes after `rowLimit`.
    const rows: FieldExpansionRow[] = [];
    for (const direction of WALK_DIRECTIONS) {
      for (const item of frontier) {
        if (item.direction !== direction) continue;
        const known = this.levels.get(itemKey(item));
        if (known) for (const row of known) rows.push({ from: item.element, direction, ...row });
        else rows.push(...(fetched.get(itemKey(item)) ?? []));
        if (rows.length >= rowLimit) return rows.slice(0, rowLimit);
      }
    }
    return rows;
  };

  /** WALK, and the levels it gives, rebuilt as the rows of the level statements (see walkStatement). */
  private async reach(): Promise<void> {
    const { starts, directions, maxDepth, maxNodes, maxEdges, asOf, kinds } = this.plan;
    const [result] = await this.tx.rows<WalkAnswer>(walkOf(maxDepth), {
      walk: {
        starts,
        up: directions.includes('UP'),
        down: directions.includes('DOWN'),
        // Twice the node budget: a walk cut by the budget usually finds the whole level it cuts within it.
        limit: 2 * maxNodes,
        rowLimit: maxEdges + 1,
        asOf,
        kinds,
      },
    });
    if (!result) return;
    const fields = new Map(result.fields.map(([element, row]) => [element, fieldOfRow(row)]));
    const row = (toElement: string, upstream: string, downstream: string, scope: 'FIELD' | 'DATASET', transformationsJson: string, masking: boolean) => ({
      toElement,
      to: fields.get(toElement)!,
      edge: { upstream, downstream, scope, transformationsJson, masking },
    });
    const upOwners = new Map(result.upOwners.map(([element, id, affects]) => [element, { id, affects }]));
    for (const [element, id, feeds, ownerElement] of result.up) {
      const owner = ownerElement === null ? undefined : upOwners.get(ownerElement);
      this.levels.set(`UP|${element}`, [
        ...feeds.map(([far, transformations, masking]) => row(far, fields.get(far)!.id, id, 'FIELD', transformations, masking)),
        ...(owner?.affects ?? []).map(([far, transformations, masking]) => row(far, fields.get(far)!.id, owner!.id, 'DATASET', transformations, masking)),
      ]);
    }
    const downOwners = new Map(result.downOwners);
    for (const [element, id, feeds, affects] of result.down) {
      this.levels.set(`DOWN|${element}`, [
        ...feeds.map(([far, transformations, masking]) => row(far, id, fields.get(far)!.id, 'FIELD', transformations, masking)),
        ...affects.flatMap(([ownerElement, ownerId, transformations, masking]) =>
          (downOwners.get(ownerElement) ?? []).map((far) => row(far, id, ownerId, 'DATASET', transformations, masking)),
        ),
      ]);
    }
  }
}

/** WALK's answer, as walkStatement describes it. */
interface WalkAnswer {
  up: Array<[element: string, id: string, feeds: Array<[string, string, boolean]>, owner: string | null]>;
  upOwners: Array<[element: string, id: string, affects: Array<[string, string, boolean]>]>;
  down: Array<[element: string, id: string, feeds: Array<[string, string, boolean]>, affects: Array<[string, string, string, boolean]>]>;
  downOwners: Array<[element: string, fields: string[]]>;
  fields: Array<[element: string, field: StoredFieldRow]>;
}

/** One level: each direction's part of the frontier in its own statement (EXPAND), within one row limit. */
async function expandLevel(
  tx: Tx,
  frontier: readonly FrontierItem[],
  rowLimit: number,
  asOf: string,
  kinds: readonly string[] | null,
): Promise<FieldExpansionRow[]> {
  const rows: FieldExpansionRow[] = [];
  for (const direction of WALK_DIRECTIONS) {
    const elements = frontier.filter((item) => item.direction === direction).map((item) => item.element);
    if (elements.length === 0 || rows.length >= rowLimit) continue;
    rows.push(...(await tx.rows<FieldExpansionRow>(EXPAND[direction], { walk: { frontier: elements, rowLimit: rowLimit - rows.length, asOf, kinds } })));
  }
  return rows;
}

export class ColumnWalkRepository {
  /** A walk in the caller's read transaction: the `expand` of column-walk.ts (see ColumnWalkReach). */
  walk(tx: Tx, plan: ColumnWalkPlan): ExpandFields {
    return new ColumnWalkReach(tx, plan).expand;
  }

  /**
   * Has Neo4j plan the walks of the given depths now, on nothing, rather than on their first question: planning
   * one takes a fraction of a second on a quiet machine but seconds on a busy one. Only latency is at stake: the
   * plans are good whatever the store holds, and Neo4j may replan them as it grows.
   */
  async prepare(tx: Tx, depths: readonly number[]): Promise<void> {
    const asOf = new Date().toISOString();
    for (const depth of new Set(depths)) {
      await tx.rows(walkOf(depth), { walk: { starts: [], up: true, down: true, limit: 1, rowLimit: 1, asOf, kinds: null } });
    }
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

/** The statements, for the benchmark's bare-driver baseline and for PROFILE (WALK at the default depth). */
export const COLUMN_WALK_CYPHER = {
  WALK: walkOf(COLUMN_LIMITS.DEFAULT_DEPTH),
  EXPAND_UP: EXPAND.UP,
  EXPAND_DOWN: EXPAND.DOWN,
  STARTS,
  FIELD_IN_VERSIONS,
  CURRENT_VERSION,
  CURRENT_MODEL_VERSION,
  LIVE_DEPLOYMENTS,
};
