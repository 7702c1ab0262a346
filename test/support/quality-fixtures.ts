import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { OWN_FIXTURES } from './openlineage-fixtures';

/**
 * The data quality fixtures (test/fixtures/openlineage/quality/, see its NOTICE). The dbt ones are the expected
 * outputs of OpenLineage's own tests, which leave out what the client adds when it sends an event (`producer`,
 * `schemaURL`) and write `{{ any(result) }}` for run ids: both are filled in here, a run id per job (each job
 * of these files runs once), so that the events can be posted as a producer would post them.
 */
export const QUALITY_FIXTURES = path.join(OWN_FIXTURES, 'quality');

const PLACEHOLDER = '{{ any(result) }}';
const PRODUCER = 'https://github.com/OpenLineage/OpenLineage/tree/1.26.0/integration/dbt';
const SCHEMA_URL = 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent';

export function qualityEvents(file: string): Array<Record<string, any>> {
  const parsed = JSON.parse(fs.readFileSync(path.join(QUALITY_FIXTURES, file), 'utf8')) as unknown;
  const events = (Array.isArray(parsed) ? parsed : [parsed]) as Array<Record<string, any>>;
  return events.map((event) => {
    const copy = structuredClone(event);
    copy.producer ??= PRODUCER;
    copy.schemaURL ??= SCHEMA_URL;
    if (copy.run?.runId === PLACEHOLDER) copy.run.runId = runIdOf(copy.job);
    const parent = copy.run?.facets?.parent;
    if (parent?.run?.runId === PLACEHOLDER) parent.run.runId = runIdOf(parent.job);
    return copy;
  });
}

/** A UUID derived from a job's namespace and name. */
export function runIdOf(job: { namespace: string; name: string }): string {
  const hex = createHash('sha256').update(`${job.namespace}|${job.name}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
