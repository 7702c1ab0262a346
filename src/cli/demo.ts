import 'reflect-metadata';
import { ConfigError, loadConfig } from '../config';
import { Database } from '../db/database';
import { loadMigrationFiles, MigrationError, Migrator } from '../db/migrator';
import { DEMO_CONTEXT, loadDemo } from '../demo/demo-loader';
import { startLocalNeo4j, type LocalNeo4j } from '../local-neo4j/local-neo4j';
import { createLogger } from '../logger';
import { MIGRATIONS_DIR, packageVersion } from '../paths';
import { createServices } from '../services';

/**
 * `npm run demo`: loads the demo lineage into NEO4J_URI (or the local Neo4j), whatever the graph already holds;
 * loading it again changes nothing.
 */
async function main(): Promise<number> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  let local: LocalNeo4j | undefined;
  let uri = config.neo4j.uri;
  if (uri === undefined) {
    local = await startLocalNeo4j({ ...config.localNeo4j, logger });
    uri = local.uri;
  }
  const db = Database.connect({ ...config.neo4j, uri }, logger);
  try {
    await db.waitUntilReachable(config.neo4j.connectTimeoutMs);
    await new Migrator(db, loadMigrationFiles(MIGRATIONS_DIR), logger).migrate();
    const summary = await loadDemo(createServices(db, packageVersion()), DEMO_CONTEXT);
    process.stdout.write(
      `demo lineage loaded: ${summary.sources} source versions, ${summary.runs} runs, ${summary.modelVersions} model versions, ${summary.deployments} deployments\n`,
    );
    return 0;
  } finally {
    await db.close();
    await local?.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const known = error instanceof ConfigError || error instanceof MigrationError;
    process.stderr.write(`demo: ${known ? error.message : error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
