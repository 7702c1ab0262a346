import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planIngestion } from '../../src/openlineage/openlineage.mapper';
import { validateEvent } from '../../src/openlineage/openlineage.validator';
import type { IngestPlan } from '../../src/openlineage/openlineage.types';
import { readOwnEvent, sharedEvents, SKIP_WITHOUT_SHARED } from '../support/openlineage-fixtures';

type Json = Record<string, any>;

/** Through the real front door: only a validated event can be planned. */
function plan(event: unknown): IngestPlan {
  const result = validateEvent(event);
  if (!result.ok) assert.fail(`fixture refused: ${JSON.stringify(result.errors)}`);
  return planIngestion(result.event, result.setAside);
}

function planOwn(name: string, change: (event: Json) => void = () => {}): IngestPlan {
  const event = readOwnEvent(name) as Json;
  change(event);
  return plan(event);
}

const RUN_ID = '0190f1d2-7a3b-7c4d-8e5f-a1b2c3d4e5f6';

describe('planIngestion: runs', () => {
  const cases: Array<[string | null, string | null, boolean, boolean]> = [
    ['START', 'RUNNING', true, false],
    ['RUNNING', 'RUNNING', true, false],
    ['COMPLETE', 'COMPLETED', false, true],
    ['FAIL', 'FAILED', false, true],
    ['ABORT', 'ABORTED', false, true],
    ['OTHER', null, false, false],
    [null, null, false, false],
  ];
  for (const [eventType, state, starts, ends] of cases) {
    it(`maps eventType ${eventType} to state ${state}`, () => {
      const { run, eventType: planned } = planOwn('run-start.json', (e) => (eventType === null ? delete e.eventType : (e.eventType = eventType)));
      assert.equal(planned, eventType);
      assert.equal(run?.state, state);
      assert.equal(run?.startedAt, starts ? '2024-05-01T10:00:00.000Z' : null);
      assert.equal(run?.endedAt, ends ? '2024-05-01T10:00:00.000Z' : null);
    });
  }

  it('lower-cases run ids so START and COMPLETE of one run meet', () => {
    assert.equal(planOwn('run-start.json').run?.runId, RUN_ID);
    assert.equal(planOwn('run-complete.json').run?.runId, RUN_ID);
  });

  it('takes the parent run from the parent facet', () => {
    assert.deepEqual(planOwn('run-complete.json').run?.parent, {
      runId: '0190f1d2-0000-7000-8000-00000000ab01',
      job: { namespace: 'airflow', name: 'churn_weekly' },
    });
    assert.equal(planOwn('run-start.json').run?.parent, null);
  });

  it('takes the error message of a FAIL and keeps the stack trace in the facets', () => {
    const { run } = planOwn('run-fail.json');
    assert.equal(run?.state, 'FAILED');
    assert.equal(run?.endedAt, '2024-05-02T08:15:00.500Z');
    assert.equal(run?.errorMessage, 'org.apache.spark.sql.AnalysisException: Table or view not found: crm.public.customerz');
    assert.match((run?.facets.errorMessage as Json).stackTrace, /failAnalysis/);
    assert.equal((run?.facets.errorMessage as Json).programmingLanguage, 'JAVA');
  });

  it('reads parameters from executionParameters and lineage_parameters only, ours winning', () => {
    const { run } = planOwn('run-start.json');
    assert.deepEqual(run?.parameters, { max_depth: '6', seed: 7, learning_rate: 0.05, features: ['tenure', 'plan'] });
    assert.ok(run?.facets.nominalTime && run.facets.processing_engine, 'other run facets are kept, not parameters');
    assert.equal(planOwn('run-complete.json').run?.parameters, null);
    assert.deepEqual(planOwn('run-start.json', (e) => delete e.run.facets.lineage_parameters).run?.parameters, { max_depth: '6', seed: '42' });
  });

  it('keeps parameter names such as __proto__ as data', () => {
    const event = readOwnEvent('run-start.json') as Json;
    event.run.facets = JSON.parse('{"lineage_parameters": {"parameters": {"__proto__": {"polluted": true}}}}');
    const parameters = plan(event).run?.parameters as Json;
    assert.deepEqual(Object.keys(parameters), ['__proto__']);
    assert.equal(({} as Json).polluted, undefined);
    assert.equal(Object.getPrototypeOf(parameters), Object.prototype);
  });

  it('keeps all run facets, custom ones included, and drops null ones', () => {
    assert.deepEqual(Object.keys(planOwn('run-complete.json').run?.facets ?? {}), ['parent', 'acme_costCenter']);
    const { run } = planOwn('run-complete.json', (e) => (e.run.facets.parent = null));
    assert.deepEqual(Object.keys(run?.facets ?? {}), ['acme_costCenter']);
    assert.equal(run?.parent, null);
  });
});

