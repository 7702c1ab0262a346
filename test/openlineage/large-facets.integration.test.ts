import assert from 'node:assert/strict';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { canonicalJson } from '../../src/core/canonical-json';
import { dataOf } from '../support/graphql';
import { runEvent } from '../support/openlineage-events';
import { post } from '../support/openlineage-http';
import { removeNamespaces, startTestService, uniqueNamespace, type TestService } from '../support/service';

type Json = Record<string, any>;

/** LIMIT_EVENT_PAGE_BYTES of the test service: a few of the events below, scaled down from the 16 MiB default. */
const PAGE_BYTES = 400_000;

/** A facet of about `bytes` bytes of JSON that gzip cannot shrink (random base64). */
function bigFacet(bytes: number): Json {
  return {
    _producer: 'https://example.com/producer',
    _schemaURL: 'https://example.com/big.json',
    plan: randomBytes(Math.floor((bytes * 3) / 4)).toString('base64'),
  };
}

/**
 * A run whose events carry large facets (a Spark logical plan in every event, an event of several) stays
 * readable: a page of its raw events ends before LIMIT_EVENT_PAGE_BYTES of bodies (one request, all its pages)
 * and its cursor leads to the rest, every event once and in order; its audit records name large facet values
 * by their digest instead of holding them twice each; its facets read whole.
 */
describe('OpenLineage: a run with large facets stays readable', () => {
  let service: TestService;
  const namespace = uniqueNamespace('ol-large');
  const runId = randomUUID();
  const other = randomUUID();
  const start = Date.now() - 3_600_000;
  const sent: Json[] = [];

  before(async () => {
    service = await startTestService({ LIMIT_EVENT_PAGE_BYTES: String(PAGE_BYTES) });
    // Six events of one 150 KB facet (the same name: each replaces the last), then one of three 100 KB facets.
    for (let i = 0; i < 7; i++) {
      const event = runEvent({ namespace, runId, eventType: i === 6 ? 'COMPLETE' : 'RUNNING', eventTime: new Date(start + i * 1000).toISOString() });
      event.run.facets = i < 6 ? { spark_logicalPlan: bigFacet(150_000) } : { a: bigFacet(100_000), b: bigFacet(100_000), c: bigFacet(100_000) };
      sent.push(event);
    }
    const otherEvent = runEvent({ namespace, runId: other });
    otherEvent.run.facets = { spark_logicalPlan: bigFacet(150_000) };
    sent.push(otherEvent);
    for (const event of sent) {
      const answer = await post(service, '/api/v1/lineage', event);
      assert.equal(answer.status, 201, JSON.stringify(answer.body).slice(0, 300));
    }
  });
  after(async () => {
    if (service) await removeNamespaces(service.db, namespace);
    await service?.stop();
  });

  const eventsPage = `events(first: 100, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { eventTime body } }`;
  const bodyBytes = (nodes: Json[]) => nodes.reduce((sum, node) => sum + Buffer.byteLength(JSON.stringify(node.body)), 0);

  it('pages its raw events within the byte budget, every event once and in event-time order', async () => {
    const seen: Json[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const { run }: { run: Json } = dataOf<any>(
        await service.graphql(`query($runId: String!, $after: String) { run(runId: $runId) { ${eventsPage} } }`, { runId, after }),
      );
      pages++;
      assert.equal(run.events.totalCount, 7);
      assert.ok(run.events.nodes.length >= 1, 'every page holds an event');
      assert.ok(
        run.events.nodes.length === 1 || bodyBytes(run.events.nodes) <= PAGE_BYTES,
        `page ${pages} holds ${bodyBytes(run.events.nodes)} bytes of bodies`,
      );
      seen.push(...run.events.nodes);
      if (!run.events.pageInfo.hasNextPage) break;
      after = run.events.pageInfo.endCursor;
      assert.ok(pages < 10, 'the pages end');
    }
    assert.ok(pages > 1, 'the events did not fit one page');
    assert.deepEqual(
      seen.map((node) => node.body.run.facets),
      sent.slice(0, 7).map((event) => event.run.facets),
      'every event once, in order, its body whole',
    );
  });

  it('shares one budget among the pages of one request', async () => {
    const { a, b } = dataOf<any>(
      await service.graphql(
        `query($runId: String!, $other: String!, $after: String) { a: run(runId: $runId) { ${eventsPage} } b: run(runId: $other) { ${eventsPage} } }`,
        {
          runId,
          other,
          after: null,
        },
      ),
    );
    assert.ok(bodyBytes([...a.events.nodes, ...b.events.nodes]) <= PAGE_BYTES);
    assert.equal(a.events.pageInfo.hasNextPage, true);
    // The other run's page is cut too (possibly to nothing), and says so: nothing is skipped.
    assert.equal(b.events.pageInfo.hasNextPage || b.events.nodes.length === 1, true);
  });

  it('reads its facets whole and records large facet values in its audit trail by digest', async () => {
    const { run } = dataOf<any>(
      await service.graphql(
        `query($runId: String!) { run(runId: $runId) { facets history(first: 100) { nodes { operation changes { field before after } } } } }`,
        { runId },
      ),
    );
    assert.deepEqual(run.facets, { ...sent[5]!.run.facets, ...sent[6]!.run.facets }, 'the latest plan and the three facets, whole');
    const digest = (value: unknown) => ({
      sha256: createHash('sha256').update(canonicalJson(value)).digest('hex'),
      bytes: Buffer.byteLength(canonicalJson(value)),
    });
    const plans = run.history.nodes.flatMap((record: Json) => record.changes.filter((change: Json) => change.field === 'facets.spark_logicalPlan'));
    // Newest first: the plans of events 5 to 1 each replaced the one before (event 0 created the run with its own).
    assert.deepEqual(
      plans.map((change: Json) => [change.before, change.after]),
      [5, 4, 3, 2, 1].map((i) => [digest(sent[i - 1]!.run.facets.spark_logicalPlan), digest(sent[i]!.run.facets.spark_logicalPlan)]),
      'each replaced plan is listed by its digest',
    );
    const records = JSON.stringify(run.history.nodes);
    assert.ok(records.length < 100_000, `the run's audit records hold ${records.length} characters, not the facets`);
  });
});
