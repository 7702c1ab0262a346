/**
 * The one catalogue of error codes the service answers with, over GraphQL (`extensions.code`) and over HTTP
 * (`{"error": {"code", "message", ...}}` with the status below). The error table in docs/api.md is checked against
 * this list by a test, so a code cannot be added without being documented.
 */
export const ERROR_CATALOGUE = {
  BAD_USER_INPUT: {
    status: 400,
    meaning: 'A value in the request is malformed or out of range; `extensions.field` names it (a JSON path for OpenLineage events).',
  },
  NOT_FOUND: {
    status: 404,
    meaning: 'A referenced entity does not exist; `extensions.ref` names the missing reference.',
  },
  CONFLICT: {
    status: 409,
    meaning: 'The request contradicts what is recorded, e.g. a different value for an immutable version or an out-of-order deployment.',
  },
  UNAUTHENTICATED: {
    status: 401,
    meaning: 'No valid credentials were sent.',
  },
  FORBIDDEN: {
    status: 403,
    meaning: 'The credentials are valid but their role does not allow the operation.',
  },
  LIMIT_EXCEEDED: {
    status: 400,
    meaning: 'The request went over a configured limit (depth, cost, page size, node budget, body size); `extensions.limit` names it.',
  },
  SERVICE_UNAVAILABLE: {
    status: 503,
    meaning:
      'Neo4j cannot be reached, is not ready, is busy, or stopped a transaction at `NEO4J_TX_TIMEOUT_MS` (then `extensions.limit` names it); retry later (OpenLineage clients retry on 503).',
  },
  INTERNAL_SERVER_ERROR: {
    status: 500,
    meaning: 'An unexpected failure; the cause is logged with the request id, never shown to the client.',
  },
} as const;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/**
 * An error the client is told about: a code of the catalogue and the extensions that go with it (`field`, `ref`,
 * `limit`, …; `code` last). Plain data, known to no protocol: the GraphQL route answers it as a GraphQL error with
 * these extensions (graphql-js copies an original error's `extensions`), the HTTP routes as `{"error": {...}}`.
 */
export class LineageError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly extensions: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.status = ERROR_CATALOGUE[code].status;
    this.extensions = { ...extensions, code };
  }
}

/** A malformed or out-of-range value. `field` is the input path of the value, e.g. `input.outputs[2].version`. */
export class BadInputError extends LineageError {
  constructor(field: string, message: string) {
    super('BAD_USER_INPUT', `${field}: ${message}`, { field });
  }
}

export class NotFoundError extends LineageError {
  constructor(kind: string, ref: string) {
    super('NOT_FOUND', `${kind} ${ref} does not exist`, { kind, ref });
  }
}

export class ConflictError extends LineageError {
  constructor(message: string, extensions: Record<string, unknown> = {}) {
    super('CONFLICT', message, extensions);
  }
}

export class LimitExceededError extends LineageError {
  constructor(limit: string, message: string) {
    super('LIMIT_EXCEEDED', `${message} (limit: ${limit})`, { limit });
  }
}

export class ServiceUnavailableError extends LineageError {
  constructor(message = 'the graph database is unavailable; retry later', extensions: Record<string, unknown> = {}) {
    super('SERVICE_UNAVAILABLE', message, extensions);
  }
}

/**
 * Neo4j stopped a transaction at NEO4J_TX_TIMEOUT_MS. A condition of the server, not of the request: every
 * question is bounded by its node budget and every write is small, so a timeout means a busy or cold database
 * (plans compiled again after a restart, a writer holding a lock). Answered 503 with Retry-After, so that a
 * producer retries instead of dropping the event as a 4xx would make it do.
 */
export class TransactionTimeoutError extends ServiceUnavailableError {
  constructor(timeoutMs: number, how: 'timed out' | 'terminated' = 'timed out') {
    super(
      how === 'timed out'
        ? `the transaction ran longer than ${timeoutMs} ms and was stopped; retry later (limit: NEO4J_TX_TIMEOUT_MS)`
        : `the transaction was terminated before it finished (waiting for a lock past its ${timeoutMs} ms, or stopped by an operator); retry later (limit: NEO4J_TX_TIMEOUT_MS)`,
      { limit: 'NEO4J_TX_TIMEOUT_MS' },
    );
  }
}

export class UnauthenticatedError extends LineageError {
  constructor(message = 'authentication required: send Authorization: Bearer <api key or JWT>') {
    super('UNAUTHENTICATED', message);
  }
}

export class ForbiddenError extends LineageError {
  constructor(message: string, extensions: Record<string, unknown> = {}) {
    super('FORBIDDEN', message, extensions);
  }
}

export class InternalError extends LineageError {
  constructor() {
    super('INTERNAL_SERVER_ERROR', 'internal error; the cause is logged on the server');
  }
}

/**
 * A document with one or more problems, each with the path of the bad value (an OpenLineage event), so a
 * client can fix them all in one round trip. `extensions.field` is the first path, as for BadInputError.
 */
export class InvalidInputError extends LineageError {
  readonly issues: ReadonlyArray<{ path: string; message: string }>;

  constructor(what: string, issues: ReadonlyArray<{ path: string; message: string }>) {
    super('BAD_USER_INPUT', `${what}: ${issues.map((issue) => issue.message).join('; ')}`, { field: issues[0]?.path ?? '', issues });
    this.issues = issues;
  }
}
