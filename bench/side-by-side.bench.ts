import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Driver } from 'neo4j-driver';
import { PROJECT_ROOT } from '../src/paths';
import { bareDriver } from './bare-walk';
import { compareAnswers, type EquivalenceCheck } from './side-by-side/equivalence';
import { askFloor, askMarquez, askService, QUESTIONS, type Answer } from './side-by-side/questions';
import { percentile, postBatches, postRunByRun, postSingles, type PostResult } from './side-by-side/posting';
import { chunks, lines, prepareStream, type PreparedStream, type StreamSpec } from './side-by-side/streams';
import { cpuMs, load1, Marquez, Neo4jStore, say, ServiceProcess } from './side-by-side/systems';

/**
 * `npm run bench:side-by-side`: the service next to Marquez 0.50 on streams shaped like an ML platform
 * (`../shared/peers/gen_events.py`), both fed the same OpenLineage events over HTTP, the questions timed in
 * alternated rounds next to the bare Cypher of the same walk. Method and figures: bench/README.md, section
 * "Side by side with Marquez".
 *
 *   --only d,w,crowded,ingest,big   which stores to build (default all)
 *   --rounds 20 --warmup 2          measured and warm-up rounds per depth
 *   --depths 5,10,20 --starts 10    depths; start nodes per stream (in rotation)
 *   --marquez auto|on|off           auto: when ../shared/peers/marquez/up.sh has Marquez running
 *   --big 10,100,150                layers, width, runs of the large stream (~1M nodes)
 *   --ingest-events 960             events per one-event-per-request phase
 *   --clients 1,4,16                concurrent clients of the one-event-per-request phases
 *   --marquez-holds d,w             streams Marquez holds already (fed by an earlier run of this bench: the
 *                                   streams are deterministic): no reset, those are not posted again
 *   --baseline <dir>                another built checkout (npm run build), e.g. main before a change: its service
 *                                   and its bare walk are timed beside this one's, and their answers compared
 */

interface Options {
  only: Set<string>;
  rounds: number;
  warmup: number;
  depths: number[];
  starts: number;
  marquez: 'auto' | 'on' | 'off';
  big: { layers: number; width: number; runs: number };
  ingestEvents: number;
  clients: number[];
  bigRounds: number;
  baseline: string | null;
  marquezHolds: string[];
}

function options(argv: string[]): Options {
  const value = (name: string, fallback: string) => {
    const index = argv.indexOf(`--${name}`);
    return index >= 0 && argv[index + 1] ? argv[index + 1]! : fallback;
  };
  const [layers, width, runs] = value('big', '10,100,150').split(',').map(Number) as [number, number, number];
  return {
    only: new Set(value('only', 'd,w,crowded,ingest,big').split(',')),
    rounds: Number(value('rounds', '20')),
    warmup: Number(value('warmup', '2')),
    depths: value('depths', '5,10,20').split(',').map(Number),
    starts: Number(value('starts', '10')),
    marquez: value('marquez', 'auto') as Options['marquez'],
    big: { layers, width, runs },
    ingestEvents: Number(value('ingest-events', '960')),
    clients: value('clients', '1,4,16').split(',').map(Number),
    bigRounds: Number(value('big-rounds', '20')),
    baseline: argv.includes('--baseline') ? path.resolve(value('baseline', '')) : null,
    marquezHolds: value('marquez-holds', '').split(',').filter(Boolean),
  };
}

const DEFAULT_SHAPE = { layers: 6, width: 20, runs: 20 };
const WIDE_SHAPE = { layers: 10, width: 50, runs: 3 };
/** The three unrelated streams of the crowded store: the default shape, half its history (2,400 events each). */
const BALLAST_SHAPE = { layers: 6, width: 20, runs: 10 };

/** Marquez's one store, and which streams it holds already. */
class MarquezStore {
  readonly holds = new Set<string>();
  fresh = false;

  constructor(readonly marquez: Marquez) {}
}

