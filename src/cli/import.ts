import 'reflect-metadata';
import os from 'node:os';
import { ConfigError, loadConfig, type Config } from '../config';
import { loadMigrationFiles, MigrationError, Migrator } from '../db/migrator';
import type { WriteContext } from '../core/write-context';
import { LocalNeo4jError } from '../local-neo4j/local-neo4j';
import { createLogger } from '../logger';
import { MIGRATIONS_DIR, packageVersion } from '../paths';
import { createServices, type Services } from '../services';
import { ImportWriter, type ImportTally } from '../importers/common/import-writer';
import type { ImportPlan } from '../importers/common/import-plan';
import { mapDvc } from '../importers/dvc/dvc.mapper';
import { DvcReadError, readDvcRepository } from '../importers/dvc/dvc-repository.reader';
import { advanceCursor, defaultCursorFile, readCursor, writeCursor } from '../importers/mlflow/mlflow-cursor';
import { mapMlflow } from '../importers/mlflow/mlflow.mapper';
import { MlflowReadError, MlflowReader } from '../importers/mlflow/mlflow.reader';
import { openCliDatabase } from './cli-database';
import { ProgressBar } from './progress';

/**
 * `npm run import -- --from-mlflow <tracking-url> [--follow]` and `npm run import -- --from-dvc <repo-dir>
 * [--history]`: brings an MLflow tracking server's or a DVC project's history into the graph through the same
 * services as every other front door (each write checked and audited, source `cli`). Safe to re-run: what the
 * graph already holds is compared, not written again. Exits 1 when an item was rejected.
 */

const USAGE = `usage:
  npm run import -- --from-mlflow <tracking-url> [--follow] [--interval <seconds>] [--full] [--state <file>]
                    [--namespace <job namespace>] [--repository <git url>] [--environments <alias,stage,...>]
  npm run import -- --from-dvc <repo-dir> [--history] [--repository <git url>] [--model <path>=<name>]... [--dir-files <n>]
common: [--actor <name>]   (default cli:<OS user>)
`;

interface Arguments {
  mlflow: string | null;
  dvc: string | null;
  follow: boolean;
  intervalSeconds: number;
  full: boolean;
  state: string | null;
  namespace: string | null;
  repository: string | null;
  environments: string[] | null;
  history: boolean;
  models: Record<string, string>;
  dirFiles: number;
  actor: string | null;
}

class UsageError extends Error {}

export function parseArguments(argv: readonly string[]): Arguments {
  const args: Arguments = {
    mlflow: null,
    dvc: null,
    follow: false,
    intervalSeconds: 30,
    full: false,
    state: null,
    namespace: null,
    repository: null,
    environments: null,
    history: false,
    models: {},
    dirFiles: 1_000,
    actor: null,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = () => {
      const next = argv[++i];
      if (next === undefined || next.startsWith('--')) throw new UsageError(`${flag} needs a value`);
      return next;
    };
    const count = (name: string, text: string, min: number) => {
      const n = Number(text);
      if (!Number.isInteger(n) || n < min) throw new UsageError(`${name} must be a whole number of at least ${min}, got '${text}'`);
      return n;
    };
    switch (flag) {
      case '--from-mlflow':
        args.mlflow = value();
        break;
      case '--from-dvc':
        args.dvc = value();
        break;
      case '--follow':
        args.follow = true;
        break;
      case '--interval':
        args.intervalSeconds = count('--interval', value(), 1);
        break;
      case '--full':
        args.full = true;
        break;
      case '--state':
        args.state = value();
        break;
      case '--namespace':
        args.namespace = value();
        break;
      case '--repository':
        args.repository = value();
        break;
      case '--environments':
        args.environments = value()
          .split(',')
          .map((e) => e.trim())
          .filter(Boolean);
        break;
      case '--history':
        args.history = true;
        break;
      case '--model': {
        const [p, name] = value().split('=');
        if (!p || !name) throw new UsageError(`--model takes <path>=<model name>, got '${argv[i]}'`);
        args.models[p.replace(/^\.\//, '')] = name;
        break;
      }
      case '--dir-files':
        args.dirFiles = count('--dir-files', value(), 0);
        break;
      case '--actor':
        args.actor = value();
        break;
      default:
        throw new UsageError(`unknown argument '${flag}'`);
    }
  }
  if ((args.mlflow === null) === (args.dvc === null)) throw new UsageError('give exactly one of --from-mlflow <tracking-url> and --from-dvc <repo-dir>');
  if (args.dvc !== null && (args.follow || args.full || args.state || args.namespace || args.environments)) {
    throw new UsageError('--follow, --full, --state, --namespace and --environments are MLflow options');
  }
  if (args.mlflow !== null && (args.history || Object.keys(args.models).length > 0)) throw new UsageError('--history and --model are DVC options');
  return args;
}

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h') || argv.length === 0) {
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
    const context: WriteContext = { actor: args.actor ?? `cli:${os.userInfo().username}`, source: 'cli' };
    if (args.dvc !== null) {
      const state = await readDvcRepository(args.dvc, { repository: args.repository });
      const plan = mapDvc(state, { history: args.history, models: args.models, dirFiles: args.dirFiles });
      const tally = await write(services, context, plan);
      report(`imported DVC project ${state.repository}${args.history ? ' (history)' : ''}`, plan, tally);
      return tally.rejected > 0 ? 1 : 0;
    }
    return await importMlflow(args, config, services, context);
  } finally {
    await close();
  }
}

