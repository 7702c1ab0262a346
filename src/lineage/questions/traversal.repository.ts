import type { Tx } from '../../db/database';
import { kindOfId } from '../../core/ids';
import { NODE_KINDS, type EdgeType, type NodeKind } from '../../core/vocabulary';
import { DIRECTIONS, EXISTS_AT, isStep, LINEAGE_STEPS, type Direction } from './lineage-steps';
import type { Expand, ExpansionRequest, ExpansionRow, NodeRef } from './traversal';

/**
 * The Cypher of every traversal, generated from the step table (lineage-steps.ts): labels and relationship types
 * come only from that table, values only from parameters, in one map per statement (Neo4j caches a plan per
 * statement and per type and size class of each parameter: separate lists would have a statement planned again
 * each time a list grows into a new size class).
 *
 * How a question is answered, and why (PROFILE and the side-by-side benchmark, bench/README.md):
 *
 * - One statement (WALK) finds what the walk can reach within its depth, nearest first, with Neo4j's
 *   breadth-first variable-length expand (VarLengthExpand(Pruning,BFS): each node once, stops at a LIMIT), then
 *   describes each of those nodes: its key properties, its relationships in the directions walked, and a few of
 *   its neighbours in the others. The breadth-first walk of traversal.ts then runs over these, in memory, exactly
 *   as it ran over the levels the database used to expand five at a time: budgets, depths, paths and flags are
 *   the walk's. A question costs one round trip whatever its depth (a round trip is 2.5 ms on a quiet machine
 *   here and 10 to 20 ms on a busy one), plus DESCRIBE for the few nodes the samples cannot settle.
 * - Every plan is good whatever the store held when it was made (a service started on an empty store plans
 *   there and keeps its plans while the store fills): no pattern names the label of the node it leads to, so the
 *   planner can only expand from the node it has. With a label (and the range index on createdAt) on the far end,
 *   the planner on an empty store chose to seek every dataset version created before the instant and check each
 *   for the relationship: 2.1 million db hits to describe 129 nodes, against 3,800 with a plan made on the full
 *   store. Kinds come from the id prefix; whether a node exists as of the instant is a CASE expression.
 * - Statements are smaller (4.7 KB of text per question instead of 48 KB) and quicker to plan than the five
 *   unrolled levels of the previous walk, but planning one still takes seconds on a busy machine (1.6 to 2.5 s
 *   at load 31, against 4.8 to 25 s): the common ones are planned at start-up (`prepare`), for latency only, since
 *   no plan has to be kept against Neo4j's replanning.
 */

/**
 * Key properties of each kind, as the answers show them. Instants travel as epoch milliseconds (`ms(...)`), not
 * as Neo4j DateTimes: an answer holds hundreds of them, and the JavaScript driver takes tens of microseconds to
 * decode each DateTime, against nothing for a number. lineage-node.ts turns them back into Dates.
 */
const ms = (v: string, property: string) => `${property}: ${v}.${property}.epochMillis`;
const PROJECTION: Readonly<Record<NodeKind, (v: string) => string>> = {
  Dataset: (v) => `${v} { .namespace, .name, ${ms(v, 'createdAt')} }`,
  DatasetVersion: (v) => `${v} { .namespace, .name, .version, .digest, .uri, .rowCount, ${ms(v, 'createdAt')} }`,
  Job: (v) => `${v} { .namespace, .name, ${ms(v, 'createdAt')} }`,
  Run: (v) => `${v} { .runId, .state, ${ms(v, 'startedAt')}, ${ms(v, 'endedAt')}, job: [(${v})-[:RUN_OF]->(j) | j { .namespace, .name }][0] }`,
  Commit: (v) => `${v} { .repository, .sha, .branch, .author, ${ms(v, 'committedAt')}, ${ms(v, 'createdAt')} }`,
  Model: (v) => `${v} { .name, ${ms(v, 'createdAt')} }`,
  ModelVersion: (v) => `${v} { .modelName, .version, .artifactUri, .digest, .framework, ${ms(v, 'createdAt')} }`,
  Deployment: (v) =>
    `${v} { .name, .environment, .endpoint, ${ms(v, 'deployedAt')}, ${ms(v, 'retiredAt')}, .deployedBy, modelVersion: [(${v})-[:SERVES]->(mv) | mv { .modelName, .version }][0] }`,
};

