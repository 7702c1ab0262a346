import 'reflect-metadata';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import neo4j, { type Driver } from 'neo4j-driver';
import { loadConfig } from '../src/config';
import { Database } from '../src/db/database';
import { loadMigrationFiles, Migrator } from '../src/db/migrator';
import { kindOfId } from '../src/core/ids';
import type { Direction } from '../src/lineage/questions/lineage-steps';
import { TRAVERSAL_LIMITS } from '../src/lineage/questions/traversal-limits';
import { TRAVERSAL_CYPHER } from '../src/lineage/questions/traversal.repository';
import { pendingChecks, traverse, type ExpansionRow, type NodeRef } from '../src/lineage/questions/traversal';
import { startLocalNeo4j, type LocalNeo4j } from '../src/local-neo4j/local-neo4j';
import { createLogger } from '../src/logger';
import { MIGRATIONS_DIR, PROJECT_ROOT } from '../src/paths';
import { startService, type RunningService } from '../src/server';
import { generate, sampleStarts, shapeFor } from './synthetic-lineage';

/**
 * `npm run bench:lineage [-- --nodes 1000000 --iterations 300]`: builds a synthetic lineage graph in a throwaway
 * Neo4j (or BENCH_NEO4J_URI, which must be an empty database) and measures provenance, impact and explorer queries
 * at several depths three ways, interleaved request by request so that all three see the same machine load:
 *
 * - graphql: the query over HTTP to the running service (fetch, JSON parse included);
 * - service: the same question through the service in-process (no HTTP, no GraphQL);
 * - cypher: the same traversal as bare Cypher through neo4j-driver: the very statements and parameters the service
 *   runs (one expansion per level, then the description), driven by the same breadth-first loop, in one read
 *   transaction, with no conversion of the records.
 *
 * graphql / cypher is the API's overhead. For provenance, a fourth figure: the best single Cypher statement for the
 * reachable set alone (`qpp`, a quantified path pattern with a per-hop direction predicate, which Neo4j 5.26 runs
 * as a pruning breadth-first expand): a reference for the level-by-level design, which it cannot replace (it has no
 * node budget, no edges and no depths). Method and figures: bench/README.md.
 */

interface Options {
  nodes: number;
  /** With BENCH_NEO4J_URI: measure the graph a previous run generated there instead of generating one. */
  reuse: boolean;
  iterations: number;
  warmup: number;
  starts: number;
  heap: string;
  pageCache: string;
}

function options(argv: string[]): Options {
  const value = (name: string, fallback: string) => {
    const index = argv.indexOf(`--${name}`);
    return index >= 0 && argv[index + 1] ? argv[index + 1]! : fallback;
  };
  const nodes = Number(value('nodes', '100000'));
  return {
    nodes,
    reuse: argv.includes('--reuse'),
    iterations: Number(value('iterations', '200')),
    warmup: Number(value('warmup', '40')),
    starts: Number(value('starts', '20')),
    heap: value('heap', nodes > 300_000 ? '3g' : '2g'),
    pageCache: value('pagecache', nodes > 300_000 ? '3g' : '1g'),
  };
}

interface Scenario {
  name: string;
  question: 'provenance' | 'impact' | 'lineageGraph';
  depth: number;
  starts: string[];
}

const GRAPHQL: Record<Scenario['question'], string> = {
  provenance: `query($from: ID!, $depth: Int) { provenance(from: $from, maxDepth: $depth) {
    truncated truncatedReason nodes { id kind label depth isSource } sources { id } edges { type source target } } }`,
  impact: `query($from: ID!, $depth: Int) { impact(from: $from, maxDepth: $depth) {
    truncated truncatedReason nodes { id kind label depth } environments { environment live { id label } } edges { type source target } } }`,
  lineageGraph: `query($from: ID!, $depth: Int) { lineageGraph(from: $from, depth: $depth) {
    truncated truncatedReason nodes { id kind label depth isSource isLive hasMoreUpstream hasMoreDownstream properties } edges { id type source target } } }`,
};

