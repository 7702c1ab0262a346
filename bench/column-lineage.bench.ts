import 'reflect-metadata';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import neo4j, { type Driver, type ManagedTransaction } from 'neo4j-driver';
import { loadConfig } from '../src/config';
import { Database, type Tx } from '../src/db/database';
import { loadMigrationFiles, Migrator } from '../src/db/migrator';
import { ids } from '../src/core/ids';
import { COLUMN_LIMITS } from '../src/lineage/column/column-limits';
import { COLUMN_WALK_CYPHER, ColumnWalkRepository, type WalkStart } from '../src/lineage/column/column-walk.repository';
import { walkColumns, type ExpandFields, type FieldExpansionRow, type WalkDirection } from '../src/lineage/column/column-walk';
import { COLUMN_WRITE_CYPHER } from '../src/core/column/column-write.repository';
import { LineageDirection } from '../src/lineage/questions/lineage.type';
import { TRAVERSAL_LIMITS } from '../src/lineage/questions/traversal-limits';
import { startLocalNeo4j, type LocalNeo4j } from '../src/local-neo4j/local-neo4j';
import { createLogger } from '../src/logger';
import { MIGRATIONS_DIR } from '../src/paths';
import { writeBenchReport } from './bench-report';
import { startService, type RunningService } from '../src/server';

/**
 * `npm run bench:columns [-- --pipelines 10 --rounds 20 --columns 50 --layers 6 --iterations 200]`: column lineage
 * over a synthetic OpenLineage stream, recorded through the real ingestion path, then `columnLineage` upstream at
 * depth 10 from fields of the last layer, measured four ways, interleaved request by request:
 *
 * - graphql: the query over HTTP to the running service (fetch and JSON parse included);
 * - service: the same question through the service in-process (no HTTP, no GraphQL);
 * - cypher: the same walk as bare Cypher through neo4j-driver: the very statements and parameters the service
 *   runs (the start, then the walk statement and, if its reach was cut, level statements), driven by the same
 *   breadth-first loop over the same levels, in one read transaction, with no conversion of the records beyond
 *   the driver's;
 * - levels: the walk as it was before the walk statement, one expansion statement per level (the same answers).
 *
 * graphql / cypher is what the API adds to the walk itself, levels / cypher what the walk statement saves. A fifth
 * figure, `qpp`, is the reachable set alone as one quantified path pattern over FEEDS (no dataset-wide edges, no
 * budget, no edges or depths in the answer): a floor for any walk. Method and figures: bench/README.md.
 *
 * Plans: every column statement (the recorder's writes and the walks) is EXPLAINed on the empty store, before
 * anything is written, and again on the full store with `replan=force`; the bench reports whether the two plans
 * have the same operators, whether either scans, and how long the full-store planning took (the statements are
 * meant to plan fast and alike on any store, with no plan kept by replan=skip).
 */

interface Options {
  pipelines: number;
  rounds: number;
  columns: number;
  layers: number;
  inputsPerColumn: number;
  iterations: number;
  warmup: number;
  starts: number;
}

function options(argv: string[]): Options {
  const value = (name: string, fallback: number) => {
    const index = argv.indexOf(`--${name}`);
    return index >= 0 && argv[index + 1] ? Number(argv[index + 1]) : fallback;
  };
  return {
    pipelines: value('pipelines', 10),
    rounds: value('rounds', 20),
    columns: value('columns', 50),
    layers: value('layers', 6),
    inputsPerColumn: value('inputs', 3),
    iterations: value('iterations', 200),
    warmup: value('warmup', 40),
    starts: value('starts', 20),
  };
}

const PRODUCER = 'https://github.com/acme/bench/tree/v1';
const SCHEMA_URL = 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent';
const SUBTYPES = [
  ['DIRECT', 'IDENTITY'],
  ['DIRECT', 'TRANSFORMATION'],
  ['DIRECT', 'AGGREGATION'],
  ['INDIRECT', 'JOIN'],
  ['INDIRECT', 'FILTER'],
] as const;