const ANY_KIND = NODE_KINDS.join('|');

/** The key properties of `v`, whatever its kind. */
const propsOf = (v: string) => `CASE ${NODE_KINDS.map((kind) => `WHEN ${v}:${kind} THEN ${PROJECTION[kind](v)}`).join(' ')} END`;

/** Whether `v` exists as of the instant bound to `asOf`, whatever its kind (EXISTS_AT). */
function existsByLabel(v: string): string {
  const cases = NODE_KINDS.filter((kind) => EXISTS_AT[kind](v) !== 'true').map((kind) => `WHEN ${v}:${kind} THEN ${EXISTS_AT[kind](v)}`);
  return `CASE ${cases.join(' ')} ELSE true END`;
}

/** The relationship types that leave (outgoing) or enter a node in a direction, from the step table. */
function typesOf(direction: Direction, outgoing: boolean): EdgeType[] {
  return [...new Set(LINEAGE_STEPS.filter((step) => step.direction === direction && step.outgoing === outgoing).map((step) => step.type))];
}

const ALL_TYPES = [...new Set(LINEAGE_STEPS.map((step) => step.type))];
const flag = (direction: Direction) => `$walk.${direction === 'UP' ? 'up' : 'down'}`;
const list = (types: readonly string[]) => `[${types.map((type) => `'${type}'`).join(', ')}]`;

/**
 * The relationships of `f` in a direction, as `direction, outgoing, r, n` rows: one typed, directed expand per
 * orientation, each switched on by `condition` (null: always).
 */
function neighbours(f: string, n: string, direction: Direction, condition: string | null): string[] {
  return [true, false].flatMap((outgoing) => {
    const types = typesOf(direction, outgoing);
    if (types.length === 0) return [];
    const relationship = outgoing ? `(${f})-[r:${types.join('|')}]->(${n})` : `(${f})<-[r:${types.join('|')}]-(${n})`;
    return [`${condition ? `WITH ${f} WHERE ${condition} ` : ''}MATCH ${relationship} RETURN '${direction}' AS direction, ${outgoing} AS outgoing, r, ${n}`];
  });
}

/**
 * Whether the relationship `r` from `a` to `b` is a step of a walked direction to a node that exists as of the
 * instant: a predicate on the relationship and its two ends only, so that Neo4j applies it on every hop of the
 * variable-length expand (a predicate on `b` alone is applied to the last node only).
 */
const STEP = `CASE WHEN (startNode(r) = a AND ((${flag('UP')} AND type(r) IN ${list(typesOf('UP', true))}) OR (${flag('DOWN')} AND type(r) IN ${list(typesOf('DOWN', true))})))
      OR (endNode(r) = a AND ((${flag('UP')} AND type(r) IN ${list(typesOf('UP', false))}) OR (${flag('DOWN')} AND type(r) IN ${list(typesOf('DOWN', false))})))
    THEN ${existsByLabel('b')} ELSE false END`;

/** Neighbours listed per node in a direction the walk does not follow (outside the walk's reach): 1 decides, 2 spare one. */
export const OUTSIDE = 2;

/** The kinds whose "is a source" check (no producer) looks upstream, from the step table: dataset versions. */
const SOURCE_KINDS: readonly NodeKind[] = ['DatasetVersion'];

/**
 * What a statement says about each node `f`: [id, key properties, whether it existed at the instant, its
 * relationships in the walked directions to nodes that existed then as [direction, type, neighbour] (at most
 * $walk.rowLimit), up to OUTSIDE of its neighbours in the other directions that are not in `reach` (the nodes the
 * statement reached) as [direction, type, neighbour], and, for a dataset version in a walk that does not go
 * upstream, whether something that existed then produced it].
 */
