import assert from 'node:assert/strict';
import { it } from 'node:test';
import Fastify from 'fastify';
import { ConflictError, InvalidInputError, ServiceUnavailableError, BadInputError, LimitExceededError } from '../../src/errors';
import { sendError } from '../../src/http/http-errors';

/** HTTP routes answer errors with the catalogue's status and code; clients retry 503s. */
it('answers each catalogue error with its status, its code and, for a 400, the issues', async () => {
  const app = Fastify();
  const errors: Record<string, Error> = {
    invalid: new InvalidInputError('not a valid OpenLineage event', [{ path: 'run.runId', message: 'run.runId is required' }]),
    bad: new BadInputError('outputs[0].name', 'must not be empty'),
    conflict: new ConflictError('run r already ended FAILED; it cannot become COMPLETED', { ref: 'r' }),
    down: new ServiceUnavailableError(),
    limit: new LimitExceededError('OPENLINEAGE_MAX_BATCH_EVENTS', 'a batch may hold at most 2 events, got 3'),
    bug: new TypeError('undefined is not a function'),
  };
  app.setErrorHandler((error, request, reply) => sendError(reply, error, { log: request.log, bodyLimitSetting: 'OPENLINEAGE_BODY_LIMIT_BYTES' }));
  app.get('/:name', async (request) => {
    throw errors[(request.params as { name: string }).name];
  });
  const answer = async (name: string) => {
    const response = await app.inject({ method: 'GET', url: `/${name}` });
    return { status: response.statusCode, error: response.json().error };
  };
  assert.deepEqual(await answer('invalid'), {
    status: 400,
    error: { code: 'BAD_USER_INPUT', message: 'not a valid OpenLineage event: run.runId is required', field: 'run.runId', issues: [{ path: 'run.runId', message: 'run.runId is required' }] },
  });
  assert.deepEqual((await answer('bad')).error.issues, [{ path: 'outputs[0].name', message: 'outputs[0].name: must not be empty' }]);
  assert.deepEqual(await answer('conflict'), { status: 409, error: { code: 'CONFLICT', message: 'run r already ended FAILED; it cannot become COMPLETED', ref: 'r' } });
  assert.deepEqual(await answer('down'), { status: 503, error: { code: 'SERVICE_UNAVAILABLE', message: 'the graph database is unavailable; retry later' } });
  assert.equal((await answer('limit')).error.limit, 'OPENLINEAGE_MAX_BATCH_EVENTS');
  assert.deepEqual(await answer('bug'), { status: 500, error: { code: 'INTERNAL_SERVER_ERROR', message: 'internal error; the cause is logged on the server' } });
  await app.close();
});
