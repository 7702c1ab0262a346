/**
 * The graph's vocabulary, named once: the labels of the lineage entities, the relationship types the lineage
 * questions walk, the states of a run and the events that move it, and why a traversal may stop short. The
 * recorder writes these names, the traversals and repositories put them in Cypher (labels and relationship types
 * only ever come from these closed lists), and the GraphQL enums are built from them (src/graphql/enums.ts), so
 * the API cannot drift from the graph.
 */

/** The labels of the lineage entities, each with a global id `<Label>:<digest>` (see ids.ts). */
export const NODE_KINDS = ['Dataset', 'DatasetVersion', 'Job', 'Run', 'Commit', 'Model', 'ModelVersion', 'Deployment'] as const;
export type NodeKind = (typeof NODE_KINDS)[number];

/** The relationship types of lineage (see lineage/questions/lineage-steps.ts for which way each one leads). */
export const EDGE_TYPES = ['VERSION_OF', 'RUN_OF', 'READ', 'WROTE', 'RAN_CODE', 'CHILD_OF', 'SERVES'] as const;
export type EdgeType = (typeof EDGE_TYPES)[number];

/** RUNNING until the run ends; COMPLETED, FAILED and ABORTED are final. */
export const RUN_STATES = ['RUNNING', 'COMPLETED', 'FAILED', 'ABORTED'] as const;
export type RunState = (typeof RUN_STATES)[number];

/**
 * What happened to a run, in the order of the OpenLineage spec (which names them). START and RUNNING keep it
 * running; COMPLETE, FAIL and ABORT end it; OTHER changes no state.
 */
export const RUN_EVENT_TYPES = ['START', 'RUNNING', 'COMPLETE', 'ABORT', 'FAIL', 'OTHER'] as const;
export type RunEventType = (typeof RUN_EVENT_TYPES)[number];

/** Why a traversal's answer is incomplete: the depth limit, the node budget, or the edge budget was reached. */
export const TRUNCATION_REASONS = ['DEPTH', 'NODE_BUDGET', 'EDGE_BUDGET'] as const;
export type TruncationReason = (typeof TRUNCATION_REASONS)[number];