describe('planIngestion: event time', () => {
  it('normalises nanoseconds and offsets to UTC milliseconds', () => {
    assert.equal(planOwn('run-complete.json').eventTime, '2024-05-01T10:34:56.123Z');
    assert.equal(planOwn('run-start.json').eventTime, '2024-05-01T10:00:00.000Z');
  });

  it('moves the date when the offset crosses midnight', () => {
    assert.equal(planOwn('job-event.json').eventTime, '2024-05-01T02:00:00.000Z');
  });

  it('truncates rather than rounds, so an instant never moves into the next day', () => {
    assert.equal(planOwn('run-start.json', (e) => (e.eventTime = '2024-12-31T23:59:59.999999999Z')).eventTime, '2024-12-31T23:59:59.999Z');
  });

  it('keeps a leap second before the next minute', () => {
    assert.equal(planOwn('run-start.json', (e) => (e.eventTime = '2016-12-31T23:59:60.5Z')).eventTime, '2016-12-31T23:59:59.999Z');
    assert.equal(planOwn('run-start.json', (e) => (e.eventTime = '2017-01-01T00:59:60+01:00')).eventTime, '2016-12-31T23:59:59.999Z');
  });

  it('handles the first years of the calendar', () => {
    assert.equal(planOwn('run-start.json', (e) => (e.eventTime = '0099-03-01T00:00:00Z')).eventTime, '0099-03-01T00:00:00.000Z');
  });

  it('normalises the shared nanosecond and +10:00 fixtures', { skip: SKIP_WITHOUT_SHARED }, () => {
    const byName = new Map(sharedEvents().map(({ name, event }) => [name, event]));
    assert.equal(plan(byName.get('events/marquez_event_required_nanoseconds.json')).eventTime, '2020-12-28T19:51:01.641Z');
    assert.equal(plan(byName.get('events/marquez_event_simple.json')).eventTime, '2020-12-28T09:52:00.001Z');
  });
});