async function importMlflow(args: Arguments, config: Config, services: Services, context: WriteContext): Promise<number> {
  const reader = new MlflowReader(args.mlflow!);
  const graph = `${config.neo4j.uri ?? `local:${config.localNeo4j.home}`}/${config.neo4j.database}`;
  const stateFile = args.state ?? defaultCursorFile(reader.trackingUrl, `${graph}\u0000${args.namespace ?? ''}`);
  let stop = false;
  let wake: () => void = () => {};
  const onSignal = () => {
    stop = true;
    wake();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let failed = false;
  do {
    try {
      const cursor = args.full ? null : readCursor(stateFile, reader.trackingUrl);
      const snapshot = await reader.snapshot({ startedFrom: cursor?.runsStartedFrom ?? null, alsoRunIds: cursor?.openRunIds ?? [] });
      const plan = mapMlflow(snapshot, { namespace: args.namespace, repository: args.repository, environments: args.environments });
      const tally = await write(services, context, plan, !args.follow);
      writeCursor(stateFile, advanceCursor(cursor, snapshot, new Date()));
      const window = cursor?.runsStartedFrom ? ` (runs started since ${new Date(cursor.runsStartedFrom).toISOString()})` : '';
      report(`imported MLflow ${reader.trackingUrl}${window}`, plan, tally, !args.follow || tally.recorded + tally.rejected > 0);
      failed = tally.rejected > 0;
    } catch (error) {
      if (!(error instanceof MlflowReadError) || !args.follow) throw error;
      // A follower outlives a tracking server restart: say so and try again at the next poll.
      process.stderr.write(`import: ${error.message}; retrying in ${args.intervalSeconds} s\n`);
    }
    if (args.follow && !stop) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, args.intervalSeconds * 1000);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  } while (args.follow && !stop);
  return failed ? 1 : 0;
}

async function write(services: Services, context: WriteContext, plan: ImportPlan, showProgress = true): Promise<ImportTally> {
  const writer = new ImportWriter(services, context);
  const total = plan.runs.length + plan.models.length + plan.modelVersions.length + plan.deployments.length;
  const progress = showProgress ? new ProgressBar(total) : null;
  const counts = (t: ImportTally) => `${t.recorded} recorded, ${t.unchanged} unchanged, ${t.rejected} rejected`;
  const tally = await writer.write(plan, (done, _total, t) => progress?.update(done, counts(t)));
  progress?.finish(counts(tally));
  return tally;
}

function report(title: string, plan: ImportPlan, tally: ImportTally, full = true): void {
  const line =
    `${title}: ${plan.runs.length} runs, ${plan.models.length} models, ${plan.modelVersions.length} model versions, ` +
    `${plan.deployments.length} live deployments; ${tally.recorded} recorded, ${tally.unchanged} unchanged, ${tally.rejected} rejected`;
  process.stdout.write(`${full ? '' : `${new Date().toISOString()} `}${line}\n`);
  if (!full) return;
  for (const rejection of tally.rejections.slice(0, 50)) process.stdout.write(`  rejected ${rejection}\n`);
  if (tally.rejections.length > 50) process.stdout.write(`  … and ${tally.rejections.length - 50} more rejected\n`);
  for (const note of tally.notes.slice(0, 50)) process.stdout.write(`  note: ${note}\n`);
  if (tally.notes.length > 50) process.stdout.write(`  … and ${tally.notes.length - 50} more notes\n`);
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      const known =
        error instanceof ConfigError ||
        error instanceof MigrationError ||
        error instanceof LocalNeo4jError ||
        error instanceof UsageError ||
        error instanceof MlflowReadError ||
        error instanceof DvcReadError;
      process.stderr.write(`\nimport: ${known || !(error instanceof Error) ? String(error instanceof Error ? error.message : error) : error.stack}\n`);
      if (error instanceof UsageError) process.stderr.write(USAGE);
      process.exit(2);
    },
  );
}
