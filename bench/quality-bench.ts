import 'reflect-metadata';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import neo4j, { type Driver } from 'neo4j-driver';
import { loadConfig } from '../src/config';
import { Database } from '../src/db/database';
import { loadMigrationFiles, Migrator } from '../src/db/migrator';
import { canonicalJson } from '../src/core/canonical-json';
import { checkKey, failedRank, type AssertionRecord } from '../src/lineage/quality/quality-facets';
import { reportId, type QualityReportWrite } from '../src/lineage/quality/quality-reports';
import { QualityRepository } from '../src/lineage/quality/quality.repository';
import { startLocalNeo4j, type LocalNeo4j } from '../src/local-neo4j/local-neo4j';
import { createLogger } from '../src/logger';
import { MIGRATIONS_DIR } from '../src/paths';
import { writeBenchReport } from './bench-report';
import { startService, type RunningService } from '../src/server';
import { generate, shapeFor } from './synthetic-lineage';
import { ServiceProcess } from './side-by-side/systems';

/**
 * `npm run bench:quality [-- --nodes 100000 --iterations 200 --failed 0.01]`: the data quality questions on the
 * synthetic lineage graph of `npm run bench:lineage` (bench/synthetic-lineage.ts), with a quality report on every
 * dataset version (two checks, as a dataset event would report them) of which `--failed` fail, written with the
 * service's own statement (QualityRepository.writeReports). Method and figures: bench/README.md.
 *
 * Measured, each way taking turns first:
 * - graphql: `atRisk` over HTTP (every live deployment, offending versions, failed checks and paths);
 * - service: QualityAssessmentService.atRisk in process (the same without HTTP and GraphQL);
 * - provenance: the baseline a client has without this feature: `provenance` of every live deployment (the
 *   service's own question), then the quality of the versions it returned;
 * - downstream: the other direction, as one Cypher statement: from every version with a failed check down to the
 *   live deployments reachable from it (reachability only: no paths, no budget, no time travel of the walk);
 * - with `--baseline <built checkout>`: process and baseline, this service and the other checkout's, each in its
 *   own process as `npm start` runs it, over HTTP on the same store; their answers are compared as text.
 */

interface Options {
  nodes: number;
  failed: number;
  iterations: number;
  warmup: number;
  heap: string;
  pageCache: string;
  /** Another built checkout whose service is measured beside this one's (`--baseline <path>`). */
  baseline: string | null;
}

function options(argv: string[]): Options {
  const value = (name: string, fallback: string) => {
    const index = argv.indexOf(`--${name}`);
    return index >= 0 && argv[index + 1] ? argv[index + 1]! : fallback;
  };
  return {
    nodes: Number(value('nodes', '100000')),
    failed: Number(value('failed', '0.01')),
    iterations: Number(value('iterations', '200')),
    warmup: Number(value('warmup', '40')),
    heap: value('heap', '2g'),
    pageCache: value('pagecache', '1g'),
    baseline: argv.includes('--baseline') ? path.resolve(value('baseline', '')) : null,
  };
}

const AT_RISK = `query($asOf: DateTimeISO) { atRisk(asOf: $asOf) {
  liveDeployments checkedVersions truncated
  deployments { node { id label } offending { datasetVersion { id label } status depth failedChecks { assertion column severity } path { nodes { id kind label } edges { id type } } } } } }`;

/** Reachability from failing versions down to live deployments (no paths). */
const DOWNSTREAM = `WITH datetime($asOf) AS asOf
MATCH (q:QualityReport) WHERE q.failedRank >= 2 AND q.at <= asOf
MATCH (v:DatasetVersion {id: q.versionId})
WITH DISTINCT v, asOf
MATCH (v) ((a)-[r:READ|WROTE|SERVES|CHILD_OF]-(b) WHERE (r:READ AND startNode(r) = b) OR (r:WROTE AND startNode(r) = a) OR (r:SERVES AND startNode(r) = b) OR (r:CHILD_OF AND startNode(r) = b)){1,20} (d:Deployment)
WHERE d.deployedAt <= asOf AND (d.retiredAt IS NULL OR asOf < d.retiredAt)
RETURN count(DISTINCT d) AS atRisk`;

const CHECKS = ['not_null', 'row_count'];