const NODE_DETAILS = `CALL (f, asOf) {
    CALL (f) {
      ${DIRECTIONS.flatMap((direction) => neighbours('f', 'n', direction, flag(direction))).join('\n      UNION ALL\n      ')}
    }
    WITH direction, r, n WHERE ${existsByLabel('n')}
    WITH direction, r, n LIMIT toInteger($walk.rowLimit)
    RETURN collect([direction, type(r), n.id]) AS rows
  }
  CALL (f, asOf, reach) {
    CALL (f) {
      ${DIRECTIONS.flatMap((direction) => neighbours('f', 'n', direction, `NOT ${flag(direction)}`)).join('\n      UNION ALL\n      ')}
    }
    WITH direction, r, n WHERE ${existsByLabel('n')} AND NOT n IN reach
    WITH direction, r, n LIMIT ${OUTSIDE}
    RETURN collect([direction, type(r), n.id]) AS outside
  }
  RETURN collect([f.id, ${propsOf('f')}, ${existsByLabel('f')}, rows, outside,
    CASE WHEN NOT ${flag('UP')} AND (${SOURCE_KINDS.map((kind) => `f:${kind}`).join(' OR ')}) THEN ${producedBy('f')} END]) AS nodes`;

/** Whether something that existed at the instant produced `v` (a step upstream from it). */
function producedBy(v: string): string {
  return `EXISTS { CALL (${v}) { ${neighbours(v, 'p', 'UP', null).join(' UNION ALL ')} } WITH p WHERE ${existsByLabel('p')} RETURN true }`;
}

/**
 * The walk of `depth` hops from the start (by id: one unique index seek per label): the start and the nodes
 * within reach, nearest first, at most $walk.limit of them, each with NODE_DETAILS. The depth is part of the text
 * (a variable-length bound cannot be a parameter): one plan per depth asked.
 */
function walkStatement(depth: number): string {
  return `WITH datetime($walk.asOf) AS asOf
MATCH (s:${ANY_KIND} {id: $walk.start})
CALL (s, asOf) {
  MATCH (s)((a)-[r:${ALL_TYPES.join('|')}]-(b) WHERE ${STEP}){1,${depth}}(x)
  WITH DISTINCT x LIMIT toInteger($walk.limit)
  RETURN collect(x) AS reached
}
WITH asOf, [s] + reached AS reach
UNWIND reach AS f
${NODE_DETAILS}`;
}

const WALKS = new Map<number, string>();
function walkOf(depth: number): string {
  let statement = WALKS.get(depth);
  if (!statement) WALKS.set(depth, (statement = walkStatement(depth)));
  return statement;
}

/**
 * One level of expansion of the given nodes (by id), in the directions asked, with NODE_DETAILS for each of them:
 * what a walk asks when its statement did not reach a node it must expand. Its `outside` lists exclude nothing.
 */
const EXPAND = `WITH datetime($walk.asOf) AS asOf, [] AS reach
UNWIND $walk.frontier AS id
MATCH (f:${ANY_KIND} {id: id})
${NODE_DETAILS}`;

/** A step-valid neighbour relationship, as the steps table names it: `fromKind|direction|type|outgoing|toKind`. */
const STEP_KEYS = LINEAGE_STEPS.map((step) => `${step.from}|${step.direction}|${step.type}|${step.outgoing}|${step.to}`);

/** Whether `n` has a step neighbour in a direction that exists as of the instant (and, with `outside`, is not in $describe.visited). */
function neighbourExists(direction: Direction, outside: boolean): string {
  const step = `split(n.id, ':')[0] + '|${direction}|' + type(r) + '|' + toString(outgoing) + '|' + split(m.id, ':')[0]`;
  return `EXISTS {
      CALL (n) {
        ${neighbours('n', 'm', direction, null).join('\n        UNION ALL\n        ')}
      }
      WITH outgoing, r, m WHERE ${existsByLabel('m')} AND ${step} IN $describe.steps${outside ? ' AND NOT m.id IN $describe.visited' : ''}
      RETURN true
    }`;
}

