import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it, type TestContext } from 'node:test';
import { PROJECT_ROOT } from '../../src/paths';
import { dataOf } from '../support/graphql';
import { removeIsolated } from '../support/openlineage-isolation';
import { ensureVenv, VenvUnavailable, type Venv } from '../support/python-venv';
import { startTestService, testNeo4jUri, uniqueNamespace, type TestService } from '../support/service';

const run = promisify(execFile);

/**
 * The importers against the real tools: MLflow 3 (tracking server on loopback with a SQLite store, runs logged,
 * models registered and promoted through MLflow's own Python client) and DVC 3 (a git repository with a
 * two-stage pipeline reproduced twice with changed data; the `train` stage is the MLflow run). Both are imported
 * with `npm run import`, checked through GraphQL, imported again (nothing changes, no audit record), a promotion
 * made after the import arrives with `--follow`, and `npm run verify` tells changed data from unchanged.
 *
 * mlflow and dvc are installed from PyPI into virtualenvs cached under ~/.cache/lineage-tests; without PyPI
 * (or python3 -m venv) the tests skip and say why.
 */
const MLFLOW = '3.17.2';
const DVC = '3.67.1';
const IMPORT = path.join(PROJECT_ROOT, 'dist', 'src', 'cli', 'import.js');
const VERIFY = path.join(PROJECT_ROOT, 'dist', 'src', 'cli', 'verify.js');
const SCRIPTS = path.join(PROJECT_ROOT, 'test', 'importers', 'python');

const RAW_V1 = 'id,amount\n1,10\n2,20\n3,30\n4,40\n';
const RAW_V2 = 'id,amount\n1,10\n2,20\n3,30\n4,40\n5,50\n6,60\n';

interface Cli {
  code: number;
  stdout: string;
  stderr: string;
}

const md5 = (text: string | Buffer) => createHash('md5').update(text).digest('hex');

