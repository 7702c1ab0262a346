import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_DATASETS, MAX_DEPTH, MAX_ISSUES, MAX_STRING_BYTES } from '../../src/openlineage/openlineage.checks';
import { validateEvent } from '../../src/openlineage/openlineage.validator';
import type { ValidationIssue } from '../../src/openlineage/openlineage.types';
import { loadOfficialSchema, ownEvents, readOwnEvent, sharedEvents, SKIP_WITHOUT_SHARED } from '../support/openlineage-fixtures';

type Json = Record<string, any>;

/** A small valid RunEvent to break one thing at a time. */
function runEvent(): Json {
  return {
    eventType: 'START',
    eventTime: '2024-05-01T10:00:00.123Z',
    producer: 'https://github.com/OpenLineage/OpenLineage/tree/1.24.0/client/python',
    schemaURL: 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent',
    run: { runId: '0190f1d2-7a3b-7c4d-8e5f-a1b2c3d4e5f6' },
    job: { namespace: 'ml-platform', name: 'churn.train' },
    inputs: [{ namespace: 's3://ml-features', name: 'churn/features.parquet' }],
    outputs: [{ namespace: 's3://ml-reports', name: 'churn/evaluation.parquet' }],
  };
}

function issuesOf(input: unknown): ValidationIssue[] {
  const result = validateEvent(input);
  return result.ok ? [] : result.errors;
}

function assertAccepted(input: unknown): void {
  const result = validateEvent(input);
  assert.ok(result.ok, `expected the event to be accepted, got ${JSON.stringify(result.ok ? null : result.errors)}`);
}

/** Exactly one issue, with this path and message. */
function assertOnlyIssue(input: unknown, path: string, message: string): void {
  assert.deepEqual(issuesOf(input), [{ path, message }]);
}

function withChange(change: (event: Json) => void): Json {
  const event = runEvent();
  change(event);
  return event;
}

const shared = SKIP_WITHOUT_SHARED ? [] : sharedEvents();
const official = SKIP_WITHOUT_SHARED ? null : loadOfficialSchema();
/** What the official schema refuses an event for, apart from its producer and schemaURL, which we accept with a warning. */
const officialRefusals = (event: unknown) =>
  official!.eventIssues(event).filter((issue) => !/^\/(producer|schemaURL) /.test(issue) && !/required property '(producer|schemaURL)'/.test(issue));

describe('validateEvent on the shared OpenLineage fixtures', { skip: SKIP_WITHOUT_SHARED }, () => {
  for (const { name, event } of shared) {
    it(`agrees with the official schema on ${name}`, () => {
      const officialIssues = official!.eventIssues(event);
      const ours = validateEvent(event);
      if (officialRefusals(event).length === 0)
        assert.ok(ours.ok, `the official schema accepts ${name}; we refuse it: ${JSON.stringify(!ours.ok && ours.errors)}`);
      // Not a rule in general (we do not require a facet's _producer and _schemaURL, the spec does), but true of these fixtures.
      else assert.equal(ours.ok, false, `the official schema refuses ${name} (${officialIssues.join('; ')}); we accept it`);
    });
  }

  it('refuses fluentd_event_no_run_id.json at run.runId', () => {
    const event = shared.find(({ name }) => name.endsWith('fluentd_event_no_run_id.json'));
    assert.ok(event, 'events/fluentd_event_no_run_id.json is among the shared fixtures');
    assert.deepEqual(issuesOf(event.event), [{ path: 'run.runId', message: 'run.runId is required' }]);
  });

  it('counts what the official schema and we accept', (t) => {
    const accepted = shared.filter(({ event }) => officialRefusals(event).length === 0);
    const ours = shared.filter(({ event }) => validateEvent(event).ok);
    t.diagnostic(`official schema (producer and schemaURL apart): ${accepted.length} of ${shared.length} events accepted; ours: ${ours.length}`);
    // Facet schemas are informative only: the spec's event schema checks facets as BaseFacet, and we check the
    // fields we read. What they would refuse in these fixtures (a dataSource.uri of "string", a
    // dataQualityMetrics without columnMetrics) is kept as sent.
    for (const { name, event } of ours) {
      const facetIssues = official!.facetIssues(event);
      if (facetIssues.length > 0) t.diagnostic(`facet schemas would refuse ${name}: ${facetIssues.join('; ')}`);
    }
    assert.deepEqual(
      ours.map(({ name }) => name),
      accepted.map(({ name }) => name),
    );
  });
});

