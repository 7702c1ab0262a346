import pino, { type Logger } from 'pino';

/** Structured JSON logs on stdout; Fastify adds the request id to every line logged during a request. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'lineage' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: ['req.headers.authorization', 'headers.authorization'], censor: '[redacted]' },
  });
}
