import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TransactionEvent } from '../../src/db/database';
import { DEFAULT_LIMITS } from '../../src/limits';
import { dataOf } from '../support/graphql';
import { runEvent } from '../support/openlineage-events';
import { post } from '../support/openlineage-http';
import { removeNamespaces, startTestService, uniqueNamespace, type TestService } from '../support/service';

type Json = Record<string, any>;

/** A run event of `inputs` and `outputs` fresh datasets (no versions: inputs read the placeholder, outputs get one). */
function wideEvent(namespace: string, inputs: number, outputs: number): Json {
  const event = runEvent({ namespace });
  const list = (side: string, count: number) => Array.from({ length: count }, (_, i) => ({ namespace, name: `${side}/${event.run.runId}/${i}` }));
  event.inputs = list('in', inputs);
  event.outputs = list('out', outputs);
  return event;
}

/**
 * LIMIT_EVENT_DATASETS: an event lists at most that many inputs and as many outputs (1,000 by default: what the
 * service records well within NEO4J_TX_TIMEOUT_MS on a busy machine); one over it is refused with the limit
 * named, whatever route brought it; a batch of wide events is recorded in transactions of one such event's
 * worth of datasets, not in one transaction of them all (which ran out of time and of Neo4j's memory).
 */
describe('OpenLineage: datasets per event (LIMIT_EVENT_DATASETS)', () => {
  let service: TestService;
  const namespaces: string[] = [];
  const namespace = () => {
    const created = uniqueNamespace('ol-datasets');
    namespaces.push(created);
    return created;
  };

  before(async () => {
    service = await startTestService();
  });
  after(async () => {
    if (service) await removeNamespaces(service.db, ...namespaces);
    await service?.stop();
  });

  it(`records an event at the default limit (${DEFAULT_LIMITS.ingestion.eventDatasets} inputs and outputs) and refuses one over it, naming the limit`, async () => {
    const max = DEFAULT_LIMITS.ingestion.eventDatasets;
    const ns = namespace();
    const atLimit = wideEvent(ns, max, max);
    const accepted = await post(service, '/api/v1/lineage', atLimit);
    assert.equal(accepted.status, 201, JSON.stringify(accepted.body));
    const { run } = dataOf<any>(
      await service.graphql('query($runId: String!) { run(runId: $runId) { state inputs { id } outputs { id } } }', { runId: atLimit.run.runId }),
    );
    assert.equal(run.state, 'COMPLETED');
    assert.equal(run.inputs.length, max);
    assert.equal(run.outputs.length, max);

    for (const [inputs, outputs, list] of [
      [max + 1, 0, 'inputs'],
      [0, max + 1, 'outputs'],
    ] as const) {
      const over = wideEvent(ns, inputs, outputs);
      const refused = await post(service, '/api/v1/lineage', over);
      assert.equal(refused.status, 400, JSON.stringify(refused.body).slice(0, 300));
      assert.equal(refused.body.error.code, 'LIMIT_EXCEEDED');
      assert.equal(refused.body.error.limit, 'LIMIT_EVENT_DATASETS');
      assert.match(refused.body.error.message, new RegExp(`^${list} has ${max + 1} datasets; at most ${max} are accepted in one event`));
      const { run: missing } = dataOf<any>(await service.graphql('query($runId: String!) { run(runId: $runId) { id } }', { runId: over.run.runId }));
      assert.equal(missing, null, 'a refused event records nothing');
    }

    // In a batch, the same limit, refused alone.
    const batch = await post(service, '/api/v1/lineage/batch', [wideEvent(ns, max + 1, 0), wideEvent(ns, 2, 2)]);
    assert.equal(batch.status, 200, JSON.stringify(batch.body).slice(0, 300));
    assert.deepEqual(
      batch.body.results.map((result: Json) => [result.status, result.error?.limit]),
      [
        ['rejected', 'LIMIT_EVENT_DATASETS'],
        ['accepted', undefined],
      ],
    );
  });

  it('records a batch of wide events in transactions of at most 2 × LIMIT_EVENT_DATASETS datasets, every event accepted', async () => {
    const ns = namespace();
    // 1,200 datasets each: two would be more than the 2,000 of a transaction, so each is a transaction of its own.
    const events = Array.from({ length: 3 }, () => wideEvent(ns, 600, 600));
    const transactions: TransactionEvent[] = [];
    const stop = service.db.onTransaction((event) => {
      if (event.mode === 'WRITE' && event.transaction === 'openlineage.batch') transactions.push(event);
    });
    try {
      const batch = await post(service, '/api/v1/lineage/batch', events);
      assert.equal(batch.status, 200, JSON.stringify(batch.body).slice(0, 300));
      assert.deepEqual(
        batch.body.results.map((result: Json) => result.status),
        ['accepted', 'accepted', 'accepted'],
      );
    } finally {
      stop();
    }
    assert.deepEqual(
      transactions.map((transaction) => transaction.outcome),
      ['ok', 'ok', 'ok'],
      'one transaction per event, not one of 3,600 datasets',
    );
    for (const event of events) {
      const { run } = dataOf<any>(
        await service.graphql('query($runId: String!) { run(runId: $runId) { inputs { id } outputs { id } } }', { runId: event.run.runId }),
      );
      assert.equal(run.inputs.length + run.outputs.length, 1_200);
    }
  });
});