describe('validateEvent on our own fixtures', () => {
  const valid = ownEvents();
  const invalid = ownEvents('invalid');

  it('has fixtures to test', () => {
    assert.equal(valid.length, 5);
    assert.ok(invalid.length >= 6);
  });

  for (const { name, event } of valid) {
    it(`accepts ${name}`, () => assertAccepted(event));
    it(`${name} conforms to the official event and facet schemas (ours included)`, { skip: SKIP_WITHOUT_SHARED }, () => {
      assert.deepEqual(official!.eventIssues(event), []);
      assert.deepEqual(official!.facetIssues(event), []);
    });
  }

  const expected: Record<string, ValidationIssue[]> = {
    'invalid/missing-run-id.json': [{ path: 'run.runId', message: 'run.runId is required' }],
    'invalid/bad-event-time-and-type.json': [
      { path: 'eventTime', message: "eventTime 'yesterday' is not an RFC 3339 date-time" },
      { path: 'eventType', message: "eventType 'DONE' must be one of START, RUNNING, COMPLETE, ABORT, FAIL, OTHER" },
    ],
    'invalid/bad-run-id-and-names.json': [
      { path: 'run.runId', message: "run.runId 'run-42' is not a UUID" },
      { path: 'job.name', message: 'job.name is required' },
      { path: 'outputs[1].namespace', message: 'outputs[1].namespace must not be empty' },
    ],
    'invalid/bad-model-facet.json': [
      { path: 'outputs[0].facets.lineage_modelVersion.version', message: 'outputs[0].facets.lineage_modelVersion.version is required' },
      {
        path: 'outputs[0].facets.lineage_modelVersion.metrics.auc',
        message: 'outputs[0].facets.lineage_modelVersion.metrics.auc must be a finite number, got a string',
      },
    ],
    'invalid/bad-parent-facet.json': [
      { path: 'run.facets.parent.run.runId', message: "run.facets.parent.run.runId 'manual__2024-05-01T10:00:00' is not a UUID" },
      { path: 'run.facets.parent.job.name', message: 'run.facets.parent.job.name is required' },
      { path: 'run.facets.nominalTime', message: 'run.facets.nominalTime must be an object, got a string' },
    ],
    'invalid/ambiguous-job-and-dataset.json': [
      { path: 'dataset', message: 'dataset is not allowed beside job without run: a JobEvent has no dataset and a DatasetEvent no job' },
    ],
  };

  for (const { name, event } of invalid) {
    it(`refuses ${name} with precise issues`, () => {
      assert.ok(expected[name], `write down the issues expected for ${name}`);
      assert.deepEqual(issuesOf(event), expected[name]);
    });
    it(`${name} is refused by the official schemas too`, { skip: SKIP_WITHOUT_SHARED }, () => {
      assert.notDeepEqual([...official!.eventIssues(event), ...official!.facetIssues(event)], []);
    });
  }
});

describe('validateEvent: kinds of event', () => {
  it('returns the event itself, unknown properties and facets included', () => {
    const event = readOwnEvent('run-complete.json');
    const result = validateEvent(event);
    assert.ok(result.ok);
    assert.equal(result.event, event);
    assert.deepEqual((result.event as Json).customTopLevelProperty, { kept: true });
  });

  it('accepts a DatasetEvent and a JobEvent', () => {
    assertAccepted(readOwnEvent('dataset-event.json'));
    assertAccepted(readOwnEvent('job-event.json'));
  });

  it('names what is missing when the event is none of the three', () => {
    const event = withChange((e) => {
      delete e.run;
      delete e.job;
    });
    assert.deepEqual(issuesOf(event), [
      { path: 'run', message: 'run is required: an event has run and job (RunEvent), job alone (JobEvent) or dataset (DatasetEvent)' },
      { path: 'job', message: 'job is required' },
    ]);
  });

  it('requires job beside run', () => {
    assertOnlyIssue(
      withChange((e) => delete e.job),
      'job',
      'job is required',
    );
  });

  it('refuses what is not an object', () => {
    for (const input of [null, [], 'event', 42, undefined]) {
      assert.equal(issuesOf(input).length, 1);
      assert.equal(issuesOf(input)[0].path, '');
      assert.match(issuesOf(input)[0].message, /^an OpenLineage event must be a JSON object, got /);
    }
    assertOnlyIssue(
      withChange((e) => (e.run = null)),
      'run',
      'run must be an object, got null',
    );
  });
});

