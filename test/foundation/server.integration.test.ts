import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestService, type TestService } from '../support/service';

describe('the service on the suite Neo4j', () => {
  let service: TestService;
  before(async () => {
    service = await startTestService();
  });
  after(async () => service?.stop());

  it('answers { __typename } on /graphql', async () => {
    assert.deepEqual(await service.graphql('{ __typename }'), { data: { __typename: 'Query' } });
  });

  it('is ready and tags responses with a request id', async () => {
    const response = await fetch(`${service.url}/readyz`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
    const echoed = await fetch(`${service.url}/healthz`, { headers: { 'x-request-id': 'trace-123' } });
    assert.equal(echoed.headers.get('x-request-id'), 'trace-123');
  });

  it('marks GraphQL answers as not to be stored by caches, by GET and by POST', async () => {
    // A GET needs a header that a cross-site form cannot send (Apollo's CSRF prevention).
    const get = await fetch(`${service.url}/graphql?query=${encodeURIComponent('{ __typename }')}`, { headers: { 'apollo-require-preflight': 'true' } });
    assert.equal(get.status, 200);
    assert.equal(get.headers.get('cache-control'), 'no-store');
    const post = await fetch(`${service.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    assert.equal(post.headers.get('cache-control'), 'no-store');
  });

  it('reports GraphQL syntax errors with their code', async () => {
    const body = await service.graphql('{ serviceInfo { ');
    assert.equal(body.errors?.[0]?.extensions?.code, 'GRAPHQL_PARSE_FAILED');
  });
});
