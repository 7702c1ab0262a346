import type { Tx } from '../db/database';
import type { Notice, NoticeOutbox } from '../core/notices';

/**
 * The outbox: one WebhookDelivery per event and per active webhook that subscribes to its type, created in the
 * caller's transaction. Nothing is created when no webhook wants the event. The delivery worker
 * (webhook-delivery.worker.ts) sends them, from Neo4j, so a notice outlives the process that caused it.
 */
export class WebhookOutboxRepository implements NoticeOutbox {
  async enqueue(tx: Tx, events: readonly Notice[]): Promise<number> {
    if (events.length === 0) return 0;
    const [row] = await tx.rows<{ created: number }>(
      // Each event, for each active webhook subscribed to its type (and, for failed checks, at or above its severity).
      `UNWIND $events AS e
       MATCH (w:Webhook) WHERE w.active AND e.type IN w.events AND (e.type <> 'QUALITY_CHECK_FAILED' OR e.severityRank >= w.minSeverityRank)
       CREATE (d:WebhookDelivery {id: randomUUID(), webhookId: w.id, type: e.type, at: datetime(e.at), datasetVersionId: e.datasetVersionId,
                                  detailsJson: e.detailsJson, state: 'PENDING', attempts: 0, createdAt: datetime(), nextAttemptAt: datetime()})
       CREATE (d)-[:TO]->(w)
       RETURN count(d) AS created`,
      { events: events.map(({ details, ...event }) => ({ ...event, detailsJson: JSON.stringify(details) })) },
    );
    return row?.created ?? 0;
  }
}