describe('validateEvent: eventTime', () => {
  const refused: Array<[unknown, string]> = [
    ['yesterday', "eventTime 'yesterday' is not an RFC 3339 date-time"],
    ['2021-11-03T10:53:52.427343', "eventTime '2021-11-03T10:53:52.427343' is not an RFC 3339 date-time: it has no time zone offset (add Z or +hh:mm)"],
    ['2024-02-30T10:00:00Z', "eventTime '2024-02-30T10:00:00Z' is not an RFC 3339 date-time: 2024-02-30 is not a calendar date"],
    ['2023-02-29T10:00:00Z', "eventTime '2023-02-29T10:00:00Z' is not an RFC 3339 date-time: 2023-02-29 is not a calendar date"],
    ['2024-05-01T24:00:00Z', "eventTime '2024-05-01T24:00:00Z' is not an RFC 3339 date-time: 24:00:00 is not a time of day"],
    ['2024-05-01T10:00:00+25:00', "eventTime '2024-05-01T10:00:00+25:00' is not an RFC 3339 date-time: +25:00 is not a time zone offset"],
    ['2024-05-01T10:00:00+0200', "eventTime '2024-05-01T10:00:00+0200' is not an RFC 3339 date-time"],
    ['2024-05-01T12:00:60Z', "eventTime '2024-05-01T12:00:60Z' is not an RFC 3339 date-time: a leap second must fall at 23:59:60 UTC"],
    ['2024-05-01', "eventTime '2024-05-01' is not an RFC 3339 date-time"],
    [1714557600000, 'eventTime must be a string, got a number'],
    [undefined, 'eventTime is required'],
  ];
  for (const [eventTime, message] of refused) {
    it(`refuses ${JSON.stringify(eventTime)}`, () => {
      assertOnlyIssue(
        withChange((e) => (e.eventTime = eventTime)),
        'eventTime',
        message,
      );
    });
  }

  it('accepts nanoseconds, offsets, lower case and a space separator, and a real leap second', () => {
    for (const eventTime of [
      '2020-12-28T19:51:01.641499Z',
      '2024-05-01T12:34:56.123456789+02:00',
      '2024-05-01t10:00:00z',
      '2024-05-01 10:00:00-05:30',
      '2016-12-31T23:59:60Z',
      '2017-01-01T00:59:60+01:00',
      '2024-02-29T00:00:00Z',
    ]) {
      assertAccepted(withChange((e) => (e.eventTime = eventTime)));
    }
  });
});

