import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import type { Database } from '../../src/db/database';

/**
 * Real fixture events name fixed namespaces and run ids. Tests share one Neo4j, so each test rewrites them
 * under its own prefix: every `namespace` gets the prefix, every `runId` becomes a UUID derived from the prefix
 * and the original, so that the same original always maps to the same copy within a test.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class Isolation {
  constructor(readonly prefix: string) {}

  namespace(original: string): string {
    return `${this.prefix}${original}`;
  }

  runId(original: string): string {
    const hex = createHash('sha256').update(`${this.prefix}|${original.toLowerCase()}`).digest('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  }

  /** A deep copy of the event with its namespaces and run ids rewritten. */
  event<T>(event: T): T {
    const rewrite = (value: unknown, key: string | null): unknown => {
      if (Array.isArray(value)) return value.map((item) => rewrite(item, null));
      if (typeof value === 'object' && value !== null) {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rewrite(v, k)]));
      }
      if (typeof value === 'string' && key === 'namespace') return this.namespace(value);
      // Only UUIDs: a malformed run id must stay malformed, for the validator to refuse it as the original.
      if (typeof value === 'string' && key === 'runId' && UUID.test(value)) return this.runId(value);
      return value;
    };
    return rewrite(event, null) as T;
  }

  /** Text with the copies' names turned back into the originals (for comparing two isolated graphs). */
  restore(text: string, originalRunIds: readonly string[]): string {
    let restored = text.split(this.prefix).join('');
    for (const original of originalRunIds) restored = restored.split(this.runId(original)).join(original.toLowerCase());
    return restored;
  }
}

/**
 * Removes what tests' events recorded under the given namespace prefixes: the nodes named with them (models
 * and model versions by name), the runs of their jobs, and the raw events about either.
 */
export async function removeIsolated(db: Database, prefixes: readonly string[]): Promise<void> {
  await db.write('test.removeIsolated', (tx) =>
    tx.rows(
      `UNWIND $prefixes AS prefix
       MATCH (n) WHERE n.namespace STARTS WITH prefix OR n.modelName STARTS WITH prefix OR (n:Model AND n.name STARTS WITH prefix)
       OPTIONAL MATCH (r:Run)-[:RUN_OF]->(n)
       OPTIONAL MATCH (e:LineageEvent)-[:ABOUT]->(x) WHERE x = n OR x = r
       DETACH DELETE e, r, n`,
      { prefixes },
    ),
  );
}

/** Receipt details that differ between two deliveries of the same events, and ids derived from renamed keys. */
const VOLATILE = new Set(['id', 'jobId', 'datasetId', 'modelId', 'ownerId', 'recordedAt', 'receivedAt', 'receivedBy', 'requestId', 'source']);

/**
 * Every node and relationship a test's events produced (found from its namespace prefix), with natural keys
 * instead of ids, sorted: two dumps are equal exactly when the two graphs are the same.
 */
export async function dumpGraph(db: Database, isolation: Isolation, originalRunIds: readonly string[]): Promise<string> {
  const rows = await db.read('test.dumpGraph', (tx) =>
    tx.rows<{
      nodes: Array<{ labels: string[]; props: Record<string, unknown>; key: string }>;
      edges: Array<{ type: string; props: Record<string, unknown>; from: string; to: string }>;
    }>(
      `MATCH (n) WHERE n.namespace STARTS WITH $prefix
       WITH collect(n) AS named
       CALL (named) {
         UNWIND named AS j MATCH (r:Run)-[:RUN_OF]->(j:Job) RETURN collect(DISTINCT r) AS runs
       }
       CALL (runs) {
         UNWIND runs AS r MATCH (r)-[:RAN_CODE|WROTE]->(x) WHERE x:Commit OR x:ModelVersion
         OPTIONAL MATCH (x)-[:VERSION_OF]->(m:Model)
         RETURN collect(DISTINCT x) + [m IN collect(DISTINCT m) WHERE m IS NOT NULL] AS linked
       }
       WITH named + runs + linked AS core
       CALL (core) { UNWIND core AS c MATCH (e:LineageEvent)-[:ABOUT]->(c) RETURN collect(DISTINCT e) AS events }
       WITH core + events AS everything
       UNWIND everything AS n
       WITH collect(DISTINCT n) AS nodes
       RETURN [n IN nodes | { labels: labels(n), props: properties(n), key: elementId(n) }] AS nodes,
              COLLECT { UNWIND nodes AS a MATCH (a)-[e]->(b) WHERE b IN nodes RETURN { type: type(e), props: properties(e), from: elementId(a), to: elementId(b) } } AS edges`,
      { prefix: isolation.prefix },
    ),
  );
  const { nodes, edges } = rows[0]!;
  const keyOf = new Map<string, string>();
  for (const node of nodes) keyOf.set(node.key, naturalKey(node.labels, node.props));
  const clean = (props: Record<string, unknown>) =>
    Object.fromEntries(
      Object.entries(props)
        .filter(([name]) => !VOLATILE.has(name))
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, value]) => [name, value instanceof Date ? value.toISOString() : Buffer.isBuffer(value) ? gunzipSync(value).toString('utf8') : value]),
    );
  const lines = [
    ...nodes.map((node) => `${node.labels.sort().join(':')} ${JSON.stringify(clean(node.props))}`),
    ...edges.map((edge) => `${keyOf.get(edge.from)} -[${edge.type} ${JSON.stringify(clean(edge.props))}]-> ${keyOf.get(edge.to)}`),
  ];
  return isolation.restore(lines.join('\n'), originalRunIds).split('\n').sort().join('\n');
}

function naturalKey(labels: string[], props: Record<string, unknown>): string {
  const pick = (...names: string[]) => names.map((name) => String(props[name] ?? '')).join('/');
  if (labels.includes('Run')) return `Run(${pick('runId')})`;
  if (labels.includes('DatasetVersion')) return `DatasetVersion(${pick('namespace', 'name', 'version')})`;
  if (labels.includes('Dataset') || labels.includes('Job')) return `${labels[0]}(${pick('namespace', 'name')})`;
  if (labels.includes('Commit')) return `Commit(${pick('repository', 'sha')})`;
  if (labels.includes('ModelVersion')) return `ModelVersion(${pick('modelName', 'version')})`;
  if (labels.includes('Model')) return `Model(${pick('name')})`;
  if (labels.includes('Field')) return `Field(${pick('namespace', 'datasetName', 'modelName', 'version', 'name')})`;
  if (labels.includes('LineageEvent')) return `LineageEvent(${gunzipSync(props.bodyGzip as Buffer).toString('utf8')})`;
  return `${labels.join(':')}(${JSON.stringify(props)})`;
}
