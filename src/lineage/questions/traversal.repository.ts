import type { Tx } from '../../db/database';
import { DIRECTIONS, EXISTS_AT, LINEAGE_STEPS, stepsFrom, type Direction, type LineageStep } from './lineage-steps';
import { LEVELS_PER_STATEMENT, type ExpansionRequest, type ExpansionRow } from './traversal';
import { NODE_KINDS, type NodeKind } from '../../core/vocabulary';

/**
 * The Cypher of every traversal, generated once from the step table (lineage-steps.ts): labels and relationship
 * types come only from that table, values only from parameters. Each statement starts with
 * `WITH datetime($walk.asOf) AS asOf` (or `$describe.asOf`), the instant the answer is about, which the existence predicates compare against.
 *
 * The statements are large, so planning them takes seconds; `CYPHER replan=skip` keeps the cached plan when the
 * graph's statistics change (the plan is index seeks and typed expands whatever the counts, and replanning inside
 * a question could exceed its transaction timeout), and the service plans them once at start-up (`prepare`).
 */
const REUSE_PLAN = 'CYPHER replan=skip';

/*
 * Each statement takes its values in one map parameter ($walk, $describe). Neo4j caches a plan per statement and
 * per type and size class of each parameter (a list of 1, of 2-10, of 11-100 … elements; short or long strings),
 * so separate list parameters would have the same statement planned again, for seconds, each time a frontier
 * grows into a new size class. A map parameter is one type whatever it holds: one plan per statement.
 */

/**
 * Key properties of each kind, as the answers show them. Instants travel as epoch milliseconds (`ms(...)`), not
 * as Neo4j DateTimes: an answer holds hundreds of them, and the JavaScript driver takes tens of microseconds to
 * decode each DateTime, against nothing for a number. lineage-node.ts turns them back into Dates.
 */
const ms = (property: string) => `${property}: n.${property}.epochMillis`;
const PROJECTION: Readonly<Record<NodeKind, string>> = {
  Dataset: `n { .namespace, .name, ${ms('createdAt')} }`,
  DatasetVersion: `n { .namespace, .name, .version, .digest, .uri, .rowCount, ${ms('createdAt')} }`,
  Job: `n { .namespace, .name, ${ms('createdAt')} }`,
  Run: `n { .runId, .state, ${ms('startedAt')}, ${ms('endedAt')}, job: [(n)-[:RUN_OF]->(j:Job) | j { .namespace, .name }][0] }`,
  Commit: `n { .repository, .sha, .branch, .author, ${ms('committedAt')}, ${ms('createdAt')} }`,
  Model: `n { .name, ${ms('createdAt')} }`,
  ModelVersion: `n { .modelName, .version, .artifactUri, .digest, .framework, ${ms('createdAt')} }`,
  Deployment: `n { .name, .environment, .endpoint, ${ms('deployedAt')}, ${ms('retiredAt')}, .deployedBy, modelVersion: [(n)-[:SERVES]->(v:ModelVersion) | v { .modelName, .version }][0] }`,
};

/** `(f)-[:TYPE]->(n:Label)` or its reverse, for one step from `f`. */
function pattern(step: LineageStep, f: string, n: string): string {
  return step.outgoing ? `(${f})-[:${step.type}]->(${n}:${step.to})` : `(${f})<-[:${step.type}]-(${n}:${step.to})`;
}

/** Whether `v` exists as of the instant, whatever its label. */
function existsByLabel(v: string): string {
  const cases = NODE_KINDS.filter((kind) => EXISTS_AT[kind](v) !== 'true').map((kind) => `WHEN ${v}:${kind} THEN ${EXISTS_AT[kind](v)}`);
  return `CASE ${cases.join(' ')} ELSE true END`;
}

function kindOf(v: string): string {
  return `CASE ${NODE_KINDS.map((kind) => `WHEN ${v}:${kind} THEN '${kind}'`).join(' ')} END`;
}

