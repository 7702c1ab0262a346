import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { dataOf } from '../support/graphql';
import { postEach } from '../support/openlineage-http';
import { buildQualityPipeline, type QualityPipeline } from '../support/quality-pipeline';
import { startTestService, uniqueNamespace, type TestService } from '../support/service';

/** The data quality section of audit reports: what it says, as of when, and the same bytes for the same instant. */
describe('audit reports: data quality', () => {
  let service: TestService;
  let pipeline: QualityPipeline;
  const report = async (id: string, format: string, asOf: string) => {
    const response = await fetch(`${service.url}/reports/audit/${id}.${format}?asOf=${encodeURIComponent(asOf)}`);
    assert.equal(response.status, 200);
    return response.text();
  };

  before(async () => {
    service = await startTestService();
    pipeline = await buildQualityPipeline(service, uniqueNamespace('report'));
    await pipeline.check('v1', '2025-01-10T00:00:00Z', [
      { assertion: 'not_null', column: 'amount', success: false, severity: 'error' },
      { assertion: 'row_count', success: true, severity: 'error' },
    ]);
    const metrics = {
      eventTime: '2025-02-02T02:00:00Z',
      producer: 'https://github.com/acme/profiler',
      schemaURL: 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/DatasetEvent',
      dataset: {
        namespace: pipeline.namespace,
        name: 'features',
        facets: { version: { datasetVersion: 'v2' }, dataQualityMetrics: { rowCount: 5, columnMetrics: {} } },
      },
    };
    assert.equal((await postEach(service, [metrics]))[0]!.status, 201);
    dataOf(
      await service.graphql(`mutation($input: FlagDatasetVersionInput!) { flagDatasetVersion(input: $input) { id } }`, {
        input: { id: pipeline.ids.raw1, status: 'BAD', reason: 'INC-9: amounts null', flaggedAt: '2025-01-12T00:00:00Z' },
      }),
    );
  });
  after(async () => {
    await pipeline?.remove();
    await service?.stop();
  });

  it('says what the subject stood on as of the instant: offending versions with paths, checks, flags, staleness', async () => {
    const json = JSON.parse(await report(pipeline.ids.api, 'json', '2025-02-15T00:00:00Z'));
    const quality = json.dataQuality;
    assert.equal(quality.atRisk, true);
    assert.equal(quality.minSeverity, 'WARN');
    assert.deepEqual(
      quality.offending.map((o: any) => [o.datasetVersion, o.status, o.flag.reason, o.failedChecks.map((c: any) => c.check), o.path.length]),
      [[`${pipeline.namespace}/raw@v1`, 'BAD', 'INC-9: amounts null', ['not_null on amount'], 6]],
    );
    assert.deepEqual(quality.checkedVersions, [
      { datasetVersion: `${pipeline.namespace}/raw@v1`, id: pipeline.ids.raw1, status: 'BAD', checks: 2, failed: 1, lastCheckedAt: '2025-01-10T00:00:00.000Z' },
    ]);
    assert.deepEqual(
      quality.flags.map((f: any) => f.status),
      ['BAD'],
    );
    assert.equal(quality.staleness.newerVersions, 1);
    assert.deepEqual(
      quality.staleness.sources.map((s: any) => [s.dataset, s.trainedOn, s.newest, s.newestRowCount]),
      [[`${pipeline.namespace}/features`, 'v1', 'v2', 5]],
    );

    // Before the check and the flag, nothing was known against it.
    const early = JSON.parse(await report(pipeline.ids.api, 'json', '2025-01-08T00:00:00Z')).dataQuality;
    assert.equal(early.atRisk, false);
    assert.deepEqual(early.checkedVersions, []);
    assert.deepEqual(early.flags, []);
    assert.equal(early.staleness.newerVersions, 0);
  });

  it('renders the section in Markdown and HTML, the same bytes for the same instant', async () => {
    for (const format of ['json', 'md', 'html']) {
      const first = await report(pipeline.ids.api, format, '2025-02-15T00:00:00Z');
      assert.equal(await report(pipeline.ids.api, format, '2025-02-15T00:00:00Z'), first, format);
      if (format !== 'json') {
        assert.match(first, /Data quality/);
        assert.match(first, /At risk as of 2025-02-15T00:00:00.000Z/);
        assert.match(first, /INC-9: amounts null/);
      }
    }
    const markdown = await report(pipeline.ids.model2, 'md', '2025-02-15T00:00:00Z');
    assert.match(markdown, /Not at risk as of/);
  });
});
