import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '../../src/logger';
import { recordIngestedEvents } from '../../src/observability/metrics';
import { withRequestContext } from '../../src/observability/request-context';
import { createTestKey } from '../support/auth';
import { graphqlCall, httpCall } from '../support/http';
import { capturingLogger } from '../support/log-capture';
import { startTestService, type TestService } from '../support/service';

/** Parses Prometheus text into `name{labels}` → value. */
function samples(text: string): Map<string, number> {
  const map = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    map.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return map;
}

describe('logs', () => {
  it('carry the request id on lines logged outside the request logger, once', async () => {
    const capture = capturingLogger('info');
    withRequestContext('req-42', () => capture.logger.info('inside'));
    capture.logger.info('outside');
    const child = capture.logger.child({ reqId: 'bound' });
    child.info('bound already');
    const [inside, outside] = capture.lines();
    assert.equal(inside!.reqId, 'req-42');
    assert.equal(outside!.reqId, undefined);
    assert.ok(
      capture.raw().every((line) => (line.match(/"reqId"/g) ?? []).length <= 1),
      'never twice on a line',
    );
  });

  it('never contain the Authorization header', async () => {
    const capture = capturingLogger('info');
    capture.logger.info({ req: { headers: { authorization: 'Bearer lin_secret' } } }, 'x');
    assert.ok(!capture.raw()[0]!.includes('lin_secret'));
    assert.equal(createLogger('silent').level, 'silent');
  });

  // Lines from modules below the request (the database) carry it too: see the Neo4j outage test.
  it('tag every line of a request with its id, the one a proxy sent if plausible', async () => {
    const capture = capturingLogger('debug');
    const service = await startTestService({}, undefined, { logger: capture.logger });
    try {
      const before = capture.raw().length;
      await httpCall(service.url, 'POST', '/graphql', { headers: { 'x-request-id': 'trace-abc' }, body: { query: '{ serviceInfo { version } }' } });
      const lines = capture.lines().slice(before);
      assert.ok(lines.length >= 2, 'Fastify logs the request and its completion');
      for (const line of lines) assert.equal(line.reqId, 'trace-abc', JSON.stringify(line));
      const garbage = await httpCall(service.url, 'GET', '/healthz', { headers: { 'x-request-id': 'a b "c" {}' } });
      assert.match(garbage.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/, 'an implausible request id is replaced');
    } finally {
      await service.stop();
    }
  });
});

describe('metrics', () => {
  let service: TestService;
  let reader: Record<string, string>;
  before(async () => {
    service = await startTestService({ LINEAGE_AUTH: 'on' });
    reader = (await createTestKey(service.services, 'reader')).header;
  });
  after(async () => service?.stop());

  it('count requests, latency, errors by code, operations, transactions and ingested events', async () => {
    await graphqlCall(service.url, '{ datasets(first: 1) { totalCount } }', undefined, reader);
    await graphqlCall(service.url, '{ datasets(first: 1000) { totalCount } }', undefined, reader);
    await graphqlCall(service.url, 'mutation { registerModel(input: {name: "m"}) { name } }', undefined, reader);
    await graphqlCall(service.url, '{ viewer { name } }');
    recordIngestedEvents('COMPLETE', 3);
    recordIngestedEvents('made-up', 1);

    const answer = await httpCall(service.url, 'GET', '/metrics');
    assert.equal(answer.status, 200);
    assert.match(answer.headers.get('content-type') ?? '', /^text\/plain/);
    const metrics = samples(answer.text);
    const value = (key: string) => metrics.get(key) ?? 0;
    assert.ok(value('lineage_http_requests_total{method="POST",route="/graphql",status="200"}') >= 2);
    assert.ok(value('lineage_http_requests_total{method="POST",route="/graphql",status="401"}') >= 1);
    assert.ok(value('lineage_http_request_duration_seconds_count{method="POST",route="/graphql"}') >= 4);
    assert.ok(value('lineage_errors_total{code="LIMIT_EXCEEDED"}') >= 1);
    assert.ok(value('lineage_errors_total{code="FORBIDDEN"}') >= 1);
    assert.ok(value('lineage_errors_total{code="UNAUTHENTICATED"}') >= 1);
    assert.ok(value('lineage_graphql_operations_total{type="query"}') >= 2);
    assert.ok(
      [...metrics.keys()].some(
        (key) =>
          key.startsWith('lineage_neo4j_transaction_duration_seconds_count{transaction="listDatasets"') ||
          key.startsWith('lineage_neo4j_transaction_duration_seconds_count{'),
      ),
      'Neo4j transactions are timed',
    );
    assert.equal(value('lineage_neo4j_available'), 1);
    assert.equal(value('lineage_openlineage_events_total{event_type="COMPLETE"}'), 3);
    assert.equal(value('lineage_openlineage_events_total{event_type="OTHER"}'), 1, 'unknown event types share one label value');
    assert.ok(value('lineage_process_resident_memory_bytes') > 0, 'process metrics');
  });
});