describe('validateEvent: fields', () => {
  it('names a wrong eventType and accepts each allowed one, null and none', () => {
    assertOnlyIssue(
      withChange((e) => (e.eventType = 'DONE')),
      'eventType',
      "eventType 'DONE' must be one of START, RUNNING, COMPLETE, ABORT, FAIL, OTHER",
    );
    assertOnlyIssue(
      withChange((e) => (e.eventType = 'complete')),
      'eventType',
      "eventType 'complete' must be one of START, RUNNING, COMPLETE, ABORT, FAIL, OTHER",
    );
    assertOnlyIssue(
      withChange((e) => (e.eventType = 3)),
      'eventType',
      'eventType a number must be one of START, RUNNING, COMPLETE, ABORT, FAIL, OTHER',
    );
    for (const eventType of ['START', 'RUNNING', 'COMPLETE', 'ABORT', 'FAIL', 'OTHER', null, undefined]) {
      assertAccepted(withChange((e) => (e.eventType = eventType)));
    }
  });

  it('requires the job name', () => {
    assertOnlyIssue(
      withChange((e) => delete e.job.name),
      'job.name',
      'job.name is required',
    );
    assertOnlyIssue(
      withChange((e) => (e.job.name = '')),
      'job.name',
      'job.name must not be empty',
    );
    assertOnlyIssue(
      withChange((e) => (e.job.namespace = 7)),
      'job.namespace',
      'job.namespace must be a string, got a number',
    );
  });

  it('requires a UUID run id, in any case, without a urn: prefix', () => {
    assertOnlyIssue(
      withChange((e) => (e.run.runId = 'run_id')),
      'run.runId',
      "run.runId 'run_id' is not a UUID",
    );
    assertOnlyIssue(
      withChange((e) => (e.run.runId = 'urn:uuid:0190f1d2-7a3b-7c4d-8e5f-a1b2c3d4e5f6')),
      'run.runId',
      "run.runId 'urn:uuid:0190f1d2-7a3b-7c4d-8e5f-a1b2c3d4e5f6' is not a UUID",
    );
    assertAccepted(withChange((e) => (e.run.runId = '0190F1D2-7A3B-7C4D-8E5F-A1B2C3D4E5F6')));
  });

  it('accepts an event without a usable producer or schemaURL, with a warning saying what is recorded instead', () => {
    const warningsOf = (event: Json) => {
      const result = validateEvent(event);
      assert.ok(result.ok, `expected the event to be accepted, got ${JSON.stringify(result.ok ? null : result.errors)}`);
      return result.warnings;
    };
    assert.deepEqual(warningsOf(runEvent()), []);
    assert.deepEqual(
      warningsOf(
        withChange((e) => {
          delete e.producer;
          delete e.schemaURL;
        }),
      ),
      [
        { path: 'producer', message: "producer is missing (the spec requires it); recorded as 'urn:lineage:producer:unknown'" },
        {
          path: 'schemaURL',
          message: "schemaURL is missing (the spec requires it); recorded as 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent'",
        },
      ],
    );
    assert.deepEqual(warningsOf(withChange((e) => (e.producer = 'producer'))), [
      { path: 'producer', message: "producer 'producer' is not a URI; kept as sent" },
    ]);
    assert.deepEqual(warningsOf(withChange((e) => (e.schemaURL = 'https://openlineage.io/spec/2-0-2/Open Lineage.json'))), [
      { path: 'schemaURL', message: "schemaURL 'https://openlineage.io/spec/2-0-2/Open Lineage.json' is not a URI; kept as sent" },
    ]);
    assert.deepEqual(warningsOf(withChange((e) => (e.producer = 42))), [
      { path: 'producer', message: "producer must be a string, got a number; recorded as 'urn:lineage:producer:unknown'" },
    ]);
    assert.deepEqual(warningsOf(withChange((e) => (e.producer = null))), [
      { path: 'producer', message: "producer is missing (the spec requires it); recorded as 'urn:lineage:producer:unknown'" },
    ]);
    assert.deepEqual(warningsOf(withChange((e) => (e.producer = ''))), [
      { path: 'producer', message: "producer is empty; recorded as 'urn:lineage:producer:unknown'" },
    ]);
    const dataset = { eventTime: '2024-05-01T10:00:00Z', dataset: { namespace: 'n', name: 'd' } };
    assert.deepEqual(
      warningsOf(dataset).map((warning) => warning.message),
      [
        "producer is missing (the spec requires it); recorded as 'urn:lineage:producer:unknown'",
        "schemaURL is missing (the spec requires it); recorded as 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/DatasetEvent'",
      ],
      'the default schemaURL is that of the kind of event',
    );
    assert.deepEqual(warningsOf(withChange((e) => (e.producer = 'urn:acme:pipelines:churn'))), []);
  });

  it('requires namespace and name of every dataset, with its index in the path', () => {
    const event = withChange((e) => {
      e.inputs.push({ namespace: 's3://b' });
      e.outputs = [e.outputs[0], e.outputs[0], { name: 'x', namespace: null }];
    });
    assert.deepEqual(issuesOf(event), [
      { path: 'inputs[1].name', message: 'inputs[1].name is required' },
      { path: 'outputs[2].namespace', message: 'outputs[2].namespace is required' },
    ]);
    assertOnlyIssue(
      withChange((e) => (e.outputs = { name: 'x' })),
      'outputs',
      'outputs must be an array, got an object',
    );
  });

  it('reports every issue, not only the first', () => {
    const event = withChange((e) => {
      e.eventTime = 'now';
      e.eventType = 'DONE';
      e.run.runId = 'x';
      delete e.job.name;
    });
    assert.deepEqual(
      issuesOf(event).map((issue) => issue.path),
      ['eventTime', 'eventType', 'run.runId', 'job.name'],
    );
  });
});

