import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { dataOf, errorOf } from '../support/graphql';
import { startTestService, uniqueNamespace, type TestService } from '../support/service';

const VERSION_FIELDS = 'id namespace name version digest uri rowCount createdAt schema { name type description }';
const REGISTER_VERSION = `mutation($input: DatasetVersionInput!) { registerDatasetVersion(input: $input) { ${VERSION_FIELDS} } }`;
const REGISTER_DATASET = `mutation($input: RegisterDatasetInput!) { registerDataset(input: $input) { id namespace name description createdAt } }`;

describe('datasets and dataset versions', () => {
  let service: TestService;
  const ns = uniqueNamespace('datasets');
  before(async () => {
    service = await startTestService();
  });
  after(async () => {
    await service?.db.write('cleanup', (tx) => tx.rows('MATCH (n) WHERE n.namespace = $ns DETACH DELETE n', { ns }));
    await service?.stop();
  });

  it('registerDataset is idempotent and its description is mutable', async () => {
    const first = dataOf<any>(await service.graphql(REGISTER_DATASET, { input: { namespace: ns, name: 'raw/customers', description: 'CRM export' } }));
    const again = dataOf<any>(await service.graphql(REGISTER_DATASET, { input: { namespace: ns, name: 'raw/customers', description: 'CRM export' } }));
    assert.deepEqual(again, first);
    assert.match(first.registerDataset.id, /^Dataset:[A-Za-z0-9_-]{22}$/);
    const renamed = dataOf<any>(
      await service.graphql(REGISTER_DATASET, { input: { namespace: ns, name: 'raw/customers', description: 'CRM nightly export' } }),
    );
    assert.equal(renamed.registerDataset.id, first.registerDataset.id);
    assert.equal(renamed.registerDataset.description, 'CRM nightly export');
    const kept = dataOf<any>(await service.graphql(REGISTER_DATASET, { input: { namespace: ns, name: 'raw/customers' } }));
    assert.equal(kept.registerDataset.description, 'CRM nightly export', 'omitting the description keeps it');
  });

  it('registerDatasetVersion creates the dataset and is idempotent; fields are write-once', async () => {
    const input = {
      namespace: ns,
      name: 'raw/transactions',
      version: '2024-05-01',
      uri: 's3://lake/raw/transactions/2024-05-01/',
      schema: [
        { name: 'amount', type: 'decimal(12,2)', description: 'in EUR' },
        { name: 'customer_id', type: 'string' },
      ],
      createdAt: '2024-05-01T06:00:00+02:00',
    };
    const first = dataOf<any>(await service.graphql(REGISTER_VERSION, { input })).registerDatasetVersion;
    assert.equal(first.createdAt, '2024-05-01T04:00:00.000Z', 'instants are rendered in UTC');
    assert.deepEqual(first.schema, [
      { name: 'amount', type: 'decimal(12,2)', description: 'in EUR' },
      { name: 'customer_id', type: 'string', description: null },
    ]);
    assert.equal(first.digest, null);
    const again = dataOf<any>(await service.graphql(REGISTER_VERSION, { input })).registerDatasetVersion;
    assert.deepEqual(again, first);

    const filled = dataOf<any>(
      await service.graphql(REGISTER_VERSION, {
        input: { namespace: ns, name: 'raw/transactions', version: '2024-05-01', digest: 'sha256:aa', rowCount: 1200 },
      }),
    );
    assert.equal(filled.registerDatasetVersion.digest, 'sha256:aa', 'an unknown value may be filled');
    assert.equal(filled.registerDatasetVersion.rowCount, 1200);
    assert.equal(filled.registerDatasetVersion.uri, input.uri, 'what is not given stays');

    const conflict = errorOf(
      await service.graphql(REGISTER_VERSION, {
        input: { namespace: ns, name: 'raw/transactions', version: '2024-05-01', digest: 'sha256:bb', rowCount: 1200 },
      }),
      'CONFLICT',
    );
    assert.match(conflict.message, /raw\/transactions@2024-05-01 is immutable: digest: recorded 'sha256:aa', given 'sha256:bb'/);
    const unchanged = dataOf<any>(await service.graphql(`{ node(id: "${first.id}") { ... on DatasetVersion { digest } } }`));
    assert.equal(unchanged.node.digest, 'sha256:aa');
  });

  it('navigates dataset → versions (newest first, paginated) → dataset, and latestVersion', async () => {
    for (const [version, day] of [
      ['a', '01'],
      ['b', '02'],
      ['c', '03'],
    ]) {
      dataOf(await service.graphql(REGISTER_VERSION, { input: { namespace: ns, name: 'paged', version, createdAt: `2024-06-${day}T00:00:00Z` } }));
    }
    const page1 = dataOf<any>(
      await service.graphql(
        `{ dataset(namespace: "${ns}", name: "paged") { latestVersion { version } versions(first: 2) { totalCount pageInfo { hasNextPage endCursor } nodes { version dataset { name } } } } }`,
      ),
    ).dataset;
    assert.equal(page1.latestVersion.version, 'c');
    assert.equal(page1.versions.totalCount, 3);
    assert.deepEqual(
      page1.versions.nodes.map((n: any) => n.version),
      ['c', 'b'],
    );
    assert.equal(page1.versions.nodes[0].dataset.name, 'paged');
    assert.equal(page1.versions.pageInfo.hasNextPage, true);
    const page2 = dataOf<any>(
      await service.graphql(
        `query($after: String) { dataset(namespace: "${ns}", name: "paged") { versions(first: 2, after: $after) { pageInfo { hasNextPage } nodes { version } } } }`,
        {
          after: page1.versions.pageInfo.endCursor,
        },
      ),
    ).dataset;
    assert.deepEqual(
      page2.versions.nodes.map((n: any) => n.version),
      ['a'],
    );
    assert.equal(page2.versions.pageInfo.hasNextPage, false);
  });

  it('lists datasets by namespace and name prefix with cursor pagination', async () => {
    for (const name of ['features/a', 'features/b', 'features/c', 'other']) {
      dataOf(await service.graphql(REGISTER_DATASET, { input: { namespace: ns, name } }));
    }
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: any = dataOf<any>(
        await service.graphql(
          `query($ns: String, $after: String) { datasets(namespace: $ns, namePrefix: "features/", first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { name } } } }`,
          { ns, after },
        ),
      ).datasets;
      assert.equal(page.totalCount, 3);
      seen.push(...page.edges.map((e: any) => e.node.name));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    assert.deepEqual(seen, ['features/a', 'features/b', 'features/c']);
  });

  it('finds any node by its global id and by natural key', async () => {
    const dataset = dataOf<any>(await service.graphql(`{ dataset(namespace: "${ns}", name: "paged") { id } }`)).dataset;
    const byId = dataOf<any>(await service.graphql(`query($id: ID!) { node(id: $id) { __typename id ... on Dataset { name } } }`, { id: dataset.id }));
    assert.deepEqual(byId.node, { __typename: 'Dataset', id: dataset.id, name: 'paged' });
    const missing = dataOf<any>(await service.graphql(`{ a: node(id: "Dataset:AAAAAAAAAAAAAAAAAAAAAA") { id } b: node(id: "nonsense") { id } }`));
    assert.deepEqual(missing, { a: null, b: null });
    assert.equal(dataOf<any>(await service.graphql(`{ dataset(namespace: "${ns}", name: "nope") { id } }`)).dataset, null);
  });

  it('refuses malformed values with BAD_USER_INPUT naming the field, and writes nothing', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ namespace: '', name: 'x', version: '1' }, 'namespace'],
      [{ namespace: ns, name: '   ', version: '1' }, 'name'],
      [{ namespace: ns, name: 'x', version: 'v'.repeat(300) }, 'version'],
      [{ namespace: ns, name: 'bad-schema', version: '1', schema: [{ name: '' }] }, 'schema[0].name'],
      [{ namespace: ns, name: 'bad-count', version: '1', rowCount: -5 }, 'rowCount'],
    ];
    for (const [input, field] of cases) {
      const error = errorOf(await service.graphql(REGISTER_VERSION, { input }), 'BAD_USER_INPUT');
      assert.equal(error.extensions?.field, field, error.message);
    }
    const wrongType = await service.graphql(REGISTER_VERSION, { input: { namespace: ns, name: 'x', version: '1', rowCount: 'many' } });
    assert.equal(wrongType.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    assert.match(wrongType.errors![0]!.message, /rowCount/);
    const untouched = dataOf<any>(
      await service.graphql(`{ a: dataset(namespace: "${ns}", name: "bad-schema") { id } b: dataset(namespace: "${ns}", name: "bad-count") { id } }`),
    );
    assert.deepEqual(untouched, { a: null, b: null });
  });
});
