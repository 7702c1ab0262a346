import pino, { type Logger } from 'pino';
import { currentRequestId } from './observability/request-context';

/** Marks the per-request loggers Fastify makes, which carry `reqId` in their bindings already. */
const REQUEST_BOUND = Symbol('lineage.requestBound');

/**
 * Structured JSON logs (stdout by default; the CLI logs to stderr so that stdout holds only its answer). Every
 * line logged while a request is handled carries its `reqId`: Fastify's per-request logger binds it, and the
 * mixin adds it to lines of modules that log through the root logger (the database, services), which find the
 * request in the async context.
 */
export function createLogger(level: string, destination: 'stdout' | 'stderr' | pino.DestinationStream = 'stdout'): Logger {
  return pino(
    {
      level,
      base: { service: 'lineage' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: ['req.headers.authorization', 'headers.authorization'], censor: '[redacted]' },
      mixin(_merge, _level, logger) {
        if ((logger as unknown as Record<symbol, unknown>)[REQUEST_BOUND]) return {};
        const reqId = currentRequestId();
        return reqId ? { reqId } : {};
      },
    },
    typeof destination === 'string' ? pino.destination({ fd: destination === 'stdout' ? 1 : 2, sync: true }) : destination,
  );
}

/** Fastify's childLoggerFactory: the request's logger, marked so that the mixin does not add `reqId` twice. */
export function requestLogger(logger: Logger, bindings: pino.Bindings, options: pino.ChildLoggerOptions): Logger {
  const child = logger.child(bindings, options);
  (child as unknown as Record<symbol, unknown>)[REQUEST_BOUND] = true;
  return child;
}