/**
 * One expansion of a node `f`: per direction, the relationship types that leave it and those that enter it, each
 * a typed, directed expand. Which kinds each type connects is the graph model's (the service checks rows
 * against the step table); the neighbour must exist as of the instant.
 */
function expansionBranches(): string {
  const branches: string[] = [];
  for (const direction of DIRECTIONS) {
    for (const outgoing of [true, false]) {
      const types = [...new Set(LINEAGE_STEPS.filter((step) => step.direction === direction && step.outgoing === outgoing).map((step) => step.type))];
      if (types.length === 0) continue;
      const relationship = outgoing ? `(f)-[r:${types.join('|')}]->(n)` : `(f)<-[r:${types.join('|')}]-(n)`;
      branches.push(
        `WITH f, asOf WHERE $walk.${direction === 'UP' ? 'up' : 'down'} MATCH ${relationship} WHERE ${existsByLabel('n')}
        RETURN '${direction}' AS direction, type(r) AS type, ${outgoing} AS outgoing, n`,
      );
    }
  }
  return branches.join('\n        UNION ALL\n        ');
}

/**
 * Level `l` of a walk statement: expands the nodes of level l-1 (at most $walk.rowLimit relationships), and keeps as
 * level l the neighbours not visited before the statement ($walk.visited) nor earlier in it (`seen`), at most $walk.room of
 * them (the node budget cannot admit more; the service decides which). Once the statement has found more new
 * nodes than the node budget has room for, or as many relationships as the edge budget allows, the walk stops
 * there anyway: further levels are not expanded.
 */
function level(l: number): string {
  const previous = `level${l - 1}`;
  return `CALL (asOf, level0, ${previous}, seen, rows) {
  CALL (asOf, level0, ${previous}, seen, rows) {
    WITH asOf, ${previous} WHERE $walk.levels >= ${l} AND size(seen) - size(level0) < $walk.room AND size(rows) < $walk.rowLimit
    UNWIND ${previous} AS f
    CALL (f, asOf) {
        ${expansionBranches()}
    }
    RETURN {level: ${l}, from: f.id, fromElement: ${l === 1 ? 'elementId(f)' : 'null'}, direction: direction, type: type, outgoing: outgoing,
            to: n.id, toElement: elementId(n), kind: ${kindOf('n')}} AS row, n
    LIMIT toInteger($walk.rowLimit)
  }
  RETURN collect(row) AS rows${l}, collect(DISTINCT n) AS reached${l}
}
WITH asOf, level0, rows + rows${l} AS rows, seen, [n IN reached${l} WHERE NOT elementId(n) IN $walk.visited AND NOT n IN seen][0..toInteger($walk.room)] AS level${l}
WITH asOf, level0, rows, level${l}, seen + level${l} AS seen`;
}

/**
 * Up to LEVELS_PER_STATEMENT levels of a breadth-first walk in one statement ($walk.levels of them): from the start
 * (by label and id) on the first call, from the frontier (by element id, valid within the transaction) after.
 * Each level is one typed, directed expansion of the previous level's new nodes, filtered by the instant.
 */
const EXPAND = `${REUSE_PLAN} WITH datetime($walk.asOf) AS asOf
CALL () {
  CALL () {
    UNWIND $walk.frontier AS element MATCH (f) WHERE elementId(f) = element RETURN f
    UNION ALL
    ${NODE_KINDS.map((kind) => `MATCH (f:${kind} {id: $walk.start}) WHERE $walk.startKind = '${kind}' RETURN f`).join('\n    UNION ALL\n    ')}
  }
  RETURN collect(f) AS level0
}
WITH asOf, level0, level0 AS seen, [] AS rows
${Array.from({ length: LEVELS_PER_STATEMENT }, (_, index) => level(index + 1)).join('\n')}
UNWIND rows AS row
RETURN row.level AS level, row.from AS from, row.fromElement AS fromElement, row.direction AS direction, row.type AS type,
       row.outgoing AS outgoing, row.to AS to, row.toElement AS toElement, row.kind AS kind`;

