import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ids } from '../src/core/ids';
import { freePort, startLocalNeo4j, type LocalNeo4j } from '../src/local-neo4j/local-neo4j';
import { createLogger } from '../src/logger';
import { PROJECT_ROOT } from '../src/paths';

/**
 * `npm run bench:big-events`: events at the documented limits, against the running service (`node
 * dist/src/main.js`, its own process, the production defaults: NEO4J_TX_TIMEOUT_MS 15 s, the local Neo4j's
 * 512 MB heap) with Neo4j on the same machine. Method and figures: bench/README.md, "Events at the limits".
 *
 * - wide: one event with N inputs and N outputs (fresh datasets), single route and a batch of 8 such events;
 *   status and wall time of each.
 * - heavy: a run whose 10 events each carry a facet of ~5 MB (incompressible), and one event with several large
 *   facets up to LIMIT_EVENT_BYTES; then the reads a client makes of that run (its state, facets, events, history,
 *   the explorer's details, the audit report of the model version it trained): status, time, answer bytes.
 *
 * Environment: BENCH_WIDE (default 1000,2000,5000,10000), BENCH_PARTS (default wide,heavy), BENCH_DISTINCT=1 (the
 * heavy run's ten facets under ten names), BENCH_SERVICE_ENV (extra settings for the service, `NAME=value,...`,
 * e.g. `LIMIT_EVENT_DATASETS=10000` to measure past the limit).
 */

const WIDE = (process.env.BENCH_WIDE ?? '1000,2000,5000,10000').split(',').map(Number);
const PARTS = new Set((process.env.BENCH_PARTS ?? 'wide,heavy').split(','));
const SERVICE_ENV = Object.fromEntries(
  (process.env.BENCH_SERVICE_ENV ?? '')
    .split(',')
    .filter(Boolean)
    .map((pair) => pair.split('=') as [string, string]),
);
const DISTINCT = process.env.BENCH_DISTINCT === '1';
const NAMESPACE = `bench-big-${Date.now().toString(36)}`;
const PRODUCER = 'https://example.com/bench';
const EVENT_BYTES = 5 * 1024 * 1024;

interface Row {
  what: string;
  status: number | string;
  ms: number;
  bytes?: number;
  note?: string;
}