const DIRECTIONS: Record<Scenario['question'], Direction[]> = { provenance: ['UP'], impact: ['DOWN'], lineageGraph: ['UP', 'DOWN'] };
const BUDGET: Record<Scenario['question'], number> = {
  provenance: TRAVERSAL_LIMITS.DEFAULT_TRAVERSAL_NODES,
  impact: TRAVERSAL_LIMITS.DEFAULT_TRAVERSAL_NODES,
  lineageGraph: TRAVERSAL_LIMITS.DEFAULT_GRAPH_NODES,
};

/** Upstream nodes reachable within `depth` hops, as one statement (reference only: unbounded by any node budget). */
const QPP = (depth: number) => `MATCH (d:Deployment {id: $id})
MATCH (d) ((a)-[r:SERVES|WROTE|READ|RAN_CODE|CHILD_OF]-(b) WHERE (r:WROTE AND startNode(r) = b) OR (NOT r:WROTE AND startNode(r) = a)){1,${depth}} (x)
RETURN count(DISTINCT x) AS nodes`;

async function singleStatement(driver: Driver, id: string, depth: number): Promise<number> {
  const session = driver.session({ defaultAccessMode: neo4j.session.READ });
  try {
    return await session.executeRead(async (tx) => Number((await tx.run(QPP(depth), { id })).records[0]!.get('nodes')));
  } finally {
    await session.close();
  }
}

/** The service's traversal as bare Cypher: same statements, same parameters, same loop; bare driver. */
async function bareCypher(driver: Driver, question: Scenario['question'], id: string, depth: number): Promise<number> {
  const start: NodeRef = { id, kind: kindOfId(id)! };
  const asOf = new Date().toISOString();
  const session = driver.session({ defaultAccessMode: neo4j.session.READ });
  try {
    return await session.executeRead(async (tx) => {
      const maxNodes = BUDGET[question];
      const traversal = await traverse(
        start,
        { directions: DIRECTIONS[question], maxDepth: depth, maxNodes, maxEdges: maxNodes * TRAVERSAL_LIMITS.EDGES_PER_NODE },
        async (request) => {
          const { start: first, ...walk } = request;
          const result = await tx.run(TRAVERSAL_CYPHER.EXPAND, { walk: { ...walk, start: first?.id ?? null, startKind: first?.kind ?? null, asOf } });
          return result.records.map((record) => record.toObject() as unknown as ExpansionRow);
        },
      );
      const pending = pendingChecks(traversal);
      const nodes: Record<string, unknown[]> = {};
      for (const node of traversal.nodes.values()) (nodes[node.kind] ??= []).push({ id: node.id, ...pending.get(node.id)! });
      for (const kind of ['Dataset', 'DatasetVersion', 'Job', 'Run', 'Commit', 'Model', 'ModelVersion', 'Deployment']) nodes[kind] ??= [];
      const described = await tx.run(TRAVERSAL_CYPHER.DESCRIBE, { describe: { nodes, visited: [...traversal.nodes.keys()], asOf } });
      return described.records.length;
    });
  } finally {
    await session.close();
  }
}

async function viaService(service: RunningService, question: Scenario['question'], id: string, depth: number): Promise<number> {
  if (question === 'provenance') return (await service.services.provenance.traceProvenance({ from: id, maxDepth: depth })).nodes.length;
  if (question === 'impact') return (await service.services.impact.assessImpact({ from: id, maxDepth: depth })).nodes.length;
  return (await service.services.lineageGraph.neighbourhood({ from: id, depth })).nodes.length;
}

interface GraphQLAnswer {
  nodes: number;
  truncated: string;
}

async function viaGraphQL(url: string, question: Scenario['question'], id: string, depth: number): Promise<GraphQLAnswer> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: GRAPHQL[question], variables: { from: id, depth } }),
  });
  const body = (await response.json()) as { data?: Record<string, { nodes: unknown[]; truncated: boolean; truncatedReason: string | null }>; errors?: unknown };
  if (body.errors || !body.data) throw new Error(`GraphQL error: ${JSON.stringify(body.errors)}`);
  const answer = body.data[question]!;
  return { nodes: answer.nodes.length, truncated: answer.truncated ? answer.truncatedReason! : 'no' };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

