import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Database } from '../src/db/database';
import { loadMigrationFiles, Migrator } from '../src/db/migrator';
import { ids } from '../src/core/ids';
import { freePort, startLocalNeo4j, type LocalNeo4j } from '../src/local-neo4j/local-neo4j';
import { createLogger } from '../src/logger';
import { MIGRATIONS_DIR, packageVersion, PROJECT_ROOT } from '../src/paths';
import { createServices } from '../src/services';

/**
 * `npm run bench:load`: concurrent clients drive the running service on loopback for a bounded time, mixing
 * OpenLineage ingestion (a START and a COMPLETE event per run, each run reading the previous run's output, so
 * lineage grows in chains) with provenance queries over those chains. Afterwards every acknowledged event must be
 * in the graph, and no request may have failed. Prints throughput and latency percentiles (see bench/README.md).
 *
 * Settings (environment):
 *   LOAD_URL            a running service (loopback only) with LOAD_API_KEY, a writer key; unset: the bench starts
 *                       a throwaway Neo4j and `node dist/src/main.js` with authentication on, and stops them after
 *   LOAD_DURATION_S     how long the clients run, after the warm-up (default 30, at most 600)
 *   LOAD_WARMUP_S       first seconds not measured (JIT, caches, connection pool; default 5); failures still count
 *   LOAD_CLIENTS        concurrent clients (default 8, at most 64)
 *   LOAD_INGEST_SHARE   share of ingestion among requests, 0..1 (default 0.7)
 *   LOAD_INGEST         openlineage | graphql | auto (default auto: openlineage when POST /api/v1/lineage exists,
 *                       otherwise the equivalent startRun/completeRun mutations)
 *   LOAD_AUTH           on | off (default on): authentication of the service the bench starts; off measures the
 *                       same workload without it, as a baseline for what authentication and the limits cost
 *   LOAD_QUERY_FILE     a GraphQL query with the variable $from (the global id of the client's latest completed
 *                       output version) and optionally $depth; default: PROVENANCE below
 */

/** The question the clients ask: the provenance of their latest output, ten hops deep. */
const PROVENANCE = `query Provenance($from: ID!, $depth: Int) {
  provenance(from: $from, maxDepth: $depth) { truncated nodes { id kind depth } }
}`;

interface Settings {
  url: string | undefined;
  apiKey: string | undefined;
  durationS: number;
  warmupS: number;
  clients: number;
  ingestShare: number;
  ingest: 'openlineage' | 'graphql' | 'auto';
  auth: boolean;
  query: string;
}

function settings(): Settings {
  const number = (name: string, fallback: number, min: number, max: number) => {
    const value = process.env[name] === undefined ? fallback : Number(process.env[name]);
    if (!Number.isFinite(value) || value < min || value > max) throw new Error(`${name} must be a number in ${min}..${max}`);
    return value;
  };
  const ingest = (process.env.LOAD_INGEST ?? 'auto') as Settings['ingest'];
  if (!['openlineage', 'graphql', 'auto'].includes(ingest)) throw new Error('LOAD_INGEST must be openlineage, graphql or auto');
  const url = process.env.LOAD_URL;
  if (url) {
    // Load is only ever sent to this machine.
    const host = new URL(url).hostname;
    if (!(host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host))) throw new Error(`LOAD_URL must be a loopback address, got ${host}`);
    if (!process.env.LOAD_API_KEY) throw new Error('LOAD_URL needs LOAD_API_KEY, a key with the writer role');
  }
  return {
    url,
    apiKey: process.env.LOAD_API_KEY,
    durationS: number('LOAD_DURATION_S', 30, 1, 600),
    warmupS: number('LOAD_WARMUP_S', 5, 0, 120),
    clients: number('LOAD_CLIENTS', 8, 1, 64),
    ingestShare: number('LOAD_INGEST_SHARE', 0.7, 0, 1),
    ingest,
    auth: (process.env.LOAD_AUTH ?? 'on') !== 'off',
    query: process.env.LOAD_QUERY_FILE ? fs.readFileSync(process.env.LOAD_QUERY_FILE, 'utf8') : PROVENANCE,
  };
}

