import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { MAX_DEPTH, MAX_ISSUES, MAX_STRING_BYTES } from '../../src/openlineage/openlineage.checks';
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

/** Accepted, with these warnings and these parts set aside (paths). */
function assertWarned(input: unknown, warnings: ValidationIssue[], setAside: string[] = warnings.map((warning) => warning.path)): void {
  const result = validateEvent(input);
  assert.ok(result.ok, `expected the event to be accepted, got ${JSON.stringify(result.ok ? null : result.errors)}`);
  assert.deepEqual(result.warnings, warnings);
  assert.deepEqual([...result.setAside], setAside);
}

/** Accepted with exactly one warning, at `path`, which is also the one part set aside. */
function assertOnlyWarning(input: unknown, path: string, message: string): void {
  assertWarned(input, [{ path, message }]);
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

/** Of the shared fixtures, those that cannot become lineage: no run id, or an eventTime without an offset. */
const SHARED_REFUSED: Record<string, ValidationIssue[]> = {
  'events/fluentd_event_no_run_id.json': [{ path: 'run.runId', message: 'run.runId is required' }],
  'events/serde_example_dataset_event.json': [
    { path: 'eventTime', message: "eventTime '2021-11-03T10:53:52.427343' is not an RFC 3339 date-time: it has no time zone offset (add Z or +hh:mm)" },
  ],
  'events/serde_example_job_event.json': [
    { path: 'eventTime', message: "eventTime '2021-11-03T10:53:52.427343' is not an RFC 3339 date-time: it has no time zone offset (add Z or +hh:mm)" },
  ],
  'events/serde_example_run_event.json': [
    { path: 'eventTime', message: "eventTime '2021-11-03T10:53:52.427343' is not an RFC 3339 date-time: it has no time zone offset (add Z or +hh:mm)" },
  ],
};

describe('validateEvent on the shared OpenLineage fixtures', { skip: SKIP_WITHOUT_SHARED }, () => {
  for (const { name, event } of shared) {
    it(`accepts ${name} without a warning if the official schema does, else with one, unless it cannot become lineage`, () => {
      const officialIssues = official!.eventIssues(event);
      const ours = validateEvent(event);
      const refused = SHARED_REFUSED[name.split(path.sep).join('/')];
      if (refused) assert.deepEqual(ours.ok ? [] : ours.errors, refused);
      else if (officialIssues.length === 0) assert.deepEqual(ours.ok && ours.warnings, [], `the official schema accepts ${name}; we warn or refuse`);
      else
        assert.ok(
          ours.ok && ours.warnings.length > 0,
          `the official schema refuses ${name} (${officialIssues.join('; ')}); we ${ours.ok ? 'do not warn' : 'refuse it'}`,
        );
    });
  }

  it('counts what the official schema and we accept', (t) => {
    const accepted = shared.filter(({ event }) => official!.eventIssues(event).length === 0);
    const ours = shared.filter(({ event }) => validateEvent(event).ok);
    t.diagnostic(`official schema: ${accepted.length} of ${shared.length} events accepted; ours: ${ours.length}`);
    // Facet schemas are informative only: the spec's event schema checks facets as BaseFacet, and we check the
    // fields we read. What they would refuse in these fixtures (a dataSource.uri of "string", a
    // dataQualityMetrics without columnMetrics) is kept as sent.
    for (const { name, event } of ours) {
      const facetIssues = official!.facetIssues(event);
      if (facetIssues.length > 0) t.diagnostic(`facet schemas would refuse ${name}: ${facetIssues.join('; ')}`);
    }
    assert.equal(ours.length, shared.length - Object.keys(SHARED_REFUSED).length);
  });
});

describe('validateEvent on our own fixtures', () => {
  const valid = ownEvents();
  const invalid = ownEvents('invalid');
  const warned = ownEvents('warnings');

  it('has fixtures to test', () => {
    assert.equal(valid.length, 5);
    assert.ok(invalid.length >= 3);
    assert.ok(warned.length >= 3);
  });

  for (const { name, event } of valid) {
    it(`accepts ${name} without a warning`, () => assertWarned(event, []));
    it(`${name} conforms to the official event and facet schemas (ours included)`, { skip: SKIP_WITHOUT_SHARED }, () => {
      assert.deepEqual(official!.eventIssues(event), []);
      assert.deepEqual(official!.facetIssues(event), []);
    });
  }

  const refused: Record<string, ValidationIssue[]> = {
    'invalid/missing-run-id.json': [{ path: 'run.runId', message: 'run.runId is required' }],
    // Its eventType alone would be a warning.
    'invalid/bad-event-time-and-type.json': [{ path: 'eventTime', message: "eventTime 'yesterday' is not an RFC 3339 date-time" }],
    // Its run id (not a UUID) and its second output (no namespace) alone would be warnings.
    'invalid/bad-run-id-and-names.json': [{ path: 'job.name', message: 'job.name is required' }],
  };

  for (const { name, event } of invalid) {
    it(`refuses ${name} with precise issues`, () => {
      assert.ok(refused[name], `write down the issues expected for ${name}`);
      assert.deepEqual(issuesOf(event), refused[name]);
    });
  }

  const warnings: Record<string, ValidationIssue[]> = {
    'warnings/ambiguous-job-and-dataset.json': [
      {
        path: 'dataset',
        message: 'dataset is not allowed beside job without run (a JobEvent has no dataset, a DatasetEvent no job); read as a JobEvent, dataset set aside',
      },
    ],
    'warnings/bad-model-facet.json': [
      {
        path: 'outputs[0]',
        message:
          'outputs[0].facets.lineage_modelVersion.version is required; outputs[0].facets.lineage_modelVersion.metrics.auc must be a finite number, got a string; the output is set aside',
      },
    ],
    'warnings/bad-parent-facet.json': [
      { path: 'run.facets.parent', message: 'run.facets.parent.job.name is required; the facet is set aside (the stored event keeps it)' },
      { path: 'run.facets.nominalTime', message: 'run.facets.nominalTime must be an object, got a string; set aside' },
    ],
  };

  for (const { name, event } of warned) {
    it(`accepts ${name} with precise warnings, setting aside what they are about`, () => {
      assert.ok(warnings[name], `write down the warnings expected for ${name}`);
      assertWarned(event, warnings[name]);
    });
  }

  for (const { name, event } of [...invalid, ...warned]) {
    it(`${name} is refused by the official schemas`, { skip: SKIP_WITHOUT_SHARED }, () => {
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
  it('reads a wrong eventType as OTHER, with a warning, and accepts each allowed one, null and none', () => {
    const why = "is not one of START, RUNNING, COMPLETE, ABORT, FAIL, OTHER; read as OTHER (the run's state does not change)";
    assertOnlyWarning(
      withChange((e) => (e.eventType = 'DONE')),
      'eventType',
      `eventType 'DONE' ${why}`,
    );
    assertOnlyWarning(
      withChange((e) => (e.eventType = 'complete')),
      'eventType',
      `eventType 'complete' ${why}`,
    );
    assertOnlyWarning(
      withChange((e) => (e.eventType = 3)),
      'eventType',
      `eventType a number ${why}`,
    );
    for (const eventType of ['START', 'RUNNING', 'COMPLETE', 'ABORT', 'FAIL', 'OTHER', null, undefined]) {
      assertWarned(
        withChange((e) => (e.eventType = eventType)),
        [],
      );
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
    assertOnlyWarning(
      withChange((e) => (e.job.namespace = 7)),
      'job.namespace',
      "job.namespace must be a string, got a number; recorded as 'default', the OpenLineage clients' default",
    );
    assertOnlyWarning(
      withChange((e) => delete e.job.namespace),
      'job.namespace',
      "job.namespace is required; recorded as 'default', the OpenLineage clients' default",
    );
  });

  it('requires a run id, and takes one that is not a UUID with a warning', () => {
    assertOnlyIssue(
      withChange((e) => delete e.run.runId),
      'run.runId',
      'run.runId is required',
    );
    assertOnlyIssue(
      withChange((e) => (e.run.runId = '')),
      'run.runId',
      'run.runId must not be empty',
    );
    assertOnlyIssue(
      withChange((e) => (e.run.runId = 42)),
      'run.runId',
      'run.runId must be a string, got a number',
    );
    assertWarned(
      withChange((e) => (e.run.runId = 'run_id')),
      [{ path: 'run.runId', message: "run.runId 'run_id' is not a UUID; used as sent" }],
      [],
    );
    assertWarned(
      withChange((e) => (e.run.runId = 'urn:uuid:0190f1d2-7a3b-7c4d-8e5f-a1b2c3d4e5f6')),
      [{ path: 'run.runId', message: "run.runId 'urn:uuid:0190f1d2-7a3b-7c4d-8e5f-a1b2c3d4e5f6' is not a UUID; used as sent" }],
      [],
    );
    assertWarned(
      withChange((e) => (e.run.runId = '0190F1D2-7A3B-7C4D-8E5F-A1B2C3D4E5F6')),
      [],
    );
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

  it('sets aside a dataset without namespace or name, with its index in the path', () => {
    const event = withChange((e) => {
      e.inputs.push({ namespace: 's3://b' });
      e.outputs = [e.outputs[0], e.outputs[0], { name: 'x', namespace: null }, 'out'];
    });
    assertWarned(event, [
      { path: 'inputs[1]', message: 'inputs[1].name is required; the input is set aside' },
      { path: 'outputs[2]', message: 'outputs[2].namespace is required; the output is set aside' },
      { path: 'outputs[3]', message: 'outputs[3] must be an object, got a string; the output is set aside' },
    ]);
    assertOnlyWarning(
      withChange((e) => (e.outputs = { name: 'x' })),
      'outputs',
      'outputs must be an array, got an object; set aside',
    );
  });

  it('refuses only what cannot become lineage, and reports every issue of it', () => {
    const event = withChange((e) => {
      e.eventTime = 'now';
      e.eventType = 'DONE';
      e.run.runId = 'x';
      delete e.job.name;
    });
    assert.deepEqual(
      issuesOf(event).map((issue) => issue.path),
      ['eventTime', 'job.name'],
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

  it('sets aside facets that are not objects and treats null facets as absent', () => {
    assertOnlyWarning(
      withChange((e) => (e.run.facets = { nominalTime: ['2024-05-01'] })),
      'run.facets.nominalTime',
      'run.facets.nominalTime must be an object, got an array; set aside',
    );
    assertOnlyWarning(
      withChange((e) => (e.outputs[0].facets = { 'spark.version': 3 })),
      'outputs[0].facets["spark.version"]',
      'outputs[0].facets["spark.version"] must be an object, got a number; set aside',
    );
    assertOnlyWarning(
      withChange((e) => (e.job.facets = 'none')),
      'job.facets',
      'job.facets must be an object, got a string; set aside',
    );
    assertWarned(
      withChange((e) => (e.run.facets = { nominalTime: null, errorMessage: null })),
      [],
    );
  });

  it('checks the fields we read from the facets we interpret, and does not read a facet that is malformed', () => {
    const unread = 'the facet is set aside (the stored event keeps it)';
    const cases: Array<[(e: Json) => void, string, string]> = [
      [
        (e) => (e.run.facets = { parent: { run: { runId: 42 }, job: { namespace: 'a', name: 'b' } } }),
        'run.facets.parent',
        `run.facets.parent.run.runId must be a string, got a number; ${unread}`,
      ],
      [(e) => (e.run.facets = { parent: { job: { namespace: 'a', name: 'b' } } }), 'run.facets.parent', `run.facets.parent.run is required; ${unread}`],
      [
        (e) => (e.run.facets = { errorMessage: { programmingLanguage: 'JAVA' } }),
        'run.facets.errorMessage',
        `run.facets.errorMessage.message is required; ${unread}`,
      ],
      [
        (e) => (e.run.facets = { executionParameters: { parameters: [{ value: '1' }] } }),
        'run.facets.executionParameters',
        `run.facets.executionParameters.parameters[0].key is required; ${unread}`,
      ],
      [
        (e) => (e.run.facets = { lineage_parameters: { parameters: [1, 2] } }),
        'run.facets.lineage_parameters',
        `run.facets.lineage_parameters.parameters must be an object, got an array; ${unread}`,
      ],
      [
        (e) => (e.job.facets = { sourceCodeLocation: { type: 'git', version: 42 } }),
        'job.facets.sourceCodeLocation',
        `job.facets.sourceCodeLocation.version must be a string, got a number; ${unread}`,
      ],
      [
        (e) => (e.outputs[0].facets = { version: { datasetVersion: '' } }),
        'outputs[0].facets.version',
        `outputs[0].facets.version.datasetVersion must not be empty; ${unread}`,
      ],
      [(e) => (e.outputs[0].facets = { version: {} }), 'outputs[0].facets.version', `outputs[0].facets.version.datasetVersion is required; ${unread}`],
      [
        (e) => (e.outputs[0].facets = { schema: { fields: [{ name: 'a', fields: [{ type: 'INT' }] }] } }),
        'outputs[0].facets.schema',
        `outputs[0].facets.schema.fields[0].fields[0].name is required; ${unread}`,
      ],
      [
        (e) => (e.outputs[0].outputFacets = { outputStatistics: { rowCount: 1.5 } }),
        'outputs[0].outputFacets.outputStatistics',
        `outputs[0].outputFacets.outputStatistics.rowCount must be a whole number, got 1.5; ${unread}`,
      ],
      [
        (e) => (e.inputs[0].inputFacets = { inputStatistics: { size: '10' } }),
        'inputs[0].inputFacets.inputStatistics',
        `inputs[0].inputFacets.inputStatistics.size must be a whole number, got a string; ${unread}`,
      ],
      // Our model facet says the output is a model version: malformed, it cannot say which, so the output goes.
      [
        (e) => (e.outputs[0].facets = { lineage_modelVersion: { name: 'm', version: '1', metrics: { auc: Number.NaN } } }),
        'outputs[0]',
        'outputs[0].facets.lineage_modelVersion.metrics.auc must be a finite number, got NaN; the output is set aside',
      ],
      [
        (e) => (e.outputs[0].facets = { lineage_modelVersion: { name: '', version: '1' } }),
        'outputs[0]',
        'outputs[0].facets.lineage_modelVersion.name must not be empty; the output is set aside',
      ],
    ];
    for (const [change, path, message] of cases) assertOnlyWarning(withChange(change), path, message);
    assertWarned(
      withChange((e) => (e.run.facets = { parent: { run: { runId: 'manual__2024-05-01T10:00:00' }, job: { namespace: 'airflow', name: 'dag' } } })),
      [],
    );
  });

  it('reads our model facet on outputs only; elsewhere it is kept unchecked', () => {
    assertAccepted(withChange((e) => (e.inputs[0].facets = { lineage_modelVersion: { name: 'm' } })));
  });
});

describe('validateEvent: absurd inputs', () => {
  it(`refuses names over ${MAX_STRING_BYTES} bytes of UTF-8`, () => {
    const long = 'x'.repeat(MAX_STRING_BYTES + 1);
    assertOnlyWarning(
      withChange((e) => (e.outputs[0].name = long)),
      'outputs[0]',
      `outputs[0].name is ${MAX_STRING_BYTES + 1} bytes long; at most ${MAX_STRING_BYTES} bytes are accepted; the output is set aside`,
    );
    // 4 bytes each in UTF-8 but 2 UTF-16 units: counted in bytes.
    const spiders = '🕷'.repeat(MAX_STRING_BYTES / 4 + 1);
    assertOnlyIssue(
      withChange((e) => (e.job.name = spiders)),
      'job.name',
      `job.name is ${MAX_STRING_BYTES + 4} bytes long; at most ${MAX_STRING_BYTES} bytes are accepted`,
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

  it(`reports at most ${MAX_ISSUES} warnings and says how many more there were`, () => {
    const outputs = Array.from({ length: 50 }, () => ({ namespace: '', name: 'x' }));
    const result = validateEvent(withChange((e) => (e.outputs = outputs)));
    assert.ok(result.ok);
    assert.equal(result.warnings.length, MAX_ISSUES + 1);
    assert.deepEqual(result.warnings[0], { path: 'outputs[0]', message: 'outputs[0].namespace must not be empty; the output is set aside' });
    assert.deepEqual(result.warnings[MAX_ISSUES], { path: '', message: `${50 - MAX_ISSUES} more warnings not listed` });
    assert.equal(result.setAside.size, 50, 'every one of them is set aside, listed or not');
  });

  it('cuts long keys in paths', () => {
    const key = 'k'.repeat(100_000);
    const result = validateEvent(withChange((e) => (e.run.facets = { [key]: 'not an object' })));
    assert.ok(result.ok);
    assert.equal(result.warnings[0]!.path, `run.facets["${'k'.repeat(80)}…"]`);
  });

  it('quotes long bad values briefly', () => {
    const [issue] = issuesOf(withChange((e) => (e.eventTime = 'x'.repeat(10_000))));
    assert.equal(issue.message, `eventTime '${'x'.repeat(100)}…' is not an RFC 3339 date-time`);
  });
});