/** A deterministic pseudo-random stream, so that two runs of the bench build the same graph. */
function random(seed: string): () => number {
  let counter = 0;
  return () => createHash('sha256').update(`${seed}|${counter++}`).digest().readUInt32BE(0) / 2 ** 32;
}

function uuid(text: string): string {
  const hex = createHash('sha256').update(text).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * The stream: `pipelines` independent chains of `layers` datasets with `columns` columns each; every round, layer 0
 * is written by an ingest run (schema only) and each layer l > 0 by a run reading layer l-1 (no version named: the
 * one current at the run's time, i.e. this round's) with a columnLineage facet: each output column from
 * `inputsPerColumn` input columns with a transformation drawn from the spec's subtypes (one in ten masking), and two
 * dataset-wide INDIRECT dependencies. Rounds are an hour apart, layers a minute apart.
 */
function* events(opts: Options): Generator<unknown> {
  const next = random('column-bench');
  const columns = Array.from({ length: opts.columns }, (_, c) => `c${String(c).padStart(2, '0')}`);
  for (let round = 0; round < opts.rounds; round++) {
    for (let pipeline = 0; pipeline < opts.pipelines; pipeline++) {
      const namespace = `bench-${pipeline}`;
      for (let layer = 0; layer < opts.layers; layer++) {
        const at = new Date(Date.parse('2024-01-01T00:00:00Z') + round * 3_600_000 + layer * 60_000 + pipeline * 1_000).toISOString();
        const input = `layer${layer - 1}`;
        const pick = () => columns[Math.floor(next() * columns.length)]!;
        const transformation = () => {
          const [type, subtype] = SUBTYPES[Math.floor(next() * SUBTYPES.length)]!;
          return { type, subtype, description: '', masking: next() < 0.1 };
        };
        const columnLineage =
          layer === 0
            ? {}
            : {
                columnLineage: {
                  _producer: PRODUCER,
                  _schemaURL: 'https://openlineage.io/spec/facets/1-2-0/ColumnLineageDatasetFacet.json',
                  fields: Object.fromEntries(
                    columns.map((column) => [
                      column,
                      {
                        inputFields: [...new Set([column, ...Array.from({ length: opts.inputsPerColumn - 1 }, pick)])].map((field) => ({
                          namespace,
                          name: input,
                          field,
                          transformations: [transformation()],
                        })),
                      },
                    ]),
                  ),
                  dataset: [pick(), pick()].map((field) => ({
                    namespace,
                    name: input,
                    field,
                    transformations: [{ type: 'INDIRECT', subtype: 'FILTER', masking: false }],
                  })),
                },
              };
        yield {
          eventType: 'COMPLETE',
          eventTime: at,
          producer: PRODUCER,
          schemaURL: SCHEMA_URL,
          run: { runId: uuid(`${round}|${pipeline}|${layer}`) },
          job: { namespace, name: `layer${layer}` },
          inputs: layer === 0 ? [] : [{ namespace, name: input }],
          outputs: [
            {
              namespace,
              name: `layer${layer}`,
              facets: {
                schema: { _producer: PRODUCER, _schemaURL: SCHEMA_URL, fields: columns.map((name) => ({ name, type: 'double' })) },
                ...columnLineage,
              },
            },
          ],
        };
      }
    }
  }
}

const GRAPHQL = `query($from: ID!) { columnLineage(from: $from, direction: UPSTREAM, depth: 10) {
  truncated truncatedReason fields { id label depth masked } edges { id scope upstream downstream masking transformations { type subtype } } } }`;

async function viaGraphQL(url: string, from: string): Promise<{ fields: number; edges: number; truncated: string }> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: GRAPHQL, variables: { from } }),
  });
  const body = (await response.json()) as {
    data?: { columnLineage: { fields: unknown[]; edges: unknown[]; truncated: boolean; truncatedReason: string | null } };
    errors?: unknown;
  };
  if (body.errors || !body.data) throw new Error(`GraphQL error: ${JSON.stringify(body.errors)}`);
  const answer = body.data.columnLineage;
  return { fields: answer.fields.length, edges: answer.edges.length, truncated: answer.truncated ? answer.truncatedReason! : 'no' };
}

