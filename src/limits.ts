/**
 * The limits that keep one request from exhausting the server or the database. Each is a setting (see
 * `src/config.ts` and docs/configuration.md), and every error for a limit names its setting, so the client and the operator
 * both know which one was hit and what to raise.
 *
 * The composition root passes them, once, to whatever enforces them: the front doors (body size, GraphQL
 * depth/cost/aliases) and the services (page sizes, traversal budgets, batch sizes, see createServices). There is
 * no global: two services in one process (the tests start several) each honour their own settings.
 */
export interface Limits {
  http: {
    /** LIMIT_BODY_BYTES: largest request body accepted. */
    bodyBytes: number;
    /** LIMIT_REQUEST_TIMEOUT_MS: time a client has to send a whole request (slow-client protection). */
    requestTimeoutMs: number;
    /** LIMIT_JSON_DEPTH: deepest nesting of arrays and objects in a JSON body. */
    jsonDepth: number;
  };
  graphql: {
    /** LIMIT_GRAPHQL_DEPTH: deepest field nesting of an operation. */
    maxDepth: number;
    /** LIMIT_GRAPHQL_COST: estimated objects an operation may resolve (see src/graphql/operation-limits.ts). */
    maxCost: number;
    /** LIMIT_GRAPHQL_ALIASES: aliased fields in one operation. */
    maxAliases: number;
    /** LIMIT_GRAPHQL_TOKENS: lexical tokens in one document (bounds parsing work). */
    maxTokens: number;
  };
  page: {
    /** LIMIT_PAGE_DEFAULT: page size when `first` is not given. */
    defaultSize: number;
    /** LIMIT_PAGE_SIZE: largest `first` (and largest id list) accepted. */
    maxSize: number;
    /**
     * LIMIT_EVENT_PAGE_BYTES: bytes of raw OpenLineage event bodies one request may return, over all its `events`
     * and `conflicts` pages; a page ends before the event that would go over it (always one event at least).
     */
    eventBytes: number;
  };
  traversal: {
    /** LIMIT_TRAVERSAL_DEPTH: most hops a provenance or impact traversal may walk. */
    maxDepth: number;
    /** LIMIT_TRAVERSAL_NODES: most nodes a traversal may visit before it stops and says it was cut. */
    maxNodes: number;
  };
  ingestion: {
    /** LIMIT_BATCH_EVENTS: most OpenLineage events in one batch request. */
    maxBatchEvents: number;
    /** LIMIT_BATCH_BODY_BYTES: largest body (after decompression) of an OpenLineage batch request. */
    batchBodyBytes: number;
    /** LIMIT_EVENT_BYTES: largest OpenLineage event, whatever brings it (single route, batch, replay CLI). */
    eventBytes: number;
    /**
     * LIMIT_EVENT_DATASETS: most inputs, and most outputs, of one OpenLineage event. An event at the limit is
     * recorded in one transaction well within NEO4J_TX_TIMEOUT_MS on a busy machine (bench/README.md, "Events at
     * the limits"), and the recorder puts at most one such event's worth of datasets in a transaction.
     */
    eventDatasets: number;
    /** LIMIT_EVENT_TIME_SKEW_MS: how far past its arrival an event's `eventTime` may lie; later ones count as arrived. */
    eventTimeSkewMs: number;
  };
}

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  http: { bodyBytes: 5 * 1024 * 1024, requestTimeoutMs: 30_000, jsonDepth: 64 },
  graphql: { maxDepth: 15, maxCost: 15_000, maxAliases: 30, maxTokens: 20_000 },
  page: { defaultSize: 20, maxSize: 100, eventBytes: 16 * 1024 * 1024 },
  traversal: { maxDepth: 100, maxNodes: 10_000 },
  ingestion: { maxBatchEvents: 500, batchBodyBytes: 64 * 1024 * 1024, eventBytes: 5 * 1024 * 1024, eventDatasets: 1_000, eventTimeSkewMs: 3_600_000 },
});
