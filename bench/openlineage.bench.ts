import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, startLocalNeo4j, type LocalNeo4j } from '../src/local-neo4j/local-neo4j';
import { createLogger } from '../src/logger';
import { PROJECT_ROOT } from '../src/paths';
import { SHARED_FIXTURES, SKIP_WITHOUT_SHARED, sharedEvents } from '../test/support/openlineage-fixtures';
import { cpuMs } from './side-by-side/systems';

/**
 * `npm run bench:openlineage`: sustained OpenLineage ingestion throughput and single-event latency of the
 * running service (`node dist/src/main.js`, its own process) on loopback, with Neo4j on the same machine.
 * Method and figures: bench/README.md, section "OpenLineage ingestion".
 *
 * The events are the 32 of the shared Airflow scenario (a real Airflow 2 / provider 1.14 DAG run: 16 runs,
 * START and COMPLETE each, parent facets, schema and column-lineage facets, inputs without versions), replayed
 * as successive DAG runs: fresh run ids, event times shifted by 10 minutes per DAG run, the same jobs and
 * datasets, so every DAG run reads the versions the previous one wrote, as in production.
 *
 * Environment: NEO4J_URI (else a throwaway local Neo4j), BENCH_SCALE (default 1: multiplies event counts),
 * BENCH_SERVICE_NODE_ARGS (extra node flags for the service, e.g. `--cpu-prof` to profile it).
 */

const SCALE = Number(process.env.BENCH_SCALE ?? '1');
const NAMESPACE = `bench-${Date.now().toString(36)}`;

interface Phase {
  name: string;
  events: number;
  seconds: number;
  requests: number;
  latencies: number[];
  rejected: number;
  /** CPU milliseconds the service and Neo4j spent on the phase, per event: what the machine's load cannot distort. */
  serviceCpuPerEvent?: number;
  neo4jCpuPerEvent?: number;
}

/** Runs a phase and adds the CPU time the service and Neo4j spent on it. */
async function measured(pids: { service?: number; neo4j?: number }, phase: () => Promise<Phase>): Promise<Phase> {
  const before = { service: cpuMs(pids.service), neo4j: cpuMs(pids.neo4j) };
  const result = await phase();
  const after = { service: cpuMs(pids.service), neo4j: cpuMs(pids.neo4j) };
  const perEvent = (a: number | null, b: number | null) => (a === null || b === null ? undefined : (b - a) / result.events);
  return { ...result, serviceCpuPerEvent: perEvent(before.service, after.service), neo4jCpuPerEvent: perEvent(before.neo4j, after.neo4j) };
}

async function main(): Promise<void> {
  if (SKIP_WITHOUT_SHARED) throw new Error(`${SKIP_WITHOUT_SHARED}`);
  const loadBefore = os.loadavg();
  const logger = createLogger('warn');
  let neo4j: LocalNeo4j | undefined;
  let home: string | undefined;
  let uri = process.env.NEO4J_URI;
  if (!uri) {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'lineage-bench-neo4j-'));
    neo4j = await startLocalNeo4j({ home, boltPort: 0, heap: '1g', pageCache: '512m', startTimeoutMs: 300_000, logger });
    uri = neo4j.uri;
  }
  const port = await freePort();
  const nodeArgs = (process.env.BENCH_SERVICE_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const service = spawn(process.execPath, [...nodeArgs, path.join(PROJECT_ROOT, 'dist', 'src', 'main.js')], {
    env: { ...process.env, NEO4J_URI: uri, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', LINEAGE_DEMO: 'off' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitReady(url, service);
    const generator = new DagRuns(NAMESPACE);
    const phases: Phase[] = [];
    // Warm-up, not reported: query plans compiled, both JITs warm (Neo4j's C2 compiler alone takes CPU seconds),
    // page cache filled.
    await batches(url, generator.next(Math.round(60 * Math.min(SCALE, 1))), 500, 1);
    await singles(url, generator.next(Math.round(16 * Math.min(SCALE, 1))), 4);

    const pids = { service: service.pid, neo4j: neo4j?.pid };
    phases.push(await measured(pids, () => singles(url, generator.next(Math.round(40 * SCALE)), 1, 'single events, 1 client (latency)')));
    phases.push(await measured(pids, () => singles(url, generator.next(Math.round(120 * SCALE)), 8, 'single events, 8 concurrent clients')));
    phases.push(await measured(pids, () => batches(url, generator.next(Math.round(300 * SCALE)), 500, 1, 'batches of 500, 1 client')));
    phases.push(await measured(pids, () => batches(url, generator.next(Math.round(300 * SCALE)), 500, 2, 'batches of 500, 2 concurrent clients')));
    phases.push(await measured(pids, () => batches(url, generator.next(Math.round(150 * SCALE)), 100, 4, 'batches of 100, 4 concurrent clients')));
    report(phases, generator, loadBefore);
  } finally {
    service.kill('SIGTERM');
    await new Promise((resolve) => service.once('exit', resolve));
    await neo4j?.stop();
    if (home) fs.rmSync(home, { recursive: true, force: true });
  }
}

/** Successive runs of the Airflow DAG, 32 events each, serialised in advance so the clients only send. */
class DagRuns {
  private readonly template = sharedEvents()
    .filter(({ name }) => name.startsWith(path.join('scenarios', 'airflow', 'events')))
    .map(({ event }) => event as Record<string, any>);
  private count = 0;
  bytes = 0;
  events = 0;

  constructor(private readonly namespacePrefix: string) {}

  /** The events of `dagRuns` more DAG runs, in the order Airflow emitted them. */
  next(dagRuns: number): string[] {
    const events: string[] = [];
    for (let i = 0; i < dagRuns; i++) {
      const shift = this.count++ * 10 * 60_000;
      const runIds = new Map<string, string>();
      const rewrite = (value: unknown, key: string | null): unknown => {
        if (Array.isArray(value)) return value.map((item) => rewrite(item, null));
        if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rewrite(v, k)]));
        if (typeof value !== 'string') return value;
        if (key === 'namespace') return `${this.namespacePrefix}.${value}`;
        if (key === 'runId') return runIds.get(value) ?? (runIds.set(value, randomUUID()), runIds.get(value));
        if (key === 'eventTime') return new Date(new Date(value).getTime() + shift).toISOString();
        return value;
      };
      for (const event of this.template) {
        const text = JSON.stringify(rewrite(event, null));
        this.bytes += Buffer.byteLength(text);
        this.events++;
        events.push(text);
      }
    }
    return events;
  }
}