/** A read transaction of the bare driver as the repositories see one (Tx: statements in, plain records out). */
function plainTx(tx: ManagedTransaction): Tx {
  return { rows: async <T>(query: string, params?: Record<string, unknown>) => (await tx.run(query, params)).records.map((r) => r.toObject() as T) };
}

const WALK_BOUNDS = {
  directions: ['UP'] as WalkDirection[],
  maxDepth: 10,
  maxNodes: COLUMN_LIMITS.DEFAULT_NODES,
  maxEdges: COLUMN_LIMITS.DEFAULT_NODES * TRAVERSAL_LIMITS.EDGES_PER_NODE,
};

/**
 * The service's walk as bare Cypher: the start statement, then the walk statement, driven by the same
 * breadth-first loop over the same levels (ColumnWalkReach); or (`levels`) the walk before it, one expansion
 * statement per level.
 */
async function bareCypher(driver: Driver, from: string, levels: boolean): Promise<number> {
  const asOf = new Date().toISOString();
  const session = driver.session({ defaultAccessMode: neo4j.session.READ });
  try {
    return await session.executeRead(async (tx) => {
      const starts = (await tx.run(COLUMN_WALK_CYPHER.STARTS, { walk: { ids: [from], asOf } })).records.map((r) => r.toObject() as any);
      const expand: ExpandFields = levels
        ? async (frontier, rowLimit) =>
            (await tx.run(COLUMN_WALK_CYPHER.EXPAND_UP, { walk: { frontier: frontier.map((item) => item.element), rowLimit, asOf, kinds: null } })).records.map(
              (r) => r.toObject() as unknown as FieldExpansionRow,
            )
        : new ColumnWalkRepository().walk(plainTx(tx), { starts: starts.map((start: WalkStart) => start.element), ...WALK_BOUNDS, asOf, kinds: null });
      const walk = await walkColumns(starts, WALK_BOUNDS, expand);
      return walk.fields.size;
    });
  } finally {
    await session.close();
  }
}

/** The upstream fields within 10 FEEDS hops as one statement (reference only; see the header). */
const QPP = `MATCH (s:Field {id: $id}) MATCH (s) (()<-[:FEEDS]-(:Field)){1,10} (x) RETURN count(DISTINCT x) AS fields`;

async function singleStatement(driver: Driver, id: string): Promise<number> {
  const session = driver.session({ defaultAccessMode: neo4j.session.READ });
  try {
    return await session.executeRead(async (tx) => Number((await tx.run(QPP, { id })).records[0]!.get('fields')));
  } finally {
    await session.close();
  }
}

const STATEMENTS: Readonly<Record<string, string>> = { ...COLUMN_WRITE_CYPHER, ...COLUMN_WALK_CYPHER };

interface PlanNode {
  operatorType: string;
  children: PlanNode[];
}

/** A plan's operators in pre-order, without the runtime suffix (`Expand(All)@neo4j` is `Expand(All)`). */
function operators(plan: PlanNode): string[] {
  return [plan.operatorType.replace(/@.*$/, ''), ...plan.children.flatMap(operators)];
}