/** One measured cell: a way of answering one question, at one depth, on one stream in one state of its store. */
interface Cell {
  store: string;
  stream: string;
  state: 'fed' | 'restarted';
  depth: number;
  way: string;
  samples: number[];
  first: number;
  nodes: number[];
  bytes: number[];
  truncated: Set<string>;
  loads: number[];
}

interface Feed {
  store: string;
  system: string;
  stream: string;
  how: string;
  result: PostResult;
  cpuMsPerEvent?: Record<string, number | null>;
  /** Transactions the driver ran again after a transient failure (a deadlock, mostly), from the service's /metrics. */
  retries?: number;
}

interface Report {
  when: string;
  machine: Record<string, unknown>;
  options: Record<string, unknown>;
  startups: Array<{ store: string; state: string; ms: number }>;
  feeds: Feed[];
  runStates: Array<{ store: string; system: string; stream: string; states: Record<string, number> }>;
  cells: Cell[];
  graphs: Array<{ store: string; counts: Record<string, number> }>;
  checks: EquivalenceCheck[];
  notes: string[];
}

/** A baseline version (--baseline): its service's build and its bare walk. */
interface Baseline {
  root: string;
  bareWalk: typeof import('./bare-walk').bareWalk;
}

async function main(): Promise<void> {
  const opts = options(process.argv.slice(2));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lineage-side-by-side-'));
  const marquez = new Marquez();
  const useMarquez = opts.marquez === 'on' || (opts.marquez === 'auto' && (await marquez.available()));
  if (opts.marquez === 'on' && !(await marquez.available())) throw new Error('--marquez on, but Marquez does not answer (start ../shared/peers/marquez/up.sh)');
  const report: Report = {
    when: new Date().toISOString(),
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, memoryGiB: Math.round(os.totalmem() / 2 ** 30), loadBefore: os.loadavg() },
    options: { ...opts, only: [...opts.only], marquez: useMarquez },
    startups: [],
    feeds: [],
    runStates: [],
    cells: [],
    graphs: [],
    checks: [],
    notes: [],
  };
  let baseline: Baseline | null = null;
  if (opts.baseline) {
    // The baseline's own compiled bench: its floor is the walk of its own statements.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const walk = require(path.join(opts.baseline, 'dist', 'bench', 'bare-walk.js')) as typeof import('./bare-walk');
    baseline = { root: opts.baseline, bareWalk: walk.bareWalk };
  }
  say(`streams in ${dir}; Marquez ${useMarquez ? `at ${marquez.url}` : 'not used'}`);
  try {
    const stream = (spec: StreamSpec) => prepareStream(spec, dir);
    // Marquez is fed incrementally (one store for the three question stores: loading it one event per request
    // is slow), so it holds the streams of each service store and, in "w alone", d beside w as well.
    const peer = useMarquez ? new MarquezStore(marquez) : null;
    if (peer && opts.marquezHolds.length > 0) {
      for (const name of opts.marquezHolds) peer.holds.add(name);
      peer.fresh = true;
    }
    const d = await stream({ name: 'd', ...DEFAULT_SHAPE, seed: 7 });
    const w = await stream({ name: 'w', ...WIDE_SHAPE, seed: 21 });
    if (opts.only.has('d')) await questionStore('d alone', [d], [d], peer, baseline, opts, report);
    if (opts.only.has('w')) await questionStore('w alone', [w], [w], peer, baseline, opts, report);
    if (opts.only.has('crowded')) {
      const others = [];
      for (const seed of [1, 2, 3]) others.push(await stream({ name: `x${seed}`, ...BALLAST_SHAPE, seed }));
      await questionStore('crowded', [others[0]!, d, others[1]!, w, others[2]!], [d, w], peer, baseline, opts, report);
    }
    if (opts.only.has('ingest')) await ingestionStore(dir, useMarquez ? marquez : null, baseline, opts, report);
    if (opts.only.has('big')) {
      const big = await stream({ name: 'm', ...opts.big, seed: 5 });
      await questionStore('1M', [big], [big], null, baseline, { ...opts, rounds: opts.bigRounds }, report, { heap: '3g', pageCache: '3g', batchClients: 2 });
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    const file = saveReport(report);
    process.stdout.write(`\n${render(report)}\nreport written to ${path.relative(PROJECT_ROOT, file)}\n`);
  }
}

