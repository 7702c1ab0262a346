import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { dataOf } from '../../support/graphql';
import { post, postEach } from '../../support/openlineage-http';
import { Isolation, removeIsolated } from '../../support/openlineage-isolation';
import { qualityEvents } from '../../support/quality-fixtures';
import { startTestService, uniqueNamespace, type TestService } from '../../support/service';

/**
 * Data quality results as real producers send them (dbt, dbt-ol structured logs, Great Expectations, the spec's
 * examples), through POST /api/v1/lineage, read back on the dataset versions they are about, with the run that
 * reported them.
 */

const QUALITY = `query($namespace: String!, $name: String!, $version: String!, $asOf: DateTimeISO, $minSeverity: QualitySeverity) {
  datasetVersion(namespace: $namespace, name: $name, version: $version) {
    quality(asOf: $asOf, minSeverity: $minSeverity) {
      status offending
      failedChecks { assertion column severity }
      checks { assertion name column success severity reportedSeverity expected actual assertedAt facet counts run { runId state } }
      metrics { rowCount bytes fileCount columns { column nullCount distinctCount min max quantiles } run { runId } measuredAt }
      flag { status }
    }
  }
}`;

describe('data quality from OpenLineage events', () => {
  let service: TestService;
  const prefixes: string[] = [];
  const isolation = () => {
    const created = new Isolation(`${uniqueNamespace('dq')}.`);
    prefixes.push(created.prefix);
    return created;
  };
  const quality = async (namespace: string, name: string, version: string, extra: Record<string, unknown> = {}) =>
    dataOf<any>(await service.graphql(QUALITY, { namespace, name, version, ...extra })).datasetVersion?.quality;
  const accepted = async (events: unknown[]) => {
    const answers = await postEach(service, events);
    answers.forEach((answer, index) => assert.equal(answer.status, 201, `event ${index}: ${JSON.stringify(answer.body)}`));
  };
  const reportCount = async (prefix: string) =>
    (
      await service.db.read('test.reports', (tx) =>
        tx.rows<{ count: number }>('MATCH (q:QualityReport) WHERE q.namespace STARTS WITH $prefix RETURN count(q) AS count', { prefix }),
      )
    )[0]!.count;

  before(async () => {
    service = await startTestService();
  });
  after(async () => {
    if (service) await removeIsolated(service.db, prefixes);
    await service?.stop();
  });

  it('records dbt test results (input facet dataQualityAssertions) on the version each test run read, with the run', async () => {
    const copy = isolation();
    const events = qualityEvents('dbt-test-result.json').map((event) => copy.event(event));
    await accepted(events);
    const namespace = copy.namespace('bigquery');
    // dbt names no versions: each test run read the version current then, here the placeholder `unversioned`.
    const failing = await quality(namespace, 'random-gcp-project.dbt_test1.test_second_dbt_model', 'unversioned');
    assert.equal(failing.status, 'FAILED');
    assert.equal(failing.offending, true);
    assert.deepEqual(failing.failedChecks, [{ assertion: 'unique', column: 'id', severity: 'ERROR' }]);
    assert.equal(failing.checks.length, 2);
    for (const check of failing.checks) {
      assert.equal(check.facet, 'dataQualityAssertions');
      assert.equal(check.run.runId, copy.runId('f99310b4-339a-4381-ad3e-c1b95c24ff11'));
      assert.equal(check.run.state, 'FAILED');
      assert.equal(check.reportedSeverity, 'error');
      assert.equal(check.assertedAt, '2021-08-25T11:00:25.277Z');
    }
    const passing = await quality(namespace, 'random-gcp-project.dbt_test1.test_third_dbt_model', 'unversioned');
    assert.equal(passing.status, 'PASSED');
    assert.equal(passing.offending, false);
    assert.deepEqual(passing.checks.map((check: any) => [check.assertion, check.column, check.success, check.expected, check.actual]).sort(), [
      ['not_null', 'id', true, '0', '0'],
      ['not_null', 'second_id', true, '0', '0'],
      ['unique', 'id', true, '0', '0'],
      ['unique', 'second_id', true, '0', '0'],
    ]);
    const three = await quality(namespace, 'random-gcp-project.dbt_test1.test_first_dbt_model', 'unversioned');
    assert.deepEqual(three.failedChecks.map((check: any) => check.assertion).sort(), [
      'expect_column_median_to_be_between',
      'expect_column_quantile_values_to_be_between',
      'unique',
    ]);

    // Before the results were reported, nothing was known.
    const before = await quality(namespace, 'random-gcp-project.dbt_test1.test_second_dbt_model', 'unversioned', { asOf: '2021-08-25T11:00:25.000Z' });
    assert.equal(before.status, 'UNCHECKED');
    assert.deepEqual(before.checks, []);

    // The same events again change nothing.
    const reports = await reportCount(copy.prefix);
    assert.equal(reports, 5);
    const again = await postEach(service, events);
    assert.deepEqual(new Set(again.map((answer) => answer.body.status)), new Set(['duplicate']));
    assert.equal(await reportCount(copy.prefix), reports);
  });

  it('gives the same results whatever order the events arrive in', async () => {
    const inOrder = isolation();
    const reversed = isolation();
    const events = qualityEvents('dbt-test-result.json');
    const runIds = [...new Set(events.flatMap((event) => JSON.stringify(event).match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi) ?? []))];
    await accepted(events.map((event) => inOrder.event(event)));
    await accepted([...events].reverse().map((event) => reversed.event(event)));
    for (const name of ['test_first_dbt_model', 'test_second_dbt_model', 'test_third_dbt_model', 'test_second_parallel_dbt_model']) {
      const a = await quality(inOrder.namespace('bigquery'), `random-gcp-project.dbt_test1.${name}`, 'unversioned');
      const b = await quality(reversed.namespace('bigquery'), `random-gcp-project.dbt_test1.${name}`, 'unversioned');
      assert.ok(a.checks.length > 0);
      assert.equal(reversed.restore(JSON.stringify(b), runIds), inOrder.restore(JSON.stringify(a), runIds));
    }
  });

  it('records dbt-ol results sent as the dataset facet dataQualityAssertions (structured logs) on the version read', async () => {
    const copy = isolation();
    await accepted(qualityEvents('dbt-structured-logs-test-events.json').map((event) => copy.event(event)));
    const namespace = copy.namespace('postgres://postgres:5432');
    const customers = await quality(namespace, 'postgres.public.customers', 'unversioned');
    assert.equal(customers.status, 'FAILED');
    // dbt-ol sends no severity: a failure that does not say it is a warning counts as an error.
    assert.deepEqual(customers.failedChecks, [{ assertion: 'accepted_values', column: 'first_name', severity: 'ERROR' }]);
    assert.deepEqual(customers.checks.map((check: any) => `${check.assertion}:${check.column}:${check.success}`).sort(), [
      'accepted_values:first_name:false',
      'not_null:customer_id:true',
      'unique:customer_id:true',
    ]);
    const orders = await quality(namespace, 'postgres.public.orders', 'unversioned');
    assert.equal(orders.status, 'PASSED');
    assert.deepEqual(
      orders.checks.map((check: any) => check.assertion),
      ['relationships'],
    );
  });

  it('attributes the tests of a TestRunFacet (dbt singular tests) to the versions the run read', async () => {
    const copy = isolation();
    const events = qualityEvents('dbt-singular-test-result.json').map((event) => {
      // These runs read nothing in the fixture; a singular test reads the table it tests.
      event.inputs = [{ namespace: 'my_db', name: 'my_schema.orders', facets: { version: { datasetVersion: '2024-01-15' } } }];
      return copy.event(event);
    });
    await accepted(events);
    const namespace = copy.namespace('my_db');
    const warned = await quality(namespace, 'my_schema.orders', '2024-01-15');
    assert.equal(warned.status, 'FAILED');
    assert.deepEqual(warned.failedChecks, [{ assertion: 'singular', column: null, severity: 'WARN' }]);
    assert.deepEqual(warned.checks.map((check: any) => `${check.name}:${check.success}:${check.severity}:${check.actual}`).sort(), [
      'test.my_project.assert_positive_amounts:true:ERROR:0',
      'test.my_project.assert_row_count_within_range:false:WARN:5',
    ]);
    assert.ok(warned.checks.every((check: any) => check.facet === 'test'));
    // Asked at or above ERROR, a warning does not count.
    const errorsOnly = await quality(namespace, 'my_schema.orders', '2024-01-15', { minSeverity: 'ERROR' });
    assert.equal(errorsOnly.status, 'PASSED');
    assert.deepEqual(errorsOnly.failedChecks, []);
  });

  it('records the checks and metrics of a Great Expectations validation', async () => {
    const copy = isolation();
    await accepted(qualityEvents('great-expectations-validation.json').map((event) => copy.event(event)));
    const answer = await quality(copy.namespace('s3://acme-fraud-lake'), 'raw/transactions', '2025-02-28');
    assert.equal(answer.status, 'FAILED');
    assert.deepEqual(answer.failedChecks, [{ assertion: 'expect_column_quantile_values_to_be_between', column: 'amount_eur', severity: 'ERROR' }]);
    assert.equal(answer.checks.length, 4);
    assert.ok(answer.checks.every((check: any) => check.facet === 'greatExpectations_assertions' && check.name === null));
    assert.deepEqual(answer.metrics, {
      rowCount: 1796402,
      bytes: null,
      fileCount: null,
      measuredAt: '2025-03-18T07:12:44.015Z',
      run: { runId: copy.runId('0b6f1c5e-3a2d-4f7e-9c8b-5d4e3f2a1b0c') },
      columns: [
        { column: 'amount_eur', nullCount: 0, distinctCount: null, min: 0.01, max: 48211.6, quantiles: { '0.5': 62.4, '0.99': 1810.2 } },
        { column: 'transaction_id', nullCount: 0, distinctCount: 1796402, min: null, max: null, quantiles: null },
      ],
    });
  });

  it("records the spec's facet examples: assertions of a DatasetEvent (no run) and metrics of an input", async () => {
    const copy = isolation();
    const assertions = qualityEvents('spec-DataQualityAssertionsDatasetFacet.json')[0]!;
    const metrics = qualityEvents('spec-DataQualityMetricsInputDatasetFacet.json')[0]!;
    delete assertions.producer;
    delete assertions.schemaURL;
    delete metrics.producer;
    delete metrics.schemaURL;
    const namespace = copy.namespace('warehouse');
    const producer = 'https://github.com/OpenLineage/OpenLineage/blob/v1-0-0/client';
    const datasetEvent = {
      eventTime: '2023-05-30T10:54:22.355Z',
      producer,
      schemaURL: 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/DatasetEvent',
      dataset: { namespace, name: 'public.payments', facets: { version: { datasetVersion: 'snap-7' }, ...assertions } },
    };
    const runEvent = {
      eventType: 'COMPLETE',
      eventTime: '2023-05-30T11:00:00.000Z',
      producer,
      schemaURL: 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent',
      run: { runId: copy.runId('5f1e0c57-4d55-4a37-9a3e-6d0e8b9c1f21') },
      job: { namespace, name: 'payments_profile' },
      inputs: [{ namespace, name: 'public.payments', facets: { version: { datasetVersion: 'snap-7' } }, inputFacets: metrics }],
    };
    await accepted([datasetEvent, runEvent]);
    const answer = await quality(namespace, 'public.payments', 'snap-7');
    assert.equal(answer.status, 'PASSED');
    assert.equal(answer.checks.length, 10);
    assert.ok(answer.checks.every((check: any) => check.run === null && check.assertedAt === '2023-05-30T10:54:22.355Z'));
    assert.equal(answer.metrics.rowCount, 10);
    assert.equal(answer.metrics.fileCount, 5);
    assert.equal(answer.metrics.run.runId, copy.runId('5f1e0c57-4d55-4a37-9a3e-6d0e8b9c1f21'));
    assert.deepEqual(
      answer.metrics.columns.map((column: any) => column.column),
      ['amount', 'counterparty_id', 'user_id'],
    );
  });

  it('sets a malformed quality facet aside with a warning at its path, and makes no report of it', async () => {
    const copy = isolation();
    const [event] = qualityEvents('great-expectations-validation.json').map((e) => copy.event(e));
    event!.inputs[0].inputFacets.greatExpectations_assertions.assertions[1].success = 'yes';
    event!.inputs[0].inputFacets.dataQualityMetrics.columnMetrics.amount_eur.nullCount = 0.5;
    const answer = await post(service, '/api/v1/lineage', event);
    // The event is lineage all the same; a check whose success is 'yes' must not become a failed check.
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    assert.deepEqual(
      answer.body.warnings.map((warning: any) => warning.path),
      ['inputs[0].inputFacets.greatExpectations_assertions', 'inputs[0].inputFacets.dataQualityMetrics'],
    );
    assert.match(answer.body.warnings[0].message, /assertions\[1\]\.success must be true or false/);
    assert.equal(await reportCount(copy.prefix), 0);
  });

  it('moves results with the read when a START arriving after its COMPLETE changes the version the run read', async () => {
    const copy = isolation();
    const namespace = copy.namespace('lake');
    const producer = 'https://github.com/acme/checks';
    const schemaURL = 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent';
    const writer = (runId: string, version: string, at: string) => ({
      eventType: 'COMPLETE',
      eventTime: at,
      producer,
      schemaURL,
      run: { runId },
      job: { namespace, name: 'load_orders' },
      outputs: [{ namespace, name: 'orders', facets: { version: { datasetVersion: version } } }],
    });
    const check = (eventType: string, at: string, facets: Record<string, unknown>) => ({
      eventType,
      eventTime: at,
      producer,
      schemaURL,
      run: { runId: copy.runId('7a0e8f52-1c3b-4d5e-8f6a-9b0c1d2e3f40') },
      job: { namespace, name: 'check_orders' },
      inputs: [{ namespace, name: 'orders', facets }],
    });
    const failed = { dataQualityAssertions: { assertions: [{ assertion: 'row_count', success: false, severity: 'error' }] } };
    await accepted([
      writer(copy.runId('11111111-1111-4111-8111-111111111111'), 'v1', '2025-01-01T00:00:00Z'),
      writer(copy.runId('22222222-2222-4222-8222-222222222222'), 'v2', '2025-01-01T02:00:00Z'),
      // The check's COMPLETE first: the run seems to start at 03:00 and to read v2.
      check('COMPLETE', '2025-01-01T03:00:00Z', failed),
    ]);
    assert.equal((await quality(namespace, 'orders', 'v2')).status, 'FAILED');
    // Its START: it started at 01:00, when v1 was current; the results move to v1.
    await accepted([check('START', '2025-01-01T01:00:00Z', {})]);
    assert.equal((await quality(namespace, 'orders', 'v1')).status, 'FAILED');
    assert.equal((await quality(namespace, 'orders', 'v2')).status, 'UNCHECKED');
  });
});
