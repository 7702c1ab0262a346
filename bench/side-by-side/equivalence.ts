import type { PreparedStream } from './streams';

/**
 * The answers of two versions of the service compared on the same store (`--baseline`): every field a client can
 * ask for about the walk (nodes with their depth, label, properties, flags and first three paths; edges;
 * truncation), for each start, at each depth, with the default and a small budget, now and as of the middle of the
 * stream's history. A change of the traversal must leave them identical; the run reports how many were.
 */

const NODE = `id kind label time properties isSource isLive depth hasMoreUpstream hasMoreDownstream paths(first: 3) { edges { id } }`;
const WALK = `start { ${NODE} } truncated truncatedReason maxDepth maxNodes nodes { ${NODE} } edges { id type source target upstream downstream }`;

const DOCUMENTS = {
  provenance: `query($from: ID!, $d: Int, $n: Int, $asOf: DateTimeISO) { answer: provenance(from: $from, maxDepth: $d, maxNodes: $n, asOf: $asOf) { ${WALK} sources { id } } }`,
  impact: `query($from: ID!, $d: Int, $n: Int, $asOf: DateTimeISO) { answer: impact(from: $from, maxDepth: $d, maxNodes: $n, asOf: $asOf) { ${WALK} } }`,
  up: `query($from: ID!, $d: Int, $n: Int, $asOf: DateTimeISO) { answer: lineageGraph(from: $from, depth: $d, direction: UPSTREAM, maxNodes: $n, asOf: $asOf) { ${WALK} } }`,
  both: `query($from: ID!, $d: Int, $n: Int, $asOf: DateTimeISO) { answer: lineageGraph(from: $from, depth: $d, direction: BOTH, maxNodes: $n, asOf: $asOf) { ${WALK} } }`,
  recipe: `query($from: ID!, $d: Int, $n: Int, $asOf: DateTimeISO) { answer: reproductionRecipe(modelVersion: $from, maxDepth: $d, maxNodes: $n, asOf: $asOf) {
    ${WALK} complete steps { order id runId jobName state commit { sha } inputs { id version } outputs { id version } dependsOn } sources { id version } commits { sha } gaps { problem } } }`,
} as const;

interface Case {
  document: keyof typeof DOCUMENTS;
  from: string;
  depth: number;
  maxNodes: number;
  asOf: string | null;
}

export interface EquivalenceCheck {
  store: string;
  stream: string;
  state: string;
  depth: number;
  compared: number;
  identical: number;
  /** The first few differences: the case and the start of both answers. */
  differences: Array<{ case: Case; service: string; baseline: string }>;
}

/**
 * The instant of the middle of the stream's history: gen_events.py runs every job once a day from 1 January 2026
 * (00:00 UTC), so this is the start of day runs / 2.
 */
function midHistory(stream: PreparedStream): string {
  return new Date(Date.UTC(2026, 0, 1 + Math.floor(stream.spec.runs / 2))).toISOString();
}

function cases(stream: PreparedStream, depth: number, starts: number): Case[] {
  const mid = midHistory(stream);
  const out: Case[] = [];
  for (let i = 0; i < starts; i++) {
    const model = stream.starts.models[i % stream.starts.models.length]!.id;
    const layer1 = stream.starts.midLayer1[i % stream.starts.midLayer1.length]!.id;
    out.push(
      { document: 'provenance', from: model, depth, maxNodes: 10_000, asOf: null },
      { document: 'provenance', from: model, depth, maxNodes: 40, asOf: null },
      { document: 'provenance', from: layer1, depth, maxNodes: 10_000, asOf: mid },
      { document: 'impact', from: layer1, depth, maxNodes: 10_000, asOf: null },
      { document: 'impact', from: layer1, depth, maxNodes: 40, asOf: null },
      { document: 'impact', from: layer1, depth, maxNodes: 10_000, asOf: mid },
      { document: 'up', from: model, depth, maxNodes: 2_000, asOf: null },
      { document: 'both', from: layer1, depth: Math.min(depth, 6), maxNodes: 60, asOf: null },
      { document: 'recipe', from: model, depth, maxNodes: 10_000, asOf: null },
    );
  }
  return out;
}

async function ask(url: string, c: Case): Promise<string> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: DOCUMENTS[c.document], variables: { from: c.from, d: c.depth, n: c.maxNodes, asOf: c.asOf } }),
  });
  const body = (await response.json()) as { data?: { answer?: { asOf?: unknown } }; errors?: Array<{ message: string }> };
  // Errors are compared by message (NOT_FOUND before a version existed, for instance), answers whole.
  return JSON.stringify(body.errors ? { errors: body.errors.map((error) => error.message) } : body.data);
}

export async function compareAnswers(
  where: { store: string; stream: PreparedStream; state: string; depth: number },
  serviceUrl: string,
  baselineUrl: string,
  starts: number,
): Promise<EquivalenceCheck> {
  const check: EquivalenceCheck = {
    store: where.store,
    stream: where.stream.spec.name,
    state: where.state,
    depth: where.depth,
    compared: 0,
    identical: 0,
    differences: [],
  };
  for (const c of cases(where.stream, where.depth, starts)) {
    const [service, baseline] = await Promise.all([ask(serviceUrl, c), ask(baselineUrl, c)]);
    check.compared++;
    if (service === baseline) check.identical++;
    else if (check.differences.length < 3) check.differences.push({ case: c, service: service.slice(0, 1500), baseline: baseline.slice(0, 1500) });
  }
  return check;
}
