import type { FastifyInstance } from 'fastify';
import { recordHttpRequest, registry } from '../observability/metrics';

/**
 * GET /metrics in the Prometheus text format, and the request counters behind it. Public like the probes: it
 * holds counts and timings, no lineage data; keep it off the public ingress (see the production checklist).
 */
export function registerMetrics(app: FastifyInstance): void {
  app.addHook('onResponse', async (request, reply) => {
    // The route pattern, not the URL: bounded label values whatever clients request.
    recordHttpRequest(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
  });
  app.get('/metrics', async (_request, reply) => reply.type(registry.contentType).send(await registry.metrics()));
}
