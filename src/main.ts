import 'reflect-metadata';
import { ConfigError, loadConfig } from './config';
import { LocalNeo4jSupervisor } from './local-neo4j/local-neo4j-supervisor';
import { createLogger } from './logger';
import { startService, type RunningService } from './server';

/**
 * `npm start`: the service, plus a local Neo4j when NEO4J_URI is not set, restarted if it dies (see
 * local-neo4j-supervisor.ts). On SIGINT/SIGTERM the service stops first (finishing requests in flight), then
 * Neo4j; if this process dies some other way, the local Neo4j notices its closed stdin and stops by itself.
 */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`lineage: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);

  let localNeo4j: LocalNeo4jSupervisor | undefined;
  let service: RunningService | undefined;
  let shuttingDown = false;
  const shutdown = async (reason: string, exitCode: number) => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info({ reason }, 'shutting down');
    await service?.stop().catch((error: unknown) => logger.error({ err: error }, 'error while stopping the service'));
    await localNeo4j?.stop().catch((error: unknown) => logger.error({ err: error }, 'error while stopping Neo4j'));
    process.exit(exitCode);
  };
  process.on('SIGINT', () => void shutdown('SIGINT', 0));
  process.on('SIGTERM', () => void shutdown('SIGTERM', 0));
  process.on('uncaughtException', (error) => {
    logger.fatal({ err: error }, 'uncaught exception');
    void shutdown('uncaughtException', 1);
  });
  process.on('unhandledRejection', (error) => {
    logger.fatal({ err: error }, 'unhandled rejection');
    void shutdown('unhandledRejection', 1);
  });

  try {
    let uri = config.neo4j.uri;
    if (uri === undefined) {
      logger.info('NEO4J_URI is not set: starting a local Neo4j (set NEO4J_URI to use your own)');
      const { restartBackoffMs, restartAttempts, ...local } = config.localNeo4j;
      localNeo4j = await LocalNeo4jSupervisor.start({ ...local, logger }, { restartBackoffMs, restartAttempts });
      uri = localNeo4j.uri;
    }
    const supervisor = localNeo4j;
    service = await startService(config, uri, logger, { localNeo4j: supervisor !== undefined, liveness: supervisor && (() => supervisor.liveness()) });
    // A restarted Neo4j plans every statement anew: the warm-up again, so that the first writes after it do not time out.
    supervisor?.onRestarted(() => void service?.warmUp().catch((error: unknown) => logger.warn({ err: error }, 'the warm-up after a restart failed')));
    logger.info({ graphql: `${service.url}/graphql`, readyz: `${service.url}/readyz` }, 'lineage service is listening');
  } catch (error) {
    logger.fatal({ err: error }, error instanceof Error ? error.message : 'start failed');
    await shutdown('start failed', 1);
  }
}

void main();
