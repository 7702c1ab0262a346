import type { FastifyInstance } from 'fastify';
import type { ReadinessService } from '../health/readiness.service';

/**
 * /healthz: liveness. The process is up and nothing it depends on is beyond repair: 503 only when a restart of the
 * process is what is needed (the local Neo4j could not be restarted); it never touches Neo4j, so a database outage
 * does not get the process restarted. /readyz: readiness. Neo4j is reachable and every migration is applied (503
 * otherwise, so a load balancer stops sending traffic until it recovers).
 */
export function registerHealthRoutes(app: FastifyInstance, readiness: ReadinessService): void {
  app.get('/healthz', async (_request, reply) => {
    const liveness = readiness.liveness();
    return liveness.alive ? { status: 'ok' } : reply.code(503).send({ status: 'failing', reason: liveness.reason });
  });

  app.get('/readyz', async (_request, reply) => {
    const report = await readiness.check();
    return reply.code(report.ready ? 200 : 503).send({ status: report.ready ? 'ready' : 'unavailable', ...report });
  });
}
