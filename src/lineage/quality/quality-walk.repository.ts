import type { Tx } from '../../db/database';
import { kindOfId } from '../../core/ids';
import type { EdgeType, NodeKind } from '../../core/vocabulary';
import { EXISTS_AT, LINEAGE_STEPS, stepsFrom, type LineageStep } from '../questions/lineage-steps';
import type { ExpandedLevel, ExpansionRow } from './quality-walk';

/**
 * The statements of the data quality walk (quality-walk.ts), generated from the lineage step table
 * (lineage-steps.ts), so they follow exactly the relationships provenance follows, filtered by the same
 * existence rules (EXISTS_AT) at the instant asked. Commits are left out: no check is ever about code.
 * Values travel in one map parameter, so that each statement is planned once whatever the sizes of its lists.
 */

/** The upstream steps between versions and runs (containers are never reached from their members). */
const STEPS: readonly LineageStep[] = LINEAGE_STEPS.filter(
  (step) => step.direction === 'UP' && step.to !== 'Commit' && !['Dataset', 'Job', 'Model'].includes(step.from),
);

/** Each step type has one orientation upstream, so a row need not say it (checked here, once). */
const OUTGOING = new Map(STEPS.map((step) => [step.type, step.outgoing]));
if (STEPS.some((step) => OUTGOING.get(step.type) !== step.outgoing)) throw new Error('quality walk: a step type with two orientations');

/**
 * The upstream relationships of `f` to neighbours `n` that existed at the instant, as `type, n` rows: one typed
 * expand per orientation, the kinds of both ends checked in its predicate. (One UNION branch per step, as
 * before, cost a third more: each branch is a subquery run for every node.)
 */
function upstreamOf(f: string): string {
  return [true, false]
    .flatMap((outgoing) => {
      const steps = STEPS.filter((step) => step.outgoing === outgoing);
      if (steps.length === 0) return [];
      const types = [...new Set(steps.map((step) => step.type))].join('|');
      const pattern = outgoing ? `(${f})-[r:${types}]->(n)` : `(${f})<-[r:${types}]-(n)`;
      const when = steps.map((step) => `(r:${step.type} AND ${f}:${step.from} AND n:${step.to} AND ${EXISTS_AT[step.to]('n')})`).join(' OR ');
      return [`MATCH ${pattern} WHERE ${when} RETURN type(r) AS type, n`];
    })
    .join('\n      UNION ALL\n      ');
}

/** How many levels one EXPAND statement walks (each level's text is repeated in it: its planning time grows with it). */
export const LEVELS_PER_STATEMENT = 2;

/**
 * Of the dataset versions in the list `reached`, the ids of those that may be offending at the instant: a flag
 * made by then, or a report made by then with a check failed at or above $walk.minRank. Only these are looked at
 * closely (quality-status.ts). Asked in the walk, of the nodes it has at hand, rather than by id afterwards.
 */
function suspectsAmong(reached: string): string {
  const at = 'datetime($walk.asOf)';
  return `[v IN ${reached} WHERE v:DatasetVersion AND (
      EXISTS { MATCH (v)<-[:FLAGS]-(f:QualityFlag) WHERE f.flaggedAt <= ${at} }
      OR EXISTS { MATCH (v)<-[:ON]-(q:QualityReport) WHERE q.failedRank >= $walk.minRank AND q.at <= ${at} }) | v.id]`;
}

/**
 * One level: the upstream rows of the nodes of the list `frontier`, at most $walk.rowLimit, as
 * [position in the frontier, type, neighbour's id, neighbour's element id], the neighbours reached, and the
 * suspects among them. Compact rows in one list, not a record per row: decoding 3,000 records of six fields cost
 * the driver more than Neo4j spent finding them.
 */
function level(frontier: string, index: number): string {
  return `CALL (${frontier}, asOf) {
    UNWIND range(0, size(${frontier}) - 1) AS i
    WITH i, ${frontier}[i] AS f, asOf
    CALL (f, asOf) {
      ${upstreamOf('f')}
    }
    WITH i, type, n LIMIT toInteger($walk.rowLimit)
    WITH collect([i, type, n.id, elementId(n)]) AS rows, collect(DISTINCT n) AS reached
    RETURN rows AS rows${index}, reached AS reached${index}, ${suspectsAmong('reached')} AS suspects${index}
  }`;
}

