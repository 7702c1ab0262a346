import type { FastifyBaseLogger, FastifyError, FastifyReply } from 'fastify';
import { ERROR_CATALOGUE, InternalError, InvalidInputError, LineageError, type ErrorCode } from '../errors';

/**
 * How the HTTP routes (not GraphQL, which has its own envelope) answer errors: the status of the code in the
 * catalogue and `{"error": {"code", "message", ...}}`. A 400 always lists `issues` (path and message of each
 * problem). Protocol errors keep their HTTP status (413 body too large, 415 wrong content type) with the
 * catalogue code that describes them. Anything unexpected is logged and answered 500 without details.
 */
export function errorBody(error: LineageError): { error: Record<string, unknown> } {
  const { code: _code, ...extensions } = error.extensions;
  const issues =
    error instanceof InvalidInputError
      ? error.issues
      : error.code === 'BAD_USER_INPUT' && typeof extensions.field === 'string'
        ? [{ path: extensions.field, message: error.message }]
        : undefined;
  return { error: { code: error.code, message: error.message, ...extensions, ...(issues ? { issues } : {}) } };
}

export interface ErrorContext {
  log: FastifyBaseLogger;
  /** The setting that limits the body size, named in a 413 answer. */
  bodyLimitSetting: string;
}

export function sendError(reply: FastifyReply, error: unknown, context: ErrorContext): FastifyReply {
  if (error instanceof LineageError) return reply.code(error.status).send(errorBody(error));
  const status = (error as FastifyError).statusCode;
  const message = error instanceof Error ? error.message : String(error);
  if (status === 413) return protocolError(reply, 413, 'LIMIT_EXCEEDED', `${message} (limit: ${context.bodyLimitSetting})`, { limit: context.bodyLimitSetting });
  if (status === 415) return protocolError(reply, 415, 'BAD_USER_INPUT', message, { field: (error as { field?: string }).field ?? 'content-type' });
  if (status !== undefined && status >= 400 && status < 500) return protocolError(reply, status, 'BAD_USER_INPUT', message, {});
  context.log.error({ err: error }, 'unexpected error in an HTTP route');
  const internal = new InternalError();
  return reply.code(ERROR_CATALOGUE.INTERNAL_SERVER_ERROR.status).send(errorBody(internal));
}

function protocolError(reply: FastifyReply, status: number, code: ErrorCode, message: string, extensions: Record<string, unknown>): FastifyReply {
  const issues = code === 'BAD_USER_INPUT' ? { issues: [{ path: String(extensions.field ?? ''), message }] } : {};
  return reply.code(status).send({ error: { code, message, ...extensions, ...issues } });
}
