import type { Tx } from '../db/database';

/**
 * What a webhook can be told about. Each notice is written to the outbox (webhook-outbox.repository.ts) in the
 * transaction of the write that caused it, so a notice exists exactly when its cause committed.
 */
export const WEBHOOK_EVENT_TYPES = ['QUALITY_CHECK_FAILED', 'DATASET_VERSION_FLAGGED', 'DATASET_VERSION_CLEARED'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export interface WebhookEvent {
  type: WebhookEventType;
  /** When it happened: the event time of the failed check, the instant of the flag. */
  at: string;
  datasetVersionId: string;
  /** Highest severity rank of the failed checks (1 INFO .. 3 ERROR); a webhook's minSeverity filters on it. Flags: 3. */
  severityRank: number;
  /** What happened, as the notice will say it (failed checks, the flag), JSON-ready. */
  details: Record<string, unknown>;
}

/** Where writes put their notices: the outbox, in the writer's transaction. */
export interface WebhookNotices {
  enqueue(tx: Tx, events: readonly WebhookEvent[]): Promise<number>;
}