/**
 * Up to LEVELS_PER_STATEMENT levels of the walk in one statement ($walk.levels of them). Level 1 expands
 * $walk.frontier (element ids); each further level the nodes the one before reached that this statement did not
 * expand yet (a node the walk expanded in an earlier statement may be expanded again, and its rows are ignored:
 * that keeps the walk's growing visited set out of every statement's parameters). Each level says which nodes it expanded and their rows (at
 * most $walk.rowLimit: a level that hit the limit may have cut a node's rows short).
 * Why not a variable-length expand, as the lineage questions do: Neo4j's breadth-first expand runs once per
 * start, and the live deployments' provenance overlaps: 12,180 nodes visited instead of 1,413 on the benchmark
 * graph, and slower than a statement per level. Why not more levels per statement: four took 8 to 30 s to plan
 * on a busy machine.
 */
const EXPAND = (() => {
  const parts = [
    `WITH datetime($walk.asOf) AS asOf
CALL {
  UNWIND $walk.frontier AS element
  MATCH (f) WHERE elementId(f) = element
  RETURN collect(f) AS frontier1
}`,
    level('frontier1', 1),
  ];
  const seen = ['frontier1'];
  for (let index = 2; index <= LEVELS_PER_STATEMENT; index++) {
    parts.push(
      `WITH *, CASE WHEN $walk.levels >= ${index} THEN [f IN reached${index - 1} WHERE NOT f IN ${seen.join(' + ')}] ELSE [] END AS frontier${index}`,
      level(`frontier${index}`, index),
    );
    seen.push(`frontier${index}`);
  }
  const levels = seen.map((frontier, i) => `{expanded: [f IN ${frontier} | elementId(f)], rows: rows${i + 1}, suspects: suspects${i + 1}}`);
  parts.push(`RETURN [${levels.join(', ')}] AS levels`);
  return parts.join('\n');
})();

/** A row of EXPAND: [position of the node expanded in its level, type, neighbour's id, neighbour's element id]. */
type CompactRow = [number, EdgeType, string, string];

/** Key properties of the kinds a quality path crosses, as lineage answers show them (lineage-node.ts). */
const ms = (property: string) => `${property}: n.${property}.epochMillis`;
const PROJECTION: Readonly<Partial<Record<NodeKind, string>>> = {
  DatasetVersion: `n { .namespace, .name, .version, .digest, .uri, .rowCount, ${ms('createdAt')} }`,
  Run: `n { .runId, .state, ${ms('startedAt')}, ${ms('endedAt')}, job: [(n)-[:RUN_OF]->(j:Job) | j { .namespace, .name }][0] }`,
  ModelVersion: `n { .modelName, .version, .artifactUri, .digest, .framework, ${ms('createdAt')} }`,
  Deployment: `n { .name, .environment, .endpoint, ${ms('deployedAt')}, ${ms('retiredAt')}, .deployedBy, modelVersion: [(n)-[:SERVES]->(v:ModelVersion) | v { .modelName, .version }][0] }`,
};

function neighbourOutside(kind: NodeKind, direction: 'UP' | 'DOWN'): string {
  const steps = stepsFrom(kind, direction);
  if (steps.length === 0) return 'false';
  return steps
    .map((step) => {
      const pattern = step.outgoing ? `(n)-[:${step.type}]->(m:${step.to})` : `(n)<-[:${step.type}]-(m:${step.to})`;
      return `EXISTS { MATCH ${pattern} WHERE ${EXISTS_AT[step.to]('m')} AND NOT m.id IN $describe.answer }`;
    })
    .join(' OR ');
}

function describeBranch(kind: NodeKind): string {
  const source = kind === 'DatasetVersion' ? `NOT EXISTS { MATCH (n)<-[:WROTE]-(m:Run) WHERE ${EXISTS_AT.Run('m')} }` : 'false';
  return `UNWIND $describe.nodes.${kind} AS id
    MATCH (n:${kind} {id: id})
    RETURN n.id AS id, '${kind}' AS kind, ${PROJECTION[kind]} AS props, ${source} AS isSource,
           ${neighbourOutside(kind, 'UP')} AS moreUp, ${neighbourOutside(kind, 'DOWN')} AS moreDown`;
}