describe(`importing MLflow ${MLFLOW} and DVC ${DVC} history`, () => {
  let unavailable: string | null = null;
  let mlflow: Venv;
  let dvc: Venv;
  let service: TestService;
  let work: string;
  let repo: string;
  let server: ChildProcess | null = null;
  let trackingUrl: string;
  const prefix = uniqueNamespace('imp');
  const model = `${prefix}-fraud-detector`;
  const actor = `import-test-${prefix}`;
  const repository = `https://git.example/${prefix}/fraud`;
  const env = () => ({ ...process.env, NEO4J_URI: testNeo4jUri(), LOG_LEVEL: 'silent', XDG_STATE_HOME: path.join(work, 'state') });
  const cli = (script: string, args: string[], timeout = 300_000): Promise<Cli> =>
    new Promise((resolve) => {
      execFile(process.execPath, [script, ...args], { env: env(), timeout, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) =>
        resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
  const importMlflow = (...more: string[]) => cli(IMPORT, ['--from-mlflow', trackingUrl, '--namespace', `${prefix}-mlflow`, '--actor', actor, ...more]);
  const importDvc = (...more: string[]) => cli(IMPORT, ['--from-dvc', repo, '--history', '--actor', actor, ...more]);
  const git = (...args: string[]) => run('git', ['-c', 'user.name=Ann Analyst', '-c', 'user.email=ann@example.com', ...args], { cwd: repo });
  const python = (script: string, ...args: string[]) => run(mlflow.python, [path.join(SCRIPTS, script), ...args], { timeout: 300_000 });
  const skipIfUnavailable = (t: TestContext) => {
    if (unavailable) t.skip(unavailable);
    return unavailable !== null;
  };
  /** What docs/import.md shows, from this run: rewritten with UPDATE_DOCS=1, checked otherwise. */
  const transcript: string[] = [];
  const show = (command: string, output: string) => transcript.push(`$ ${command}\n${output.trimEnd()}`);
  const auditCount = async () =>
    dataOf<any>(await service.graphql(`query($a: String) { auditTrail(actor: $a) { totalCount } }`, { a: actor })).auditTrail.totalCount as number;

  before(async () => {
    try {
      [mlflow, dvc] = [await ensureVenv('mlflow', MLFLOW), await ensureVenv('dvc', DVC)];
      for (const venv of [mlflow, dvc]) {
        process.stdout.write(
          `# ${path.basename(venv.dir)}: ${venv.installSeconds === null ? 'cached virtualenv' : `installed from PyPI in ${venv.installSeconds} s`}\n`,
        );
      }
    } catch (error) {
      if (!(error instanceof VenvUnavailable)) throw error;
      unavailable = `skipped: ${error.message}`;
      return;
    }
    service = await startTestService();
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'lineage-import-'));
    const port = await freePort();
    trackingUrl = `http://127.0.0.1:${port}`;
    const log = fs.openSync(path.join(work, 'mlflow-server.log'), 'w');
    server = spawn(
      mlflow.bin('mlflow'),
      [
        'server',
        '--backend-store-uri',
        `sqlite:///${work}/mlflow.db`,
        '--artifacts-destination',
        `${work}/artifacts`,
        '--host',
        '127.0.0.1',
        '--port',
        String(port),
        '--workers',
        '1',
      ],
      { detached: true, stdio: ['ignore', log, log], env: { ...process.env, MLFLOW_SERVER_ENABLE_JOB_EXECUTION: 'false' } },
    );
    await waitFor(
      async () => (await fetch(`${trackingUrl}/health`).catch(() => null))?.ok === true,
      240_000,
      () => fs.readFileSync(path.join(work, 'mlflow-server.log'), 'utf8'),
    );

    // The DVC project: raw data, params, a prepare stage (a directory output) and a train stage that is the MLflow run.
    repo = path.join(work, 'fraud');
    fs.mkdirSync(path.join(repo, 'data', 'raw'), { recursive: true });
    await git('init', '-q', '-b', 'main');
    await git('remote', 'add', 'origin', `${repository}.git`);
    await run(dvc.bin('dvc'), ['init', '-q'], { cwd: repo });
    fs.copyFileSync(path.join(SCRIPTS, 'prepare.py'), path.join(repo, 'prepare.py'));
    fs.copyFileSync(path.join(SCRIPTS, 'train.py'), path.join(repo, 'train.py'));
    fs.writeFileSync(path.join(repo, 'params.yaml'), 'train:\n  depth: 3\n  lr: 0.1\n');
    fs.writeFileSync(
      path.join(repo, 'dvc.yaml'),
      [
        'stages:',
        '  prepare:',
        '    cmd: python3 prepare.py',
        '    deps: [data/raw/transactions.csv, prepare.py]',
        '    outs: [data/prepared]',
        '  train:',
        `    cmd: ${mlflow.python} train.py`,
        '    deps: [data/prepared, train.py]',
        '    params: [train]',
        '    outs: [model.pkl]',
        '    metrics:',
        '      - metrics.json:',
        '          cache: false',
        '',
      ].join('\n'),
    );
    // The code is committed before the first run, as a team would: MLflow records the commit each training ran.
    await git('add', '-A');
    await git('commit', '-q', '-m', 'Pipeline code');
    const reproEnv = { ...process.env, MLFLOW_TRACKING_URI: trackingUrl, LINEAGE_TEST_EXPERIMENT: `${prefix}-fraud`, LINEAGE_TEST_MODEL: model };
    for (const [index, raw] of [RAW_V1, RAW_V2].entries()) {
      fs.writeFileSync(path.join(repo, 'data', 'raw', 'transactions.csv'), raw);
      await run(dvc.bin('dvc'), ['repro', '-q'], { cwd: repo, env: reproEnv, timeout: 600_000 });
      await git('add', '-A');
      await git('commit', '-q', '-m', index === 0 ? 'Pipeline on the first export' : 'More transactions');
    }
    await python('promote.py', trackingUrl, model, 'alias', 'production', '1');
    await python('promote.py', trackingUrl, model, 'stage', 'Staging', '2');
  });

  after(async () => {
    if (server?.pid) {
      const exited = new Promise((resolve) => server!.once('exit', resolve));
      process.kill(-server.pid, 'SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 20_000))]);
      if (server.exitCode === null && server.signalCode === null) process.kill(-server.pid, 'SIGKILL');
    }
    if (service) {
      await service.db.write('test.removeImported', (tx) =>
        tx.rows(`MATCH (n) WHERE (n:Deployment AND n.name STARTS WITH $prefix) OR (n:Commit AND n.repository STARTS WITH $repository) DETACH DELETE n`, {
          prefix,
          repository,
        }),
      );
      await removeIsolated(service.db, [prefix, repository]);
      await service.stop();
    }
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it('imports both; the production model traces through the MLflow run to the DVC-hashed source files', async (t) => {
    if (skipIfUnavailable(t)) return;
    const fromMlflow = await importMlflow();
    assert.equal(fromMlflow.code, 0, fromMlflow.stdout + fromMlflow.stderr);
    assert.match(fromMlflow.stdout, /2 runs, 1 models, 2 model versions, 2 live deployments; 7 recorded, 0 unchanged, 0 rejected/);
    assert.match(fromMlflow.stderr, /\[#+\] 100%/, 'a progress bar on stderr');
    const fromDvc = await importDvc();
    assert.equal(fromDvc.code, 0, fromDvc.stdout + fromDvc.stderr);
    show('npm run import -- --from-mlflow http://127.0.0.1:5000', fromMlflow.stdout);
    show('npm run import -- --from-dvc ~/fraud --history', fromDvc.stdout);
    assert.match(fromDvc.stdout, /imported DVC project https:\/\/git\.example\/.*\/fraud \(history\): 4 runs, 0 models, 0 model versions/);

    const body = dataOf<any>(
      await service.graphql(
        `query($model: String!) {
          production: liveDeployment(name: $model, environment: "production") {
            id endpoint deployedBy
            modelVersion { version trainingRun { runId commit { repository } inputs { namespace name version digest producedBy { job { name } } } } }
          }
          staging: liveDeployment(name: $model, environment: "staging") { deployedAt modelVersion { version } }
        }`,
        { model },
      ),
    );
    const { production } = body;
    assert.equal(production.modelVersion.version, '1');
    assert.equal(production.endpoint, `models:/${model}@production`);
    assert.equal(production.deployedBy, 'mlflow', 'MLflow records no user for an alias change');
    const training = production.modelVersion.trainingRun;
    assert.equal(training.commit.repository, repository, 'the commit MLflow recorded, in the repository DVC names');
    const prepared = md5(RAW_V1.split('\n').slice(0, 3).join('\n') + '\n');
    assert.deepEqual(training.inputs, [
      { namespace: repository, name: 'data/prepared/train.csv', version: prepared, digest: `md5:${prepared}`, producedBy: { job: { name: 'prepare' } } },
    ]);

    const versions = await mlflowVersions(trackingUrl, model);
    assert.equal(body.staging.modelVersion.version, '2');
    assert.equal(body.staging.deployedAt, new Date(Number(versions.get('2')!.last_updated_timestamp)).toISOString(), 'a stage is dated by its transition');

    const headline = `{\n  provenance(from: "${production.id}") {\n    sources { label properties paths { nodes { label } } }\n  }\n}`;
    const sources = dataOf<any>(
      await service.graphql(`query($id: ID!) { provenance(from: $id) { sources { label properties paths { nodes { label } } } } }`, { id: production.id }),
    ).provenance.sources;
    transcript.push(`GRAPHQL\n${headline}\nJSON\n${JSON.stringify({ sources }, null, 2)}`);
    const prepare = md5(fs.readFileSync(path.join(SCRIPTS, 'prepare.py')));
    assert.deepEqual(
      sources.map((s: any) => [s.properties.name, s.properties.digest]).sort(),
      [
        ['data/raw/transactions.csv', `md5:${md5(RAW_V1)}`],
        ['prepare.py', `md5:${prepare}`],
      ],
      'the headline question: the DVC-hashed source files of the model serving in production',
    );
  });

  it('changes nothing when run again: no write, no audit record', async (t) => {
    if (skipIfUnavailable(t)) return;
    const records = await auditCount();
    assert.ok(records > 0);
    const [again, full, dvcAgain] = [await importMlflow(), await importMlflow('--full'), await importDvc()];
    for (const answer of [again, full, dvcAgain]) {
      assert.equal(answer.code, 0, answer.stdout + answer.stderr);
      assert.match(answer.stdout, / 0 recorded, \d+ unchanged, 0 rejected/);
    }
    assert.match(again.stdout, /runs started since/, 'the second pass read from the cursor');
    assert.equal(await auditCount(), records);
  });

  it('turns a promotion made after the import into a deployment, with --follow', async (t) => {
    if (skipIfUnavailable(t)) return;
    const follower = spawn(
      process.execPath,
      [IMPORT, '--from-mlflow', trackingUrl, '--namespace', `${prefix}-mlflow`, '--actor', actor, '--follow', '--interval', '1'],
      {
        env: env(),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    follower.stdout.on('data', (chunk) => (output += chunk));
    follower.stderr.on('data', (chunk) => (output += chunk));
    try {
      const before = Date.now();
      await python('promote.py', trackingUrl, model, 'alias', 'production', '2');
      const live = async () =>
        dataOf<any>(
          await service.graphql(
            `query($m: String!) { liveDeployment(name: $m, environment: "production") { deployedAt modelVersion { version } previous { retiredAt modelVersion { version } } } }`,
            {
              m: model,
            },
          ),
        ).liveDeployment;
      await waitFor(
        async () => (await live())?.modelVersion.version === '2',
        180_000,
        () => output,
      );
      const now = await live();
      assert.ok(new Date(now.deployedAt).getTime() >= before - 1000, 'dated when the follower saw it: MLflow keeps no alias history');
      assert.deepEqual(now.previous, { retiredAt: now.deployedAt, modelVersion: { version: '1' } });
    } finally {
      const exited = new Promise((resolve) => follower.once('exit', resolve));
      follower.kill('SIGTERM');
      await exited;
    }
    assert.equal(follower.exitCode, 0, output);
  });

  it('verify tells unchanged data from changed, per source of the recipe, DVC directory hashes included', async (t) => {
    if (skipIfUnavailable(t)) return;
    const older = await cli(VERIFY, ['--model', `${model}@1`, '--data', repo]);
    assert.equal(older.code, 1, older.stdout + older.stderr);
    assert.match(older.stdout, /CHANGED +data\/raw\/transactions\.csv@/, 'version 1 was trained on the first export; the working copy holds the second');
    assert.match(older.stdout, /MATCH +prepare\.py@/);
    show('npm run verify -- --model fraud-detector@1 --data ~/fraud; echo "exit $?"', `${older.stdout}exit 1`);
    const same = await cli(VERIFY, ['--model', `${model}@2`, '--data', repo]);
    assert.equal(same.code, 0, same.stdout + same.stderr);
    show('npm run verify -- --model fraud-detector@2 --data ~/fraud; echo "exit $?"', `${same.stdout}exit 0`);
    assert.match(same.stdout, /MATCH +data\/raw\/transactions\.csv@/);
    assert.match(same.stdout, /2 match, 0 changed, 0 missing, 0 unverifiable \(exit 0\)/);

    const lock = fs.readFileSync(path.join(repo, 'dvc.lock'), 'utf8');
    const dirHash = /path: data\/prepared\n\s+hash: md5\n\s+md5: ([0-9a-f]{32}\.dir)/.exec(lock)![1]!;
    const directory = await cli(VERIFY, ['--dataset', `data/prepared@${dirHash}`, '--namespace', repository, '--data', repo, '--json']);
    assert.equal(directory.code, 0, directory.stdout + directory.stderr);
    const report = JSON.parse(directory.stdout);
    assert.deepEqual(
      report.checks.map((c: any) => [c.verdict, c.role, c.name]),
      [
        ['MATCH', 'version', 'data/prepared'],
        ['MATCH', 'source', 'data/raw/transactions.csv'],
        ['MATCH', 'source', 'prepare.py'],
      ],
      'our directory hash is the one DVC computed',
    );

    fs.appendFileSync(path.join(repo, 'data', 'raw', 'transactions.csv'), '7,70\n');
    const changed = await cli(VERIFY, ['--model', `${model}@2`, '--data', repo]);
    assert.equal(changed.code, 1, changed.stdout + changed.stderr);
    assert.match(changed.stdout, /CHANGED +data\/raw\/transactions\.csv@/);
    assert.match(changed.stdout, /MATCH +prepare\.py@/);
    documentTranscript(transcript, {
      prefix,
      trackingUrl,
      repo,
      sources: [`data/raw/transactions.csv@${md5(RAW_V1)}`, `prepare.py@${md5(fs.readFileSync(path.join(SCRIPTS, 'prepare.py')))}`],
    });
  });
});

const DOC = path.join(PROJECT_ROOT, 'docs', 'import.md');
const BLOCK = /(<!-- import-transcript -->\n)[\s\S]*?(<!-- \/import-transcript -->)/;

/**
 * docs/import.md shows this test's run: with UPDATE_DOCS=1 the block is rewritten (names made readable: the
 * test's prefix dropped, the port and directory those of the text); otherwise the block must name the same
 * DVC-hashed source files, with the same hashes, that this run traced the production model to.
 */
function documentTranscript(parts: string[], run: { prefix: string; trackingUrl: string; repo: string; sources: string[] }): void {
  const text = fs.readFileSync(DOC, 'utf8');
  if (process.env.UPDATE_DOCS === '1') {
    const readable = (value: string) =>
      value
        .split(`${run.prefix}-fraud-detector`)
        .join('fraud-detector')
        .split(`${run.prefix}-mlflow`)
        .join('http://127.0.0.1:5000')
        .split(`${run.prefix}-fraud`)
        .join('fraud')
        .split(`/${run.prefix}/`)
        .join('/acme/')
        .split(run.trackingUrl)
        .join('http://127.0.0.1:5000')
        .split(run.repo)
        .join('~/fraud');
    const body = parts
      .map((part) => {
        if (!part.startsWith('GRAPHQL\n')) return '```console\n' + readable(part) + '\n```\n';
        const [, query, json] = /^GRAPHQL\n([\s\S]*)\nJSON\n([\s\S]*)$/.exec(part)!;
        return '```graphql\n' + query + '\n```\n```json\n' + readable(json!) + '\n```\n';
      })
      .join('\n');
    fs.writeFileSync(
      DOC,
      text.replace(BLOCK, (_, open, close) => `${open}${body}${close}`),
    );
    return;
  }
  const block = BLOCK.exec(text)?.[0] ?? '';
  for (const source of run.sources) assert.ok(block.includes(source), `docs/import.md shows ${source} (UPDATE_DOCS=1 rewrites it)`);
}

async function mlflowVersions(trackingUrl: string, model: string): Promise<Map<string, { last_updated_timestamp: string }>> {
  const answer = (await (await fetch(`${trackingUrl}/api/2.0/mlflow/model-versions/search?filter=${encodeURIComponent(`name='${model}'`)}`)).json()) as {
    model_versions: Array<{ version: string; last_updated_timestamp: string }>;
  };
  return new Map(answer.model_versions.map((v) => [v.version, v]));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

async function waitFor(condition: () => Promise<boolean>, timeoutMs: number, context: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms:\n${context().slice(-4000)}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