async function main(): Promise<void> {
  const load = os.loadavg();
  const logger = createLogger('warn');
  let neo4j: LocalNeo4j | undefined;
  let home: string | undefined;
  let uri = process.env.NEO4J_URI;
  if (!uri) {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'lineage-bench-neo4j-'));
    neo4j = await startLocalNeo4j({ home, boltPort: 0, heap: '512m', pageCache: '128m', startTimeoutMs: 300_000, logger });
    uri = neo4j.uri;
  }
  const port = await freePort();
  const service = spawn(process.execPath, [path.join(PROJECT_ROOT, 'dist', 'src', 'main.js')], {
    env: { ...process.env, NEO4J_URI: uri, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', LINEAGE_DEMO: 'off', ...SERVICE_ENV },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const rows: Row[] = [];
  try {
    await waitReady(url);
    // Warm-up: plans of the write statement compiled.
    await post(url, '/api/v1/lineage', wideEvent(10));
    if (PARTS.has('wide')) {
      for (const n of WIDE) {
        rows.push(await timed(`single event, ${n} inputs + ${n} outputs`, () => post(url, '/api/v1/lineage', wideEvent(n))));
        rows.push(
          await timed(`batch of 8 events, ${n} inputs + ${n} outputs each`, () =>
            post(
              url,
              '/api/v1/lineage/batch',
              Array.from({ length: 8 }, () => wideEvent(n)),
            ),
          ),
        );
        report(rows.slice(-2), load);
      }
    }
    if (PARTS.has('heavy')) rows.push(...(await heavyRun(url)));
    console.log('\n## all');
    report(rows, load);
  } finally {
    service.kill('SIGTERM');
    await new Promise((resolve) => service.once('exit', resolve));
    await neo4j?.stop();
    if (home) fs.rmSync(home, { recursive: true, force: true });
  }
}

/** A COMPLETE event of a fresh run with `n` fresh inputs and `n` fresh outputs. */
function wideEvent(n: number) {
  const run = randomUUID();
  const datasets = (side: string) => Array.from({ length: n }, (_, i) => ({ namespace: NAMESPACE, name: `${side}/${run}/${i}` }));
  return {
    eventType: 'COMPLETE',
    eventTime: new Date().toISOString(),
    producer: PRODUCER,
    schemaURL: 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent',
    run: { runId: run },
    job: { namespace: NAMESPACE, name: `wide-${n}` },
    inputs: datasets('in'),
    outputs: datasets('out'),
  };
}

/** A facet of about `bytes` bytes of JSON that gzip cannot shrink much. */
function bigFacet(bytes: number) {
  return { _producer: PRODUCER, _schemaURL: 'https://example.com/big.json', text: randomBytes(Math.floor((bytes * 3) / 4)).toString('base64') };
}

async function heavyRun(url: string): Promise<Row[]> {
  const rows: Row[] = [];
  const runId = randomUUID();
  const job = { namespace: NAMESPACE, name: 'heavy' };
  const start = Date.now() - 3_600_000;
  const base = (i: number, eventType: string) => ({
    eventType,
    eventTime: new Date(start + i * 1000).toISOString(),
    producer: PRODUCER,
    schemaURL: 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent',
    run: { runId, facets: {} as Record<string, unknown> },
    job,
    inputs: [{ namespace: NAMESPACE, name: 'heavy-input' }],
    outputs: [] as unknown[],
  });
  // Ten events of one facet near the event limit: a Spark logical plan in every event (BENCH_DISTINCT=1: ten
  // names, so that the run keeps them all).
  for (let i = 0; i < 10; i++) {
    const event = base(i, i === 0 ? 'START' : 'RUNNING');
    event.run.facets[DISTINCT ? `big${i}` : 'spark_logicalPlan'] = bigFacet(EVENT_BYTES - 2_000);
    rows.push(await timed(`heavy run: event ${i + 1} (one ~5 MB facet)`, () => post(url, '/api/v1/lineage', event)));
  }
  // One event with five facets of ~1 MB, and the model version the run trained.
  const last = base(10, 'COMPLETE');
  for (let f = 0; f < 5; f++) last.run.facets[`several${f}`] = bigFacet(Math.floor((EVENT_BYTES - 4_000) / 5));
  last.outputs = [
    {
      namespace: NAMESPACE,
      name: 'heavy-model',
      facets: { lineage_modelVersion: { _producer: PRODUCER, _schemaURL: 'urn:x', name: `heavy-${runId}`, version: '1' } },
    },
  ];
  rows.push(await timed('heavy run: event 11 (five ~1 MB facets, COMPLETE)', () => post(url, '/api/v1/lineage', last)));

  const gql = (query: string) => post(url, '/graphql', { query, variables: { runId } });
  const run = (fields: string) => gql(`query($runId: String!) { run(runId: $runId) { ${fields} } }`);
  rows.push(await timed('read run { state }', () => run('state')));
  rows.push(await timed('read run { facets }', () => run('facets')));
  rows.push(await timed('read run { events { totalCount nodes { eventType } } }', () => run('events { totalCount nodes { eventType } }')));
  rows.push(
    await timed('read run { events { nodes { body } } } (default page)', () => run('events { totalCount pageInfo { hasNextPage endCursor } nodes { body } }')),
  );
  rows.push(await timed('read run { events(first: 100) { nodes { body } } }', () => run('events(first: 100) { pageInfo { hasNextPage } nodes { body } }')));
  rows.push(await timed('read run { history { nodes { changes } } }', () => run('history { totalCount nodes { seq changes { field } } }')));
  rows.push(await timed('read run { history { nodes { changes { after } } } }', () => run('history { totalCount nodes { seq changes { field after } } }')));
  rows.push(
    await timed('explorer details of the run', () =>
      post(url, '/graphql', {
        query: `query($id: ID!) { node(id: $id) { ... on Run { runId state startedAt endedAt parameters errorMessage job { id namespace name }
          inputs { id name version } outputs { id name version } modelVersions { id modelName version }
          history(first: 5) { totalCount nodes { at actor operation source } } conflicts(first: 5) { totalCount nodes { id eventType eventTime } } } } }`,
        variables: { id: ids.run(runId) },
      }),
    ),
  );
  const modelVersion = ids.modelVersion(`heavy-${runId}`, '1');
  rows.push(await timed('audit report of the model version it trained (.json)', () => get(url, `/reports/audit/${encodeURIComponent(modelVersion)}.json`)));
  rows.push(await timed('audit report of the model version it trained (.html)', () => get(url, `/reports/audit/${encodeURIComponent(modelVersion)}.html`)));
  return rows;
}

interface Answer {
  status: number | string;
  bytes: number;
  note?: string;
}

async function post(url: string, route: string, body: unknown): Promise<Answer> {
  return call(url, route, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

async function get(url: string, route: string): Promise<Answer> {
  return call(url, route, { method: 'GET' });
}

async function call(url: string, route: string, init: RequestInit): Promise<Answer> {
  try {
    const response = await fetch(`${url}${route}`, { ...init, signal: AbortSignal.timeout(180_000) });
    const text = await response.text();
    return { status: response.status, bytes: Buffer.byteLength(text), note: summary(text) };
  } catch (error) {
    return { status: (error as Error).name, bytes: 0 };
  }
}

/** The answer's errors or statuses, short. */
function summary(text: string): string {
  if (text.length > 2_000_000) {
    const errors = text.indexOf('"errors"');
    return errors < 0 ? '' : text.slice(errors, errors + 200);
  }
  try {
    const body = JSON.parse(text);
    if (body.errors) return JSON.stringify(body.errors.map((e: any) => [e.extensions?.code, e.message.slice(0, 120)]));
    if (body.error) return `${body.error.code}: ${String(body.error.message).slice(0, 160)}`;
    if (body.results) return body.results.map((r: any) => r.status + (r.error ? `:${r.error.code}:${r.error.limit ?? ''}` : '')).join(',');
    if (body.status) return body.status;
    return '';
  } catch {
    return '';
  }
}

async function timed(what: string, call: () => Promise<Answer>): Promise<Row> {
  const started = performance.now();
  const answer = await call();
  const row = { what, status: answer.status, ms: Math.round(performance.now() - started), bytes: answer.bytes, note: answer.note };
  console.log(`${what}: ${row.status} in ${row.ms} ms, ${row.bytes} bytes ${row.note ?? ''} (load ${os.loadavg()[0]!.toFixed(2)})`);
  return row;
}

function report(rows: Row[], load: number[]): void {
  console.log(
    `load average before: ${load.map((l) => l.toFixed(2)).join(' ')}; now: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log('| what | status | ms | answer bytes | note |\n| --- | --- | --- | --- | --- |');
  for (const row of rows) console.log(`| ${row.what} | ${row.status} | ${row.ms} | ${row.bytes ?? ''} | ${(row.note ?? '').slice(0, 200)} |`);
}

async function waitReady(url: string): Promise<void> {
  const deadline = Date.now() + 300_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${url}/readyz`)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error('the service did not become ready');
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
