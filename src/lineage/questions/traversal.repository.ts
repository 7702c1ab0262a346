import type { Tx } from '../../db/database';
import { NODE_KINDS, type NodeKind } from '../common/ids';
import { EXISTS_AT, stepsFrom, type Direction, type LineageStep } from './lineage-steps';
import type { ExpansionRequest, ExpansionRow, NodeRef } from './traversal';

/**
 * The Cypher of every traversal, generated once from the step table (lineage-steps.ts): labels and relationship
 * types come only from that table, values only from parameters. Each statement starts with
 * `WITH datetime($asOf) AS asOf`, the instant the answer is about, which the existence predicates compare against.
 */

/** Key properties of each kind, as the answers show them. */
const PROJECTION: Readonly<Record<NodeKind, string>> = {
  Dataset: 'n { .namespace, .name, .createdAt }',
  DatasetVersion: 'n { .namespace, .name, .version, .digest, .uri, .rowCount, .createdAt }',
  Job: 'n { .namespace, .name, .createdAt }',
  Run: 'n { .runId, .state, .startedAt, .endedAt, job: [(n)-[:RUN_OF]->(j:Job) | j { .namespace, .name }][0] }',
  Commit: 'n { .repository, .sha, .branch, .author, .committedAt, .createdAt }',
  Model: 'n { .name, .createdAt }',
  ModelVersion: 'n { .modelName, .version, .artifactUri, .digest, .framework, .createdAt }',
  Deployment:
    'n { .name, .environment, .endpoint, .deployedAt, .retiredAt, .deployedBy, modelVersion: [(n)-[:SERVES]->(v:ModelVersion) | v { .modelName, .version }][0] }',
};

/** `(f)-[:TYPE]->(n:Label)` or its reverse, for one step from `f`. */
function pattern(step: LineageStep, f: string, n: string): string {
  return step.outgoing ? `(${f})-[:${step.type}]->(${n}:${step.to})` : `(${f})<-[:${step.type}]-(${n}:${step.to})`;
}

/** One UNION branch per step: the frontier's nodes of one kind, expanded along one relationship type. */
function expandBranch(step: LineageStep): string {
  const list = step.direction === 'UP' ? '$up' : '$down';
  return `UNWIND ${list}.${step.from} AS id
    MATCH ${pattern(step, `f:${step.from} {id: id}`, 'n')}
    WHERE ${EXISTS_AT[step.to]('n')}
    RETURN id AS from, '${step.direction}' AS direction, '${step.type}' AS type, ${step.outgoing} AS outgoing, n.id AS to, '${step.to}' AS kind`;
}

const ALL_STEPS = NODE_KINDS.flatMap((kind) => [...stepsFrom(kind, 'UP'), ...stepsFrom(kind, 'DOWN')]);

/** One level of a walk: every relationship from the frontier to a neighbour that exists as of the instant. */
const EXPAND = `WITH datetime($asOf) AS asOf
CALL (asOf) {
  ${ALL_STEPS.map(expandBranch).join('\n  UNION ALL\n  ')}
}
RETURN from, direction, type, outgoing, to, kind
LIMIT toInteger($rowLimit)`;

/** Whether a node has a neighbour in `direction` that exists as of the instant (and, with `outside`, is not in $visited). */
function neighbourExists(kind: NodeKind, direction: Direction, outside: boolean): string {
  const steps = stepsFrom(kind, direction);
  if (steps.length === 0) return 'false';
  const condition = (step: LineageStep) => [EXISTS_AT[step.to]('m'), ...(outside ? ['NOT m.id IN $visited'] : [])].join(' AND ');
  return steps.map((step) => `EXISTS { MATCH ${pattern(step, 'n', 'm')} WHERE ${condition(step)} }`).join(' OR ');
}

function describeBranch(kind: NodeKind): string {
  return `UNWIND $nodes.${kind} AS x
    MATCH (n:${kind} {id: x.id})
    RETURN n.id AS id, ${PROJECTION[kind]} AS props,
      CASE WHEN x.up THEN ${neighbourExists(kind, 'UP', true)} END AS moreUp,
      CASE WHEN x.down THEN ${neighbourExists(kind, 'DOWN', true)} END AS moreDown,
      CASE WHEN x.source THEN NOT (${neighbourExists(kind, 'UP', false)}) END AS isSource`;
}

/**
 * The nodes of an answer with their key properties and, where the walk could not tell, whether they have
 * neighbours beyond the answer (`$visited`) and whether a dataset version is a source.
 */
const DESCRIBE = `WITH datetime($asOf) AS asOf
CALL (asOf) {
  ${NODE_KINDS.map(describeBranch).join('\n  UNION ALL\n  ')}
}
RETURN id, props, moreUp, moreDown, isSource`;

/** Whether the node exists at all, and whether it existed as of the instant. */
const START: Readonly<Record<NodeKind, string>> = Object.fromEntries(
  NODE_KINDS.map((kind) => [kind, `WITH datetime($asOf) AS asOf MATCH (n:${kind} {id: $id}) RETURN ${EXISTS_AT[kind]('n')} AS existed`]),
) as Record<NodeKind, string>;

export interface DescribeRequest {
  id: string;
  kind: NodeKind;
  up: boolean;
  down: boolean;
  source: boolean;
}

export interface DescribedNode {
  id: string;
  props: Record<string, unknown>;
  moreUp: boolean | null;
  moreDown: boolean | null;
  isSource: boolean | null;
}

export class TraversalRepository {
  /** Null when no node has the id; otherwise whether it existed as of `asOf`. */
  async findStart(tx: Tx, start: NodeRef, asOf: string): Promise<{ existed: boolean } | null> {
    const [row] = await tx.rows<{ existed: boolean }>(START[start.kind], { id: start.id, asOf });
    return row ?? null;
  }

  async expand(tx: Tx, request: ExpansionRequest, asOf: string): Promise<ExpansionRow[]> {
    return tx.rows<ExpansionRow>(EXPAND, { up: byKind(request.up), down: byKind(request.down), rowLimit: request.rowLimit, asOf });
  }

  async describe(tx: Tx, nodes: readonly DescribeRequest[], visited: readonly string[], asOf: string): Promise<Map<string, DescribedNode>> {
    const grouped: Record<string, Array<Omit<DescribeRequest, 'kind'>>> = Object.fromEntries(NODE_KINDS.map((kind) => [kind, []]));
    for (const { kind, ...node } of nodes) grouped[kind]!.push(node);
    const rows = await tx.rows<DescribedNode>(DESCRIBE, { nodes: grouped, visited, asOf });
    return new Map(rows.map((row) => [row.id, row]));
  }
}

/** Ids grouped by kind, every kind present: the shape the UNWIND branches expect. */
function byKind(nodes: readonly NodeRef[]): Record<string, string[]> {
  const grouped: Record<string, string[]> = Object.fromEntries(NODE_KINDS.map((kind) => [kind, []]));
  for (const node of nodes) grouped[node.kind]!.push(node.id);
  return grouped;
}

/** The generated statements, for tests and for the benchmark's bare-driver baseline. */
export const TRAVERSAL_CYPHER = { EXPAND, DESCRIBE, START };