/** Writes the report as it stands (after every store too, so that a run stopped half-way keeps what it measured). */
function saveReport(report: Report): string {
  report.machine.loadAfter = os.loadavg();
  const results = path.join(PROJECT_ROOT, 'bench', 'results');
  fs.mkdirSync(results, { recursive: true });
  const file = path.join(results, `side-by-side-${report.when.replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, `${JSON.stringify(report, (_key, value) => (value instanceof Set ? [...value] : value), 2)}\n`);
  return file;
}

/** Set by SIGINT or SIGTERM: the run stops after the current request, stops what it started and writes its report. */
let stopRequested = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    stopRequested = true;
    say(`${signal}: stopping after the current request`);
  });
}

function stopIfAsked(): void {
  if (stopRequested) throw new Error('stopped on request');
}

interface StoreSettings {
  heap: string;
  pageCache: string;
  batchClients: number;
}

/**
 * A store for the questions: a fresh Neo4j, the service started on it while empty, the streams posted through
 * the batch endpoint (Marquez, reset to an empty database, gets the same events one per request), the questions
 * measured ("fed"); then the service restarted on the full store and the questions measured again.
 */
async function questionStore(
  store: string,
  streams: PreparedStream[],
  measured: PreparedStream[],
  peer: MarquezStore | null,
  baseline: Baseline | null,
  opts: Options,
  report: Report,
  settings: StoreSettings = { heap: '1g', pageCache: '1g', batchClients: 1 },
): Promise<void> {
  say(`store "${store}": starting Neo4j`);
  const neo4j = await Neo4jStore.start(settings.heap, settings.pageCache);
  const driver = bareDriver(neo4j.uri);
  // Both versions start on the empty store (the baseline first: it is the one that planned its statements at
  // start-up), as a user's first service would; the stream is posted through this version.
  let old = baseline ? await ServiceProcess.start(neo4j.uri, {}, baseline.root) : null;
  if (old) report.startups.push({ store, state: 'empty store, baseline', ms: Math.round(old.startupMs) });
  let service = await ServiceProcess.start(neo4j.uri);
  report.startups.push({ store, state: 'empty store', ms: Math.round(service.startupMs) });
  say(`service ready on the empty store in ${Math.round(service.startupMs)} ms${old ? ` (baseline ${Math.round(old.startupMs)} ms)` : ''}`);
  try {
    for (const s of streams) {
      const before = { service: cpuMs(service.pid), neo4j: cpuMs(neo4j.pid) };
      const result = await postBatches(`${service.url}/api/v1/lineage/batch`, chunks(s.file, 500), settings.batchClients);
      const cpu = { service: perEvent(before.service, cpuMs(service.pid), result.events), neo4j: perEvent(before.neo4j, cpuMs(neo4j.pid), result.events) };
      report.feeds.push({
        store,
        system: 'service',
        stream: s.spec.name,
        how: `batches of 500, ${settings.batchClients} client(s)`,
        result: summary(result),
        cpuMsPerEvent: cpu,
      });
      say(
        `service: ${s.spec.name} (${result.events} events) in ${result.seconds.toFixed(1)} s, ${(result.events / result.seconds).toFixed(0)} events/s, ${result.failed} refused`,
      );
      if (result.failed > 0) throw new Error(`the service refused ${result.failed} events of ${s.spec.name}: ${result.firstFailure}`);
    }
    report.runStates.push({ store, system: 'service', stream: 'all', states: await serviceRunStates(driver) });
    report.graphs.push({ store, counts: await graphCounts(driver) });
    say(`graph: ${JSON.stringify(report.graphs.at(-1)!.counts)}`);
    const marquez = peer?.marquez ?? null;
    if (peer) {
      if (!peer.fresh) {
        say('Marquez: reset to an empty database');
        await peer.marquez.reset();
        peer.fresh = true;
      }
      for (const s of streams.filter((s) => !peer.holds.has(s.spec.name))) {
        stopIfAsked();
        const events = await readAll(s.file);
        const result = await postRunByRun(`${peer.marquez.url}/api/v1/lineage`, events, 16);
        peer.holds.add(s.spec.name);
        report.feeds.push({ store, system: 'marquez', stream: s.spec.name, how: 'one event per request, 16 runs at a time', result: summary(result) });
        say(`Marquez: ${s.spec.name} in ${result.seconds.toFixed(1)} s, ${(result.events / result.seconds).toFixed(0)} events/s, ${result.failed} refused`);
        report.runStates.push({ store, system: 'marquez', stream: s.spec.name, states: await marquezRunStates(peer.marquez.url, s) });
      }
      report.notes.push(`${store}: Marquez holds ${[...peer.holds].join(', ')}`);
    }
    const against = (process: ServiceProcess | null) => (process && baseline ? { url: process.url, bareWalk: baseline.bareWalk } : null);
    await measureStore(store, 'fed', service.url, driver, marquez, against(old), measured, opts, report);
    await service.stop();
    await old?.stop();
    if (baseline) {
      old = await ServiceProcess.start(neo4j.uri, {}, baseline.root);
      report.startups.push({ store, state: 'full store, baseline', ms: Math.round(old.startupMs) });
    }
    service = await ServiceProcess.start(neo4j.uri);
    report.startups.push({ store, state: 'full store', ms: Math.round(service.startupMs) });
    say(`service restarted on the full store in ${Math.round(service.startupMs)} ms${old ? ` (baseline ${Math.round(old.startupMs)} ms)` : ''}`);
    await measureStore(store, 'restarted', service.url, driver, marquez, against(old), measured, opts, report);
  } finally {
    await service.stop();
    await old?.stop();
    await driver.close();
    await neo4j.stop();
  }
}

const perEvent = (before: number | null, after: number | null, events: number) =>
  before === null || after === null ? null : Math.round(((after - before) / events) * 100) / 100;

/** Latencies rounded to 0.1 ms, for the report file. */
function summary(result: PostResult): PostResult {
  return { ...result, latencies: result.latencies.map((ms) => Math.round(ms * 10) / 10) };
}

async function readAll(file: string): Promise<string[]> {
  const events: string[] = [];
  for await (const line of lines(file)) events.push(line);
  return events;
}

/**
 * Rounds of every way of every question from one start (the starts in rotation), the order of the ways rotated
 * from one round to the next so that none always runs on caches another warmed; the load average at each round.
 */
async function measureStore(
  store: string,
  state: Cell['state'],
  url: string,
  driver: Driver,
  marquez: Marquez | null,
  baseline: { url: string; bareWalk: Baseline['bareWalk'] } | null,
  streams: PreparedStream[],
  opts: Options,
  report: Report,
): Promise<void> {
  for (const s of streams) {
    const models = s.starts.models.slice(0, opts.starts);
    const mids = s.starts.midLayer1.slice(0, opts.starts);
    for (const depth of opts.depths) {
      type Way = { name: string; ask: (round: number) => Promise<Answer> };
      const ways: Way[] = [];
      for (const question of QUESTIONS) {
        const startOf = (round: number) => (question === 'impact' ? mids[round % mids.length]! : models[round % models.length]!).id;
        ways.push({ name: `service ${question}`, ask: (round) => askService(url, question, startOf(round), depth) });
        ways.push({ name: `floor ${question}`, ask: (round) => askFloor(driver, question, startOf(round), depth) });
        if (baseline) {
          ways.push({ name: `baseline ${question}`, ask: (round) => askService(baseline.url, question, startOf(round), depth) });
          ways.push({ name: `baseline-floor ${question}`, ask: (round) => askFloor(driver, question, startOf(round), depth, baseline.bareWalk) });
        }
      }
      if (marquez) ways.push({ name: 'marquez lineage', ask: (round) => askMarquez(marquez.url, models[round % models.length]!.marquez, depth) });
      const cells = new Map<string, Cell>(
        ways.map((way) => [
          way.name,
          { store, stream: s.spec.name, state, depth, way: way.name, samples: [], first: NaN, nodes: [], bytes: [], truncated: new Set(), loads: [] },
        ]),
      );
      for (let round = 0; round < opts.warmup + opts.rounds; round++) {
        stopIfAsked();
        const load = load1();
        for (let k = 0; k < ways.length; k++) {
          const way = ways[(k + round) % ways.length]!;
          const answer = await way.ask(round);
          const cell = cells.get(way.name)!;
          if (round === 0) cell.first = answer.ms;
          if (round < opts.warmup) continue;
          cell.samples.push(answer.ms);
          cell.nodes.push(answer.nodes);
          cell.bytes.push(answer.bytes);
          cell.loads.push(load);
          cell.truncated.add(answer.truncated ?? 'no');
        }
      }
      report.cells.push(...cells.values());
      saveReport(report);
      if (baseline) {
        const check = await compareAnswers({ store, stream: s, state, depth }, url, baseline.url, opts.starts);
        report.checks.push(check);
        say(`${store} / ${s.spec.name} / ${state} / depth ${depth}: answers identical to the baseline's: ${check.identical} of ${check.compared}`);
      }
      const line = (name: string) => {
        const cell = cells.get(name);
        return cell ? `${name.split(' ')[1]!.slice(0, 5)} ${fmt(percentile(cell.samples, 50))}` : '';
      };
      say(
        `${store} / ${s.spec.name} / ${state} / depth ${depth}: ` +
          QUESTIONS.map((q) => {
            const p50 = (way: string) => fmt(percentile(cells.get(`${way} ${q}`)!.samples, 50));
            return `${q} ${p50('service')} (floor ${p50('floor')}${baseline ? `; baseline ${p50('baseline')}, its floor ${p50('baseline-floor')}` : ''})`;
          }).join(', ') +
          (marquez ? `, ${line('marquez lineage')}` : ''),
      );
    }
  }
}

