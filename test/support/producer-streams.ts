import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { OWN_FIXTURES, readEvents } from './openlineage-fixtures';

/**
 * The real producers' streams of test/fixtures/openlineage/producers (copied from the OpenLineage project's
 * integration tests by collect.py there; see its NOTICE files), made replayable.
 *
 * Those files are what each integration test expects a producer to send: subsets of the emitted events, with
 * matchers where a value varies from run to run. Most leave out what every event has but no test compares:
 * `producer` and `schemaURL` (left out here too: the service must take events without them), `run.runId` and
 * `eventTime` (which no event can become lineage without). `completeStream` fills those in the way the producer
 * does, and nothing else:
 *
 * - `run` missing (a file that compares only datasets): an empty one, to be completed as below; every event of
 *   these tests is a RunEvent. `job` or `job.name` missing (Spark names jobs from the application and the plan,
 *   which most tests do not compare): the stream's name, so that a stream's runs stay apart. `job.namespace` is
 *   left as the file has it: the service takes an event without one.
 * - `run.runId` missing or a matcher: one run per job (namespace and name) from its first event to its final one
 *   (COMPLETE, FAIL, ABORT) within the stream, a UUID derived from the stream, the job and the run's rank. A
 *   `parent` facet's run id missing or a matcher: the run of the parent job in the stream (its open run, else its
 *   last), or one derived from the parent job, shared by every child naming it (dbt and Airflow parents).
 * - `eventTime` missing or a matcher: the stream's clock, one second per event from 2024-06-01T00:00:00Z, in the
 *   order the producer sends them (the order of the files, NN-<name>, and of the events in a file).
 * - other matchers, by value: `${json-unit.any-string}` and `{{ any(result) }}` become "any", numbers 0, a
 *   regex the simplest string it matches (`1\.\d+\.\d+` → "1.0.0"), `{{ is_datetime(result) }}` the event's time,
 *   `{{ is_uuid(result) }}` a derived UUID, `{{ env_var('X') }}` the value in ENVIRONMENT. An unknown matcher
 *   throws, so that a refreshed copy with new matchers is noticed rather than replayed half-read.
 */

export const PRODUCERS_DIR = path.join(OWN_FIXTURES, 'producers');

export interface ProducerStream {
  producer: string;
  /** The integration test it comes from: `pysparkHive`, `structured_logs-postgres-run-successful-run`. */
  name: string;
  /** As the files have them (matchers and all), in the order the producer sends them. */
  events: unknown[];
}

/** Every stream of every producer, producers and streams in name order. */
export function producerStreams(): ProducerStream[] {
  return subfolders(PRODUCERS_DIR).flatMap((producer) =>
    subfolders(path.join(PRODUCERS_DIR, producer)).map((name) => {
      const folder = path.join(PRODUCERS_DIR, producer, name);
      const files = fs
        .readdirSync(folder)
        .filter((file) => file.endsWith('.json'))
        .sort();
      return { producer, name, events: files.flatMap((file) => readEvents(path.join(folder, file), folder).map(({ event }) => event)) };
    }),
  );
}

function subfolders(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

/** Values of the environment variables the Airflow tests' templates name. */
const ENVIRONMENT: Record<string, string> = { BIGQUERY_PREFIX: 'ci', AIRFLOW_VERSION: '2.10.0' };

const CLOCK_START = Date.parse('2024-06-01T00:00:00Z');
const FINAL = new Set(['COMPLETE', 'FAIL', 'ABORT']);

type Json = Record<string, any>;

/** A run of the stream as completed: its job, its id, and the event types it was sent, in order. */
export interface CompletedRun {
  runId: string;
  job: { namespace: string | null; name: string | null };
  eventTypes: string[];
}

export interface CompletedStream {
  events: Json[];
  runs: CompletedRun[];
}

export function completeStream(stream: ProducerStream): CompletedStream {
  const open = new Map<string, CompletedRun>();
  const last = new Map<string, CompletedRun>();
  const runs: CompletedRun[] = [];
  const ranks = new Map<string, number>();
  const uuid = (...parts: string[]) => uuidOf([stream.producer, stream.name, ...parts].join('|'));
  const keyOf = (job: Json | undefined) => JSON.stringify([job?.namespace ?? null, job?.name ?? null]);

  const events = stream.events.map((original, index) => {
    const time = new Date(CLOCK_START + index * 1000).toISOString();
    const event = fillMatchers(structuredClone(original) as Json, time, (label) => uuid('value', String(index), label));
    if (isMissing(event.eventTime)) event.eventTime = time;
    if (event.dataset === undefined) {
      event.run ??= {};
      event.job ??= {};
      if (typeof event.job === 'object' && isMissing(event.job.name)) event.job.name = stream.name;
    }
    if (typeof event.run === 'object' && event.run !== null) {
      const key = keyOf(event.job);
      let run = open.get(key);
      if (!isMissing(event.run.runId)) {
        const given = String(event.run.runId).toLowerCase();
        run = runs.find((r) => r.runId === given);
        if (!run) {
          run = { runId: given, job: { namespace: event.job?.namespace ?? null, name: event.job?.name ?? null }, eventTypes: [] };
          runs.push(run);
        }
      } else if (!run) {
        const rank = (ranks.get(key) ?? 0) + 1;
        ranks.set(key, rank);
        run = { runId: uuid('run', key, String(rank)), job: { namespace: event.job?.namespace ?? null, name: event.job?.name ?? null }, eventTypes: [] };
        runs.push(run);
      }
      event.run.runId = run.runId;
      run.eventTypes.push(event.eventType ?? 'OTHER');
      open.set(key, run);
      last.set(key, run);
      if (FINAL.has(event.eventType)) open.delete(key);

      const parent = event.run.facets?.parent;
      if (parent && typeof parent === 'object' && parent.job && typeof parent.job === 'object') parent.run ??= {};
      if (parent && typeof parent === 'object' && parent.run && typeof parent.run === 'object' && isMissing(parent.run.runId)) {
        const parentKey = keyOf(parent.job);
        let parentRun = open.get(parentKey) ?? last.get(parentKey);
        if (!parentRun) {
          parentRun = { runId: uuid('parent', parentKey), job: { namespace: parent.job?.namespace ?? null, name: parent.job?.name ?? null }, eventTypes: [] };
          runs.push(parentRun);
          last.set(parentKey, parentRun);
        }
        parent.run.runId = parentRun.runId;
      }
    }
    return event;
  });
  return { events, runs };
}

function isMissing(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && isMatcher(value));
}

