import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { verifySignature } from '../../src/webhooks/webhook-signature';
import { dataOf, errorOf } from '../support/graphql';
import { buildQualityPipeline, removeQualityPipeline, type QualityPipeline } from '../support/quality-pipeline';
import { startTestService, uniqueNamespace, type TestService } from '../support/service';

/**
 * Webhooks against a receiver this test starts on loopback: signed notices listing the live deployments at
 * risk, retries with backoff, and no notice lost when the service stops and another starts.
 */

interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A receiver that answers each request to a path with the next status of `answers[path]` (200 once they run out). */
class Receiver {
  readonly received: Received[] = [];
  readonly answers = new Map<string, number[]>();
  private server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = request.url ?? '/';
      this.received.push({ path, headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      response.statusCode = this.answers.get(path)?.shift() ?? 200;
      response.end('ok');
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    // The service keeps connections alive between notices: close them, or close() waits for ever.
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  of(deliveryId: string): Received[] {
    return this.received.filter((request) => request.headers['x-lineage-delivery'] === deliveryId);
  }
}

const WORKER = { WEBHOOK_DELIVERY: 'on', WEBHOOK_POLL_MS: '50', WEBHOOK_RETRY_BASE_MS: '100', WEBHOOK_RETRY_MAX_MS: '400', WEBHOOK_MAX_ATTEMPTS: '5' };
const SECRET = 'whsec-test-0123456789abcdef';
const CREATE = `mutation($input: CreateWebhookInput!) { createWebhook(input: $input) { id url events minSeverity active } }`;
const DELIVERIES = `query($webhook: ID) { webhookDeliveries(webhook: $webhook, first: 50) {
  totalCount nodes { id type state attempts datasetVersionId lastStatus lastError deliveredAt attemptLog { status error } payload } } }`;
const FLAG = `mutation($input: FlagDatasetVersionInput!) { flagDatasetVersion(input: $input) { id } }`;

async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('webhooks', () => {
  let service: TestService;
  let pipeline: QualityPipeline;
  let receiver: Receiver;
  let url: string;
  const webhookIds: string[] = [];

  const create = async (path: string, input: Record<string, unknown>) => {
    const webhook = dataOf<any>(await service.graphql(CREATE, { input: { url: `${url}${path}`, secret: SECRET, ...input } })).createWebhook;
    webhookIds.push(webhook.id);
    return webhook;
  };
  const deliveries = async (webhook: string) => dataOf<any>(await service.graphql(DELIVERIES, { webhook })).webhookDeliveries.nodes as any[];
  const delivered = (webhook: string, type: string, count = 1) =>
    waitFor(`${count} ${type} delivered`, async () => {
      const found = (await deliveries(webhook)).filter((d) => d.type === type && d.state === 'DELIVERED');
      return found.length >= count ? found : null;
    });

  before(async () => {
    receiver = new Receiver();
    url = await receiver.start();
    service = await startTestService(WORKER);
    pipeline = await buildQualityPipeline(service, uniqueNamespace('hooks'));
  });
  after(async () => {
    for (const id of webhookIds) await service?.graphql(`mutation($id: ID!) { deleteWebhook(id: $id) }`, { id });
    await service?.db.write('test.removeDeliveries', (tx) =>
      tx.rows(`MATCH (d:WebhookDelivery) WHERE d.webhookId IN $ids DETACH DELETE d`, { ids: webhookIds }),
    );
    if (pipeline) await removeQualityPipeline(service.db, pipeline.prefix);
    await service?.stop();
    await receiver?.stop();
  });

  it('refuses webhooks it could not deliver safely', async () => {
    const refuse = async (input: Record<string, unknown>, field: string) =>
      assert.equal(
        errorOf(
          await service.graphql(CREATE, { input: { url: `${url}/refused`, secret: SECRET, events: ['DATASET_VERSION_FLAGGED'], ...input } }),
          'BAD_USER_INPUT',
        ).extensions?.field,
        field,
      );
    await refuse({ url: 'http://hooks.example.com/lineage' }, 'url');
    await refuse({ url: 'ftp://127.0.0.1/x' }, 'url');
    await refuse({ url: 'https://user:pw@hooks.example.com/' }, 'url');
    await refuse({ secret: 'short' }, 'secret');
    await refuse({ events: [] }, 'events');
  });

  it('POSTs a signed notice listing the live deployments at risk when an ingested check fails', async () => {
    const webhook = await create('/on-call', { events: ['QUALITY_CHECK_FAILED', 'DATASET_VERSION_FLAGGED'], description: 'on-call' });
    assert.equal(webhook.minSeverity, 'WARN');
    // Another webhook wants only errors: a warning sends it nothing.
    const errorsOnly = await create('/errors', { events: ['QUALITY_CHECK_FAILED'], minSeverity: 'ERROR' });
    await pipeline.check('v1', '2025-03-01T00:00:00Z', [{ assertion: 'not_null', column: 'amount', success: false, severity: 'warn' }]);
    const [delivery] = await delivered(webhook.id, 'QUALITY_CHECK_FAILED');
    assert.equal(delivery.attempts, 1);
    assert.equal(delivery.lastStatus, 200);
    assert.equal(delivery.datasetVersionId, pipeline.ids.raw1);
    const [request] = receiver.of(delivery.id);
    assert.ok(request, 'the receiver got the notice');
    assert.equal(request.headers['content-type'], 'application/json');
    assert.equal(request.headers['x-lineage-event'], 'QUALITY_CHECK_FAILED');
    assert.ok(verifySignature(SECRET, request.body, String(request.headers['x-lineage-signature']), Math.floor(Date.now() / 1000)), 'signed with the secret');
    assert.ok(!verifySignature('another-secret-0123456789', request.body, String(request.headers['x-lineage-signature']), Math.floor(Date.now() / 1000)));
    assert.deepEqual(JSON.parse(request.body), delivery.payload);

    const notice = JSON.parse(request.body);
    assert.equal(notice.type, 'QUALITY_CHECK_FAILED');
    assert.equal(notice.occurredAt, '2025-03-01T00:00:00.000Z');
    assert.deepEqual(notice.datasetVersion, { id: pipeline.ids.raw1, namespace: pipeline.namespace, name: 'raw', version: 'v1' });
    assert.equal(notice.run, null);
    assert.deepEqual(
      notice.failedChecks.map((check: any) => [check.assertion, check.column, check.severity]),
      [['not_null', 'amount', 'WARN']],
    );
    assert.equal(notice.liveDeployments.atRisk, 2);
    assert.deepEqual(
      notice.liveDeployments.deployments.map((d: any) => `${d.name} ${d.environment} ${d.modelVersion} ${d.atRisk} ${d.datasetVersionStatus}`),
      [`api ${pipeline.production} ${pipeline.model}@1 true FAILED`, `batch ${pipeline.production} ${pipeline.model}@1 true FAILED`],
    );
    assert.deepEqual(
      notice.liveDeployments.deployments[0].path.map((node: any) => node.kind),
      ['Deployment', 'ModelVersion', 'Run', 'DatasetVersion', 'Run', 'DatasetVersion'],
    );

    // The same failure reported again is no news; the errors-only webhook got nothing.
    await pipeline.check('v1', '2025-03-01T00:00:00Z', [{ assertion: 'not_null', column: 'amount', success: false, severity: 'warn' }]);
    assert.equal((await deliveries(webhook.id)).filter((d) => d.type === 'QUALITY_CHECK_FAILED').length, 1);
    assert.deepEqual(await deliveries(errorsOnly.id), []);
  });

  it('retries with backoff until the receiver answers, sending the same notice each time', async () => {
    const webhook = await create('/retries', { events: ['DATASET_VERSION_FLAGGED'] });
    receiver.answers.set('/retries', [500, 503]);
    dataOf(await service.graphql(FLAG, { input: { id: pipeline.ids.raw2, status: 'BAD', reason: 'INC-77: truncated upload' } }));
    const [delivery] = await delivered(webhook.id, 'DATASET_VERSION_FLAGGED');
    assert.equal(delivery.attempts, 3);
    assert.deepEqual(
      delivery.attemptLog.map((attempt: any) => attempt.status),
      [500, 503, 200],
    );
    assert.equal(delivery.attemptLog[0].error, 'HTTP 500');
    const requests = receiver.of(delivery.id);
    assert.equal(requests.length, 3);
    assert.equal(new Set(requests.map((request) => request.body)).size, 1);
    const notice = JSON.parse(requests[0]!.body);
    assert.equal(notice.flag.status, 'BAD');
    assert.equal(notice.flag.reason, 'INC-77: truncated upload');
    assert.deepEqual(
      notice.liveDeployments.deployments.map((d: any) => `${d.name} ${d.environment} ${d.atRisk}`),
      [`api ${pipeline.staging} true`],
    );
  });

  it('loses no notice across a restart, nor one written while no worker ran', async () => {
    const webhook = await create('/restart', { events: ['DATASET_VERSION_FLAGGED'] });
    receiver.answers.set(
      '/restart',
      Array.from({ length: 1_000 }, () => 500),
    );
    dataOf(await service.graphql(FLAG, { input: { id: pipeline.ids.raw1, status: 'SUSPECT', reason: 'checking the refunds' } }));
    const failing = await waitFor('a failed attempt', async () => (await deliveries(webhook.id)).find((d) => d.attempts >= 1 && d.state === 'PENDING'));
    assert.equal(failing.lastStatus, 500);
    await service.stop();

    // A service that sends nothing records a flag: its notice waits in the outbox.
    service = await startTestService({ ...WORKER, WEBHOOK_DELIVERY: 'off' });
    dataOf(await service.graphql(FLAG, { input: { id: pipeline.ids.raw1, status: 'BAD', reason: 'refunds double-counted' } }));
    const waiting = await deliveries(webhook.id);
    assert.equal(waiting.length, 2);
    assert.ok(waiting.every((d) => d.state === 'PENDING'));
    await service.stop();

    receiver.answers.set('/restart', []);
    service = await startTestService(WORKER);
    const both = await delivered(webhook.id, 'DATASET_VERSION_FLAGGED', 2);
    const first = both.find((d) => d.id === failing.id)!;
    assert.ok(first.attempts >= 2);
    assert.equal(first.attemptLog.at(-1).status, 200);
    const requests = receiver.of(failing.id);
    assert.equal(new Set(requests.map((request) => request.body)).size, 1, 'the same notice, before and after the restart');
    assert.ok(
      both.every((d) =>
        receiver
          .of(d.id)
          .some((request) => verifySignature(SECRET, request.body, String(request.headers['x-lineage-signature']), Math.floor(Date.now() / 1000))),
      ),
    );
  });

  it('keeps the secret out of every answer and of the audit trail', async () => {
    const body = await service.graphql(
      `{ webhooks { id url } auditTrail(first: 100, newestFirst: true) { nodes { operation details changes { field before after } } } }`,
    );
    const text = JSON.stringify(dataOf(body));
    assert.ok(!text.includes(SECRET));
    assert.ok(text.includes('createWebhook'));
  });
});