interface Measured {
  scenario: string;
  depth: number;
  nodes: number;
  truncated: string;
  graphql: { p50: number; p95: number; p99: number };
  service: { p50: number; p95: number; p99: number };
  cypher: { p50: number; p95: number; p99: number };
  qpp: { p50: number; p95: number; p99: number } | null;
  ratioP50: number;
  ratioP95: number;
}

async function measure(scenario: Scenario, service: RunningService, driver: Driver, opts: Options): Promise<Measured> {
  const times = { graphql: [] as number[], service: [] as number[], cypher: [] as number[], qpp: [] as number[] };
  const ways = scenario.question === 'provenance' ? 4 : 3;
  let nodes = 0;
  let truncated = new Set<string>();
  for (let i = 0; i < opts.warmup + opts.iterations; i++) {
    const id = scenario.starts[i % scenario.starts.length]!;
    const record = i >= opts.warmup;
    // Rotate which way goes first, so that none always finds the caches warmed by another.
    const order = Array.from({ length: ways }, (_, k) => (k + i) % ways);
    for (const way of order) {
      const started = performance.now();
      if (way === 0) {
        const answer = await viaGraphQL(service.url, scenario.question, id, scenario.depth);
        if (record) {
          nodes += answer.nodes;
          truncated.add(answer.truncated);
        }
      } else if (way === 1) {
        await viaService(service, scenario.question, id, scenario.depth);
      } else if (way === 2) {
        await bareCypher(driver, scenario.question, id, scenario.depth);
      } else {
        await singleStatement(driver, id, scenario.depth);
      }
      const elapsed = performance.now() - started;
      if (record) times[(['graphql', 'service', 'cypher', 'qpp'] as const)[way]!].push(elapsed);
    }
  }
  const stats = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    return { p50: round(percentile(sorted, 50)), p95: round(percentile(sorted, 95)), p99: round(percentile(sorted, 99)) };
  };
  const graphql = stats(times.graphql);
  const cypher = stats(times.cypher);
  truncated = truncated.size > 1 ? new Set([...truncated].filter((t) => t !== 'no')) : truncated;
  return {
    scenario: scenario.name,
    depth: scenario.depth,
    nodes: Math.round(nodes / opts.iterations),
    truncated: [...truncated].join('/'),
    graphql,
    service: stats(times.service),
    cypher,
    qpp: times.qpp.length > 0 ? stats(times.qpp) : null,
    ratioP50: round(graphql.p50 / cypher.p50),
    ratioP95: round(graphql.p95 / cypher.p95),
  };
}

const round = (value: number) => Math.round(value * 100) / 100;

