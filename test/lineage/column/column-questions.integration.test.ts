import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { dataOf, errorOf } from '../../support/graphql';
import { postEach } from '../../support/openlineage-http';
import { removeIsolated } from '../../support/openlineage-isolation';
import { startTestService, uniqueNamespace, type TestService } from '../../support/service';
import { kindsOf, versionFields, type Transformation } from './column-support';
import { PaymentsScenario, T } from './column-scenario';

/**
 * The column questions over our own pipeline (column-scenario.ts): exact edges and transformations, version
 * correctness across two runs that wrote different column mappings, asOf, masking, budgets and errors.
 */

const LINEAGE = `
  query Lineage($from: ID, $namespace: String, $name: String, $field: String, $version: String, $direction: LineageDirection,
                $depth: Int, $asOf: DateTimeISO, $transformations: [ColumnTransformationKind!], $maxNodes: Int) {
    columnLineage(from: $from, namespace: $namespace, name: $name, field: $field, version: $version, direction: $direction,
                  depth: $depth, asOf: $asOf, transformations: $transformations, maxNodes: $maxNodes) {
      start { id label }
      fields { id label depth masked }
      edges { id scope upstream downstream transformations { type subtype masking } masking }
      truncated truncatedReason maxDepth maxNodes
    }
  }`;

const IMPACT = `
  query Impact($namespace: String!, $name: String!, $field: String!, $version: String, $asOf: DateTimeISO) {
    columnImpact(namespace: $namespace, name: $name, field: $field, version: $version, asOf: $asOf) {
      starts { label }
      fields { label depth masked }
      datasetVersions { masked datasetVersion { name version } fields { name } }
      modelVersions { masked modelVersion { modelName version } fields { name } }
      deployments { masked deployment { name environment } modelVersion { version } }
      truncated
    }
  }`;

interface Lineage {
  start: { id: string; label: string };
  fields: Array<{ id: string; label: string; depth: number; masked: boolean }>;
  edges: Array<{ id: string; scope: string; upstream: string; downstream: string; transformations: Transformation[]; masking: boolean }>;
  truncated: boolean;
  truncatedReason: string | null;
  maxDepth: number;
  maxNodes: number;
}

