import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Database } from '../db/database';
import type { WriteContext } from '../core/write-context';
import type { Services } from '../services';
import type { RunEventType } from '../core/vocabulary';

/**
 * Plans the statements of the heaviest writes before the first request: recording a run (as GraphQL and as
 * OpenLineage ingestion do), a dataset version, a model version and an OpenLineage event, each with its audit
 * record, each rehearsed in a transaction that is rolled back, so nothing is written. On a cold Neo4j, planning them took seconds per statement on a busy machine, and
 * concurrent first writes ran past NEO4J_TX_TIMEOUT_MS; after this they take milliseconds.
 */
export async function warmUp(db: Database, services: Services, logger: Logger): Promise<void> {
  const started = performance.now();
  const context: WriteContext = { actor: 'system:warm-up', source: 'cli' };
  const namespace = 'lineage-warm-up';
  const runId = `warm-up-${randomUUID()}`;
  const run = {
    runId,
    job: { namespace, name: 'job' },
    at: new Date().toISOString(),
    inputs: [{ namespace, name: 'input', version: '1' }],
    outputs: [{ namespace, name: 'output', rowCount: 1 }],
    commit: { repository: 'https://example.com/lineage/warm-up', sha: '0'.repeat(40) },
    parameters: { warmUp: true },
  };
  const rehearsals: Array<() => Promise<unknown>> = [
    ...(['START', 'COMPLETE', 'FAIL'] as RunEventType[]).map((event) => () => services.runs.recordRunEvent(context, event, run)),
    // As OpenLineage ingestion records a run: a parent named with its job, inputs without versions.
    () =>
      services.runs.recordRunEvent(
        context,
        'COMPLETE',
        { ...run, inputs: [{ namespace, name: 'unversioned' }], parentRunId: `${runId}-parent` },
        { parentJob: { namespace, name: 'parent' }, unversionedInputs: 'observe' },
      ),
    () => services.datasets.registerDatasetVersion(context, { namespace, name: 'dataset', version: '1', rowCount: 1 }),
    () => services.models.registerModelVersion(context, { model: 'warm-up', version: '1' }),
    // An OpenLineage event through the whole ingestion path: validation, raw event, recorder, audit record.
    () =>
      services.openlineage.ingest(context, {
        eventType: 'COMPLETE',
        eventTime: new Date().toISOString(),
        producer: 'https://lineage.local/warm-up',
        schemaURL: 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent',
        run: { runId: randomUUID() },
        job: { namespace, name: 'openlineage' },
        inputs: [{ namespace, name: 'input' }],
        outputs: [{ namespace, name: 'output' }],
      }),
  ];
  const errors: unknown[] = [];
  for (const rehearse of rehearsals) {
    const error = await db.rehearse(rehearse);
    if (error) errors.push(error);
  }
  logger.info({ ms: Math.round(performance.now() - started), rehearsals: rehearsals.length, errors: errors.length }, 'query plans warmed up');
  if (errors.length > 0) logger.warn({ err: errors[0] }, 'a warm-up rehearsal failed (the service works without it)');
}
