import 'reflect-metadata';
import { ConfigError, loadConfig } from '../config';
import { loadMigrationFiles, MigrationError, Migrator } from '../db/migrator';
import { DEMO_CONTEXT, loadDemo } from '../demo/demo-loader';
import { createLogger } from '../logger';
import { openCliDatabase } from './cli-database';
import { MIGRATIONS_DIR, packageVersion } from '../paths';
import { createServices } from '../services';

/**
 * `npm run demo`: loads the demo lineage into NEO4J_URI (or the local Neo4j), whatever the graph already holds;
 * loading it again changes nothing.
 */
async function main(): Promise<number> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const { db, close } = await openCliDatabase(config, logger);
  try {
    await new Migrator(db, loadMigrationFiles(MIGRATIONS_DIR), logger).migrate();
    const summary = await loadDemo(createServices(db, packageVersion()), DEMO_CONTEXT);
    process.stdout.write(
      `demo lineage loaded: ${summary.sources} source versions, ${summary.runs} runs, ${summary.modelVersions} model versions, ${summary.deployments} deployments\n`,
    );
    return 0;
  } finally {
    await close();
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