describe('validateEvent: facets', () => {
  it('keeps unknown and custom facets and unknown properties', () => {
    const event = withChange((e) => {
      e.run.facets = { 'spark.logicalPlan': { _producer: 'x', plan: [1, 2, { deep: true }] }, acme: { anything: null } };
      e.job.facets = { acme_owner: { team: 'retention' } };
      e.inputs[0].facets = { acme_quality: { score: 'A' } };
      e.inputs[0].inputFacets = { acme_reader: {} };
      e.outputs[0].outputFacets = { acme_writer: { mode: 'overwrite' } };
      e.somethingNew = { since: '2-1-0' };
      e.run.alsoNew = 1;
    });
    assertAccepted(event);
  });

  it('requires facets to be objects and treats null facets as absent', () => {
    assertOnlyIssue(
      withChange((e) => (e.run.facets = { nominalTime: ['2024-05-01'] })),
      'run.facets.nominalTime',
      'run.facets.nominalTime must be an object, got an array',
    );
    assertOnlyIssue(
      withChange((e) => (e.outputs[0].facets = { 'spark.version': 3 })),
      'outputs[0].facets["spark.version"]',
      'outputs[0].facets["spark.version"] must be an object, got a number',
    );
    assertOnlyIssue(
      withChange((e) => (e.job.facets = 'none')),
      'job.facets',
      'job.facets must be an object, got a string',
    );
    assertAccepted(withChange((e) => (e.run.facets = { nominalTime: null, errorMessage: null })));
  });

  it('checks the fields we read from the facets we interpret', () => {
    const cases: Array<[(e: Json) => void, string, string]> = [
      [
        (e) => (e.run.facets = { parent: { run: { runId: 'x' }, job: { namespace: 'a', name: 'b' } } }),
        'run.facets.parent.run.runId',
        "run.facets.parent.run.runId 'x' is not a UUID",
      ],
      [(e) => (e.run.facets = { parent: { job: { namespace: 'a', name: 'b' } } }), 'run.facets.parent.run', 'run.facets.parent.run is required'],
      [
        (e) => (e.run.facets = { errorMessage: { programmingLanguage: 'JAVA' } }),
        'run.facets.errorMessage.message',
        'run.facets.errorMessage.message is required',
      ],
      [
        (e) => (e.run.facets = { executionParameters: { parameters: [{ value: '1' }] } }),
        'run.facets.executionParameters.parameters[0].key',
        'run.facets.executionParameters.parameters[0].key is required',
      ],
      [
        (e) => (e.run.facets = { lineage_parameters: { parameters: [1, 2] } }),
        'run.facets.lineage_parameters.parameters',
        'run.facets.lineage_parameters.parameters must be an object, got an array',
      ],
      [
        (e) => (e.job.facets = { sourceCodeLocation: { type: 'git', version: 42 } }),
        'job.facets.sourceCodeLocation.version',
        'job.facets.sourceCodeLocation.version must be a string, got a number',
      ],
      [
        (e) => (e.outputs[0].facets = { version: { datasetVersion: '' } }),
        'outputs[0].facets.version.datasetVersion',
        'outputs[0].facets.version.datasetVersion must not be empty',
      ],
      [
        (e) => (e.outputs[0].facets = { schema: { fields: [{ name: 'a', fields: [{ type: 'INT' }] }] } }),
        'outputs[0].facets.schema.fields[0].fields[0].name',
        'outputs[0].facets.schema.fields[0].fields[0].name is required',
      ],
      [
        (e) => (e.outputs[0].outputFacets = { outputStatistics: { rowCount: 1.5 } }),
        'outputs[0].outputFacets.outputStatistics.rowCount',
        'outputs[0].outputFacets.outputStatistics.rowCount must be a whole number, got 1.5',
      ],
      [
        (e) => (e.inputs[0].inputFacets = { inputStatistics: { size: '10' } }),
        'inputs[0].inputFacets.inputStatistics.size',
        'inputs[0].inputFacets.inputStatistics.size must be a whole number, got a string',
      ],
      [
        (e) => (e.outputs[0].facets = { lineage_modelVersion: { name: 'm', version: '1', metrics: { auc: Number.NaN } } }),
        'outputs[0].facets.lineage_modelVersion.metrics.auc',
        'outputs[0].facets.lineage_modelVersion.metrics.auc must be a finite number, got NaN',
      ],
      [
        (e) => (e.outputs[0].facets = { lineage_modelVersion: { name: '', version: '1' } }),
        'outputs[0].facets.lineage_modelVersion.name',
        'outputs[0].facets.lineage_modelVersion.name must not be empty',
      ],
    ];
    for (const [change, path, message] of cases) assertOnlyIssue(withChange(change), path, message);
  });

  it('reads our model facet on outputs only; elsewhere it is kept unchecked', () => {
    assertAccepted(withChange((e) => (e.inputs[0].facets = { lineage_modelVersion: { name: 'm' } })));
  });
});