/**
 * The nodes of an answer with their key properties, whether they existed as of the instant and, where asked,
 * whether they have neighbours beyond the answer (`$describe.visited`) and whether a dataset version is a source:
 * for search hits, and for the nodes of a walk its statement could not settle.
 */
const DESCRIBE = `WITH datetime($describe.asOf) AS asOf
UNWIND $describe.nodes AS x
MATCH (n:${ANY_KIND} {id: x.id})
RETURN n.id AS id, ${propsOf('n')} AS props, ${existsByLabel('n')} AS existed,
  CASE WHEN x.up THEN ${neighbourExists('UP', true)} END AS moreUp,
  CASE WHEN x.down THEN ${neighbourExists('DOWN', true)} END AS moreDown,
  CASE WHEN x.source THEN NOT ${neighbourExists('UP', false)} END AS isSource`;

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

/** A relationship of a node as a statement lists it: [direction, type, neighbour's id]. */
type Listed = [Direction, EdgeType, string];
type Details = [string, Record<string, unknown>, boolean, Listed[], Listed[], boolean | null];

interface NodeDetails {
  id: string;
  kind: NodeKind;
  props: Record<string, unknown>;
  existed: boolean;
  rows: Listed[];
  outside: Listed[];
  produced: boolean | null;
  /** The nodes its `outside` excludes: what the statement reached (none for EXPAND). */
  reach: ReadonlySet<string>;
}

/** What a walk is about: where it starts, which way it goes, how far and how much, as of when. */
export interface WalkPlan {
  start: NodeRef;
  directions: readonly Direction[];
  maxDepth: number;
  maxNodes: number;
  maxEdges: number;
  asOf: string;
}

/** What a walk gives walkLineage: the expansions traversal.ts asks for, then the description of what it reached. */
export interface Walk {
  expand: Expand;
  describe(nodes: readonly DescribeRequest[], answer: ReadonlySet<string>): Promise<Map<string, DescribedNode>>;
}

/** Whether a relationship of a type, in a direction, leaves the node (from the step table: the pair decides). */
const OUTGOING: Readonly<Record<Direction, ReadonlySet<EdgeType>>> = { UP: new Set(typesOf('UP', true)), DOWN: new Set(typesOf('DOWN', true)) };

/**
 * One walk inside the caller's read transaction. Its `expand` answers the breadth-first walk of traversal.ts
 * exactly as the database would, level by level (new nodes only, at most `rowLimit` relationships per level,
 * no further level once a budget is spent), from what the WALK statement reported; a node it did not reach is
 * expanded by EXPAND. `describe` then settles the answer's flags from the same reports, and asks DESCRIBE only
 * for what they cannot settle. Nodes travel by id: the walk hands ids to traversal.ts where it would have
 * handed element ids (they are only ever given back).
 */
export class TraversalWalk implements Walk {
  private readonly details = new Map<string, NodeDetails>();
  private walked = false;

  constructor(
    private readonly tx: Tx,
    private readonly plan: WalkPlan,
  ) {}

