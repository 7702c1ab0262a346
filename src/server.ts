import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { Authenticator } from './auth/authenticator';
import { JwtVerifier } from './auth/jwt.verifier';
import type { Config } from './config';
import type { Liveness } from './local-neo4j/local-neo4j-supervisor';
import { AnchorPublisher } from './audit/audit-anchor';
import { Database } from './db/database';
import { loadMigrationFiles, Migrator } from './db/migrator';
import { loadDemoIfWanted } from './demo/demo-loader';
import { buildLineageSchema } from './graphql/schema';
import { ReadinessService } from './health/readiness.service';
import { buildApp } from './http/app';
import { recordNeo4jAvailability, recordTransaction } from './observability/metrics';
import { MIGRATIONS_DIR, packageVersion } from './paths';
import { createServices, type Services } from './services';
import { warmUp } from './system/warm-up';
import { WebhookDeliveryWorker } from './webhooks/webhook-delivery.worker';

export interface RunningService {
  url: string;
  app: FastifyInstance;
  db: Database;
  services: Services;
  /** Plans the heaviest writes again (see warm-up.ts): after the local Neo4j restarted with an empty plan cache. */
  warmUp(): Promise<void>;
  /** Stops accepting requests, lets those in flight finish, then closes the driver. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** The Neo4j is the local one `npm start` provisioned (LINEAGE_DEMO=auto loads the demo only there). */
  localNeo4j?: boolean;
  /** What else liveness (/healthz) depends on: the supervised local Neo4j. */
  liveness?: () => Liveness;
}

/**
 * The composition root: connects to Neo4j, applies migrations, wires services to the front doors, loads the demo
 * if LINEAGE_DEMO asks for it, and starts listening. Used by `npm start` and by the tests, so both run the same
 * service.
 */
export async function startService(config: Config, neo4jUri: string, logger: Logger, options: StartOptions = {}): Promise<RunningService> {
  const db = Database.connect({ ...config.neo4j, uri: neo4jUri }, logger);
  db.onTransaction(recordTransaction);
  db.onAvailabilityChange(recordNeo4jAvailability);
  try {
    await db.waitUntilReachable(config.neo4j.connectTimeoutMs);
    const migrator = new Migrator(db, loadMigrationFiles(MIGRATIONS_DIR), logger);
    const applied = await migrator.migrate();
    logger.info({ applied }, applied.length > 0 ? 'migrations applied' : 'schema is up to date');

    const services = createServices(db, packageVersion(), {
      keyCache: { cacheMs: config.auth.keyCacheMs, revocationCheckMs: config.auth.revocationCheckMs },
      auditAnchoring: { hmacKey: config.audit.hmacKey, anchorFile: config.audit.anchorFile },
      limits: config.limits,
      webhookAllowHttp: config.webhooks.allowHttp,
    });
    const jwt = config.auth.jwt ? new JwtVerifier(config.auth.jwt, logger) : undefined;
    await announceAuthentication(config, services, logger);
    await warmUp(db, services, logger);
    // Not fatal: a question would plan its statements itself, only slower.
    await services.lineageGraph.prepareQueries().catch((error: unknown) => logger.warn({ err: error }, 'lineage queries could not be planned at start-up'));
    await services.columns.prepareQueries().catch((error: unknown) => logger.warn({ err: error }, 'column queries could not be planned at start-up'));
    await loadDemoIfWanted(config.demo, options.localNeo4j ?? false, services, logger);
    const app = await buildApp({
      logger,
      schema: await buildLineageSchema(),
      services,
      // Every migration was applied above: readiness knows none is pending before it can read it again.
      readiness: new ReadinessService(db, migrator, options.liveness, undefined, 0),
      authenticator: new Authenticator(config.auth, services.apiKeys, jwt),
      limits: config.limits,
    });
    await app.listen({ host: config.host, port: config.port });
    // Notices wait in Neo4j (the outbox); the worker sends them from here on, whoever wrote them.
    const webhookWorker = new WebhookDeliveryWorker(db, services.qualityAssessment, config.webhooks, logger);
    webhookWorker.start();
    // The chain head, published outside the store every AUDIT_ANCHOR_INTERVAL_MS it moved, and once more at stop.
    const anchors = new AnchorPublisher(() => services.audit.head(), config.audit.anchorFile ?? undefined, config.audit.hmacKey, logger);
    const publishAnchor = () => anchors.publish().catch((error: unknown) => logger.warn({ err: error }, 'the audit anchor could not be published'));
    const anchorTimer = setInterval(() => void publishAnchor(), config.audit.anchorIntervalMs);
    anchorTimer.unref();
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;

    let stopping: Promise<void> | undefined;
    return {
      url,
      app,
      db,
      services,
      warmUp: () => warmUp(db, services, logger),
      stop() {
        stopping ??= (async () => {
          // New connections are refused at once; requests in flight get SHUTDOWN_GRACE_MS to finish.
          const force = setTimeout(() => {
            logger.warn({ graceMs: config.shutdownGraceMs }, 'requests still in flight after the grace period: closing their connections');
            app.server.closeAllConnections();
          }, config.shutdownGraceMs);
          try {
            await app.close();
          } finally {
            clearTimeout(force);
          }
          await webhookWorker.stop();
          clearInterval(anchorTimer);
          await publishAnchor();
          await db.close();
          logger.info('service stopped: requests finished, Neo4j driver closed');
        })();
        return stopping;
      },
    };
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
}

/** Says loudly when the service is open, and when nobody can use it yet. */
async function announceAuthentication(config: Config, services: Services, logger: Logger): Promise<void> {
  if (!config.auth.enabled) {
    logger.warn(
      { mode: config.mode },
      'AUTHENTICATION IS OFF: every caller is anonymous with the admin role. Fine for a local quick start only; set LINEAGE_AUTH=on (production mode requires it).',
    );
    return;
  }
  const keys = await services.apiKeys.listKeys(false);
  logger.info({ activeApiKeys: keys.length, jwt: config.auth.jwt ? (config.auth.jwt.jwksUrl ?? 'shared secret') : 'off' }, 'authentication is on');
  if (keys.length === 0 && !config.auth.jwt) {
    logger.warn(
      'authentication is on but no API key exists and no JWT issuer is configured: every request will be refused. Create one with: npm run keys -- create --name admin --role admin',
    );
  }
}
