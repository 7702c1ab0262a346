import { randomUUID } from 'node:crypto';
import type { AuditLog } from '../core/audit-log';
import type { Database } from '../db/database';
import { BadInputError, NotFoundError } from '../errors';
import type { Limits } from '../limits';
import { mapPage, pageRequest, type Page } from '../core/page';
import { optionalText, INPUT_LIMITS } from '../core/validate';
import type { WriteContext } from '../core/write-context';
import { SEVERITIES, SEVERITY_RANK, type Severity } from '../lineage/quality/quality-facets';
import { NOTICE_TYPES, type NoticeType } from '../core/notices';
import { WebhookRepository, type DeliveryState, type StoredDelivery, type StoredWebhook } from './webhook.repository';

export interface WebhookFields {
  url?: string | null;
  secret?: string | null;
  events?: readonly string[] | null;
  minSeverity?: Severity | null;
  description?: string | null;
  active?: boolean | null;
}

export interface DeliveryView extends Omit<StoredDelivery, 'attemptsJson' | 'payloadJson'> {
  attemptLog: Array<{ at: string; status: number | null; error: string | null; durationMs: number }>;
  payload: Record<string, unknown> | null;
}

const MIN_SECRET = 16;
const DELIVERY_STATES: readonly DeliveryState[] = ['PENDING', 'SENDING', 'DELIVERED', 'FAILED', 'CANCELLED'];
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Webhook administration (admin role): where notices go, with which secret, about which events. Every change is
 * audited; the secret never is, and is never shown again after it is set (it signs notices, see
 * webhook-signature.ts). The delivery log is read here too.
 */
export class WebhookService {
  constructor(
    private readonly db: Database,
    private readonly limits: Limits,
    private readonly audit: AuditLog,
    private readonly allowHttp: boolean,
    private readonly webhooks = new WebhookRepository(),
  ) {}

  async create(context: WriteContext, input: WebhookFields): Promise<StoredWebhook> {
    const url = this.url(input.url);
    const secret = secretOf(input.secret);
    const events = eventsOf(input.events);
    const minSeverity = severityOf(input.minSeverity);
    const description = optionalText('description', input.description, INPUT_LIMITS.text);
    const id = `Webhook:${randomUUID()}`;
    const at = new Date().toISOString();
    return this.db.write('createWebhook', async (tx) => {
      await this.webhooks.create(tx, {
        id,
        url,
        secret,
        events,
        minSeverity,
        minSeverityRank: SEVERITY_RANK[minSeverity],
        description,
        createdBy: context.actor,
        at,
      });
      await this.audit.append(tx, context, [
        { operation: 'createWebhook', entityIds: [id], changes: [], details: { url, events, minSeverity, description, secret: 'set' } },
      ]);
      return (await this.webhooks.findByIds(tx, [id])).get(id)!;
    });
  }

  async update(context: WriteContext, id: string, input: WebhookFields): Promise<StoredWebhook> {
    const changes: Record<string, unknown> = {};
    if (input.url != null) changes.url = this.url(input.url);
    if (input.secret != null) changes.secret = secretOf(input.secret);
    if (input.events != null) changes.events = eventsOf(input.events);
    if (input.minSeverity != null) {
      changes.minSeverity = severityOf(input.minSeverity);
      changes.minSeverityRank = SEVERITY_RANK[changes.minSeverity as Severity];
    }
    if (input.description !== undefined) changes.description = optionalText('description', input.description, INPUT_LIMITS.text);
    if (input.active != null) changes.active = input.active;
    return this.db.write('updateWebhook', async (tx) => {
      const before = (await this.webhooks.findByIds(tx, [id])).get(id);
      if (!before) throw new NotFoundError('Webhook', id);
      await this.webhooks.update(tx, id, changes, new Date().toISOString());
      const audited = Object.keys(changes)
        .filter((field) => field !== 'minSeverityRank')
        .map((field) =>
          field === 'secret'
            ? { entityId: id, field, before: 'set', after: 'changed' }
            : { entityId: id, field, before: (before as unknown as Record<string, unknown>)[field] ?? null, after: changes[field] ?? null },
        );
      await this.audit.append(tx, context, [{ operation: 'updateWebhook', entityIds: [id], changes: audited }]);
      return (await this.webhooks.findByIds(tx, [id])).get(id)!;
    });
  }

