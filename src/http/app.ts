import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import { ANONYMOUS } from '../auth/principal';
import type { ReadinessService } from '../health/readiness.service';
import type { Services } from '../services';
import { EXPLORER_BUILD_DIR } from '../paths';
import { registerExplorerRoutes } from './explorer.routes';
import { registerGraphQLRoute } from './graphql.route';
import { registerHealthRoutes } from './health.routes';

export interface AppDependencies {
  logger: Logger;
  schema: GraphQLSchema;
  services: Services;
  readiness: ReadinessService;
  bodyLimitBytes?: number;
}

/** The HTTP front door: every route of the service on one Fastify instance, not yet listening. */
export async function buildApp(deps: AppDependencies): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    bodyLimit: deps.bodyLimitBytes ?? 5 * 1024 * 1024,
    // Honour a request id set by a proxy, so one id follows the request through every log line.
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
  });
  // Without authentication configured every caller is the anonymous principal.
  app.decorateRequest('principal', null as never);
  app.addHook('onRequest', async (request) => {
    request.principal = ANONYMOUS;
  });
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  registerHealthRoutes(app, deps.readiness);
  registerExplorerRoutes(app, EXPLORER_BUILD_DIR);
  await registerGraphQLRoute(app, { schema: deps.schema, services: deps.services, logger: deps.logger });
  return app;
}
