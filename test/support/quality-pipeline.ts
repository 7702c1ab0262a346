import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Database } from '../../src/db/database';
import { dataOf } from './graphql';
import { postEach } from './openlineage-http';
import { removeIsolated } from './openlineage-isolation';
import type { TestService } from './service';

/**
 * A small pipeline for the data quality tests, recorded through the front doors (OpenLineage events, GraphQL
 * mutations) under its own prefix, deployed to environments of its own so that answers about live deployments
 * see only it:
 *
 *   raw@v1 (1 Jan) → build-1 (2 Jan) → features@v1 → train-1 (3 Jan) → model@1
 *   raw@v2 (1 Feb) → build-2 (2 Feb) → features@v2 → train-2 (3 Feb) → model@2
 *
 *   api in <prefix>-production serves model@1 from 5 Jan; batch in <prefix>-production serves model@1 from
 *   6 Jan; api in <prefix>-staging serves model@2 from 5 Feb.
 */
export interface QualityPipeline {
  prefix: string;
  namespace: string;
  model: string;
  production: string;
  staging: string;
  ids: Record<'raw1' | 'raw2' | 'features1' | 'features2' | 'model1' | 'model2' | 'api' | 'batch' | 'staging', string>;
  /** Posts a check of a raw version (a DatasetEvent with dataQualityAssertions). */
  check(version: 'v1' | 'v2', at: string, assertions: Array<Record<string, unknown>>): Promise<void>;
  remove(): Promise<void>;
}

const PRODUCER = 'https://github.com/acme/pipelines';
const RUN_EVENT = 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent';
const DATASET_EVENT = 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/DatasetEvent';

export async function buildQualityPipeline(service: TestService, prefix: string): Promise<QualityPipeline> {
  const namespace = `${prefix}-lake`;
  const model = `${prefix}-model`;
  const production = `${prefix}-production`;
  const staging = `${prefix}-staging`;
  const register = async (name: string, version: string, createdAt: string, rowCount: number) =>
    dataOf<any>(
      await service.graphql(`mutation($input: DatasetVersionInput!) { registerDatasetVersion(input: $input) { id } }`, {
        input: { namespace, name, version, createdAt, rowCount },
      }),
    ).registerDatasetVersion.id as string;
  const raw1 = await register('raw', 'v1', '2025-01-01T00:00:00Z', 1000);
  const raw2 = await register('raw', 'v2', '2025-02-01T00:00:00Z', 1300);
  const run = (job: string, at: string, inputs: unknown[], outputs: unknown[]) => {
    const runId = randomUUID();
    const base = { producer: PRODUCER, schemaURL: RUN_EVENT, run: { runId }, job: { namespace: `${prefix}-jobs`, name: job } };
    return [
      { ...base, eventType: 'START', eventTime: at, inputs },
      { ...base, eventType: 'COMPLETE', eventTime: new Date(Date.parse(at) + 3_600_000).toISOString(), outputs },
    ];
  };
  const dataset = (name: string, version: string, facets: Record<string, unknown> = {}) => ({
    namespace,
    name,
    facets: { version: { datasetVersion: version }, ...facets },
  });
  const modelOutput = (version: string) => ({ namespace: `${prefix}-models`, name: model, facets: { lineage_modelVersion: { name: model, version } } });
  const events = [
    ...run('build', '2025-01-02T00:00:00Z', [dataset('raw', 'v1')], [dataset('features', 'v1', {})]),
    ...run('train', '2025-01-03T00:00:00Z', [dataset('features', 'v1')], [modelOutput('1')]),
    ...run('build', '2025-02-02T00:00:00Z', [dataset('raw', 'v2')], [dataset('features', 'v2')]),
    ...run('train', '2025-02-03T00:00:00Z', [dataset('features', 'v2')], [modelOutput('2')]),
  ];
  for (const answer of await postEach(service, events)) assert.equal(answer.status, 201, JSON.stringify(answer.body));
  const deploy = async (name: string, environment: string, version: string, deployedAt: string) =>
    dataOf<any>(
      await service.graphql(`mutation($input: DeployModelInput!) { deployModel(input: $input) { id } }`, {
        input: { name, environment, model, version, deployedAt },
      }),
    ).deployModel.id as string;
  const api = await deploy('api', production, '1', '2025-01-05T00:00:00Z');
  const batch = await deploy('batch', production, '1', '2025-01-06T00:00:00Z');
  const stagingId = await deploy('api', staging, '2', '2025-02-05T00:00:00Z');
  const ids = await versionIds(service, namespace, model);

  return {
    prefix,
    namespace,
    model,
    production,
    staging,
    ids: { raw1, raw2, features1: ids.features1, features2: ids.features2, model1: ids.model1, model2: ids.model2, api, batch, staging: stagingId },
    async check(version, at, assertions) {
      const [answer] = await postEach(service, [
        { eventTime: at, producer: PRODUCER, schemaURL: DATASET_EVENT, dataset: dataset('raw', version, { dataQualityAssertions: { assertions } }) },
      ]);
      assert.equal(answer!.status, 201, JSON.stringify(answer!.body));
    },
    remove: () => removeQualityPipeline(service.db, prefix),
  };
}

async function versionIds(service: TestService, namespace: string, model: string) {
  const data = dataOf<any>(
    await service.graphql(
      `query($namespace: String!, $model: String!) {
        f1: datasetVersion(namespace: $namespace, name: "features", version: "v1") { id }
        f2: datasetVersion(namespace: $namespace, name: "features", version: "v2") { id }
        m1: modelVersion(model: $model, version: "1") { id }
        m2: modelVersion(model: $model, version: "2") { id }
      }`,
      { namespace, model },
    ),
  );
  return { features1: data.f1.id, features2: data.f2.id, model1: data.m1.id, model2: data.m2.id };
}

export async function removeQualityPipeline(db: Database, prefix: string): Promise<void> {
  await removeIsolated(db, [prefix]);
  await db.write('test.removeDeployments', (tx) => tx.rows(`MATCH (d:Deployment) WHERE d.environment STARTS WITH $prefix DETACH DELETE d`, { prefix }));
}
