import 'reflect-metadata';
import { ConfigError, loadConfig, type AuthSettings } from '../config';
import { cliActor } from './cli-actor';
import { loadMigrationFiles, MigrationError, Migrator } from '../db/migrator';
import { LineageError } from '../errors';
import { createLogger } from '../logger';
import { openCliDatabase } from './cli-database';
import { MIGRATIONS_DIR, packageVersion } from '../paths';
import { createServices, type Services } from '../services';

/**
 * `npm run keys -- <command>`: API keys, against NEO4J_URI (or the local Neo4j when the service is not running).
 *
 *   create --name <name> --role reader|writer|admin   prints the secret, once
 *   revoke <name>                                      the key stops working (running services: within AUTH_REVOCATION_CHECK_MS)
 *   list [--all]                                       active keys (--all: revoked ones too)
 *
 * The CLI is a front door like GraphQL: it calls the API key service, and its writes record the actor `cli:<user>`.
 */
const USAGE = `usage:
  npm run keys -- create --name <name> --role reader|writer|admin
  npm run keys -- revoke <name>
  npm run keys -- list [--all]`;

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return command ? 0 : 2;
  }
  if (!['create', 'revoke', 'list'].includes(command)) throw new UsageError(`unknown command '${command}'`);
  const config = loadConfig();
  // Logs go to stderr, so that stdout holds only the answer (a secret can be piped into a secret store).
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, 'stderr');
  const { db, close } = await openCliDatabase(config, logger);
  try {
    // The key constraints must exist before the first key is written.
    await new Migrator(db, loadMigrationFiles(MIGRATIONS_DIR), logger).migrate();
    const services = createServices(db, packageVersion());
    process.stdout.write(await run(services, command, rest, config.auth));
    return 0;
  } finally {
    await close();
  }
}

async function run(services: Services, command: string, args: string[], auth: AuthSettings): Promise<string> {
  const context = { actor: cliActor(), source: 'cli' as const };
  if (command === 'create') {
    const options = parseOptions(args, ['name', 'role']);
    const { key, secret } = await services.apiKeys.createKey(context, { name: options.name!, role: options.role! });
    return (
      `created API key ${key.name} (role ${key.role}).\n` +
      `Its secret is shown this once; store it now (it is kept only as a hash):\n\n${secret}\n\n` +
      `Send it as: Authorization: Bearer <secret>\n`
    );
  }
  if (command === 'revoke') {
    if (args.length !== 1 || args[0]!.startsWith('--')) throw new UsageError('revoke takes one key name');
    const key = await services.apiKeys.revokeKey(context, args[0]!);
    return (
      `revoked API key ${key.name} at ${key.revokedAt!.toISOString()} (by ${key.revokedBy}).\n` +
      `Running services refuse it within ${auth.revocationCheckMs} ms (AUTH_REVOCATION_CHECK_MS), ` +
      `or within ${auth.keyCacheMs} ms (AUTH_KEY_CACHE_MS) while they cannot reach Neo4j; new requests get 401 from then on.\n`
    );
  }
  const all = args.includes('--all');
  if (args.some((arg) => arg !== '--all')) throw new UsageError(`list takes only --all, got ${args.join(' ')}`);
  const keys = await services.apiKeys.listKeys(all);
  if (keys.length === 0) return all ? 'no API keys\n' : 'no active API keys\n';
  const rows = keys.map((key) => [
    key.name,
    key.role,
    `${key.prefix}…`,
    key.createdAt.toISOString(),
    key.createdBy,
    key.revokedAt ? `revoked ${key.revokedAt.toISOString()}` : 'active',
  ]);
  return table([['NAME', 'ROLE', 'PREFIX', 'CREATED', 'CREATED BY', 'STATE'], ...rows]);
}

function parseOptions(args: string[], required: string[]): Record<string, string> {
  const options: Record<string, string> = {};
  for (let i = 0; i < args.length; i += 1) {
    const match = /^--([a-z]+)(?:=(.*))?$/.exec(args[i]!);
    if (!match || !required.includes(match[1]!)) throw new UsageError(`unexpected argument '${args[i]}'`);
    const value = match[2] ?? args[++i];
    if (value === undefined) throw new UsageError(`--${match[1]} needs a value`);
    options[match[1]!] = value;
  }
  for (const name of required) if (options[name] === undefined) throw new UsageError(`--${name} is required`);
  return options;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return (
    rows
      .map((row) =>
        row
          .map((cell, column) => cell.padEnd(widths[column]!))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`keys: ${error.message}\n${USAGE}\n`);
      process.exit(2);
    }
    // Bad names, unknown keys, a taken name, configuration: the message is the whole story.
    const known = error instanceof LineageError || error instanceof ConfigError || error instanceof MigrationError;
    process.stderr.write(`keys: ${known ? error.message : error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
