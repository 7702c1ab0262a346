import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig } from '../config';
import { LineageError } from '../errors';
import { loadMigrationFiles, MigrationError, Migrator } from '../db/migrator';
import { LocalNeo4jError } from '../local-neo4j/local-neo4j';
import { createLogger } from '../logger';
import { MIGRATIONS_DIR, packageVersion } from '../paths';
import { createServices, type Services } from '../services';
import { checkSource, exitCodeOf, type RecordedSource, type SourceCheck } from '../importers/verify/data-check';
import { openCliDatabase } from './cli-database';

/**
 * `npm run verify -- --model <name>@<version> --data <dir or files>...`: are the bytes at hand the ones the model
 * was trained on? For each source of the model version's reproduction recipe, finds the local file or directory
 * that stands for it, computes its digest the way the recorded one was computed (sha256, DVC's md5, DVC's
 * directory hash) and says MATCH, CHANGED, MISSING or UNVERIFIABLE. `--dataset <name>@<version>` checks a dataset
 * version and its own sources the same way. Exit status: 0 all match, 1 something changed or is missing, 3
 * nothing differs but something cannot be checked, 2 a usage or lookup error.
 */

const USAGE = `usage:
  npm run verify -- --model <name>@<version> --data <dir or file>... [--json]
  npm run verify -- --dataset <name>@<version> [--namespace <namespace>] --data <dir or file>... [--json]
`;

class UsageError extends Error {}

interface Arguments {
  model: { name: string; version: string } | null;
  dataset: { name: string; version: string } | null;
  namespace: string | null;
  data: string[];
  json: boolean;
}