/**
 * Ingestion, both systems in one store each, on fresh streams per phase (new seeds: new run ids): one event per
 * request at 1, 4 and 16 concurrent clients, systems alternated; then the service's batch endpoint.
 */
async function ingestionStore(dir: string, marquez: Marquez | null, baseline: Baseline | null, opts: Options, report: Report): Promise<void> {
  const store = 'ingestion';
  say(`store "${store}": starting Neo4j`);
  const neo4j = await Neo4jStore.start('1g', '1g');
  const driver = bareDriver(neo4j.uri);
  // The baseline's service beside this one's, on the same store (as two API instances would be): the phases of
  // each system post fresh streams, alternated, so that both write to a store of the same size.
  const old = baseline ? await ServiceProcess.start(neo4j.uri, {}, baseline.root) : null;
  const service = await ServiceProcess.start(neo4j.uri);
  let seed = 100;
  const fresh = async (name: string) => prepareStream({ name, ...DEFAULT_SHAPE, seed: seed++ }, dir);
  try {
    if (marquez) await marquez.reset();
    // Not measured: the first events of each system's life (plans, JIT, caches); reported apart. Our services
    // also get a second pass at one client: without it the first measured phase ran a third slower than the same
    // phase repeated at the end (Neo4j warming its write path), whichever service went first.
    type WarmUp = [system: IngestingSystem, stream: string, url: string, clientsPerPass: number[]];
    const warmUps: WarmUp[] = [['service', 'iw', service.url, [4, 1]]];
    if (marquez) warmUps.push(['marquez', 'mw', marquez.url, [4]]);
    if (old) warmUps.push(['baseline', 'ow', old.url, [4, 1]]);
    for (const [system, name, url, passes] of warmUps) {
      const events = await readAll((await fresh(name)).file);
      for (const [pass, clients] of passes.entries()) {
        report.feeds.push({
          store,
          system,
          stream: name,
          how: `warm-up: ${pass === 0 ? 'first' : 'next'} 240 events, ${clients} client(s)`,
          result: summary(await postSingles(`${url}/api/v1/lineage`, events.slice(240 * pass, 240 * (pass + 1)), clients)),
        });
      }
    }
    const pids = { service: service.pid, baseline: old?.pid, neo4j: neo4j.pid, marquez: marquez?.pid() };
    const phase = async (system: IngestingSystem, clients: number) => {
      const s = await fresh(`i${system[0]}${clients}`);
      const events = (await readAll(s.file)).slice(0, opts.ingestEvents);
      const ours = system === 'service' ? service : system === 'baseline' ? old : null;
      const url = ours ? `${ours.url}/api/v1/lineage` : `${marquez!.url}/api/v1/lineage`;
      const before = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuMs(pid)]));
      const retriesBefore = ours ? await retries(ours.url) : 0;
      const result = await postSingles(url, events, clients);
      const retried = ours ? (await retries(ours.url)) - retriesBefore : undefined;
      const cpu = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, perEvent(before[name]!, cpuMs(pid), result.events)]));
      report.feeds.push({
        store,
        system,
        stream: s.spec.name,
        how: `one event per request, ${clients} client(s)`,
        result: summary(result),
        cpuMsPerEvent: cpu,
        retries: retried,
      });
      say(
        `${system}, ${clients} client(s): ${(result.events / result.seconds).toFixed(1)} events/s, p50 ${fmt(percentile(result.latencies, 50))} p99 ${fmt(percentile(result.latencies, 99))} ms, ${result.failed} refused` +
          (retried === undefined ? '' : `, ${retried} transactions retried`),
      );
      if (system === 'marquez') report.runStates.push({ store, system, stream: s.spec.name, states: await marquezRunStates(marquez!.url, s, events) });
    };
    // Systems alternated, the order rotated from one client count to the next.
    const systems: IngestingSystem[] = ['service', ...(old ? (['baseline'] as const) : []), ...(marquez ? (['marquez'] as const) : [])];
    const order = opts.clients.flatMap((clients, i) => systems.map((_, k) => [systems[(i + k) % systems.length]!, clients] as const));
    for (const [system, clients] of order) await phase(system, clients);
    for (const clients of [1, 2]) {
      for (const [system, ours] of [['service', service] as const, ...(old ? [['baseline', old] as const] : [])]) {
        const s = await fresh(`ib${system[0]}${clients}`);
        const before = { service: cpuMs(ours.pid), neo4j: cpuMs(neo4j.pid) };
        const result = await postBatches(`${ours.url}/api/v1/lineage/batch`, chunks(s.file, 500), clients);
        const cpu = { service: perEvent(before.service, cpuMs(ours.pid), result.events), neo4j: perEvent(before.neo4j, cpuMs(neo4j.pid), result.events) };
        report.feeds.push({
          store,
          system,
          stream: s.spec.name,
          how: `batches of 500, ${clients} client(s)`,
          result: summary(result),
          cpuMsPerEvent: cpu,
        });
        say(
          `${system} batches of 500, ${clients} client(s): ${(result.events / result.seconds).toFixed(0)} events/s, p50 ${fmt(percentile(result.latencies, 50))} ms, ${result.failed} refused`,
        );
      }
    }
    report.runStates.push({ store, system: 'service', stream: 'all', states: await serviceRunStates(driver) });
  } finally {
    await service.stop();
    await old?.stop();
    await driver.close();
    await neo4j.stop();
  }
}