describe('planIngestion: datasets', () => {
  const complete = planOwn('run-complete.json');
  const output = (name: string) => complete.outputs.find((dataset) => dataset.name === name);
  const input = (name: string) => complete.inputs.find((dataset) => dataset.name === name);

  it('derives the version of an output without a version facet from the run that wrote it', () => {
    assert.equal(output('churn/evaluation.parquet')?.version, `run-${RUN_ID}`);
    assert.equal(output('churn/evaluation.parquet')?.versionSource, 'derived-from-run');
  });

  it('derives the same plan from the same event, every time', () => {
    assert.deepEqual(planOwn('run-complete.json'), complete);
    assert.deepEqual(JSON.parse(JSON.stringify(planOwn('run-complete.json'))), JSON.parse(JSON.stringify(complete)));
  });

  it('derives the same version whatever the case of the run id', () => {
    const upper = planOwn('run-complete.json', (e) => (e.run.runId = RUN_ID.toUpperCase()));
    assert.equal(upper.outputs[0].version, `run-${RUN_ID}`);
  });

  it('lets the version facet win, on outputs and inputs', () => {
    assert.equal(output('crm.public.churn_scores')?.version, 'v42');
    assert.equal(output('crm.public.churn_scores')?.versionSource, 'facet');
    assert.equal(input('crm.public.customers')?.version, 'snapshot-2024-05-01');
    assert.equal(input('crm.public.customers')?.versionSource, 'facet');
  });

  it('leaves the version of an input without a facet to the service', () => {
    assert.equal(input('churn/features.parquet')?.version, null);
    assert.equal(input('churn/features.parquet')?.versionSource, 'unknown');
  });

  it('flattens nested schema fields with dotted names', () => {
    assert.deepEqual(output('churn/evaluation.parquet')?.schemaFields, [
      { name: 'customer_id', type: 'BIGINT', description: 'CRM customer key', path: 'outputs[0].facets.schema.fields[0]' },
      { name: 'prediction', type: 'STRUCT', description: null, path: 'outputs[0].facets.schema.fields[1]' },
      { name: 'prediction.label', type: 'BOOLEAN', description: null, path: 'outputs[0].facets.schema.fields[1].fields[0]' },
      { name: 'prediction.score', type: 'DOUBLE', description: 'probability of churn', path: 'outputs[0].facets.schema.fields[1].fields[1]' },
    ]);
    assert.equal(output('crm.public.churn_scores')?.schemaFields, null);
  });

  it('says where each dataset, its version and its row count were in the event', () => {
    const complete = planOwn('run-complete.json');
    assert.deepEqual(
      complete.inputs.map((dataset) => [dataset.path, dataset.versionPath, dataset.rowCountPath]),
      [
        ['inputs[0]', 'inputs[0].facets.version.datasetVersion', 'inputs[0].inputFacets.inputStatistics.rowCount'],
        ['inputs[1]', null, null],
      ],
    );
    assert.deepEqual(
      complete.outputs.map((dataset) => [dataset.path, dataset.versionPath, dataset.rowCountPath]),
      [
        ['outputs[0]', null, 'outputs[0].outputFacets.outputStatistics.rowCount'],
        ['outputs[1]', 'outputs[1].facets.version.datasetVersion', null],
      ],
    );
  });

  it('keeps the column lineage facet as sent', () => {
    const event = readOwnEvent('run-complete.json') as Json;
    assert.deepEqual(output('churn/evaluation.parquet')?.columnLineage, event.outputs[0].facets.columnLineage);
    assert.equal(output('crm.public.churn_scores')?.columnLineage, null);
  });

  it('reads row counts and sizes from the statistics facets', () => {
    assert.equal(input('crm.public.customers')?.rowCount, 120000);
    assert.equal(input('crm.public.customers')?.bytes, 52428800);
    assert.equal(output('churn/evaluation.parquet')?.rowCount, 120000);
    assert.equal(output('churn/evaluation.parquet')?.bytes, 3145728);
    assert.equal(output('crm.public.churn_scores')?.rowCount, null);
  });

  it('keeps dataset facets and input/output facets apart, unknown ones too', () => {
    assert.deepEqual(Object.keys(output('churn/evaluation.parquet')?.facets ?? {}), ['schema', 'columnLineage']);
    assert.deepEqual(Object.keys(output('churn/evaluation.parquet')?.ioFacets ?? {}), ['outputStatistics']);
    assert.deepEqual(Object.keys(input('crm.public.customers')?.ioFacets ?? {}), ['inputStatistics']);
    const custom = planOwn('run-complete.json', (e) => (e.inputs[1].facets = { acme_quality: { grade: 'A' } }));
    assert.deepEqual(custom.inputs[1].facets, { acme_quality: { grade: 'A' } });
  });

  it('gives a storage URI only where the namespace is a storage location', () => {
    assert.equal(input('churn/features.parquet')?.uri, 's3://ml-features/churn/features.parquet');
    assert.equal(input('crm.public.customers')?.uri, null);
    const job = planOwn('job-event.json');
    assert.equal(job.inputs[0].uri, 'file:///data/churn/customers.csv');
    assert.equal(job.outputs[0].uri, 'gs://ml-scores/churn/scores.csv');
    assert.equal(planOwn('job-event.json', (e) => (e.inputs[0].name = 'relative.csv')).inputs[0].uri, null);
    assert.equal(planOwn('job-event.json', (e) => (e.inputs[0].namespace = 'kafka://broker:9092')).inputs[0].uri, null);
  });
});

