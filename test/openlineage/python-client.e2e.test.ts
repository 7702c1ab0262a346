import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { PROJECT_ROOT } from '../../src/paths';
import { createTestKey } from '../support/auth';
import { dataOf } from '../support/graphql';
import { removeIsolated } from '../support/openlineage-isolation';
import { startTestService, uniqueNamespace, type TestService } from '../support/service';

const run = promisify(execFile);

/**
 * Interop with the real openlineage-python client: its HTTP transport, configured with an API key (so it sends
 * `Authorization: Bearer ...`) and, in a second pass, gzip compression, sends a small pipeline's events to the
 * running service, with authentication on and a writer key; everything is then read back through GraphQL.
 *
 * The client is installed from PyPI into a virtualenv cached under ~/.cache/lineage-tests (LINEAGE_TEST_CACHE),
 * so reruns do not download it again.
 */
const CLIENT_VERSION = '1.54.0';
const VENV = path.join(process.env.LINEAGE_TEST_CACHE ?? path.join(os.homedir(), '.cache', 'lineage-tests'), `openlineage-python-${CLIENT_VERSION}`);
const PYTHON = path.join(VENV, 'bin', 'python');
const SCRIPT = path.join(PROJECT_ROOT, 'test', 'openlineage', 'python', 'emit_events.py');
const SHA = '9f2c1e7b4a5d6c8e0f1a2b3c4d5e6f708192a3b4';

async function ensureClient(): Promise<void> {
  const installed = await run(PYTHON, [
    '-c',
    `import openlineage.client, importlib.metadata as m; assert m.version('openlineage-python') == '${CLIENT_VERSION}'`,
  ]).then(
    () => true,
    () => false,
  );
  if (installed) return;
  fs.rmSync(VENV, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(VENV), { recursive: true });
  await run('python3', ['-m', 'venv', VENV]);
  await run(path.join(VENV, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', `openlineage-python==${CLIENT_VERSION}`], {
    timeout: 600_000,
  });
}

/** A pass-through proxy in front of the service that records the Authorization header of every request. */
function recordingProxy(target: string): Promise<{ url: string; authorizations: string[]; close(): Promise<void> }> {
  const authorizations: string[] = [];
  const server = http.createServer((request, response) => {
    authorizations.push(String(request.headers.authorization ?? ''));
    const upstream = http.request(new URL(request.url ?? '/', target), { method: request.method, headers: request.headers }, (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    });
    request.pipe(upstream);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address() as { port: number };
      resolve({ url: `http://127.0.0.1:${address.port}`, authorizations, close: () => new Promise((done) => server.close(() => done())) });
    }),
  );
}

describe(`openlineage-python ${CLIENT_VERSION} over HTTP`, () => {
  let service: TestService;
  let key: { name: string; secret: string; header: Record<string, string> };
  const prefixes: string[] = [];

  before(async () => {
    await ensureClient();
    service = await startTestService({ LINEAGE_AUTH: 'on' });
    key = await createTestKey(service.services, 'writer', 'airflow');
  });
  after(async () => {
    if (service) await removeIsolated(service.db, prefixes);
    await service?.stop();
  });

  it('is refused without a valid key, as the client is told', async () => {
    const refused = await run(PYTHON, [SCRIPT, service.url, `${uniqueNamespace('py')}.`, 'not-a-key', 'none'], { timeout: 120_000 }).then(
      () => null,
      (error: { stderr: string }) => error.stderr,
    );
    assert.match(refused ?? 'accepted', /401/);
  });

  for (const compression of ['none', 'gzip']) {
    it(`records what the client sends (compression: ${compression}), sent with its Bearer API key`, async () => {
      const prefix = `${uniqueNamespace('py')}.`;
      prefixes.push(prefix);
      const proxy = await recordingProxy(service.url);
      let emitted: { stdout: string };
      try {
        emitted = await run(PYTHON, [SCRIPT, proxy.url, prefix, key.secret, compression], { timeout: 120_000 });
      } finally {
        await proxy.close();
      }
      const { dagRunId, taskRunId } = JSON.parse(emitted.stdout.trim().split('\n').pop()!) as { dagRunId: string; taskRunId: string };
      assert.deepEqual(proxy.authorizations, Array(6).fill(`Bearer ${key.secret}`), 'six events, each with the API key as a Bearer token');

      const body = dataOf<any>(
        await service.graphql(
          `query($taskRunId: String!, $dagRunId: String!, $reports: String!, $ml: String!) {
            task: run(runId: $taskRunId) {
              state startedAt endedAt
              job { namespace name facets events { totalCount } }
              commit { repository sha branch }
              parent { runId state job { name } }
              inputs { name version }
              outputs { name version rowCount schema { name type } }
              modelVersions { version framework metrics trainingRun { runId } }
              events { totalCount nodes { eventType receivedBy source } }
            }
            dag: run(runId: $dagRunId) { state children { nodes { runId } } }
            report: dataset(namespace: $reports, name: "churn/evaluation.parquet") { events { totalCount } }
            job(namespace: $ml, name: "churn.train") { events { totalCount } }
          }`,
          { taskRunId, dagRunId, reports: `${prefix}s3://ml-reports`, ml: `${prefix}ml-platform` },
          key.header,
        ),
      );
      const { task } = body;
      assert.equal(task.state, 'COMPLETED');
      assert.deepEqual([task.startedAt, task.endedAt], ['2024-06-01T08:01:00.000Z', '2024-06-01T08:30:00.000Z']);
      assert.equal(task.job.name, 'churn.train');
      assert.equal(task.job.facets.documentation.description, 'Trains the churn classifier.');
      assert.deepEqual(task.commit, { repository: 'https://github.com/acme/ml-pipelines', sha: SHA, branch: 'main' });
      assert.deepEqual(task.parent, { runId: dagRunId, state: 'COMPLETED', job: { name: 'churn_weekly' } });
      assert.deepEqual(task.inputs.map((input: any) => `${input.name}@${input.version}`).sort(), [
        'churn/features.parquet@2024-06-01',
        'crm.public.customers@unversioned',
      ]);
      assert.deepEqual(task.outputs, [
        {
          name: 'churn/evaluation.parquet',
          version: `run-${taskRunId}`,
          rowCount: 120000,
          schema: [
            { name: 'customer_id', type: 'BIGINT' },
            { name: 'score', type: 'DOUBLE' },
          ],
        },
      ]);
      assert.deepEqual(task.modelVersions, [{ version: '7', framework: 'scikit-learn 1.5.2', metrics: { auc: 0.91 }, trainingRun: { runId: taskRunId } }]);
      assert.deepEqual(
        task.events.nodes,
        [
          { eventType: 'START', receivedBy: `key:${key.name}`, source: 'openlineage' },
          { eventType: 'COMPLETE', receivedBy: `key:${key.name}`, source: 'openlineage' },
        ],
        'the key is the actor of the writes',
      );
      assert.deepEqual(body.dag, { state: 'COMPLETED', children: { nodes: [{ runId: taskRunId }] } });
      assert.equal(body.report.events.totalCount, 1, 'the DatasetEvent');
      assert.equal(body.job.events.totalCount, 1, 'the JobEvent');
    });
  }
});
