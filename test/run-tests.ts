import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startLocalNeo4j, type LocalNeo4j } from '../src/local-neo4j/local-neo4j';
import { createLogger } from '../src/logger';

/**
 * `npm test`: runs the compiled test files with Node's test runner against a real Neo4j.
 *
 * Without NEO4J_URI it starts a throwaway local Neo4j (fresh store in a temp directory, free port) for the whole
 * run and removes it afterwards; with NEO4J_URI the tests use that database (they isolate themselves by data).
 *
 *   npm test                       every kind
 *   npm test -- unit               only *.test.ts that are neither integration nor e2e (no Neo4j started)
 *   npm test -- integration e2e    only those kinds
 *   npm test -- test/lineage       only files under that path
 *
 * At the end it lists the test files by wall time; LINEAGE_TEST_BUDGET_MS (75 minutes) stops a run that hangs.
 */

type Kind = 'unit' | 'integration' | 'e2e';
const KINDS: Kind[] = ['unit', 'integration', 'e2e'];
const TEST_ROOT = path.resolve(__dirname);

function kindOf(file: string): Kind {
  if (file.endsWith('.integration.test.js')) return 'integration';
  if (file.endsWith('.e2e.test.js')) return 'e2e';
  return 'unit';
}

/** CI stops at 90 minutes, installs included; the tests take under 20 on a quiet 2-core machine. */
const DEFAULT_BUDGET_MS = 75 * 60_000;
/** One test (hooks apart): the longest, the crash test's restarts on a busy machine, take a few minutes. */
const TEST_TIMEOUT_MS = 20 * 60_000;

const SOURCE_ROOT = path.resolve(__dirname, '..', '..', 'test');

/** Compiled test files whose source still exists: tsc never deletes the output of a renamed or removed test. */
function listTestFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return listTestFiles(full);
      return entry.name.endsWith('.test.js') && hasSource(full) ? [full] : [];
    })
    .sort();
}

function hasSource(compiled: string): boolean {
  return fs.existsSync(path.join(SOURCE_ROOT, path.relative(TEST_ROOT, compiled)).replace(/\.js$/, '.ts'));
}

function selectFiles(args: string[]): string[] {
  const kinds = args.filter((arg): arg is Kind => (KINDS as string[]).includes(arg));
  const paths = args.filter((arg) => !(KINDS as string[]).includes(arg));
  return listTestFiles(TEST_ROOT).filter((file) => {
    if (kinds.length > 0 && !kinds.includes(kindOf(file))) return false;
    if (paths.length === 0) return true;
    const relative = path.relative(TEST_ROOT, file).replace(/\.js$/, '.ts');
    return paths.some((p) => relative.includes(p.replace(/^test\//, '')));
  });
}

async function main(): Promise<number> {
  const files = selectFiles(process.argv.slice(2));
  if (files.length === 0) {
    process.stderr.write('no test files match\n');
    return 1;
  }
  const needsNeo4j = files.some((file) => kindOf(file) !== 'unit');
  const env: NodeJS.ProcessEnv = { ...process.env, LINEAGE_TEST: '1' };
  let neo4j: LocalNeo4j | undefined;
  let home: string | undefined;
  const logger = createLogger(process.env.LOG_LEVEL ?? 'info');
  if (needsNeo4j && !process.env.NEO4J_URI) {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'lineage-test-neo4j-'));
    const started = Date.now();
    neo4j = await startLocalNeo4j({ home, boltPort: 0, heap: '1g', pageCache: '256m', startTimeoutMs: startTimeoutMs(), logger });
    process.stdout.write(`test Neo4j ready at ${neo4j.uri} in ${Date.now() - started} ms (throwaway store ${home})\n`);
    env.NEO4J_URI = neo4j.uri;
  }

  const stop = async () => {
    await neo4j?.stop();
    if (home) fs.rmSync(home, { recursive: true, force: true });
  };
  process.once('SIGINT', () => void stop().then(() => process.exit(130)));
  process.once('SIGTERM', () => void stop().then(() => process.exit(143)));

  // Spec for people; the file timings, kept in a file (see file-timing-reporter.ts), printed at the end.
  const timings = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lineage-test-timings-')), 'timings.txt');
  env.LINEAGE_TEST_TIMINGS_FILE = timings;
  const reporters = [
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    `--test-reporter=${path.join(__dirname, 'support', 'file-timing-reporter.js')}`,
    '--test-reporter-destination=stdout',
  ];
  const budgetMs = Number(process.env.LINEAGE_TEST_BUDGET_MS ?? DEFAULT_BUDGET_MS);
  try {
    return await new Promise<number>((resolve) => {
      // A test that hangs fails after TEST_TIMEOUT_MS, and a file whose tests are done exits even if something it
      // opened (a server, a socket) would keep it alive: either would otherwise hold the whole run.
      const child = spawn(
        process.execPath,
        ['--enable-source-maps', '--test', '--test-concurrency=2', `--test-timeout=${TEST_TIMEOUT_MS}`, '--test-force-exit', ...reporters, ...files],
        { stdio: 'inherit', env },
      );
      // A hung test must not eat CI's whole time limit in silence: past the budget the run stops, saying which files
      // were still running and where the time went.
      const budget = setTimeout(() => {
        const table = fs.existsSync(timings) ? fs.readFileSync(timings, 'utf8') : '(no test file reported yet)\n';
        process.stderr.write(`\nthe test run went past LINEAGE_TEST_BUDGET_MS (${budgetMs} ms) and was stopped\n${table}`);
        child.kill('SIGKILL');
      }, budgetMs);
      child.once('exit', (code, signal) => {
        clearTimeout(budget);
        if (fs.existsSync(timings)) process.stdout.write(`\n${fs.readFileSync(timings, 'utf8')}`);
        resolve(code ?? (signal ? 1 : 0));
      });
    });
  } finally {
    fs.rmSync(path.dirname(timings), { recursive: true, force: true });
    await stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`test run failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);

/** Three minutes, or NEO4J_LOCAL_START_TIMEOUT_MS (as for `npm start`): a machine shared by several suites may need more. */
function startTimeoutMs(): number {
  const setting = Number(process.env.NEO4J_LOCAL_START_TIMEOUT_MS);
  return Number.isSafeInteger(setting) && setting > 0 ? setting : 180_000;
}