interface Sample {
  kind: 'ingest' | 'query';
  ms: number;
  ok: boolean;
  /** Started during the warm-up: not in the figures, but a failure still fails the run. */
  warmup: boolean;
  detail?: string;
}

/** What the bench was told is stored: run id → the last acknowledged state. */
type Acknowledged = Map<string, 'RUNNING' | 'COMPLETED'>;

async function main(): Promise<number> {
  const options = settings();
  const target = options.url ? { url: options.url, apiKey: options.apiKey!, stop: async () => undefined } : await startTarget(options.auth);
  try {
    const ingest = options.ingest === 'auto' ? await detectIngestion(target.url, target.apiKey) : options.ingest;
    process.stdout.write(
      `driving ${target.url}${options.url ? '' : ` (authentication ${options.auth ? 'on' : 'off'})`} for ${options.warmupS} + ${options.durationS} s with ${options.clients} clients, ${Math.round(options.ingestShare * 100)}% ingestion through ${ingest}\n`,
    );
    const acknowledged: Acknowledged = new Map();
    const samples: Sample[] = [];
    // One client alone first: Neo4j plans each statement once, instead of every client planning it at the same
    // time on a cold database (seconds each on a busy machine).
    await client(-1, target, { ...options, ingestShare: 0.5 }, ingest, { measureFrom: Infinity, deadline: Date.now() + 2_000 }, samples, acknowledged);
    const measureFrom = Date.now() + options.warmupS * 1000;
    const deadline = measureFrom + options.durationS * 1000;
    await Promise.all(Array.from({ length: options.clients }, (_, i) => client(i, target, options, ingest, { measureFrom, deadline }, samples, acknowledged)));
    const elapsedS = (Date.now() - measureFrom) / 1000;

    const missing = await verify(target.url, target.apiKey, acknowledged);
    process.stdout.write(report(samples, elapsedS, acknowledged, missing, options, ingest));
    const failed = samples.filter((sample) => !sample.ok);
    return failed.length === 0 && missing.length === 0 ? 0 : 1;
  } finally {
    await target.stop();
  }
}

/** One client: a chain of runs in its own namespace, each reading what the previous one wrote; queries in between. */
async function client(
  index: number,
  target: Target,
  options: Settings,
  ingest: 'openlineage' | 'graphql',
  { measureFrom, deadline }: { measureFrom: number; deadline: number },
  samples: Sample[],
  acknowledged: Acknowledged,
): Promise<void> {
  const namespace = `load-${process.pid}-${index}-${randomUUID().slice(0, 8)}`;
  let step = 0;
  let pending: { runId: string } | null = null;
  let previousRunId: string | null = null;
  while (Date.now() < deadline) {
    const doIngest = previousRunId === null || pending !== null || Math.random() < options.ingestShare;
    const begin = performance.now();
    const warmup = Date.now() < measureFrom;
    let ok: boolean;
    let detail: string | undefined;
    if (doIngest) {
      // START, then COMPLETE of the same run: two events, two requests.
      const runId: string = pending?.runId ?? randomUUID();
      const type = pending ? 'COMPLETE' : 'START';
      const input = step > 0 ? `stage-${step - 1}` : 'raw';
      const inputVersion = previousRunId ? `run-${previousRunId}` : 'v1';
      ({ ok, detail } = await sendEvent(target, ingest, { namespace, runId, type, input, inputVersion, output: `stage-${step}` }));
      if (ok) {
        acknowledged.set(runId, type === 'COMPLETE' ? 'COMPLETED' : (acknowledged.get(runId) ?? 'RUNNING'));
        if (type === 'START') pending = { runId };
        else {
          pending = null;
          previousRunId = runId;
          step += 1;
        }
      }
      samples.push({ kind: 'ingest', ms: performance.now() - begin, ok, warmup, detail });
    } else {
      // The latest completed output: stage-(step - 1), versioned by the run that wrote it (as the mapper derives it).
      const variables: Record<string, unknown> = { from: ids.datasetVersion(namespace, `stage-${step - 1}`, `run-${previousRunId}`) };
      // Only a query that declares $depth may be sent one (GraphQL refuses unused variables).
      if (/\$depth\b/.test(options.query)) variables.depth = 10;
      const answer = await graphql(target, options.query, variables);
      ok = answer.ok;
      samples.push({ kind: 'query', ms: performance.now() - begin, ok, warmup, detail: answer.detail });
    }
  }
}