async function singles(url: string, events: string[], clients: number, name = 'warm-up'): Promise<Phase> {
  const latencies: number[] = [];
  let rejected = 0;
  let next = 0;
  const started = performance.now();
  // Each client sends the next event when its previous one was answered; a DAG run's events stay in order
  // within a client only when there is one client, which the ingestion does not need (it is order-tolerant).
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < events.length) {
        const body = events[next++]!;
        const sent = performance.now();
        const response = await fetch(`${url}/api/v1/lineage`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        await response.arrayBuffer();
        latencies.push(performance.now() - sent);
        if (response.status !== 201) rejected++;
      }
    }),
  );
  return { name, events: events.length, seconds: (performance.now() - started) / 1000, requests: events.length, latencies, rejected };
}

async function batches(url: string, events: string[], size: number, clients: number, name = 'warm-up'): Promise<Phase> {
  const bodies: string[] = [];
  for (let start = 0; start < events.length; start += size) bodies.push(`[${events.slice(start, start + size).join(',')}]`);
  const latencies: number[] = [];
  let rejected = 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++]!;
        const sent = performance.now();
        const response = await fetch(`${url}/api/v1/lineage/batch`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        const answer = (await response.json()) as { rejected?: number };
        latencies.push(performance.now() - sent);
        if (response.status !== 200) throw new Error(`batch answered ${response.status}: ${JSON.stringify(answer).slice(0, 500)}`);
        rejected += answer.rejected ?? 0;
      }
    }),
  );
  return { name, events: events.length, seconds: (performance.now() - started) / 1000, requests: bodies.length, latencies, rejected };
}

function cpu(ms: number | undefined): string {
  return ms === undefined ? 'n/a' : ms.toFixed(2);
}

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

function report(phases: Phase[], generator: DagRuns, loadBefore: number[]): void {
  const rows = phases.map((phase) => {
    const sorted = [...phase.latencies].sort((a, b) => a - b);
    return {
      phase: phase.name,
      events: phase.events,
      eventsPerSecond: Math.round(phase.events / phase.seconds),
      p50: percentile(sorted, 0.5),
      p95: percentile(sorted, 0.95),
      p99: percentile(sorted, 0.99),
      rejected: phase.rejected,
      serviceCpu: phase.serviceCpuPerEvent,
      neo4jCpu: phase.neo4jCpuPerEvent,
    };
  });
  const lines = [
    `OpenLineage ingestion benchmark, ${new Date().toISOString()}`,
    `machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB`,
    `load average (1, 5, 15 min) at the start: ${loadBefore.map((l) => l.toFixed(1)).join(' ')}, at the end: ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}` + ' (other processes on the machine slow the figures down; CPU ms per event is what they do not distort)',
    `events: Airflow scenario of ${SHARED_FIXTURES} replayed as ${generator.events / 32} DAG runs, ${generator.events} events, ${Math.round(generator.bytes / generator.events)} bytes per event on average`,
    '',
    '| phase | events | events/s | p50 ms | p95 ms | p99 ms (per request) | CPU ms/event: service + Neo4j | rejected |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.phase} | ${r.events} | ${r.eventsPerSecond} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.p99.toFixed(1)} | ${cpu(r.serviceCpu)} + ${cpu(r.neo4jCpu)} | ${r.rejected} |`,
    ),
  ];
  const single = rows.find((r) => r.phase.startsWith('single events, 1'));
  const batched = Math.max(...rows.filter((r) => r.phase.startsWith('batches')).map((r) => r.eventsPerSecond));
  if (single) lines.push('', `batched / single sequential: ${(batched / single.eventsPerSecond).toFixed(1)}x`);
  process.stdout.write(`${lines.join('\n')}\n`);
  const results = path.join(PROJECT_ROOT, 'bench', 'results');
  fs.mkdirSync(results, { recursive: true });
  fs.writeFileSync(
    path.join(results, `openlineage-${Date.now()}.json`),
    JSON.stringify({ rows, at: new Date().toISOString(), loadBefore, loadAfter: os.loadavg() }, null, 2),
  );
}

async function waitReady(url: string, service: ChildProcess): Promise<void> {
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    if (service.exitCode !== null) throw new Error(`the service exited with code ${service.exitCode}`);
    try {
      if ((await fetch(`${url}/readyz`)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error('the service did not become ready within 180 s');
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
