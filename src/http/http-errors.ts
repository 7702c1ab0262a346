import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { BadInputError, InternalError, LimitExceededError, LineageError, NotFoundError } from '../errors';
import { recordError } from '../observability/metrics';

/**
 * How the HTTP layer answers an error, in one place: the status of the error catalogue, and a body in the shape
 * the client speaks: `{"errors": [{message, extensions: {code, ...}}]}` on /graphql, `{"error": {code, message,
 * ...}}` on every other route (the OpenLineage routes included). Fastify's own errors (malformed JSON, a body over
 * the limit, an unsupported content type) are translated to the catalogue; anything unexpected is logged with the
 * request id and answered as INTERNAL_SERVER_ERROR without its cause.
 */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    const { lineageError, status } = translate(error, request);
    return sendError(request, reply, lineageError, status);
  });
  app.setNotFoundHandler((request, reply) => sendError(request, reply, new NotFoundError('route', `${request.method} ${request.url.split('?')[0]}`)));
}

/** Errors Fastify raises before a route is even chosen (a malformed URL, …). */
export function frameworkErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const { lineageError, status } = translate(error, request);
  void sendError(request, reply, lineageError, status);
}

export function sendError(request: FastifyRequest, reply: FastifyReply, error: LineageError, status = error.status): FastifyReply {
  recordError(error.code);
  if (error.code === 'UNAUTHENTICATED') reply.header('www-authenticate', 'Bearer realm="lineage"');
  // OpenLineage clients and load balancers retry a 503; tell them when.
  if (error.code === 'SERVICE_UNAVAILABLE') reply.header('retry-after', '1');
  const { code, ...details } = error.extensions as Record<string, unknown>;
  const body = isGraphQLRequest(request) ? { errors: [{ message: error.message, extensions: { ...details, code } }] } : { error: errorPayload(error) };
  return reply.code(status).type('application/json; charset=utf-8').send(body);
}

/** The `error` object of an answer outside GraphQL; also what a batch answers for each refused item. */
export function errorPayload(error: LineageError): Record<string, unknown> {
  const { code, ...details } = error.extensions as Record<string, unknown>;
  return { code, message: error.message, ...details };
}

function isGraphQLRequest(request: FastifyRequest): boolean {
  return request.url === '/graphql' || request.url.startsWith('/graphql?');
}

function translate(error: unknown, request: FastifyRequest): { lineageError: LineageError; status: number } {
  if (error instanceof LineageError) return { lineageError: error, status: error.status };
  const fastifyError = error as Partial<FastifyError>;
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE': {
      // A route with a limit of its own (the OpenLineage batch route) names its setting in its config.
      const setting = (request.routeOptions.config as { bodyLimitSetting?: string } | undefined)?.bodyLimitSetting ?? 'LIMIT_BODY_BYTES';
      return {
        lineageError: new LimitExceededError(setting, `the request body is larger than ${request.routeOptions.bodyLimit ?? 'the limit of'} bytes`),
        status: 413,
      };
    }
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return {
        lineageError: new BadInputError('content-type', `${JSON.stringify(request.headers['content-type'] ?? '')} is not supported; send application/json`),
        status: 415,
      };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { lineageError: new BadInputError('body', 'is empty; send a JSON document'), status: 400 };
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return { lineageError: new BadInputError('body', `is not valid JSON: ${fastifyError.message}`), status: 400 };
  }
  const status = fastifyError.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    // Malformed JSON (a syntax error from the parser), a bad URL, a bad header: the client's request.
    const message = fastifyError instanceof SyntaxError ? `is not valid JSON: ${fastifyError.message}` : (fastifyError.message ?? 'is malformed');
    return { lineageError: new BadInputError('body', message), status };
  }
  request.log.error({ err: error }, 'unexpected error');
  return { lineageError: new InternalError(), status: 500 };
}