describe('column lineage questions', () => {
  let service: TestService;
  let scenario: PaymentsScenario;
  const raw = 'payments.raw';
  const features = 'features.transactions';

  const lineage = async (variables: Record<string, unknown>): Promise<Lineage> =>
    dataOf(await service.graphql<{ columnLineage: Lineage }>(LINEAGE, { namespace: scenario.namespace, ...variables })).columnLineage;
  /** Fields as `label@depth` (with `!` when masked), edges as `upstream -> downstream kinds`, all by label. */
  const described = (answer: Lineage) => {
    const labels = new Map(answer.fields.map((f) => [f.id, f.label]));
    const strip = (text: string) => text.split(scenario.prefix).join('');
    return {
      fields: answer.fields.map((f) => strip(`${f.label}@${f.depth}${f.masked ? '!' : ''}`)),
      edges: answer.edges
        .map((e) =>
          strip(`${labels.get(e.upstream)} -> ${e.scope === 'DATASET' ? '(its whole version)' : labels.get(e.downstream)} ${kindsOf(e.transformations)}`),
        )
        .sort(),
    };
  };

  before(async () => {
    service = await startTestService();
    scenario = new PaymentsScenario(`${uniqueNamespace('cq')}.`);
    const answers = await postEach(service, scenario.events());
    for (const answer of answers) assert.equal(answer.status, 201, JSON.stringify(answer.body));
    const deployed = await service.graphql(
      `mutation { deployModel(input: { name: "${scenario.prefix}scorer-slot", environment: "production", model: "${scenario.model('scorer')}", version: "1", deployedAt: "${T.T3}" }) { id } }`,
    );
    dataOf(deployed);
  });
  after(async () => {
    if (service) {
      await service.db.write('test.removeDeployments', (tx) =>
        tx.rows(`MATCH (d:Deployment) WHERE d.name STARTS WITH $prefix DETACH DELETE d`, { prefix: scenario.prefix }),
      );
      await removeIsolated(service.db, [scenario.prefix]);
    }
    await service?.stop();
  });

  it('keeps each run’s own column mapping on the versions it read and wrote (two runs, two mappings)', async () => {
    const f1 = await versionFields(service, { namespace: scenario.namespace, name: features, version: 'f1' });
    assert.deepEqual(f1, {
      amount_zscore: {
        type: null,
        declared: true,
        upstream: ['DATASET payments.raw@v1.ts <- INDIRECT/FILTER', 'FIELD payments.raw@v1.amount <- DIRECT/TRANSFORMATION'],
      },
      email_hash: {
        type: null,
        declared: true,
        upstream: ['DATASET payments.raw@v1.ts <- INDIRECT/FILTER', 'FIELD payments.raw@v1.email <- DIRECT/TRANSFORMATION+MASKING'],
      },
      email_len: {
        type: null,
        declared: true,
        upstream: ['DATASET payments.raw@v1.ts <- INDIRECT/FILTER', 'FIELD payments.raw@v1.email <- DIRECT/TRANSFORMATION'],
      },
      id: { type: null, declared: true, upstream: ['DATASET payments.raw@v1.ts <- INDIRECT/FILTER', 'FIELD payments.raw@v1.id <- DIRECT/IDENTITY'] },
    });
    const f2 = await versionFields(service, { namespace: scenario.namespace, name: features, version: 'f2' });
    assert.deepEqual(f2, {
      amount_zscore: {
        type: null,
        declared: true,
        upstream: ['FIELD payments.raw@v2.amount <- DIRECT/AGGREGATION', 'FIELD payments.raw@v2.country <- INDIRECT/GROUP_BY'],
      },
      email_domain: { type: null, declared: true, upstream: ['FIELD payments.raw@v2.email <- DIRECT/TRANSFORMATION'] },
      id: { type: null, declared: true, upstream: ['FIELD payments.raw@v2.id <- DIRECT/IDENTITY'] },
    });
    // The sources declare their schema; the field v2 added exists on v2 only.
    const v1 = await versionFields(service, { namespace: scenario.namespace, name: raw, version: 'v1' });
    assert.deepEqual(Object.keys(v1), ['amount', 'email', 'id', 'ts']);
    assert.equal(v1.email!.type, 'string');
  });

  it('walks upstream from a model feature to the source columns of the exact versions its training run read', async () => {
    const scorer = await service.graphql<any>(
      `{ modelVersion(model: "${scenario.model('scorer')}", version: "1") { fields(first: 10) { nodes { id name upstream { nodes { upstreamField { label } } } } } } }`,
    );
    const featuresOfScorer = dataOf(scorer).modelVersion.fields.nodes;
    assert.deepEqual(
      featuresOfScorer.map((f: any) => [f.name, f.upstream.nodes.map((e: any) => e.upstreamField.label)]),
      [
        ['amount_zscore', ['features.transactions@f1.amount_zscore']],
        ['email_hash', ['features.transactions@f1.email_hash']],
        ['risk', ['features.transactions@f1.email_len']],
      ],
    );
    const answer = await lineage({ namespace: null, from: featuresOfScorer[0].id, depth: 10 });
    assert.deepEqual(described(answer), {
      fields: ['scorer@1.amount_zscore@0', 'features.transactions@f1.amount_zscore@1', 'payments.raw@v1.amount@2', 'payments.raw@v1.ts@2'],
      edges: [
        'features.transactions@f1.amount_zscore -> scorer@1.amount_zscore DIRECT/IDENTITY',
        'payments.raw@v1.amount -> features.transactions@f1.amount_zscore DIRECT/TRANSFORMATION',
        'payments.raw@v1.ts -> (its whole version) INDIRECT/FILTER',
      ],
    });
    assert.equal(answer.truncated, false);
    assert.equal(answer.maxDepth, 10);
    // Only direct transformations: the filter on ts is left out.
    const direct = await lineage({ namespace: null, from: featuresOfScorer[0].id, transformations: ['DIRECT'] });
    assert.deepEqual(described(direct).fields, ['scorer@1.amount_zscore@0', 'features.transactions@f1.amount_zscore@1', 'payments.raw@v1.amount@2']);
  });

  it('starts from the version current at asOf when none is named', async () => {
    const now = await lineage({ name: features, field: 'amount_zscore' });
    assert.deepEqual(described(now).fields, ['features.transactions@f2.amount_zscore@0', 'payments.raw@v2.amount@1', 'payments.raw@v2.country@1']);
    const then = await lineage({ name: features, field: 'amount_zscore', asOf: T.T3 });
    assert.deepEqual(described(then).fields, ['features.transactions@f1.amount_zscore@0', 'payments.raw@v1.amount@1', 'payments.raw@v1.ts@1']);
    // f2 has no email_len: NOT_FOUND names the version that was current.
    const missing = errorOf(await service.graphql(LINEAGE, { namespace: scenario.namespace, name: features, field: 'email_len' }), 'NOT_FOUND');
    assert.match(missing.message, /Field email_len of .*features\.transactions@f2 \(the version current at /);
    const before = errorOf(
      await service.graphql(LINEAGE, { namespace: scenario.namespace, name: raw, field: 'email', asOf: '2024-05-01T00:00:00Z' }),
      'NOT_FOUND',
    );
    assert.match(before.message, /DatasetVersion of .*payments\.raw current at 2024-05-01T00:00:00\.000Z does not exist/);
  });

  it('answers downstream as of an instant: what was not made yet is not there', async () => {
    const atTraining = await lineage({ name: raw, field: 'email', version: 'v1', direction: 'DOWNSTREAM', asOf: T.T1 });
    assert.deepEqual(described(atTraining).fields, [
      'payments.raw@v1.email@0',
      'features.transactions@f1.email_hash@1!',
      'features.transactions@f1.email_len@1',
    ]);
    const later = await lineage({ name: raw, field: 'email', version: 'v1', direction: 'DOWNSTREAM' });
    assert.deepEqual(described(later).fields, [
      'payments.raw@v1.email@0',
      'features.transactions@f1.email_hash@1!',
      'features.transactions@f1.email_len@1',
      'churn@1.email_hash@2!',
      'scorer@1.email_hash@2!',
      'scorer@1.risk@2',
    ]);
    const both = await lineage({ name: features, version: 'f1', field: 'email_hash', direction: 'BOTH' });
    assert.deepEqual(described(both).fields, [
      'features.transactions@f1.email_hash@0',
      'churn@1.email_hash@1',
      'scorer@1.email_hash@1',
      'payments.raw@v1.email@1!',
      'payments.raw@v1.ts@1',
    ]);
  });

  it('answers the governance question with masking: every path masked, or not', async () => {
    const { columnImpact } = dataOf(await service.graphql<any>(IMPACT, { namespace: scenario.namespace, name: raw, field: 'email' }));
    const strip = (value: unknown) => JSON.parse(JSON.stringify(value).split(scenario.prefix).join(''));
    assert.deepEqual(strip(columnImpact), {
      starts: [{ label: 'payments.raw@v1.email' }, { label: 'payments.raw@v2.email' }],
      fields: [
        { label: 'features.transactions@f1.email_hash', depth: 1, masked: true },
        { label: 'features.transactions@f1.email_len', depth: 1, masked: false },
        { label: 'features.transactions@f2.email_domain', depth: 1, masked: false },
        { label: 'churn@1.email_hash', depth: 2, masked: true },
        { label: 'scorer@1.email_hash', depth: 2, masked: true },
        { label: 'scorer@1.risk', depth: 2, masked: false },
      ],
      datasetVersions: [
        { masked: false, datasetVersion: { name: features, version: 'f1' }, fields: [{ name: 'email_hash' }, { name: 'email_len' }] },
        { masked: false, datasetVersion: { name: features, version: 'f2' }, fields: [{ name: 'email_domain' }] },
      ],
      modelVersions: [
        { masked: true, modelVersion: { modelName: 'churn', version: '1' }, fields: [{ name: 'email_hash' }] },
        { masked: false, modelVersion: { modelName: 'scorer', version: '1' }, fields: [{ name: 'email_hash' }, { name: 'risk' }] },
      ],
      deployments: [{ masked: false, deployment: { name: 'scorer-slot', environment: 'production' }, modelVersion: { version: '1' } }],
      truncated: false,
    });
    // Before the deployment, and before anything was trained: no model, no deployment.
    const early = dataOf(await service.graphql<any>(IMPACT, { namespace: scenario.namespace, name: raw, field: 'email', asOf: T.T1 })).columnImpact;
    assert.deepEqual(early.modelVersions, []);
    assert.deepEqual(early.deployments, []);
    // A dataset-wide dependency reaches every field of the version it affects.
    const ts = dataOf(await service.graphql<any>(IMPACT, { namespace: scenario.namespace, name: raw, field: 'ts', version: 'v1' })).columnImpact;
    assert.deepEqual(
      ts.fields.map((f: any) => strip(f.label)),
      [
        'features.transactions@f1.amount_zscore',
        'features.transactions@f1.email_hash',
        'features.transactions@f1.email_len',
        'features.transactions@f1.id',
        'churn@1.email_hash',
        'scorer@1.amount_zscore',
        'scorer@1.email_hash',
        'scorer@1.risk',
      ],
    );
    assert.equal(
      ts.fields.every((f: any) => f.masked === false),
      true,
    );
  });

  it('lists, in the audit report of the deployment, the source columns of its model’s features', async () => {
    const live = dataOf<any>(await service.graphql(`{ liveDeployment(name: "${scenario.prefix}scorer-slot", environment: "production") { id } }`));
    const json = await fetch(`${service.url}/reports/audit/${live.liveDeployment.id}.json`);
    assert.equal(json.status, 200);
    const report = JSON.parse((await json.text()).split(scenario.prefix).join(''));
    assert.deepEqual(
      report.features.features.map((f: any) => [f.name, f.sources.map((s: any) => `${s.column}${s.masked ? ' (masked)' : ''}`)]),
      [
        ['amount_zscore', ['warehouse/payments.raw@v1.amount', 'warehouse/payments.raw@v1.ts']],
        ['email_hash', ['warehouse/payments.raw@v1.email (masked)', 'warehouse/payments.raw@v1.ts']],
        ['risk', ['warehouse/payments.raw@v1.email', 'warehouse/payments.raw@v1.ts']],
      ],
    );
    assert.equal(report.features.truncated, false);
    const markdown = await (await fetch(`${service.url}/reports/audit/${live.liveDeployment.id}.md`)).text();
    assert.match(markdown, /### Source columns of the features/);
    assert.match(markdown.split(scenario.prefix).join(''), /\| email\\_hash \| warehouse\/payments\.raw@v1\.email \| masked on every path \|/);
  });

  it('says when the depth or the node budget cut the answer', async () => {
    const shallow = await lineage({ name: raw, field: 'email', version: 'v1', direction: 'DOWNSTREAM', depth: 1 });
    assert.equal(shallow.truncatedReason, 'DEPTH');
    assert.equal(described(shallow).fields.length, 3);
    const exact = await lineage({ name: raw, field: 'email', version: 'v1', direction: 'DOWNSTREAM', depth: 2 });
    assert.equal(exact.truncated, false);
    const small = await lineage({ name: raw, field: 'email', version: 'v1', direction: 'DOWNSTREAM', maxNodes: 2 });
    assert.equal(small.truncatedReason, 'NODE_BUDGET');
    assert.equal(small.fields.length, 2);
  });

  it('refuses questions that do not say where to start, or ask for too much', async () => {
    assert.match(errorOf(await service.graphql(LINEAGE, { namespace: null }), 'BAD_USER_INPUT').message, /name the field/);
    assert.match(
      errorOf(await service.graphql(LINEAGE, { from: 'Dataset:suXap83B9uYQKAgbxNdWIu', namespace: null }), 'BAD_USER_INPUT').message,
      /is not the id of a field/,
    );
    assert.equal(
      errorOf(await service.graphql(LINEAGE, { name: raw, field: 'email', depth: 1000 }), 'LIMIT_EXCEEDED').extensions?.limit,
      'LIMIT_TRAVERSAL_DEPTH',
    );
    assert.match(errorOf(await service.graphql(IMPACT, { namespace: scenario.namespace, name: raw, field: 'nope' }), 'NOT_FOUND').message, /Field nope of/);
  });

  it('moves column edges with the read when a START arrives after its COMPLETE (the read time moves back)', async () => {
    const late = scenario.event({
      run: 'features-late',
      job: 'features-late',
      at: T.T4,
      inputs: [{ name: raw }],
      outputs: [{ name: 'features.late', version: 'l1', mapping: { amount: [[raw, 'amount', [['DIRECT', 'IDENTITY']]]] } }],
    });
    const start = { ...(late as any), eventType: 'START', eventTime: '2024-06-03T12:00:00.000Z', outputs: [] };
    assert.equal((await postEach(service, [late]))[0]!.status, 201);
    const key = { namespace: scenario.namespace, name: 'features.late', version: 'l1' };
    assert.deepEqual((await versionFields(service, key)).amount!.upstream, ['FIELD payments.raw@v2.amount <- DIRECT/IDENTITY']);
    assert.equal((await postEach(service, [start]))[0]!.status, 201);
    assert.deepEqual((await versionFields(service, key)).amount!.upstream, ['FIELD payments.raw@v1.amount <- DIRECT/IDENTITY']);
  });
});
