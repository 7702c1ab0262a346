import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { dataOf, errorOf } from '../support/graphql';
import { startTestService, uniqueNamespace, type TestService } from '../support/service';

const RECORD = 'seq at actor source requestId operation entityIds changes { entityId field before after } details prevHash hash';

describe('audit trail', () => {
  let service: TestService;
  const ns = uniqueNamespace('audit');
  before(async () => {
    service = await startTestService();
  });
  after(async () => {
    await service?.db.write('cleanup', (tx) =>
      tx.rows('MATCH (n) WHERE n.namespace = $ns OR n.name STARTS WITH $ns OR n.modelName STARTS WITH $ns OR n.runId STARTS WITH $ns DETACH DELETE n', { ns }),
    );
    await service?.stop();
  });

  /** Sends one mutation with its own request id and returns the audit records that request left. */
  async function recordsOf(mutation: string, variables?: Record<string, unknown>): Promise<{ body: any; records: any[] }> {
    const requestId = randomUUID();
    const body = await service.graphql(mutation, variables, { 'x-request-id': requestId });
    const trail = dataOf<any>(await service.graphql(`query($r: String) { auditTrail(requestId: $r, first: 100) { nodes { ${RECORD} } } }`, { r: requestId }));
    return { body, records: trail.auditTrail.nodes };
  }

  it('every GraphQL write leaves exactly one record, chained to the one before it', async () => {
    const writes: Array<[string, string]> = [
      ['registerDataset', `mutation { registerDataset(input: { namespace: "${ns}", name: "raw", description: "v1" }) { id } }`],
      [
        'registerDatasetVersion',
        `mutation { registerDatasetVersion(input: { namespace: "${ns}", name: "raw", version: "1", createdAt: "2025-01-01T00:00:00Z" }) { id } }`,
      ],
      [
        'runEvent.START',
        `mutation { startRun(input: { runId: "${ns}-r1", job: { namespace: "${ns}", name: "train" }, at: "2025-01-02T00:00:00Z", inputs: [{ namespace: "${ns}", name: "raw", version: "1" }] }) { id } }`,
      ],
      ['runEvent.COMPLETE', `mutation { completeRun(input: { runId: "${ns}-r1", at: "2025-01-02T01:00:00Z" }) { id } }`],
      ['runEvent.FAIL', `mutation { failRun(input: { runId: "${ns}-r2", job: { namespace: "${ns}", name: "train" }, errorMessage: "boom" }) { id } }`],
      ['registerModel', `mutation { registerModel(input: { name: "${ns}-model" }) { id } }`],
      ['registerModelVersion', `mutation { registerModelVersion(input: { model: "${ns}-model", version: "1", trainingRunId: "${ns}-r1" }) { id } }`],
      [
        'deployModel',
        `mutation { deployModel(input: { name: "${ns}-slot", environment: "prod", model: "${ns}-model", version: "1", deployedAt: "2025-01-03T00:00:00Z" }) { id } }`,
      ],
      ['retireDeployment', `mutation { retireDeployment(input: { name: "${ns}-slot", environment: "prod", retiredAt: "2025-01-04T00:00:00Z" }) { id } }`],
    ];
    for (const [operation, mutation] of writes) {
      const { body, records } = await recordsOf(mutation);
      dataOf(body);
      assert.equal(records.length, 1, `${operation} left ${records.length} records`);
      const [record] = records;
      assert.equal(record.operation, operation);
      assert.equal(record.actor, 'anonymous');
      assert.equal(record.source, 'graphql');
      assert.match(record.hash, /^[0-9a-f]{64}$/);
      const [previous] = await service.db.read('test', (tx) =>
        tx.rows<{ hash: string }>('MATCH (a:AuditRecord {seq: $seq}) RETURN a.hash AS hash', { seq: record.seq - 1 }),
      );
      assert.equal(record.prevHash, previous?.hash ?? '0'.repeat(64), `${operation}'s record links to record ${record.seq - 1}`);
    }
  });

  it('records the entities touched and the before and after values of what changed', async () => {
    const renamed = await recordsOf(`mutation { registerDataset(input: { namespace: "${ns}", name: "raw", description: "v2" }) { id } }`);
    const datasetId = dataOf<any>(renamed.body).registerDataset.id;
    assert.deepEqual(renamed.records[0].entityIds, [datasetId]);
    assert.deepEqual(renamed.records[0].changes, [{ entityId: datasetId, field: 'description', before: 'v1', after: 'v2' }]);

    const completed = await recordsOf(
      `mutation { completeRun(input: { runId: "${ns}-r3", job: { namespace: "${ns}", name: "train" }, at: "2025-02-01T00:00:00Z", parameters: { lr: 0.1 } }) { id job { id } } }`,
    );
    const run = dataOf<any>(completed.body).completeRun;
    assert.ok(completed.records[0].entityIds.includes(run.id) && completed.records[0].entityIds.includes(run.job.id));
    const fields = Object.fromEntries(completed.records[0].changes.map((c: any) => [c.field, [c.before, c.after]]));
    assert.deepEqual(fields.state, [null, 'COMPLETED']);
    assert.deepEqual(fields.endedAt, [null, '2025-02-01T00:00:00.000Z']);
    assert.deepEqual(fields.parameters, [null, { lr: 0.1 }]);
  });

  it('a refused write leaves no record', async () => {
    const { body, records } = await recordsOf(`mutation { completeRun(input: { runId: "${ns}-r2" }) { id } }`);
    errorOf(body, 'CONFLICT');
    assert.deepEqual(records, []);
  });

  it('each entity exposes its own history, newest first', async () => {
    const data = dataOf<any>(
      await service.graphql(`{ dataset(namespace: "${ns}", name: "raw") { history { totalCount nodes { operation changes { field after } } } } }`),
    );
    assert.deepEqual(
      data.dataset.history.nodes.map((r: any) => r.operation),
      ['registerDataset', 'runEvent.START', 'registerDatasetVersion', 'registerDataset'],
    );
    const deployment = dataOf<any>(await service.graphql(`{ deployments(name: "${ns}-slot") { nodes { history { nodes { operation } } } } }`));
    assert.deepEqual(
      deployment.deployments.nodes[0].history.nodes.map((r: any) => r.operation),
      ['retireDeployment', 'deployModel'],
    );
  });

  it('verification passes on the intact trail and names exactly the record that was altered', async () => {
    const intact = dataOf<any>(await service.graphql('{ verifyAuditTrail { intact count headHash firstBadSeq reason } }')).verifyAuditTrail;
    assert.equal(intact.intact, true, intact.reason);
    assert.ok(intact.count > 0);
    assert.match(intact.headHash, /^[0-9a-f]{64}$/);

    const [victim] = dataOf<any>(
      await service.graphql(`{ auditTrail(actor: "anonymous", entity: null, first: 1, newestFirst: false) { nodes { seq actor } } }`),
    ).auditTrail.nodes;
    const { body } = await recordsOf(`mutation { registerDataset(input: { namespace: "${ns}", name: "after-victim" }) { id } }`);
    dataOf(body);
    // Someone with database access rewrites history behind the service's back.
    await service.db.write('tamper', (tx) => tx.rows('MATCH (a:AuditRecord {seq: $seq}) SET a.actor = "mallory"', { seq: victim.seq }));
    try {
      const broken = dataOf<any>(await service.graphql('{ verifyAuditTrail { intact firstBadSeq reason } }')).verifyAuditTrail;
      assert.deepEqual(broken, { intact: false, firstBadSeq: victim.seq, reason: `record ${victim.seq} does not match its hash: its content was changed` });
    } finally {
      await service.db.write('untamper', (tx) => tx.rows('MATCH (a:AuditRecord {seq: $seq}) SET a.actor = $actor', { seq: victim.seq, actor: victim.actor }));
    }
    assert.equal(dataOf<any>(await service.graphql('{ verifyAuditTrail { intact } }')).verifyAuditTrail.intact, true);
  });

  it('nothing in the API can edit or delete an audit record', async () => {
    const schema = dataOf<any>(await service.graphql('{ __schema { mutationType { fields { name } } } }'));
    const mutations = schema.__schema.mutationType.fields.map((f: any) => f.name as string);
    assert.deepEqual(
      mutations.filter((name: string) => /audit/i.test(name)),
      [],
    );
  });
});