/** Each statement's plan (EXPLAIN, without parameters: a plan's shape does not depend on their values). */
async function plans(driver: Driver, force: boolean): Promise<Record<string, { operators: string[]; ms: number }>> {
  const session = driver.session({ defaultAccessMode: neo4j.session.READ });
  try {
    const result: Record<string, { operators: string[]; ms: number }> = {};
    for (const [name, statement] of Object.entries(STATEMENTS)) {
      const summary = (await session.run(`EXPLAIN ${force ? 'CYPHER replan=force ' : ''}${statement}`)).summary;
      result[name] = { operators: operators(summary.plan as unknown as PlanNode), ms: Number(summary.resultAvailableAfter) };
    }
    return result;
  } finally {
    await session.close();
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const round = (value: number) => Math.round(value * 100) / 100;

async function main(): Promise<void> {
  const opts = options(process.argv.slice(2));
  const logger = createLogger('warn');
  const say = (message: string) => process.stdout.write(`${message}\n`);
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'lineage-bench-columns-'));
  say(`starting a throwaway Neo4j (heap 2g, page cache 1g) in ${home}`);
  const local: LocalNeo4j = await startLocalNeo4j({ home, boltPort: 0, heap: '2g', pageCache: '1g', startTimeoutMs: 300_000, logger });
  const config = loadConfig({
    ...process.env,
    PORT: '0',
    HOST: '127.0.0.1',
    LINEAGE_DEMO: 'off',
    LINEAGE_MODE: 'development',
    LINEAGE_AUTH: 'off',
    LOG_LEVEL: 'warn',
    NEO4J_TX_TIMEOUT_MS: '300000',
  });
  const db = Database.connect({ ...config.neo4j, uri: local.uri }, logger);
  const driver = neo4j.driver(local.uri, undefined, { disableLosslessIntegers: true });
  let service: RunningService | undefined;
  try {
    await db.waitUntilReachable(60_000);
    await new Migrator(db, loadMigrationFiles(MIGRATIONS_DIR), logger).migrate();
    const emptyPlans = await plans(driver, false);
    service = await startService(config, local.uri, logger);

    // The stream through the real ingestion path, in batches of a round (pipelines × layers events).
    const started = performance.now();
    const batch: unknown[] = [];
    let sent = 0;
    const flush = async () => {
      const outcomes = await service!.services.openlineage.ingestBatch(
        { actor: 'bench', source: 'cli' },
        batch.map((event) => ({ event })),
      );
      const refused = outcomes.find((outcome) => outcome.status === 'rejected');
      if (refused) throw new Error(`an event was refused: ${JSON.stringify(refused)}`);
      sent += batch.length;
      batch.length = 0;
    };
    for (const event of events(opts)) {
      batch.push(event);
      if (batch.length === opts.pipelines * opts.layers) await flush();
    }
    if (batch.length > 0) await flush();
    const ingestSeconds = round((performance.now() - started) / 1000);
    const [counts] = await db.read('bench.count', (tx) =>
      tx.rows<{ fields: number; feeds: number; affects: number; versions: number }>(
        `CALL () { MATCH (n:Field) RETURN count(n) AS fields } CALL () { MATCH ()-[r:FEEDS]->() RETURN count(r) AS feeds }
         CALL () { MATCH ()-[r:AFFECTS]->() RETURN count(r) AS affects } CALL () { MATCH (v:DatasetVersion) RETURN count(v) AS versions }
         RETURN fields, feeds, affects, versions`,
      ),
    );
    say(`ingested ${sent} events in ${ingestSeconds} s: ${JSON.stringify(counts)}`);
    const fullPlans = await plans(driver, true);
    const planCheck = Object.fromEntries(
      Object.entries(fullPlans).map(([name, full]) => {
        const empty = emptyPlans[name]!;
        const scans = [...new Set([...empty.operators, ...full.operators].filter((operator) => /Scan/.test(operator)))];
        // Where the planner caches properties it will read again is no access path: it is left out of the comparison.
        const path = (operators: string[]) => operators.filter((operator) => operator !== 'CacheProperties').join(' > ');
        const same = path(empty.operators) === path(full.operators);
        return [name, { same, scans, planningMs: full.ms, operators: full.operators, ...(same ? {} : { emptyOperators: empty.operators }) }];
      }),
    );
    for (const [name, check] of Object.entries(planCheck)) {
      say(
        `plan ${name}: ${check.same ? 'same' : 'DIFFERENT'} on the empty and the full store, ${check.scans.length > 0 ? `scans ${check.scans.join(', ')}` : 'no scan'}, planned in ${check.planningMs} ms on the full store`,
      );
    }

    // Starts: fields of the last layer, spread over pipelines and rounds (each version written by its own run).
    const next = random('starts');
    const starts = Array.from({ length: opts.starts }, () => {
      const pipeline = Math.floor(next() * opts.pipelines);
      const roundOf = Math.floor(next() * opts.rounds);
      const runId = uuid(`${roundOf}|${pipeline}|${opts.layers - 1}`);
      const version = ids.datasetVersion(`bench-${pipeline}`, `layer${opts.layers - 1}`, `run-${runId}`);
      return ids.field(version, `c${String(Math.floor(next() * opts.columns)).padStart(2, '0')}`);
    });

    const load = os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ');
    say(`measuring: ${opts.warmup} warm-up + ${opts.iterations} requests per way, ${opts.starts} start fields; load average ${load}`);
    const ways = ['graphql', 'service', 'cypher', 'levels', 'qpp'] as const;
    const times = Object.fromEntries(ways.map((way) => [way, [] as number[]])) as Record<(typeof ways)[number], number[]>;
    const sizes: Array<{ fields: number; edges: number; truncated: string }> = [];
    // Fields each start reaches by the walk statement and by the level-by-level walk: the same, or the bench stops.
    const reached = { cypher: new Map<string, number>(), levels: new Map<string, number>() };
    for (let i = 0; i < opts.warmup + opts.iterations; i++) {
      const from = starts[i % starts.length]!;
      const record = i >= opts.warmup;
      for (const way of Array.from({ length: ways.length }, (_, k) => (k + i) % ways.length)) {
        const t0 = performance.now();
        if (way === 0) {
          const answer = await viaGraphQL(service.url, from);
          if (record) sizes.push(answer);
        } else if (way === 1) await service.services.columns.traceColumn({ from, direction: LineageDirection.UPSTREAM, depth: 10 });
        else if (way === 2) reached.cypher.set(from, await bareCypher(driver, from, false));
        else if (way === 3) reached.levels.set(from, await bareCypher(driver, from, true));
        else await singleStatement(driver, from);
        if (record) times[ways[way]!].push(performance.now() - t0);
      }
    }
    for (const [from, fields] of reached.cypher) {
      if (reached.levels.get(from) !== fields)
        throw new Error(`from ${from}: ${fields} fields by the walk statement, ${reached.levels.get(from)} level by level`);
    }
    const stats = (values: number[]) => {
      const sorted = [...values].sort((a, b) => a - b);
      return { p50: round(percentile(sorted, 50)), p95: round(percentile(sorted, 95)), p99: round(percentile(sorted, 99)) };
    };
    const result = {
      fields: round(sizes.reduce((sum, s) => sum + s.fields, 0) / sizes.length),
      edges: round(sizes.reduce((sum, s) => sum + s.edges, 0) / sizes.length),
      truncated: [...new Set(sizes.map((s) => s.truncated))].join('/'),
      graphql: stats(times.graphql),
      service: stats(times.service),
      cypher: stats(times.cypher),
      levels: stats(times.levels),
      qpp: stats(times.qpp),
    };
    const ratios = {
      p50: round(result.graphql.p50 / result.cypher.p50),
      p95: round(result.graphql.p95 / result.cypher.p95),
      levelsOverCypherP50: round(result.levels.p50 / result.cypher.p50),
      levelsOverCypherP95: round(result.levels.p95 / result.cypher.p95),
    };
    const loadAfter = os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ');
    say(
      `columnLineage upstream depth 10: ${result.fields} fields, ${result.edges} edges (truncated: ${result.truncated}); ` +
        `graphql p50/p95/p99 ${result.graphql.p50}/${result.graphql.p95}/${result.graphql.p99} ms, service ${result.service.p50}/${result.service.p95}/${result.service.p99}, ` +
        `cypher ${result.cypher.p50}/${result.cypher.p95}/${result.cypher.p99}, levels ${result.levels.p50}/${result.levels.p95}/${result.levels.p99}, ` +
        `qpp ${result.qpp.p50}/${result.qpp.p95}/${result.qpp.p99}; graphql/cypher ${ratios.p50} (p50) ${ratios.p95} (p95), ` +
        `levels/cypher ${ratios.levelsOverCypherP50} (p50) ${ratios.levelsOverCypherP95} (p95); load average after ${loadAfter}`,
    );
    const report = {
      when: new Date().toISOString(),
      machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, loadBefore: load, loadAfter },
      options: opts,
      graph: { events: sent, ingestSeconds, ...counts },
      plans: planCheck,
      result,
      ratios,
    };
    const file = writeBenchReport('columns', report);
    say(`report written to ${file}`);
  } finally {
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
