import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { after, before, describe, it } from 'node:test';
import { createTestKey } from '../support/auth';
import { assertNoServerError, deeplyNested, FUZZ_PARAMETERS, hostileName, malformedJson, wrongValue } from '../support/fuzz';
import { graphqlCall, httpCall } from '../support/http';
import { startTestService, uniqueNamespace, type TestService } from '../support/service';

/**
 * Throws malformed, mistyped, deeply nested, huge, unicode and injection-looking input at /graphql. Every answer
 * must be a 4xx (or a success) with a clear message and a code, never a 5xx; the process stays up; and what was
 * refused leaves nothing in the graph.
 */
describe('fuzzing /graphql', () => {
  let service: TestService;
  let writer: Record<string, string>;
  const namespace = uniqueNamespace('fuzz');

  before(async () => {
    service = await startTestService({ LINEAGE_AUTH: 'on', LIMIT_BODY_BYTES: String(1024 * 1024) });
    writer = (await createTestKey(service.services, 'writer')).header;
  });
  after(async () => {
    await service?.db.write('cleanup', (tx) =>
      tx.rows(
        `MATCH (n) WHERE (n:Dataset OR n:Job) AND n.namespace = $namespace
         OPTIONAL MATCH (n)<-[:VERSION_OF|RUN_OF]-(m)
         DETACH DELETE n, m`,
        { namespace },
      ),
    );
    await service?.stop();
  });

  const post = (raw: string, contentType = 'application/json') =>
    httpCall(service.url, 'POST', '/graphql', { raw, headers: { ...writer, 'content-type': contentType } });
  const ask = (query: string, variables?: Record<string, unknown>) => graphqlCall(service.url, query, variables, writer);
  const count = async (cypher: string, params: Record<string, unknown>) =>
    (await service.db.read('fuzz-check', (tx) => tx.rows<{ n: number }>(cypher, params)))[0]!.n;

  it('malformed JSON gets 400', async () => {
    await fc.assert(
      fc.asyncProperty(malformedJson, async (text) => {
        const answer = await post(text);
        assertNoServerError(answer, `body ${JSON.stringify(text)}`);
        assert.equal(answer.status, 400);
      }),
      FUZZ_PARAMETERS,
    );
  });

  it('bodies of any shape and content type never cause a server error', async () => {
    const body = fc.oneof(
      fc.jsonValue({ maxDepth: 4 }),
      fc.record({ query: wrongValue, variables: fc.option(wrongValue), operationName: fc.option(wrongValue) }, { requiredKeys: ['query'] }),
    );
    const contentType = fc.constantFrom(
      'application/json',
      'application/json; charset=utf-8',
      'text/plain',
      'application/graphql',
      'multipart/form-data; boundary=x',
      'application/x-www-form-urlencoded',
    );
    await fc.assert(
      fc.asyncProperty(body, contentType, async (value, type) => {
        assertNoServerError(await post(JSON.stringify(value), type), `${type} ${JSON.stringify(value).slice(0, 200)}`);
      }),
      FUZZ_PARAMETERS,
    );
  });

  it('token soup in place of a document never causes a server error', async () => {
    const token = fc.constantFrom(
      '{',
      '}',
      '(',
      ')',
      '[',
      ']',
      ':',
      '...',
      '!',
      '=',
      '@include(if: true)',
      '$x',
      'query',
      'mutation',
      'subscription',
      'fragment',
      'on',
      'Query',
      'datasets',
      'first: 100',
      'first: -1',
      'first: 99999999999',
      'after: "zzz"',
      'nodes',
      'edges',
      'node',
      'id',
      'name',
      'versions',
      'run(runId: "r")',
      'parent',
      'registerDataset(input: {namespace: "n", name: "m"})',
      '__schema',
      '__typename',
      '"str"',
      '"""block"""',
      '#comment\n',
      '12',
      '1.5e308',
      'null',
      'true',
    );
    await fc.assert(
      fc.asyncProperty(fc.array(token, { maxLength: 60 }), async (tokens) => {
        const answer = await ask(tokens.join(' '));
        assertNoServerError(answer, tokens.join(' '));
      }),
      FUZZ_PARAMETERS,
    );
  });

  it('unicode and injection-looking names are stored exactly or refused, never interpreted', async () => {
    const mutation =
      'mutation($ns: String!, $name: String!, $description: String) { registerDataset(input: {namespace: $ns, name: $name, description: $description}) { name description } }';
    await fc.assert(
      fc.asyncProperty(hostileName, fc.option(hostileName), async (name, description) => {
        const answer = await ask(mutation, { ns: namespace, name, description });
        assertNoServerError(answer, `name ${JSON.stringify(name)}`);
        const stored = await count('MATCH (d:Dataset {namespace: $namespace, name: $name}) RETURN count(d) AS n', { namespace, name });
        if (answer.body.data?.registerDataset) {
          assert.equal(answer.body.data.registerDataset.name, name, 'stored exactly as sent');
          // A description is mutable: null keeps the one recorded before.
          if (description !== null) assert.equal(answer.body.data.registerDataset.description, description);
          assert.equal(stored, 1);
          const read = await ask('query($ns: String!, $name: String!) { dataset(namespace: $ns, name: $name) { name } }', { ns: namespace, name });
          assert.deepEqual(read.body.data.dataset, { name });
        } else {
          const error = answer.body.errors[0];
          assert.equal(error.extensions.code, 'BAD_USER_INPUT', answer.text);
          assert.ok(error.extensions.field, 'names the field');
          // Refused for its description, the name may still be there from an earlier case; refused for its name, never.
          if (!/description/.test(error.extensions.field)) assert.equal(stored, 0, `refused input left a dataset: ${JSON.stringify(name)}`);
        }
      }),
      FUZZ_PARAMETERS,
    );
  });

  it('a run with values of the wrong type is refused whole', async () => {
    const valid = () => ({
      runId: randomUUID(),
      job: { namespace, name: 'fuzz.job' },
      at: '2025-01-10T06:30:00Z',
      inputs: [{ namespace, name: 'in', version: '1' }],
      outputs: [{ namespace, name: 'out' }],
      commit: { repository: 'https://github.com/acme/fuzz', sha: '3f2a9c1d5e7b8a6f4c2d1e0f9a8b7c6d5e4f3a2b' },
      parameters: { a: 1 },
    });
    const field = fc.constantFrom(
      'runId',
      'job',
      'job.name',
      'job.namespace',
      'at',
      'inputs',
      'inputs.0',
      'inputs.0.version',
      'outputs.0.rowCount',
      'outputs.0.name',
      'commit.sha',
      'commit',
      'parameters',
      'parentRunId',
    );
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(field, wrongValue), { minLength: 1, maxLength: 3 }), async (changes) => {
        const input: Record<string, any> = valid();
        const runId = input.runId as string;
        for (const [path, value] of changes) setPath(input, path, value);
        const recordedId = typeof input.runId === 'string' ? input.runId : runId;
        // The generated values repeat, so an earlier case may have recorded a run with the same (changed) run id.
        const runsBefore = await count('MATCH (r:Run {runId: $runId}) RETURN count(r) AS n', { runId: recordedId });
        const outputsBefore = await count('MATCH (v:DatasetVersion {version: $version}) RETURN count(v) AS n', { version: `run-${recordedId}` });
        const answer = await ask('mutation($input: RunInput!) { completeRun(input: $input) { runId state } }', { input });
        assertNoServerError(answer, JSON.stringify(changes).slice(0, 300));
        const runs = await count('MATCH (r:Run {runId: $runId}) RETURN count(r) AS n', { runId: recordedId });
        if (answer.body.data?.completeRun) {
          assert.equal(runs, 1);
        } else {
          assert.equal(runs, runsBefore, `a refused run was recorded: ${JSON.stringify(changes).slice(0, 300)}`);
          // Nothing else of it either: its outputs are named after the run.
          assert.equal(await count('MATCH (v:DatasetVersion {version: $version}) RETURN count(v) AS n', { version: `run-${recordedId}` }), outputsBefore);
        }
      }),
      FUZZ_PARAMETERS,
    );
  });

  it('deep nesting, huge payloads and long lists are refused cleanly', async () => {
    const cases: Array<[string, string]> = [
      ['100k nested arrays as the body', deeplyNested(100_000, 'array')],
      ['100k nested objects as the body', deeplyNested(100_000, 'object')],
      ['100k nested objects as variables', `{"query": "query($p: JSONObject) { __typename }", "variables": {"p": ${deeplyNested(100_000, 'object')}}}`],
      [
        'a 900 kB name',
        JSON.stringify({ query: 'mutation($n: String!) { registerDataset(input: {namespace: "x", name: $n}) { id } }', variables: { n: 'n'.repeat(900_000) } }),
      ],
      ['a body over LIMIT_BODY_BYTES', JSON.stringify({ query: '{ __typename }', variables: { pad: 'p'.repeat(1024 * 1024) } })],
      [
        '20k inputs in one run',
        JSON.stringify({
          query: 'mutation($i: RunInput!) { completeRun(input: $i) { runId } }',
          variables: {
            i: {
              runId: randomUUID(),
              job: { namespace, name: 'j' },
              inputs: Array.from({ length: 20_000 }, (_, k) => ({ namespace, name: `d${k}`, version: '1' })),
            },
          },
        }),
      ],
      ['a 50k-level deep query', JSON.stringify({ query: '{'.repeat(50_000) + '}'.repeat(50_000) })],
      [
        'parameters nested 5k deep',
        `{"query": "mutation($i: RunInput!) { completeRun(input: $i) { runId } }", "variables": {"i": {"runId": "${randomUUID()}", "job": {"namespace": "${namespace}", "name": "j"}, "parameters": ${deeplyNested(5_000, 'object')}}}}`,
      ],
      [
        'a lone surrogate in a name',
        `{"query": "mutation($n: String!) { registerDataset(input: {namespace: \\"${namespace}\\", name: $n}) { id } }", "variables": {"n": "a\\ud800b"}}`,
      ],
    ];
    for (const [what, body] of cases) {
      const answer = await post(body);
      assertNoServerError(answer, what);
      assert.ok(answer.status >= 400 || answer.body.errors, `${what} was accepted: ${answer.text.slice(0, 200)}`);
    }
  });

  it('hostile x-lineage-bookmark headers are a 400 naming the header, never an internal error', async () => {
    const internalErrors = async () => {
      const metrics = await httpCall(service.url, 'GET', '/metrics');
      return Number(/^lineage_errors_total\{code="INTERNAL_SERVER_ERROR"\} (\d+)/m.exec(metrics.text)?.[1] ?? 0);
    };
    const before = await internalErrors();
    const write = await httpCall(service.url, 'POST', '/graphql', {
      headers: writer,
      body: { query: 'mutation($ns: String!) { registerDataset(input: {namespace: $ns, name: "bookmarked"}) { name } }', variables: { ns: namespace } },
    });
    const bookmark = write.headers.get('x-lineage-bookmark');
    assert.ok(bookmark, 'a write answers with its bookmark');
    const read = (header: string) =>
      httpCall(service.url, 'POST', '/graphql', {
        headers: { ...writer, 'x-lineage-bookmark': header },
        body: { query: 'query($ns: String!) { dataset(namespace: $ns, name: "bookmarked") { name } }', variables: { ns: namespace } },
      });
    // The bookmark the service returned reads the write, alone or beside others it returned.
    assert.deepEqual((await read(bookmark)).body, { data: { dataset: { name: 'bookmarked' } } });
    assert.deepEqual((await read(`${bookmark}, ${bookmark}`)).body, { data: { dataset: { name: 'bookmarked' } } });

    const hostile = fc.oneof(
      fc.constantFrom('garbage', 'FB:', 'FB:kcwQAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'a,b', ',,,', 'FB:' + 'A'.repeat(5000), `${bookmark}x!`, 'é', '\u0000'),
      fc.string({ unit: 'binary-ascii', maxLength: 80 }),
      fc.array(fc.constantFrom(bookmark, 'FB:%%%', 'nope'), { minLength: 2, maxLength: 40 }).map((list) => list.join(',')),
    );
    await fc.assert(
      fc.asyncProperty(hostile, async (header) => {
        // Header values fetch cannot send (control characters, non-Latin-1) are not a probe of the service.
        if (!/^[\t\x20-\x7e\x80-\xff]*$/.test(header)) return;
        const answer = await read(header);
        assertNoServerError(answer, `bookmark header ${JSON.stringify(header.slice(0, 80))}`);
        assert.ok(!answer.text.includes('INTERNAL_SERVER_ERROR'), `bookmark header ${JSON.stringify(header.slice(0, 80))}: ${answer.text.slice(0, 300)}`);
        if (answer.status === 400) assert.equal(answer.body.errors[0].extensions.field, 'x-lineage-bookmark', answer.text);
      }),
      FUZZ_PARAMETERS,
    );
    assert.equal(await internalErrors(), before, 'bad bookmarks never count as internal errors');
  });

  it('is still up and ready afterwards', async () => {
    assert.equal((await httpCall(service.url, 'GET', '/readyz')).status, 200);
    assert.deepEqual((await ask('{ __typename }')).body, { data: { __typename: 'Query' } });
  });
});

/** Sets `value` at a dotted path (`inputs.0.version`), creating objects on the way. */
function setPath(target: Record<string, any>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node: any = target;
  for (const key of keys.slice(0, -1)) {
    if (node[key] === null || typeof node[key] !== 'object') node[key] = {};
    node = node[key];
  }
  node[keys.at(-1)!] = value;
}
