import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { dataOf } from '../support/graphql';
import { post, postRetrying } from '../support/openlineage-http';
import { Isolation, removeIsolated } from '../support/openlineage-isolation';
import { readOwnEvent } from '../support/openlineage-fixtures';
import { startTestService, uniqueNamespace, type TestService } from '../support/service';

type Json = Record<string, any>;
const RUN_ID = '0190f1d2-7a3b-7c4d-8e5f-a1b2c3d4e5f6';
const SHA = '9f2c1e7b4a5d6c8e0f1a2b3c4d5e6f708192a3b4';

/** Our own fixtures (test/fixtures/openlineage) through POST /api/v1/lineage, read back through GraphQL. */
describe('OpenLineage API', () => {
  let service: TestService;
  const prefixes: string[] = [];
  const isolation = () => {
    const created = new Isolation(`${uniqueNamespace('olapi')}.`);
    prefixes.push(created.prefix);
    return created;
  };
  /** An own fixture under the isolation, its model renamed too (model names are global). */
  const fixture = (copy: Isolation, name: string, change: (event: Json) => void = () => {}): Json => {
    const event = copy.event(readOwnEvent(name) as Json);
    for (const output of event.outputs ?? []) {
      const model = output.facets?.lineage_modelVersion;
      if (model) model.name = `${copy.prefix}${model.name}`;
    }
    change(event);
    return event;
  };

  before(async () => {
    service = await startTestService();
  });
  after(async () => {
    if (service) await removeIsolated(service.db, prefixes);
    await service?.stop();
  });

  it('records a training run from START and COMPLETE: job, commit, parameters, inputs, outputs, model version, facets, raw events', async () => {
    const copy = isolation();
    const start = await post(service, '/api/v1/lineage', fixture(copy, 'run-start.json'), { authorization: 'Bearer an-api-key' });
    assert.equal(start.status, 201, JSON.stringify(start.body));
    const complete = await post(service, '/api/v1/lineage', fixture(copy, 'run-complete.json'));
    assert.equal(complete.status, 201, JSON.stringify(complete.body));
    const runId = copy.runId(RUN_ID);

    const { run } = dataOf<any>(
      await service.graphql(
        `query($runId: String!) {
          run(runId: $runId) {
            state startedAt endedAt parameters errorMessage facets
            job { namespace name facets }
            commit { repository sha branch }
            parent { runId state job { name } }
            inputs { namespace name version }
            outputs { name version rowCount uri createdAt schema { name type description } facets }
            modelVersions { modelName version artifactUri framework metrics createdAt facets trainingRun { runId } }
            events { totalCount nodes { kind eventType eventTime producer receivedBy source body } }
          }
        }`,
        { runId },
      ),
    );
    assert.equal(run.state, 'COMPLETED');
    assert.equal(run.startedAt, '2024-05-01T10:00:00.000Z');
    assert.equal(run.endedAt, '2024-05-01T10:34:56.123Z', 'nanoseconds are truncated, the offset applied');
    assert.deepEqual(run.parameters, { max_depth: '6', seed: 7, learning_rate: 0.05, features: ['tenure', 'plan'] });
    assert.deepEqual(Object.keys(run.facets).sort(), [
      'acme_costCenter',
      'executionParameters',
      'lineage_parameters',
      'nominalTime',
      'parent',
      'processing_engine',
    ]);
    assert.equal(run.facets.acme_costCenter.team, 'retention', 'custom facets are kept');
    assert.equal(run.job.name, 'churn.train');
    assert.equal(run.job.facets.sourceCodeLocation.version, SHA);
    assert.deepEqual(run.commit, { repository: 'https://github.com/acme/ml-pipelines', sha: SHA, branch: 'main' });
    assert.deepEqual(run.parent, { runId: copy.runId('0190f1d2-0000-7000-8000-00000000ab01'), state: null, job: { name: 'churn_weekly' } });
    assert.deepEqual(run.inputs.map((input: Json) => `${input.namespace.slice(copy.prefix.length)} ${input.name}@${input.version}`).sort(), [
      'postgres://crm-db.internal:5432 crm.public.customers@snapshot-2024-05-01',
      's3://ml-features churn/features.parquet@unversioned',
    ]);
    const evaluation = run.outputs.find((output: Json) => output.name === 'churn/evaluation.parquet');
    assert.equal(evaluation.version, `run-${runId}`);
    assert.equal(evaluation.rowCount, 120000);
    assert.equal(evaluation.createdAt, run.endedAt, 'an output exists from the end of the run that wrote it');
    assert.deepEqual(
      evaluation.schema.map((field: Json) => field.name),
      ['customer_id', 'prediction', 'prediction.label', 'prediction.score'],
    );
    assert.ok(evaluation.facets.columnLineage.fields.customer_id, 'column lineage is kept on the version');
    assert.equal(run.outputs.find((output: Json) => output.name === 'crm.public.churn_scores').version, 'v42');
    assert.deepEqual(run.modelVersions, [
      {
        modelName: `${copy.prefix}churn-classifier`,
        version: '7',
        artifactUri: 's3://ml-models/churn/7/model.pkl',
        framework: 'scikit-learn 1.5.2',
        metrics: { auc: 0.91, f1: 0.84 },
        createdAt: run.endedAt,
        facets: run.modelVersions[0].facets,
        trainingRun: { runId },
      },
    ]);
    assert.equal(run.modelVersions[0].facets.lineage_modelVersion.version, '7');
    assert.equal(run.events.totalCount, 2);
    assert.deepEqual(
      run.events.nodes.map((event: Json) => [event.kind, event.eventType, event.receivedBy, event.source]),
      [
        ['run', 'START', 'anonymous', 'openlineage'],
        ['run', 'COMPLETE', 'anonymous', 'openlineage'],
      ],
    );
    assert.deepEqual(run.events.nodes[1].body.customTopLevelProperty, { kept: true }, 'unknown properties are kept in the raw event');
  });

  it('records a failure with its error message', async () => {
    const copy = isolation();
    const answer = await post(service, '/api/v1/lineage', fixture(copy, 'run-fail.json'));
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    const event = readOwnEvent('run-fail.json') as Json;
    const { run } = dataOf<any>(await service.graphql(`{ run(runId: "${copy.runId(event.run.runId)}") { state errorMessage facets } }`));
    assert.equal(run.state, 'FAILED');
    assert.match(run.errorMessage, /Table or view not found/);
    assert.match(run.facets.errorMessage.stackTrace, /failAnalysis/);
  });

  it('records an event dated past LIMIT_EVENT_TIME_SKEW_MS as of its arrival, with a warning, so that later events still count', async () => {
    const copy = isolation();
    const before = Date.now();
    // A START dated 9999-12-31 would stand as the run's latest word for good; as of its arrival, the COMPLETE after it ends the run.
    const start = await post(
      service,
      '/api/v1/lineage',
      fixture(copy, 'run-start.json', (e) => (e.eventTime = '9999-12-31T00:00:00Z')),
    );
    assert.equal(start.status, 201, JSON.stringify(start.body));
    const warning = start.body.warnings.find((w: Json) => w.path === 'eventTime');
    assert.match(
      warning?.message ?? '',
      /9999-12-31T00:00:00Z is more than 3600000 ms after the event arrived \(LIMIT_EVENT_TIME_SKEW_MS\); recorded as of its arrival/,
    );
    const complete = await post(
      service,
      '/api/v1/lineage',
      fixture(copy, 'run-complete.json', (e) => (e.eventTime = new Date().toISOString())),
    );
    assert.equal(complete.status, 201, JSON.stringify(complete.body));
    const { run } = dataOf<any>(
      await service.graphql(`{ run(runId: "${copy.runId(RUN_ID)}") { state startedAt events { nodes { eventType eventTime body } } } }`),
    );
    assert.equal(run.state, 'COMPLETED');
    assert.ok(Date.parse(run.startedAt) >= before - 1_000 && Date.parse(run.startedAt) <= Date.now(), run.startedAt);
    // The raw event keeps the time it was sent with.
    const stored = run.events.nodes.find((event: Json) => event.eventType === 'START');
    assert.equal(stored.body.eventTime, '9999-12-31T00:00:00Z');
  });

  it('updates datasets from DatasetEvents and jobs from JobEvents', async () => {
    const copy = isolation();
    assert.equal((await post(service, '/api/v1/lineage', fixture(copy, 'dataset-event.json'))).status, 201);
    assert.equal((await post(service, '/api/v1/lineage', fixture(copy, 'job-event.json'))).status, 201);
    const body = dataOf<any>(
      await service.graphql(
        `query($hive: String!, $ml: String!, $file: String!) {
          dataset(namespace: $hive, name: "features.churn_features") { facets events { nodes { kind } } }
          job(namespace: $ml, name: "churn.score") { facets events { nodes { kind } } runs { totalCount } }
          input: dataset(namespace: $file, name: "/data/churn/customers.csv") { name }
        }`,
        { hive: copy.namespace('hive://metastore.internal:9083'), ml: copy.namespace('ml-platform'), file: copy.namespace('file') },
      ),
    );
    assert.deepEqual(
      body.dataset.facets.schema.fields.map((field: Json) => field.name),
      ['customer_id', 'tenure_months'],
    );
    assert.ok(body.dataset.facets.symlinks);
    assert.deepEqual(body.dataset.events.nodes, [{ kind: 'dataset' }]);
    assert.equal(body.job.facets.sourceCodeLocation.type, 'git');
    assert.deepEqual(body.job.events.nodes, [{ kind: 'job' }]);
    assert.equal(body.job.runs.totalCount, 0, 'a JobEvent describes a job, not a run');
    assert.deepEqual(body.input, { name: '/data/churn/customers.csv' });
  });

  it('keeps a sourceCodeLocation whose version is no commit SHA on the job, and records no commit', async () => {
    const copy = isolation();
    const event = fixture(copy, 'run-start.json', (e) => (e.job.facets.sourceCodeLocation.version = 'v3.2.0'));
    assert.equal((await post(service, '/api/v1/lineage', event)).status, 201);
    const { run } = dataOf<any>(await service.graphql(`{ run(runId: "${copy.runId(RUN_ID)}") { commit { sha } job { facets } } }`));
    assert.equal(run.commit, null);
    assert.equal(run.job.facets.sourceCodeLocation.version, 'v3.2.0');
  });

  it('records START and COMPLETE of a run sent at the same time as if they had come one after the other', async (t) => {
    const copy = isolation();
    const runs = Array.from({ length: 12 }, (_, k) => `0190f1d2-7a3b-7c4d-8e5f-${String(k).padStart(12, '0')}`);
    const answers = await Promise.all(
      runs.flatMap((runId) =>
        // Retrying a 503 as a producer does: concurrent writers of one run may deadlock, and on a busy machine a
        // transaction may outlast the driver's retries; the answer is then "retry", never a refusal.
        ['run-start.json', 'run-complete.json'].map((name) =>
          postRetrying(
            service,
            '/api/v1/lineage',
            fixture(copy, name, (e) => {
              e.run.runId = copy.runId(runId);
              // One written version per run: a version has one writer.
              for (const output of e.outputs) {
                if (output.facets?.lineage_modelVersion) output.facets.lineage_modelVersion.version = runId;
                if (output.facets?.version) output.facets.version.datasetVersion = runId;
              }
            }),
          ),
        ),
      ),
    );
    assert.deepEqual(new Set(answers.map((answer) => answer.status)), new Set([201]), JSON.stringify(answers.find((a) => a.status !== 201)?.body));
    t.diagnostic(`503 answers retried: ${answers.reduce((sum, answer) => sum + answer.retried, 0)} of ${answers.length} events`);
    for (const runId of runs) {
      const { run } = dataOf<any>(await service.graphql(`{ run(runId: "${copy.runId(runId)}") { state startedAt endedAt parameters events { totalCount } } }`));
      assert.deepEqual(run, {
        state: 'COMPLETED',
        startedAt: '2024-05-01T10:00:00.000Z',
        endedAt: '2024-05-01T10:34:56.123Z',
        parameters: { max_depth: '6', seed: 7, learning_rate: 0.05, features: ['tenure', 'plan'] },
        events: { totalCount: 2 },
      });
    }
  });

  it('records a contradicting event with the contradicting part set aside: 201, a warning, the conflict kept with the event, queryable and audited', async () => {
    const copy = isolation();
    assert.equal((await post(service, '/api/v1/lineage', fixture(copy, 'run-start.json'))).status, 201);
    const moved = fixture(copy, 'run-complete.json', (e) => (e.job.name = 'churn.other'));
    const answer = await post(service, '/api/v1/lineage', moved);
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    assert.equal(answer.body.status, 'accepted');
    const warning = answer.body.warnings.find((w: Json) => w.path === 'job');
    assert.match(warning?.message ?? '', /belongs to another job; it cannot move to .*churn\.other; set aside/);
    const { run, job } = dataOf<any>(
      await service.graphql(
        `{ run(runId: "${copy.runId(RUN_ID)}") {
             id state events { totalCount } history { nodes { operation } }
             conflicts { totalCount nodes { id eventType conflicts { entityId path message } } }
           }
           job(namespace: "${copy.namespace('ml-platform')}", name: "churn.other") { id } }`,
      ),
    );
    assert.equal(run.state, 'COMPLETED', 'the rest of the event is recorded: the run ended');
    assert.equal(run.events.totalCount, 2, 'the raw event is stored');
    assert.equal(job, null, 'the job it named is set aside');
    assert.equal(run.conflicts.totalCount, 1);
    assert.equal(run.conflicts.nodes[0].id, answer.body.eventId);
    assert.deepEqual(
      run.conflicts.nodes[0].conflicts.map((c: Json) => [c.entityId, c.path]),
      [[run.id, 'job']],
    );
    assert.ok(
      run.history.nodes.some((record: Json) => record.operation === 'openlineage.RunEvent.COMPLETE'),
      'audited',
    );
  });

  it('answers 400 only for what cannot become lineage, with the JSON path of each problem', async () => {
    const copy = isolation();
    const cases: Array<[(event: Json) => void, string[]]> = [
      [(e) => ((e.run.runId = 'run-42'), delete e.eventTime), ['eventTime']],
      [(e) => delete e.run.runId, ['run.runId']],
      [(e) => (e.job.name = ''), ['job.name']],
      [(e) => (e.job.name = 'x'.repeat(1025)), ['job.name']],
      [(e) => (e.run.facets.parent.run.runId = e.run.runId), ['run.facets.parent.run.runId']],
    ];
    for (const [change, paths] of cases) {
      const answer = await post(service, '/api/v1/lineage', fixture(copy, 'run-complete.json', change));
      assert.equal(answer.status, 400, `${paths.join(', ')}: ${JSON.stringify(answer.body)}`);
      assert.equal(answer.body.error.code, 'BAD_USER_INPUT');
      assert.deepEqual(
        answer.body.error.issues.map((issue: Json) => issue.path),
        paths,
      );
    }
  });

  it('records the rest of an event when one dataset cannot be read or is over our limits, with a warning naming it', async () => {
    const cases: Array<[(event: Json) => void, string, RegExp]> = [
      [(e) => (e.outputs[0].name = 'x'.repeat(1025)), 'outputs[0]', /^outputs\[0\]\.name: .*; the output is set aside$/],
      [
        (e) => (e.outputs[0].facets.schema.fields[1].fields[0].name = 'la\u0000bel'),
        'outputs[0]',
        /^outputs\[0\]\.facets\.schema\.fields\[1\]\.fields\[0\]\.name: .*; the output is set aside$/,
      ],
      [
        (e) => (e.outputs[1].facets.version.datasetVersion = 'v'.repeat(300)),
        'outputs[1]',
        /^outputs\[1\]\.facets\.version\.datasetVersion: .*; the output is set aside$/,
      ],
      [
        (e) => (e.outputs[2].facets.lineage_modelVersion.metrics = { auc: 'high' }),
        'outputs[2]',
        /metrics\.auc must be a finite number, got a string; the output is set aside$/,
      ],
      [(e) => (e.inputs[0].namespace = ''), 'inputs[0]', /^inputs\[0\]\.namespace must not be empty; the input is set aside$/],
    ];
    for (const [change, path, message] of cases) {
      const copy = isolation();
      const answer = await post(service, '/api/v1/lineage', fixture(copy, 'run-complete.json', change));
      assert.equal(answer.status, 201, `${path}: ${JSON.stringify(answer.body)}`);
      assert.deepEqual(
        answer.body.warnings.map((warning: Json) => warning.path),
        [path],
      );
      assert.match(answer.body.warnings[0].message, message);
      const { run } = dataOf<any>(
        await service.graphql(`{ run(runId: "${copy.runId(RUN_ID)}") { state inputs { name } outputs { name } modelVersions { version } } }`),
      );
      assert.equal(run.state, 'COMPLETED', path);
      const recorded = run.inputs.length + run.outputs.length + run.modelVersions.length;
      assert.equal(recorded, 4, `${path}: the other datasets are recorded (${JSON.stringify(run)})`);
    }
  });

  it('refuses malformed JSON, other content types and unsupported encodings with a clear 4xx', async () => {
    const malformed = await post(service, '/api/v1/lineage', null, {}, '{"eventType": "START",');
    assert.equal(malformed.status, 400);
    assert.equal(malformed.body.error.code, 'BAD_USER_INPUT');
    assert.match(malformed.body.error.message, /^body: is not valid JSON/);
    const text = await post(service, '/api/v1/lineage', null, { 'content-type': 'text/plain' }, '{}');
    assert.equal(text.status, 415);
    assert.equal(text.body.error.code, 'BAD_USER_INPUT');
    const ndjson = await post(service, '/api/v1/lineage', null, { 'content-type': 'application/x-ndjson' }, '{}\n');
    assert.equal(ndjson.status, 415);
    assert.match(ndjson.body.error.message, /\/api\/v1\/lineage\/batch/);
    const brotli = await post(service, '/api/v1/lineage', null, { 'content-encoding': 'br' }, '{}');
    assert.equal(brotli.status, 415);
    assert.match(brotli.body.error.message, /content-encoding 'br' is not supported/);
    const notAnEvent = await post(service, '/api/v1/lineage', [1, 2]);
    assert.equal(notAnEvent.status, 400);
    assert.deepEqual(notAnEvent.body.error.issues, [{ path: '', message: 'an OpenLineage event must be a JSON object, got an array' }]);
  });

  it('takes gzip-compressed events', async () => {
    const copy = isolation();
    const body = gzipSync(Buffer.from(JSON.stringify(fixture(copy, 'run-start.json'))));
    const answer = await post(service, '/api/v1/lineage', null, { 'content-encoding': 'gzip' }, body);
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
  });

  it('answers a batch event by event: a bad line or an invalid event sinks only itself, a conflict is set aside', async () => {
    const copy = isolation();
    const start = fixture(copy, 'run-start.json');
    const conflicting = fixture(copy, 'run-complete.json', (e) => (e.job.name = 'elsewhere'));
    const invalid = fixture(copy, 'run-fail.json', (e) => delete e.job.name);
    const lines = [
      JSON.stringify(start),
      '{"not json',
      JSON.stringify(invalid),
      JSON.stringify(conflicting),
      JSON.stringify(fixture(copy, 'dataset-event.json')),
      JSON.stringify(start),
    ];
    const answer = await post(service, '/api/v1/lineage/batch', null, { 'content-type': 'application/x-ndjson' }, `${lines.join('\n')}\n`);
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.deepEqual(
      answer.body.results.map((result: Json) => [result.index, result.status, result.error?.code ?? null]),
      [
        [0, 'accepted', null],
        [1, 'rejected', 'BAD_USER_INPUT'],
        [2, 'rejected', 'BAD_USER_INPUT'],
        [3, 'accepted', null],
        [4, 'accepted', null],
        [5, 'duplicate', null],
      ],
    );
    assert.match(answer.body.results[1].error.message, /^line 2: is not valid JSON/);
    assert.deepEqual(
      answer.body.results[2].error.issues.map((issue: Json) => issue.path),
      ['job.name'],
    );
    assert.deepEqual(
      { accepted: answer.body.accepted, duplicates: answer.body.duplicates, rejected: answer.body.rejected },
      { accepted: 3, duplicates: 1, rejected: 2 },
    );
    assert.equal(answer.body.results[5].eventId, answer.body.results[0].eventId);
    assert.deepEqual(
      answer.body.results.map((result: Json) => result.warnings.map((warning: Json) => warning.path)),
      [[], [], [], ['job'], [], []],
      'the conflict is set aside, with a warning',
    );
  });

  it('accepts events without producer or schemaURL, with the defaults recorded and a warning in the answer of both routes', async () => {
    const copy = isolation();
    const bare = (name: string) =>
      fixture(copy, name, (e) => {
        delete e.producer;
        delete e.schemaURL;
      });
    const single = await post(service, '/api/v1/lineage', bare('run-start.json'));
    assert.equal(single.status, 201, JSON.stringify(single.body));
    assert.equal(single.body.status, 'accepted');
    assert.deepEqual(
      single.body.warnings.map((warning: Json) => warning.path),
      ['producer', 'schemaURL'],
    );
    assert.match(single.body.warnings[0].message, /producer is missing .*recorded as 'urn:lineage:producer:unknown'/);
    const batch = await post(service, '/api/v1/lineage/batch', [
      bare('run-complete.json'),
      fixture(copy, 'dataset-event.json', (e) => (e.producer = 'acme pipelines')),
    ]);
    assert.equal(batch.status, 200, JSON.stringify(batch.body));
    assert.deepEqual(
      batch.body.results.map((result: Json) => [result.status, result.warnings.map((warning: Json) => warning.path)]),
      [
        ['accepted', ['producer', 'schemaURL']],
        ['accepted', ['producer']],
      ],
    );
    assert.equal(batch.body.results[1].warnings[0].message, "producer 'acme pipelines' is not a URI; kept as sent");

    const { run } = dataOf<any>(
      await service.graphql(`query($runId: String!) { run(runId: $runId) { state events { nodes { eventType producer body } } } }`, {
        runId: copy.runId(RUN_ID),
      }),
    );
    assert.equal(run.state, 'COMPLETED');
    assert.deepEqual(
      run.events.nodes.map((event: Json) => [event.eventType, event.producer, 'producer' in event.body, 'schemaURL' in event.body]),
      [
        ['START', 'urn:lineage:producer:unknown', false, false],
        ['COMPLETE', 'urn:lineage:producer:unknown', false, false],
      ],
      'the default is recorded; the raw event is kept as sent',
    );
  });
});

