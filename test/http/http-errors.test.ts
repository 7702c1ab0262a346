import assert from 'node:assert/strict';
import { it } from 'node:test';
import Fastify from 'fastify';
import { BadInputError, ConflictError, InvalidInputError, LimitExceededError, ServiceUnavailableError } from '../../src/errors';
import { errorPayload, registerErrorHandling } from '../../src/http/http-errors';

/** HTTP routes (the OpenLineage ones among them) answer errors with the catalogue's status and code; clients retry 503s. */
it('answers each catalogue error with its status and code, the issues of an invalid event, and Retry-After for a 503', async () => {
  const app = Fastify();
  registerErrorHandling(app);
  const errors: Record<string, Error> = {
    invalid: new InvalidInputError('not a valid OpenLineage event', [{ path: 'run.runId', message: 'run.runId is required' }]),
    bad: new BadInputError('outputs[0].name', 'must not be empty'),
    conflict: new ConflictError('run r already ended FAILED; it cannot become COMPLETED', { ref: 'r' }),
    down: new ServiceUnavailableError(),
    limit: new LimitExceededError('LIMIT_BATCH_EVENTS', 'a batch may hold at most 2 events, got 3'),
    bug: new TypeError('undefined is not a function'),
  };
  app.get('/:name', async (request) => {
    throw errors[(request.params as { name: string }).name];
  });
  const answer = async (name: string) => {
    const response = await app.inject({ method: 'GET', url: `/${name}` });
    return { status: response.statusCode, error: response.json().error, retryAfter: response.headers['retry-after'] };
  };
  assert.deepEqual((await answer('invalid')).error, {
    code: 'BAD_USER_INPUT',
    message: 'not a valid OpenLineage event: run.runId is required',
    field: 'run.runId',
    issues: [{ path: 'run.runId', message: 'run.runId is required' }],
  });
  assert.deepEqual((await answer('bad')).error, { code: 'BAD_USER_INPUT', message: 'outputs[0].name: must not be empty', field: 'outputs[0].name' });
  assert.deepEqual(await answer('conflict'), {
    status: 409,
    error: { code: 'CONFLICT', message: 'run r already ended FAILED; it cannot become COMPLETED', ref: 'r' },
    retryAfter: undefined,
  });
  assert.deepEqual(await answer('down'), {
    status: 503,
    error: { code: 'SERVICE_UNAVAILABLE', message: 'the graph database is unavailable; retry later' },
    retryAfter: '1',
  });
  assert.equal((await answer('limit')).error.limit, 'LIMIT_BATCH_EVENTS');
  assert.deepEqual((await answer('bug')).status, 500);
  assert.deepEqual(
    errorPayload(new ConflictError('x', { ref: 'r' })),
    { code: 'CONFLICT', message: 'x', ref: 'r' },
    'what a batch answers for a refused event',
  );
  await app.close();
});
