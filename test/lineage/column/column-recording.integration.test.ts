import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { post, postEach } from '../../support/openlineage-http';
import { Isolation, removeIsolated } from '../../support/openlineage-isolation';
import { sharedEvents, SKIP_WITHOUT_SHARED } from '../../support/openlineage-fixtures';
import { startTestService, uniqueNamespace, type TestService } from '../../support/service';
import { columnEvents } from './column-fixtures';
import { versionFields } from './column-support';

/**
 * Fields and column edges recorded from real column-lineage events (the OpenLineage Spark, Hive and dbt
 * integrations' test events, the Airflow scenario), posted through the real front door and read back through
 * `DatasetVersion.fields`: exact field-to-field edges with their transformations, on the versions read.
 */
describe('column lineage recorded from OpenLineage events', () => {
  let service: TestService;
  const prefixes: string[] = [];
  const isolation = () => {
    const created = new Isolation(`${uniqueNamespace('cl')}.`);
    prefixes.push(created.prefix);
    return created;
  };
  const ingest = async (events: readonly unknown[]) => {
    const answers = await postEach(service, events);
    for (const answer of answers) assert.equal(answer.status, 201, JSON.stringify(answer.body));
  };
  const runVersion = (copy: Isolation, event: { run: { runId: string } }) => `run-${copy.runId(event.run.runId)}`;

  before(async () => {
    service = await startTestService();
  });
  after(async () => {
    if (service) await removeIsolated(service.db, prefixes);
    await service?.stop();
  });

  it('records the Spark integration’s 1-2-0 facet: every field, every input field on the version read, every transformation', async () => {
    const copy = isolation();
    const [start, end] = [...columnEvents('spark/pysparkCLLStart.json', { seed: 'cll' }), ...columnEvents('spark/pysparkCLLEnd.json', { seed: 'cll' })];
    await ingest([copy.event(start), copy.event(end)]);
    const fields = await versionFields(service, { namespace: copy.namespace('file'), name: '/tmp/cll_test/tbl1', version: runVersion(copy, end) });
    const source = (n: 1 | 2, field: string) => `FIELD /tmp/cll_test/cll_source${n}@unversioned.${field}`;
    assert.deepEqual(fields, {
      agg: {
        type: 'long',
        declared: true,
        upstream: [
          `${source(1, 'a')} <- INDIRECT/GROUP_BY,INDIRECT/JOIN,INDIRECT/FILTER`,
          `${source(1, 'b')} <- INDIRECT/GROUP_BY`,
          `${source(2, 'a')} <- INDIRECT/JOIN,INDIRECT/FILTER`,
          `${source(2, 'c')} <- DIRECT/AGGREGATION`,
        ],
      },
      ident: {
        type: 'integer',
        declared: true,
        upstream: [
          `${source(1, 'a')} <- DIRECT/IDENTITY,INDIRECT/GROUP_BY,INDIRECT/JOIN,INDIRECT/FILTER`,
          `${source(1, 'b')} <- INDIRECT/GROUP_BY`,
          `${source(2, 'a')} <- INDIRECT/JOIN,INDIRECT/FILTER`,
        ],
      },
      trans: {
        type: 'string',
        declared: true,
        upstream: [
          `${source(1, 'a')} <- INDIRECT/GROUP_BY,INDIRECT/JOIN,INDIRECT/FILTER`,
          `${source(1, 'b')} <- DIRECT/TRANSFORMATION,INDIRECT/GROUP_BY`,
          `${source(2, 'a')} <- INDIRECT/JOIN,INDIRECT/FILTER`,
        ],
      },
    });
    // The inputs named no version: the input fields sit on the version the run read (the placeholder of a
    // dataset nothing recorded wrote), known only through the edges, so undeclared and untyped.
    const input = await versionFields(service, { namespace: copy.namespace('file'), name: '/tmp/cll_test/cll_source2', version: 'unversioned' });
    assert.deepEqual(input, { a: { type: null, declared: false, upstream: [] }, c: { type: null, declared: false, upstream: [] } });
  });

  it('records the Hive integration’s masking transformations, and its dataset-wide dependency as one edge to the output version', async () => {
    const copy = isolation();
    const [event] = columnEvents('hive/cllSimpleQueryMaskingComplete.json');
    await ingest([copy.event(event)]);
    const fields = await versionFields(service, { namespace: copy.namespace('hive://localhost:9083'), name: 'test.xxx', version: runVersion(copy, event) });
    const wide = 'DATASET test.t1@unversioned.a <- INDIRECT/GROUP_BY';
    assert.deepEqual(fields, {
      a: { type: 'bigint', declared: true, upstream: [wide, 'FIELD test.t1@unversioned.b <- DIRECT/AGGREGATION'] },
      i: { type: 'int', declared: true, upstream: [wide, 'FIELD test.t1@unversioned.a <- DIRECT/IDENTITY'] },
      ma: { type: 'string', declared: true, upstream: [wide, 'FIELD test.t1@unversioned.b <- DIRECT/AGGREGATION+MASKING'] },
      mt: { type: 'string', declared: true, upstream: [wide, 'FIELD test.t1@unversioned.a <- DIRECT/TRANSFORMATION+MASKING'] },
      t: { type: 'int', declared: true, upstream: [wide, 'FIELD test.t1@unversioned.a <- DIRECT/TRANSFORMATION'] },
    });
  });

  it('reads a facet without transformations (1-0-0 as Spark still sends it) as direct dependencies of unknown kind', async () => {
    const copy = isolation();
    const [event] = columnEvents('spark/pysparkCTASWithColumnLineageEnd.json');
    await ingest([copy.event(event)]);
    const fields = await versionFields(service, { namespace: copy.namespace('file'), name: '/tmp/ctas_load/tbl1', version: runVersion(copy, event) });
    assert.deepEqual(fields, {
      a: { type: 'long', declared: true, upstream: ['FIELD /tmp/ctas_load/temp@unversioned.a <- DIRECT/-'] },
      b: { type: 'long', declared: true, upstream: ['FIELD /tmp/ctas_load/temp@unversioned.b <- DIRECT/-'] },
    });
  });

  it('replaces what an early event of a run said with what its final event says (dbt: schema at START, column lineage at COMPLETE)', async () => {
    const copy = isolation();
    const events = columnEvents('dbt/successful_run_ol_events.json').map((event) => copy.event(event));
    const model = events[1];
    const key = { namespace: copy.namespace('bigquery'), name: 'example-bigquery-project.jaffle_shop.stg_locations', version: `run-${model.run.runId}` };
    await ingest(events.slice(0, 2));
    assert.deepEqual(await versionFields(service, key), { location_id: { type: null, declared: true, upstream: [] } });
    await ingest(events.slice(2));
    const raw = (field: string) => `FIELD example-bigquery-project.raw.raw_stores@unversioned.${field} <- DIRECT/-`;
    assert.deepEqual(await versionFields(service, key), {
      location_id: { type: null, declared: true, upstream: [raw('id')] },
      location_name: { type: null, declared: true, upstream: [raw('name')] },
      tax_rate: { type: null, declared: true, upstream: [raw('tax_rate')] },
    });
  });

  it('follows the Airflow scenario’s field-level IDENTITY (1-0-1 beside 1-2-0) from version to version', { skip: SKIP_WITHOUT_SHARED }, async () => {
    const copy = isolation();
    const airflow = path.join('scenarios', 'airflow', 'events') + path.sep;
    const events = sharedEvents()
      .filter(({ name }) => name.startsWith(airflow))
      .map(({ event }) => copy.event(event) as any);
    await ingest(events);
    const writerOf = (name: string) => events.find((e) => e.eventType === 'COMPLETE' && e.outputs?.some((o: any) => o.name === name))!;
    const bigquery = copy.namespace('bigquery');
    const upload = `mock-project.test.upload@run-${writerOf('mock-project.test.upload').run.runId}`;
    const copied = await versionFields(service, {
      namespace: bigquery,
      name: 'mock-project.test.upload_cp',
      version: `run-${writerOf('mock-project.test.upload_cp').run.runId}`,
    });
    assert.deepEqual(Object.keys(copied), ['a', 'b', 'c', 'd']);
    for (const field of ['a', 'b', 'c', 'd']) {
      assert.deepEqual(copied[field], { type: 'INTEGER', declared: true, upstream: [`FIELD ${upload}.${field} <- DIRECT/IDENTITY`] }, field);
    }
    const uploaded = await versionFields(service, {
      namespace: bigquery,
      name: 'mock-project.test.upload',
      version: `run-${writerOf('mock-project.test.upload').run.runId}`,
    });
    assert.deepEqual(uploaded.a!.upstream, ['FIELD copied.csv@unversioned.a <- DIRECT/IDENTITY', 'FIELD test.csv@unversioned.a <- DIRECT/IDENTITY']);
  });

  it('sets a malformed column lineage facet aside with a warning naming its bad values, and records the rest of the event', async () => {
    const copy = isolation();
    const [event] = columnEvents('hive/cllSimpleQueryMaskingComplete.json').map((e) => copy.event(e));
    const facet = event.outputs[0].facets.columnLineage;
    facet.fields.i.inputFields[0].transformations[0].type = 'SIDEWAYS';
    delete facet.fields.t.inputFields[0].field;
    facet.fields.mt.inputFields[0].transformations[0].masking = 'yes';
    facet.dataset = {};
    const answer = await post(service, '/api/v1/lineage', event);
    // Lineage is never dropped for a facet: the run and its datasets are recorded, the facet is not read.
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    const warning = answer.body.warnings.find((w: { path: string }) => w.path === 'outputs[0].facets.columnLineage');
    assert.ok(warning, JSON.stringify(answer.body.warnings));
    assert.match(warning.message, /must be DIRECT or INDIRECT, got 'SIDEWAYS'/);
    assert.match(warning.message, /set aside/);
    const run = await service.graphql(
      `{ run(runId: "${event.run.runId}") { id outputs { id fields(first: 100) { nodes { name upstream(first: 10) { totalCount } } } } } }`,
    );
    const [output] = (run.data as any).run.outputs;
    assert.ok(output, JSON.stringify(run));
    assert.deepEqual(
      output.fields.nodes.filter((field: { upstream: { totalCount: number } }) => field.upstream.totalCount > 0),
      [],
      'no column edge from the malformed facet',
    );
  });
});