type IngestingSystem = 'service' | 'baseline' | 'marquez';

/** The service's count of transactions retried after transient failures, from /metrics. */
async function retries(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  let total = 0;
  for (const line of text.split('\n')) if (line.startsWith('lineage_neo4j_transaction_retries_total{')) total += Number(line.split(' ').at(-1));
  return total;
}

async function serviceRunStates(driver: Driver): Promise<Record<string, number>> {
  const result = await driver.executeQuery('MATCH (r:Run) RETURN coalesce(r.state, "none") AS state, count(*) AS n');
  return Object.fromEntries(result.records.map((record) => [record.get('state') as string, Number(record.get('n'))]));
}

async function graphCounts(driver: Driver): Promise<Record<string, number>> {
  const result = await driver.executeQuery('MATCH (n) UNWIND labels(n) AS label RETURN label, count(*) AS n ORDER BY label');
  const counts: Record<string, number> = Object.fromEntries(result.records.map((record) => [record.get('label') as string, Number(record.get('n'))]));
  const total = await driver.executeQuery(
    'CALL () { MATCH (n) RETURN count(n) AS nodes } CALL () { MATCH ()-[r]->() RETURN count(r) AS relationships } RETURN nodes, relationships',
  );
  return { ...counts, nodes: Number(total.records[0]!.get('nodes')), relationships: Number(total.records[0]!.get('relationships')) };
}

