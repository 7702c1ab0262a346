import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import type { Authenticator } from '../auth/authenticator';
import { RequestScope, withRequestScope } from '../db/request-scope';
import { ServiceUnavailableError } from '../errors';
import type { ReadinessService } from '../health/readiness.service';
import type { Limits } from '../limits';
import { requestLogger } from '../logger';
import { withRequestContext } from '../observability/request-context';
import type { Services } from '../services';
import { EXPLORER_BUILD_DIR } from '../paths';
import { registerAuditReportRoutes } from './audit-report.routes';
import { registerAuthentication } from './auth.hook';
import { registerExplorerRoutes } from './explorer.routes';
import { registerGraphQLRoute } from './graphql.route';
import { registerHealthRoutes } from './health.routes';
import { frameworkErrorHandler, registerErrorHandling } from './http-errors';
import { registerJsonGuard } from './json-guard';
import { registerMetrics } from './metrics.routes';
import { registerOpenLineageRoutes } from './openlineage.routes';

const REQUEST_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

export interface AppDependencies {
  logger: Logger;
  schema: GraphQLSchema;
  services: Services;
  readiness: ReadinessService;
  authenticator: Authenticator;
  limits: Limits;
}

/** The HTTP front door: every route of the service on one Fastify instance, not yet listening. */
export async function buildApp(deps: AppDependencies): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    childLoggerFactory: requestLogger as never,
    bodyLimit: deps.limits.http.bodyBytes,
    // A client has this long to send its whole request, so slow senders cannot hold connections for ever; Node
    // checks for such clients every connectionsCheckingInterval (30 s by default: too coarse for short limits).
    requestTimeout: deps.limits.http.requestTimeoutMs,
    http: {
      headersTimeout: Math.min(60_000, deps.limits.http.requestTimeoutMs),
      connectionsCheckingInterval: Math.min(1_000, deps.limits.http.requestTimeoutMs),
    },
    // Honour a request id set by a proxy, so one id follows the request through every log line; but only a
    // plausible one, so that a client cannot write arbitrary text into every log line of its request.
    requestIdHeader: false,
    genReqId: (request) => {
      const header = request.headers['x-request-id'];
      return typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
    },
    frameworkErrors: frameworkErrorHandler,
    // Requests arriving while the service stops get our own 503 (below), in the shape of the error catalogue.
    return503OnClosing: false,
  });
  // First hook: everything after it, to the database and back, runs in the request's context (its id in logs)
  // and its database scope: its share of the pool, and a signal that aborts when the client goes away before
  // its answer, so that work not yet started for it is abandoned (src/db/request-scope.ts).
  app.addHook('onRequest', (request, reply, done) => {
    const abandoned = new AbortController();
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) abandoned.abort();
    });
    withRequestContext(String(request.id), () => withRequestScope(new RequestScope(abandoned.signal), done));
  });
  // Once the service is stopping, new requests on open connections are refused (retry elsewhere), and answers
  // close their connection: a keep-alive connection left idle would hold the shutdown until its timeout.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', async () => {
    if (closing) throw new ServiceUnavailableError('the service is shutting down; retry (another instance will answer)');
  });
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
    if (closing) reply.header('connection', 'close');
  });
  registerErrorHandling(app);
  registerMetrics(app);
  registerAuthentication(app, deps.authenticator);
  registerJsonGuard(app, deps.limits.http.jsonDepth);

  registerHealthRoutes(app, deps.readiness);
  registerExplorerRoutes(app, EXPLORER_BUILD_DIR);
  await registerGraphQLRoute(app, { schema: deps.schema, services: deps.services, logger: deps.logger, limits: deps.limits });
  await registerOpenLineageRoutes(app, { services: deps.services, limits: deps.limits });
  registerAuditReportRoutes(app, deps.services);
  return app;
}
