import type { Tx } from '../db/database';
import { keysetPage, type Page, type PageRequest } from '../core/page';
import type { NoticeType } from '../core/notices';

/**
 * Webhooks and their deliveries in the graph:
 *
 *   (:Webhook {url, secret, events, minSeverity, active})<-[:TO]-(:WebhookDelivery {type, state, attempts, …})
 *
 * A delivery goes PENDING → SENDING (claimed by one worker, with a lease) → DELIVERED, or back to PENDING after a
 * failed attempt (nextAttemptAt later), or FAILED once the attempts are spent; CANCELLED when its webhook is gone
 * or inactive. A worker that dies while SENDING loses its lease, and the delivery is claimed again.
 */

export interface StoredWebhook {
  id: string;
  url: string;
  events: NoticeType[];
  minSeverity: string;
  description: string | null;
  active: boolean;
  createdAt: Date;
  createdBy: string;
  updatedAt: Date | null;
}

export interface StoredDelivery {
  id: string;
  webhookId: string;
  type: NoticeType;
  at: Date;
  datasetVersionId: string;
  state: DeliveryState;
  attempts: number;
  createdAt: Date;
  nextAttemptAt: Date | null;
  deliveredAt: Date | null;
  lastStatus: number | null;
  lastError: string | null;
  attemptsJson: string | null;
  payloadJson: string | null;
}

export type DeliveryState = 'PENDING' | 'SENDING' | 'DELIVERED' | 'FAILED' | 'CANCELLED';

export interface ClaimedDelivery extends StoredDelivery {
  detailsJson: string;
  webhook: { id: string; url: string; secret: string; active: boolean; minSeverity: string } | null;
}

export interface AttemptRecord {
  at: string;
  /** HTTP status answered, if any. */
  status: number | null;
  error: string | null;
  durationMs: number;
}

const WEBHOOK = (w: string) => `${w} { .id, .url, .events, .minSeverity, .description, .active, .createdAt, .createdBy, .updatedAt }`;
const DELIVERY_FIELDS =
  '.id, .webhookId, .type, .at, .datasetVersionId, .state, .attempts, .createdAt, .nextAttemptAt, .deliveredAt, .lastStatus, .lastError, .attemptsJson, .payloadJson';
const DELIVERY = (d: string) => `${d} { ${DELIVERY_FIELDS} }`;

export class WebhookRepository {
  async create(
    tx: Tx,
    webhook: Omit<StoredWebhook, 'createdAt' | 'updatedAt' | 'active'> & { secret: string; minSeverityRank: number; at: string },
  ): Promise<void> {
    const { at, ...properties } = webhook;
    await tx.rows(`CREATE (w:Webhook) SET w = $webhook, w.active = true, w.createdAt = datetime($at)`, { webhook: properties, at });
  }

  async update(tx: Tx, id: string, changes: Record<string, unknown>, at: string): Promise<void> {
    await tx.rows(`MATCH (w:Webhook {id: $id}) SET w += $changes, w.updatedAt = datetime($at)`, { id, changes, at });
  }

  /** Removes the webhook; its deliveries stay in the log, those not sent yet cancelled. */
  async delete(tx: Tx, id: string): Promise<number> {
    const [row] = await tx.rows<{ cancelled: number }>(
      `MATCH (w:Webhook {id: $id})
       CALL (w) {
         OPTIONAL MATCH (d:WebhookDelivery)-[:TO]->(w) WHERE d.state IN ['PENDING', 'SENDING']
         SET d.state = 'CANCELLED', d.nextAttemptAt = null
         RETURN count(d) AS cancelled
       }
       DETACH DELETE w
       RETURN cancelled`,
      { id },
    );
    return row?.cancelled ?? 0;
  }

  async findByIds(tx: Tx, ids: readonly string[]): Promise<Map<string, StoredWebhook>> {
    const rows = await tx.rows<{ webhook: StoredWebhook }>(`UNWIND $ids AS id MATCH (w:Webhook {id: id}) RETURN ${WEBHOOK('w')} AS webhook`, { ids });
    return new Map(rows.map((row) => [row.webhook.id, row.webhook]));
  }

  async list(tx: Tx): Promise<StoredWebhook[]> {
    return (await tx.rows<{ webhook: StoredWebhook }>(`MATCH (w:Webhook) RETURN ${WEBHOOK('w')} AS webhook ORDER BY w.createdAt, w.id`)).map(
      (row) => row.webhook,
    );
  }

  /** The delivery log, newest first; filtered by webhook and state. */
  deliveries(tx: Tx, filter: { webhookId: string | null; state: DeliveryState | null }, request: PageRequest): Promise<Page<StoredDelivery>> {
    return keysetPage<StoredDelivery>(
      tx,
      {
        match: `MATCH (n:WebhookDelivery) WHERE ($webhookId IS NULL OR n.webhookId = $webhookId) AND ($state IS NULL OR n.state = $state)`,
        projection: DELIVERY('n'),
        sortKeys: [
          { expression: 'n.createdAt', descending: true, temporal: true },
          { expression: 'n.id', descending: true },
        ],
        params: filter,
      },
      request,
    );
  }

  async findDeliveries(tx: Tx, ids: readonly string[]): Promise<Map<string, StoredDelivery>> {
    const rows = await tx.rows<{ delivery: StoredDelivery }>(`UNWIND $ids AS id MATCH (d:WebhookDelivery {id: id}) RETURN ${DELIVERY('d')} AS delivery`, {
      ids,
    });
    return new Map(rows.map((row) => [row.delivery.id, row.delivery]));
  }