/** Whether a node has a neighbour in `direction` that exists as of the instant (and, with `outside`, is not in $describe.visited). */
function neighbourExists(kind: NodeKind, direction: Direction, outside: boolean): string {
  const steps = stepsFrom(kind, direction);
  if (steps.length === 0) return 'false';
  const condition = (step: LineageStep) => [EXISTS_AT[step.to]('m'), ...(outside ? ['NOT m.id IN $describe.visited'] : [])].join(' AND ');
  return steps.map((step) => `EXISTS { MATCH ${pattern(step, 'n', 'm')} WHERE ${condition(step)} }`).join(' OR ');
}

function describeBranch(kind: NodeKind): string {
  return `UNWIND $describe.nodes.${kind} AS x
    MATCH (n:${kind} {id: x.id})
    RETURN n.id AS id, ${PROJECTION[kind]} AS props, ${EXISTS_AT[kind]('n')} AS existed,
      CASE WHEN x.up THEN ${neighbourExists(kind, 'UP', true)} END AS moreUp,
      CASE WHEN x.down THEN ${neighbourExists(kind, 'DOWN', true)} END AS moreDown,
      CASE WHEN x.source THEN NOT (${neighbourExists(kind, 'UP', false)}) END AS isSource`;
}

/**
 * The nodes of an answer with their key properties, whether they existed as of the instant (it matters for the
 * start) and, where the walk could not tell, whether they have neighbours beyond the answer (`$describe.visited`) and
 * whether a dataset version is a source.
 */
const DESCRIBE = `${REUSE_PLAN} WITH datetime($describe.asOf) AS asOf
CALL (asOf) {
  ${NODE_KINDS.map(describeBranch).join('\n  UNION ALL\n  ')}
}
RETURN id, props, existed, moreUp, moreDown, isSource`;

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
  existed: boolean;
  moreUp: boolean | null;
  moreDown: boolean | null;
  isSource: boolean | null;
}

export class TraversalRepository {
  /**
   * Runs each traversal statement once on nothing, so that Neo4j plans and caches it before the first question:
   * planning takes seconds, answering from a cached plan milliseconds.
   */
  async prepare(tx: Tx): Promise<void> {
    const asOf = new Date().toISOString();
    await tx.rows(EXPAND, { walk: { start: null, startKind: null, frontier: [], visited: [], levels: 1, up: true, down: true, rowLimit: 1, room: 1, asOf } });
    await tx.rows(DESCRIBE, { describe: { nodes: Object.fromEntries(NODE_KINDS.map((kind) => [kind, []])), visited: [], asOf } });
  }

  async expand(tx: Tx, request: ExpansionRequest, asOf: string): Promise<ExpansionRow[]> {
    const { start, ...walk } = request;
    return tx.rows<ExpansionRow>(EXPAND, { walk: { ...walk, start: start?.id ?? null, startKind: start?.kind ?? null, asOf } });
  }

  async describe(tx: Tx, nodes: readonly DescribeRequest[], visited: readonly string[], asOf: string): Promise<Map<string, DescribedNode>> {
    const grouped: Record<string, Array<Omit<DescribeRequest, 'kind'>>> = Object.fromEntries(NODE_KINDS.map((kind) => [kind, []]));
    for (const { kind, ...node } of nodes) grouped[kind]!.push(node);
    const rows = await tx.rows<DescribedNode>(DESCRIBE, { describe: { nodes: grouped, visited, asOf } });
    return new Map(rows.map((row) => [row.id, row]));
  }
}

/** The generated statements, for tests and for the benchmark's bare-driver baseline. */
export const TRAVERSAL_CYPHER = { EXPAND, DESCRIBE };
