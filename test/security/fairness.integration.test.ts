import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ids } from '../../src/core/ids';
import { createTestKey } from '../support/auth';
import { graphqlCall } from '../support/http';
import { runEvent } from '../support/openlineage-events';
import { startTestService, uniqueNamespace, type TestService, removeNamespaces } from '../support/service';

/**
 * Expensive questions must not starve cheap ones. A fan-out graph (one source read by 200 runs, 3 outputs each)
 * makes `impact(from: source, maxNodes: 10000)` walk a few thousand nodes. Then:
 * - the probe that locked everyone out (two requests of thirty aliased maximal traversals) is refused for its cost,
 *   and cheap reads go on;
 * - while traversal clients keep the service busy, a cheap read (one dataset by name) stays within RATIO times its
 *   latency without them. Both latencies are medians measured in this test, alternately, in several rounds, so
 *   that the load other processes put on the machine weighs on both alike.
 */
const RATIO = 8;
const RUNS = 200;
const OUTPUTS_PER_RUN = 3;
const ROUNDS = 3;
const SAMPLES = 15;
const HEAVY_CLIENTS = 12;

describe('fairness between expensive and cheap questions', () => {
  let service: TestService;
  const namespace = uniqueNamespace('fair');
  let crawler: Record<string, string>;
  let dashboard: Record<string, string>;

  before(async () => {
    service = await startTestService({ LINEAGE_AUTH: 'on' });
    crawler = (await createTestKey(service.services, 'reader', 'crawler')).header;
    dashboard = (await createTestKey(service.services, 'reader', 'dashboard')).header;
    const producer = 'https://example.com/fairness-test';
    const version = (datasetVersion: string) => ({
      version: { _producer: producer, _schemaURL: 'https://openlineage.io/spec/facets/1-0-1/DatasetVersionDatasetFacet.json', datasetVersion },
    });
    const events = Array.from({ length: RUNS }, (_, run) => ({
      ...runEvent({ namespace, job: `job-${run % 20}` }),
      inputs: [{ namespace, name: 'source', facets: version('1') }],
      outputs: Array.from({ length: OUTPUTS_PER_RUN }, (_, k) => ({ namespace, name: `out-${run}-${k}`, facets: version(randomUUID()) })),
    }));
    const outcomes = await service.services.openlineage.ingestBatch(
      { actor: 'test', source: 'cli' },
      events.map((event) => ({ event })),
    );
    assert.deepEqual(
      outcomes.filter((outcome) => outcome.status !== 'accepted'),
      [],
    );
  });
  after(async () => {
    if (service) await removeNamespaces(service.db, namespace);
    await service?.stop();
  });

  const source = () => ids.dataset(namespace, 'source');
  const impact = (alias = 'impact', maxNodes = 10_000) => `${alias}: impact(from: "${source()}", maxNodes: ${maxNodes}) { truncated nodes { id } }`;
  const cheap = async (): Promise<number> => {
    const started = performance.now();
    const answer = await graphqlCall(service.url, 'query($ns: String!) { dataset(namespace: $ns, name: "out-7-1") { name } }', { ns: namespace }, dashboard);
    assert.deepEqual(answer.body, { data: { dataset: { name: 'out-7-1' } } }, answer.text);
    return performance.now() - started;
  };
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

  it('walks a few thousand nodes for one maximal impact', async () => {
    const answer = await graphqlCall(service.url, `{ ${impact()} }`, undefined, crawler);
    assert.equal(answer.status, 200, answer.text.slice(0, 300));
    assert.ok(answer.body.data.impact.nodes.length >= RUNS * (1 + OUTPUTS_PER_RUN), `${answer.body.data.impact.nodes.length} nodes`);
  });

  it('refuses thirty aliased maximal traversals in one request for their cost, and cheap reads go on', async () => {
    const aliased = `{ ${Array.from({ length: 30 }, (_, i) => impact(`i${i}`)).join(' ')} }`;
    const [first, second, read] = await Promise.all([
      graphqlCall(service.url, aliased, undefined, crawler),
      graphqlCall(service.url, aliased, undefined, crawler),
      cheap(),
    ]);
    for (const answer of [first, second]) {
      assert.equal(answer.status, 400, answer.text.slice(0, 300));
      assert.equal(answer.body.errors[0].extensions.limit, 'LIMIT_GRAPHQL_COST', answer.text.slice(0, 300));
    }
    assert.ok(read >= 0);
  });

  it(`keeps a cheap read within ${RATIO} times its own latency while traversals are in flight`, async (t) => {
    const idle: number[] = [];
    const loaded: number[] = [];
    let heavyDone = 0;
    let heavyRefused = 0;
    let maxRunning = 0;
    let maxQueued = 0;
    for (let round = 0; round < ROUNDS; round++) {
      for (let i = 0; i < SAMPLES; i++) idle.push(await cheap());

      let running = true;
      const clients = Array.from({ length: HEAVY_CLIENTS }, async (_, client) => {
        while (running) {
          // Each client asks as much as the cost limit allows: five walks of 2,000 nodes, aliased (60 in flight).
          const query = `{ ${Array.from({ length: 5 }, (_, i) => impact(`c${client}i${i}`, 2_000)).join(' ')} }`;
          const answer = await graphqlCall(service.url, query, undefined, crawler);
          if (answer.status === 200 && !answer.body.errors) heavyDone += 1;
          else heavyRefused += 1;
        }
      });
      // Once the lane is full, sample the cheap read.
      const deadline = Date.now() + 60_000;
      while (service.db.traversals.load.running < service.db.traversals.concurrency && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      for (let i = 0; i < SAMPLES; i++) {
        const { running: inLane, queued } = service.db.traversals.load;
        maxRunning = Math.max(maxRunning, inLane);
        maxQueued = Math.max(maxQueued, queued);
        loaded.push(await cheap());
      }
      running = false;
      await Promise.all(clients);
    }
    const ratio = median(loaded) / median(idle);
    t.diagnostic(
      `cheap read median: ${median(idle).toFixed(1)} ms idle, ${median(loaded).toFixed(1)} ms under load (ratio ${ratio.toFixed(2)}); ` +
        `traversals: ${heavyDone} answered, ${heavyRefused} refused, at most ${maxRunning} running and ${maxQueued} queued`,
    );
    assert.ok(heavyDone > 0, 'the traversals were answered');
    assert.ok(maxRunning <= service.db.traversals.concurrency, `${maxRunning} traversals ran at once`);
    assert.ok(maxQueued > 0, 'traversals queued for their turn');
    assert.ok(ratio < RATIO, `a cheap read took ${ratio.toFixed(2)} times as long with traversals in flight`);
  });
});