  async delete(context: WriteContext, id: string): Promise<boolean> {
    return this.db.write('deleteWebhook', async (tx) => {
      const before = (await this.webhooks.findByIds(tx, [id])).get(id);
      if (!before) throw new NotFoundError('Webhook', id);
      const cancelled = await this.webhooks.delete(tx, id);
      await this.audit.append(tx, context, [{ operation: 'deleteWebhook', entityIds: [id], details: { url: before.url, cancelledDeliveries: cancelled } }]);
      return true;
    });
  }

  list(): Promise<StoredWebhook[]> {
    return this.db.read('webhooks', (tx) => this.webhooks.list(tx));
  }

  deliveries(filter: { webhookId?: string | null; state?: DeliveryState | null }, first?: number | null, after?: string | null): Promise<Page<DeliveryView>> {
    if (filter.state && !DELIVERY_STATES.includes(filter.state)) throw new BadInputError('state', `must be one of ${DELIVERY_STATES.join(', ')}`);
    const request = pageRequest(first, after, this.limits.page);
    return this.db.read('webhookDeliveries', async (tx) =>
      mapPage(await this.webhooks.deliveries(tx, { webhookId: filter.webhookId ?? null, state: filter.state ?? null }, request), toDeliveryView),
    );
  }

  /** Sends a delivery again (after fixing the receiver): it becomes PENDING, due now; its log is kept. */
  async redeliver(context: WriteContext, id: string): Promise<DeliveryView> {
    return this.db.write('redeliverWebhookDelivery', async (tx) => {
      const before = (await this.webhooks.findDeliveries(tx, [id])).get(id);
      if (!before) throw new NotFoundError('WebhookDelivery', id);
      if (!(await this.webhooks.redeliver(tx, id)))
        throw new BadInputError('id', `delivery ${id} is ${before.state} (or its webhook is gone); only a FAILED, CANCELLED or DELIVERED one is sent again`);
      await this.audit.append(tx, context, [
        {
          operation: 'redeliverWebhookDelivery',
          entityIds: [before.webhookId],
          changes: [{ entityId: before.webhookId, field: `deliveries.${id}.state`, before: before.state, after: 'PENDING' }],
        },
      ]);
      return toDeliveryView((await this.webhooks.findDeliveries(tx, [id])).get(id)!);
    });
  }

  /** https:// always; http:// to loopback, or anywhere with WEBHOOK_ALLOW_HTTP=on. */
  private url(value: string | null | undefined): string {
    if (typeof value !== 'string' || value.trim() === '') throw new BadInputError('url', 'is required');
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      throw new BadInputError('url', `'${value.slice(0, 80)}' is not a URL`);
    }
    if (parsed.username || parsed.password) throw new BadInputError('url', 'must not carry credentials; the secret authenticates the notices');
    const http = parsed.protocol === 'http:';
    if (parsed.protocol !== 'https:' && !(http && (LOOPBACK.has(parsed.hostname) || this.allowHttp))) {
      throw new BadInputError('url', `must be an https:// URL (http:// only on loopback, or with WEBHOOK_ALLOW_HTTP=on), got '${value.slice(0, 80)}'`);
    }
    if (value.length > INPUT_LIMITS.uri) throw new BadInputError('url', `must be at most ${INPUT_LIMITS.uri} characters`);
    return parsed.toString();
  }
}

function secretOf(value: string | null | undefined): string {
  if (typeof value !== 'string' || value.length < MIN_SECRET)
    throw new BadInputError('secret', `must be at least ${MIN_SECRET} characters (it signs the notices)`);
  if (value.length > 1024) throw new BadInputError('secret', 'must be at most 1024 characters');
  return value;
}

function eventsOf(value: readonly string[] | null | undefined): NoticeType[] {
  if (!value || value.length === 0) throw new BadInputError('events', `name at least one of ${NOTICE_TYPES.join(', ')}`);
  for (const event of value) {
    if (!(NOTICE_TYPES as readonly string[]).includes(event)) throw new BadInputError('events', `'${event}' is not one of ${NOTICE_TYPES.join(', ')}`);
  }
  return [...new Set(value as NoticeType[])].sort();
}

function severityOf(value: Severity | null | undefined): Severity {
  const severity = value ?? 'WARN';
  if (!SEVERITIES.includes(severity)) throw new BadInputError('minSeverity', `must be one of ${SEVERITIES.join(', ')}`);
  return severity;
}

function toDeliveryView({ attemptsJson, payloadJson, ...delivery }: StoredDelivery): DeliveryView {
  return {
    ...delivery,
    attemptLog: attemptsJson ? (JSON.parse(attemptsJson) as DeliveryView['attemptLog']) : [],
    payload: payloadJson ? (JSON.parse(payloadJson) as Record<string, unknown>) : null,
  };
}