async function main(): Promise<void> {
  const opts = options(process.argv.slice(2));
  const logger = createLogger('warn');
  const say = (message: string) => process.stdout.write(`${message}\n`);
  let local: LocalNeo4j | undefined;
  let home: string | undefined;
  let uri = process.env.BENCH_NEO4J_URI;
  if (!uri) {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'lineage-bench-neo4j-'));
    say(`starting a throwaway Neo4j (heap ${opts.heap}, page cache ${opts.pageCache}) in ${home}`);
    local = await startLocalNeo4j({ home, boltPort: 0, heap: opts.heap, pageCache: opts.pageCache, startTimeoutMs: 300_000, logger });
    uri = local.uri;
  }
  const config = loadConfig({ ...process.env, PORT: '0', HOST: '127.0.0.1', LINEAGE_DEMO: 'off', LOG_LEVEL: 'warn', NEO4J_TX_TIMEOUT_MS: '120000' });
  const db = Database.connect({ ...config.neo4j, uri }, logger);
  // Native numbers, as a hand-written client would configure it (the service converts Neo4j integers itself).
  const driver = neo4j.driver(uri, config.neo4j.password ? neo4j.auth.basic(config.neo4j.user, config.neo4j.password) : undefined, {
    disableLosslessIntegers: true,
  });
  let service: RunningService | undefined;
  try {
    await db.waitUntilReachable(60_000);
    await new Migrator(db, loadMigrationFiles(MIGRATIONS_DIR), logger).migrate();
    const count = async () =>
      (
        await db.read('bench.count', (tx) =>
          tx.rows<{ nodes: number; relationships: number; runs: number }>(
            'CALL () { MATCH (n) RETURN count(n) AS nodes } CALL () { MATCH ()-[r]->() RETURN count(r) AS relationships } CALL () { MATCH (r:Run) RETURN count(r) AS runs } RETURN nodes, relationships, runs',
          ),
        )
      )[0]!;
    let generated: Record<string, unknown>;
    let counts = await count();
    if (opts.reuse && uri === process.env.BENCH_NEO4J_URI && counts.runs > 0) {
      say(`measuring the graph already in ${uri}: ${counts.nodes} nodes, ${counts.relationships} relationships`);
      generated = { reused: true };
    } else {
      if (counts.runs > 0) throw new Error('the bench database must be empty (it holds runs already); --reuse measures it as it is');
      const shape = shapeFor(opts.nodes);
      say(`generating ~${opts.nodes} nodes: ${JSON.stringify(shape)}`);
      const started = performance.now();
      const result = await generate(db, shape, say);
      const seconds = Math.round((performance.now() - started) / 100) / 10;
      counts = await count();
      say(`generated ${counts.nodes} nodes and ${counts.relationships} relationships in ${seconds} s`);
      if (counts.relationships !== result.relationships)
        throw new Error(`expected ${result.relationships} relationships, the graph has ${counts.relationships}`);
      generated = { ...result, generationSeconds: seconds };
    }

    service = await startService(config, uri, logger);
    const starts = await sampleStarts(db, opts.starts);
    const scenarios: Scenario[] = [
      ...[5, 10, 20].map((depth) => ({
        name: 'provenance of a live production deployment',
        question: 'provenance' as const,
        depth,
        starts: starts.deployments,
      })),
      ...[5, 10, 20].map((depth) => ({ name: 'impact of a raw source version', question: 'impact' as const, depth, starts: starts.sources })),
      ...[2, 4, 6].map((depth) => ({
        name: 'explorer graph of a model version (both ways)',
        question: 'lineageGraph' as const,
        depth,
        starts: starts.modelVersions,
      })),
    ];
    const load = os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ');
    say(`measuring: ${opts.warmup} warm-up + ${opts.iterations} requests per scenario and way, ${opts.starts} start nodes; load average ${load}`);
    const results: Measured[] = [];
    for (const scenario of scenarios) {
      const result = await measure(scenario, service, driver, opts);
      results.push(result);
      say(
        `${scenario.name.padEnd(48)} depth ${String(scenario.depth).padStart(2)}: ${String(result.nodes).padStart(4)} nodes (${result.truncated.padEnd(11)}) ` +
          `graphql p50/p95/p99 ${result.graphql.p50}/${result.graphql.p95}/${result.graphql.p99} ms, service ${result.service.p50}/${result.service.p95}/${result.service.p99}, ` +
          `cypher ${result.cypher.p50}/${result.cypher.p95}/${result.cypher.p99}` +
          (result.qpp ? `, qpp ${result.qpp.p50}/${result.qpp.p95}/${result.qpp.p99}` : '') +
          `; graphql/cypher ${result.ratioP50} (p50) ${result.ratioP95} (p95)`,
      );
    }
    const report = {
      when: new Date().toISOString(),
      machine: {
        cpus: os.cpus().length,
        model: os.cpus()[0]?.model,
        memoryGiB: Math.round(os.totalmem() / 2 ** 30),
        loadBefore: load,
        loadAfter: os
          .loadavg()
          .map((l) => l.toFixed(2))
          .join(' '),
      },
      options: opts,
      graph: { ...generated, ...counts },
      results,
    };
    const dir = path.join(PROJECT_ROOT, 'bench', 'results');
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `lineage-${report.when.replace(/[:.]/g, '-')}.json`);
    fs.writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
    say(`load average after: ${report.machine.loadAfter}; report written to ${path.relative(PROJECT_ROOT, file)}`);
  } finally {
    await service?.stop();
    await driver.close();
    await db.close();
    await local?.stop();
    if (home) fs.rmSync(home, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