  expand = async (request: ExpansionRequest): Promise<ExpansionRow[]> => {
    if (!this.walked) {
      this.walked = true;
      const { start, directions, maxDepth, maxNodes, maxEdges, asOf } = this.plan;
      // Twice the node budget: a walk cut by the budget usually finds the whole level it cuts within it.
      const nodes = await this.statement(walkOf(maxDepth), { start: start.id, limit: 2 * maxNodes, rowLimit: maxEdges + 1, ...this.flags(directions), asOf });
      this.remember(nodes, new Set(nodes.map(([id]) => id)));
    }
    const visited = new Set(request.visited);
    let previous: string[] = request.start ? (this.details.has(request.start.id) ? [request.start.id] : []) : [...request.frontier];
    const seen = new Set(previous);
    const rows: ExpansionRow[] = [];
    let added = 0;
    for (let level = 1; level <= request.levels && previous.length > 0 && added < request.room && rows.length < request.rowLimit; level++) {
      await this.ensure(previous, request.rowLimit);
      const levelRows: ExpansionRow[] = [];
      for (const from of previous) {
        for (const [direction, type, to] of this.details.get(from)!.rows) {
          if (levelRows.length >= request.rowLimit) break;
          const kind = kindOfId(to);
          const outgoing = OUTGOING[direction].has(type);
          if (kind) levelRows.push({ level, from, fromElement: level === 1 ? from : null, direction, type, outgoing, to, toElement: to, kind });
        }
      }
      rows.push(...levelRows);
      const next: string[] = [];
      for (const row of levelRows) {
        if (visited.has(row.to) || seen.has(row.to)) continue;
        seen.add(row.to);
        next.push(row.to);
      }
      added += next.length;
      previous = next;
    }
    return rows;
  };

  /**
   * The description of every node with the checks asked for (traversal.ts pendingChecks): from the walk's
   * reports where they settle them, from DESCRIBE for the rest (and for a start that was not found).
   */
  async describe(nodes: readonly DescribeRequest[], answer: ReadonlySet<string>): Promise<Map<string, DescribedNode>> {
    const described = new Map<string, DescribedNode>();
    const unsettled: DescribeRequest[] = [];
    const covers = new Map<ReadonlySet<string>, boolean>();
    /** Whether every node a report's `outside` excluded is in the answer (then an empty list means "no more"). */
    const covered = (reach: ReadonlySet<string>) => {
      let known = covers.get(reach);
      if (known === undefined) covers.set(reach, (known = [...reach].every((id) => answer.has(id))));
      return known;
    };
    for (const node of nodes) {
      const details = this.details.get(node.id);
      const settled = details && settle(node, details, answer, covered(details.reach), this.plan);
      if (settled) described.set(node.id, settled);
      else unsettled.push(node);
    }
    if (unsettled.length > 0) for (const [id, node] of await describeNodes(this.tx, unsettled, [...answer], this.plan.asOf)) described.set(id, node);
    return described;
  }

  /** Fetches the details of the nodes the walk must expand and has none for (EXPAND). */
  private async ensure(ids: readonly string[], rowLimit: number): Promise<void> {
    const missing = ids.filter((id) => !this.details.has(id));
    if (missing.length === 0) return;
    this.remember(await this.statement(EXPAND, { frontier: missing, rowLimit, ...this.flags(this.plan.directions), asOf: this.plan.asOf }), new Set());
    // A node no longer found has nothing to expand.
    for (const id of missing) {
      if (!this.details.has(id))
        this.details.set(id, { id, kind: kindOfId(id)!, props: {}, existed: false, rows: [], outside: [], produced: null, reach: new Set() });
    }
  }

  private flags(directions: readonly Direction[]) {
    return { up: directions.includes('UP'), down: directions.includes('DOWN') };
  }

  private async statement(query: string, walk: Record<string, unknown>): Promise<Details[]> {
    const [result] = await this.tx.rows<{ nodes: Details[] }>(query, { walk });
    return result?.nodes ?? [];
  }

  private remember(nodes: readonly Details[], reach: ReadonlySet<string>): void {
    for (const [id, props, existed, rows, outside, produced] of nodes) {
      const kind = kindOfId(id);
      if (kind && !this.details.has(id)) this.details.set(id, { id, kind, props, existed, rows, outside, produced, reach });
    }
  }
}

/**
 * The checks a node needs, from its details; null when they cannot settle one. In a walked direction the node's
 * relationships are all there (at most the edge budget, which a walk cannot exceed unnoticed). In the others, the
 * neighbours outside the statement's reach: one outside the answer settles "more"; none, when all the reach is in
 * the answer (the walk was not cut), settles "no more".
 */
