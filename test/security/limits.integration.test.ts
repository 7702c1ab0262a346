import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Database } from '../../src/db/database';
import { TransactionTimeoutError } from '../../src/errors';
import { createLogger } from '../../src/logger';
import { graphqlCall, httpCall, type HttpAnswer } from '../support/http';
import { startTestService, testNeo4jUri, uniqueNamespace, type TestService } from '../support/service';

/** Every limit is a setting; this service runs with small ones so that each can be hit cheaply. */
const SMALL_LIMITS = {
  LIMIT_BODY_BYTES: '4096',
  LIMIT_REQUEST_TIMEOUT_MS: '1000',
  LIMIT_JSON_DEPTH: '8',
  LIMIT_GRAPHQL_DEPTH: '5',
  LIMIT_GRAPHQL_COST: '30',
  LIMIT_GRAPHQL_ALIASES: '2',
  LIMIT_GRAPHQL_TOKENS: '300',
  LIMIT_PAGE_SIZE: '5',
  LIMIT_PAGE_DEFAULT: '3',
  LIMIT_TRAVERSAL_DEPTH: '3',
  LIMIT_TRAVERSAL_NODES: '25',
  LIMIT_BATCH_EVENTS: '4',
};

function expectLimit(answer: HttpAnswer, limit: string, status = 400): void {
  assert.equal(answer.status, status, answer.text);
  const error = answer.body.errors?.[0] ?? answer.body.error;
  assert.equal(error.extensions?.code ?? error.code, 'LIMIT_EXCEEDED', answer.text);
  assert.equal(error.extensions?.limit ?? error.limit, limit, answer.text);
  assert.match(error.message, new RegExp(`\\(limit: ${limit}\\)$`));
}

describe('limits', () => {
  let service: TestService;
  const namespace = uniqueNamespace('limits');
  before(async () => {
    service = await startTestService(SMALL_LIMITS);
  });
  after(async () => {
    await service?.db.write('test', (tx) => tx.rows('MATCH (d:Dataset {namespace: $namespace}) DETACH DELETE d', { namespace }));
    await service?.stop();
  });
  const ask = (query: string, variables?: Record<string, unknown>) => graphqlCall(service.url, query, variables);

  it('LIMIT_BODY_BYTES: a larger body is refused with 413 before it is parsed', async () => {
    expectLimit(await ask(`{ datasets(namePrefix: "${'x'.repeat(5000)}") { totalCount } }`), 'LIMIT_BODY_BYTES', 413);
    const ingest = await httpCall(service.url, 'POST', '/api/v1/lineage', { body: { padding: 'x'.repeat(5000) } });
    if (ingest.status !== 404) expectLimit(ingest, 'LIMIT_BODY_BYTES', 413);
  });

  it('LIMIT_JSON_DEPTH: a body nested deeper is refused before any route sees it', async () => {
    const nested = (depth: number): unknown => (depth === 0 ? 'leaf' : { a: nested(depth - 1) });
    const deep = await ask('mutation($p: JSONObject) { __typename }', { p: nested(8) });
    expectLimit(deep, 'LIMIT_JSON_DEPTH');
    assert.match(deep.body.errors[0].message, /at variables\.p\.a\.a/);
    const ingest = await httpCall(service.url, 'POST', '/api/v1/lineage', { body: nested(12) });
    if (ingest.status !== 404) expectLimit(ingest, 'LIMIT_JSON_DEPTH');
  });

  it('LIMIT_GRAPHQL_TOKENS', async () => {
    expectLimit(await ask(`{ ${Array.from({ length: 80 }, () => 'serviceInfo { version }').join(' ')} }`), 'LIMIT_GRAPHQL_TOKENS');
  });

  it('LIMIT_GRAPHQL_DEPTH', async () => {
    expectLimit(await ask('{ run(runId: "r") { parent { parent { parent { parent { runId } } } } } }'), 'LIMIT_GRAPHQL_DEPTH');
    assert.equal((await ask('{ run(runId: "r") { parent { parent { parent { runId } } } } }')).status, 200);
  });

  it('LIMIT_GRAPHQL_ALIASES', async () => {
    expectLimit(await ask('{ a: serviceInfo { version } b: serviceInfo { version } c: serviceInfo { version } }'), 'LIMIT_GRAPHQL_ALIASES');
  });

  it('LIMIT_GRAPHQL_COST, with page sizes from variables', async () => {
    // 1 connection + n × (1 dataset + 1 versions connection + m versions): 36 for 5 × 5, 15 for 2 × 5.
    const query = 'query($n: Int, $m: Int) { datasets(first: $n) { nodes { versions(first: $m) { nodes { version } } } } }';
    expectLimit(await ask(query, { n: 5, m: 5 }), 'LIMIT_GRAPHQL_COST');
    assert.equal((await ask(query, { n: 2, m: 5 })).status, 200);
  });

  it('LIMIT_PAGE_SIZE and LIMIT_PAGE_DEFAULT', async () => {
    const register = Array.from({ length: 4 }, (_, i) => `d${i}: registerDataset(input: {namespace: "${namespace}", name: "d${i}"}) { id }`);
    // Two aliases at a time: LIMIT_GRAPHQL_ALIASES is 2 here.
    for (let i = 0; i < register.length; i += 2) assert.equal((await ask(`mutation { ${register.slice(i, i + 2).join(' ')} }`)).status, 200);

    const page = await ask('query($ns: String) { datasets(namespace: $ns) { totalCount pageInfo { hasNextPage } nodes { name } } }', { ns: namespace });
    assert.deepEqual(page.body.data.datasets, { totalCount: 4, pageInfo: { hasNextPage: true }, nodes: [{ name: 'd0' }, { name: 'd1' }, { name: 'd2' }] });

    const tooLarge = await ask('{ datasets(first: 6) { totalCount } }');
    assert.equal(tooLarge.body.errors[0].extensions.code, 'LIMIT_EXCEEDED');
    assert.equal(tooLarge.body.errors[0].extensions.limit, 'LIMIT_PAGE_SIZE');
    const ids = await ask('{ nodes(ids: ["a", "b", "c", "d", "e", "f"]) { id } }');
    assert.equal(ids.body.errors[0].extensions.limit, 'LIMIT_PAGE_SIZE', ids.text);
  });

  it('LIMIT_TRAVERSAL_* and LIMIT_BATCH_EVENTS reach the services that enforce them', () => {
    assert.deepEqual(service.services.limits.traversal, { maxDepth: 3, maxNodes: 25 });
    assert.equal(service.services.limits.ingestion.maxBatchEvents, 4);
  });

  it('LIMIT_TRAVERSAL_DEPTH and LIMIT_TRAVERSAL_NODES cap every traversal, and its defaults', async () => {
    const registered = await ask('mutation($input: DatasetVersionInput!) { registerDatasetVersion(input: $input) { id } }', {
      input: { namespace, name: 'traversal', version: 'v1' },
    });
    const from = registered.body.data?.registerDatasetVersion?.id;
    assert.ok(from, registered.text);
    const impact = 'query($from: ID!, $maxDepth: Int, $maxNodes: Int) { impact(from: $from, maxDepth: $maxDepth, maxNodes: $maxNodes) { maxDepth maxNodes } }';
    // Refused while resolving (not before execution, as the operation limits are): GraphQL answers 200 with the error.
    expectLimit(await ask(impact, { from, maxDepth: 4 }), 'LIMIT_TRAVERSAL_DEPTH', 200);
    expectLimit(await ask(impact, { from, maxNodes: 26 }), 'LIMIT_TRAVERSAL_NODES', 200);
    const defaults = await ask(impact, { from });
    assert.deepEqual(defaults.body.data?.impact, { maxDepth: 3, maxNodes: 25 }, defaults.text);
    const graph = 'query($from: ID!) { lineageGraph(from: $from, depth: 4) { truncated } }';
    expectLimit(await ask(graph, { from }), 'LIMIT_TRAVERSAL_DEPTH', 200);
  });

  it('LIMIT_REQUEST_TIMEOUT_MS: a client that never finishes its request is cut off', async () => {
    const { port } = new URL(service.url);
    const socket = net.connect(Number(port), '127.0.0.1');
    const answer = await new Promise<string>((resolve, reject) => {
      let received = '';
      socket.on('data', (chunk) => (received += chunk.toString()));
      socket.on('close', () => resolve(received));
      socket.on('error', reject);
      // Headers promise 100 bytes of body; 10 arrive, then nothing.
      socket.write('POST /graphql HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"query":');
    });
    assert.match(answer, /^HTTP\/1.1 408/);
  });
});

