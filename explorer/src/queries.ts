/** The GraphQL the explorer asks, and the shapes of the answers it uses. */

import { FIELDS_SELECTION } from './columns';

export type Kind = 'DATASET' | 'DATASET_VERSION' | 'JOB' | 'RUN' | 'COMMIT' | 'MODEL' | 'MODEL_VERSION' | 'DEPLOYMENT';
export type Direction = 'UPSTREAM' | 'DOWNSTREAM' | 'BOTH';

export interface LineageNode {
  id: string;
  kind: Kind;
  /** Shortened for display; `fullLabel` has every name, version and run id whole. */
  label: string;
  fullLabel: string;
  time: string | null;
  properties: Record<string, unknown>;
  isSource: boolean;
  isLive: boolean | null;
  hasMoreUpstream: boolean;
  hasMoreDownstream: boolean;
}

export interface LineageEdge {
  id: string;
  type: string;
  upstream: string;
  downstream: string;
}

export interface LineageGraph {
  start: LineageNode;
  asOf: string;
  truncated: boolean;
  truncatedReason: 'DEPTH' | 'NODE_BUDGET' | 'EDGE_BUDGET' | null;
  maxNodes: number;
  maxDepth: number;
  nodes: LineageNode[];
  edges: LineageEdge[];
}

export const NODE = `id kind label fullLabel time properties isSource isLive hasMoreUpstream hasMoreDownstream`;
export const EDGE = `id type upstream downstream`;

export const SEARCH = `query Search($query: String!) { search(query: $query, first: 15) { score node { ${NODE} } } }`;

export const LINEAGE_GRAPH = `query Graph($from: ID!, $direction: LineageDirection!, $depth: Int, $asOf: DateTimeISO, $maxNodes: Int) {
  lineageGraph(from: $from, direction: $direction, depth: $depth, asOf: $asOf, maxNodes: $maxNodes) {
    start { ${NODE} } asOf truncated truncatedReason maxNodes maxDepth nodes { ${NODE} } edges { ${EDGE} }
  }
}`;

export interface Provenance {
  start: LineageNode;
  asOf: string;
  truncated: boolean;
  nodes: LineageNode[];
  edges: LineageEdge[];
  sources: LineageNode[];
}

export const PROVENANCE = `query Provenance($from: ID!, $asOf: DateTimeISO) {
  provenance(from: $from, asOf: $asOf, maxNodes: 500) { start { ${NODE} } asOf truncated nodes { ${NODE} } edges { ${EDGE} } sources { id label fullLabel } }
}`;

export interface Impact {
  start: LineageNode;
  asOf: string;
  truncated: boolean;
  nodes: LineageNode[];
  edges: LineageEdge[];
  environments: Array<{ environment: string; live: LineageNode[]; retired: LineageNode[] }>;
}

export const IMPACT = `query Impact($from: ID!, $asOf: DateTimeISO) {
  impact(from: $from, asOf: $asOf, maxNodes: 500) {
    start { ${NODE} } asOf truncated nodes { ${NODE} } edges { ${EDGE} }
    environments { environment live { id label fullLabel } retired { id label fullLabel } }
  }
}`;

/** The deployment live in a slot at an instant: where time travel moves a deployment that did not exist yet. */
export const LIVE_DEPLOYMENT = `query Live($name: String!, $environment: String!, $asOf: DateTimeISO) {
  liveDeployment(name: $name, environment: $environment, asOf: $asOf) { id deployedAt }
}`;

const HISTORY = `history(first: 5) { totalCount nodes { at actor operation source } }`;
/** Events that contradicted the node's recorded facts (runs, dataset and model versions): what was set aside. */
const CONFLICTS = `conflicts(first: 5) { totalCount nodes { id eventType eventTime conflicts { entityId path message } } }`;
const RUN_REF = `id runId state startedAt job { name }`;

/** Everything the details panel shows, by type. */
export const NODE_DETAILS = `query Details($id: ID!) {
  node(id: $id) {
    __typename id
    ... on Deployment { name environment endpoint deployedAt retiredAt deployedBy retiredBy isLive
      modelVersion { id modelName version } previous { id deployedAt modelVersion { version } } next { id deployedAt modelVersion { version } } ${HISTORY} }
    ... on ModelVersion { modelName version artifactUri digest framework metrics createdAt model { id } ${FIELDS_SELECTION}
      trainingRun { ${RUN_REF} } deployments { id name environment deployedAt retiredAt isLive } ${HISTORY} ${CONFLICTS} }
    ... on DatasetVersion { namespace name version digest uri rowCount createdAt schema { name type } ${FIELDS_SELECTION}
      dataset { id } producedBy { ${RUN_REF} } consumedBy(first: 10) { totalCount nodes { ${RUN_REF} } } ${HISTORY} ${CONFLICTS} }
    ... on Run { runId state startedAt endedAt parameters errorMessage job { id namespace name }
      commit { id repository sha message author } parent { ${RUN_REF} }
      inputs { id name version } outputs { id name version } modelVersions { id modelName version } ${HISTORY} ${CONFLICTS} }
    ... on Commit { repository sha branch author message committedAt createdAt runs(first: 10) { totalCount nodes { ${RUN_REF} } } ${HISTORY} }
    ... on Dataset { namespace name description createdAt latestVersion { id version } versions(first: 10) { totalCount nodes { id version createdAt } } ${HISTORY} }
    ... on Model { name description createdAt latestVersion { id version } versions(first: 10) { totalCount nodes { id version createdAt } } ${HISTORY} }
    ... on Job { namespace name description createdAt runs(first: 10) { totalCount nodes { ${RUN_REF} } } ${HISTORY} }
  }
}`;

/**
 * Node kinds the questions start from (the service says the same: QUESTION_STARTS in
 * src/lineage/questions/question-start.ts). A dataset's provenance starts from its version current at the instant,
 * a model's from its newest version, a job's from its newest completed run: the answer's `start` says which.
 */
export const PROVENANCE_KINDS: readonly Kind[] = ['DEPLOYMENT', 'MODEL_VERSION', 'DATASET_VERSION', 'RUN', 'DATASET', 'MODEL', 'JOB'];
export const IMPACT_KINDS: readonly Kind[] = ['DATASET', 'DATASET_VERSION', 'COMMIT', 'RUN', 'MODEL_VERSION', 'MODEL', 'JOB'];
/** Audit reports exist for these (GET /reports/audit/<id>.html). */
export const REPORT_KINDS: readonly Kind[] = ['DEPLOYMENT', 'MODEL_VERSION'];