function settle(node: DescribeRequest, details: NodeDetails, answer: ReadonlySet<string>, covered: boolean, plan: WalkPlan): DescribedNode | null {
  const valid = ([direction, type, id]: Listed) => isStep(node.kind, direction, type, OUTGOING[direction].has(type), kindOfId(id));
  const more = (direction: Direction): boolean | null => {
    if (plan.directions.includes(direction)) {
      if (details.rows.some((row) => row[0] === direction && valid(row) && !answer.has(row[2]))) return true;
      return details.rows.length <= plan.maxEdges ? false : null;
    }
    const outside = details.outside.filter((row) => row[0] === direction && valid(row));
    if (outside.some((row) => !answer.has(row[2]))) return true;
    return covered && details.outside.length < OUTSIDE ? false : null;
  };
  const moreUp = node.up ? more('UP') : null;
  const moreDown = node.down ? more('DOWN') : null;
  let isSource: boolean | null = null;
  if (node.source) {
    // Walked upstream: the relationships say whether anything produced it; otherwise the statement did.
    const produced = plan.directions.includes('UP') ? details.rows.some((row) => row[0] === 'UP' && valid(row)) : details.produced;
    isSource = produced === null ? null : !produced;
  }
  if ((node.up && moreUp === null) || (node.down && moreDown === null) || (node.source && isSource === null)) return null;
  return { id: node.id, props: details.props, existed: details.existed, moreUp, moreDown, isSource };
}

/** DESCRIBE for the given nodes, by id. */
async function describeNodes(tx: Tx, nodes: readonly DescribeRequest[], visited: readonly string[], asOf: string): Promise<Map<string, DescribedNode>> {
  const rows = await tx.rows<DescribedNode>(DESCRIBE, {
    describe: { nodes: nodes.map(({ id, up, down, source }) => ({ id, up, down, source })), visited, steps: STEP_KEYS, asOf },
  });
  return new Map(rows.map((row) => [row.id, row]));
}

/**
 * The depths whose walk statements are planned at start-up: the explorer's first view and its expansions (2 and 1,
 * explorer/src/url-state.ts) and the questions' default (20, traversal-limits.ts). Another depth is planned on its
 * first question.
 */
const PREPARED_DEPTHS = [1, 2, 20];

export class TraversalRepository {
  /**
   * Has Neo4j plan the statements of the common questions now, on nothing, rather than on their first question:
   * planning one takes a fraction of a second on a quiet machine, but seconds on a busy one (bench/README.md).
   * Only latency is at stake: every plan is good whatever the store holds when it is made, and Neo4j may replan
   * them as the store grows (nothing keeps them).
   */
  async prepare(tx: Tx): Promise<void> {
    const asOf = new Date().toISOString();
    const flags = { up: true, down: false };
    for (const depth of PREPARED_DEPTHS) await tx.rows(walkOf(depth), { walk: { start: '', limit: 1, rowLimit: 1, ...flags, asOf } });
    await tx.rows(EXPAND, { walk: { frontier: [], rowLimit: 1, ...flags, asOf } });
    await describeNodes(tx, [], [], asOf);
  }

  /** A walk in the caller's read transaction (see TraversalWalk). */
  walk(tx: Tx, plan: WalkPlan): TraversalWalk {
    return new TraversalWalk(tx, plan);
  }

  /** The nodes with their key properties and the checks asked for (search hits). */
  describe(tx: Tx, nodes: readonly DescribeRequest[], visited: readonly string[], asOf: string): Promise<Map<string, DescribedNode>> {
    return describeNodes(tx, nodes, visited, asOf);
  }
}

/** The generated statements, for tests and for the benchmark's bare-driver baseline. */
export const TRAVERSAL_CYPHER = { WALK: walkOf, EXPAND, DESCRIBE };
