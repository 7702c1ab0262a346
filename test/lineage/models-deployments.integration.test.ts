import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { dataOf, errorOf } from '../support/graphql';
import { startTestService, uniqueNamespace, type TestService } from '../support/service';

const REGISTER_VERSION = `mutation($input: RegisterModelVersionInput!) { registerModelVersion(input: $input) { id modelName version artifactUri digest framework metrics createdAt trainingRun { runId } model { name } } }`;
const DEPLOY = `mutation($input: DeployModelInput!) { deployModel(input: $input) { id name environment endpoint deployedAt retiredAt deployedBy isLive modelVersion { version } previous { id retiredAt retiredBy } next { id } } }`;
const RETIRE = `mutation($input: RetireDeploymentInput!) { retireDeployment(input: $input) { id retiredAt retiredBy isLive } }`;

describe('models, model versions and deployments', () => {
  let service: TestService;
  const ns = uniqueNamespace('models');
  const model = `${ns}-fraud`;
  const slot = `${ns}-api`;
  before(async () => {
    service = await startTestService();
    dataOf(
      await service.graphql(`mutation($input: RunInput!) { completeRun(input: $input) { id } }`, {
        input: { runId: `${ns}-train-1`, job: { namespace: ns, name: 'train' }, at: '2024-07-01T12:00:00Z' },
      }),
    );
    dataOf(
      await service.graphql(`mutation($input: RunInput!) { completeRun(input: $input) { id } }`, {
        input: { runId: `${ns}-train-2`, job: { namespace: ns, name: 'train' }, at: '2024-07-02T12:00:00Z' },
      }),
    );
  });
  after(async () => {
    await service?.db.write('cleanup', (tx) =>
      tx.rows('MATCH (n) WHERE n.namespace = $ns OR n.name STARTS WITH $ns OR n.modelName STARTS WITH $ns OR n.runId STARTS WITH $ns DETACH DELETE n', { ns }),
    );
    await service?.stop();
  });

  it('registerModel is idempotent', async () => {
    const query = `mutation { registerModel(input: { name: "${model}", description: "scores card transactions" }) { id name description } }`;
    assert.deepEqual(dataOf(await service.graphql(query)), dataOf(await service.graphql(query)));
  });

  it('registerModelVersion links its training run, is idempotent and write-once', async () => {
    const input = { model, version: '1', trainingRunId: `${ns}-train-1`, artifactUri: 's3://models/fraud/1', framework: 'xgboost 2.0', metrics: { auc: 0.91 } };
    const first = dataOf<any>(await service.graphql(REGISTER_VERSION, { input })).registerModelVersion;
    assert.deepEqual(first.trainingRun, { runId: `${ns}-train-1` });
    assert.equal(first.createdAt, '2024-07-01T12:00:00.000Z', "defaults to the training run's end");
    assert.deepEqual(first.metrics, { auc: 0.91 });
    assert.deepEqual(dataOf<any>(await service.graphql(REGISTER_VERSION, { input })).registerModelVersion, first);

    errorOf(await service.graphql(REGISTER_VERSION, { input: { ...input, artifactUri: 's3://elsewhere' } }), 'CONFLICT');
    errorOf(await service.graphql(REGISTER_VERSION, { input: { ...input, trainingRunId: `${ns}-train-2` } }), 'CONFLICT');
    const missingRun = errorOf(await service.graphql(REGISTER_VERSION, { input: { model, version: '9', trainingRunId: 'no-such-run' } }), 'NOT_FOUND');
    assert.equal(missingRun.extensions?.ref, 'no-such-run');
    const badMetric = errorOf(await service.graphql(REGISTER_VERSION, { input: { model, version: '9', metrics: { auc: 'high' } } }), 'BAD_USER_INPUT');
    assert.equal(badMetric.extensions?.field, 'metrics.auc');
    assert.equal(dataOf<any>(await service.graphql(`{ modelVersion(model: "${model}", version: "9") { id } }`)).modelVersion, null);

    dataOf(await service.graphql(REGISTER_VERSION, { input: { model, version: '2', trainingRunId: `${ns}-train-2`, artifactUri: 's3://models/fraud/2' } }));
    const nav = dataOf<any>(
      await service.graphql(`{ model(name: "${model}") { latestVersion { version } versions { totalCount nodes { version } } }
                              run(runId: "${ns}-train-1") { modelVersions { modelName version } } }`),
    );
    assert.equal(nav.model.latestVersion.version, '2');
    assert.deepEqual(
      nav.model.versions.nodes.map((v: any) => v.version),
      ['2', '1'],
    );
    assert.deepEqual(nav.run.modelVersions, [{ modelName: model, version: '1' }]);
  });

  it('deployModel retires the live deployment of the slot at the same instant', async () => {
    const first = dataOf<any>(
      await service.graphql(DEPLOY, {
        input: { name: slot, environment: 'production', model, version: '1', deployedAt: '2024-07-03T09:00:00Z', endpoint: 'https://fraud/v1' },
      }),
    ).deployModel;
    assert.equal(first.isLive, true);
    assert.equal(first.deployedBy, 'anonymous', 'defaults to the authenticated principal');
    assert.equal(first.previous, null);

    const again = dataOf<any>(
      await service.graphql(DEPLOY, {
        input: { name: slot, environment: 'production', model, version: '1', deployedAt: '2024-07-03T09:00:00Z', endpoint: 'https://fraud/v1' },
      }),
    );
    assert.equal(again.deployModel.id, first.id, 'replaying a deployment returns it');
    const alreadyLive = dataOf<any>(await service.graphql(DEPLOY, { input: { name: slot, environment: 'production', model, version: '1' } }));
    assert.equal(alreadyLive.deployModel.id, first.id, 'deploying what is live changes nothing');

    const second = dataOf<any>(
      await service.graphql(DEPLOY, {
        input: { name: slot, environment: 'production', model, version: '2', deployedAt: '2024-07-04T09:00:00Z', deployedBy: 'release-bot' },
      }),
    ).deployModel;
    assert.equal(second.deployedBy, 'release-bot');
    assert.deepEqual(second.previous, { id: first.id, retiredAt: '2024-07-04T09:00:00.000Z', retiredBy: 'release-bot' });

    const history = dataOf<any>(
      await service.graphql(`{ liveDeployment(name: "${slot}", environment: "production") { id modelVersion { version } }
                              deployments(environment: "production", name: "${slot}") { totalCount nodes { id isLive next { id } } }
                              live: deployments(name: "${slot}", live: true) { nodes { id } }
                              modelVersion(model: "${model}", version: "1") { deployments { id isLive } } }`),
    );
    assert.deepEqual(history.liveDeployment, { id: second.id, modelVersion: { version: '2' } });
    assert.deepEqual(history.deployments.nodes, [
      { id: second.id, isLive: true, next: null },
      { id: first.id, isLive: false, next: { id: second.id } },
    ]);
    assert.deepEqual(history.live.nodes, [{ id: second.id }]);
    assert.deepEqual(history.modelVersion.deployments, [{ id: first.id, isLive: false }]);

    const outOfOrder = errorOf(
      await service.graphql(DEPLOY, { input: { name: slot, environment: 'production', model, version: '1', deployedAt: '2024-07-03T12:00:00Z' } }),
      'CONFLICT',
    );
    assert.match(outOfOrder.message, /precedes the latest deployment/);
    const unknownVersion = errorOf(await service.graphql(DEPLOY, { input: { name: slot, environment: 'production', model, version: '404' } }), 'NOT_FOUND');
    assert.match(unknownVersion.message, new RegExp(`${model}@404`));
  });

  it('retireDeployment by slot or id; retiring again changes nothing', async () => {
    const retired = dataOf<any>(
      await service.graphql(RETIRE, { input: { name: slot, environment: 'production', retiredAt: '2024-07-05T00:00:00Z' } }),
    ).retireDeployment;
    assert.equal(retired.isLive, false);
    assert.equal(retired.retiredBy, 'anonymous');
    const again = dataOf<any>(await service.graphql(RETIRE, { input: { id: retired.id } })).retireDeployment;
    assert.deepEqual(again, retired);
    errorOf(await service.graphql(RETIRE, { input: { id: retired.id, retiredAt: '2024-07-06T00:00:00Z' } }), 'CONFLICT');
    errorOf(await service.graphql(RETIRE, { input: { id: 'Deployment:AAAAAAAAAAAAAAAAAAAAAA' } }), 'NOT_FOUND');
    const badId = errorOf(await service.graphql(RETIRE, { input: { id: 'Run:AAAAAAAAAAAAAAAAAAAAAA' } }), 'BAD_USER_INPUT');
    assert.equal(badId.extensions?.field, 'id');
    assert.equal(dataOf<any>(await service.graphql(`{ liveDeployment(name: "${slot}", environment: "production") { id } }`)).liveDeployment, null);
  });
});