describe('planIngestion: model versions', () => {
  const complete = planOwn('run-complete.json');

  it('turns an output with lineage_modelVersion into a model version, not an output', () => {
    assert.deepEqual(
      complete.outputs.map((dataset) => dataset.name),
      ['churn/evaluation.parquet', 'crm.public.churn_scores'],
    );
    assert.equal(complete.modelVersions.length, 1);
    const [model] = complete.modelVersions;
    assert.deepEqual(
      { ...model, facets: Object.keys(model.facets) },
      {
        path: 'outputs[2].facets.lineage_modelVersion',
        name: 'churn-classifier',
        version: '7',
        artifactUri: 's3://ml-models/churn/7/model.pkl',
        framework: 'scikit-learn 1.5.2',
        metrics: { auc: 0.91, f1: 0.84 },
        dataset: { namespace: 's3://ml-models', name: 'churn/7' },
        facets: ['lineage_modelVersion'],
        ioFacets: {},
      },
    );
  });

  it('leaves optional model fields null', () => {
    const plan = planOwn('run-complete.json', (e) => (e.outputs[2].facets.lineage_modelVersion = { name: 'm', version: '1' }));
    assert.deepEqual([plan.modelVersions[0].artifactUri, plan.modelVersions[0].framework, plan.modelVersions[0].metrics], [null, null, null]);
  });

  it('ignores the facet on inputs, where it is kept as any facet', () => {
    const plan = planOwn('run-complete.json', (e) => (e.inputs[1].facets = e.outputs[2].facets));
    assert.equal(plan.modelVersions.length, 1);
    assert.ok(plan.inputs[1].facets.lineage_modelVersion);
  });
});

describe('planIngestion: jobs and commits', () => {
  it('takes the commit from a git sourceCodeLocation, whatever the case of its type', () => {
    const expected = {
      repository: 'https://github.com/acme/ml-pipelines.git',
      sha: '9f2c1e7b4a5d6c8e0f1a2b3c4d5e6f708192a3b4',
      branch: 'main',
      path: 'churn/train.py',
      url: 'https://github.com/acme/ml-pipelines/blob/9f2c1e7b4a5d6c8e0f1a2b3c4d5e6f708192a3b4/churn/train.py',
      repositoryPath: 'job.facets.sourceCodeLocation.repoUrl',
    };
    assert.deepEqual(planOwn('run-start.json').commit, expected);
    assert.deepEqual(planOwn('run-complete.json').commit, expected);
  });

  it('falls back to url for the repository, and has no commit without a sha or for another system', () => {
    const noRepoUrl = planOwn('run-start.json', (e) => delete e.job.facets.sourceCodeLocation.repoUrl);
    assert.equal(noRepoUrl.commit?.repository, noRepoUrl.commit?.url);
    assert.equal(noRepoUrl.commit?.repositoryPath, 'job.facets.sourceCodeLocation.url');
    assert.equal(planOwn('job-event.json').commit, null);
    assert.equal(planOwn('run-start.json', (e) => (e.job.facets.sourceCodeLocation.type = 'svn')).commit, null);
    assert.equal(planOwn('run-fail.json').commit, null);
  });

  it('keeps the job facets', () => {
    assert.deepEqual(planOwn('run-start.json').job, {
      namespace: 'ml-platform',
      name: 'churn.train',
      facets: { sourceCodeLocation: (readOwnEvent('run-start.json') as Json).job.facets.sourceCodeLocation },
    });
  });

  it('plans a JobEvent without a run, its outputs without a version', () => {
    const plan = planOwn('job-event.json');
    assert.equal(plan.kind, 'job');
    assert.equal(plan.run, null);
    assert.equal(plan.eventType, null);
    assert.equal(plan.job?.name, 'churn.score');
    assert.deepEqual(
      plan.outputs.map(({ version, versionSource }) => [version, versionSource]),
      [[null, 'unknown']],
    );
    assert.equal(plan.dataset, null);
  });
});