describe('OpenLineage API limits', () => {
  let service: TestService;
  before(async () => {
    service = await startTestService({ LIMIT_BODY_BYTES: '4096', LIMIT_BATCH_BODY_BYTES: '8192', LIMIT_BATCH_EVENTS: '2' });
  });
  after(async () => service?.stop());

  it('answers 413 for a body over the limit (decompressed size, LIMIT_BATCH_BODY_BYTES for a batch) and 400 for a batch over LIMIT_BATCH_EVENTS', async () => {
    const cases = [
      ['/api/v1/lineage', 5_000, 'LIMIT_BODY_BYTES'],
      ['/api/v1/lineage/batch', 10_000, 'LIMIT_BATCH_BODY_BYTES'],
    ] as const;
    for (const [route, size, limit] of cases) {
      const large = JSON.stringify({ padding: 'x'.repeat(size) });
      for (const [headers, body] of [
        [{}, large],
        [{ 'content-encoding': 'gzip' }, gzipSync(Buffer.from(large))],
      ] as const) {
        const answer = await post(service, route, null, headers, body);
        assert.equal(answer.status, 413, `${route} ${JSON.stringify(headers)}`);
        assert.deepEqual([answer.body.error.code, answer.body.error.limit], ['LIMIT_EXCEEDED', limit]);
      }
    }
    assert.equal((await post(service, '/api/v1/lineage/batch', [{}, { padding: 'x'.repeat(5_000) }])).status, 200, 'a batch may be larger than a single event');
    const batch = await post(service, '/api/v1/lineage/batch', [{}, {}, {}]);
    assert.equal(batch.status, 400);
    assert.deepEqual([batch.body.error.code, batch.body.error.limit], ['LIMIT_EXCEEDED', 'LIMIT_BATCH_EVENTS']);
  });
});
