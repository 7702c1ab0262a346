import type { Tx } from '../../db/database';
import { NODE_KINDS, type NodeKind } from '../../core/vocabulary';
import { EXISTS_AT, LINEAGE_STEPS, stepsFrom, type LineageStep } from '../questions/lineage-steps';
import type { ExpansionRow } from './quality-walk';

/**
 * The statements of the data quality walk (quality-walk.ts), generated from the lineage step table
 * (lineage-steps.ts), so they follow exactly the relationships provenance follows, filtered by the same
 * existence rules (EXISTS_AT) at the instant asked. Commits are left out: no check is ever about code.
 * Values travel in one map parameter, so that each statement is planned once whatever the sizes of its lists.
 */

const STEPS: readonly LineageStep[] = LINEAGE_STEPS.filter((step) => step.direction === 'UP' && step.to !== 'Commit');

const KIND_OF = (v: string) => `CASE ${NODE_KINDS.map((kind) => `WHEN ${v}:${kind} THEN '${kind}'`).join(' ')} END`;

function branch(step: LineageStep): string {
  const pattern = step.outgoing ? `(f:${step.from})-[:${step.type}]->(n:${step.to})` : `(f:${step.from})<-[:${step.type}]-(n:${step.to})`;
  return `MATCH ${pattern} WHERE ${EXISTS_AT[step.to]('n')} RETURN '${step.type}' AS type, ${step.outgoing} AS outgoing, n`;
}

/** One level upstream of the frontier: each relationship to a neighbour that existed at the instant. */
const EXPAND = `WITH datetime($walk.asOf) AS asOf
UNWIND $walk.frontier AS element
MATCH (f) WHERE elementId(f) = element
CALL (f, asOf) {
  ${STEPS.map(branch).join('\n  UNION ALL\n  ')}
}
WITH element, type, outgoing, n LIMIT toInteger($walk.rowLimit)
RETURN element AS from, type, outgoing, elementId(n) AS to, n.id AS toId, ${KIND_OF('n')} AS kind`;

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

export interface StartNode {
  id: string;
  kind: 'Deployment' | 'ModelVersion';
  element: string;
}

export class QualityWalkRepository {
  async expand(tx: Tx, frontier: readonly string[], rowLimit: number, asOf: string): Promise<ExpansionRow[]> {
    return tx.rows<ExpansionRow>(EXPAND, { walk: { frontier, rowLimit, asOf } });
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

  /**
   * Of the given versions, those that may be offending at the instant: a flag made by then, or a report made by
   * then with a check failed at or above the severity. Only these are looked at closely (quality-status.ts).
   */
  async suspects(tx: Tx, versionIds: readonly string[], asOf: string, minRank: number): Promise<string[]> {
    const rows = await tx.rows<{ id: string }>(
      `WITH datetime($suspects.asOf) AS asOf
       UNWIND $suspects.ids AS id
       MATCH (v:DatasetVersion {id: id})
       WHERE EXISTS { MATCH (v)<-[:FLAGS]-(f:QualityFlag) WHERE f.flaggedAt <= asOf }
          OR EXISTS { MATCH (v)<-[:ON]-(q:QualityReport) WHERE q.failedRank >= $suspects.minRank AND q.at <= asOf }
       RETURN v.id AS id`,
      { suspects: { ids: versionIds, asOf, minRank } },
    );
    return rows.map((row) => row.id);
  }

  async describe(tx: Tx, nodes: ReadonlyArray<{ id: string; kind: NodeKind }>, asOf: string): Promise<Map<string, DescribedNode>> {
    const grouped: Record<string, string[]> = Object.fromEntries(Object.keys(PROJECTION).map((kind) => [kind, []]));
    for (const node of nodes) grouped[node.kind]?.push(node.id);
    const rows = await tx.rows<DescribedNode>(DESCRIBE, { describe: { nodes: grouped, answer: nodes.map((node) => node.id), asOf } });
    return new Map(rows.map((row) => [row.id, row]));
  }
}

export const QUALITY_WALK_CYPHER = { EXPAND, DESCRIBE };