describe('planIngestion: DatasetEvent', () => {
  it('plans the dataset alone, its URI from a storage symlink', () => {
    const plan = planOwn('dataset-event.json');
    assert.deepEqual(
      { ...plan, dataset: null },
      {
        kind: 'dataset',
        eventType: null,
        eventTime: '2024-05-01T09:00:00.000Z',
        producer: 'https://github.com/acme/catalog-sync/tree/v1.0.0',
        job: null,
        run: null,
        commit: null,
        inputs: [],
        outputs: [],
        modelVersions: [],
        dataset: null,
      },
    );
    assert.equal(plan.dataset?.namespace, 'hive://metastore.internal:9083');
    assert.equal(plan.dataset?.uri, 's3://ml-features/churn/features.parquet');
    assert.equal(plan.dataset?.version, null);
    assert.equal(plan.dataset?.versionSource, 'unknown');
    assert.deepEqual(
      plan.dataset?.schemaFields?.map((field) => field.name),
      ['customer_id', 'tenure_months'],
    );
  });
});

describe('planIngestion on the shared fixtures', { skip: SKIP_WITHOUT_SHARED }, () => {
  it('plans every event our validator accepts, deterministically', () => {
    for (const { name, event } of sharedEvents()) {
      const result = validateEvent(event);
      if (!result.ok) continue;
      const first = planIngestion(result.event, result.setAside);
      assert.deepEqual(planIngestion(result.event, result.setAside), first, name);
      assert.match(first.eventTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/, name);
    }
  });

  it('reads input sizes from dataQualityMetrics when there are no input statistics', () => {
    const full = sharedEvents().find(({ name }) => name === 'events/marquez_event_full.json');
    assert.ok(full);
    const { inputs } = plan(full.event);
    assert.deepEqual([inputs[0].rowCount, inputs[0].bytes], [1000, 1048576]);
  });
});

describe('planIngestion: what the validator set aside', () => {
  it('leaves out datasets it cannot name and keeps the path of the others', () => {
    const planned = planOwn('run-complete.json', (e) => {
      e.inputs[0].namespace = '';
      e.outputs[0].name = null;
    });
    assert.deepEqual(
      planned.inputs.map((input) => input.path),
      ['inputs[1]'],
    );
    assert.deepEqual(
      planned.outputs.map((output) => [output.path, output.name]),
      [['outputs[1]', 'crm.public.churn_scores']],
    );
    assert.equal(planned.modelVersions[0]!.path, 'outputs[2].facets.lineage_modelVersion');
  });

  it('sets aside a malformed facet it interprets, neither read nor kept: a version facet without a version, a parent without a run id', () => {
    const planned = planOwn('run-complete.json', (e) => {
      e.outputs[0].facets = { version: {} };
      e.run.facets.parent = { job: { namespace: 'airflow', name: 'dag' } };
    });
    const output = planned.outputs.find((dataset) => dataset.name === 'churn/evaluation.parquet')!;
    assert.equal(output.version, `run-${RUN_ID}`, 'the version is the derived one, as without a version facet');
    assert.deepEqual(output.facets, {});
    assert.equal(planned.run?.parent, null);
    assert.equal(planned.run?.facets.parent, undefined);
  });

  it("records a job without a namespace in 'default', an unknown eventType as none, a run id that is not a UUID as sent", () => {
    const planned = planOwn('run-start.json', (e) => {
      delete e.job.namespace;
      e.eventType = 'DONE';
      e.run.runId = 'Run-42';
    });
    assert.equal(planned.job?.namespace, 'default');
    assert.equal(planned.eventType, null);
    assert.equal(planned.run?.state, null);
    assert.equal(planned.run?.runId, 'Run-42', 'only UUIDs are lower-cased: other ids may differ by case alone');
  });
});
