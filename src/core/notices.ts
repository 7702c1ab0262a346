import type { Tx } from '../db/database';

/**
 * The notice port: what a write tells the world beyond the graph (today, webhooks). Like the audit port
 * (audit-log.ts), the write paths say what happened and an adapter keeps it: webhooks/webhook-outbox.repository.ts
 * writes each notice to an outbox in the writer's transaction, so a notice exists exactly when its cause committed.
 */
export const NOTICE_TYPES = ['QUALITY_CHECK_FAILED', 'DATASET_VERSION_FLAGGED', 'DATASET_VERSION_CLEARED'] as const;
export type NoticeType = (typeof NOTICE_TYPES)[number];

export interface Notice {
  type: NoticeType;
  /** When it happened: the event time of the failed check, the instant of the flag. */
  at: string;
  datasetVersionId: string;
  /** Highest severity rank of the failed checks (1 INFO .. 3 ERROR); a webhook's minSeverity filters on it. Flags: 3. */
  severityRank: number;
  /** What happened, as the notice will say it (failed checks, the flag), JSON-ready. */
  details: Record<string, unknown>;
}

/** Where writes put their notices, in the writer's transaction. */
export interface NoticeOutbox {
  enqueue(tx: Tx, notices: readonly Notice[]): Promise<number>;
}