async function addQualityReports(db: Database, failedShare: number, say: (message: string) => void): Promise<{ reports: number; failed: number }> {
  const versions = await db.read('bench.versions', (tx) =>
    tx.rows<{ id: string; datasetId: string; at: Date }>(
      `MATCH (v:DatasetVersion) RETURN v.id AS id, v.datasetId AS datasetId, v.createdAt AS at ORDER BY v.id`,
    ),
  );
  const repository = new QualityRepository();
  let failed = 0;
  for (let start = 0; start < versions.length; start += 2_000) {
    const batch = versions.slice(start, start + 2_000).map(({ id, datasetId, at }): QualityReportWrite => {
      // Deterministic: the same versions fail in every run.
      const fails = parseInt(createHash('sha256').update(id).digest('hex').slice(0, 8), 16) / 0xffffffff < failedShare;
      if (fails) failed++;
      const assertions: AssertionRecord[] = CHECKS.map((assertion, i) => ({
        assertion,
        name: null,
        column: i === 0 ? 'id' : null,
        success: !(fails && i === 0),
        severity: 'ERROR',
        reportedSeverity: 'error',
        description: null,
        expected: null,
        actual: null,
      }));
      const reportedAt = new Date(at.getTime() + 600_000).toISOString();
      return {
        id: reportId(null, id, 'DATASET', 'dataQualityAssertions', reportedAt),
        at: reportedAt,
        valueJson: canonicalJson({ assertions }),
        properties: {
          kind: 'ASSERTIONS',
          runId: null,
          readKey: id,
          versionId: id,
          datasetId,
          namespace: 's3://bench-lake',
          placement: 'DATASET',
          facet: 'dataQualityAssertions',
          assertionsJson: JSON.stringify(assertions),
          assertionCount: assertions.length,
          failedCount: fails ? 1 : 0,
          failedRank: failedRank(assertions),
          failedKeys: assertions.filter((a) => !a.success).map(checkKey),
          rowCount: null,
          bytes: null,
          fileCount: null,
          lastUpdated: null,
          columnsJson: null,
        },
      };
    });
    await db.write('bench.quality', (tx) => repository.writeReports(tx, batch, []));
  }
  say(`quality reports on ${versions.length} dataset versions, ${failed} with a failed check (${((100 * failed) / versions.length).toFixed(2)} %)`);
  return { reports: versions.length, failed };
}

async function viaGraphQL(url: string, asOf: string): Promise<number> {
  const body = JSON.parse(await atRiskText(url, asOf)) as { data: { atRisk: { deployments: unknown[] } } };
  return body.data.atRisk.deployments.length;
}

/** The atRisk answer over HTTP, as the text the service sent. */
async function atRiskText(url: string, asOf: string): Promise<string> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: AT_RISK, variables: { asOf } }),
  });
  const text = await response.text();
  if (!(JSON.parse(text) as { data?: unknown }).data) throw new Error(`GraphQL error: ${text.slice(0, 500)}`);
  return text;
}

/** What a client could do without atRisk: provenance of every live deployment, then the quality of what it found. */
async function viaProvenance(service: RunningService, asOf: string): Promise<number> {
  const live = await service.db.read('bench.live', (tx) =>
    tx.rows<{ id: string }>(
      `MATCH (d:Deployment) WHERE d.deployedAt <= datetime($asOf) AND (d.retiredAt IS NULL OR datetime($asOf) < d.retiredAt) RETURN d.id AS id`,
      { asOf },
    ),
  );
  let atRisk = 0;
  for (const { id } of live) {
    const provenance = await service.services.provenance.traceProvenance({ from: id, asOf });
    const versions = provenance.nodes.filter((node) => node.kind === 'DatasetVersion').map((node) => node.id);
    const qualities = await service.services.quality.versionQuality(versions.map((versionId) => ({ versionId, asOf, minSeverity: 'WARN' })));
    if (qualities.some((quality) => quality.failedChecks.length > 0 || quality.status === 'BAD' || quality.status === 'SUSPECT')) atRisk++;
  }
  return atRisk;
}

async function viaDownstream(driver: Driver, asOf: string): Promise<number> {
  const session = driver.session({ defaultAccessMode: neo4j.session.READ });
  try {
    return await session.executeRead(async (tx) => Number((await tx.run(DOWNSTREAM, { asOf })).records[0]!.get('atRisk')), { timeout: 60_000 });
  } finally {
    await session.close();
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
const round = (value: number) => Math.round(value * 10) / 10;
const stats = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: round(percentile(sorted, 50)), p95: round(percentile(sorted, 95)), p99: round(percentile(sorted, 99)), n: values.length };
};

/**
 * With --baseline, two more: `process` (this service as `npm start` runs it, its own process) and `baseline` (the
 * other checkout's, likewise), both over HTTP on the same store, so that only the code differs.
 */
type Way = 'graphql' | 'service' | 'provenance' | 'downstream' | 'process' | 'baseline';

async function measure(
  ways: Way[],
  iterations: (way: Way) => number,
  warmup: number,
  run: (way: Way) => Promise<number>,
): Promise<Record<string, { p50: number; p95: number; p99: number; n: number; atRisk: number }>> {
  const times = new Map<Way, number[]>(ways.map((way) => [way, []]));
  const answers = new Map<Way, number>();
  const rounds = Math.max(...ways.map(iterations)) + warmup;
  for (let i = 0; i < rounds; i++) {
    const order = ways.map((_, k) => ways[(k + i) % ways.length]!);
    for (const way of order) {
      if (i >= warmup + iterations(way)) continue;
      const started = performance.now();
      answers.set(way, await run(way));
      if (i >= warmup) times.get(way)!.push(performance.now() - started);
    }
  }
  return Object.fromEntries(ways.map((way) => [way, { ...stats(times.get(way)!), atRisk: answers.get(way)! }]));
}

