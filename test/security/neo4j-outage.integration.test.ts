import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort, startLocalNeo4j, type LocalNeo4j } from '../../src/local-neo4j/local-neo4j';
import { createLogger } from '../../src/logger';
import { createTestKey } from '../support/auth';
import { graphqlCall, httpCall } from '../support/http';
import { capturingLogger } from '../support/log-capture';
import { runEvent } from '../support/openlineage-events';
import { startTestService, uniqueNamespace, type TestService, removeNamespaces } from '../support/service';

/**
 * Stops the real Neo4j under traffic and starts it again. While it is gone every request fails at once with 503
 * SERVICE_UNAVAILABLE (never a 500, never a hang, never a 401 for a valid key), /readyz says so, the process stays
 * up; when Neo4j returns the service recovers by itself, and every write it acknowledged is in the graph.
 * This test needs a Neo4j of its own, since it stops it.
 */
interface Outcome {
  phase: 'before' | 'down' | 'after';
  kind: 'write' | 'read';
  status: number;
  code?: string;
  retryAfter?: string | null;
  name?: string;
}

const small = { heap: '384m', pageCache: '32m', startTimeoutMs: 120_000, logger: createLogger('silent') };

async function eventually(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

describe('Neo4j stops and returns under traffic', () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'lineage-outage-neo4j-'));
  const namespace = uniqueNamespace('outage');
  const logs = capturingLogger('warn');
  let port: number;
  let neo4j: LocalNeo4j;
  let service: TestService;

  before(async () => {
    port = await freePort();
    neo4j = await startLocalNeo4j({ home, boltPort: port, ...small });
    service = await startTestService({ LINEAGE_AUTH: 'on' }, neo4j.uri, { logger: logs.logger });
  });
  after(async () => {
    await service?.stop();
    await neo4j?.stop();
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('fails fast with 503 while it is gone, and recovers with every acknowledged write', async (t) => {
    const writer = await createTestKey(service.services, 'writer');
    // Created before the outage but first used during it: its lookup cannot be answered from the cache.
    const unusedKey = await createTestKey(service.services, 'reader', 'unused');
    const outcomes: Outcome[] = [];
    let phase: Outcome['phase'] = 'before';
    let running = true;
    let counter = 0;

    const client = async (id: number) => {
      while (running) {
        const kind = counter % 2 === 0 ? 'write' : 'read';
        const name = `d-${id}-${(counter += 1)}`;
        const started = phase;
        try {
          const answer =
            kind === 'write'
              ? await graphqlCall(
                  service.url,
                  'mutation($ns: String!, $n: String!) { registerDataset(input: {namespace: $ns, name: $n}) { name } }',
                  { ns: namespace, n: name },
                  writer.header,
                )
              : await graphqlCall(service.url, 'query($ns: String!) { datasets(namespace: $ns, first: 5) { totalCount } }', { ns: namespace }, writer.header);
          outcomes.push({
            phase: started === phase ? phase : 'down',
            kind,
            status: answer.status,
            code: answer.body?.errors?.[0]?.extensions?.code,
            retryAfter: answer.headers.get('retry-after'),
            name: answer.status === 200 && kind === 'write' ? answer.body.data?.registerDataset?.name : undefined,
          });
        } catch (error) {
          outcomes.push({ phase, kind, status: 0, code: `client error: ${(error as Error).message}` });
        }
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    };
    const clients = Array.from({ length: 4 }, (_, id) => client(id));
    const count = (predicate: (o: Outcome) => boolean) => outcomes.filter(predicate).length;

    await eventually(() => count((o) => o.phase === 'before' && o.status === 200) >= 20, 60_000, '20 successes before the outage');

    await neo4j.stop();
    phase = 'down';
    await eventually(() => count((o) => o.phase === 'down' && o.status === 503) >= 10, 60_000, '10 refusals while Neo4j is down');
    assert.equal(service.db.available, false, 'the breaker is open: requests fail at once');

    const ready = await httpCall(service.url, 'GET', '/readyz');
    assert.equal(ready.status, 503);
    assert.equal(ready.body.neo4j, 'down');
    assert.equal((await httpCall(service.url, 'GET', '/healthz')).status, 200, 'the process stays up');
    const lookup = await graphqlCall(service.url, '{ viewer { name } }', undefined, unusedKey.header);
    assert.equal(lookup.status, 503, `a valid key is not refused for the outage: ${lookup.text}`);
    assert.equal(lookup.body.errors[0].extensions.code, 'SERVICE_UNAVAILABLE');
    assert.equal(lookup.headers.get('retry-after'), '1');

    neo4j = await startLocalNeo4j({ home, boltPort: port, ...small });
    phase = 'after';
    await eventually(() => count((o) => o.phase === 'after' && o.status === 200) >= 20, 60_000, '20 successes after Neo4j returned');
    running = false;
    await Promise.all(clients);

    assert.equal((await httpCall(service.url, 'GET', '/readyz')).status, 200);
    assert.equal(service.db.available, true);

    t.diagnostic(
      `answers: ${['before', 'down', 'after'].map((p) => `${p}: ${count((o) => o.phase === p && o.status === 200)} ok, ${count((o) => o.phase === p && o.status !== 200)} refused`).join('; ')}`,
    );
    // Nothing but successes and 503s, and every 503 says so and when to retry.
    const unexpected = outcomes.filter(
      (o) => !(o.status === 200 && o.code === undefined) && !(o.status === 503 && o.code === 'SERVICE_UNAVAILABLE' && o.retryAfter === '1'),
    );
    assert.deepEqual(unexpected, [], 'only successes and SERVICE_UNAVAILABLE');
    assert.equal(
      count((o) => o.phase === 'before' && o.status !== 200),
      0,
      'no failure before the outage',
    );

    // Every acknowledged write survived the restart.
    const acknowledged = outcomes.filter((o) => o.name).map((o) => o.name!);
    const stored = await service.db.read('test', (tx) =>
      tx.rows<{ name: string }>('MATCH (d:Dataset {namespace: $namespace}) RETURN d.name AS name', { namespace }),
    );
    const storedNames = new Set(stored.map((row) => row.name));
    assert.deepEqual(
      acknowledged.filter((name) => !storedNames.has(name)),
      [],
      'acknowledged writes missing from the graph',
    );

    // What the service logged about the outage names the request it happened in.
    const outageLines = logs.lines().filter((line) => line.msg === 'Neo4j unavailable');
    assert.ok(outageLines.length > 0, 'the outage is logged');
    for (const line of outageLines)
      assert.match(String(line.reqId), /^[0-9a-f-]{36}$/, `a log line without its request id: ${JSON.stringify(line).slice(0, 300)}`);
  });
});

describe('readiness while Neo4j is busy', () => {
  let service: TestService;
  const namespace = uniqueNamespace('busy');
  before(async () => {
    // A small pool, so that requests in flight hold every connection.
    service = await startTestService({ NEO4J_POOL_SIZE: '8', NEO4J_REQUEST_CONNECTIONS: '2' });
  });
  after(async () => {
    if (service) await removeNamespaces(service.db, namespace);
    await service?.stop();
  });

  it('stays ready with 200 requests in flight and every pool connection taken', async (t) => {
    let running = true;
    let answered = 0;
    const client = async (id: number) => {
      for (let i = 0; running; i++) {
        const events = Array.from({ length: 5 }, (_, k) => runEvent({ namespace, output: `out-${id}-${i}-${k}` }));
        await httpCall(service.url, 'POST', '/api/v1/lineage/batch', { body: events }).catch(() => undefined);
        answered += 1;
      }
    };
    const clients = Array.from({ length: 200 }, (_, id) => client(id));
    const reports: Array<{ status: number; neo4j: string }> = [];
    try {
      // Probe while the load lasts: at least ten probes, and until 200 requests were answered.
      while (reports.length < 10 || answered < 200) {
        const ready = await httpCall(service.url, 'GET', '/readyz');
        reports.push({ status: ready.status, neo4j: ready.body?.neo4j });
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    } finally {
      running = false;
      await Promise.all(clients);
    }
    t.diagnostic(`readiness: ${JSON.stringify(reports.map((r) => r.neo4j))}; ${answered} batches answered`);
    assert.deepEqual(
      reports.filter((report) => report.status !== 200),
      [],
      'Neo4j busy is not Neo4j gone',
    );
  });
});
