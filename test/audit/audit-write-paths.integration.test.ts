import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ids } from '../../src/core/ids';
import { PROJECT_ROOT } from '../../src/paths';
import { createTestKey } from '../support/auth';
import { dataOf } from '../support/graphql';
import { runEvent } from '../support/openlineage-events';
import { post } from '../support/openlineage-http';
import { startTestService, testNeo4jUri, uniqueNamespace, type TestService } from '../support/service';

const RECORD = 'seq actor source requestId operation entityIds changes { entityId field before after } details prevHash hash';

/**
 * The write paths beyond GraphQL mutations: OpenLineage events (single and batch), the replay CLI and API keys.
 * Each accepted write leaves exactly one chained record with its actor; duplicates and refusals leave none.
 */
describe('audit trail of every write path', () => {
  let service: TestService;
  let admin: { name: string; header: Record<string, string> };
  let writer: { name: string; header: Record<string, string> };
  const ns = uniqueNamespace('auditpaths');

  before(async () => {
    service = await startTestService({ LINEAGE_AUTH: 'on' });
    admin = await createTestKey(service.services, 'admin', 'audit-admin');
    writer = await createTestKey(service.services, 'writer', 'audit-writer');
  });
  after(async () => {
    await service?.db.write('cleanup', (tx) =>
      tx.rows(
        `MATCH (n) WHERE n.namespace = $ns OR n.runId STARTS WITH $ns
         OPTIONAL MATCH (e:LineageEvent)-[:ABOUT]->(n)
         DETACH DELETE e, n`,
        { ns },
      ),
    );
    await service?.stop();
  });

  async function recordsOf(requestId: string): Promise<any[]> {
    const answer = await service.graphql(
      `query($r: String) { auditTrail(requestId: $r, first: 100, newestFirst: false) { nodes { ${RECORD} } } }`,
      { r: requestId },
      admin.header,
    );
    return dataOf<any>(answer).auditTrail.nodes;
  }

  async function assertChained(records: readonly any[]): Promise<void> {
    for (const record of records) {
      const [previous] = await service.db.read('test', (tx) =>
        tx.rows<{ hash: string }>('MATCH (a:AuditRecord {seq: $seq}) RETURN a.hash AS hash', { seq: record.seq - 1 }),
      );
      assert.equal(record.prevHash, previous?.hash ?? '0'.repeat(64), `record ${record.seq} links to record ${record.seq - 1}`);
    }
  }

  it('an OpenLineage event leaves one record with its actor; the same event again leaves none', async () => {
    const runId = randomUUID();
    const event = runEvent({ namespace: ns, runId, eventType: 'START', input: 'raw', output: 'features' });
    const requestId = randomUUID();
    const answer = await post(service, '/api/v1/lineage', event, { ...writer.header, 'x-request-id': requestId });
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    const [record, ...more] = await recordsOf(requestId);
    assert.deepEqual(more, []);
    assert.equal(record.operation, 'openlineage.RunEvent.START');
    assert.equal(record.actor, `key:${writer.name}`);
    assert.equal(record.source, 'openlineage');
    assert.equal(record.details.runId, runId);
    assert.match(record.details.eventId, /^[0-9a-f]{64}$/);
    const runGlobalId = ids.run(runId);
    assert.ok(record.entityIds.includes(runGlobalId), 'the run');
    assert.ok(record.entityIds.includes(ids.job(ns, 'pipeline.step')), 'its job');
    assert.ok(record.entityIds.includes(ids.dataset(ns, 'raw')), 'the dataset it reads');
    assert.ok(record.details.created.includes(runGlobalId));
    await assertChained([record]);

    const again = randomUUID();
    assert.equal((await post(service, '/api/v1/lineage', event, { ...writer.header, 'x-request-id': again })).status, 201);
    assert.deepEqual(await recordsOf(again), [], 'a duplicate changes nothing and records nothing');

    const complete = randomUUID();
    const completed = runEvent({ namespace: ns, runId, eventType: 'COMPLETE', input: 'raw', output: 'features' });
    assert.equal((await post(service, '/api/v1/lineage', completed, { ...writer.header, 'x-request-id': complete })).status, 201);
    const [end] = await recordsOf(complete);
    assert.ok(
      end.entityIds.includes(ids.datasetVersion(ns, 'features', completed.outputs[0].facets.version.datasetVersion)),
      'the version it wrote on completion',
    );
    const changed = Object.fromEntries(end.changes.filter((c: any) => c.entityId === runGlobalId).map((c: any) => [c.field, [c.before, c.after]]));
    assert.deepEqual(changed.state, ['RUNNING', 'COMPLETED']);
    assert.deepEqual(changed.endedAt, [null, completed.eventTime]);
  });

  it('a batch leaves one chained record per accepted event, none for the refused one', async () => {
    const requestId = randomUUID();
    const good = [runEvent({ namespace: ns, eventType: 'START', output: 'a' }), runEvent({ namespace: ns, eventType: 'COMPLETE', output: 'b' })];
    const bad = { ...runEvent({ namespace: ns }), eventTime: 'yesterday' };
    const answer = await post(service, '/api/v1/lineage/batch', [good[0], bad, good[1]], { ...writer.header, 'x-request-id': requestId });
    assert.ok(answer.status < 300, JSON.stringify(answer.body));
    assert.deepEqual(
      answer.body.results?.map((r: any) => r.status) ?? answer.body.map?.((r: any) => r.status),
      ['accepted', 'rejected', 'accepted'],
      JSON.stringify(answer.body),
    );
    const records = await recordsOf(requestId);
    assert.deepEqual(
      records.map((r) => [r.operation, r.details.runId]),
      [
        ['openlineage.RunEvent.START', good[0]!.run.runId],
        ['openlineage.RunEvent.COMPLETE', good[1]!.run.runId],
      ],
    );
    assert.equal(records[1].seq, records[0].seq + 1);
    await assertChained(records);
  });

  it('creating and revoking an API key is recorded, without its secret', async () => {
    const name = uniqueNamespace('audited-key');
    const created = randomUUID();
    const answer = await service.graphql(`mutation { createApiKey(input: { name: "${name}", role: reader }) { secret } }`, undefined, {
      ...admin.header,
      'x-request-id': created,
    });
    const { secret } = dataOf<any>(answer).createApiKey;
    const [record] = await recordsOf(created);
    assert.equal(record.operation, 'createApiKey');
    assert.equal(record.actor, `key:${admin.name}`);
    assert.deepEqual(record.entityIds, [`ApiKey:${name}`]);
    assert.deepEqual(record.details, { name, role: 'reader' });
    assert.ok(!JSON.stringify(record).includes(secret.slice(4)), 'no part of the secret');

    const revoked = randomUUID();
    dataOf(await service.graphql(`mutation { revokeApiKey(name: "${name}") { name } }`, undefined, { ...admin.header, 'x-request-id': revoked }));
    assert.deepEqual(
      (await recordsOf(revoked)).map((r) => r.operation),
      ['revokeApiKey'],
    );
    const twice = randomUUID();
    dataOf(await service.graphql(`mutation { revokeApiKey(name: "${name}") { name } }`, undefined, { ...admin.header, 'x-request-id': twice }));
    assert.deepEqual(await recordsOf(twice), [], 'revoking a revoked key changes nothing');
  });

  it('the replay CLI records each accepted event with source cli and the operating-system user', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lineage-audit-cli-'));
    try {
      const events = [runEvent({ namespace: ns, eventType: 'START', output: 'cli-a' }), runEvent({ namespace: ns, eventType: 'COMPLETE', output: 'cli-b' })];
      fs.writeFileSync(path.join(dir, 'events.ndjson'), events.map((e) => JSON.stringify(e)).join('\n'));
      const cli = path.join(PROJECT_ROOT, 'dist', 'src', 'cli', 'ingest.js');
      const exit = await new Promise<number>((resolve) =>
        execFile(process.execPath, [cli, dir], { env: { ...process.env, NEO4J_URI: testNeo4jUri(), LOG_LEVEL: 'silent' }, timeout: 120_000 }, (error) =>
          resolve(error ? Number((error as { code?: number }).code ?? 1) : 0),
        ),
      );
      assert.equal(exit, 0);
      for (const event of events) {
        const trail = await service.graphql(
          `query($e: ID) { auditTrail(entity: $e, first: 10) { nodes { operation actor source } } }`,
          { e: ids.run(event.run.runId) },
          admin.header,
        );
        assert.deepEqual(dataOf<any>(trail).auditTrail.nodes, [
          { operation: `openlineage.RunEvent.${event.eventType}`, actor: `cli:${os.userInfo().username}`, source: 'cli' },
        ]);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