/** The state of every run of the stream's jobs in Marquez (only the runs of `events` when given). */
async function marquezRunStates(url: string, s: PreparedStream, events?: string[]): Promise<Record<string, number>> {
  const wanted = events ? new Set(events.map((event) => /"runId": ?"([^"]+)"/.exec(event)![1]!)) : null;
  const namespace = `${s.spec.name}.pipelines`;
  const jobs = (await (await fetch(`${url}/api/v1/namespaces/${encodeURIComponent(namespace)}/jobs?limit=10000`)).json()) as { jobs: Array<{ name: string }> };
  const states: Record<string, number> = {};
  for (const job of jobs.jobs) {
    const runs = (await (
      await fetch(`${url}/api/v1/namespaces/${encodeURIComponent(namespace)}/jobs/${encodeURIComponent(job.name)}/runs?limit=1000`)
    ).json()) as {
      runs: Array<{ id: string; state: string }>;
    };
    for (const run of runs.runs) if (!wanted || wanted.has(run.id)) states[run.state] = (states[run.state] ?? 0) + 1;
  }
  return states;
}

const fmt = (ms: number) => (Number.isNaN(ms) ? '-' : ms >= 100 ? ms.toFixed(0) : ms.toFixed(1));
const ratio = (a: number, b: number) => (Number.isNaN(a) || Number.isNaN(b) || b === 0 ? '-' : (a / b).toFixed(2));
const mean = (values: number[]) => (values.length === 0 ? 0 : Math.round(values.reduce((a, b) => a + b, 0) / values.length));

