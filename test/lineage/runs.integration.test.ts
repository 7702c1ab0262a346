import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { dataOf, errorOf } from '../support/graphql';
import { startTestService, uniqueNamespace, type TestService } from '../support/service';

const RUN_FIELDS = `
  id runId state startedAt endedAt parameters errorMessage
  job { namespace name }
  inputs { namespace name version }
  outputs { namespace name version rowCount createdAt }
  commit { repository sha branch author }
  parent { runId }
`;
const START = `mutation($input: RunInput!) { startRun(input: $input) { ${RUN_FIELDS} } }`;
const COMPLETE = `mutation($input: RunInput!) { completeRun(input: $input) { ${RUN_FIELDS} } }`;
const FAIL = `mutation($input: RunInput!) { failRun(input: $input) { ${RUN_FIELDS} } }`;
const SHA_1 = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
const SHA_2 = 'b1b2c3d4e5f60718293a4b5c6d7e8f9012345678';

describe('runs', () => {
  let service: TestService;
  let ns: string;
  before(async () => {
    service = await startTestService();
  });
  after(async () => {
    await service?.db.write('cleanup', (tx) => tx.rows('MATCH (n) WHERE n.namespace STARTS WITH "runs-" OR n.runId STARTS WITH "runs-" DETACH DELETE n'));
    await service?.stop();
  });

  const runId = () => `${uniqueNamespace('runs')}`;
  const job = () => ({ namespace: ns, name: 'features.build' });

  before(() => {
    ns = uniqueNamespace('runs');
  });

  async function registerSource(name: string, version: string, createdAt: string) {
    dataOf(
      await service.graphql(`mutation($input: DatasetVersionInput!) { registerDatasetVersion(input: $input) { id } }`, {
        input: { namespace: ns, name, version, createdAt },
      }),
    );
  }

  it('startRun records job, inputs, outputs, commit and parameters in one call', async () => {
    await registerSource('raw/transactions', 'v1', '2024-01-01T00:00:00Z');
    const id = runId();
    const { startRun } = dataOf<any>(
      await service.graphql(START, {
        input: {
          runId: id,
          job: job(),
          at: '2024-01-02T10:00:00Z',
          inputs: [{ namespace: ns, name: 'raw/transactions', version: 'v1' }],
          outputs: [{ namespace: ns, name: 'features', version: 'f1' }],
          commit: { repository: 'git@github.com:Acme/fraud.git', sha: SHA_1.toUpperCase(), branch: 'main', author: 'ada' },
          parameters: { learningRate: 0.1, window: '30d' },
        },
      }),
    );
    assert.equal(startRun.state, 'RUNNING');
    assert.equal(startRun.startedAt, '2024-01-02T10:00:00.000Z');
    assert.equal(startRun.endedAt, null);
    assert.deepEqual(startRun.job, job());
    assert.deepEqual(startRun.inputs, [{ namespace: ns, name: 'raw/transactions', version: 'v1' }]);
    assert.equal(startRun.outputs[0].version, 'f1');
    assert.deepEqual(startRun.commit, { repository: 'https://github.com/Acme/fraud', sha: SHA_1, branch: 'main', author: 'ada' });
    assert.deepEqual(startRun.parameters, { learningRate: 0.1, window: '30d' });

    const { completeRun } = dataOf<any>(
      await service.graphql(COMPLETE, {
        input: { runId: id, at: '2024-01-02T11:00:00Z', outputs: [{ namespace: ns, name: 'features', version: 'f1', rowCount: 9_007_199_254_740_991 }] },
      }),
    );
    assert.equal(completeRun.state, 'COMPLETED');
    assert.equal(completeRun.endedAt, '2024-01-02T11:00:00.000Z');
    assert.equal(completeRun.outputs[0].rowCount, 9_007_199_254_740_991, 'large integers arrive as numbers, not {low, high}');
    assert.equal(completeRun.outputs[0].createdAt, '2024-01-02T11:00:00.000Z', 'an output exists from the moment its run ended');
    assert.equal(completeRun.id, startRun.id);
  });

  it('is idempotent: the same call twice changes nothing and returns the same ids', async () => {
    const input = { runId: runId(), job: job(), at: '2024-02-01T00:00:00Z', outputs: [{ namespace: ns, name: 'idem', version: 'x' }], parameters: { a: 1 } };
    const first = dataOf<any>(await service.graphql(COMPLETE, { input }));
    const second = dataOf<any>(await service.graphql(COMPLETE, { input }));
    assert.deepEqual(second, first);
    const [counts] = await service.db.read('test', (tx) =>
      tx.rows<{ runs: number; versions: number; edges: number }>(
        `MATCH (r:Run {runId: $runId}) RETURN count(r) AS runs, COUNT { (r)-[:WROTE]->() } AS edges, COUNT { (:DatasetVersion {namespace: $ns, name: 'idem'}) } AS versions`,
        { runId: input.runId, ns },
      ),
    );
    assert.deepEqual(counts, { runs: 1, versions: 1, edges: 1 });
  });

  it('is order-tolerant: COMPLETE before START ends in the same run as START before COMPLETE', async () => {
    const events = (id: string) => ({
      start: {
        runId: id,
        job: job(),
        at: '2024-03-01T10:00:00Z',
        inputs: [{ namespace: ns, name: 'raw/transactions', version: 'v1' }],
        outputs: [{ namespace: ns, name: `out-${id}` }],
      },
      complete: { runId: id, job: job(), at: '2024-03-01T10:30:00Z', outputs: [{ namespace: ns, name: `out-${id}`, rowCount: 42 }], parameters: { k: 'v' } },
    });
    const inOrder = runId();
    const reversed = runId();
    dataOf(await service.graphql(START, { input: events(inOrder).start }));
    const a = dataOf<any>(await service.graphql(COMPLETE, { input: events(inOrder).complete })).completeRun;
    dataOf(await service.graphql(COMPLETE, { input: events(reversed).complete }));
    const b = dataOf<any>(await service.graphql(START, { input: events(reversed).start })).startRun;
    const strip = (run: any) => ({
      ...run,
      id: undefined,
      runId: undefined,
      outputs: run.outputs.map((o: any) => ({ ...o, name: undefined, version: undefined })),
    });
    assert.deepEqual(strip(b), strip(a));
    assert.equal(b.state, 'COMPLETED');
    assert.equal(b.startedAt, '2024-03-01T10:00:00.000Z');
    assert.equal(b.outputs[0].version, `run-${reversed}`, 'an output without a version gets one derived from its run');
  });

  it('failRun records the error; a failed run cannot complete', async () => {
    const id = runId();
    const { failRun } = dataOf<any>(await service.graphql(FAIL, { input: { runId: id, job: job(), errorMessage: 'OOM in stage 3' } }));
    assert.equal(failRun.state, 'FAILED');
    assert.equal(failRun.errorMessage, 'OOM in stage 3');
    const error = errorOf(await service.graphql(COMPLETE, { input: { runId: id } }), 'CONFLICT');
    assert.match(error.message, /already ended FAILED; it cannot become COMPLETED/);
  });

  it('an input without a version reads the version current when the run started', async () => {
    await registerSource('customers', 'c1', '2024-04-01T00:00:00Z');
    await registerSource('customers', 'c2', '2024-04-10T00:00:00Z');
    const early = dataOf<any>(
      await service.graphql(START, { input: { runId: runId(), job: job(), at: '2024-04-05T00:00:00Z', inputs: [{ namespace: ns, name: 'customers' }] } }),
    );
    const late = dataOf<any>(
      await service.graphql(START, { input: { runId: runId(), job: job(), at: '2024-04-11T00:00:00Z', inputs: [{ namespace: ns, name: 'customers' }] } }),
    );
    assert.equal(early.startRun.inputs[0].version, 'c1');
    assert.equal(late.startRun.inputs[0].version, 'c2');
    const error = errorOf(
      await service.graphql(START, { input: { runId: runId(), job: job(), at: '2024-03-01T00:00:00Z', inputs: [{ namespace: ns, name: 'customers' }] } }),
      'NOT_FOUND',
    );
    assert.match(error.message, /customers current at 2024-03-01T00:00:00.000Z/);
  });

  it('refuses contradictions with CONFLICT and writes nothing of the failed call', async () => {
    const writer = runId();
    dataOf(await service.graphql(COMPLETE, { input: { runId: writer, job: job(), outputs: [{ namespace: ns, name: 'owned', version: '1' }] } }));

    const intruder = runId();
    const intruderJob = { namespace: ns, name: `never-created-${intruder}` };
    const stolen = errorOf(
      await service.graphql(COMPLETE, { input: { runId: intruder, job: intruderJob, outputs: [{ namespace: ns, name: 'owned', version: '1' }] } }),
      'CONFLICT',
    );
    assert.match(stolen.message, new RegExp(`was written by run ${writer}`));
    const leftovers = dataOf<any>(await service.graphql(`{ job(namespace: "${ns}", name: "${intruderJob.name}") { id } run(runId: "${intruder}") { id } }`));
    assert.deepEqual(leftovers, { job: null, run: null }, 'all or nothing: the job of the refused call was not created');

    errorOf(await service.graphql(START, { input: { runId: writer, job: { namespace: ns, name: 'other-job' } } }), 'CONFLICT');
    const lateStart = errorOf(await service.graphql(START, { input: { runId: writer, at: '2999-01-01T00:00:00Z' } }), 'CONFLICT');
    assert.match(lateStart.message, /cannot start after it ended/);

    const withParams = runId();
    dataOf(await service.graphql(START, { input: { runId: withParams, job: job(), parameters: { lr: 0.1 } } }));
    const changed = errorOf(await service.graphql(COMPLETE, { input: { runId: withParams, parameters: { lr: 0.2 } } }), 'CONFLICT');
    assert.match(changed.message, /different values given for lr/);
    const added = dataOf<any>(await service.graphql(COMPLETE, { input: { runId: withParams, parameters: { epochs: 3 } } }));
    assert.deepEqual(added.completeRun.parameters, { lr: 0.1, epochs: 3 });

    dataOf(
      await service.graphql(START, {
        input: { runId: runId(), job: job(), commit: { repository: 'https://github.com/acme/fraud', sha: SHA_2, author: 'ada' } },
      }),
    );
    const rewritten = errorOf(
      await service.graphql(START, {
        input: { runId: runId(), job: job(), commit: { repository: 'https://github.com/acme/fraud', sha: SHA_2, author: 'eve' } },
      }),
      'CONFLICT',
    );
    assert.match(rewritten.message, /author: recorded 'ada', given 'eve'/);
  });

  it('refuses bad input with BAD_USER_INPUT naming the field', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ runId: runId() }, 'job'],
      [{ runId: '', job: job() }, 'runId'],
      [{ runId: runId(), job: { namespace: '', name: 'x' } }, 'job.namespace'],
      [
        {
          runId: runId(),
          job: job(),
          outputs: [
            { namespace: ns, name: 'ok' },
            { namespace: ns, name: 'bad\u0000name' },
          ],
        },
        'outputs[1].name',
      ],
      [{ runId: runId(), job: job(), commit: { repository: 'https://github.com/acme/x', sha: 'not-a-sha' } }, 'commit.sha'],
      [{ runId: runId(), job: job(), outputs: [{ namespace: ns, name: 'neg', rowCount: -1 }] }, 'outputs[0].rowCount'],
    ];
    for (const [input, field] of cases) {
      const error = errorOf(await service.graphql(START, { input }), 'BAD_USER_INPUT');
      assert.equal(error.extensions?.field, field, `for ${JSON.stringify(input)}: ${error.message}`);
    }
    const malformedTime = await service.graphql(START, { input: { runId: runId(), job: job(), at: 'yesterday' } });
    assert.equal(malformedTime.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    assert.match(malformedTime.errors![0]!.message, /at/);
  });

  it('links parent runs and navigates every run relationship in both directions', async () => {
    const parent = runId();
    const child = runId();
    dataOf(await service.graphql(START, { input: { runId: parent, job: { namespace: ns, name: 'dag' } } }));
    errorOf(await service.graphql(START, { input: { runId: runId(), job: job(), parentRunId: 'no-such-run' } }), 'NOT_FOUND');
    dataOf(
      await service.graphql(COMPLETE, {
        input: {
          runId: child,
          job: job(),
          parentRunId: parent,
          inputs: [{ namespace: ns, name: 'raw/transactions', version: 'v1' }],
          outputs: [{ namespace: ns, name: 'nav', version: 'n1' }],
          commit: { repository: 'https://github.com/acme/nav', sha: SHA_1 },
        },
      }),
    );
    const body = dataOf<any>(
      await service.graphql(
        `query($ns: String!, $parent: String!, $child: String!) {
          parent: run(runId: $parent) { children { totalCount nodes { runId } } }
          child: run(runId: $child) { parent { runId } job { runs(first: 100) { nodes { runId } } } }
          input: datasetVersion(namespace: $ns, name: "raw/transactions", version: "v1") { consumedBy(first: 100) { nodes { runId } } producedBy { runId } dataset { name } }
          output: datasetVersion(namespace: $ns, name: "nav", version: "n1") { producedBy { runId } consumedBy { totalCount } }
          commit(repository: "https://github.com/acme/nav.git", sha: "${SHA_1}") { runs { nodes { runId } } }
        }`,
        { ns, parent, child },
      ),
    );
    assert.deepEqual(body.parent.children, { totalCount: 1, nodes: [{ runId: child }] });
    assert.deepEqual(body.child.parent, { runId: parent });
    assert.ok(body.child.job.runs.nodes.some((r: any) => r.runId === child));
    assert.ok(body.input.consumedBy.nodes.some((r: any) => r.runId === child));
    assert.equal(body.input.producedBy, null, 'a registered source has no producing run');
    assert.deepEqual(body.output.producedBy, { runId: child });
    assert.deepEqual(body.output.consumedBy, { totalCount: 0 });
    assert.deepEqual(body.commit.runs.nodes, [{ runId: child }]);
  });
});