/** The nodes of an answer: key properties, and whether they have neighbours outside it (`$describe.answer`). */
const DESCRIBE = `WITH datetime($describe.asOf) AS asOf
CALL (asOf) {
  ${(Object.keys(PROJECTION) as NodeKind[]).map(describeBranch).join('\n  UNION ALL\n  ')}
}
RETURN id, kind, props, isSource, moreUp, moreDown`;

export interface DescribedNode {
  id: string;
  kind: NodeKind;
  props: Record<string, unknown>;
  isSource: boolean;
  moreUp: boolean;
  moreDown: boolean;
}

/** A level of the walk, with the suspects among the dataset versions it reached (their ids). */
export interface SuspectLevel extends ExpandedLevel {
  suspects: string[];
}

export interface StartNode {
  id: string;
  kind: 'Deployment' | 'ModelVersion';
  element: string;
}

export class QualityWalkRepository {
  /**
   * Up to `levels` levels upstream of the frontier (element ids) in one statement, each with the suspects among
   * the dataset versions it reached (a flag, or a check failed at `minRank` or above, by the instant).
   */
  async expand(tx: Tx, frontier: readonly string[], levels: number, rowLimit: number, asOf: string, minRank: number): Promise<SuspectLevel[]> {
    const [row] = await tx.rows<{ levels: Array<{ expanded: string[]; rows: CompactRow[]; suspects: string[] }> }>(EXPAND, {
      walk: { frontier, levels, rowLimit, asOf, minRank },
    });
    return (row?.levels ?? []).map(({ expanded, rows, suspects }) => ({
      expanded,
      suspects,
      rows: rows.map(([index, type, toId, to]): ExpansionRow => ({
        from: expanded[index]!,
        type,
        outgoing: OUTGOING.get(type)!,
        to,
        toId,
        kind: kindOfId(toId)!,
      })),
    }));
  }

  /** The deployments live at the instant (deployedAt <= asOf < retiredAt), in the environments given (all when null). */
  async liveDeployments(tx: Tx, asOf: string, environments: readonly string[] | null, limit: number): Promise<StartNode[]> {
    return tx.rows<StartNode>(
      `MATCH (d:Deployment) WHERE d.deployedAt <= datetime($live.asOf) AND (d.retiredAt IS NULL OR datetime($live.asOf) < d.retiredAt)
         AND ($live.environments IS NULL OR d.environment IN $live.environments)
       RETURN d.id AS id, 'Deployment' AS kind, elementId(d) AS element ORDER BY d.environment, d.name, d.id LIMIT toInteger($live.limit)`,
      { live: { asOf, environments, limit } },
    );
  }

  /** The starts that existed at the instant (a deployment from deployedAt, a model version from createdAt). */
  async starts(tx: Tx, ids: readonly string[], asOf: string): Promise<StartNode[]> {
    return tx.rows<StartNode>(
      `WITH datetime($starts.asOf) AS asOf
       UNWIND $starts.ids AS id
       CALL (id, asOf) {
         MATCH (n:Deployment {id: id}) WHERE ${EXISTS_AT.Deployment('n')} RETURN n, 'Deployment' AS kind
         UNION ALL
         MATCH (n:ModelVersion {id: id}) WHERE ${EXISTS_AT.ModelVersion('n')} RETURN n, 'ModelVersion' AS kind
       }
       RETURN n.id AS id, kind, elementId(n) AS element`,
      { starts: { ids, asOf } },
    );
  }

  async describe(tx: Tx, nodes: ReadonlyArray<{ id: string; kind: NodeKind }>, asOf: string): Promise<Map<string, DescribedNode>> {
    const grouped: Record<string, string[]> = Object.fromEntries(Object.keys(PROJECTION).map((kind) => [kind, []]));
    for (const node of nodes) grouped[node.kind]?.push(node.id);
    const rows = await tx.rows<DescribedNode>(DESCRIBE, { describe: { nodes: grouped, answer: nodes.map((node) => node.id), asOf } });
    return new Map(rows.map((row) => [row.id, row]));
  }
}

export const QUALITY_WALK_CYPHER = { EXPAND, DESCRIBE };
