import type { EdgeType, NodeKind } from '../../core/vocabulary';

/**
 * The lineage relation, as one table: which relationship leads from a node of one kind to a neighbour, upstream
 * (towards what it was made from) or downstream (towards what was made from it). Every traversal query is
 * generated from this table, so the Cypher only ever names these labels and relationship types, provenance and
 * impact are exact mirror images, and no traversal can wander along a relationship that is not lineage.
 */

export type Direction = 'UP' | 'DOWN';
export const DIRECTIONS: readonly Direction[] = ['UP', 'DOWN'];

export interface LineageStep {
  from: NodeKind;
  direction: Direction;
  type: EdgeType;
  /** True when the relationship points from `from` to `to` in the graph. */
  outgoing: boolean;
  to: NodeKind;
}

/**
 * Upstream steps: a deployment serves a model version; a version (dataset or model) was written by a run; a run
 * read dataset versions, ran a commit and was started by a parent run. Containers (dataset, job, model) are never
 * reached from their members, which keeps lineage version-correct: two versions of one dataset are not related
 * through their dataset. A container is only a starting point, from which a traversal enters its members.
 */
const UPSTREAM: readonly LineageStep[] = [
  { from: 'Deployment', direction: 'UP', type: 'SERVES', outgoing: true, to: 'ModelVersion' },
  { from: 'ModelVersion', direction: 'UP', type: 'WROTE', outgoing: false, to: 'Run' },
  { from: 'DatasetVersion', direction: 'UP', type: 'WROTE', outgoing: false, to: 'Run' },
  { from: 'Run', direction: 'UP', type: 'READ', outgoing: true, to: 'DatasetVersion' },
  { from: 'Run', direction: 'UP', type: 'RAN_CODE', outgoing: true, to: 'Commit' },
  { from: 'Run', direction: 'UP', type: 'CHILD_OF', outgoing: true, to: 'Run' },
];

/** Downstream is upstream reversed, step by step. */
const DOWNSTREAM: readonly LineageStep[] = UPSTREAM.map((step) => ({
  from: step.to,
  direction: 'DOWN' as const,
  type: step.type,
  outgoing: !step.outgoing,
  to: step.from,
}));

/** From a container to its members, in both directions. */
const MEMBERSHIP: readonly LineageStep[] = DIRECTIONS.flatMap((direction) => [
  { from: 'Dataset' as const, direction, type: 'VERSION_OF' as const, outgoing: false, to: 'DatasetVersion' as const },
  { from: 'Model' as const, direction, type: 'VERSION_OF' as const, outgoing: false, to: 'ModelVersion' as const },
  { from: 'Job' as const, direction, type: 'RUN_OF' as const, outgoing: false, to: 'Run' as const },
]);

export const LINEAGE_STEPS: readonly LineageStep[] = [...UPSTREAM, ...DOWNSTREAM, ...MEMBERSHIP];

const STEPS_BY_FROM = new Map<NodeKind, LineageStep[]>();
for (const step of LINEAGE_STEPS) STEPS_BY_FROM.set(step.from, [...(STEPS_BY_FROM.get(step.from) ?? []), step]);

/**
 * Whether a relationship, as a walk crossed it, is a step of the table (a relationship that follows no step is
 * data outside the model, and ignored). Asked for every relationship of a walk: it looks through the few steps of
 * the kind rather than building a key to look up.
 */
export function isStep(from: NodeKind, direction: Direction, type: EdgeType, outgoing: boolean, to: NodeKind | null): boolean {
  for (const step of STEPS_BY_FROM.get(from) ?? []) {
    if (step.direction === direction && step.type === type && step.outgoing === outgoing && step.to === to) return true;
  }
  return false;
}

export function stepsFrom(kind: NodeKind, direction: Direction): LineageStep[] {
  return LINEAGE_STEPS.filter((step) => step.from === kind && step.direction === direction);
}

/**
 * When a node exists as of the instant bound to `asOf` in the query (a Cypher DateTime), as a Cypher predicate
 * over the node variable `v`:
 * - dataset and model versions exist from their `createdAt`;
 * - a run exists from its start (its end if its start was never recorded); a run known only as the parent of
 *   another has no times and exists whenever its children do;
 * - a deployment exists from `deployedAt` (whether it is still live is a separate question);
 * - commits and containers (dataset, job, model) are names rather than events: they exist whenever something
 *   that refers to them does.
 * An edge exists when both its ends exist, which gives the documented rules: a run's READ edges exist with the
 * run, a WROTE edge with its output.
 */
export const EXISTS_AT: Readonly<Record<NodeKind, (v: string) => string>> = {
  Dataset: () => 'true',
  DatasetVersion: (v) => `${v}.createdAt <= asOf`,
  Job: () => 'true',
  Run: (v) => `coalesce(${v}.startedAt, ${v}.endedAt, asOf) <= asOf`,
  Commit: () => 'true',
  Model: () => 'true',
  ModelVersion: (v) => `${v}.createdAt <= asOf`,
  Deployment: (v) => `${v}.deployedAt <= asOf`,
};

/** The order in which kinds are listed in answers (after depth): the way a reader walks a pipeline. */
export const KIND_ORDER: Readonly<Record<NodeKind, number>> = {
  Deployment: 0,
  ModelVersion: 1,
  Model: 2,
  Run: 3,
  Job: 4,
  DatasetVersion: 5,
  Dataset: 6,
  Commit: 7,
};

/**
 * Data flows from the upstream end of an edge to its downstream end. For every type but WROTE, the upstream end
 * is the relationship's target (a run READ a version, RAN_CODE a commit; a deployment SERVES a model version).
 */
export function upstreamEndIsSource(type: EdgeType): boolean {
  return type === 'WROTE';
}