  /**
   * Claims up to `limit` deliveries that are due (PENDING whose time has come, or SENDING whose lease ran out):
   * each is locked, checked again under the lock (another worker may have claimed it meanwhile), and leased to
   * `claim` for `leaseMs`.
   */
  async claim(tx: Tx, claim: string, limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
    const rows = await tx.rows<{ delivery: ClaimedDelivery }>(
      `CALL () {
         MATCH (d:WebhookDelivery) WHERE d.state = 'PENDING' AND d.nextAttemptAt <= datetime() RETURN d
         UNION
         MATCH (d:WebhookDelivery) WHERE d.state = 'SENDING' AND d.leaseUntil <= datetime() RETURN d
       }
       WITH d ORDER BY coalesce(d.nextAttemptAt, d.leaseUntil) LIMIT toInteger($claim.limit)
       SET d.claimLock = true
       REMOVE d.claimLock
       WITH d WHERE (d.state = 'PENDING' AND d.nextAttemptAt <= datetime()) OR (d.state = 'SENDING' AND d.leaseUntil <= datetime())
       SET d.state = 'SENDING', d.claim = $claim.id, d.leaseUntil = datetime() + duration({milliseconds: $claim.leaseMs})
       WITH d
       OPTIONAL MATCH (d)-[:TO]->(w:Webhook)
       RETURN d { ${DELIVERY_FIELDS}, .detailsJson, webhook: CASE WHEN w IS NULL THEN null ELSE w { .id, .url, .secret, .active, .minSeverity } END } AS delivery`,
      { claim: { id: claim, limit, leaseMs } },
    );
    return rows.map((row) => row.delivery);
  }

  /** Gives claimed deliveries back, due at once (a worker stopping before it sent them). */
  async release(tx: Tx, ids: readonly string[], claim: string): Promise<void> {
    await tx.rows(
      `UNWIND $ids AS id MATCH (d:WebhookDelivery {id: id}) WHERE d.claim = $claim AND d.state = 'SENDING'
       SET d.state = 'PENDING', d.claim = null, d.leaseUntil = null, d.nextAttemptAt = coalesce(d.nextAttemptAt, datetime())`,
      { ids, claim },
    );
  }

  /** Keeps the body of a notice, composed once, so that every attempt sends the same bytes. */
  async savePayload(tx: Tx, id: string, claim: string, payloadJson: string): Promise<boolean> {
    const rows = await tx.rows(
      `MATCH (d:WebhookDelivery {id: $id}) WHERE d.claim = $claim AND d.payloadJson IS NULL SET d.payloadJson = $payloadJson RETURN d.id`,
      {
        id,
        claim,
        payloadJson,
      },
    );
    return rows.length > 0;
  }

  /** Records an attempt by the claim holder: delivered, to be retried at `nextAttemptAt`, or given up. */
  async recordAttempt(
    tx: Tx,
    id: string,
    claim: string,
    outcome: { state: 'DELIVERED' | 'PENDING' | 'FAILED' | 'CANCELLED'; attempt: AttemptRecord | null; nextAttemptAt: string | null },
  ): Promise<void> {
    await tx.rows(
      `MATCH (d:WebhookDelivery {id: $id}) WHERE d.claim = $claim AND d.state = 'SENDING'
       SET d.state = $outcome.state, d.leaseUntil = null, d.claim = null,
           d.nextAttemptAt = CASE WHEN $outcome.nextAttemptAt IS NULL THEN null ELSE datetime($outcome.nextAttemptAt) END,
           d.attempts = d.attempts + CASE WHEN $outcome.attempt IS NULL THEN 0 ELSE 1 END,
           d.lastStatus = CASE WHEN $outcome.attempt IS NULL THEN d.lastStatus ELSE $outcome.attempt.status END,
           d.lastError = CASE WHEN $outcome.attempt IS NULL THEN d.lastError ELSE $outcome.attempt.error END,
           d.deliveredAt = CASE WHEN $outcome.state = 'DELIVERED' THEN datetime($outcome.attempt.at) ELSE d.deliveredAt END`,
      { id, claim, outcome },
    );
  }

  /** Appends an attempt to the delivery's log (kept as JSON: a list of maps is not a Neo4j property). */
  async appendAttempt(tx: Tx, id: string, claim: string, attempt: AttemptRecord): Promise<void> {
    await tx.rows(
      `MATCH (d:WebhookDelivery {id: $id}) WHERE d.claim = $claim
       SET d.attemptsJson = CASE WHEN d.attemptsJson IS NULL THEN '[' + $attempt + ']' ELSE left(d.attemptsJson, size(d.attemptsJson) - 1) + ',' + $attempt + ']' END`,
      { id, claim, attempt: JSON.stringify(attempt) },
    );
  }

  /** Sends a delivery again: a FAILED or CANCELLED one becomes PENDING, due now, its attempts kept. */
  async redeliver(tx: Tx, id: string): Promise<boolean> {
    const rows = await tx.rows(
      `MATCH (d:WebhookDelivery {id: $id})-[:TO]->(:Webhook) WHERE d.state IN ['FAILED', 'CANCELLED', 'DELIVERED']
       SET d.state = 'PENDING', d.nextAttemptAt = datetime(), d.deliveredAt = null
       RETURN d.id`,
      { id },
    );
    return rows.length > 0;
  }
}
