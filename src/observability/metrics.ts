import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { TransactionEvent } from '../db/database';

/**
 * Prometheus metrics, served at GET /metrics. One registry per process (metrics are process-wide, like the
 * process itself); the names are documented in docs/operations.md.
 *
 * For ingestion: call `recordIngestedEvents(eventType, count)` once per accepted OpenLineage event (or batch),
 * after its transaction committed, so the counter never counts an event that was not stored.
 */
export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'lineage_' });

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

const httpRequests = new Counter({
  name: 'lineage_http_requests_total',
  help: 'HTTP requests answered, by method, route pattern and status code.',
  labelNames: ['method', 'route', 'status'] as const,
  registers: [registry],
});

const httpDuration = new Histogram({
  name: 'lineage_http_request_duration_seconds',
  help: 'Time from receiving a request to sending its answer, by method and route pattern.',
  labelNames: ['method', 'route'] as const,
  buckets: SECONDS,
  registers: [registry],
});

const errors = new Counter({
  name: 'lineage_errors_total',
  help: 'Errors answered to clients, by error code (the catalogue in docs/api.md, plus GraphQL parse/validation codes).',
  labelNames: ['code'] as const,
  registers: [registry],
});

const graphqlOperations = new Counter({
  name: 'lineage_graphql_operations_total',
  help: 'GraphQL operations resolved, by operation type (query, mutation).',
  labelNames: ['type'] as const,
  registers: [registry],
});

const neo4jTransactions = new Histogram({
  name: 'lineage_neo4j_transaction_duration_seconds',
  help: 'Time of a Neo4j transaction function, retries included, by transaction name, access mode and outcome (ok or error code).',
  labelNames: ['transaction', 'mode', 'outcome'] as const,
  buckets: SECONDS,
  registers: [registry],
});

const neo4jRetries = new Counter({
  name: 'lineage_neo4j_transaction_retries_total',
  help: 'Extra attempts the driver made after transient failures, by transaction name.',
  labelNames: ['transaction'] as const,
  registers: [registry],
});

const neo4jAvailable = new Gauge({
  name: 'lineage_neo4j_available',
  help: '1 while Neo4j answers, 0 while transactions fail fast because it was found unavailable.',
  registers: [registry],
});
neo4jAvailable.set(1);

const ingestedEvents = new Counter({
  name: 'lineage_openlineage_events_total',
  help: 'OpenLineage events stored, by event type (START, COMPLETE, ..., or DATASET / JOB for static events).',
  labelNames: ['event_type'] as const,
  registers: [registry],
});

const ingestWarnings = new Counter({
  name: 'lineage_openlineage_warnings_total',
  help: 'Warnings on stored OpenLineage events (recorded with a default or as sent), by the field they are about.',
  labelNames: ['field'] as const,
  registers: [registry],
});

const ingestConflicts = new Counter({
  name: 'lineage_openlineage_conflicts_total',
  help: 'Conflicts kept with stored OpenLineage events (a part contradicting recorded facts, set aside), by the kind of entity whose fact stood.',
  labelNames: ['kind'] as const,
  registers: [registry],
});

const groupCommits = new Histogram({
  name: 'lineage_group_commit_changes',
  help: 'Changes written together by one group commit (OpenLineage events posted one per request, gathered into one transaction).',
  buckets: [1, 2, 4, 8, 16, 32, 64, 128],
  registers: [registry],
});

export function recordHttpRequest(method: string, route: string, status: number, seconds: number): void {
  httpRequests.inc({ method, route, status: String(status) });
  httpDuration.observe({ method, route }, seconds);
}

export function recordError(code: string): void {
  errors.inc({ code });
}

export function recordGraphQLOperation(type: string): void {
  graphqlOperations.inc({ type });
}

export function recordTransaction(event: TransactionEvent): void {
  neo4jTransactions.observe({ transaction: event.transaction, mode: event.mode, outcome: event.outcome }, event.durationMs / 1000);
  if (event.attempts > 1) neo4jRetries.inc({ transaction: event.transaction }, event.attempts - 1);
}

export function recordNeo4jAvailability(available: boolean): void {
  neo4jAvailable.set(available ? 1 : 0);
}

// A closed set, so that label values sent by clients cannot multiply the series.
const EVENT_TYPES = new Set(['START', 'RUNNING', 'COMPLETE', 'ABORT', 'FAIL', 'OTHER', 'DATASET', 'JOB']);

/** For the OpenLineage ingestion code: count events once they are stored. */
export function recordIngestedEvents(eventType: string, count = 1): void {
  ingestedEvents.inc({ event_type: EVENT_TYPES.has(eventType) ? eventType : 'OTHER' }, count);
}

const WARNING_FIELDS = new Set(['producer', 'schemaURL']);

/** For the OpenLineage ingestion code: count the warnings of an event once it is stored, by field (`producer`, ...). */
export function recordIngestWarnings(paths: readonly string[]): void {
  for (const path of paths) ingestWarnings.inc({ field: WARNING_FIELDS.has(path) ? path : 'other' });
}

/** For the OpenLineage ingestion code: count the conflicts of an event once it is stored, by the kind of entity (`Run`, `DatasetVersion`, …). */
export function recordIngestConflicts(kinds: readonly string[]): void {
  for (const kind of kinds) ingestConflicts.inc({ kind });
}

/** For the group commit: the changes of one group transaction. */
export function recordGroupCommit(changes: number): void {
  groupCommits.observe(changes);
}