function parseArguments(argv: readonly string[]): Arguments {
  const args: Arguments = { model: null, dataset: null, namespace: null, data: [], json: false };
  const key = (flag: string, text: string | undefined) => {
    const at = text?.lastIndexOf('@') ?? -1;
    if (!text || at <= 0 || at === text.length - 1) throw new UsageError(`${flag} takes <name>@<version>, got '${text ?? ''}'`);
    return { name: text.slice(0, at), version: text.slice(at + 1) };
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    if (flag === '--model') args.model = key(flag, argv[++i]);
    else if (flag === '--dataset') args.dataset = key(flag, argv[++i]);
    else if (flag === '--namespace') args.namespace = argv[++i] ?? null;
    else if (flag === '--json') args.json = true;
    else if (flag === '--data') {
      while (argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--')) args.data.push(path.resolve(argv[++i]!));
    } else throw new UsageError(`unknown argument '${flag}'`);
  }
  if ((args.model === null) === (args.dataset === null)) throw new UsageError('give exactly one of --model <name>@<version> and --dataset <name>@<version>');
  if (args.data.length === 0) throw new UsageError('--data <dir or file>... is required: the local data to check');
  for (const target of args.data) if (!fs.existsSync(target)) throw new UsageError(`${target} does not exist`);
  return args;
}

async function main(argv: string[]): Promise<number> {
  if (argv.length === 0 || argv.includes('--help') || argv.includes('-h')) {
    process.stderr.write(USAGE);
    return argv.length === 0 ? 2 : 0;
  }
  const args = parseArguments(argv);
  const config = loadConfig();
  const logger = createLogger(process.env.LOG_LEVEL ?? 'warn');
  const { db, close } = await openCliDatabase(config, logger);
  try {
    await new Migrator(db, loadMigrationFiles(MIGRATIONS_DIR), logger).migrate();
    const services = createServices(db, packageVersion(), { limits: config.limits });
    const { title, sources } = args.model ? await modelSources(services, args.model) : await datasetSources(services, args.dataset!, args.namespace);
    const checks = sources.map((source) => checkSource(source, args.data));
    const code = exitCodeOf(checks);
    if (args.json) process.stdout.write(`${JSON.stringify({ subject: title, exitCode: code, checks: checks.map(jsonOf) }, null, 2)}\n`);
    else printChecks(title, checks, code);
    return code;
  } finally {
    await close();
  }
}

async function modelSources(services: Services, key: { name: string; version: string }): Promise<{ title: string; sources: RecordedSource[] }> {
  const version = await services.models.findVersionByKey(key.name, key.version);
  if (!version) throw new UsageError(`model version ${key.name}@${key.version} is not recorded`);
  const recipe = await services.reproduction.recipeFor({ modelVersion: version.id });
  if (recipe.truncated) process.stderr.write('verify: the recipe was cut by the traversal bounds; some sources may be missing from the check\n');
  return {
    title: `${key.name}@${key.version}`,
    sources: recipe.sources.map((s) => ({
      label: s.label,
      namespace: s.namespace,
      name: s.name,
      version: s.version,
      digest: s.digest,
      uri: s.uri,
      role: 'source',
    })),
  };
}

async function datasetSources(
  services: Services,
  key: { name: string; version: string },
  namespace: string | null,
): Promise<{ title: string; sources: RecordedSource[] }> {
  const namespaces = namespace ? [namespace] : await namespacesOf(services, key.name);
  if (namespaces.length === 0) throw new UsageError(`no dataset named ${key.name} is recorded`);
  if (namespaces.length > 1) throw new UsageError(`datasets named ${key.name} exist in several namespaces (${namespaces.join(', ')}); pass --namespace`);
  const version = await services.datasets.findVersionByKey(namespaces[0]!, key.name, key.version);
  if (!version) throw new UsageError(`dataset version ${namespaces[0]}/${key.name}@${key.version} is not recorded`);
  const provenance = await services.provenance.traceProvenance({ from: version.id });
  const own: RecordedSource = {
    label: `${version.name}@${version.version}`,
    namespace: version.namespace,
    name: version.name,
    version: version.version,
    digest: version.digest,
    uri: version.uri,
    role: 'version',
  };
  const upstream = provenance.sources
    .filter((node) => node.id !== version.id)
    .map((node): RecordedSource => {
      const p = node.properties;
      const text = (v: unknown) => (v === undefined || v === null ? null : String(v));
      return {
        label: node.label,
        namespace: text(p.namespace),
        name: String(p.name ?? ''),
        version: String(p.version ?? ''),
        digest: text(p.digest),
        uri: text(p.uri),
        role: 'source',
      };
    });
  return { title: `${namespaces[0]}/${key.name}@${key.version}`, sources: [own, ...upstream] };
}

async function namespacesOf(services: Services, name: string): Promise<string[]> {
  const found = new Set<string>();
  let after: string | null = null;
  for (;;) {
    const page = await services.datasets.list({ namePrefix: name }, 100, after);
    for (const { node } of page.items) if (node.name === name) found.add(node.namespace);
    if (!page.hasNextPage || page.items.length === 0) return [...found].sort();
    after = page.items[page.items.length - 1]!.cursor;
  }
}

function printChecks(title: string, checks: readonly SourceCheck[], code: number): void {
  process.stdout.write(`verify ${title}: ${checks.length} version(s) to check\n`);
  for (const check of checks) {
    const relative = check.localPath ? path.relative(process.cwd(), check.localPath) || '.' : '-';
    const where = relative.startsWith('..') ? check.localPath! : relative;
    process.stdout.write(`  ${check.verdict.padEnd(12)} ${check.source.role === 'version' ? '(itself) ' : ''}${check.source.label}  ${where}\n`);
    process.stdout.write(
      `               recorded ${check.source.digest ?? 'none'}${check.computed && check.verdict !== 'MATCH' ? `, local ${check.computed}` : ''}: ${check.reason}\n`,
    );
  }
  const counts = ['MATCH', 'CHANGED', 'MISSING', 'UNVERIFIABLE'].map((v) => `${checks.filter((c) => c.verdict === v).length} ${v.toLowerCase()}`).join(', ');
  process.stdout.write(`${counts} (exit ${code})\n`);
}

function jsonOf(check: SourceCheck) {
  return {
    verdict: check.verdict,
    label: check.source.label,
    role: check.source.role,
    namespace: check.source.namespace,
    name: check.source.name,
    version: check.source.version,
    recorded: check.source.digest,
    computed: check.computed,
    localPath: check.localPath,
    reason: check.reason,
  };
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const known =
      error instanceof ConfigError ||
      error instanceof MigrationError ||
      error instanceof LocalNeo4jError ||
      error instanceof UsageError ||
      error instanceof LineageError;
    process.stderr.write(`\nverify: ${known || !(error instanceof Error) ? String(error instanceof Error ? error.message : error) : error.stack}\n`);
    if (error instanceof UsageError) process.stderr.write(USAGE);
    process.exit(2);
  },
);