interface EventSpec {
  namespace: string;
  runId: string;
  type: 'START' | 'COMPLETE';
  input: string;
  /** The version of the input: `v1` for the raw data, `run-<runId>` for the previous run's output. */
  inputVersion: string;
  output: string;
}

async function sendEvent(target: Target, ingest: 'openlineage' | 'graphql', spec: EventSpec): Promise<{ ok: boolean; detail?: string }> {
  const job = { namespace: spec.namespace, name: 'load.step' };
  if (ingest === 'openlineage') {
    const event = {
      eventType: spec.type,
      eventTime: new Date().toISOString(),
      producer: 'https://github.com/OpenLineage/OpenLineage/tree/1.24.2/client/python',
      schemaURL: 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent',
      run: { runId: spec.runId },
      job,
      inputs: [{ namespace: spec.namespace, name: spec.input }],
      outputs: [{ namespace: spec.namespace, name: spec.output }],
    };
    const response = await call(target, '/api/v1/lineage', event);
    return response.status === 201 || response.status === 200 ? { ok: true } : { ok: false, detail: `${response.status} ${response.text.slice(0, 200)}` };
  }
  // The same facts through the GraphQL mutations, while the OpenLineage route does not exist. GraphQL wants the
  // version of an input: the previous run's output is `run-<its runId>` (OpenLineage finds it server-side).
  const mutation = spec.type === 'START' ? 'startRun' : 'completeRun';
  const input = {
    runId: spec.runId,
    job,
    inputs: [{ namespace: spec.namespace, name: spec.input, version: spec.inputVersion }],
    outputs: [{ namespace: spec.namespace, name: spec.output }],
  };
  return graphql(target, `mutation($input: RunInput!) { ${mutation}(input: $input) { runId } }`, { input });
}

interface Target {
  url: string;
  apiKey: string;
  stop(): Promise<void>;
}

async function call(target: Target, route: string, body: unknown): Promise<{ status: number; text: string }> {
  try {
    const response = await fetch(`${target.url}${route}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${target.apiKey}` },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    return { status: response.status, text: await response.text() };
  } catch (error) {
    return { status: 0, text: error instanceof Error ? error.message : String(error) };
  }
}

async function graphql(target: Target, query: string, variables: Record<string, unknown>): Promise<{ ok: boolean; detail?: string; data?: unknown }> {
  const response = await call(target, '/graphql', { query, variables });
  let body: { data?: unknown; errors?: unknown[] } | undefined;
  try {
    body = JSON.parse(response.text);
  } catch {
    body = undefined;
  }
  const ok = response.status === 200 && body !== undefined && !body.errors;
  return ok ? { ok, data: body!.data } : { ok, detail: `${response.status} ${response.text.slice(0, 300)}` };
}

async function detectIngestion(url: string, apiKey: string): Promise<'openlineage' | 'graphql'> {
  const response = await call({ url, apiKey, stop: async () => undefined }, '/api/v1/lineage', {});
  if (response.status === 404) {
    process.stdout.write('POST /api/v1/lineage does not exist here: ingesting through the equivalent GraphQL mutations instead\n');
    return 'graphql';
  }
  return 'openlineage';
}