describe('validateEvent: absurd inputs', () => {
  it(`refuses more than ${MAX_DATASETS} outputs without walking them`, () => {
    const outputs = Array.from({ length: MAX_DATASETS + 1 }, () => ({ name: 42 }));
    assertOnlyIssue(
      withChange((e) => (e.outputs = outputs)),
      'outputs',
      `outputs has ${MAX_DATASETS + 1} datasets; at most ${MAX_DATASETS} are accepted in one event`,
    );
    assertAccepted(withChange((e) => (e.inputs = Array.from({ length: MAX_DATASETS }, (_, i) => ({ namespace: 's3://b', name: `f${i}` })))));
  });

  it(`refuses names over ${MAX_STRING_BYTES} bytes of UTF-8`, () => {
    const long = 'x'.repeat(MAX_STRING_BYTES + 1);
    assertOnlyIssue(
      withChange((e) => (e.outputs[0].name = long)),
      'outputs[0].name',
      `outputs[0].name is ${MAX_STRING_BYTES + 1} bytes long; at most ${MAX_STRING_BYTES} bytes are accepted`,
    );
    // 4 bytes each in UTF-8 but 2 UTF-16 units: counted in bytes.
    const spiders = '🕷'.repeat(MAX_STRING_BYTES / 4 + 1);
    assertOnlyIssue(
      withChange((e) => (e.job.namespace = spiders)),
      'job.namespace',
      `job.namespace is ${MAX_STRING_BYTES + 4} bytes long; at most ${MAX_STRING_BYTES} bytes are accepted`,
    );
    assertAccepted(withChange((e) => (e.job.name = 'y'.repeat(MAX_STRING_BYTES))));
  });

  it(`refuses nesting deeper than ${MAX_DEPTH} levels, with the path where it happens`, () => {
    let deep: Json = {};
    for (let i = 0; i < 100; i++) deep = { next: deep };
    const issues = issuesOf(withChange((e) => (e.run.facets = { custom: deep })));
    assert.equal(issues.length, 1);
    assert.match(issues[0].path, /^run\.facets\.custom(\.next)+$/);
    assert.equal(issues[0].path.split('.').length, MAX_DEPTH);
    assert.equal(issues[0].message, `the event is nested deeper than ${MAX_DEPTH} levels at ${issues[0].path}`);

    let deepest: unknown[] = [];
    for (let i = 0; i < 100_000; i++) deepest = [deepest];
    assert.equal(issuesOf(withChange((e) => (e.job.facets = { custom: { list: deepest } }))).length, 1);
  });

  it('refuses a cyclic object built in code instead of looping', () => {
    const cyclic: Json = { name: 'loop' };
    cyclic.self = cyclic;
    const issues = issuesOf(withChange((e) => (e.run.facets = { cyclic })));
    assert.equal(issues.length, 1);
    assert.match(issues[0].message, /nested deeper than 64 levels/);
  });

  it(`reports at most ${MAX_ISSUES} issues and says it stopped`, () => {
    const outputs = Array.from({ length: 50 }, () => ({ namespace: '', name: '' }));
    const issues = issuesOf(withChange((e) => (e.outputs = outputs)));
    assert.equal(issues.length, MAX_ISSUES + 1);
    assert.deepEqual(issues[0], { path: 'outputs[0].namespace', message: 'outputs[0].namespace must not be empty' });
    assert.deepEqual(issues[MAX_ISSUES], { path: '', message: `validation stopped after ${MAX_ISSUES} issues; there may be more` });
  });

  it('cuts long keys in paths', () => {
    const key = 'k'.repeat(100_000);
    const [issue] = issuesOf(withChange((e) => (e.run.facets = { [key]: 'not an object' })));
    assert.equal(issue.path, `run.facets["${'k'.repeat(80)}…"]`);
  });

  it('quotes long bad values briefly', () => {
    const [issue] = issuesOf(withChange((e) => (e.eventTime = 'x'.repeat(10_000))));
    assert.equal(issue.message, `eventTime '${'x'.repeat(100)}…' is not an RFC 3339 date-time`);
  });
});
