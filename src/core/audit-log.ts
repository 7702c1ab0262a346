import type { Tx } from '../db/database';
import type { WriteContext } from './write-context';

/**
 * What core asks of the audit trail: every write appends its records in the transaction that writes it, so a
 * committed change always has its record and a rolled-back one never does. The audit module implements it
 * (src/audit/audit.service.ts: numbering and hash chain); core only says what happened.
 */
export interface AuditLog {
  /** Appends one record per entry inside the caller's write transaction. */
  append(tx: Tx, context: WriteContext, entries: readonly AuditEntry[]): Promise<void>;
}

/** What a write tells the audit trail about itself. */
export interface AuditEntry {
  operation: string;
  entityIds: readonly string[];
  changes?: readonly AuditChange[];
  details?: Record<string, unknown> | null;
  /**
   * Who made this change, where one transaction records several writers' changes (the group commit of concurrent
   * OpenLineage events); otherwise the append's context.
   */
  context?: WriteContext;
}

/** One field of one entity, set or changed by a write: its value before (null when it had none) and after. */
export interface AuditChange {
  entityId: string;
  field: string;
  before: unknown;
  after: unknown;
}
