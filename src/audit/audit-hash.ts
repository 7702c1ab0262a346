import { createHash } from 'node:crypto';
import { canonicalJson } from '../core/canonical-json';

/**
 * The hash chain of the audit trail. Each record's hash covers its whole content and the previous record's hash,
 * so changing, removing or reordering any record breaks every hash after it. The content is serialised as
 * canonical JSON (keys sorted at every level; core/canonical-json.ts, the serialiser that also names OpenLineage
 * events), so the hash depends on the values only, never on property order. That serialisation is frozen: a
 * stored trail verifies only while it gives the same text (test/audit/audit-hash.test.ts pins it).
 */

/** The chain starts from this value: the "previous hash" of record 1. */
export const GENESIS_HASH = '0'.repeat(64);

export interface HashedContent {
  seq: number;
  at: string;
  actor: string;
  source: string;
  requestId: string | null;
  operation: string;
  entityIds: string[];
  changes: unknown[];
  details: Record<string, unknown> | null;
  prevHash: string;
}

export function recordHash(content: HashedContent): string {
  return sha256(canonicalJson(content));
}

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