/** Every acknowledged run is in the graph, in at least the acknowledged state; returns what is missing. */
async function verify(url: string, apiKey: string, acknowledged: Acknowledged): Promise<string[]> {
  const target = { url, apiKey, stop: async () => undefined };
  const runIds = [...acknowledged.keys()];
  const missing: string[] = [];
  for (let i = 0; i < runIds.length; i += 100) {
    const batch = runIds.slice(i, i + 100);
    const answer = await graphql(target, 'query($ids: [ID!]!) { nodes(ids: $ids) { ... on Run { runId state } } }', {
      ids: batch.map((runId) => ids.run(runId)),
    });
    const nodes = ((answer.data as any)?.nodes ?? []) as Array<{ runId: string; state: string } | null>;
    batch.forEach((runId, k) => {
      const node = nodes[k];
      const expected = acknowledged.get(runId);
      if (!node || (expected === 'COMPLETED' && node.state !== 'COMPLETED')) missing.push(`${runId} (${expected}, found ${node?.state ?? 'nothing'})`);
    });
  }
  return missing;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function report(samples: Sample[], elapsedS: number, acknowledged: Acknowledged, missing: string[], options: Settings, ingest: string): string {
  const measured = samples.filter((sample) => !sample.warmup);
  const rows = (['ingest', 'query'] as const).map((kind) => {
    const of = measured.filter((sample) => sample.kind === kind);
    const ms = of.map((sample) => sample.ms).sort((a, b) => a - b);
    const f = (n: number) => (Number.isNaN(n) ? '-' : n.toFixed(1));
    return `| ${kind === 'ingest' ? `ingestion (${ingest})` : 'provenance query'} | ${of.length} | ${of.filter((s) => !s.ok).length} | ${(of.length / elapsedS).toFixed(1)} | ${f(percentile(ms, 50))} | ${f(percentile(ms, 90))} | ${f(percentile(ms, 99))} | ${f(ms.at(-1) ?? NaN)} |`;
  });
  const failures = samples
    .filter((sample) => !sample.ok)
    .slice(0, 5)
    .map((sample) => `  ${sample.kind}: ${sample.detail}`);
  const completed = [...acknowledged.values()].filter((state) => state === 'COMPLETED').length;
  return [
    '',
    `${options.clients} clients, ${elapsedS.toFixed(1)} s measured after ${options.warmupS} s of warm-up, ${measured.length} requests, ${(measured.length / elapsedS).toFixed(1)} requests/s; machine load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
    '',
    '| requests | count | failed | per second | p50 ms | p90 ms | p99 ms | max ms |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
    `acknowledged runs: ${acknowledged.size} (${completed} completed); missing from the graph afterwards: ${missing.length}`,
    ...(missing.length > 0 ? [`  e.g. ${missing.slice(0, 5).join(', ')}`] : []),
    ...(failures.length > 0 ? ['failed requests, first few:', ...failures] : ['no request failed']),
    '',
  ].join('\n');
}

/** A throwaway Neo4j, a writer key, and the service as `npm start` runs it. */
async function startTarget(auth: boolean): Promise<Target> {
  const logger = createLogger('warn', 'stderr');
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'lineage-load-neo4j-'));
  let neo4j: LocalNeo4j | undefined;
  let child: ChildProcess | undefined;
  const stop = async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    await neo4j?.stop();
    fs.rmSync(home, { recursive: true, force: true });
  };
  try {
    neo4j = await startLocalNeo4j({ home, boltPort: 0, heap: '1g', pageCache: '256m', startTimeoutMs: 180_000, logger });
    const db = Database.connect({ uri: neo4j.uri, user: 'neo4j', password: '', database: 'neo4j', transactionTimeoutMs: 15_000 }, logger);
    await new Migrator(db, loadMigrationFiles(MIGRATIONS_DIR), logger).migrate();
    const { secret } = await createServices(db, packageVersion()).apiKeys.createKey(
      { actor: 'bench', source: 'cli' },
      { name: `load-${Date.now()}`, role: 'writer' },
    );
    await db.close();

    const port = await freePort();
    child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'dist', 'src', 'main.js')], {
      env: {
        ...process.env,
        NEO4J_URI: neo4j.uri,
        PORT: String(port),
        HOST: '127.0.0.1',
        LINEAGE_AUTH: auth ? 'on' : 'off',
        LINEAGE_DEMO: 'off',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 60_000;
    for (;;) {
      const ready = await fetch(`${url}/readyz`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ready) break;
      if (Date.now() > deadline || child.exitCode !== null) throw new Error('the service did not become ready within 60 s');
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    return { url, apiKey: secret, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench:load: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
