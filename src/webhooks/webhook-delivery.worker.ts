import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { WebhookSettings } from '../config';
import type { Database } from '../db/database';
import type { Severity } from '../lineage/quality/quality-facets';
import type { QualityAssessmentService } from '../lineage/quality/quality-assessment.service';
import { composeNotice, type NoticeVersion } from './webhook-notice';
import { SIGNATURE_HEADER, signatureOf } from './webhook-signature';
import { WebhookRepository, type AttemptRecord, type ClaimedDelivery } from './webhook.repository';

/** Deliveries claimed per round: a round's notices are sent one after the other. */
const CLAIM_BATCH = 10;
/** Kept of an error message in the log. */
const MAX_ERROR = 500;

/**
 * Sends the outbox's notices (webhook-outbox.repository.ts): every WEBHOOK_POLL_MS it claims the deliveries due,
 * composes each notice once (stored with the delivery, so a retry sends the same bytes), signs it with the
 * webhook's secret (webhook-signature.ts) and POSTs it. A 2xx answer delivers it; anything else (another status,
 * a timeout, a refused connection) is recorded in the delivery's log and retried after WEBHOOK_RETRY_BASE_MS,
 * doubling up to WEBHOOK_RETRY_MAX_MS, until WEBHOOK_MAX_ATTEMPTS. Delivery is at least once: a process that dies
 * between the POST and the record sends again after its lease ran out; receivers dedupe by `X-Lineage-Delivery`.
 * Several instances may run workers against one database: each delivery is claimed by one at a time.
 */
export class WebhookDeliveryWorker {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private readonly claimId = `worker-${randomUUID()}`;

  constructor(
    private readonly db: Database,
    private readonly assessments: QualityAssessmentService,
    private readonly settings: WebhookSettings,
    private readonly logger: Logger,
    private readonly webhooks = new WebhookRepository(),
    private readonly clock: () => Date = () => new Date(),
  ) {}

  start(): void {
    if (!this.settings.delivery || this.timer) return;
    this.stopped = false;
    this.timer = setInterval(() => void this.tick(), this.settings.pollMs);
    this.timer.unref();
  }

  /** Stops claiming; waits for the round in flight (its POSTs are bounded by WEBHOOK_TIMEOUT_MS). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One round: claims what is due and sends it. Never throws (a failed round is logged and tried again later). */
  tick(): Promise<void> {
    if (this.running || this.stopped || !this.db.available) return this.running ?? Promise.resolve();
    this.running = this.round()
      .catch((error: unknown) => this.logger.warn({ err: error }, 'webhook delivery round failed; retrying at the next poll'))
      .finally(() => (this.running = null));
    return this.running;
  }

  private async round(): Promise<void> {
    const leaseMs = this.settings.timeoutMs * 2 + 30_000;
    const claimed = await this.db.write('webhooks.claim', (tx) => this.webhooks.claim(tx, this.claimId, CLAIM_BATCH, leaseMs));
    for (const [index, delivery] of claimed.entries()) {
      if (this.stopped) {
        // Stopping: what was claimed and not sent yet goes back to the outbox at once, not after its lease.
        const left = claimed.slice(index).map((d) => d.id);
        await this.db.write('webhooks.release', (tx) => this.webhooks.release(tx, left, this.claimId));
        break;
      }
      await this.deliver(delivery);
    }
  }

  private async deliver(delivery: ClaimedDelivery): Promise<void> {
    if (!delivery.webhook || !delivery.webhook.active) {
      await this.db.write('webhooks.record', (tx) =>
        this.webhooks.recordAttempt(tx, delivery.id, this.claimId, { state: 'CANCELLED', attempt: null, nextAttemptAt: null }),
      );
      return;
    }
    const body = delivery.payloadJson ?? (await this.compose(delivery));
    const started = performance.now();
    const at = this.clock();
    let status: number | null = null;
    let error: string | null = null;
    try {
      const response = await fetch(delivery.webhook.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'lineage-webhooks/1',
          'x-lineage-event': delivery.type,
          'x-lineage-delivery': delivery.id,
          [SIGNATURE_HEADER]: signatureOf(delivery.webhook.secret, body, Math.floor(at.getTime() / 1000)),
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.settings.timeoutMs),
      });
      status = response.status;
      // The answer's body is not read further than needed to free the connection.
      await response.body?.cancel().catch(() => undefined);
      if (status < 200 || status > 299) error = `HTTP ${status}`;
    } catch (failure) {
      error = failure instanceof Error ? `${failure.name}: ${failure.message}` : String(failure);
    }
    const attempt: AttemptRecord = {
      at: at.toISOString(),
      status,
      error: error?.slice(0, MAX_ERROR) ?? null,
      durationMs: Math.round(performance.now() - started),
    };
    const attempts = delivery.attempts + 1;
    const state = error === null ? 'DELIVERED' : attempts >= this.settings.maxAttempts ? 'FAILED' : 'PENDING';
    const nextAttemptAt = state === 'PENDING' ? new Date(this.clock().getTime() + this.backoff(attempts)).toISOString() : null;
    await this.db.write('webhooks.record', async (tx) => {
      await this.webhooks.appendAttempt(tx, delivery.id, this.claimId, attempt);
      await this.webhooks.recordAttempt(tx, delivery.id, this.claimId, { state, attempt, nextAttemptAt });
    });
    if (state === 'FAILED') this.logger.warn({ delivery: delivery.id, webhook: delivery.webhookId, attempts, error }, 'webhook notice given up');
  }

  /** WEBHOOK_RETRY_BASE_MS after the first failure, doubling, at most WEBHOOK_RETRY_MAX_MS. */
  private backoff(failures: number): number {
    return Math.min(this.settings.retryBaseMs * 2 ** (failures - 1), this.settings.retryMaxMs);
  }

  /** Composes the notice and keeps it with the delivery; a notice composed before (by this worker or another) wins. */
  private async compose(delivery: ClaimedDelivery): Promise<string> {
    const composedAt = this.clock().toISOString();
    const version = await this.db.read('webhooks.version', async (tx) => {
      const [row] = await tx.rows<{ version: NoticeVersion }>(`MATCH (v:DatasetVersion {id: $id}) RETURN v { .id, .namespace, .name, .version } AS version`, {
        id: delivery.datasetVersionId,
      });
      return row?.version ?? null;
    });
    const answer = await this.assessments.downstreamLive([delivery.datasetVersionId], composedAt, (delivery.webhook?.minSeverity ?? 'WARN') as Severity);
    const body = composeNotice(delivery, version, answer, composedAt);
    const saved = await this.db.write('webhooks.compose', (tx) => this.webhooks.savePayload(tx, delivery.id, this.claimId, body));
    if (saved) return body;
    const [stored] = await this.db.read('webhooks.payload', async (tx) => [...(await this.webhooks.findDeliveries(tx, [delivery.id])).values()]);
    return stored?.payloadJson ?? body;
  }
}
