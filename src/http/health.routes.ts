import type { FastifyInstance } from 'fastify';
import type { ReadinessService } from '../health/readiness.service';

/**
 * /healthz: the process is up (liveness; never touches Neo4j, so a database outage does not get the process
 * restarted). /readyz: Neo4j is reachable and every migration is applied (readiness; 503 otherwise, so a load
 * balancer stops sending traffic until it recovers).
 */
export function registerHealthRoutes(app: FastifyInstance, readiness: ReadinessService): void {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    const report = await readiness.check();
    return reply.code(report.ready ? 200 : 503).send({ status: report.ready ? 'ready' : 'unavailable', ...report });
  });
}
