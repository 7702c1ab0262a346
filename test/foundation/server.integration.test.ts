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

  it('reports GraphQL syntax errors with their code', async () => {
    const body = await service.graphql('{ serviceInfo { ');
    assert.equal(body.errors?.[0]?.extensions?.code, 'GRAPHQL_PARSE_FAILED');
  });
});
