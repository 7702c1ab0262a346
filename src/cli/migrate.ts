import 'reflect-metadata';
import { ConfigError, loadConfig } from '../config';
import { loadMigrationFiles, MigrationError, Migrator } from '../db/migrator';
import { createLogger } from '../logger';
import { MIGRATIONS_DIR } from '../paths';
import { openCliDatabase } from './cli-database';

/** `npm run migrate`: applies pending migrations to NEO4J_URI (or to the local Neo4j) and exits. */
async function main(): Promise<number> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const { db, close } = await openCliDatabase(config, logger);
  try {
    const applied = await new Migrator(db, loadMigrationFiles(MIGRATIONS_DIR), logger).migrate();
    process.stdout.write(applied.length > 0 ? `applied migrations ${applied.join(', ')}\n` : 'schema is up to date\n');
    return 0;
  } finally {
    await close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    // Configuration and migration errors are the user's to fix: their message is the whole story.
    const known = error instanceof ConfigError || error instanceof MigrationError;
    process.stderr.write(`migrate: ${known ? error.message : error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