describe('NEO4J_TX_TIMEOUT_MS', () => {
  let db: Database;
  before(() => {
    db = Database.connect({ uri: testNeo4jUri(), user: 'neo4j', password: '', database: 'neo4j', transactionTimeoutMs: 200 }, createLogger('silent'));
  });
  after(async () => db?.close());

  it('stops a transaction that runs too long, naming the setting, as a 503 to retry (never a 4xx a producer would drop)', async () => {
    await assert.rejects(
      db.read('slow', (tx) => tx.rows('UNWIND range(1, 200000000) AS x WITH x WHERE x % 7 = 3 RETURN count(x) AS n')),
      (error: unknown) =>
        error instanceof TransactionTimeoutError &&
        error.status === 503 &&
        error.code === 'SERVICE_UNAVAILABLE' &&
        error.extensions.limit === 'NEO4J_TX_TIMEOUT_MS' &&
        /longer than 200 ms/.test(error.message),
    );
  });

  it('lets a rehearsal (the warm-up at start) take longer than a request may, and keeps nothing of it', async () => {
    const marker = `rehearsal-${Date.now()}-${Math.random()}`;
    const slowWrite = (rows: number) => () =>
      db.write('slow', (tx) =>
        tx.rows('UNWIND range(1, $rows) AS x WITH x WHERE x % 7 = 3 WITH count(x) AS n CREATE (:WarmUpProbe {marker: $marker, n: n})', { marker, rows }),
      );
    // Neo4j checks transaction timeouts every 2 s (db.transaction.monitor.check.interval), so a statement must run
    // well past that to be stopped whatever the machine: 20 million rows (about 1 s here) once finished unstopped.
    await assert.rejects(
      slowWrite(200_000_000)(),
      (error: unknown) => error instanceof TransactionTimeoutError && error.extensions.limit === 'NEO4J_TX_TIMEOUT_MS',
    );
    // The rehearsal's statement is checked to take longer than a request may, so the test cannot pass vacuously.
    const started = performance.now();
    assert.equal(await db.rehearse(slowWrite(50_000_000), 600_000), undefined, 'the rehearsal ran to its end');
    assert.ok(performance.now() - started > 200, 'the rehearsal took longer than a request may');
    const [left] = await db.read('check', (tx) => tx.rows<{ n: number }>('MATCH (p:WarmUpProbe {marker: $marker}) RETURN count(p) AS n', { marker }));
    assert.equal(left!.n, 0, 'rolled back');
  });
});
