import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { OWN_FIXTURES } from '../../support/openlineage-fixtures';

/**
 * The column-lineage events of the OpenLineage integrations' own tests (test/fixtures/openlineage/columns, see
 * its NOTICE), completed into events the service accepts: those files are what the integrations' tests expect
 * to be emitted, so the parts a test cannot predict are missing (event time, producer, schema URL, run id, a
 * Spark job's name) or are matcher placeholders (`{{ any(result) }}`). Everything else is left as emitted.
 */

export const COLUMN_FIXTURES = path.join(OWN_FIXTURES, 'columns');

const PRODUCER = 'https://github.com/OpenLineage/OpenLineage/tree/1.40.0/integration';
const SCHEMA_URL = 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent';
const PLACEHOLDER = /^\{\{.*\}\}$|^\$\{json-unit/;

export interface Completion {
  /** Event time of events that have none, one per event of the file in order (default: a minute apart from 2024-05-01). */
  eventTimes?: string[];
  /** Name of a job that has none (the Spark files name only the namespace). */
  jobName?: string;
  /** Seed of the run ids (default: the file): the same seed gives the same ids, so two files can share a run. */
  seed?: string;
}

/** The events of a fixture file (one event, or an array of them), completed. */
export function columnEvents(file: string, completion: Completion = {}): any[] {
  const parsed = JSON.parse(fs.readFileSync(path.join(COLUMN_FIXTURES, file), 'utf8')) as unknown;
  const events = (Array.isArray(parsed) ? parsed : [parsed]) as any[];
  const seed = completion.seed ?? file;
  return events.map((original, index) => {
    const event = structuredClone(original);
    event.eventTime ??= completion.eventTimes?.[index] ?? new Date(Date.parse('2024-05-01T10:00:00Z') + index * 60_000).toISOString();
    event.producer ??= PRODUCER;
    event.schemaURL ??= SCHEMA_URL;
    event.job ??= {};
    event.job.name ??= completion.jobName ?? path.basename(file, '.json');
    event.run ??= {};
    if (typeof event.run.runId !== 'string' || PLACEHOLDER.test(event.run.runId)) event.run.runId = runIdFor(seed, event.job.namespace, event.job.name);
    const parent = event.run.facets?.parent;
    if (parent?.run && (typeof parent.run.runId !== 'string' || PLACEHOLDER.test(parent.run.runId))) {
      parent.run.runId = runIdFor(seed, parent.job.namespace, parent.job.name);
    }
    return event;
  });
}

/** One run per job and seed: the START and COMPLETE of a job in a file share it. */
function runIdFor(seed: string, namespace: string, name: string): string {
  const hex = createHash('sha256').update(`${seed}|${namespace}|${name}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
