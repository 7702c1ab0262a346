import type { Tx } from '../../db/database';
import type { LineageChange } from './lineage-change.types';
import type { LineageState } from './lineage-state';

/**
 * Work derived from what a recorder transaction recorded, that must commit or roll back with it: records kept
 * beside the lineage (data quality reports) and notices to send (webhook outbox). The recorder calls each hook
 * once per transaction, after its own write and before the audit records, with the changes, which of them were
 * recorded (not duplicates, not refused) and the state they left.
 */
export interface LineageWriteHook {
  afterWrite(tx: Tx, batch: RecordedBatch): Promise<void>;
}

export interface RecordedBatch {
  changes: readonly LineageChange[];
  /** One per change: true when the change was recorded in this transaction. */
  recorded: readonly boolean[];
  state: LineageState;
}
