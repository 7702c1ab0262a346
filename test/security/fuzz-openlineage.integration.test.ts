import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { after, describe, it } from 'node:test';
import { createTestKey } from '../support/auth';
import { assertNoServerError, deeplyNested, FUZZ_PARAMETERS, hostileName, malformedJson, wrongValue } from '../support/fuzz';
import { graphqlCall, httpCall } from '../support/http';
import { runEvent } from '../support/openlineage-events';
import { removeNamespaces, startTestService, uniqueNamespace } from '../support/service';

/**
 * The OpenLineage routes get the same treatment as /graphql: malformed JSON, wrong types, deep nesting, huge
 * payloads, unicode and injection-looking names. Every answer is a 4xx with `{"error": {code, message}}` or a
 * success, never a 5xx, and a refused event leaves nothing in the graph. The routes come with the OpenLineage
 * ingestion (issue 5): until they exist (404), these tests are skipped.
 */
describe('fuzzing the OpenLineage endpoints', async () => {
  const service = await startTestService({ LINEAGE_AUTH: 'on', LIMIT_BATCH_EVENTS: '5' });
  const writer = (await createTestKey(service.services, 'writer')).header;
  const probe = await httpCall(service.url, 'POST', '/api/v1/lineage', { body: {}, headers: writer });
  const skip = probe.status === 404 ? 'POST /api/v1/lineage does not exist on this branch yet' : false;
  const namespaces: string[] = [];

  // One hook, so that the cleanup runs before the service (and its driver) stops.
  after(async () => {
    if (namespaces.length > 0) await removeNamespaces(service.db, ...namespaces);
    await service.stop();
  });

  const post = (path: string, raw: string) => httpCall(service.url, 'POST', path, { raw, headers: { ...writer, 'content-type': 'application/json' } });
  const inGraph = async (namespace: string) =>
    (
      await service.db.read('fuzz-check', (tx) =>
        tx.rows<{ n: number }>('MATCH (n) WHERE (n:Job OR n:Dataset) AND n.namespace = $namespace RETURN count(n) AS n', { namespace }),
      )
    )[0]!.n;

  it('malformed JSON gets 400 on both routes', { skip }, async () => {
    await fc.assert(
      fc.asyncProperty(malformedJson, fc.constantFrom('/api/v1/lineage', '/api/v1/lineage/batch'), async (text, path) => {
        const answer = await post(path, text);
        assertNoServerError(answer, `${path} ${JSON.stringify(text)}`);
        assert.equal(answer.status, 400);
        // A batch is read as it streams: one that has more events than LIMIT_BATCH_EVENTS before its malformation
        // is refused for that, without reading on.
        if (answer.body.error.code === 'LIMIT_EXCEEDED')
          assert.equal(path === '/api/v1/lineage/batch' && answer.body.error.limit, 'LIMIT_BATCH_EVENTS', answer.text);
        else assert.equal(answer.body.error.code, 'BAD_USER_INPUT');
      }),
      FUZZ_PARAMETERS,
    );
  });

  it('bodies of any shape never cause a server error', { skip }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 5 }), fc.constantFrom('/api/v1/lineage', '/api/v1/lineage/batch'), async (value, path) => {
        const answer = await post(path, JSON.stringify(value));
        assertNoServerError(answer, `${path} ${JSON.stringify(value).slice(0, 200)}`);
      }),
      FUZZ_PARAMETERS,
    );
  });

  const eventPaths = [
    'eventType',
    'eventTime',
    'producer',
    'schemaURL',
    'run',
    'run.runId',
    'run.facets',
    'run.facets.lineage_parameters',
    'run.facets.lineage_parameters.parameters',
    'job',
    'job.namespace',
    'job.name',
    'job.facets',
    'job.facets.sourceCodeLocation',
    'job.facets.sourceCodeLocation.version',
    'job.facets.sourceCodeLocation.url',
    'inputs',
    'inputs.0',
    'inputs.0.name',
    'inputs.0.namespace',
    'outputs',
    'outputs.0',
    'outputs.0.name',
    'outputs.0.facets.version.datasetVersion',
  ];
  const change = fc.oneof(
    fc.tuple(fc.constantFrom(...eventPaths), fc.constant<'delete'>('delete')),
    fc.tuple(fc.constantFrom(...eventPaths), wrongValue),
    fc.tuple(fc.constantFrom('job.name', 'inputs.0.name', 'outputs.0.name'), hostileName),
  );

  it('a changed event is stored exactly or refused whole', { skip }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(change, { minLength: 1, maxLength: 3 }), async (changes) => {
        const namespace = uniqueNamespace('fuzz-ol');
        namespaces.push(namespace);
        const event = runEvent({ namespace, input: 'in', output: 'out' });
        for (const [path, value] of changes) setPath(event, path, value);
        const answer = await post('/api/v1/lineage', JSON.stringify(event));
        const what = JSON.stringify(changes).slice(0, 300);
        assertNoServerError(answer, what);
        if (answer.status >= 400) {
          assert.equal(await inGraph(namespace), 0, `a refused event left nodes behind: ${what}`);
        } else if (typeof event.job?.name === 'string' && event.job?.namespace === namespace) {
          const job = await graphqlCall(
            service.url,
            'query($ns: String!, $name: String!) { job(namespace: $ns, name: $name) { name } }',
            { ns: namespace, name: event.job.name },
            writer,
          );
          assert.deepEqual(job.body.data?.job, { name: event.job.name }, `an accepted event's job is stored exactly: ${what}`);
        }
      }),
      FUZZ_PARAMETERS,
    );
  });

  it('batches of changed events never cause a server error', { skip }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(change, { maxLength: 2 }), { maxLength: 5 }), async (batches) => {
        const events = batches.map((changes) => {
          const namespace = uniqueNamespace('fuzz-olb');
          namespaces.push(namespace);
          const event = runEvent({ namespace, output: 'out' });
          for (const [path, value] of changes) setPath(event, path, value);
          return event;
        });
        assertNoServerError(await post('/api/v1/lineage/batch', JSON.stringify(events)), JSON.stringify(batches).slice(0, 300));
      }),
      FUZZ_PARAMETERS,
    );
  });

  it('deep nesting, huge payloads and oversized batches are refused cleanly, naming the limit', { skip }, async () => {
    const namespace = uniqueNamespace('fuzz-ol-big');
    namespaces.push(namespace);
    const huge = runEvent({ namespace });
    huge.inputs = Array.from({ length: 20_000 }, (_, k) => ({ namespace, name: `d${k}` }));
    const cases: Array<[string, string, string]> = [
      ['/api/v1/lineage', '100k nested arrays', deeplyNested(100_000, 'array')],
      ['/api/v1/lineage', '100k nested objects', deeplyNested(100_000, 'object')],
      [
        '/api/v1/lineage',
        'a facet nested 1000 deep',
        JSON.stringify(runEvent({ namespace })).replace('"facets":{', `"facets":{"deep":${deeplyNested(1000, 'object')},`),
      ],
      ['/api/v1/lineage', '20k inputs', JSON.stringify(huge)],
      ['/api/v1/lineage', 'a lone surrogate in a job name', JSON.stringify(runEvent({ namespace, job: 'JOB' })).replace('"JOB"', '"a\\ud800"')],
      ['/api/v1/lineage/batch', 'more events than LIMIT_BATCH_EVENTS', JSON.stringify(Array.from({ length: 6 }, () => runEvent({ namespace })))],
    ];
    for (const [path, what, body] of cases) {
      const answer = await post(path, body);
      assertNoServerError(answer, what);
      assert.ok(answer.status >= 400, `${what} was accepted: ${answer.status} ${answer.text.slice(0, 200)}`);
    }
    const batch = await post('/api/v1/lineage/batch', JSON.stringify(Array.from({ length: 6 }, () => runEvent({ namespace }))));
    assert.equal(batch.body.error.code, 'LIMIT_EXCEEDED', batch.text);
    assert.equal(batch.body.error.limit, 'LIMIT_BATCH_EVENTS', batch.text);
    assert.equal(await inGraph(namespace), 0, 'nothing of the refused events was stored');
  });

  it('a tiny compressed batch of millions of events is refused at LIMIT_BATCH_EVENTS without holding the event loop', { skip }, async () => {
    // 21 million `{}` lines: 63 MB inflated (under LIMIT_BATCH_BODY_BYTES), about 60 KB gzipped.
    const bombs: Array<[string, Buffer]> = [
      ['application/x-ndjson', gzipSync('{}\n'.repeat(21_000_000))],
      ['application/json', gzipSync('[' + '{},'.repeat(21_000_000) + '{}]')],
    ];
    for (const [contentType, body] of bombs) {
      assert.ok(body.length < 200_000, `the probe is small: ${body.length} bytes`);
      const delay = monitorEventLoopDelay({ resolution: 10 });
      delay.enable();
      const answer = await httpCall(service.url, 'POST', '/api/v1/lineage/batch', {
        raw: body,
        headers: { ...writer, 'content-type': contentType, 'content-encoding': 'gzip' },
      });
      delay.disable();
      assert.equal(answer.status, 400, answer.text.slice(0, 300));
      assert.equal(answer.body.error.limit, 'LIMIT_BATCH_EVENTS', answer.text.slice(0, 300));
      // Parsing it all took 40 s of blocked event loop; now a few chunks are read. (A generous bound: busy machine.)
      const maxMs = delay.max / 1e6;
      assert.ok(maxMs < 3_000, `${contentType}: the event loop was held for ${Math.round(maxMs)} ms`);
    }
    // One event over LIMIT_EVENT_BYTES in a batch is refused alone, as it is on the single route.
    const namespace = uniqueNamespace('fuzz-ol-size');
    namespaces.push(namespace);
    const large = runEvent({ namespace, output: 'large' });
    large.run.facets = { padding: { _producer: 'https://example.com', _schemaURL: 'https://example.com/s', text: 'x'.repeat(6 * 1024 * 1024) } };
    const small = runEvent({ namespace, output: 'small' });
    const batch = await httpCall(service.url, 'POST', '/api/v1/lineage/batch', {
      raw: gzipSync(JSON.stringify([large, small])),
      headers: { ...writer, 'content-type': 'application/json', 'content-encoding': 'gzip' },
    });
    assert.equal(batch.status, 200, batch.text.slice(0, 300));
    assert.deepEqual(
      batch.body.results.map((result: { status: string; error?: { limit?: string } }) => [result.status, result.error?.limit]),
      [
        ['rejected', 'LIMIT_EVENT_BYTES'],
        ['accepted', undefined],
      ],
    );

    // An event just under the limit, its facet incompressible: the run, its facets and its raw events still read.
    const nearLimit = runEvent({ namespace, output: 'near-limit' });
    const text = randomBytes(3_500_000).toString('base64');
    nearLimit.run.facets = { padding: { _producer: 'https://example.com', _schemaURL: 'https://example.com/s', text } };
    const stored = await httpCall(service.url, 'POST', '/api/v1/lineage', { body: nearLimit, headers: writer });
    assert.equal(stored.status, 201, stored.text.slice(0, 300));
    const read = await graphqlCall(
      service.url,
      'query($id: String!) { run(runId: $id) { facets events { totalCount nodes { body } } } }',
      { id: nearLimit.run.runId },
      writer,
    );
    assert.equal(read.status, 200, read.text.slice(0, 300));
    assert.equal(read.body.errors, undefined, read.text.slice(0, 300));
    assert.equal(read.body.data.run.facets.padding.text, text, 'the facet reads back whole');
    assert.equal(read.body.data.run.events.nodes[0].body.run.facets.padding.text, text, 'the raw event reads back whole');
  });

  it('is still up and ready afterwards', async () => {
    assert.equal((await httpCall(service.url, 'GET', '/readyz')).status, 200);
  });
});

/** Sets (or with 'delete', removes) the value at a dotted path, creating objects on the way. */
function setPath(target: Record<string, any>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node: any = target;
  for (const key of keys.slice(0, -1)) {
    if (node[key] === null || typeof node[key] !== 'object') node[key] = {};
    node = node[key];
  }
  if (value === 'delete') delete node[keys.at(-1)!];
  else node[keys.at(-1)!] = value;
}