async function main(): Promise<void> {
  const opts = options(process.argv.slice(2));
  const logger = createLogger('warn');
  const say = (message: string) => process.stdout.write(`${message}\n`);
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'lineage-quality-bench-'));
  say(`starting a throwaway Neo4j (heap ${opts.heap}, page cache ${opts.pageCache}) in ${home}`);
  const local: LocalNeo4j = await startLocalNeo4j({ home, boltPort: 0, heap: opts.heap, pageCache: opts.pageCache, startTimeoutMs: 300_000, logger });
  // Without authentication (its cost per request is measured by bench/guard-overhead.ts: microseconds).
  const config = loadConfig({
    ...process.env,
    PORT: '0',
    HOST: '127.0.0.1',
    LINEAGE_DEMO: 'off',
    LINEAGE_MODE: 'development',
    LINEAGE_AUTH: 'off',
    LOG_LEVEL: 'error',
    NEO4J_TX_TIMEOUT_MS: '120000',
    WEBHOOK_DELIVERY: 'off',
  });
  const db = Database.connect({ ...config.neo4j, uri: local.uri }, logger);
  const driver = neo4j.driver(local.uri, undefined, { disableLosslessIntegers: true });
  let service: RunningService | undefined;
  const processes: ServiceProcess[] = [];
  try {
    await db.waitUntilReachable(60_000);
    await new Migrator(db, loadMigrationFiles(MIGRATIONS_DIR), logger).migrate();
    const shape = shapeFor(opts.nodes);
    say(`generating ~${opts.nodes} nodes: ${JSON.stringify(shape)}`);
    const generated = await generate(db, shape, say);
    const quality = await addQualityReports(db, opts.failed, say);
    service = await startService(config, local.uri, logger);
    const env = { NODE_ENV: 'production', LINEAGE_MODE: 'development', LOG_LEVEL: 'error', NEO4J_TX_TIMEOUT_MS: '120000', WEBHOOK_DELIVERY: 'off' };
    const own = opts.baseline ? await ServiceProcess.start(local.uri, env) : null;
    const baseline = opts.baseline ? await ServiceProcess.start(local.uri, env, opts.baseline) : null;
    processes.push(...(own ? [own] : []), ...(baseline ? [baseline] : []));
    const load = () =>
      os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ');
    const loadBefore = load();
    // Now (the latest deployments live) and mid-history (day 30: other deployments live, fewer reports known).
    const instants = { now: new Date().toISOString(), 'day 30': new Date(Date.UTC(2025, 0, 31, 12)).toISOString() };
    const results: Record<string, unknown> = {};
    for (const [name, asOf] of Object.entries(instants)) {
      say(
        `measuring atRisk as of ${name} (${asOf}): ${opts.warmup} warm-up + ${opts.iterations} requests per way (provenance and downstream: a tenth); load ${load()}`,
      );
      const ways: Way[] = ['graphql', 'service', 'provenance', 'downstream', ...(own && baseline ? (['process', 'baseline'] as const) : [])];
      const figures = await measure(
        ways,
        (way) => (way === 'provenance' || way === 'downstream' ? Math.max(10, Math.round(opts.iterations / 10)) : opts.iterations),
        opts.warmup,
        (way) =>
          way === 'graphql'
            ? viaGraphQL(service!.url, asOf)
            : way === 'service'
              ? service!.services.qualityAssessment.atRisk({ asOf }).then((answer) => answer.assessments.length)
              : way === 'provenance'
                ? viaProvenance(service!, asOf)
                : way === 'downstream'
                  ? viaDownstream(driver, asOf)
                  : viaGraphQL((way === 'process' ? own : baseline)!.url, asOf),
      );
      const answer = await service.services.qualityAssessment.atRisk({ asOf });
      // The baseline's answer, as text, against this version's: the same bytes, or the benchmark says so.
      const identical = own && baseline ? (await atRiskText(own.url, asOf)) === (await atRiskText(baseline.url, asOf)) : null;
      if (identical === false) say(`  the baseline's answer differs from this version's`);
      results[name] = {
        asOf,
        liveDeployments: answer.liveDeployments,
        checkedVersions: answer.checkedVersions,
        truncated: answer.cut,
        identicalToBaseline: identical,
        ...figures,
      };
      for (const [way, figure] of Object.entries(figures)) {
        say(`  ${way.padEnd(10)} p50 ${figure.p50} ms, p95 ${figure.p95} ms, p99 ${figure.p99} ms (n=${figure.n}); at risk: ${figure.atRisk}`);
      }
      say(`  ${answer.liveDeployments} live deployments, ${answer.checkedVersions} dataset versions checked, truncated: ${answer.cut ?? 'no'}`);
    }
    const report = {
      when: new Date().toISOString(),
      machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, memoryGiB: Math.round(os.totalmem() / 2 ** 30), loadBefore, loadAfter: load() },
      options: opts,
      graph: { ...generated, quality },
      results,
    };
    const file = writeBenchReport('quality', report);
    say(`load average after: ${report.machine.loadAfter}; report written to ${file}`);
  } finally {
    for (const started of processes) await started.stop();
    await service?.stop();
    await driver.close();
    await db.close();
    await local.stop();
    fs.rmSync(home, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