/** The report as Markdown tables: questions per store and stream, then ingestion. */
function render(report: Report): string {
  const out: string[] = [];
  out.push(`Side by side, ${report.when}; ${report.machine.cpus} × ${report.machine.model}, ${report.machine.memoryGiB} GiB`);
  out.push(
    `load average before ${(report.machine.loadBefore as number[]).map((l) => l.toFixed(2)).join(' ')}, after ${((report.machine.loadAfter as number[]) ?? []).map((l) => l.toFixed(2)).join(' ')}`,
  );
  out.push('', 'Start-up (spawn to /readyz):', ...report.startups.map((s) => `- ${s.store}, ${s.state}: ${s.ms} ms`));
  out.push('', 'Graphs:', ...report.graphs.map((g) => `- ${g.store}: ${JSON.stringify(g.counts)}`));
  out.push('', 'Run states after feeding:', ...report.runStates.map((r) => `- ${r.store}, ${r.system}, ${r.stream}: ${JSON.stringify(r.states)}`));
  const groups = new Map<string, Cell[]>();
  for (const cell of report.cells) {
    const key = `${cell.store}|${cell.stream}|${cell.state}|${cell.depth}`;
    groups.set(key, [...(groups.get(key) ?? []), cell]);
  }
  const withBaseline = report.cells.some((cell) => cell.way.startsWith('baseline '));
  out.push(
    '',
    '| store | stream | service | depth | question | nodes | cut | service p50 / p95 ms | floor p50 / p95 | Marquez p50 / p95 | Marquez ÷ service p50 | service ÷ floor p50 | service p95 ÷ p50 | first request ms | bytes service / Marquez |' +
      (withBaseline ? ' baseline p50 / p95 | its floor p50 / p95 | baseline ÷ service p50 | baseline first request ms |' : '') +
      ' load |',
    '| --- | --- | --- | ---: | --- | ---: | --- | --- | --- | --- | ---: | ---: | ---: | ---: | --- |' +
      (withBaseline ? ' --- | --- | ---: | ---: |' : '') +
      ' --- |',
  );
  for (const cells of groups.values()) {
    const by = new Map(cells.map((cell) => [cell.way, cell]));
    const marquez = by.get('marquez lineage');
    for (const question of QUESTIONS) {
      const service = by.get(`service ${question}`)!;
      const floor = by.get(`floor ${question}`)!;
      const p = (cell: Cell | undefined, q: number) => (cell ? percentile(cell.samples, q) : NaN);
      const loads = service.loads;
      out.push(
        `| ${service.store} | ${service.stream} | ${service.state} | ${service.depth} | ${question} | ${mean(service.nodes)} | ${[...service.truncated].join('/')} | ` +
          `${fmt(p(service, 50))} / ${fmt(p(service, 95))} | ${fmt(p(floor, 50))} / ${fmt(p(floor, 95))} | ${fmt(p(marquez, 50))} / ${fmt(p(marquez, 95))} | ` +
          `${ratio(p(marquez, 50), p(service, 50))} | ${ratio(p(service, 50), p(floor, 50))} | ${ratio(p(service, 95), p(service, 50))} | ${fmt(service.first)} | ` +
          `${mean(service.bytes)} / ${marquez ? mean(marquez.bytes) : '-'} |` +
          (withBaseline ? baselineColumns(service, by.get(`baseline ${question}`), by.get(`baseline-floor ${question}`)) : '') +
          ` ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)} |`,
      );
    }
  }
  out.push(
    '',
    '| store | system | stream | how | events | events/s | p50 ms | p99 ms | refused | retried transactions | CPU ms/event |',
    '| --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
  );
  for (const feed of report.feeds) {
    const r = feed.result;
    out.push(
      `| ${feed.store} | ${feed.system} | ${feed.stream} | ${feed.how} | ${r.events} | ${(r.events / r.seconds).toFixed(1)} | ${fmt(percentile(r.latencies, 50))} | ${fmt(percentile(r.latencies, 99))} | ${r.failed} | ${feed.retries ?? ''} | ${feed.cpuMsPerEvent ? JSON.stringify(feed.cpuMsPerEvent) : ''} |`,
    );
  }
  if (report.checks.length > 0) {
    const compared = report.checks.reduce((sum, check) => sum + check.compared, 0);
    const identical = report.checks.reduce((sum, check) => sum + check.identical, 0);
    out.push('', `Answers identical to the baseline's: ${identical} of ${compared}.`);
    for (const check of report.checks.filter((check) => check.identical < check.compared)) {
      out.push(
        `- ${check.store} / ${check.stream} / ${check.state} / depth ${check.depth}: ${check.compared - check.identical} differ, first ${JSON.stringify(check.differences[0]?.case)}`,
      );
    }
  }
  return out.join('\n');
}

function baselineColumns(service: Cell, baseline: Cell | undefined, floor: Cell | undefined): string {
  const p = (cell: Cell | undefined, q: number) => (cell ? percentile(cell.samples, q) : NaN);
  return (
    ` ${fmt(p(baseline, 50))} / ${fmt(p(baseline, 95))} | ${fmt(p(floor, 50))} / ${fmt(p(floor, 95))} | ${ratio(p(baseline, 50), p(service, 50))} |` +
    ` ${baseline ? fmt(baseline.first) : '-'} |`
  );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
