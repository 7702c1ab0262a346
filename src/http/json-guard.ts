import type { FastifyInstance } from 'fastify';
import { checkJson } from '../core/json-check';

/**
 * Checks every parsed JSON body before a route sees it (src/json-check.ts), for what would otherwise fail deep
 * inside (or, worse, be stored wrongly):
 * - nesting deeper than LIMIT_JSON_DEPTH (recursive code further on, JSON.stringify included, would overflow);
 * - strings with lone UTF-16 surrogates (`"\ud800"` is valid JSON but not Unicode: Neo4j would store U+FFFD,
 *   so a name would silently change).
 * One iterative walk, so that the check itself cannot overflow. Applies to every route, the OpenLineage ones too.
 */
export function registerJsonGuard(app: FastifyInstance, maxDepth: number): void {
  app.addHook('preValidation', async (request) => {
    // A route whose body is a list of independent items (the OpenLineage batch) checks each item itself, so that
    // one bad item is refused alone.
    if ((request.routeOptions.config as { jsonGuard?: string } | undefined)?.jsonGuard === 'per-item') return;
    if (request.body !== null && typeof request.body === 'object') checkJson(request.body, maxDepth);
  });
}
