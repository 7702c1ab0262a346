import type { Driver } from 'neo4j-driver';
import { bareWalk, type BareWalk } from '../bare-walk';

/**
 * The questions a side-by-side run times, each three ways: the service's GraphQL API over HTTP, the bare Cypher
 * of the same walk (the floor, bench/bare-walk.ts), and Marquez's lineage endpoint, which answers every
 * question with the same thing (the connected component of a dataset, to the depth asked).
 */

export type Question = 'provenance' | 'impact' | 'lineageGraph' | 'reproductionRecipe';
export const QUESTIONS: readonly Question[] = ['provenance', 'impact', 'lineageGraph', 'reproductionRecipe'];

/**
 * What a client asks. provenance and lineageGraph are `../shared/peers/queries/prov.graphql` and `graph.graphql`
 * (the figures of issue 12 were measured with them); impact is provenance's mirror; reproductionRecipe selects
 * the recipe without resolving the runs again.
 */
const DOCUMENTS: Record<Question, string> = {
  provenance: `query($from: ID!, $d: Int) { provenance(from: $from, maxDepth: $d, maxNodes: 10000) { truncated truncatedReason nodes { id kind label depth } edges { type source target } } }`,
  impact: `query($from: ID!, $d: Int) { impact(from: $from, maxDepth: $d, maxNodes: 10000) { truncated truncatedReason nodes { id kind label depth } edges { type source target } } }`,
  lineageGraph: `query($from: ID!, $d: Int) { lineageGraph(from: $from, depth: $d, direction: UPSTREAM, maxNodes: 2000) { truncated truncatedReason nodes { id kind label } edges { type source target } } }`,
  reproductionRecipe: `query($from: ID!, $d: Int) { reproductionRecipe(modelVersion: $from, maxDepth: $d, maxNodes: 10000) { truncated truncatedReason complete
    steps { order id runId jobName state commit { sha } inputs { id version } outputs { id version } dependsOn } sources { id version } commits { sha } gaps { problem } } }`,
};

/** The same walk as each question, for the floor. */
export function walkOf(question: Question, from: string, depth: number): BareWalk {
  switch (question) {
    case 'provenance':
      return { from, directions: ['UP'], maxDepth: depth, maxNodes: 10_000 };
    case 'impact':
      return { from, directions: ['DOWN'], maxDepth: depth, maxNodes: 10_000 };
    case 'lineageGraph':
      return { from, directions: ['UP'], maxDepth: depth, maxNodes: 2_000 };
    case 'reproductionRecipe':
      return { from, directions: ['UP'], maxDepth: depth, maxNodes: 10_000, runParameters: true };
  }
}

export interface Answer {
  ms: number;
  bytes: number;
  /** Nodes in the answer (service, floor) or in Marquez's graph. */
  nodes: number;
  truncated: string | null;
}

export async function askService(url: string, question: Question, from: string, depth: number): Promise<Answer> {
  const started = performance.now();
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: DOCUMENTS[question], variables: { from, d: depth } }),
  });
  const text = await response.text();
  const ms = performance.now() - started;
  const body = JSON.parse(text) as { data?: Record<string, any>; errors?: unknown[] };
  if (body.errors || !body.data) throw new Error(`${question} from ${from} at depth ${depth}: ${JSON.stringify(body.errors).slice(0, 500)}`);
  const answer = body.data[question]!;
  const nodes = question === 'reproductionRecipe' ? answer.steps.length + answer.sources.length + answer.commits.length + 1 : answer.nodes.length;
  return { ms, bytes: Buffer.byteLength(text), nodes, truncated: answer.truncated ? answer.truncatedReason : null };
}

/** The floor; `walker` is another version's bare walk when the run compares with a baseline (--baseline). */
export async function askFloor(driver: Driver, question: Question, from: string, depth: number, walker = bareWalk): Promise<Answer> {
  const started = performance.now();
  const nodes = await walker(driver, walkOf(question, from, depth));
  return { ms: performance.now() - started, bytes: 0, nodes, truncated: null };
}

export async function askMarquez(url: string, nodeId: string, depth: number): Promise<Answer> {
  const started = performance.now();
  const response = await fetch(`${url}/api/v1/lineage?nodeId=${encodeURIComponent(nodeId)}&depth=${depth}`);
  const text = await response.text();
  const ms = performance.now() - started;
  if (response.status !== 200) throw new Error(`Marquez lineage of ${nodeId}: ${response.status} ${text.slice(0, 300)}`);
  return { ms, bytes: Buffer.byteLength(text), nodes: (JSON.parse(text) as { graph: unknown[] }).graph.length, truncated: null };
}