function isMatcher(value: string): boolean {
  return value.startsWith('${json-unit.') || /^\{\{.*\}\}$/s.test(value);
}

/** Every matcher of the event replaced by a value it accepts (runId and eventTime are left for the caller). */
function fillMatchers(event: Json, time: string, uuid: (label: string) => string): Json {
  let count = 0;
  const fill = (value: unknown, key: string | null): unknown => {
    if (Array.isArray(value)) return value.map((item) => fill(item, null));
    if (typeof value === 'object' && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, k)]));
    }
    if (typeof value !== 'string') return value;
    if ((key === 'runId' || key === 'eventTime') && isMatcher(value)) return value;
    return fillString(value, time, () => uuid(`uuid-${++count}`));
  };
  return fill(event, null) as Json;
}

function fillString(value: string, time: string, uuid: () => string): unknown {
  if (value === '${json-unit.any-string}') return 'any';
  if (value === '${json-unit.any-number}') return 0;
  if (value.startsWith('${json-unit.regex}')) return simplestMatch(value.slice('${json-unit.regex}'.length));
  if (value.startsWith('${json-unit.')) throw new Error(`unknown json-unit matcher ${value}`);
  return value.replace(/\{\{\s*(.*?)\s*\}\}/gs, (_, expression: string) => {
    if (expression === 'any(result)') return 'any';
    if (expression === 'is_datetime(result)') return time;
    if (expression === 'is_uuid(result)') return uuid();
    if (expression === "'true' if result == {} else result") return 'true';
    if (/^not_match\(result, '.*'\)$/.test(expression)) return 'not shown';
    const variable = /^env_var\('(\w+)'\)$/.exec(expression)?.[1];
    if (variable !== undefined && Object.hasOwn(ENVIRONMENT, variable)) return ENVIRONMENT[variable]!;
    throw new Error(`unknown template {{ ${expression} }}`);
  });
}

/** The simplest string the matchers' regexes accept: `1\.\d+\.\d+` → 1.0.0, `.*\/spark-warehouse` → /tmp/spark-warehouse. */
function simplestMatch(pattern: string): string {
  return pattern
    .replace(/^\.\*/, '/tmp')
    .replace(/\.\*/g, '.')
    .replace(/\\d\{\d+,\d+\}/g, '10')
    .replace(/\\d\+?/g, '0')
    .replace(/\\\./g, '.');
}

function uuidOf(key: string): string {
  const hex = createHash('sha256').update(key).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * The dataset-to-dataset links a stream implies: for each run, every dataset it read (inputs of any of its
 * events) to every dataset it wrote (outputs of any of its events), as `namespace/name` pairs.
 */
export function impliedLinks(events: readonly Json[]): Array<{ runId: string; from: DatasetKey; to: DatasetKey }> {
  const byRun = new Map<string, { inputs: Map<string, DatasetKey>; outputs: Map<string, DatasetKey> }>();
  for (const event of events) {
    const runId = event.run?.runId;
    if (typeof runId !== 'string') continue;
    const sides = byRun.get(runId) ?? { inputs: new Map(), outputs: new Map() };
    byRun.set(runId, sides);
    for (const [list, side] of [
      [event.inputs, sides.inputs],
      [event.outputs, sides.outputs],
    ] as const) {
      for (const dataset of Array.isArray(list) ? list : []) {
        if (typeof dataset?.namespace === 'string' && typeof dataset?.name === 'string') {
          side.set(JSON.stringify([dataset.namespace, dataset.name]), { namespace: dataset.namespace, name: dataset.name });
        }
      }
    }
  }
  return [...byRun].flatMap(([runId, { inputs, outputs }]) => [...inputs.values()].flatMap((from) => [...outputs.values()].map((to) => ({ runId, from, to }))));
}

export interface DatasetKey {
  namespace: string;
  name: string;
}
